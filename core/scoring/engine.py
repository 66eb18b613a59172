"""Score one unit against an :class:`~core.plugins.types.IndicatorSet`.

The set comes from ``rules.indicator_set(unit_type, year)``, so a province or a later
standard replaces it through ``gm_register_indicator_sets``; nothing here names an
indicator. Each :class:`IndicatorKind` has a scorer factory in :data:`SCORERS`
(replace or add one with :func:`register_scorer`). A factory binds an indicator to its
reference values once and returns a function of the raw value, so scoring many units
(``score_row``) costs a dictionary lookup and a few float operations per indicator.

Statuses (never a silent 0): ``scored``; ``missing_value`` (the unit gave no value);
``needs_reference`` (no 引领值/基准值 for the industry and year); ``needs_review`` (a
reviewer must decide, e.g. elasticity at zero value-added growth).
"""
from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import compress, repeat
from operator import itemgetter
from typing import Any, NamedTuple

from core.plugins.types import Indicator, IndicatorKind, IndicatorSet
from core.scoring import formulas as f
from core.scoring.formulas import ScoringInputError

#: the industry key of general (通则) reference values, used when an industry has none
GENERAL = "*"


class Status(StrEnum):
    SCORED = "scored"
    NEEDS_REFERENCE = "needs_reference"
    MISSING_VALUE = "missing_value"
    NEEDS_REVIEW = "needs_review"


@dataclass(frozen=True)
class Reference:
    """引领值 (leading) and 基准值 (baseline) of one indicator, with where they come from."""

    leading: float
    baseline: float
    source: str = ""
    year: int | None = None


#: raw value -> the score (a float rounded to :data:`DIGITS` decimals), or the :class:`Status`
#: that explains why there is none. A run may carry ``run.explain(value) -> dict`` giving
#: derived inputs for the result, and ``run.column(values) -> list`` scoring a whole column
#: at once (what :func:`score_rows` uses).
Run = Callable[[Any], "float | Status"]
#: (indicator, reference or None, indicator set, field name) -> Run
ScorerFactory = Callable[[Indicator, Reference | None, IndicatorSet, str], Run]

SCORERS: dict[str, ScorerFactory] = {}
#: compiled plans by :func:`_plan_key`, oldest first, at most :data:`PLAN_CACHE_SIZE` (:func:`cached_plan`)
_PLANS: dict[tuple, tuple[IndicatorSet, Plan]] = {}
PLAN_CACHE_SIZE = 256


def register_scorer(kind: str) -> Callable[[ScorerFactory], ScorerFactory]:
    """Decorator: use the factory for indicators of ``kind`` (replacing any earlier one)."""
    def decorate(factory: ScorerFactory) -> ScorerFactory:
        SCORERS[str(kind)] = factory
        return factory
    return decorate


def _interpolation(iset: IndicatorSet) -> f.Interpolation:
    return f.INTERPOLATIONS[iset.params.get("interpolation", "linear")]


def fixed_reference(ind: Indicator) -> Reference | None:
    """References printed in the table itself (附件1 第4项: L = 8, B = 0)."""
    if ind.leading is not None and ind.baseline is not None:
        return Reference(ind.leading, ind.baseline, source="indicator set")
    return None


_LARGEST = sys.float_info.max  # bounds that also refuse inf and nan on the fast path
#: decimals of a per-indicator score, as shown and stored; a total is the sum of the rounded
#: scores, rounded to 0.01
DIGITS = 4
MISSING, NEEDS_REFERENCE, NEEDS_REVIEW = Status.MISSING_VALUE, Status.NEEDS_REFERENCE, Status.NEEDS_REVIEW
_SCALE, _HALF = 10.0 ** DIGITS, 0.5 - 1e-6


@register_scorer(IndicatorKind.POSITIVE)
@register_scorer(IndicatorKind.REVERSE)
def quantitative(ind: Indicator, ref: Reference | None, iset: IndicatorSet, name: str) -> Run:
    """正向/逆向定量, interpolated between B and L (linear by default).

    An indicator counted in 项 whose set lists ``platform_functions`` (附件1 第4项) takes a
    count or a list of those functions. A list of products (``value``, ``energy_use``,
    optional own ``leading``/``baseline``) is scored per product and averaged by energy
    use (domain.md C1).
    """
    interpolate, weight = _interpolation(iset), float(ind.weight)
    positive, pct = ind.kind == IndicatorKind.POSITIVE, ind.percent
    functions = iset.params.get("platform_functions") if ind.unit == "项" else None
    ref = fixed_reference(ind) or ref
    leading = baseline = 0.0
    if ref is not None:
        f.check_direction(positive, ref.leading, ref.baseline, f"reference.{ind.number}")
        leading, baseline = ref.leading, ref.baseline
    fast = interpolate is f.linear and ref is not None
    span = leading - baseline
    top = len(functions) if functions is not None else 100 if pct else _LARGEST
    low = 0 if functions is not None or pct else -_LARGEST

    def measured(value: Any) -> float:
        """The value as a checked number (slow path: counts, strings, bad input)."""
        x = f.platform_function_count(value, functions, name) if functions is not None else f.number(value, name)
        return f.percent(x, name) if pct else x

    def run(value: Any):
        kind = type(value)
        if fast and (kind is int or kind is float and functions is None) and low <= value <= top:
            r = (value - baseline) / span  # f.linear, inlined: this runs for every unit
            return weight if r >= 1.0 else 0.0 if r <= 0.0 else round(weight * r, DIGITS)
        if value is None:
            return MISSING
        if kind is list and value and isinstance(value[0], dict):
            return _products(ind, value, ref, interpolate, name)[0]
        x = measured(value)
        if ref is None:
            return NEEDS_REFERENCE
        return round(interpolate(x, leading, baseline, weight), DIGITS)

    def explain(value: Any) -> dict:
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return _products(ind, value, ref, interpolate, name)[1]
        return {"count": int(measured(value))} if functions is not None and value is not None else {}

    def column(values: Sequence) -> list:
        """``run`` over a column, the fast path inlined (no call per value).

        Between 0 and the weight, ``round(y, DIGITS)`` (``y`` = weight × r) is taken as ``k / SCALE`` with
        ``k = round(r × weight × SCALE)`` unless that product lies within 1e-6 of a half: further away, ``k``
        is the rounded exact ``y × SCALE`` too (the product is off by less than 4e-8 below 1e8), and the
        division is correctly rounded, so both give the same float (``round`` with digits converts to
        decimal text and back: three times slower). A column of plain numbers within the bounds (:func:`_plain`)
        is scored without the checks per value."""
        if not fast:
            return [run(x) for x in values]
        if not 0 < weight * _SCALE < 1e8:
            return [(weight if (r := (x - baseline) / span) >= 1.0 else 0.0 if r <= 0.0
                     else round(weight * r, DIGITS))
                    if ((t := type(x)) is float and floats or t is int) and low <= x <= top else run(x)
                    for x in values]
        scale, half, rnd = _SCALE, _HALF, round
        plain = _plain(values, numbers, low, top)
        if plain is _NUMBERS:
            return [weight if (r := (x - baseline) / span) >= 1.0 else 0.0 if r <= 0.0
                    else k / scale if -half < (z := r * scaled) - (k := rnd(z)) < half else rnd(weight * r, DIGITS)
                    for x in values]
        if plain is _SOME_MISSING:
            return [MISSING if x is None else weight if (r := (x - baseline) / span) >= 1.0 else 0.0 if r <= 0.0
                    else k / scale if -half < (z := r * scaled) - (k := rnd(z)) < half else rnd(weight * r, DIGITS)
                    for x in values]
        return [(weight if (r := (x - baseline) / span) >= 1.0 else 0.0 if r <= 0.0
                 else k / scale if -half < (z := r * scaled) - (k := rnd(z)) < half else rnd(weight * r, DIGITS))
                if ((t := type(x)) is float and floats or t is int) and low <= x <= top else run(x)
                for x in values]

    floats = functions is None  # a count of platform functions is an int
    numbers = {float, int} if floats else {int}
    scaled = weight * _SCALE
    run.explain, run.column = explain, column
    return run


#: what :func:`_plain` finds
_NUMBERS, _SOME_MISSING = "numbers", "numbers and some missing"


def _plain(values: Sequence, numbers: set[type], low: float, top: float) -> str | None:
    """Whether every value is a finite number of the ``numbers`` types (not a bool) within the bounds, or
    ``None`` (left out), so that the fast path need not check them one by one: each check here is one pass
    in C. :data:`_NUMBERS`, :data:`_SOME_MISSING`, or ``None`` when a value needs the checks."""
    kinds = set(map(type, values))
    missing = type(None) in kinds
    if not values or not kinds - {type(None)} <= numbers:
        return None
    present = list(filter(None, values)) if missing else values  # zeros go too: within every bound
    if present and not math.isfinite(sum(present)):
        return None  # a nan or an infinity (or a sum too large to tell)
    if present and not (low == -_LARGEST and top == _LARGEST or low <= min(present) and max(present) <= top):
        return None
    return _SOME_MISSING if missing else _NUMBERS


def _products(ind: Indicator, products: list, ref: Reference | None, interpolate: f.Interpolation,
              name: str) -> tuple[Any, dict]:
    pairs, used = [], []
    for i, p in enumerate(products):
        here = f"{name}[{i}]"
        if not isinstance(p, dict) or "value" not in p or "energy_use" not in p:
            raise ScoringInputError("%(field)s: each product needs value and a positive energy_use", field=here)
        x, use = f.number(p["value"], f"{here}.value"), f.number(p["energy_use"], f"{here}.energy_use")
        if use <= 0:
            raise ScoringInputError("%(field)s: each product needs value and a positive energy_use", field=here)
        if ind.percent:
            f.percent(x, f"{here}.value")
        own = ref
        if "leading" in p or "baseline" in p:
            own = Reference(f.number(p.get("leading"), f"{here}.leading"),
                            f.number(p.get("baseline"), f"{here}.baseline"), source="product")
            f.check_direction(ind.kind == IndicatorKind.POSITIVE, own.leading, own.baseline, here)
        if own is None:
            return NEEDS_REFERENCE, {"products": used}
        score = interpolate(x, own.leading, own.baseline, float(ind.weight))
        pairs.append((score, use))
        used.append({"product": p.get("product", i + 1), "value": x, "energy_use": use,
                     "leading": own.leading, "baseline": own.baseline, "score": round(score, DIGITS)})
    return round(f.weighted_mean(pairs), DIGITS), {"products": used}


@register_scorer(IndicatorKind.QUALITATIVE)
def qualitative(ind: Indicator, ref: Reference | None, iset: IndicatorSet, name: str) -> Run:
    """正向定性: true full weight, false 0, a number is a reviewer's partial score."""
    weight = float(ind.weight)

    def run(value: Any):
        if value is True:
            return weight
        if value is False:
            return 0.0
        if value is None:
            return MISSING
        return round(f.qualitative(value, weight, name), DIGITS)

    def column(values: list) -> list:
        return [weight if x is True else 0.0 if x is False else run(x) for x in values]

    run.column = column
    return run


@register_scorer(IndicatorKind.ELASTICITY)
def elasticity(ind: Indicator, ref: Reference | None, iset: IndicatorSet, name: str) -> Run:
    """弹性系数: ``{"elasticity": e, "value_added_growth": g}`` or
    ``{"emission_growth": x, "value_added_growth": g}``; the piecewise rule is
    ``IndicatorSet.params["elasticity"]``; zero value-added growth needs review."""
    rule, interpolate, weight = iset.params["elasticity"], _interpolation(iset), float(ind.weight)

    def explain(value: Any) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict) or "value_added_growth" not in value or not (
                "elasticity" in value or "emission_growth" in value):
            raise ScoringInputError("%(field)s: give elasticity and value_added_growth, "
                                    "or emission_growth and value_added_growth", field=name)
        growth = f.number(value["value_added_growth"], f"{name}.value_added_growth")
        if "elasticity" in value:
            e = f.number(value["elasticity"], f"{name}.elasticity")
        else:
            e = f.elasticity_coefficient(f.number(value["emission_growth"], f"{name}.emission_growth"), growth)
        return {"elasticity": e, "value_added_growth": growth}

    def run(value: Any):
        if value is None:
            return MISSING
        used = explain(value)
        e, growth = used["elasticity"], used["value_added_growth"]
        score = None if e is None else f.elasticity_score(e, growth, weight, rule, interpolate)
        return NEEDS_REVIEW if score is None else round(score, DIGITS)

    run.explain = explain
    return run


# ------------------------------------------------------------------ plans --


class Step(NamedTuple):
    key: str
    indicator: Indicator
    reference: Reference | None
    run: Run


Plan = tuple[Step, ...]


def compile_plan(iset: IndicatorSet, references: Mapping[int, Reference]) -> Plan:
    """Bind every indicator of ``iset`` to its reference and scorer."""
    steps = []
    for ind in iset.indicators:
        ref = fixed_reference(ind) or references.get(ind.number)
        factory = SCORERS[str(ind.kind)]
        steps.append(Step(str(ind.number), ind, ref, factory(ind, ref, iset, f"values.{ind.number}")))
    return tuple(steps)


def _plan_key(iset: IndicatorSet, references: Mapping[int, Reference]) -> tuple:
    """What a plan is compiled from: the set itself (by identity: its ``params`` take no part in its
    equality), the scorers and the interpolation it would use now, and the references."""
    interpolation = f.INTERPOLATIONS.get(iset.params.get("interpolation", "linear"))
    scorers = tuple(SCORERS.get(str(ind.kind)) for ind in iset.indicators)
    return id(iset), interpolation, scorers, tuple(sorted(references.items()))


def cached_plan(iset: IndicatorSet, references: Mapping[int, Reference]) -> Plan:
    """:func:`compile_plan`, compiled once and then reused: a recompute meets the same set with the
    same references in many groups (each industry's units in each year) and runs.

    A changed rule set is another :class:`IndicatorSet` object, and changed references, another
    scorer (:func:`register_scorer`) or interpolation are another key, so each compiles anew."""
    key = _plan_key(iset, references)
    entry = _PLANS.get(key)
    if entry is not None and entry[0] is iset:  # the entry keeps its set alive, so no other set has its id
        return entry[1]
    plan = compile_plan(iset, references)
    while len(_PLANS) >= PLAN_CACHE_SIZE:
        _PLANS.pop(next(iter(_PLANS)), None)
    _PLANS[key] = (iset, plan)
    return plan


def check_keys(iset: IndicatorSet, mapping: Mapping, prefix: str) -> None:
    known = {str(i.number) for i in iset.indicators}
    for key in mapping:
        if str(key) not in known:
            raise ScoringInputError("%(field)s: unknown indicator number %(number)s in %(set)s",
                                    field=f"{prefix}.{key}", number=key, set=iset.code)


def _rounded(score: Any) -> Any:
    """A scorer registered elsewhere may not round: statuses pass, numbers are rounded."""
    return score if isinstance(score, str) else round(score, DIGITS)


def score_rows(plan: Plan, values: list[Mapping[str, Any]]) -> list[tuple[float, bool, dict[str, Any]]]:
    """Fast path for many units sharing a plan: ``(total, complete, {number: score or status})``
    per unit, exactly as :func:`score_unit` gives them: scores rounded to :data:`DIGITS` decimals,
    the total their sum rounded to 0.01; a status is a :class:`Status` (a ``str``). Keys outside
    the plan are ignored (checked on entry). :func:`score_columns` gives the same as three lists."""
    return list(zip(*score_columns(plan, values))) if values else []


def score_columns(plan: Plan, values: list[Mapping[str, Any]]) -> tuple[list, list[bool], list[dict[str, Any]]]:
    """:func:`score_rows` as three lists: the totals, whether each unit is complete, and the scores.

    Works column by column (``run.column`` where a scorer has one), which is what makes
    recomputing a whole year cheap; the per-row steps (picking the values, summing, building the
    dictionaries) run as ``map`` over the rows, without Python code per value.
    """
    keys = [step.key for step in plan]
    runs = [getattr(run, "column", None) or (lambda xs, run=run: [_rounded(run(x)) for x in xs])
            for _, _, _, run in plan]
    columns = [column(raw) for column, raw in zip(runs, _value_columns(keys, values))]
    rows = list(zip(*columns))
    summed, complete = rows, [True] * len(rows)
    for i in _with_status(columns):
        if summed is rows:
            summed = rows.copy()
        summed[i], complete[i] = [x for x in rows[i] if not isinstance(x, str)], False
    totals = list(map(round, map(sum, summed), repeat(2)))
    return totals, complete, list(map(dict, map(zip, repeat(keys), rows)))


def _value_columns(keys: list[str], values: list[Mapping[str, Any]]) -> list[Sequence]:
    """The raw values of each key, one sequence per key (``None`` where a unit has none)."""
    if len(keys) < 2:  # itemgetter of one key gives the value, not a tuple
        return [[v.get(key) for v in values] for key in keys]
    pick, picked = itemgetter(*keys), []
    append = picked.append
    for v in values:
        try:
            append(pick(v))
        except (KeyError, TypeError):  # a value left out (or not a mapping: .get says so)
            append(tuple(map(v.get, keys)))
    return list(zip(*picked)) if picked else [[] for _ in keys]


def _with_status(columns: list[Sequence]) -> set[int]:
    """Rows with a status among their scores (incomplete ones)."""
    rows: set[int] = set()
    for column in columns:
        try:
            sum(column)  # numbers only (added up in C, no Python code per value); a status stops it
        except TypeError:
            rows.update(compress(range(len(column)), map(isinstance, column, repeat(str))))
    return rows


# ---------------------------------------------------------------- results --


@dataclass
class IndicatorResult:
    number: int
    name: str
    weight: float
    kind: str
    status: str
    value: Any = None
    score: float | None = None
    inputs: dict = field(default_factory=dict)
    name_en: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "name": self.name, "name_en": self.name_en, "weight": self.weight,
                "kind": self.kind, "value": self.value, "score": self.score, "status": self.status, "inputs": self.inputs}


@dataclass
class UnitResult:
    indicator_set: str
    indicators: list[IndicatorResult]

    @property
    def total(self) -> float:
        """Sum of the scored indicators (out of 100), as :func:`score_rows` stores it; see :attr:`complete`."""
        return round(sum(r.score for r in self.indicators if r.score is not None), 2)

    @property
    def complete(self) -> bool:
        return all(r.status == Status.SCORED for r in self.indicators)

    def to_dict(self) -> dict[str, Any]:
        return {"indicator_set": self.indicator_set, "total": self.total, "complete": self.complete,
                "indicators": [r.to_dict() for r in self.indicators]}


def score_unit(iset: IndicatorSet, values: Mapping[Any, Any],
               references: Mapping[int, Reference] | None = None) -> UnitResult:
    """Score one unit, with the inputs each indicator used.

    :param values: raw values keyed by indicator number (``int`` or ``str``); qualitative
        indicators take ``True``/``False`` or a reviewer's partial score.
    :param references: reference values by indicator number (table-printed ones win).
    :raises ScoringInputError: an unknown indicator number or a malformed value; ``field``
        names it (``values.3``).
    """
    check_keys(iset, values, "values")
    values = {str(k): v for k, v in values.items()}
    results = []
    for step in compile_plan(iset, references or {}):
        raw = values.get(step.key)
        score = step.run(raw)
        scored = not isinstance(score, Status)
        explain = getattr(step.run, "explain", None)
        inputs = dict(explain(raw)) if explain is not None else {}
        if step.reference is not None and step.indicator.kind in (IndicatorKind.POSITIVE, IndicatorKind.REVERSE):
            ref = step.reference
            inputs.update(leading=ref.leading, baseline=ref.baseline, reference_source=ref.source)
            if ref.year is not None:
                inputs["reference_year"] = ref.year
        ind = step.indicator
        results.append(IndicatorResult(
            number=ind.number, name=ind.name, name_en=ind.name_en, weight=ind.weight, kind=str(ind.kind),
            status=str(Status.SCORED if scored else score), value=raw,
            score=round(score, DIGITS) if scored else None, inputs=inputs))
    return UnitResult(indicator_set=iset.code, indicators=results)
