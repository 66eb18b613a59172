"""Jiangxi's extra application-form fields, each declared once (core builds the web form's and the API's field).

Core attaches each as ``ext_jiangxi__<code>``; values live in the application's extension data.
"""
from __future__ import annotations

from core.plugins.types import FieldKind, FormField, Level, with_english_labels, with_examples
from plugins.jiangxi.rules import (
    PARK_FIELDS,
    PARK_RANKS,
    S003,
    SC_GREEN_FACTORY_FIELD,
)

_PRIORITY_CITE = f"{S003} 二（三） (优先推荐汽车、机械、电子、纺织、通信制造等行业…龙头企业和汽车产品生产者责任延伸试点企业)"


def _flag(code: str, label: str, cite: str, help: str = "", help_en: str = "",
          section: str = "jiangxi_priority") -> FormField:
    return FormField(code=code, label=label, unit_types=("supply_chain",), section=section, kind=FieldKind.YES_NO,
                     help=help, help_en=help_en, cite=cite)


_TABLE_CITE = f"{S003} 附件 (2024年绿色制造名单推荐汇总表: 区县; 园区 类型)"


def _text(code: str, label: str, unit_types: tuple[str, ...]) -> FormField:
    return FormField(code=code, label=label, unit_types=unit_types, section="basic", kind=FieldKind.TEXT,
                     required=True, max_length=60, cite=_TABLE_CITE)


_PARK_CITE = (f"{S003} 二（二） (推荐的绿色园区是以产品制造和能源供给为主要功能、工业增加值占比超过50%、具有法定边界和范围、"
              "具备统一管理机构的省级及以上园区)")
_PARK_LEVELS = (Level.PROVINCIAL, Level.NATIONAL)


def _park_flag(key: str, label: str) -> FormField:
    return FormField(code=PARK_FIELDS[key], label=label, unit_types=("park",), levels=_PARK_LEVELS,
                     section="park_conditions", kind=FieldKind.YES_NO, cite=_PARK_CITE)


_SHARE_LABEL = "工业增加值占园区增加值比重（%）"
_RANK_LABEL = "园区级别"

PARK_CONDITION_FIELDS = (
    _park_flag("main_function", "以产品制造和能源供给为主要功能"),
    FormField(
        code=PARK_FIELDS["va_share"], label=_SHARE_LABEL, unit_types=("park",), levels=_PARK_LEVELS,
        section="park_conditions", kind=FieldKind.NUMBER, minimum=0, maximum=100, cite=_PARK_CITE,
    ),
    _park_flag("legal_boundary", "具有法定边界和范围"),
    _park_flag("unified_management", "具备统一管理机构"),
    FormField(
        code=PARK_FIELDS["rank"], label=_RANK_LABEL, unit_types=("park",), levels=_PARK_LEVELS, section="park_conditions",
        kind=FieldKind.CHOICE, choices=tuple(PARK_RANKS), cite=_PARK_CITE,
    ),
)

FORM_FIELDS = PARK_CONDITION_FIELDS + (
    # the summary table asks for each unit's 区县, and for parks their 类型
    _text("jiangxi.county", "所在区县", ("factory", "park", "supply_chain")),
    _text("jiangxi.park_type", "园区类型（如国家级经济技术开发区、省级高新区）", ("park",)),
    _flag("jiangxi.priority_automotive", "汽车行业", _PRIORITY_CITE),
    _flag("jiangxi.priority_machinery", "机械行业", _PRIORITY_CITE),
    _flag("jiangxi.priority_electronics", "电子行业", _PRIORITY_CITE),
    _flag("jiangxi.priority_textiles", "纺织行业", _PRIORITY_CITE),
    _flag("jiangxi.priority_telecoms", "通信制造行业", _PRIORITY_CITE),
    _flag("jiangxi.priority_epr_pilot", "汽车产品生产者责任延伸试点企业", _PRIORITY_CITE),
    _flag("jiangxi.priority_green_supplier_leader", "供应商中绿色工厂数量众多的龙头企业", _PRIORITY_CITE),
    _flag(SC_GREEN_FACTORY_FIELD, "本企业为绿色工厂", f"{S003} 二（三） (原则上申报绿色供应链管理企业应为绿色工厂)",
          "原则上申报绿色供应链管理企业应为绿色工厂；未勾选时由审核人确认",
          "In principle an enterprise applying for green supply-chain management should be a green factory; "
          "left unticked, the reviewer confirms it", section="basic"),
)

#: English labels (platform translations; the form's own labels above are the official ones)
LABELS_EN = {
    "jiangxi.county": "County or district",
    "jiangxi.park_industrial_va_share": "Industry's share of the park's value added (%)",
    "jiangxi.park_legal_boundary": "Has statutory boundaries and extent",
    "jiangxi.park_main_function": "Mainly for manufacturing and energy supply",
    "jiangxi.park_rank": "Level of the park",
    "jiangxi.park_type": "Type of park (e.g. national economic and technological development zone, provincial "
                         "high-tech zone)",
    "jiangxi.park_unified_management": "Has a unified management body",
    "jiangxi.priority_automotive": "Automotive industry",
    "jiangxi.priority_electronics": "Electronics industry",
    "jiangxi.priority_epr_pilot": "Pilot enterprise for extended producer responsibility of automotive products",
    "jiangxi.priority_green_supplier_leader": "Leading enterprise with many green factories among its suppliers",
    "jiangxi.priority_machinery": "Machinery industry",
    "jiangxi.priority_telecoms": "Telecommunications manufacturing industry",
    "jiangxi.priority_textiles": "Textile industry",
    "jiangxi.sc_is_green_factory": "The enterprise is a green factory",
}
#: English of the options, a platform translation: what is sent and stored stays the document's
TERMS_EN = {"国家级": "National", "省级": "Provincial", "省级以下": "Below provincial"}
FORM_FIELDS = with_english_labels(FORM_FIELDS, LABELS_EN, TERMS_EN)

#: what a unit typically answers (invented, not policy): the demo instance fills its applications with them and the
#: contract kit checks each one passes its field; a park meets seed 003 二（二）, the priorities are left to each unit
EXAMPLES = {
    "jiangxi.park_main_function": True, "jiangxi.park_industrial_va_share": 62.5, "jiangxi.park_legal_boundary": True,
    "jiangxi.park_unified_management": True, "jiangxi.park_rank": "provincial", "jiangxi.county": "经济技术开发区",
    "jiangxi.park_type": "省级经济技术开发区", "jiangxi.sc_is_green_factory": True,
}
FORM_FIELDS = with_examples(FORM_FIELDS, EXAMPLES)
