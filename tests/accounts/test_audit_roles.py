"""The audit log cannot be erased by the application (ASVS 4.0.3 7.3.3, issue 19), on PostgreSQL.

The deployment runs migrations as the tables' owner and the application as a second role
(``greenmfg db-roles grant-app ROLE``) that may only SELECT and INSERT audit rows. As that role,
UPDATE, DELETE, TRUNCATE and ALTER TABLE … DISABLE TRIGGER on the audit log all fail, while the
application's other tables stay writable; even the owner's TRUNCATE is refused by the statement
trigger. On SQLite the row triggers refuse UPDATE and DELETE (tests/core/test_audit_and_schema.py).
"""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa


@pytest.fixture
def pg_url(pg_database) -> str:
    pg_database.reset()
    return pg_database.url


def _as(url: str, role: str) -> sa.Engine:
    return sa.create_engine(sa.engine.make_url(url).set(username=role, password=None), poolclass=sa.pool.NullPool)


def test_the_app_role_may_only_append_to_the_audit_log(pg_url):
    from core import create_app

    role = f"greenmfg_app_{uuid.uuid4().hex[:8]}"
    owner = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    app = create_app({"SQLALCHEMY_DATABASE_URI": pg_url, "SECRET_KEY": "x", "TESTING": True,
                      "GREENMFG_REGION": "hubei"})
    from core.cli.db_roles_cmd import db_roles_group

    result = app.test_cli_runner().invoke(db_roles_group, ["grant-app", role])
    assert result.exit_code == 0, result.output
    assert "audit_log SELECT, INSERT only" in result.output
    again = app.test_cli_runner().invoke(db_roles_group, ["grant-app", role])  # idempotent
    assert again.exit_code == 0, again.output
    try:
        runtime = _as(pg_url, role)
        with runtime.begin() as conn:
            conn.execute(sa.text("INSERT INTO audit_log (at, actor, action, object_type, object_id, region, data) "
                                 "VALUES (now(), 'test', 'test.appended', 'x', '1', 'hubei', '{}')"))
            conn.execute(sa.text("INSERT INTO admin_unit (region, code, name, kind, source, active) "
                                 "VALUES ('hubei', 'hubei.t1', '测试市', '市', 'test', true)"))
            conn.execute(sa.text("UPDATE admin_unit SET name = '测试市二' WHERE code = 'hubei.t1'"))
            assert conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar() == 1
        for statement, expected in (
            ("UPDATE audit_log SET actor = 'someone else'", "permission denied"),
            ("DELETE FROM audit_log", "permission denied"),
            ("TRUNCATE audit_log", "permission denied"),
            ("ALTER TABLE audit_log DISABLE TRIGGER ALL", "must be owner"),
            ("DROP TABLE audit_log", "must be owner"),
        ):
            with runtime.connect() as conn, pytest.raises(sa.exc.DBAPIError, match=expected):
                conn.execute(sa.text(statement))
        # CASCADE: the owner's most forceful form (the inbox's rows refer to audit rows), refused all the same
        with owner.connect() as conn, pytest.raises(sa.exc.DBAPIError, match="append-only"):
            conn.execute(sa.text("TRUNCATE audit_log CASCADE"))
        with owner.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar() == 1
        runtime.dispose()
    finally:
        with owner.begin() as conn:
            conn.execute(sa.text(f'DROP OWNED BY "{role}"'))
            conn.execute(sa.text(f'DROP ROLE "{role}"'))
        owner.dispose()
        with app.app_context():
            from core.extensions import db

            db.engine.dispose()


def test_roles_need_postgresql_and_migrated_tables(tmp_path):
    from core import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "x",
                      "TESTING": True})
    from core.cli.db_roles_cmd import db_roles_group

    result = app.test_cli_runner().invoke(db_roles_group, ["grant-app", "greenmfg_app"])
    assert result.exit_code == 1 and "PostgreSQL" in result.output
