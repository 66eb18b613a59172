"""Two application servers and one job worker against one PostgreSQL, one Redis and one object store
(issue 22, Done when): gunicorn A and B (2 workers each) and ``greenmfg worker``, as a province deploys them.

* a campaign opened on A shows at once on B;
* an upload on A downloads on B (the evidence is in the shared object store: moto's S3 server on 127.0.0.1);
  the upload's PDF check ran in the worker's pool;
* the log-in rate limit counts requests to A and B together (the counters are in Redis);
* a summary export started on A is built by the worker and downloads on B;
* a history import killed with its worker (``kill -9`` of the worker's process group, mid-job) is finished by
  a restarted worker, exactly once: every row once, one audit record, the job done on its second attempt.

Runs in CI (it needs PostgreSQL and Redis, as the suite does: under CI a missing one fails the test) and
takes about a minute.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tests" / "applications"))
sys.path.insert(0, str(ROOT / "bench"))


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{what} did not listen on {port}")


def _redis_url() -> str:
    from core.jobs.backends import redis_answers

    url = f"redis://127.0.0.1:6379/{13}"
    if not redis_answers(url):
        if os.environ.get("CI"):
            pytest.fail("CI must run the cluster test: no Redis on 127.0.0.1:6379")
        pytest.skip("no Redis on 127.0.0.1:6379")
    return url


@pytest.fixture
def cluster(pg_database, tmp_path):
    import redis

    pg_database.reset()
    url = pg_database.url
    redis_url = _redis_url()
    redis.Redis.from_url(redis_url).flushdb()
    s3_port = _port()
    procs: list[subprocess.Popen] = []
    env = {**os.environ, "GREENMFG_DATABASE_URL": url, "GREENMFG_REGION": "hunan", "GREENMFG_SECRET_KEY": "c" * 40,
           "GREENMFG_INSTANCE_PATH": str(tmp_path / "instance"), "GREENMFG_INSTANCE_NAME": f"cluster-{uuid.uuid4().hex}",
           "GREENMFG_RULES_YEAR": "2025", "GREENMFG_MFA_ROLES": "[]", "GREENMFG_REDIS_URL": redis_url,
           "GREENMFG_JOBS_BACKEND": "redis", "GREENMFG_RATELIMIT_STORAGE": redis_url,
           "GREENMFG_RATELIMIT_LOGIN": "4 per minute", "GREENMFG_JOBS_INLINE_ROWS": "-1",
           "GREENMFG_JOBS_HEARTBEAT_SECONDS": "1", "GREENMFG_JOBS_STALE_SECONDS": "4", "GREENMFG_JOBS_TICK_SECONDS": "1",
           "GREENMFG_STORAGE": "s3", "GREENMFG_S3_BUCKET": "cluster", "GREENMFG_S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
           "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
           "GREENMFG_EXTRA_PLUGINS": '["quota_test=fixtures.quota_plugin"]'}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "tests"), str(ROOT)])
    env.pop("GREENMFG_TEST_PG_URL", None)

    def start(args, name, **kw):
        proc = subprocess.Popen(args, env=env, stdout=open(tmp_path / f"{name}.log", "wb"), stderr=subprocess.STDOUT,
                                start_new_session=True, **kw)
        procs.append(proc)
        return proc

    try:
        s3 = start([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)], "s3")
        _wait_port(s3_port, s3, "the S3 server")
        import boto3

        boto3.client("s3", endpoint_url=env["GREENMFG_S3_ENDPOINT_URL"], aws_access_key_id="test",
                     aws_secret_access_key="test", region_name="us-east-1").create_bucket(Bucket="cluster")
        world = _seed(env, url)
        ports = {}
        for name in ("A", "B"):
            ports[name] = _port()
            server = start([str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{ports[name]}",
                            "--no-control-socket", "--timeout", "60", "core:create_app()"], f"gunicorn-{name}")
            _wait_port(ports[name], server, f"gunicorn {name}")

        def start_worker():
            return start([str(BIN / "greenmfg"), "worker"], f"worker-{len(procs)}")
        yield {"A": f"http://127.0.0.1:{ports['A']}", "B": f"http://127.0.0.1:{ports['B']}", "world": world,
               "start_worker": start_worker, "url": url, "env": env, "logs": tmp_path}
    finally:
        for proc in procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def _seed(env, url):
    """Users, tokens, a campaign and one application, written through the services."""
    import app_world

    from core import create_app
    from core.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "c" * 40, "GREENMFG_REGION": "hunan",
                      "GREENMFG_RULES_YEAR": 2025, "GREENMFG_JOBS_BACKEND": "thread", "GREENMFG_MFA_ROLES": [],
                      "GREENMFG_EXTRA_PLUGINS": [app_world.QUOTA_PLUGIN], "GREENMFG_STORAGE": "local",
                      "GREENMFG_EVIDENCE_DIR": env["GREENMFG_INSTANCE_PATH"] + "/unused"})
    world = app_world.build_world(app)
    world.campaign_id = app_world.open_campaign(app)
    with app.app_context():
        from core.applications import services
        from core.models import Campaign, User

        user = db.session.scalar(sa.select(User).where(User.username == "ent_changsha"))
        world.application_id = services.start_application(user, db.session.get(Campaign, world.campaign_id),
                                                          "factory").id
        db.session.commit()
        from bench_history_import import build_table

        world.history = build_table(app, 6000)
        db.engine.dispose()
    return world


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _kill_tree(pid: int) -> None:
    """SIGKILL a worker and everything it started (its scheduler, the work horse running the job: RQ puts the
    horse in a session of its own), as a lost server would."""
    for victim in [pid] + _descendants(pid):
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _job(base, token, location, until=("done", "failed"), seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = requests.get(base + location, headers=token, timeout=10).json()
        if job["status"] in until:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job still {job['status']} after {seconds} s: {job}")


def test_two_servers_one_worker(cluster):
    from app_world import pdf

    A, B, world = cluster["A"], cluster["B"], cluster["world"]
    applicant = {"Authorization": f"Bearer {world.tokens['applicant_changsha']}"}
    city = {"Authorization": f"Bearer {world.tokens['city_changsha']}"}
    province = {"Authorization": f"Bearer {world.tokens['province']}"}
    worker = cluster["start_worker"]()
    time.sleep(1.5)  # registered with Redis: uploads' checks go to its pool

    # a campaign opened on A shows at once on B (nothing a worker keeps for itself hides it)
    import datetime as dt

    closes = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=20)).isoformat()
    before = {c["id"] for c in requests.get(f"{B}/api/v1/campaigns", headers=applicant, timeout=30).json()}
    opened = requests.post(f"{A}/api/v1/campaigns", headers=province, timeout=30, json={
        "year": 2025, "level": "provincial", "unit_types": ["park"], "closes_at": closes})
    assert opened.status_code == 201, opened.text
    for server in (B, B, A, B):  # each request may land on either gunicorn worker of the server
        shown = {c["id"] for c in requests.get(f"{server}/api/v1/campaigns", headers=applicant, timeout=30).json()}
        assert shown == before | {opened.json()["id"]}

    # an upload on A downloads on B
    body = pdf(3)
    uploaded = requests.post(f"{A}/api/v1/applications/{world.application_id}/evidence", headers=applicant,
                             data={"section": "indicator.3"}, files={"file": ("能耗.pdf", body, "application/pdf")},
                             timeout=30)
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["pages"] == 3
    damaged = requests.post(f"{A}/api/v1/applications/{world.application_id}/evidence", headers=applicant,
                            data={"section": "indicator.3"}, files={"file": ("x.pdf", body[:200], "application/pdf")},
                            timeout=30)
    assert damaged.status_code == 422 and "damaged" in damaged.text
    evidence_id = uploaded.json()["id"]
    downloaded = requests.get(f"{B}/api/v1/applications/{world.application_id}/evidence/{evidence_id}",
                              headers=applicant, timeout=30)
    assert downloaded.status_code == 200 and downloaded.content == body

    # rate limits count across both servers: 4 password checks a minute from one address (the log-in scope)
    def wrong_password(server):
        return requests.post(f"{server}/api/v1/me/password", headers=applicant, timeout=10,
                             json={"current_password": "wrong-password-1", "new_password": "x" * 20}).status_code
    codes = [wrong_password(server) for server in (A, B, A, B, A, B)]
    assert 429 not in codes[:4] and codes[4:] == [429, 429], codes

    # an export started on A is built by the worker and downloads on B
    started = requests.get(f"{A}/api/v1/summary", params={"campaign_id": world.campaign_id}, headers=city, timeout=30)
    assert started.status_code == 202, started.text
    job = _job(B, city, started.headers["Location"].replace(A, ""))
    assert job["status"] == "done", job
    xlsx = requests.get(B + job["download_url"], headers=city, timeout=30)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert requests.get(B + started.headers["Location"].replace(A, ""), headers=applicant, timeout=10).status_code \
        == 404  # only its starter sees a job

    # a history import whose worker is killed mid-job finishes once, on a restarted worker
    started = requests.post(f"{A}/api/v1/list-history", headers=province,
                            files={"file": ("history.xlsx", world.history)}, timeout=60)
    assert started.status_code == 202, started.text
    location = started.headers["Location"].replace(A, "")
    running = _job(B, province, location, until=("running", "done", "failed"))
    assert running["status"] == "running", running
    _kill_tree(worker.pid)
    worker.wait(10)
    time.sleep(0.5)
    stalled = requests.get(B + location, headers=province, timeout=10).json()
    assert stalled["status"] == "running" and stalled["attempts"] == 1  # nobody is working on it now
    cluster["start_worker"]()
    done = _job(B, province, location, seconds=90)
    assert done["status"] == "done" and done["attempts"] == 2, done
    engine = sa.create_engine(cluster["url"], poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        entries = conn.execute(sa.text("SELECT count(*) FROM list_entry")).scalar()
        audits = conn.execute(sa.text("SELECT count(*) FROM audit_log WHERE action = 'list.history_imported'")).scalar()
    engine.dispose()
    assert entries == 6000 and audits == 1 and done["result"]["created"] == 6000
