"""Job throughput (issue 22): PDF checks per second through Redis workers (RQ, one forked work horse per
check) with 1 and 2 workers, against today's check in the web process (a fresh interpreter per upload); and
persistent jobs per second (a row claimed, heartbeated and completed): with the in-process threads on SQLite
(the demo; SQLite instances never use Redis workers) and PostgreSQL, and with 2 Redis workers on PostgreSQL.

    python bench/bench_jobs.py [--checks 60] [--jobs 40] [--db-prefix greenmfg_]

Needs Redis on 127.0.0.1:6379 (db 14 is flushed) and, for the PostgreSQL figures, the server at
GREENMFG_TEST_PG_URL (default the local ``test`` database; a throwaway database, ``--db-prefix`` + ``bench_`` +
random, is created and dropped). The workers listen on no port. Prints one table and the ratio 2 workers ÷ 1;
exits 1 if 2 workers do not check faster than 1 (the pool must scale on 2 cores).
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "applications"))

from benchdb import options, postgresql, throwaway_name  # noqa: E402

REDIS = "redis://127.0.0.1:6379/14"
PG = os.environ.get("GREENMFG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _app(url: str, backend: str = "redis"):
    from core import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "b", "GREENMFG_REGION": "hunan",
                       "GREENMFG_RULES_YEAR": 2025, "GREENMFG_JOBS_BACKEND": backend, "GREENMFG_REDIS_URL": REDIS})


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    from core.extensions import db, init_migrate

    app = _app(url, "thread")
    init_migrate(app)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _workers(n: int, url: str, instance: str) -> list[subprocess.Popen]:
    env = {**os.environ, "GREENMFG_DATABASE_URL": url, "GREENMFG_REGION": "hunan", "GREENMFG_SECRET_KEY": "b",
           "GREENMFG_RULES_YEAR": "2025", "GREENMFG_JOBS_BACKEND": "redis", "GREENMFG_REDIS_URL": REDIS,
           "GREENMFG_INSTANCE_PATH": instance, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([str(Path(sys.executable).parent / "greenmfg"), "worker", "--no-scheduler"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
             for _ in range(n)]
    from rq import Worker
    import redis

    conn = redis.Redis.from_url(REDIS)
    deadline = time.monotonic() + 60
    while Worker.count(connection=conn) < n and time.monotonic() < deadline:
        time.sleep(0.1)
    return procs


def _stop(procs) -> None:
    for p in procs:
        os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        p.wait(30)


def pdf_checks(url: str, checks: int, instance: str) -> dict[str, float]:
    from app_world import pdf

    from core.applications import pdfcheck
    from core.jobs import call

    data = pdf(5)
    out = {}
    t = time.perf_counter()
    for _ in range(min(checks, 20)):
        assert pdfcheck.check(data).pages == 5
    out["in the web process (new interpreter)"] = min(checks, 20) / (time.perf_counter() - t)
    app = _app(url)
    for n in (1, 2):
        procs = _workers(n, url, instance)
        try:
            def one(_):
                with app.app_context():
                    return call("evidence.check_pdf", data, timeout=30)["pages"]
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(one, range(4)))  # warm
                t = time.perf_counter()
                assert set(pool.map(one, range(checks))) == {5}
                out[f"{n} Redis worker{'s' if n > 1 else ''}"] = checks / (time.perf_counter() - t)
        finally:
            _stop(procs)
    return out


def persistent_jobs(url: str, jobs: int, instance: str, backend: str) -> float:
    from core.extensions import db
    from core.jobs import enqueue
    from core.models import Job

    app = _app(url, backend)
    procs = _workers(2, url, instance) if backend == "redis" else []
    try:
        with app.app_context():
            t = time.perf_counter()
            for _ in range(jobs):
                enqueue("jobs.prune")
                db.session.commit()
            while db.session.scalar(sa.select(sa.func.count()).select_from(Job).where(Job.status == "done")) < jobs:
                db.session.rollback()
                time.sleep(0.05)
            rate = jobs / (time.perf_counter() - t)
            db.session.remove()
            db.engine.dispose()
            return rate
    finally:
        _stop(procs)


def build_parser() -> argparse.ArgumentParser:
    """The bench's options (tests/ops/test_bench_options.py reads them without running the bench)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     parents=[options(databases=True, serves=False)])
    parser.add_argument("--checks", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=40)
    return parser


def main(argv: list[str] | None = None) -> int:
    import redis

    args = build_parser().parse_args(argv)
    redis.Redis.from_url(REDIS).flushdb()
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = f"sqlite:///{tmp}/bench.sqlite3"
        _migrate(sqlite)
        admin = sa.create_engine(PG, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        name = throwaway_name(args.db_prefix)
        print(f"PostgreSQL ({name})")
        try:
            with postgresql(admin, PG, [name]) as (pg,):
                _migrate(pg)
                checks = pdf_checks(pg, args.checks, tmp + "/i")
                rows = {"SQLite, in-process threads (the demo)": persistent_jobs(sqlite, args.jobs, tmp + "/i",
                                                                                  "thread"),
                        "PostgreSQL, in-process threads": persistent_jobs(pg, args.jobs, tmp + "/i", "thread"),
                        "PostgreSQL, 2 Redis workers": persistent_jobs(pg, args.jobs, tmp + "/i", "redis")}
        finally:
            admin.dispose()
    print("PDF checks per second (5-page PDF, 4 concurrent uploads):")
    for label, rate in checks.items():
        print(f"  {label:40s} {rate:7.1f}/s")
    print("persistent jobs per second (claim, heartbeat, complete):")
    for label, rate in rows.items():
        print(f"  {label:40s} {rate:7.1f}/s")
    ratio = checks["2 Redis workers"] / checks["1 Redis worker"]
    ok = ratio > 1
    print(f"goal: PDF checks with 2 workers ÷ with 1 > 1× — {'met' if ok else 'MISSED'} ({ratio:.2f}×)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
