"""The one date formatter (core/web/dates.py): a day, an instant and a deadline in Beijing time, as every page
shows them; a deadline at midnight reads 24:00 of the day before, as notices write it."""
from __future__ import annotations

import pytest
import datetime as dt

from core.clock import SHANGHAI
from core.web.dates import day_text, deadline_text, moment_text

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases


def test_a_deadline_at_midnight_reads_24_00_of_the_day_before():
    midnight = dt.datetime(2027, 1, 1, 0, 0, tzinfo=SHANGHAI)
    assert deadline_text(midnight) == "2026-12-31 24:00"
    assert deadline_text(midnight.astimezone(dt.UTC).replace(tzinfo=None)) == "2026-12-31 24:00"  # SQLite: naive UTC
    assert deadline_text(dt.date(2026, 12, 31)) == "2026-12-31 24:00"  # a deadline day ends at 24:00
    assert deadline_text("2026-12-31") == "2026-12-31 24:00"  # a round's deadline kept as text
    assert deadline_text(dt.datetime(2026, 12, 31, 17, 30, tzinfo=SHANGHAI)) == "2026-12-31 17:30"
    assert deadline_text(None) == "—"


def test_instants_and_days_in_beijing_time():
    late_utc = dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC)  # 00:30 on 2 March in Beijing
    assert moment_text(late_utc) == "2026-03-02 00:30"
    assert moment_text(late_utc.replace(tzinfo=None)) == "2026-03-02 00:30"
    assert day_text(late_utc) == "2026-03-02"
    assert day_text(dt.date(2026, 3, 1)) == "2026-03-01"
    assert moment_text(None) == day_text(None) == "—"
