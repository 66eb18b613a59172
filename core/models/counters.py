"""Counters kept in the transaction that changes what they count.

:class:`LimitCounter` holds limits under concurrency (evaluator caps, city quotas). A reservation increments
``used`` with one conditional UPDATE (``SET used = used + 1 WHERE key = :k AND used < :limit``) inside the
caller's transaction. PostgreSQL row locks and SQLite's single writer make that atomic: two processes racing for
the last place can never both succeed.

:class:`ApplicationCount` holds how many applications each round has in each city and status, for the pages that
show those figures (issue 57: the home pages, the campaigns, a round's cities). The database's own triggers on
``application`` keep it (migration 0052), so every way of writing applications keeps it right; nothing in Python
writes it.
"""
from __future__ import annotations

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models.base import TimestampMixin


class LimitCounter(TimestampMixin, db.Model):
    __tablename__ = "limit_counter"
    __table_args__ = (CheckConstraint("used >= 0", name="used_not_negative"),)

    #: e.g. "cap:legal_representative:张三:national:2025" or "quota:hubei.wuhan:factory:2021-2025"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    used: Mapped[int] = mapped_column(default=0)


class ApplicationCount(db.Model):
    """How many applications of round ``campaign_id`` in city ``admin_unit_id`` are in ``status`` (a row stays,
    at 0, once its last application has moved on). No foreign keys: figures derived from ``application``."""

    __tablename__ = "application_count"
    __table_args__ = (CheckConstraint("n >= 0", name="n_not_negative"),
                      Index("ix_application_count_unit_status", "admin_unit_id", "status"))

    campaign_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    admin_unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: an :class:`~core.models.campaigns.ApplicationStatus` value, as ``application.status`` stores it
    status: Mapped[str] = mapped_column(String(32), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)
