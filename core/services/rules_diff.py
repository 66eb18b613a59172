"""What changed between the rules two rounds apply (issue 43, issue 53): two years of the region, two rounds (a
round opened from its notice against another), or the region against the national rules of a year.

Each side is listed by the one resolver the services apply (:func:`core.services.rules_export.rule_rows`, through
:mod:`core.plugins.applied`), so what the comparison shows is what the rounds apply. A rule is the same rule on both
sides when its identity is: its kind and its key without the side's year (``evaluation_modes factory/national/2024``
and ``…/2025`` are one rule, :func:`identity`). Each rule is then one row: *added* (only the second side applies
it), *removed* (only the first), *changed* (its value or its source differs: both values and both sources are
shown, :mod:`core.services.rules_diff_rows`), or *status* only (the same value from the same source, but it applies
otherwise: in force one year, carried from an expired document the next), listed apart. Texts a listing fills with
its year (a form's "2023年度…" label, a summary table's title, a deadline's year) are compared relative to it.

A year's rounds opened from a notice (:class:`~core.plugins.applied.RoundNotice`): comparing years ``Y-1 → Y``
also lists, per such round of Y, each rule its notice sets against Y-1, with the notice's 文号.

``greenmfg rules diff`` and the rules page's comparison (``/rules/diff``) print the same rows
(:func:`core.services.rules_diff_rows.diff_rows`).

A side is written ``2026`` (the region's rules a round of 2026 applies), ``national@2025`` (another installed
region's, the national rules above all), or ``round:12`` (the round with id 12, with what its notice sets).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from core.errors import InvalidInput, NotFound
from core.kernel.names import local_name
from core.kernel.rules import region_rules

#: what a listing adds to a rule's value to explain it (not the rule itself): compared neither as value nor status
NOTES = ("reused", "inferences", "notice")
#: what a listing fills for its year (core.services.rules_export.rule_rows): the texts of these kinds, and the
#: deadline's day in the year; compared relative to the listing's year, every other value as written
_FILLED_KINDS = ("summary_layout", "form_field")
_FILLED_FIELDS = ("date_in_year",)
_SPEC = re.compile(r"^(?:(?P<round>round:(?P<id>\d{1,9}))|(?:(?P<region>[a-z][a-z0-9_]{1,39})@)?(?P<year>\d{4}))$")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


@dataclass(frozen=True)
class Side:
    """One side of a comparison: what it is (``spec``), how people read it (``label``), its rule rows, the rules
    they come from, the notice of a round's side, and, for a year of the region, the year's rounds opened from a
    notice (``(id, title, notice)``)."""

    spec: str
    label: str
    region: str
    year: int
    rows: list[dict[str, Any]]
    rules: Any = field(default=None, compare=False, repr=False)
    notice: Any = None
    notices: tuple = ()


def side(spec: str) -> Side:
    """The rules ``spec`` names (see the module); :class:`InvalidInput` for a spec no side has, in both languages."""
    from sqlalchemy import select

    from core.extensions import db
    from core.models import Campaign
    from core.plugins.applied import RoundNotice
    from core.services.rules_export import rule_rows

    found = _SPEC.match((spec or "").strip())
    if not found or not 2000 <= int(found["year"] or 2000) <= 2100:
        raise InvalidInput("Name a side as a year (2026), a region and a year (national@2025) or a round "
                           "(round:12).", field="side")
    here = region_rules()
    if found["round"]:
        from core.kernel.records import get_record

        campaign = get_record(Campaign, found["id"])
        if campaign is None or campaign.region != here.region_code:
            raise NotFound("No such campaign.")
        notice = RoundNotice.of(campaign)
        label = campaign.title + (f"（{notice.label}）" if notice else "")
        return Side(spec, label, here.region_code, campaign.year, rule_rows(here, campaign.year, notice), here, notice)
    year, region = int(found["year"]), found["region"] or here.region_code
    rules = here if region == here.region_code else _other_region(region, year)
    notices: tuple = ()
    if rules is here:  # the year's rounds opened from a notice (what each notice sets is compared too)
        notices = tuple((c.id, c.title, RoundNotice.of(c)) for c in db.session.scalars(
            select(Campaign).where(Campaign.region == here.region_code, Campaign.year == year,
                                   Campaign.notice_no.is_not(None)).order_by(Campaign.id)))
    return Side(spec, f"{local_name(rules.region)} {year}", region, year, rule_rows(rules, year), rules, None, notices)


def _other_region(code: str, year: int) -> Any:
    """Another installed region's rules (kept for the app: building them reads every plugin)."""
    from core.plugins.errors import UnknownRegion
    from core.plugins.manager import build_plugin_manager
    from core.plugins.rules import RegionRules

    kept = current_app.extensions.setdefault("greenmfg_other_regions", {})
    if code not in kept:
        try:
            rules = RegionRules(build_plugin_manager(code))
            rules.validate(year)
        except UnknownRegion:
            raise InvalidInput("No region %(region)s is installed on this instance.", field="side",
                               region=code) from None
        kept[code] = rules
    return kept[code]


def identity(row: dict[str, Any], year: int) -> tuple[str, str]:
    """What makes a rule the same rule in another year: its kind and its key without the listing's year (the
    policies a listing derives for its year are keyed ``factory/national/2025``, a quota ``<city>/factory/2025``)."""
    return row["kind"], "/".join(part for part in row["key"].split("/") if part != str(year))


def _relative(value: Any, year: int) -> Any:
    """``value`` with each year near ``year`` written relative to it (2024 in a 2025 listing: ``{Y-1}``), so texts
    a listing fills for its year compare equal across years."""
    if isinstance(value, str):
        return _YEAR.sub(lambda m: f"{{Y{int(m[0]) - year:+d}}}" if abs(int(m[0]) - year) <= 3 else m[0], value)
    if isinstance(value, dict):
        return {k: _relative(v, year) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_relative(v, year) for v in value]
    return value


def _value(row: dict[str, Any], year: int) -> dict[str, Any]:
    value = {"applied": True, **{k: v for k, v in row["value"].items() if k not in NOTES}}
    filled = row["kind"] in _FILLED_KINDS
    return {k: _relative(v, year) if filled or k in _FILLED_FIELDS else v for k, v in value.items()}


def changed_fields(before: dict[str, Any], after: dict[str, Any], year_a: int, year_b: int) -> list[str]:
    """The fields of a rule's value that differ between the two sides (``label`` and its ``label_en`` apart)."""
    a, b = _value(before, year_a), _value(after, year_b)
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def _rows_compared(a_rows: list, b_rows: list, year_a: int, year_b: int) -> dict[str, list]:
    left = {identity(r, year_a): r for r in a_rows}
    right = {identity(r, year_b): r for r in b_rows}
    changed, status = [], []
    for key in left.keys() & right.keys():
        before, after = left[key], right[key]
        fields = changed_fields(before, after, year_a, year_b)
        change = {"kind": key[0], "key": key[1], "fields": fields, "a": before, "b": after}
        if fields or (before["source"], before["cite"]) != (after["source"], after["cite"]):
            changed.append(change)
        elif before["applied_as"] != after["applied_as"]:
            status.append(change)
    order = lambda row: (row["kind"], row["key"])  # noqa: E731
    return {"added": sorted(({**right[k], "key": k[1]} for k in right.keys() - left.keys()), key=order),
            "removed": sorted(({**left[k], "key": k[1]} for k in left.keys() - right.keys()), key=order),
            "changed": sorted(changed, key=order), "status": sorted(status, key=order)}


def compare(a: Side, b: Side) -> dict[str, Any]:
    """The rules only ``b`` applies (added), only ``a`` (removed), those both apply with another value or from
    another source (changed, with the fields that differ and both rows), and those that differ only in how they
    apply (status); each rule once, by its :func:`identity`. With ``b`` a year whose rounds were opened from a
    notice, ``notices`` lists per round what its notice sets, against ``a``."""
    from core.services.rules_export import rule_rows

    found: dict[str, Any] = {"a": _about(a), "b": _about(b),
                             **_rows_compared(a.rows, b.rows, a.year, b.year), "notices": []}
    for campaign_id, title, notice in b.notices:
        rows = rule_rows(b.rules, b.year, notice)
        by_notice = _rows_compared(a.rows, [r for r in rows if r["applied_as"] == "notice"], a.year, b.year)
        found["notices"].append({"round": {"id": campaign_id, "title": title},
                                 "notice": {"number": notice.number, "label": notice.label, "set": notice},
                                 "added": by_notice["added"], "changed": by_notice["changed"] + by_notice["status"]})
    return found


def _about(s: Side) -> dict[str, Any]:
    return {"spec": s.spec, "label": s.label, "year": s.year, "region": s.region,
            "notice": s.notice.number if s.notice is not None else None, "set": s.notice, "rules": s.rules}
