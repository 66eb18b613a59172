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
import sys
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from cluster_kit import ROOT, Processes, base_env, follow_json, free_port, redis_url, wait_port

sys.path.insert(0, str(ROOT / "tests" / "applications"))
sys.path.insert(0, str(ROOT / "bench"))


@pytest.fixture
def cluster(pg_database, tmp_path):
    pg_database.reset()
    url = pg_database.url
    redis = redis_url(13)
    s3_port = free_port()
    env = base_env(url, redis, tmp_path / "instance", GREENMFG_RATELIMIT_LOGIN="4 per minute",
                   GREENMFG_JOBS_INLINE_ROWS="-1", GREENMFG_JOBS_HEARTBEAT_SECONDS="1",
                   GREENMFG_JOBS_STALE_SECONDS="4", GREENMFG_JOBS_TICK_SECONDS="1", GREENMFG_STORAGE="s3",
                   GREENMFG_S3_BUCKET="cluster", GREENMFG_S3_ENDPOINT_URL=f"http://127.0.0.1:{s3_port}",
                   AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1",
                   GREENMFG_EXTRA_PLUGINS='["quota_test=fixtures.quota_plugin"]')
    procs = Processes(env, tmp_path)
    try:
        s3 = procs.start([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)], "s3")
        wait_port(s3_port, s3, "the S3 server")
        import boto3

        boto3.client("s3", endpoint_url=env["GREENMFG_S3_ENDPOINT_URL"], aws_access_key_id="test",
                     aws_secret_access_key="test", region_name="us-east-1").create_bucket(Bucket="cluster")
        world = _seed(env, url)
        servers = {name: procs.gunicorn(name, "--timeout", "60") for name in ("A", "B")}
        yield {**servers, "world": world, "start_worker": procs.worker, "url": url, "env": env, "logs": tmp_path}
    finally:
        procs.stop()


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
    before = {c["id"] for c in requests.get(f"{B}/api/v1/campaigns", headers=applicant, timeout=30).json()["items"]}
    opened = requests.post(f"{A}/api/v1/campaigns", headers=province, timeout=30, json={
        "year": 2025, "level": "provincial", "unit_types": ["park"], "closes_at": closes})
    assert opened.status_code == 201, opened.text
    for server in (B, B, A, B):  # each request may land on either gunicorn worker of the server
        shown = {c["id"] for c in
                 requests.get(f"{server}/api/v1/campaigns", headers=applicant, timeout=30).json()["items"]}
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
    job = follow_json(B, city, started.headers["Location"].replace(A, ""))
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
    running = follow_json(B, province, location, until=("running", "done", "failed"))
    assert running["status"] == "running", running
    _kill_tree(worker.pid)
    worker.wait(10)
    time.sleep(0.5)
    stalled = requests.get(B + location, headers=province, timeout=10).json()
    assert stalled["status"] == "running" and stalled["attempts"] == 1  # nobody is working on it now
    cluster["start_worker"]()
    done = follow_json(B, province, location, seconds=90)
    assert done["status"] == "done" and done["attempts"] == 2, done
    engine = sa.create_engine(cluster["url"], poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        entries = conn.execute(sa.text("SELECT count(*) FROM list_entry")).scalar()
        audits = conn.execute(sa.text("SELECT count(*) FROM audit_log WHERE action = 'list.history_imported'")).scalar()
    engine.dispose()
    assert entries == 6000 and audits == 1 and done["result"]["created"] == 6000
