"""The training instance's clock (issue 42): one row, how many days the instance runs ahead of the real date."""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models.base import TimestampMixin, VersionMixin


class TrainingClock(TimestampMixin, VersionMixin, db.Model):
    """The offset :mod:`core.clock` adds to the real time on a training instance (row ``id`` 1).

    Whole days, so the instance's hours follow the real ones; history is the audit log (``clock.moved``)."""

    __tablename__ = "training_clock"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    offset_days: Mapped[int] = mapped_column(default=0)
    moved_by: Mapped[str] = mapped_column(String(120))
