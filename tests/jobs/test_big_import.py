"""Issue 23, Done when: a 5,000-row summary import (the allowed maximum) over HTTP on PostgreSQL under the README's
gunicorn (2 sync workers, the default 30 s worker timeout) and ``greenmfg worker`` finishes.

A city's staff member signs in through the log-in form, uploads the filled table through the form of the
recommendations page, and follows the job's page until it ends:

* a table of 5,000 new units creates 5,000 organizations and draft applications, with their audit rows;
* the same table with one bad row imports nothing and the report names that row;
* no request the user made took as long as gunicorn's worker timeout.

PostgreSQL and Redis only (as tests/jobs/test_cluster.py); takes about a minute.
"""
from __future__ import annotations

import io
import re
import sys
import time

import pytest
import requests
import sqlalchemy as sa
from openpyxl import load_workbook

from cluster_kit import ROOT, Processes, base_env, redis_url

sys.path.insert(0, str(ROOT / "tests" / "applications"))

ROWS = 5000
WORKER_TIMEOUT = 30  # gunicorn's default, which the README's command keeps
PASSWORD = "绿色制造-测试口令-2025"
BAD_ROW = 4321  # the n-th appended row carries a credit code whose check digit is wrong


@pytest.fixture(scope="module")
def deployed(pg_database, tmp_path_factory):
    pg_database.reset()
    tmp = tmp_path_factory.mktemp("big-import")
    env = base_env(pg_database.url, redis_url(12), tmp / "instance")
    procs = Processes(env, tmp)
    try:
        seeded = _seed(env, pg_database.url)
        base = procs.gunicorn("web")  # the README's command: no --timeout, so gunicorn's 30 s
        procs.worker()
        yield {"base": base, "url": pg_database.url, "logs": tmp, **seeded}
    finally:
        procs.stop()


def _seed(env: dict, url: str) -> dict:
    """A Hunan provincial round (附件2-1/2-2) with its city, a city account, and the two files to upload."""
    from summary_kit import CASES, save, uscc, world

    from core import create_app
    from core.accounts import services as accounts
    from core.applications import summary
    from core.extensions import db
    from core.models import Role

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "c" * 40, "GREENMFG_REGION": "hunan",
                      "GREENMFG_RULES_YEAR": 2025, "GREENMFG_JOBS_BACKEND": "thread", "GREENMFG_MFA_ROLES": [],
                      "GREENMFG_EVIDENCE_DIR": env["GREENMFG_INSTANCE_PATH"] + "/unused"})
    with app.app_context():
        unit, campaign = world(CASES["hunan-2024"])
        accounts.create_user(username="city_big", password=PASSWORD, display_name="长沙市工信局", role=Role.CITY,
                             actor="test", admin_unit_id=unit.id)
        db.session.commit()
        blank = summary.export_summary(unit.id, campaign.id, "city_big", include_drafts=True)
        db.session.commit()
        files, bad_line = {}, None
        for name in ("good", "bad"):
            wb = load_workbook(io.BytesIO(blank))
            ws = wb["附件2-1"]
            for i in range(1, ROWS + 1):
                code = uscc(700000 + i, "91430100")
                if name == "bad" and i == BAD_ROW:
                    code = code[:-1] + ("0" if code[-1] != "0" else "1")
                ws.append([i, f"新申报第{i}号化工有限公司", "精细化工", "绿色工厂", "化工", "现代石化", 1000 + i, 50.5,
                           20, f"刘洋 139{i:08d}", code])
                if name == "bad" and i == BAD_ROW:
                    bad_line = (ws.max_row, code)
            files[name] = save(wb)
        out = {"campaign_id": campaign.id, "files": files, "bad_line": bad_line}
        db.session.remove()
        db.engine.dispose()
    return out


class _Browser:
    """A person's browser: a cookie session, every request timed."""

    def __init__(self, base: str):
        self.base, self.session, self.slowest = base, requests.Session(), (0.0, "")

    def request(self, method: str, path: str, **kw) -> requests.Response:
        started = time.monotonic()
        response = self.session.request(method, self.base + path, timeout=WORKER_TIMEOUT + 30, **kw)
        took = time.monotonic() - started
        if took > self.slowest[0]:
            self.slowest = (took, f"{method} {path} → {response.status_code}")
        return response

    def csrf(self, path: str) -> str:
        page = self.request("GET", path)
        assert page.status_code == 200, page.text[:500]
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)

    def sign_in(self, username: str) -> None:
        r = self.request("POST", "/login", allow_redirects=False,
                         data={"username": username, "password": PASSWORD, "csrf_token": self.csrf("/login")})
        assert r.status_code == 302, r.text[:2000]

    def import_table(self, campaign_id: int, data: bytes) -> str:
        """Upload through the recommendations page's form; the job page it leads to."""
        token = self.csrf(f"/city/recommended?campaign={campaign_id}")
        r = self.request("POST", f"/city/summary?campaign={campaign_id}", allow_redirects=False,
                         data={"csrf_token": token}, files={"file": ("汇总表.xlsx", data)})
        assert r.status_code == 302 and "/jobs/" in r.headers["Location"], (r.status_code, r.text[:2000])
        return r.headers["Location"].replace(self.base, "")

    def follow(self, job_page: str, seconds: float = 600) -> tuple[str, str, list[int]]:
        """Reload the job's page (as its Refresh header does) until the job ends: (status, page, progress seen)."""
        deadline = time.monotonic() + seconds
        seen: list[int] = []
        while time.monotonic() < deadline:
            page = self.request("GET", job_page)
            assert page.status_code == 200, page.text[:2000]
            status = re.search(r'id="job" data-status="(\w+)"', page.text).group(1)
            seen.append(int(re.search(r'id="job-progress" max="100" value="(\d+)"', page.text).group(1)))
            if status in ("done", "failed"):
                return status, page.text, seen
            time.sleep(1)
        raise AssertionError(f"the job is still {status} after {seconds} s")


def _count(url: str, sql: str, **params) -> int:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()
    finally:
        engine.dispose()


def test_a_table_with_one_bad_row_imports_nothing_and_names_the_row(deployed):
    campaign = deployed["campaign_id"]
    before = _count(deployed["url"], "SELECT count(*) FROM application WHERE campaign_id = :c", c=campaign)
    browser = _Browser(deployed["base"])
    browser.sign_in("city_big")
    status, page, _ = browser.follow(browser.import_table(campaign, deployed["files"]["bad"]))
    assert status == "done", page[-3000:]
    rejected = re.findall(r'<tr class="rejected"><td>([^<]*)</td><td>(\d+)</td><td>([^<]*)</td>', page)
    row, code = deployed["bad_line"]
    assert rejected == [("附件2-1", str(row), code)], rejected[:5]
    assert page.count('<tr class="created">') == ROWS - 1  # every other row was checked and would be created
    assert _count(deployed["url"], "SELECT count(*) FROM application WHERE campaign_id = :c", c=campaign) == before
    assert _count(deployed["url"], "SELECT count(*) FROM organization WHERE uscc = :u", u=code) == 0
    assert browser.slowest[0] < WORKER_TIMEOUT, browser.slowest


def test_5000_rows_over_http_under_gunicorn_finish_with_progress(deployed):
    campaign = deployed["campaign_id"]
    browser = _Browser(deployed["base"])
    browser.sign_in("city_big")
    status, page, progress = browser.follow(browser.import_table(campaign, deployed["files"]["good"]))
    assert status == "done", page[-3000:]
    assert progress[-1] == 100 and progress == sorted(progress), progress
    assert page.count('<tr class="created">') == ROWS
    url = deployed["url"]
    assert _count(url, "SELECT count(*) FROM application WHERE campaign_id = :c AND status = 'draft'",
                  c=campaign) == ROWS
    assert _count(url, "SELECT count(*) FROM organization WHERE uscc LIKE '914301000007%'") == ROWS
    audits = {action: _count(url, "SELECT count(*) FROM audit_log WHERE action = :a", a=action)
              for action in ("organization.imported", "application.created", "summary.imported")}
    assert audits == {"organization.imported": ROWS, "application.created": ROWS, "summary.imported": 1}
    assert browser.slowest[0] < WORKER_TIMEOUT, browser.slowest
