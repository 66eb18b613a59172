"""Scheduled openings happen at their minute (issue 61): the due scheduled work (filings opened on their date,
reminders, overdue filings...) runs every five minutes by default, so a filing opened for 2027-04-01 00:00 Beijing
time is opened by the first run after it, at most five minutes later, not up to an hour later."""
from __future__ import annotations

import datetime as dt

from core.clock import SHANGHAI
from core.jobs.schedule import DEFAULT_SCHEDULE, due


def _run_due_key(moment: dt.datetime) -> str:
    return dict(due(moment.timestamp(), DEFAULT_SCHEDULE))["management.run_due"]


def test_the_due_work_runs_within_five_minutes_of_an_opening():
    opening = dt.datetime(2027, 4, 1, 0, 0, tzinfo=SHANGHAI)
    before = _run_due_key(opening - dt.timedelta(seconds=1))
    # a new slot (a new run, once across every scheduler) starts no later than five minutes after the opening
    firsts = [opening + dt.timedelta(seconds=s) for s in range(0, 301, 30)]
    assert any(_run_due_key(t) != before for t in firsts)
    # and every five minutes after it: twelve runs an hour, where the hourly default made one
    hour = [_run_due_key(opening + dt.timedelta(minutes=m)) for m in range(60)]
    assert len(set(hour)) == 12
    # the clean-up and the pruning keep their own periods
    assert DEFAULT_SCHEDULE["storage.sweep"] == 3600 and DEFAULT_SCHEDULE["jobs.prune"] == 86400
