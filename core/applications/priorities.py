"""Priorities (优先推荐) of an application: the region's :class:`~core.plugins.types.Priority` records
evaluated on the application's data. A priority flags the application and ranks it ahead of the others
in the city's list and on the province's review and recommendation pages; it never refuses one and is never
a warning to acknowledge.

Each result has the shape of an eligibility result (kind ``priority``, never blocking): ``ok`` True when
the application has the priority, False when it has not, None when it claims it and a reviewer judges
the claim; ``message`` names the evidence the claim rests on.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from flask import current_app

from core.applications.fields import fields_for, for_year, is_upload
from core.i18n import bilingual_text, both
from core.kernel.clock import today
from core.kernel.rules import region_rules
from core.models import Application
from core.plugins.types import Level


def N_(msgid: str) -> str:
    """Mark a message for extraction (translated by :func:`bilingual_text`)."""
    return msgid


def _evidence(application: Application, codes: Sequence[str]) -> str | None:
    """The evidence fields of a claim as people read them: ``label：value`` (an upload: uploaded)."""
    if not codes:
        return None
    rules = region_rules()
    # the form's own labels, in Chinese on any page: the text is kept in both languages with the result
    ffs = {f.code: for_year(f, application.campaign.year)
           for f in fields_for(rules, application.unit_type, application.level)}
    stored = application.extension_data or {}
    parts = []
    for code in codes:
        value, ff = stored.get(code), ffs.get(code)
        if value in (None, "", [], False):
            shown = bilingual_text(N_("not given"))
        elif ff is not None and is_upload(ff):
            shown = bilingual_text(N_("uploaded"))
        elif value is True:
            shown = bilingual_text(N_("yes"))
        else:
            shown = str(value)
        parts.append(f"{ff.label if ff is not None else code}：{shown}")
    return "；".join(parts)


def evaluate(application: Application, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The region's priorities for ``application`` (its unit type, level and round), evaluated on ``data``
    (:func:`core.applications.eligibility.rule_data`)."""
    rules = region_rules()
    out = []
    for p in rules.priorities_for(application.unit_type, Level(application.level), application.campaign.year):
        has: bool | None = None
        if p.check is not None:
            try:
                has = p.check(data)
            except Exception:  # a plugin bug must not break the page; the reviewer judges
                current_app.logger.exception("priority %s failed", p.code)
                has = None
        evidence = _evidence(application, p.evidence)
        if has is None:
            message = bilingual_text(N_("claimed: the reviewer judges it from the evidence"))
            message = f"{message}（{evidence}）" if evidence else message
        else:
            message = evidence
        out.append({"kind": "priority", "code": p.code, "title": both(p.title, p.title_en), "source": p.source,
                    "cite": p.cite, "blocking": False, "stage": "recommend", "ok": None if has is None else bool(has),
                    "message": message, "levels": [str(application.level)]})
    return out


def weight(results: Sequence[Mapping[str, Any]]) -> int:
    """How many priorities an application has or claims (the ranking key: more first)."""
    return sum(1 for r in results if r["kind"] == "priority" and r["ok"] is not False)


def flags(applications: Sequence[Application], as_of: dt.date | None = None) -> dict[int, list[dict[str, Any]]]:
    """The priorities each application has or claims (its results with ``ok`` not False), by application id;
    an application without any is left out."""
    rules = region_rules()
    if not rules.priorities:
        return {}
    from core.applications.eligibility import rule_data

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
