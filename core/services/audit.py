"""Writing the append-only audit log. Every state change calls :func:`record`; each row takes its place in the
log's hash chain as it is inserted (:mod:`core.services.audit_chain`); :func:`record_rows` writes many at once."""
from __future__ import annotations

from typing import Any

from core.extensions import db
from core.kernel.rules import region_rules
from core.models import AuditLog
from core.services import audit_chain  # extends the chain on every insert
from core.services.bulk_writes import insert_rows


def record(actor: str, action: str, object_type: str, object_id: Any = None, **data: Any) -> AuditLog:
    """Add an audit row to the current transaction (committed with the change it describes)."""
    entry = AuditLog(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        region=region_rules().region_code,
        data=data,
    )
    db.session.add(entry)
    return entry


def record_rows(rows: list[dict[str, Any]]) -> None:
    """Many audit rows at once (a file's import), each a dict of ``at``, ``actor``, ``action``, ``object_type``,
    ``object_id``, ``region`` and ``data``: in the chain as :func:`record`'s are, written by one INSERT (one COPY on
    PostgreSQL) in the current transaction (the caller commits)."""
    if rows:
        insert_rows(AuditLog.__table__, audit_chain.chained(rows))
