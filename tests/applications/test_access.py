"""No role reads or changes another organization's or city's data, through the web UI or the API.

One central mechanism (core.accounts.permissions) scopes every query: rows outside a user's scope
answer 404 (never told apart from rows that do not exist), visible rows the role may not act on
answer 403. Requests that are refused change nothing. ASVS 4.0.3 4.1.1, 4.1.5, 4.2.1.
"""
from __future__ import annotations

import io

import pytest
from app_world import beijing_local, build_world, open_campaign, pdf
from sqlalchemy import func, select

ROLES = ["applicant_changsha", "applicant_zhuzhou", "city_changsha", "city_zhuzhou", "province", "admin", "expert",
         "ministry", "evaluator"]


@pytest.fixture
def world(make_app, tmp_path):
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))
    world = build_world(app)
    campaign_id = open_campaign(app, level="city", unit_types=("factory",))
    world.campaign_id = campaign_id
    world.apps = {}
    world.evidence = {}
    from core.applications import services
    from core.extensions import db
    from core.models import Campaign, User

    with app.app_context():
        for city in ("changsha", "zhuzhou"):
            user = db.session.get(User, world.users[f"applicant_{city}"].id)
            a = services.start_application(user, db.session.get(Campaign, campaign_id), "factory")
            rules = app.extensions["greenmfg"].rules
            services.save_draft(a, {"contact_name": "张伟", "contact_phone": "13800000000", "declarations": {
                i.code: True for i in rules.negative_list_for("factory", "city")}}, user.username)
            row = services.add_evidence(a, "general", "证明.pdf", pdf(1), user.username)
            services.submit(a, user.username)
            db.session.commit()
            world.apps[city], world.evidence[city] = a.id, row.id
    return world


def _state(world):
    from core.extensions import db
    from core.models import Application, AuditLog, Evidence

    with world.app.app_context():
        return (tuple(db.session.execute(select(Application.id, Application.status, Application.version,
                                                Application.contact_name).order_by(Application.id)).all()),
                db.session.scalar(select(func.count(Evidence.id))),
                db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action.like("application.%"))))


def _web_requests(world, target: int, evidence: int):
    until = beijing_local(__import__("datetime").timedelta(days=2))
    return {
        "view": ("get", f"/applications/{target}", None),
        "evidence": ("get", f"/applications/{target}/evidence/{evidence}", None),
        "edit_form": ("get", f"/applications/{target}/edit", None),
        "edit": ("post", f"/applications/{target}/edit", {"contact_name": "篡改"}),
        "submit": ("post", f"/applications/{target}/submit", {}),
        "upload": ("post", f"/applications/{target}/evidence",
                   {"section": "general", "file": (io.BytesIO(pdf(1)), "x.pdf")}),
        "return": ("post", f"/applications/{target}/return", {"reason": "越权退回", "until": until}),
        "reject": ("post", f"/applications/{target}/reject", {"reject-reason": "越权否决"}),
        "recommend": ("post", f"/applications/{target}/recommend", {"acknowledge_warnings": "y"}),
    }


#: who may do what to Changsha's application (others: 404 if out of scope, 403 if in scope)
ALLOWED = {
    "view": {"applicant_changsha", "city_changsha", "province", "admin"},
    "evidence": {"applicant_changsha", "city_changsha", "province", "admin"},
    "edit_form": {"applicant_changsha"}, "edit": {"applicant_changsha"}, "submit": {"applicant_changsha"},
    "upload": {"applicant_changsha"},
    "return": {"city_changsha"}, "reject": {"city_changsha"}, "recommend": {"city_changsha"},
}
IN_SCOPE = {"applicant_changsha", "city_changsha", "province", "admin"}
#: roles whose role carries the permission an action needs (others are refused before any lookup: 403)
_VIEWERS = {"applicant_changsha", "applicant_zhuzhou", "city_changsha", "city_zhuzhou", "province", "admin",
            "evaluator"}
_EDITORS = {"applicant_changsha", "applicant_zhuzhou"}
_REVIEWERS = {"city_changsha", "city_zhuzhou"}
PERMITTED = {"view": _VIEWERS, "evidence": _VIEWERS, "eligibility": _VIEWERS, "evidence_list": _VIEWERS,
             "edit_form": _EDITORS, "edit": _EDITORS, "submit": _EDITORS, "upload": _EDITORS,
             "delete_evidence": _EDITORS, "return": _REVIEWERS, "reject": _REVIEWERS, "recommend": _REVIEWERS}


def expected_refusal(role: str, action: str) -> int:
    """404 for a role that may act but not on this row (out of scope), else 403."""
    return 404 if role in PERMITTED[action] and role not in IN_SCOPE else 403


def test_web_role_matrix_on_another_citys_application(world):
    target, evidence = world.apps["changsha"], world.evidence["changsha"]
    problems = []
    for role in ROLES:
        client = world.client(role)
        for name, (method, url, data) in _web_requests(world, target, evidence).items():
            if name in ALLOWED and role in ALLOWED[name]:
                continue  # allowed actions are exercised by the walk; here only refusals
            before = _state(world)
            kwargs = {"data": data, "content_type": "multipart/form-data"} if data is not None else {}
            r = getattr(client, method)(url, **kwargs)
            expected = expected_refusal(role, name)
            if r.status_code != expected:
                problems.append(f"{role} {name}: {r.status_code}, expected {expected}")
            if _state(world) != before:
                problems.append(f"{role} {name}: state changed")
            if "篡改" in r.get_data(as_text=True) or r.mimetype == "application/pdf":
                problems.append(f"{role} {name}: leaked data")
    assert problems == []


def test_anonymous_web_is_sent_to_login_and_api_gets_401(world):
    target = world.apps["changsha"]
    client = world.client()
    for url in (f"/applications/{target}", "/applications", "/city", "/city/recommended", "/province/campaigns",
                f"/applications/{target}/evidence/{world.evidence['changsha']}", "/account/tokens"):
        r = client.get(url)
        assert r.status_code == 302 and "/login?next=" in r.headers["Location"], url
    before = _state(world)
    r = client.post(f"/applications/{target}/recommend", data={"acknowledge_warnings": "y", "confirm": "y"})
    assert r.status_code == 302 and _state(world) == before
    api = world.api(None)
    for method, url in (("get", "/api/v1/applications"), ("get", f"/api/v1/applications/{target}"),
                        ("post", f"/api/v1/applications/{target}/recommend"), ("get", "/api/v1/me")):
        r = getattr(api, method)(url, json={})
        assert r.status_code == 401 and r.headers["WWW-Authenticate"] == "Bearer", url
        assert "令牌" in r.get_json()["message_zh"] and "token" in r.get_json()["message_en"]
    # a session cookie does not authenticate the API (it is exempt from CSRF)
    browser = world.client("city_changsha")
    assert browser.get(f"/api/v1/applications/{target}").status_code == 401


def test_api_role_matrix(world):
    target, evidence = world.apps["changsha"], world.evidence["changsha"]
    until = "2099-01-01T00:00:00+08:00"
    calls = {
        "view": ("get", f"/api/v1/applications/{target}", None),
        "eligibility": ("get", f"/api/v1/applications/{target}/eligibility", None),
        "evidence_list": ("get", f"/api/v1/applications/{target}/evidence", None),
        "evidence": ("get", f"/api/v1/applications/{target}/evidence/{evidence}", None),
        "edit": ("patch", f"/api/v1/applications/{target}", {"contact_name": "篡改"}),
        "submit": ("post", f"/api/v1/applications/{target}/submit", {}),
        "delete_evidence": ("delete", f"/api/v1/applications/{target}/evidence/{evidence}", None),
        "return": ("post", f"/api/v1/applications/{target}/return", {"reason": "越权退回", "until": until}),
        "reject": ("post", f"/api/v1/applications/{target}/reject", {"reason": "越权否决"}),
        "recommend": ("post", f"/api/v1/applications/{target}/recommend", {"acknowledge_warnings": True}),
    }
    allowed = {**ALLOWED, "eligibility": ALLOWED["view"], "evidence_list": ALLOWED["view"],
               "delete_evidence": ALLOWED["edit"]}
    problems = []
    for role in ROLES:
        api = world.api(role)
        for name, (method, url, body) in calls.items():
            if role in allowed[name]:
                continue
            before = _state(world)
            r = getattr(api, method)(url, json=body) if body is not None else getattr(api, method)(url)
            expected = expected_refusal(role, name)
            if r.status_code != expected:
                problems.append(f"{role} {name}: {r.status_code}, expected {expected}")
            elif r.get_json()["errors"][0]["code"] not in ("forbidden", "not_found"):
                problems.append(f"{role} {name}: {r.get_json()}")
            if _state(world) != before:
                problems.append(f"{role} {name}: state changed")
    assert problems == []


def test_lists_are_scoped_by_ownership(world):
    seen = {}
    for role in ROLES:
        r = world.api(role).get("/api/v1/applications?status=submitted")
        assert r.status_code in (200, 403), role
        seen[role] = sorted(a["id"] for a in r.get_json()["items"]) if r.status_code == 200 else None
    cs, zz = world.apps["changsha"], world.apps["zhuzhou"]
    assert seen["applicant_changsha"] == [cs] and seen["applicant_zhuzhou"] == [zz]
    assert seen["city_changsha"] == [cs] and seen["city_zhuzhou"] == [zz]
    assert seen["province"] == seen["admin"] == sorted([cs, zz])
    assert seen["evaluator"] == [] and seen["expert"] is None and seen["ministry"] is None
    html = world.client("city_zhuzhou").get("/city?status=all").get_data(as_text=True)
    assert f"/applications/{zz}" in html and f"/applications/{cs}\"" not in html
    # the search box cannot reach another city's applicant either
    r = world.client("city_zhuzhou").get("/city?status=all&q=changsha")
    assert "changsha绿色制造测试有限公司" not in r.get_data(as_text=True)


def test_city_summary_covers_only_its_own_applicants(world):
    from core.extensions import db
    from core.models import Organization

    r = world.api("city_changsha").post(f"/api/v1/applications/{world.apps['changsha']}/recommend",
                                        json={"acknowledge_warnings": True})
    assert r.status_code == 200, r.get_json()
    r = world.client("city_zhuzhou").get(f"/city/summary.xlsx?campaign={world.campaign_id}")
    assert r.status_code == 200
    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(r.data)).worksheets[0]
    assert [row for row in ws.iter_rows(values_only=True) if isinstance(row[0], int)] == []  # no row of Changsha
    # and an import cannot take over an organization of another city (core's layout: 序号, 市州, 申报单位, 统一社会信用代码…)
    with world.app.app_context():
        changsha_uscc = db.session.get(Organization, world.orgs["changsha"]).uscc
    ws.append([1, "长沙", "changsha绿色制造测试有限公司", changsha_uscc, "绿色工厂", "", None, "自评价", "张伟 13800000000"])
    buf = io.BytesIO()
    ws.parent.save(buf)
    before = _state(world)
    r = world.api("city_zhuzhou").post(f"/api/v1/summary?campaign_id={world.campaign_id}",
                                       content_type="multipart/form-data", data={"file": (io.BytesIO(buf.getvalue()),
                                                                                          "s.xlsx")})
    assert r.status_code == 422 and r.get_json()["rows"][0]["action"] == "rejected"
    assert "其他市州" in r.get_json()["rows"][0]["reason"]  # the report is in the user's language (Chinese here)
    assert _state(world) == before


def test_applicant_cannot_start_for_another_city_or_create_staff_actions(world):
    # province actions are province-only
    for role in ("applicant_changsha", "city_changsha", "expert"):
        r = world.api(role).post("/api/v1/campaigns", json={"year": 2025, "level": "city", "unit_types": ["factory"],
                                                            "closes_at": "2099-01-01T00:00:00+08:00"})
        assert r.status_code == 403, role
        r = world.client(role).post("/province/campaigns", data={"year": "2025", "level": "city",
                                                                 "unit_types": ["factory"]})
        assert r.status_code == 403, role
