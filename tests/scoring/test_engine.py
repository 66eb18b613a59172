"""Scoring one unit against an indicator set (core.scoring.engine).

Seed: 001_3f04a56fc6693327.txt 附件1 (factory: 14 indicators, weights 8,8,8,6 / 8,8,8,6 /
6,4,6 / 8,8 / 8) and 附件2 (park: 17 indicators, two 弹性系数); formula domain.md C1.
Reference values below are made up for the tests; only weights and directions are MIIT's.
"""
from __future__ import annotations

import dataclasses
import math
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.plugins import hookimpl
from core.plugins.manager import build_plugin_manager
from core.plugins.rules import RegionRules
from core.plugins.types import Indicator, IndicatorKind, IndicatorSet
from core.scoring import (
    Reference,
    ScoringInputError,
    Status,
    engine,
    parse_request,
    score_request,
    score_unit,
)
from core.scoring.formulas import INTERPOLATIONS
from plugins.national.indicators import FACTORY_2025, PARK_2025

#: test references (L, B) for every factory indicator that takes one
FACTORY_REFS = {
    1: Reference(0.40, 0.60), 2: Reference(1.0, 2.0), 3: Reference(40, 20), 5: Reference(1.0, 1.2),
    6: Reference(2.0, 4.0), 7: Reference(95, 85), 8: Reference(95, 80), 10: Reference(3, 1),
    11: Reference(0.05, 0.10), 14: Reference(2.0, 1.0),
}
#: every factory indicator at its leading value (or full) except #1 at its midpoint
FULL_BUT_ONE = {"1": 0.50, "2": 1.0, "3": 40, "4": 8, "5": 1.0, "6": 2.0, "7": 95, "8": 95, "9": True, "10": 3,
                "11": 0.05, "12": True, "13": True, "14": 2.0}


@pytest.fixture(scope="module")
def rules():
    return RegionRules(build_plugin_manager("national"))


def by_number(result):
    return {r.number: r for r in result.indicators}


def test_factory_total_out_of_100():
    """附件1: 14 indicators weighing 100 in all; everything at its leading value except #1
    (能源消耗强度, W=8) at the midpoint of L=0.40/B=0.60 → 100 − 4 = 96."""
    result = score_unit(FACTORY_2025, FULL_BUT_ONE, FACTORY_REFS)
    assert FACTORY_2025.total_weight == 100
    assert result.complete and result.total == 96.0
    first = by_number(result)[1]
    assert (first.score, first.status, first.weight) == (4.0, "scored", 8)
    assert first.inputs == {"leading": 0.40, "baseline": 0.60, "reference_source": ""}


def test_missing_reference_is_never_a_silent_zero():
    """Issue 3 / domain.md C1: without 引领值/基准值 for 附件1 第2项 (碳排放强度, W=8) the
    indicator is "needs_reference", has no score, and the result is incomplete."""
    refs = {k: v for k, v in FACTORY_REFS.items() if k != 2}
    result = score_unit(FACTORY_2025, FULL_BUT_ONE, refs)
    second = by_number(result)[2]
    assert (second.score, second.status) == (None, Status.NEEDS_REFERENCE)
    assert not result.complete and result.total == 88.0


def test_missing_value():
    """附件1 第14项 土地产出率 (W=8) left out: "missing_value", no score."""
    values = {k: v for k, v in FULL_BUT_ONE.items() if k != "14"}
    result = score_unit(FACTORY_2025, values, FACTORY_REFS)
    assert (by_number(result)[14].status, by_number(result)[14].score) == ("missing_value", None)
    assert result.total == 88.0 and not result.complete


def test_indicator_4_uses_the_table_values_not_uploaded_ones():
    """附件1 第4项 prints L=8, B=0, W=6 in the table: 4 functions → 3 points, whatever is uploaded."""
    result = score_unit(FACTORY_2025, {"4": 4}, {4: Reference(12, 6)})
    fourth = by_number(result)[4]
    assert fourth.score == 3.0
    assert fourth.inputs == {"count": 4, "leading": 8, "baseline": 0, "reference_source": "indicator set"}


@pytest.mark.parametrize("count, points", [(0, 0.0), (4, 3.0), (8, 6.0), (12, 6.0)])
def test_indicator_4_through_the_engine(count, points):
    """001_3f04a56fc6693327.txt 附件1 第4项: L=8, B=0, W=6 → 0/4/8/12 functions = 0/3/6/6."""
    assert by_number(score_unit(FACTORY_2025, {"4": count}))[4].score == points


def test_multi_product_energy_intensity_weighted_by_energy_use():
    """附件1 第1项 能源消耗强度 (W=8, 逆向) over two products, each against its own energy-limit
    grade 1 (L) / grade 2 (B) (domain.md C1): product A at its L (8 points) using 100 tce,
    product B at its B (0 points) using 300 tce → 8·100/400 = 2."""
    products = [
        {"product": "熟料", "value": 100, "leading": 100, "baseline": 107, "energy_use": 100},
        {"product": "水泥", "value": 107, "leading": 100, "baseline": 107, "energy_use": 300},
    ]
    first = by_number(score_unit(FACTORY_2025, {"1": products}))[1]
    assert first.score == 2.0 and first.status == "scored"
    assert [p["score"] for p in first.inputs["products"]] == [8.0, 0.0]


def test_multi_product_falls_back_to_the_industry_reference():
    """附件1 第1项 with L=0.40/B=0.60 for the industry: products at 0.40 (w 1) and 0.50 (w 3) →
    (8·1 + 4·3)/4 = 5; without any reference → needs_reference."""
    products = [{"value": 0.40, "energy_use": 1}, {"value": 0.50, "energy_use": 3}]
    assert by_number(score_unit(FACTORY_2025, {"1": products}, FACTORY_REFS))[1].score == 5.0
    assert by_number(score_unit(FACTORY_2025, {"1": products}))[1].status == "needs_reference"


@pytest.mark.parametrize("products", [[{"value": 1}], [{"value": 1, "energy_use": 0}],
                                      [{"value": 1, "energy_use": 5, "leading": 2, "baseline": 1}]])
def test_multi_product_bad_input(products):
    """附件1 第1项 is 逆向: each product needs its energy use (> 0) and L < B."""
    with pytest.raises(ScoringInputError) as err:
        score_unit(FACTORY_2025, {"1": products}, FACTORY_REFS)
    assert err.value.field.startswith("values.1[0]")


@pytest.mark.parametrize("value, status, points", [
    ({"emission_growth": 3.0, "value_added_growth": 6.0}, "scored", 6.0),
    ({"elasticity": 0.75, "value_added_growth": 4.0}, "scored", 3.0),
    ({"elasticity": 1.5, "value_added_growth": -2.0}, "scored", 3.0),
    ({"emission_growth": -4.0, "value_added_growth": -2.0}, "scored", 6.0),
    ({"emission_growth": 1.0, "value_added_growth": 0.0}, "needs_review", None),
])
def test_park_elasticity(value, status, points):
    """001_3f04a56fc6693327.txt 附件2 第15项 主要污染物排放弹性系数, W=6; default rule (B3.3):
    growth>0 full at e≤0.5, zero at e≥1; growth<0 full at e≥2, zero at e≤1; zero growth
    needs review."""
    result = by_number(score_unit(PARK_2025, {"15": value}))[15]
    assert (result.status, result.score) == (status, points)


def test_park_elasticity_parameters_come_from_the_set():
    """附件2 第17项 (W=7): a province changing IndicatorSet.params["elasticity"] changes the score."""
    strict = dataclasses.replace(PARK_2025, params={**PARK_2025.params, "elasticity": {
        "growth_positive": {"full_at": 0.3, "zero_at": 0.9}, "growth_negative": {"full_at": 3, "zero_at": 1}}})
    value = {"elasticity": 0.6, "value_added_growth": 5.0}
    assert by_number(score_unit(PARK_2025, {"17": value}))[17].score == pytest.approx(5.6)  # 7·0.8
    assert by_number(score_unit(strict, {"17": value}))[17].score == pytest.approx(3.5)  # 7·0.5


@pytest.mark.parametrize("values, field", [
    ({"15": 1.0}, "values.15"),          # factory table has 14 indicators
    ({"1": "0.5"}, "values.1"),          # non-numeric
    ({"1": True}, "values.1"),           # a boolean is not a number
    ({"3": 101}, "values.3"),            # 附件1 第3项 is a percentage
    ({"7": -0.5}, "values.7"),
    ({"9": "yes"}, "values.9"),
    ({"13": 9}, "values.13"),            # partial score above W=8
])
def test_bad_values_name_the_field(values, field):
    """附件1: unknown numbers, non-numbers and percentages outside 0–100 are refused."""
    with pytest.raises(ScoringInputError) as err:
        score_unit(FACTORY_2025, values, FACTORY_REFS)
    assert err.value.field == field


def test_reference_direction_is_checked():
    """附件1 第3项 is 正向: a reference with L < B is refused with the field named."""
    with pytest.raises(ScoringInputError) as err:
        score_unit(FACTORY_2025, {"3": 30}, {3: Reference(20, 40)})
    assert err.value.field == "reference.3"


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from([str(n) for n in (1, 2, 3, 5, 6, 7, 8, 10, 11, 14)]),
                       st.floats(0, 100), max_size=10),
       st.integers(0, 12), st.sampled_from([True, False, 0.0, 2.5]))
def test_every_score_within_zero_and_weight(values, count, qual):
    """附件1: whatever the values, 0 ≤ score ≤ W per indicator and 0 ≤ total ≤ 100."""
    result = score_unit(FACTORY_2025, {**values, "4": count, "9": qual, "12": qual, "13": qual}, FACTORY_REFS)
    for r in result.indicators:
        assert r.score is None or 0 <= r.score <= r.weight
    assert 0 <= result.total <= 100


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from([str(n) for n in (1, 2, 3, 5, 6, 7, 8, 10, 11, 14)]),
                       st.one_of(st.floats(0, 100), st.integers(0, 100)), max_size=10),
       st.integers(0, 12), st.sampled_from([True, False, 0.0, 2.5, None]))
def test_many_units_score_exactly_like_one(values, count, qual):
    """The column-wise fast path (recompute) gives what ``score_unit`` (``greenmfg score``) shows:
    the same rounded scores and statuses, the same total to the cent."""
    values = {**values, "4": count, "9": qual, "12": qual, "13": qual}
    one = score_unit(FACTORY_2025, values, FACTORY_REFS)
    total, complete, scores = engine.score_rows(engine.compile_plan(FACTORY_2025, FACTORY_REFS), [values])[0]
    assert (total, complete) == (one.total, one.complete)
    assert scores == {str(r.number): r.score if r.score is not None else r.status for r in one.indicators}


def test_many_units_at_once_score_as_each_alone():
    """Scoring a group at once (recompute) gives each unit what it gets alone, complete or not, in order."""
    plan = engine.compile_plan(FACTORY_2025, FACTORY_REFS)
    group = [FULL_BUT_ONE, {**FULL_BUT_ONE, "3": None}, {"1": 0.55}, {}, {**FULL_BUT_ONE, "9": 2.5}]
    assert engine.score_rows(plan, group) == [engine.score_rows(plan, [values])[0] for values in group]
    assert [complete for _, complete, _ in engine.score_rows(plan, group)] == [True, False, False, False, True]


def test_a_column_rounds_exactly_like_one_value():
    """The column path's rounding (recompute) gives the very floats ``round(score, 4)`` gives, at and
    beside every half of the last digit too (附件1 第3项: W=8, L=40, B=20, so 0.0001 point is 0.00025 %)."""
    step = engine.compile_plan(FACTORY_2025, FACTORY_REFS)[2]
    halves = [20 + (k + 0.5) * 0.00025 for k in range(0, 80000, 7)]
    values = [v for h in halves for v in (h, math.nextafter(h, 0), math.nextafter(h, 100))]
    values += [20 + 20 * i / 9973 for i in range(9973)]
    scores = step.run.column(values)
    assert scores == [step.run(x) for x in values] == [round(8 * (x - 20) / 20, 4) for x in values]
    assert [str(x) for x in scores] == [str(step.run(x)) for x in values]


def test_a_cached_plan_is_compiled_again_when_the_rules_change(monkeypatch):
    """Issue 23: recompute reuses a compiled plan across groups and runs, but never one compiled from
    other rules: changed references, a replaced indicator set, interpolation or scorer give the scores
    a fresh compile gives."""
    monkeypatch.setattr(engine, "_PLANS", {})
    refs = dict(FACTORY_REFS)
    plan = engine.cached_plan(FACTORY_2025, refs)
    assert engine.cached_plan(FACTORY_2025, dict(FACTORY_REFS)) is plan

    def cached(iset, references=refs):
        return engine.score_rows(engine.cached_plan(iset, references), [FULL_BUT_ONE])[0][0]

    assert cached(FACTORY_2025) == 96.0
    assert cached(FACTORY_2025, {**refs, 1: Reference(0.50, 0.60)}) == 100.0  # 第1项 now at its leading value
    heavier = dataclasses.replace(FACTORY_2025, indicators=tuple(
        dataclasses.replace(ind, weight=16) if ind.number == 1 else ind for ind in FACTORY_2025.indicators))
    assert cached(heavier) == 100.0  # 8 of 16 instead of 4 of 8
    halves = dataclasses.replace(FACTORY_2025, params={**FACTORY_2025.params, "interpolation": "halves"})
    monkeypatch.setitem(INTERPOLATIONS, "halves", lambda x, lead, base, weight: weight / 2)
    assert cached(halves) == score_unit(halves, FULL_BUT_ONE, refs).total < 90
    monkeypatch.setitem(INTERPOLATIONS, "halves", lambda x, lead, base, weight: 0.0)
    assert cached(halves) == score_unit(halves, FULL_BUT_ONE, refs).total < 50

    @engine.register_scorer(IndicatorKind.QUALITATIVE)
    def nothing(ind, ref, iset, name):
        return lambda value: 0.0

    try:
        assert cached(FACTORY_2025) == score_unit(FACTORY_2025, FULL_BUT_ONE, refs).total == 96.0 - 22  # 定性, 22 points
    finally:
        engine.register_scorer(IndicatorKind.QUALITATIVE)(engine.qualitative)
    assert cached(FACTORY_2025) == 96.0 and engine.cached_plan(FACTORY_2025, refs) is plan


# ------------------------------------------------------------ pluggability --

def test_interpolation_is_pluggable(monkeypatch):
    """domain.md C1: keep interpolation pluggable (GB/T 36132-2025 §5 text unknown). A set naming a
    stepwise rule scores 附件1 第3项 (W=8, L=40, B=20) at 35 % as half, not 6."""
    def step(x, lead, base, weight):
        ratio = (x - base) / (lead - base)
        return weight if ratio >= 1 else weight / 2 if ratio >= 0.5 else 0.0

    monkeypatch.setitem(INTERPOLATIONS, "step", step)
    stepped = dataclasses.replace(FACTORY_2025, params={**FACTORY_2025.params, "interpolation": "step"})
    assert by_number(score_unit(FACTORY_2025, {"3": 35}, FACTORY_REFS))[3].score == 6.0
    assert by_number(score_unit(stepped, {"3": 35}, FACTORY_REFS))[3].score == 4.0


def test_scorers_are_a_registry_by_kind(monkeypatch):
    """domain.md C1: #9 may be scored by catalogue conformity; a scorer registered for 定性
    replaces the default (here: 2 points per conforming item, capped at W=6)."""
    def counted(ind, ref, iset, name):
        return lambda value: Status.MISSING_VALUE if value is None else float(min(ind.weight, 2 * value))

    monkeypatch.setitem(engine.SCORERS, str(IndicatorKind.QUALITATIVE), counted)
    assert by_number(score_unit(FACTORY_2025, {"9": 2}))[9].score == 4.0
    assert by_number(score_unit(FACTORY_2025, {"9": 5}))[9].score == 6.0


def test_rule_set_is_replaceable_through_the_hook():
    """Issue 3: a later set (GB/T 36132-2025, from 2026) registered through
    gm_register_indicator_sets is what the engine scores against from its first year."""
    later = IndicatorSet(code="gbt36132_2025.factory", title="GB/T 36132-2025", unit_type="factory",
                         year_from=2026, cite="domain.md B3.1", indicators=(
                             Indicator(number=1, name="能源消耗强度", group="能源低碳化", weight=60,
                                       kind=IndicatorKind.REVERSE),
                             Indicator(number=2, name="绿色设计", group="产品绿色化", weight=40,
                                       kind=IndicatorKind.QUALITATIVE)))
    plugin = types.SimpleNamespace(gm_register_indicator_sets=hookimpl(lambda: [later]))
    rules = RegionRules(build_plugin_manager("national", [("gbt", plugin)]))
    data = {"unit_type": "factory", "year": 2026, "values": {"1": 0.5, "2": True},
            "reference": {"1": {"leading": 0.4, "baseline": 0.6}}}
    out = score_request(parse_request(data, rules), rules)
    assert out["indicator_set"] == "gbt36132_2025.factory"
    assert out["total"] == 70.0 and [i["score"] for i in out["indicators"]] == [30.0, 40.0]
    assert parse_request({**data, "year": 2025, "values": {}}, rules).iset.code == "miit2025.factory"


# ---------------------------------------------------------------- requests --

def test_request_with_inline_references(rules):
    """Issue 3 input format; 附件1 第1项 midpoint (4 of 8) and 第4项 4 functions (3 of 6)."""
    data = {"unit_type": "factory", "industry": "水泥", "year": 2025, "values": {"1": 0.5, "4": 4},
            "reference": {"1": {"leading": 0.4, "baseline": 0.6}}, "qualitative": {"9": True}}
    request = parse_request(data, rules)
    assert request.industry == "building.01"  # 附件3 重点行业清单: 建材 / 水泥
    out = score_request(request, rules)
    assert out["total"] == 13.0 and out["complete"] is False and out["tier"] is None
    assert {i["number"]: i["status"] for i in out["indicators"]}[2] == "missing_value"


@pytest.mark.parametrize("data, field", [
    ({"year": 2025, "values": {}}, "unit_type"),
    ({"unit_type": "spaceport", "year": 2025, "values": {}}, "unit_type"),
    ({"unit_type": "factory", "year": "2025", "values": {}}, "year"),
    ({"unit_type": "factory", "year": 2019, "values": {}}, "year"),
    ({"unit_type": "factory", "year": 2025, "values": []}, "values"),
    ({"unit_type": "factory", "year": 2025, "values": {"99": 1}}, "values.99"),
    ({"unit_type": "factory", "year": 2025, "values": {}, "qualitative": {"1": True}}, "qualitative.1"),
    ({"unit_type": "factory", "year": 2025, "values": {},
      "reference": {"1": {"leading": 0.5, "baseline": 0.5}}}, "reference.1"),
    ({"unit_type": "factory", "year": 2025, "values": {},
      "reference": {"4": {"leading": 8, "baseline": 0}}}, "reference.4"),
    ({"unit_type": "factory", "year": 2025, "values": {},
      "reference": {"3": {"leading": 140, "baseline": 20}}}, "reference.3.leading"),
    ({"unit_type": "factory", "year": 2025, "values": {}, "reference": {"1": {"leading": "x"}}},
     "reference.1.leading"),
])
def test_request_errors_name_the_field(rules, data, field):
    """Issue 3: bad input names the field; leading == baseline (附件1 第1项) is a clear error;
    附件1 第4项 has its values in the table; 第3项 is a percentage."""
    with pytest.raises(ScoringInputError) as err:
        parse_request(data, rules)
    assert err.value.field == field


def test_tier_from_the_region_grading_scheme():
    """004_7a8ddd82f611ab67.txt 第十四条 (Shanxi A/B/C; national recommendation needs B or better):
    a complete factory at 96 points is tier A at provincial level; national has no tiers."""
    data = {"unit_type": "factory", "year": 2025, "values": FULL_BUT_ONE,
            "reference": {str(k): {"leading": r.leading, "baseline": r.baseline} for k, r in FACTORY_REFS.items()}}
    shanxi = RegionRules(build_plugin_manager("shanxi"))
    out = score_request(parse_request(data, shanxi), shanxi)
    assert (out["total"], out["tier"], out["grading"]["recommendable"]) == (96.0, "A", True)
    national = RegionRules(build_plugin_manager("national"))
    assert score_request(parse_request(data, national), national)["tier"] is None


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 14]),
       st.floats(0.01, 50), st.floats(0.01, 50), st.sampled_from([8, 6, 4, 1, 100, 0.5]),
       st.one_of(
           st.lists(st.one_of(st.floats(0, 100), st.integers(0, 100), st.none()), min_size=1, max_size=40),
           st.lists(st.one_of(st.floats(-10, 120, allow_nan=False), st.integers(-5, 120), st.none(), st.booleans(),
                              st.sampled_from([math.nan, math.inf, -math.inf, "12.5", 0.0, -0.0, 1e-9])),
                    min_size=1, max_size=40)))
def test_a_column_scores_as_each_value_alone(number, lead, base, weight, values):
    """Issue 23: the column path (recompute) takes plain columns (numbers within bounds, some left out)
    without checks per value; whatever a column holds, it gives each value exactly what ``run`` gives it
    (the same floats, statuses and refusals)."""
    ind = dataclasses.replace(next(i for i in FACTORY_2025.indicators if i.number == number), weight=weight)
    if ind.leading is not None:
        ref = None  # printed in the table (第4项: platform functions, counted in 项)
    else:
        low, high = sorted((lead, base + lead + 0.01))
        ref = Reference(high, low) if ind.kind == IndicatorKind.POSITIVE else Reference(low, high)
    run = engine.SCORERS[str(ind.kind)](ind, ref, FACTORY_2025, f"values.{number}")

    def alone(x):
        try:
            return run(x)
        except ScoringInputError:
            return ScoringInputError
    expected = [alone(x) for x in values]
    if ScoringInputError in expected:
        with pytest.raises(ScoringInputError):
            run.column(values)
        return
    got = run.column(values)
    assert [(type(x), str(x)) for x in got] == [(type(x), str(x)) for x in expected]
