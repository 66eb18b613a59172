"""The admin-editable working-day table behind :mod:`core.services.calendar`."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models.base import TimestampMixin


class CalendarDay(TimestampMixin, db.Model):
    """An admin's ruling on one day: a holiday, or a make-up working day (调休)."""

    __tablename__ = "calendar_day"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool]
    name: Mapped[str] = mapped_column(String(100), default="")
    entered_by: Mapped[str] = mapped_column(String(120))


class CalendarYear(TimestampMixin, db.Model):
    """A year whose holidays an admin has entered completely (for years the library lacks)."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    entered_by: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(String(300), default="")
