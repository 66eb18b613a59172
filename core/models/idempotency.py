"""The first answer to each ``Idempotency-Key`` (issue 48), kept so that a retried POST is answered again, not done
twice, even after the worker that did it restarted (:mod:`core.api.idempotency`)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models.base import JSONType, UTCDateTime


class IdempotencyKey(db.Model):
    """One key of one caller on one operation: while ``status`` is null the first request is still running; then its
    answer (status, the headers a client reads, body). The unique constraint is what makes two requests racing with
    the same key do the work once: the second one's insert fails inside the database, whatever the workers."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("scope", "method", "path", "key"),
        Index("ix_idempotency_keys_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: whose key: ``user:<id>`` (a token's account), ``address:<ip>`` (a public operation called without one)
    scope: Mapped[str] = mapped_column(String(80))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    key: Mapped[str] = mapped_column(String(255))
    #: keyed hash (HMAC-SHA256) of the request's query and body, as parsed (a multipart boundary does not count)
    request_hash: Mapped[str] = mapped_column(String(64))
    #: the first answer's status; null while the first request runs
    status: Mapped[int | None] = mapped_column(nullable=True)
    headers: Mapped[dict | None] = mapped_column(JSONType, nullable=True)
    body: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
