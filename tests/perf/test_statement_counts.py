"""Issue 23: every list page and JSON API collection costs the same number of SQL statements with 100 rows as
with 10,000 (no query per row: related rows load with the page), on SQLite and PostgreSQL; an API collection
page costs at most 4.

The rows are bulk-inserted (SQLAlchemy Core executemany), not made through the services, so the test stays
fast. A statement is one execution context seen by the engine's ``before_cursor_execute`` event (a batch the
driver splits one executemany into counts once). The summary export and import are counted the same way in
tests/applications/test_summary_statements.py (100 and 10,000 rows; 100 and 5,000).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "applications"))  # app_world.py
from app_world import build_world, make_uscc, open_campaign  # noqa: E402

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

SMALL, LARGE = 100, 10_000
API_LIMIT = 4  # statements per API collection page (issue 23)


def _offset(context, statement: str) -> list[str]:
    """``[statement]`` if it pages with OFFSET, else ``[]``. SQLite's compiler writes ``OFFSET ?`` bound to 0 after
    every LIMIT, so the statement's own tree is read there (an OFFSET asked for is an ``_offset_clause``)."""
    compiled = getattr(context, "compiled", None)
    if compiled is not None and compiled.statement is not None:
        from sqlalchemy.sql.visitors import iterate

        if any(getattr(e, "_offset_clause", None) is not None for e in iterate(compiled.statement)):
            return [statement]
    if context.dialect.name != "sqlite" and re.search(r"\bOFFSET\b", statement, re.IGNORECASE):
        return [statement]
    return []


@contextlib.contextmanager
def counting(engine):
    """The statements executed meanwhile, first lines: ``seen["sql"]``; whole: ``seen["full"]``."""
    seen: dict = {"contexts": {}, "sql": [], "full": [], "offset": []}

    def listener(conn, cursor, statement, parameters, context, executemany):
        if id(context) not in seen["contexts"]:
            seen["contexts"][id(context)] = context  # kept alive, so no later context reuses its id
            seen["sql"].append(" ".join(statement.split())[:160])
            seen["full"].append(statement)
            seen["offset"] += _offset(context, statement)

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


@pytest.fixture
def world(make_app, tmp_path):
    # the statements of pages made (with GREENMFG_TEST_PAGE_CACHE=1 a page asked again would be kept: none)
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"),
                   GREENMFG_PAGE_CACHE="off")
    world = build_world(app)
    world.campaign_id = open_campaign(app, level="provincial", unit_types=("factory", "park"))
    world.grown = 0
    return world


STATUSES = ("submitted", "submitted", "draft", "returned", "city_recommended", "rejected")


def grow(world, n: int) -> None:
    """Add ``n`` organizations in Changsha, each with an application (some with a deadline extension), a
    list entry and an annual filing."""
    from core.extensions import db
    from core.clock import now, today
    from core.models import AnnualFiling, Application, DeadlineExtension, ListEntry, Organization

    app, start = world.app, world.grown
    with app.app_context():
        at, unit = now(), world.units["changsha"]
        first = (db.session.scalar(sa.select(sa.func.max(Organization.id))) or 0) + 1
        ids = range(first, first + n)
        db.session.execute(sa.insert(Organization), [
            {"id": i, "uscc": make_uscc(), "name": f"长沙第{start + k:05d}号绿色制造有限公司", "admin_unit_id": unit,
             "created_at": at, "updated_at": at} for k, i in enumerate(ids)])
        db.session.execute(sa.insert(Application), [
            {"campaign_id": world.campaign_id, "organization_id": i, "admin_unit_id": unit,
             "unit_type": "park" if k % 4 == 3 else "factory", "level": "provincial", "evaluation_mode": "self",
             "status": STATUSES[k % len(STATUSES)], "indicator_values": {}, "extension_data": {},
             "requested_levels": ["provincial"], "declarations": {}, "version": 1, "score": Decimal("60.5") + k % 30,
             "submitted_at": at - dt.timedelta(minutes=k), "created_at": at, "updated_at": at}
            for k, i in enumerate(ids)])
        db.session.execute(sa.insert(DeadlineExtension), [
            {"campaign_id": world.campaign_id, "organization_id": i, "until": at + dt.timedelta(days=60),
             "reason": "系统故障", "granted_by": "province_user", "created_at": at, "updated_at": at}
            for k, i in enumerate(ids) if k % 5 == 2])
        db.session.execute(sa.insert(ListEntry), [
            {"organization_id": i, "unit_type": "factory", "level": "provincial", "year": 2020 + k % 5,
             "status": "listed", "listed_on": dt.date(2024, 3, 1), "notice_no": "湘工信节能〔2024〕1号",
             "source": "import", "created_at": at, "updated_at": at} for k, i in enumerate(ids)])
        db.session.execute(sa.insert(AnnualFiling), [
            {"organization_id": i, "unit_type": "factory", "year": today().year, "admin_unit_id": unit,
             "levels": ["provincial"], "status": "due", "due_on": today(), "values": {}, "key_data": {},
             "version": 1, "created_at": at, "updated_at": at} for i in ids])
        db.session.commit()
    world.grown += n


#: (who, URL) of every list page and API collection; ``None``: anonymous
PAGES = [
    ("city_changsha", "/city"),
    ("city_changsha", "/city?status=submitted&unit_type=factory&after=5000"),
    ("city_changsha", "/city?status=all&before=50"),
    ("city_changsha", "/city?q=%E7%BB%BF%E8%89%B2"),  # 绿色: every name matches
    ("province", "/province/applications"),
    ("province", "/province/applications?status=city_recommended"),
    ("province", "/review"),  # the province's review queue
    ("province", "/review?after=50"),
    (None, "/public/lists"),
    (None, "/public/lists?year=2021&q=%E9%95%BF%E6%B2%99"),  # 长沙
    (None, "/notices"),
    ("province", "/province/notices"),
    ("province", "/management/filings"),
    ("city_changsha", "/management/filings"),
    ("province", "/management/changes"),
    ("province", "/management/rereviews"),
    ("city_changsha", "/city/recommended"),  # issue 57: paged, with the rows' organizations
]
API = [
    ("city_changsha", "/api/v1/applications"),
    ("city_changsha", "/api/v1/applications?status=draft&per_page=100"),
    ("province", "/api/v1/applications?page=3&per_page=10"),
    ("province", "/api/v1/review/applications?after=50"),
    ("city_changsha", "/api/v1/applications?q=%E9%95%BF%E6%B2%99"),
    (None, "/api/v1/lists"),
    (None, "/api/v1/lists?level=provincial&year=2022"),
    (None, "/api/v1/notices"),
]


def _measure(world, clients, tokens) -> dict[str, tuple[int, list[str]]]:
    from core.extensions import db

    out = {}
    with world.app.app_context():
        engine = db.engine
    for who, url in PAGES:
        client = clients[who]
        client.get(url)  # a first request warms per-process caches (catalogues, compiled statements)
        with counting(engine) as seen:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        out[f"{who} {url}"] = (len(seen["contexts"]), seen["sql"])
    for who, url in API:
        headers = {"Authorization": f"Bearer {tokens[who]}"} if who else {}
        clients[None].get(url, headers=headers)
        with counting(engine) as seen:
            response = clients[None].get(url, headers=headers)
        assert response.status_code == 200, (url, response.get_json())
        body = response.get_json()
        assert body["items"] is not None  # one paging shape (issue 48)
        out[f"API {who} {url}"] = (len(seen["contexts"]), seen["sql"])
    return out


def test_statements_per_page_are_the_same_for_100_and_10000_rows(world):
    grow(world, SMALL)
    clients = {who: world.client(who) for who in {w for w, _ in PAGES} | {None}}
    small = _measure(world, clients, world.tokens)
    grow(world, LARGE - SMALL)
    large = _measure(world, clients, world.tokens)
    for key, (count, sql) in small.items():
        assert large[key][0] == count, f"{key}: {count} statements at {SMALL} rows, {large[key][0]} at {LARGE}:\n" + \
            "\n".join(large[key][1])
        if key.startswith("API ") and "/api/v1/applications" in key:
            assert count <= API_LIMIT, f"{key}: {count} statements:\n" + "\n".join(sql)


def test_pages_follow_each_other_without_offset(world):
    """The next/previous links walk the public lists, a management list and the API collection through every
    row once."""
    grow(world, 230)
    anonymous = world.client(None)
    seen, url, pages = [], "/public/lists?lang=zh", 0
    while url:
        html = anonymous.get(url).get_data(as_text=True)
        seen += re.findall(r"<td>(长沙第\d{5}号绿色制造有限公司)</td>", html)
        nxt = re.search(r'id="next-page" href="([^"]+)"', html)
        url = nxt.group(1).replace("&amp;", "&") if nxt else None
        pages += 1
    assert pages == 5 and len(seen) == len(set(seen)) == 230
    assert "230" in html and 'id="prev-page"' in html
    prev = re.search(r'id="prev-page" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    back = re.findall(r"<td>(长沙第\d{5}号绿色制造有限公司)</td>", anonymous.get(prev).get_data(as_text=True))
    assert back == seen[150:200]
    found = anonymous.get("/public/lists?q=%E7%AC%AC00007%E5%8F%B7").get_data(as_text=True)  # 第00007号
    assert re.findall(r"<td>(长沙第\d{5}号绿色制造有限公司)</td>", found) == ["长沙第00007号绿色制造有限公司"]
    province, filed, url = world.client("province"), [], "/management/filings"
    while url:
        html = province.get(url).get_data(as_text=True)
        filed += re.findall(r'href="/management/filings/(\d+)"', html)
        nxt = re.search(r'id="next-page" href="([^"]+)"', html)
        url = nxt.group(1).replace("&amp;", "&") if nxt else None
    assert len(filed) == len(set(filed)) == 230  # management lists page too, 50 at a time
    api = world.api("city_changsha")
    ids, after = [], None
    while True:
        body = api.get("/api/v1/applications?status=submitted" + (f"&after={after}" if after else "")).get_json()
        ids += [a["id"] for a in body["items"]]
        after = body["next_after"]
        if after is None:
            break
    submitted = sum(1 for k in range(230) if STATUSES[k % len(STATUSES)] == "submitted")
    assert len(ids) == len(set(ids)) == submitted and ids == sorted(ids, reverse=True)


#: the paged lists of issue 23's keyset paging: (who, first page, the pattern of a row's id)
KEYSET_LISTS = [
    ("city_changsha", "/city?status=all", r'<td><a href="/applications/(\d+)">'),
    ("province", "/province/applications?status=all", r'<td><a href="/applications/(\d+)">'),
    ("province", "/province/applications?status=submitted&unit_type=factory", r'<td><a href="/applications/(\d+)">'),
    ("province", "/review", r'<tr id="queue-(\d+)">'),
]
DEEP = 100  # the page whose statements are compared with the first's


def _link(html: str, which: str) -> str | None:
    found = re.search(rf'id="{which}-page" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_keyset_lists_cost_the_same_on_the_first_and_a_deep_page_and_visit_every_row_once(world):
    """The city list, the province list and the review queue: with 10,000 applications the 100th page (or the
    last, when there are fewer) runs the same statements as the first, none with OFFSET, and the next links
    visit every row of the list once, newest first (the review queue oldest first); the previous link of a page
    leads back to the page before it. Many rows share a score, a submission minute and a status: the sort key is
    the id alone, unique."""
    from core.extensions import db
    from core.models import Application

    grow(world, LARGE)
    with world.app.app_context():
        engine = db.engine
        rows = db.session.execute(sa.select(Application.id, Application.status, Application.unit_type)).all()
    expected = {
        "/city?status=all": sorted((i for i, st, _ in rows if st != "draft"), reverse=True),
        "/province/applications?status=all": sorted((i for i, st, _ in rows if st != "draft"), reverse=True),
        "/province/applications?status=submitted&unit_type=factory": sorted(
            (i for i, st, ut in rows if st == "submitted" and ut == "factory"), reverse=True),
        "/review": sorted(i for i, st, _ in rows if st in ("city_recommended", "under_review", "graded")),
    }
    for who, first, pattern in KEYSET_LISTS:
        client = world.client(who)
        client.get(first)  # warms per-process caches
        seen, pages, url, counts = [], [], first, {}
        while url:
            deep = len(pages) + 1 in (1, DEEP)
            with counting(engine) as statements:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            html = response.get_data(as_text=True)
            page_ids = [int(i) for i in re.findall(pattern, html)]
            assert page_ids and len(page_ids) <= 50, (url, len(page_ids))
            pages.append(page_ids)
            seen += page_ids
            assert not statements["offset"], (url, statements["offset"])
            if deep or not _link(html, "next"):
                counts[len(pages)] = (len(statements["contexts"]), statements["sql"])
            if len(pages) in (2, DEEP) or (len(pages) > 1 and not _link(html, "next")):  # back to the page before
                back = [int(i) for i in re.findall(pattern, client.get(_link(html, "prev")).get_data(as_text=True))]
                if first != "/review":  # the review queue ranks priorities within a page; the ids are the same
                    assert back == pages[-2], (url, "previous page")
                assert sorted(back) == sorted(pages[-2]), (url, "previous page")
            elif len(pages) == 1:
                assert _link(html, "prev") is None
            url = _link(html, "next")
        want = expected[first]
        assert sorted(seen, reverse=first != "/review") == want and len(seen) == len(set(seen)), (
            first, len(seen), len(want))
        if first != "/review":
            assert seen == want  # newest first, page after page
        last = max(counts)
        deep_page = DEEP if DEEP in counts else last
        assert len(pages) >= 5, (first, len(pages))
        assert counts[deep_page][0] == counts[1][0], (
            f"{first}: {counts[1][0]} statements on page 1, {counts[deep_page][0]} on page {deep_page}:\n"
            + "\n".join(counts[deep_page][1]))


def test_a_name_many_units_share_searches_the_most_recently_registered_and_says_so(world, monkeypatch):
    """A name search reads the entries of a bounded number of matching organizations (the newest), so a short
    common term (长沙) costs the same on 500,000 entries; the page says that it narrowed the search."""
    from core.lists import notices

    grow(world, 12)
    monkeypatch.setattr(notices, "NAME_CAP", 3)
    anonymous = world.client(None)
    html = anonymous.get("/public/lists?q=%E9%95%BF%E6%B2%99&lang=zh").get_data(as_text=True)  # 长沙
    names = re.findall(r"<td>(长沙第(\d{5})号绿色制造有限公司)</td>", html)
    assert len(names) == 3 and 'id="name-narrowed"' in html and "最近登记的 3 家" in html
    assert sorted(int(k) for _n, k in names) == [9, 10, 11]
    exact = anonymous.get("/public/lists?q=%E7%AC%AC00007%E5%8F%B7").get_data(as_text=True)  # 第00007号
    assert 'id="name-narrowed"' not in exact
    assert re.findall(r"<td>(长沙第\d{5}号绿色制造有限公司)</td>", exact) == ["长沙第00007号绿色制造有限公司"]
    assert 'id="name-narrowed"' not in anonymous.get("/public/lists?region=nowhere").get_data(as_text=True)


def test_public_notices_page_fifty_at_a_time_newest_first(world):
    """The public notices page shows 50 notices and links to the older ones (keyset on start day and id)."""
    from core.extensions import db
    from core.models import PublicNotice

    start = dt.date(2025, 1, 1)
    with world.app.app_context():
        db.session.execute(sa.insert(PublicNotice), [
            {"region": "hunan", "level": "provincial", "year": 2025, "title": f"公示{k:03d}",
             "starts_on": start + dt.timedelta(days=k // 2), "ends_on": start + dt.timedelta(days=k // 2 + 10),
             "period_days": 10, "period_count": "working_days", "period_source": "region", "period_cite": "",
             "status": "published", "opened_by": "province"} for k in range(120)])
        db.session.commit()
    anonymous, seen, url, pages = world.client(None), [], "/notices", 0
    while url:
        html = anonymous.get(url).get_data(as_text=True)
        titles = re.findall(r">(公示\d{3})</a>", html)
        assert len(titles) <= 50
        seen += titles
        nxt = re.search(r'id="next-page" href="([^"]+)"', html)
        url = nxt.group(1).replace("&amp;", "&") if nxt else None
        pages += 1
    assert pages == 3 and len(seen) == len(set(seen)) == 120
    assert [int(t[2:]) // 2 for t in seen] == sorted((int(t[2:]) // 2 for t in seen), reverse=True)


def _group_link(html: str, which: str, group: str = "factory") -> str | None:
    found = re.search(rf'id="{which}-page-{group}" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_city_recommendations_page_fifty_at_a_time_in_rank_order(world):
    """Issue 57: the city's recommendations (/city/recommended) show 50 of a unit type a page, by score (highest
    first), submission time and id, numbered on from the page before; the next links visit every recommended
    factory once, the previous link leads back, and a deep page runs the statements of the first."""
    from core.extensions import db
    from core.models import Application

    grow(world, 900)  # 150 recommended (every sixth), all factories
    with world.app.app_context():
        engine = db.engine
        rows = db.session.execute(sa.select(Application.id, Application.score, Application.submitted_at).where(
            Application.status == "city_recommended", Application.unit_type == "factory")).all()
    want = [i for i, _s, _t in sorted(rows, key=lambda r: (-r[1], r[2], r[0]))]
    assert len(want) == 150
    client, url, seen, pages, counts = world.client("city_changsha"), "/city/recommended", [], [], []
    client.get(url)  # warms per-process caches
    while url:
        with counting(engine) as statements:
            html = client.get(url).get_data(as_text=True)
        counts.append(len(statements["contexts"]))
        assert not statements["offset"], statements["offset"]
        table = html.split('<table class="grid ranked">')[1].split("</table>")[0]  # the factories come first
        found = re.findall(r'<tr><td>(\d+)</td><td><a href="/applications/(\d+)">', table)
        assert [int(n) for n, _ in found] == list(range(len(seen) + 1, len(seen) + len(found) + 1))  # ranks go on
        pages.append([int(i) for _, i in found])
        seen += pages[-1]
        if len(pages) == 2:  # back to the first page, numbered from 1 again
            back = client.get(_group_link(html, "prev") or "").get_data(as_text=True)
            assert re.findall(r'<tr><td>(\d+)</td><td><a href="/applications/(\d+)">', back) == [
                (str(n), str(i)) for n, i in enumerate(pages[0], 1)]
        url = _group_link(html, "next")
    assert [len(p) for p in pages] == [50, 50, 50]
    assert seen == want
    assert counts[2] <= counts[1]  # a deep page (with its cursor) runs no more statements than the second
