"""The demo's rounds, in the order a deployed instance has its data (issue 42):

* the list history is imported before the round, so the checks the platform stores at each submission see the
  listings: a national factory first on the provincial list (办法 第十一条, 001_3f04a56fc6693327.txt 二(一)), a Shanxi
  provincial factory first on its city's list (004_7a8ddd82f611ab67.txt 第十二条). The demo imported its history after
  the round, so every stored check read "not on the list below";
* the national demo's round is national (001 二(一): the provinces recommend, the ministry reviews); it ran a
  provincial round, which a ministry does not run;
* Shanxi holds the cities' own round beside the province's (004 第十二条: 按照本实施细则组织本地区市层面绿色工厂创建，
  发布市层面绿色工厂名单; 省层面绿色工厂原则上应先纳入市层面绿色工厂名单), open today; the city bureau finds the
  units it recommended in it on its to-do page (市级名单), publishes its list, and the unit's provincial submission
  then meets the city-list check. The demo had no city round, so a walk could only confirm the warning.
"""
from __future__ import annotations

import datetime as dt

import pytest
from helpers import DEMO_COPIES
from sqlalchemy import select

from core.extensions import db


def _load(make_app, tmp_path, region):
    app = make_app(region, GREENMFG_EVIDENCE_DIR=str(tmp_path), WTF_CSRF_ENABLED=False)
    DEMO_COPIES.load(app)
    return app


def _stored(app, code: str) -> dict:
    return next(r for r in (app.eligibility or []) if r["code"] == code)


def test_the_national_demo_runs_a_national_round_whose_checks_see_the_provincial_lists(make_app, tmp_path):
    from core.cli.demo_data import demo_accounts, listed_accounts
    from core.models import Application, Campaign, ListEntry, Role
    from core.models import ApplicationStatus as S

    app = _load(make_app, tmp_path, "national")
    with app.app_context():
        assert [c.level for c in db.session.scalars(select(Campaign))] == ["national"]
        factories = db.session.scalars(select(Application).where(
            Application.unit_type == "factory", Application.status != S.DRAFT).order_by(Application.id)).all()
        provincial = {e.organization_id for e in db.session.scalars(
            select(ListEntry).where(ListEntry.level == "provincial", ListEntry.status == "listed"))}
        listed = [a for a in factories if a.organization_id in provincial]
        assert listed and len(listed) < len(factories)
        # 办法 第十一条: the check stored at submission read the provincial listing imported before the round
        assert all(_stored(a, "national_needs_provincial")["ok"] for a in listed)
        assert not any(_stored(a, "national_needs_provincial")["ok"]
                       for a in factories if a.organization_id not in provincial)
        # so the listed factories went on through the city and the panel, as a deployed instance's do
        assert any(a.status == S.GRADED for a in listed)
        # ``greenmfg demo`` names the listed unit that files its annual table (办法 第十六条), and the ministry
        assert [(name, level) for name, level, _ in listed_accounts()] == [("enterprise", "provincial")]
        assert demo_accounts()[Role.MINISTRY] == ["ministry"] and len(demo_accounts()[Role.EXPERT]) >= 3


def test_shanxi_holds_a_city_round_beside_the_provincial_and_its_checks_see_the_city_lists(make_app, tmp_path):
    from core.cli.demo_data import listed_accounts
    from core.clock import now
    from core.models import Application, Campaign, ListEntry
    from core.services.deadlines import check_step_open

    app = _load(make_app, tmp_path, "shanxi")
    with app.app_context():
        rounds = {c.level: c for c in db.session.scalars(select(Campaign))}
        assert set(rounds) == {"provincial", "city"}
        city_round = rounds["city"]
        assert city_round.opens_at <= now() < city_round.closes_at  # open today
        check_step_open(city_round, "city")  # no step of the city's own round has passed
        city_listed = {e.organization_id for e in db.session.scalars(
            select(ListEntry).where(ListEntry.level == "city", ListEntry.status == "listed"))}
        submitted = db.session.scalars(select(Application).where(
            Application.campaign_id == rounds["provincial"].id, Application.unit_type == "factory",
            Application.eligibility.is_not(None))).all()
        on_list = [a for a in submitted if a.organization_id in city_listed]
        assert on_list and all(_stored(a, "shanxi.provincial_needs_city_list")["ok"] for a in on_list)
        # the listed unit that files its annual table (004 第十八条), named by ``greenmfg demo``
        assert [(name, level) for name, level, _ in listed_accounts()] == [("enterprise", "city")]


def test_a_shanxi_city_publishes_its_list_from_its_to_do_page_and_the_province_round_sees_it(make_app, tmp_path):
    """A unit of the demo city applies to the city round and is recommended (the browser walk does both by clicking:
    tests/e2e/test_round_walk.py); the city's to-do page offers 市级名单 (it did not), the city publishes it there; the unit's provincial application then meets 第十二条's check."""
    from core.applications import eligibility
    from core.cli.demo_data import DEMO_PASSWORD
    from core.models import (
        Application,
        AuditLog,
        Campaign,
        ListEntry,
        Organization,
        User,
    )
    from core.models import ApplicationStatus as S

    app = _load(make_app, tmp_path, "shanxi")
    with app.app_context():
        city = db.session.scalar(select(User).where(User.username == "city"))
        rounds = {c.level: c for c in db.session.scalars(select(Campaign))}
        org = Organization(uscc="91140200MA0CITY01X", name="演练市级绿色工厂有限公司", admin_unit_id=city.admin_unit_id,
                           legal_representative="周建华")
        db.session.add(org)
        db.session.flush()
        applications = {}
        for level in ("city", "provincial"):
            a = Application(campaign_id=rounds[level].id, organization_id=org.id, admin_unit_id=org.admin_unit_id,
                            unit_type="factory", level=level, status=S.SUBMITTED, evaluation_mode="self",
                            submitted_at=dt.datetime.now(dt.UTC))
            db.session.add(a)
            applications[level] = a
        db.session.flush()
        applications["city"].status = S.CITY_RECOMMENDED  # the city recommended it in its round (walked by browser)
        db.session.commit()
        ids = {level: a.id for level, a in applications.items()}
        assert next(r for r in eligibility.evaluate(applications["provincial"])
                    if r["code"] == "shanxi.provincial_needs_city_list")["ok"] is False
    client = app.test_client()
    assert client.post("/login", data={"username": "city", "password": DEMO_PASSWORD}).status_code == 302
    home = client.get("/?lang=zh").get_data(as_text=True)
    assert 'id="todo-city-list"' in home
    section = home[home.index('id="todo-city-list"'):][:1500]
    assert "发布市级名单" in section and "/city/lists" in section
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Publish the city list: 1 units recommended in the city round" in english
    page = client.get("/city/lists?level=city&year=2026&lang=zh").get_data(as_text=True)
    assert "演练市级绿色工厂有限公司" in page
    published = client.post("/city/lists", data={
        "level": "city", "year": rounds_year(app), "document_no": "大同工信发〔2026〕21号",
        "published_on": today_text(app), "title": "2026年度市层面绿色工厂名单", "application_ids": [ids["city"]]})
    assert published.status_code == 302, published.get_data(as_text=True)[:2000]
    with app.app_context():
        entry = db.session.scalar(select(ListEntry).where(ListEntry.application_id == ids["city"]))
        assert entry.level == "city" and entry.status == "listed"
        audited = db.session.scalar(select(AuditLog).where(AuditLog.action == "list.entry_created",
                                                           AuditLog.object_id == str(ids["city"])))
        assert audited is not None and audited.actor == "city"
        # 004 第十二条: the unit's provincial application now meets the city-list check (it failed before)
        provincial = db.session.get(Application, ids["provincial"])
        assert next(r for r in eligibility.evaluate(provincial)
                    if r["code"] == "shanxi.provincial_needs_city_list")["ok"] is True
    # nothing left to publish: the to-do item is gone
    home = client.get("/?lang=zh").get_data(as_text=True)
    assert 'id="todo-city-list"' not in home or "发布市级名单" not in home[home.index('id="todo-city-list"'):][:1500]


def rounds_year(app) -> int:
    from core.clock import this_year

    with app.app_context():
        return this_year()


def today_text(app) -> str:
    from core.clock import today

    with app.app_context():
        return today().isoformat()


@pytest.mark.parametrize("region,expected", [("shanxi", True), ("hunan", False), ("hubei", False),
                                             ("jiangxi", False), ("national", False)])
def test_only_a_round_that_asks_for_the_city_list_first_gets_the_city_round(make_app, region, expected):
    """Shanxi's provincial round asks its factories to be on their city's list first (004 第十二条); the other seeds
    name no such rule (Hunan 000, Hubei 002, Jiangxi 003; 办法 for the ministry), so their demos hold one round."""
    from core.cli.demo_data import city_list_first, round_level
    from core.clock import this_year
    from core.kernel.rules import region_rules
    from core.plugins.types import Level

    app = make_app(region)
    with app.app_context():
        rules = region_rules()
        level = round_level(rules, ministry=region == "national")
        assert level == (Level.NATIONAL if region == "national" else Level.PROVINCIAL)
        assert city_list_first(rules, level, this_year()) is expected
        assert city_list_first(rules, Level.CITY, this_year()) is False
