"""Helpers shared by the management services: rules, dates in Beijing time, text checks, commit."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l

from core.errors import InvalidInput
from core.clock import noon, now
from core.kernel.rules import region_rules
from core.services.calendar import WorkCalendar


def moment(on: dt.date | None) -> dt.datetime:
    """The instant recorded for an action on ``on`` (a simulated day: noon Beijing time), else now."""
    if on is None:
        return now()
    return noon(on)


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


def level_rank(level: str) -> int:
    record = region_rules().list_levels.get(level)
    return record.rank if record else 0


def sorted_levels(levels) -> list[str]:
    return sorted({str(lv) for lv in levels}, key=level_rank)
