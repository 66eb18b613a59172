"""One behavioural test per hook: ``test_hook_<hook name>`` (datasette's rule).

Each test registers a throwaway plugin object answering the hook and checks that the
RegionRules facade (or create_app, for setup hooks) reflects the answer with its provenance
(``source`` = the plugin's name). tests/core/test_hook_coverage.py fails when a hookspec has
no test here, or a test here names a hook that no longer exists.
"""
from __future__ import annotations

import datetime as dt

import pytest
from marshmallow import fields
from wtforms import StringField

from core import create_app
from core.plugins import PluginConflict, PolicyViolation, hookimpl
from core.plugins.manager import build_plugin_manager
from core.plugins.rules import RegionRules
from core.plugins.types import (
    AdminUnit,
    DayCount,
    Deadline,
    EligibilityRule,
    EvaluationMode,
    EvaluationModes,
    EvaluatorCap,
    EvaluatorRequirement,
    FormField,
    GradingScheme,
    Indicator,
    IndicatorKind,
    IndicatorSet,
    Industry,
    Level,
    ListLevel,
    NegativeListItem,
    JointRound,
    NoticePeriod,
    Provision,
    Publication,
    PublicationProcedure,
    Quota,
    Region,
    Sanction,
    SummaryColumn,
    SummaryLayout,
    SummarySection,
    Tier,
    UnitKind,
    UnitType,
)

NAME = "testland"
CITE = "tests/core/test_hooks.py"
CONFIG = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "t", "GREENMFG_RULES_YEAR": 2025}


def rules_with(plugin, year=2025) -> RegionRules:
    rules = RegionRules(build_plugin_manager("national", [(NAME, plugin)]))
    rules.validate(year)
    return rules


class Testland:
    """A throwaway region (registered directly under NAME, never an entry point)."""

    @hookimpl
    def gm_region(self):
        return Region(code=NAME, name="测试省", name_en="Testland", cite=CITE)


class WithCity(Testland):
    @hookimpl
    def gm_register_admin_units(self):
        return [AdminUnit(code=f"{NAME}.city", name="测试市", kind=UnitKind.CITY, cite=CITE)]


# ----------------------------------------------------------------- identity --


def test_hook_gm_region():
    rules = rules_with(Testland())
    assert (rules.region.code, rules.region.source, rules.region.name) == (NAME, NAME, "测试省")
    assert set(rules.identities) == {"national", NAME}

    class NotARegion:
        @hookimpl
        def gm_region(self):
            return {"code": NAME}

    with pytest.raises(PolicyViolation, match="did not return a Region"):
        rules_with(NotARegion())


# --------------------------------------------------------------- registries --


def test_hook_gm_register_list_levels():
    class Plugin(Testland):
        @hookimpl
        def gm_register_list_levels(self):
            return [ListLevel(code=f"{NAME}.county", name="县级", rank=0, cite=CITE)]

    levels = rules_with(Plugin()).list_levels
    assert levels[f"{NAME}.county"].source == NAME and levels["city"].source == "national"


def test_hook_gm_register_unit_types():
    class Plugin(Testland):
        @hookimpl
        def gm_register_unit_types(self):
            return [UnitType(code=f"{NAME}.product", name="绿色设计产品", name_en="Green design product",
                             levels=(Level.PROVINCIAL,), cite=CITE)]

    rules = rules_with(Plugin())
    assert rules.unit_types[f"{NAME}.product"].source == NAME
    assert f"{NAME}.product" in {t.code for t in rules.unit_types_for(Level.PROVINCIAL)}
    assert f"{NAME}.product" not in {t.code for t in rules.unit_types_for(Level.NATIONAL)}


def test_hook_gm_register_admin_units():
    rules = rules_with(WithCity())
    unit = rules.admin_units[f"{NAME}.city"]
    assert (unit.source, unit.kind) == (NAME, UnitKind.CITY)
    assert ("quota", f"{NAME}.city/factory/2025") in {(k, key) for k, key, _ in rules.effective_rules(2025)}


def test_hook_gm_register_industries():
    class Plugin(Testland):
        @hookimpl
        def gm_register_industries(self):
            return [Industry(code=f"{NAME}.ceramics", name="陶瓷", sector="建材", cite=CITE)]

    industries = rules_with(Plugin()).industries
    assert industries[f"{NAME}.ceramics"].source == NAME
    assert any(i.source == "national" for i in industries.values())


def test_hook_gm_register_deadlines():
    class Plugin(Testland):
        @hookimpl
        def gm_register_deadlines(self):
            return [Deadline(code=f"{NAME}.filing", replaces="dynamic_filing", title="动态管理表",
                             month_day=(3, 30), cite=CITE),
                    Deadline(code=f"{NAME}.round", title="本轮申报", rounds={2025: dt.date(2025, 9, 1)}, cite=CITE)]

    rules = rules_with(Plugin())
    day, record = rules.deadline("dynamic_filing", 2026)
    assert day == dt.date(2026, 3, 30) and (record.source, record.replaced) == (NAME, "national")
    assert rules.deadline(f"{NAME}.round", 2025)[0] == dt.date(2025, 9, 1)
    assert rules.deadline(f"{NAME}.round", 2026)[0] is None


def test_hook_gm_register_negative_list_items():
    class Plugin(Testland):
        @hookimpl
        def gm_register_negative_list_items(self):
            return [NegativeListItem(code=f"{NAME}.disclosure", title="未披露环境信息", levels=(Level.PROVINCIAL,),
                                     cite=CITE)]

    rules = rules_with(Plugin())
    provincial = {i.code: i for i in rules.negative_list_for("factory", Level.PROVINCIAL)}
    assert provincial[f"{NAME}.disclosure"].source == NAME and "not_operating" in provincial
    assert f"{NAME}.disclosure" not in {i.code for i in rules.negative_list_for("factory", Level.NATIONAL)}


def test_hook_gm_register_eligibility_rules():
    def check(data):
        return None if data.get("employees", 0) >= 10 else "too small"

    class Plugin(Testland):
        @hookimpl
        def gm_register_eligibility_rules(self):
            return [EligibilityRule(code=f"{NAME}.size", title="规模", unit_types=("factory",), check=check,
                                    cite=CITE)]

    rules = rules_with(Plugin())
    rule = {r.code: r for r in rules.eligibility_rules_for("factory", Level.PROVINCIAL)}[f"{NAME}.size"]
    assert rule.source == NAME and rule.check({"employees": 3}) == "too small" and rule.check({"employees": 30}) is None
    assert f"{NAME}.size" not in {r.code for r in rules.eligibility_rules_for("park", Level.PROVINCIAL)}


def test_hook_gm_register_sanctions():
    class Plugin(Testland):
        @hookimpl
        def gm_register_sanctions(self):
            return [Sanction(code=f"{NAME}.rename", title="更名未申请", removal=False, cite=CITE)]

    sanctions = rules_with(Plugin()).sanctions
    assert sanctions[f"{NAME}.rename"].source == NAME and not sanctions[f"{NAME}.rename"].removal
    assert sanctions["fraud"].source == "national"


def test_hook_gm_register_form_fields():
    class Plugin(Testland):
        @hookimpl
        def gm_register_form_fields(self):
            return [FormField(code=f"{NAME}.industry", label="所属行业", unit_types=("factory",),
                              levels=(Level.PROVINCIAL,), make_field=lambda: StringField("所属行业"),
                              make_schema_field=lambda: fields.String(), cite=CITE)]

    rules = rules_with(Plugin())
    [field] = rules.form_fields_for("factory", Level.PROVINCIAL)
    assert field.source == NAME and field.code == f"{NAME}.industry"
    assert rules.form_fields_for("park", Level.PROVINCIAL) == []

    class Clash(Plugin):
        @hookimpl
        def gm_register_form_fields(self):
            return Plugin.gm_register_form_fields(self) * 2

    with pytest.raises(PluginConflict, match="industry"):
        rules_with(Clash())


def test_hook_gm_register_summary_layouts():
    layout = SummaryLayout(code=f"{NAME}.summary", title="汇总表", levels=(Level.PROVINCIAL,), cite=CITE,
                           sections=(SummarySection(title="工厂", unit_types=("factory",),
                                                    columns=(SummaryColumn(key="applicant_name", header="申报单位"),)),))

    class Plugin(Testland):
        @hookimpl
        def gm_register_summary_layouts(self):
            return [layout]

    got = rules_with(Plugin()).summary_layouts[f"{NAME}.summary"]
    assert got.source == NAME and got.sections == layout.sections


def test_hook_gm_register_indicator_sets():
    def table(code, weights):
        return IndicatorSet(code=code, title="测试指标", unit_type="factory", year_from=2027, cite=CITE,
                            indicators=tuple(Indicator(number=i + 1, name=f"指标{i + 1}", group="能源", weight=w,
                                                       kind=IndicatorKind.QUALITATIVE)
                                             for i, w in enumerate(weights)))

    class Plugin(Testland):
        @hookimpl
        def gm_register_indicator_sets(self):
            return [table(f"{NAME}.factory_2027", (60, 40))]

    rules = rules_with(Plugin(), year=2027)
    assert rules.indicator_set("factory", 2027).source == NAME
    assert rules.indicator_set("factory", 2026).source == "national"

    class Heavy(Testland):
        @hookimpl
        def gm_register_indicator_sets(self):
            return [table(f"{NAME}.factory_2027", (60, 60))]

    with pytest.raises(PolicyViolation, match="weighs 120"):
        rules_with(Heavy())


def test_hook_gm_register_evaluator_requirements():
    class Plugin(Testland):
        @hookimpl
        def gm_register_evaluator_requirements(self):
            return [EvaluatorRequirement(code=f"{NAME}.senior_staff", title="高级职称人员不少于5人",
                                         check=lambda d: None if d.get("senior_staff", 0) >= 5 else "不足5人",
                                         cite=CITE)]

    req = rules_with(Plugin()).evaluator_requirements[f"{NAME}.senior_staff"]
    assert req.source == NAME and req.scope == "institution" and req.check({"senior_staff": 2}) == "不足5人"


def test_hook_gm_register_provisions():
    class Plugin(Testland):
        @hookimpl
        def gm_register_provisions(self):
            return [Provision(code=f"{NAME}.review", title="三年一复核", topic="review_cycle",
                              details={"every_years": 3}, cite=CITE)]

    rules = rules_with(Plugin())
    assert rules.provisions[f"{NAME}.review"].source == NAME
    assert ("provision", f"{NAME}.review") in {(k, key) for k, key, _ in rules.effective_rules(2025)}


# ----------------------------------------------------------------- policies --


def test_hook_gm_policy_evaluator_cap():
    class Plugin(Testland):
        @hookimpl
        def gm_policy_evaluator_cap(self, level, national):
            if level == Level.NATIONAL:
                return EvaluatorCap(limit=national.limit - 5, levels=national.levels, cite=CITE)
            return None

    rules = rules_with(Plugin())
    cap = rules.evaluator_cap("factory", Level.NATIONAL)
    assert (cap.limit, cap.source) == (10, NAME)
    assert rules.evaluator_cap("factory", Level.PROVINCIAL).source == "national"  # None: no opinion


def test_hook_gm_policy_quota():
    class Plugin(WithCity):
        @hookimpl
        def gm_policy_quota(self, admin_unit, unit_type, year, national):
            assert national == Quota.UNLIMITED or national.unlimited
            if admin_unit == f"{NAME}.city" and unit_type == "factory":
                return Quota(limit=4, binding=False, period=(2025, 2025), cite=CITE)
            return None

    rules = rules_with(Plugin())
    quota = rules.quota(f"{NAME}.city", "factory", 2025)
    assert (quota.limit, quota.binding, quota.source) == (4, False, NAME)
    park = rules.quota(f"{NAME}.city", "park", 2025)
    assert park.unlimited and park.source == "national"


def test_hook_gm_policy_grading():
    scheme = GradingScheme(cite=CITE, tiers=(Tier(code="C", label="C", min_score=0, max_score=60, recommendable=False),
                                             Tier(code="B", label="B", min_score=60, max_score=85),
                                             Tier(code="A", label="A", min_score=85)))

    class Plugin(Testland):
        @hookimpl
        def gm_policy_grading(self, level):
            return scheme if level == Level.PROVINCIAL else None

    rules = rules_with(Plugin())
    grading = rules.grading("factory", Level.PROVINCIAL)
    assert grading.source == NAME and grading.tier_for(85).code == "A" and not grading.tier_for(10).recommendable
    national = rules.grading("factory", Level.NATIONAL)
    assert national.tiers == () and national.source == "national"


def test_hook_gm_policy_notice_period():
    class Plugin(Testland):
        @hookimpl
        def gm_policy_notice_period(self, level):
            if level == Level.PROVINCIAL:
                return NoticePeriod(days=7, count=DayCount.WORKING_DAYS, cite=CITE)
            return None

    rules = rules_with(Plugin())
    period = rules.notice_period(Level.PROVINCIAL)
    assert (period.days, period.count, period.source) == (7, DayCount.WORKING_DAYS, NAME)
    assert rules.notice_period(Level.NATIONAL).source == "national"

    class Zero(Testland):
        @hookimpl
        def gm_policy_notice_period(self):
            return NoticePeriod(days=0, count=DayCount.CALENDAR_DAYS)

    with pytest.raises(PolicyViolation, match="0 days"):
        rules_with(Zero())


def test_hook_gm_policy_publication():
    class Plugin(Testland):
        @hookimpl
        def gm_policy_publication(self, level, year):
            if level == Level.CITY and year >= 2024:
                return Publication(procedure=PublicationProcedure.NOTICE, publisher="city", cite=CITE)
            return None

    rules = rules_with(Plugin())
    city = rules.publication(Level.CITY, 2025)
    assert (city.procedure, city.publisher, city.source, city.platform_default) == ("notice", "city", NAME, False)
    default = rules.publication(Level.PROVINCIAL, 2025)  # national's platform default, marked so
    assert (default.procedure, default.source, default.platform_default) == ("decision", "national", True)
    national = rules.publication(Level.NATIONAL, 2025)
    assert (national.procedure, national.publisher) == ("notice", "ministry")

    class Nobody(Testland):
        @hookimpl
        def gm_policy_publication(self):
            return Publication(procedure=PublicationProcedure.DECISION, publisher="county")

    with pytest.raises(PolicyViolation, match="unknown publisher"):
        rules_with(Nobody())


def test_hook_gm_policy_joint_round():
    class Plugin(Testland):
        @hookimpl
        def gm_policy_joint_round(self, level, year):
            if level == Level.NATIONAL and year == 2025:
                return JointRound(levels=(Level.NATIONAL, Level.PROVINCIAL), provincial_satisfies_national=True,
                                  cite=CITE)
            return None

    rules = rules_with(Plugin())
    joint = rules.joint_round(Level.NATIONAL, 2025, "factory")
    assert joint.source == NAME and set(joint.levels) == {Level.NATIONAL, Level.PROVINCIAL}
    single = rules.joint_round(Level.PROVINCIAL, 2025, "factory")
    assert single.source == "national" and tuple(single.levels) == (Level.PROVINCIAL,)

    class Broken(Testland):
        @hookimpl
        def gm_policy_joint_round(self, level):
            return JointRound(levels=(Level.CITY,), cite=CITE) if level == Level.NATIONAL else None

    with pytest.raises(PolicyViolation, match="own level"):
        rules_with(Broken())


def test_hook_gm_policy_evaluation_modes():
    class Plugin(Testland):
        @hookimpl
        def gm_policy_evaluation_modes(self, level, year):
            if level == Level.PROVINCIAL and year >= 2026:
                return EvaluationModes(allowed=(EvaluationMode.THIRD_PARTY,), third_party_required=True, cite=CITE)
            return None

    rules = rules_with(Plugin(), year=2026)
    modes = rules.evaluation_modes("factory", Level.PROVINCIAL, 2026)
    assert modes.third_party_required and modes.source == NAME
    assert rules.evaluation_modes("factory", Level.PROVINCIAL, 2025).source == "national"

    class Useless(Testland):
        @hookimpl
        def gm_policy_evaluation_modes(self):
            return EvaluationModes(allowed=(EvaluationMode.SELF,), third_party_required=True)

    with pytest.raises(PolicyViolation, match="no usable mode"):
        rules_with(Useless())


# -------------------------------------------------------------------- setup --


def test_hook_gm_setup_config_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("GREENMFG_INSTANCE_PATH", str(tmp_path))

    class Plugin(Testland):
        @hookimpl
        def gm_setup_config_defaults(self):
            return {"TESTLAND_GRADE_A_MIN": 85, "TESTLAND_PORTAL": "https://example.org"}

    app = create_app({**CONFIG, "GREENMFG_EXTRA_PLUGINS": [(NAME, Plugin())], "TESTLAND_GRADE_A_MIN": 90})
    assert app.config["TESTLAND_PORTAL"] == "https://example.org"
    assert app.config["TESTLAND_GRADE_A_MIN"] == 90  # instance configuration wins (setdefault)
