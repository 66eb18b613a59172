"""Shanxi plugin against its seed, 004_7a8ddd82f611ab67.txt (晋工信节能规字〔2024〕3号).

Every test cites the article it checks. Rules are built without Flask, except where the
config-driven grading cut-offs are tested.
"""
import ast
import datetime as dt
import pathlib

import flask
import pytest
from marshmallow import Schema, ValidationError
from wtforms import BooleanField, FloatField

from core.declared_fields import api_field, web_field
from core.plugins import PolicyViolation
from core.plugins.manager import build_plugin_manager
from core.plugins.rules import RegionRules
from core.plugins.types import (
    CapBasis,
    DayCount,
    EvaluationMode,
    GradingScheme,
    Level,
    UnitKind,
)

SEED = "004_7a8ddd82f611ab67.txt"
TYPES = ("factory", "park", "supply_chain")


@pytest.fixture(scope="module")
def rules():
    r = RegionRules(build_plugin_manager("shanxi"))
    r.validate(2025)
    return r


def fresh_rules():
    return RegionRules(build_plugin_manager("shanxi"))


def check(rules, code, **data):
    return rules.eligibility_rules[code].check(data)


# ----------------------------------------------------------------- identity --


def test_region_identity(rules):
    """004_7a8ddd82f611ab67.txt 第一条 (province per domain.md B4): 山西省, code = entry-point name."""
    assert rules.region.code == "shanxi"
    assert rules.region.name == "山西省"
    assert rules.region.source == "shanxi"
    assert SEED in rules.region.cite


@pytest.mark.parametrize("year", range(2024, 2031))
def test_validates_every_year(year):
    """004_7a8ddd82f611ab67.txt 第三十二条: rules resolve for every year around the validity span."""
    fresh_rules().validate(year)


def test_every_shanxi_record_cites_the_seed(rules):
    """Every Shanxi record cites 004_7a8ddd82f611ab67.txt and an article (第N条)."""
    records = [rec for _, _, rec in rules.effective_rules(2025) if rec.source == "shanxi"]
    assert len(records) > 40
    for rec in records:
        assert rec.cite.startswith(SEED) and "第" in rec.cite and "条" in rec.cite, rec
    for code in rules.eligibility_rules:
        if code.startswith("shanxi."):
            assert rules.eligibility_rules[code].source == "shanxi"


#: national records the 细则 sets for Shanxi itself, restated with Shanxi's article (replaces=)
RESTATED = {"dynamic_filing", "negative_list_event", "not_filed", "major_accident"}


def test_new_codes_are_prefixed(rules):
    """Region codes are prefixed ``shanxi.`` so they never clash with national's; a restated national record keeps
    national's code and says whose record it replaced."""
    for registry in (rules.admin_units, rules.deadlines, rules.eligibility_rules, rules.sanctions, rules.form_fields):
        for code, rec in registry.items():
            if rec.source == "shanxi" and code in RESTATED:
                assert rec.replaced == "national"
            elif rec.source == "shanxi":
                assert code.startswith("shanxi.") and rec.replaced is None


# -------------------------------------------------------------- admin units --


def test_twelve_submitting_units(rules):
    """004_7a8ddd82f611ab67.txt 第五条 (市级主管部门推荐); domain.md B4: 11 市 plus 山西转型综改示范区."""
    units = rules.admin_units
    assert len(units) == 12
    cities = {u.name for u in units.values() if u.kind == UnitKind.CITY}
    assert cities == {f"{n}市" for n in "太原 大同 朔州 忻州 阳泉 吕梁 晋中 长治 晋城 临汾 运城".split()}
    zone = units["shanxi.reform_zone"]
    assert zone.kind == UnitKind.REFORM_ZONE and zone.name == "山西转型综改示范区"
    assert units["shanxi.taiyuan"].name == "太原市"
    assert all(u.source == "shanxi" for u in units.values())


# ---------------------------------------------------------------- calendar --


def test_city_recommendation_by_may_31(rules):
    """004_7a8ddd82f611ab67.txt 第十三条: 于每年5月31日前推荐至省工业和信息化厅; parks and SC same timing."""
    day, rec = rules.deadline("shanxi.city_recommendation", 2025)
    assert day == dt.date(2025, 5, 31)
    assert rec.actor == "city" and rec.levels == (Level.PROVINCIAL,) and rec.unit_types == ()
    assert rec.source == "shanxi" and "第十三条" in rec.cite
    assert rules.deadline("shanxi.city_recommendation", 2028)[0] == dt.date(2028, 5, 31)


def test_dynamic_filing_cites_the_detailed_rules(rules):
    """004_7a8ddd82f611ab67.txt 第十八条 restates the national 04-15 filing (办法 第十六条): on Shanxi's pages it is
    Shanxi's article; national's record cites the 办法 only (no province's document as a national rule)."""
    day, rec = rules.deadline("dynamic_filing", 2025)
    assert day == dt.date(2025, 4, 15) and rec.actor == "listed_unit"
    assert rec.source == "shanxi" and rec.replaced == "national" and "第十八条" in rec.cite
    assert [c for c in rules.deadlines if "dynamic" in c] == ["dynamic_filing"]


def test_notice_ten_working_days(rules):
    """004_7a8ddd82f611ab67.txt 第十三条: 在省工业和信息化厅网站公示10个工作日."""
    period = rules.notice_period(Level.PROVINCIAL)
    assert (period.days, period.count, period.source) == (10, DayCount.WORKING_DAYS, "shanxi")
    national = rules.notice_period(Level.NATIONAL)
    assert (national.days, national.count, national.source) == (15, DayCount.CALENDAR_DAYS, "national")
    assert rules.notice_period(Level.CITY) is None  # the 细则 sets no city notice


# ------------------------------------------------------------------ limits --


@pytest.mark.parametrize("unit_type", TYPES)
def test_provincial_evaluator_cap_ten(rules, unit_type):
    """004_7a8ddd82f611ab67.txt 第二十四条: 同一法定代表人…省级评价项目（工厂、园区、供应链）总计不得超过10项."""
    cap = rules.evaluator_cap(unit_type, Level.PROVINCIAL)
    assert cap.limit == 10 and cap.basis == CapBasis.LEGAL_REPRESENTATIVE
    assert cap.levels == (Level.PROVINCIAL,) and cap.unit_types == TYPES
    assert cap.source == "shanxi" and "第二十四条" in cap.cite


@pytest.mark.parametrize("unit_type", TYPES)
def test_national_evaluator_cap_stays_national(rules, unit_type):
    """004_7a8ddd82f611ab67.txt 第二十四条 caps provincial projects only; national 15 still from national."""
    cap = rules.evaluator_cap(unit_type, Level.NATIONAL)
    assert (cap.limit, cap.source) == (15, "national")
    city = rules.evaluator_cap(unit_type, Level.CITY)
    assert city.unlimited and city.source == "national"


# ----------------------------------------------------------------- grading --


@pytest.mark.parametrize(
    "score, tier",
    [(0, "C"), (50, "C"), (69.99, "C"), (70, "B"), (84.99, "B"), (85, "A"), (100, "A"), (120, "A")],
)
@pytest.mark.parametrize("unit_type", TYPES)
def test_grading_tiers_at_boundaries(rules, unit_type, score, tier):
    """004_7a8ddd82f611ab67.txt 第十四条: A、B、C三级 (default cut-offs A ≥ 85, B ≥ 70)."""
    scheme = rules.grading(unit_type, Level.PROVINCIAL)
    assert scheme.source == "shanxi"
    assert scheme.tier_for(score).code == tier


def test_grade_c_not_recommendable(rules):
    """004_7a8ddd82f611ab67.txt 第十四条: 推荐国家级绿色制造名单评分须达到B级以上."""
    tiers = {t.code: t for t in rules.grading("factory", Level.PROVINCIAL).tiers}
    assert not tiers["C"].recommendable
    assert tiers["B"].recommendable and tiers["A"].recommendable
    assert tiers["C"].min_score == 0 and tiers["A"].max_score is None


def test_no_grading_outside_provincial(rules):
    """004_7a8ddd82f611ab67.txt 第十四条 grades at provincial review only; other levels keep national's none."""
    for level in (Level.CITY, Level.NATIONAL):
        scheme = rules.grading("factory", level)
        assert scheme.tiers == GradingScheme.NONE.tiers and scheme.source == "national"


def test_config_defaults():
    """004_7a8ddd82f611ab67.txt 第十四条 gives no cut-offs: defaults are config keys prefixed SHANXI_."""
    pm = build_plugin_manager("shanxi")
    answers = [d for d in pm.hook.gm_setup_config_defaults() if d]
    assert answers == [{"SHANXI_GRADE_A_MIN": 85.0, "SHANXI_GRADE_B_MIN": 70.0}]


def test_cutoffs_from_app_config():
    """004_7a8ddd82f611ab67.txt 第十四条: the province sets the cut-offs (instance config wins)."""
    app = flask.Flask("shanxi-test")
    app.config.update(SHANXI_GRADE_A_MIN=90, SHANXI_GRADE_B_MIN=60)
    with app.app_context():
        r = fresh_rules()
        r.validate(2025)
        scheme = r.grading("park", Level.PROVINCIAL)
    assert scheme.tier_for(89.99).code == "B" and scheme.tier_for(90).code == "A"
    assert scheme.tier_for(59.99).code == "C" and scheme.tier_for(60).code == "B"


@pytest.mark.parametrize("a, b", [(70, 85), (80, 80), (85, 0), (120, 70)])
def test_bad_cutoffs_stop_start_up(a, b):
    """004_7a8ddd82f611ab67.txt 第十四条: tiers must stay ordered C < B < A within 0–100."""
    app = flask.Flask("shanxi-test")
    app.config.update(SHANXI_GRADE_A_MIN=a, SHANXI_GRADE_B_MIN=b)
    with app.app_context(), pytest.raises(PolicyViolation, match="shanxi"):
        fresh_rules().validate(2025)


# ------------------------------------------------------------------ modes --


@pytest.mark.parametrize("level", [Level.CITY, Level.PROVINCIAL])
def test_self_or_third_party(rules, level):
    """004_7a8ddd82f611ab67.txt 第十一条: 自我评价或委托第三方机构开展评价."""
    modes = rules.evaluation_modes("factory", level, 2025)
    assert set(modes.allowed) == {EvaluationMode.SELF, EvaluationMode.THIRD_PARTY}
    assert not modes.third_party_required and modes.source == "shanxi"


def test_national_modes_stay_national(rules):
    """004_7a8ddd82f611ab67.txt 第二条 covers provincial and city lists: the national 2025 round is MIIT's."""
    modes = rules.evaluation_modes("factory", Level.NATIONAL, 2025)
    assert modes.allowed == (EvaluationMode.SELF,) and modes.source == "national"


# ---------------------------------------------------------- negative list --


def test_negative_list_is_national(rules):
    """004_7a8ddd82f611ab67.txt 第十七条: the same six items, 3-year look-back, as national's (办法 第十五条); not
    duplicated."""
    items = rules.negative_list_for("factory", Level.PROVINCIAL)
    assert len(items) == 6
    assert all(i.source == "national" and i.lookback_years == 3 and "第十五条" in i.cite for i in items)


# ------------------------------------------------------------ eligibility --


def test_provincial_factory_city_list_first(rules):
    """004_7a8ddd82f611ab67.txt 第十二条: 省层面绿色工厂原则上应先纳入市层面名单 (a warning: 原则上)."""
    rule = rules.eligibility_rules["shanxi.provincial_needs_city_list"]
    assert not rule.blocking and rule.unit_types == ("factory",) and rule.levels == (Level.PROVINCIAL,)
    assert rule in rules.eligibility_rules_for("factory", Level.PROVINCIAL)
    assert rule not in rules.eligibility_rules_for("factory", Level.CITY)
    assert check(rules, "shanxi.provincial_needs_city_list", held_levels=()) is not None
    assert check(rules, "shanxi.provincial_needs_city_list") is not None
    assert check(rules, "shanxi.provincial_needs_city_list", held_levels=("city",)) is None
    assert check(rules, "shanxi.provincial_needs_city_list", held_levels=[Level.CITY]) is None


def test_factory_conditions(rules):
    """004_7a8ddd82f611ab67.txt 第八条 (一): 独立法人或视同法人的独立核算单位，从事实际生产的制造型企业."""
    rule = rules.eligibility_rules["shanxi.factory_conditions"]
    assert rule.blocking and set(rule.levels) == {Level.CITY, Level.PROVINCIAL}
    assert check(rules, "shanxi.factory_conditions", independent_legal_entity=True, actual_manufacturing=True) is None
    msg = check(rules, "shanxi.factory_conditions", independent_legal_entity=True, actual_manufacturing=False)
    assert "实际生产" in msg and "独立法人" not in msg
    # values from the form fields (code shanxi.<name>, attached as ext_shanxi__<code>)
    assert check(rules, "shanxi.factory_conditions", **{"shanxi.independent_legal_entity": True,
                                                         "ext_shanxi__shanxi.actual_manufacturing": True}) is None


def _park(**over):
    data = dict(park_legal_boundary=True, park_unified_management=True, park_main_function=True,
                park_industrial_va_share=50.01, park_cultivation_plan=True)
    data.update(over)
    return data


def test_park_conditions(rules):
    """004_7a8ddd82f611ab67.txt 第九条: 法定边界、统一管理机构、制造和能源供给为主、工业增加值占比超过50%、培育计划."""
    rule = rules.eligibility_rules["shanxi.park_conditions"]
    assert rule.blocking and rule.unit_types == ("park",)
    assert check(rules, "shanxi.park_conditions", **_park()) is None
    assert "50%" in check(rules, "shanxi.park_conditions", **_park(park_industrial_va_share=50))  # 超过: strictly
    assert "50%" in check(rules, "shanxi.park_conditions", **_park(park_industrial_va_share=None))
    assert "培育计划" in check(rules, "shanxi.park_conditions", **_park(park_cultivation_plan=False))
    assert "统一管理" in check(rules, "shanxi.park_conditions", **_park(park_unified_management=False))


def test_supply_chain_conditions(rules):
    """004_7a8ddd82f611ab67.txt 第十条 (一)(二): 独立法人; 制定供应商绿色工厂培育计划."""
    assert check(rules, "shanxi.supply_chain_conditions", independent_legal_entity=True,
                 supplier_cultivation_plan=True) is None
    assert "供应商" in check(rules, "shanxi.supply_chain_conditions", independent_legal_entity=True)


def test_supply_chain_should_be_green_factory(rules):
    """004_7a8ddd82f611ab67.txt 第十六条: 推荐的企业原则上应为绿色工厂 (a warning)."""
    rule = rules.eligibility_rules["shanxi.supply_chain_green_factory"]
    assert not rule.blocking and rule.unit_types == ("supply_chain",)
    assert check(rules, "shanxi.supply_chain_green_factory", is_green_factory=True) is None
    assert check(rules, "shanxi.supply_chain_green_factory", is_green_factory=False) is not None


def test_departments_consulted(rules):
    """004_7a8ddd82f611ab67.txt 第十三条、第十五条: 征求生态环境、应急管理、市场监管等主管部门意见."""
    rule = rules.eligibility_rules["shanxi.departments_consulted"]
    assert rule.blocking and set(rule.levels) == {Level.PROVINCIAL, Level.NATIONAL}  # issue 17: a requirement
    assert check(rules, "shanxi.departments_consulted",
                 consulted_departments=["生态环境", "应急管理", "市场监管"]) is None
    assert check(rules, "shanxi.departments_consulted",
                 consulted_departments={"ecology_environment", "emergency_management", "market_regulation"}) is None
    msg = check(rules, "shanxi.departments_consulted", consulted_departments=["生态环境"])
    assert "应急管理" in msg and "市场监管" in msg
    assert check(rules, "shanxi.departments_consulted") is not None


def test_reviewer_independence(rules):
    """004_7a8ddd82f611ab67.txt 第十三条: 专家或第三方机构（未参与本省企业评价工作）审核."""
    rule = rules.eligibility_rules["shanxi.reviewer_independence"]
    assert rule.levels == (Level.PROVINCIAL,)
    assert check(rules, "shanxi.reviewer_independence", review_body="TP1", evaluators_in_province=["TP2"]) is None
    assert "TP1" in check(rules, "shanxi.reviewer_independence", review_body="TP1",
                          evaluators_in_province=["TP1", "TP2"])
    assert check(rules, "shanxi.reviewer_independence") is not None  # not yet recorded: reminder


@pytest.mark.parametrize(
    "data, ok",
    [
        ({"year": 2023}, False), ({"year": 2024}, True), ({"year": 2029}, True), ({"year": 2030}, False),
        ({"submitted_on": dt.date(2024, 7, 18)}, False), ({"submitted_on": dt.date(2024, 7, 19)}, True),
        ({"submitted_on": dt.date(2029, 7, 18)}, True), ({"submitted_on": dt.date(2029, 7, 19), "year": 2029}, False),
        ({"submitted_on": dt.datetime(2026, 1, 1, 9, 0)}, True), ({}, True),
    ],
)
def test_rules_validity_window(rules, data, ok):
    """004_7a8ddd82f611ab67.txt 第三十二条: 有效期为五年，自2024年7月19日起实施 (to 2029-07-18)."""
    rule = rules.eligibility_rules["shanxi.rules_validity"]
    assert not rule.blocking and rule.unit_types == () and rule.levels == ()
    msg = rule.check(data)
    assert (msg is None) == ok
    if not ok:
        assert "重新发布" in msg


# --------------------------------------------------------------- sanctions --


def test_shanxi_sanctions(rules):
    """004_7a8ddd82f611ab67.txt 第二十二条至第二十五条."""
    s = rules.sanctions
    assert (s["shanxi.evaluation_fraud"].ban_years, s["shanxi.evaluation_fraud"].removal) == (3, False)  # 第二十二条
    assert s["shanxi.material_change"].removal and "第二十三条" in s["shanxi.material_change"].cite
    ev = s["shanxi.evaluator_fraud"]  # 第二十四条: 通报，三年内不予采信
    assert (ev.ban_years, ev.removal, ev.source) == (3, False, "shanxi") and "第二十四条" in ev.cite
    assert "第二十五条" in s["shanxi.verified_complaint"].cite


def test_removal_reasons_cite_the_detailed_rules(rules):
    """004_7a8ddd82f611ab67.txt 第二十一条: removal reasons and immediate removal, national's inferences restated as
    Shanxi's own article; fraud stays national's (工信厅节函〔2025〕390号 三)."""
    s = rules.sanctions
    for code in ("negative_list_event", "not_filed", "major_accident"):
        assert s[code].source == "shanxi" and s[code].replaced == "national" and "第二十一条" in s[code].cite
        assert s[code].removal and "平台推断" not in s[code].cite
    assert s["fraud"].source == "national" and "附件1 三" in s["fraud"].cite
    assert s["major_accident"].all_levels and s["fraud"].ban_years == 3 and s["fraud"].all_levels


# --------------------------------------------------------------- form fields --


def test_priority_flags(rules):
    """004_7a8ddd82f611ab67.txt 第七条: 产业链链主企业、省级专业镇龙头企业、专精特新'小巨人'企业."""
    fields = {f.code: f for f in rules.form_fields_for("factory", Level.PROVINCIAL)}
    for code in ("shanxi.chain_leader", "shanxi.specialty_town_leader", "shanxi.little_giant"):
        f = fields[code]
        assert web_field(f).field_class is BooleanField
        schema = Schema.from_dict({"flag": api_field(f)})()
        assert schema.load({}) == {"flag": False} and schema.load({"flag": True}) == {"flag": True}
        assert "第七条" in f.cite and f.source == "shanxi"


def test_park_share_field(rules):
    """004_7a8ddd82f611ab67.txt 第九条 (一): 工业增加值占比, a percentage."""
    f = rules.form_fields["shanxi.park_industrial_va_share"]
    assert f.unit_types == ("park",) and web_field(f).field_class is FloatField
    schema = Schema.from_dict({"share": api_field(f)})()
    assert schema.load({"share": 62.5}) == {"share": 62.5} and schema.load({}) == {"share": None}
    with pytest.raises(ValidationError):
        schema.load({"share": 120})


# ------------------------------------------------------------------ contract --


def test_plugin_imports_only_the_public_api():
    """plugin.py and rules.py import only core.plugins(.types), never other core modules or plugins.national."""
    root = pathlib.Path(__file__).resolve().parents[2] / "plugins" / "shanxi"
    for name in ("plugin.py", "rules.py", "forms.py"):
        tree = ast.parse((root / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                mod = node.module or ""
                if mod.startswith("core"):
                    assert mod in ("core.plugins", "core.plugins.types"), (name, mod)
                assert not mod.startswith("plugins.national"), (name, mod)
