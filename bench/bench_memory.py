"""W5 (issue 23): the resident memory of each web worker after list and API traffic, and after four
10,000-row summary exports.

    python bench/bench_memory.py [--applications 50000] [--export-rows 10000] [--exports 4] [--duration 10]
                                 [--database both|sqlite|postgresql] [--pg-url postgresql+psycopg://postgres@127.0.0.1/postgres]
                                 [--keep DIR]

For each database (SQLite, then a throwaway PostgreSQL database: bench/benchdb.py) it builds N applications with
bench/build_rows.py and, for Changsha, a 2024 round of ``--export-rows`` recommended applications with their 附件1
data (bench/bench_summary_export.py's ``build_round``; with ``--keep DIR`` both are kept, SQLite in DIR and PostgreSQL
as ``greenmfg_memory_N``, and reused by the next run until the migrations' head changes), then serves the product with gunicorn, 2 sync workers as
the README runs it (plus ``--timeout 300``: a loaded machine may take longer than 30 s to write 10,000 rows).
It reads each worker's RSS (``/proc/<pid>/status``) after start-up, after wrk has asked each W1 page and API
collection for ``--duration`` seconds (city list, province list, public lists, the two API collections), and
after each of ``--exports`` summary exports of that round over HTTP.

The exports run **in the web worker** (``GREENMFG_JOBS_INLINE_ROWS`` is set above the row count for this bench):
that is where a worker's memory grows; as a background job the same code runs in the job worker's process.

Goals: every worker ≤ 100 MB after the traffic; back under 120 MB after the exports. Exits 1 when one is missed.
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
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchdb import with_databases  # noqa: E402
from build_rows import SECRET, build, make_app  # noqa: E402
from wrkkit import free_port, wait_until_up  # noqa: E402

TRAFFIC_GOAL_MB, EXPORT_GOAL_MB = 100.0, 120.0
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
    cmd = ["wrk", "-t2", "-c4", f"-d{duration}s", url]
    for name, value in headers.items():
        cmd[1:1] = ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, int(bad.group(1)) if bad else 0


def run(url: str, args) -> dict[str, list[float]]:
    print(f"  building {args.applications:,} applications and a {args.export_rows:,}-row summary round…")
    built = build(url, args.applications, keep=bool(args.keep))
    campaign_id = _add_round(built.url, args.export_rows, built.reused)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GREENMFG_REGION": "hunan", "GREENMFG_DATABASE_URL": built.url,
               "GREENMFG_SECRET_KEY": SECRET, "GREENMFG_INSTANCE_PATH": str(Path(tmp) / "instance"),
               "FLASK_GREENMFG_RULES_YEAR": "2025", "FLASK_GREENMFG_MFA_ROLES": "[]",
               "GREENMFG_JOBS_INLINE_ROWS": str(args.export_rows * 10)}
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen([str(gunicorn), "--workers", "2", "--worker-class", "sync", "--no-control-socket",
                                   "--timeout", "300", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
                                   "core:create_app()"], cwd=ROOT, env=env, start_new_session=True)
        try:
            wait_until_up(base + "/public/lists")
            figures: dict[str, list[float]] = {}

            def note(stage: str) -> list[float]:
                figures[stage] = [rss_mb(pid) for pid in workers(server.pid)]
                print(f"  {stage:<28} " + "  ".join(f"{mb:6.1f} MB" for mb in figures[stage]))
                return figures[stage]

            note("after start")
            for who, path, api in PAGES:
                headers = {}
                if who and api:
                    headers["Authorization"] = f"Bearer {built.tokens[who]}"
                elif who:
                    headers["Cookie"] = f"session={built.cookies[who]}"
                status, _ = _get(base + path, headers)
                rps, bad = _wrk(base + path, args.duration, headers)
                print(f"    wrk {path:<56} {rps:7.1f} req/s" + (f"  ({bad} non-2xx)" if bad else ""))
            note("after list and API traffic")
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
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=50_000)
    parser.add_argument("--export-rows", type=int, default=10_000)
    parser.add_argument("--exports", type=int, default=4)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--database", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument("--pg-url", default=os.environ.get("GREENMFG_BENCH_PG_URL",
                                                           "postgresql+psycopg://postgres@127.0.0.1/postgres"))
    parser.add_argument("--keep", metavar="DIR", default="",
                        help="keep the built databases (SQLite files in DIR, PostgreSQL databases greenmfg_memory_N) "
                             "and reuse them")
    args = parser.parse_args()
    print(f"W5: {args.applications:,} applications; gunicorn 2 sync workers; RSS per worker; "
          f"load average {os.getloadavg()[0]:.1f}")
    results = with_databases(args.pg_url, lambda url: run(url, args), only=args.database,
                             keep=args.keep or None, name=f"memory_{args.applications}")
    failed = False
    print(f"load average {os.getloadavg()[0]:.1f}")
    for database, figures in results.items():
        traffic = max(figures["after list and API traffic"])
        exports = max(figures[f"after export {args.exports}"]) if args.exports else 0.0
        miss_t, miss_e = traffic > TRAFFIC_GOAL_MB, exports >= EXPORT_GOAL_MB
        failed |= miss_t or miss_e
        print(f"{database:<11} after traffic {traffic:6.1f} MB (goal ≤ {TRAFFIC_GOAL_MB:.0f}{', MISSED' if miss_t else ''})"
              f"   after {args.exports} exports {exports:6.1f} MB (goal < {EXPORT_GOAL_MB:.0f}"
              f"{', MISSED' if miss_e else ''})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
