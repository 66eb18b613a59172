"""Issue 55: clients sending one ``If-Match`` at once never lose an update.

Before, the tag was compared against one read of the record and the write made against another: six clients with
one tag got more than one 200 in 6 of 9 rounds on SQLite and 4 of 8 on PostgreSQL, and some losers a 409
``refused``. Now a guarded change is a compare-and-set on the record's version (``UPDATE ... WHERE id = ? AND
version = ?``, core.api.etags.claim) and the tag derives from that version. gunicorn with four sync workers (as
deployed), each round's PATCHes released together by a barrier, each on its own connection: exactly one 200 per
round, every other answer a 412 ``precondition_failed``, and the record holds the winner's value. On both databases,
20 rounds of 20 clients (issue 55's Done-when), and the same for the web form: two browsers (two signed-in
sessions) posting one firm's page with the version field the page gave them, 20 posts at once, 20 rounds: one
save, nineteen refusals (409, what was typed kept), and the firm holds the winner's value.
"""
from __future__ import annotations

import re
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

import api_kit as kit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "jobs"))  # cluster_kit.py
from cluster_kit import Processes, base_env, redis_url  # noqa: E402

pytestmark = pytest.mark.both_databases

ROUNDS, CLIENTS = 20, 20


@pytest.fixture
def served(database_url, tmp_path):
    procs: list[Processes] = []

    def start(region: str) -> str:
        env = base_env(database_url, redis_url(13), tmp_path / "instance", GREENMFG_REGION=region,
                       GREENMFG_RATELIMIT_ENABLED="false")
        p = Processes(env, tmp_path)
        procs.append(p)
        return p.gunicorn("if-match", "--workers", "4", "--timeout", "60")

    yield start
    for p in procs:
        p.stop()


def _at_once(url: str, headers: dict, bodies: list[dict]) -> list[requests.Response]:
    barrier = threading.Barrier(len(bodies))

    def send(body):
        with requests.Session() as session:
            barrier.wait(timeout=60)
            return session.patch(url, headers=headers, json=body, timeout=60)

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(send, bodies))


class WebBrowser:
    """A browser's session on the served site: its cookies, the page's CSRF token and version field."""

    def __init__(self, base: str, username: str):
        self.base, self.session = base, requests.Session()
        page = self.session.get(f"{base}/login", timeout=30).text
        r = self.session.post(f"{base}/login", allow_redirects=False, timeout=30,
                              data={"username": username, "password": kit.PASSWORD, "csrf_token": _csrf(page)})
        assert r.status_code == 302, r.text[:500]

    def open(self, path: str) -> dict:
        """The form's hidden fields as the page gives them (CSRF token, version field)."""
        page = self.session.get(f"{self.base}{path}", timeout=30)
        assert page.status_code == 200, page.text[:500]
        return {"csrf_token": _csrf(page.text), "etag": re.search(r'name="etag" value="([0-9a-f]+)"', page.text)[1]}

    def post(self, path: str, data: dict) -> requests.Response:
        # a copy of the session's cookies: each post on its own connection, as a browser's parallel tabs
        with requests.Session() as tab:
            tab.cookies.update(self.session.cookies)
            return tab.post(f"{self.base}{path}?lang=zh", data=data, allow_redirects=False, timeout=60)


def _posted_at_once(path: str, posts: list[tuple[WebBrowser, dict]]) -> list[requests.Response]:
    """Each browser's post of the form, released together by a barrier."""
    barrier = threading.Barrier(len(posts))

    def save(post: tuple[WebBrowser, dict]) -> requests.Response:
        browser, data = post
        barrier.wait(timeout=60)
        return browser.post(path, data)

    with ThreadPoolExecutor(len(posts)) as pool:
        return list(pool.map(save, posts))


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]


def _race(base: str, path: str, headers: dict, field: str, values) -> None:
    url = f"{base}{path}"
    for n in range(ROUNDS):
        read = requests.get(url, headers=headers, timeout=60)
        assert read.status_code == 200, read.text
        tag = read.headers["ETag"]
        bodies = [{field: values(n, i)} for i in range(CLIENTS)]
        answers = _at_once(url, {**headers, "If-Match": tag}, bodies)
        codes = sorted(r.status_code for r in answers)
        assert codes == [200] + [412] * (CLIENTS - 1), (n, codes, [r.text for r in answers if r.status_code
                                                                   not in (200, 412)][:1])
        assert all(r.json()["code"] == "precondition_failed" for r in answers if r.status_code == 412)
        won = next(r for r in answers if r.status_code == 200)
        after = requests.get(url, headers=headers, timeout=60)
        assert after.json()[field] == won.json()[field]  # the winner's value is what is stored
        assert after.headers["ETag"] == won.headers["ETag"] != tag


def test_one_tag_sent_at_once_changes_an_application_once(make_app, served):
    from test_etags import _draft

    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    app_id, clerk = _draft(app, people)
    base = served("hunan")
    _race(base, f"/api/v1/applications/{app_id}", clerk, "contact_name", lambda n, i: f"联系人{n}-{i}")


def test_one_tag_sent_at_once_changes_a_firm_once(make_app, served):
    """A record whose version came with issue 55 (the evaluation firm): the same compare-and-set."""
    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    base = served("hunan")
    _race(base, f"/api/v1/evaluators/{people.firm_id}", people.headers("province"), "legal_representative",
          lambda n, i: f"孙立{n}{i}")


def test_two_browsers_saving_one_firm_page_at_once_save_once(make_app, served):
    """The web form's version field under the same race: two officers' browsers opened the firm's page on one
    version; 20 saves of it arrive at once (ten from each), each on its own connection, 20 rounds."""
    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    with app.app_context():
        from core.accounts import services as accounts
        from core.models import Role

        accounts.create_user(username="api_admin2", password=kit.PASSWORD, display_name="第二位管理员",
                             role=Role.ADMIN, actor="test")
        from core.extensions import db

        db.session.commit()
    base = served("hunan")
    path = f"/admin/firms/{people.firm_id}"
    browsers = [WebBrowser(base, "api_admin"), WebBrowser(base, "api_admin2")]
    for n in range(ROUNDS):
        pages = [b.open(path) for b in browsers]
        assert pages[0]["etag"] == pages[1]["etag"]  # both opened on one version
        typed = [f"孙立{n}-{i}" for i in range(CLIENTS)]
        posts = [(browsers[i % 2], {**pages[i % 2], "name": "接口测试评价有限公司", "legal_representative": typed[i]})
                 for i in range(CLIENTS)]
        answers = _posted_at_once(path, posts)
        codes = sorted(r.status_code for r in answers)
        assert codes == [302] + [409] * (CLIENTS - 1), (n, codes)
        winner = typed[next(i for i, r in enumerate(answers) if r.status_code == 302)]
        for i, r in enumerate(answers):
            if r.status_code == 409:  # refused: what this browser typed is still in the form, the saved value shown
                assert f'value="{typed[i]}"' in r.text and 'id="conflicts"' in r.text
        after = browsers[0].session.get(f"{base}{path}", timeout=30).text
        assert f'value="{winner}"' in after  # the one save is what is stored
