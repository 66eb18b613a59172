"""The audit log is append-only in the database; models and migrations agree."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.extensions import db
from core.models import AuditLog
from core.models.audit import AuditLogIsAppendOnly
from core.services import audit


def test_orm_refuses_to_change_audit_rows(app):
    entry = audit.record("t", "x.done", "thing", 1, a=1)
    db.session.commit()
    entry.action = "x.undone"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditLog, entry.id))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()


def test_database_triggers_refuse_raw_update_and_delete(app):
    audit.record("t", "x.done", "thing", 1)
    db.session.commit()
    for statement in ("UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(sa.text(statement))
    assert db.session.query(AuditLog).one().action == "x.done"


def test_models_and_migrations_agree(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == []
