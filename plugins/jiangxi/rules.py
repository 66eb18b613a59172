"""Jiangxi (江西省) rules as data. Every record cites its source.

Seed: 003_a3fa60aeba77aa34.txt, 江西省工业和信息化厅办公室 赣工信办节能函〔2024〕20号 (2024-04-02),
《关于开展2024年度国家级绿色制造名单推荐暨省级绿色制造名单遴选工作的通知》. Sections are cited as the
notice numbers them: 主送 (addressees), 一, 二（一）…二（四）, 三（一）…三（四）, 三 末段, 附件.

Only what differs from national is here. Left to national on purpose (seed 003 restates them):
the six-item negative list (三（一）), self-or-third-party evaluation (一, 二（四）), the evaluator cap of
15 national projects per legal representative (二（四）), the 重大 accident / II级 environmental
incident rule (三（二）, national ``major_accident``) and the three unit types (一).

Rules people carry out (roles, standards, spot checks) are :class:`Provision` records in ``NOTES``.
"""
from __future__ import annotations

import datetime as dt
from types import MappingProxyType
from typing import Any, Mapping

from core.plugins.types import (
    CityRecommendation,
    AdminUnit,
    Deadline,
    EligibilityRule,
    EvaluationMode,
    EvaluationModes,
    IndustryChoices,
    JointRound,
    Level,
    Provision,
    Region,
    ReportStage,
    Sanction,
    UnitKind,
    Publication,
    PublicationProcedure,
    with_english_titles,
)

S003 = "003_a3fa60aeba77aa34.txt"
REGION_CODE = "jiangxi"
#: the round seed 003 was issued for (its dates, its summary layout); its rules stand from it on (issue 53): each
#: later round runs its national recommendation with the provincial selection, with the same modes, the city's
#: 推荐文件 and any industry, until a later document sets its own for its round (:data:`LATER_ROUNDS`) or a round's
#: notice sets a condition aside. No check reads this year.
ROUND_YEAR = 2024

#: The rounds a later document sets for itself, where 003's round rules (joint round, modes, the city's 推荐文件) give
#: way to it (data: that document's round, cited; not a window of 003's rules): MIIT's notice on the 2025 national round
#: takes new national units from the existing provincial lists and asks for the platform self-evaluation only
#: (工信厅节函〔2025〕390号, as seed 001 restates and encloses it).
LATER_ROUNDS: Mapping[tuple[Level, int], str] = MappingProxyType({
    (Level.NATIONAL, 2025): "001_3f04a56fc6693327.txt 一、1 (新申报单位。现有省级绿色工厂、绿色园区自愿申报); 附件1 二(一) "
                            "(如实自主填报申报表完成自评价…不再需要提交第三方评价报告)",
})


def _round_of_003(level: Level | str, year: int) -> bool:
    """Whether 003's round rules apply to the ``level`` round of ``year``: its levels, in every round from it on but
    the rounds a later document sets for itself."""
    return Level(level) in (Level.PROVINCIAL, Level.NATIONAL) and (Level(level), year) not in LATER_ROUNDS


def _frozen(**kw: Any) -> Mapping[str, Any]:
    return MappingProxyType(kw)


REGION = Region(code=REGION_CODE, name="江西省", name_en="Jiangxi", authority="province", version="2024.1",
                cite=f"{S003} 发文机关 (江西省工业和信息化厅办公室 赣工信办节能函〔2024〕20号)")

# ----------------------------------------------------------- admin units ---
# The seed addresses 各设区市工信局 and 赣江新区经发局 (主送); the 11 设区市 are general knowledge
# (domain.md B5). 赣江新区 is a state-level new area whose 经发局 submits like a city.
_ADDRESSEES = f"{S003} 主送 (各设区市工信局，赣江新区经发局); domain.md B5"

_CITIES = (
    ("nanchang", "南昌市"), ("jingdezhen", "景德镇市"), ("pingxiang", "萍乡市"), ("jiujiang", "九江市"),
    ("xinyu", "新余市"), ("yingtan", "鹰潭市"), ("ganzhou", "赣州市"), ("jian", "吉安市"),
    ("yichun", "宜春市"), ("fuzhou", "抚州市"), ("shangrao", "上饶市"),
)

ADMIN_UNITS = tuple(
    AdminUnit(code=f"jiangxi.{slug}", name=name, kind=UnitKind.CITY, cite=_ADDRESSEES) for slug, name in _CITIES
) + (
    AdminUnit(code="jiangxi.ganjiang_new_area", name="赣江新区", kind=UnitKind.NEW_AREA, cite=_ADDRESSEES),
)

#: the department that submits for each unit (AdminUnit has no field for it)
SUBMITTING_BODIES = MappingProxyType(
    {u.code: (u.name + "工信局" if u.kind == UnitKind.CITY else u.name + "经发局") for u in ADMIN_UNITS}
)

# -------------------------------------------------------------- calendar ---

CITY_SUBMISSION_DOCUMENTS = ("推荐文件", "推荐汇总表", "推荐项目评价报告（PDF格式电子件）")

DEADLINES = (
    Deadline(code="jiangxi.city_submission", formerly=("jiangxi.city_submission_2024",),
             title="各设区市报送推荐文件、推荐汇总表、推荐项目评价报告（PDF），并同步上传管理平台",
             title_en="Cities submit the recommendation letter, summary table and evaluation reports (PDF) and "
                      "upload them to the platform",
             rounds={ROUND_YEAR: dt.date(2024, 5, 27)}, actor="city",
             unit_types=("factory", "park", "supply_chain"), levels=(Level.PROVINCIAL, Level.NATIONAL),
             cite=f"{S003} 一 (于2024年5月27日前将推荐文件、推荐汇总表、推荐项目评价报告报送省工业和信息化厅)"),
)

# ----------------------------------------------------------- eligibility ---

#: departments the city must consult before recommending (code → name); "等" in the seed: at least these
CONSULTED_DEPARTMENTS = MappingProxyType({
    "ecology_environment": "生态环境",
    "emergency_management": "应急管理",
    "market_regulation": "市场监管",
})
#: the same departments as an English page names them
CONSULTED_DEPARTMENTS_EN = MappingProxyType({
    "ecology_environment": "ecology and environment",
    "emergency_management": "emergency management",
    "market_regulation": "market regulation",
})


def _city_consulted(data: Mapping[str, Any]) -> str | None:
    """``data["consulted_departments"]``: departments consulted, by code or by name (e.g. "南昌市生态环境局")."""
    given = [str(x) for x in (data.get("consulted_departments") or ())]
    missing = [
        name for code, name in CONSULTED_DEPARTMENTS.items()
        if not any(g == code or name in g for g in given)
    ]
    if missing:
        return ("设区市推荐前须征求当地" + "、".join(missing) + "主管部门意见 / the city must consult the local "
                + ", ".join(CONSULTED_DEPARTMENTS_EN[c] for c, n in CONSULTED_DEPARTMENTS.items() if n in missing)
                + " departments before recommending")
    return None


def ext_value(data: Mapping[str, Any], code: str) -> Any:
    """A Jiangxi form field's value in application data, under either plausible core key."""
    short = code.removeprefix(f"{REGION_CODE}.")
    for key in (f"ext_{REGION_CODE}__{short}", f"ext_{REGION_CODE}__{code}", code):
        if key in data:
            return data[key]
    return None


SC_GREEN_FACTORY_FIELD = "jiangxi.sc_is_green_factory"


def _sc_green_factory(data: Mapping[str, Any]) -> str | None:
    if ext_value(data, SC_GREEN_FACTORY_FIELD):
        return None
    return ("原则上申报绿色供应链管理企业应为绿色工厂；该企业未填报为绿色工厂，请审核确认 / "
            "a supply-chain applicant should in principle be a green factory")


def _reapplying_provincial_unit(data: Mapping[str, Any]) -> str | None:
    held = {str(x) for x in data.get("held_levels", ())}
    joint = data.get("joint_round")
    if joint is not None and joint.provincial_satisfies_national:
        # in the joint round a provincial listing decided in the same round is not an earlier listing (一)
        held -= {str(x) for x in data.get("round_listed_levels", ())}
    if "provincial" in held:
        return ("已列入省级绿色制造名单的单位申报国家级须重新申报：请确认本轮提交了新的申报材料和评价报告 / "
                "a provincial-list unit must apply again for the national list")
    return None


#: 二（二）: 推荐的绿色园区是以产品制造和能源供给为主要功能、工业增加值占比超过50%、具有法定边界和范围、具备统一管理机构的
#: 省级及以上园区 — the park's answers on the form (plugins/jiangxi/forms.py), checked before the city recommends
PARK_MIN_VALUE_ADDED_SHARE = 50.0  # percent, strictly more ("超过50%")
PARK_RANKS = (("national", "国家级"), ("provincial", "省级"), ("below_provincial", "省级以下"))
PARK_FIELDS = MappingProxyType({
    "main_function": "jiangxi.park_main_function",
    "va_share": "jiangxi.park_industrial_va_share",
    "legal_boundary": "jiangxi.park_legal_boundary",
    "unified_management": "jiangxi.park_unified_management",
    "rank": "jiangxi.park_rank",
})


def _park_conditions(data: Mapping[str, Any]) -> str | None:
    """The five conditions of 二（二）, standing from 003 on (a round's notice may set them aside)."""
    missing = []
    if not ext_value(data, PARK_FIELDS["main_function"]):
        missing.append("以产品制造和能源供给为主要功能")
    share = ext_value(data, PARK_FIELDS["va_share"])
    if share is None or float(share) <= PARK_MIN_VALUE_ADDED_SHARE:
        missing.append(f"工业增加值占比超过{PARK_MIN_VALUE_ADDED_SHARE:g}%"
                       + ("（未填报）" if share is None else f"（填报{float(share):g}%）"))
    if not ext_value(data, PARK_FIELDS["legal_boundary"]):
        missing.append("具有法定边界和范围")
    if not ext_value(data, PARK_FIELDS["unified_management"]):
        missing.append("具备统一管理机构")
    if ext_value(data, PARK_FIELDS["rank"]) not in ("national", "provincial"):
        missing.append("省级及以上园区")
    if missing:
        return ("推荐的绿色园区须符合赣工信办节能函〔2024〕20号 二（二）的条件，尚不符合：" + "；".join(missing)
                + " / the park does not meet the park conditions of 赣工信办节能函〔2024〕20号 二（二）")
    return None


ELIGIBILITY = (
    EligibilityRule(code="jiangxi.park_conditions",
                    title="绿色园区条件：以产品制造和能源供给为主要功能、工业增加值占比超过50%、具有法定边界和范围、"
                          "具备统一管理机构的省级及以上园区",
                    unit_types=("park",), levels=(Level.PROVINCIAL, Level.NATIONAL), check=_park_conditions,
                    cite=f"{S003} 二（二） (推荐的绿色园区是以产品制造和能源供给为主要功能、工业增加值占比超过50%、"
                         "具有法定边界和范围、具备统一管理机构的省级及以上园区)"),
    EligibilityRule(code="jiangxi.city_consultation",
                    title="设区市推荐前征求当地生态环境、应急管理、市场监管等主管部门意见",
                    levels=(Level.PROVINCIAL, Level.NATIONAL), check=_city_consulted,
                    cite=f"{S003} 三（一） (积极征求当地生态环境、应急管理、市场监管等主管部门意见)"),
    EligibilityRule(code="jiangxi.supply_chain_green_factory",
                    title="原则上申报绿色供应链管理企业应为绿色工厂（审核人确认）",
                    unit_types=("supply_chain",), blocking=False, check=_sc_green_factory,
                    cite=f"{S003} 二（三） (原则上申报绿色供应链管理企业应为绿色工厂)"),
    EligibilityRule(code="jiangxi.provincial_reapply_for_national",
                    title="已列入省级绿色制造名单的园区或企业如需申报国家级，应重新申报",
                    levels=(Level.NATIONAL,), blocking=False, check=_reapplying_provincial_unit,
                    cite=f"{S003} 一 (已列入省级绿色制造名单的园区或企业如需申报国家级绿色制造名单，应重新申报)"),
)

# ----------------------------------------------------------- joint round ---

#: 2024: one application may ask for 国家级 and 省级 (附件: 可同时填报); the province first decides the
#: provincial list, then recommends to MIIT among it, so the same round's provincial listing satisfies
#: national's "provincial first" (national plugin rule ``national_needs_provincial``)
JOINT_ROUND_2024 = JointRound(
    levels=(Level.NATIONAL, Level.PROVINCIAL), provincial_satisfies_national=True,
    cite=f"{S003} 一 (遴选确定2024年度省级绿色制造名单，同时择优向工信部推荐); {S003} 附件 (推荐申报国家级或省级（可同时填报）)",
)


def joint_round(level: Level, year: int) -> JointRound | None:
    """A national round is run with the provincial selection (003 一; 附件 可同时填报): a unit not yet on the provincial
    list asks for both levels at once; standing from 003 on, but for the rounds of :data:`LATER_ROUNDS`."""
    if Level(level) == Level.NATIONAL and _round_of_003(level, year):
        return JOINT_ROUND_2024
    return None

# ------------------------------------------------------ evaluation modes ---

#: 一: 可采取自我评价的方式或委托具备评价能力的第三方机构…开展评价，评价合格的园区或企业，向所在地工信部门提交评价报告;
#: the city sends 推荐项目评价报告（PDF格式电子件） with its recommendation. Either mode ends in a report (the firm's, or the
#: applicant's own self-evaluation report following 《绿色制造第三方评价工作要求》, 二（四）), which the city's
#: recommendation waits for. The round's cap on third parties is national's (二（四）, 15 national projects).
MODES_2024 = EvaluationModes(
    allowed=(EvaluationMode.SELF, EvaluationMode.THIRD_PARTY), third_party_required=False,
    report_required=True, report_stage=ReportStage.RECOMMEND,
    cite=f"{S003} 一 (赣工信办节能函〔2024〕20号: 可采取自我评价的方式或委托具备评价能力的第三方机构…开展评价，评价合格的"
         "园区或企业，向所在地工信部门提交评价报告；…推荐项目评价报告（PDF格式电子件）报送省工业和信息化厅)",
)


def evaluation_modes(level: Level, year: int) -> EvaluationModes | None:
    """003's modes at both of its levels (provincial selection and national recommendation), standing from 003 on."""
    return MODES_2024 if _round_of_003(level, year) else None


# ------------------------------------------------ city's recommendation ---

#: 一: 各地市…于2024年5月27日前将推荐文件、推荐汇总表（见附件）、推荐项目评价报告（PDF格式电子件）报送省工业和信息化厅:
#: the city uploads its 推荐文件 (one PDF per city and round, beside its summary table); the province's page marks
#: a city that recommended without it. The notice asks for no written opinion on each application.
CITY_RECOMMENDATION_2024 = CityRecommendation(
    file_required=True,
    cite=f"{S003} 一 (各地市…于2024年5月27日前将推荐文件、推荐汇总表（见附件）、推荐项目评价报告（PDF格式电子件）"
         "报送省工业和信息化厅)",
)


def city_recommendation(level: Level, year: int) -> CityRecommendation | None:
    """003's rounds (provincial selection and national recommendation): the city's 推荐文件, standing from 003 on."""
    return CITY_RECOMMENDATION_2024 if _round_of_003(level, year) else None


# ------------------------------------------------------------- sanctions ---

SANCTIONS = (
    Sanction(code="jiangxi.evaluator_fraud",
             title="第三方机构在评价过程中弄虚作假或故意隐瞒评价对象问题：三年内不予采信其所出具的评价结果",
             title_en="A third-party firm commits fraud or deliberately conceals problems of the unit it evaluates during the "
                      "evaluation: the evaluation results it issues are not accepted for three years",
             removal=False, ban_years=3,
             cite=f"{S003} 三（三） (经查实…弄虚作假或故意隐瞒评价对象问题的第三方机构，三年内不予采信)"),
)

# The summary table (附件 2024年绿色制造名单推荐汇总表): plugins/jiangxi/layouts.py

# ------------------------------------------- provisions (people carry them out) ---

PROVINCE_SUPPORT_ROLE = Provision(
    code="jiangxi.role.integration_center", title="省工业与信息化融合推进中心（省级支撑单位，非申报单位）",
    details=_frozen(duties=("协同推进绿色制造名单项目遴选", "动态管理", "宣传推广"),
                    contact_division="省工业与信息化融合推进中心绿色发展处"),
    cite=f"{S003} 主送; 三 末段 (请省工业与信息化融合推进中心协同推进…遴选、动态管理和宣传推广等工作)",
)

ROUND_2024 = Provision(
    code="jiangxi.round_2024", title="2024年度国家级绿色制造名单推荐暨省级绿色制造名单遴选",
    details=_frozen(year=ROUND_YEAR, unit_types=("factory", "park", "supply_chain"),
                    levels=(Level.NATIONAL, Level.PROVINCIAL), joint=True, voluntary=True,
                    deadline="jiangxi.city_submission", city_documents=CITY_SUBMISSION_DOCUMENTS,
                    platform="https://green.miit.gov.cn", summary_layout="jiangxi.recommendation_summary_2024",
                    province_review="专家评审，遴选省级名单，同时择优向工信部推荐"),
    cite=f"{S003} 一",
)

EVALUATION_STANDARDS = Provision(
    code="jiangxi.evaluation_standards", title="评价依据",
    details=_frozen(
        factory=("已发布绿色工厂评价行业标准的按行业标准", "其他行业：《绿色工厂评价通则》（GB/T 36132）"),
        park=("《绿色工业园区评价要求》",),
        supply_chain=("已发布行业指标体系的按指标体系", "其他行业：《绿色供应链管理企业评价要求》"),
        third_party=("《绿色制造第三方评价工作要求》",),
        self_evaluation=("工作流程和报告模板可参考《绿色制造第三方评价工作要求》",),
    ),
    cite=f"{S003} 二（一）、二（二）、二（三）、二（四）",
)

RECOMMENDATION_CRITERIA = Provision(
    code="jiangxi.recommendation_criteria", title="推荐条件与优先推荐",
    details=_frozen(
        factory_priority=("工业重点领域：能效达到标杆水平", "其他行业：达到能耗限额标准先进值或1级水平"),
        park_conditions=("以产品制造和能源供给为主要功能", "工业增加值占比超过50%", "具有法定边界和范围",
                         "具备统一管理机构", "省级及以上园区"),
        park_priority=("绿色工厂数量多、占比高",),
        supply_chain_priority=("汽车、机械、电子、纺织、通信制造等行业", "供应商中绿色工厂数量众多的龙头企业",
                               "汽车产品生产者责任延伸试点企业"),
    ),
    cite=f"{S003} 二（一）、二（二）、二（三）",
)

INCIDENT_REPORTING = Provision(
    code="jiangxi.incident_reporting", title="重大及以上生产安全和质量事故、II级（重大）及以上突发环境污染事件及时上报",
    details=_frozen(actor="city", report_to="省工业和信息化厅", sanction="major_accident"),
    cite=f"{S003} 三（二）",
)

SPOT_CHECKS = Provision(
    code="jiangxi.spot_checks", title="省厅不定期对名单园区或企业进行现场抽查",
    details=_frozen(actor="province", frequency="不定期", method="现场抽查"),
    cite=f"{S003} 三（二）",
)

EVALUATOR_SUPERVISION = Provision(
    code="jiangxi.evaluator_supervision", title="各地监管在本地区开展业务的第三方机构，发现问题及时向省厅反馈",
    details=_frozen(actor="city", report_to="省工业和信息化厅"),
    cite=f"{S003} 三（三）",
)

NOTES = (PROVINCE_SUPPORT_ROLE, ROUND_2024, EVALUATION_STANDARDS, RECOMMENDATION_CRITERIA,
         INCIDENT_REPORTING, SPOT_CHECKS, EVALUATOR_SUPERVISION)


#: 003 一: 我厅将…组织专家进行评审，遴选确定2024年度省级绿色制造名单 — a decision; no notice named
PUBLICATION_PROVINCIAL = Publication(
    procedure=PublicationProcedure.DECISION, publisher="province",
    cite=f"{S003} 一 (组织专家进行评审，遴选确定2024年度省级绿色制造名单)")


def publication(level):
    return PUBLICATION_PROVINCIAL if level == Level.PROVINCIAL else None


# ------------------------------------------------------------ industries ---

#: 2024: 二（一） 已发布绿色工厂评价行业标准的，按照相关行业标准要求进行评价，其他行业依据《绿色工厂评价通则》; the 附件 汇总表 asks each factory's and
#: supply-chain enterprise's 行业 — any industry, not only MIIT 2025's 53 key industries (390号 附件3 came a year later)
INDUSTRIES_2024 = IndustryChoices(
    open=True,
    cite=f"{S003} 二（一） (已发布绿色工厂评价行业标准的，按照相关行业标准要求进行评价，其他行业依据《绿色工厂评价通则》"
         "（GB/T 36132）进行评价); "
         "附件 (2024年绿色制造名单推荐汇总表: 行业)")


def industries(year: int) -> IndustryChoices | None:
    """Any industry, standing from 003 on (a key industry of the Ministry's list keeps its own values; another is
    evaluated against the 通则), but in the year of a round a later document sets (:data:`LATER_ROUNDS`: the Ministry's
    2025 notice names its 53 key industries, 附件3; the question carries no level, so the year gives way whole)."""
    return None if any(year == later for _, later in LATER_ROUNDS) else INDUSTRIES_2024

#: the rules' and priorities' titles on English pages (a platform translation; the title stays the document's)
TITLES_EN = {
    "jiangxi.city_consultation": "Before recommending, the city asks the local ecology and environment, emergency "
                                 "management and market regulation authorities",
    "jiangxi.park_conditions": "Green park conditions: mainly for manufacturing and energy supply, industry over 50% "
                               "of value added, statutory boundaries, a unified management body, provincial level or "
                               "above",
    "jiangxi.provincial_reapply_for_national": "A park or enterprise on the provincial list that wants the national "
                                               "list applies again",
    "jiangxi.supply_chain_green_factory": "A green supply-chain management applicant should in principle be a green "
                                          "factory (the reviewer confirms)",
}
ELIGIBILITY = with_english_titles(ELIGIBILITY, TITLES_EN)
