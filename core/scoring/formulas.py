"""Pure scoring formulas for the MIIT 2025 indicator tables.

Sources: 001_3f04a56fc6693327.txt 附件1 (factory, 14 indicators) and 附件2 (park, 17
indicators); the formula itself is ../shared/reference/domain.md Part C1 and Part D rows
36-40: a quantitative indicator scores ``W × clamp((x − B) / (L − B), 0, 1)`` with
baseline B (基准值, 0 points) and leading value L (引领值, full weight). The same
expression serves positive (L > B) and reverse (L < B) indicators.

The official clause text (GB/T 36132-2025 §5) is not available, so interpolation is
looked up by name in :data:`INTERPOLATIONS`; an indicator set may name another one in
``params["interpolation"]``. Nothing here touches the database or Flask.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from core.errors import InvalidInput

Interpolation = Callable[[float, float, float, float], float]

class ScoringInputError(InvalidInput):
    """Bad scoring input. ``field`` names the offending key (``values.3``, ``row 7: leading``).

    The Chinese text comes from the Babel catalogue like every other message.
    """

    def __init__(self, msgid: str, *, field: str, **params: Any):
        # the field is also a message parameter, so the base initialiser cannot be used
        self.msgid = msgid
        self.field = field
        self.params = {"field": field, **params}
        Exception.__init__(self, self.bilingual())


def number(value: Any, field: str) -> float:
    """``value`` as a finite float; booleans and strings are refused."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ScoringInputError("%(field)s: a number is required", field=field)
    return float(value)


def percent(value: float, field: str) -> float:
    if not 0 <= value <= 100:
        raise ScoringInputError("%(field)s: a percentage must lie between 0 and 100", field=field)
    return value


# ------------------------------------------------------------ quantitative --


def clamp01(ratio: float) -> float:
    return 0.0 if ratio < 0 else 1.0 if ratio > 1 else ratio


def linear(value: float, leading: float, baseline: float, weight: float) -> float:
    """``W × clamp((x − B) / (L − B), 0, 1)``: 0 at or worse than B, W at or beyond L.

    Direction follows from the references: L > B is positive (正向), L < B reverse (逆向).
    """
    if leading == baseline:
        raise ValueError("leading value equals baseline value")
    return weight * clamp01((value - baseline) / (leading - baseline))


def check_direction(positive: bool, leading: float, baseline: float, field: str) -> None:
    """Refuse L == B, and L on the wrong side of B for the indicator's direction."""
    if leading == baseline:
        raise ScoringInputError("%(field)s: leading value equals baseline value (%(value)s)",
                                field=field, value=leading)
    if (leading > baseline) != positive:
        raise ScoringInputError(
            "%(field)s: the leading value must be %(direction)s than the baseline for a %(kind)s indicator",
            field=field, direction="greater" if positive else "smaller",
            kind="positive" if positive else "reverse")


def linear_positive(value: float, leading: float, baseline: float, weight: float) -> float:
    """正向定量: higher is better (L > B)."""
    check_direction(True, leading, baseline, "reference")
    return linear(value, leading, baseline, weight)


def linear_reverse(value: float, leading: float, baseline: float, weight: float) -> float:
    """逆向定量: lower is better (L < B)."""
    check_direction(False, leading, baseline, "reference")
    return linear(value, leading, baseline, weight)


#: interpolation functions by name; ``IndicatorSet.params["interpolation"]`` picks one
INTERPOLATIONS: dict[str, Interpolation] = {"linear": linear}


def register_interpolation(name: str, fn: Interpolation) -> None:
    """Make ``fn(value, leading, baseline, weight)`` available to indicator sets as ``name``."""
    INTERPOLATIONS[name] = fn


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float:
    """Mean of ``(score, weight)`` pairs weighted by ``weight`` (a product's energy use).

    domain.md C1: multi-product energy intensity is scored per product against its own
    energy-limit grades, then averaged by each product's energy use (the form's 加权参数).
    """
    pairs = list(pairs)
    total = sum(w for _, w in pairs)
    if total <= 0:
        raise ValueError("the weights must add up to more than 0")
    return sum(s * w for s, w in pairs) / total


# ------------------------------------------------------------- qualitative --


def qualitative(value: Any, weight: float, field: str) -> float:
    """正向定性: ``True`` full weight, ``False`` zero, a number is a reviewer's partial score."""
    if isinstance(value, bool):
        return float(weight) if value else 0.0
    if isinstance(value, (int, float)) and math.isfinite(value):
        if not 0 <= value <= weight:
            raise ScoringInputError("%(field)s: a partial score must lie between 0 and the weight %(weight)s",
                                    field=field, weight=weight)
        return float(value)
    raise ScoringInputError("%(field)s: true, false or a reviewer's partial score is required", field=field)


# --------------------------------------------------------- platform count --


def platform_function_count(value: Any, functions: tuple[str, ...], field: str) -> int:
    """Indicator 4 (附件1 第4项): how many of the listed platform functions are in place.

    ``value`` is a count or a list of function names (duplicates count once).
    """
    if isinstance(value, (list, tuple)):
        unknown = [name for name in value if name not in functions]
        if unknown:
            raise ScoringInputError("%(field)s: unknown platform function %(name)s", field=field, name=unknown[0])
        return len(set(value))
    count = number(value, field)
    if count != int(count) or not 0 <= count <= len(functions):
        raise ScoringInputError("%(field)s: a whole number of functions between 0 and %(max)s is required",
                                field=field, max=len(functions))
    return int(count)


# -------------------------------------------------------------- elasticity --


def elasticity_coefficient(emission_growth: float, value_added_growth: float) -> float | None:
    """e = emission growth ÷ value-added growth (domain.md B3.3); ``None`` at zero growth."""
    if value_added_growth == 0:
        return None
    return emission_growth / value_added_growth


def elasticity_score(e: float, value_added_growth: float, weight: float, rule: Mapping[str, Any],
                     interpolate: Interpolation = linear) -> float | None:
    """Piecewise elasticity score, branching on the sign of value-added growth.

    ``rule`` is ``IndicatorSet.params["elasticity"]``: ``{"growth_positive": {"full_at",
    "zero_at"}, "growth_negative": {...}}``. Zero growth returns ``None``: the indicator
    needs a reviewer (domain.md C1).
    """
    if value_added_growth == 0:
        return None
    branch = rule["growth_positive" if value_added_growth > 0 else "growth_negative"]
    return interpolate(e, branch["full_at"], branch["zero_at"], weight)
