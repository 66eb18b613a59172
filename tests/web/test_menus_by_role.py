"""Each menu only for the roles that may use it (issue 61): every account of each region's demo follows the
links of its menus (the header's and the section menus') from its home page, page after page, and every menu link
it is shown opens for it (200, never 403 or 404). The administrators' 系统管理, with the server's audit-log
command, is the administrator's alone: province and city staff look after accounts under 账户管理; in the national
demo the ministry opens a year's filing (办法 第十六条: it runs the national lists' dynamic management)."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, SoupStrainer
from helpers import DEMO_COPIES

DEMO_PASSWORD = "greenmfg-demo-2025"
REGIONS = ["hunan", "hubei", "jiangxi", "shanxi", "national"]
#: the elements the menus are in: the header (its ``nav``) and the section menus (``nav.subnav``)
MENUS = SoupStrainer(["header", "nav"])


def _menu_links(html: str) -> set[str]:
    """The addresses of the header's menu and of the section menus on a page (not the language switch, the
    log-out link or the brand). Only the page's ``<header>`` and ``<nav>`` elements are built into a tree (the rest
    of a page, up to thousands of elements, is read past): that is where the menus are."""
    soup = BeautifulSoup(html, "html.parser", parse_only=MENUS)
    links = soup.select("header.top nav > a") + soup.select("nav.subnav a")
    out = set()
    for a in links:
        href = urlsplit(a.get("href", ""))
        if href.netloc or not href.path.startswith("/") or href.path == "/logout" or "lang=" in href.query:
            continue
        out.add(href.path + (f"?{href.query}" if href.query else ""))
    return out


def crawl_menus(client) -> dict[str, int]:
    """{menu address: status} of every menu link the signed-in ``client`` is shown on the pages its menus reach
    (after its redirects; 401 when it leads to the log-in page)."""
    statuses: dict[str, int] = {}
    queue = ["/"]
    while queue:
        url = queue.pop(0)
        if url in statuses:
            continue
        response = client.get(url, follow_redirects=True)  # a menu's entry may lead on to its first page
        statuses[url] = 401 if response.request.path == "/login" else response.status_code
        if response.status_code == 200 and response.content_type.startswith("text/html"):
            queue += sorted(_menu_links(response.get_data(as_text=True)) - set(statuses))
    return statuses


@pytest.fixture
def demo(make_app, tmp_path, request, cheap_hashes):
    app = make_app(request.param, WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"))
    DEMO_COPIES.load(app)
    return app


def _accounts(app) -> list[str]:
    from sqlalchemy import select

    from core.extensions import db
    from core.models import User

    with app.app_context():
        names = list(db.session.scalars(select(User.username).order_by(User.id)))
        db.session.remove()
    return names


def _log_in(app, username: str):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORD}).status_code == 302
    client.get("/?lang=zh")
    return client


@pytest.mark.parametrize("demo", REGIONS, indirect=True)
def test_every_menu_link_a_role_sees_opens_for_it(demo):
    accounts = _accounts(demo)
    assert {"admin", "province", "city", "enterprise", "evaluator"} <= set(accounts)
    refused, seen = [], {}
    for username in accounts:
        statuses = crawl_menus(_log_in(demo, username))
        seen[username] = statuses
        refused += [f"{username}: {url} answers {code}" for url, code in statuses.items() if code != 200]
    assert not refused, "\n".join(refused)
    # the crawl read menus, not one page: each officer's menus reach its working pages
    assert {"/city", "/admin/users"} <= set(seen["city"]) and "/admin" not in seen["city"]
    assert {"/province/campaigns", "/review", "/admin/users"} <= set(seen["province"]) and "/admin" not in seen["province"]
    assert "/admin" in seen["admin"]
    assert "/admin" not in seen["enterprise"] and "/applications" in seen["enterprise"]


@pytest.mark.parametrize("demo", ["hunan"], indirect=True)
def test_the_administrators_menu_and_the_servers_command_are_the_administrators(demo):
    city = _log_in(demo, "city")
    home = city.get("/").get_data(as_text=True)
    assert 'id="nav-admin"' not in home and "系统管理" not in home
    assert 'id="nav-accounts"' in home and "账户管理" in home
    # the accounts page the city may open does not tell it to run a command on the server
    for url in ("/admin", "/admin/users"):
        page = city.get(url).get_data(as_text=True)
        assert "audit verify" not in page and "审计日志" not in page, url
    province = _log_in(demo, "province")
    assert "audit verify" not in province.get("/admin").get_data(as_text=True)
    admin = _log_in(demo, "admin")
    page = admin.get("/").get_data(as_text=True)
    assert 'id="nav-admin"' in page and "系统管理" in page and 'id="nav-accounts"' not in page
    # the verification's section: the command to run, or the last verification's result where one ran
    shown = admin.get("/admin").get_data(as_text=True)
    assert 'id="audit-verification"' in shown and ("greenmfg audit verify" in shown or "最近校验" in shown
                                                   or "Last verified" in shown), shown[-1500:]
    # on a province's instance the ministry's account does not open the province's yearly filings
    from core.kernel.permissions import registry
    from core.models import Role

    assert not registry(demo).granted(Role.MINISTRY, "management.jobs")
    assert registry(demo).granted(Role.PROVINCE, "management.jobs")


@pytest.mark.parametrize("demo", ["national"], indirect=True)
def test_the_ministry_opens_a_years_filing_on_the_national_instance(demo):
    import datetime as dt

    from sqlalchemy import select

    from core.clock import this_year, today
    from core.extensions import db
    from core.models import AuditLog

    ministry = _log_in(demo, "ministry")
    page = ministry.get("/management/filings").get_data(as_text=True)
    assert 'action="/management/filings/open"' in page
    # after the year's due date (seed 004 第十八条: 04-15) the page asks for a date to file by and a reason
    opened = ministry.post("/management/filings/open", data={
        "year": this_year(), "until": (today() + dt.timedelta(days=10)).isoformat(), "reason": "培训：部里开启年度填报"})
    assert opened.status_code == 302, opened.get_data(as_text=True)[:400]
    with demo.app_context():
        actors = set(db.session.scalars(select(AuditLog.actor).where(AuditLog.action == "filings.opened")))
    assert actors == {"ministry"}
