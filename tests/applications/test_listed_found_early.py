"""Listings found out early (issue 43). Before, a unit already on the list applied, went through the city and the
experts, and the province's decision reported ``already_listed`` at the end. Now the application service (the web
page and the API call the same function) refuses a unit already on the round's list when it starts, with the
listing and the rule in both languages; a unit on a higher list may apply lower (no seed forbids it: 004 第二条
三级联动, 002 附件3 counts 国家、省、市 listings together; domain.md C5), with a warning on the applicant's page, the
city's and the province's; a region's round policy may refuse it instead (``JointRound.higher_listing``). A unit
only on a 创建计划 (000 二.4: 列入创建计划的单位应…于规定时间内完成创建工作) is not listed and is refused nothing."""
from __future__ import annotations

import datetime as dt

import pytest
from app_world import build_world, login, open_campaign
from bs4 import BeautifulSoup
from sqlalchemy import func, select

REFUSE_PLUGIN = "higher_listing_test=fixtures.higher_listing_plugin"


def _list(app, org_id, level, year, status="listed", notice_no=None):
    from core.extensions import db
    from core.models import ListEntry

    with app.app_context():
        db.session.add(ListEntry(organization_id=org_id, unit_type="factory", level=level, year=year, status=status,
                                 listed_on=dt.date(year, 12, 20), notice_no=notice_no or f"湘工信节能〔{year}〕88号",
                                 source="import"))
        db.session.commit()


def _count(app):
    from core.extensions import db
    from core.models import Application

    with app.app_context():
        return db.session.scalar(select(func.count(Application.id)))


@pytest.fixture
def world(make_app, tmp_path, cheap_hashes):
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))
    world = build_world(app)
    world.campaign_id = open_campaign(app, level="provincial", unit_types=("factory",), year=2025)
    return world


def test_a_unit_on_the_rounds_list_is_refused_when_it_starts(world):
    app = world.app
    _list(app, world.orgs["changsha"], "provincial", 2024)
    before = _count(app)
    r = world.api("applicant_changsha").post("/api/v1/applications",
                                             json={"campaign_id": world.campaign_id, "unit_type": "factory"},
                                             headers={"Accept-Language": "zh"})
    assert r.status_code == 409, r.get_json()
    body = str(r.get_json())
    assert "2024年省级绿色工厂（湘工信节能〔2024〕88号）" in body and "平台规则" in body, body
    en = world.api("applicant_changsha").post("/api/v1/applications?lang=en",
                                              json={"campaign_id": world.campaign_id, "unit_type": "factory"},
                                              headers={"Accept-Language": "en"})
    assert "the 2024 provincial list (Green factory, 湘工信节能〔2024〕88号)" in str(en.get_json()), en.get_json()
    assert "platform rule" in str(en.get_json())
    client = world.client("applicant_changsha")
    page = client.post("/applications/start?lang=zh", data={"campaign_id": world.campaign_id, "unit_type": "factory"})
    assert page.status_code == 409 and "已在2024年省级绿色工厂" in page.get_data(as_text=True)
    assert _count(app) == before  # nothing was made
    # the other city's unit, on no list, starts as before
    assert world.api("applicant_zhuzhou").post("/api/v1/applications", json={
        "campaign_id": world.campaign_id, "unit_type": "factory"}).status_code == 201


def test_a_creation_plan_or_a_removal_is_no_listing(world):
    """A 创建单位 of the 2024 plan (not yet recognized) and a unit removed from the list may apply."""
    app = world.app
    _list(app, world.orgs["changsha"], "provincial", 2024, status="cultivation", notice_no="湘工信节能〔2024〕12号")
    r = world.api("applicant_changsha").post("/api/v1/applications", json={
        "campaign_id": world.campaign_id, "unit_type": "factory"})
    assert r.status_code == 201, r.get_json()
    page = world.client("applicant_changsha").get(f"/applications/{r.get_json()['id']}").get_data(as_text=True)
    assert 'id="listing-notes"' not in page


def test_a_unit_on_a_higher_list_applies_with_a_warning_everyone_sees(world):
    from core.extensions import db
    from core.models import Application, ApplicationStatus

    app = world.app
    _list(app, world.orgs["zhuzhou"], "national", 2024, notice_no="工信部节函〔2024〕300号")
    r = world.api("applicant_zhuzhou").post("/api/v1/applications", json={
        "campaign_id": world.campaign_id, "unit_type": "factory"})
    assert r.status_code == 201, r.get_json()
    app_id = r.get_json()["id"]

    def note(who, url, lang="zh"):
        soup = BeautifulSoup(world.client(who).get(f"{url}?lang={lang}").get_data(as_text=True), "html.parser")
        found = soup.select_one("#listing-notes")
        assert found is not None, (who, url)
        return found.get_text(" ", strip=True)

    mine = note("applicant_zhuzhou", f"/applications/{app_id}")
    assert "2024年国家级绿色工厂（工信部节函〔2024〕300号）" in mine and "平台默认" in mine, mine
    assert "the 2024 national list" in note("applicant_zhuzhou", f"/applications/{app_id}", "en")
    with app.app_context():  # as the applicant's submission and the city's recommendation leave it
        db.session.get(Application, app_id).status = ApplicationStatus.SUBMITTED
        db.session.commit()
    assert "工信部节函〔2024〕300号" in note("city_zhuzhou", f"/applications/{app_id}")
    with app.app_context():
        db.session.get(Application, app_id).status = ApplicationStatus.CITY_RECOMMENDED
        db.session.commit()
    assert "工信部节函〔2024〕300号" in note("province", f"/review/applications/{app_id}")


def test_a_region_policy_may_refuse_the_higher_listed_unit(make_app, tmp_path, cheap_hashes):
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"),
                   GREENMFG_EXTRA_PLUGINS=[REFUSE_PLUGIN])
    world = build_world(app)
    campaign_id = open_campaign(app, level="provincial", unit_types=("factory",), year=2025)
    _list(app, world.orgs["changsha"], "national", 2024, notice_no="工信部节函〔2024〕300号")
    r = world.api("applicant_changsha").post("/api/v1/applications", json={"campaign_id": campaign_id,
                                                                          "unit_type": "factory"})
    assert r.status_code == 409, r.get_json()
    assert "测试规则 第一条" in str(r.get_json()) and "工信部节函〔2024〕300号" in str(r.get_json())
    with app.app_context():
        from core.kernel.rules import region_rules

        assert region_rules().joint_round("provincial", 2025, "factory").higher_listing == "refuse"
    assert login(app.test_client(), "ent_changsha").status_code == 302


@pytest.mark.region("hunan")
def test_the_citys_summary_import_refuses_a_listed_unit_too(app):
    """The city's 汇总表 import creates applications too (000 附件2-1): a row naming a unit already on the round's
    list is rejected with the same reason, and nothing is written."""
    import io

    from openpyxl import load_workbook
    from summary_kit import CASES, populate, rows_of, save, uscc
    from summary_kit import world as summary_world

    from core.applications import summary
    from core.extensions import db
    from core.models import ApplicationStatus as S, ListEntry, Organization

    case = CASES["hunan-2024"]
    unit, campaign = summary_world(case)
    populate(case, unit, campaign, 2, status=S.DRAFT, types=("factory",))
    data = summary.export_summary(unit.id, campaign.id, "city", include_drafts=True)
    org = Organization(uscc=uscc(990001), name="长沙已在省级名单电气有限公司", admin_unit_id=unit.id)
    db.session.add(org)
    db.session.flush()
    db.session.add(ListEntry(organization_id=org.id, unit_type="factory", level="provincial", year=2023,
                             status="listed", listed_on=dt.date(2023, 12, 20), notice_no="湘工信节能〔2023〕100号",
                             source="import"))
    db.session.commit()
    wb = load_workbook(io.BytesIO(data))
    ws = wb["附件2-1"]
    rows = rows_of(ws)
    header = next(r for r in rows if r[0] == "序号")
    first = next(i for i, r in enumerate(rows, start=1) if isinstance(r[0], int))
    uscc_col = next(i for i, h in enumerate(header, start=1) if h and "统一社会信用代码" in str(h))
    ws.cell(row=first, column=uscc_col).value = org.uscc
    ws.cell(row=first, column=header.index("申报单位") + 1).value = org.name
    report = summary.import_summary(unit.id, campaign.id, save(wb), "city", locale="zh")
    assert not report["ok"]
    (rejected,) = [r for r in report["rows"] if r["action"] == "rejected"]
    assert "2023年省级绿色工厂（湘工信节能〔2023〕100号）" in rejected["reason"] and "平台规则" in rejected["reason"], rejected
    db.session.rollback()
