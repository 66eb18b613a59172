"""W-rush, the deadline day (issue 46): applicants save, upload and submit in the last half hour while every city
pages its list and a summary table is exported, on PostgreSQL with 50k applications, under the README's gunicorn
and ``greenmfg worker``, with locust as the load (loopback only, bounded in users, journeys and time).

    python bench/bench_rush.py [--applications 50000] [--applicants 200] [--ports LOW-HIGH | --port 5740]
                               [--db-prefix greenmfg_] [--database rush] [--redis-db 7]

Phase 1 ("alone"): one applicant at a time does its journey while one city pages its list and the summary table
is exported, so each request's p99 is measured without a crowd. Phase 2 ("rush"): ``--applicants`` applicants, each
once: read the application, save it twice (the JSON API's PATCH with If-Match), upload a 2 MB PDF, submit; beside
them every one of Hunan's 14 cities pages its city list (following the next-page link) and Changsha's summary
table is exported again and again (a job run by ``greenmfg worker``: the product has no province-wide export of
applications). The round closes 30 minutes after the run starts: the last half hour.

Goals (exit 1 when one is missed): no server error (5xx) in either phase; no lost or half-written submission (each
journey that was answered "submitted" has, in the database, its saved values, its evidence row, its file with the
same SHA-256 and its audit rows, and no application is submitted without them); the rush's p99 of each request
≤ 5× its p99 alone. Printed: journeys per minute, the load average, and (``--profile``, with py-spy) what a web
worker spends its time on during the rush.

The PostgreSQL database is kept between runs: ``--db-prefix`` + ``--database`` (``greenmfg_rush``). gunicorn
listens on the first free port of ``--ports LOW-HIGH`` (``--port PORT``: that one; default: a port the system hands
out), said when taken; locust runs headless and listens on none. locust and py-spy are the ``bench`` extra of
setup.cfg: when locust is missing the bench installs that extra's packages into its own Python (pip) first.

The script is also the locustfile (``locust -f bench/bench_rush.py``, run by the script with RUSH_PLAN set).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RATIO_GOAL = 5.0
PDF_BYTES = 2 * 1024 * 1024


def big_pdf(size: int = PDF_BYTES) -> bytes:
    """A valid one-page PDF of about ``size`` bytes (a long drawing in its content stream), like a scanned file."""
    line = b"0 0 m 100 100 l S\n"
    content = line * (size // len(line))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# ------------------------------------------------------------------------------------------------ the locustfile --

if os.environ.get("RUSH_PLAN"):
    import gevent
    from locust import HttpUser, between, events, task
    from locust.exception import StopUser

    PLAN = json.loads(Path(os.environ["RUSH_PLAN"]).read_text())
    PDF = big_pdf()
    _applicants = iter(PLAN["applicants"])
    _cities = itertools.cycle(PLAN["cities"])
    JOURNEYS: list[dict] = []
    SERVER_ERRORS: dict[str, int] = {}

    @events.request.add_listener
    def _count(request_type, name, response_time, response_length, response=None, exception=None, **kw):
        if response is not None and getattr(response, "status_code", 0) >= 500:
            SERVER_ERRORS[name] = SERVER_ERRORS.get(name, 0) + 1

    @events.test_stop.add_listener
    def _dump(environment, **kw):
        Path(PLAN["out"]).write_text(json.dumps({"journeys": JOURNEYS, "server_errors": SERVER_ERRORS}))

    def _all_done(environment) -> None:
        if len(JOURNEYS) >= len(PLAN["applicants"]) and not PLAN.get("quitting"):
            PLAN["quitting"] = True
            gevent.spawn(environment.runner.quit)  # not from the user's own greenlet, which quit() kills

    class Applicant(HttpUser):
        """Applicants' last minutes, one after another: read, save twice, upload the PDF, submit."""
        fixed_count = PLAN["applicant_users"]
        wait_time = between(0.5, 2.0)

        @task
        def journey(self) -> None:
            mine = next(_applicants, None)
            if mine is None:
                _all_done(self.environment)
                raise StopUser()
            app_id, auth = mine["id"], {"Authorization": f"Bearer {mine['token']}"}
            url = f"/api/v1/applications/{app_id}"
            record = {"id": app_id, "start": time.time(), "statuses": {}, "submitted": False}
            ok = True
            r = self.client.get(url, headers=auth, name="read application")
            record["statuses"]["read"] = r.status_code
            tag = r.headers.get("ETag")
            for step, body in (("save 1", {"contact_name": mine["contact"], "contact_phone": "13800000000",
                                           "declarations": PLAN["declarations"]}),
                               ("save 2", {"contact_phone": mine["phone"]})):
                if not ok or not tag:
                    ok = False
                    break
                self.wait()
                r = self.client.patch(url, json=body, headers={**auth, "If-Match": tag}, name=step)
                record["statuses"][step] = r.status_code
                ok, tag = r.status_code == 200, r.headers.get("ETag")
            if ok:
                self.wait()
                r = self.client.post(f"{url}/evidence", headers=auth, name="upload 2 MB PDF",
                                     data={"section": PLAN["section"]}, files={"file": ("佐证.pdf", PDF, "application/pdf")})
                record["statuses"]["upload"] = r.status_code
                ok = r.status_code == 201
            if ok:
                self.wait()
                r = self.client.post(f"{url}/submit", headers=auth, name="submit")
                record["statuses"]["submit"] = r.status_code
                record["submitted"] = r.status_code == 200 and (r.json() or {}).get("status") == "submitted"
            record["end"] = time.time()
            JOURNEYS.append(record)
            _all_done(self.environment)  # else this user takes the next applicant's journey

    class City(HttpUser):
        """A city's staff paging its list of submitted factories (the next-page link, up to 5 pages)."""
        fixed_count = PLAN["city_users"]
        wait_time = between(1.0, 3.0)

        def on_start(self) -> None:
            self.client.cookies.set("session", next(_cities))

        @task
        def page(self) -> None:
            path = PLAN["city_list"]
            for _ in range(5):
                r = self.client.get(path, name="city list page", allow_redirects=False)
                found = re.search(r'id="next-page" href="([^"]+)"', r.text) if r.status_code == 200 else None
                if found is None:
                    break
                path = found.group(1).replace("&amp;", "&")
                self.wait()

    class Export(HttpUser):
        """The summary table asked for, built by the job worker, waited for and downloaded."""
        fixed_count = 1
        wait_time = between(3.0, 6.0)

        @task
        def export(self) -> None:
            auth = {"Authorization": f"Bearer {PLAN['export_token']}"}
            r = self.client.get(f"/api/v1/summary?campaign_id={PLAN['export_campaign']}", headers=auth,
                                name="export: ask", allow_redirects=False)
            if r.status_code != 202:
                return
            where = r.headers.get("Location")
            for _ in range(120):
                time.sleep(0.5)
                job = self.client.get(where, headers=auth, name="export: job state").json()
                if job.get("status") in ("done", "failed"):
                    if job.get("download_url"):
                        self.client.get(job["download_url"], headers=auth, name="export: download")
                    break


# ------------------------------------------------------------------------------------------------- the bench --

def _prepare(url: str, quiet: int, rush: int, tmp: Path) -> dict:
    """The round that closes in 30 minutes, its applicants (accounts with API tokens, drafts) and a signed-in
    cookie for each city's staff; what the locust runs are given."""
    sys.path.insert(0, str(ROOT / "bench"))
    from argon2 import PasswordHasher

    from build_rows import PASSWORD, make_app
    from core import clock
    from core.accounts import services as accounts
    from core.applications import evidence as evidence_service, services
    from core.extensions import db
    from core.models import AdminUnit, Campaign, Organization, Role, User
    from core.services import passwords
    from sqlalchemy import select

    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # set-up only: 300 accounts
    app = make_app(url, GREENMFG_RATELIMIT_ENABLED=False)
    plan: dict = {"applicants": []}
    with app.app_context():
        rules = app.extensions["greenmfg"].rules
        big = db.session.scalar(select(Campaign).order_by(Campaign.id).limit(1))
        big.closes_at = clock.now() + dt.timedelta(minutes=30)  # the last half hour of the big round
        campaign = services.open_campaign(actor="bench", year=2025, level="city", unit_types=["factory"],
                                          title=f"rush {time.time():.0f}",
                                          closes_at=clock.now() + dt.timedelta(minutes=30))
        units = db.session.scalars(select(AdminUnit).where(AdminUnit.region == "hunan")
                                   .order_by(AdminUnit.code)).all()  # Hunan's 14 市州, as build_rows spreads them
        stamp = int(time.time()) % 100000
        for n in range(quiet + rush):
            unit = units[n % len(units)]
            org = Organization(uscc=_uscc(f"91{430100 + n % 90:06d}{900000000 - stamp * 1000 - n:09d}"),
                               name=f"{unit.name}冲刺第{stamp}-{n}号有限公司", admin_unit_id=unit.id)
            db.session.add(org)
            db.session.flush()
            user = accounts.create_user(username=f"rush{stamp}_{n}", password=PASSWORD, display_name=org.name,
                                        role=Role.APPLICANT, actor="bench", organization_id=org.id)
            a = services.start_application(user, campaign, "factory")
            plan["applicants"].append({"id": a.id, "token": accounts.create_token(user, "bench")[0],
                                       "contact": f"申报人{n}", "phone": f"139{n:08d}"})
        a = db.session.get(type(a), a.id)
        plan["section"] = sorted(evidence_service.allowed_sections(a))[0]
        plan["declarations"] = {i.code: True for i in rules.negative_list_for("factory", campaign.level)}
        cities = []
        for unit in units:
            name = f"rush{stamp}_city_{unit.code.split('.')[-1]}"
            cities.append(accounts.create_user(username=name, password=PASSWORD, display_name=unit.name,
                                               role=Role.CITY, actor="bench", admin_unit_id=unit.id).username)
        changsha = db.session.scalar(select(User).where(User.username == "changsha_city"))
        plan["export_token"] = accounts.create_token(changsha, "bench")[0]
        plan["export_campaign"] = big.id
        plan["city_list"] = f"/city?status=submitted&unit_type=factory&campaign={big.id}"
        plan["campaign"] = campaign.id
        db.session.commit()
    plan["cities"] = [_sign_in(app, name) for name in cities]
    with app.app_context():
        db.engine.dispose()
    return plan


def _uscc(body: str) -> str:
    sys.path.insert(0, str(ROOT / "bench"))
    from build_rows import _uscc as checked

    return checked(body)


def _sign_in(app, name: str) -> str:
    from build_rows import PASSWORD

    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    r = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302, (name, r.status_code)
    return client.get_cookie("session").value


def load_tool() -> Path:
    """locust beside this Python; when it is missing, the ``bench`` extra of setup.cfg (locust, py-spy) is installed
    with pip first (the packages alone, not the project again)."""
    locust = Path(sys.executable).with_name("locust")
    if not locust.exists():
        import configparser

        setup = configparser.ConfigParser()
        setup.read(ROOT / "setup.cfg")
        wanted = setup["options.extras_require"]["bench"].split()
        print(f"locust is missing: installing the bench extra of setup.cfg ({' '.join(wanted)})", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *wanted], check=True)
    return locust


def _locust(phase: str, plan: dict, tmp: Path, port: int, seconds: int, applicants: list, applicant_users: int,
            city_users: int) -> dict:
    out = tmp / f"{phase}.json"
    spec = {**plan, "phase": phase, "applicants": applicants, "applicant_users": applicant_users,
            "city_users": city_users, "out": str(out)}
    (tmp / f"{phase}-plan.json").write_text(json.dumps(spec))
    users = applicant_users + city_users + 1
    cmd = [str(load_tool()), "-f", str(Path(__file__).resolve()), "--headless", "--host", f"http://127.0.0.1:{port}",
           "-u", str(users), "-r", str(max(1, min(users, 10))), "--run-time", f"{seconds}s", "--stop-timeout", "30",
           "--csv", str(tmp / phase), "--only-summary", "--loglevel", "WARNING"]
    t0 = time.time()
    subprocess.run(cmd, env={**os.environ, "RUSH_PLAN": str(tmp / f"{phase}-plan.json")}, check=False,
                   stdout=subprocess.DEVNULL, stderr=open(tmp / f"{phase}-locust.log", "w"), timeout=seconds + 120)
    result = json.loads(out.read_text()) if out.exists() else {"journeys": [], "server_errors": {"locust": 1}}
    result["seconds"] = time.time() - t0
    with open(tmp / f"{phase}_stats.csv") as f:
        result["stats"] = {row["Name"]: row for row in csv.DictReader(f) if row["Name"] != "Aggregated"}
    return result


def _check(url: str, journeys: list[dict], plan: dict, pdf_sha: str) -> tuple[int, int, list[str]]:
    """Lost (answered submitted, not in the database) and half-written (submitted without its values, file or audit
    rows) submissions; the problems found."""
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql+psycopg", "postgresql+psycopg"))
    lost, half, problems = 0, 0, []
    by_id = {a["id"]: a for a in plan["applicants"]}
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(sa.text(
            "SELECT id, status, contact_name, contact_phone FROM application WHERE campaign_id = :c"),
            {"c": plan["campaign"]})}
        evidence = {}
        for r in conn.execute(sa.text("SELECT application_id, sha256, storage_name FROM evidence e JOIN application a "
                                      "ON a.id = e.application_id WHERE a.campaign_id = :c"), {"c": plan["campaign"]}):
            evidence.setdefault(r.application_id, []).append(r)
        audits = {}
        for r in conn.execute(sa.text("SELECT object_id, action FROM audit_log WHERE object_type = 'application' "
                                      "AND object_id = ANY(:ids)"), {"ids": [str(i) for i in by_id]}):
            audits.setdefault(int(r.object_id), []).append(r.action)
    engine.dispose()
    answered = {j["id"] for j in journeys if j["submitted"]}
    for app_id, mine in by_id.items():
        row = rows.get(app_id)
        if app_id in answered and (row is None or row.status != "submitted"):
            lost += 1
            problems.append(f"application {app_id}: answered submitted, status {row and row.status}")
            continue
        if row is None or row.status != "submitted":
            continue
        acts = audits.get(app_id, [])
        files = evidence.get(app_id, [])
        wrong = []
        if (row.contact_name, row.contact_phone) != (mine["contact"], mine["phone"]):
            wrong.append("saved values")
        if len(files) != 1 or files[0].sha256 != pdf_sha:
            wrong.append("evidence row")
        if acts.count("application.saved") < 2 or "evidence.uploaded" not in acts or \
                acts.count("application.submitted") != 1:
            wrong.append(f"audit rows {sorted(set(acts))}")
        if wrong:
            half += 1
            problems.append(f"application {app_id}: submitted without its {', '.join(wrong)}")
    return lost, half, problems


def _files_present(evidence_dir: Path, url: str, plan: dict, pdf_sha: str) -> int:
    """Submitted applications whose evidence file is missing from the store or differs."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        names = [r.storage_name for r in conn.execute(sa.text(
            "SELECT e.storage_name FROM evidence e JOIN application a ON a.id = e.application_id "
            "WHERE a.campaign_id = :c AND a.status = 'submitted'"), {"c": plan["campaign"]})]
    engine.dispose()
    missing = 0
    for name in names:
        found = [p for p in evidence_dir.rglob(name + "*") if p.is_file()]
        if not found or hashlib.sha256(found[0].read_bytes()).hexdigest() != pdf_sha:
            missing += 1
    return missing


def _p99(stats: dict, name: str) -> float | None:
    row = stats.get(name)
    if not row or row.get("99%") in (None, "", "N/A"):
        return None
    return float(row["99%"])


def _profile(pid: int, seconds: int, out: Path) -> str:
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        return "py-spy not installed"
    subprocess.run([spy, "record", "-p", str(pid), "-d", str(seconds), "-r", "50", "-f", "raw", "-o", str(out),
                    "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=seconds + 60)
    return _top_frames(out)


def _top_frames(raw: Path, top: int = 12) -> str:
    """The functions of the project and of its libraries with the most samples (self and under them)."""
    if not raw.exists():
        return "no profile"
    total, inclusive, own = 0, {}, {}
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        total += n
        frames = stack.split(";")
        seen = set()
        for frame in frames:
            name = re.sub(r" \(/[^)]*/(site-packages|wt/[^/]+|work/main)/", " (", frame)
            if name not in seen:
                inclusive[name] = inclusive.get(name, 0) + n
                seen.add(name)
        leaf = re.sub(r" \(/[^)]*/(site-packages|wt/[^/]+|work/main)/", " (", frames[-1])
        own[leaf] = own.get(leaf, 0) + n
    lines = [f"{total} samples; self time:"]
    lines += [f"  {100 * n / total:5.1f}%  {name[:110]}" for name, n in sorted(own.items(), key=lambda kv: -kv[1])[:top]]
    lines += ["under (inclusive), the product's:"]
    mine = [(k, v) for k, v in inclusive.items() if "(core/" in k and "wsgi_app" not in k]
    lines += [f"  {100 * n / total:5.1f}%  {name[:110]}" for name, n in sorted(mine, key=lambda kv: -kv[1])[:top]]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The bench's options (tests/ops/test_bench_options.py reads them without running the bench)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from benchdb import options, port_alias

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     parents=[options(databases=True, serves=True)])
    parser.add_argument("--applications", type=int, default=50000)
    parser.add_argument("--applicants", type=int, default=200, help="applicants in the rush (each one journey)")
    parser.add_argument("--alone", type=int, default=8, help="journeys in the quiet phase, one at a time")
    parser.add_argument("--rush-users", type=int, default=50,
                        help="applicants at once (locust users, each taking the next applicant's journey) in the rush")
    parser.add_argument("--seconds", type=int, default=420, help="time bound of the rush phase")
    port_alias(parser, 1, "gunicorn listens on PORT")
    parser.add_argument("--redis-db", type=int, default=7)
    parser.add_argument("--pg-url", default=os.environ.get("GREENMFG_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1/postgres"))
    parser.add_argument("--database", default="rush", help="the kept PostgreSQL database is PREFIX + DATABASE")
    parser.add_argument("--web-workers", type=int, default=2,
                        help="gunicorn's sync workers (the README's deployment: 2 on the 2-core machine)")
    parser.add_argument("--profile", type=int, default=30, help="seconds of py-spy on one web worker (0: none)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    load_tool()  # before the build: the bench's load tool, installed when missing
    os.environ.setdefault("GREENMFG_SEEDS", "/work/shared/seeds")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from benchdb import created, kept_name, server
    from build_rows import SECRET, build

    load_start = os.getloadavg()
    admin = server(args.pg_url)
    if admin is None:
        return 2
    name = kept_name(args.db_prefix, args.database)
    (url,) = created(admin, args.pg_url, [name])
    admin.dispose()
    print(f"PostgreSQL (kept: {name})")
    t0 = time.time()
    built = build(url, args.applications, keep=True)
    print(f"{'reused' if built.reused else 'built'} {args.applications:,} applications in {time.time() - t0:.0f} s")
    tmp = Path(tempfile.mkdtemp(prefix="bench_rush_"))
    t0 = time.time()
    plan = _prepare(url, args.alone, args.applicants, tmp)
    print(f"{args.alone + args.applicants} applicants, 14 cities ready in {time.time() - t0:.0f} s")
    pdf_sha = hashlib.sha256(big_pdf()).hexdigest()
    evidence_dir = tmp / "evidence"
    env = {**os.environ, "GREENMFG_REGION": "hunan", "GREENMFG_DATABASE_URL": url, "GREENMFG_SECRET_KEY": SECRET,
           "FLASK_GREENMFG_RULES_YEAR": "2025", "FLASK_GREENMFG_MFA_ROLES": "[]",
           "GREENMFG_REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}", "GREENMFG_JOBS_BACKEND": "redis",
           "GREENMFG_EVIDENCE_DIR": str(evidence_dir), "GREENMFG_INSTANCE_PATH": str(tmp / "instance")}
    bin_dir = Path(sys.executable).parent
    access = open(tmp / "access.log", "w")
    port = args.ports.take("the product (gunicorn)")
    web = subprocess.Popen([str(bin_dir / "gunicorn"), "--workers", str(args.web_workers),
                            "--bind", f"127.0.0.1:{port}",
                            "--no-control-socket", "--access-logfile", "-", "--access-logformat",
                            '%(h)s "%(r)s" %(s)s %(b)s %(M)sms', "core:create_app()"],
                           cwd=ROOT, env=env, stdout=access, stderr=open(tmp / "gunicorn.log", "w"))
    worker = subprocess.Popen([str(bin_dir / "greenmfg"), "worker"], cwd=ROOT, env=env,
                              stdout=open(tmp / "worker.log", "w"), stderr=subprocess.STDOUT)
    failures: list[str] = []
    try:
        _wait_up(port)
        quiet = _locust("alone", plan, tmp, port, 240, plan["applicants"][:args.alone], 1, 1)
        print(f"alone: {len(quiet['journeys'])} journeys in {quiet['seconds']:.0f} s; load average "
              f"{os.getloadavg()[0]:.2f}")
        profile = ""
        load_rush = os.getloadavg()
        if args.profile:
            pids = _workers(web.pid)
            import threading

            holder: dict = {}
            spy = threading.Thread(target=lambda: holder.update(text=_profile(pids[0], args.profile,
                                                                               tmp / "rush.pyspy")) if pids else None)
            spy.start()
        rush = _locust("rush", plan, tmp, port, args.seconds, plan["applicants"][args.alone:],
                       args.rush_users, 14)
        if args.profile:
            spy.join()
            profile = holder.get("text", "")
        load_end = os.getloadavg()
    finally:
        web.terminate()
        worker.terminate()
        web.wait(30)
        worker.wait(30)
    journeys = rush["journeys"]
    done = [j for j in journeys if j["submitted"]]
    minutes = (max(j["end"] for j in done) - min(j["start"] for j in journeys)) / 60 if done else 0
    lost, half, problems = _check(url, quiet["journeys"] + journeys, plan, pdf_sha)
    missing_files = _files_present(evidence_dir, url, plan, pdf_sha)
    shutil.rmtree(evidence_dir, ignore_errors=True)  # a run uploads 2 MB per journey: checked, then let go
    access_5xx = sum(1 for line in (tmp / "access.log").read_text().splitlines()
                     if re.search(r'" 5\d\d ', line) and "/readyz" not in line)  # not ready yet: not an error
    errors = {**quiet["server_errors"]}
    for k, v in rush["server_errors"].items():
        errors[k] = errors.get(k, 0) + v
    extra = os.environ.get("GUNICORN_CMD_ARGS", "").strip()  # what a measurement of other workers added
    print(f"\nW-rush: PostgreSQL, {args.applications:,} applications, gunicorn {args.web_workers} sync workers"
          f"{f' (with GUNICORN_CMD_ARGS={extra!r})' if extra else ''} + greenmfg worker, "
          f"locust (loopback); load average {load_start[0]:.2f} at start, {load_rush[0]:.2f} before the rush, "
          f"{load_end[0]:.2f} at end; 2 CPUs shared with other work")
    print(f"journeys: {len(done)} of {len(journeys)} submitted in the rush ({args.rush_users} applicants at once), "
          f"{len(done) / minutes if minutes else 0:.1f} journeys per minute; refused or failed steps: "
          f"{sum(1 for j in journeys if not j['submitted'])}")
    print(f"server errors: {sum(errors.values())} seen by locust {errors or ''}, {access_5xx} in gunicorn's access log")
    print(f"lost submissions: {lost}; half-written: {half}; evidence files missing or different: {missing_files}")
    for line in problems[:10]:
        print("  " + line)
    print(f"\n| Request | p99 alone ms | p99 in the rush ms | ratio | requests in the rush | goal ≤ {RATIO_GOAL:g}× |")
    print("| --- | --- | --- | --- | --- | --- |")
    worst: tuple[float, str] | None = None
    for name in sorted(set(quiet["stats"]) | set(rush["stats"])):
        alone, crowd = _p99(quiet["stats"], name), _p99(rush["stats"], name)
        count = rush["stats"].get(name, {}).get("Request Count", "0")
        ratio = crowd / alone if alone and crowd else None
        met = ratio is not None and ratio <= RATIO_GOAL
        if ratio is not None and (worst is None or ratio > worst[0]):
            worst = ratio, name
        if ratio is not None and not met:
            failures.append(f"{name}: p99 {ratio:.1f}× alone")
        print(f"| {name} | {alone or '—'} | {crowd or '—'} | {f'{ratio:.1f}×' if ratio else '—'} | {count} | "
              f"{'yes' if met else ('**no**' if ratio else '—')} |")
    if profile:
        print("\nA web worker during the rush (py-spy):\n" + profile)
    if sum(errors.values()) or access_5xx:
        failures.append("server errors")
    if lost or half or missing_files:
        failures.append("lost or half-written submissions")
    if not done:
        failures.append("no journey completed")
    print(f"\nlogs and locust's figures kept in {tmp}")
    if worst:
        print(f"largest ratio p99 in the rush ÷ p99 alone: {worst[0]:.1f}× ({worst[1]}; goal ≤ {RATIO_GOAL:g}×)")
    if failures:
        print("goals missed: " + "; ".join(failures))
        return 1
    print("every goal met")
    return 0


def _wait_up(port: int) -> None:
    import urllib.request

    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5)
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(1)
    raise SystemExit("gunicorn did not come up")


def _workers(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


if __name__ == "__main__":
    sys.exit(main())
