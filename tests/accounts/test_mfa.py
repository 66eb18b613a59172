"""A second factor for staff (issue 19; ASVS 4.0.3 2.7.x/2.8.x one-time passwords, 4.3.1 MFA for
administrative interfaces), on SQLite and PostgreSQL.

Province, ministry and admin accounts must set up a TOTP authenticator before anything else; once on,
every log-in asks for a code after the password; a code works once (2.8.4), a recovery code works
once; other roles may turn it on. Enrolment ends sessions opened before it.
"""
from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from core.accounts import services
from core.extensions import db
from core.models import AuditLog, Role, User

PASSWORD = "第二因素测试口令-2025-绿色园区"


@pytest.fixture
def app(make_app):
    app = make_app("shanxi", WTF_CSRF_ENABLED=False, GREENMFG_MFA_ROLES=["province", "ministry", "admin"])
    with app.app_context():
        services.create_user(username="province_zhao", password=PASSWORD, display_name="赵强", role=Role.PROVINCE,
                             actor="test")
        services.create_user(username="expert_qian", password=PASSWORD, display_name="钱教授", role=Role.EXPERT,
                             actor="test")
        db.session.commit()
    return app


def _login(client, username="province_zhao"):
    return client.post("/login", data={"username": username, "password": PASSWORD})


def _secret(page: str) -> str:
    return re.search(r'id="mfa-secret">([A-Z2-7]+)<', page).group(1)


def _at_next_step(secret: str) -> str:
    """A code of the next 30-second step (the current one may have been used)."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_staff_must_enrol_then_every_log_in_asks_for_a_code(app):
    client = app.test_client()
    assert _login(client).status_code == 302
    blocked = client.get("/province/notices")
    assert blocked.status_code == 302 and blocked.headers["Location"].endswith("/account/mfa")
    page = client.get("/account/mfa").get_data(as_text=True)
    assert "<svg" in page and "必须使用第二因素" in page
    secret = _secret(page)
    wrong = client.post("/account/mfa", data={"code": "000000"})
    assert wrong.status_code == 422 and "验证码不正确或已过期" in wrong.get_data(as_text=True)
    done = client.post("/account/mfa", data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li><code>([0-9a-f-]+)</code></li>", done.get_data(as_text=True))
    assert done.status_code == 200 and len(codes) == 10
    assert client.get("/province/notices").status_code == 200

    # a new log-in: the password alone is not enough
    other = app.test_client()
    step = _login(other)
    assert step.status_code == 302 and step.headers["Location"].endswith("/login/verify")
    assert other.get("/province/notices").status_code == 302
    assert other.post("/login/verify", data={"code": "123456"}).status_code == 401
    code = _at_next_step(secret)
    assert other.post("/login/verify", data={"code": code}).status_code == 302
    assert other.get("/province/notices").status_code == 200

    # the same code cannot be used twice; a recovery code works once
    third = app.test_client()
    _login(third)
    assert third.post("/login/verify", data={"code": code}).status_code == 401
    assert third.post("/login/verify", data={"code": codes[0]}).status_code == 302
    fourth = app.test_client()
    _login(fourth)
    assert fourth.post("/login/verify", data={"code": codes[0]}).status_code == 401
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "province_zhao"))
        assert len(user.recovery_codes) == 9
        actions = [a.action for a in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]
        assert {"account.mfa_enabled", "account.mfa_passed", "account.mfa_recovery_code_used",
                "account.mfa_failed"} <= set(actions)


def test_a_pending_log_in_expires_and_other_roles_choose(app):
    client = app.test_client()
    assert _login(client, "expert_qian").status_code == 302
    assert client.get("/account/tokens").status_code in (200, 403)  # no second factor asked of an expert
    assert client.get("/account/mfa").status_code == 200
    anonymous = app.test_client()
    assert anonymous.get("/login/verify").status_code == 302  # nothing pending: back to the log-in

