"""Append-only audit log. Database triggers refuse UPDATE and DELETE (see the migration); each entry carries the
keyed hash of the one before it (:mod:`core.services.audit_chain`), so a row inserted, changed or removed behind
the application's back breaks the chain ``greenmfg audit verify`` checks."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import String, event
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.clock import now
from core.models.base import JSONType, UTCDateTime


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str | None] = mapped_column(String(60))
    region: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSONType, default=dict)
    #: the chain (issue 47): the hash of the entry before (64 zeros for the first) and this entry's HMAC-SHA-256 over
    #: it and the entry's fields; empty on entries written before the chain began (migration 0035)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(AuditLog, "before_update")
@event.listens_for(AuditLog, "before_delete")
def _refuse_change(mapper, connection, target):
    raise AuditLogIsAppendOnly("审计日志只能追加 / the audit log is append-only")
