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
from typing import Any, Callable, Iterable, Mapping

from core.errors import InvalidInput

Interpolation = Callable[[float, float, float, float], float]

#: Chinese text of this package's messages, used until the Babel catalogue has them
ZH: dict[str, str] = {
    "%(field)s: a number is required": "%(field)s：须为数字",
    "%(field)s: a percentage must lie between 0 and 100": "%(field)s：百分比须在0到100之间",
    "%(field)s: unknown indicator number %(number)s in %(set)s": "%(field)s：指标体系%(set)s中没有第%(number)s项指标",
    "%(field)s: leading value equals baseline value (%(value)s)": "%(field)s：引领值与基准值相同（%(value)s）",
    "%(field)s: the leading value must be %(direction)s than the baseline for a %(kind)s indicator":
        "%(field)s：%(kind)s指标的引领值须%(direction)s基准值",
    "%(field)s: a partial score must lie between 0 and the weight %(weight)s":
        "%(field)s：部分得分须在0到权重分值%(weight)s之间",
    "%(field)s: true, false or a reviewer's partial score is required":
        "%(field)s：须为true、false或专家给出的部分得分",
    "%(field)s: a whole number of functions between 0 and %(max)s is required":
        "%(field)s：须为0到%(max)s之间的功能项数",
    "%(field)s: unknown platform function %(name)s": "%(field)s：未列明的能碳管理平台功能“%(name)s”",
    "%(field)s: give elasticity and value_added_growth, or emission_growth and value_added_growth":
        "%(field)s：须提供elasticity与value_added_growth，或emission_growth与value_added_growth",
    "%(field)s: each product needs value and a positive energy_use":
        "%(field)s：每个产品须填写value和大于0的energy_use（能耗加权参数）",
    "%(field)s: is required": "%(field)s：必填",
    "%(field)s: unknown unit type %(value)s": "%(field)s：未知的单位类型%(value)s",
    "%(field)s: unknown list level %(value)s": "%(field)s：未知的名单层级%(value)s",
    "%(field)s: no indicator set for %(unit_type)s in %(year)s": "%(field)s：%(year)s年度没有适用于%(unit_type)s的评价指标体系",
    "%(field)s: an object keyed by indicator number is required": "%(field)s：须为以指标序号为键的对象",
    "%(field)s: %(kind)s indicator %(number)s takes no reference value":
        "%(field)s：第%(number)s项（%(kind)s）指标不使用引领值/基准值",
    "%(field)s: indicator %(number)s is not qualitative": "%(field)s：第%(number)s项不是定性指标",
    "%(field)s: unknown industry %(value)s": "%(field)s：未知行业%(value)s",
    "%(field)s: unknown indicator set %(value)s": "%(field)s：未知指标体系%(value)s",
    "%(field)s: a whole number is required": "%(field)s：须为整数",
    "%(field)s: duplicate of row %(row)s": "%(field)s：与第%(row)s行重复",
    "%(field)s: year %(year)s is outside indicator set %(set)s": "%(field)s：%(year)s年不在指标体系%(set)s适用期内",
    "%(field)s: unsupported file type; use .xlsx or .csv": "%(field)s：不支持的文件类型，请使用.xlsx或.csv",
    "%(field)s: missing column %(column)s": "%(field)s：缺少列%(column)s",
    "%(field)s: the file holds no rows": "%(field)s：文件中没有数据行",
    "%(field)s: the file cannot be read: %(reason)s": "%(field)s：无法读取文件：%(reason)s",
    "%(field)s: invalid JSON: %(reason)s": "%(field)s：JSON格式错误：%(reason)s",
}


class ScoringInputError(InvalidInput):
    """Bad scoring input. ``field`` names the offending key (``values.3``, ``row 7: leading``).

    Falls back to :data:`ZH` for the Chinese text while the Babel catalogue lacks it, so
    the CLI always prints both languages.
    """

    def __init__(self, msgid: str, *, field: str, **params: Any):
        # the field is also a message parameter, so the base initialiser cannot be used
        self.msgid = msgid
        self.field = field
        self.params = {"field": field, **params}
        Exception.__init__(self, self.bilingual())

    def _zh_fallback(self) -> str:
        template = ZH.get(self.msgid, self.msgid)
        return template % self.params

    def localized(self, locale: str | None = None) -> str:
        text = super().localized(locale)
        if locale == "zh" and text == self.msgid % self.params:
            return self._zh_fallback()
        return text

    def bilingual(self) -> str:
        en = self.msgid % self.params
        zh = self.localized("zh")
        return en if zh == en else f"{zh} / {en}"


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
