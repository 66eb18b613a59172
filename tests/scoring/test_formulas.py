"""Pure scoring formulas (core.scoring.formulas).

Seed: 001_3f04a56fc6693327.txt 附件1 (factory) and 附件2 (park); formula: domain.md C1 and
Part D rows 36-40 (W·clamp((x−B)/(L−B), 0, 1); elasticity branches from B3.3).
"""
from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.scoring import formulas as f
from core.scoring.formulas import ScoringInputError
from plugins.national.indicators import FACTORY_2025, PARK_2025

ELASTICITY = PARK_2025.params["elasticity"]
FUNCTIONS = FACTORY_2025.params["platform_functions"]


# ------------------------------------------------------------- positive --

@pytest.mark.parametrize("x, points", [(20, 0.0), (40, 8.0), (55, 8.0), (30, 4.0), (10, 0.0), (25, 2.0)])
def test_positive_linear(x, points):
    """001_3f04a56fc6693327.txt 附件1 第3项 可再生能源利用率: 正向定量, W=8; with L=40 %, B=20 %:
    at baseline 0, at leading full, beyond leading full, midpoint half, below baseline 0."""
    assert f.linear_positive(x, 40, 20, 8) == pytest.approx(points)


@pytest.mark.parametrize("x, points", [(0.60, 0.0), (0.40, 8.0), (0.30, 8.0), (0.50, 4.0), (0.70, 0.0)])
def test_reverse_linear(x, points):
    """001_3f04a56fc6693327.txt 附件1 第1项 能源消耗强度: 逆向定量, W=8; with L=0.40, B=0.60 tce/t:
    lower is better, full at or below L, zero at or above B, half at the midpoint 0.50."""
    assert f.linear_reverse(x, 0.40, 0.60, 8) == pytest.approx(points)


def test_leading_equal_to_baseline_is_an_error():
    """domain.md C1: the formula divides by L − B, so L == B is refused, never scored."""
    with pytest.raises(ValueError):
        f.linear(5, 3, 3, 8)
    with pytest.raises(ScoringInputError, match="leading value equals baseline"):
        f.linear_positive(5, 3, 3, 8)


def test_direction_must_match_the_indicator_kind():
    """附件1 第3项 is 正向 (L > B), 第1项 逆向 (L < B): swapped references are refused."""
    with pytest.raises(ScoringInputError, match="greater"):
        f.linear_positive(30, 20, 40, 8)
    with pytest.raises(ScoringInputError, match="smaller"):
        f.linear_reverse(0.5, 0.60, 0.40, 8)


@given(x=st.floats(-1e6, 1e6), lead=st.floats(-1e3, 1e3), base=st.floats(-1e3, 1e3),
       weight=st.sampled_from([4, 6, 7, 8]))
def test_linear_score_always_within_zero_and_weight(x, lead, base, weight):
    """Any value scores within [0, W] (附件1/附件2 weights 4-8)."""
    if lead == base:
        return
    assert 0 <= f.linear(x, lead, base, weight) <= weight


@given(a=st.floats(0, 100), b=st.floats(0, 100))
def test_positive_linear_is_monotonic(a, b):
    """正向: a higher value never scores lower (附件1 第7项 工业用水重复利用率, W=8, L=95, B=85)."""
    lo, hi = sorted((a, b))
    assert f.linear_positive(lo, 95, 85, 8) <= f.linear_positive(hi, 95, 85, 8)


# ---------------------------------------------------------- indicator 4 --

@pytest.mark.parametrize("count, points", [(0, 0.0), (4, 3.0), (8, 6.0), (12, 6.0)])
def test_platform_functions_count(count, points):
    """001_3f04a56fc6693327.txt 附件1 第4项: L=8, B=0, W=6 over 12 listed functions:
    0 → 0, 4 → 3, 8 → 6, 12 → 6 (capped), i.e. 0.75 per function (domain.md D row 37)."""
    assert len(FUNCTIONS) == 12
    n = f.platform_function_count(count, FUNCTIONS, "values.4")
    assert f.linear(n, 8, 0, 6) == pytest.approx(points)


def test_platform_functions_by_name_count_once():
    """附件1 第4项 names the 12 functions; a list of names is counted, duplicates once."""
    names = ["能耗查询", "能效对标", "碳排放", "碳足迹核算", "能效对标"]
    assert f.platform_function_count(names, FUNCTIONS, "values.4") == 4


@pytest.mark.parametrize("bad", [13, -1, 4.5, "八", ["能耗查询", "区块链"]])
def test_platform_functions_bad_input(bad):
    """附件1 第4项: at most 12 whole functions, only those listed."""
    with pytest.raises(ScoringInputError) as err:
        f.platform_function_count(bad, FUNCTIONS, "values.4")
    assert err.value.field == "values.4"


# ----------------------------------------------------------- elasticity --

@pytest.mark.parametrize("e, growth, points", [
    (0.5, 5.0, 6.0), (0.75, 5.0, 3.0), (1.0, 5.0, 0.0), (0.2, 5.0, 6.0), (1.4, 5.0, 0.0),
    (2.0, -3.0, 6.0), (1.5, -3.0, 3.0), (1.0, -3.0, 0.0), (2.6, -3.0, 6.0), (0.4, -3.0, 0.0),
])
def test_elasticity_branches_on_growth_sign(e, growth, points):
    """001_3f04a56fc6693327.txt 附件2 第15项 主要污染物排放弹性系数 (W=6); rule domain.md B3.3:
    growth > 0: full at e ≤ 0.5, half at 0.75, zero at e ≥ 1; growth < 0: full at e ≥ 2,
    half at 1.5, zero at e ≤ 1."""
    assert f.elasticity_score(e, growth, 6, ELASTICITY) == pytest.approx(points)


def test_elasticity_at_zero_growth_needs_review():
    """domain.md C1: zero value-added growth is not scorable; a reviewer decides."""
    assert f.elasticity_score(0.5, 0.0, 7, ELASTICITY) is None
    assert f.elasticity_coefficient(3.0, 0.0) is None


def test_elasticity_coefficient_is_emission_over_value_added_growth():
    """domain.md B3.3: e = emission growth ÷ value-added growth (附件2 第17项, W=7)."""
    assert f.elasticity_coefficient(3.0, 6.0) == pytest.approx(0.5)
    assert f.elasticity_score(f.elasticity_coefficient(3.0, 6.0), 6.0, 7, ELASTICITY) == pytest.approx(7.0)


@given(e=st.floats(-10, 10), growth=st.floats(-50, 50).filter(lambda g: g != 0))
def test_elasticity_within_zero_and_weight(e, growth):
    """附件2 第17项 二氧化碳排放弹性系数, W=7: always within [0, 7]."""
    assert 0 <= f.elasticity_score(e, growth, 7, ELASTICITY) <= 7


# ---------------------------------------------------------- qualitative --

@pytest.mark.parametrize("value, points", [(True, 6.0), (False, 0.0), (3.5, 3.5), (0, 0.0), (6, 6.0)])
def test_qualitative_full_zero_or_reviewer_partial(value, points):
    """001_3f04a56fc6693327.txt 附件1 第9项 生产工艺和设备先进性: 正向定性, W=6; full or zero by
    default, a reviewer's partial score in between (domain.md C1, D row 38)."""
    assert f.qualitative(value, 6, "values.9") == points


@pytest.mark.parametrize("bad", [6.5, -1, "yes", None, math.nan])
def test_qualitative_bad_input(bad):
    """附件1 第9项, W=6: a partial score above the weight, or a non-answer, is refused."""
    with pytest.raises(ScoringInputError) as err:
        f.qualitative(bad, 6, "qualitative.9")
    assert err.value.field == "qualitative.9"


# ---------------------------------------------------------- multi-product --

def test_weighted_mean_by_energy_use():
    """domain.md C1 (附件1 第1项, multi-product): scores weighted by each product's energy use:
    8 points on 100 tce and 0 points on 300 tce give 8·100/400 = 2."""
    assert f.weighted_mean([(8.0, 100), (0.0, 300)]) == pytest.approx(2.0)
    with pytest.raises(ValueError):
        f.weighted_mean([(8.0, 0)])


# ------------------------------------------------------------- messages --

def test_errors_name_the_field_in_chinese_and_english():
    """CLI contract (issue 3): bad input names the field, in both languages."""
    err = ScoringInputError("%(field)s: a percentage must lie between 0 and 100", field="values.3")
    assert err.field == "values.3"
    assert err.bilingual() == "values.3：百分比须在0到100之间 / values.3: a percentage must lie between 0 and 100"


def test_every_message_used_has_chinese():
    """No ScoringInputError in core/scoring or the CLI is English-only."""
    import ast
    from pathlib import Path

    root = Path(f.__file__).resolve().parents[1]
    used = set()
    for path in [*root.joinpath("scoring").glob("*.py"), root / "cli" / "score.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ScoringInputError"
                    and isinstance(node.args[0], ast.Constant)):  # not a re-raised exc.msgid
                used.add(node.args[0].value)
    from babel.messages.pofile import read_po

    catalogue = {m.id: m.string for m in read_po((root / "translations/zh/LC_MESSAGES/messages.po").open("rb"))}
    assert len(used) > 15
    assert {m for m in used if not catalogue.get(m)} == set()
