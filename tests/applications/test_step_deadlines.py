"""Deadlines at every step (issue 15): a city's recommendation is refused after its region's deadline,
24:00 Beijing time, naming the date, the rule's plugin and its citation; only the province extends it,
for one city, with an audited reason.

Sources:
* 003_a3fa60aeba77aa34.txt 一 (Jiangxi 2024): 于2024年5月27日前将推荐文件、推荐汇总表、推荐项目评价报告报送省工业和信息化厅.
* 000_5ae1342e00264ea1.txt 二.3 (Hunan 2024 provincial round): 于2023年12月5日前正式行文…报送我厅.
* 001_3f04a56fc6693327.txt 三 (Hunan 2025 national round): 10月30日（周四）前提交新申报单位信息汇总表.
* 004_7a8ddd82f611ab67.txt 第十三条 (Shanxi provincial): 于每年5月31日前…推荐至省工业和信息化厅.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py
import kit  # noqa: E402
from app_world import build_world  # noqa: E402
from core.applications import services  # noqa: E402
from core.errors import DeadlinePassed, InvalidInput  # noqa: E402
from core.extensions import db  # noqa: E402
from core import clock
from core.clock import SHANGHAI  # noqa: E402
from core.models import AdminUnit, AuditLog, ListEntry  # noqa: E402
from core.models import ApplicationStatus as S  # noqa: E402
from core.services import deadlines  # noqa: E402

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

CONSULTED = ["ecology_environment", "emergency_management", "market_regulation"]


def _bj(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=SHANGHAI)


def _round(region: str, year: int, level: str):
    """A campaign with the region's deadlines copied in, as services.open_campaign does."""
    c = kit.campaign(region, year=year, level=level, types=("factory",))
    c.deadlines = services.campaign_deadlines(year, level, ["factory"])
    db.session.flush()
    return c


def _submitted(c, unit=None, provincial_listing: bool = False):
    unit = unit or kit.unit(c.region)
    a = kit.application(c, unit, status=S.SUBMITTED, mode="self")
    items = current_app.extensions["greenmfg"].rules.negative_list_for("factory", c.level, c.year)
    a.declarations = {i.code: True for i in items}
    if c.region == "shanxi":  # 第八条: an independent legal entity that actually manufactures
        a.extension_data = {"shanxi.independent_legal_entity": True, "shanxi.actual_manufacturing": True}
    if c.region == "hunan" and c.level == "provincial":  # 000 一.1: a 规模以上工业企业, judged by the city
        a.extension_data = {"hunan.above_designated_size": True}
    if c.level == "national" and c.region == "jiangxi":
        a.requested_levels = ["national", "provincial"]
    if provincial_listing:  # a new national applicant is an existing provincial unit (001 一.1)
        db.session.add(ListEntry(organization_id=a.organization_id, unit_type="factory", level="provincial",
                                 year=c.year - 2, status="listed", listed_on=dt.date(c.year - 2, 12, 1),
                                 notice_no="test"))
    db.session.flush()
    return a


def _recommend(a, at):
    return services.recommend(a, "city", consulted_departments=CONSULTED, acknowledge_warnings=True, at=at)


JIANGXI_DOC = "赣工信办节能函〔2024〕20号"  # seed 003_a3fa60aeba77aa34.txt


def _refused(a, at, day: str, source: str, document: str) -> str:
    """Refused after ``day`` 24:00 Beijing time, naming the rule's source (its region) and its document (文号 or
    title) as people read them, never a plugin code or a seed file (issue 17)."""
    with pytest.raises(DeadlinePassed) as info:
        _recommend(a, at)
    text = str(info.value)
    assert day in text and "24:00" in text and f"规则来源：{source}：" in text and document in text, text
    assert ".txt" not in text and "rule from jiangxi" not in text
    assert a.status == S.SUBMITTED
    return text


@pytest.mark.region("jiangxi")
def test_jiangxi_city_deadline_2024_05_27(app):
    """003 一: 于2024年5月27日前 — 23:59:59 Beijing time on the 27th is in time; 00:00:30 on the 28th is not."""
    c = _round("jiangxi", 2024, "national")
    assert c.deadlines["jiangxi.city_submission"] == "2024-05-27"
    on_time, late = _submitted(c), _submitted(c)
    _recommend(on_time, _bj(2024, 5, 27, 23, 59, 59))
    assert on_time.status == S.CITY_RECOMMENDED
    text = _refused(late, _bj(2024, 5, 28, 0, 0, 30), "2024-05-27", "江西省", JIANGXI_DOC)
    assert "2024年5月27日前" in text


@pytest.mark.region("hunan")
def test_hunan_2024_provincial_round_city_deadline_2023_12_05(app):
    """000 二.3: the 2024 provincial round's cities submit by 2023-12-05 (the round's year is 2024)."""
    c = _round("hunan", 2024, "provincial")
    assert c.deadlines["hunan.city_submission"] == "2023-12-05"
    on_time, late = _submitted(c), _submitted(c)
    _recommend(on_time, _bj(2023, 12, 5, 23, 59, 59))
    assert on_time.status == S.CITY_RECOMMENDED
    _refused(late, _bj(2023, 12, 6, 0, 0, 30), "2023-12-05", "湖南省", "2024年湖南省绿色制造体系创建计划")  # seed 000


@pytest.mark.region("hunan")
def test_hunan_2025_national_round_city_deadline_10_30(app):
    """001 三: 10月30日（周四）前提交新申报单位信息汇总表."""
    c = _round("hunan", 2025, "national")
    assert c.deadlines["hunan.city_summary"] == "2025-10-30"
    on_time = _submitted(c, provincial_listing=True)
    late = _submitted(c, provincial_listing=True)
    _recommend(on_time, _bj(2025, 10, 30, 23, 59, 59))
    assert on_time.status == S.CITY_RECOMMENDED
    _refused(late, _bj(2025, 10, 31, 0, 0, 30), "2025-10-30", "湖南省",
             "《关于开展2025年度国家级绿色制造单位推荐工作的通知》")  # seed 001


@pytest.mark.region("shanxi")
def test_shanxi_city_deadline_05_31(app):
    """004 第十三条: 于每年5月31日前…推荐至省工业和信息化厅 (2025 provincial round)."""
    c = _round("shanxi", 2025, "provincial")
    assert c.deadlines["shanxi.city_recommendation"] == "2025-05-31"
    on_time, late = _submitted(c), _submitted(c)
    _recommend(on_time, _bj(2025, 5, 31, 23, 59, 59))
    assert on_time.status == S.CITY_RECOMMENDED
    _refused(late, _bj(2025, 6, 1, 0, 0, 30), "2025-05-31", "山西省", "晋工信节能规字〔2024〕3号")  # seed 004


@pytest.mark.region("jiangxi")
def test_a_province_extension_lets_one_city_recommend_until_its_end(app):
    """Only the province extends a city's step deadline, for that city, until an instant, with a reason."""
    c = _round("jiangxi", 2024, "national")
    nanchang, jiujiang = kit.unit("jiangxi"), kit.unit("jiangxi")
    until = _bj(2024, 6, 3, 18, 0)
    ext = deadlines.grant_step_extension(c, nanchang.id, "jiangxi.city_submission", until,
                                         "防汛抗灾，推荐文件延后报送", "province")
    db.session.commit()
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "campaign.step_extension_granted"))
    assert log.data["reason"] == "防汛抗灾，推荐文件延后报送" and log.data["step"] == "jiangxi.city_submission"
    assert log.data["admin_unit"] == nanchang.code and log.actor == "province"
    assert clock.aware(ext.until) == until

    a, b, too_late = _submitted(c, nanchang), _submitted(c, jiujiang), _submitted(c, nanchang)
    _recommend(a, _bj(2024, 6, 1, 10, 0))  # the extended city: in time
    assert a.status == S.CITY_RECOMMENDED
    _refused(b, _bj(2024, 6, 1, 10, 0), "2024-05-27", "江西省", JIANGXI_DOC)  # another city: not extended
    with pytest.raises(DeadlinePassed, match="2024-06-03 18:00"):
        _recommend(too_late, _bj(2024, 6, 3, 18, 0, 1))
    # the extension must end after the deadline
    with pytest.raises(Exception, match="after the campaign deadline"):
        deadlines.grant_step_extension(c, jiujiang.id, "jiangxi.city_submission", _bj(2024, 5, 27, 12, 0),
                                       "太早", "province")


@pytest.fixture
def jiangxi_web(make_app, tmp_path):
    """No app context around the test: each request gets its own (``g`` holds the request's user)."""
    return make_app("jiangxi", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))


def test_web_and_api_grant_and_show_a_city_extension(jiangxi_web):
    """The province grants a city's extension on the campaign page and through the API; the city sees its
    deadline with the rule's source and the extension on its queue page; recommending after the
    deadline is refused through the API (409), and allowed once the province extends it (003 一)."""
    world = build_world(jiangxi_web, units=("nanchang", "jiujiang"))
    with jiangxi_web.app_context():
        c = _round("jiangxi", 2024, "national")
        units = {name: db.session.get(AdminUnit, uid) for name, uid in world.units.items()}
        codes = {name: u.code for name, u in units.items()}
        a = _submitted(c, units["nanchang"])
        db.session.commit()
        campaign_id, app_id = c.id, a.id

    city = world.api("city_nanchang")
    body = {"consulted_departments": CONSULTED, "acknowledge_warnings": True}
    refused = city.post(f"/api/v1/applications/{app_id}/recommend", json=body)
    assert refused.status_code == 409
    message = refused.get_json()["errors"][0]["message_en"]
    assert "2024-05-27" in message and "24:00" in message and "Jiangxi" in message and JIANGXI_DOC in message
    assert ".txt" not in message and "jiangxi" not in message, message

    province = world.client("province")
    page = province.get(f"/province/campaigns/{campaign_id}")
    assert page.status_code == 200 and 'id="step-extension-form"' in page.get_data(as_text=True)
    until = (dt.datetime.now(SHANGHAI) + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = province.post(f"/province/campaigns/{campaign_id}/step-extension", data={
        "admin_unit": str(world.units["jiujiang"]), "step": "jiangxi.city_submission",
        "until": until, "reason": "九江市推荐文件延后报送"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert "九江市推荐文件延后报送" in province.get(f"/province/campaigns/{campaign_id}").get_data(as_text=True)

    api = world.api("province")
    bad = api.post(f"/api/v1/campaigns/{campaign_id}/step-extensions", json={
        "admin_unit": codes["nanchang"], "step": "jiangxi.city_submission",
        "until": (dt.datetime.now(dt.UTC) - dt.timedelta(days=1000)).isoformat(), "reason": "太早"})
    assert bad.status_code == 422 and "after the campaign deadline" in bad.get_json()["errors"][0]["message_en"]
    granted = api.post(f"/api/v1/campaigns/{campaign_id}/step-extensions", json={
        "admin_unit": codes["nanchang"], "step": "jiangxi.city_submission",
        "until": (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat(), "reason": "南昌市推荐文件延后报送"})
    assert granted.status_code == 201, granted.get_data(as_text=True)
    assert world.api("city_nanchang").post(f"/api/v1/campaigns/{campaign_id}/step-extensions", json={
        "admin_unit": codes["nanchang"], "step": "jiangxi.city_submission",
        "until": (dt.datetime.now(dt.UTC) + dt.timedelta(days=9)).isoformat(), "reason": "自己延期"}).status_code == 403

    queue = world.client("city_nanchang").get(f"/city?campaign={campaign_id}").get_data(as_text=True)
    table = queue.split('id="city-deadlines"')[1].split("</table>")[0]
    # the rule's source as people read it: the document's number and article, never the seed file (issue 17)
    assert "2024-05-27 24:00" in table and "江西省" in table and "赣工信办节能函〔2024〕20号" in table
    assert "jiangxi" not in table  # the source plugin by its name, never its code
    assert kit.SEED_JIANGXI not in table
    assert "南昌市推荐文件延后报送" in table and "九江市" not in table

    ok = world.api("city_nanchang").post(f"/api/v1/applications/{app_id}/recommend", json=body)
    assert ok.status_code == 200, ok.get_data(as_text=True)
    with jiangxi_web.app_context():
        actions = [r.action for r in db.session.scalars(select(AuditLog).where(
            AuditLog.object_type == "campaign", AuditLog.object_id == str(campaign_id)))]
    assert actions.count("campaign.step_extension_granted") == 2


@pytest.mark.region("jiangxi")
def test_the_city_summary_import_obeys_the_same_deadline(app):
    """003 一: the 推荐汇总表 is part of the city's step; after 2024-05-27 24:00 (today) an import is refused with
    the date and the rule, unless the province extended the city's deadline."""
    from core.applications import summary

    c = _round("jiangxi", 2024, "national")
    city = kit.unit("jiangxi")
    with pytest.raises(DeadlinePassed) as info:
        summary.import_xlsx(city, c, b"not read", "city")
    assert "2024-05-27" in str(info.value) and JIANGXI_DOC in str(info.value) and ".txt" not in str(info.value)
    deadlines.grant_step_extension(c, city.id, "jiangxi.city_submission",
                                   clock.now() + dt.timedelta(days=1), "汇总表延后报送", "province")
    with pytest.raises(InvalidInput, match="Only .xlsx files"):  # past the deadline check: the file is read
        summary.import_xlsx(city, c, b"not read", "city")
