"""Every level a region runs can be published, as its document says (issue 15), on SQLite and PostgreSQL,
through the JSON API.

* Hunan, provincial: a decision (000_5ae1342e00264ea1.txt 二.4 "确定为…创建单位，并发布2024年度湖南省绿色制造
  体系创建计划"): no notice named, so opening one is refused; the 2024 decision with its 文号 puts the units into
  the 创建计划, not on the list (issue 43: the stage before a list, tests/lists/test_cultivation_stage.py).
* Hubei, provincial: a notice (002_9c75e1d2ebfbdf50.txt 三(五) "经评审合格、公示无异议的申报单位，确认为省级绿色制造
  单位") whose period the document does not name: the deployer's setting applies and says so.
* Jiangxi, provincial: a decision (003_a3fa60aeba77aa34.txt 一 "遴选确定2024年度省级绿色制造名单").
* Shanxi: the city publishes its city list (004_7a8ddd82f611ab67.txt 第十二条 "发布市层面绿色工厂名单"), for its
  own city only; the provincial list after a 10-working-day notice (第十三条).
* National: the ministry's 15-day notice (办法 第十二条); city and provincial lists, where no document of the
  region says anything, by a decision as a platform default, marked so.
* A notice starts no earlier than the day it is opened unless a reason is recorded (shown publicly) and is
  not public before its first day.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402

from core.accounts import services as accounts  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import ApplicationStatus as S, AuditLog, ListEntry, Role  # noqa: E402

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases


def _token(role: Role, **bind) -> dict[str, str]:
    user = kit.user(role, **bind)
    token, _ = accounts.create_token(user, "test")
    return {"Authorization": f"Bearer {token}"}


def _graded(region: str, year: int, n: int = 2, unit_code: str | None = None, status=S.GRADED):
    u = kit.unit(region, unit_code)
    c = kit.campaign(region, year=year)
    return u, [kit.application(c, u, status=status) for _ in range(n)]


@pytest.mark.parametrize("region, year", [("hunan", 2024), ("jiangxi", 2024)])
def test_a_provincial_list_by_decision(make_app, region, year):
    app = make_app(region)
    with app.app_context():
        province = _token(Role.PROVINCE)
        _u, apps = _graded(region, year)
        db.session.commit()
        ids = [a.id for a in apps]
    client = app.test_client()
    refused = client.post("/api/v1/notices", headers=province, json={
        "level": "provincial", "year": year, "starts_on": "2099-01-04", "application_ids": ids})
    assert refused.status_code == 409 and "发文方式公布" in refused.get_json()["errors"][0]["message_zh"]
    done = client.post("/api/v1/list-decisions", headers=province, json={
        "level": "provincial", "year": year, "application_ids": ids, "document_no": "厅发〔2024〕12号",
        "published_on": "2024-03-01"})
    assert done.status_code == 201, done.get_json()
    body = done.get_json()
    assert body["rule"]["source"] == region and len(body["entries"]) == 2 and body["blocked"] == []
    public = client.get(f"/api/v1/lists?level=provincial&year={year}").get_json()
    if region == "hunan":  # issue 43: Hunan's 2024 decision publishes the 创建计划 (000 二.4), not the list
        assert public["total"] == 0 and {e["status"] for e in body["entries"]} == {"cultivation"}
        assert body["title"] == "2024年度湖南省绿色制造体系创建计划"
    else:
        assert public["total"] == 2 and {e["notice_no"] for e in public["items"]} == {"厅发〔2024〕12号"}
        assert {e["status"] for e in body["entries"]} == {"listed"}
    again = client.post("/api/v1/list-decisions", headers=province, json={
        "level": "provincial", "year": year, "application_ids": ids, "document_no": "厅发〔2024〕13号",
        "published_on": "2024-03-02"})
    assert again.status_code == 409  # listed already: not candidates any more
    with app.app_context():
        entries = db.session.scalars(select(ListEntry)).all()
        assert {(e.source, e.level) for e in entries} == {("decision", "provincial")}
        action = "list.stage_published" if region == "hunan" else "list.decision_published"
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == action))


def test_hubei_provincial_notice_period_is_the_deployers_setting(make_app):
    app = make_app("hubei", GREENMFG_NOTICE_PERIODS={"provincial": [7, "calendar_days"]})
    with app.app_context():
        province = _token(Role.PROVINCE)
        _u, apps = _graded("hubei", 2025)
        db.session.commit()
        ids = [a.id for a in apps]
    client = app.test_client()
    decision = client.post("/api/v1/list-decisions", headers=province, json={
        "level": "provincial", "year": 2025, "application_ids": ids, "document_no": "鄂经信〔2025〕1号",
        "published_on": "2025-10-01"})
    assert decision.status_code == 409 and "公示" in decision.get_json()["errors"][0]["message_zh"]
    with time_machine.travel(kit.beijing(dt.date(2025, 11, 3), 9), tick=False):
        opened = client.post("/api/v1/notices", headers=province, json={
            "level": "provincial", "year": 2025, "starts_on": "2025-11-03", "application_ids": ids})
    assert opened.status_code == 201, opened.get_json()
    notice = opened.get_json()
    assert notice["ends_on"] == "2025-11-09" and notice["period"]["source"] == "config"
    assert "未规定公示期" in notice["period"]["cite"]
    with app.test_request_context():
        from flask import url_for

        page = url_for("lists.public_notice", notice_id=notice["id"])
    # the public page names where the period comes from in the reader's language, never a setting's code
    zh = client.get(page).get_data(as_text=True)
    assert "本平台部署设置" in zh and "未规定公示期" in zh and ">config<" not in zh and "deployer setting" not in zh
    en = client.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "this instance&#39;s setting" in en and "the document requires a notice but names no period" in en
    assert "未规定公示期" not in en and "GREENMFG" not in zh + en
    with app.app_context():
        from core.lists import notices

        published = notices.publish("province", notices.notice_or_404(notice["id"]), document_no="鄂经信〔2025〕9号",
                                    published_on=dt.date(2025, 11, 12), at=kit.beijing(dt.date(2025, 11, 10)))
        db.session.commit()
        assert len(published["listed"]) == 2


def test_shanxi_cities_publish_their_own_city_lists(make_app):
    app = make_app("shanxi")
    with app.app_context():
        taiyuan, mine = _graded("shanxi", 2025, unit_code="shanxi.taiyuan", status=S.CITY_RECOMMENDED)
        datong, theirs = _graded("shanxi", 2025, unit_code="shanxi.datong", status=S.CITY_RECOMMENDED)
        for a in mine + theirs:
            a.level, a.requested_levels = "city", ["city"]
        city = _token(Role.CITY, admin_unit_id=taiyuan.id)
        province = _token(Role.PROVINCE)
        db.session.commit()
        mine_ids, theirs_ids, taiyuan_id = [a.id for a in mine], [a.id for a in theirs], taiyuan.id
    client = app.test_client()
    body = {"level": "city", "year": 2025, "document_no": "并工信〔2025〕5号", "published_on": "2025-04-20"}
    assert client.post("/api/v1/list-decisions", headers=province,
                       json={**body, "application_ids": mine_ids}).status_code == 403  # the city publishes it
    other = client.post("/api/v1/list-decisions", headers=city, json={**body, "application_ids": theirs_ids})
    assert other.status_code == 409  # another city's units are not this city's to list
    done = client.post("/api/v1/list-decisions", headers=city, json={**body, "application_ids": mine_ids})
    assert done.status_code == 201 and done.get_json()["admin_unit_id"] == taiyuan_id
    assert done.get_json()["rule"]["cite"].endswith("发布市层面绿色工厂名单)")
    with app.app_context():
        assert {e.level for e in db.session.scalars(select(ListEntry))} == {"city"}


def test_shanxi_provincial_notice_starts_today_or_with_a_reason_and_is_hidden_until_it_starts(make_app):
    app = make_app("shanxi")
    with app.app_context():
        province = _token(Role.PROVINCE)
        _u, apps = _graded("shanxi", 2025, n=3)
        db.session.commit()
        ids = [a.id for a in apps]
    client = app.test_client()
    with time_machine.travel(kit.beijing(dt.date(2025, 9, 20), 10), tick=False):
        backdated = client.post("/api/v1/notices", headers=province, json={
            "level": "provincial", "year": 2025, "starts_on": "2025-09-18", "application_ids": ids[:1]})
        assert backdated.status_code == 422 and backdated.get_json()["errors"][0]["field"] == "start_reason"
        ended = client.post("/api/v1/notices", headers=province, json={
            "level": "provincial", "year": 2025, "starts_on": "2025-08-01", "application_ids": ids[:1],
            "start_reason": "纸质公示已发布"})
        assert ended.status_code == 409  # it would already have ended: nobody could object
        reasoned = client.post("/api/v1/notices", headers=province, json={
            "level": "provincial", "year": 2025, "starts_on": "2025-09-18", "application_ids": ids[:1],
            "start_reason": "9月18日已在厅网站发布纸质公示，现补录到平台。"})
        assert reasoned.status_code == 201 and reasoned.get_json()["ends_on"] == "2025-09-30"  # 18,19,22-26, make-up Sunday 28, 29, 30
        future = client.post("/api/v1/notices", headers=province, json={
            "level": "provincial", "year": 2025, "starts_on": "2025-09-26", "application_ids": ids[1:]})
        assert future.status_code == 201 and future.get_json()["ends_on"] == "2025-10-15"
        public = client.get("/api/v1/notices").get_json()["items"]
        assert [n["id"] for n in public] == [reasoned.get_json()["id"]]
        assert public[0]["start_reason"] == "9月18日已在厅网站发布纸质公示，现补录到平台。"
        assert client.get(f"/api/v1/notices/{future.get_json()['id']}").status_code == 404
        assert client.get(f"/notices/{future.get_json()['id']}").status_code == 404
        assert "补录到平台" in client.get(f"/notices/{reasoned.get_json()['id']}").get_data(as_text=True)
        staff = client.get("/api/v1/notices", headers=province).get_json()["items"]
        assert len(staff) == 2
    with time_machine.travel(kit.beijing(dt.date(2025, 9, 26), 0, 1), tick=False):
        assert client.get(f"/api/v1/notices/{future.get_json()['id']}").status_code == 200


@pytest.mark.parametrize("region", ["national", "hunan", "hubei", "jiangxi", "shanxi"])
def test_every_level_a_region_offers_can_be_published(make_app, region):
    """The contract: a procedure for every level, a period for every notice, the platform defaults
    marked; the rules listing shows each publication rule with its source."""
    app = make_app(region)
    with app.app_context():
        from core.lists import notices

        rules = app.extensions["greenmfg"].rules
        levels = {lv for t in rules.unit_types.values() for lv in t.levels}
        for level in levels:
            how = rules.publication(level, 2025)
            assert how.procedure in ("notice", "decision") and how.publisher in ("city", "province", "ministry")
            if how.procedure == "notice":
                assert notices.period_for(level, 2025).days > 0
            if how.source == "national" and level != "national":
                assert how.platform_default and "平台默认" in how.cite
        kinds = {kind for kind, _key, _rec in rules.effective_rules(2025)}
        assert "publication" in kinds
