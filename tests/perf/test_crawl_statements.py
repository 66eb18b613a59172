"""Issue 57: every page any role reaches runs the same number of SQL statements whatever the number of
applications. The pages are found by crawling the site as each role from its home page (a new page is guarded
without being named here): each page found with the smaller world is asked again with three times the
applications, organizations, list entries and filings, and must run as many statements.

Both sizes are above a list's page (50 rows), so a list's own paging runs the same statements at both, and a
page that reads a row's relations one row at a time (N+1) or every row of a list runs more at the larger.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_statement_counts import counting, grow, world  # noqa: E402,F401  (the fixture)

from core.testing.crawl import api_collections, crawl  # noqa: E402  (the same crawl as bench/bench_pages.py --buffers)

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

SMALL, LARGE = 120, 360
#: the once-a-minute mark of a signed-in session (core/accounts/sessions.py, ``REFRESH_SECONDS``): whether a request
#: makes it depends on the clock (a crawl slower than a minute crosses it), not on the rows, so it is not counted
SESSION_MARK = "UPDATE web_session SET last_seen_at"
#: who crawls (``None``: an anonymous visitor), each from its home page
ROLES = [None, "applicant_changsha", "city_changsha", "province", "expert", "evaluator", "ministry", "admin"]


def _counts(world, clients, pages, warm: bool = True) -> dict[tuple, tuple[int, list[str]]]:
    """``{(who, url): (statements, their SQL)}`` of one request to each page. With ``warm``, each page is asked
    once first: a first request warms per-process caches (catalogues, compiled statements) and does what a first
    view does once (a message marked read); without, the page must have been asked already (the crawl asked each
    page it found, just before)."""
    from core.extensions import db

    with world.app.app_context():
        engine = db.engine
    out = {}
    for who, urls in pages.items():
        for url in urls:
            if warm:
                clients[who].get(url)
            with counting(engine) as seen:
                response = clients[who].get(url)
            assert response.status_code == 200, (who, url, response.status_code)
            sql = [line for line in seen["sql"] if not line.startswith(SESSION_MARK)]
            out[who, url] = (len(sql), sql)
    return out


def test_every_page_of_every_role_runs_as_many_statements_with_three_times_the_applications(world):
    grow(world, SMALL)
    clients = {who: world.client(who) for who in ROLES}
    pages = {who: crawl(clients[who]) for who in ROLES}
    # the crawl reached each role's lists (the guard is not of a handful of pages)
    assert {"/city", "/city/recommended"} <= set(pages["city_changsha"]), pages["city_changsha"]
    assert {"/province/applications", "/province/campaigns", "/management/dashboard"} <= set(pages["province"])
    assert sum(len(urls) for urls in pages.values()) >= 60, pages
    small = _counts(world, clients, pages, warm=False)  # the crawl has just asked each page once
    grow(world, LARGE - SMALL)
    large = _counts(world, clients, pages)  # new rows: a page's first view of them (messages read) is not counted
    grew = [f"{who} {url}: {small[who, url][0]} statements at {SMALL} applications, {count} at {LARGE}:\n  "
            + "\n  ".join(sql) for (who, url), (count, sql) in large.items() if count != small[who, url][0]]
    assert not grew, "\n".join(grew)


def _api_counts(world, found, warm: bool = True) -> dict[tuple, tuple[int, list[str]]]:
    """As :func:`_counts`, for the API's collections (``api_collections`` asked each one it found)."""
    from core.extensions import db

    with world.app.app_context():
        engine = db.engine
    client, out = world.app.test_client(), {}
    for who, urls in found.items():
        headers = {"Authorization": f"Bearer {world.tokens[who]}"} if who else {}
        for url in urls:
            if warm:
                client.get(url, headers=headers)
            with counting(engine) as seen:
                response = client.get(url, headers=headers)
            assert response.status_code == 200, (who, url, response.status_code)
            out[who, url] = (len(seen["contexts"]), seen["sql"])
    return out


def test_every_api_collection_of_every_role_runs_as_many_statements_with_three_times_the_applications(world):
    """The JSON API's side of the guard: every ``GET`` collection of the app (core/testing/crawl.py
    ``api_collections``, the bench's crawl) each role's token reads."""
    grow(world, SMALL)
    found = {who: api_collections(world.app, world.app.test_client(),
                                  {"Authorization": f"Bearer {world.tokens[who]}"} if who else {}) for who in ROLES}
    assert {"/api/v1/applications", "/api/v1/management/dashboard"} <= set(found["province"]), found["province"]
    assert "/api/v1/lists" in found[None]
    small = _api_counts(world, found, warm=False)
    grow(world, LARGE - SMALL)
    large = _api_counts(world, found)
    grew = [f"{who} {url}: {small[who, url][0]} statements at {SMALL} applications, {count} at {LARGE}:\n  "
            + "\n  ".join(sql) for (who, url), (count, sql) in large.items() if count != small[who, url][0]]
    assert not grew, "\n".join(grew)
