"""Shanxi rules as data. Every record cites its article in the seed.

Seed: 004_7a8ddd82f611ab67.txt, 《绿色工厂梯度培育及管理实施细则》, issued by 山西省工业和信息化厅 as
晋工信节能规字〔2024〕3号 (identification: ../shared/reference/domain.md B4). The 细则 governs the
provincial and city lists (第二条); national rules (plugins/national) still apply where Shanxi
restates them word for word (第十七条 negative list: the 办法's six items). Where national's rule is only
inferred from the provinces' documents, or national cites the 办法 alone, and the 细则 is Shanxi's own rule
(第十八条 dynamic filing by 04-15, 第二十一条 removal reasons and the 重大 accident rule), Shanxi restates
it with ``replaces=`` so a Shanxi page cites its own article: national cites no province's document as its
rule on any instance.

Eligibility checks read documented keys from the application data (see ``_value``):
core supplies ``unit_type``, ``level``, ``year`` and ``held_levels``; the form fields of
:mod:`plugins.shanxi.forms` supply the rest; review-stage keys (``consulted_departments``,
``review_body``, ``evaluators_in_province``) are filled by core when a city or the province acts.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from core.plugins import PolicyViolation
from core.plugins.types import (
    CultivationStage,
    AdminUnit,
    CapBasis,
    DayCount,
    Deadline,
    EligibilityRule,
    EvaluationMode,
    EvaluationModes,
    EvaluatorCap,
    GradingScheme,
    JudgedCondition,
    NegativeListItem,
    Priority,
    Level,
    NoticePeriod,
    Provision,
    Region,
    ReportStage,
    Sanction,
    Tier,
    UnitKind,
    Publication,
    PublicationProcedure,
    with_english_titles,
)

S = "004_7a8ddd82f611ab67.txt"
DOC = "晋工信节能规字〔2024〕3号"
CODE = "shanxi"
FIELD_PREFIX = f"{CODE}."
ALL_TYPES = ("factory", "park", "supply_chain")
#: the levels the 细则 itself governs (第二条: 省、市级名单)
SHANXI_LEVELS = (Level.CITY, Level.PROVINCIAL)

REGION = Region(code=CODE, name="山西省", name_en="Shanxi", authority="province", version="2024.07.19",
                cite=f"{S} 第一条、第二条、第三十二条 ({DOC}, domain.md B4)")

# ------------------------------------------------------------- admin units --
# 第五条: 市级工业和信息化主管部门负责本地区的培育、管理和推荐工作. The 11 市 are general knowledge
# (domain.md B4); the 细则's covering notice is addressed to 山西转型综改示范区管委会 and 各市工信局.

_CITIES = (
    ("taiyuan", "太原市"), ("datong", "大同市"), ("shuozhou", "朔州市"), ("xinzhou", "忻州市"),
    ("yangquan", "阳泉市"), ("lvliang", "吕梁市"), ("jinzhong", "晋中市"), ("changzhi", "长治市"),
    ("jincheng", "晋城市"), ("linfen", "临汾市"), ("yuncheng", "运城市"),
)

ADMIN_UNITS = tuple(
    AdminUnit(code=f"{CODE}.{slug}", name=name, kind=UnitKind.CITY,
              cite=f"{S} 第五条、第十三条 (市级工业和信息化主管部门; 11 市 per domain.md B4)")
    for slug, name in _CITIES
) + (
    AdminUnit(code=f"{CODE}.reform_zone", name="山西转型综改示范区", kind=UnitKind.REFORM_ZONE,
              cite=f"{S} 第五条; {DOC} 主送 山西转型综改示范区管委会 (domain.md B4)"),
)

# --------------------------------------------------------------- calendar --

#: 第三十二条: the 细则 is in force from 2024-07-19 for five years (last day 2029-07-18); no rule of it applies
#: outside (so no 2024-05-31 city deadline: the 2024 round ran before the 细则)
VALID_FROM = dt.date(2024, 7, 19)
VALID_TO = dt.date(2029, 7, 18)

DEADLINES = (
    Deadline(code=f"{CODE}.city_recommendation", title="市级工信主管部门通过管理平台向省工信厅推荐市层面绿色制造单位",
             title_en="City bureaus recommend city-level green manufacturing units to the provincial department "
                      "through the platform",
             month_day=(5, 31), actor="city", levels=(Level.PROVINCIAL,), in_force=(VALID_FROM, VALID_TO),
             cite=f"{S} 第十三条 (于每年5月31日前…推荐至省工业和信息化厅; 园区、供应链管理企业流程和时间要求相同); "
                  "第三十二条 (自2024年7月19日起实施，有效期为五年)"),
    # national's dynamic_filing (办法 第十六条, 04-15) as the 细则 restates it, citing Shanxi's article
    Deadline(code=f"{CODE}.dynamic_filing", replaces="dynamic_filing", title="绿色制造名单单位填报年度动态管理表",
             title_en="Listed units file the annual dynamic-management table",
             month_day=(4, 15), actor="listed_unit",
             cite=f"{S} 第十八条 (已公布的国家、省、市级绿色制造名单应在每年4月15日前，通过管理平台填报年度动态管理表); "
                  "《绿色工厂梯度培育及管理暂行办法》(工信部节〔2024〕13号, domain.md B1) 第十六条"),
)

NOTICE_PROVINCIAL = NoticePeriod(days=10, count=DayCount.WORKING_DAYS,
                                 cite=f"{S} 第十三条 (在省工业和信息化厅网站公示10个工作日)")

#: 第十二条: the city bureau 发布市层面绿色工厂名单 (a decision; no notice named); 第十三条: the province
#: 公示10个工作日，经公示无异议后纳入省级绿色制造名单并予以公告
PUBLICATION = {
    Level.CITY: Publication(procedure=PublicationProcedure.DECISION, publisher="city",
                            cite=f"{S} 第十二条 (按照本实施细则组织本地区市层面绿色工厂创建，发布市层面绿色工厂名单)"),
    Level.PROVINCIAL: Publication(procedure=PublicationProcedure.NOTICE, publisher="province",
                                  cite=f"{S} 第十三条 (公示10个工作日，经公示无异议后纳入省级绿色制造名单并予以公告)",
                                  stage=CultivationStage(
                                      name="培育库", member="培育对象", name_en="cultivation pool",
                                      member_en="cultivated unit", publisher="province",
                                      cite=f"{S} 第七条 (市级工业和信息化主管部门…制定培育计划，建立培育库，并报送省工业和"
                                           f"信息化厅备案。省工业和信息化厅将具备培育条件且有提升潜力的企业、工业园区列为"
                                           f"培育对象)")),
}

# ---------------------------------------------------------------- limits --

EVALUATOR_CAP_PROVINCIAL = EvaluatorCap(
    limit=10, basis=CapBasis.LEGAL_REPRESENTATIVE, levels=(Level.PROVINCIAL,), unit_types=ALL_TYPES,
    cite=f"{S} 第二十四条 ({DOC}: 同一法定代表人的第三方机构每年度开展的省级绿色制造评价项目（包括绿色工厂、"
         "绿色工业园区、绿色供应链管理企业）总计不得超过10项)",
)

#: 第十一条: self-evaluation or a third party, and either way 编写评价报告后通过管理平台提交 — an evaluation report
#: (the firm's, or the applicant's own self-evaluation report) on the platform, which the city's recommendation
#: through the platform (第十三条) waits for; the document does not make it a condition of the application itself
MODES = EvaluationModes(
    allowed=(EvaluationMode.SELF, EvaluationMode.THIRD_PARTY), third_party_required=False,
    report_required=True, report_stage=ReportStage.RECOMMEND,
    cite=f"{S} 第十一条 ({DOC}: 按照自愿原则可采取自我评价或委托具备评价能力的第三方机构开展评价的方式，"
         "编写评价报告后通过管理平台提交)",
)

# --------------------------------------------------------------- grading --
# 第十四条 sets tiers A/B/C and "推荐国家级绿色制造名单评分须达到B级以上" but gives no cut-offs
# (domain.md C4). Defaults below; the province changes them with the config keys.

GRADE_A_MIN_KEY = "SHANXI_GRADE_A_MIN"
GRADE_B_MIN_KEY = "SHANXI_GRADE_B_MIN"
GRADE_A_MIN_DEFAULT = 85.0
GRADE_B_MIN_DEFAULT = 70.0
CONFIG_DEFAULTS = {GRADE_A_MIN_KEY: GRADE_A_MIN_DEFAULT, GRADE_B_MIN_KEY: GRADE_B_MIN_DEFAULT}

_GRADING_CITE = f"{S} 第十四条 (分为A、B、C三级，推荐国家级绿色制造名单评分须达到B级以上; 分数线为平台默认值，可配置)"


def grading_scheme(config: Mapping[str, Any] | None = None) -> GradingScheme:
    """The provincial A/B/C scheme with cut-offs from ``config`` (or the defaults).

    C: [0, B_MIN), not recommendable to the national list; B: [B_MIN, A_MIN); A: [A_MIN, ∞).
    """
    config = config or {}

    def cut(key: str, default: float) -> float:
        value = config.get(key)
        return default if value is None else float(value)

    a_min, b_min = cut(GRADE_A_MIN_KEY, GRADE_A_MIN_DEFAULT), cut(GRADE_B_MIN_KEY, GRADE_B_MIN_DEFAULT)
    if not 0 < b_min < a_min <= 100:
        raise PolicyViolation(
            f"gm_policy_grading: plugin 'shanxi': need 0 < {GRADE_B_MIN_KEY} ({b_min}) < "
            f"{GRADE_A_MIN_KEY} ({a_min}) <= 100"
        )
    return GradingScheme(
        tiers=(
            Tier(code="C", label="C级", label_en="Grade C", min_score=0.0, max_score=b_min, recommendable=False,
                 cite=f"{S} 第十四条 (推荐国家级须达到B级以上: C级不予推荐)"),
            Tier(code="B", label="B级", label_en="Grade B", min_score=b_min, max_score=a_min, cite=_GRADING_CITE),
            Tier(code="A", label="A级", label_en="Grade A", min_score=a_min, max_score=None, cite=_GRADING_CITE),
        ),
        cite=_GRADING_CITE,
    )


# ----------------------------------------------------------- eligibility --


def _value(data: Mapping[str, Any], name: str) -> Any:
    """Read ``name`` from application data: the bare key, else the form field's value.

    The form fields in :mod:`plugins.shanxi.forms` have code ``shanxi.<name>``; core attaches them
    as ``ext_shanxi__<code>``. Until core fixes how it passes those values to checks, all spellings
    are accepted.
    """
    code = f"{FIELD_PREFIX}{name}"
    for key in (name, code, f"ext_{CODE}__{code}", f"ext_{CODE}__{name}"):
        if key in data:
            return data[key]
    return None


def _needs_city_listing(data: Mapping[str, Any]) -> str | None:
    if "city" not in {str(level) for level in (data.get("held_levels") or ())}:
        return ("省层面绿色工厂原则上应先纳入市层面绿色工厂名单 / a provincial green factory should in "
                "principle already be on the city list")
    return None


def _factory_conditions(data: Mapping[str, Any]) -> str | None:
    missing = []
    if not _value(data, "independent_legal_entity"):
        missing.append("依法设立并具有独立法人资格或者视同法人的独立核算单位")
    if not _value(data, "actual_manufacturing"):
        missing.append("从事实际生产的制造型企业")
    if missing:
        return "绿色工厂须符合第八条条件：" + "；".join(missing) + f" / factory conditions (art. 8) not met ({len(missing)})"
    return None


PARK_MIN_VALUE_ADDED_SHARE = 50.0  # percent, strictly more (第九条 "超过50%")


def _park_conditions(data: Mapping[str, Any]) -> str | None:
    missing = []
    if not _value(data, "park_legal_boundary"):
        missing.append("具有法定边界和范围")
    if not _value(data, "park_unified_management"):
        missing.append("具备统一管理机构")
    if not _value(data, "park_main_function"):
        missing.append("以产品制造和能源供给为主要功能")
    share = _value(data, "park_industrial_va_share")
    if share is None or float(share) <= PARK_MIN_VALUE_ADDED_SHARE:
        missing.append(f"工业增加值占比超过{PARK_MIN_VALUE_ADDED_SHARE:g}%")
    if not _value(data, "park_cultivation_plan"):
        missing.append("发布园区绿色工厂培育计划，组织园区内企业开展绿色工厂创建")
    if missing:
        return "绿色工业园区须符合第九条条件：" + "；".join(missing) + f" / park conditions (art. 9) not met ({len(missing)})"
    return None


def _supply_chain_conditions(data: Mapping[str, Any]) -> str | None:
    missing = []
    if not _value(data, "independent_legal_entity"):
        missing.append("依法设立并具有独立法人资格或者视同法人的独立核算单位")
    if not _value(data, "supplier_cultivation_plan"):
        missing.append("制定供应商绿色工厂培育计划，推动供应商开展绿色工厂创建")
    if missing:
        return "绿色供应链管理企业须符合第十条条件：" + "；".join(missing) + f" / supply-chain conditions (art. 10) not met ({len(missing)})"
    return None


def _supply_chain_is_green_factory(data: Mapping[str, Any]) -> str | None:
    if not _value(data, "is_green_factory"):
        return ("推荐的绿色供应链管理企业原则上应为绿色工厂 / a recommended supply-chain enterprise should in "
                "principle be a green factory")
    return None


#: 第十三条、第十五条: 生态环境、应急管理、市场监管 (codes accepted as well as the Chinese names)
CONSULTED_DEPARTMENTS = {
    "ecology_environment": "生态环境",
    "emergency_management": "应急管理",
    "market_regulation": "市场监管",
}
#: the same departments as an English page names them
CONSULTED_DEPARTMENTS_EN = {
    "ecology_environment": "ecology and environment",
    "emergency_management": "emergency management",
    "market_regulation": "market regulation",
}


def _departments_consulted(data: Mapping[str, Any]) -> str | None:
    """第十三条 (the city, before recommending to the province) and 第十五条 (the province, before recommending
    to MIIT): "在充分征求…意见后" — the recommendation follows the consultation, so it waits for it."""
    given = {str(d) for d in (data.get("consulted_departments") or ())}
    missing = [zh for code, zh in CONSULTED_DEPARTMENTS.items() if code not in given and zh not in given]
    if not missing:
        return None
    if data.get("stage") == "province":
        who, article, en = "省工业和信息化厅推荐至工业和信息化部前", "第十五条", "the province must consult"
        art_en = "art. 15"
    else:
        who, article, en = "市级工业和信息化主管部门推荐至省工业和信息化厅前", "第十三条", "the city must consult"
        art_en = "art. 13"
    names_en = ", ".join(CONSULTED_DEPARTMENTS_EN[code] for code, zh in CONSULTED_DEPARTMENTS.items() if zh in missing)
    return (f"{who}须充分征求当地生态环境、应急管理、市场监管等主管部门意见（{DOC} {article}），尚未记录："
            + "、".join(missing) + f" / {en} the local {names_en} departments before recommending ({DOC} {art_en})")


def _reviewer_independent(data: Mapping[str, Any]) -> str | None:
    body = data.get("review_body")
    evaluated = data.get("evaluators_in_province")
    if body is None or evaluated is None:
        return ("省级审核须由专家或未参与本省企业评价工作的第三方机构承担，请确认 / confirm the provincial "
                "reviewer evaluated no applicant in the province")
    if body in set(evaluated):
        return (f"审核机构 {body} 参与过本省企业评价工作，不得承担省级审核 / reviewer {body} evaluated an "
                "applicant in the province and may not review")
    return None


def _within_validity(data: Mapping[str, Any]) -> str | None:
    day = data.get("submitted_on") or data.get("date")
    if isinstance(day, dt.datetime):
        day = day.date()
    if isinstance(day, dt.date):
        inside = VALID_FROM <= day <= VALID_TO
    elif data.get("year") is not None:
        inside = VALID_FROM.year <= int(data["year"]) <= VALID_TO.year
    else:
        return None
    if not inside:
        return (f"《绿色工厂梯度培育及管理实施细则》有效期为{VALID_FROM}至{VALID_TO}，本轮超出有效期，"
                "规则需省工信厅重新发布 / the Shanxi rules have expired or are not yet in force: re-issue them")
    return None


ELIGIBILITY = (
    EligibilityRule(code=f"{CODE}.provincial_needs_city_list", title="省层面绿色工厂原则上应先纳入市层面绿色工厂名单",
                    unit_types=("factory",), levels=(Level.PROVINCIAL,), blocking=False,
                    check=_needs_city_listing, cite=f"{S} 第十二条 (省层面绿色工厂原则上应先纳入市层面绿色工厂名单)"),
    EligibilityRule(code=f"{CODE}.factory_conditions", title="绿色工厂条件：独立法人或视同法人的独立核算单位，从事实际生产的制造型企业",
                    unit_types=("factory",), levels=SHANXI_LEVELS, blocking=True,
                    check=_factory_conditions, cite=f"{S} 第八条 (一)"),
    EligibilityRule(code=f"{CODE}.park_conditions",
                    title="绿色工业园区条件：法定边界、统一管理机构、制造和能源供给为主、工业增加值占比超过50%、发布园区绿色工厂培育计划",
                    unit_types=("park",), levels=SHANXI_LEVELS, blocking=True,
                    check=_park_conditions, cite=f"{S} 第九条 (一)(二)"),
    EligibilityRule(code=f"{CODE}.supply_chain_conditions", title="绿色供应链管理企业条件：独立法人，制定供应商绿色工厂培育计划",
                    unit_types=("supply_chain",), levels=SHANXI_LEVELS, blocking=True,
                    check=_supply_chain_conditions, cite=f"{S} 第十条 (一)(二)"),
    EligibilityRule(code=f"{CODE}.supply_chain_green_factory", title="推荐的绿色供应链管理企业原则上应为绿色工厂",
                    unit_types=("supply_chain",), levels=(Level.PROVINCIAL, Level.NATIONAL), blocking=False,
                    check=_supply_chain_is_green_factory, cite=f"{S} 第十六条 (推荐的企业原则上应为绿色工厂)"),
    EligibilityRule(code=f"{CODE}.departments_consulted", title="推荐前充分征求生态环境、应急管理、市场监管等主管部门意见",
                    levels=(Level.PROVINCIAL, Level.NATIONAL), blocking=True,
                    check=_departments_consulted,
                    cite=f"{S} 第十三条 (市级推荐前); 第十五条 (省级推荐至工业和信息化部前)"),
    EligibilityRule(code=f"{CODE}.reviewer_independence", title="省级审核专家或第三方机构未参与本省企业评价工作",
                    levels=(Level.PROVINCIAL,), blocking=False,
                    check=_reviewer_independent,
                    cite=f"{S} 第十三条 (组织专家或委托第三方机构（未参与本省企业评价工作）对地市推荐名单进行审核)"),
    EligibilityRule(code=f"{CODE}.rules_validity", title="实施细则有效期 2024-07-19 至 2029-07-18",
                    blocking=False, check=_within_validity,
                    cite=f"{S} 第三十二条 (有效期为五年，自2024年7月19日起实施)"),
)

# --------------------------------------------------------- negative list --
# National's six items cite 第十七条 too and stand. 第十七条 bars "企业或园区（含园区内企业）": a park also answers
# for the enterprises inside it, so at the levels the 细则 governs a park declares against their records as well.

PARK_ENTERPRISES_FIELD = f"{FIELD_PREFIX}park_enterprise_usccs"
PARK_ENTERPRISES_CITE = f"{S} 第十七条 (近三年有下列情况的企业或园区（含园区内企业），不得申请、推荐和列入绿色制造名单)"


def _park_enterprises_clear(data: Mapping[str, Any]) -> str | None:
    """第十七条 (含园区内企业): the in-park enterprises the park lists (统一社会信用代码) have no barring record on
    the platform (a ban, a removal from a list, a negative-list item declared as applying, within 近三年)."""
    invalid = data.get("member_invalid") or []
    if invalid:
        return "园区内企业统一社会信用代码有误 / invalid in-park enterprise codes: " + "；".join(invalid)
    records = data.get("member_records") or []
    if not records:
        return None
    return ("园区内企业近三年存在第十七条所列情形，园区不得申请、推荐和列入绿色制造名单 / an in-park enterprise has a "
            "barring record: " + "；".join(f"{r['name'] or r['uscc']}（{r['uscc']}）{r['reason']}" for r in records))


PARK_ENTERPRISES_RULE = EligibilityRule(
    code=f"{CODE}.park_enterprises_records", title="园区内企业近三年无第十七条所列情形（平台记录）",
    unit_types=("park",), levels=SHANXI_LEVELS, members_field=PARK_ENTERPRISES_FIELD,
    check=_park_enterprises_clear, cite=PARK_ENTERPRISES_CITE)

NEGATIVE_LIST = (
    NegativeListItem(code=f"{CODE}.park_enterprises",
                     title="园区内企业近三年存在第十七条所列情形（未正常经营生产；发生安全、质量、环境污染等事故以及偷漏税等"
                           "违法违规行为；被动态调整出绿色制造名单；在督查工作中被发现存在严重问题；被列入工业节能监察整改名单"
                           "且未按要求完成整改；被列为失信被执行人）",
                     title_en="Enterprises in the park have, in the last three years, any of the cases of Article 17 (not "
                              "operating normally; a safety, quality or environmental pollution accident, or tax evasion or "
                              "another violation; removed from a green manufacturing list; serious problems found in "
                              "inspections; on the rectification list of an energy-conservation inspection without "
                              "rectifying; listed as a dishonest judgment debtor)",
                     unit_types=("park",), levels=SHANXI_LEVELS, cite=PARK_ENTERPRISES_CITE),
)

# ------------------------------------------- judged conditions and priorities --
# 第十条 (一): the lead-enterprise qualities are for the reviewer to judge on what the enterprise shows; 第十六条:
# 优先推荐 — priorities flag and sort the applications, they never refuse. Both read the form fields of forms.py.

LEAD_EVIDENCE_FIELD = f"{FIELD_PREFIX}lead_enterprise_evidence"
LEAD_QUALITIES = ("行业影响力大", "经营实力雄厚", "产业链完整", "绿色供应链管理基础好", "在产业链发挥主导作用", "积极创建绿色工厂")


def _lead_evidence_given(data: Mapping[str, Any]) -> str | None:
    if str(_value(data, "lead_enterprise_evidence") or "").strip():
        return None
    return ("绿色供应链管理企业须说明并佐证第十条（一）所列条件（" + "、".join(LEAD_QUALITIES) + "），尚未填写 / the "
            "enterprise has not described how it meets the lead-enterprise conditions of art. 10 (1)")


def _energy_priority(data: Mapping[str, Any]) -> bool:
    return bool(_value(data, "energy_benchmark") or _value(data, "energy_advanced"))


def _green_supplier_leader(data: Mapping[str, Any]) -> bool:
    return bool(_value(data, "green_supplier_leader"))


JUDGED = (
    JudgedCondition(code=f"{CODE}.supply_chain_lead_enterprise",
                    title="绿色供应链管理企业是行业影响力大、经营实力雄厚、产业链完整、绿色供应链管理基础好、在产业链发挥主导作用的"
                          "企业，积极创建绿色工厂（审核人判断）",
                    unit_types=("supply_chain",), levels=SHANXI_LEVELS, blocking=True, check=_lead_evidence_given,
                    evidence=(LEAD_EVIDENCE_FIELD,),
                    cite=f"{S} 第十条 (一) (是行业影响力大、经营实力雄厚、产业链完整、绿色供应链管理基础好、在产业链发挥主导作用的"
                         "企业，积极创建绿色工厂)"),
)

PRIORITIES = (
    Priority(code=f"{CODE}.priority_energy_efficiency",
             title="能效水平达到标杆水平（工业重点领域）或达到能源消耗限额标准先进值、1级水平（其他行业）的工厂",
             unit_types=("factory",), levels=SHANXI_LEVELS, check=_energy_priority,
             cite=f"{S} 第十六条 (工业重点领域优先推荐能效水平达到国家有关部门发布的标杆水平的工厂，其他行业优先推荐达到相应国家"
                  "能源消耗限额标准先进值或 1 级水平的工厂)"),
    Priority(code=f"{CODE}.priority_green_supplier_leader", title="供应商中绿色工厂数量众多的龙头企业",
             unit_types=("supply_chain",), levels=SHANXI_LEVELS, check=_green_supplier_leader,
             cite=f"{S} 第十六条 (推荐的企业原则上应为绿色工厂，优先推荐供应商中绿色工厂数量众多的龙头企业)"),
)

# ------------------------------------------------------------- sanctions --
# National holds fraud (工信厅节函〔2025〕390号 三; 第二十一条 (三) says the same). Its negative_list_event,
# not_filed and major_accident are national inferences from the provinces' rules: here they are Shanxi's own
# (第二十一条), restated with the same effect and Shanxi's cite.

SANCTIONS = (
    Sanction(code=f"{CODE}.negative_list_event", replaces="negative_list_event",
             title="出现第十七条所列情形：移出名单",
             title_en="A situation named in Article 17 occurs: removed from the list",
             cite=f"{S} 第二十一条 (一) (第十七条中所提到情况…在发布年度名单时予以移出并进行公告)"),
    Sanction(code=f"{CODE}.not_filed", replaces="not_filed", title="拒不按时填报动态管理表：移出名单",
             title_en="Refuses to file the dynamic-management table on time: removed from the list",
             cite=f"{S} 第二十一条 (二) (拒不按时填报动态管理表)"),
    Sanction(code=f"{CODE}.major_accident", replaces="major_accident",
             title="发生重大及以上生产安全和质量事故、Ⅱ级（重大）及以上突发环境污染事件：及时从各层面名单移出",
             title_en="A major or more serious production safety or quality accident, or a level II (major) or more serious "
                      "environmental pollution emergency: removed promptly from the lists at every level",
             all_levels=True,
             cite=f"{S} 第二十一条 (发生重大及以上生产安全和质量事故、Ⅱ级(重大)及以上突发环境污染事件的，及时从各层面名单移出并进行公告)"),
    Sanction(code=f"{CODE}.evaluation_fraud", title="评价过程中弄虚作假、欺瞒：取消申报资格，三年内不得再次申报",
             title_en="Fraud or deception found during the evaluation: disqualified from applying, and may not apply again "
                      "within three years",
             removal=False, ban_years=3, cite=f"{S} 第二十二条"),
    Sanction(code=f"{CODE}.material_change",
             title="名称变更或生产经营范围、生产地址、组织边界重大变更：报市级主管部门审核，变更后不再符合标准的从本层面名单移出",
             title_en="A change of name, or a major change of business scope, production address or organisational boundary: "
                      "reported to the city's competent department for review; a unit that no longer meets the standards after "
                      "the change is removed from the list at this level",
             removal=True, cite=f"{S} 第二十三条"),
    Sanction(code=f"{CODE}.evaluator_fraud",
             title="第三方机构弄虚作假或故意隐瞒评价对象问题：管理平台通报，三年内不予采信其评价结果",
             title_en="A third-party firm commits fraud or deliberately conceals problems of the unit it evaluates: named on the "
                      "management platform, its evaluation results not accepted for three years",
             removal=False, ban_years=3, cite=f"{S} 第二十四条"),
    Sanction(code=f"{CODE}.verified_complaint",
             title="实名举报经核实：视情节轻重整改，或按第二十一条移出名单；涉及第三方机构的按第二十四条处理",
             title_en="A report under real name is verified: rectification or, by the seriousness of the case, removal from the "
                      "list under Article 21; a third-party firm concerned is dealt with under Article 24",
             removal=False, cite=f"{S} 第二十五条"),
)


# ------------------------------------------------------------ provisions ---
# Duties people carry out; listed with their article so staff see where they come from.
PROVISIONS = (
    Provision(code=f"{CODE}.cultivation_pool", topic="cultivation",
              title="各市制定绿色工厂培育计划，建立培育库并报省工业和信息化厅备案；鼓励产业链链主企业、省级专业镇龙头企业、"
                    "专精特新“小巨人”企业优先入库",
              details={"actor": "city", "filed_with": "province"}, cite=f"{S} 第七条"),
    Provision(code=f"{CODE}.platform", topic="procedure", title="依托工业和信息化部绿色制造管理平台开展申报、评价、推荐和动态管理",
              cite=f"{S} 第六条"),
    Provision(code=f"{CODE}.city_list_published", topic="procedure", title="市级主管部门审核后发布市级绿色工厂名单",
              details={"actor": "city"}, cite=f"{S} 第十二条"),
    Provision(code=f"{CODE}.spot_checks", topic="supervision",
              title="省工业和信息化厅对名单单位开展随机现场复核，发生重大及以上事故或二级及以上突发环境事件的立即报告工业和信息化部",
              details={"actor": "province"}, cite=f"{S} 第二十条"),
    Provision(code=f"{CODE}.incident_report", topic="supervision",
              title="市级主管部门审核年度动态管理表；名单单位发生重大及以上安全、质量事故或二级及以上突发环境事件的，立即报告省工业和信息化厅",
              details={"actor": "city"}, cite=f"{S} 第十九条"),
)

#: the rules' and priorities' titles on English pages (a platform translation; the title stays the document's)
TITLES_EN = {
    "shanxi.departments_consulted": "Before recommending, the ecology and environment, emergency management and "
                                    "market regulation authorities are fully consulted",
    "shanxi.factory_conditions": "Green factory conditions: an independent legal person or an independently "
                                 "accounting unit treated as one, a manufacturer that actually produces",
    "shanxi.park_conditions": "Green industrial park conditions: statutory boundaries, a unified management body, "
                              "mainly manufacturing and energy supply, industry over 50% of value added, a published "
                              "green-factory cultivation plan",
    "shanxi.park_enterprises_records": "No enterprise in the park has, in the last three years, a case of Article 17 "
                                       "(the platform's records)",
    "shanxi.provincial_needs_city_list": "A provincial green factory should in principle first be on the city list",
    "shanxi.reviewer_independence": "The provincial reviewing experts or third-party firms took no part in evaluating "
                                    "the province's enterprises",
    "shanxi.rules_validity": "The implementing rules are in force from 2024-07-19 to 2029-07-18",
    "shanxi.supply_chain_conditions": "Green supply-chain management enterprise conditions: an independent legal "
                                      "person with a green-factory cultivation plan for its suppliers",
    "shanxi.supply_chain_green_factory": "A recommended green supply-chain management enterprise should in principle "
                                         "be a green factory",
    "shanxi.supply_chain_lead_enterprise": "A green supply-chain management enterprise of great influence and "
                                           "strength, with a complete industrial chain and a good base in green "
                                           "supply-chain management, steering its chain and building green factories "
                                           "(the reviewer judges)",
    "shanxi.priority_energy_efficiency": "Factories at the energy-efficiency benchmark level (key industrial fields), "
                                         "or at the advanced value or level 1 of the energy-consumption quota "
                                         "standards (other industries)",
    "shanxi.priority_green_supplier_leader": "A leading enterprise with many green factories among its suppliers",
}
ELIGIBILITY = with_english_titles(ELIGIBILITY, TITLES_EN)
JUDGED = with_english_titles(JUDGED, TITLES_EN)
PRIORITIES = with_english_titles(PRIORITIES, TITLES_EN)
PARK_ENTERPRISES_RULE = with_english_titles((PARK_ENTERPRISES_RULE,), TITLES_EN)[0]
