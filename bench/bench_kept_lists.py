"""Benchmark: the city list with its campaign choices and city names checked against the database on every
request (issue 22: no per-worker truth) beside the same page with them kept unchecked in the worker (what a
per-worker cache costs), in one run, on SQLite and PostgreSQL.

    python bench/bench_kept_lists.py [--applications 5000] [--requests 200] [--slices 6] [--pg URL] [--keep DIR]
                                     [--db-prefix greenmfg_]

Builds a Hunan instance (bench/build_rows.py; kept with ``--keep DIR``) per database, logs in as Changsha's city
staff and requests the second page of ``/city?status=submitted&unit_type=factory&campaign=1`` (its next link)
in-process (Flask's test client), alternating the two modes in ``--slices`` slices so other load falls on both
alike. Prints min/median/max milliseconds per page of each mode and the ratio of the medians. Goal: the checked
page within 1.15× of the unchecked one. Exits 1 if the goal is missed. ``--pg`` defaults to the local ``test``
server (a throwaway database, ``--db-prefix`` + ``bench_`` + random, is created and dropped; kept with ``--keep``:
``--db-prefix`` + ``rows_N``); without a server the PostgreSQL half is skipped with the reason. It serves nothing.
"""
from __future__ import annotations

import argparse
import html
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import options, with_databases  # noqa: E402
from build_rows import CITY, build, make_app  # noqa: E402

FIRST = "/city?status=submitted&unit_type=factory&campaign=1"
GOAL = 1.15


def _measure(url: str, n: int, requests: int, slices: int, keep: bool) -> dict[str, list[float]]:
    from core.applications import campaigns

    built = build(url, n, keep=keep)
    app = make_app(url, GREENMFG_RATELIMIT_ENABLED=False)
    client = app.test_client()
    client.set_cookie("session", built.cookies[CITY])
    page = html.unescape(re.search(r'id="next-page" href="([^"]+)"', client.get(FIRST).get_data(as_text=True))[1])
    checked = campaigns._kept_version

    def unchecked() -> tuple:
        return ("kept",)

    out: dict[str, list[float]] = {"checked": [], "unchecked": []}
    for mode in ("checked", "unchecked"):  # warm both
        campaigns._kept_version = checked if mode == "checked" else unchecked
        for _ in range(20):
            assert client.get(page).status_code == 200
    for _ in range(slices):
        for mode in ("checked", "unchecked"):
            campaigns._kept_version = checked if mode == "checked" else unchecked
            start = time.perf_counter()
            for _ in range(requests):
                client.get(page)
            out[mode].append((time.perf_counter() - start) * 1000 / requests)
    campaigns._kept_version = checked
    with app.app_context():
        from core.extensions import db

        db.engine.dispose()
    return out


def build_parser() -> argparse.ArgumentParser:
    """The bench's options (tests/ops/test_bench_options.py reads them without running the bench)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     parents=[options(databases=True, serves=False)])
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=200, help="requests per slice and mode")
    parser.add_argument("--slices", type=int, default=6)
    parser.add_argument("--pg", default=os.environ.get("GREENMFG_TEST_PG_URL",
                                                       "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--keep", metavar="DIR", default="", help="keep and reuse the built databases (bench_pages.py)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs); {args.applications} applications, "
          f"{args.slices} slices × {args.requests} requests per mode")
    found = with_databases(args.pg, lambda url: _measure(url, args.applications, args.requests, args.slices,
                                                         bool(args.keep)),
                           keep=args.keep or None, name=f"rows_{args.applications}", prefix=args.db_prefix)
    results = {{"sqlite": "SQLite", "postgresql": "PostgreSQL"}[k]: v for k, v in found.items()}
    ok, worst = True, 0.0
    print(f"{'database':<11} {'checked ms (min/med/max)':<28} {'unchecked ms (min/med/max)':<28} ratio")
    for db_name, r in results.items():
        c, u = r["checked"], r["unchecked"]
        ratio = statistics.median(c) / statistics.median(u)
        ok &= ratio <= GOAL
        worst = max(worst, ratio)
        print(f"{db_name:<11} {min(c):6.2f}/{statistics.median(c):6.2f}/{max(c):6.2f}{'':8} "
              f"{min(u):6.2f}/{statistics.median(u):6.2f}/{max(u):6.2f}{'':8} {ratio:.2f}× (goal ≤ {GOAL}×)")
    print(f"goal: checked page ≤ {GOAL}× the unchecked one on every database — {'met' if ok else 'MISSED'} "
          f"(worst {worst:.2f}×); load average {os.getloadavg()[0]:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
