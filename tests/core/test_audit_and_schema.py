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

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases


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


def test_tables_keep_the_room_their_models_ask_for_on_postgresql(app):
    """Migrations 0032 and 0033 (issue 23, W2 and W4): unit_score and application pages keep room for a row's
    new version, as the models declare, so a recompute or a re-imported summary table touches no index."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("fillfactor is PostgreSQL's; SQLite has no such setting")
    declared = {t.name: t.dialect_options["postgresql"]["with"]["fillfactor"] for t in db.metadata.sorted_tables
                if (t.dialect_options["postgresql"].get("with") or {}).get("fillfactor")}
    assert declared == {"unit_score": 40, "application": 50}
    with db.engine.connect() as conn:
        options = dict(conn.execute(sa.text("SELECT relname, reloptions FROM pg_class WHERE relname = ANY(:names)"),
                                    {"names": list(declared)}).all())
    assert {name: options[name] for name in declared} == {name: [f"fillfactor={value}"]
                                                           for name, value in declared.items()}


def test_json_columns_read_back_what_json_writes(app):
    """JSON columns are written by orjson (core.config.json_text: W4, issue 23), yet keep ``json.dumps``'s
    contract: the same values read back (numbers as keys become strings), a value ``json`` cannot write (a
    time) is refused, one only ``json`` writes (an integer beyond 64 bits) is written; Chinese is stored as
    UTF-8. On SQLite and PostgreSQL."""
    import datetime as dt
    import json

    from core.config import json_text

    data = {"单位": "湖南华菱湘潭钢铁有限公司", "years": [2021, 2022], "revenue": 1234.5, "none": None, "ok": True,
            "rows": [{"year": 2023, "energy": "12.5"}], 2024: "数字键", "huge": 2**70}
    assert json.loads(json_text(data)) == json.loads(json.dumps(data))
    assert "湖南" in json_text(data)  # UTF-8, not \\u escapes
    for refused in (dt.date(2024, 6, 30), {1, 2}, object()):
        with pytest.raises(TypeError):
            json_text({"x": refused})
    entry = audit.record("t", "x.done", "thing", 1, **{k: v for k, v in data.items() if k != 2024}, **{"2024": "数字键"})
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(AuditLog, entry.id).data
    assert stored == json.loads(json.dumps({**{k: v for k, v in data.items() if k != 2024}, "2024": "数字键"}))
    if db.engine.dialect.name == "sqlite":  # the text as stored (PostgreSQL keeps jsonb, not text)
        raw = db.session.execute(sa.text("SELECT data FROM audit_log WHERE id = :id"), {"id": entry.id}).scalar()
        assert "湖南华菱" in raw
    # SQLite's bind processing wraps the TypeError; psycopg's dumper lets it through
    with pytest.raises((sa.exc.StatementError, TypeError), match="not JSON serializable"):
        audit.record("t", "x.done", "thing", 1, when=dt.datetime(2024, 6, 30, tzinfo=dt.timezone.utc))
        db.session.flush()
    db.session.rollback()
