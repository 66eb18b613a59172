"""What changed between the rules two rounds apply (issue 43): two years of the region, two rounds (a round opened
from its notice against another), or the region against the national rules of a year.

Each side is listed by the one resolver the services apply (:func:`core.services.rules_export.rule_rows`, through
:mod:`core.plugins.applied`), so what the comparison shows is what the rounds apply. A rule is the same rule on both
sides when its kind and key are; it is *changed* when its value, its source, its citation or the way it applies
(in force, carried from an expired document, set by a notice) differ. ``greenmfg rules diff`` and the rules page's
comparison (``/rules/diff``) print the same answer.

A side is written ``2026`` (the region's rules a round of 2026 applies), ``national@2025`` (another installed
region's, the national rules above all), or ``round:12`` (the round with id 12, with what its notice sets).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from core.errors import InvalidInput, NotFound
from core.kernel.names import local_name
from core.kernel.rules import region_rules

#: what a rule's comparison looks at besides its value
COMPARED = ("source", "cite", "applied_as")
#: values a listing derives for its year, compared without the year (07-31 of 2024 and of 2026 are one rule)
_YEARLESS = ("date_in_year",)
#: fields of a rule's value as people name them; another field is "another value"
FIELD_NAMES = {"limit": _l("Limit"), "days": _l("Days"), "count": _l("Counted in"), "basis": _l("Counted per"),
               "date_in_year": _l("Date"), "month_day": _l("Date"), "rounds": _l("Dates of particular rounds"),
               "title": _l("Title"), "name": _l("Name"), "label": _l("Label"), "choices": _l("Choices"),
               "levels": _l("Levels"), "binding": _l("Binding"), "applied": _l("Applied"),
               "notice": _l("Set by the notice"), "required": _l("Required"), "tiers": _l("Tiers"),
               "source": _l("Source"), "cite": _l("Citation"), "applied_as": _l("How it applies"),
               "counted_together": _l("Levels counted together"), "period": _l("Years")}
#: how a rule applies, as people read it
APPLIED_AS = {"in_force": _l("in force"), "carried": _l("carried from an expired document"),
              "ahead": _l("applied ahead of its document"), "default": _l("platform default or this instance's setting"),
              "notice": _l("set by the round's notice")}
_SPEC = re.compile(r"^(?:(?P<round>round:(?P<id>\d{1,9}))|(?:(?P<region>[a-z][a-z0-9_]{1,39})@)?(?P<year>\d{4}))$")


@dataclass(frozen=True)
class Side:
    """One side of a comparison: what it is (``spec``), how people read it (``label``) and its rule rows."""

    spec: str
    label: str
    region: str
    year: int
    rows: list[dict[str, Any]]


def side(spec: str) -> Side:
    """The rules ``spec`` names (see the module); :class:`InvalidInput` for a spec no side has, in both languages."""
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
        return Side(spec, label, here.region_code, campaign.year, rule_rows(here, campaign.year, notice))
    year, region = int(found["year"]), found["region"] or here.region_code
    rules = here if region == here.region_code else _other_region(region, year)
    return Side(spec, f"{local_name(rules.region)} {year}", region, year, rule_rows(rules, year))


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


def _compared(row: dict[str, Any]) -> dict[str, Any]:
    value = {k: v for k, v in row["value"].items() if k not in ("reused", "inferences")}
    for name in _YEARLESS:
        if isinstance(value.get(name), str):
            value[name] = value[name][5:]  # MM-DD
    return {**value, **{k: row[k] for k in COMPARED}}


def compare(a: Side, b: Side) -> dict[str, Any]:
    """The rules only ``b`` applies (added), only ``a`` (removed), and those both apply differently (changed, with
    the fields that differ and both rows), each with its source and citation."""
    left = {(r["kind"], r["key"]): r for r in a.rows}
    right = {(r["kind"], r["key"]): r for r in b.rows}
    changed = []
    for key in left.keys() & right.keys():
        before, after = _compared(left[key]), _compared(right[key])
        fields = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        if fields:
            changed.append({"kind": key[0], "key": key[1], "fields": fields, "a": left[key], "b": right[key]})
    order = lambda row: (row["kind"], row["key"])  # noqa: E731
    return {"a": {"spec": a.spec, "label": a.label, "year": a.year, "region": a.region},
            "b": {"spec": b.spec, "label": b.label, "year": b.year, "region": b.region},
            "added": sorted((right[k] for k in right.keys() - left.keys()), key=order),
            "removed": sorted((left[k] for k in left.keys() - right.keys()), key=order),
            "changed": sorted(changed, key=order)}


def field_name(field: str) -> str:
    """A compared field as people name it."""
    return str(FIELD_NAMES.get(field, _l("Another value")))


#: fields whose values read as they are (texts, numbers, dates); another field's change is said, not shown
READABLE = {"limit", "days", "date_in_year", "month_day", "title", "name", "label", "choices", "cite", "notice",
            "required", "binding", "applied", "applied_as", "source", "period"}


def shown_fields(change: dict[str, Any]) -> list[str]:
    """The changed fields as a page names them: an English twin (``label_en``) folds into its field."""
    return sorted({f.removesuffix("_en") for f in change["fields"]})


def shown(row: dict[str, Any], field: str) -> str:
    """A field's value as a page shows it, in the page's language (a field's English twin on English pages); a
    value that does not read as text (a table's layout, codes) is said to have changed."""
    from core.i18n import english, local_text
    from core.kernel.rules import source_name

    if field not in READABLE:
        return str(_l("changed (see the rules of each side)"))
    value = row.get(field) if field in COMPARED else local_text(row["value"].get(field),
                                                                 row["value"].get(f"{field}_en"))
    if field == "applied_as":
        value = str(APPLIED_AS.get(value, value))
    elif field == "source":
        value = source_name(value)
    elif field == "cite" and english() and row["value"].get("cite_en"):
        value = row["value"]["cite_en"]
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if isinstance(value, (list, tuple)):
        value = "、".join(str(v) for v in value)
    elif isinstance(value, dict):
        return str(_l("changed (see the rules of each side)"))
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 160 else text[:159] + "…"
