"""Reading a filled summary table back: create or update the city's draft applications in bulk.

Every column of the layout is read. Per row and per field the report says what changes and whether it
is applied or refused, with the reason, in the user's language:

* the row is found by its 统一社会信用代码 and 创建类型 (a new code creates the organization, named by
  the row); ``seq`` is the row number and is ignored;
* columns an application's data feed (contact, industry, levels, plugin fields, cells of a plugin
  table such as Hunan's 2023 revenue, profit and tax) are applied to drafts and to new applications,
  checked by the same rules as the web form and the API (the plugins' marshmallow fields); a change
  to a submitted application is refused (only the city's return for correction reopens it);
* columns the platform keeps (city, third-party firm, score, grade, an existing organization's name)
  are refused when they differ, saying where they are changed.

All or nothing: the file is read and checked in memory; if any row is refused nothing is written and
the report lists every row. Otherwise the writes go in batches whatever the number of rows: one
SELECT for all the credit codes (with their applications and deadline extensions), one INSERT of
the new organizations and one of the new applications (each an executemany, or one COPY on
PostgreSQL; their ids read back with one SELECT), one UPDATE of the changed drafts (an executemany,
each checked against its version), one INSERT of the audit rows (:mod:`core.services.bulk_writes`), in the
audit log's hash chain (its lock, and one SELECT of the chain's tail with the rows' ids).
Drafts whose industry changes are scored again (the industry selects the reference values): their
indicator values are read with one more SELECT, only then. A row the same as its draft writes nothing.
The file is read by :func:`core.services.spreadsheets.read_xlsx` (python-calamine for a plain file, else streamed;
bounded, no DTD); the plugins' own marshmallow fields check the values.
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from flask import has_request_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from core.applications.summary_layout import (
    USCC_KEY,
    layout_for,
    text,
)
from core.errors import GreenmfgError, InvalidInput, NotFound
from core.extensions import db
from core.models import AdminUnit, Application, Campaign, Organization
from core.services import audit
from core.services.deadlines import check_step_open
from core.services.memory import collector_paused
from core.services.uscc import normalize_uscc
from core.applications.summary_checks import _Checker, _known, _Plan
from core.applications.summary_reading import MAX_BYTES, MAX_ROWS, _read  # noqa: F401  (summary.py's names)
from core.applications.summary_writing import _write

Progress = Callable[[int, int], None]

ACTIONS = {"created": _l("created"), "updated": _l("updated"), "unchanged": _l("unchanged"),
           "rejected": _l("rejected")}
FIELD_STATUS = {"applied": _l("applied"), "accepted": _l("accepted, not written"), "refused": _l("refused")}


# ----------------------------------------------------------------- import --


def import_summary(city_id: int, campaign_id: int, data: bytes, actor: str, *, progress: Progress | None = None,
                   locale: str | None = None) -> dict[str, Any]:
    """Create or update the city's draft applications from a filled table (all or nothing).

    :param progress: called with ``(rows checked, rows in all)``.
    :param locale: the language of the report (``zh``/``en``; default: the request's).
    :returns: ``{"ok", "layout", "layout_title", "rows": [...], "created", "updated", "unchanged",
        "rejected", "ignored_sheets"}``; each row ``{"sheet", "row", "uscc", "name", "action",
        "action_label", "reason", "fields": [{"column", "key", "old", "new", "status", "status_label",
        "reason"}]}``. When ``ok`` is False nothing was written. The caller commits.
    """
    city = db.session.get(AdminUnit, city_id)
    campaign = db.session.get(Campaign, campaign_id)
    if city is None or campaign is None:
        raise NotFound("No such campaign.")
    return import_xlsx(city, campaign, data, actor, progress=progress, locale=locale)


def import_xlsx(city: AdminUnit, campaign: Campaign, data: bytes, actor: str, *, progress: Progress | None = None,
                locale: str | None = None) -> dict[str, Any]:
    """:func:`import_summary` for loaded objects (the web page and the API)."""
    if locale is None and not has_request_context():
        locale = "zh"  # a background job: the platform's first language unless told
    with force_locale(locale) if locale else contextlib.nullcontext(), collector_paused():
        return _import(city, campaign, data, actor, progress)


def _import(city: AdminUnit, campaign: Campaign, data: bytes, actor: str, progress: Progress | None) -> dict[str, Any]:
    check_step_open(campaign, "city", admin_unit_id=city.id)  # issue 15: the city's deadline for the round
    choice = layout_for(campaign)
    lines, ignored = _read(data, choice, campaign, city)
    report: dict[str, Any] = {"ok": True, "layout": choice.code, "layout_title": choice.title, "rows": [],
                              "ignored_sheets": ignored, "created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    checker = _Checker(city, campaign, choice)
    plans: list[_Plan] = []
    raws = [text(line.cells.get(USCC_KEY)) for line in lines]
    checked: dict[str, str | GreenmfgError] = {}
    for raw in raws:
        if raw not in checked:
            try:
                checked[raw] = normalize_uscc(raw) if raw else ""
            except GreenmfgError as exc:
                checked[raw] = exc
    known = _known(campaign, sorted({c for c in checked.values() if c and c.__class__ is str}))
    seen: set[tuple[str, str]] = set()
    total = len(lines)
    for i, (line, raw) in enumerate(zip(lines, raws)):
        entry = {"sheet": line.sheet, "row": line.row, "uscc": raw,
                 "name": text(line.cells.get("applicant_name") or line.cells.get("name")), "fields": []}
        plan = _Plan(line, entry)
        try:
            if not raw:
                raise InvalidInput("Missing data for required field.", field=USCC_KEY)
            if isinstance(checked[raw], GreenmfgError):
                raise checked[raw]
            plan.uscc = checked[raw]
            plan.unit_type = checker.unit_type(line.table, line.cells)
            plan.known = known.get(plan.uscc)
            if plan.known is not None and plan.known.admin_unit_id != city.id:
                raise InvalidInput("This organization belongs to another city; only its own city can import it.",
                                   field=USCC_KEY)
            if (plan.uscc, plan.unit_type) in seen:
                raise InvalidInput("This organization and unit type appear twice in the file.", field=USCC_KEY)
            seen.add((plan.uscc, plan.unit_type))
            plan.app = plan.known.apps.get(plan.unit_type) if plan.known else None
            if plan.known is None:
                plan.name = entry["name"]
                if not 2 <= len(plan.name) <= 200:
                    raise InvalidInput("A new organization needs its full registered name.", field="applicant_name")
            checker.check(plan)
        except GreenmfgError as exc:
            plan.refused = True
            entry["field"] = exc.field
            entry["reason"] = exc.localized()
        if plan.refused:
            action = "rejected"
            if "reason" not in entry:
                entry["reason"] = "; ".join(f"{f['column']}: {f['reason']}" for f in entry["fields"]
                                            if f["status"] == "refused")
        elif plan.app is None:
            action = "created"
        elif plan.diff:
            action = "updated"
        else:
            action = "unchanged"
            entry["fields"] = []
        entry["action"] = action
        report[action] += 1
        report["rows"].append(entry)
        plans.append(plan)
        if progress and (i + 1) % 500 == 0:
            progress(i + 1, total)
    report["ok"] = not report["rejected"]
    actions = {k: str(v) for k, v in ACTIONS.items()}  # translated once, not per row
    statuses = {k: str(v) for k, v in FIELD_STATUS.items()}
    for entry in report["rows"]:
        entry["action_label"] = actions[entry["action"]]
        for f in entry["fields"]:
            if f["status"] == "applied" and not report["ok"]:
                f["status"] = "accepted"
            f["status_label"] = statuses[f["status"]]
    if not report["ok"]:
        db.session.rollback()
        return report
    _write([p for p in plans if p.app is None or p.diff], checker, actor)
    audit.record(actor, "summary.imported", "campaign", campaign.id, layout=choice.code, admin_unit=city.code,
                 created=report["created"], updated=report["updated"], unchanged=report["unchanged"])
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, (Application, Organization)):
            db.session.expire(obj)  # written with bulk statements: loaded copies reload when next read
    if progress:
        progress(total, total)
    return report
