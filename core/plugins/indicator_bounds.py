"""The bounds of an indicator's value, from its unit in the indicator table (issue 55): one declaration that the
web forms (:func:`core.formfields.indicator_fields`), the JSON API and every save (:func:`check_values`, called by
the application and filing services) and the filings import (:mod:`core.scoring.filings`) all use. It reads the
:class:`~core.plugins.types.Indicator` a plugin declares, so it sits with the plugin contract, under every layer
that checks a value.

Source: 001_3f04a56fc6693327.txt 附件1 and 附件2 give each quantitative indicator's unit:

* a share in ``%`` (``percent``): 0 to 100, as the unit says (the table's own bound);
* the platform functions counted in 项 (附件1 第4项 lists twelve): a whole number from 0 to their number;
* a growth rate in ``%`` that is no share (附件2 第1项): not below −100 % (nothing shrinks by more than all of
  it); above, a platform ceiling;
* an intensity or a productivity (tce/万元, m3/产品单位, 万元/tce …): not negative; a platform ceiling;
* an elasticity coefficient (附件2 第15、17项): its growth rates as above, the coefficient within a platform
  range.

The tables print no ceiling for any of these: where the bound is the platform's, the refusal says so ("platform
default"), so nobody takes it for the ministry's. A ceiling stops a slip of the keyboard (10^12 typed for 12),
never a real value: the largest is far above any unit's figure.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from core.errors import InvalidInput
from core.plugins.types import Indicator, IndicatorKind, IndicatorSet

#: the platform's ceiling of an intensity or a productivity (no table prints one): far above any real figure
INTENSITY_CEILING = 1_000_000.0
#: the platform's ceiling of a growth rate in % (ten-fold growth in a year)
GROWTH_CEILING = 1_000.0
#: the platform's range of an elasticity coefficient
ELASTICITY_RANGE = 1_000.0



@dataclass(frozen=True)
class Bound:
    """The values an input of an indicator takes: ``low`` to ``high``, whole numbers only when ``whole``;
    ``stated`` when the indicator table itself gives the bound (its unit), else it is the platform's."""

    low: float
    high: float
    unit: str = ""
    whole: bool = False
    stated: bool = False

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high and (not self.whole or float(value).is_integer())


def bounds_of(ind: Indicator, iset: IndicatorSet) -> dict[str, Bound]:
    """The bound of each input of ``ind``: ``{"": bound}`` for a single number, one per part of an elasticity
    (``elasticity``, ``emission_growth``, ``value_added_growth``); ``{}`` for a qualitative indicator."""
    if ind.kind == IndicatorKind.QUALITATIVE:
        return {}
    growth = Bound(-100.0, GROWTH_CEILING, "%")
    if ind.kind == IndicatorKind.ELASTICITY:
        return {"elasticity": Bound(-ELASTICITY_RANGE, ELASTICITY_RANGE), "emission_growth": growth,
                "value_added_growth": growth}
    functions = iset.params.get("platform_functions") if ind.unit == "项" else None
    if functions:
        return {"": Bound(0.0, float(len(functions)), ind.unit, whole=True, stated=True)}
    if ind.percent:
        return {"": Bound(0.0, 100.0, "%", stated=True)}
    if ind.unit == "%":
        return {"": growth}
    return {"": Bound(0.0, INTENSITY_CEILING, ind.unit)}


def check_value(ind: Indicator, iset: IndicatorSet, value: Any, field: str) -> None:
    """Refuse a value of ``ind`` outside its bound (:func:`bounds_of`), naming the bound and where it comes from.
    What is no number is left to the scoring engine, which names it; a list of products is checked product by
    product."""
    bounds = bounds_of(ind, iset)
    if not bounds:
        return
    if isinstance(value, dict) and "" not in bounds:
        for part, bound in bounds.items():
            _check(ind, iset, bound, value.get(part), f"{field}.{part}")
    elif isinstance(value, list) and "" in bounds and value and isinstance(value[0], dict):
        for i, product in enumerate(value):
            if isinstance(product, dict):
                _check(ind, iset, bounds[""], product.get("value"), f"{field}[{i}].value")
    elif "" in bounds:
        _check(ind, iset, bounds[""], value, field)


def check_values(iset: IndicatorSet | None, values: Any, prefix: str = "values") -> None:
    """:func:`check_value` for each value given (keyed by table number); unknown numbers are left to the engine."""
    if iset is None or not hasattr(values, "items"):
        return
    by_number = {str(i.number): i for i in iset.indicators}
    for key, value in values.items():
        ind = by_number.get(str(key))
        if ind is not None and value is not None and value != "":
            check_value(ind, iset, value, f"{prefix}.{key}")


def _check(ind: Indicator, iset: IndicatorSet, bound: Bound, value: Any, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return  # not a number: the engine's "a number is required"
    if bound.holds(value):
        return
    params = {"value": _shown(value), "indicator": _named(ind), "unit": _unit(ind, bound)}
    if bound.low <= value <= bound.high:
        raise InvalidInput("%(field)s: indicator %(indicator)s takes a whole number: %(value)s is not one", field=field, **params)
    raise InvalidInput("%(field)s: %(value)s is outside the bound of indicator %(indicator)s: from %(low)s to "
                            "%(high)s%(unit)s (%(source)s)", field=field, low=_shown(bound.low),
                            high=_shown(bound.high), source=_source(bound, iset), **params)


def refusal(ind: Indicator, iset: IndicatorSet, part: str, value: Any) -> str | None:
    """The message :func:`check_value` would refuse ``value`` of the input ``part`` with (``""`` for a single
    number), in the page's language, or ``None``: what a web form's field shows beside it."""
    bound = bounds_of(ind, iset).get(part)
    if bound is None:
        return None
    try:
        _check(ind, iset, bound, value, "")
    except InvalidInput as err:
        return err.localized().lstrip(":： ")  # beside the field: no field name before it
    return None


def _named(ind: Indicator) -> Any:
    from core.i18n import local_text

    return _Lazy(lambda: f"{ind.number}. {local_text(ind.name, ind.name_en)}", f"{ind.number}. {ind.name}")


def _unit(ind: Indicator, bound: Bound) -> Any:
    """The unit after a number, in the page's language (" %", " tce/10,000 yuan"), or nothing."""
    from core.i18n import local_text

    if ind.kind == IndicatorKind.ELASTICITY:
        return _Lazy(lambda: f" {bound.unit}" if bound.unit else "", f" {bound.unit}" if bound.unit else "")
    return _Lazy(lambda: f" {local_text(ind.unit, ind.unit_en)}" if ind.unit else "", f" {ind.unit or ''}".rstrip())


def _source(bound: Bound, iset: IndicatorSet) -> Any:
    """Where the bound comes from in the language the message is read in: the table's unit with the table by
    title and 文号, or the platform default."""
    from flask_babel import gettext

    def text() -> str:
        if not bound.stated:
            return gettext("platform default: the indicator table sets no bound")
        from core.plugins.citations import readable_cite

        return gettext("the unit %(unit)s in %(cite)s", unit=bound.unit, cite=readable_cite(iset.cite))

    return _Lazy(text, "platform default" if not bound.stated else f"{bound.unit}: {iset.cite}")


class _Lazy:
    """A message parameter made in the language the message is read in (an app's locale), else ``fallback``."""

    def __init__(self, make, fallback: str):
        self.make, self.fallback = make, fallback

    def __str__(self) -> str:
        from flask import has_app_context

        if not has_app_context():
            return self.fallback
        try:
            return str(self.make())
        except RuntimeError:  # no request: the catalogue's default locale
            return self.fallback

    def __repr__(self) -> str:
        return repr(str(self))


def _shown(x: float) -> str:
    """A number as people write it: 100 (not 100.0), 1e12 in full (1000000000000), 0.5."""
    if float(x).is_integer() and abs(x) < 1e16:
        return str(int(x))
    return f"{x:g}"
