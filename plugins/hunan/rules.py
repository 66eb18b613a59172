"""Hunan (湖南省) rules as data. Every record cites its seed and section.

Seeds:
* 000_5ae1342e00264ea1.txt: 湖南省工业和信息化厅, call for the 2024 provincial creation plan
  (2024年湖南省绿色制造体系创建计划征集), dated 2023-10-20.
* 001_3f04a56fc6693327.txt: 湖南省工业和信息化厅, 2025 national recommendation, enclosing
  MIIT 工信厅节函〔2025〕390号 (the national plugin encodes 390号 itself).

What national already says is not repeated here (the 2025 negative list, the unfiled-unit removal,
the fraud ban, the 2025 "no third-party report" mode, the 53 key industries, the 11-07 deadline).

Eligibility checks read the application's data mapping. Values that come from Hunan's form fields
are read under their FormField code (``"hunan.cp_audit_date"``); the other keys are documented on
each check. Form-field codes used here are defined once below and reused by ``forms.py``.
"""
import datetime as dt
from decimal import Decimal, InvalidOperation

from core.plugins import add_years, today
from core.plugins.types import (
    CultivationStage,
    AdminUnit,
    Deadline,
    EligibilityRule,
    Level,
    NegativeListItem,
    Priority,
    Region,
    ReviewerJudges,
    UnitKind,
    Publication,
    PublicationProcedure,
    with_english_titles,
)

S000 = "000_5ae1342e00264ea1.txt"
S001 = "001_3f04a56fc6693327.txt"

REGION = Region(code="hunan", name="湖南省", name_en="Hunan", authority="province", version="2025.1",
                cite=f"{S000} 落款 (湖南省工业和信息化厅); {S001} 标题")

# ---------------------------------------------------------------- admin units --

_CITIES = (
    ("changsha", "长沙市"), ("zhuzhou", "株洲市"), ("xiangtan", "湘潭市"), ("hengyang", "衡阳市"),
    ("shaoyang", "邵阳市"), ("yueyang", "岳阳市"), ("changde", "常德市"), ("zhangjiajie", "张家界市"),
    ("yiyang", "益阳市"), ("chenzhou", "郴州市"), ("yongzhou", "永州市"), ("huaihua", "怀化市"),
    ("loudi", "娄底市"),
)
_ADMIN_CITE = f"{S000} 抬头 (各市州工信局); {S001} 抬头 (各市州工信局); names: domain.md B5"

ADMIN_UNITS = tuple(
    AdminUnit(code=f"hunan.{code}", name=name, kind=UnitKind.CITY, cite=_ADMIN_CITE) for code, name in _CITIES
) + (
    AdminUnit(code="hunan.xiangxi", name="湘西土家族苗族自治州", kind=UnitKind.PREFECTURE, cite=_ADMIN_CITE),
)

#: Kinds of submitting unit whose members an admin enters. Seed 000 addresses the
#: 省直管试点县（市）工信部门 as submitters (抬头, 二.3, 二.4, 附件2 注) but never lists them, so no
#: record is registered; core's admin_unit table holds them (AdminUnit(kind=PILOT_COUNTY,
#: configurable=True)). Seed 001 (2025) addresses only 各市州工信局.
CONFIGURABLE_KINDS = {
    UnitKind.PILOT_COUNTY: f"{S000} 抬头, 二.3, 二.4 (省直管试点县（市）工信部门; 名单未列出)",
}

# ------------------------------------------------------------------ deadlines --

#: Round-year vs calendar-year: the 2024 creation plan is called in October 2023 and cities
#: submit by 2023-12-05, so ``rounds`` is keyed by the campaign year 2024 while the date lies in 2023.
DEADLINES = (
    Deadline(code="hunan.city_submission", formerly=("hunan.city_submission_2024",),
             title="市州工信局、省直管试点县（市）工信部门报送绿色制造体系申报汇总表及创建工作方案",
             title_en="City bureaus and pilot counties submit the summary table and creation work plans",
             rounds={2024: dt.date(2023, 12, 5)}, actor="city", levels=(Level.PROVINCIAL,),
             unit_types=("factory", "park", "supply_chain"),
             cite=f"{S000} 二.3 (于2023年12月5日前正式行文…报送我厅节能与综合利用处)"),
    Deadline(code="hunan.applicant_filing", formerly=("hunan.national_filing_2025_new",),
             title="新申报单位在管理平台完成申报填报（含上传相关证明资料）",
             title_en="New applicants complete their filing on the platform (evidence uploaded)",
             rounds={2025: dt.date(2025, 10, 27)}, actor="applicant", levels=(Level.NATIONAL,),
             unit_types=("factory", "park"),
             cite=f"{S001} 三 (10月27日（周一）前完成申报填报); 一.1"),
    Deadline(code="hunan.listed_unit_filing", formerly=("hunan.national_filing_2025_existing",),
             title="现有国家级绿色工厂、绿色园区在管理平台完成信息填报",
             title_en="Existing national green factories and parks complete their filing on the platform",
             rounds={2025: dt.date(2025, 10, 27)}, actor="listed_unit", levels=(Level.NATIONAL,),
             unit_types=("factory", "park"),
             cite=f"{S001} 三 (10月27日（周一）前完成申报填报); 一.2 (现有单位均须完成填报); 附件1 二 (二) (对照新的评价要求开展自评价对标)"),
    Deadline(code="hunan.city_summary", formerly=("hunan.city_summary_2025",),
             title="市州工信局提交新申报单位信息汇总表",
             title_en="City bureaus submit the summary table of new applicants",
             rounds={2025: dt.date(2025, 10, 30)}, actor="city", levels=(Level.NATIONAL,),
             unit_types=("factory", "park"),
             cite=f"{S001} 三 (10月30日（周四）前提交新申报单位信息汇总表（见附件2）)"),
)

# -------------------------------------------------------------- negative list --

#: Hunan 2024 negative list (seed 000 二.1, 近三年…不予推荐) item by item, with the national item each one
#: stands in for. The 2024 provincial round declares these six, in 000's words, and none of national's six
#: (national's ``removed_from_list`` has no counterpart in 000). The 2025 national round (seed 001 一.1)
#: declares national's six, word for word; a Hunan provincial round of another year, for which no Hunan
#: document lists items, declares national's.
NEGATIVE_LIST_2024_MAP = (
    ("未正常生产经营的", "hunan.not_operating_2024", "not_operating"),
    ("未严格执行环境信息强制性披露的有关规定", "hunan.env_disclosure", None),
    ("发生较大及以上环保、安全（含网络安全、数据安全）、产品质量、职业伤害等事故", "hunan.accident_2024", "accident_or_tax"),
    ("被列入失信黑名单", "hunan.credit_blacklist", "dishonest_debtor"),
    ("在国务院及有关部委相关督查中被发现存在严重问题", "hunan.inspection_problems_2024", "inspection_problems"),
    ("在工业节能监察中受到处罚或被要求限期整改且未按要求完成整改", "hunan.energy_inspection_2024",
     "energy_inspection_unrectified"),
)
#: the items' English on English pages (a platform translation; the declaration is made against the Chinese)
NEGATIVE_LIST_2024_EN = {
    "hunan.not_operating_2024": "Not producing or operating normally",
    "hunan.env_disclosure": "Not strictly following the rules on the mandatory disclosure of environmental information",
    "hunan.accident_2024": "A major or larger environmental, safety (including network and data security), product "
                           "quality or occupational injury accident",
    "hunan.credit_blacklist": "On a blacklist of dishonest entities",
    "hunan.inspection_problems_2024": "Serious problems found in inspections by the State Council or the ministries "
                                      "concerned",
    "hunan.energy_inspection_2024": "Penalised in an industrial energy-conservation inspection, or ordered to rectify "
                                    "within a time limit without rectifying as required",
}
#: national's six items (001 一.1), none of which the 2024 provincial round declares
NATIONAL_NEGATIVE_LIST = ("not_operating", "accident_or_tax", "removed_from_list", "inspection_problems",
                          "energy_inspection_unrectified", "dishonest_debtor")

# Scoped to the 2024 provincial round, which 000 calls. replaces= is not used: a replacement takes the
# national code's place at every level and year, which would rewrite the 2025 national round's six items
# (seed 001 一.1); sets_aside= sets national's items aside in this round only.
_PROV = (Level.PROVINCIAL,)
NEGATIVE_LIST = tuple(
    NegativeListItem(code=code, title=f"{phrase}（湖南省级创建）", lookback_years=3, levels=_PROV, years=(2024,),
                     title_en=f"{NEGATIVE_LIST_2024_EN[code]} (Hunan provincial round)",
                     sets_aside=NATIONAL_NEGATIVE_LIST,
                     cite=f"{S000} 二.1 (近三年有下列情况的不予推荐：{phrase})")
    for phrase, code, _national in NEGATIVE_LIST_2024_MAP
)

# ------------------------------------------------------------ form-field codes --
# Defined here because the checks read them; forms.py builds the fields.

F_INDUSTRY = "hunan.industry"
F_MODERN_INDUSTRY = "hunan.modern_industry"
F_CP_MANDATORY = "hunan.cp_mandatory_status"
F_CP_VOLUNTARY = "hunan.cp_voluntary_status"
F_CP_AUDIT_DATE = "hunan.cp_audit_date"
F_ENERGY_DIAGNOSIS = "hunan.energy_diagnosis_status"
F_PARK_LEVEL = "hunan.park_level"
F_PARK_ABOVE_SIZE = "hunan.park_above_size_count"
F_PARK_CP_MANDATORY = "hunan.park_cp_mandatory_count"
F_PARK_CP_VOLUNTARY = "hunan.park_cp_voluntary_count"
F_PARK_MAIN_FUNCTION = "hunan.park_main_function"
F_PARK_VA_SHARE = "hunan.park_industrial_va_share"
F_PARK_LEGAL_BOUNDARY = "hunan.park_legal_boundary"
F_PARK_UNIFIED_MANAGEMENT = "hunan.park_unified_management"

DONE, NOT_DONE = "已完成", "未完成"
STATUS_CHOICES = (DONE, NOT_DONE)
PARK_LEVELS = ("国家级", "省级")

#: 所属行业: the 11 fixed categories (附件1 基本情况表 注1; 附件2-1 注3), spelt as in the seed (其它).
INDUSTRIES = ("有色金属", "冶金", "建材", "化工", "机械", "汽车", "电子", "轻工", "食品", "生物医药", "其它")
INDUSTRIES_CITE = f"{S000} 附件1 基本情况表（绿色工厂、绿色供应链管理示范企业填写） 注1; 附件2-1 注3"

#: 所属现代产业体系: the 16 fixed categories (附件1 基本情况表 注2; 附件2-1 注4).
MODERN_INDUSTRIES = (
    "现代石化", "绿色矿山", "食品加工", "轻工纺织", "工程机械", "轨道交通", "现代农业", "文化旅游",
    "数字产业", "新能源", "大健康", "空天海洋", "人工智能", "生命工程", "量子科技", "前沿材料",
)
MODERN_INDUSTRIES_CITE = f"{S000} 附件1 基本情况表（绿色工厂、绿色供应链管理示范企业填写） 注2; 附件2-1 注4"

#: 创建工作方案 编写提纲 (附件1): the uploaded work plan follows these sections.
WORK_PLAN_OUTLINE = (
    "一、单位基本情况", "二、创建思路", "三、创建目标", "四、创建任务", "五、进度安排", "六、保障措施", "七、拟实施项目清单",
)
WORK_PLAN_APPENDIX = "附件（相关证明、支撑材料及文件）"
WORK_PLAN_COVER = ("单位（盖章）", "创建类型", "联系人", "联系电话")
WORK_PLAN_CITE = f"{S000} 附件1 湖南省绿色制造体系创建工作方案（编写提纲）; 二.3"

# ---------------------------------------------------------------- eligibility --

CP_LOOKBACK_YEARS = 5  # 近五年内
PARK_CP_MIN_PERCENT = 15  # 15%以上 (inclusive)
PARK_VA_SHARE_ABOVE = Decimal(50)  # 超过50% (strict)


def _date(value):
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _as_of(data):
    """Reference day of the look-back: ``data["as_of"]`` (the submission day), else today in Beijing on the
    platform's clock (``core.plugins.today``)."""
    return _date(data.get("as_of")) or today()


def check_cleaner_production(data):
    """Factory / supply chain: a cleaner-production audit in the last 5 years.

    Keys: ``hunan.cp_audit_date`` (date of the latest audit; when given it decides), else
    ``hunan.cp_mandatory_status`` / ``hunan.cp_voluntary_status`` == "已完成" (the form's
    近五年实施清洁生产情况); ``as_of`` (reference day, default today).
    """
    as_of = _as_of(data)
    cutoff = add_years(as_of, -CP_LOOKBACK_YEARS)
    audit = _date(data.get(F_CP_AUDIT_DATE))
    if audit is not None:
        if audit >= cutoff:
            return None
        return (f"最近一次清洁生产审核（{audit.isoformat()}）不在近五年内（{cutoff.isoformat()}起） / "
                "no cleaner-production audit in the last 5 years")
    if DONE in (data.get(F_CP_MANDATORY), data.get(F_CP_VOLUNTARY)):
        return None
    return "近五年内未开展清洁生产审核 / no cleaner-production audit in the last 5 years"


def check_park_cleaner_production(data):
    """Park: enterprises audited in 5 years >= 15% of above-size enterprises.

    Keys: ``hunan.park_above_size_count`` (其中规模企业数), ``hunan.park_cp_mandatory_count`` and
    ``hunan.park_cp_voluntary_count`` (audits in the last five years; summed).
    """
    above = data.get(F_PARK_ABOVE_SIZE)
    if not above:
        return "须填写园区规模以上工业企业数 / the number of above-size enterprises is missing"
    audited = int(data.get(F_PARK_CP_MANDATORY) or 0) + int(data.get(F_PARK_CP_VOLUNTARY) or 0)
    if audited * 100 >= PARK_CP_MIN_PERCENT * int(above):
        return None
    return (f"近五年开展清洁生产审核的企业{audited}家，占规模以上工业企业{above}家的比例低于15% / "
            "fewer than 15% of above-size enterprises audited in 5 years")


def check_park_conditions(data):
    """Park conditions. Keys: ``hunan.park_level`` (国家级/省级), ``hunan.park_main_function`` (bool),
    ``hunan.park_industrial_va_share`` (percent, must exceed 50), ``hunan.park_legal_boundary`` (bool),
    ``hunan.park_unified_management`` (bool)."""
    problems = []
    if data.get(F_PARK_LEVEL) not in PARK_LEVELS:
        problems.append(("须为省级及以上工业园区", "must be a provincial or national industrial park"))
    if not data.get(F_PARK_MAIN_FUNCTION):
        problems.append(("须以产品制造和能源供给为主要功能", "its main functions must be manufacturing and energy supply"))
    try:
        share = Decimal(str(data.get(F_PARK_VA_SHARE)))
    except InvalidOperation:
        share = None
    if share is None or not share.is_finite() or share <= PARK_VA_SHARE_ABOVE:
        problems.append(("工业增加值占比须超过50%", "the industrial value-added share must exceed 50%"))
    if not data.get(F_PARK_LEGAL_BOUNDARY):
        problems.append(("须具有法定边界和范围", "must have legal boundaries and extent"))
    if not data.get(F_PARK_UNIFIED_MANAGEMENT):
        problems.append(("须具备统一管理机构", "must have a unified management body"))
    if not problems:
        return None
    return "；".join(zh for zh, _ in problems) + " / " + "; ".join(en for _, en in problems)


def check_park_needs_provincial(data):
    """Park, national: must already be a provincial green park. Key: ``held_levels`` (levels held)."""
    if "provincial" not in set(data.get("held_levels", ())):
        return "新申报国家级绿色园区须为现有省级绿色园区 / a new national park applicant must already be on the provincial list"
    return None


def check_city_block(data):
    """National 2025: no new recommendations from a city whose existing national units have not filed in
    the round (001 一.2 现有单位均须完成填报, 三 by 10-27, 四.1; the filing is ``hunan.listed_unit_filing``).

    Key: ``city_unfiled_round_units``: the applicant's 市州's units that owe the round's filing and have
    not submitted it (a collection of unit ids, or a count; empty in a round without such a filing).
    """
    unfiled = data.get("city_unfiled_round_units") or ()
    count = unfiled if isinstance(unfiled, int) else len(unfiled)
    if count:
        return (f"所在市州尚有{count}家现有国家级绿色制造单位未完成填报，不开展该市州新申报单位的推荐 / "
                "the city has existing national units that have not filed; it cannot recommend new units")
    return None


ELIGIBILITY = (
    EligibilityRule(code="hunan.cleaner_production_audit", title="近五年内开展了清洁生产审核（原则上）",
                    unit_types=("factory", "supply_chain"), levels=(Level.PROVINCIAL,), blocking=False,
                    check=check_cleaner_production, cite=f"{S000} 二.1 (原则上…要求近五年内开展了清洁生产审核)"),
    EligibilityRule(code="hunan.park_cleaner_production_share",
                    title="近五年开展清洁生产审核的企业占规模以上工业企业数量15%以上（原则上）",
                    unit_types=("park",), levels=(Level.PROVINCIAL,), blocking=False,
                    check=check_park_cleaner_production, cite=f"{S000} 二.1"),
    EligibilityRule(code="hunan.park_conditions",
                    title="绿色园区条件：产品制造和能源供给为主、工业增加值占比超过50%、法定边界、统一管理机构、省级及以上",
                    unit_types=("park",), levels=(Level.PROVINCIAL,), check=check_park_conditions,
                    cite=f"{S000} 一.2"),
    EligibilityRule(code="hunan.national_needs_provincial_park", title="新申报国家级绿色园区须为现有省级绿色园区",
                    unit_types=("park",), levels=(Level.NATIONAL,), check=check_park_needs_provincial,
                    cite=f"{S001} 一.1 (现有省级绿色工厂、绿色园区自愿申报)"),
    EligibilityRule(code="hunan.city_block_unfiled", title="市州现有国家级单位未全部完成填报的，不开展该市州新申报单位推荐",
                    unit_types=("factory", "park"), levels=(Level.NATIONAL,), check=check_city_block,
                    cite=f"{S001} 四.1 (未按要求完成现有国家级绿色工厂、绿色园区填报任务的市州，将不开展该市州新申报单位的推荐工作); "
                         "一.2; 三 (10月27日前)"),
)

# ------------------------------------- scope conditions and priorities (000 一) --
# 000 一 (征集范围) names whom the cities choose (规模以上工业企业; 龙头企业 and 链主企业 for supply chains) and
# whom they recommend first (优先推荐). The scope is a condition: an applicant who says it is outside it is
# not recommended; one who says it is inside has its claim judged by the city from the evidence named. A
# priority ranks and flags the application, never refuses it.

F_ABOVE_SIZE = "hunan.above_designated_size"
F_ENERGY_LEVEL = "hunan.energy_efficiency_level"
F_ENERGY_PROOF = "hunan.energy_efficiency_proof"
F_SC_ROLE = "hunan.sc_lead_role"
F_SC_ROLE_PROOF = "hunan.sc_lead_proof"
#: 附件1 基本情况表（绿色园区填写）: 获批国家绿色工厂 家、省级绿色工厂 家 (forms.PARK_HONOUR_COUNTS)
F_PARK_NAT_FACTORIES = "hunan.park_hon_nat_factory"
F_PARK_PROV_FACTORIES = "hunan.park_hon_prov_factory"

ENERGY_BENCHMARK = "达到能效标杆水平（重点用能行业）"
ENERGY_ADVANCED = "达到国家能源消耗限额标准先进值（其他行业）"
ENERGY_NEITHER = "均未达到"
ENERGY_LEVELS = (ENERGY_BENCHMARK, ENERGY_ADVANCED, ENERGY_NEITHER)
SC_LEADER, SC_CHAIN_MASTER, SC_NEITHER = "行业龙头企业", "在产业链发挥主导作用的链主企业", "以上均不是"
SC_ROLES = (SC_LEADER, SC_CHAIN_MASTER, SC_NEITHER)
SCOPE_YEARS = (2024,)  # the round 000 calls
SCOPE_CITE_FACTORY = f"{S000} 一.1 (选择基础好、代表性强、诚实守信的规模以上工业企业开展绿色工厂创建)"
PRIORITY_CITE_ENERGY = (f"{S000} 一.1 (重点用能行业优先推荐能效水平达到…（发改产业〔2023〕723号）、…（发改运行〔2022〕559号）"
                        f"标杆水平的工厂，其他行业优先推荐达到相应国家能源消耗限额标准先进值的工厂)")
PRIORITY_CITE_PARK = f"{S000} 一.2 (优先推荐绿色工厂数量多的工业园区)"
SCOPE_CITE_SC = (f"{S000} 一.3 (组织汽车、机械、电子、纺织、通信等行业影响力大、经营实力雄厚、产业链完整、绿色供应链管理"
                 f"基础好、绿色工厂数量众多的龙头企业和在产业链发挥主导作用的链主企业进行申报)")


def check_above_designated_size(data):
    """Factory, 2024 provincial: the applicant says it is a 规模以上工业企业 (``hunan.above_designated_size``);
    the city judges the claim from the three years' finances (附件1 企业近三年经营情况)."""
    if data.get(F_ABOVE_SIZE) is not True:
        return "绿色工厂创建单位须为规模以上工业企业，申报单位未声明 / only above-designated-size industrial enterprises"
    return ReviewerJudges("已声明为规模以上工业企业，由市州工信局依据企业近三年经营情况判断 / "
                          "declared above designated size: the city judges it from the three years' finances")


def check_sc_lead_enterprise(data):
    """Supply chain, 2024 provincial: a 龙头企业 or a 链主企业 (``hunan.sc_lead_role``), judged by the city from
    ``hunan.sc_lead_proof``."""
    role = data.get(F_SC_ROLE)
    if role not in (SC_LEADER, SC_CHAIN_MASTER):
        return "绿色供应链管理示范企业申报单位须为龙头企业或链主企业 / supply-chain applicants are lead or chain-leading enterprises"
    return ReviewerJudges(f"已声明为{role}，由市州工信局依据佐证材料判断 / declared {role}: the city judges it from the evidence")


def priority_energy_efficiency(data):
    """Factory: 标杆水平 (key energy-using industries) or 先进值 (other industries), a claim the city judges
    from ``hunan.energy_efficiency_proof``; neither, or nothing said: no priority."""
    return None if data.get(F_ENERGY_LEVEL) in (ENERGY_BENCHMARK, ENERGY_ADVANCED) else False


def priority_park_green_factories(data):
    """Park: the park has national or provincial green factories (附件1 园区 荣誉: 获批国家/省级绿色工厂 家)."""
    return int(data.get(F_PARK_NAT_FACTORIES) or 0) + int(data.get(F_PARK_PROV_FACTORIES) or 0) > 0


SCOPE_RULES = (
    EligibilityRule(code="hunan.above_designated_size", title="绿色工厂：规模以上工业企业（征集范围）",
                    unit_types=("factory",), levels=(Level.PROVINCIAL,), years=SCOPE_YEARS,
                    check=check_above_designated_size,
                    cite=SCOPE_CITE_FACTORY),
    EligibilityRule(code="hunan.sc_lead_enterprise", title="绿色供应链管理示范企业：龙头企业或链主企业（征集范围）",
                    unit_types=("supply_chain",), levels=(Level.PROVINCIAL,), years=SCOPE_YEARS,
                    check=check_sc_lead_enterprise,
                    cite=SCOPE_CITE_SC),
)

PRIORITIES = (
    Priority(code="hunan.energy_efficiency_benchmark",
             title="优先推荐：能效水平达到标杆水平（重点用能行业）或达到国家能源消耗限额标准先进值（其他行业）的工厂",
             unit_types=("factory",), levels=(Level.PROVINCIAL,), years=SCOPE_YEARS,
             evidence=(F_ENERGY_LEVEL, F_ENERGY_PROOF), check=priority_energy_efficiency, cite=PRIORITY_CITE_ENERGY),
    Priority(code="hunan.park_green_factories", title="优先推荐：绿色工厂数量多的工业园区",
             unit_types=("park",), levels=(Level.PROVINCIAL,), years=SCOPE_YEARS,
             evidence=(F_PARK_NAT_FACTORIES, F_PARK_PROV_FACTORIES), check=priority_park_green_factories,
             cite=PRIORITY_CITE_PARK),
)

ELIGIBILITY = ELIGIBILITY + SCOPE_RULES


# ---------------------------------------------------------------- bonus items --

#: 酌情加分 (seed 000 二.2): (form-field code, label). Recorded as boolean form fields in
#: section "bonus" (forms.py) with one evidence upload; reviewers show them as a separate figure.
BONUS_ITEMS = (
    ("hunan.bonus_green_design", "组织开发绿色设计产品"),
    ("hunan.bonus_cleaner_production", "开展清洁生产审核"),
    ("hunan.bonus_energy_diagnosis", "开展节能诊断"),
    ("hunan.bonus_solution_provider", "申报绿色制造系统解决方案供应商"),
    ("hunan.bonus_resource_announcement", "申报资源综合利用行业规范公告"),
    ("hunan.bonus_solid_waste_demo", "申请湖南省工业固废资源综合利用示范创建"),
    ("hunan.bonus_water_saving", "申请节水型企业认定"),
)
BONUS_CITE = f"{S000} 二.2 (综合考虑其工作成效，酌情给予适当加分)"

# Summary tables (附件2-1, 附件2-2; 001 附件2): plugins/hunan/layouts.py


#: 000 二.4: the department reviews the cities' submissions and publishes the year's creation plan
#: (发布…湖南省绿色制造体系创建计划): a published decision; the document names no public notice
PUBLICATION_PROVINCIAL = Publication(
    procedure=PublicationProcedure.DECISION, publisher="province",
    cite=f"{S000} 二.4 (筛选…确定为…创建单位，并发布2024年度湖南省绿色制造体系创建计划)")


#: the 2024 round's decision publishes a creation plan, not the list: 000 二.4 (确定为…创建单位，并发布2024年度湖南省
#: 绿色制造体系创建计划。列入创建计划的单位应…于规定时间内完成创建工作); the 评价认定 comes later (二.2), and only
#: 现有省级绿色工厂、绿色园区 apply nationally (001 一.1)
CREATION_PLAN = CultivationStage(
    name="创建计划", member="创建单位", name_en="creation plan", member_en="creation unit", publisher="province",
    round_publishes=True, completion_set_by_decision=True,  # 于规定时间内完成创建工作: no time named, the decision's
    cite=f"{S000} 二.4 (确定为…创建单位，并发布2024年度湖南省绿色制造体系创建计划；列入创建计划的单位应对照相关评价要求和标准"
         f"开展创建，并于规定时间内完成创建工作); 二.2 (评价认定)")
CREATION_PLAN_YEARS = (2024,)
PUBLICATION_2024_PLAN = Publication(  # the decision publishes the plan: the plan's own words are its cite
    procedure=PublicationProcedure.DECISION, publisher="province", stage=CREATION_PLAN, cite=CREATION_PLAN.cite)


def publication(level, year=None):
    if level != Level.PROVINCIAL:
        return None
    return PUBLICATION_2024_PLAN if year in CREATION_PLAN_YEARS else PUBLICATION_PROVINCIAL

#: the rules' and priorities' titles on English pages (a platform translation; the title stays the document's)
TITLES_EN = {
    "hunan.above_designated_size": "Green factory: an industrial enterprise above designated size (scope of the call)",
    "hunan.city_block_unfiled": "No new units of a city are recommended while its existing national units have not "
                                "all filed",
    "hunan.cleaner_production_audit": "A cleaner-production audit in the last five years (in principle)",
    "hunan.national_needs_provincial_park": "A park newly applying for the national list must be an existing "
                                            "provincial green park",
    "hunan.park_cleaner_production_share": "Enterprises audited for cleaner production in the last five years are 15% "
                                           "or more of those above designated size (in principle)",
    "hunan.park_conditions": "Green park conditions: mainly manufacturing and energy supply, industry over 50% of "
                             "value added, statutory boundaries, a unified management body, provincial level or above",
    "hunan.sc_lead_enterprise": "Green supply-chain management demonstration enterprise: a leading or chain-leader "
                                "enterprise (scope of the call)",
    "hunan.energy_efficiency_benchmark": "Recommended first: factories at the energy-efficiency benchmark level (key "
                                         "energy-using industries) or at the advanced value of the national "
                                         "energy-consumption quota standards (other industries)",
    "hunan.park_green_factories": "Recommended first: industrial parks with many green factories",
}
ELIGIBILITY = with_english_titles(ELIGIBILITY, TITLES_EN)
PRIORITIES = with_english_titles(PRIORITIES, TITLES_EN)
