"""A reading request's statements outside a transaction until one needs it (issue 57, W1; core/kernel/reads.py).

On PostgreSQL a ``GET`` that only reads sends no ``BEGIN`` and no ``COMMIT``: its ``SELECT``\\s run in autocommit,
each seeing what was committed when it started, as under READ COMMITTED inside a transaction. The first statement
that needs the transaction (a write, a row or advisory lock, a savepoint, a sequence) begins it, and the rest of the
request is one transaction as before. The connection goes back to the pool out of autocommit."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from psycopg import pq

from core.accounts import services
from core.extensions import db
from core.kernel.reads import needs_transaction
from core.models import ApiToken, Role

IDLE, INTRANS = pq.TransactionStatus.IDLE, pq.TransactionStatus.INTRANS


@pytest.mark.parametrize("statement, needs", [
    ("SELECT application.id FROM application WHERE application.id = %(id)s", False),
    ("  select count(*) from list_entry", False),
    ("WITH t AS (SELECT 1) SELECT * FROM t", False),
    ("SELECT application.id FROM application WHERE application.id = %(id)s FOR UPDATE", True),
    ("SELECT notice_item.id FROM notice_item FOR UPDATE OF notice_item", True),
    ("SELECT x FROM t FOR NO KEY UPDATE", True),
    ("SELECT x FROM t FOR SHARE", True),
    ("SELECT x FROM t FOR KEY SHARE", True),
    ("SELECT pg_advisory_xact_lock(%(key)s)", True),
    ("SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) AS id", True),
    ("SELECT set_config('x.y', '1', true)", True),
    ("SAVEPOINT sa_savepoint_1", True),
    ("SET LOCAL statement_timeout = 0", True),
    ("LOCK TABLE application IN SHARE MODE", True),
    ("UPDATE web_session SET seen_at = %(seen_at)s WHERE web_session.id = %(id)s", True),
    ("INSERT INTO audit_log (id) VALUES (%(id)s)", True),
    ("DELETE FROM api_token WHERE id = %(id)s", True),
    ("WITH moved AS (UPDATE application SET status = 'x' RETURNING id) SELECT * FROM moved", True),
])
def test_which_statements_need_the_transaction(statement, needs):
    assert needs_transaction(statement) is needs


@pytest.fixture
def pg_app(make_app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("BEGIN and COMMIT as round trips: PostgreSQL (SQLite is a local file)")
    return make_app("hunan", GREENMFG_PAGE_CACHE="off")


@pytest.fixture
def seen(pg_app):
    """(statement's first word, the connection's transaction status right after it) for every statement."""
    with pg_app.app_context():
        engine = db.engine
    ran: list[tuple[str, pq.TransactionStatus]] = []

    def after(conn, cursor, statement, parameters, context, executemany):
        ran.append((statement.split()[0].upper(), conn.connection.dbapi_connection.info.transaction_status))

    sa.event.listen(engine, "after_cursor_execute", after)
    yield ran
    sa.event.remove(engine, "after_cursor_execute", after)


def _token(app, name: str) -> str:
    with app.app_context():
        user = services.create_user(username=name, password="只读请求不开事务测试口令-2026-绿色工厂",
                                    display_name="省厅", role=Role.PROVINCE, actor="test")
        db.session.commit()
        token, _ = services.create_token(user, "reads")
        db.session.commit()
    return token


def test_a_page_that_only_reads_runs_no_transaction(pg_app, seen):
    client = pg_app.test_client()
    assert client.get("/public/lists").status_code == 200
    seen.clear()
    assert client.get("/public/lists?lang=zh").status_code == 200
    assert seen and all(status == IDLE for _, status in seen), seen


def test_a_change_keeps_its_transaction_from_its_first_statement(pg_app, seen):
    """A request that changes data (here a log-in form's POST, its token checked) reads inside the transaction it
    writes in."""
    client = pg_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    seen.clear()
    client.post("/login", data={"csrf_token": csrf, "username": "nobody-here", "password": "x" * 20})
    assert seen and all(status == INTRANS for _, status in seen), seen


def test_a_reading_request_that_writes_writes_in_one_transaction(pg_app, seen):
    """An API request's token is marked as used at most hourly: that GET's UPDATE begins a transaction, which is
    committed (reads after it run outside a transaction again), and the connection is back in the pool out of
    autocommit."""
    token = _token(pg_app, "province_reads_token")
    with pg_app.app_context():
        db.session.execute(sa.update(ApiToken).values(last_used_at=None))
        db.session.commit()
    seen.clear()
    answer = pg_app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    writes = [i for i, (word, _) in enumerate(seen) if word in ("UPDATE", "INSERT")]
    assert writes, seen
    assert all(status == IDLE for _, status in seen[:writes[0]])  # the reads before it: no transaction
    assert all(seen[i][1] == INTRANS for i in writes)  # each write inside a transaction, which is committed
    with pg_app.app_context():
        assert db.session.scalar(sa.select(ApiToken.last_used_at)) is not None  # committed
        with db.engine.connect() as connection:
            assert connection.connection.dbapi_connection.autocommit is False
            assert connection.connection.dbapi_connection.info.transaction_status == IDLE


def test_outside_a_request_a_transaction_begins_at_the_first_statement(pg_app, seen):
    """Jobs and commands are not requests: their reads are in their transaction, as always."""
    with pg_app.app_context():
        seen.clear()
        db.session.execute(sa.select(sa.literal(1)))
        assert seen == [("SELECT", INTRANS)]
        db.session.rollback()


def test_rows_read_through_a_server_side_cursor_are_read_in_a_transaction(pg_app, seen):
    """``yield_per`` reads through a cursor PostgreSQL declares only inside a transaction (the city's summary
    table streams its rows so): such a read begins the transaction."""
    from core.models import AuditLog

    with pg_app.test_request_context("/", method="GET"):
        rows = list(db.session.execute(sa.select(AuditLog.id).execution_options(yield_per=10)))
        assert isinstance(rows, list)
        assert seen and seen[-1][1] == INTRANS, seen
        db.session.rollback()
