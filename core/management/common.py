"""Helpers shared by the management services: rules, dates in Beijing time, text checks, commit."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core.errors import InvalidInput, Refused
from core.extensions import db
from core.services.calendar import WorkCalendar
from core.services.deadlines import SHANGHAI


def rules():
    return current_app.extensions["greenmfg"].rules


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today in Beijing time (deadlines end at 24:00 Asia/Shanghai)."""
    return dt.datetime.now(SHANGHAI).date()


def moment(on: dt.date | None) -> dt.datetime:
    """The instant recorded for an action on ``on`` (a simulated day: noon Beijing time), else now."""
    if on is None:
        return now()
    return dt.datetime.combine(on, dt.time(12), tzinfo=SHANGHAI).astimezone(dt.UTC)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite returns naive datetimes for timezone-aware columns; they are stored in UTC."""
    return value if value is None or value.tzinfo else value.replace(tzinfo=dt.UTC)


#: what the free texts are called on pages and in API errors (the API's error also names the field)
_LABELS = {
    "reason": _l("Reason"), "note": _l("Note"), "evidence_note": _l("Evidence"),
    "complainant_name": _l("Real name"), "complainant_contact": _l("Contact details"), "content": _l("Content"),
    "finding": _l("Finding"), "description": _l("Description"), "after": _l("The new value"),
    "key_data": _l("Key data"),
}


def _label(field: str) -> Any:
    return _LABELS.get(field) or _LABELS.get(field.split(".", 1)[0]) or _l("This text")


def text(value: Any, field: str, minimum: int = 2, maximum: int = 500) -> str:
    """A required free text of ``minimum``..``maximum`` characters (NUL characters refused)."""
    cleaned = str(value or "").strip()
    if not minimum <= len(cleaned) <= maximum:
        raise InvalidInput("%(label)s: enter %(min)d to %(max)d characters.", field=field, label=_label(field),
                           min=minimum, max=maximum)
    _no_nul(cleaned, field)
    return cleaned


def optional_text(value: Any, field: str, maximum: int = 2000) -> str:
    cleaned = str(value or "").strip()
    if len(cleaned) > maximum:
        raise InvalidInput("%(label)s: enter at most %(max)d characters.", field=field, label=_label(field),
                           max=maximum)
    _no_nul(cleaned, field)
    return cleaned


def _no_nul(cleaned: str, field: str) -> None:
    if "\x00" in cleaned:
        raise InvalidInput("%(label)s: a text may not contain NUL characters.", field=field, label=_label(field))


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def working_days_before(calendar: WorkCalendar, day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day before ``day`` (``day`` itself not counted)."""
    if n < 1:
        raise InvalidInput("A number of working days must be at least 1.", field="days")
    counted, current = 0, day
    while counted < n:
        current -= dt.timedelta(days=1)
        if calendar.is_workday(current):
            counted += 1
    return current


def commit() -> None:
    """Commit, turning a lost race into a clear refusal; nothing is half-written."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Refused("Someone changed this record at the same time; reload the page and try again.") from None
    except IntegrityError:
        db.session.rollback()
        raise Refused("This conflicts with data saved at the same time; reload the page and try again.") from None


def level_rank(level: str) -> int:
    record = rules().list_levels.get(level)
    return record.rank if record else 0


def sorted_levels(levels) -> list[str]:
    return sorted({str(lv) for lv in levels}, key=level_rank)
