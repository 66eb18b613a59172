"""W1 (issue 46): the product's fixed cost per request, whatever the page: its lightest answers beside a bare Flask
route, in process, CPU time per request.

    python bench/bench_fixed_cost.py [--requests 1000] [--rounds 2] [--database /tmp/bench.sqlite3]

As deployed with Redis (what pages read remembered while nothing is written; pages made for each request), on a
database built by bench/build_rows.py (5,000 applications, kept in ``--database`` and reused): a bare Flask route;
``/healthz`` (no session, no template); a page that does not exist, signed out and signed in as the province's
staff (the layout, the header, the user, the session and the transaction around an answer that reads nothing);
a style sheet. What a page costs beyond these is the page's own work. It prints each case's milliseconds and its
ratio to the bare route (no goal: figures only). It creates no PostgreSQL database and serves nothing (the SQLite
file is ``--database``): ``--db-prefix`` and ``--ports`` change nothing here.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchdb import options  # noqa: E402
from build_rows import PROVINCE, build, make_app  # noqa: E402


def build_parser() -> argparse.ArgumentParser:
    """The bench's options (tests/ops/test_bench_options.py reads them without running the bench)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     parents=[options(databases=False, serves=False)])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--database", default="/tmp/greenmfg-bench-fixed.sqlite3")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from flask import Flask

    built = build(args.database, 5000, keep=True)
    app = make_app(built.url, GREENMFG_RATELIMIT_ENABLED=False, GREENMFG_PAGE_CACHE="redis",
                   GREENMFG_PAGE_CACHE_SECONDS=0)
    bare = Flask("bare")
    bare.add_url_rule("/", "index", lambda: "ok")
    signed_out, signed_in = app.test_client(), app.test_client()
    signed_in.set_cookie("session", built.cookies[PROVINCE])
    cases = [("bare Flask route", bare.test_client(), "/", 200), ("/healthz", signed_out, "/healthz", 200),
             ("a missing page, signed out", signed_out, "/no-such-page", 404),
             ("a missing page, signed in", signed_in, "/no-such-page", 404),
             ("a style sheet", signed_out, "/static/core/greenmfg.css", 200)]

    def cpu(client, path: str, status: int) -> float:
        for _ in range(50):
            assert client.get(path).status_code == status, path
        t0 = time.process_time()
        for _ in range(args.requests):
            client.get(path)
        return (time.process_time() - t0) / args.requests * 1000

    print(f"fixed cost, in process, {args.requests} requests a case, {args.rounds} rounds; load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    found: dict[str, list[float]] = {name: [] for name, *_ in cases}
    for _ in range(args.rounds):
        for name, client, path, status in cases:
            found[name].append(cpu(client, path, status))
    bare = min(found["bare Flask route"])
    for name, times in found.items():
        print(f"  {name:28} {min(times):.2f}–{max(times):.2f} ms a request, {min(times) / bare:.1f}× the bare route")
    print(f"load average {os.getloadavg()[0]:.2f} at end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
