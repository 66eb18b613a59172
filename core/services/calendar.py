"""Working-day arithmetic: chinese-calendar data behind an admin-editable table.

Order of authority for a day:

1. a row in ``calendar_day`` (an admin's ruling: a holiday or a make-up working day);
2. the chinese-calendar package, for the years it ships (2004-2026 in 1.11.0);
3. for any other year, plain weekdays, but only once an admin has declared that
   year's holidays entered (``calendar_year``). Until then every question about
   the year is refused with :class:`CalendarDataMissing`; nothing is guessed.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar
from sqlalchemy import select

from core.errors import CalendarDataMissing, InvalidInput
from core.extensions import db
from core.models import CalendarDay, CalendarYear
from core.plugins.types import DayCount, NoticePeriod
from core.services import audit


@lru_cache(maxsize=None)
def library_covers(year: int) -> bool:
    """Whether the installed chinese-calendar has data for ``year``."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkCalendar:
    """Answers working-day questions for one request or job (caches what it reads)."""

    def __init__(self) -> None:
        self._overrides: dict[int, dict[dt.date, bool]] = {}

    def _year(self, year: int) -> dict[dt.date, bool]:
        if year not in self._overrides:
            if not library_covers(year) and db.session.get(CalendarYear, year) is None:
                raise CalendarDataMissing(
                    "No holiday data for %(year)d. An administrator must enter that year's public "
                    "holidays and make-up working days (greenmfg calendar) before working days can "
                    "be counted.",
                    year=year,
                )
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
            rows = db.session.execute(
                select(CalendarDay.day, CalendarDay.is_workday).where(CalendarDay.day.between(start, end))
            )
            self._overrides[year] = {day: workday for day, workday in rows}
        return self._overrides[year]

    def is_workday(self, day: dt.date) -> bool:
        overrides = self._year(day.year)
        if day in overrides:
            return overrides[day]
        if library_covers(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def nth_working_day(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day counting from ``start`` (``start`` itself counts if it is one)."""
        if n < 1:
            raise InvalidInput("A number of working days must be at least 1.", field="days")
        day, counted = start, 0
        while True:
            if self.is_workday(day):
                counted += 1
                if counted == n:
                    return day
            day += dt.timedelta(days=1)

    def period_end(self, start: dt.date, period: NoticePeriod) -> dt.date:
        """The last day of a notice that opens on ``start`` and runs ``period``."""
        if period.count == DayCount.WORKING_DAYS:
            return self.nth_working_day(start, period.days)
        return start + dt.timedelta(days=period.days - 1)


def set_day(day: dt.date, is_workday: bool, name: str, actor: str) -> CalendarDay:
    """Record an admin's ruling on one day (audited). The caller commits."""
    row = db.session.get(CalendarDay, day)
    before = None if row is None else row.is_workday
    if row is None:
        row = CalendarDay(day=day, is_workday=is_workday, name=name, entered_by=actor)
        db.session.add(row)
    else:
        row.is_workday, row.name, row.entered_by = is_workday, name, actor
    audit.record(actor, "calendar.set_day", "calendar_day", day.isoformat(),
                 is_workday=is_workday, name=name, before=before)
    return row


def declare_year_entered(year: int, actor: str, note: str = "") -> CalendarYear:
    """Declare that every holiday and make-up working day of ``year`` is entered (audited)."""
    row = db.session.get(CalendarYear, year)
    if row is None:
        row = CalendarYear(year=year, entered_by=actor, note=note)
        db.session.add(row)
    audit.record(actor, "calendar.declare_year", "calendar_year", year, note=note)
    return row


def clear_day(day: dt.date, actor: str) -> bool:
    """Remove an admin's ruling on one day (the library's answer, or the weekday, applies again). Audited."""
    row = db.session.get(CalendarDay, day)
    if row is None:
        return False
    audit.record(actor, "calendar.clear_day", "calendar_day", day.isoformat(), before=row.is_workday, name=row.name)
    db.session.delete(row)
    return True


#: chinese-calendar names its holidays in English; the table keeps the Chinese names
_CHINESE_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


def import_library_year(year: int, actor: str) -> int:
    """Copy chinese-calendar's holidays and make-up working days of ``year`` into the table (an administrator
    then edits them there) and declare the year entered. Audited; returns the days written.

    :raises InvalidInput: the installed chinese-calendar has no data for ``year``.
    """
    if not library_covers(year):
        raise InvalidInput("The installed chinese-calendar has no holidays for %(year)d yet: enter the days one by "
                           "one, then declare the year complete.", field="year", year=year)
    written, day = 0, dt.date(year, 1, 1)
    while day.year == year:
        workday = chinese_calendar.is_workday(day)
        if workday != (day.weekday() < 5):
            _on_holiday, holiday = chinese_calendar.get_holiday_detail(day)
            set_day(day, workday, _CHINESE_NAMES.get(holiday, ""), actor)
            written += 1
        day += dt.timedelta(days=1)
    declare_year_entered(year, actor, note="chinese-calendar")
    return written
