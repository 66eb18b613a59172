"""Working days: chinese-calendar behind the admin table (ecosystem.md 1.10, 4.3)."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from core.errors import CalendarDataMissing
from core.extensions import db
from core.models import AuditLog
from core.plugins.types import DayCount, NoticePeriod
from core.services.calendar import WorkCalendar, declare_year_entered, set_day

D = dt.date


@pytest.mark.parametrize("day, workday", [
    (D(2025, 10, 1), False),   # National Day
    (D(2025, 9, 28), True),    # Sunday, adjusted working day (调休)
    (D(2025, 10, 11), True),   # Saturday, adjusted working day
    (D(2026, 2, 14), True),    # Saturday, Spring Festival 调休
    (D(2026, 1, 1), False),
    (D(2025, 9, 27), False),   # an ordinary Saturday
])
def test_library_days(app, day, workday):
    assert WorkCalendar().is_workday(day) is workday


def test_ten_working_days_across_national_day(app):
    """A notice of 10 working days opening Friday 2025-09-26 counts the working Sunday 09-28 and skips
    10-01..10-08; Saturday 10-11 is a make-up working day too (seed 004 第十三条: 10个工作日)."""
    end = WorkCalendar().period_end(D(2025, 9, 26), NoticePeriod(days=10, count=DayCount.WORKING_DAYS))
    # 09-26, 09-28, 09-29, 09-30, 10-09, 10-10, 10-11, 10-13, 10-14, 10-15
    assert end == D(2025, 10, 15)


def test_calendar_days_notice(app):
    """办法 第十二条: 15 days → a notice opening 2025-11-10 ends on 2025-11-24."""
    assert WorkCalendar().period_end(D(2025, 11, 10), NoticePeriod(days=15, count=DayCount.CALENDAR_DAYS)) == \
        D(2025, 11, 24)


def test_year_without_data_is_refused_with_instructions(app):
    with pytest.raises(CalendarDataMissing) as info:
        WorkCalendar().is_workday(D(2027, 1, 4))
    assert "2027" in str(info.value) and "greenmfg calendar" in str(info.value)


def test_counting_into_a_year_without_data_is_refused(app):
    with pytest.raises(CalendarDataMissing):
        WorkCalendar().nth_working_day(D(2026, 12, 28), 5)


def test_admin_enters_a_year_then_it_counts(app):
    set_day(D(2027, 1, 1), False, "元旦", "admin")
    declare_year_entered(2027, "admin", "国办发明电 2027")
    db.session.commit()
    cal = WorkCalendar()
    assert cal.is_workday(D(2027, 1, 1)) is False
    assert cal.is_workday(D(2027, 1, 4)) is True
    assert cal.nth_working_day(D(2026, 12, 28), 5) == D(2027, 1, 4)  # 12-28..31, (01-01 holiday), 01-04
    actions = [a.action for a in db.session.query(AuditLog).order_by(AuditLog.id)]
    assert actions == ["calendar.set_day", "calendar.declare_year"]


def test_admin_override_wins_over_the_library(app):
    set_day(D(2026, 6, 1), False, "地方假日", "admin")
    db.session.commit()
    assert WorkCalendar().is_workday(D(2026, 6, 1)) is False


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 6, 30)), st.integers(min_value=1, max_value=30))
def test_nth_working_day_is_a_working_day_and_monotonic(app, start, n):
    cal = WorkCalendar()
    day = cal.nth_working_day(start, n)
    assert cal.is_workday(day) and day >= start
    assert cal.nth_working_day(start, n + 1) > day
