"""National (MIIT) rules as data. Every record cites its source.

Seeds: 001_3f04a56fc6693327.txt (MIIT 工信厅节函〔2025〕390号 within Hunan's 2025 notice),
003_a3fa60aeba77aa34.txt and 004_7a8ddd82f611ab67.txt (which restate the 办法's caps and lists).
The 《绿色工厂梯度培育及管理暂行办法》 (工信部节〔2024〕13号) itself is not a seed; its articles
are cited through ../shared/reference/domain.md Part B1.

National's rules apply on every instance, so each cites a national document: the 办法 or the 390号 (a cite
``001 附件1 …``; ``001`` without ``附件1`` is Hunan's own notice). A province's document is never cited as a
national rule's source: the seeds that restate a national rule (003, 004, Hunan's notice in 001) are named in
the comments only. Where no national document says it and the rule is taken from the provinces' documents,
the cite says so (:func:`inferred`, domain.md Part C) and names them as the source of that inference; a
province whose own document sets the rule restates it with ``replaces=`` and its own cite (plugins/shanxi).
"""
import datetime as dt

from core.plugins.types import (
    CityRecommendation,
    CapBasis,
    CorrectionPolicy,
    Deadline,
    EligibilityRule,
    EvaluationMode,
    EvaluationModes,
    EvaluatorCap,
    JointRound,
    Level,
    ListLevel,
    NegativeListItem,
    NoticePeriod,
    Region,
    Sanction,
    UnitType,
    Publication,
    PublicationProcedure,
    AverageGate,
    ConsultedDepartment,
    ConsultedDepartments,
    EvaluatorBan,
    GreenCodeBands,
    ReviewPanel,
    FilingFigure,
    FilingFigures,
    with_english_titles,
)

S001 = "001_3f04a56fc6693327.txt"
S003 = "003_a3fa60aeba77aa34.txt"
S004 = "004_7a8ddd82f611ab67.txt"
BANFA = "《绿色工厂梯度培育及管理暂行办法》(工信部节〔2024〕13号, domain.md B1)"


def inferred(what: str, sources: str, province: str = "") -> str:
    """A cite's part naming the provinces' documents ``what`` is inferred from, no national document stating it:
    on every instance they read as the source of the platform's inference, never as the instance's rule. With
    ``province``: one province's own rule, which the platform applies to every province's national round."""
    if province:
        return f"平台推断（{what}：国家文件未作规定，本平台将{province}的规定推及各省）：{sources}"
    return f"平台推断（{what}：国家文件未作规定，参照省级文件）：{sources}"


REGION = Region(code="national", name="工业和信息化部", name_en="Ministry of Industry and Information Technology",
                authority="national", version="2025.1", cite=f"{S001} 附件1 (工信厅节函〔2025〕390号)")

LIST_LEVELS = (
    ListLevel(code="city", name="市级", rank=1, cite=f"{BANFA} 第二条"),  # restated: 004 第二条
    ListLevel(code="provincial", name="省级", rank=2, cite=f"{BANFA} 第二条"),
    ListLevel(code="national", name="国家级", rank=3, cite=f"{BANFA} 第二条"),
)

UNIT_TYPES = (
    UnitType(code="factory", name="绿色工厂", name_en="Green factory", cite=f"{S001} 附件1 绿色工厂评价要求; {BANFA}"),
    UnitType(code="park", name="绿色工业园区", name_en="Green industrial park", cite=f"{S001} 附件2 绿色工业园区评价要求; {BANFA} 第十三条"),
    UnitType(code="supply_chain", name="绿色供应链管理企业", name_en="Green supply-chain management enterprise",
             cite=f"{BANFA} 第十三条"),  # restated: 003 一
)

DEADLINES = (
    Deadline(code="province_recommendation", title="省级主管部门向工业和信息化部报送推荐名单",
             title_en="The provincial department reports its recommendations to the Ministry",
             month_day=(7, 31), rounds={2025: dt.date(2025, 11, 7)}, actor="province",
             levels=(Level.NATIONAL,),
             cite=f"{BANFA} 第十二条 (每年7月31日前); {S001} 附件1 三 (2025年11月7日前)"),
    Deadline(code="dynamic_filing", title="绿色制造名单单位填报年度动态管理表",
             title_en="Listed units file the annual dynamic-management table",
             month_day=(4, 15), actor="listed_unit",
             cite=f"{BANFA} 第十六条 (每年4月15日前填报动态管理表)"),  # restated: 004 第十八条 (Shanxi replaces it)
)

#: the 办法's six-item negative list, 近三年 (domain.md B1 第十五条, as A2); the items' wording is the one Hunan's
#: notice (001 一.1 (1)-(6)) and Shanxi's 细则 (004 第十七条) restate, cited in neither's name
NEGATIVE_LIST_CITE = f"{BANFA} 第十五条 (近三年有下列情况的，不得申报绿色制造名单)"
NEGATIVE_LIST = (
    NegativeListItem(code="not_operating", title="未正常经营生产（工商注销、连续停产12个月以上、被列入经营异常名单且未被移出等）",
                     title_en="Not operating normally (deregistered, production stopped for more than 12 consecutive months, "
                              "on the list of abnormal operations and not removed, etc.)",
                     cite=NEGATIVE_LIST_CITE),
    NegativeListItem(code="accident_or_tax", title="发生安全（含网络安全、数据安全）、质量、环境污染等事故以及偷漏税等违法违规行为",
                     title_en="A safety (including network and data security), quality or environmental pollution accident, or "
                              "tax evasion or another violation of laws and regulations",
                     cite=NEGATIVE_LIST_CITE),
    NegativeListItem(code="removed_from_list", title="被动态调整出绿色制造名单",
                     title_en="Removed from a green manufacturing list in its dynamic adjustment",
                     cite=NEGATIVE_LIST_CITE),
    NegativeListItem(code="inspection_problems", title="在国务院及有关部委相关督查工作中被发现存在严重问题",
                     title_en="Serious problems found in inspections by the State Council or the ministries concerned",
                     cite=NEGATIVE_LIST_CITE),
    NegativeListItem(code="energy_inspection_unrectified", title="被列入工业节能监察整改名单且未按要求完成整改",
                     title_en="On the rectification list of an industrial energy-conservation inspection without rectifying "
                              "as required",
                     cite=NEGATIVE_LIST_CITE),
    NegativeListItem(code="dishonest_debtor", title="被列为失信被执行人",
                     title_en="Listed as a dishonest judgment debtor",
                     cite=NEGATIVE_LIST_CITE),
)


def _needs_provincial_listing(data):
    """Already on the provincial list; in a joint round whose document says so, the provincial listing
    decided in the same round counts: pending at the city (core shows it as pending the provincial
    decision of this round), required at the province's gate to MIIT (``stage`` ``province``)."""
    if "provincial" in {str(x) for x in data.get("held_levels", ())}:
        return None
    joint = data.get("joint_round")
    requested = {str(x) for x in data.get("requested_levels", ())}
    if joint is not None and joint.provincial_satisfies_national and "provincial" in requested:
        if "provincial" in {str(x) for x in data.get("round_listed_levels", ())}:
            return None
        if data.get("stage") != "province":
            return None
        return ("未列入本轮省级绿色制造名单（国家级推荐与省级遴选同时进行，须先确定省级名单） / not on the provincial list "
                f"decided in this joint round ({joint.cite})")
    return "新申报国家级单位须为现有省级绿色制造单位 / a new national applicant must already be on the provincial list"


def _round_2025_types(data):
    if data.get("year") == 2025 and data.get("unit_type") not in ("factory", "park"):
        return "2025年度国家级推荐仅含绿色工厂、绿色工业园区 / the 2025 national round covers factories and parks only"
    return None


ELIGIBILITY = (
    EligibilityRule(code="national_needs_provincial", title="国家级绿色工厂须先列入省级名单",
                    levels=(Level.NATIONAL,), unit_types=("factory",), check=_needs_provincial_listing,
                    cite=f"{BANFA} 第十一条"),  # restated: 001 一.1 (Hunan: 现有省级绿色工厂、绿色园区自愿申报)
    EligibilityRule(code="round2025_unit_types", title="2025年度推荐范围：绿色工厂、绿色工业园区",
                    levels=(Level.NATIONAL,), years=(2025,), check=_round_2025_types,
                    cite=f"{S001} 附件1 一 (本年度推荐工作包括绿色工厂、绿色工业园区)"),
)

#: removal reasons: 390号 三 states the fraud sanction (根据《办法》移出, 禁止三年内再次申报); the others follow the
#: pattern of the provinces' rules (domain.md B1 "Removal and bans", B9): inferred, and cited so
SANCTIONS = (
    Sanction(code="fraud", title="数据或材料造假：从各级名单移出，三年内禁止再次申报",
             title_en="Falsified data or materials: removed from the lists at every level, barred from applying again for three years",
             ban_years=3, all_levels=True,
             cite=f"{S001} 附件1 三 (如发现企业、园区存在数据或材料造假，我部将根据《办法》将企业、园区从名单中移出，"
                  f"并禁止三年内再次申报); {inferred('从各级名单移出', f'{S001} 四.2、{S004} 第二十二条')}"),
    Sanction(code="not_filed", title="未按时填报年度动态管理表：无法获得评价得分，移出名单",
             title_en="Annual dynamic-management table not filed on time: no evaluation score can be given, removed from the list",
             cite=f"{BANFA} 第十六条 (每年4月15日前填报动态管理表); "
                  f"{inferred('未按时填报的移出名单', f'{S001} 四.1、{S004} 第二十一条 (二)')}"),
    Sanction(code="negative_list_event", title="出现负面清单所列情形：移出名单",
             title_en="A situation on the negative list occurs: removed from the list",
             cite=f"{BANFA} 第十五条 (负面清单); {inferred('出现所列情形的移出名单', f'{S004} 第二十一条 (一)')}"),
    Sanction(code="major_accident", title="发生重大及以上安全、质量事故或二级及以上突发环境事件：立即从各级名单移出",
             title_en="A major or more serious safety or quality accident, or a level II or more serious environmental emergency: "
                      "removed from the lists at every level at once",
             all_levels=True, cite=f"{BANFA} 第十六条 (动态管理); "
                                   f"{inferred('重大事故立即从各级名单移出', f'{S004} 第二十一条、{S003} 三')}"),
    Sanction(code="bottom_five_percent", title="现有国家绿色工厂、绿色工业园区得分连续三年处于后5%：移出名单",
             title_en="A listed national green factory or green industrial park scores in the bottom 5% three years running: "
                      "removed from the list",
             consecutive_years=3, bottom_share=0.05, cite=f"{S001} 附件1 二 (二)"),
)

EVALUATOR_CAP_NATIONAL = EvaluatorCap(
    limit=15, basis=CapBasis.LEGAL_REPRESENTATIVE, levels=(Level.NATIONAL,),
    unit_types=("factory", "park", "supply_chain"),
    # restated word for word by Jiangxi's 赣工信办节能函〔2024〕20号 二（四）: a developers' note (left out of the
    # cite people read, core.plugins.rules.readable_cite), never the national rule's source on a page
    cite=f"{BANFA} 第二十条 (同一法定代表人的第三方机构每年开展的国家级评价项目，绿色工厂、绿色园区、绿色供应链管理企业"
         f"合计不得超过15项) (restated by {S003} 二（四）)",
)

def joint_round(level: Level) -> JointRound:
    """No joint round by default: an application asks for its round's level only."""
    return JointRound(levels=(Level(level),), cite=f"{BANFA} 第十一条、第十二条 (逐级推荐)")


NOTICE_NATIONAL = NoticePeriod(days=15, count="calendar_days", cite=f"{BANFA} 第十二条 (公示时间为15日)")

#: how each level's list is published: the national list by the ministry after a 15-day notice (办法 第十二条);
#: city and provincial lists, where a province's document says nothing, by a decision of the city or the
#: province: a platform default, marked so, never presented as a rule of the 办法
PUBLICATION = {
    Level.NATIONAL: Publication(procedure=PublicationProcedure.NOTICE, publisher="ministry",
                                cite=f"{BANFA} 第十二条 (公示时间为15日，无异议的纳入国家层面绿色工厂名单)"),
    Level.PROVINCIAL: Publication(procedure=PublicationProcedure.DECISION, publisher="province", platform_default=True,
                                  cite="平台默认：省级名单由省级主管部门发文公布 / platform default: the province "
                                       "publishes its list by a decision"),
    Level.CITY: Publication(procedure=PublicationProcedure.DECISION, publisher="city", platform_default=True,
                            cite="平台默认：市级名单由市级主管部门发文公布 / platform default: the city publishes "
                                 "its list by a decision"),
}

MODES_2025_NATIONAL = EvaluationModes(
    allowed=(EvaluationMode.SELF,), third_party_required=False,
    cite=f"{S001} 附件1 二 (一) (如实自主填报申报表完成自评价…不再需要提交第三方评价报告)",
)
MODES_DEFAULT = EvaluationModes(
    allowed=(EvaluationMode.SELF, EvaluationMode.THIRD_PARTY), third_party_required=False,
    cite=f"{BANFA} 第十条 (自评价或委托第三方评价)",
)

# ------------------------------------------------------------ corrections --

#: what a city's return for correction may change (issue 15). No seed sets a correction period
#: outside the 2025 round: 90 days is the platform's default, marked as such.
CORRECTION_DEFAULT = CorrectionPolicy(scope=CorrectionPolicy.EVERYTHING, max_days=90,
                                      cite="平台默认（文件未规定更正期限） / platform default (no document sets a correction period)")
#: 2025 national round: submitted data are final and no correction may raise the score. A return may fix
#: only the contact details and the address (no bearing on the score or on eligibility); the
#: indicator values, the industry (it selects the reference values), the negative-list
#: declarations, the region's form fields and every evidence file of the self-evaluation stay frozen.
CORRECTION_2025_NATIONAL = CorrectionPolicy(
    scope=CorrectionPolicy.FIELDS, fields=("contact_name", "contact_phone", "contact_email", "address"), max_days=90,
    cite=f"{S001} 附件1 二 (一) (如实自主填报申报表完成自评价); "
         f"{inferred('提交后不得修改，不能通过修改指标提高评分', f'{S001} 四.2', province='湖南省工业和信息化厅')}; "
         "平台默认：更正期限90日",
)


def correction(level: Level, year: int) -> CorrectionPolicy:
    return CORRECTION_2025_NATIONAL if Level(level) == Level.NATIONAL and year == 2025 else CORRECTION_DEFAULT

# ----------------------------------------------- rules core used to fix (issue 17) --

#: the departments named where the documents ask for consultation before recommending ("等": others by name).
#: 390号 asks for none: the list is the platform's default, taken from the provinces' wording.
CONSULTED_DEPARTMENTS = ConsultedDepartments(
    departments=(
        ConsultedDepartment(code="ecology_environment", name="生态环境", name_en="Ecology and environment"),
        ConsultedDepartment(code="emergency_management", name="应急管理", name_en="Emergency management"),
        ConsultedDepartment(code="market_regulation", name="市场监管", name_en="Market regulation"),
    ),
    others_allowed=True, platform_default=True,
    cite="平台默认：工信厅节函〔2025〕390号未规定征求意见的部门；按省级文件“征求当地生态环境、应急管理、市场监管等"
         "主管部门意见”的写法列出，可另填其他部门 / platform default: the departments provincial documents name, "
         "others by name",
)

#: the city's recommendation: no national document asks the city for a written opinion on each application or
#: for a recommendation document (the ministry's notices address the provinces): neither required, a platform
#: default; the regions whose documents ask for them say so (gm_policy_city_recommendation)
CITY_RECOMMENDATION = CityRecommendation(
    platform_default=True,
    cite="平台默认：国家文件未要求市级对每个申报单位出具书面推荐意见或报送推荐文件；推荐意见可选填（不超过2000字） / "
         "platform default: no national document asks the city for a written opinion or a recommendation "
         "document; an opinion is optional (at most 2000 characters)",
)

#: 企业绿码 (MIIT notice of 2024-01-05, not among the seeds; 004 第二十六条 only encourages it): A+ 5 %, A 35 %, B 60 %
GREEN_CODE_BANDS = GreenCodeBands(
    bands=(("A+", 0.05), ("A", 0.40), ("B", 1.0)), unit_types=("factory",), platform_default=True,
    cite="平台默认：依工业和信息化部2024年1月5日“企业绿码”通知（A+ 前5%、A 其后35%、B 其余60%），本地区文件未规定分档 / "
         "platform default after MIIT's 企业绿码 notice of 2024-01-05",
)

#: no seed sets the size of an expert panel: 3 is the platform's default
REVIEW_PANEL = ReviewPanel(min_experts=3, platform_default=True,
                           cite="平台默认：文件未规定评审专家人数，至少3名专家 / platform default: no document sets "
                                "the panel size")

#: the 办法 (not a seed) bans a firm that falsified; the seeds' own wording is the provinces' (002 附件2 (五),
#: 003 三（三）, 004 第二十四条): three years is the platform's default for a region without its own rule
EVALUATOR_BAN = EvaluatorBan(years=3, platform_default=True,
                             cite="平台默认：三年内不予采信其出具的评价结果（依《绿色工厂梯度培育及管理暂行办法》，"
                                  "本地区文件未另行规定） / platform default: reports not accepted for 3 years")

#: 390号 一 (2025 round): 推荐的企业或园区原则上不低于本地区已有国家绿色工厂、绿色工业园区的平均水平 — "原则上": a
#: warning staff acknowledge; for the 2025 round's factories and parks only
AVERAGE_GATE_2025 = AverageGate(
    applies=True, blocking=False,
    cite=f"{S001} 附件1 一 (推荐的企业或园区原则上不低于本地区已有国家绿色工厂、绿色工业园区的平均水平)",
)
NO_AVERAGE_GATE = AverageGate(applies=False, platform_default=True,
                              cite="本轮文件未规定“不低于本地区平均水平” / no document of this round sets the gate")


def average_gate(year: int, unit_type: str) -> AverageGate:
    return AVERAGE_GATE_2025 if year == 2025 and unit_type in ("factory", "park") else NO_AVERAGE_GATE

#: the annual table's key figures: 004 第十八条 asks for "绿色制造关键指标情况" and refers to the 办法's 动态管理表 (not
#: a seed) for its content: these three are the platform's default. ``unit_en`` is the unit on English pages (a
#: platform translation: 万元 is 10,000 yuan; tce and m³ read the same in both languages)
FILING_FIGURES = FilingFigures(
    figures=(FilingFigure(key="output_value", name="工业总产值", name_en="Industrial output value", unit="万元",
                          unit_en="10,000 yuan"),
             FilingFigure(key="energy_use", name="综合能源消费量", name_en="Total energy use", unit="tce",
                          unit_en="tce"),
             FilingFigure(key="water_use", name="取水量", name_en="Water use", unit="m³", unit_en="m³")),
    platform_default=True,
    cite="平台默认：年度动态管理表的关键指标（文件要求“上报绿色制造关键指标情况”，未列明指标） / platform default: the "
         "documents ask for key figures without listing them",
)

#: the rules' and priorities' titles on English pages (a platform translation; the title stays the document's)
TITLES_EN = {
    "national_needs_provincial": "A national green factory must first be on the provincial list",
    "round2025_unit_types": "Scope of the 2025 recommendation: green factories and green industrial parks",
}
ELIGIBILITY = with_english_titles(ELIGIBILITY, TITLES_EN)
