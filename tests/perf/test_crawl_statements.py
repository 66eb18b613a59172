"""Issue 57: every page any role reaches runs the same number of SQL statements whatever the number of
applications. The pages are found by crawling the site as each role from its home page (a new page is guarded
without being named here): each page found with the smaller world is asked again with three times the
applications, organizations, list entries and filings, and must run as many statements.

Both sizes are above a list's page (50 rows), so a list's own paging runs the same statements at both, and a
page that reads a row's relations one row at a time (N+1) or every row of a list runs more at the larger.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_statement_counts import counting, grow, world  # noqa: E402,F401  (the fixture)

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

SMALL, LARGE = 120, 360
#: who crawls (``None``: an anonymous visitor), each from its home page
ROLES = [None, "applicant_changsha", "city_changsha", "province", "expert", "evaluator", "ministry", "admin"]
MAX_PAGES = 80  # address patterns a role's crawl reads
HREF = re.compile(r'href="([^"#]+)"')
#: not a page: files, downloads, the API, signing out, the language switch
SKIP = re.compile(r"^/(api|static|logout)\b|\.(pdf|xlsx|csv|json|xls|js|css|png|svg|ico)$|/download$|/evidence/|"
                  r"/files/|/report$")


def _pattern(url: str) -> str:
    """A page's address with its numbers (record ids, cursors) generalised: one page of each is read."""
    return re.sub(r"\d+", "N", url)


def crawl(client) -> list[str]:
    """The pages (addresses answering 200 with HTML) reached from the home page, one per address pattern."""
    queue, patterns, pages = ["/"], set(), []
    while queue and len(patterns) < MAX_PAGES:
        url = queue.pop(0)
        pattern = _pattern(url)
        if pattern in patterns:
            continue
        patterns.add(pattern)
        response = client.get(url)
        if response.status_code in (301, 302, 303) and response.location.startswith("/"):  # a menu's entry page
            queue.insert(0, response.location)
        if response.status_code != 200 or not response.content_type.startswith("text/html"):
            continue
        pages.append(url)
        for href in HREF.findall(response.get_data(as_text=True)):
            link = urlsplit(href.replace("&amp;", "&"))
            if link.netloc or not link.path.startswith("/") or "lang=" in link.query or SKIP.search(link.path):
                continue
            queue.append(link.path + (f"?{link.query}" if link.query else ""))
    return pages


def _counts(world, clients, pages) -> dict[tuple, tuple[int, list[str]]]:
    from core.extensions import db

    with world.app.app_context():
        engine = db.engine
    out = {}
    for who, urls in pages.items():
        for url in urls:
            clients[who].get(url)  # a first request warms per-process caches (catalogues, compiled statements)
            with counting(engine) as seen:
                response = clients[who].get(url)
            assert response.status_code == 200, (who, url, response.status_code)
            out[who, url] = (len(seen["contexts"]), seen["sql"])
    return out


def test_every_page_of_every_role_runs_as_many_statements_with_three_times_the_applications(world):
    grow(world, SMALL)
    clients = {who: world.client(who) for who in ROLES}
    pages = {who: crawl(clients[who]) for who in ROLES}
    # the crawl reached each role's lists (the guard is not of a handful of pages)
    assert {"/city", "/city/recommended"} <= set(pages["city_changsha"]), pages["city_changsha"]
    assert {"/province/applications", "/province/campaigns", "/management/dashboard"} <= set(pages["province"])
    assert sum(len(urls) for urls in pages.values()) >= 60, pages
    small = _counts(world, clients, pages)
    grow(world, LARGE - SMALL)
    large = _counts(world, clients, pages)
    grew = [f"{who} {url}: {small[who, url][0]} statements at {SMALL} applications, {count} at {LARGE}:\n  "
            + "\n  ".join(sql) for (who, url), (count, sql) in large.items() if count != small[who, url][0]]
    assert not grew, "\n".join(grew)
