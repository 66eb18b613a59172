"""W5 (issues 23 and 46): the resident memory of each web worker after traffic that includes log-ins, beside a
bare Flask worker after the same kind of traffic, and after four 10,000-row summary exports.

    python bench/bench_memory.py [--applications 50000] [--export-rows 10000] [--exports 4] [--duration 10]
                                 [--logins 8] [--database both|sqlite|postgresql] [--redis redis://127.0.0.1:6379/0]
                                 [--ports LOW-HIGH | --port PORT] [--db-prefix greenmfg_]
                                 [--pg-url postgresql+psycopg://postgres@127.0.0.1/postgres] [--keep DIR]

For each database (SQLite, then a throwaway PostgreSQL database: bench/benchdb.py) it builds N applications with
bench/build_rows.py and, for Changsha, a 2024 round of ``--export-rows`` recommended applications with their 附件1
data (bench/bench_summary_export.py's ``build_round``; with ``--keep DIR`` both are kept, SQLite in DIR and PostgreSQL
as ``greenmfg_memory_N``, ``--db-prefix`` + ``memory_N``, and reused by the next run until the migrations' head
changes; a throwaway one is ``--db-prefix`` + ``bench_`` + random), then serves the product with
gunicorn, 2 sync workers as the README runs it (plus ``--timeout 300``: a loaded machine may take longer than 30 s
to write 10,000 rows), its pages kept and its log-ins counted in the Redis at ``--redis``. It reads each worker's
RSS (``/proc/<pid>/status``) after start-up, after ``--logins`` log-ins through the form (the city's and the
province's staff in turn, each a GET of the form and a POST; a worker that served one has argon2 mapped, which is
printed) followed by wrk asking each W1 page and API collection for ``--duration`` seconds (city list, province
list, public lists, the two API collections), and after each of ``--exports`` summary exports of that round over
HTTP. bench/bare_app.py (a Flask app with one route) runs under the same gunicorn settings beside it, and its
workers' RSS is read after wrk asked its route for ``--duration`` seconds: the floor. The servers listen on free
ports of ``--ports LOW-HIGH`` (``--port PORT``: PORT and PORT + 1), each said as it is taken. Beside each RSS it
prints the server's memory in all (the master's and the workers' proportional set sizes summed, from
``/proc/<pid>/smaps_rollup``) and each worker's own pages; ``--preload`` serves the product as docs/operations.md
sets up a server short of memory (``--config python:core.serving``: the app made and warmed in gunicorn's master,
the workers forked from it) and the two peers with ``--preload``.

The exports run **in the web worker** (``GREENMFG_JOBS_INLINE_ROWS`` is set above the row count for this bench):
that is where a worker's memory grows; as a background job the same code runs in the job worker's process.

Goals: every worker ≤ the bare Flask worker + 70 MiB after the traffic (issue 46); back under 120 MiB after the
exports. Exits 1 when one is missed. Beside the goal it prints a second peer, the libraries' floor
(bench/libraries_floor_app.py: every module a product process holds after log-ins and the W1 pages, but none of the
product's own, and one page under the same gunicorn), and what the product's own code and data add above it.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchdb import Ports, options, port_alias, with_databases  # noqa: E402
from build_rows import PASSWORD, SECRET, build, make_app  # noqa: E402
from wrkkit import wait_until_up, wrk_binary  # noqa: E402

#: a worker after traffic with log-ins may hold this much more than a bare Flask worker (MiB); after the exports
ABOVE_BARE_MB, EXPORT_GOAL_MB = 70.0, 120.0
CITY, PROVINCE = "changsha_city", "province_staff"
#: W1's pages: (who, path, API token instead of the session cookie)
PAGES = [(CITY, "/city?status=submitted&unit_type=factory&campaign=1", False),
         (PROVINCE, "/province/applications?status=submitted", False),
         (None, "/public/lists", False),
         (CITY, "/api/v1/applications?per_page=50", True),
         (None, "/api/v1/lists", False)]


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def shared_mb(pid: int) -> tuple[float, float]:
    """A process's proportional set size (its private pages plus its share of the pages it shares with the other
    processes mapping them, such as the master a ``--preload`` worker was forked from) and its own pages alone
    (private clean and dirty), in MiB, from ``/proc/<pid>/smaps_rollup``."""
    rollup = dict(re.findall(r"^(\w+):\s+(\d+) kB", Path(f"/proc/{pid}/smaps_rollup").read_text(), re.MULTILINE))
    return int(rollup["Pss"]) / 1024, (int(rollup["Private_Clean"]) + int(rollup["Private_Dirty"])) / 1024


def server_mb(master: int) -> tuple[float, list[float]]:
    """The whole server's memory (the master's and its workers' proportional set sizes summed: what the machine
    gives it) and each worker's own pages; each process's figures read once."""
    figures = [shared_mb(pid) for pid in workers(master)]
    return shared_mb(master)[0] + sum(pss for pss, _ in figures), [own for _, own in figures]


def _shared_line(total: float, own: list[float]) -> str:
    """:func:`server_mb`'s figures as printed beside the workers' RSS."""
    return f"  (server in all {total:6.1f} MiB; each worker's own " + "  ".join(f"{mb:5.1f}" for mb in own) + ")"


def served_a_login(pid: int) -> bool:
    """Whether the worker checked a password (argon2's library is mapped once it has)."""
    return "argon2" in Path(f"/proc/{pid}/maps").read_text()


def log_in(base: str, username: str) -> None:
    """Sign ``username`` in through the form, as a browser does: the form (its CSRF token and cookie), the POST."""
    import http.cookiejar

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    html = opener.open(base + "/login", timeout=60).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": token}).encode()
    with opener.open(urllib.request.Request(base + "/login", data=data), timeout=60) as response:
        if response.status != 200 or "/login" in response.url:  # followed the redirect to the user's start page
            raise RuntimeError(f"{username} could not sign in ({response.status}, {response.url})")


def _peer_workers(label: str, app: str, env: dict[str, str], duration: int, ports: Ports,
                  preload: bool = False) -> list[float]:
    """Serve the peer ``app`` (a gunicorn application spec) under the product's gunicorn settings on a port of
    ``ports``, let wrk ask its ``/`` for ``duration`` seconds, and return its two workers' RSS (printed as ``label``
    with wrk's rate, and the server's memory in all)."""
    port = ports.take(f"{label} (gunicorn)")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "--workers", "2", "--worker-class", "sync", "--no-control-socket",
                               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", *preloaded(preload), app],
                              cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/")
        rps, _ = _wrk(f"http://127.0.0.1:{port}/", duration, {})
        found = [rss_mb(pid) for pid in workers(server.pid)]
        print(f"  {label} after wrk ({rps:,.0f} req/s)  " + "  ".join(f"{mb:6.1f} MiB" for mb in found)
              + _shared_line(*server_mb(server.pid)))
        return found
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        ports.give_back(port)


def preloaded(preload: bool) -> list[str]:
    """gunicorn's option that makes the app once in the master, whose workers are forked with it
    (docs/operations.md)."""
    return ["--preload"] if preload else []


def bare_workers(duration: int, ports: Ports, preload: bool = False) -> list[float]:
    """The RSS of bench/bare_app.py's two gunicorn workers after wrk asked its route for ``duration`` seconds."""
    return _peer_workers("bare Flask worker", "bench.bare_app:app", dict(os.environ), duration, ports, preload)


def libraries_floor(env: dict[str, str], built, duration: int, ports: Ports, preload: bool = False) -> list[float]:
    """The RSS of bench/libraries_floor_app.py's two gunicorn workers after wrk asked its page for ``duration``
    seconds: the modules a product process holds after log-ins and the W1 pages, without the product's own (recorded
    by the same file run in the product's environment, its log-ins counted in its own memory), and one page."""
    import json

    listed = Path(env["GREENMFG_INSTANCE_PATH"]).parent / "modules.txt"
    spec = {"password": PASSWORD, "tokens": built.tokens, "pages": PAGES}
    subprocess.run([sys.executable, str(ROOT / "bench" / "libraries_floor_app.py"), str(listed), json.dumps(spec)],
                   cwd=ROOT, env={**env, "FLASK_GREENMFG_RATELIMIT_STORAGE": "memory://"}, check=True,
                   stdout=subprocess.DEVNULL)
    label = f"libraries' floor ({len(listed.read_text().split())} modules, one page)"
    return _peer_workers(label, "bench.libraries_floor_app:served()", {**env, "GREENMFG_FLOOR_MODULES": str(listed)},
                         duration, ports, preload)


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def _add_round(url: str, rows: int, reuse: bool) -> int:
    """Changsha's 2024 round of ``rows`` recommended applications (``reuse``: the one already there, if it has
    ``rows``); its campaign's id."""
    from sqlalchemy import func, select, text

    from bench_summary_export import build_round
    from core.extensions import db
    from core.models import AdminUnit, Application, Campaign

    app = make_app(url)
    with app.app_context():
        if reuse:
            kept = db.session.execute(select(Campaign.id, func.count(Application.id)).join(Application)
                                      .where(Campaign.year == 2024).group_by(Campaign.id)).all()
            for campaign_id, count in kept:
                if count == rows:
                    db.engine.dispose()
                    return campaign_id
        if db.engine.dialect.name == "postgresql":  # build_rows gave the organizations their ids
            db.session.execute(text("SELECT setval(pg_get_serial_sequence('organization', 'id'), "
                                    "(SELECT max(id) FROM organization))"))
        changsha = db.session.scalar(select(AdminUnit).where(AdminUnit.code == "hunan.changsha"))
        _, campaign = build_round(rows, city=changsha)
        campaign_id = campaign.id
        db.engine.dispose()
    return campaign_id


def _get(url: str, headers: dict[str, str], timeout: float = 300) -> tuple[int, int]:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
        return response.status, len(response.read())


def _wrk(url: str, duration: int, headers: dict[str, str]) -> tuple[float, int]:
    cmd = [wrk_binary(), "-t2", "-c4", f"-d{duration}s", url]
    for name, value in headers.items():
        cmd[1:1] = ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, int(bad.group(1)) if bad else 0


def run(url: str, args, ports: Ports) -> dict[str, list[float]]:
    print(f"  building {args.applications:,} applications and a {args.export_rows:,}-row summary round…")
    built = build(url, args.applications, keep=bool(args.keep))
    campaign_id = _add_round(built.url, args.export_rows, built.reused)
    port = ports.take("the product (gunicorn)")
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GREENMFG_REGION": "hunan", "GREENMFG_DATABASE_URL": built.url,
               "GREENMFG_SECRET_KEY": SECRET, "GREENMFG_INSTANCE_PATH": str(Path(tmp) / "instance"),
               "FLASK_GREENMFG_RULES_YEAR": "2025", "FLASK_GREENMFG_MFA_ROLES": "[]",
               "GREENMFG_REDIS_URL": args.redis, "FLASK_GREENMFG_RATELIMIT_STORAGE": args.redis,
               "GREENMFG_JOBS_INLINE_ROWS": str(args.export_rows * 10)}
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen([str(gunicorn), "--workers", "2", "--worker-class", "sync", "--no-control-socket",
                                   "--timeout", "300", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
                                   *(["--config", "python:core.serving"] if args.preload else []),
                                   "core:create_app()"],
                                  cwd=ROOT, env=env, start_new_session=True)
        try:
            wait_until_up(base + "/public/lists")
            figures: dict[str, list[float]] = {}

            def note(stage: str) -> list[float]:
                figures[stage] = [rss_mb(pid) for pid in workers(server.pid)]
                total, own = server_mb(server.pid)
                figures[stage + ", server in all"] = [total]
                print(f"  {stage:<28} " + "  ".join(f"{mb:6.1f} MiB" for mb in figures[stage])
                      + _shared_line(total, own))
                return figures[stage]

            note("after start")
            for k in range(args.logins):
                log_in(base, (CITY, PROVINCE)[k % 2])
            print(f"    {args.logins} log-ins; served one: "
                  + "  ".join("yes" if served_a_login(pid) else "no" for pid in workers(server.pid)))
            for who, path, api in PAGES:
                headers = {}
                if who and api:
                    headers["Authorization"] = f"Bearer {built.tokens[who]}"
                elif who:
                    headers["Cookie"] = f"session={built.cookies[who]}"
                status, _ = _get(base + path, headers)
                rps, bad = _wrk(base + path, args.duration, headers)
                print(f"    wrk {path:<56} {rps:7.1f} req/s" + (f"  ({bad} non-2xx)" if bad else ""))
            note("after log-ins and traffic")
            cookie = {"Cookie": f"session={built.cookies[CITY]}"}
            for k in range(args.exports):
                started = time.perf_counter()
                status, size = _get(f"{base}/city/summary.xlsx?campaign={campaign_id}", cookie)
                if status != 200 or size < 1000:
                    raise RuntimeError(f"the export answered {status} with {size} bytes")
                print(f"    export {k + 1}: {size // 1024} KiB in {time.perf_counter() - started:.1f} s")
                note(f"after export {k + 1}")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            ports.give_back(port)
        figures["libraries' floor"] = libraries_floor(env, built, args.duration, ports, args.preload)
    return figures


def build_parser() -> argparse.ArgumentParser:
    """The bench's options (tests/ops/test_bench_options.py reads them without running the bench)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     parents=[options(databases=True, serves=True)])
    parser.add_argument("--applications", type=int, default=50_000)
    parser.add_argument("--export-rows", type=int, default=10_000)
    parser.add_argument("--exports", type=int, default=4)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--logins", type=int, default=8,
                        help="log-ins through the form before the pages (the product's limit: 10 a minute an address)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0",
                        help="the Redis of the product's kept pages and rate limits")
    port_alias(parser, 2, "the bare app and the product listen on PORT or PORT + 1 (the first free one)")
    parser.add_argument("--database", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument("--pg-url", default=os.environ.get("GREENMFG_BENCH_PG_URL",
                                                           "postgresql+psycopg://postgres@127.0.0.1/postgres"))
    parser.add_argument("--keep", metavar="DIR", default="",
                        help="keep the built databases (SQLite files in DIR, PostgreSQL databases PREFIX + memory_N) "
                             "and reuse them")
    parser.add_argument("--preload", action="store_true",
                        help="gunicorn makes each app once in its master and forks the workers with it: the product "
                             "as docs/operations.md sets it up (--config python:core.serving, warmed before the fork), "
                             "the bare app and the libraries' floor with --preload; the goals stay on each worker's "
                             "RSS")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    wrk_binary()  # before the builds: a missing wrk is installed, or the bench stops saying how
    print(f"W5: {args.applications:,} applications; gunicorn 2 sync workers{' --preload' if args.preload else ''}; "
          "RSS per worker (and the server's memory in all: its processes' proportional set sizes summed); "
          f"load average {os.getloadavg()[0]:.1f}")
    bare = max(bare_workers(args.duration, args.ports, args.preload))
    results = with_databases(args.pg_url, lambda url: run(url, args, args.ports), only=args.database,
                             keep=args.keep or None, name=f"memory_{args.applications}", prefix=args.db_prefix)
    # before and after: the floor is the larger of the two
    bare = max(bare, *bare_workers(args.duration, args.ports, args.preload))
    goal = bare + ABOVE_BARE_MB
    failed = False
    print(f"load average {os.getloadavg()[0]:.1f}; bare Flask worker {bare:.1f} MiB")
    for database, figures in results.items():
        traffic = max(figures["after log-ins and traffic"])
        exports = max(figures[f"after export {args.exports}"]) if args.exports else 0.0
        miss_t, miss_e = traffic > goal, exports >= EXPORT_GOAL_MB
        failed |= miss_t or miss_e
        floor = max(figures["libraries' floor"])
        print(f"{database:<11} after log-ins and traffic {traffic:6.1f} MiB = bare + {traffic - bare:.1f} "
              f"(goal ≤ bare + {ABOVE_BARE_MB:.0f} = {goal:.1f}{', MISSED' if miss_t else ''})"
              f"   after {args.exports} exports {exports:6.1f} MiB (goal < {EXPORT_GOAL_MB:.0f}"
              f"{', MISSED' if miss_e else ''})")
        print(f"{'':<11} the libraries' floor {floor:6.1f} MiB = bare + {floor - bare:.1f}; the product's own code and "
              f"data {traffic - floor:.1f} MiB (the goal leaves it {goal - floor:.1f})")
        print(f"{'':<11} the server in all after the traffic (master and 2 workers, PSS) "
              f"{figures['after log-ins and traffic, server in all'][0]:6.1f} MiB")
    print(f"goals (every worker ≤ bare + {ABOVE_BARE_MB:.0f} MiB after the traffic, < {EXPORT_GOAL_MB:.0f} MiB after "
          f"the exports): {'MISSED' if failed else 'met'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
