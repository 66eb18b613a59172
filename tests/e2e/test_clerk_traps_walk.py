"""What clerks tripped on, walked by clicking (issue 61, "Done when": the five regions' walk tests cover every
step by clicking).

Debian's chromium (Playwright) on each region's training demo at today's date, every page reached from the home
page's menus and the role's to-do page, with a unit new to the instance (registered in the walk):

* the rules page (规则, signed out) cites the region's own documents and the Ministry's, no other province's;
* the city's and the Ministry's menus hold no 系统管理 (that is the administrator's);
* the province's list-history template (公示管理 → 名单历史) shows a row of its own region's capital;
* the applicant's form offers what its round allows: Hubei requires the third party's evaluation (002
  三(三): 由第三方评价机构……开展评价), the others allow a self-evaluation (办法 第十条);
* on the applicant's check page a check only the city can meet reads as the city's step, never ✗;
* once the training clock has passed the round's closing day, the applicant's to-do says the draft was not submitted
  (not 逾期, as if it could still be done) and leads to its application, which says why 修改 and 提交 are gone;
* the Ministry (not only the administrator) opens a year's filings on its own instance (办法 第十六条).

The city's 推荐意见 in Hubei (002 三(四), 10 to 2,000 characters) refused when too short, and the city landing on the
round it just recommended in, are walked in :mod:`test_round_walk` (they need a submitted application).
"""
from __future__ import annotations

import datetime as dt

import pytest
from browser_kit import open_page, serving
from test_round_walk import (PROVINCES, Walk, demo_city, fill_application, load, move_clock, new_uscc, org_name,
                             register)

#: the seeds' document numbers (shared/seeds/README.md): each province's own; 000 (Hunan) names none in its text,
#: only the 2023 document it builds on, and its title
OWN_DOCUMENTS = {"hunan": "湖南省绿色制造体系创建计划", "hubei": "鄂经信办节能〔2022〕8号",
                 "jiangxi": "赣工信办节能函〔2024〕20号", "shanxi": "晋工信节能规字〔2024〕3号"}
MINISTRY_DOCUMENT = "工信厅节函〔2025〕390号"  # 001's enclosure: the Ministry's notice, on every instance


@pytest.fixture
def walk(make_app, tmp_path, chromium, request):
    app = load(make_app, tmp_path, request.param)
    with serving(app) as base, open_page(chromium) as (page, errors):
        yield Walk(page, base, app, request.param)
        assert errors == []


def rules_page_cites_its_own(w: Walk) -> None:
    """Signed out: the home page → 规则. Its documents are the region's own and the Ministry's, no other
    province's; another province's document appears in a rule only as the basis of a platform inference, labelled so
    (a national rule no national document states, inferred from the provinces' practice)."""
    from playwright.sync_api import expect

    w.open_home()
    w.click("header a[href$='/rules']")
    documents = w.page.locator("#documents")
    expect(documents).to_contain_text(MINISTRY_DOCUMENT)
    if w.region in OWN_DOCUMENTS:
        expect(documents).to_contain_text(OWN_DOCUMENTS[w.region])
    others = [doc for region, doc in OWN_DOCUMENTS.items() if region != w.region]
    listed = documents.inner_text()
    assert [doc for doc in others if doc in listed] == [], f"the {w.region} rules page lists other provinces' documents"
    for row in w.page.locator("#rules tbody tr").all_inner_texts():
        if any(doc in row for doc in others):
            assert "平台推断" in row, row


def no_administration_menu(w: Walk, username: str) -> None:
    """The role's home page: its menu has no 系统管理, its to-do page no server command."""
    from playwright.sync_api import expect

    w.log_in(username)
    expect(w.page.locator("#nav-admin")).to_have_count(0)
    expect(w.page.locator("header")).not_to_contain_text("系统管理")
    expect(w.page.locator("main")).not_to_contain_text("greenmfg")


def open_round(w: Walk) -> str:
    """The title of the round a new factory applies to from its to-do page: the province's (in Shanxi the cities'
    round comes first, 004 第十二条: the city's own round is where a new unit starts)."""
    from sqlalchemy import select

    from core.clock import now
    from core.extensions import db
    from core.models import Campaign

    with w.app.app_context():
        rounds = db.session.scalars(select(Campaign).where(Campaign.closes_at > now())
                                    .order_by(Campaign.id)).all()
        levels = {c.level: c for c in rounds}
        chosen = levels.get("city") or levels.get("provincial") or rounds[0]
        return chosen.title


def closing(w: Walk, title: str) -> tuple[str, dt.date]:
    """The round's closing as the page writes it ("2026-12-31 24:00", Beijing time) and the day after it."""
    from sqlalchemy import select

    from core.clock import aware, deadline_text
    from core.extensions import db
    from core.models import Campaign

    with w.app.app_context():
        closes = aware(db.session.scalar(select(Campaign.closes_at).where(Campaign.title == title)))
        text = deadline_text(closes)
        return text, dt.date.fromisoformat(text[:10]) + dt.timedelta(days=1)


def draft_then_closed(w: Walk) -> None:
    """A new unit registers, starts its application from its to-do page, fills it and saves; its check page reads
    the city's checks as the city's step; the clock passes the closing day and the page says why its actions are
    gone."""
    from playwright.sync_api import expect

    province = PROVINCES[w.region][0]
    city = demo_city(w)
    org = "新" + org_name(city)
    username = f"{w.region}_newcomer"
    if w.user:
        w.log_out()
    register(w, new_uscc(province, city, 2), org, city, username)
    title = open_round(w)
    w.home()
    w.click("#todo-applications a", has_text="正在受理申报")
    w.press(w.page.locator("fieldset", has_text=title).locator("button[data-start=factory]"))
    self_mode = w.page.locator("input[name=evaluation_mode][value=self]")
    if w.region == "hubei":  # 002 三(三): the third party's evaluation, no self-evaluation offered
        expect(self_mode).to_have_count(0)
        expect(w.page.locator("input[name=evaluation_mode][value=third_party]")).to_have_count(1)
    else:  # 办法 第十条: a unit evaluates itself or engages a third party
        expect(self_mode).to_have_count(1)
    fill_application(w, "factory", third_party=True)
    w.click("#save-draft")
    w.expect_flash("草稿已于")
    w.click("main a", has_text="检查并提交")
    # a check the city meets when it recommends reads as its step, not as the applicant's failure
    for row in w.page.locator("#eligibility tr:has(.city-step)").all():
        assert "✗" not in row.inner_text(), row.inner_text()
    expect(w.page.locator("#edit-link, #submit-form").first).to_be_visible()
    # the trainer moves the clock past the round's closing day (24:00 Beijing time of that day)
    closes, after = closing(w, title)
    move_clock(w, after, "演练：申报截止后的申报页面")
    w.log_in(username, "绿色工厂演练口令-2026-注册")
    # the to-do says the round closed on the draft, and leads to the application, not to a form that would refuse
    item = w.page.locator("#todo-applications tr", has_text=title).first
    expect(item).to_contain_text("批次截止前未提交")
    expect(item).not_to_contain_text("逾期")
    w.press(item.locator("a").first)
    expect(w.page.locator("main h1")).to_contain_text(org)
    expect(w.page.locator("#closed-note")).to_contain_text(closes)
    expect(w.page.locator("#edit-link")).to_have_count(0)
    expect(w.page.locator("#submit-form")).to_have_count(0)


def ministry_opens_the_filings(w: Walk) -> None:
    """The Ministry, from its menu: 名单内单位 → 年度填报 → opens the year's filings (办法 第十六条)."""
    from playwright.sync_api import expect

    w.log_in("ministry")
    w.click("header a[href$='/management/']")
    w.click("main a[href*='/management/filings']")
    opener = w.page.locator("main form[action$='/management/filings/open'] button[type=submit]")
    expect(opener).to_have_count(1)
    late = w.page.locator("#open-late")
    if late.count():  # past the year's due date: a date to file by and the reason, as the page asks
        w.page.fill("#until", (instance_today(w) + dt.timedelta(days=20)).isoformat())
        w.page.fill("#reason", "演练：国家级名单单位年度动态管理填报")
    w.press(opener)
    w.expect_flash("已开启")
    expect(w.page.locator("#filings tr")).not_to_have_count(1)  # the units' filings listed


#: the capital whose row the list-history template shows (GB/T 2260; tests/lists/test_history_template.py)
CAPITALS = {"hunan": "长沙市", "hubei": "武汉市", "jiangxi": "南昌市", "shanxi": "太原市"}


def history_template_is_the_regions(w: Walk) -> None:
    """The province, from its menu: 公示管理 → 名单历史 → 下载表格模板; the example row is a city of its own region."""
    from pathlib import Path

    from core.lists.history import read_rows

    w.log_in("province")
    w.click("header a[href$='/province/notices']")
    w.click("main a[href$='/province/list-history'], nav a[href$='/province/list-history']")
    with w.page.expect_download() as download:
        w.click("#history-template", opens_page=False)
    rows = read_rows(Path(download.value.path()).read_bytes(), "名单历史.xlsx")
    cities = {value for row in rows for value in (row.values() if isinstance(row, dict) else row)
              if isinstance(value, str) and value.endswith("市")}
    assert CAPITALS[w.region] in cities, cities
    assert not cities - {CAPITALS[w.region]}, cities


def instance_today(w: Walk) -> dt.date:
    from core.clock import today

    with w.app.app_context():
        return today()


@pytest.mark.parametrize("walk", ["hunan", "hubei", "jiangxi", "shanxi", "national"], indirect=True)
def test_what_clerks_tripped_on_is_walked_by_clicking(walk):
    rules_page_cites_its_own(walk)
    if walk.region == "national":
        no_administration_menu(walk, "ministry")
        ministry_opens_the_filings(walk)
        return
    no_administration_menu(walk, "city")
    history_template_is_the_regions(walk)
    draft_then_closed(walk)
