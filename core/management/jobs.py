"""Scheduled jobs: the job ``management.run_due``, which the job scheduler runs every five minutes
(``GREENMFG_JOBS_SCHEDULE``, :mod:`core.jobs.schedule`), and ``greenmfg jobs run-due`` for cron.

Each step is idempotent and commits on its own, so a run that stops half-way leaves nothing
half-written and the next run carries on; two runs racing lose nothing (a unique key makes
the loser's step roll back and report it).

1. open this year's filings, until the due date (later openings are a deliberate act: on the filings
   page with a date to file by and a reason, or ``greenmfg filings open``, which makes every unit overdue
   at once);
2. send the reminders that are due (N working days before the due date);
3. turn filings whose due date has passed into removal proposals;
4. propose the removal of units three years running in the bottom 5 % (stored rankings);
5. open the year's re-reviews where the region sets a cycle;
6. record, once per notice, that a public notice's period has ended (``notice.period_ended`` in the
   audit log): the notice may now be published, the next step of the province's staff.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from flask_babel import lazy_gettext as _l

from core.errors import GreenmfgError
from core.extensions import db
from core.jobs import job
from core.clock import today
from core.management import filings, removals, rereviews
from core.models import AuditLog, PublicNotice, Removal, UnitScore
from core.services import audit

#: progress(step name, total) -> callable(n) advancing it; or None
ProgressFactory = Callable[[str, int], Callable[[int], None]]


def _step(report: dict[str, Any], name: str, work: Callable[[], Any]) -> None:
    try:
        result = work()
        db.session.commit()
        report[name] = result
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        report[name] = "skipped: another run changed the same rows; it will be done next time"
    except GreenmfgError as exc:
        db.session.rollback()
        report[name] = f"skipped: {exc}"


def bottom_share_years() -> list[int]:
    """Years whose stored rankings hold a removal candidate without a proposal yet."""
    candidates = db.session.execute(select(UnitScore.year, UnitScore.organization_id, UnitScore.unit_type).where(
        UnitScore.removal_candidate.is_(True), UnitScore.level == "national").distinct()).all()
    done = set(db.session.scalars(select(Removal.source_ref).where(Removal.source == "ranking")))
    return sorted({year for year, org, unit_type in candidates if f"{org}:{unit_type}:{year}" not in done})


def record_ended_notices(on: dt.date, actor: str) -> int:
    """Audit ``notice.period_ended`` once for every open notice whose period ended before ``on``."""
    ended = db.session.scalars(select(PublicNotice).where(PublicNotice.status == "open",
                                                          PublicNotice.ends_on < on)).all()
    done = set(db.session.scalars(select(AuditLog.object_id).where(AuditLog.action == "notice.period_ended",
                                                                   AuditLog.object_type == "public_notice")))
    count = 0
    for notice in ended:
        if str(notice.id) in done:
            continue
        audit.record(actor, "notice.period_ended", "public_notice", notice.id, level=notice.level,
                     year=notice.year, ends_on=notice.ends_on.isoformat())
        count += 1
    return count


def run_due(actor: str, on: dt.date | None = None, progress: ProgressFactory | None = None) -> dict[str, Any]:
    """Run every due job for ``on`` (default today, Beijing time). Returns what each step did."""
    on = on or today()
    report: dict[str, Any] = {"on": on.isoformat()}

    def bar(name: str, total: int):
        return progress(name, total) if progress else None

    def open_filings():
        due = filings.due_date(on.year)
        if on > due:
            return 0
        return filings.open_year(on.year, actor, bar("open", 0))

    _step(report, "filings_opened", open_filings)
    _step(report, "reminders_sent", lambda: filings.send_reminders(on, actor, bar("remind", 0)))
    _step(report, "overdue_proposals", lambda: len(filings.mark_overdue(on, actor, bar("overdue", 0))))
    _step(report, "bottom_share_proposals",
          lambda: sum(len(removals.propose_bottom_share(year, actor, on)) for year in bottom_share_years()))
    _step(report, "rereviews_opened", lambda: rereviews.open_cycle(on.year, actor, bar("rereview", 0)))
    _step(report, "notices_ended", lambda: record_ended_notices(on, actor))
    return report


_STEPS = {"open": _l("Opening the year's filings"), "remind": _l("Sending reminders"),
          "overdue": _l("Turning overdue filings into removal proposals"),
          "rereview": _l("Opening re-reviews")}


def _describe(result: dict[str, Any]) -> list[str]:
    from flask_babel import gettext

    def n(key):
        value = result.get(key)
        return value if isinstance(value, int) else 0
    return [gettext("Filings opened: %(opened)d; reminders: %(reminded)d; overdue proposals: %(overdue)d; "
                    "bottom 5 %% proposals: %(bottom)d; re-reviews opened: %(rereviews)d; notices ended: "
                    "%(notices)d.", opened=n("filings_opened"), reminded=n("reminders_sent"),
                    overdue=n("overdue_proposals"), bottom=n("bottom_share_proposals"),
                    rereviews=n("rereviews_opened"), notices=n("notices_ended"))]


@job("management.run_due", _l("Due scheduled work (filings, reminders, removals, re-reviews, notices)"),
     describe=_describe)
def run_due_job(ctx) -> dict[str, Any]:
    """Each step commits on its own and is idempotent, so a retried or repeated run does each thing once."""
    names = list(_STEPS)

    def progress(name: str, total: int):
        if ctx is not None and name in _STEPS:
            ctx.progress(100 * names.index(name) / len(names), stage=_STEPS[name])
        return None
    report = run_due(ctx.actor if ctx else "scheduler", progress=progress)
    for key, value in report.items():
        if isinstance(value, list):
            report[key] = len(value)
    return report
