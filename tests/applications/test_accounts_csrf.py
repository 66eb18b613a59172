"""Accounts and sessions with CSRF protection ON (this module keeps the protection itself tested).

ASVS 4.0.3: 2.1.1/2.1.4 (passwords of 12+ characters, Chinese allowed), 2.2.1 (failed log-ins
throttled), 2.4.1 (argon2id), 3.2.1 (new session on log-in), 3.3.1 (log-out ends the session,
also a copied cookie), 4.2.2 (CSRF on every state-changing form), 7.1.1 (no password in the log).
"""
from __future__ import annotations

import re

import pytest
from app_world import PASSWORD, build_world, make_uscc, open_campaign
from sqlalchemy import func, select


@pytest.fixture
def world(make_app, tmp_path):
    app = make_app("hunan", GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))  # CSRF on (Flask-WTF default)
    return build_world(app)


def csrf(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"',
                                                                              html)
    return m.group(1)


def web_login(client, username, password=PASSWORD):
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf(client, "/login")})


def test_forms_without_token_are_refused_and_change_nothing(world):
    from core.extensions import db
    from core.models import Campaign, User

    client = world.app.test_client()
    r = client.post("/login", data={"username": "city_changsha", "password": PASSWORD})
    assert r.status_code == 400
    r = client.post("/register", data={"uscc": make_uscc(), "org_name": "无令牌有限公司", "admin_unit": "hunan.changsha",
                                       "display_name": "x", "username": "notoken", "password": PASSWORD,
                                       "password2": PASSWORD})
    assert r.status_code == 400
    assert web_login(client, "province_user").status_code == 302
    r = client.post("/province/campaigns", data={"year": "2025", "level": "city", "unit_types": ["factory"],
                                                 "closes_at": "2099-01-01T00:00"})
    assert r.status_code == 400
    r = client.post("/province/campaigns", data={"year": "2025", "level": "city", "unit_types": ["factory"],
                                                 "closes_at": "2099-01-01T00:00", "csrf_token": "forged"})
    assert r.status_code == 400
    with world.app.app_context():
        assert db.session.scalar(select(func.count(Campaign.id))) == 0
        assert db.session.scalar(select(User).where(User.username == "notoken")) is None
    r = client.post("/province/campaigns", data={"year": "2025", "level": "city", "unit_types": ["factory"],
                                                 "closes_at": "2099-01-01T00:00",
                                                 "csrf_token": csrf(client, "/province/campaigns")})
    assert r.status_code == 302
    # log-out is a POST with a token too
    assert client.post("/logout").status_code == 400
    assert client.get("/province/campaigns").status_code == 200


def test_city_actions_need_the_token(world):
    from core.applications import services
    from core.extensions import db
    from core.models import Application, Campaign, User

    campaign_id = open_campaign(world.app, level="city")
    with world.app.app_context():
        user = db.session.get(User, world.users["applicant_changsha"].id)
        a = services.start_application(user, db.session.get(Campaign, campaign_id), "factory")
        rules = world.app.extensions["greenmfg"].rules
        services.save_draft(a, {"contact_name": "张伟", "contact_phone": "13800000000", "declarations": {
            i.code: True for i in rules.negative_list_for("factory", "city")}}, user.username)
        services.submit(a, user.username)
        db.session.commit()
        app_id = a.id
    client = world.app.test_client()
    web_login(client, "city_changsha")
    r = client.post(f"/applications/{app_id}/reject", data={"reject-reason": "无令牌"})
    assert r.status_code == 400
    with world.app.app_context():
        assert db.session.get(Application, app_id).status.value == "submitted"
    token = csrf(client, f"/applications/{app_id}")
    r = client.post(f"/applications/{app_id}/reject", data={"reject-reason": "材料不全", "reject-confirm": "y",
                                                          "reject-csrf_token": token})
    assert r.status_code == 302
    with world.app.app_context():
        assert db.session.get(Application, app_id).status.value == "rejected"


def test_registration_login_logout_and_copied_cookie(world):
    from core.extensions import db
    from core.models import AuditLog, User

    client = world.app.test_client()
    code = make_uscc()
    long_chinese = "我的十二个汉字密码真的很安全"  # 14 characters, Unicode allowed
    r = client.post("/register", data={"uscc": code, "org_name": "湘潭注册测试有限公司", "admin_unit": "hunan.xiangtan",
                                       "display_name": "刘洋", "username": "xiangtan1", "password": "short",
                                       "password2": "short", "csrf_token": csrf(client, "/register")})
    assert r.status_code == 422 and "12" in r.get_data(as_text=True)
    r = client.post("/register", data={"uscc": code, "org_name": "湘潭注册测试有限公司", "admin_unit": "hunan.xiangtan",
                                       "display_name": "刘洋", "username": "xiangtan1", "password": long_chinese,
                                       "password2": long_chinese, "csrf_token": csrf(client, "/register")})
    assert r.status_code == 302
    with world.app.app_context():
        user = db.session.scalar(select(User).where(User.username == "xiangtan1"))
        from core.models import Organization

        assert user.password_hash.startswith("$argon2id$")
        assert db.session.get(Organization, user.organization_id).uscc == code
    client.post("/logout", data={"csrf_token": csrf(client, "/logout")})

    other = world.app.test_client()
    before = other.get_cookie("session")
    r = web_login(other, "xiangtan1", long_chinese)
    assert r.status_code == 302 and r.headers["Location"].endswith("/applications")
    assert other.get_cookie("session").value != (before.value if before else None)
    cookie = other.get_cookie("session").value
    assert other.get("/applications").status_code == 200
    r = other.get("/logout")
    assert r.status_code == 200 and "logout-form" in r.get_data(as_text=True)
    other.post("/logout", data={"csrf_token": csrf(other, "/logout")})
    # the copied cookie of that session no longer works
    thief = world.app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/applications").status_code == 302

    with world.app.app_context():
        actions = [a.action for a in db.session.scalars(select(AuditLog).where(AuditLog.actor == "xiangtan1"))]
        assert "account.registered" in actions and "account.login" in actions and "account.logout" in actions
        assert not any(long_chinese in str(a.data) for a in db.session.scalars(select(AuditLog)))


def test_failed_logins_are_throttled_never_locked_out(world, monkeypatch):
    """ASVS 2.2.1: a guesser at one address gets 5 tries per 15 minutes; the account from every address
    10 per minute, so the owner's right password from a new address waits at most a minute."""
    import datetime as dt

    import time_machine

    from core.extensions import db
    from core.models import AuditLog

    def at(address: str):
        client = world.app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client

    start = dt.datetime(2026, 5, 11, 2, 0, tzinfo=dt.timezone.utc)
    with time_machine.travel(start, tick=False) as clock:
        guesser = world.app.test_client()
        for _ in range(5):
            r = web_login(guesser, "city_changsha", "wrong password!!")
            assert r.status_code == 401 and "用户名或密码错误" in r.get_data(as_text=True)
        r = web_login(guesser, "city_changsha")  # even the right password waits at this address
        assert r.status_code == 429 and 850 <= int(r.headers["Retry-After"]) <= 900
        assert "请等待" in r.get_data(as_text=True)
        owner = at("10.1.2.3")
        assert web_login(owner, "city_changsha").status_code == 302  # the owner elsewhere is not refused

        for n in range(10):  # ten addresses guessing within a minute
            client = at(f"10.9.0.{n}")
            assert web_login(client, "city_zhuzhou", "wrong password!!").status_code == 401
        owner = at("10.1.2.4")
        r = web_login(owner, "city_zhuzhou")
        assert r.status_code == 429 and int(r.headers["Retry-After"]) <= 60
        clock.shift(dt.timedelta(seconds=61))
        assert web_login(owner, "city_zhuzhou").status_code == 302  # a short delay, not a lock-out
    with world.app.app_context():
        failed = db.session.scalars(select(AuditLog).where(AuditLog.action == "account.login_failed")).all()
        assert len(failed) == 15 and all("wrong" not in str(a.data) for a in failed)

    # an unknown user name costs one password hash too, the same work as checking a known one's password,
    # so the answer takes as long and does not tell which user names exist (counted, not timed: timing
    # on a shared machine is noise)
    from core.accounts import services as account_services

    work = []
    monkeypatch.setattr(account_services, "hash_password", lambda p: work.append("hash") or "x")
    monkeypatch.setattr(account_services, "verify_password", lambda h, p: work.append("verify") or False)
    web_login(at("10.7.7.7"), "city_changsha", "wrong password!!")
    web_login(at("10.7.7.8"), "nobody-at-all", "wrong password!!")
    assert work == ["verify", "hash"]


def test_api_tokens_are_hashed_revocable_and_expire(world):
    import datetime as dt

    from core.extensions import db
    from core.models import ApiToken

    client = world.app.test_client()
    web_login(client, "city_changsha")
    r = client.post("/account/tokens", data={"name": "报表脚本", "days": "30",
                                             "csrf_token": csrf(client, "/account/tokens")})
    token = re.search(r'id="new-token">([^<]+)<', r.get_data(as_text=True)).group(1)
    api = world.app.test_client()
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.get_json()["role"] == "city"
    with world.app.app_context():
        row = db.session.scalar(select(ApiToken).where(ApiToken.name == "报表脚本"))
        assert token not in (row.token_hash, row.prefix) and len(row.token_hash) == 64
        token_id = row.id
    assert token not in client.get("/account/tokens").get_data(as_text=True)  # shown once only
    client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf(client, "/account/tokens")})
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    with world.app.app_context():
        db.session.execute(ApiToken.__table__.update().values(
            expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1), revoked_at=None))
        db.session.commit()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
