"""Pages users rely on: a navigation that fits the role, Chinese by default and English on request,
local assets only, the API reference without a CDN, and the city-level rules of the seeds:
Jiangxi's consultation before recommending (seed 003 三（一）), targets that warn instead of refusing
(seed 002 附件3 预期目标), and a withdrawn recommendation giving its quota place back.
"""
from __future__ import annotations

import re

import pytest
from app_world import QUOTA_PLUGIN, build_world, make_uscc, open_campaign
from sqlalchemy import select

#: each role's header links; "/account" is one's own account (password, second factor, sessions, tokens)
NAV = {
    "applicant_changsha": ["/applications", "/account"],
    "city_changsha": ["/city", "/city/recommended", "/city/lists", "/account"],
    "province": ["/province/campaigns", "/province/applications", "/account"],
    "expert": ["/account"],
}


@pytest.fixture
def world(make_app, tmp_path):
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))
    world = build_world(app)
    world.campaign_id = open_campaign(app, level="city")
    return world


def _submitted(world, city: str, unit_type: str = "factory", extra: dict | None = None, report: bool = False) -> int:
    api = world.api(f"applicant_{city}")
    rules = world.app.extensions["greenmfg"].rules
    with world.app.app_context():
        from core.extensions import db
        from core.models import Campaign

        level = db.session.get(Campaign, world.campaign_id).level
    r = api.post("/api/v1/applications", json={"campaign_id": world.campaign_id, "unit_type": unit_type})
    assert r.status_code == 201, r.get_json()
    app_id = r.get_json()["id"]
    body = {"contact_name": "张伟", "contact_phone": "13800000000",
            "declarations": {i.code: True for i in rules.negative_list_for(unit_type, level)}, **(extra or {})}
    r = api.patch(f"/api/v1/applications/{app_id}", json=body)
    assert r.status_code == 200, r.get_json()
    if report:
        _self_report(world, city, app_id)
    r = api.post(f"/api/v1/applications/{app_id}/submit")
    assert r.status_code == 200, r.get_json()
    return app_id


def _self_report(world, city: str, app_id: int) -> None:
    """The applicant's self-evaluation report (PDF), uploaded with its application."""
    import io

    from pypdf import PdfWriter

    from core.applications.evidence import SELF_REPORT_SECTION

    writer, buf = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buf)
    r = world.api(f"applicant_{city}").post(f"/api/v1/applications/{app_id}/evidence",
                                            content_type="multipart/form-data",
                                            data={"section": SELF_REPORT_SECTION, "file": (io.BytesIO(buf.getvalue()),
                                                                                           "自评价报告.pdf")})
    assert r.status_code == 201, r.get_json()


def test_each_role_sees_its_navigation_in_chinese_with_local_assets(world):
    for role, links in NAV.items():
        client = world.client(role)
        for url in links:
            r = client.get(url)
            html = r.get_data(as_text=True)
            assert r.status_code == 200, (role, url)
            assert 'lang="zh-CN"' in html and not re.search(r'(src|href)="(https?:)?//', html), (role, url)
        home = client.get("/").get_data(as_text=True)
        for url in links:
            assert f'href="{url}"' in home, (role, url)
        assert "退出" in home
    anonymous = world.client().get("/").get_data(as_text=True)
    assert 'href="/login"' in anonymous and 'href="/register"' in anonymous and "/city" not in anonymous


def test_navigation_follows_the_role_and_the_language_of_each_request(world):
    """The header is kept per role and language: switching language or user never shows another's links."""
    city = world.client("city_changsha")
    zh = city.get("/city").get_data(as_text=True)
    assert '<a href="/city">市州审核</a>' in zh and 'href="/province/campaigns"' not in zh
    en = city.get("/city?lang=en").get_data(as_text=True)
    assert '<a href="/city">City review</a>' in en and "市州审核</a>" not in en
    assert '<a href="/city">市州审核</a>' in city.get("/city?lang=zh").get_data(as_text=True)
    province = world.client("province").get("/").get_data(as_text=True)
    assert 'href="/province/campaigns"' in province and 'href="/review"' in province
    assert 'href="/province/notices"' in province and '<a href="/city">' not in province
    expert = world.client("expert").get("/").get_data(as_text=True)
    assert 'href="/expert"' in expert and 'href="/review"' not in expert and 'href="/login"' not in expert
    visitor = world.client().get("/?lang=en").get_data(as_text=True)
    assert '<a href="/login">Log in</a>' in visitor and 'href="/notices"' in visitor and "logout" not in visitor


def test_log_out_is_one_confirmed_post_away(world):
    """Pages link to the log-out page; its button posts with the CSRF token and ends the session."""
    client = world.client("city_changsha")
    assert 'href="/logout" id="logout-link"' in client.get("/city").get_data(as_text=True)
    page = client.get("/logout").get_data(as_text=True)
    assert 'id="logout-form"' in page and 'method="post"' in page
    assert client.post("/logout").status_code == 302
    assert client.get("/city").status_code == 302  # back to the log-in page


def test_english_is_switchable_and_sticks(world):
    client = world.client("city_changsha")
    html = client.get("/city?lang=en").get_data(as_text=True)
    assert 'lang="en"' in html and "City review" in html and "Unified social credit code" in html
    assert 'lang="en"' in client.get("/city/recommended").get_data(as_text=True)
    assert "市州审核" in client.get("/city?lang=zh").get_data(as_text=True)


def test_api_reference_is_served_by_the_app(world):
    html = world.client().get("/api/docs").get_data(as_text=True)
    assert "/api/v1/applications/{app_id}/recommend" in html and "ApplicationUpdateHunan" in html
    assert "ApplicationExtensionHunan" in html and not re.search(r'(src|href)="(https?:)?//', html)
    spec = world.client().get("/api/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    props = spec["components"]["schemas"]["ApplicationExtensionHunan"]["properties"]
    assert "创建工作方案" in props["hunan.work_plan"]["description"]


@pytest.mark.parametrize("region", ["jiangxi"])
def test_jiangxi_city_must_consult_departments_before_recommending(make_app, tmp_path, region):
    """seed 003 三（一）: 积极征求当地生态环境、应急管理、市场监管等主管部门意见."""
    app = make_app(region, WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))
    world = build_world(app, units=("nanchang", "jiujiang"))
    world.campaign_id = open_campaign(app, level="provincial")
    # 003 一: a unit that evaluates itself sends its evaluation report (PDF) with its application
    app_id = _submitted(world, "nanchang", extra={"extension": {"jiangxi.county": "青山湖区"}}, report=True)  # 附件 区县
    city = world.api("city_nanchang")
    r = city.post(f"/api/v1/applications/{app_id}/recommend", json={"acknowledge_warnings": True})
    assert r.status_code == 409
    error = r.get_json()["errors"][0]
    assert "生态环境" in error["message_zh"] and "江西省" in error["message_zh"]  # the rule's source by its name
    assert "ecology and environment" in error["message_en"] and "Jiangxi" in error["message_en"]
    assert "jiangxi" not in error["message_en"] and "ecology_environment" not in error["message_en"]  # no codes
    r = city.post(f"/api/v1/applications/{app_id}/recommend", json={
        "consulted_departments": ["ecology_environment", "emergency_management", "market_regulation"],
        "acknowledge_warnings": True})
    assert r.status_code == 200, r.get_json()
    results = {x["code"]: x for x in r.get_json()["application"]["eligibility"]}
    assert results["jiangxi.city_consultation"]["ok"] is True


def test_a_target_warns_but_does_not_refuse(make_app, tmp_path):
    """Quota.binding False (e.g. Hubei 附件3 预期目标): going past it is counted and shown, never refused."""
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_EXTRA_PLUGINS=["target_test=target_plugin"])
    world = build_world(app)
    world.campaign_id = open_campaign(app, level="city")
    first = _submitted(world, "changsha")
    city = world.api("city_changsha")
    assert city.post(f"/api/v1/applications/{first}/recommend", json={"acknowledge_warnings": True}).status_code == 200
    with app.app_context():
        from core.accounts import services as accounts
        from core.applications import services
        from core.extensions import db
        from core.models import Campaign, Organization, Role

        org = Organization(uscc=make_uscc(), name="第二家工厂有限公司", admin_unit_id=world.units["changsha"])
        db.session.add(org)
        db.session.flush()
        user = accounts.create_user(username="second_factory", password="第二家工厂的测试口令-2025", display_name="x",
                                    role=Role.APPLICANT, actor="t", organization_id=org.id)
        a = services.start_application(user, db.session.get(Campaign, world.campaign_id), "factory")
        rules = app.extensions["greenmfg"].rules
        services.save_draft(a, {"contact_name": "李", "contact_phone": "13900000000", "declarations": {
            i.code: True for i in rules.negative_list_for("factory", "city")}}, "second_factory")
        services.submit(a, "second_factory")
        db.session.commit()
        third = a.id
    r = city.post(f"/api/v1/applications/{third}/recommend", json={"acknowledge_warnings": True})
    assert r.status_code == 200 and r.get_json()["over_target"] is True
    assert r.get_json()["quota"] == {"limit": 1, "used": 2, "binding": False, "source": "target_test",
                                     "cite": "test fixture: target"}
    web = world.client("city_changsha")
    html = web.get(f"/city/recommended?campaign={world.campaign_id}").get_data(as_text=True)
    assert "2 / 1" in html and "预期目标" in html


def test_withdrawing_a_recommendation_frees_the_quota_place(make_app, tmp_path):
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_EXTRA_PLUGINS=[QUOTA_PLUGIN])
    world = build_world(app)
    world.campaign_id = open_campaign(app, level="city")
    app_id = _submitted(world, "changsha")
    city = world.api("city_changsha")
    assert city.post(f"/api/v1/applications/{app_id}/recommend", json={"acknowledge_warnings": True}
                     ).get_json()["quota"]["used"] == 1
    r = city.post(f"/api/v1/applications/{app_id}/withdraw", json={"reason": "排序调整"})
    assert r.status_code == 200 and r.get_json()["status"] == "submitted"
    r = city.get(f"/api/v1/quotas?campaign_id={world.campaign_id}")
    assert {q["unit_type"]: q["used"] for q in r.get_json()["items"]}["factory"] == 0
    with app.app_context():
        from core.extensions import db
        from core.models import AuditLog

        entry = db.session.scalars(select(AuditLog).where(
            AuditLog.action == "application.recommendation_withdrawn")).one()
        assert entry.data["reason"] == "排序调整" and entry.actor == "city_changsha"
