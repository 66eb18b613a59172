"""Where the benchmarks run: a fresh SQLite file, then a throwaway PostgreSQL database (created and dropped
here) when the server answers, so every figure is measured on both in one run. With ``keep`` (a directory) the
databases outlive the run instead: ``KEEP/<name>.sqlite3`` and the PostgreSQL database ``greenmfg_<name>``, so a
500k build (bench/build_rows.py ``keep=True``, which rebuilds them when the schema head changes) is made once."""
from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa

T = TypeVar("T")


def server(pg_url: str) -> sa.Engine | None:
    """The administrative connection to the PostgreSQL server at ``pg_url`` (autocommit, to create and drop
    databases), or None, said, when no server answers."""
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool,
                             connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError:
        print("PostgreSQL: no server answers; skipped")
        return None
    return admin


def with_databases(pg_url: str, body: Callable[[str], T], label: str = "", *, keep: str | None = None,
                   name: str = "", only: str = "both") -> dict[str, T]:
    """``body(url)`` on SQLite and, when the server at ``pg_url`` answers, on a throwaway PostgreSQL database;
    ``{"sqlite": …, "postgresql": …}``. ``label`` follows the database's name in the progress lines; ``keep``
    and ``name``: kept databases (module docstring); ``only``: "sqlite" or "postgresql" runs one of the two."""
    results: dict[str, T] = {}
    if only in ("both", "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            print(f"SQLite{label}")
            folder = Path(keep) if keep else Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            results["sqlite"] = body(f"sqlite:///{folder / (name or 'bench')}.sqlite3")
    if only not in ("both", "postgresql"):
        return results
    admin = server(pg_url)
    if admin is None:
        return results
    database = f"greenmfg_{name}" if keep else f"greenmfg_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database}).first():
            conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
    try:
        print(f"PostgreSQL{label}" + (f" (kept: {database})" if keep else ""))
        url = sa.engine.make_url(pg_url).set(database=database).render_as_string(hide_password=False)
        results["postgresql"] = body(url)
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
    return results
