"""Requests to score one unit: ``greenmfg score FILE.json`` and the application forms.

:func:`parse_request` checks the issue 3 input format and names the field at fault;
:func:`score_request` scores it with the engine (:mod:`core.scoring.engine`) and adds the
region's grade tier. :func:`normalise_industry` turns an industry name into its code.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.plugins.types import IndicatorKind, IndicatorSet, Level
from core.scoring import formulas as f
from core.scoring.engine import (
    GENERAL,
    Reference,
    check_keys,
    fixed_reference,
    score_unit,
)
from core.scoring.formulas import ScoringInputError


@dataclass
class Request:
    """A parsed ``greenmfg score`` input (see :func:`parse_request`)."""

    unit_type: str
    industry: str
    year: int
    level: str
    iset: IndicatorSet
    values: dict[str, Any]
    references: dict[int, Reference]


def _mapping(data: Mapping, key: str, required: bool = False) -> dict:
    value = data.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise ScoringInputError("%(field)s: an object keyed by indicator number is required", field=key)
    return value


def parse_request(data: Any, rules: Any) -> Request:
    """Check a request ``{"unit_type", "industry", "year", "values", "reference",
    "qualitative", "level"}``; keys of the mappings are MIIT table numbers as strings.

    ``level`` (default ``provincial``) picks the region's grading scheme for the tier.
    :raises ScoringInputError: naming the field at fault.
    """
    if not isinstance(data, dict):
        raise ScoringInputError("%(field)s: an object keyed by indicator number is required", field="$")
    unit_type = data.get("unit_type")
    if unit_type is None:
        raise ScoringInputError("%(field)s: is required", field="unit_type")
    if unit_type not in rules.unit_types:
        raise ScoringInputError("%(field)s: unknown unit type %(value)s", field="unit_type", value=unit_type)
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise ScoringInputError("%(field)s: a whole number is required", field="year")
    level = data.get("level", Level.PROVINCIAL)
    if level not in {str(lv) for lv in Level}:
        raise ScoringInputError("%(field)s: unknown list level %(value)s", field="level", value=level)
    iset = rules.indicator_set(unit_type, year)
    if iset is None:
        raise ScoringInputError("%(field)s: no indicator set for %(unit_type)s in %(year)s", field="year",
                                unit_type=unit_type, year=year)
    values = {str(k): v for k, v in _mapping(data, "values", required=True).items()}
    check_keys(iset, values, "values")
    kinds = {str(i.number): i for i in iset.indicators}
    for key, value in _mapping(data, "qualitative").items():
        check_keys(iset, {key: value}, "qualitative")
        if kinds[str(key)].kind != IndicatorKind.QUALITATIVE:
            raise ScoringInputError("%(field)s: indicator %(number)s is not qualitative",
                                    field=f"qualitative.{key}", number=key)
        values[str(key)] = value
    references = {}
    for key, pair in _mapping(data, "reference").items():
        check_keys(iset, {key: pair}, "reference")
        ind, here = kinds[str(key)], f"reference.{key}"
        if ind.kind not in (IndicatorKind.POSITIVE, IndicatorKind.REVERSE) or fixed_reference(ind):
            raise ScoringInputError("%(field)s: %(kind)s indicator %(number)s takes no reference value",
                                    field=here, kind=str(ind.kind), number=key)
        if not isinstance(pair, dict):
            raise ScoringInputError("%(field)s: a number is required", field=f"{here}.leading")
        ref = Reference(f.number(pair.get("leading"), f"{here}.leading"),
                        f.number(pair.get("baseline"), f"{here}.baseline"), source="request")
        if ind.percent:
            f.percent(ref.leading, f"{here}.leading")
            f.percent(ref.baseline, f"{here}.baseline")
        f.check_direction(ind.kind == IndicatorKind.POSITIVE, ref.leading, ref.baseline, here)
        references[ind.number] = ref
    industry = data.get("industry") or GENERAL
    industry = normalise_industry(rules, industry) or str(industry)
    return Request(unit_type=unit_type, industry=str(industry), year=year, level=str(level), iset=iset,
                   values=values, references=references)


def normalise_industry(rules: Any, value: Any) -> str | None:
    """An industry code from a code, a name (水泥 → building.01) or ``*``; ``None`` when unknown."""
    text = str(value or "").strip()
    if text == GENERAL or text in rules.industries:
        return text
    return next((code for code, ind in rules.industries.items() if ind.name == text), None)


def score_request(request: Request, rules: Any, book: Any = None) -> dict[str, Any]:
    """Score a parsed request: references from the request, else from ``book``
    (a :class:`~core.scoring.reference.ReferenceBook`); the tier only when complete."""
    stored = book.lookup(request.iset.code, request.industry, request.year) if book is not None else {}
    result = score_unit(request.iset, request.values, {**stored, **request.references})
    scheme = rules.grading(request.unit_type, Level(request.level))
    tier = scheme.tier_for(result.total) if result.complete else None
    out = {"unit_type": request.unit_type, "industry": request.industry, "year": request.year,
           **result.to_dict(), "tier": tier.code if tier else None}
    if scheme.tiers:
        out["grading"] = {"level": request.level, "source": scheme.source,
                          "tier_label": tier.label if tier else None,
                          "recommendable": tier.recommendable if tier else None}
    from core.services.rules_export import indicator_table_notes

    # the formulas the ministry has not published are the platform's: every score says so (issue 17)
    out["platform_defaults"], out["indicator_table"] = indicator_table_notes(rules, request.iset, request.year)
    return out
