"""The one clock: instants in UTC, days and years in Beijing time.

Every instant the platform records is aware and in UTC (SQLite keeps no offset, so an aware Beijing time
would read back 8 hours late); every day a rule speaks of (a deadline, a notice's last day, the year of a
round) is a day in Asia/Shanghai, where a deadline day ends at 24:00. Tests move this clock with
time-machine, which moves :func:`datetime.datetime.now` under it.

A training instance (``GREENMFG_TRAINING``, issue 42) runs ahead of the real time by whole days: an
administrator moves its date forward (:mod:`core.services.training_clock`), which stores the offset in the
one-row table ``training_clock``, so web workers, job workers and the command line read the same clock.
The offset is read once per application context (a request, a job, a command) and again after
:data:`OFFSET_SECONDS` in a long one; an instance that is not a training instance never reads it.

A request is judged by when it arrived (issue 46, the deadline day): :func:`arrival` is the instant the WSGI
layer of :func:`install` saw the request, before its body was read or any hook ran, on the instance's clock. A
submission that arrives at 23:59:59 is on time even when a busy worker finishes it after 24:00.
"""
from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: how long an application context keeps the training offset it read
OFFSET_SECONDS = 5.0
_NO_OFFSET = dt.timedelta(0)
_KEPT = "_greenmfg_clock_offset"
_YES = frozenset({"1", "true", "yes", "on"})


def training() -> bool:
    """Whether the running instance is a training instance (``GREENMFG_TRAINING``; no app: no)."""
    from flask import current_app, has_app_context

    return has_app_context() and str(current_app.config.get("GREENMFG_TRAINING")).lower() in _YES


def offset() -> dt.timedelta:
    """How far the instance's clock runs ahead of the real time: zero but on a training instance."""
    if not training():
        return _NO_OFFSET
    from flask import current_app, g

    if "sqlalchemy" not in current_app.extensions:  # the app is being built: no database yet
        return _NO_OFFSET
    from sqlalchemy import text

    from core.extensions import db

    kept = g.get(_KEPT)
    if kept is not None and time.monotonic() - kept[1] < OFFSET_SECONDS:
        return kept[0]
    days = db.session.execute(text("SELECT offset_days FROM training_clock WHERE id = 1")).scalar()
    value = dt.timedelta(days=int(days or 0))
    setattr(g, _KEPT, (value, time.monotonic()))
    return value


def forget_offset() -> None:
    """Read the offset again at the next question (after this process moved the clock)."""
    from flask import g, has_app_context

    if has_app_context():
        g.pop(_KEPT, None)


def real_now() -> dt.datetime:
    """This instant in the real world, aware, in UTC (what a training clock is moved from)."""
    return dt.datetime.now(dt.UTC)


def now() -> dt.datetime:
    """This instant on the instance's clock, aware, in UTC."""
    return real_now() + offset()


#: the WSGI environ key holding the request's arrival (seconds since the epoch, real time)
_ARRIVED = "greenmfg.arrived"


class _Arrival:
    """The outermost WSGI layer: notes when each request arrived, before anything reads its body."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response):
        environ.setdefault(_ARRIVED, time.time())
        return self.wsgi_app(environ, start_response)


def install(app) -> None:
    """Note every request's arrival (call last in building the app, so the layer is the outermost one)."""
    app.wsgi_app = _Arrival(app.wsgi_app)


def arrival() -> dt.datetime:
    """When the request being served arrived, on the instance's clock (a training clock's offset added),
    aware, in UTC; outside a request (a job, a command), :func:`now`."""
    from flask import has_request_context, request

    if has_request_context():
        arrived = request.environ.get(_ARRIVED)
        if arrived is not None:
            return dt.datetime.fromtimestamp(arrived, dt.UTC) + offset()
    return now()


def today() -> dt.date:
    """Today in Beijing time, on the instance's clock."""
    return now().astimezone(SHANGHAI).date()


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
