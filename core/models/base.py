"""Shared column types and helpers for the models."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, object_session
from sqlalchemy.types import TypeDecorator

from core.clock import now

#: JSON on SQLite, JSONB on PostgreSQL
JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator):
    """A timezone-aware instant, stored in UTC and read back aware, on every database.

    SQLite keeps no offset: an aware Beijing time written as is would read back as
    UTC, eight hours late. Naive values are refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a timezone (times are stored in UTC)")
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)


class VersionMixin:
    """A record's version (issue 55): bumped by every UPDATE of its row, so the ``ETag`` derived from it
    (:mod:`core.api.etags`) changes with the record, and a guarded change is a compare-and-set on it
    (``UPDATE ... SET version = version + 1 WHERE id = ? AND version = ?``, :func:`core.api.etags.claim`).

    Unlike ``version_id_col`` (the application, the annual filing, the expert's scores), no other write of the
    row is refused for racing: only the changes a client guards with ``If-Match`` or a form's version field."""

    version: Mapped[int] = mapped_column(default=1, server_default="1")


@event.listens_for(VersionMixin, "before_update", propagate=True)
def _bump_version(mapper, connection, target) -> None:
    session = object_session(target)
    if session is not None and session.is_modified(target, include_collections=False):
        target.version = (target.version or 0) + 1
