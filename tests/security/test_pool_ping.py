"""The pool's check of a kept PostgreSQL connection (issue 57, W1): a connection that came back less than
``GREENMFG_DB_PING_AFTER_IDLE`` seconds ago, with nothing from the server waiting on its socket, is handed out
without the ``SELECT 1`` round trip; one the server ended while it sat in the pool (a restart, an administrator's
``pg_terminate_backend``) is still checked, found dead and replaced, so the visitor's page answers 200; one idle
longer is checked as before. core/kernel/db_deadline.py."""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from core.kernel import db_deadline


@pytest.fixture
def pings(monkeypatch):
    """Every check the pool makes, counted (the real check still runs)."""
    made: list[float] = []
    real = db_deadline.ping_connection

    def counted(dbapi_connection, seconds):
        made.append(seconds)
        return real(dbapi_connection, seconds)

    monkeypatch.setattr(db_deadline, "ping_connection", counted)
    return made


@pytest.fixture
def postgresql(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the pool's check is PostgreSQL's (SQLite is a local file)")
    return database_url


def _page(client) -> None:
    answer = client.get("/public/lists?lang=zh")
    assert answer.status_code == 200, answer.status_code


def test_a_connection_just_back_in_the_pool_is_handed_out_without_the_check(make_app, postgresql, pings):
    app = make_app("hunan", GREENMFG_PAGE_CACHE="off")
    client = app.test_client()
    _page(client)  # the pool's connection made (a new connection is checked once)
    pings.clear()
    for _ in range(5):
        _page(client)
    assert pings == []


def test_with_the_setting_at_zero_every_checkout_is_checked(make_app, postgresql, pings):
    app = make_app("hunan", GREENMFG_PAGE_CACHE="off", GREENMFG_DB_PING_AFTER_IDLE=0)
    client = app.test_client()
    _page(client)
    pings.clear()
    for _ in range(3):
        _page(client)
    assert len(pings) >= 3


def test_a_connection_idle_longer_than_the_setting_is_checked(make_app, postgresql, pings):
    app = make_app("hunan", GREENMFG_PAGE_CACHE="off", GREENMFG_DB_PING_AFTER_IDLE=0.2)
    client = app.test_client()
    _page(client)
    _page(client)
    pings.clear()
    time.sleep(0.3)
    _page(client)
    assert len(pings) == 1


def test_a_connection_the_server_ended_in_the_pool_is_checked_and_replaced(make_app, postgresql, pings):
    """The server ends every connection of the app while they sit in the pool: the next page is still 200,
    made on a new connection, because the ended connection's socket is readable (the server's error, then end of
    file) and the check runs on it and fails."""
    app = make_app("hunan", GREENMFG_PAGE_CACHE="off")
    client = app.test_client()
    _page(client)
    _page(client)
    admin = sa.create_engine(postgresql, poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as connection:
            ended = connection.execute(sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )).scalar_one()
    finally:
        admin.dispose()
    assert ended >= 1
    time.sleep(0.2)  # the server's error and end of file reach the pooled sockets
    pings.clear()
    _page(client)
    assert len(pings) >= 1
    _page(client)
