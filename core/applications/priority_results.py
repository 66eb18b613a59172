"""The region's priorities (优先推荐) evaluated on an application's data: the :class:`~core.plugins.types.Priority`
records of its unit type, level and round, each an eligibility-shaped result (kind ``priority``, never blocking):
``ok`` True when the application has the priority, False when it has not, None when it claims it and a reviewer
judges the claim; ``message`` names the evidence the claim rests on. :mod:`core.applications.eligibility` adds
them to an application's results; :mod:`core.applications.priorities` ranks by them.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import current_app

from core.applications.fields import fields_for, for_year, is_upload
from core.i18n import bilingual_text, both
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
