"""Benchmark: the city review list (filtered, 50 a page) over 50,000 applications.

    python bench/bench_city_list.py [--applications 50000] [--duration 30] [--slices 10] [--connections 10]

Builds a Hunan instance in a SQLite file in a temporary directory (14 市州, one organization
per application, statuses spread like a real round), logs in as Changsha's city staff, then
serves the app with gunicorn (2 sync workers, ``--no-control-socket``) on 127.0.0.1 and
measures with wrk, in the same run and on the same server, alternating the two in ``--slices``
slices (other processes' load then falls on both alike; p99 is the worst slice's):

* a truly bare Flask app (bench/bare_app.py: one route, nothing else), served by a second gunicorn with the
  same settings;
* the city list ``/city?status=submitted&unit_type=factory&campaign=1&page=2`` (session cookie:
  the one the server sends back on a first visit, as a browser would keep it).

Targets: the city list reaches at least 25 % of the bare route's requests per second, with a
99th-percentile latency under 50 ms. Prints the figures; exits 1 if a target is missed.
Loopback only; every wrk run is bounded by ``--duration``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "bench-secret-not-for-production"
PASSWORD = "bench-password-2025"


def build(db_path: Path | str, n: int, seed: int) -> str:
    """Migrate, fill, and return the session cookie of Changsha's city staff (``db_path``: a SQLite file, or
    a database URL)."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select
    from stdnum.cn import uscc

    from core import create_app
    from core.accounts import services as accounts
    from core.applications import services
    from core.kernel import clock
    from core.extensions import db
    from core.models import AdminUnit, Application, Organization, Role
    from core.services.admin_units import sync_admin_units

    app = create_app({"SECRET_KEY": SECRET, "GREENMFG_REGION": "hunan", "GREENMFG_RULES_YEAR": 2025,
                      "SQLALCHEMY_DATABASE_URI": str(db_path) if "://" in str(db_path) else f"sqlite:///{db_path}"})
    rng = random.Random(seed)
    with app.app_context():
        upgrade()
        sync_admin_units("bench")
        db.session.flush()
        units = db.session.scalars(select(AdminUnit).where(AdminUnit.region == "hunan").order_by(AdminUnit.code)).all()
        campaign = services.open_campaign(actor="bench", year=2025, level="provincial",
                                          unit_types=["factory", "park", "supply_chain"],
                                          closes_at=clock.now() + dt.timedelta(days=30))
        db.session.flush()
        now = clock.now()
        orgs, apps = [], []
        statuses = ["submitted"] * 5 + ["draft"] * 2 + ["returned", "city_recommended", "rejected"]
        for i in range(n):
            body = f"91{430100 + i % 90:06d}{i:09d}"
            unit = units[i % len(units)]
            orgs.append({"id": i + 1, "uscc": body + uscc.calc_check_digit(body), "name": f"{unit.name}第{i + 1}号绿色制造有限公司",
                         "admin_unit_id": unit.id, "created_at": now, "updated_at": now})
            status = rng.choice(statuses)
            apps.append({"campaign_id": campaign.id, "organization_id": i + 1, "admin_unit_id": unit.id,
                         "unit_type": rng.choice(["factory", "factory", "park", "supply_chain"]), "level": "provincial",
                         "evaluation_mode": "self", "status": status, "indicator_values": {}, "extension_data": {},
                         "requested_levels": ["provincial"], "declarations": {}, "version": 1,
                         "score": round(rng.uniform(40, 95), 2),
                         "submitted_at": None if status == "draft" else now - dt.timedelta(minutes=i),
                         "created_at": now, "updated_at": now})
        for start in range(0, n, 5000):
            db.session.execute(insert(Organization), orgs[start:start + 5000])
            db.session.execute(insert(Application), apps[start:start + 5000])
        changsha = next(u for u in units if u.code == "hunan.changsha")
        accounts.create_user(username="changsha_city", password=PASSWORD, display_name="长沙市工信局", role=Role.CITY,
                             actor="bench", admin_unit_id=changsha.id)
        db.session.commit()
        client = app.test_client()
        r = client.post("/login", data={"username": "changsha_city", "password": PASSWORD,
                                        "csrf_token": _csrf(client)})
        assert r.status_code == 302, r.status_code
        cookie = client.get_cookie("session").value
        db.engine.dispose()
    return cookie


def _csrf(client) -> str:
    html = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _session_cookie(headers: list[str]) -> str | None:
    for header in headers:
        name, _, rest = header.partition("=")
        if name.strip() == "session":
            return rest.split(";", 1)[0]
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str, duration: int, connections: int, cookie: str | None) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: session={cookie}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    factor = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p99_ms": float(p99.group(1)) * factor, "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "raw": out}


def _merge(runs: list[dict[str, float]]) -> dict[str, float]:
    return {"rps": sum(r["rps"] for r in runs) / len(runs), "p99_ms": max(r["p99_ms"] for r in runs),
            "non2xx": sum(r["non2xx"] for r in runs)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=50_000)
    parser.add_argument("--duration", type=int, default=30, help="seconds of wrk per route")
    parser.add_argument("--slices", type=int, default=10, help="alternate bare and page in this many slices")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.slices = max(1, min(args.slices, args.duration))
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    gunicorn = Path(sys.executable).with_name("gunicorn")
    tmp = Path(tempfile.mkdtemp(prefix="greenmfg-bench-"))
    try:
        t0 = time.perf_counter()
        cookie = build(tmp / "bench.sqlite3", args.applications, args.seed)
        print(f"built {args.applications:,} applications in {time.perf_counter() - t0:.1f} s")
        port = free_port()
        env = {**os.environ, "GREENMFG_REGION": "hunan", "GREENMFG_DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
               "GREENMFG_SECRET_KEY": SECRET, "GREENMFG_INSTANCE_PATH": str(tmp / "instance"),
               "FLASK_GREENMFG_RULES_YEAR": "2025"}
        bare_port = free_port()
        servers = [subprocess.Popen([str(gunicorn), "--workers", "2", "--worker-class", "sync", "--no-control-socket",
                                     "--bind", f"127.0.0.1:{p}", "--log-level", "warning", spec],
                                    cwd=ROOT, env=e, start_new_session=True)
                   for p, spec, e in ((port, "core:create_app()", env), (bare_port, "bench.bare_app:app", os.environ))]
        try:
            base, bare_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}/"
            for url in (f"{base}/public/lists", bare_url):
                for _ in range(150):
                    try:
                        urllib.request.urlopen(url, timeout=1)
                        break
                    except OSError:
                        time.sleep(0.2)
            page = f"{base}/city?status=submitted&unit_type=factory&campaign=1&page=2"
            # wrk sends no User-Agent: the first visit marks the session not fresh (Flask-Login's
            # basic protection) and stores the log-out form's CSRF secret; a browser keeps the
            # cookie it gets back, so wrk replays that one rather than the log-in cookie, which
            # would make the server rewrite and re-sign the session on every request
            request = urllib.request.Request(page, headers={"Cookie": f"session={cookie}", "User-Agent": ""})
            response = urllib.request.urlopen(request, timeout=5)
            html = response.read().decode()
            rows = len(re.findall(r'<tr>(?:<td>(?:<input[^>]*>)?</td>)?<td><a href="', html))  # a city row leads with its bulk box
            assert rows == 50, f"expected 50 rows on the city list, got {rows}"
            cookie = _session_cookie(response.headers.get_all("Set-Cookie") or []) or cookie
            request = urllib.request.Request(page, headers={"Cookie": f"session={cookie}", "User-Agent": ""})
            response = urllib.request.urlopen(request, timeout=5)
            assert _session_cookie(response.headers.get_all("Set-Cookie") or []) is None, "the session still changes"
            wrk(bare_url, 2, args.connections, None)  # warm both workers
            wrk(page, 2, args.connections, cookie)
            # alternate the two in slices, so that load from other processes on the machine falls on
            # both alike; req/s over all slices, p99 the worst slice's
            slices = [(wrk(bare_url, args.duration // args.slices, args.connections, None),
                       wrk(page, args.duration // args.slices, args.connections, cookie))
                      for _ in range(args.slices)]
            bare, city = (_merge([pair[i] for pair in slices]) for i in (0, 1))
        finally:
            for server in servers:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
        share = city["rps"] / bare["rps"]
        print(f"gunicorn 2 sync workers, wrk -t2 -c{args.connections}, {args.duration} s a route in {args.slices} "
              f"alternating slices, loopback, SQLite file")
        print(f"bare Flask app     : {bare['rps']:8.1f} req/s   p99 {bare['p99_ms']:6.2f} ms")
        print(f"city list (50/page): {city['rps']:8.1f} req/s   p99 {city['p99_ms']:6.2f} ms   "
              f"non-2xx {city['non2xx']}")
        print(f"city list / bare   : {share:.1%}   (target >= 25 %; p99 target < 50 ms)")
        ok = share >= 0.25 and city["p99_ms"] < 50 and city["non2xx"] == 0
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
