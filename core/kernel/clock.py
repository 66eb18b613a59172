"""The one clock: instants in UTC, days and years in Beijing time.

Every instant the platform records is aware and in UTC (SQLite keeps no offset, so an aware Beijing time
would read back 8 hours late); every day a rule speaks of (a deadline, a notice's last day, the year of a
round) is a day in Asia/Shanghai, where a deadline day ends at 24:00. Tests move this clock with
time-machine, which moves :func:`datetime.datetime.now` under it.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    """This instant, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today in Beijing time."""
    return dt.datetime.now(SHANGHAI).date()


def this_year() -> int:
    """The current year in Beijing time (the default year of rounds, lists and rules)."""
    return today().year


def aware(moment: dt.datetime | None) -> dt.datetime | None:
    """An instant read back from the database: SQLite returns naive datetimes, which are stored in UTC."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def utc(moment: dt.datetime | None) -> dt.datetime | None:
    """An instant in UTC, as stored."""
    return None if moment is None else aware(moment).astimezone(dt.UTC)


def beijing(moment: dt.datetime | None) -> str:
    """An instant as Beijing time, to the second ("" for none)."""
    return "" if moment is None else aware(moment).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def moment_text(moment: dt.datetime) -> str:
    """An instant as pages and messages show it: Beijing time, to the minute ("2026-12-31 09:30")."""
    return aware(moment).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def deadline_text(moment: dt.datetime | dt.date) -> str:
    """A deadline as pages and messages show it, in Beijing time: an instant at midnight, and a bare day, read
    as 24:00 of the last day ("2026-12-31 24:00"), as notices write it."""
    if not isinstance(moment, dt.datetime):
        return f"{moment.isoformat()} 24:00"
    local = aware(moment).astimezone(SHANGHAI)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return f"{(local.date() - dt.timedelta(days=1)).isoformat()} 24:00"
    return local.strftime("%Y-%m-%d %H:%M")


def end_of_day(day: dt.date) -> dt.datetime:
    """The instant a deadline on ``day`` passes: the next midnight in Asia/Shanghai, in UTC."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=SHANGHAI).astimezone(dt.UTC)


def noon(day: dt.date) -> dt.datetime:
    """The instant recorded for an action dated ``day`` (a simulated or back-dated day): noon Beijing time."""
    return dt.datetime.combine(day, dt.time(12), tzinfo=SHANGHAI).astimezone(dt.UTC)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (earlier when negative); 29 February becomes 28 February in a year without
    one (a ban of 3 years from 2024-02-29 runs to 2027-02-28; a 3-year look-back from 2027-02-28 starts on
    2024-02-28)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
