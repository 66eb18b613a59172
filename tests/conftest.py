"""Test fixtures: every database test runs on SQLite and on PostgreSQL.

``database_url`` is parametrized over both back ends, so one ``pytest`` run
covers both. PostgreSQL tests use a throwaway database created on the server at
``GREENMFG_TEST_PG_URL`` (default: the local ``test`` database with trust auth)
and dropped afterwards. Without a server they skip with the reason; with
``CI`` set they fail instead, so CI can never pass without PostgreSQL.
"""
from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

PG_URL = os.environ.get("GREENMFG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
#: rate limits off: tests log in far more often than a person (tests/core/test_rate_limits.py turns them on);
#: no second factor required of staff (tests/accounts/test_mfa.py requires it)
BASE_CONFIG = {"SECRET_KEY": "test-secret", "TESTING": True, "GREENMFG_RULES_YEAR": 2025,
               "GREENMFG_RATELIMIT_ENABLED": False, "GREENMFG_RATELIMIT_STORAGE": "memory://",
               "GREENMFG_MFA_ROLES": [],
               # jobs run in threads of the test process (tests/jobs start real Redis workers themselves); no
               # scheduler thread: an app made with TESTING=False would otherwise run the hourly due work
               # (overdue filings → removal proposals) on the database of every later test
               "GREENMFG_JOBS_BACKEND": "thread", "GREENMFG_JOBS_EMBEDDED_SCHEDULER": False}
#: ``GREENMFG_TEST_PAGE_CACHE=1`` runs every test with the list pages kept in Redis (core/web/pagecache.py), in a
#: Redis database per xdist worker (8, 9, ...) emptied before each test: a test that then fails where it passes
#: without it found a page kept past a change it shows
KEEP_PAGES = os.environ.get("GREENMFG_TEST_PAGE_CACHE") == "1"


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    from core import create_app
    from core.extensions import init_migrate

    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    init_migrate(app)
    with app.app_context():
        upgrade()
        from core.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    _migrate(f"sqlite:///{path}")
    return path


class PgDatabase:
    def __init__(self, url: str):
        self.url = url
        self.engine = sa.create_engine(url, poolclass=sa.pool.NullPool)

    def reset(self) -> None:
        # a connection left by an earlier test (a job thread or server still finishing) could hold a table's
        # lock while it waits for one TRUNCATE holds (seen once: "deadlock detected" at a test's setup)
        with self.engine.begin() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        with self.engine.begin() as conn:
            tables = [t for t in sa.inspect(conn).get_table_names() if t != "alembic_version"]
            if tables:  # the audit log's guard refuses TRUNCATE; a superuser's replica mode skips triggers
                conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
                conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def pg_database() -> Iterator[PgDatabase]:
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool,
                             connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        reason = f"no PostgreSQL server at {PG_URL} ({type(exc.orig).__name__}); set GREENMFG_TEST_PG_URL"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)
    name = f"greenmfg_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url)
        db = PgDatabase(url)
        yield db
        db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _kept_pages_redis() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return f"redis://127.0.0.1:6379/{8 + int(worker.removeprefix('gw') or 0) % 8}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """A migrated, empty database: a copy of the SQLite template, or the PostgreSQL test database."""
    if KEEP_PAGES:
        import redis

        redis.Redis.from_url(_kept_pages_redis()).flushdb()
    if request.param == "sqlite":
        path = tmp_path / "greenmfg.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        pg: PgDatabase = request.getfixturevalue("pg_database")
        pg.reset()
        yield pg.url


@pytest.fixture
def make_app(database_url, tmp_path) -> Iterator[Callable[..., Any]]:
    """Build an app on the test database: ``make_app(region="hubei", **config)``."""
    from core import create_app
    from core.extensions import db

    apps = []

    def factory(region: str = "national", **config: Any):
        kept = {"GREENMFG_PAGE_CACHE": "redis", "GREENMFG_REDIS_URL": _kept_pages_redis()} if KEEP_PAGES else {}
        app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                          "GREENMFG_REGION": region, **kept, **config})
        apps.append(app)
        return app

    yield factory
    from core.jobs.schedule import stop_embedded

    for app in apps:
        stop_embedded(app)  # a test that turned the scheduler on ends it with the test
        jobs = app.extensions.get("greenmfg_jobs")
        if getattr(jobs, "kind", None) == "thread":  # background work (notification deliveries) ends with its test,
            try:                                     # never holding locks into the next test's reset
                jobs.wait(30)
            except TimeoutError:
                pass
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def cheap_hashes():
    """Passwords hashed with argon2's cheapest settings for the test (accounts made and signed in by the dozen)."""
    from helpers import cheap_hashing

    with cheap_hashing():
        yield


@pytest.fixture
def app(make_app, request):
    marker = request.node.get_closest_marker("region")
    app = make_app(marker.args[0] if marker else "national")
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
