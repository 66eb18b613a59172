"""The review pages and JSON API: who may do what (403/404), CSRF on every form, the evaluator
registry and requests, the expert's blind scoring, and the same refusals as the services.

Numbers: Shanxi cap of 10 provincial projects per legal representative (004_7a8ddd82f611ab67.txt
第二十四条); MIIT factory indicator #4 weighs 6 (001_3f04a56fc6693327.txt 附件1).
"""
from __future__ import annotations

import re

import pytest

import kit
from core.accounts import services as accounts
from core.extensions import db
from core.models import ApplicationStatus as S, EvaluatorEngagement, EvaluatorFirm, ExpertAssignment, Role
from core.review import experts

PASSWORD = "评审测试口令-2025-绿色工厂"


def _account(role: Role, name: str, **bind):
    user = accounts.create_user(username=name, password=PASSWORD, display_name=name, role=role, actor="test", **bind)
    token, _ = accounts.create_token(user, "t")
    return user, token


def _login(client, username: str):
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": _token(client, "/login")})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def _token(client, url: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


@pytest.fixture
def world(make_app):
    app = make_app("shanxi", WTF_CSRF_ENABLED=True, GREENMFG_REVIEW_MIN_EXPERTS=2)
    with app.app_context():
        home, other = kit.unit("shanxi", name="太原市"), kit.unit("shanxi", name="大同市")
        c = kit.campaign("shanxi")
        a = kit.application(c, home)
        firm = kit.firm("王磊")
        w = {"app": app, "a": a.id, "firm": firm.id, "home": home.id, "other": other.id}
        for role, name, bind in ((Role.PROVINCE, "prov", {}), (Role.APPLICANT, "ent", {"organization_id": a.organization_id}),
                                 (Role.EVALUATOR, "firmuser", {"evaluator_firm_id": firm.id})):
            w[name] = _account(role, name, **bind)[1]
        for name in ("exp1", "exp2"):
            profile = experts.add_expert("test", username=name, password=PASSWORD, name=f"专家{name}",
                                         admin_unit_code=other.code, fields=["factory"])
            w[name] = accounts.create_token(profile.user, "t")[0]
            w[f"{name}_id"] = profile.id
        db.session.commit()
    yield w  # outside the app context: each request gets its own (g, current_user, CSRF token)


def _api(client, token):
    class Api:
        def __getattr__(self, method):
            def call(url, **kw):
                from helpers import with_tag

                kw.setdefault("headers", {})["Authorization"] = f"Bearer {token}"
                return with_tag(client, method, url, **kw)  # a change sends the tag it read (issue 48)
            return call
    return Api()


def test_pages_are_scoped_by_role(world):
    client = world["app"].test_client()
    assert client.get("/review").status_code == 302  # log in first
    _login(client, "ent")
    assert client.get("/review").status_code == 403
    assert client.get("/review/evaluators").status_code == 403
    assert client.get(f"/applications/{world['a']}/evaluation").status_code == 200
    assert client.get(f"/applications/{world['a']}/evaluator").status_code == 301  # the earlier address
    client = world["app"].test_client()
    _login(client, "exp1")
    assert client.get("/review").status_code == 403 and client.get("/expert").status_code == 200
    client = world["app"].test_client()
    _login(client, "prov")
    page = client.get(f"/review/applications/{world['a']}?lang=zh").get_data(as_text=True)
    assert "专家exp1" in page and "无需回避" in page
    assert client.get("/review/applications/999999").status_code == 404


def test_province_registers_a_firm_and_assigns_experts_through_forms(world):
    client = world["app"].test_client()
    _login(client, "prov")
    token = _token(client, "/review/evaluators")
    assert client.post("/review/evaluators", data={"uscc": kit.uscc(), "name": "无令牌机构"}).status_code == 400
    response = client.post("/review/evaluators?lang=zh", data={
        "csrf_token": token, "uscc": kit.uscc(), "name": "山西绿评咨询有限公司", "legal_representative": "赵刚",
        "full_time_midlevel_staff": "12", "senior_staff": "6", "fixed_office": "y"}, follow_redirects=True)
    assert response.status_code == 200 and "山西绿评咨询有限公司" in response.get_data(as_text=True)
    with world["app"].app_context():
        firm = db.session.query(EvaluatorFirm).filter_by(name="山西绿评咨询有限公司").one()
        assert firm.qualifications["senior_staff"] == 6 and firm.qualifications["fixed_office"] is True
    token = _token(client, f"/review/applications/{world['a']}")
    page = client.post(f"/review/applications/{world['a']}/assign?lang=zh",
                       data={"csrf_token": token, "expert_id": world["exp1_id"]}, follow_redirects=True)
    assert "专家已指派" in page.get_data(as_text=True)
    with world["app"].app_context():
        assert db.session.query(ExpertAssignment).count() == 1


def test_applicant_requests_and_the_firm_accepts_within_the_cap(world):
    ent, firm = world["app"].test_client(), world["app"].test_client()
    with world["app"].app_context():
        uscc = db.session.get(EvaluatorFirm, world["firm"]).uscc
    # naming the firm itself as author of the self-evaluation: refused at once, in Chinese
    response = _api(ent, world["ent"]).post(f"/api/v1/applications/{world['a']}/evaluation-requests",
                                            json={"firm_id": world["firm"], "self_evaluation_by": uscc})
    assert response.status_code == 409 and "自评价" in response.get_json()["errors"][0]["message_zh"]
    response = _api(ent, world["ent"]).post(f"/api/v1/applications/{world['a']}/evaluation-requests",
                                            json={"firm_id": world["firm"], "self_evaluation_by": kit.uscc()})
    assert response.status_code == 201
    request_id = response.get_json()["id"]
    declared = {"wrote_self_evaluation": False, "interested_party": False}
    assert _api(firm, world["ent"]).post(f"/api/v1/evaluation-requests/{request_id}/accept",
                                         json=declared).status_code == 403
    listing = _api(firm, world["firmuser"]).get("/api/v1/evaluation-requests").get_json()["items"]
    assert [r["id"] for r in listing] == [request_id]
    # the declaration of independence is explicit: without it nothing is accepted
    silent = _api(firm, world["firmuser"]).post(f"/api/v1/evaluation-requests/{request_id}/accept", json={})
    assert silent.status_code == 422
    body = _api(firm, world["firmuser"]).post(f"/api/v1/evaluation-requests/{request_id}/accept",
                                              json=declared).get_json()
    assert body["status"] == "accepted" and body["cap_key"] == "cap:legal_representative:王磊:provincial:2025"
    with world["app"].app_context():
        assert db.session.query(EvaluatorEngagement).count() == 1
    registry = _api(firm, world["prov"]).get(f"/api/v1/evaluators/{world['firm']}?year=2025").get_json()
    provincial = next(c for c in registry["caps"] if c["levels"] == ["provincial"])
    assert (provincial["used"], provincial["limit"], provincial["basis"]) == (1, 10, "legal_representative")
    assert "第二十四条 (晋工信节能规字〔2024〕3号:" in provincial["rule"] and ".txt" not in provincial["rule"]


def test_expert_scoring_is_blind_until_submitted_over_the_web_and_api(world):
    with world["app"].app_context():
        from core.models import Application

        a = db.session.get(Application, world["a"])
        for key in ("exp1_id", "exp2_id"):
            experts.assign("prov", a, experts.expert_or_404(world[key]))
        db.session.commit()
        first, second = (db.session.query(ExpertAssignment).filter_by(expert_id=world[k]).one().id
                         for k in ("exp1_id", "exp2_id"))
    one = world["app"].test_client()
    _login(one, "exp1")
    page = one.get(f"/expert/assignments/{first}?lang=zh").get_data(as_text=True)
    assert 'name="score_4"' in page and 'data-self="6.0"' in page
    token = _token(one, f"/expert/assignments/{first}")
    form = {f"score_{k}": str(v) for k, v in kit.scores_for(82).items()}
    saved = one.post(f"/expert/assignments/{first}?lang=zh", data={"csrf_token": token, **form, "comment": "资料齐全"},
                     follow_redirects=True).get_data(as_text=True)
    assert "评分已保存" in saved
    too_high = one.post(f"/expert/assignments/{first}?lang=zh", data={"csrf_token": token, "score_4": "6.5"})
    assert too_high.status_code == 422 and "0至6" in too_high.get_data(as_text=True)
    one.post(f"/expert/assignments/{first}/submit", data={"csrf_token": token})
    # expert 2 does not see expert 1's scores before submitting
    api2 = _api(world["app"].test_client(), world["exp2"])
    body = api2.get(f"/api/v1/assignments/{second}").get_json()
    assert body["others"] == [] and len(body["table"][0]["cells"]) == 1
    assert api2.get(f"/api/v1/assignments/{first}").status_code == 404
    assert api2.patch(f"/api/v1/assignments/{second}", json={"scores": {"4": 7}}).status_code == 422
    assert api2.patch(f"/api/v1/assignments/{second}", json={"scores": kit.scores_for(78)}).status_code == 200
    assert api2.post(f"/api/v1/assignments/{second}/submit").status_code == 200
    body = api2.get(f"/api/v1/assignments/{second}").get_json()
    assert body["others"] == [] and body["panel_closed"] is False  # blind until the panel closes
    assert body["case_file"]["organization"]["uscc"] and len(body["case_file"]["indicators"]) == 14
    # the province records the panel result: (82 + 78) / 2 = 80 → B
    result = _api(world["app"].test_client(), world["prov"]).post(f"/api/v1/review/applications/{world['a']}/grade")
    assert result.status_code == 200 and result.get_json()["tier"] == "B" and result.get_json()["score"] == 80.0
    body = api2.get(f"/api/v1/assignments/{second}").get_json()
    assert [o["total"] for o in body["others"]] == [82.0] and body["panel_closed"] is True
    with world["app"].app_context():
        from core.models import Application

        assert db.session.get(Application, world["a"]).status == S.GRADED


def test_api_permissions_and_content_type(world):
    client = world["app"].test_client()
    assert client.get("/api/v1/evaluators").status_code == 401
    assert _api(client, world["ent"]).get("/api/v1/evaluators").status_code == 403
    assert _api(client, world["prov"]).get("/api/v1/evaluators").status_code == 200
    created = _api(client, world["prov"]).post("/api/v1/evaluators", json={
        "uscc": kit.uscc(), "name": "接口评价机构", "legal_representative": "钱多", "qualifications": {"senior_staff": 5}})
    assert created.status_code == 201
    bad = _api(client, world["prov"]).post("/api/v1/evaluators", json={
        "uscc": kit.uscc(), "name": "接口评价机构二", "legal_representative": "钱多",
        "qualifications": {"senior_staff": "five"}})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "qualifications.senior_staff"
    # the import endpoint belongs to the ministry and takes JSON only
    assert _api(client, world["prov"]).post("/api/v1/recommendation-imports", data="x").status_code == 403
    draw = _api(client, world["prov"]).post(f"/api/v1/review/applications/{world['a']}/draw",
                                            json={"count": 3, "field": "factory"})
    assert draw.status_code == 409 and "Only 2" in draw.get_json()["errors"][0]["message_en"]


def test_submitting_without_saving_keeps_and_submits_the_typed_scores(world):
    """Issue 42: an expert who typed all 14 scores (seed 001 附件1, the factory table) and clicked 提交评分 without
    保存 lost them all (the submit button was a form of its own and sent nothing typed). The button now sends
    the typed scores: they are saved and submitted; a refused submission (one score missing) keeps what was
    typed, saved, and names what is missing."""
    with world["app"].app_context():
        from core.models import Application

        a = db.session.get(Application, world["a"])
        for key in ("exp1_id", "exp2_id"):
            experts.assign("prov", a, experts.expert_or_404(world[key]))
        db.session.commit()
        first, second = (db.session.query(ExpertAssignment).filter_by(expert_id=world[k]).one().id
                         for k in ("exp1_id", "exp2_id"))
    typed = {f"score_{k}": str(v) for k, v in kit.scores_for(82).items()}
    assert len(typed) == 14
    one = world["app"].test_client()
    _login(one, "exp1")
    page = one.get(f"/expert/assignments/{first}?lang=zh").get_data(as_text=True)
    # the submit button belongs to the form holding the scores
    form_html = page[page.index('id="score-form"'):]
    assert form_html.index('id="submit-scores"') < form_html.index("</form>")
    token = _token(one, f"/expert/assignments/{first}")
    done = one.post(f"/expert/assignments/{first}?lang=zh", data={"csrf_token": token, **typed, "then": "submit"},
                    follow_redirects=True)
    assert done.status_code == 200 and "评分已提交" in done.get_data(as_text=True)
    with world["app"].app_context():
        row = db.session.get(ExpertAssignment, first)
        assert row.status == "submitted" and float(row.total) == 82.0 and len(row.scores) == 14
    two = world["app"].test_client()
    _login(two, "exp2")
    token = _token(two, f"/expert/assignments/{second}")
    partial = {k: v for k, v in typed.items() if k != "score_14"}
    refused = two.post(f"/expert/assignments/{second}?lang=zh", data={"csrf_token": token, **partial, "then": "submit"})
    assert refused.status_code == 422 and "14" in refused.get_data(as_text=True)
    with world["app"].app_context():
        row = db.session.get(ExpertAssignment, second)
        assert row.status == "assigned" and len(row.scores) == 13


def test_an_expert_s_second_tab_does_not_undo_the_first_s_scores(world):
    """Issue 48: the score form carries its version; scores saved from an older page save nothing, the page shows
    the saved scores that differ beside what was typed, and nothing typed is lost."""
    with world["app"].app_context():
        from core.models import Application

        a = db.session.get(Application, world["a"])
        experts.assign("prov", a, experts.expert_or_404(world["exp1_id"]))
        db.session.commit()
        mine = db.session.query(ExpertAssignment).filter_by(expert_id=world["exp1_id"]).one().id
    one = world["app"].test_client()
    _login(one, "exp1")
    url = f"/expert/assignments/{mine}?lang=zh"
    page = one.get(url).get_data(as_text=True)
    opened = re.search(r'<input type="hidden" name="etag" value="([0-9a-f]+)">', page).group(1)
    token = _token(one, url)
    assert one.post(url, data={"csrf_token": token, "score_4": "5", "etag": opened}).status_code == 302
    r = one.post(url, data={"csrf_token": token, "score_4": "3.5", "etag": opened})
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert "其他人" in html and 'value="3.5"' in html and "5" in html[html.index('id="conflicts"'):]
    with world["app"].app_context():
        assert db.session.get(ExpertAssignment, mine).scores["4"] == 5
    fresh = re.search(r'<input type="hidden" name="etag" value="([0-9a-f]+)">', html).group(1)
    assert one.post(url, data={"csrf_token": token, "score_4": "3.5", "etag": fresh}).status_code == 302
    with world["app"].app_context():
        assert db.session.get(ExpertAssignment, mine).scores["4"] == 3.5
