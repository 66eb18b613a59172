"""Where the benchmarks run: a fresh SQLite file, then a throwaway PostgreSQL database (created and dropped
here) when the server answers, so every figure is measured on both in one run."""
from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa

T = TypeVar("T")


def with_databases(pg_url: str, body: Callable[[str], T], label: str = "") -> dict[str, T]:
    """``body(url)`` on SQLite and, when the server at ``pg_url`` answers, on a throwaway PostgreSQL database;
    ``{"sqlite": …, "postgresql": …}``. ``label`` follows the database's name in the progress lines."""
    results: dict[str, T] = {}
    with tempfile.TemporaryDirectory() as tmp:
        print(f"SQLite{label}")
        results["sqlite"] = body(f"sqlite:///{tmp}/bench.sqlite3")
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool,
                             connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError:
        print("PostgreSQL: no server answers; skipped")
        return results
    name = f"greenmfg_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        print(f"PostgreSQL{label}")
        url = sa.engine.make_url(pg_url).set(database=name).render_as_string(hide_password=False)
        results["postgresql"] = body(url)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return results
