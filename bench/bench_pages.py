"""W1 (issue 23): every list page and JSON API collection beside a truly bare Flask app, in one run.

    python bench/bench_pages.py [--applications 5000] [--duration 10] [--repetitions 3] [--only city,api]
                                [--database both|sqlite|postgresql] [--pg-url postgresql+psycopg://postgres@127.0.0.1/postgres]

For each database (SQLite, then a throwaway PostgreSQL database: bench/benchdb.py) it builds N applications
with bench/build_rows.py, counts the SQL statements of one request to each page (the engine's
``before_cursor_execute`` event, in process), then serves the product with gunicorn (2 sync workers, as the
README runs it) and bench/bare_app.py with the same settings, and measures with wrk (loopback) in
``--repetitions`` rounds; in each round, one after the other: the bare route, the page asked again and again
("same"), and the page's successive pages in turn ("rotating": a wrk Lua script walks the next-page links
collected beforehand). The ratio is page req/s ÷ bare req/s of the same round, so load from other processes
falls on both alike; printed as min / median / max over the rounds, with p99 latency.

Goals (issue 23): city list same page ≥ 40 %, every other list and rotating pages ≥ 30 %, API collections
≥ 25 % and ≤ 4 statements. Exits 1 when a goal is missed (or a page answers other than 200).
Sizes: 5k / 50k / 500k (``--applications``); bench/build_rows.py builds them alone too.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_city_list import _session_cookie, free_port  # noqa: E402
from benchdb import with_databases  # noqa: E402
from build_rows import SECRET, build, make_app  # noqa: E402

CITY, PROVINCE = "changsha_city", "province_staff"
API_STATEMENTS = 4


@dataclass
class Page:
    name: str
    who: str | None  # username; None: anonymous
    path: str
    goal: float  # page req/s ÷ bare req/s, same page and rotating
    api: bool = False
    follow: str = "page"  # how the next page is found: "page" (?page=k), "link" (id="next-page"), "after"


PAGES = [
    Page("city list", CITY, "/city?status=submitted&unit_type=factory&campaign=1", 0.40, follow="link"),
    Page("province list", PROVINCE, "/province/applications?status=submitted", 0.30, follow="link"),
    Page("public lists", None, "/public/lists", 0.30, follow="link"),
    Page("public lists, name search", None, "/public/lists?q=%E9%95%BF%E6%B2%99", 0.30, follow="link"),  # 长沙
    Page("public notices", None, "/notices", 0.30, follow="none"),
    Page("province notices", PROVINCE, "/province/notices", 0.30, follow="none"),
    Page("management filings", PROVINCE, "/management/filings", 0.30, follow="link"),
    Page("API applications", CITY, "/api/v1/applications?per_page=50", 0.25, api=True, follow="after"),
    Page("API lists", None, "/api/v1/lists", 0.25, api=True, follow="after"),
]


@contextlib.contextmanager
def counting(engine):
    import sqlalchemy as sa

    contexts: dict = {}

    def listener(conn, cursor, statement, parameters, context, executemany):
        contexts.setdefault(id(context), context)

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield contexts
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


def _client(app, built, page: Page):
    client = app.test_client()
    if page.who and not page.api:
        client.set_cookie("session", built.cookies[page.who])
    return client


def _headers(built, page: Page) -> dict[str, str]:
    return {"Authorization": f"Bearer {built.tokens[page.who]}"} if page.api and page.who else {}


def survey(built, pages: list[Page], rotate: int) -> dict[str, dict]:
    """Per page: statements of one request (after a warming one) and the paths of up to ``rotate`` pages."""
    from core.extensions import db

    app = make_app(built.url)
    with app.app_context():
        engine = db.engine
    out = {}
    for page in pages:
        client, headers = _client(app, built, page), _headers(built, page)
        client.get(page.path, headers=headers)
        with counting(engine) as seen:
            response = client.get(page.path, headers=headers)
        assert response.status_code == 200, (page.path, response.status_code)
        paths, path = [page.path], page.path
        while len(paths) < rotate and page.follow != "none":
            response = client.get(path, headers=headers)
            if page.follow == "page":
                k = len(paths) + 1
                nxt = re.sub(r"([?&])page=\d+", "", path) + f"&page={k}" if 'id="next-page"' in \
                    response.get_data(as_text=True) else None
            elif page.follow == "link":
                match = re.search(r'id="next-page" href="([^"]+)"', response.get_data(as_text=True))
                nxt = match.group(1).replace("&amp;", "&") if match else None
            else:
                after = response.get_json().get("next_after")
                nxt = None if after is None else re.sub(r"[?&]after=[^&]*", "", page.path) + f"&after={after}"
            if not nxt:
                break
            paths.append(nxt if "?" in nxt else nxt.replace("&", "?", 1))
            path = paths[-1]
        out[page.name] = {"statements": len(seen), "paths": paths}
    with app.app_context():
        db.engine.dispose()
    return out


def _serve(app_spec: str, env: dict, port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen([str(gunicorn), "--workers", "2", "--worker-class", "sync", "--no-control-socket",
                             "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app_spec],
                            cwd=ROOT, env=env, start_new_session=True)


def _wait(url: str) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {url}")


def _settled_cookie(url: str, cookie: str) -> str:
    """The cookie a browser keeps after its first visit (bench_city_list.py explains why)."""
    request = urllib.request.Request(url, headers={"Cookie": f"session={cookie}", "User-Agent": ""})
    response = urllib.request.urlopen(request, timeout=10)
    return _session_cookie(response.headers.get_all("Set-Cookie") or []) or cookie


def _wrk(base: str, paths: list[str], duration: int, connections: int, headers: dict[str, str], tmp: Path) -> dict:
    """wrk on ``paths[0]`` alone, or on every path in turn (a Lua script) when there are several."""
    if len(paths) == 1:
        cmd_extra = []
    else:
        script = tmp / "rotate.lua"
        quoted = ", ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
        script.write_text(f"local paths = {{{quoted}}}\nlocal i = 0\n"
                          "request = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n")
        cmd_extra = ["-s", str(script)]
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", *cmd_extra]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run([*cmd, base + paths[0]], capture_output=True, text=True, timeout=duration + 30,
                         check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p99_ms": float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)],
            "non2xx": int(non2xx.group(1)) if non2xx else 0}


def _spread(values: list[float], fmt: str) -> str:
    return " / ".join(format(v, fmt) for v in (min(values), statistics.median(values), max(values)))


def run(url: str, args, pages: list[Page]) -> bool:
    t0 = time.perf_counter()
    built = build(url if "://" in url else url, args.applications, args.seed)
    print(f"  built {args.applications:,} applications in {time.perf_counter() - t0:.1f} s")
    info = survey(built, pages, args.rotate)
    tmp = Path(tempfile.mkdtemp(prefix="greenmfg-w1-"))
    port, bare_port = free_port(), free_port()
    env = {**os.environ, "GREENMFG_REGION": "hunan", "GREENMFG_DATABASE_URL": built.url,
           "GREENMFG_SECRET_KEY": SECRET, "GREENMFG_INSTANCE_PATH": str(tmp / "instance"),
           "FLASK_GREENMFG_RULES_YEAR": "2025", "FLASK_GREENMFG_MFA_ROLES": "[]"}
    servers = [_serve("core:create_app()", env, port), _serve("bench.bare_app:app", dict(os.environ), bare_port)]
    ok = True
    try:
        base, bare = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}"
        _wait(f"{base}/public/lists")
        _wait(f"{bare}/")
        cookies = {who: _settled_cookie(f"{base}/city" if who == CITY else f"{base}/province/applications", c)
                   for who, c in built.cookies.items()}
        _wrk(bare, ["/"], 2, args.connections, {}, tmp)  # warm both servers' workers
        print(f"  {'page':28} {'stmts':>5}  {'same: ratio min/median/max':>28}  {'p99 ms (max)':>12}  "
              f"{'rotating: ratio':>22} ({'pages':>5})  {'p99 ms':>7}  goal")
        for page in pages:
            headers = _headers(built, page)
            if page.who and not page.api:
                headers = {"Cookie": f"session={cookies[page.who]}", "User-Agent": ""}
            paths = info[page.name]["paths"]
            _wrk(base, paths, 2, args.connections, headers, tmp)  # warm
            same, rotating = [], []
            for _ in range(args.repetitions):
                peer = _wrk(bare, ["/"], args.duration, args.connections, {}, tmp)
                one = _wrk(base, paths[:1], args.duration, args.connections, headers, tmp)
                same.append((one["rps"] / peer["rps"], one["p99_ms"], one["non2xx"]))
                if len(paths) > 1:
                    many = _wrk(base, paths, args.duration, args.connections, headers, tmp)
                    rotating.append((many["rps"] / peer["rps"], many["p99_ms"], many["non2xx"]))
            statements = info[page.name]["statements"]
            failed = [x for x in same + rotating if x[2]]
            met = (not failed and min(r for r, _p, _n in same) >= page.goal
                   and all(r >= min(page.goal, 0.30) for r, _p, _n in rotating)
                   and (not page.api or statements <= API_STATEMENTS))
            ok &= met
            rot = (f"{_spread([r for r, _p, _n in rotating], '.1%'):>22} ({len(paths):5d})  "
                   f"{max(p for _r, p, _n in rotating):7.1f}") if rotating else f"{'—':>22} {'':7}  {'':7}"
            print(f"  {page.name:28} {statements:5d}  {_spread([r for r, _p, _n in same], '.1%'):>28}  "
                  f"{max(p for _r, p, _n in same):12.1f}  {rot}  ≥{page.goal:.0%}"
                  f"{' ≤4 stmts' if page.api else ''} {'ok' if met else 'MISSED'}"
                  f"{f' non-2xx {sum(x[2] for x in failed)}' if failed else ''}")
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=5000, help="5000, 50000 or 500000")
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--rotate", type=int, default=20, help="pages walked by the rotating runs")
    parser.add_argument("--only", default="", help="comma-separated words: pages whose name holds one of them")
    parser.add_argument("--database", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument("--pg-url", default=os.environ.get("GREENMFG_BENCH_PG_URL",
                                                           "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    words = [w.strip() for w in args.only.split(",") if w.strip()]
    pages = [p for p in PAGES if not words or any(w in p.name for w in words)]
    load = os.getloadavg()
    print(f"W1: {args.applications:,} applications; gunicorn 2 sync workers; wrk -t2 -c{args.connections}, "
          f"{args.duration} s a run, {args.repetitions} rounds; load average {load[0]:.2f} on {os.cpu_count()} CPUs")

    def body(url: str) -> bool:
        if args.database != "both" and not url.startswith(args.database):
            print("  skipped (--database)")
            return True
        return run(url, args, pages)

    results = with_databases(args.pg_url, body)
    ok = all(results.values())
    print("PASS" if ok else "FAIL: a goal was missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
