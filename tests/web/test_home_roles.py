"""The signed-in home page lists what is due for each role, with deadlines in Beijing time, overdue ones flagged,
and a link to act; in Chinese (the default) and in English. The round is tests/web/home_world.py (Hubei, with the
seed numbers it cites); the public home stays as it was for visitors."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parent))
from home_world import (
    APPLICANT_ORG,
    FIRM,
    NOTICED_ORG,
    PASSWORD,
    QUEUED_ORG,
    RETURN_REASON,
    REVIEWED_ORG,
    USERS,
    seed,
)


@pytest.fixture
def world(make_app, cheap_hashes):
    app = make_app("hubei", WTF_CSRF_ENABLED=False)
    return app, seed(app)


def _bj(moment) -> str:
    from core.clock import SHANGHAI

    local = moment.astimezone(SHANGHAI)
    if (local.hour, local.minute) == (0, 0):
        import datetime as dt

        return f"{(local.date() - dt.timedelta(days=1)).isoformat()} 24:00"
    return local.strftime("%Y-%m-%d %H:%M")


def _home(app, role: str, lang: str = "zh"):
    """The home page of ``role``'s user in home_world (or of the user named ``role``)."""
    client = app.test_client()
    r = client.post("/login", data={"username": USERS.get(role, role), "password": PASSWORD})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    page = client.get(f"/?lang={lang}")
    assert page.status_code == 200
    return BeautifulSoup(page.get_data(as_text=True), "html.parser")


def _rows(soup, key: str) -> list:
    section = soup.find(id=f"todo-{key}")
    assert section is not None, f"no section {key}: {[s.get('id') for s in soup.select('section.todo')]}"
    return section.select("tbody tr")


def _row(soup, key: str, href: str):
    for tr in _rows(soup, key):
        link = tr.find("a")
        if link is not None and link["href"] == href:
            return tr
    raise AssertionError(f"no item linking {href} in {key}: {[tr.get_text(' ', strip=True) for tr in _rows(soup, key)]}")


def _text(tag) -> str:
    return re.sub(r"\s+", " ", tag.get_text(" ", strip=True))


def test_the_applicant_sees_its_return_window_its_draft_and_the_overdue_correction(world):
    app, ids = world
    soup = _home(app, "applicant")
    returned = _text(_row(soup, "applications", f"/applications/{ids['returned']}/edit"))
    # the city's 7-day window ends at 17:00 Beijing time, as the city set it
    assert _bj(ids["until"]) in returned and ids["until"].strftime("%H:%M") == "17:00"
    assert "退回修改后重新提交" in returned and RETURN_REASON in returned and "逾期" not in returned
    # past its window the correction is no longer the applicant's to make: the item opens the application (issue 61)
    # and it says the window was missed, not 重新提交 flagged 逾期 as if it could still be done
    late = _row(soup, "applications", f"/applications/{ids['late']}")
    assert "未在规定日期前重新提交" in _text(late) and _bj(ids["late_until"]) in _text(late)
    assert "overdue" not in (late.get("class") or []) and "逾期" not in _text(late)
    draft = _text(_row(soup, "applications", f"/applications/{ids['draft']}/edit"))
    assert "完善并提交草稿" in draft and _bj(ids["closes"]) in draft and ids["closes"].tzinfo is not None
    assert _bj(ids["closes"]).endswith("24:00")  # the round closes at the end of its last day
    assert soup.find(id="todo-filings") is not None  # its filings too: none due, and it says so
    assert "暂无待办事项" in _text(soup.find(id="todo-filings"))
    assert soup.find(id="todo-city-review") is None  # another role's work is not listed

    english = _home(app, "applicant", "en")
    row = _text(_row(english, "applications", f"/applications/{ids['returned']}/edit"))
    assert "Correct and resubmit: Green industrial park" in row and _bj(ids["until"]) in row
    assert "Not resubmitted by the date set" in _text(_row(english, "applications", f"/applications/{ids['late']}"))


def test_the_city_sees_its_queue_quota_and_objections(world):
    app, ids = world
    soup = _home(app, "city")
    queued = _text(_row(soup, "city-review", f"/applications/{ids['queued']}"))
    assert QUEUED_ORG in queued and "审核" in queued
    assert APPLICANT_ORG not in _text(soup.find(id="todo-city-review"))  # returned and drafts are the applicant's
    quota = [_text(tr) for tr in _rows(soup, "city-review") if "名额" in _text(tr)]
    assert quota and "已用 0 / 21" in quota[0]  # 002 附件3 武汉市 × 绿色工厂 = 21
    objection = _text(_row(soup, "objections", f"/notices/{ids['notice']}"))
    assert "1" in objection and "2025年湖北省绿色工厂拟认定名单公示" in objection
    english = _text(_home(app, "city", "en").find(id="todo-city-review"))
    assert f"Examine: {QUEUED_ORG} (Green factory)" in english and "0 of 21 used" in english


def test_the_province_sees_campaigns_panels_notices_and_the_overdue_recommendation(world):
    app, ids = world
    soup = _home(app, "province")
    campaign = _text(_row(soup, "campaigns", f"/province/campaigns/{ids['campaign']}"))
    # 1 queued, 1 returned, 1 recommended by its city, 1 with its expert panel; the draft is not counted
    assert "已提交 1 · 已退回修改 1 · 市州已推荐 1 · 省级评审中 1" in campaign and "草稿" not in campaign
    assert _bj(ids["closes"]) in campaign and "逾期" not in campaign
    panels = _text(soup.find(id="todo-panels"))
    assert "市州已推荐 1 项：请指派专家" in panels and "1 项专家评审进行中" in panels
    assert soup.find(id="todo-panels").find("a")["href"] == "/review"
    notice = _text(_row(soup, "notices", f"/province/notices/{ids['notice']}"))
    assert "1 条异议待处理" in notice and ids["notice_ends"].isoformat() + " 24:00" in notice
    recommendation = _row(soup, "recommendation", "/province/recommendation")
    assert "overdue" in recommendation["class"]  # 2026-07-31 (办法 第十二条) has passed
    assert "Campaign progress" in _text(_home(app, "province", "en"))


def test_the_expert_the_evaluator_and_the_ministry_see_their_tasks(world):
    app, ids = world
    expert = _text(_row(_home(app, "expert"), "assignments", f"/expert/assignments/{ids['assignment']}"))
    assert REVIEWED_ORG in expert and "评分" in expert
    firm = _text(_row(_home(app, "evaluator"), "engagements", "/review/engagements"))
    assert APPLICANT_ORG in firm and _bj(ids["closes"]) in firm
    ministry = _text(_row(_home(app, "ministry"), "imports", "/ministry/imports"))
    assert "湖北省" in ministry and "2025" in ministry and "2" in ministry
    admin = _home(app, "admin")
    assert {s["id"] for s in admin.select("section.todo")} >= {"todo-campaigns", "todo-panels", "todo-notices",
                                                                 "todo-imports"}
    assert FIRM not in _text(admin)
    assert "Score: " + REVIEWED_ORG in _text(_home(app, "expert", "en"))
    assert f"Accept or decline the request of {APPLICANT_ORG}" in _text(_home(app, "evaluator", "en"))
    english = _text(_home(app, "ministry", "en").find(id="todo-imports"))
    assert "Read the national candidates recommended by Hubei for 2025" in english and "湖北" not in english


def test_roles_land_on_their_tasks_and_visitors_keep_the_public_home(world):
    app, _ids = world
    client = app.test_client()
    public = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    assert public.select("section.todo") == [] and "湖北省" in public.find("h1").get_text()
    for role, target in (("expert", "/expert"), ("evaluator", "/review/engagements"), ("ministry", "/"),
                         ("province", "/"), ("admin", "/")):
        r = app.test_client().post("/login", data={"username": USERS[role], "password": PASSWORD})
        assert r.status_code == 302 and r.headers["Location"].endswith(target), (role, r.headers["Location"])
    assert NOTICED_ORG not in _text(_home(app, "expert"))  # the notice is the province's business


def test_the_city_sees_its_step_deadline_flagged_overdue_until_the_province_extends_it(make_app, cheap_hashes):
    """Shanxi's cities recommend by 31 May (004_7a8ddd82f611ab67.txt 第十三条); the province moved this round's date
    to two days ago: Taiyuan's home flags it overdue, Datong's extension to 18:00 in five days shows instead."""
    import datetime as dt

    from sqlalchemy import select

    from core.accounts import services as accounts
    from core.applications import services
    from core.extensions import db
    from core.clock import SHANGHAI, today
    from core.models import AdminUnit, Role
    from core.services import deadlines
    from core.services.admin_units import sync_admin_units

    app = make_app("shanxi", WTF_CSRF_ENABLED=False)
    with app.app_context():
        sync_admin_units("test")
        unit = {u.code: u for u in db.session.scalars(select(AdminUnit))}
        c = services.open_campaign(actor="test", year=today().year, level="provincial", unit_types=["factory"],
                                   closes_at=dt.datetime.combine(today() + dt.timedelta(days=30), dt.time(17),
                                                                 tzinfo=SHANGHAI))
        assert "shanxi.city_recommendation" in c.deadlines
        passed = today() - dt.timedelta(days=2)
        services.change_deadline(c, "shanxi.city_recommendation", passed, "推荐材料提前汇总", "test")
        extended = dt.datetime.combine(today() + dt.timedelta(days=5), dt.time(18), tzinfo=SHANGHAI)
        deadlines.grant_step_extension(c, unit["shanxi.datong"].id, "shanxi.city_recommendation", extended,
                                       "系统故障顺延", "test")
        for code in ("taiyuan", "datong"):
            accounts.create_user(username=f"city_{code}", password=PASSWORD, display_name=code, role=Role.CITY,
                                 actor="test", admin_unit_id=unit[f"shanxi.{code}"].id)
        db.session.commit()
        campaign_id = c.id
    link = f"/city?campaign={campaign_id}"
    taiyuan = _row(_home(app, "city_taiyuan"), "city-review", link)
    assert "overdue" in taiyuan["class"] and f"{passed.isoformat()} 24:00" in _text(taiyuan)
    assert "环节截止：市级工信主管部门通过管理平台向省工信厅推荐市层面绿色制造单位" in _text(taiyuan)
    datong = _row(_home(app, "city_datong"), "city-review", link)
    assert "overdue" not in datong["class"] and _bj(extended) in _text(datong) and "18:00" in _text(datong)


def test_a_longer_queue_costs_the_home_page_no_more_queries(world):
    """Counts and the first rows only: once there are more than a page shows, 12 more applications in the city's
    queue and 12 more drafts change neither the number of statements of the city's home page nor the applicant's."""
    import kit
    from sqlalchemy import event, select

    from core.extensions import db
    from core.models import AdminUnit, Application, ApplicationStatus as S, Campaign

    app, ids = world

    def statements(role: str) -> int:
        client = app.test_client()
        client.post("/login", data={"username": USERS[role], "password": PASSWORD})
        seen = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get("/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    def more(n: int) -> None:
        with app.app_context():
            wuhan = db.session.scalar(select(AdminUnit).where(AdminUnit.code == "hubei.wuhan"))
            campaign = db.session.get(Campaign, ids["campaign"])
            org = db.session.get(kit.Organization, db.session.get(Application, ids["draft"]).organization_id)
            for _ in range(n):
                kit.application(campaign, wuhan, status=S.SUBMITTED)
                kit.application(kit.campaign("hubei", year=2025), wuhan, org=org, status=S.DRAFT)
            db.session.commit()

    def warm(role: str) -> int:  # a page's short-lived caches (campaign choices, 10 s) may expire under load
        return min(statements(role), statements(role))

    more(6)
    before = {role: warm(role) for role in ("city", "applicant")}
    more(12)
    assert {role: warm(role) for role in ("city", "applicant")} == before
    # both returned listed, the first 5 of 19 drafts, the other 14 counted in one item
    assert "另有 14 项申报待完善" in _text(_home(app, "applicant"))
