"""Priorities (优先推荐) of an application: a priority flags the application and ranks it ahead of the others
in the city's list and on the province's review and recommendation pages; it never refuses one and is never
a warning to acknowledge. Each is evaluated on the application's data by
:mod:`core.applications.priority_results`, with the eligibility results (:mod:`core.applications.eligibility`).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from core.applications.eligibility import rule_data
from core.applications.priority_results import evaluate
from core.clock import today
from core.kernel.rules import region_rules
from core.models import Application
from core.plugins.types import Level


def weight(results: Sequence[Mapping[str, Any]]) -> int:
    """How many priorities an application has or claims (the ranking key: more first)."""
    return sum(1 for r in results if r["kind"] == "priority" and r["ok"] is not False)


def flags(applications: Sequence[Application], as_of: dt.date | None = None) -> dict[int, list[dict[str, Any]]]:
    """The priorities each application has or claims (its results with ``ok`` not False), by application id;
    an application without any is left out."""
    rules = region_rules()
    if not rules.priorities:
        return {}
    as_of = as_of or today()
    out = {}
    for a in applications:
        if rules.priorities_for(a.unit_type, Level(a.level), a.campaign.year):
            held = [r for r in evaluate(a, rule_data(a, as_of)) if r["ok"] is not False]
            if held:
                out[a.id] = held
    return out


def rank(applications: Sequence[Application], as_of: dt.date | None = None,
         flagged: Mapping[int, Sequence[Mapping[str, Any]]] | None = None) -> list[Application]:
    """``applications`` (already in their order, e.g. by score) with those having or claiming more
    priorities first; the order is otherwise kept. ``flagged``: :func:`flags` of them, when already known."""
    flagged = flags(applications, as_of) if flagged is None else flagged
    return sorted(applications, key=lambda a: -weight(flagged.get(a.id, ())))
