"""Issue 48: the API looks after accounts to the same extent as the web's Administration pages and by the same rule
(core.accounts.permissions.may_manage): province staff open city bureau and expert accounts, a city bureau the
applicant accounts of its own city and no other; the refusals are the web's, in Chinese and English. Each account
reads and changes its own notification settings (GET/PATCH /api/v1/me/notifications)."""
from __future__ import annotations

import pytest
from helpers import with_tag

import api_kit as kit


@pytest.fixture
def world(make_app):
    from core.accounts import services as accounts
    from core.extensions import db
    from core.models import AdminUnit, Organization, User

    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0, unit_code="hunan.changsha")
    with app.app_context():
        zhuzhou = db.session.query(AdminUnit).filter_by(code="hunan.zhuzhou").one()
        other = Organization(uscc=kit.make_uscc("430200"), name="株洲动力机械有限公司", admin_unit_id=zhuzhou.id)
        db.session.add(other)
        db.session.flush()
        people.zhuzhou_id, people.other_uscc = zhuzhou.id, other.uscc
        people.tokens = {role: accounts.create_token(db.session.get(User, people.user_ids[role]), "accounts")[0]
                         for role in ("admin", "province", "city", "applicant")}
        db.session.commit()
    return app, people


def _as(people, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {people.tokens[role]}"}


def test_province_opens_city_and_expert_accounts_with_a_one_time_password(world):
    app, people = world
    client = app.test_client()
    r = client.post("/api/v1/users", headers=_as(people, "province"), json={
        "username": "zz_city", "display_name": "株洲市工业和信息化局", "role": "city",
        "admin_unit_code": "hunan.zhuzhou"})
    assert r.status_code == 201, r.get_json()
    city = r.get_json()
    assert city["admin_unit_id"] == people.zhuzhou_id and city["must_change_password"] is True
    temporary = city["temporary_password"]
    assert len(temporary) > 20
    r = client.post("/api/v1/tokens", json={"username": "zz_city", "password": temporary})
    assert r.status_code == 403 and "重置" in r.get_json()["message_zh"]  # it must choose its own password first
    r = client.post("/api/v1/users", headers=_as(people, "province"), json={
        "username": "expert_li", "display_name": "李教授", "role": "expert"})
    assert r.status_code == 201 and r.get_json()["role"] == "expert"
    # setting a password is an administrator's; province staff never open a province account
    r = client.post("/api/v1/users", headers=_as(people, "province"), json={
        "username": "zz_pw", "display_name": "x", "role": "city", "admin_unit_id": people.zhuzhou_id,
        "password": "株洲工信局-节能科-2025"})
    assert r.status_code == 403
    r = client.post("/api/v1/users", headers=_as(people, "province"), json={
        "username": "prov2", "display_name": "x", "role": "province"})
    assert r.status_code == 403
    listed = client.get("/api/v1/users?role=city", headers=_as(people, "province")).get_json()["items"]
    assert {u["username"] for u in listed} == {"api_city", "zz_city"}
    everyone = {u["username"] for u in client.get("/api/v1/users", headers=_as(people, "province")).get_json()["items"]}
    assert "api_admin" not in everyone and "api_ministry" not in everyone and "expert_li" in everyone
    # closed and reopened, given a new one-time password, as on the web
    r = with_tag(client, "patch", f"/api/v1/users/{city['id']}", headers=_as(people, "province"), json={"active": False})
    assert r.status_code == 200 and r.get_json()["active"] is False
    r = with_tag(client, "patch", f"/api/v1/users/{city['id']}", headers=_as(people, "province"), json={"active": True})
    assert r.get_json()["active"] is True
    r = client.post(f"/api/v1/users/{city['id']}/password-reset", headers=_as(people, "province"))
    assert r.status_code == 201 and r.get_json()["temporary_password"] != temporary
    r = with_tag(client, "patch", f"/api/v1/users/{people.user_ids['admin']}", headers=_as(people, "province"),
                     json={"active": False})
    assert r.status_code == 404  # an account it does not look after does not exist for it


def test_a_city_opens_applicant_accounts_of_its_own_city_only_with_the_webs_answers(world):
    from core.accounts import services as accounts
    from core.errors import AccessDenied
    from core.extensions import db
    from core.models import Organization, User

    app, people = world
    client, city = app.test_client(), _as(people, "city")
    new_uscc = kit.make_uscc("430100")
    r = client.post("/api/v1/users", headers=city, json={
        "username": "ent_new", "display_name": "赵经理", "role": "applicant", "uscc": new_uscc,
        "org_name": "长沙新材料科技有限公司"})
    assert r.status_code == 201, r.get_json()
    made = r.get_json()
    assert made["temporary_password"] and made["role"] == "applicant"
    with app.app_context():
        org = db.session.query(Organization).filter_by(uscc=new_uscc).one()
        assert org.admin_unit_id == people.unit_id and made["organization_id"] == org.id  # added in its own city
        with pytest.raises(AccessDenied) as web:  # what the web's new-account page answers
            accounts.create_account(db.session.get(User, people.user_ids["city"]), username="ent_zz2",
                                    display_name="x", role="applicant", uscc=people.other_uscc)
        db.session.rollback()
    r = client.post("/api/v1/users", headers=city, json={
        "username": "ent_zz", "display_name": "钱经理", "role": "applicant", "uscc": people.other_uscc})
    assert r.status_code == 403
    body = r.get_json()
    assert body["message_zh"] == web.value.localized("zh") and body["message_en"] == web.value.localized("en")
    assert "another city" in body["message_en"] and "市" in body["message_zh"] and body["message_zh"] != body["message_en"]
    for role, extra in (("province", {}), ("city", {"admin_unit_id": people.unit_id}), ("expert", {})):
        r = client.post("/api/v1/users", headers=city, json={"username": f"x_{role}", "display_name": "x",
                                                             "role": role, **extra})
        assert r.status_code == 403 and r.get_json()["message_zh"] == body["message_zh"], role
    listed = {u["username"] for u in client.get("/api/v1/users", headers=city).get_json()["items"]}
    assert listed == {"api_applicant", "ent_new"}
    r = client.post(f"/api/v1/users/{made['id']}/password-reset", headers=city)
    assert r.status_code == 201 and r.get_json()["username"] == "ent_new"
    r = with_tag(client, "patch", f"/api/v1/users/{made['id']}", headers=city, json={"active": False})
    assert r.status_code == 200 and r.get_json()["active"] is False
    r = with_tag(client, "patch", f"/api/v1/users/{made['id']}", headers=city, json={"display_name": "改名"})
    assert r.status_code == 403  # renaming is an administrator's, as on the web (no such page for a city)
    assert client.get(f"/api/v1/users/{people.user_ids['province']}", headers=city).status_code == 404
    r = client.get("/api/v1/users", headers=_as(people, "applicant"))
    assert r.status_code == 403 and r.get_json()["message_en"] == "Your role looks after no accounts."
    assert "账号" in r.get_json()["message_zh"]


def test_own_notification_settings_are_read_and_changed(world):
    app, people = world
    client, me = app.test_client(), _as(people, "applicant")
    r = client.get("/api/v1/me/notifications", headers=me)
    assert r.status_code == 200
    assert r.get_json() == {"email": None, "phone": None, "by_email": False, "by_sms": False, "language": None}
    r = with_tag(client, "patch", "/api/v1/me/notifications", headers=me, json={"by_email": True})
    assert r.status_code == 422 and r.get_json()["message_en"] == \
        "Give an e-mail address to receive messages by e-mail."
    assert "电子邮" in r.get_json()["message_zh"]
    r = with_tag(client, "patch", "/api/v1/me/notifications", headers=me, json={"email": "wang@example.cn", "by_email": True})
    assert r.status_code == 200 and r.get_json()["by_email"] is True
    r = with_tag(client, "patch", "/api/v1/me/notifications", headers=me, json={"language": "en"})
    assert r.get_json() == {"email": "wang@example.cn", "phone": None, "by_email": True, "by_sms": False,
                            "language": "en"}
    assert client.get("/api/v1/me/notifications", headers=me).get_json()["language"] == "en"
    assert client.get("/api/v1/me/notifications").status_code == 401
    from core.extensions import db
    from core.models import AuditLog

    with app.app_context():
        changed = db.session.query(AuditLog).filter_by(action="notification.settings_changed").count()
    assert changed == 2
