"""The stage before a list as a stage with its own steps (issue 53).

Shanxi 004 第七条: 省工业和信息化厅将具备培育条件且有提升潜力的企业、工业园区列为培育对象 (the province fills the 培育库);
第十三条: 省工业和信息化厅组织专家…审核，择优确定公示名单，…公示10个工作日，经公示无异议后纳入省级绿色制造名单. Hubei 002
三(一): 各市州…建立本地区绿色制造体系创建培育库 (each city fills its own). Hunan 000 二.4: 列入创建计划的单位应…于规定时间内
完成创建工作 (no time named: the decision's date), and its 评价认定 (二.2) is a decision. So staff put a unit in on a page, the
API and the CLI alike; the time to complete creation is shown and the overdue marked; Shanxi's 认定 lists a unit only after
its review and the 10 working days of the notice (2025-09-26 → 2025-10-15 on the working-day calendar,
chinese-calendar's 2025 holidays: National Day 10-01..10-08 off, 9-28 and 10-11 worked)."""
from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import seed_text
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402

from core.errors import InvalidInput, Refused  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import ApplicationStatus as S, AuditLog, ListEntry, NoticeItem, Organization, Role  # noqa: E402
from core.models.lists import STAGE, STAGE_WITHDRAWN  # noqa: E402

S000, S002, S004 = "000_5ae1342e00264ea1.txt", "002_9c75e1d2ebfbdf50.txt", "004_7a8ddd82f611ab67.txt"
PASSWORD = "培育库测试口令-2026"


def test_the_seeds_say_it():
    flat = lambda name: re.sub(r"\s+", "", seed_text(name))  # noqa: E731
    assert "省工业和信息化厅将具备培育条件且有提升潜力的企业、工业园区列为培育对象" in flat(S004)
    assert "公示10个工作日，经公示无异议后纳入省级绿色制造名单" in flat(S004)
    assert "建立本地区绿色制造体系创建培育库" in flat(S002)
    assert "并于规定时间内完成创建工作" in flat(S000)


def _login(app, username: str, role: Role, **bind):
    from core.accounts import services as accounts

    with app.app_context():
        accounts.create_user(username=username, password=PASSWORD, display_name=username, role=role, actor="test",
                             **bind)
        db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return client


def _token(app, role: Role, **bind) -> dict:
    from core.accounts import services as accounts

    with app.app_context():
        token, _ = accounts.create_token(kit.user(role, **bind), "test")
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _members(client) -> dict:
    soup = BeautifulSoup(client.get("/staff/stage?lang=zh").get_data(as_text=True), "html.parser")
    return {tr.select("td")[4].get_text(strip=True): tr for tr in soup.select("#stage-members tr[data-entry]")}


def test_shanxi_province_puts_units_in_on_the_page_the_api_and_the_cli_alike(make_app):
    from core.cli.lists_cmd import lists_group

    app = make_app("shanxi", WTF_CSRF_ENABLED=False)
    with app.app_context():
        u = kit.unit("shanxi", name="太原市")
        orgs = {n: (kit.organization(u, n).uscc) for n in ("太原培育对象页面有限公司", "太原培育对象接口有限公司",
                                                          "太原培育对象命令有限公司", "太原已列入有限公司")}
        listed = db.session.scalar(select(Organization.id).where(Organization.uscc == orgs["太原已列入有限公司"]))
        db.session.add(ListEntry(organization_id=listed, unit_type="factory", level="provincial", year=2025,
                                 status="listed", listed_on=dt.date(2025, 10, 17), notice_no="晋工信节能函〔2025〕9号"))
        db.session.commit()
        taiyuan = u.id
    web = _login(app, "sx_prov", Role.PROVINCE)
    page = web.get("/staff/stage?lang=zh").get_data(as_text=True)
    assert "培育库" in page and "第七条" in page
    r = web.post("/staff/stage?year=2026", data={
        "uscc": orgs["太原培育对象页面有限公司"], "unit_type": "factory", "level": "provincial", "year": 2026,
        "placed_on": "2026-03-02", "document_no": "晋工信节能函〔2026〕3号"})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    headers = _token(app, Role.PROVINCE)
    api = app.test_client().post("/api/v1/list-stage/entries", headers=headers, json={
        "uscc": orgs["太原培育对象接口有限公司"], "unit_type": "factory", "level": "provincial", "year": 2026,
        "placed_on": "2026-03-02", "document_no": "晋工信节能函〔2026〕3号"})
    assert api.status_code == 201, api.get_json()
    assert (api.get_json()["stage"], api.get_json()["member"]) == ("培育库", "培育对象")
    out = app.test_cli_runner().invoke(lists_group, [
        "stage-add", "--uscc", orgs["太原培育对象命令有限公司"], "--type", "factory", "--level", "provincial",
        "--year", "2026", "--date", "2026-03-02", "--document-no", "晋工信节能函〔2026〕3号"])
    assert out.exit_code == 0, out.output
    with app.app_context():
        rows = db.session.scalars(select(ListEntry).where(ListEntry.status == STAGE).order_by(ListEntry.id)).all()
        assert [(e.level, e.year, e.listed_on, e.notice_no) for e in rows] == [
            ("provincial", 2026, dt.date(2026, 3, 2), "晋工信节能函〔2026〕3号")] * 3
        assert db.session.query(AuditLog).filter_by(action="list.stage_entry_created").count() == 3
    members = _members(web)
    assert {"太原培育对象页面有限公司", "太原培育对象接口有限公司", "太原培育对象命令有限公司"} <= set(members)
    # refused alike: already in it, already listed, no such level's stage (the city list has none: 第七条)
    again = {"uscc": orgs["太原培育对象接口有限公司"], "unit_type": "factory", "level": "provincial", "year": 2026}
    api_again = app.test_client().post("/api/v1/list-stage/entries", headers=headers, json=again)
    assert api_again.status_code == 409 and "已在培育库中" in api_again.get_json()["message"]
    cli_again = app.test_cli_runner().invoke(lists_group, [
        "stage-add", "--uscc", orgs["太原培育对象页面有限公司"], "--type", "factory", "--level", "provincial",
        "--year", "2026"])
    assert cli_again.exit_code != 0 and "已在培育库中" in cli_again.output
    page_listed = web.post("/staff/stage?lang=zh", data={**again, "uscc": orgs["太原已列入有限公司"],
                                                         "placed_on": "2026-03-02"})
    assert page_listed.status_code == 409 and "已列入省级名单" in page_listed.get_data(as_text=True)
    city_level = app.test_client().post("/api/v1/list-stage/entries?lang=en", headers=headers,
                                        json={**again, "level": "city"})
    assert city_level.status_code == 409
    assert "no stage before the City level list of 2026" in city_level.get_json()["message"]
    # a city bureau does not fill Shanxi's 培育库 (the province lists 培育对象)
    city = _token(app, Role.CITY, admin_unit_id=taiyuan)
    assert app.test_client().post("/api/v1/list-stage/entries", headers=city, json={
        **again, "uscc": orgs["太原已列入有限公司"]}).status_code == 409


def test_the_publisher_withdraws_a_unit_audited(make_app):
    from core.cli.lists_cmd import lists_group

    app = make_app("shanxi", WTF_CSRF_ENABLED=False)
    with app.app_context():
        u = kit.unit("shanxi", name="大同市")
        codes = [kit.organization(u, n).uscc for n in ("大同培育甲有限公司", "大同培育乙有限公司")]
        db.session.commit()
    web = _login(app, "sx_prov2", Role.PROVINCE)
    for code in codes:
        assert web.post("/staff/stage", data={"uscc": code, "unit_type": "factory", "level": "provincial",
                                              "year": 2026, "placed_on": "2026-04-01"}).status_code == 302
    first, second = (int(tr["data-entry"]) for tr in _members(web).values())
    r = web.post(f"/staff/stage/{first}/withdraw", data={"reason": "企业申请退出培育"})
    assert r.status_code == 302 and "大同培育甲有限公司" not in _members(web)
    out = app.test_cli_runner().invoke(lists_group, ["stage-withdraw", str(second), "--reason", "不再具备培育条件"])
    assert out.exit_code == 0, out.output
    with app.app_context():
        assert {e.status for e in db.session.scalars(select(ListEntry))} == {STAGE_WITHDRAWN}
        assert db.session.query(AuditLog).filter_by(action="list.stage_entry_withdrawn").count() == 2
    again = app.test_cli_runner().invoke(lists_group, ["stage-withdraw", str(second), "--reason", "再次退出"])
    assert again.exit_code != 0


def test_a_hubei_city_fills_its_own_pool(make_app):
    app = make_app("hubei", WTF_CSRF_ENABLED=False)
    with app.app_context():
        wuhan, yichang = kit.unit("hubei", name="武汉市"), kit.unit("hubei", name="宜昌市")
        ours, theirs = kit.organization(wuhan, "武汉培育单位有限公司").uscc, kit.organization(yichang, "宜昌某有限公司").uscc
        wuhan_id = wuhan.id
        db.session.commit()
    web = _login(app, "wh_city", Role.CITY, admin_unit_id=wuhan_id)
    assert "武汉市" in web.get("/staff/stage?lang=zh").get_data(as_text=True)
    data = {"unit_type": "factory", "level": "provincial", "year": 2026, "placed_on": "2026-05-06"}
    assert web.post("/staff/stage", data={**data, "uscc": ours}).status_code == 302
    other = web.post("/staff/stage?lang=zh", data={**data, "uscc": theirs})
    assert other.status_code == 409 and "不是本市的单位" in other.get_data(as_text=True)
    assert set(_members(web)) == {"武汉培育单位有限公司"}
    # the province does not fill a Hubei city's 培育库 (002 三(一): 各市州…建立本地区…培育库)
    province = _token(app, Role.PROVINCE)
    r = app.test_client().post("/api/v1/list-stage/entries?lang=zh", headers=province, json={**data, "uscc": theirs})
    assert r.status_code == 409 and "由各市州" in r.get_json()["message"]
    city = _token(app, Role.CITY, admin_unit_id=wuhan_id)
    dup = app.test_client().post("/api/v1/list-stage/entries", headers=city, json={**data, "uscc": ours})
    assert dup.status_code == 409


def test_hunans_plan_takes_the_decisions_date_shown_and_overdue_marked(make_app):
    """000 二.4 names no time (于规定时间内): the decision's date is required, shown as the decision's; a date passed
    with the unit still in the plan is marked overdue."""
    from core.lists import stage_members

    app = make_app("hunan", WTF_CSRF_ENABLED=False)
    with app.app_context():
        u = kit.unit("hunan", "hunan.cs", name="长沙市")
        late, early = kit.organization(u, "长沙逾期创建单位有限公司"), kit.organization(u, "长沙按期创建单位有限公司")
        with pytest.raises(InvalidInput, match="within the time the decision sets"):
            stage_members.add_to_stage("province", level="provincial", year=2024, unit_type="factory",
                                       uscc=late.uscc, placed_on=dt.date(2024, 3, 20))
        with pytest.raises(InvalidInput, match="after the day the unit is put in"):
            stage_members.add_to_stage("province", level="provincial", year=2024, unit_type="factory",
                                       uscc=late.uscc, placed_on=dt.date(2024, 3, 20), complete_by=dt.date(2024, 3, 20))
        stage_members.add_to_stage("province", level="provincial", year=2024, unit_type="factory", uscc=late.uscc,
                                   placed_on=dt.date(2024, 3, 20), document_no="湘工信节能〔2024〕12号",
                                   complete_by=dt.date(2025, 12, 31))
        stage_members.add_to_stage("province", level="provincial", year=2024, unit_type="factory", uscc=early.uscc,
                                   placed_on=dt.date(2024, 3, 20), document_no="湘工信节能〔2024〕12号",
                                   complete_by=dt.date(2099, 12, 31))
        db.session.commit()
    web = _login(app, "hn_prov", Role.PROVINCE)
    members = _members(web)
    late_cell = members["长沙逾期创建单位有限公司"].select_one("td.completion").get_text(" ", strip=True)
    assert "2025-12-31" in late_cell and "湘工信节能〔2024〕12号" in late_cell and "逾期" in late_cell
    assert "overdue" in members["长沙逾期创建单位有限公司"].get("class", [])
    on_time = members["长沙按期创建单位有限公司"].select_one("td.completion").get_text(" ", strip=True)
    assert "2099-12-31" in on_time and "逾期" not in on_time
    items = {e["name"]: e for e in app.test_client().get("/api/v1/list-stage?year=2024").get_json()["items"]}
    assert (items["长沙逾期创建单位有限公司"]["complete_by"], items["长沙逾期创建单位有限公司"]["overdue"]) == ("2025-12-31", True)
    assert items["长沙按期创建单位有限公司"]["overdue"] is False
    # a unit the round's decision put in without the date: the page asks for it, the province enters it
    with app.app_context():
        from core.lists import decisions

        u = kit.unit("hunan", "hunan.cs")
        c = kit.campaign("hunan", year=2024)
        a = kit.application(c, u, status=S.GRADED, org=kit.organization(u, "长沙计划单位有限公司"))
        decisions.publish_decision("province", level="provincial", year=2024, application_ids=[a.id],
                                   document_no="湘工信节能〔2024〕13号", published_on=dt.date(2024, 3, 21))
        db.session.commit()
    row = _members(web)["长沙计划单位有限公司"]
    assert "未设定" in row.select_one("td.completion").get_text()
    assert web.post(f"/staff/stage/{row['data-entry']}/completion", data={"complete_by": "2026-06-30"}).status_code == 302
    cell = _members(web)["长沙计划单位有限公司"].select_one("td.completion").get_text(" ", strip=True)
    assert "2026-06-30" in cell and "湘工信节能〔2024〕13号" in cell


def _shanxi_stage_unit_graded():
    u = kit.unit("shanxi", name="晋中市")
    org = kit.organization(u, "晋中培育对象化工有限公司")
    entry = ListEntry(organization_id=org.id, unit_type="factory", level="provincial", year=2025, status=STAGE,
                      listed_on=dt.date(2025, 3, 3), notice_no="晋工信节能函〔2025〕2号", source="stage")
    db.session.add(entry)
    c = kit.campaign("shanxi", year=2025)
    a = kit.application(c, u, status=S.GRADED, org=org)  # reviewed (第十三条 审核; 第十四条 分级)
    db.session.flush()
    return entry, a


@pytest.mark.region("shanxi")
def test_shanxi_recognition_waits_for_the_review_and_the_ten_working_day_notice(app):
    from core.lists import cultivation, notices

    entry, a = _shanxi_stage_unit_graded()
    with pytest.raises(Refused, match="only after the review of its application and the public notice"):
        cultivation.recognize("province", entry_ids=[entry.id], document_no="晋工信节能函〔2025〕9号",
                              published_on=dt.date(2025, 9, 1), at=kit.beijing(dt.date(2025, 9, 2)))
    db.session.rollback()
    entry, a = _shanxi_stage_unit_graded()
    notice = notices.open_notice("province", level="provincial", year=2025, starts_on=dt.date(2025, 9, 26),
                                 application_ids=[a.id], at=kit.beijing(dt.date(2025, 9, 26), 9))
    assert notice.ends_on == dt.date(2025, 10, 15)  # 10 working days over National Day 2025
    with pytest.raises(Refused, match="on the public notice until 2025-10-15"):
        cultivation.recognize("province", entry_ids=[entry.id], document_no="晋工信节能函〔2025〕9号",
                              published_on=dt.date(2025, 10, 15), at=kit.beijing(dt.date(2025, 10, 15), 23, 59))
    with pytest.raises(InvalidInput, match="after the notice ends"):
        cultivation.recognize("province", entry_ids=[entry.id], document_no="晋工信节能函〔2025〕9号",
                              published_on=dt.date(2025, 10, 15), at=kit.beijing(dt.date(2025, 10, 16), 0, 0))
    out = cultivation.recognize("province", entry_ids=[entry.id], document_no="晋工信节能函〔2025〕9号",
                                published_on=dt.date(2025, 10, 16), year=2026, at=kit.beijing(dt.date(2025, 10, 16)))
    db.session.commit()
    listed = db.session.get(ListEntry, out["listed"][0]["list_entry"])
    # on the list of the notice's year, after its notice, with the decision's 文号 as the list's
    assert (listed.status, listed.level, listed.year, listed.source, listed.application_id) == (
        "listed", "provincial", 2025, "notice", a.id)
    assert a.status == S.LISTED and notice.status == "published" and notice.document_no == "晋工信节能函〔2025〕9号"
    assert db.session.scalar(select(NoticeItem.status).where(NoticeItem.application_id == a.id)) == "listed"
    assert "第十三条" in out["decision"].rule_cite
    assert cultivation.recognition_of(entry).id == listed.id


@pytest.mark.region("shanxi")
def test_an_open_objection_keeps_the_unit_off_the_list(app):
    from core.lists import cultivation, notices

    entry, a = _shanxi_stage_unit_graded()
    notice = notices.open_notice("province", level="provincial", year=2025, starts_on=dt.date(2025, 9, 26),
                                 application_ids=[a.id], at=kit.beijing(dt.date(2025, 9, 26), 9))
    notices.file_objection(notice, item_id=notice.items[0].id, name="赵敏", contact="13900000001",
                           grounds="该企业存在未整改的节能监察问题。", at=kit.beijing(dt.date(2025, 10, 9)))
    with pytest.raises(Refused, match="Nothing can be listed"):
        cultivation.recognize("province", entry_ids=[entry.id], document_no="晋工信节能函〔2025〕9号",
                              published_on=dt.date(2025, 10, 17), at=kit.beijing(dt.date(2025, 10, 17)))
    db.session.rollback()


def test_recognition_on_shanxis_page_is_refused_before_the_notice(make_app):
    app = make_app("shanxi", WTF_CSRF_ENABLED=False)
    with app.app_context():
        entry, _a = _shanxi_stage_unit_graded()
        db.session.commit()
        entry_id = entry.id
    web = _login(app, "sx_prov3", Role.PROVINCE)
    r = web.post("/province/stage?lang=zh", data={"year": 2025, "document_no": "晋工信节能函〔2025〕9号",
                                                  "published_on": "2025-10-17", "entry_ids": [entry_id]})
    assert r.status_code == 409 and "公示" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ListEntry.id).where(ListEntry.status == "listed")) is None
