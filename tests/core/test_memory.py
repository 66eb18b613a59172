"""What a worker keeps in memory (issue 23, W5): a web worker serving pages loads none of alembic (only what
migrates sets up Flask-Migrate), redis-py (the one Redis client, core/ratelimit.py redis_pool: loaded when pages
are kept in Redis, a job is sent or a rate limit counts), limits (at the first count), segno (an MFA enrolment's QR
code) and python-stdnum (a USCC typed in), nor the summary table's code, the workbook readers and writers
(openpyxl, xlsxwriter), pypdf, zxcvbn or SMTP (the job worker sends e-mail), nor writes the OpenAPI document
until it is asked for, and a background job that read or wrote a workbook gives its memory back when it ends."""
from __future__ import annotations

import io
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from openpyxl import Workbook

from core.accounts import services as accounts
from core.extensions import db
from core.lists.jobs import start_import
from core.models import Job, JobStatus, Role
from core.services import memory
from core.services.admin_units import sync_admin_units

ROOT = Path(__file__).resolve().parents[2]
#: modules a web worker loads only when a request uses them (each costs every worker 0.4-11 MB)
LAZY = ("alembic", "flask_migrate", "redis", "limits", "segno", "stdnum", "argon2", "gmssl", "Cryptodome",
        # the summary table's and the workbooks' code (issue 46): loaded by the requests that write or read one
        "core.applications.summary", "core.applications.summary_import", "core.services.spreadsheets", "openpyxl",
        "core.services.xlsx_calamine", "python_calamine", "xlsxwriter", "pypdf", "zxcvbn", "smtplib",
        # the webhooks' HTTP client (with urllib3, charset_normalizer and idna): only the job that sends one
        "requests", "urllib3")
HISTORY = [["层级", "年度", "类型", "统一社会信用代码", "名称", "市州", "文号", "发布日期"],
           ["省级", 2022, "绿色工厂", "914301000000000013", "长沙绿色机械有限公司", "长沙市", "湘工信节能〔2022〕80号",
            "2022-12-20"]]


def test_a_web_worker_serves_pages_without_loading_what_only_some_requests_use(database_url):
    """(Nor, on PostgreSQL, SQLAlchemy's SQLite dialect: 0.7 MB.)"""
    lazy = LAZY + (("sqlalchemy.dialects.sqlite",) if database_url.startswith("postgresql") else ())
    script = (f"import sys\nfrom core import create_app\nLAZY = {lazy!r}\n"
              f"app = create_app({{'SQLALCHEMY_DATABASE_URI': {database_url!r}, 'SECRET_KEY': 't', "
              "'GREENMFG_REGION': 'hunan', 'GREENMFG_JOBS_BACKEND': 'redis', 'GREENMFG_PAGE_CACHE': 'off', "
              "'GREENMFG_REDIS_URL': 'redis://127.0.0.1:6379/21'})\n"
              "assert app.test_client().get('/public/lists').status_code == 200\n"
              "print(sorted(m for m in LAZY if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


KEPT = "redis://127.0.0.1:6379/6"


def test_kept_pages_and_the_api_are_served_without_the_openapi_document(database_url):
    """The second answer of each page comes from Redis without a statement, through redis-py (the one client)
    with nothing else that only some requests use, and the OpenAPI document (2 MB a worker) is written at its
    first ask only, the same document either way."""
    from core.ratelimit import redis_answers

    if not redis_answers(KEPT):
        pytest.skip("no Redis at 127.0.0.1:6379")
    script = (f"import sys\nfrom sqlalchemy import event\nfrom core import create_app\nfrom core.extensions import db\n"
              f"LAZY = {tuple(m for m in LAZY if m != 'redis')!r}\n"
              f"app = create_app({{'SQLALCHEMY_DATABASE_URI': {database_url!r}, 'SECRET_KEY': 't', "
              f"'GREENMFG_REGION': 'hunan', 'GREENMFG_JOBS_BACKEND': 'redis', 'GREENMFG_PAGE_CACHE': 'redis', "
              f"'GREENMFG_REDIS_URL': {KEPT!r}, 'GREENMFG_INSTANCE_NAME': 'memory-test-' + sys.argv[1]}})\n"
              "seen = []\n"
              "with app.app_context():\n"
              "    event.listen(db.engine, 'before_cursor_execute', lambda *a: seen.append(a[2]))\n"
              "client = app.test_client()\n"
              "for path in ('/public/lists', '/api/v1/lists'):\n"
              "    first = client.get(path)\n"
              "    del seen[:]\n"
              "    again = client.get(path)\n"
              "    assert again.status_code == first.status_code == 200 and again.data == first.data, path\n"
              "    assert seen == [], (path, seen)\n"
              "api = app.extensions['greenmfg_api']\n"
              "print(sorted(m for m in LAZY if m in sys.modules), api.written, 'redis' in sys.modules)\n"
              "doc = client.get('/api/openapi.json')\n"
              "print(api.written, doc.status_code, len(doc.get_json()['paths']) > 50)\n")
    name = uuid.uuid4().hex
    try:
        out = subprocess.run([sys.executable, "-c", script, name], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
    finally:
        import redis

        client = redis.Redis.from_url(KEPT)
        for key in client.scan_iter(f"greenmfg:memory-test-{name}:*"):
            client.delete(key)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-2:] == ["[] False True", "True 200 True"]


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _import_in_background(make_app, monkeypatch, raw: bytes, filename: str) -> list[str]:
    """The threads in which :func:`memory.trim` ran while a list-history import ran as a job."""
    trims: list[str] = []
    monkeypatch.setattr(memory, "trim", lambda: trims.append(threading.current_thread().name))
    app = make_app("hunan")
    with app.app_context():
        sync_admin_units("test")
        province = accounts.create_user(username="prov_mem", password="名单历史导入口令-2025", display_name="省厅",
                                        role=Role.PROVINCE, actor="test")
        db.session.commit()
        job_id = start_import(province, raw, filename, dry_run=True).id
    app.extensions["greenmfg_jobs"].wait(30)
    with app.app_context():
        assert db.session.get(Job, job_id).status == JobStatus.DONE
    return trims


def test_a_job_that_read_a_large_workbook_gives_its_memory_back_when_it_ends(make_app, monkeypatch):
    from core.services import spreadsheets

    raw = _xlsx(HISTORY)
    monkeypatch.setattr(spreadsheets, "TRIM_BYTES", len(raw))  # this file counts as large
    trims = _import_in_background(make_app, monkeypatch, raw, "history.xlsx")
    assert len(trims) == 1 and trims[0].startswith("greenmfg-job")


def test_a_small_workbook_leaves_the_heap_alone(make_app, monkeypatch):
    """A full collection holds the interpreter lock 0.1 s in a worker: small work does not pay it (issue 46 W6)."""
    from core.services import spreadsheets

    raw = _xlsx(HISTORY)
    assert len(raw) < spreadsheets.TRIM_BYTES
    assert _import_in_background(make_app, monkeypatch, raw, "history.xlsx") == []


def test_a_job_without_a_workbook_leaves_the_heap_alone(make_app, monkeypatch):
    csv = "\n".join(",".join(str(v) for v in row) for row in HISTORY).encode("utf-8-sig")
    assert _import_in_background(make_app, monkeypatch, csv, "history.csv") == []
