"""Accounts and sessions to OWASP ASVS 4.0.3 level 2 (issue 19), on SQLite and PostgreSQL.

* 2.1.1 / 2.1.7 / 2.1.9 password policy: 12-128 characters of any kind, common and breached
  passwords, easy patterns and the user name refused, checked offline;
* 2.1.5 / 2.1.6 password change on the web and the API, asking the current password again; the
  other sessions end (3.3.3), the API token stays;
* 3.3.1 / 3.3.2 idle (30 min) and absolute (12 h) session timeouts;
* 3.4.1 / 3.4.2 / 3.4.4 ``Secure``, ``HttpOnly`` and ``__Host-`` cookies when served over HTTPS;
* 8.2.1 ``Cache-Control: no-store`` on every signed-in response, web and API;
* configuration: every ``GREENMFG_*`` key read from the environment; a production mode that
  refuses to start without HTTPS, a secret key and a signing key from configuration; rate-limit
  counters keyed per instance.
"""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from helpers import new_signing_key
from sqlalchemy import select

from core.accounts import services
from core.errors import InvalidInput
from core.extensions import db
from core.models import AuditLog, Role, User

PASSWORD = "账户安全测试口令-2025-绿色工厂"
NEW_PASSWORD = "河边的柳树和三只白鹅-2026"


@pytest.fixture
def world(make_app):
    app = make_app("hunan", WTF_CSRF_ENABLED=False)
    with app.app_context():
        user = services.create_user(username="province_li", password=PASSWORD, display_name="李明",
                                    role=Role.PROVINCE, actor="test")
        token, _row = services.create_token(user, "script")
        db.session.commit()
    return app, token


def _login(client, username="province_li", password=PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


@pytest.mark.parametrize("password, message", [
    ("password1234", "common or breached"),
    ("aaaaaaaaaaaa", "easy to guess"),
    ("qwertyuiop12", "common or breached"),
    ("City_Wang-2025!-green", "user name"),
    ("李明的新口令很长但包含名字", "user name"),
    ("short-1", "12 to 128"),
    ("x" * 129, "12 to 128"),
])
def test_the_password_policy_refuses_common_guessable_and_personal_passwords(world, password, message):
    app, _token = world
    with app.app_context():
        with pytest.raises(InvalidInput, match=message):
            services.create_user(username="city_wang", password=password, display_name="李明", role=Role.PROVINCE,
                                 actor="test")


def test_the_password_policy_accepts_long_phrases_in_any_script(world):
    app, _token = world
    with app.app_context():
        for i, phrase in enumerate(("correct horse battery staple", "河边的柳树和三只白鹅在游泳", "Lx9#qv!2Tz7pR")):
            services.create_user(username=f"user{i}", password=phrase, display_name=f"用户{i}", role=Role.PROVINCE,
                                 actor="test")


def test_password_change_on_the_web_ends_the_other_sessions(world):
    app, _token = world
    elsewhere, here = app.test_client(), app.test_client()
    assert _login(elsewhere).status_code == 302 and _login(here).status_code == 302
    page = here.get("/account/password")
    assert page.status_code == 200 and "修改密码" in page.get_data(as_text=True)

    wrong = here.post("/account/password", data={"old_password": "not-the-password-1", "new_password": NEW_PASSWORD,
                                                 "new_password2": NEW_PASSWORD})
    assert wrong.status_code == 422 and "当前密码不正确" in wrong.get_data(as_text=True)
    weak = here.post("/account/password", data={"old_password": PASSWORD, "new_password": "password1234",
                                                "new_password2": "password1234"})
    assert weak.status_code == 422 and "最常见" in weak.get_data(as_text=True)

    done = here.post("/account/password", data={"old_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert here.get("/account/tokens").status_code == 200  # this session goes on
    assert elsewhere.get("/account/tokens").status_code == 302  # the other one ended
    assert _login(app.test_client(), password=PASSWORD).status_code == 401
    assert _login(app.test_client(), password=NEW_PASSWORD).status_code == 302
    with app.app_context():
        actions = [a.action for a in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]
        assert actions.count("account.password_change_refused") == 1 and "account.password_changed" in actions


def test_password_change_through_the_api(world):
    app, token = world
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/me/password", json={"current_password": PASSWORD,
                                                    "new_password": NEW_PASSWORD}).status_code == 401
    wrong = client.post("/api/v1/me/password", headers={**auth, "Accept-Language": "en"},
                        json={"current_password": "wrong-password-1", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 422
    error = wrong.get_json()["errors"][0]
    assert error["field"] == "old_password" and "current password is wrong" in error["message_en"]
    assert "当前密码不正确" in error["message_zh"]
    ok = client.post("/api/v1/me/password", headers=auth,
                     json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert ok.status_code == 204 and ok.headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/me", headers=auth).status_code == 200  # the token stays valid
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "province_li"))
        assert user.session_version == 1


def test_idle_and_absolute_session_timeouts(world):
    app, _token = world
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
    client = app.test_client()
    with time_machine.travel(start, tick=False) as clock:
        assert _login(client).status_code == 302
        for _ in range(30):  # active every 25 minutes for 12 h 30 min: the idle limit never ends it...
            clock.shift(dt.timedelta(minutes=25))
            response = client.get("/account/tokens")
            if response.status_code != 200:
                break
        # ...the absolute one does, 12 h after log-in
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        page = client.get(response.headers["Location"])
        assert "12 小时" in page.get_data(as_text=True)

    idle = app.test_client()
    with time_machine.travel(start + dt.timedelta(days=1), tick=False) as clock:
        assert _login(idle).status_code == 302
        clock.shift(dt.timedelta(minutes=29))
        assert idle.get("/account/tokens").status_code == 200
        clock.shift(dt.timedelta(minutes=30, seconds=1))
        ended = idle.get("/account/tokens?x=1")
        assert ended.status_code == 302
        assert "next=/account/tokens?x%3D1" in ended.headers["Location"]
        assert "30 分钟" in idle.get(ended.headers["Location"]).get_data(as_text=True)


def test_signed_in_responses_are_not_stored(world):
    app, token = world
    client = app.test_client()
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    _login(client)
    assert client.get("/account/tokens").headers["Cache-Control"] == "no-store"
    assert client.get("/").headers["Cache-Control"] == "no-store"
    api = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert api.headers["Cache-Control"] == "no-store"


def test_cookies_over_https_are_secure_and_host_bound(make_app):
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_HTTPS=True)
    with app.app_context():
        services.create_user(username="province_li", password=PASSWORD, display_name="李明", role=Role.PROVINCE,
                             actor="test")
        db.session.commit()
    client = app.test_client()
    response = client.post("/login", data={"username": "province_li", "password": PASSWORD},
                           base_url="https://greenmfg.example.gov.cn")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=") and "Secure" in cookie and "HttpOnly" in cookie
    assert "Path=/" in cookie and "Domain" not in cookie and "SameSite=Lax" in cookie  # ASVS 3.4.3
    lang = client.get("/?lang=en", base_url="https://greenmfg.example.gov.cn").headers.getlist("Set-Cookie")
    assert any(c.startswith("lang=en") and "Secure" in c for c in lang)


def test_production_mode_refuses_to_start_without_its_settings(database_url, monkeypatch):
    from core import create_app
    from core.config import ConfigurationError

    base = {"SQLALCHEMY_DATABASE_URI": database_url, "GREENMFG_REGION": "shanxi", "GREENMFG_PRODUCTION": True,
            "TESTING": True}
    with pytest.raises(ConfigurationError) as caught:
        create_app(base)
    assert "GREENMFG_HTTPS" in str(caught.value) and "SECRET_KEY" in str(caught.value)
    assert "GREENMFG_RECOMMENDATION_KEY_FILE" in str(caught.value)
    with pytest.raises(ConfigurationError, match="Ed25519"):  # an old HMAC secret is no signing key
        create_app({**base, "GREENMFG_HTTPS": True, "SECRET_KEY": "s" * 48, "GREENMFG_RECOMMENDATION_KEY": "k" * 48})
    app = create_app({**base, "GREENMFG_HTTPS": True, "SECRET_KEY": "s" * 48,
                      "GREENMFG_RECOMMENDATION_KEY": new_signing_key()})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_every_greenmfg_key_is_read_from_the_environment(database_url, monkeypatch):
    from core import create_app
    from core.ratelimit import instance_name

    monkeypatch.setenv("GREENMFG_RATELIMIT_STORAGE", "redis://127.0.0.1:6379/7")
    monkeypatch.setenv("GREENMFG_SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("GREENMFG_RECOMMENDATION_KEYS", '{"shanxi": "key-of-shanxi"}')
    monkeypatch.setenv("GREENMFG_SECRET_KEY", "12345")
    monkeypatch.setenv("GREENMFG_REGION", "hubei")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    assert app.config["GREENMFG_RATELIMIT_STORAGE"] == "redis://127.0.0.1:6379/7"
    assert app.config["GREENMFG_SESSION_IDLE_MINUTES"] == 15
    assert app.config["GREENMFG_RECOMMENDATION_KEYS"] == {"shanxi": "key-of-shanxi"}
    assert app.config["SECRET_KEY"] == "12345" and app.config["GREENMFG_REGION"] == "hubei"
    # two instances of one region on one Redis keep separate counters; one instance's workers share them
    other = create_app({"SQLALCHEMY_DATABASE_URI": database_url + "_other", "TESTING": True})
    again = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
    assert instance_name(app) != instance_name(other) and instance_name(app) == instance_name(again)
    named = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                        "GREENMFG_INSTANCE_NAME": "hubei-prod"})
    assert instance_name(named) == "hubei-prod"


def test_users_see_their_sessions_and_end_any_of_them(world):
    """ASVS 3.3.4: each sign-in is listed with its address and browser; ending one ends it at once."""
    app, _token = world
    office, laptop, phone = (app.test_client() for _ in range(3))
    for client, address, agent in ((office, "10.20.0.5", "Firefox/128.0"), (laptop, "10.20.0.9", "Chrome/156.0"),
                                   (phone, "10.30.1.1", "Mobile Safari/18")):
        client.environ_base.update(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
        assert _login(client).status_code == 302
    page = office.get("/account/sessions").get_data(as_text=True)
    assert page.count("<tr>") == 4 and "10.20.0.9" in page and "Chrome/156.0" in page and "本会话" in page
    with app.app_context():
        from core.models import WebSession

        rows = {r.address: r.id for r in db.session.scalars(select(WebSession))}
    assert office.post(f"/account/sessions/{rows['10.20.0.9']}/end").status_code == 302
    assert laptop.get("/account/tokens").status_code == 302  # ended at its next request
    assert phone.get("/account/tokens").status_code == 200
    assert office.post("/account/sessions/end-others").status_code == 302
    assert phone.get("/account/tokens").status_code == 302 and office.get("/account/tokens").status_code == 200
    assert office.post("/account/sessions/999999/end").status_code == 302  # someone else's or unknown: refused
    with app.app_context():
        ended = {r.address: r.end_reason for r in db.session.scalars(select(WebSession))}
        assert ended == {"10.20.0.5": None, "10.20.0.9": "revoked", "10.30.1.1": "revoked"}
        actions = [a.action for a in db.session.scalars(select(AuditLog))]
        assert "account.session_ended" in actions and "account.other_sessions_ended" in actions


def test_the_ministry_account_on_a_provincial_instance_only_reads(make_app):
    """Issue 19: a ``ministry`` account on a provincial instance does not manage the province's reviews,
    notices or evaluator registry, nor read objectors' names and telephone numbers; on the national
    instance it does."""
    province_app = make_app("shanxi", WTF_CSRF_ENABLED=False)
    national_app = make_app("national", WTF_CSRF_ENABLED=False)
    for app, allowed, name in ((province_app, False, "miit_wang"), (national_app, True, "miit_zhang")):
        with app.app_context():
            user = services.create_user(username=name, password=PASSWORD, display_name="部委员", role=Role.MINISTRY,
                                        actor="test")
            token, _ = services.create_token(user, "t")
            db.session.commit()
        auth = {"Authorization": f"Bearer {token}"}
        client = app.test_client()
        assert (client.get("/api/v1/notices/1/objections", headers=auth).status_code != 403) is allowed
        assert (client.get("/api/v1/experts", headers=auth).status_code != 403) is allowed
        assert client.get("/api/v1/lists", headers=auth).status_code == 200  # published lists: readable
        _login(client, name)
        assert (client.get("/province/notices").status_code == 200) is allowed
