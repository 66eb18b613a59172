"""A password reset by an officer (issue 19, ASVS 2.5.x), on SQLite and PostgreSQL.

A firm that forgot its password asks its city, which now has the tool: the city resets the
password of its own city's firms only, receives a one-time password to hand over, and the firm
must choose its own password at its next log-in before anything else. The province resets staff
and firms, an administrator anyone but another administrator. Every reset ends the account's
sessions and is audited without the password.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.accounts import services
from core.extensions import db
from core.models import AdminUnit, AuditLog, Organization, Role
from core.services.admin_units import sync_admin_units

PASSWORD = "重置密码测试口令-2025-绿色工厂"
OWN = "橘子洲头的晚霞-湘江北去-2026"


def _uscc(n: int) -> str:
    from stdnum.cn import uscc

    body = f"91430100{n:08d}7"
    return body + uscc.calc_check_digit(body)


@pytest.fixture
def world(make_app):
    app = make_app("hunan", WTF_CSRF_ENABLED=False)
    with app.app_context():
        sync_admin_units("test")
        units = {u.code: u for u in db.session.scalars(select(AdminUnit))}
        for n, code in enumerate(("hunan.changsha", "hunan.zhuzhou"), start=1):
            org = Organization(uscc=_uscc(n), name=f"{units[code].name}绿色工厂有限公司", admin_unit_id=units[code].id)
            db.session.add(org)
            db.session.flush()
            city = code.split(".")[1]
            services.create_user(username=f"firm_{city}", password=PASSWORD, display_name=f"{city}联系人",
                                 role=Role.APPLICANT, actor="test", organization_id=org.id)
            services.create_user(username=f"city_{city}", password=PASSWORD, display_name=f"{city}工信局",
                                 role=Role.CITY, actor="test", admin_unit_id=units[code].id)
        for role in (Role.PROVINCE, Role.ADMIN):
            services.create_user(username=f"{role.value}_staff", password=PASSWORD, display_name=role.value, role=role,
                                 actor="test")
        token, _row = services.create_token(db.session.scalar(select(services.User).where(
            services.User.username == "province_staff")), "helpdesk")
        db.session.commit()
    return app, token


def _login(client, username, password=PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


def test_a_city_resets_its_firm_which_then_chooses_its_own_password(world):
    app, _token = world
    firm_before = app.test_client()
    assert _login(firm_before, "firm_changsha").status_code == 302
    city = app.test_client()
    _login(city, "city_changsha")
    other = city.post("/account/reset", data={"username": "firm_zhuzhou"})
    assert other.status_code == 403 and "无权重置该账户的密码" in other.get_data(as_text=True)
    page = city.post("/account/reset", data={"username": "firm_changsha"})
    temporary = re.search(r'id="temporary-password">([^<]+)<', page.get_data(as_text=True)).group(1)
    assert page.status_code == 200 and len(temporary) >= 20
    assert firm_before.get("/account/tokens").status_code == 302  # the firm's open session ended
    assert _login(app.test_client(), "firm_changsha").status_code == 401  # the old password is gone

    firm = app.test_client()
    assert _login(firm, "firm_changsha", temporary).status_code == 302
    forced = firm.get("/applications")
    assert forced.status_code == 302 and forced.headers["Location"].endswith("/account/password")
    assert "重置" in firm.get(forced.headers["Location"]).get_data(as_text=True)
    assert firm.post("/account/password", data={"old_password": temporary, "new_password": OWN,
                                                "new_password2": OWN}).status_code == 302
    assert firm.get("/account/tokens").status_code == 200
    with app.app_context():
        resets = db.session.scalars(select(AuditLog).where(AuditLog.action == "account.password_reset")).all()
        assert [r.actor for r in resets] == ["city_changsha"] and temporary not in str(resets[0].data)


@pytest.mark.parametrize("officer, target, allowed", [
    ("city_changsha", "city_zhuzhou", False), ("city_changsha", "province_staff", False),
    ("province_staff", "city_zhuzhou", True), ("province_staff", "admin_staff", False),
    ("admin_staff", "province_staff", True), ("firm_changsha", "firm_zhuzhou", False),
])
def test_who_may_reset_whom(world, officer, target, allowed):
    app, _token = world
    client = app.test_client()
    _login(client, officer)
    response = client.post("/account/reset", data={"username": target})
    assert (response.status_code == 200) is allowed, response.status_code


def test_the_province_resets_through_the_api(world):
    app, token = world
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    done = client.post("/api/v1/password-resets", headers=auth, json={"username": "city_zhuzhou"})
    assert done.status_code == 201 and done.get_json()["username"] == "city_zhuzhou"
    assert _login(app.test_client(), "city_zhuzhou", done.get_json()["temporary_password"]).status_code == 302
    refused = client.post("/api/v1/password-resets", headers=auth, json={"username": "admin_staff"})
    assert refused.status_code == 403
    assert client.post("/api/v1/password-resets", headers=auth, json={"username": "nobody"}).status_code == 404


@pytest.mark.parametrize("region", ["national", "hunan", "hubei", "jiangxi", "shanxi"])
def test_every_temporary_password_passes_the_policy_it_is_handed_over_under(make_app, region):
    """The one-time password an officer hands over is one the policy accepts for that account, in every region: the
    CI once drew ``factory-green-green-green-697279`` (the platform's own words, taken out by the policy, left too
    little) and a city's new applicant account was refused with a 422; an account named after one of the words
    gets a password without it."""
    from core.accounts import password_policy
    from core.accounts.resets import _WORDS, temporary_password

    app = make_app(region)
    with app.app_context():
        guessable = password_policy._guessable_words()
        assert not [w for w in _WORDS if w in guessable], "a word the policy takes out"
        for username, name, never in (("firm_changsha", "长沙联系人", set()), ("river", "maple", {"river", "maple"}),
                                      ("amber", "Stone Cloud", {"amber"})):
            for _ in range(15):
                password = temporary_password(username, name)
                password_policy.check(password, user_inputs=(username, name))  # raises when refused
                assert not never & set(password.split("-")), password
