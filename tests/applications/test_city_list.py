"""The city review list (the page bench/bench_pages.py measures first): filters, search, paging, the
scope of each city, and the text of each cell, on SQLite and PostgreSQL.

The page builds its query once per combination of filters and keeps it per scope, escapes names
column by column and formats scores and times itself: these tests pin what it shows.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from app_world import build_world, make_uscc, open_campaign
from sqlalchemy import insert

# a city's rows lead with the bulk review's box (issue 20), empty unless the application is submitted
ROW = re.compile(r'<tr>(?:<td>(?:<input[^>]*>)?</td>)?<td><a href="/applications/(\d+)">\d+</a></td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td>'
                 r'<td>(.*?)</td><td><span class="status ([a-z_]+)">(.*?)</span></td><td>(.*?)</td><td>(.*?)</td></tr>')
MOMENT = dt.datetime(2025, 3, 1, 16, 30, 5, 123456, tzinfo=dt.UTC)  # 2025-03-02 00:30:05 in Beijing


@pytest.fixture
def world(make_app, tmp_path):
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))
    world = build_world(app)
    world.campaign_id = open_campaign(app, level="city", unit_types=("factory", "park"))
    world.other_campaign = open_campaign(app, level="city", unit_types=("factory",), year=2024)
    from core.extensions import db
    from core.models import Application, Organization

    names = {  # per city: the names of its applicants, newest last
        "changsha": [f"长沙第{i:03d}号有限公司" for i in range(120)] + ["50%_折扣/公司", "5000折扣公司",
                                                                      '<script>alert("x")</script> & \'Co\''],
        "zhuzhou": [f"株洲第{i:03d}号有限公司" for i in range(3)],
    }
    world.ids = {}
    with app.app_context():
        for city, city_names in names.items():
            orgs = [{"uscc": make_uscc(), "name": name, "admin_unit_id": world.units[city]} for name in city_names]
            db.session.execute(insert(Organization), orgs)
            db.session.flush()
            rows = []
            for i, name in enumerate(city_names):
                org_id = db.session.query(Organization.id).filter_by(name=name).scalar()
                rows.append({
                    "campaign_id": world.other_campaign if i == 1 else world.campaign_id, "organization_id": org_id,
                    "admin_unit_id": world.units[city], "unit_type": "park" if i % 3 == 2 else "factory",
                    "level": "city", "evaluation_mode": "self", "status": "draft" if i == 0 else "submitted",
                    "indicator_values": {}, "extension_data": {}, "requested_levels": ["city"], "declarations": {},
                    "version": 1, "score": None if i == 3 else Decimal("70.5") + i,
                    "submitted_at": None if i == 0 else MOMENT + dt.timedelta(minutes=i)})
            db.session.execute(insert(Application), rows)
            db.session.flush()
            world.ids[city] = [a for (a,) in db.session.query(Application.id).filter(
                Application.admin_unit_id == world.units[city]).order_by(Application.id.desc())]
        db.session.commit()
    return world


def _rows(html: str) -> list[tuple[str, ...]]:
    return ROW.findall(html)


def _link(html: str, which: str = "next") -> str | None:
    """The page's next (or previous) link, unescaped; ``None``: there is none."""
    found = re.search(rf'id="{which}-page" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def _page(client, url: str, n: int) -> str:
    """The ``n``th page of ``url``, reached through the next links."""
    html = client.get(url).get_data(as_text=True)
    for _ in range(n - 1):
        html = client.get(_link(html)).get_data(as_text=True)
    return html


def test_filters_paging_and_cells(world):
    client = world.client("city_changsha")
    html = client.get("/city").get_data(as_text=True)  # submitted, every type and campaign, newest first
    rows = _rows(html)
    assert len(rows) == 50 and 'id="next-page"' in html and "上一页" not in html
    submitted = [i for i in world.ids["changsha"] if i not in (world.ids["changsha"][-1],)]  # all but the draft
    assert [int(r[0]) for r in rows] == submitted[:50]
    page3_html = _page(client, "/city", 3)
    page3 = _rows(page3_html)
    assert [int(r[0]) for r in page3] == submitted[100:] and len(page3) == len(submitted) - 100
    assert _link(page3_html) is None and "上一页" in page3_html
    page2 = _rows(client.get(_link(page3_html, "prev")).get_data(as_text=True))  # back: the same rows as before
    assert [int(r[0]) for r in page2] == submitted[50:100]
    first = client.get(_link(client.get(_link(page3_html, "prev")).get_data(as_text=True), "prev"))
    assert [int(r[0]) for r in _rows(first.get_data(as_text=True))] == submitted[:50]
    assert 'id="prev-page"' not in first.get_data(as_text=True)
    # the cells: escaped name, credit code, city, type, status, score with two decimals, Beijing time
    newest = rows[0]
    assert newest[1] == "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;Co&#39;"
    assert "<script>" not in html
    assert newest[3] == "长沙市" and newest[4] == "绿色工业园区" and newest[5:7] == ("submitted", "已提交")
    assert newest[7] == "192.50"  # 70.5 + 122
    assert newest[8] == "2025-03-02 02:32"  # MOMENT + 122 min, in Beijing time, to the minute (core/web/dates.py)
    no_score = next(r for r in page3 if int(r[0]) == world.ids["changsha"][-4])
    assert no_score[7] == "—" and no_score[2] and re.fullmatch(r"[0-9A-Z]{18}", no_score[2])
    # unit type, campaign and status filters
    parks = _rows(client.get(f"/city?unit_type=park&campaign={world.campaign_id}&status=all").get_data(as_text=True))
    assert parks and all(r[4] == "绿色工业园区" for r in parks)
    other = _rows(client.get(f"/city?campaign={world.other_campaign}").get_data(as_text=True))
    assert [int(r[0]) for r in other] == [world.ids["changsha"][-2]]
    # a draft stays private to its applicant until it is first submitted (issue 19), whatever the filter
    assert _rows(client.get("/city?status=draft").get_data(as_text=True)) == []
    assert len(_rows(_page(client, "/city?status=all", 3))) == len(world.ids["changsha"]) - 101
    # unknown values change nothing, an unknown campaign is refused
    assert _rows(client.get("/city?status=bogus&unit_type=x&after=abc&before=-1").get_data(as_text=True))
    assert client.get("/city?campaign=999999").status_code == 404
    assert "没有符合" in client.get(f"/city?after={min(world.ids['changsha'])}").get_data(as_text=True)


def test_search_takes_wildcards_literally_and_codes_by_prefix(world):
    client = world.client("city_changsha")

    def names(q: str) -> list[str]:
        return [r[1] for r in _rows(client.get("/city", query_string={"q": q, "status": "all"}).get_data(as_text=True))]

    assert names("50%_") == ["50%_折扣/公司"]  # not "5000折扣公司": % and _ are no wildcards
    assert names("%") == ["50%_折扣/公司"] and names("_") == ["50%_折扣/公司"] and names("_折扣/") == ["50%_折扣/公司"]
    assert names("</script>") == ["&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;Co&#39;"]
    assert names("折扣") == ["5000折扣公司", "50%_折扣/公司"]
    assert names("第007号") == ["长沙第007号有限公司"]
    html = client.get("/city?status=all").get_data(as_text=True)
    code = _rows(html)[5][2]
    assert names(code[:12].lower()) and all(r.startswith(code[:12]) for r in [
        r[2] for r in _rows(client.get("/city", query_string={"q": code[:12].lower(), "status": "all"}).get_data(
            as_text=True))])
    assert names(code[4:12]) == []  # credit codes match from the start only
    assert names("株洲") == []  # another city's applicants are out of reach


def test_each_city_sees_only_its_own_rows_when_the_queries_are_reused(world):
    changsha, zhuzhou = world.client("city_changsha"), world.client("city_zhuzhou")
    for _ in range(2):  # alternate: the statements kept per scope must never mix cities
        for client, city in ((changsha, "changsha"), (zhuzhou, "zhuzhou")):
            for url in ("/city?status=all", "/city?status=submitted&unit_type=factory", "/city?q=有限公司&status=all"):
                ids = {int(r[0]) for r in _rows(client.get(url).get_data(as_text=True))}
                assert ids and ids <= set(world.ids[city]), (city, url)
    province = world.client("province")
    ids = {int(r[0]) for r in _rows(province.get("/province/applications?status=all").get_data(as_text=True))}
    assert ids & set(world.ids["zhuzhou"]) and ids & set(world.ids["changsha"])
    assert world.ids["changsha"][-1] not in ids  # province staff never see drafts


def test_english_page_and_logged_out_session(world):
    client = world.client("city_changsha")
    html = client.get("/city?lang=en").get_data(as_text=True)
    assert 'lang="en"' in html and "Submitted" in html and "Next" in html
    copied = world.app.test_client()
    copied.set_cookie("session", client.get_cookie("session").value)
    assert copied.get("/city").status_code == 200
    client.post("/logout")  # (CSRF is tested in test_accounts_csrf.py)
    r = copied.get("/city")  # the copied cookie names a session version the log-out ended
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_escaped_columns_fall_back_per_value():
    from core.web.rows import escaped

    assert escaped(["a<b", "c&d", ""]) == ["a&lt;b", "c&amp;d", ""]
    assert escaped(["nul\0inside", "<"]) == ["nul\0inside", "&lt;"]  # one call per value then
    assert escaped([]) == []


def test_layout_links_follow_the_script_root(world):
    client = world.client("city_changsha")
    for prefix in ("/gm", "", "/other", ""):  # the layout's links are kept per script root
        html = client.get("/city", base_url=f"http://localhost{prefix}").get_data(as_text=True)
        for link in ("/static/core/greenmfg.css?v=", "/static/applications/applications.css?v=", "/rules",
                     "/public/lists", "/api/docs", "/city/recommended"):
            assert f'href="{prefix}{link}' + ('' if link.endswith('=') else '"') in html, (prefix, link)
        assert f'href="{prefix}/"' in html and re.search(f'<a href="{prefix}/applications/\\d+">', html)


def test_what_changes_shows_on_the_next_page_view(world):
    """Rows, campaign choices and city names are kept between requests (the page is the busiest one);
    a changed row, a campaign opened here, and a campaign or city written by another worker show at once."""
    from sqlalchemy import select

    from core.extensions import db
    from core.models import AdminUnit, Application, Campaign, Organization

    client = world.client("city_changsha")
    first = _rows(client.get("/city").get_data(as_text=True))[0]
    app_id = int(first[0])
    with world.app.app_context():
        application = db.session.get(Application, app_id)
        application.score = Decimal("99.99")
        db.session.get(Organization, application.organization_id).name = "更名后的绿色工厂有限公司"
        db.session.commit()
    again = next(r for r in _rows(client.get("/city").get_data(as_text=True)) if int(r[0]) == app_id)
    assert (again[1], again[7]) == ("更名后的绿色工厂有限公司", "99.99") and again[8] == first[8]
    english = next(r for r in _rows(client.get("/city?lang=en").get_data(as_text=True)) if int(r[0]) == app_id)
    assert english[6] == "Submitted" and english[4] == "Green industrial park"  # the row in the other language, not the kept one
    client.get("/city?lang=zh")
    # a campaign opened through the services shows in this worker's filter at once
    opened = open_campaign(world.app, level="city", unit_types=("factory",), year=2023)
    assert f'<option value="{opened}">' in client.get("/city").get_data(as_text=True)
    # another worker's campaign (written straight to the database) is found when asked for by id ...
    with world.app.app_context():
        model = db.session.get(Campaign, opened)
        other = Campaign(region=model.region, year=2022, level="city", title="另一进程开启的批次", unit_types=["factory"],
                         opens_at=model.opens_at, closes_at=model.closes_at, deadlines={}, deadline_reasons={})
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    assert client.get(f"/city?campaign={other_id}").status_code == 200
    # ... and listed at once on the next page (issue 22: no per-worker truth; the kept choices are checked
    # against the database's version of them on every request)
    assert "另一进程开启的批次" in client.get("/city").get_data(as_text=True)
    with world.app.app_context():
        model = db.session.get(Campaign, opened)
        db.session.add(Campaign(region=model.region, year=2021, level="city", title="第三个进程开启的批次",
                                unit_types=["factory"], opens_at=model.opens_at, closes_at=model.closes_at,
                                deadlines={}, deadline_reasons={}))
        db.session.commit()
    assert "第三个进程开启的批次" in client.get("/city").get_data(as_text=True)
    # a city unknown to this worker is read when a row names it
    with world.app.app_context():
        changsha = db.session.get(AdminUnit, world.units["changsha"])
        unit = AdminUnit(region=changsha.region, code="hunan.test_new_area", name="测试新区", kind=changsha.kind,
                         source="test")
        db.session.add(unit)
        db.session.flush()
        org = Organization(uscc=make_uscc(), name="新区绿色工厂有限公司", admin_unit_id=unit.id)
        db.session.add(org)
        db.session.flush()
        newest = Application(campaign_id=world.campaign_id, organization_id=org.id, admin_unit_id=unit.id,
                             unit_type="factory", level="city", evaluation_mode="self", status="submitted",
                             indicator_values={}, extension_data={}, requested_levels=["city"], declarations={},
                             submitted_at=MOMENT)
        db.session.add(newest)
        db.session.commit()
        newest_id = db.session.scalar(select(Application.id).where(Application.organization_id == org.id))
    province = _rows(world.client("province").get("/province/applications").get_data(as_text=True))
    assert (int(province[0][0]), province[0][3]) == (newest_id, "测试新区")
