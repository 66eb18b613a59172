"""Shanxi's extra application-form fields, each declared once (core builds the web form's and the API's field).

Priority flags for cultivation (第七条) and the declarations the eligibility rules of
:mod:`plugins.shanxi.rules` check (第八条、第九条、第十条、第十六条). A field with code
``shanxi.<name>`` is read by the checks as ``<name>`` (see ``rules._value``).
"""
from __future__ import annotations

from core.plugins.types import FieldKind, FormField, Level, with_english_labels, with_examples
from plugins.shanxi.rules import (
    FIELD_PREFIX, LEAD_EVIDENCE_FIELD, PARK_ENTERPRISES_CITE, PARK_ENTERPRISES_FIELD, S,
    SHANXI_LEVELS,
)


def _flag(name: str, label: str, *, unit_types: tuple[str, ...], cite: str, section: str,
          levels: tuple[Level, ...] = SHANXI_LEVELS) -> FormField:
    return FormField(
        code=f"{FIELD_PREFIX}{name}", label=label, unit_types=unit_types, levels=levels, section=section,
        kind=FieldKind.YES_NO, cite=cite,
    )


_PRIORITY = "cultivation"
_CONDITIONS = "conditions"
_LEAD_LABEL = ("行业影响力、经营实力、产业链完整性、绿色供应链管理基础、在产业链中的主导作用及绿色工厂创建情况（说明及佐证，"
               "第十条（一））")

_PARK_ENTERPRISES_LABEL = "园区内企业统一社会信用代码（每行一个，第十七条：含园区内企业）"

FORM_FIELDS = (
    # 第七条: 鼓励引导"产业链链主企业、省级专业镇龙头企业、专精特新'小巨人'企业"率先开展绿色工厂创建
    _flag("chain_leader", "产业链链主企业", unit_types=("factory",), section=_PRIORITY,
          cite=f"{S} 第七条 (产业链链主企业)"),
    _flag("specialty_town_leader", "省级专业镇龙头企业", unit_types=("factory",), section=_PRIORITY,
          cite=f"{S} 第七条 (省级专业镇龙头企业)"),
    _flag("little_giant", "专精特新“小巨人”企业", unit_types=("factory",), section=_PRIORITY,
          cite=f"{S} 第七条 (专精特新‘小巨人’企业)"),
    # 第八条 (一), 第十条 (一)
    _flag("independent_legal_entity", "依法设立并具有独立法人资格或者视同法人的独立核算单位",
          unit_types=("factory", "supply_chain"), section=_CONDITIONS, cite=f"{S} 第八条 (一); 第十条 (一)"),
    _flag("actual_manufacturing", "从事实际生产的制造型企业", unit_types=("factory",), section=_CONDITIONS,
          cite=f"{S} 第八条 (一)"),
    # 第九条
    _flag("park_legal_boundary", "具有法定边界和范围", unit_types=("park",), section=_CONDITIONS,
          cite=f"{S} 第九条 (一)"),
    _flag("park_unified_management", "具备统一管理机构", unit_types=("park",), section=_CONDITIONS,
          cite=f"{S} 第九条 (一)"),
    _flag("park_main_function", "以产品制造和能源供给为主要功能", unit_types=("park",), section=_CONDITIONS,
          cite=f"{S} 第九条 (一)"),
    FormField(
        code=f"{FIELD_PREFIX}park_industrial_va_share", label="工业增加值占园区增加值比重（%）",
        unit_types=("park",), levels=SHANXI_LEVELS, section=_CONDITIONS,
        kind=FieldKind.NUMBER, minimum=0, maximum=100,
        cite=f"{S} 第九条 (一) (工业增加值占比超过50%)",
    ),
    # 第十七条: 企业或园区（含园区内企业）— the park lists its enterprises; core checks their records
    FormField(
        code=PARK_ENTERPRISES_FIELD, label=_PARK_ENTERPRISES_LABEL, unit_types=("park",), levels=SHANXI_LEVELS,
        section=_CONDITIONS,
        kind=FieldKind.LONG_TEXT, max_length=20000,
        cite=PARK_ENTERPRISES_CITE,
    ),
    _flag("park_cultivation_plan", "已发布园区绿色工厂培育计划并组织园区内企业开展绿色工厂创建",
          unit_types=("park",), section=_CONDITIONS, cite=f"{S} 第九条 (二)"),
    # 第十条 (二), 第十六条
    _flag("supplier_cultivation_plan", "已制定供应商绿色工厂培育计划", unit_types=("supply_chain",),
          section=_CONDITIONS, cite=f"{S} 第十条 (二)"),
    _flag("is_green_factory", "本企业为绿色工厂（任一层面）", unit_types=("supply_chain",), section=_CONDITIONS,
          levels=(Level.PROVINCIAL, Level.NATIONAL), cite=f"{S} 第十六条 (推荐的企业原则上应为绿色工厂)"),
    # 第十条 (一): what the reviewer judges the lead-enterprise qualities on
    FormField(
        code=LEAD_EVIDENCE_FIELD, label=_LEAD_LABEL, unit_types=("supply_chain",), levels=SHANXI_LEVELS,
        section=_CONDITIONS,
        kind=FieldKind.LONG_TEXT, max_length=2000,
        cite=f"{S} 第十条 (一)",
    ),
    # 第十六条: 优先推荐
    _flag("energy_benchmark", "能效水平达到国家有关部门发布的标杆水平（工业重点领域）", unit_types=("factory",),
          section=_PRIORITY, cite=f"{S} 第十六条 (工业重点领域优先推荐能效水平达到…标杆水平的工厂)"),
    _flag("energy_advanced", "达到相应国家能源消耗限额标准先进值或1级水平（其他行业）", unit_types=("factory",),
          section=_PRIORITY, cite=f"{S} 第十六条 (其他行业优先推荐达到相应国家能源消耗限额标准先进值或 1 级水平的工厂)"),
    _flag("green_supplier_leader", "供应商中绿色工厂数量众多的龙头企业", unit_types=("supply_chain",),
          section=_PRIORITY, cite=f"{S} 第十六条 (优先推荐供应商中绿色工厂数量众多的龙头企业)"),
)

#: English labels (platform translations; the form's own labels above are the official ones)
LABELS_EN = {
    "shanxi.actual_manufacturing": "A manufacturing enterprise engaged in actual production",
    "shanxi.chain_leader": "Chain-leader enterprise of an industrial chain",
    "shanxi.energy_advanced": "Reaches the advanced value of the national energy-consumption limit or grade 1 (other "
                              "industries)",
    "shanxi.energy_benchmark": "Energy efficiency at the benchmark level published by the national authorities (key "
                               "industrial sectors)",
    "shanxi.green_supplier_leader": "Leading enterprise with many green factories among its suppliers",
    "shanxi.independent_legal_entity": "Lawfully established, with independent legal personality or an independently "
                                       "accounting unit treated as one",
    "shanxi.is_green_factory": "The enterprise is a green factory (at any level)",
    "shanxi.lead_enterprise_evidence": "Influence in the industry, business strength, completeness of the industrial "
                                       "chain, green supply-chain management, leading role in the chain and green "
                                       "factories built (statement and proof, Article 10 (1))",
    "shanxi.little_giant": "Specialised, refined, distinctive and innovative \"little giant\" enterprise",
    "shanxi.park_cultivation_plan": "Has published a green-factory cultivation plan for the park and organises its "
                                    "enterprises to build green factories",
    "shanxi.park_enterprise_usccs": "Unified social credit codes of the enterprises in the park (one a line; Article "
                                    "17: the park's enterprises included)",
    "shanxi.park_industrial_va_share": "Industry's share of the park's value added (%)",
    "shanxi.park_legal_boundary": "Has statutory boundaries and extent",
    "shanxi.park_main_function": "Mainly for manufacturing and energy supply",
    "shanxi.park_unified_management": "Has a unified management body",
    "shanxi.specialty_town_leader": "Leading enterprise of a provincial specialty town",
    "shanxi.supplier_cultivation_plan": "Has a green-factory cultivation plan for its suppliers",
}
FORM_FIELDS = with_english_labels(FORM_FIELDS, LABELS_EN)

#: what a unit typically answers (invented, not policy; the credit codes are made up with valid check characters):
#: the demo instance fills its applications with them and the contract kit checks each one passes its field; the
#: conditions of seed 004 are met, the priorities are left to each unit
EXAMPLES = {
    "shanxi.independent_legal_entity": True, "shanxi.actual_manufacturing": True, "shanxi.park_legal_boundary": True,
    "shanxi.park_unified_management": True, "shanxi.park_main_function": True,
    "shanxi.park_industrial_va_share": 64.0,
    "shanxi.park_enterprise_usccs": "91140100793PCF4215\n911402000CHX9RQ13Y\n91140400GHB8Q5T342",
    "shanxi.park_cultivation_plan": True, "shanxi.supplier_cultivation_plan": True, "shanxi.is_green_factory": True,
    "shanxi.lead_enterprise_evidence": "行业龙头企业，近三年主营业务收入年均增长12%；覆盖上游供应商126家，其中绿色工厂18家；"
                                        "已建立供应商绿色评价和分级管理制度，带动供应商开展节能降碳改造。",
}
FORM_FIELDS = with_examples(FORM_FIELDS, EXAMPLES)
