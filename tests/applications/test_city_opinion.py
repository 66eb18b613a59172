"""The city's 推荐意见 (issue 43).

Source: 002_9c75e1d2ebfbdf50.txt 三(四) (湖北省绿色制造体系建设实施方案（2022—2025年）, 初审推荐):
"市级经信部门负责对本地区申报单位及其申报资料、现场情况等进行初审，并出具推荐意见，重点核实申报主体是否存在国家
文件规定不得申报的情况等，择优向省厅推荐". In Hubei's rounds of 2022-2025 the city writes its opinion when it
recommends (10 to 2000 characters: the platform's bounds, the plan names none); the province reads it. A region
whose documents ask for no written opinion (Hunan 2025, seed 001) recommends without one.
"""
from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import openpyxl
import pytest
from app_world import build_world
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402

#: a Hubei factory's declarations of 附件1 一(二) (plugins/hubei/forms.py), all met
HUBEI_FACTORY = {f"hubei.{k}": True for k in ("complies_with_laws", "factory_leading_performance",
                                              "independent_legal_person", "actual_manufacturing",
                                              "factory_management_systems", "meets_type_standard")}
CONSULTED = ["ecology_environment", "emergency_management", "market_regulation"]
OPINION = "经初审，该单位申报资料齐全，现场情况属实，未发现国家文件规定不得申报的情形，同意推荐。"


def _submitted(app, world, region: str, city: str, year: int, level: str, levels: list[str]) -> int:
    """A submitted factory application of ``city`` in the region's round (the state the city reviews)."""
    from core.extensions import db
    from core.models import AdminUnit, ApplicationStatus as S

    with app.app_context():
        c = kit.campaign(region, year=year, level=level, types=("factory",))
        unit = db.session.get(AdminUnit, world.units[city])
        a = kit.application(c, unit, status=S.SUBMITTED, mode="self")
        a.requested_levels = list(levels)
        items = app.extensions["greenmfg"].rules.negative_list_for("factory", level, year)
        a.declarations = {i.code: True for i in items}
        if region == "hubei":
            a.extension_data = {**HUBEI_FACTORY, "hubei.covers_subsidiaries": False}
        db.session.commit()
        return a.id


@pytest.fixture
def hubei(make_app, monkeypatch):
    from core import clock

    app = make_app("hubei", WTF_CSRF_ENABLED=False)
    world = build_world(app, units=("wuhan", "yichang"))
    # the 2025 round's city step is open on 2025-10-01 (Beijing)
    monkeypatch.setattr(clock, "now", lambda: kit.beijing(dt.date(2025, 10, 1)).astimezone(dt.timezone.utc))
    world.app_id = _submitted(app, world, "hubei", "wuhan", 2025, "national", ["national", "provincial"])
    return world


def _status(world) -> str:
    from core.extensions import db
    from core.models import Application

    with world.app.app_context():
        return db.session.get(Application, world.app_id).status.value


def test_hubei_refuses_a_recommendation_without_the_opinion_in_both_languages(hubei):
    """三(四) 出具推荐意见: the API answers 422 naming the opinion and the rule, in Chinese and English."""
    api = hubei.api("city_wuhan")
    body = {"consulted_departments": CONSULTED, "acknowledge_warnings": True}
    r = api.post(f"/api/v1/applications/{hubei.app_id}/recommend", json=body)
    assert r.status_code == 422, r.get_json()
    err = r.get_json()
    assert err["errors"][0]["field"] == "opinion"
    assert "推荐意见" in err["message_zh"] and "三(四)" in err["message_zh"]
    assert "recommendation opinion" in err["message_en"] and "requires it" in err["message_en"]
    assert _status(hubei) == "submitted"
    # nine characters are too few for the 10-2000 the rule sets
    r = api.post(f"/api/v1/applications/{hubei.app_id}/recommend", json={**body, "opinion": "同意推荐，资料齐全。"[:9]})
    assert r.status_code == 422 and "10" in r.get_json()["message_en"] and "2000" in r.get_json()["message_zh"]
    assert _status(hubei) == "submitted"

    # the web form refuses it too, and says so on the page in the user's language
    web = hubei.client("city_wuhan")
    page = web.post(f"/applications/{hubei.app_id}/recommend?lang=zh", data={
        "consulted_departments": CONSULTED, "acknowledge_warnings": "y", "confirm": "y"}, follow_redirects=True)
    assert "推荐意见" in page.get_data(as_text=True) and _status(hubei) == "submitted"
    page = web.post(f"/applications/{hubei.app_id}/recommend?lang=en", data={
        "consulted_departments": CONSULTED, "acknowledge_warnings": "y", "confirm": "y"}, follow_redirects=True)
    assert "recommendation opinion" in page.get_data(as_text=True) and _status(hubei) == "submitted"
    # the form says the opinion is required in this round, with the rule's article
    form = web.get(f"/applications/{hubei.app_id}?lang=zh").get_data(as_text=True)
    assert 'name="opinion"' in form and "本轮必填：10至2000字" in form and "鄂经信办节能〔2022〕8号）三（四）" in form


def test_hubei_opinion_is_kept_and_the_province_reads_it(hubei):
    """三(四): the opinion goes with the recommendation (audited) and is on the province's pages; the
    applicant's own page does not show it."""
    r = hubei.api("city_wuhan").post(f"/api/v1/applications/{hubei.app_id}/recommend", json={
        "consulted_departments": CONSULTED, "acknowledge_warnings": True, "opinion": f"  {OPINION}\n"})
    assert r.status_code == 200, r.get_json()["message_en"]
    assert r.get_json()["opinion"] == OPINION and _status(hubei) == "city_recommended"
    from core.extensions import db
    from core.models import AuditLog

    with hubei.app.app_context():
        row = db.session.scalars(select(AuditLog).where(AuditLog.action == "application.recommended")).one()
        assert row.data["opinion"] == OPINION
    province = hubei.client("province")
    assert OPINION in province.get(f"/review/applications/{hubei.app_id}?lang=zh").get_data(as_text=True)
    detail = province.get(f"/applications/{hubei.app_id}?lang=zh").get_data(as_text=True)
    assert 'id="city-opinion"' in detail and OPINION in detail
    assert OPINION not in hubei.client("applicant_wuhan").get(f"/applications/{hubei.app_id}").get_data(as_text=True)

    # the city's summary table (Hubei's platform layout) carries it in its column 市级推荐意见
    from core.models import Application

    with hubei.app.app_context():
        campaign_id = db.session.get(Application, hubei.app_id).campaign_id
    table = hubei.api("city_wuhan").get(f"/api/v1/summary?campaign_id={campaign_id}")
    assert table.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(table.data)).worksheets[0]
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = next(r for r in rows if "市级推荐意见" in r)
    column = header.index("市级推荐意见")
    assert [r[column] for r in rows[rows.index(header) + 1:] if r[column]] == [OPINION]


def test_a_region_that_asks_for_no_opinion_recommends_without_one(make_app, monkeypatch):
    """Hunan 2025 (seed 001 asks the city for no written opinion on each unit): national's platform default,
    the opinion optional; the recommendation goes through without one."""
    from core import clock

    app = make_app("hunan", WTF_CSRF_ENABLED=False)
    world = build_world(app)
    monkeypatch.setattr(clock, "now", lambda: kit.beijing(dt.date(2025, 10, 1)).astimezone(dt.timezone.utc))
    with app.app_context():
        rule = app.extensions["greenmfg"].rules.city_recommendation("provincial", 2025)
        assert not rule.opinion_required and rule.source == "national" and rule.platform_default
    world.app_id = _submitted(app, world, "hunan", "changsha", 2025, "provincial", ["provincial"])
    r = world.api("city_changsha").post(f"/api/v1/applications/{world.app_id}/recommend", json={
        "consulted_departments": CONSULTED, "acknowledge_warnings": True})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["opinion"] is None and _status(world) == "city_recommended"


class _AsksForAnOpinion:
    """A plugin whose document asks every city for a 推荐意见 of 20 to 500 characters (the hook's contract)."""

    @staticmethod
    def gm_policy_city_recommendation(level, year):
        from core.plugins.types import CityRecommendation

        return CityRecommendation(opinion_required=True, opinion_min=20, opinion_max=500, cite="test fixture")


def test_hook_gm_policy_city_recommendation(make_app):
    """A plugin's answer replaces national's platform default, with its source; the service applies its bounds
    (Hubei's own answer, 002 三(四), is tested above)."""
    from core.applications import city_recommendation
    from core.errors import InvalidInput
    from core.plugins import hookimpl

    plugin = _AsksForAnOpinion()
    plugin.gm_policy_city_recommendation = hookimpl(_AsksForAnOpinion.gm_policy_city_recommendation)
    app = make_app("national", GREENMFG_EXTRA_PLUGINS=[("opinion_test", plugin)])
    with app.app_context():
        rules = app.extensions["greenmfg"].rules
        rule = rules.city_recommendation("provincial", 2025)
        assert (rule.source, rule.opinion_required, rule.opinion_min, rule.opinion_max) == ("opinion_test", True, 20, 500)
        assert not rule.file_required
        c = kit.campaign("national", year=2025, level="provincial", types=("factory",))
        with pytest.raises(InvalidInput, match="20 to 500"):
            city_recommendation.check_opinion(c, "同意推荐。")
        assert city_recommendation.check_opinion(c, OPINION) == OPINION
        assert ("city_recommendation", "provincial/2025", rule) in set(rules.effective_rules(2025))
