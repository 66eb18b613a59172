"""Scheduled jobs (``greenmfg jobs run-due``): safe to run from cron every few minutes.

Each step is idempotent and commits on its own, so a run that stops half-way leaves nothing
half-written and the next run carries on; two runs racing lose nothing (a unique key makes
the loser's step roll back and report it).

1. open this year's filings, until the due date (later openings are a deliberate act:
   ``greenmfg filings open``, as they make every unit overdue at once);
2. send the reminders that are due (N working days before the due date);
3. turn filings whose due date has passed into removal proposals;
4. propose the removal of units three years running in the bottom 5 % (stored rankings);
5. open the year's re-reviews where the region sets a cycle.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core.errors import GreenmfgError
from core.extensions import db
from core.management import filings, removals, rereviews
from core.management.common import today
from core.models import Removal, UnitScore

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
    return report
