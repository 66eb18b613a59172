"""Hubei's application-form fields: the declarations of 附件1 一 that the eligibility rules check.

Each field's code is ``hubei.<key>``; the checks in :mod:`plugins.hubei.rules` read the same
``<key>`` (see ``APPLICANT_DATA_KEYS``). Source: 002_9c75e1d2ebfbdf50.txt 附件1 一(一)–(四).
"""
from __future__ import annotations

from core.plugins.types import FieldKind, FormField, with_english_labels, with_examples
from plugins.hubei.rules import (
    APPLICANT_DATA_KEYS,
    KEY_INDUSTRIES,
    OTHER_INDUSTRY,
    cite,
    key_industry_field,
)

_P, _F, _S, _K = ("product",), ("factory",), ("supply_chain",), ("park",)

#: which unit types declare each key, with the 附件1 section it answers
_DECLARATIONS = {
    "product_cleaner_production_leading": (_P, "附件1 一(一)1"),
    "product_emissions_compliant": (_P, "附件1 一(一)1"),
    "product_performance_standards": (_P, "附件1 一(一)2"),
    "independent_legal_person": (_F + _S, "附件1 一(二)1; 一(三)1"),
    "actual_manufacturing": (_F, "附件1 一(二)1"),
    "covers_subsidiaries": (_F, "附件1 一(二)1"),
    "complies_with_laws": (_F + _S, "附件1 一(二)2; 一(三)1"),
    "factory_leading_performance": (_F, "附件1 一(二)3"),
    "factory_management_systems": (_F, "附件1 一(二)4"),
    "sc_industry_influence": (_S, "附件1 一(三)2"),
    "sc_management_systems": (_S, "附件1 一(三)2"),
    "sc_strategy": (_S, "附件1 一(三)3"),
    "sc_supplier_management": (_S, "附件1 一(三)4"),
    "park_manufacturing_energy_function": (_K, "附件1 一(四)1"),
    "park_legal_boundary": (_K, "附件1 一(四)1"),
    "park_unified_management": (_K, "附件1 一(四)1"),
    "park_targets_met": (_K, "附件1 一(四)2"),
    "park_carbon_intensity_falling": (_K, "附件1 一(四)2"),
    "park_environment_compliant": (_K, "附件1 一(四)3"),
    "park_green_body": (_K, "附件1 一(四)4"),
    "meets_type_standard": (_P + _F + _S + _K, "附件1 一(一)3; 一(二)5; 一(三)5; 一(四)5"),
}


def _label(key: str) -> str:
    return APPLICANT_DATA_KEYS[key].split(": ", 1)[1]


def _declaration(key: str, unit_types: tuple[str, ...], section: str) -> FormField:
    label = _label(key)
    return FormField(
        code=f"hubei.{key}", label=label, unit_types=unit_types, section="conditions", kind=FieldKind.YES_NO,
        cite=cite(section),
    )


_PARK_LEVELS = (("provincial", "省级"), ("national", "国家级"))

FORM_FIELDS = tuple(_declaration(k, types, section) for k, (types, section) in _DECLARATIONS.items()) + (
    FormField(
        code="hubei.park_level", label="园区级别", unit_types=_K, section="conditions",
        kind=FieldKind.CHOICE, choices=_PARK_LEVELS, required=True, cite=cite("附件1 一(四)1"),
    ),
    FormField(
        code="hubei.park_green_body_staff", label="绿色发展专门机构专职工作人员人数", unit_types=_K, section="conditions",
        kind=FieldKind.INTEGER, required=True, minimum=0, cite=cite("附件1 一(四)4"),
    ),
)



def _key_industry(unit_type: str) -> FormField:
    """二 建设内容: the applicant's industry among those the plan builds first, or 其他行业 (no priority)."""
    from plugins.hubei.rules import _INDUSTRY_CITES

    label = "所属重点行业（优先）"
    choices = (*KEY_INDUSTRIES[unit_type], OTHER_INDUSTRY)
    return FormField(
        code=key_industry_field(unit_type), label=label, unit_types=(unit_type,), section="conditions",
        kind=FieldKind.CHOICE, choices=choices, cite=cite(_INDUSTRY_CITES[unit_type]),
    )


_POOL_LABEL = "已列入所在市州绿色制造体系创建培育库"

PRIORITY_FIELDS = tuple(_key_industry(ut) for ut in KEY_INDUSTRIES) + (
    FormField(
        code="hubei.in_cultivation_pool", label=_POOL_LABEL, section="conditions", kind=FieldKind.YES_NO,
        cite=cite("三(一) (建立本地区绿色制造体系创建培育库)"),
    ),
)

FORM_FIELDS = FORM_FIELDS + PRIORITY_FIELDS

#: English labels (platform translations; the form's own labels above are the official ones)
LABELS_EN = {
    "hubei.actual_manufacturing": "A manufacturing enterprise engaged in actual production",
    "hubei.complies_with_laws": "Complies with the relevant laws, regulations, policies and standards in construction "
                                "and production",
    "hubei.covers_subsidiaries": "This application includes independent subsidiaries (where there are several, each "
                                 "subsidiary applies on its own: leave this unticked)",
    "hubei.factory_key_industry": "Key industry it belongs to (recommended first)",
    "hubei.factory_leading_performance": "Sound economic and technical basis and returns, clear competitive edge, "
                                         "performance leading its industry",
    "hubei.factory_management_systems": "Sound quality, occupational health, environmental, safety and energy management",
    "hubei.in_cultivation_pool": "Already in the city's green-manufacturing cultivation pool",
    "hubei.independent_legal_person": "Lawfully established, with independent legal personality",
    "hubei.meets_type_standard": "Meets the evaluation standards and policy requirements of this category",
    "hubei.park_carbon_intensity_falling": "Carbon emission intensity keeps falling",
    "hubei.park_environment_compliant": "Environmental quality up to standard, enterprises' emissions compliant, key "
                                        "pollutants within total-amount control",
    "hubei.park_green_body": "Has a dedicated body responsible for green development",
    "hubei.park_green_body_staff": "Full-time staff of the dedicated green-development body",
    "hubei.park_legal_boundary": "Has statutory boundaries and extent",
    "hubei.park_level": "Level of the park",
    "hubei.park_manufacturing_energy_function": "Mainly for manufacturing and energy supply",
    "hubei.park_targets_met": "Energy-saving and emission-reduction targets met",
    "hubei.park_unified_management": "Has a unified management body",
    "hubei.product_cleaner_production_leading": "The producer's cleaner production leads its industry",
    "hubei.product_emissions_compliant": "Pollutant emissions meet national and local emission standards",
    "hubei.product_key_industry": "Key industry it belongs to (recommended first)",
    "hubei.product_performance_standards": "Quality, safety, hygiene, energy saving and utilisation up to standard",
    "hubei.sc_industry_influence": "Strong influence in its industry, sales and profitability leading its industry",
    "hubei.sc_management_systems": "Fairly complete energy, resource and environmental management systems, sound rules",
    "hubei.sc_strategy": "Has a green supply-chain management strategy with clear targets and measures",
    "hubei.sc_supplier_management": "Many suppliers, with a complete supplier management system",
    "hubei.supply_chain_key_industry": "Key industry it belongs to (recommended first)",
}
#: English of the options, a platform translation: what is sent and stored stays the document's
TERMS_EN = {
    "省级": "Provincial", "国家级": "National",
    # 重点行业 of seed 002's factory, product and supply-chain conditions
    "电子信息": "Electronic information", "高端装备": "High-end equipment", "汽车": "Automotive", "食品": "Food",
    "医药": "Pharmaceuticals", "新能源": "New energy", "新材料": "New materials", "其他行业": "Other industries",
    "机械": "Machinery", "电子": "Electronics", "通信": "Telecommunications", "石化": "Petrochemicals", "钢铁": "Steel",
    "建材": "Building materials", "纺织": "Textiles", "家电": "Household appliances", "航空航天": "Aerospace",
    "电子电器": "Electronics and electrical appliances", "大型成套装备": "Large complete equipment", "轻工": "Light industry",
    "包装": "Packaging",
}
FORM_FIELDS = with_english_labels(FORM_FIELDS, LABELS_EN, TERMS_EN)

#: what a unit typically answers (invented, not policy): the demo instance fills its applications with them and the
#: contract kit checks each one passes its field; the conditions of seed 002 附件1 are met, a subsidiary applies
#: on its own (各子公司单独申报), the priorities are left to each unit
EXAMPLES = {
    "hubei.product_cleaner_production_leading": True, "hubei.product_emissions_compliant": True,
    "hubei.product_performance_standards": True, "hubei.independent_legal_person": True,
    "hubei.actual_manufacturing": True, "hubei.covers_subsidiaries": False, "hubei.complies_with_laws": True,
    "hubei.factory_leading_performance": True, "hubei.factory_management_systems": True,
    "hubei.sc_industry_influence": True, "hubei.sc_management_systems": True, "hubei.sc_strategy": True,
    "hubei.sc_supplier_management": True, "hubei.park_manufacturing_energy_function": True,
    "hubei.park_legal_boundary": True, "hubei.park_unified_management": True, "hubei.park_targets_met": True,
    "hubei.park_carbon_intensity_falling": True, "hubei.park_environment_compliant": True,
    "hubei.park_green_body": True, "hubei.meets_type_standard": True, "hubei.park_level": "provincial",
    "hubei.park_green_body_staff": 6, "hubei.in_cultivation_pool": True,
}
FORM_FIELDS = with_examples(FORM_FIELDS, EXAMPLES)
