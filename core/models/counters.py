"""Counters that hold limits under concurrency (evaluator caps, city quotas).

A reservation increments ``used`` with one conditional UPDATE
(``SET used = used + 1 WHERE key = :k AND used < :limit``) inside the caller's
transaction. PostgreSQL row locks and SQLite's single writer make that atomic:
two processes racing for the last place can never both succeed.
"""
from __future__ import annotations

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models.base import TimestampMixin


class LimitCounter(TimestampMixin, db.Model):
    __tablename__ = "limit_counter"
    __table_args__ = (CheckConstraint("used >= 0", name="used_not_negative"),)

    #: e.g. "cap:legal_representative:张三:national:2025" or "quota:hubei.wuhan:factory:2021-2025"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    used: Mapped[int] = mapped_column(default=0)
