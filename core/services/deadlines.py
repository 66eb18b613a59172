"""Deadlines in Asia/Shanghai time. A deadline day ends at 24:00 Beijing time."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.errors import DeadlinePassed
from core.models import Campaign

SHANGHAI = ZoneInfo("Asia/Shanghai")


def end_of_day(day: dt.date) -> dt.datetime:
    """The instant a deadline on ``day`` passes: the next midnight in Asia/Shanghai, in UTC.

    UTC because SQLite keeps no offset: an aware Beijing time would read back 8 hours late.
    """
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=SHANGHAI).astimezone(dt.timezone.utc)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes for timezone-aware columns; they are stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def check_submission_open(campaign: Campaign, at: dt.datetime | None = None) -> None:
    """Raise :class:`DeadlinePassed` unless ``campaign`` accepts submissions at ``at``."""
    at = _aware(at or now())
    opens, closes = _aware(campaign.opens_at), _aware(campaign.closes_at)
    if at < opens:
        raise DeadlinePassed(
            "This campaign opens for submissions at %(opens)s (Beijing time).",
            opens=opens.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        )
    if at >= closes:
        raise DeadlinePassed(
            "The submission deadline passed at %(closes)s (Beijing time); submissions are closed.",
            closes=closes.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        )
