"""What applies to a round of year Y in the running region (issue 43): the one resolver.

The services ask :class:`~core.plugins.rules.RegionRules` for what a round uses (its conditions, negative list,
priorities, deadlines, industries, indicator tables, summary layouts, quotas, …); :func:`applied_rules` asks the
very same lookups, for every unit type and level of the region, and answers each rule with how it stands in Y:

* ``in_force``: a document it cites is in force in Y;
* ``carried``: every document it cites has expired: the platform carries the rule on, from that document (named);
* ``ahead``: every document it cites was issued after Y: the platform applies it before its issue, from that
  document (named);
* ``default``: no document: a platform default or this instance's setting (the record's ``cite`` says which).

``greenmfg rules``, the rules page and ``GET /api/v1/rules`` list exactly these rules (:mod:`core.services.
rules_export`); nothing a round applies is hidden because its document expired.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from core.plugins.types import Document, Level, Record

#: :class:`core.plugins.rules.RegionRules`, which imports this module (so this one cannot import it back)
RegionRules = Any

IN_FORCE, CARRIED, AHEAD, DEFAULT = "in_force", "carried", "ahead", "default"


@dataclass(frozen=True)
class Applied:
    """One rule a round of ``year`` applies, with where it stands (``standing``) and the documents it comes from."""

    kind: str
    key: str
    record: Record
    standing: str
    documents: tuple[Document, ...]
    #: for a carried or ahead rule: "carried from 《…》（…）" in Chinese and English; else ""
    note: str = ""


def _round_records(rules: RegionRules, year: int) -> Iterator[tuple[str, str, Record]]:
    """The registry records a round of ``year`` uses, through the lookups the services call."""
    yield "region", rules.region.code, rules.region
    for kind, registry in (("list_level", rules.list_levels), ("unit_type", rules.unit_types),
                           ("admin_unit", rules.admin_units), ("sanction", rules.sanctions),
                           ("provision", rules.provisions), ("evaluator_requirement", rules.evaluator_requirements),
                           ("shared_evaluator_cap", rules.shared_evaluator_caps)):
        for code, record in registry.items():
            yield kind, code, record
    combos = [(ut, level) for ut in rules.unit_types for level in Level]
    for kind, lookup in (("form_field", lambda ut, lv: rules.form_fields_for(ut, lv)),
                         ("negative_list_item", lambda ut, lv: rules.negative_list_for(ut, lv, year)),
                         ("eligibility_rule", lambda ut, lv: rules.eligibility_rules_for(ut, lv, year)),
                         ("priority", lambda ut, lv: rules.priorities_for(ut, lv, year))):
        used = {r.code: r for ut, lv in combos for r in lookup(ut, lv)}
        yield from ((kind, code, used[code]) for code in sorted(used))
    offered = {code: ind for ut in rules.unit_types for code, ind in rules.round_industries(ut, year).items()}
    yield from (("industry", code, offered[code]) for code in rules.industries if code in offered)
    for _, deadline in rules.deadlines_for(year):
        yield "deadline", deadline.code, deadline
    sets = {s.code: s for s in (rules.indicator_set(ut, year) for ut in rules.unit_types) if s is not None}
    yield from (("indicator_set", code, sets[code]) for code in sorted(sets))
    layouts = {lay.code: lay for lay in (rules.summary_layout_for(Level(lv), year)[0] for lv in rules.list_levels)
               if lay is not None}
    yield from (("summary_layout", code, layouts[code]) for code in sorted(layouts))


def _policies(rules: RegionRules, year: int) -> Iterator[tuple[str, str, Record]]:
    """The single-answer rules a round of ``year`` applies, once per combination of their arguments."""
    for ut in rules.unit_types:
        for level in Level:
            yield "evaluator_cap", f"{ut}/{level}", rules.evaluator_cap(ut, level)
            yield "grading", f"{ut}/{level}", rules.grading(ut, level)
            yield "evaluation_modes", f"{ut}/{level}/{year}", rules.evaluation_modes(ut, level, year)
            yield "joint_round", f"{ut}/{level}/{year}", rules.joint_round(level, year, ut)
            yield "correction", f"{ut}/{level}/{year}", rules.correction(level, year, ut)
        for unit in rules.admin_units:
            yield "quota", f"{unit}/{ut}/{year}", rules.quota(unit, ut, year)
    for level in Level:
        period = rules.applied_notice_period(level, year)
        if period is not None:
            yield "notice_period", str(level), period
        yield "publication", f"{level}/{year}", rules.publication(level, year)
        yield "consulted_departments", f"{level}/{year}", rules.consulted_departments(level, year)
        for ut in rules.unit_types:
            yield "review_panel", f"{ut}/{level}/{year}", rules.applied_review_panel(level, year, ut)
    yield "green_code_bands", str(year), rules.green_code_bands(year)
    yield "evaluator_ban", "evaluator", rules.evaluator_ban()
    for ut in rules.unit_types:
        yield "average_gate", f"{ut}/{year}", rules.average_gate(year, ut)
        yield "filing_figures", f"{ut}/{year}", rules.filing_figures(year, ut)


def round_rules(rules: RegionRules, year: int) -> Iterator[tuple[str, str, Record]]:
    """``(kind, key, record)`` of every rule a round of ``year`` applies (what the services consult)."""
    yield from _round_records(rules, year)
    yield from _policies(rules, year)


def standing(documents: list[Document], year: int) -> tuple[str, str]:
    """How a rule citing ``documents`` stands in ``year``, and what to say about it when carried or ahead."""
    if not documents:
        return DEFAULT, ""
    if any(d.in_force_in(year) for d in documents):
        return IN_FORCE, ""
    expired = [d for d in documents if d.valid_to is not None and d.valid_to.year < year]
    if expired:
        doc = max(expired, key=lambda d: d.valid_to)
        return CARRIED, (f"{year}年沿用{doc.label}的规定（该文件有效期至{doc.valid_to.isoformat()}） / carried into {year} "
                         f"from {doc.label}, in force until {doc.valid_to.isoformat()}")
    doc = min(documents, key=lambda d: d.starts)
    return AHEAD, (f"{year}年按{doc.label}的规定（该文件自{doc.starts.isoformat()}起施行） / applied in {year} from "
                   f"{doc.label}, in force from {doc.starts.isoformat()}")


def applied_rules(rules: RegionRules, year: int) -> list[Applied]:
    """Every rule a round of ``year`` applies, with where it stands (module docstring)."""
    out = []
    for kind, key, record in round_rules(rules, year):
        documents = [] if kind == "region" else rules.cited_documents(record.cite)
        how, note = standing(documents, year)
        out.append(Applied(kind, key, record, how, tuple(documents), note))
    return out


def applied_keys(rules: RegionRules, year: int) -> set[tuple[str, str]]:
    """``(kind, key)`` of every rule a round of ``year`` applies."""
    return {(kind, key) for kind, key, _ in round_rules(rules, year)}


__all__ = ["AHEAD", "Applied", "CARRIED", "DEFAULT", "IN_FORCE", "applied_keys", "applied_rules", "round_rules",
           "standing"]
