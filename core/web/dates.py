"""The one way pages show a day, an instant and a deadline: Beijing time, ``2026-12-31``, ``2026-12-31 09:30``.

A deadline is the instant it passes; one at midnight reads as 24:00 of the day before ("2026-12-31 24:00"), as
notices write it, and a deadline given as a day ends at 24:00 of that day. Registered as the Jinja filters
``bjdate``, ``bjtime`` and ``bjdeadline`` on every template; a missing value reads "—".
"""
from __future__ import annotations

import datetime as dt

from flask import Flask

from core import clock
from core.clock import SHANGHAI, aware

NONE = "—"


def day_text(value: dt.date | dt.datetime | None) -> str:
    """A day (an instant's day in Beijing time): ``2026-12-31``."""
    if value is None or value == "":
        return NONE
    if isinstance(value, dt.datetime):
        value = aware(value).astimezone(SHANGHAI).date()
    return value.isoformat()


def moment_text(moment: dt.datetime | None) -> str:
    """An instant in Beijing time, to the minute: ``2026-12-31 09:30`` (:func:`core.clock.moment_text`)."""
    if moment is None or moment == "":
        return NONE
    if isinstance(moment, str):  # an instant kept as ISO text (the audit log's last verification)
        moment = dt.datetime.fromisoformat(moment)
    if not isinstance(moment, dt.datetime):
        return day_text(moment)
    return clock.moment_text(moment)


def deadline_text(moment: dt.date | dt.datetime | str | None) -> str:
    """A deadline in Beijing time; midnight, and a bare day, read as 24:00 of the last day: ``2026-12-31 24:00``
    (:func:`core.clock.deadline_text`, which messages use too)."""
    if moment is None or moment == "":
        return NONE
    if isinstance(moment, str):  # a day, or an instant with the time entered, kept as text (a round's deadlines)
        moment = dt.datetime.fromisoformat(moment) if "T" in moment else dt.date.fromisoformat(moment)
    return clock.deadline_text(moment)


def register(app: Flask) -> None:
    app.add_template_filter(day_text, "bjdate")
    app.add_template_filter(moment_text, "bjtime")
    app.add_template_filter(deadline_text, "bjdeadline")
