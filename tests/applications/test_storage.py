"""The file store behind an interface (issue 22): the local folder and S3-compatible object storage
behave alike, and an upload staged with its transaction is visible only once its row commits.

The S3 half runs against a real S3-compatible server on 127.0.0.1: moto's standalone server (the
``moto[server]`` test extra), started by the ``s3_server`` fixture; boto3 talks HTTP to it as it would
to MinIO or a cloud's object storage."""
from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    boto3 = pytest.importorskip("boto3")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    env = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        boto3.client("s3", endpoint_url=url).create_bucket(Bucket="evidence")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _stores(tmp_path, s3_url):
    from core.storage.local import LocalStore
    from core.storage.s3 import S3Store

    return [LocalStore(tmp_path / "files"), S3Store(bucket="evidence", prefix=f"t{time.time_ns()}",
                                                    endpoint_url=s3_url)]


def test_both_stores_keep_move_list_and_delete_alike(tmp_path, s3_server):
    for store in _stores(tmp_path, s3_server):
        store.put("pending/" + "a" * 32, b"%PDF-1.4 one")
        assert store.exists("pending/" + "a" * 32) and not store.exists("a" * 32)
        store.move("pending/" + "a" * 32, "a" * 32)
        assert store.get("a" * 32) == b"%PDF-1.4 one" and not store.exists("pending/" + "a" * 32)
        store.put("management/" + "b" * 32, b"two")
        listed = {f.key: f for f in store.list()}
        assert set(listed) == {"a" * 32, "management/" + "b" * 32}, store.describe()
        assert listed["a" * 32].size == 12
        assert dt.datetime.now(dt.timezone.utc) - listed["a" * 32].modified < dt.timedelta(minutes=5)
        store.delete("a" * 32)
        store.delete("a" * 32)  # gone already: no error
        with pytest.raises(FileNotFoundError):
            store.get("a" * 32)
        with pytest.raises(FileNotFoundError):
            store.move("pending/nothing", "x")
        with pytest.raises(ValueError):
            store.put("../escape", b"")


def test_evidence_in_object_storage_is_staged_with_its_row(make_app, s3_server):
    """An upload on S3: nothing under its final key until the row commits; a rolled-back one leaves
    nothing; the download, the deletion and the sweep go through the store."""
    from app_world import QUOTA_PLUGIN, build_world, open_campaign, pdf
    from sqlalchemy import select

    from core.applications import evidence, services
    from core.applications.orphans import sweep
    from core.extensions import db
    from core.models import Application, Campaign, User
    from core.storage import store

    prefix = f"inst{time.time_ns()}"
    app = make_app("hunan", GREENMFG_EXTRA_PLUGINS=[QUOTA_PLUGIN], GREENMFG_STORAGE="s3", GREENMFG_S3_BUCKET="evidence",
                   GREENMFG_S3_PREFIX=prefix, GREENMFG_S3_ENDPOINT_URL=s3_server)
    build_world(app)
    campaign_id = open_campaign(app)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "ent_changsha"))
        application = services.start_application(user, db.session.get(Campaign, campaign_id), "factory")
        db.session.commit()
        s3 = store()
        assert s3.kind == "s3"
        row = evidence.store(db.session.get(Application, application.id), "indicator.3", "a.pdf", pdf(1), "applicant")
        name = row.storage_name
        assert {f.key for f in s3.list()} == {f"pending/{name}"}  # staged, not yet visible
        db.session.commit()
        assert {f.key for f in s3.list()} == {name}
        assert evidence.read(row) == pdf(1)
        evidence.store(db.session.get(Application, application.id), "indicator.3", "b.pdf", pdf(2), "applicant")
        db.session.rollback()
        assert {f.key for f in s3.list()} == {name}  # the rolled-back upload left nothing
        s3.put("c" * 32, b"left by a lost process")
        report = sweep("test", dt.timedelta(0))
        db.session.commit()
        assert report["removed"] == ["c" * 32] and {f.key for f in s3.list()} == {name}
        row = db.session.get(type(row), row.id)
        evidence.delete(db.session.get(Application, application.id), row, "applicant")
        assert s3.exists(name)  # not before the deletion commits
        db.session.commit()
        assert not s3.exists(name)


def test_storage_configuration_is_checked_at_start(make_app):
    from core.config import ConfigurationError

    with pytest.raises(ConfigurationError, match="GREENMFG_S3_BUCKET"):
        make_app("hunan", GREENMFG_STORAGE="s3")
    with pytest.raises(ConfigurationError, match="GREENMFG_STORAGE"):
        make_app("hunan", GREENMFG_STORAGE="ftp")
