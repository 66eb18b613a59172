"""The API surface a script needs without the web forms (issue 18): tokens from credentials (short-lived,
rate-limited, audited, revocable, the second factor respected), and the resources the UI and the command
line have: user accounts (administrators), bans, administrative units, holidays."""
from __future__ import annotations

import datetime as dt

import pyotp
import pytest

import api_kit as kit
from helpers import with_tag


@pytest.fixture
def people(make_app, tmp_path):
    app = make_app("hunan", GREENMFG_MFA_ROLES=["province", "ministry", "admin"],
                   GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"))
    return kit.people(app, division="430100", experts=0)


def _audit(app, action: str) -> list:
    from sqlalchemy import select

    from core.extensions import db
    from core.models import AuditLog

    with app.app_context():
        return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def _enrol(app, user_id: int) -> str:
    from core.accounts import mfa
    from core.extensions import db
    from core.models import User

    with app.app_context():
        user = db.session.get(User, user_id)
        secret = mfa.new_secret()
        mfa.enable(user, secret, pyotp.TOTP(secret).at(dt.datetime.now() - dt.timedelta(seconds=30)), "test")
        db.session.commit()
    return secret


def test_a_short_lived_token_from_credentials_is_audited_and_revocable(people):
    app, client = people.app, people.app.test_client()
    r = client.post("/api/v1/tokens", json={"username": "api_applicant", "password": kit.PASSWORD,
                                            "name": "nightly export", "minutes": 15})
    assert r.status_code == 201, r.get_json()
    issued = r.get_json()
    assert issued["token"].startswith("gm_") and issued["token_type"] == "Bearer"
    expires = dt.datetime.fromisoformat(issued["expires_at"])
    assert dt.timedelta(minutes=14) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=15)
    headers = {"Authorization": f"Bearer {issued['token']}"}
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["username"] == "api_applicant" and me["role"] == "applicant"
    created = _audit(app, "token.created")[-1]
    assert created.data["channel"] == "api" and created.actor == "api_applicant"
    assert issued["token"] not in str(created.data) and kit.PASSWORD not in str(created.data)
    listing = client.get("/api/v1/tokens", headers=headers).get_json()["items"]
    assert [t["name"] for t in listing if t["current"]] == ["nightly export"]
    assert all("token" not in t for t in listing)
    # after its lifetime it stops
    import time_machine

    with time_machine.travel(expires + dt.timedelta(seconds=1), tick=False):
        assert client.get("/api/v1/me", headers=headers).status_code == 401
    # revoked, it stops at once; another's token cannot be revoked
    assert client.delete(f"/api/v1/tokens/{issued['id']}", headers=headers).status_code == 204
    r = client.get("/api/v1/me", headers=headers)
    assert r.status_code == 401 and r.get_json()["code"] == "unauthorized"
    assert _audit(app, "token.revoked")[-1].object_id == str(issued["id"])
    other = people.headers("city")
    assert client.delete(f"/api/v1/tokens/{issued['id']}", headers=other).status_code == 404
    r = client.post("/api/v1/tokens", json={"username": "api_applicant", "password": kit.PASSWORD,
                                            "minutes": 24 * 60 + 1})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "minutes"


def test_failed_credentials_are_throttled_audited_and_never_say_which_part_was_wrong(people):
    app, client = people.app, people.app.test_client()
    for username in ("api_applicant", "nobody_here"):
        r = client.post("/api/v1/tokens", json={"username": username, "password": "wrong-password-2025"})
        assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "password"
        assert "用户名或密码错误" in r.get_json()["message_zh"]
    assert len(_audit(app, "account.login_failed")) == 2
    for _ in range(4):  # five failures per account and address (GREENMFG_RATELIMIT_LOGIN_FAILURES_PER_ADDRESS)
        client.post("/api/v1/tokens", json={"username": "api_applicant", "password": "wrong-password-2025"})
    r = client.post("/api/v1/tokens", json={"username": "api_applicant", "password": kit.PASSWORD})
    assert r.status_code == 429 and r.get_json()["code"] == "login_throttled" and int(r.headers["Retry-After"]) > 0
    assert _audit(app, "account.login_throttled")


def test_requests_for_tokens_are_rate_limited_per_address(make_app):
    app = make_app("hunan", GREENMFG_RATELIMIT_ENABLED=True, GREENMFG_RATELIMIT_LOGIN="3 per minute")
    kit.people(app, division="430100", experts=0)
    client = app.test_client()
    codes = [client.post("/api/v1/tokens", json={"username": "api_city", "password": kit.PASSWORD}).status_code
             for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    r = client.post("/api/v1/tokens", json={"username": "api_city", "password": kit.PASSWORD})
    assert r.get_json()["code"] == "rate_limited" and "尝试次数过多" in r.get_json()["message_zh"]


def test_staff_roles_need_their_second_factor_for_a_token(people):
    app, client = people.app, people.app.test_client()
    body = {"username": "api_province", "password": kit.PASSWORD}
    r = client.post("/api/v1/tokens", json=body)  # a role that must have one, without one: set it up first
    assert r.status_code == 403 and "第二重验证" in r.get_json()["message_zh"]
    assert _audit(app, "token.refused")[-1].data["reason"] == "mfa_not_set_up"
    secret = _enrol(app, people.user_ids["province"])
    r = client.post("/api/v1/tokens", json=body)
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "code"
    r = client.post("/api/v1/tokens", json={**body, "code": "000000"})
    assert r.status_code == 422 and _audit(app, "account.mfa_failed")
    code = pyotp.TOTP(secret).now()
    r = client.post("/api/v1/tokens", json={**body, "code": code})
    assert r.status_code == 201, r.get_json()
    r = client.post("/api/v1/tokens", json={**body, "code": code})
    assert r.status_code == 422, "a code works once"
    # an applicant without a second factor is not asked for one; with one, it is
    assert client.post("/api/v1/tokens", json={"username": "api_applicant", "password": kit.PASSWORD}).status_code == 201


def test_a_reset_password_must_be_replaced_on_the_web_before_a_token(people):
    from core.accounts.resets import reset_password
    from core.extensions import db
    from core.models import User

    app = people.app
    with app.app_context():
        officer = db.session.get(User, people.user_ids["city"])
        _, temporary = reset_password(officer, "api_applicant")
        db.session.commit()
    r = app.test_client().post("/api/v1/tokens", json={"username": "api_applicant", "password": temporary})
    assert r.status_code == 403 and "重置" in r.get_json()["message_zh"]


def test_administrators_manage_accounts_through_the_api(people):
    app, client = people.app, people.app.test_client()
    _enrol(app, people.user_ids["admin"])
    from core.extensions import db
    from core.models import User

    with app.app_context():  # the administrator's token (its second factor is tested above)
        from core.accounts import services as accounts

        token, _ = accounts.create_token(db.session.get(User, people.user_ids["admin"]), "admin")
        db.session.commit()
    admin = {"Authorization": f"Bearer {token}"}
    city_sees = client.get("/api/v1/users", headers=people.headers("city")).get_json()["items"]
    assert [u["username"] for u in city_sees] == ["api_applicant"]  # its own city's applicants (issue 48)
    page = client.get("/api/v1/users?role=applicant", headers=admin).get_json()
    assert [u["username"] for u in page["items"]] == ["api_applicant"]
    r = client.post("/api/v1/users", headers=admin, json={
        "username": "city_zhuzhou", "password": "株洲工信局-节能科-2025", "display_name": "株洲市工信局",
        "role": "city", "admin_unit_id": people.unit_id})
    assert r.status_code == 201 and r.get_json()["role"] == "city", r.get_json()
    new_id = r.get_json()["id"]
    assert _audit(app, "account.created")[-1].data["username"] == "city_zhuzhou"
    r = client.post("/api/v1/users", headers=admin, json={
        "username": "firm_ghost", "password": "株洲工信局-节能科-2025", "display_name": "x", "role": "evaluator",
        "evaluator_firm_id": 190})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "evaluator_firm_id", r.get_json()
    r = client.post("/api/v1/users", headers=admin, json={
        "username": "weak", "password": "password123", "display_name": "x", "role": "city",
        "admin_unit_id": people.unit_id})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "password"
    city_token = client.post("/api/v1/tokens", json={"username": "city_zhuzhou",
                                                     "password": "株洲工信局-节能科-2025"}).get_json()["token"]
    r = with_tag(client, "patch", f"/api/v1/users/{new_id}", headers=admin, json={"active": False})
    assert r.status_code == 200 and r.get_json()["active"] is False
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {city_token}"}).status_code == 401
    assert _audit(app, "account.closed")[-1].object_id == str(new_id)
    r = with_tag(client, "patch", f"/api/v1/users/{new_id}", headers=admin, json={"display_name": "株洲市工业和信息化局"})
    assert r.get_json()["display_name"] == "株洲市工业和信息化局" and r.get_json()["active"] is False
    r = with_tag(client, "patch", f"/api/v1/users/{people.user_ids['admin']}", headers=admin, json={"active": False})
    assert r.status_code == 403
    r = client.post(f"/api/v1/users/{people.user_ids['admin']}/second-factor-reset", headers=admin)
    assert r.status_code == 403
    secret = _enrol(app, people.user_ids["province"])
    r = client.post(f"/api/v1/users/{people.user_ids['province']}/second-factor-reset", headers=admin)
    assert r.status_code == 200 and r.get_json()["second_factor"] is False and secret
    assert client.get("/api/v1/users/99999", headers=admin).status_code == 404


def test_bans_are_imposed_listed_and_lifted_through_the_api(people):
    """001_3f04a56fc6693327.txt 四.2: fraud → no application for 3 years (the region's sanction ``fraud``)."""
    app, client = people.app, people.app.test_client()
    province = {"Authorization": f"Bearer {_staff_token(people, 'province')}"}
    assert client.get("/api/v1/management/bans", headers=people.headers("city")).status_code == 403
    r = client.post("/api/v1/management/bans", headers=province, json={
        "subject": "organization", "uscc": people.uscc, "sanction": "fraud", "reason": "申报材料弄虚作假",
        "evidence_note": "省厅核查报告"})
    assert r.status_code == 201, r.get_json()
    ban = r.get_json()
    starts = dt.date.fromisoformat(ban["starts_on"])
    assert ban["ends_on"] == (starts.replace(year=starts.year + 3) - dt.timedelta(days=1)).isoformat()
    assert ban["active"] and ban["name"] == "接口测试精密制造有限公司"
    r = client.post("/api/v1/management/bans", headers=province, json={
        "subject": "evaluator", "uscc": kit.make_uscc("110000"), "reason": "评价报告造假"})
    assert r.status_code == 404
    listing = client.get(f"/api/v1/management/bans?uscc={people.uscc}&active=true", headers=province).get_json()["items"]
    assert [b["id"] for b in listing] == [ban["id"]]
    import time_machine

    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=30), tick=False):  # overturned a month on
        province = {"Authorization": f"Bearer {_staff_token(people, 'province')}"}
        r = client.post(f"/api/v1/management/bans/{ban['id']}/lift", headers=province,
                        json={"reason": "复议撤销处理决定"})
    assert r.status_code == 200 and r.get_json()["active"] is False, r.get_json()
    assert _audit(app, "ban.lifted")[-1].data["reason"] == "复议撤销处理决定"


def test_administrative_units_and_holidays_through_the_api(people):
    app, client = people.app, people.app.test_client()
    admin = {"Authorization": f"Bearer {_staff_token(people, 'admin')}"}
    units = client.get("/api/v1/admin-units").get_json()["items"]
    assert {"hunan.changsha", "hunan.zhuzhou"} <= {u["code"] for u in units}
    r = client.post("/api/v1/admin-units", headers=people.headers("city"),
                    json={"code": "hunan.liling", "name": "醴陵市", "kind": "省直管试点县"})
    assert r.status_code == 403
    r = client.post("/api/v1/admin-units", headers=admin,
                    json={"code": "hunan.liling", "name": "醴陵市", "kind": "省直管试点县"})
    assert r.status_code == 201 and r.get_json()["source"] == "admin", r.get_json()
    assert client.post("/api/v1/admin-units", headers=admin, json={
        "code": "hunan.liling", "name": "醴陵市", "kind": "省直管试点县"}).status_code == 409
    r = with_tag(client, "patch", "/api/v1/admin-units/hunan.liling", headers=admin, json={"active": False})
    assert r.status_code == 200 and r.get_json()["active"] is False
    assert "hunan.liling" not in {u["code"] for u in client.get("/api/v1/admin-units").get_json()["items"]}
    r = with_tag(client, "patch", "/api/v1/admin-units/hunan.changsha", headers=admin, json={"name": "x市"})
    assert r.status_code == 409
    # holidays: 2027 is beyond chinese-calendar 1.11.0 until the administrator enters it
    year = client.get("/api/v1/holidays?year=2027").get_json()
    assert year["complete"] is False and year["library"] is False and year["days"] == []
    r = client.put("/api/v1/holidays/2027-02-06", headers=admin, json={"is_workday": False, "name": "春节"})
    assert r.status_code == 200 and r.get_json()["days"][0] == {
        "day": "2027-02-06", "is_workday": False, "name": "春节", "source": "admin", "entered_by": "api_admin"}
    r = client.post("/api/v1/holidays/years/2027/complete", headers=admin, json={"note": "国务院办公厅通知"})
    assert r.status_code == 200 and r.get_json()["complete"] is True
    days = {d["day"]: d for d in r.get_json()["days"]}
    assert days["2027-02-06"]["source"] == "admin", "the rulings entered are listed, a Saturday off included"
    assert "2027-01-01" not in days, "a weekday without a ruling is a working day, no exception to list"
    r = client.put("/api/v1/holidays/2027-02-08", headers=admin, json={"is_workday": False, "name": "春节"})
    assert {"day": "2027-02-08", "is_workday": False, "name": "春节", "source": "admin",
            "entered_by": "api_admin"} in r.get_json()["days"]
    assert client.delete("/api/v1/holidays/2027-02-08", headers=admin).status_code == 200
    assert client.delete("/api/v1/holidays/2027-02-08", headers=admin).status_code == 404
    assert client.put("/api/v1/holidays/2027-02-30", headers=admin, json={"is_workday": True}).status_code == 404
    national_day = client.get("/api/v1/holidays?year=2025").get_json()
    days = {d["day"]: d for d in national_day["days"]}
    assert national_day["complete"] and days["2025-10-01"]["is_workday"] is False
    assert days["2025-09-28"]["is_workday"] is True and days["2025-09-28"]["source"] == "chinese-calendar"
    for action in ("admin_units.added", "admin_units.changed", "calendar.set_day", "calendar.declare_year",
                   "calendar.clear_day"):
        assert _audit(app, action), action


def _staff_token(people, role: str) -> str:
    secret = _enrol(people.app, people.user_ids[role])
    return people.token(role, code=pyotp.TOTP(secret).now())


def test_a_city_account_is_made_from_what_the_api_lists_by_id_or_by_code(people):
    """Every id a request body needs is returned by some operation (issue 48): GET /api/v1/admin-units gives each
    unit's id beside its code; a city account is bound by either, and a code that names no unit of this region, or
    an id and a code naming two units, is refused naming the field."""
    app, client = people.app, people.app.test_client()
    _enrol(app, people.user_ids["admin"])
    from core.accounts import services as accounts
    from core.extensions import db
    from core.models import User

    with app.app_context():
        token, _ = accounts.create_token(db.session.get(User, people.user_ids["admin"]), "admin")
        db.session.commit()
    admin = {"Authorization": f"Bearer {token}"}
    units = client.get("/api/v1/admin-units").get_json()["items"]
    zhuzhou, xiangtan = (next(u for u in units if u["name"] == name) for name in ("株洲市", "湘潭市"))
    body = {"password": "株洲工信局-节能科-2025", "display_name": "株洲市工信局", "role": "city"}
    r = client.post("/api/v1/users", headers=admin, json={**body, "username": "zz_by_id", "admin_unit_id": zhuzhou["id"]})
    assert r.status_code == 201 and r.get_json()["admin_unit_id"] == zhuzhou["id"], r.get_json()
    r = client.post("/api/v1/users", headers=admin,
                    json={**body, "username": "zz_by_code", "admin_unit_code": zhuzhou["code"]})
    assert r.status_code == 201 and r.get_json()["admin_unit_id"] == zhuzhou["id"], r.get_json()
    r = client.post("/api/v1/users", headers=admin, json={**body, "username": "zz_nowhere",
                                                          "admin_unit_code": "hubei.wuhan"})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "admin_unit_code"
    r = client.post("/api/v1/users", headers=admin, json={**body, "username": "zz_two", "admin_unit_id": zhuzhou["id"],
                                                          "admin_unit_code": xiangtan["code"]})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "admin_unit_code"
