"""The one way pages show a day, an instant and a deadline: Beijing time, ``2026-12-31``, ``2026-12-31 09:30``.

A deadline is the instant it passes; one at midnight reads as 24:00 of the day before ("2026-12-31 24:00"), as
notices write it, and a deadline given as a day ends at 24:00 of that day. Registered as the Jinja filters
``bjdate``, ``bjtime`` and ``bjdeadline`` on every template; a missing value reads "—".
"""
from __future__ import annotations

import datetime as dt

from flask import Flask

from core.kernel.clock import SHANGHAI, aware

NONE = "—"


def _local(moment: dt.datetime) -> dt.datetime:
    """An instant in Beijing time (a naive one was stored in UTC)."""
    return aware(moment).astimezone(SHANGHAI)


def day_text(value: dt.date | dt.datetime | None) -> str:
    """A day (an instant's day in Beijing time): ``2026-12-31``."""
    if value is None or value == "":
        return NONE
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    return value.isoformat()


def moment_text(moment: dt.datetime | None) -> str:
    """An instant in Beijing time, to the minute: ``2026-12-31 09:30``."""
    if moment is None or moment == "":
        return NONE
    if not isinstance(moment, dt.datetime):
        return day_text(moment)
    return _local(moment).strftime("%Y-%m-%d %H:%M")


def deadline_text(moment: dt.date | dt.datetime | str | None) -> str:
    """A deadline in Beijing time; midnight, and a bare day, read as 24:00 of the last day: ``2026-12-31 24:00``."""
    if moment is None or moment == "":
        return NONE
    if isinstance(moment, str):  # a day kept as text (a round's deadlines)
        moment = dt.date.fromisoformat(moment)
    if not isinstance(moment, dt.datetime):
        return f"{moment.isoformat()} 24:00"
    local = _local(moment)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return f"{(local.date() - dt.timedelta(days=1)).isoformat()} 24:00"
    return local.strftime("%Y-%m-%d %H:%M")


def register(app: Flask) -> None:
    app.add_template_filter(day_text, "bjdate")
    app.add_template_filter(moment_text, "bjtime")
    app.add_template_filter(deadline_text, "bjdeadline")
