"""A web worker killed at its commit leaves no orphan file (issue 47, "Test a web worker killed at commit"; issue 19
and 22: files staged with the transaction), on PostgreSQL behind gunicorn as the README deploys it.

An applicant's upload through the API is the request; its gunicorn worker is killed with SIGKILL at the commit:
right before the COMMIT reaches PostgreSQL (the row is never committed: the file staged under ``pending/`` names
nothing) or right after it (the row is committed, the file not yet moved to its name). gunicorn starts a new worker;
the client got no answer. Afterwards nothing uncommitted is visible under a final name, a committed upload downloads
byte for byte, and once the clean-up (``storage.sweep``, here with no grace period) has run, the store holds exactly
the files the committed rows name. The audit log's chain stays whole (the killed transaction's lock dies with it).
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from app_world import build_world, open_campaign, pdf
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

#: gunicorn's configuration: each worker, once its app is loaded, arms a kill at the commit of the first session that
#: staged a file (KILL_AT ``before``: the engine's COMMIT about to be sent; ``after``: the session's commit done, before
#: the staged file is promoted); the mark file makes it once per test, so the restarted worker serves normally
HOOK = '''
import os
import signal
from pathlib import Path

MARK = Path(os.environ["KILL_MARK"])


def post_worker_init(worker):
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    armed = []

    def staged(session):
        return any(op == "promote" for op, _store, _key in session.info.get("greenmfg_staged_files", ()))

    def die():
        if not MARK.exists():
            MARK.write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)

    if os.environ["KILL_AT"] == "before":
        @event.listens_for(Session, "before_commit")
        def arm(session):
            if staged(session):
                armed.append(session.connection())

        @event.listens_for(Engine, "commit")
        def at_commit(connection):
            if any(connection is c for c in armed):  # that session's COMMIT, not another thread's
                die()
    else:
        @event.listens_for(Session, "after_commit", insert=True)
        def after_commit(session):
            if staged(session):
                die()
'''


@pytest.fixture
def world(make_app, tmp_path, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the deployment's database: PostgreSQL")
    from core.accounts import services as accounts
    from core.applications import services
    from core.extensions import db
    from core.models import Campaign, User

    app = make_app("hunan", GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"),
                   GREENMFG_AUDIT_ANCHOR_DIR=str(tmp_path / "anchors"))
    w = build_world(app)
    campaign_id = open_campaign(app)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "ent_changsha"))
        application = services.start_application(user, db.session.get(Campaign, campaign_id), "factory")
        token, _row = accounts.create_token(user, "upload")
        db.session.commit()
        w.app_id, w.token = application.id, token
        db.engine.dispose()  # no connection shared with the server
    w.evidence_dir, w.tmp, w.database_url = tmp_path / "evidence", tmp_path, database_url
    return w


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(base: str, headers: dict, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited"
        try:
            if requests.get(f"{base}/api/v1/me", headers=headers, timeout=20).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or a worker still loading the app
            pass
        time.sleep(0.2)
    raise AssertionError("no worker answered")


@pytest.fixture
def served(world):
    """gunicorn (one sync worker, as the README's deployment runs them) on the test's database, with the hook."""
    servers = []

    def start(kill_at: str) -> tuple[str, subprocess.Popen]:
        config = world.tmp / "gunicorn_hook.py"
        config.write_text(HOOK, encoding="utf-8")
        env = {**os.environ, "GREENMFG_DATABASE_URL": world.database_url, "GREENMFG_REGION": "hunan",
               "GREENMFG_SECRET_KEY": "test-secret", "GREENMFG_INSTANCE_PATH": str(world.tmp / "instance"),
               "GREENMFG_RULES_YEAR": "2025", "GREENMFG_MFA_ROLES": "[]", "GREENMFG_JOBS_BACKEND": "thread",
               "GREENMFG_JOBS_EMBEDDED_SCHEDULER": "false", "GREENMFG_RATELIMIT_ENABLED": "false",
               "GREENMFG_EVIDENCE_DIR": str(world.evidence_dir),
               "GREENMFG_AUDIT_ANCHOR_DIR": str(world.tmp / "anchors"),
               "KILL_AT": kill_at, "KILL_MARK": str(world.tmp / "killed"),
               "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), str(ROOT)])}
        for name in ("GREENMFG_TEST_PG_URL", "GREENMFG_REDIS_URL", "GREENMFG_PAGE_CACHE"):
            env.pop(name, None)
        port = _free_port()
        with open(world.tmp / "gunicorn.log", "wb") as log:  # the server keeps its own copy of the descriptor
            server = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}",
                                       "--no-control-socket", "-c", str(config), "core:create_app()"],
                                      env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        servers.append(server)
        base = f"http://127.0.0.1:{port}"
        _answers(base, {"Authorization": f"Bearer {world.token}"}, server)
        return base, server

    yield start
    for server in servers:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


def _upload(base: str, world, name: str, body: bytes) -> requests.Response:
    return requests.post(f"{base}/api/v1/applications/{world.app_id}/evidence",
                         headers={"Authorization": f"Bearer {world.token}"}, timeout=60,
                         data={"section": "general"}, files={"file": (name, body, "application/pdf")})


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()


@pytest.mark.parametrize("kill_at", ["before", "after"])
def test_a_web_worker_killed_at_commit_leaves_no_orphan_file(world, served, kill_at):
    from core.applications.orphans import sweep
    from core.extensions import db
    from core.models import Evidence
    from core.services import audit_chain

    base, server = served(kill_at)
    headers = {"Authorization": f"Bearer {world.token}"}
    killed_pdf, kept_pdf = pdf(1, "killed at commit"), pdf(2, "uploaded after")
    with pytest.raises(requests.ConnectionError):  # the worker died: no answer at all
        _upload(base, world, "能耗台账.pdf", killed_pdf)
    assert (world.tmp / "killed").exists(), "the worker was not killed at its commit"
    _answers(base, headers, server)  # gunicorn started another worker

    listed = requests.get(f"{base}/api/v1/applications/{world.app_id}/evidence", headers=headers, timeout=30)
    assert listed.status_code == 200
    assert _files(world.evidence_dir) == set()  # nothing under a final name: committed or not, it is still pending
    assert len(_files(world.evidence_dir / "pending")) == 1
    if kill_at == "before":
        assert listed.json()["items"] == []  # the row never committed
    else:
        [row] = listed.json()["items"]  # committed: the download finds its file (and moves it to its name)
        download = requests.get(f"{base}/api/v1/applications/{world.app_id}/evidence/{row['id']}",
                                headers=headers, timeout=30)
        assert download.status_code == 200 and download.content == killed_pdf

    kept = _upload(base, world, "节能报告.pdf", kept_pdf)
    assert kept.status_code == 201, kept.text

    with world.app.app_context():
        report = sweep("test", dt.timedelta(0))  # the hourly clean-up, with no grace period
        db.session.commit()
        rows = db.session.scalars(select(Evidence)).all()
        named = {r.storage_name for r in rows}
        assert _files(world.evidence_dir) == named and _files(world.evidence_dir / "pending") == set()
        assert len(rows) == (1 if kill_at == "before" else 2)
        assert len(report["removed"]) == (1 if kill_at == "before" else 0) and report["promoted"] == []
        assert audit_chain.verify(record_result=False).ok
