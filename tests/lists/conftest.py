"""Fixtures for the list tests: a second database for the national (ministry) instance that
imports a province's recommendation, on the same back end as ``database_url``."""
from __future__ import annotations

import os
import shutil
import sys
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review

PG_URL = os.environ.get("GREENMFG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def pg_national_url(pg_database) -> Iterator[str]:
    """A second migrated PostgreSQL database (the province's is ``pg_database``)."""
    from flask_migrate import upgrade

    from core import create_app
    from core.extensions import db

    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    name = f"greenmfg_test_{uuid.uuid4().hex[:10]}_national"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        app = create_app({"SECRET_KEY": "t", "TESTING": True, "GREENMFG_RULES_YEAR": 2025,
                          "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            db.engine.dispose()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def national_url(database_url, request, tmp_path) -> Iterator[str]:
    """An empty migrated database for a national instance, on the back end of ``database_url``."""
    if database_url.startswith("sqlite"):
        path = tmp_path / "national.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("pg_national_url")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        tables = [t for t in sa.inspect(conn).get_table_names() if t != "alembic_version"]
        conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    yield url
