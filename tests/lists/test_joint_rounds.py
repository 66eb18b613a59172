"""Joint rounds (issue 15): one application for national and provincial at once.

Sources:
* 003_a3fa60aeba77aa34.txt 一 (Jiangxi 2024 国家级绿色制造名单推荐暨省级绿色制造名单遴选): 遴选确定2024年度
  省级绿色制造名单，同时择优向工信部推荐; 附件: 推荐申报国家级或省级（可同时填报）.
* 002_9c75e1d2ebfbdf50.txt 三(五) (Hubei): 从2022年起，国家级绿色制造名单申报推荐的同时进行省级绿色制造名单
  遴选，经评审合格、公示无异议的申报单位，确认为省级绿色制造单位，申报国家级绿色制造名单原则上从省级绿色制造名单中
  择优推荐上报.
* 办法 第十一条 and 001_3f04a56fc6693327.txt 一.1 (现有省级绿色工厂、绿色园区自愿申报): elsewhere a new national
  applicant must already be on the provincial list (Hunan 2025 national round).
* Deadlines: national recommendation by 07-31 (办法 第十二条), 2025-11-07 (001 附件1 三).
"""
from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import openpyxl
import pytest
from flask import current_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "applications"))  # app_world.py
import kit  # noqa: E402
from helpers import new_signing_key  # noqa: E402
from app_world import build_world, open_campaign  # noqa: E402
from core.applications import eligibility, services  # noqa: E402
from core.applications.levels import is_for  # noqa: E402
from core.errors import InvalidInput, Refused  # noqa: E402
from core.extensions import db  # noqa: E402
from core.lists import recommend  # noqa: E402
from core.models import Application, ApplicationStatus as S, ListEntry  # noqa: E402

CONSULTED = ["ecology_environment", "emergency_management", "market_regulation"]
BOTH = ["national", "provincial"]


def _submitted(region: str, year: int, levels: list[str]) -> Application:
    """A new factory (no listing anywhere) that asks for ``levels`` in the region's national round."""
    c = kit.campaign(region, year=year, level="national", types=("factory",))
    a = kit.application(c, kit.unit(region), status=S.SUBMITTED, mode="self")
    a.requested_levels = list(levels)
    items = current_app.extensions["greenmfg"].rules.negative_list_for("factory", "national")
    a.declarations = {i.code: True for i in items}
    db.session.flush()
    return a


def _grade(a: Application, region: str, total: float = 90) -> None:
    kit.panel(a, [total], [kit.expert(f"专家{a.id}", region, unit_=kit.unit(region))])


def _list_provincially(a: Application, year: int) -> ListEntry:
    """The provincial list entry of the same round (the decision/notice publishing it is H2's)."""
    entry = ListEntry(organization_id=a.organization_id, unit_type=a.unit_type, level="provincial", year=year,
                      status="listed", listed_on=dt.date(year, 6, 30), notice_no="赣工信节能字〔2024〕测试号",
                      application_id=a.id, source="decision")
    db.session.add(entry)
    a.status = S.LISTED
    db.session.flush()
    return entry


@pytest.fixture
def jiangxi(make_app):
    app = make_app("jiangxi", GREENMFG_REVIEW_MIN_EXPERTS=1, GREENMFG_RECOMMENDATION_KEY=new_signing_key())
    with app.app_context():
        yield app


def test_jiangxi_2024_new_factory_listed_provincially_then_recommended(jiangxi):
    """003 一: a new factory asks for both levels, passes the city (national shown as pending the provincial
    decision of this round), is graded, listed provincially in the same round, then recommended to MIIT."""
    a = _submitted("jiangxi", 2024, BOTH)
    services.recommend(a, "city", consulted_departments=CONSULTED, acknowledge_warnings=True,
                       at=kit.beijing(dt.date(2024, 5, 20)))
    assert a.status == S.CITY_RECOMMENDED and a.recommended_levels == BOTH
    assert is_for(a, "national") and is_for(a, "provincial")
    results = {r["code"]: r for r in a.eligibility}
    assert results["national_needs_provincial"]["ok"] is True
    pending = results["joint_round.provincial_pending"]
    assert pending["ok"] is True and "pending the provincial decision of this round" in pending["message"]
    assert (pending["source"], pending["cite"].split(" ")[:2]) == ("jiangxi", [kit.SEED_JIANGXI, "一"])

    _grade(a, "jiangxi")
    rec = recommend.recommendation_for(2024, "province", create=True)
    recommend.set_consulted("province", rec, CONSULTED)
    at = kit.beijing(dt.date(2024, 7, 10))
    # not (yet) on this round's provincial list: refused with the reason and its source
    with pytest.raises(Refused, match="not on the provincial list decided in this joint round") as info:
        recommend.add("province", rec, a, at=at)
    assert "; 工业和信息化部)" in str(info.value)  # the rule's source, by name
    # the joint round's document as people cite it (003's 文号 and article), never its seed file's name
    assert "赣工信办节能函〔2024〕20号）一" in str(info.value) and kit.SEED_JIANGXI not in str(info.value)
    # the gate as the recommendation page shows it, in English too
    message = next(g["message"] for g in recommend.gates(a, 2024, CONSULTED, dt.date(2024, 7, 10))
                   if g["code"] == "national_needs_provincial")
    with current_app.test_request_context("/", headers={"Accept-Language": "en"}):
        from flask import render_template_string
        shown = render_template_string("{{ m|in_language }}", m=message)
    assert shown.startswith("not on the provincial list decided in this joint round (《")
    assert "20号）一" in shown and ".txt" not in shown

    _list_provincially(a, 2024)
    assert a in recommend.candidates(2024)  # LISTED in the same round is a candidate
    item = recommend.add("province", rec, a, at=at)
    gates = {g["code"]: g for g in item.gates}
    assert gates["national_needs_provincial"]["ok"] is True
    # the same-round listing is not an earlier listing: no "apply again" warning (003 一)
    assert gates["jiangxi.provincial_reapply_for_national"]["ok"] is True
    document = recommend.export("province", rec, at=at)
    listing = document["items"][0]["provincial_list"]
    assert listing["same_round"] is True and listing["year"] == 2024
    assert document["items"][0]["requested_levels"] == BOTH
    sheet = openpyxl.load_workbook(io.BytesIO(recommend.xlsx(document))).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert any("赣工信节能字〔2024〕测试号" in c and "本轮" in c for c in cells)


def test_jiangxi_city_recommends_only_the_provincial_level(jiangxi):
    """A city may recommend a joint application at one of its levels: not a national candidate then."""
    a = _submitted("jiangxi", 2024, BOTH)
    with pytest.raises(InvalidInput, match="levels applied for"):
        services.recommend(a, "city", consulted_departments=CONSULTED, acknowledge_warnings=True,
                           at=kit.beijing(dt.date(2024, 5, 20)), levels=["city"])
    services.recommend(a, "city", consulted_departments=CONSULTED, acknowledge_warnings=True,
                       at=kit.beijing(dt.date(2024, 5, 20)), levels=["provincial"])
    assert a.recommended_levels == ["provincial"]
    assert is_for(a, "provincial") and not is_for(a, "national")
    _grade(a, "jiangxi")
    assert a not in recommend.candidates(2024)
    rec = recommend.recommendation_for(2024, "province", create=True)
    recommend.set_consulted("province", rec, CONSULTED)
    with pytest.raises(Refused, match="recommended this unit only for: Provincial level"):
        recommend.add("province", rec, a, at=kit.beijing(dt.date(2024, 7, 10)))


def test_hubei_2025_national_round_is_joint(make_app):
    """002 三(五): the same application is not refused at the city for lacking a provincial listing."""
    app = make_app("hubei")
    with app.app_context():
        a = _submitted("hubei", 2025, BOTH)
        results = eligibility.evaluate(a, dt.date(2025, 10, 1), {"consulted_departments": CONSULTED})
        by_code = {r["code"]: r for r in results}
        assert by_code["national_needs_provincial"]["ok"] is True
        assert by_code["joint_round.provincial_pending"]["source"] == "hubei"
        assert by_code["joint_round.provincial_pending"]["cite"].startswith(f"{kit.SEED_HUBEI} 三(五)")
        assert "national_needs_provincial" not in {r["code"] for r in eligibility.recommend_blockers(results)}
        # the same application asking for national only: still refused (no joint application)
        a.requested_levels = ["national"]
        results = eligibility.evaluate(a, dt.date(2025, 10, 1), {"consulted_departments": CONSULTED})
        assert "national_needs_provincial" in {r["code"] for r in eligibility.recommend_blockers(results)}


def test_non_joint_round_refuses_national_without_provincial_listing(make_app):
    """Hunan 2025 national round (001 一.1; 办法 第十一条): no joint round; a new factory is refused at the city
    and at the province's gate; asking for 省级 as well is refused."""
    app = make_app("hunan", GREENMFG_REVIEW_MIN_EXPERTS=1)
    with app.app_context():
        rules = app.extensions["greenmfg"].rules
        assert rules.joint_round("national", 2025, "factory").levels == ("national",)
        a = _submitted("hunan", 2025, ["national"])
        with pytest.raises(Refused, match="a new national applicant must already be on the provincial list"):
            services.recommend(a, "city", consulted_departments=CONSULTED, acknowledge_warnings=True,
                               at=kit.beijing(dt.date(2025, 10, 1)))
        draft = kit.application(a.campaign, kit.unit("hunan"), status=S.DRAFT, mode="self")
        with pytest.raises(InvalidInput, match="申报层级须为以下之一：国家级。 / Requested levels must be among: National level"):
            services.save_draft(draft, {"requested_levels": BOTH}, "applicant", at=kit.beijing(dt.date(2025, 10, 1)))
        graded = kit.application(a.campaign, kit.unit("hunan"), mode="self")  # city-recommended
        _grade(graded, "hunan")
        rec = recommend.recommendation_for(2025, "province", create=True)
        recommend.set_consulted("province", rec, CONSULTED)
        with pytest.raises(Refused, match="on the provincial list; Ministry of Industry and Information Technology"):
            recommend.add("province", rec, graded, acknowledge_warnings=True, at=kit.beijing(dt.date(2025, 10, 20)))


def test_form_and_api_offer_several_levels_in_a_joint_round(make_app):
    """003 附件 (可同时填报): Jiangxi 2024's form and API take both levels, and the city ticks the levels it
    recommends (a level not applied for is refused)."""
    app = make_app("jiangxi", WTF_CSRF_ENABLED=False)
    world = build_world(app, units=("nanchang",))
    campaign_id = open_campaign(app, level="national", year=2024, unit_types=("factory",))
    api = world.api("applicant_nanchang")
    app_id = api.post("/api/v1/applications", json={"campaign_id": campaign_id, "unit_type": "factory"}).get_json()["id"]
    r = api.patch(f"/api/v1/applications/{app_id}", json={"requested_levels": BOTH})
    assert r.status_code == 200 and sorted(r.get_json()["requested_levels"]) == BOTH
    assert 'name="requested_levels"' in world.client("applicant_nanchang").get(
        f"/applications/{app_id}/edit").get_data(as_text=True)
    with app.app_context():
        a = db.session.get(Application, app_id)
        a.status = S.SUBMITTED
        a.declarations = {i.code: True for i in app.extensions["greenmfg"].rules.negative_list_for("factory",
                                                                                                   "national")}
        # the tests run after 2024: the round's dates lie ahead as if the province had moved them
        later = (dt.date.today() + dt.timedelta(days=30)).isoformat()
        a.campaign.deadlines = {code: later for code in (a.campaign.deadlines or {})}
        kit.self_report(a)  # 003 一: the city recommends with the unit's evaluation report
        db.session.commit()
    city = world.client("city_nanchang")
    page = city.get(f"/applications/{app_id}").get_data(as_text=True)
    assert page.count('name="levels"') == 2
    r = world.api("city_nanchang").post(f"/api/v1/applications/{app_id}/recommend",
                                        json={"acknowledge_warnings": True, "consulted_departments": CONSULTED,
                                              "levels": ["city"]})
    assert r.status_code == 422 and "levels applied for" in r.get_data(as_text=True)
    r = city.post(f"/applications/{app_id}/recommend", data={"consulted_departments": CONSULTED,
                                                             "levels": ["provincial"], "acknowledge_warnings": "y",
                                                             "confirm": "y"})
    assert r.status_code in (200, 302)
    with app.app_context():
        assert db.session.get(Application, app_id).recommended_levels == ["provincial"]


def test_form_and_api_refuse_several_levels_outside_a_joint_round(make_app):
    """Hunan 2025's national round (001 一.1; 办法 第十一条) is not joint: no level choice, and the API refuses."""
    hunan = make_app("hunan", WTF_CSRF_ENABLED=False)
    world = build_world(hunan, units=("changsha",))
    campaign_id = open_campaign(hunan, level="national", year=2025, unit_types=("factory",))
    api = world.api("applicant_changsha")
    app_id = api.post("/api/v1/applications", json={"campaign_id": campaign_id, "unit_type": "factory"}).get_json()["id"]
    r = api.patch(f"/api/v1/applications/{app_id}", json={"requested_levels": BOTH})
    assert r.status_code == 422 and r.get_json()["errors"][0]["message_en"] == "Requested levels must be among: National level."
    assert 'name="requested_levels"' not in world.client("applicant_changsha").get(
        f"/applications/{app_id}/edit").get_data(as_text=True)


def test_the_facade_refuses_a_joint_round_without_the_rounds_own_level():
    """The contract: a JointRound holds the round's own level; "provincial satisfies national" needs both."""
    from core.plugins import PolicyViolation, hookimpl
    from core.plugins.manager import build_plugin_manager
    from core.plugins.rules import RegionRules
    from core.plugins.types import JointRound, Level, Region

    def region_answering(answer):
        class Testland:
            @hookimpl
            def gm_region(self):
                return Region(code="testland", name="测试省", name_en="Testland", cite="测试")

            @hookimpl
            def gm_policy_joint_round(self, level):
                return answer if level == Level.NATIONAL else None
        return RegionRules(build_plugin_manager("national", [("testland", Testland())]))

    with pytest.raises(PolicyViolation, match="round's own level national"):
        region_answering(JointRound(levels=(Level.PROVINCIAL,), cite="测试")).validate(2025)
    with pytest.raises(PolicyViolation, match="needs both national and provincial"):
        region_answering(JointRound(levels=(Level.NATIONAL, Level.CITY), provincial_satisfies_national=True,
                                    cite="测试")).validate(2025)
    rules = region_answering(JointRound(levels=(Level.NATIONAL, Level.PROVINCIAL), cite="测试"))
    rules.validate(2025)
    assert rules.joint_round(Level.NATIONAL, 2025, "factory").source == "testland"
    assert ("joint_round", "factory/national/2025") in {(k, key) for k, key, _ in rules.effective_rules(2025)}
