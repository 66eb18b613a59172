"""The demo's list history (loaded through the history import) dates its removal the way the platform's rule has it
whatever day the demo is built: the removed unit did not file its first annual dynamic-management table, due by
04-15 of the year after its listing (Shanxi: 晋工信节能规字〔2024〕3号 第十八条, 004_7a8ddd82f611ab67.txt; 第二十一条(二):
未按时填报 → 移出; nationally 办法 第十六条), so it is
removed after that day and, like everything the demo tells, not in the future. Built before May the demo dated the
removal on 1 May of the current year: a removal yet to come, which the negative list (removed within three years,
办法 第十五条) did not count either.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Application, ListEntry

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

#: Beijing days the demo is built on: before the filing deadline (04-15), and after it but before May (a build later
#: in the year is every other demo test's, on the real clock)
BUILT_ON = [dt.date(2026, 3, 10), dt.date(2026, 4, 20)]


@pytest.mark.parametrize("built_on", BUILT_ON, ids=str)
def test_the_demo_removal_follows_the_missed_filing_and_lies_in_the_past(make_app, tmp_path, built_on):
    import time_machine

    from core.applications.eligibility import member_records
    from core.cli.demo_data import load_demo
    from core.clock import SHANGHAI, today
    from core.kernel.rules import region_rules
    from core.lists.history import import_history

    moment = dt.datetime.combine(built_on, dt.time(10), tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        app = make_app("shanxi", GREENMFG_EVIDENCE_DIR=str(tmp_path), WTF_CSRF_ENABLED=False)
        with app.app_context():
            load_demo(2025, iter, import_history)
            assert today() == built_on
            filing = region_rules().deadlines["dynamic_filing"]
            removed = db.session.scalars(select(ListEntry).where(ListEntry.status == "removed")).all()
            assert removed
            for entry in removed:
                due = filing.for_year(entry.year + 1)
                assert entry.listed_on < due < entry.removed_on <= built_on, (entry.year, entry.removed_on)
                # a unit removed within three years does not apply (办法 第十五条): not in this round, and the negative
                # list's look-back sees it, as it does for an enterprise a park answers for
                assert db.session.scalar(select(Application.id).where(
                    Application.organization_id == entry.organization_id)) is None
                found = member_records(entry.organization.uscc, built_on, 3)["member_records"]
                assert [r for r in found if r["record"] == "removal"], found
