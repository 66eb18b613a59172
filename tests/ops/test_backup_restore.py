"""A back-up taken as docs/operations.md says (``pg_dump -Fc`` of the database, a copy of the instance folder
with its stored files) restores into an empty database and serves the same pages (issue 44). PostgreSQL
only: the procedure is PostgreSQL's."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tarfile
import uuid
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text
from stdnum.cn import uscc as stdnum_uscc

PG_URL = os.environ.get("GREENMFG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PAGES = ["/public/lists", "/public/lists?level=provincial", "/rules", "/notices"]


def _uscc(n: int) -> str:
    body = f"91420100{n:09d}"
    return body + stdnum_uscc.calc_check_digit(body)


@pytest.fixture
def postgres():
    pg = urlsplit(PG_URL.replace("postgresql+psycopg", "postgresql"))
    host, port, user = pg.hostname or "127.0.0.1", pg.port or 5432, pg.username or "postgres"
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"no PostgreSQL at {host}:{port}")
        pytest.skip(f"no PostgreSQL at {host}:{port}")
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        pytest.skip("pg_dump/pg_restore are not installed")
    suffix = uuid.uuid4().hex[:8]
    names = [f"gm_backup_{suffix}", f"gm_restored_{suffix}"]
    psql = ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", str(port), "-U", user, "-d", "postgres"]
    for name in names:
        subprocess.run(psql + ["-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    yield {name: f"postgresql+psycopg://{user}@{host}:{port}/{name}" for name in names}, names
    for name in names:
        subprocess.run(psql + ["-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)


def _instance(tmp_path, name, url, monkeypatch):
    from core.app import create_app

    folder = tmp_path / name
    monkeypatch.setenv("GREENMFG_INSTANCE_PATH", str(folder))
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "GREENMFG_REGION": "hubei", "TESTING": True,
                       "GREENMFG_PAGE_CACHE": "off", "GREENMFG_JOBS_BACKEND": "thread",
                       "GREENMFG_JOBS_EMBEDDED_SCHEDULER": False, "GREENMFG_RATELIMIT_ENABLED": False,
                       "SECRET_KEY": "backup-test"})


def _page(app, path: str) -> str:
    answer = app.test_client().get(path)
    assert answer.status_code == 200, path
    return re.sub(r'(csrf_token" type="hidden" value=|nonce=)"[^"]+"', "", answer.get_data(as_text=True))


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_a_pg_dump_and_the_instance_folder_restore_into_an_empty_database(postgres, tmp_path, monkeypatch):
    from flask_migrate import upgrade

    from core.extensions import db, init_migrate
    from core.lists import history
    from core.services.admin_units import sync_admin_units
    from core.storage import store

    urls, (source_db, target_db) = postgres
    source = _instance(tmp_path, "instance", urls[source_db], monkeypatch)
    with source.app_context():
        init_migrate(source)
        upgrade()
        sync_admin_units("test")
        db.session.commit()
        rows = "\n".join(["层级,年度,类型,统一社会信用代码,名称,市州,文号,发布日期,状态,移出日期,移出原因"] + [
            f"省级,2024,绿色工厂,{_uscc(n)},武汉备份测试{n}号有限公司,武汉市,鄂经信节能〔2024〕{n}号,2024-12-20,列入,,"
            for n in range(1, 8)])
        report = history.import_history("test", rows.encode(), "history.csv")
        assert report["ok"], report
        db.session.commit()
        store().put("evidence/2026/report.pdf", b"%PDF-1.7 stored evidence")
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    before = {path: _page(source, path) for path in PAGES}
    assert "武汉备份测试3号有限公司" in before["/public/lists"]

    # the back-up, as docs/operations.md: the database in PostgreSQL's custom format, the instance folder
    dump = tmp_path / "greenmfg.dump"
    subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", str(dump), _libpq(urls[source_db])], check=True)
    archive = tmp_path / "instance.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "instance", arcname="instance")
    with source.app_context():
        db.session.remove()
        db.engine.dispose()

    # the restore, on another server's empty database and folder
    restored_root = tmp_path / "restored"
    restored_root.mkdir()
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d", _libpq(urls[target_db]), str(dump)],
                   check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(restored_root, filter="data")
    target = _instance(restored_root, "instance", urls[target_db], monkeypatch)
    after = {path: _page(target, path) for path in PAGES}
    for path in PAGES:
        assert after[path] == before[path], path
    with target.app_context():
        assert store().get("evidence/2026/report.pdf") == b"%PDF-1.7 stored evidence"
        restored_revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert restored_revision == revision  # the restored database is at the same migration
        db.session.remove()
        db.engine.dispose()
