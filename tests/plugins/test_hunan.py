"""Hunan plugin rules, each test checked against its seed.

Seeds: 000_5ae1342e00264ea1.txt (Hunan 2024 creation-plan call, 2023-10-20) and
001_3f04a56fc6693327.txt (Hunan 2025 national recommendation with MIIT 390号), in /work/shared/seeds.
"""
import datetime as dt
import re
from decimal import Decimal

import marshmallow
import pytest

from helpers import seed_text
import wtforms
from werkzeug.datastructures import MultiDict

from core.declared_fields import api_field, web_field
from core.plugins.manager import build_plugin_manager
from core.plugins.rules import RegionRules
from core.plugins.types import EvaluationMode, Level, ReviewerJudges, UnitKind, field_attr
from plugins.hunan import forms, rules as hunan_rules

S000 = "000_5ae1342e00264ea1.txt"
S001 = "001_3f04a56fc6693327.txt"


@pytest.fixture(scope="module")
def rules():
    r = RegionRules(build_plugin_manager("hunan"))
    r.validate(2025)
    r.validate(2024)
    return r



def flat(name):
    """Seed text without whitespace and Markdown bold (the seeds break lines mid-word)."""
    return re.sub(r"\s+|\*\*", "", seed_text(name))


def build(ff, formdata=None):
    """Instantiate a FormField's WTForms field inside a form class."""
    return type("F", (wtforms.Form,), {"x": web_field(ff)})(formdata=formdata)


def load(ff, value):
    return marshmallow.Schema.from_dict({"x": api_field(ff)})().load({"x": value})


# ----------------------------------------------------------------- identity --

def test_region_identity(rules):
    """000 落款 / 001 标题: 湖南省工业和信息化厅."""
    assert rules.region.code == "hunan" and rules.region.name == "湖南省"
    assert rules.region.source == "hunan"


def test_every_hunan_record_cites_a_seed(rules):
    """Every Hunan record names seed 000 or 001 and a section."""
    for kind, code, rec in rules.effective_rules(2025):
        if rec.source == "hunan":
            assert re.search(r"\b00[01]_[0-9a-f]{16}\.txt \S", rec.cite), (kind, code, rec.cite)


# -------------------------------------------------------------- admin units --

def test_fourteen_cities_and_prefectures(rules):
    """000 抬头 / 001 抬头: 各市州工信局 (the 14 市州, domain.md B5)."""
    units = rules.admin_units
    assert len(units) == 14
    kinds = [u.kind for u in units.values()]
    assert kinds.count(UnitKind.CITY) == 13 and kinds.count(UnitKind.PREFECTURE) == 1
    assert units["hunan.xiangxi"].name == "湘西土家族苗族自治州"
    assert units["hunan.xiangxi"].kind == UnitKind.PREFECTURE
    assert units["hunan.changsha"].name == "长沙市"
    assert all(code.startswith("hunan.") and u.source == "hunan" for code, u in units.items())
    assert "各市州工信局" in flat(S000) and "各市州工信局" in flat(S001)


def test_pilot_counties_are_admin_configured(rules):
    """000 抬头, 二.3: 省直管试点县（市） submit but are not listed; none registered by default."""
    assert "省直管试点县（市）工信部门" in flat(S000)
    assert not [u for u in rules.admin_units.values() if u.kind == UnitKind.PILOT_COUNTY]
    assert UnitKind.PILOT_COUNTY in hunan_rules.CONFIGURABLE_KINDS


# ---------------------------------------------------------------- deadlines --

def test_2024_city_submission_deadline(rules):
    """000 二.3: 于2023年12月5日前…报送 (round 2024, date in 2023)."""
    assert "于2023年12月5日前" in flat(S000)
    day, rec = rules.deadline("hunan.city_submission", 2024)
    assert day == dt.date(2023, 12, 5)
    assert rec.actor == "city" and rec.levels == (Level.PROVINCIAL,)
    assert set(rec.unit_types) == {"factory", "park", "supply_chain"}
    assert rules.deadline("hunan.city_submission", 2025)[0] is None


def test_2025_filing_and_summary_deadlines(rules):
    """001 三: 10月27日（周一）前完成申报填报, 10月30日（周四）前提交新申报单位信息汇总表."""
    text = flat(S001)
    assert "10月27日（周一）前完成申报填报" in text and "10月30日（周四）前提交新申报单位信息汇总表" in text
    new, rec_new = rules.deadline("hunan.applicant_filing", 2025)
    existing, rec_existing = rules.deadline("hunan.listed_unit_filing", 2025)
    summary, rec_summary = rules.deadline("hunan.city_summary", 2025)
    assert new == existing == dt.date(2025, 10, 27) and new.weekday() == 0  # 周一
    assert summary == dt.date(2025, 10, 30) and summary.weekday() == 3  # 周四
    assert (rec_new.actor, rec_existing.actor, rec_summary.actor) == ("applicant", "listed_unit", "city")
    # national keeps the province → MIIT date (390号 三)
    day, rec = rules.deadline("province_recommendation", 2025)
    assert day == dt.date(2025, 11, 7) and rec.source == "national"


# ------------------------------------------------------------ categories --

def test_eleven_industry_categories_exactly():
    """000 附件1 注1 and 附件2-1 注3: 按“有色金属、…、其它”进行填写."""
    m = re.search(r"所属行业。按“([^”]+)”进行填写", flat(S000))
    assert tuple(m.group(1).split("、")) == hunan_rules.INDUSTRIES
    assert len(hunan_rules.INDUSTRIES) == 11


def test_sixteen_modern_industry_categories_exactly():
    """000 附件1 注2: 所属现代产业体系分类：现代石化、…、前沿材料."""
    m = re.search(r"所属现代产业体系分类：([^。]+)。", flat(S000))
    assert tuple(m.group(1).split("、")) == hunan_rules.MODERN_INDUSTRIES
    assert len(hunan_rules.MODERN_INDUSTRIES) == 16


def test_category_fields_build_and_validate_same_choices(rules):
    """000 附件1: 所属行业 / 所属现代产业体系 as select fields, WTForms and marshmallow alike."""
    for code, choices in (("hunan.industry", hunan_rules.INDUSTRIES),
                          ("hunan.modern_industry", hunan_rules.MODERN_INDUSTRIES)):
        ff = rules.form_fields[code]
        assert [c.value for c in build(ff).x.iter_choices()] == list(choices)
        for choice in choices:
            assert build(ff, MultiDict({"x": choice})).validate()
            assert load(ff, choice) == {"x": choice}
        assert not build(ff, MultiDict({"x": "其他"})).validate()
        with pytest.raises(marshmallow.ValidationError):
            load(ff, "其他")


# ------------------------------------------------------------------- forms --

def test_every_form_field_builds(rules):
    """000 附件1: every Hunan field builds in a form and has a marshmallow twin."""
    fields = [f for f in rules.form_fields.values() if f.source == "hunan"]
    assert fields and all(f.code.startswith("hunan.") for f in fields)
    for ff in fields:
        assert ff.unit_types and ff.levels == (Level.PROVINCIAL,)
        assert isinstance(build(ff).x, wtforms.Field)
        assert isinstance(api_field(ff), marshmallow.fields.Field)


def test_form_fields_restricted_by_unit_type(rules):
    """000 附件1: one 基本情况表 for factories / supply chain, another for parks."""
    factory = {f.code for f in rules.form_fields_for("factory", Level.PROVINCIAL)}
    park = {f.code for f in rules.form_fields_for("park", Level.PROVINCIAL)}
    supply = {f.code for f in rules.form_fields_for("supply_chain", Level.PROVINCIAL)}
    scope = {f.code for f in forms.SCOPE_FIELDS}  # 000 一.1 (规模以上, 能效) and 一.3 (龙头/链主) differ by type
    assert factory - scope == supply - scope
    assert {"hunan.industry", "hunan.modern_industry", "hunan.finances", "hunan.products"} <= factory - park
    assert {"hunan.park_level", "hunan.park_above_size_count", "hunan.leading_industry"} <= park - factory
    assert {"hunan.work_plan", "hunan.bonus_water_saving"} <= factory & park
    assert not rules.form_fields_for("factory", Level.NATIONAL)


def test_cleaner_production_and_energy_diagnosis_status(rules):
    """000 附件1: 强制性 / 自愿性清洁生产审核 and 近五年节能诊断: ☐已完成 ☐未完成."""
    for code in ("hunan.cp_mandatory_status", "hunan.cp_voluntary_status", "hunan.energy_diagnosis_status"):
        ff = rules.form_fields[code]
        assert build(ff, MultiDict({"x": "已完成"})).validate()
        assert not build(ff, MultiDict({"x": "部分完成"})).validate()
        assert load(ff, "未完成") == {"x": "未完成"}


def test_honours_grid_is_six_booleans(rules):
    """000 附件1 近五年内在绿色制造方面已经取得的相关荣誉、资质等情况 (是/否)."""
    honours = [f for f in rules.form_fields_for("factory", Level.PROVINCIAL) if f.section == "honours"]
    assert len(honours) == 6
    for ff in honours:
        assert isinstance(build(ff).x, wtforms.BooleanField)
        assert load(ff, True) == {"x": True}
        assert marshmallow.Schema.from_dict({"x": api_field(ff)})().load({}) == {"x": False}


FINANCE_ROWS = [
    {"year": 2021, "total_assets": "1000", "debt_ratio": "40", "revenue": "800", "profit": "-5", "tax": "12"},
    {"year": 2022, "total_assets": "1100", "debt_ratio": "38", "revenue": "900", "profit": "30", "tax": "15"},
    {"year": 2023, "total_assets": "1200", "debt_ratio": "35", "revenue": "950", "profit": "40", "tax": "18"},
]


def _finance_formdata(rows):
    return MultiDict({f"x-{i}-{k}": str(v) for i, row in enumerate(rows) for k, v in row.items()})


def test_three_year_finances(rules):
    """000 附件1 企业近三年经营情况: 2021年, 2022年, 2023年预计 × 总资产, 负债率, 收入, 利润, 税金."""
    ff = rules.form_fields["hunan.finances"]
    assert build(ff, _finance_formdata(FINANCE_ROWS)).validate()
    loaded = load(ff, FINANCE_ROWS)["x"]
    assert loaded[-1]["revenue"] == Decimal("950") and loaded[0]["profit"] == Decimal("-5")
    gap = [dict(FINANCE_ROWS[0]), dict(FINANCE_ROWS[1]), dict(FINANCE_ROWS[2], year=2024)]
    assert not build(ff, _finance_formdata(gap)).validate()
    with pytest.raises(marshmallow.ValidationError):
        load(ff, gap)
    with pytest.raises(marshmallow.ValidationError):
        load(ff, FINANCE_ROWS[:2])


def test_three_year_finances_without_a_year_are_refused_not_a_crash(rules):
    """An import checks only the cells it was given (a partial load): a finance row without its year is refused
    with the seed's message (000 附件1, three consecutive years), not a server error."""
    ff = rules.form_fields["hunan.finances"]
    schema = marshmallow.Schema.from_dict({"x": api_field(ff)})()
    rows = [dict(FINANCE_ROWS[0]), {k: v for k, v in FINANCE_ROWS[1].items() if k != "year"}, dict(FINANCE_ROWS[2])]
    with pytest.raises(marshmallow.ValidationError) as refused:
        schema.load({"x": rows}, partial=True)
    assert forms.YEARS_MESSAGE in str(refused.value.messages)


def test_products_energy_water(rules):
    """000 附件1 2023年度预计主要产品生产销售及能源资源消费情况."""
    ff = rules.form_fields["hunan.products"]
    row = {"name": "铜箔", "capacity": "5万吨/年", "output": "4.2万吨", "sales_rate": "98", "market_share": "3.5"}
    assert build(ff, MultiDict({f"x-0-{k}": v for k, v in row.items()})).validate()
    assert load(ff, [row])["x"][0]["market_share"] == Decimal("3.5")
    with pytest.raises(marshmallow.ValidationError):
        load(ff, [])
    for code, unit in (("hunan.energy_total", "万吨标煤"), ("hunan.water_total", "万立方米")):
        f = rules.form_fields[code]
        assert unit in f.label
        assert build(f, MultiDict({"x": "1.5"})).validate() and load(f, "1.5") == {"x": Decimal("1.5")}
        assert not build(f, MultiDict({"x": "-1"})).validate()


def test_park_level_choices(rules):
    """000 附件1 基本情况表（绿色园区填写）: 园区级别 ☐国家级 ☐省级."""
    ff = rules.form_fields["hunan.park_level"]
    assert ff.unit_types == ("park",)
    assert build(ff, MultiDict({"x": "省级"})).validate()
    assert not build(ff, MultiDict({"x": "市级"})).validate()
    with pytest.raises(marshmallow.ValidationError):
        load(ff, "市级")


def test_work_plan_outline_seven_sections(rules):
    """000 附件1 湖南省绿色制造体系创建工作方案（编写提纲）: 一 … 七."""
    text = flat(S000)
    assert len(hunan_rules.WORK_PLAN_OUTLINE) == 7
    for section in hunan_rules.WORK_PLAN_OUTLINE:
        assert section in text
    ff = rules.form_fields["hunan.work_plan"]
    assert isinstance(build(ff).x, wtforms.FileField)
    assert api_field(ff).metadata["outline"] == list(hunan_rules.WORK_PLAN_OUTLINE)


def test_bonus_items(rules):
    """000 二.2: seven 酌情加分 items, recorded as booleans."""
    text = flat(S000)
    assert len(hunan_rules.BONUS_ITEMS) == 7
    for phrase in ("开发绿色设计产品", "清洁生产审核、节能诊断", "绿色制造系统解决方案供应商", "资源综合利用行业规范公告",
                   "湖南省工业固废资源综合利用示范创建", "节水型企业认定", "酌情给予适当加分"):
        assert phrase in text
    for code, label in hunan_rules.BONUS_ITEMS:
        ff = rules.form_fields[code]
        assert ff.section == "bonus" and ff.label == label and ff.source == "hunan"
        assert isinstance(build(ff).x, wtforms.BooleanField)


# -------------------------------------------------------------- eligibility --

def _check(rules, code, **data):
    return rules.eligibility_rules[code].check(data)


def test_cleaner_production_audit_five_years(rules):
    """000 二.1: 绿色工厂和绿色供应链管理示范企业要求近五年内开展了清洁生产审核."""
    assert "原则上绿色工厂和绿色供应链管理示范企业要求近五年内开展了清洁生产审核" in flat(S000)
    rule = rules.eligibility_rules["hunan.cleaner_production_audit"]
    assert set(rule.unit_types) == {"factory", "supply_chain"} and rule.levels == (Level.PROVINCIAL,)
    as_of = dt.date(2023, 11, 20)
    assert _check(rules, rule.code, as_of=as_of, **{"hunan.cp_audit_date": dt.date(2019, 11, 20)}) is None
    assert _check(rules, rule.code, as_of=as_of, **{"hunan.cp_audit_date": "2017-11-20"}) is not None
    assert _check(rules, rule.code, as_of=as_of, **{"hunan.cp_voluntary_status": "已完成"}) is None
    assert _check(rules, rule.code, as_of=as_of, **{"hunan.cp_mandatory_status": "未完成",
                                                   "hunan.cp_voluntary_status": "未完成"}) is not None


def test_park_cleaner_production_share(rules):
    """000 二.1: 绿色园区…清洁生产审核的企业比例占规模以上工业企业数量的15%以上."""
    assert "占规模以上工业企业数量的15%以上" in flat(S000)
    code = "hunan.park_cleaner_production_share"
    assert rules.eligibility_rules[code].unit_types == ("park",)
    def share(audited):
        return _check(rules, code, **{"hunan.park_above_size_count": 1000,
                                      "hunan.park_cp_mandatory_count": audited - 50,
                                      "hunan.park_cp_voluntary_count": 50})
    assert share(149) is not None  # 14.9%
    assert share(150) is None  # 15%
    assert _check(rules, code) is not None


PARK_OK = {"hunan.park_level": "省级", "hunan.park_main_function": True, "hunan.park_industrial_va_share": "50.1",
           "hunan.park_legal_boundary": True, "hunan.park_unified_management": True}


def test_park_conditions(rules):
    """000 一.2: 产品制造和能源供给为主要功能、工业增加值占比超过50%、法定边界、统一管理机构、省级及以上."""
    assert "工业增加值占比超过50%、具有法定边界和范围、具备统一管理机构的省级及以上工业园区" in flat(S000)
    code = "hunan.park_conditions"
    assert _check(rules, code, **PARK_OK) is None
    assert "50%" in _check(rules, code, **{**PARK_OK, "hunan.park_industrial_va_share": 50})
    assert "省级" in _check(rules, code, **{**PARK_OK, "hunan.park_level": "市级"})
    for key in ("hunan.park_main_function", "hunan.park_legal_boundary", "hunan.park_unified_management"):
        assert _check(rules, code, **{**PARK_OK, key: False}) is not None


def test_2025_new_applicants_must_be_provincial(rules):
    """001 一.1: 现有省级绿色工厂、绿色园区自愿申报 (factory: national rule; park: Hunan)."""
    assert "现有省级绿色工厂、绿色园区自愿申报" in flat(S001)
    assert rules.eligibility_rules["national_needs_provincial"].source == "national"
    park_rules = {r.code for r in rules.eligibility_rules_for("park", Level.NATIONAL)}
    assert "hunan.national_needs_provincial_park" in park_rules
    code = "hunan.national_needs_provincial_park"
    assert _check(rules, code, held_levels=["provincial"]) is None
    assert _check(rules, code, held_levels=["city"]) is not None


def test_city_block_unfiled(rules):
    """001 四.1: 未按要求完成现有国家级…填报任务的市州，将不开展该市州新申报单位的推荐工作."""
    assert "未按要求完成现有国家级绿色工厂、绿色园区填报任务的市州，将不开展该市州新申报单位的推荐工作" in flat(S001)
    rule = rules.eligibility_rules["hunan.city_block_unfiled"]
    assert rule.levels == (Level.NATIONAL,) and rule.blocking
    # issue 15: the rule reads the filing in the round (一.2, 三: by 10-27), not the yearly 04-15 table
    assert rule.check({"city_unfiled_round_units": ["U1", "U2"]}) is not None
    assert rule.check({"city_unfiled_round_units": 1}) is not None
    assert rule.check({"city_unfiled_round_units": []}) is None
    assert rule.check({"city_unfiled_national_units": ["U1"]}) is None
    assert rule.check({}) is None


def test_unfiled_unit_removed_is_national(rules):
    """001 四.1: 未完成填报任务的国家级绿色制造单位，无法获得评价得分，将被移出名单 (national not_filed)."""
    assert "无法获得评价得分，将被移出名单" in flat(S001)
    assert rules.sanctions["not_filed"].source == "national"
    assert rules.sanctions["fraud"].source == "national"  # 001 四.2
    assert not [s for s in rules.sanctions.values() if s.source == "hunan"]


def test_no_third_party_report_2025(rules):
    """001 二.1: 不要求新申报单位编制第三方评价报告 (national answers for 2025)."""
    assert "不要求新申报单位编制第三方评价报告" in flat(S001)
    for unit_type in ("factory", "park"):
        modes = rules.evaluation_modes(unit_type, Level.NATIONAL, 2025)
        assert modes.allowed == (EvaluationMode.SELF,) and not modes.third_party_required
        assert modes.source == "national"


# ------------------------------------------------------------ negative list --

def test_2024_negative_list_items(rules):
    """000 二.1: 近三年…不予推荐 (env disclosure, 较大+ accidents incl. 职业伤害, 失信黑名单 …)."""
    text = flat(S000)
    for phrase, code, _national in hunan_rules.NEGATIVE_LIST_2024_MAP:
        assert phrase.replace("被列入", "") in text, phrase
        item = rules.negative_list_items[code]
        assert item.source == "hunan" and item.lookback_years == 3
    assert "近三年有下列情况的不予推荐" in text
    assert "职业伤害" in rules.negative_list_items["hunan.accident_2024"].title
    national = {i.code for i in rules.negative_list_for("factory", Level.NATIONAL, 2025)}
    assert not [c for c in national if c.startswith("hunan.")] and len(national) == 6
    assert rules.negative_list_items["hunan.credit_blacklist"].title.startswith("被列入失信黑名单")


def test_2025_negative_list_is_nationals_six(rules):
    """001 一.1: the six items equal national's; Hunan neither duplicates nor replaces them."""
    national = [i for i in rules.negative_list_items.values() if i.source == "national"]
    assert len(national) == 6 and all(i.replaced is None for i in rules.negative_list_items.values())
    assert "企业被列为失信被执行人" in flat(S001)


# Summary tables (附件2-1, 附件2-2; 001 附件2): tests/applications/test_summary_layouts.py

# ------------------------------------------------------------------ sources --

def test_sources(rules):
    """Hunan records say hunan; what national already encodes stays national."""
    assert rules.deadlines["hunan.city_summary"].source == "hunan"
    assert rules.deadlines["dynamic_filing"].source == "national"
    assert rules.eligibility_rules["round2025_unit_types"].source == "national"
    assert rules.negative_list_items["not_operating"].source == "national"
    assert rules.summary_layouts["hunan.creation_plan_2024"].source == "hunan"
    assert rules.indicator_set("factory", 2025).source == "national"
    assert {f.source for f in rules.form_fields.values()} == {"hunan"}


# ------------------------------------------------------ whole-form samples --

FACTORY_SAMPLE = {
    "hunan.industry": "有色金属", "hunan.modern_industry": "前沿材料", "hunan.main_business": "铜箔",
    "hunan.enterprise_nature": "民营", "hunan.org_code": "12345678-9", "hunan.founded_on": "2010-05-01",
    "hunan.cp_mandatory_status": "已完成", "hunan.cp_voluntary_status": "未完成",
    "hunan.cp_audit_date": "2021-06-30", "hunan.energy_diagnosis_status": "已完成",
    "hunan.honour_water_saving": True, "hunan.energy_total": "1.2", "hunan.water_total": "30",
    "hunan.products": [{"name": "铜箔", "capacity": "5万吨/年", "output": "4.2万吨", "sales_rate": "98",
                        "market_share": "3.5"}],
    "hunan.finances": FINANCE_ROWS, "hunan.fax": "0731-1234567", "hunan.work_plan": "upload-1",
    "hunan.bonus_energy_diagnosis": True,
}
PARK_SAMPLE = {
    "hunan.park_level": "省级", "hunan.leading_industry": "先进装备制造", "hunan.park_planned_area": "30",
    "hunan.park_built_area": "18.5", "hunan.park_enterprise_count": 420, "hunan.park_above_size_count": 160,
    "hunan.park_energy_intensive_count": 12, "hunan.park_key_enterprise_count": 9,
    "hunan.park_cp_mandatory_count": 9, "hunan.park_cp_voluntary_count": 20,
    "hunan.park_energy_intensity_decline": "3.2", "hunan.park_hightech_share": "55",
    "hunan.park_solid_waste_utilisation": "92", "hunan.park_wastewater_intensity": "1.8",
    "hunan.park_total_output_est": "900", "hunan.park_industrial_output_est": "820",
    **{code: 1 for code, _ in forms.PARK_HONOUR_COUNTS},
    "hunan.park_main_function": True, "hunan.park_industrial_va_share": "72", "hunan.park_legal_boundary": True,
    "hunan.park_unified_management": True, "hunan.work_plan": "upload-2",
}


def _formdata(sample):
    data = MultiDict()
    for code, value in sample.items():
        name = field_attr(code)
        if isinstance(value, list):
            for i, row in enumerate(value):
                for k, v in row.items():
                    data.add(f"{name}-{i}-{k}", str(v))
        elif value is True:
            data.add(name, "y")
        else:
            data.add(name, str(value))
    return data


#: 000 一.1 / 一.3: the scope claims (规模以上工业企业; 龙头企业 or 链主企业) differ by type
SUPPLY_CHAIN_SAMPLE = {**FACTORY_SAMPLE, "hunan.sc_lead_role": "行业龙头企业"}
FACTORY_SAMPLE = {**FACTORY_SAMPLE, "hunan.above_designated_size": True, "hunan.energy_efficiency_level": "均未达到"}


@pytest.mark.parametrize("unit_type,sample", [("factory", FACTORY_SAMPLE), ("supply_chain", SUPPLY_CHAIN_SAMPLE),
                                              ("park", PARK_SAMPLE)])
def test_whole_basic_form_round_trip(rules, unit_type, sample):
    """000 附件1: a filled 基本情况表 passes WTForms and marshmallow, and the checks that read it."""
    ffs = rules.form_fields_for(unit_type, Level.PROVINCIAL)
    form_cls = type("F", (wtforms.Form,), {field_attr(f.code): web_field(f) for f in ffs})
    form = form_cls(formdata=_formdata(sample))
    assert form.validate(), form.errors
    # core attaches fields as ext_hunan__<name> and hands checks the values under the code
    attrs = {field_attr(f.code): f.code for f in ffs}
    schema = marshmallow.Schema.from_dict({field_attr(f.code): api_field(f) for f in ffs})()
    loaded = {attrs[k]: v for k, v in schema.load({field_attr(k): v for k, v in sample.items()}).items()}
    assert set(loaded) == {f.code for f in ffs}
    checks = [r for r in rules.eligibility_rules_for(unit_type, Level.PROVINCIAL) if r.source == "hunan"]
    assert checks
    for rule in checks:  # met, or (a scope claim, 000 一) judged by the city
        result = rule.check({**loaded, "unit_type": unit_type, "level": "provincial", "year": 2024,
                             "as_of": dt.date(2023, 11, 20)})
        assert result is None or isinstance(result, ReviewerJudges), rule.code
