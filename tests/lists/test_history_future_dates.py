"""History import refuses a day still to come (issue 43), on SQLite and PostgreSQL.

A list records what has happened: the decision that listed a unit, the decision that removed it. List
decisions already refuse a future date (core/lists/decisions.py); the history import must too, or the
public list drops a "removed" unit now while the three-year bar of 002_9c75e1d2ebfbdf50.txt 附件1 二(三)
and 004_7a8ddd82f611ab67.txt 第十七条(三) ignores the removal until its date. The import day is Beijing's
date on the platform clock (core/clock.py), not the server's: at 00:30 on 2026-03-01 in Beijing (still
2026-02-28 in UTC) a row dated 2026-03-01 is today's and is taken. Like every other row problem, a
future date is reported in Chinese and English with its row number and nothing from the file is
written (the import is all or nothing, core/lists/history.py).
"""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import func, select

from core.extensions import db
from core.lists import history
from core.models import AuditLog, ListEntry, Organization
from test_history_import import _csv, _rows, _xlsx, hunan, kit  # noqa: F401 - the shared table and app

pytestmark = pytest.mark.both_databases

IMPORT_DAY = dt.date(2026, 3, 1)  # the example: 00:30 in Beijing, 16:30 the day before in UTC
AT = kit.beijing(IMPORT_DAY, 0, 30)


def _future_rows() -> list[list]:
    rows = _rows(3)
    rows[0][8:11] = ["移出", "2027-06-30", "发生较大安全事故"]  # a removal dated after the import day
    rows[3][7] = "2026-12-31"  # a listing dated after the import day
    return rows


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_listing_or_removal_after_the_import_day_is_refused_and_nothing_is_imported(hunan, fmt):  # noqa: F811
    raw = _xlsx(_future_rows()) if fmt == "xlsx" else _csv(_future_rows())
    with time_machine.travel(AT, tick=False), hunan.app_context():
        report = history.import_history("province", raw, f"history.{fmt}")
        db.session.commit()
        assert not report["ok"] and report["rejected"] == 2
        bad = {r["row"]: " ".join(r["problems"]) for r in report["rows"] if not r["ok"]}
        assert set(bad) == {2, 5}
        assert "移出日期" in bad[2] and "2027-06-30" in bad[2] and "2026-03-01" in bad[2]
        assert "lies after today" in bad[2] and "晚于今天" in bad[2]  # both languages
        assert "发布日期" in bad[5] and "2026-12-31" in bad[5]
        # the two good rows are not written either
        assert db.session.scalar(select(func.count(ListEntry.id))) == 0
        assert db.session.scalar(select(func.count(Organization.id))) == 0
        assert db.session.scalar(select(func.count(AuditLog.id)).where(
            AuditLog.action == "list.history_imported")) == 0


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_today_in_beijing_is_not_the_future(hunan, fmt):  # noqa: F811
    rows = _rows(3)
    rows[0][8:11] = ["移出", IMPORT_DAY.isoformat(), "发生较大安全事故"]  # today in Beijing, tomorrow in UTC
    rows[3][7] = IMPORT_DAY.isoformat()
    raw = _xlsx(rows) if fmt == "xlsx" else _csv(rows)
    with time_machine.travel(AT, tick=False), hunan.app_context():
        report = history.import_history("province", raw, f"history.{fmt}")
        db.session.commit()
        assert report["ok"] and report["created"] == 4, report["rows"]
        assert db.session.scalar(select(func.count(ListEntry.id)).where(ListEntry.removed_on == IMPORT_DAY)) == 1
