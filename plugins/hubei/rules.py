"""Hubei (湖北省) rules as data. Every record cites the seed and its section.

Seed: 002_9c75e1d2ebfbdf50.txt, 鄂经信办节能〔2022〕8号《湖北省绿色制造体系建设实施方案》(2022—2025年),
dated 2022-05-27. Sections are cited as the seed numbers them: 一(二) is 一、总体要求 (二) 工作目标;
附件1 一(二)3 is Attachment 1, part 一, (二) 绿色工厂, item 3; and so on.

What is not here is national (plugins/national): list levels, factory/park/supply-chain unit types,
the national negative-list items Hubei shares, deadlines, notice periods, the national evaluator cap.

The small functions at the end (``quota``, ``evaluation_modes``, ``joint_round``...) only look
things up in the tables above them; ``plugin.py`` calls them from its hooks.
"""
from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import Any, Callable, Mapping

from core.plugins.types import (
    CityRecommendation,
    CultivationStage,
    AdminUnit,
    CapBasis,
    Deadline,
    EligibilityRule,
    EvaluationMode,
    EvaluationModes,
    EvaluatorRequirement,
    JointRound,
    Level,
    NegativeListItem,
    NotApplicable,
    Priority,
    Provision,
    Quota,
    Region,
    ReportStage,
    ReviewerJudges,
    Sanction,
    SharedEvaluatorCap,
    UnitKind,
    UnitType,
    Publication,
    PublicationProcedure,
    with_english_titles,
)

S002 = "002_9c75e1d2ebfbdf50.txt"


def cite(section: str) -> str:
    return f"{S002} {section}"


#: the years the plan's title names (实施方案 2022—2025年): the rounds its summary layout was drawn for (layouts.py).
#: No check reads it: the plan's rules are standing from the plan on (issue 53), in any later round, until a later
#: document replaces one for its own round (:data:`SELF_EVALUATION_ROUNDS`) or a round's notice sets it aside.
PLAN_YEARS = (2022, 2025)
#: the period 附件3 counts listings in (备注: 十四五（2021-2025年）期间)
QUOTA_PERIOD = (2021, 2025)
ALL_TYPES = ("factory", "park", "product", "supply_chain")

REGION = Region(code="hubei", name="湖北省", name_en="Hubei", authority="province", version="2022.1",
                cite=cite("通知 (鄂经信办节能〔2022〕8号, 2022年5月27日)"))

# ------------------------------------------------------------------ steps --

#: 三(四) 初审推荐: the city bureau reviews its applicants and recommends to the province with its opinion. The plan
#: names the step and dates it in no year: each year's notice dates it (a round opened from its notice), and until
#: then the round shows it as not set.
DEADLINES = (
    Deadline(code="hubei.city_recommendation", title="市级经信部门初审并出具推荐意见，择优向省厅推荐",
             title_en="City bureaus review their applicants and recommend the best to the provincial department, "
                      "with their opinion",
             actor="city", levels=(Level.PROVINCIAL, Level.NATIONAL),
             cite=cite("三(四) (市级经信部门负责对本地区申报单位及其申报资料、现场情况等进行初审，并出具推荐意见，"
                       "…择优向省厅推荐)")),  # the plan dates it in no year: the year's notice does
)

# ------------------------------------------------------------ admin units --

_ADDRESS = "通知 主送 (各市、州、直管市、神农架林区经信局); 附件3"

#: (code suffix, name as printed in 附件3, kind); order of 附件3
_UNITS = (
    ("wuhan", "武汉市", UnitKind.CITY),
    ("huangshi", "黄石市", UnitKind.CITY),
    ("xiangyang", "襄阳市", UnitKind.CITY),
    ("jingzhou", "荆州市", UnitKind.CITY),
    ("yichang", "宜昌市", UnitKind.CITY),
    ("shiyan", "十堰市", UnitKind.CITY),
    ("xiaogan", "孝感市", UnitKind.CITY),
    ("jingmen", "荆门市", UnitKind.CITY),
    ("ezhou", "鄂州市", UnitKind.CITY),
    ("huanggang", "黄冈市", UnitKind.CITY),
    ("xianning", "咸宁市", UnitKind.CITY),
    ("suizhou", "随州市", UnitKind.CITY),
    ("enshi", "恩施州", UnitKind.PREFECTURE),  # 恩施土家族苗族自治州
    ("xiantao", "仙桃市", UnitKind.DIRECT_CITY),
    ("qianjiang", "潜江市", UnitKind.DIRECT_CITY),
    ("tianmen", "天门市", UnitKind.DIRECT_CITY),
    ("shennongjia", "神农架林区", UnitKind.FORESTRY_DISTRICT),
)

ADMIN_UNITS = tuple(
    AdminUnit(code=f"hubei.{suffix}", name=name, kind=kind, cite=cite(_ADDRESS)) for suffix, name, kind in _UNITS
)

# -------------------------------------------------------------- unit types --

UNIT_TYPES = (
    UnitType(code="product", name="绿色设计产品", name_en="Green design product",
             levels=(Level.CITY, Level.PROVINCIAL, Level.NATIONAL),
             cite=cite("二(二); 附件1 一(一); 附件3 备注 (国家、省、市发布的绿色产品)")),
)

# ------------------------------------------------------------------ quotas --

#: 附件3 绿色制造体系预期目标任务分解表, cell by cell. Columns: 绿色产品, 绿色工厂,
#: 绿色供应链管理企业, 绿色工业园区. ``None`` is a blank cell (no target).
QUOTA_COLUMNS = ("product", "factory", "supply_chain", "park")
QUOTA_HEADERS = {"product": "绿色产品", "factory": "绿色工厂", "supply_chain": "绿色供应链管理企业",
                 "park": "绿色工业园区"}
QUOTA_TABLE: Mapping[str, tuple[int | None, int | None, int | None, int | None]] = {
    "hubei.wuhan": (30, 21, 8, 3),
    "hubei.huangshi": (15, 7, 2, 1),
    "hubei.xiangyang": (18, 10, 4, 2),
    "hubei.jingzhou": (15, 7, 2, 1),
    "hubei.yichang": (18, 10, 4, 2),
    "hubei.shiyan": (15, 7, 2, 1),
    "hubei.xiaogan": (15, 7, 2, 1),
    "hubei.jingmen": (15, 7, 2, 1),
    "hubei.ezhou": (5, 3, 1, None),
    "hubei.huanggang": (15, 7, 1, 1),
    "hubei.xianning": (15, 7, 1, 1),
    "hubei.suizhou": (5, 3, 1, None),
    "hubei.enshi": (7, 1, None, 1),
    "hubei.xiantao": (4, 1, None, None),
    "hubei.qianjiang": (4, 1, None, None),
    "hubei.tianmen": (4, 1, None, None),
    "hubei.shennongjia": (None, None, None, None),
}
#: 附件3 合计 row and 一(二) 工作目标 (200 / 100 / 30 / 15)
QUOTA_TOTALS = {"product": 200, "factory": 100, "supply_chain": 30, "park": 15}

_UNIT_NAMES = {f"hubei.{suffix}": name for suffix, name, _ in _UNITS}
_QUOTA_COUNTS = (Level.CITY, Level.PROVINCIAL, Level.NATIONAL)  # 备注: 国家、省、市发布的


def _quota_record(unit: str, unit_type: str, value: int | None) -> Quota:
    where = f"附件3 {_UNIT_NAMES[unit]} × {QUOTA_HEADERS[unit_type]}"
    if value is None:
        # A blank cell: 附件3 sets no target for this unit and type. Represented as "no quota",
        # never as 0 (that would forbid any listing) and never as None (that means "no opinion").
        return dataclasses.replace(
            Quota.UNLIMITED, period=QUOTA_PERIOD, counts_levels=_QUOTA_COUNTS,
            cite=cite(f"{where}: blank cell, no target in 附件3"),
        )
    # 附件3 sets expected targets (预期目标, 力争), not ceilings: progress is counted and a city
    # past its figure is warned, never refused.
    return Quota(limit=value, binding=False, period=QUOTA_PERIOD, counts_levels=_QUOTA_COUNTS,
                 cite=cite(f"{where} = {value} (预期目标, 2021-2025 备注)"))


#: every answer gm_policy_quota gives, by (admin unit, unit type)
QUOTAS: Mapping[tuple[str, str], Quota] = {
    (unit, ut): _quota_record(unit, ut, value)
    for unit, row in QUOTA_TABLE.items()
    for ut, value in zip(QUOTA_COLUMNS, row)
}


def quota(admin_unit: str, unit_type: str, year: int) -> Quota | None:
    """The 附件3 target for one unit and type; ``None`` (no opinion) outside 2021-2025 or the table."""
    if not QUOTA_PERIOD[0] <= year <= QUOTA_PERIOD[1]:
        return None
    return QUOTAS.get((admin_unit, unit_type))


# -------------------------------------------------------- evaluation modes --

#: 三(三): self-evaluation, then an on-site evaluation by a qualified third party the applicant
#: chooses. The self-evaluation is a step every applicant takes, not an alternative, so the
#: only mode an applicant *chooses* is the third party's, and its report is required.
MODES_THIRD_PARTY = EvaluationModes(
    allowed=(EvaluationMode.THIRD_PARTY,), third_party_required=True,
    # the on-site evaluation comes before the application goes to the city (申报主体…开展现场评价。申报主体…
    # 向所在地经信部门提交申报材料): the report is part of what is submitted, and records the day of the visit
    report_required=True, report_stage=ReportStage.SUBMIT, on_site_visit=True,
    cite=cite("三(三) (鄂经信办节能〔2022〕8号: 自主选择委托符合评价资质要求的第三方评价机构依据相应评价标准开展现场评价，"
              "…向所在地经信部门提交申报材料); 附件2 二(二) (评价报告)"),
    condition="hubei.third_party_evaluation",
)

#: The rounds a later document sets its own evaluation for, replacing the plan's 三(三) there (data: that document's
#: round, cited; not a window of the plan's rule): MIIT's notice on the 2025 national round asks for the unit's
#: self-evaluation on its platform and no third-party report (工信厅节函〔2025〕390号, as seed 001 encloses it).
SELF_EVALUATION_ROUNDS: Mapping[tuple[Level, int], str] = MappingProxyType({
    (Level.NATIONAL, 2025): "001_3f04a56fc6693327.txt 附件1 二(一) (如实自主填报申报表完成自评价…不再需要提交第三方评价报告)",
})


def third_party_required(level: Level | str, year: int) -> bool:
    """Whether Hubei's on-site third-party evaluation (三(三)) applies to the ``level`` round of ``year``: the
    plan's standing rule, in every round from the plan on, at every level (the national recommendation runs with
    the provincial selection, 三(五)), except a round a later document sets its own evaluation for
    (:data:`SELF_EVALUATION_ROUNDS`). A round's notice may set it aside (the condition
    ``hubei.third_party_evaluation``, read through the round's rules)."""
    return (Level(level), year) not in SELF_EVALUATION_ROUNDS


#: 三(五): from 2022 the national recommendation runs together with the provincial selection; units
#: that pass the review and the notice are confirmed provincial, and national candidates come from that list
JOINT_ROUND = JointRound(
    levels=(Level.NATIONAL, Level.PROVINCIAL), provincial_satisfies_national=True,
    cite=cite("三(五) (从2022年起，国家级绿色制造名单申报推荐的同时进行省级绿色制造名单遴选，经评审合格、公示无异议的"
              "申报单位，确认为省级绿色制造单位，申报国家级绿色制造名单原则上从省级绿色制造名单中择优推荐上报)"),
)


def joint_round(level: Level, year: int) -> JointRound | None:
    """A national round is a joint national + provincial round (三(五): 从2022年起…同时进行), standing from the plan on."""
    if Level(level) == Level.NATIONAL:
        return JOINT_ROUND
    return None


def evaluation_modes(level: Level, year: int) -> EvaluationModes | None:
    return MODES_THIRD_PARTY if third_party_required(level, year) else None


# ---------------------------------------------------------- evaluator cap --

#: 附件2 二(三): 同一法人的评价机构每年开展的绿色制造体系评价项目总计不得超过15项 — one count per legal entity of
#: every project it evaluates in the year, whatever the level (city, provincial and the national projects of
#: the joint rounds, 三(五)) and the type. It applies beside national's own cap at national level (15 national
#: projects per legal representative, 办法 第二十条): a national project counts against both.
EVALUATOR_CAP = SharedEvaluatorCap(
    code="hubei.evaluator_cap", title="同一法人的评价机构每年开展的绿色制造体系评价项目总计不得超过15项（市级、省级、国家级合计）",
    limit=15, basis=CapBasis.LEGAL_ENTITY, levels=(Level.CITY, Level.PROVINCIAL, Level.NATIONAL),
    unit_types=ALL_TYPES,
    cite=cite("附件2 二(三) (鄂经信办节能〔2022〕8号: 同一法人的评价机构每年开展的绿色制造体系评价项目总计不得超过15项)"),
)
#: every cap Hubei registers (gm_register_evaluator_caps); its per-level policy says nothing (national's stands)
EVALUATOR_CAPS = (EVALUATOR_CAP,)


# ------------------------------------------------- evaluator requirements --


#: The evaluator mapping the requirement checks read.
EVALUATOR_DATA_KEYS = {
    "registered_in_china": "bool: 在中华人民共和国境内注册",
    "independent_legal_person": "bool: 具有独立法人资格的企事业单位、行业协会等",
    "evaluation_experience": "bool: 具有开展相关评价的经验和能力",
    "fixed_office": "bool: 固定的办公场所及开展评价工作的办公条件",
    "sound_finances": "bool: 健全的财务管理制度",
    "full_time_midlevel_staff": "int: 从事绿色评价的中级职称以上专职人员人数",
    "senior_staff": "int: 其中能源、环境、生态、低碳、生命周期评价等相关专业高级职称人员人数",
    "staff_compliant": "bool: 人员遵守法律法规和评价程序，熟悉绿色制造政策和标准",
    "green_record_5y": "bool: 近五年主导或参与绿色制造相关评审、论证、评价、省级以上科研项目或标准、政策制定",
    "self_declared": "bool: 在绿色制造公共服务平台自我声明并公开证明材料 (鼓励, not required)",
    "evidence_in_report": "bool: 评价报告中如实提供资质符合性证明材料",
    "wrote_self_evaluation": "bool: 参与了申报主体自评价报告编写",
    "interested_party": "bool: 是申报主体的利益相关方",
    "cnca_approved": "bool: 获国家认证认可监督管理委员会批准 (green-product certifiers)",
    "misconduct_years": "iterable of int: 被认定造假或其他严重不良行为的年份",
}


def _true(key: str, message: str) -> Callable[[Mapping[str, Any]], str | None]:
    def check(data: Mapping[str, Any]) -> str | None:
        return None if data.get(key) is True else message
    return check


def _not_true(key: str, message: str) -> Callable[[Mapping[str, Any]], str | None]:
    def check(data: Mapping[str, Any]) -> str | None:
        return message if data.get(key, True) is not False else None
    return check


def _at_least(key: str, minimum: int, message: str) -> Callable[[Mapping[str, Any]], str | None]:
    def check(data: Mapping[str, Any]) -> str | None:
        value = data.get(key)
        return None if isinstance(value, int) and value >= minimum else f"{message} ({key}={value!r})"
    return check


def _no_recent_misconduct(data: Mapping[str, Any]) -> str | None:
    year = data.get("year")
    recent = [y for y in data.get("misconduct_years", ()) if year is None or 0 <= year - y <= 3]
    if recent:
        return ("评价机构存在造假或其他严重不良行为，后续三年内不再采信其评价报告或认证结果 / "
                f"misconduct in {sorted(recent)}: reports not accepted for three years")
    return None


EVALUATOR_REQUIREMENTS = (
    # 附件2 一: qualifications of the institution
    EvaluatorRequirement(code="hubei.evaluator_registered_legal_person",
                         title="在中华人民共和国境内注册并具有独立法人资格，具有开展相关评价的经验和能力",
                         check=lambda d: _true("registered_in_china", "须在中华人民共和国境内注册 / must be registered in China")(d)
                         or _true("independent_legal_person", "须具有独立法人资格 / must be an independent legal person")(d)
                         or _true("evaluation_experience", "须具有开展相关评价的经验和能力 / needs evaluation experience")(d),
                         cite=cite("附件2 一(一)")),
    EvaluatorRequirement(code="hubei.evaluator_office_finances",
                         title="具有固定的办公场所及开展评价工作的办公条件，具有健全的财务管理制度",
                         check=lambda d: _true("fixed_office", "须有固定的办公场所 / needs a fixed office")(d)
                         or _true("sound_finances", "须有健全的财务管理制度 / needs sound financial management")(d),
                         cite=cite("附件2 一(二)")),
    EvaluatorRequirement(code="hubei.evaluator_staff",
                         title="从事绿色评价的中级职称以上专职人员不少于10人，其中能源、环境、生态、低碳、生命周期评价等相关专业高级职称人员不少于5人",
                         check=lambda d: _at_least("full_time_midlevel_staff", 10,
                                                   "中级职称以上专职人员不少于10人 / at least 10 full-time staff with mid-level titles")(d)
                         or _at_least("senior_staff", 5,
                                      "相关专业高级职称人员不少于5人 / at least 5 senior staff in the listed fields")(d),
                         cite=cite("附件2 一(三)")),
    EvaluatorRequirement(code="hubei.evaluator_staff_conduct",
                         title="评价机构人员遵守国家法律法规和评价程序，熟悉绿色制造相关政策和标准规范",
                         check=_true("staff_compliant", "人员须遵守法律法规和评价程序 / staff must follow the law and procedures"),
                         cite=cite("附件2 一(四)")),
    EvaluatorRequirement(code="hubei.evaluator_record_5y",
                         title="具备开展绿色工厂、绿色工业园区、绿色供应链等领域评价的能力，近五年主导或参与绿色制造相关评审、论证、评价、科研项目或标准、政策制定",
                         check=_true("green_record_5y", "须有近五年绿色制造相关工作业绩 / needs a 5-year green-manufacturing record"),
                         cite=cite("附件2 一(五)")),
    # 附件2 二: one evaluation
    EvaluatorRequirement(code="hubei.evaluator_evidence_in_report", scope="engagement",
                         title="评价报告中如实提供资质符合性证明材料",
                         check=_true("evidence_in_report", "评价报告须附资质符合性证明材料 / the report must carry qualification evidence"),
                         cite=cite("附件2 二(二)")),
    EvaluatorRequirement(code="hubei.evaluator_independence", scope="engagement",
                         title="与申报主体自评价活动保持独立性，不得为利益相关方实施评价，不得参与自评价报告编写",
                         check=lambda d: _not_true("wrote_self_evaluation",
                                                   "评价机构不得参与自评价报告编写 / the evaluator may not write the self-evaluation")(d)
                         or _not_true("interested_party", "不得为利益相关方实施评价 / the evaluator may not be an interested party")(d),
                         cite=cite("附件2 二(三)")),
    EvaluatorRequirement(code="hubei.evaluator_cnca", scope="engagement", unit_types=("product",),
                         title="开展绿色产品认证的机构应获得国家认证认可监督管理委员会批准",
                         check=_true("cnca_approved", "绿色产品认证机构须获国家认监委批准 / green-product certifiers need CNCA approval"),
                         cite=cite("附件2 二(四)")),
    EvaluatorRequirement(code="hubei.evaluator_misconduct_ban", scope="engagement",
                         title="存在造假或其他严重不良行为的评价机构，后续三年内不再采信其评价报告或认证结果（对所评价信息真实性终身负责）",
                         check=_no_recent_misconduct, cite=cite("附件2 二(五)")),
)


def evaluator_problems(evaluator: Mapping[str, Any], *, unit_type: str | None = None, year: int | None = None,
                       scopes: tuple[str, ...] = ("institution", "engagement")) -> list[str]:
    """Every message of the :data:`EVALUATOR_REQUIREMENTS` the evaluator fails (empty: qualified)."""
    data = {**evaluator, "unit_type": unit_type, "year": year}
    problems = []
    for req in EVALUATOR_REQUIREMENTS:
        if req.scope not in scopes or not req.applies(unit_type):
            continue
        message = req.check(data)
        if message:
            problems.append(message)
    return problems


# ---------------------------------------------------- basic conditions --

#: The application data keys Hubei's eligibility checks read (besides unit_type, level, year).
#: Declarations are booleans the applicant confirms; a missing key fails a blocking rule.
APPLICANT_DATA_KEYS = {
    "product_cleaner_production_leading": "bool: 产品生产企业清洁生产水平处于行业领先",
    "product_emissions_compliant": "bool: 污染物排放达到国家和地方排放标准",
    "product_performance_standards": "bool: 质量、安全、卫生性能及节能降耗、综合利用水平达到标准",
    "meets_type_standard": "bool: 符合本类别相关评价标准、政策要求",
    "independent_legal_person": "bool: 依法设立并具有独立法人资格",
    "actual_manufacturing": "bool: 从事实际生产过程的制造业企业",
    # ticked, the application fails 一(二)1 (the rule's message says so); unticked is the answer the rule needs
    "covers_subsidiaries": "bool: 本申报包含下设的独立法人子公司（下设多个独立法人子公司的，各子公司应单独申报，本项不应勾选）",
    "complies_with_laws": "bool: 建设和生产过程中遵守有关法律、法规、政策和标准",
    "factory_leading_performance": "bool: 经济技术基础和效益较好，竞争优势明显，绩效指标行业领先",
    "factory_management_systems": "bool: 质量、职业健康、环保、安全生产和能源管理健全",
    "sc_industry_influence": "bool: 行业影响力较强，销售盈利能力行业领先",
    "sc_management_systems": "bool: 能源资源、环境管理体系较完善，管理制度健全",
    "sc_strategy": "bool: 制定绿色供应链管理战略，有明确目标和措施",
    "sc_supplier_management": "bool: 供应商数量众多，建立完善的供应商管理体系",
    "park_level": "str: 园区级别, 'provincial' 或 'national' (省级以上)",
    "park_manufacturing_energy_function": "bool: 以产品制造和能源供给为主要功能",
    "park_legal_boundary": "bool: 具有法定边界和范围",
    "park_unified_management": "bool: 具备统一管理机构",
    "park_targets_met": "bool: 完成节能减排指标",
    "park_carbon_intensity_falling": "bool: 碳排放强度持续下降",
    "park_environment_compliant": "bool: 环境质量达标，企业达标排放，重点污染物不超总量控制",
    "park_green_body": "bool: 建立履行绿色发展工作职责的专门机构",
    "park_green_body_staff": "int: 专门机构专职工作人员人数 (>= 1)",
    "held_levels": "iterable of Level: levels the unit is already listed at (national's key)",
    "requested_levels": "iterable of Level: levels this application asks for (joint national + provincial round)",
    "evaluator": "mapping: the third-party evaluator, keys of EVALUATOR_DATA_KEYS",
}


def _all_true(*keys: str, message: str) -> Callable[[Mapping[str, Any]], str | None]:
    def check(data: Mapping[str, Any]) -> str | None:
        missing = [k for k in keys if data.get(k) is not True]
        if not missing:
            return None
        names = "；".join(APPLICANT_DATA_KEYS.get(k, k).split(": ", 1)[-1] for k in missing)
        return f"{message}（未声明或不符合：{names}） / {len(missing)} condition(s) not declared or not met"
    return check


def _factory_legal_person(data: Mapping[str, Any]) -> str | None:
    if data.get("covers_subsidiaries") is True:
        return ("本申报不得包含下设的独立法人子公司：各子公司应单独申报 / this application may not include independent "
                "subsidiaries: each subsidiary that is a legal person applies on its own")
    return _all_true("independent_legal_person", "actual_manufacturing",
                     message="须为依法设立、具有独立法人资格、从事实际生产过程的制造业企业")(data)


def _park_basic(data: Mapping[str, Any]) -> str | None:
    if str(data.get("park_level", "")) not in (Level.PROVINCIAL, Level.NATIONAL):
        return "须为省级以上工业园区 / the park must be provincial-level or above"
    return _all_true("park_manufacturing_energy_function", "park_legal_boundary", "park_unified_management",
                     message="须以产品制造和能源供给为主要功能、具有法定边界和范围、具备统一管理机构")(data)


def _park_green_body(data: Mapping[str, Any]) -> str | None:
    staff = data.get("park_green_body_staff")
    if data.get("park_green_body") is not True or not isinstance(staff, int) or staff < 1:
        return "园区须建立履行绿色发展工作职责的专门机构，并配备专职工作人员 / needs a green body with full-time staff"
    return None


def _national_from_provincial(data: Mapping[str, Any]) -> str | None:
    levels = {str(x) for x in (*data.get("held_levels", ()), *data.get("requested_levels", ()))}
    if Level.PROVINCIAL not in levels:
        return ("申报国家级绿色制造名单原则上从省级绿色制造名单中择优推荐 / national candidates come in principle "
                "from the provincial list (or the provincial selection of the same round)")
    return None


def _third_party_evaluation(data: Mapping[str, Any]) -> str | None:
    year, level = data.get("year"), data.get("level")
    if year is None or level is None:
        return None
    if not third_party_required(level, year):
        # a round a later document sets its own evaluation for (SELF_EVALUATION_ROUNDS: the 2025 national round, MIIT's
        # 390号 asks a unit to self-evaluate on its platform and no third-party report, 001 附件1 二(一))
        return NotApplicable("2025年国家级推荐由申报单位在管理平台自评价，不再需要提交第三方评价报告（工信厅节函〔2025〕390号）"
                             " / the 2025 national round asks for the unit's self-evaluation on the MIIT platform and "
                             "no third-party evaluation report (MIIT 工信厅节函〔2025〕390号)")
    evaluator = data.get("evaluator")
    if not isinstance(evaluator, Mapping):
        return "须自主委托符合评价资质要求的第三方评价机构开展现场评价 / an on-site third-party evaluation is required"
    problems = evaluator_problems(evaluator, unit_type=data.get("unit_type"), year=year)
    return "; ".join(problems) or None


def _own_keys(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The application data with Hubei's form values also under their bare key (``hubei.sc_strategy`` → ``sc_strategy``)."""
    return {**data, **{k.removeprefix("hubei."): v for k, v in data.items() if k.startswith("hubei.")}}


def _rule(code: str, title: str, types: tuple[str, ...], check, section: str, **kw) -> EligibilityRule:
    return EligibilityRule(code=f"hubei.{code}", title=title, unit_types=types,
                           check=lambda data, check=check: check(_own_keys(data)), cite=cite(section), **kw)


_P, _F, _S, _K = ("product",), ("factory",), ("supply_chain",), ("park",)

ELIGIBILITY = (
    # 附件1 一(一) 绿色设计产品
    _rule("product_cleaner_production", "产品生产企业清洁生产水平处于行业领先，污染物排放达到国家和地方排放标准要求", _P,
          _all_true("product_cleaner_production_leading", "product_emissions_compliant",
                    message="清洁生产水平须行业领先、污染物达标排放"), "附件1 一(一)1"),
    _rule("product_performance", "产品质量、安全、卫生性能以及节能降耗和综合利用水平达到相关国家、行业、地方标准要求", _P,
          _all_true("product_performance_standards", message="产品性能须达到相关标准"), "附件1 一(一)2"),
    _rule("product_standard", "产品符合绿色设计产品评价标准、政策相关要求", _P,
          _all_true("meets_type_standard", message="须符合绿色设计产品评价标准"), "附件1 一(一)3"),
    # 附件1 一(二) 绿色工厂
    _rule("factory_legal_person", "依法设立并具有独立法人资格、从事实际生产过程的制造业企业；下设多个独立法人子公司的，各子公司应单独申报",
          _F, _factory_legal_person, "附件1 一(二)1"),
    _rule("factory_compliance", "在建设和生产过程中遵守有关法律、法规、政策和标准", _F,
          _all_true("complies_with_laws", message="须遵守有关法律、法规、政策和标准"), "附件1 一(二)2"),
    _rule("factory_leading", "具有较好的经济技术基础和经济效益，竞争优势明显，相关绩效指标处于行业领先水平", _F,
          _all_true("factory_leading_performance", message="绩效指标须处于行业领先水平"), "附件1 一(二)3"),
    _rule("factory_management", "具有健全的质量、职业健康、环保、安全生产和能源管理水平", _F,
          _all_true("factory_management_systems", message="须有健全的质量、职业健康、环保、安全生产和能源管理"), "附件1 一(二)4"),
    _rule("factory_standard", "符合绿色工厂相关标准、政策要求", _F,
          _all_true("meets_type_standard", message="须符合绿色工厂相关标准"), "附件1 一(二)5"),
    # 附件1 一(三) 绿色供应链管理企业
    _rule("sc_legal_person", "依法设立并具有独立法人资格，在建设和生产过程中遵守有关法律、法规、政策和标准", _S,
          _all_true("independent_legal_person", "complies_with_laws", message="须具有独立法人资格并遵守法律法规"),
          "附件1 一(三)1"),
    _rule("sc_influence", "行业影响力较强，销售盈利能力处于行业领先水平，能源资源、环境管理体系较完善，管理制度健全", _S,
          _all_true("sc_industry_influence", "sc_management_systems", message="须有行业影响力并有完善的管理体系"),
          "附件1 一(三)2"),
    _rule("sc_strategy", "制定绿色供应链管理战略，有明确的工作目标和措施", _S,
          _all_true("sc_strategy", message="须制定绿色供应链管理战略"), "附件1 一(三)3"),
    _rule("sc_suppliers", "拥有数量众多的供应商，建立完善的供应商管理体系", _S,
          _all_true("sc_supplier_management", message="须建立完善的供应商管理体系"), "附件1 一(三)4"),
    _rule("sc_standard", "符合绿色供应链管理企业相关标准、政策要求", _S,
          _all_true("meets_type_standard", message="须符合绿色供应链管理企业相关标准"), "附件1 一(三)5"),
    # 附件1 一(四) 绿色工业园区
    _rule("park_basic", "以产品制造和能源供给为主要功能、具有法定边界和范围、具备统一管理机构的省级以上工业园区", _K,
          _park_basic, "附件1 一(四)1"),
    _rule("park_targets", "完成国家和地方政府下达的节能减排指标，碳排放强度持续下降", _K,
          _all_true("park_targets_met", "park_carbon_intensity_falling", message="须完成节能减排指标、碳排放强度持续下降"),
          "附件1 一(四)2"),
    _rule("park_environment", "环境质量达标，园区内企业污染物达标排放，重点污染物排放总量不超过总量控制要求", _K,
          _all_true("park_environment_compliant", message="环境质量和排放须达标"), "附件1 一(四)3"),
    _rule("park_green_body", "建立履行绿色发展工作职责的专门机构，并配备专职工作人员", _K, _park_green_body, "附件1 一(四)4"),
    _rule("park_standard", "符合绿色工业园区相关标准、政策要求", _K,
          _all_true("meets_type_standard", message="须符合绿色工业园区相关标准"), "附件1 一(四)5"),
    # 三 组织实施: flow
    # standing from the plan on (issue 53): every later round checks it unless its notice sets it aside; a round a
    # later document sets its own evaluation for reads "not applicable" (SELF_EVALUATION_ROUNDS)
    _rule("third_party_evaluation", "自评价后须委托符合附件2资质要求的第三方评价机构开展现场评价",
          (), _third_party_evaluation, "三(三); 附件2"),
    _rule("national_from_provincial", "申报国家级绿色制造名单原则上从省级绿色制造名单中择优推荐（2022年起国家级推荐与省级遴选同时进行）",
          (), _national_from_provincial, "三(五)", levels=(Level.NATIONAL,), blocking=False),
)

# ------------------------------------------ priorities and the city's opinion --

#: 二 建设内容: the industries each type is built in first (重点在…等行业), as the seed lists them. "等": not
#: exhaustive, so an applicant of another industry is not refused: it just has no priority.
KEY_INDUSTRIES = {
    "factory": ("电子信息", "高端装备", "汽车", "食品", "医药", "新能源", "新材料"),
    "product": ("机械", "高端装备", "电子", "通信", "石化", "钢铁", "建材", "纺织", "家电"),
    "supply_chain": ("汽车", "航空航天", "电子电器", "通信", "大型成套装备", "轻工", "纺织", "食品", "建材", "医药", "包装"),
}
KEY_INDUSTRY_SECTIONS = {"factory": "二(一)", "product": "二(二)", "supply_chain": "二(四)"}
OTHER_INDUSTRY = "其他行业"


def key_industry_field(unit_type: str) -> str:
    return f"hubei.{unit_type}_key_industry"


def _key_industry(unit_type: str) -> Callable[[Mapping[str, Any]], bool]:
    def check(data: Mapping[str, Any]) -> bool:
        return data.get(key_industry_field(unit_type)) in KEY_INDUSTRIES[unit_type]
    return check


def _in_pool(data: Mapping[str, Any]) -> bool | None:
    """三(一): the city keeps its 培育库; an applicant that says it is in it has its claim judged by the city."""
    return None if data.get("hubei.in_cultivation_pool") is True else False


_INDUSTRY_CITES = {
    "factory": "二(一) (绿色工厂：重点在电子信息、高端装备、汽车、食品、医药、新能源、新材料等行业)",
    "product": "二(二) (绿色设计产品：重点在机械、高端装备、电子、通信、石化、钢铁、建材、纺织、家电等行业领域)",
    "supply_chain": "二(四) (绿色供应链管理企业：重点在汽车、航空航天、电子电器、通信、大型成套装备、轻工、纺织、食品、建材、医药、"
                    "包装等行业)",
}

PRIORITIES = tuple(
    Priority(code=f"hubei.key_industry_{ut}", title=f"重点行业：{'、'.join(KEY_INDUSTRIES[ut])}等",
             unit_types=(ut,), evidence=(key_industry_field(ut),), check=_key_industry(ut),
             cite=cite(_INDUSTRY_CITES[ut]))
    for ut in KEY_INDUSTRIES
) + (
    Priority(code="hubei.cultivation_pool", title="已列入所在市州绿色制造体系创建培育库", unit_types=ALL_TYPES,
             levels=(Level.CITY, Level.PROVINCIAL, Level.NATIONAL),
             evidence=("hubei.in_cultivation_pool",), check=_in_pool,
             cite=cite("三(一) (各市州…选择一批具备创建绿色制造体系基础条件的企业、园区，建立本地区绿色制造体系创建培育库，"
                       "加强对培育单位的指导帮扶)")),
)

#: 三(四) 出具推荐意见: the opinion's length, the platform's bounds (the plan names none)
OPINION_MIN, OPINION_MAX = 10, 2000


def _city_opinion(data: Mapping[str, Any]) -> str | None:
    """三(四): the city's 推荐意见 (``city_opinion``: the text it gives as it recommends, or gave; None before) has
    10 to 2000 characters; the initial review it rests on (材料、现场情况、不得申报情形) the city confirms."""
    opinion = data.get("city_opinion")
    if opinion is not None:
        size = len(str(opinion).strip())
        if not OPINION_MIN <= size <= OPINION_MAX:
            return (f"市级经信部门须出具推荐意见（{OPINION_MIN}–{OPINION_MAX}字），现为{size}字 / the city's recommendation "
                    f"opinion must have {OPINION_MIN} to {OPINION_MAX} characters; it has {size}")
    return ReviewerJudges("市级经信部门初审申报资料、现场情况及不得申报情形后出具推荐意见，推荐时确认 / the city confirms its "
                          "initial review when it recommends, with its written opinion")


_CITY_OPINION_CITE = cite("三(四) (市级经信部门负责对本地区申报单位及其申报资料、现场情况等进行初审，并出具推荐意见，重点核实"
                          "申报主体是否存在国家文件规定不得申报的情况等)")

#: 三(四): the city's initial review and its 推荐意见, checked by the city when it recommends (a condition the
#: city judges: acknowledged and recorded with the recommendation). The opinion itself is written text the city
#: gives with each recommendation (CITY_RECOMMENDATION below): required in the plan's rounds.
CITY_OPINION = EligibilityRule(
    code="hubei.city_opinion", levels=(Level.CITY, Level.PROVINCIAL, Level.NATIONAL),
    title="市级经信部门初审（申报资料、现场情况，重点核实是否存在国家文件规定不得申报的情况）并出具推荐意见",
    check=lambda data: _city_opinion(data), blocking=True,
    cite=_CITY_OPINION_CITE,
)

#: 三(四) 出具推荐意见: the city writes its 推荐意见 on each unit it recommends (10 to 2000 characters: the platform's
#: bounds, the plan names none), at every level, standing from the plan on; a round whose notice sets the condition
#: ``hubei.city_opinion`` aside gets national's answer (the opinion optional).
CITY_RECOMMENDATION = CityRecommendation(opinion_required=True, opinion_min=OPINION_MIN, opinion_max=OPINION_MAX,
                                         cite=_CITY_OPINION_CITE + "；推荐意见10–2000字为平台设定（文件未规定字数）",
                                         condition="hubei.city_opinion")


def city_recommendation(level: Level, year: int) -> CityRecommendation | None:
    return CITY_RECOMMENDATION


ELIGIBILITY = ELIGIBILITY + (CITY_OPINION,)


# ----------------------------------------------------------- negative list --

#: 附件1 二, 近三年 (three-year look-back), for the lists the plan selects: city and provincial lists in the
#: plan's years (2022-2025). Items (一), (三) and (四) are national items already (national's wording is the
#: same or splits them); only (二) differs: there it stands in for national's item. National-level applicants
#: (the joint rounds' national recommendation, 三(五)) declare national's six items, which the 2025 national
#: round requires word for word (as the Hunan notice on that round states it, seed 001 一、1:
#: …网络安全、数据安全…事故以及偷漏税); so do city and provincial applicants after 2025, when no Hubei document
#: gives its own list.
NEGATIVE_LIST_LEVELS = (Level.CITY, Level.PROVINCIAL)
NEGATIVE_LIST = (
    NegativeListItem(code="hubei.major_accident_or_incident", sets_aside=("accident_or_tax",),
                     title="发生较大及以上生产安全和质量事故、III级（较大）及以上突发环境污染事件",
                     title_en="A major or larger production safety or quality accident, or a Level III (major) or "
                              "higher environmental pollution emergency",
                     lookback_years=3, levels=NEGATIVE_LIST_LEVELS,
                     years=tuple(range(PLAN_YEARS[0], PLAN_YEARS[1] + 1)),
                     cite=cite("附件1 二(二) (近三年有下列情况的，不得申报绿色制造名单：…发生较大及以上生产安全和质量事故、"
                               "III级(较大)及以上突发环境污染事件的)")),
)

#: How Hubei's four items map onto the codes city and provincial applicants of 2022-2025 declare
#: (for the README and the tests).
NEGATIVE_LIST_MAP = {
    "(一) 未正常经营生产的": ("not_operating",),
    "(二) 较大及以上生产安全和质量事故、III级(较大)及以上突发环境污染事件": ("hubei.major_accident_or_incident",),
    "(三) 被动态调整出绿色制造名单的": ("removed_from_list",),
    "(四) 督查严重问题、节能监察整改未完成、失信被执行人等": (
        "inspection_problems", "energy_inspection_unrectified", "dishonest_debtor"),
}

# -------------------------------------------------- dynamic management --

SANCTIONS = (
    Sanction(code="hubei.triennial_review",
             title="三年一复核：市级经信部门组织现场复核，不再符合绿色制造评价要求的单位（名单和原因）报省经信厅，"
                   "省经信厅技术评审后反馈工信部；不再符合要求的动态调整出名单",
             title_en="Re-review every three years: the city's economy and information technology bureau re-reviews on site and "
                      "reports the units that no longer meet the green manufacturing evaluation requirements (names and reasons) "
                      "to the provincial department, which reviews them technically and reports back to MIIT; units that no longer "
                      "meet the requirements are taken off the list",
             removal=True, cite=cite("三(六)")),
)


REVIEW_CYCLES = (
    Provision(code="hubei.triennial_review_cycle", title="三年一复核", topic="review_cycle",
              details=MappingProxyType({"every_years": 3, "actor": "city", "on_site": True,
                                        "reports_to": "province (省经信厅技术评审，复核意见反馈工信部)",
                                        "unit_types": ALL_TYPES}),
              cite=cite("三(六)")),
)


FLOW = (
    Provision(code="hubei.flow_1", topic="procedure", details=MappingProxyType({"order": 1, "actor": "applicant"}), title="自愿申报，按标准和年度通知开展自评价", cite=cite("三(三)")),
    Provision(code="hubei.flow_2", topic="procedure", details=MappingProxyType({"order": 2, "actor": "evaluator"}), title="申报主体自主委托符合资质要求的第三方评价机构开展现场评价", cite=cite("三(三); 附件2")),
    Provision(code="hubei.flow_3", topic="procedure", details=MappingProxyType({"order": 3, "actor": "applicant"}), title="向所在地经信部门提交申报材料", cite=cite("三(三)")),
    Provision(code="hubei.flow_4", topic="procedure", details=MappingProxyType({"order": 4, "actor": "city"}), title="市级经信部门初审（材料、现场情况、不得申报情形），出具推荐意见，择优向省厅推荐",
             cite=cite("三(四)")),
    Provision(code="hubei.flow_5", topic="procedure", details=MappingProxyType({"order": 5, "actor": "province"}), title="省经信厅组织专家或委托专业机构技术评审", cite=cite("三(五)")),
    Provision(code="hubei.flow_6", topic="procedure", details=MappingProxyType({"order": 6, "actor": "province"}), title="评审合格、公示无异议的，确认为省级绿色制造单位；国家级推荐与省级遴选同时进行（2022年起），"
             "国家级原则上从省级名单中择优推荐", cite=cite("三(五)")),
)


#: every documented provision (gm_register_provisions)
PROVISIONS = REVIEW_CYCLES + FLOW


# The city's recommendation table (a platform layout): plugins/hubei/layouts.py


#: 002 三(五): 经评审合格、公示无异议的申报单位，确认为省级绿色制造单位 — a public notice whose period the
#: document does not name (the deployer sets it: GREENMFG_NOTICE_PERIODS); 002 附件3 备注: lists that
#: 国家、省、市发布 count towards the targets, so cities publish city lists (by decision: no notice named)
PUBLICATION = {
    Level.PROVINCIAL: Publication(procedure=PublicationProcedure.NOTICE, publisher="province",
                                  cite=f"{S002} 三(五) (经评审合格、公示无异议的申报单位，确认为省级绿色制造单位；"
                                       f"公示期未规定)",
                                  stage=CultivationStage(
                                      name="培育库", member="培育单位", name_en="cultivation pool",
                                      member_en="cultivated unit", publisher="city",
                                      cite=f"{S002} 三(一) (选择一批具备创建绿色制造体系基础条件的企业、园区，建立本地区"
                                           f"绿色制造体系创建培育库，加强对培育单位的指导帮扶)")),
    Level.CITY: Publication(procedure=PublicationProcedure.DECISION, publisher="city",
                            cite=f"{S002} 附件3 备注 (国家、省、市发布的绿色工厂…名单)"),
}


def publication(level):
    return PUBLICATION.get(level)

#: the rules' and priorities' titles on English pages (a platform translation; the title stays the document's)
TITLES_EN = {
    "hubei.city_opinion": "The city's industry and IT bureau's first review (the application, the site, above all "
                          "whether a case the national documents bar applies) and its recommendation opinion",
    "hubei.factory_compliance": "Complies with the laws, regulations, policies and standards in construction and "
                                "production",
    "hubei.factory_leading": "A good economic and technical base and returns, clear competitive advantages, "
                             "performance indicators leading its industry",
    "hubei.factory_legal_person": "A lawfully established manufacturer with independent legal personality that "
                                  "actually produces; each subsidiary with its own legal personality applies on its "
                                  "own",
    "hubei.factory_management": "Sound quality, occupational health, environmental, work safety and energy management",
    "hubei.factory_standard": "Meets the standards and policy requirements for green factories",
    "hubei.national_from_provincial": "National lists are in principle recommended from the best of the provincial "
                                      "lists (since 2022 the national recommendation runs with the provincial "
                                      "selection)",
    "hubei.park_basic": "An industrial park at provincial level or above, mainly for manufacturing and energy supply, "
                        "with statutory boundaries and a unified management body",
    "hubei.park_environment": "Environmental quality up to standard, enterprises' emissions within standards, key "
                              "pollutants within the total-amount limits",
    "hubei.park_green_body": "A dedicated body for green development, with full-time staff",
    "hubei.park_standard": "Meets the standards and policy requirements for green industrial parks",
    "hubei.park_targets": "Meets the energy-saving and emission-reduction targets set by the state and local "
                          "government, with carbon intensity falling",
    "hubei.product_cleaner_production": "The producer's cleaner production leads its industry and its emissions meet "
                                        "national and local standards",
    "hubei.product_performance": "Product quality, safety, hygiene, energy saving and resource use meet national, "
                                 "industry and local standards",
    "hubei.product_standard": "The product meets the green-design product evaluation standards and policy requirements",
    "hubei.sc_influence": "Strong influence in its industry, sales and profitability leading it, sound energy, "
                          "resource and environmental management systems and rules",
    "hubei.sc_legal_person": "Lawfully established with independent legal personality; complies with the laws, "
                             "regulations, policies and standards in construction and production",
    "hubei.sc_standard": "Meets the standards and policy requirements for green supply-chain management enterprises",
    "hubei.sc_strategy": "A green supply-chain management strategy with clear targets and measures",
    "hubei.sc_suppliers": "Many suppliers, with a complete supplier management system",
    "hubei.third_party_evaluation": "After its self-evaluation, an on-site evaluation by a third-party firm qualified "
                                    "under Annex 2",
    "hubei.cultivation_pool": "In its city's cultivation pool for the green manufacturing system",
    "hubei.key_industry_factory": "Key industries: electronic information, high-end equipment, automotive, food, "
                                  "pharmaceuticals, new energy, new materials and others",
    "hubei.key_industry_product": "Key industries: machinery, high-end equipment, electronics, telecommunications, "
                                  "petrochemicals, steel, building materials, textiles, household appliances and "
                                  "others",
    "hubei.key_industry_supply_chain": "Key industries: automotive, aerospace, electronics and electrical appliances, "
                                       "telecommunications, large complete equipment, light industry, textiles, food, "
                                       "building materials, pharmaceuticals, packaging and others",
}
ELIGIBILITY = with_english_titles(ELIGIBILITY, TITLES_EN)
PRIORITIES = with_english_titles(PRIORITIES, TITLES_EN)
