"""Helpers shared by test modules (import as ``from helpers import ...``; conftest.py is not a module)."""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa


@contextlib.contextmanager
def cheap_hashing() -> Iterator[None]:
    """Passwords hashed with argon2's cheapest settings meanwhile (accounts made and signed in by the dozen;
    verifying reads the cost from the hash, so log-ins are quick too). The production parameters are tested in
    tests/core."""
    from argon2 import PasswordHasher

    from core.services import passwords

    production, passwords._hasher = passwords._hasher, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    try:
        yield
    finally:
        passwords._hasher = production


def rules_for(region: str, year: int = 2025):
    """The validated RegionRules of ``region`` without an app (pure rule tests)."""
    from core.plugins.manager import build_plugin_manager
    from core.plugins.rules import RegionRules

    rules = RegionRules(build_plugin_manager(region))
    rules.validate(year)
    return rules


#: the policy documents this product implements: ../shared/seeds beside the checkout (CI puts shared/ there)
SEEDS_DIR = Path(os.environ.get("GREENMFG_SEEDS", Path(__file__).resolve().parents[2] / "shared" / "seeds"))


def seed_text(name: str) -> str:
    """The text of a seed document. Missing seeds skip the test, except under CI where they fail."""
    path = SEEDS_DIR / name
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"seed {name} not found at {path}; set GREENMFG_SEEDS")
        pytest.skip(f"seed {name} not found at {path}; set GREENMFG_SEEDS")
    return path.read_text(encoding="utf-8")


def new_signing_key() -> str:
    """A fresh Ed25519 private key as ``GREENMFG_RECOMMENDATION_KEY`` takes it (its 32-byte seed, base64)."""
    import base64

    from cryptography.hazmat.primitives import serialization

    from core.services import signing

    key = signing.generate()
    return base64.b64encode(key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                              serialization.NoEncryption())).decode()


def register_province_key(app, province: str, private_key: str) -> str:
    """The ministry registers the public key of ``private_key`` for ``province`` (as ``greenmfg keys register``)."""
    from core.extensions import db
    from core.lists import keys
    from core.services import signing

    with app.app_context():
        row = keys.register("ministry", province, signing.public_text(signing.parse_private(private_key)))
        db.session.commit()
        return row.key_id


def redis_client(url: str, *, empty: bool = False):
    """A redis-py client of the Redis database at ``url``, or the test skips (no Redis at 127.0.0.1:6379).
    With ``empty`` the database is emptied first (tests/web/test_page_cache.py owns its database)."""
    from core.ratelimit import redis_answers

    if not redis_answers(url):
        pytest.skip("no Redis at 127.0.0.1:6379")
    import redis

    client = redis.Redis.from_url(url)
    if empty:
        client.flushdb()
    return client


class PgDatabase:
    """The worker's PostgreSQL test database, emptied before each test by deleting rows.

    A ``TRUNCATE`` of the 46 tables took 2.3-2.8 s a test on the 2-core machine (it makes new files for every
    table); deleting the few rows a test wrote and restarting the sequences takes milliseconds."""

    def __init__(self, url: str):
        self.url = url
        self.engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        self._empty_all: str | None = None

    def reset(self) -> None:
        with self.engine.begin() as conn:
            if self._empty_all is None:
                tables = [t for t in sa.inspect(conn).get_table_names() if t != "alembic_version"]
                quote = conn.dialect.identifier_preparer.quote
                # the audit log's guard refuses DELETE; a superuser's replica mode skips triggers, foreign keys
                # included, so the order of the tables does not matter
                self._empty_all = ";".join(["SET LOCAL session_replication_role = replica",
                                            *(f"DELETE FROM {quote(t)}" for t in tables),
                                            "SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'"])
            # a connection left by an earlier test (a job thread or server still finishing) could hold a lock
            # the delete waits for
            conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            conn.exec_driver_sql(self._empty_all)


class DemoCopies:
    """The demo (``greenmfg demo``: :func:`core.cli.demo_data.load_demo`) built once per test run for each region,
    database, day and configuration, and copied into the empty database of every later test that asks for the same,
    on any worker.

    A load writes about 1,400 rows through the services (submissions, evaluations, PDF checks, recommendations,
    list decisions): 5-25 s on the 2-core machine, asked for by some 60 tests. A copy is the rows themselves
    (PostgreSQL ``COPY`` in binary, triggers off as in :meth:`PgDatabase.reset`, the sequences where the load left
    them; SQLite the file) and the evidence files, in well under a second. The copies are files in a folder the
    run's workers share (:data:`DEMO_DIR`, removed when the run ends); a worker that needs a load another worker is
    making waits for it (a lock per load) instead of making it too. The load runs at the platform's date, part of
    the key, so a test that moves the clock gets its own load."""

    #: settings the load does not read: where the rows and files go, and whether forms ask for the CSRF token
    NOT_IN_KEY = ("GREENMFG_EVIDENCE_DIR", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED")

    @property
    def folder(self) -> Path:
        return demo_dir()

    def load(self, app, seed: int = 2025) -> dict[str, int]:
        """Fill ``app``'s empty database (and its evidence folder) with the demo; the load's counts."""
        import fcntl
        import hashlib
        import pickle

        from core.cli.demo_data import load_demo
        from core.clock import today
        from core.extensions import db
        from core.lists.history import import_history

        with app.app_context():
            evidence = app.config.get("GREENMFG_EVIDENCE_DIR")
            if not evidence or not self._empty(db):
                counts = load_demo(seed, iter, import_history)
                db.session.commit()
                return counts
            plain = (str, int, float, bool, type(None))
            config = repr(sorted((k, v) for k, v in app.config.items()
                                 if k not in self.NOT_IN_KEY and isinstance(v, plain)))
            key = repr((db.engine.dialect.name, seed, today(), config))
            kept = self.folder / hashlib.sha256(key.encode()).hexdigest()[:24]
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(kept.with_suffix(".lock"), "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # held while this worker loads; the other waits, then copies
                if (kept / "rows.pickle").exists():
                    counts, rows = pickle.loads((kept / "rows.pickle").read_bytes())
                    self._restore(db.engine, rows)
                    shutil.copytree(kept / "evidence", evidence, dirs_exist_ok=True)
                    return dict(counts)
                counts = load_demo(seed, iter, import_history)
                db.session.commit()
                making = Path(tempfile.mkdtemp(prefix=kept.name + "-", dir=self.folder))
                shutil.copytree(evidence, making / "evidence", dirs_exist_ok=True)
                (making / "rows.pickle").write_bytes(pickle.dumps((dict(counts), self._rows(db.engine))))
                making.rename(kept)
                return counts

    @staticmethod
    def _empty(db) -> bool:
        from core.models import AuditLog, Organization, User

        return not any(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (User, Organization,
                                                                                              AuditLog))

    @staticmethod
    def _rows(engine) -> Any:
        if engine.dialect.name == "sqlite":
            engine.dispose()
            return Path(engine.url.database).read_bytes()
        copies = {}
        with engine.connect() as conn:
            tables = [t for t in sa.inspect(conn).get_table_names() if t != "alembic_version"]
            cursor = conn.connection.driver_connection.cursor()
            quote = conn.dialect.identifier_preparer.quote
            for table in tables:
                with cursor.copy(f"COPY {quote(table)} TO STDOUT (FORMAT binary)") as copy:
                    copies[quote(table)] = b"".join(bytes(block) for block in copy)
            sequences = conn.execute(sa.text("SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), "
                                             "last_value FROM pg_sequences")).all()
        return copies, sequences

    @staticmethod
    def _restore(engine, rows: Any) -> None:
        if engine.dialect.name == "sqlite":
            engine.dispose()
            Path(engine.url.database).write_bytes(rows)
            return
        copies, sequences = rows
        with engine.begin() as conn:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            cursor = conn.connection.driver_connection.cursor()
            for table, data in copies.items():
                if data:
                    with cursor.copy(f"COPY {table} FROM STDIN (FORMAT binary)") as copy:
                        copy.write(data)
            for name, last in sequences:
                conn.execute(sa.text("SELECT setval(CAST(:n AS regclass), :v, :called)"),
                             {"n": name, "v": last or 1, "called": last is not None})


def demo_dir() -> Path:
    """The folder the run's workers share for their demo copies: tests/conftest.py names the run
    (``GREENMFG_TEST_RUN``) before the workers start, so they inherit it, and removes the folder when the run ends."""
    return Path(tempfile.gettempdir()) / f"greenmfg-demo-{os.environ.get('GREENMFG_TEST_RUN', os.getpid())}"


DEMO_COPIES = DemoCopies()


def read_tag(client, url: str, headers: dict | None = None) -> dict[str, str]:
    """``If-Match`` as a client that read the record before changing it sends (issue 48): the ETag of a GET of
    ``url`` (its path) with the same headers; nothing when the GET answers none (a path with no representation)."""
    response = client.get(url.split("?", 1)[0], headers=dict(headers or {}))
    etag = response.headers.get("ETag")
    return {"If-Match": etag} if response.status_code == 200 and etag else {}


def with_tag(client, method: str, url: str, **kwargs: Any):
    """``client.<method>(url, **kwargs)`` for a PATCH, PUT or DELETE sent with the tag of a GET just before it
    (unless the caller gave ``If-Match``), as every client that edits what it read does."""
    headers = kwargs["headers"] = dict(kwargs.get("headers") or {})  # the caller's dict stays as it was
    if method in ("patch", "put", "delete") and "If-Match" not in headers:
        headers.update(read_tag(client, url, headers))
    return getattr(client, method)(url, **kwargs)
