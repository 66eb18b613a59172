"""Signing in through the province's unified identity service in a browser (issue 60), against a real, certified
OpenID provider on the loopback (panva's oidc-provider, tests/oidc/server.js): chromium clicks 统一身份认证登录,
signs in at the provider, and comes back through greenmfg's callback.

- an enterprise whose credit code is new names its city once: its organization and account are made and linked;
- an enterprise already on file signs in as its existing account, which is linked (audited, naming the account);
- a staff member signs in as the account an administrator made and recorded the staff id on; with greenmfg's
  own second factor it is asked for its code when the provider's ``amr`` names no second factor, and not when it
  does; signing out offers the provider's end-session;
- a credit code the provider gives that fails GB 32100-2015's check (domain.md B8) and a staff id no account is
  linked to are refused, audited and explained in Chinese.

Forged, expired and misdirected ID tokens and a wrong nonce: test_oidc_tokens.py (a certified provider never sends
them).
"""
from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_kit import open_page  # noqa: E402
from oidc_kit import BAD_USCC, GHOST_KEY, KNOWN_USCC, NEW_USCC, STAFF_KEY  # noqa: E402

from core.accounts import mfa, oidc, services  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import AuditLog, Organization, Role, User  # noqa: E402
from core.models.identity import IdentityLink  # noqa: E402

PASSWORD = "统一身份认证浏览器测试-2025-绿色园区"


@contextlib.contextmanager
def serving_on(app, port: int) -> Iterator[str]:
    """Serve ``app`` on the loopback port the provider's client was registered with (its redirect URI)."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def site(make_app, oidc_provider):
    app = make_app("national", **oidc_provider.settings())
    with app.app_context():
        from factories import admin_unit

        unit = admin_unit("national", code="national.changsha", name="长沙市")
        app.unit_code, app.unit_id = unit.code, unit.id
        db.session.commit()
    return app


def _provider_sign_in(page, base: str, login: str, *, second_factor: bool = False) -> None:
    page.goto(f"{base}/login")
    page.click("#oidc-login")
    page.wait_for_selector("#provider-submit")
    page.fill("#login", login)
    if second_factor:
        page.check("#mfa")
    page.click("#provider-submit")
    page.wait_for_load_state("load")


def _audit(app, action: str) -> list[dict]:
    with app.app_context():
        return [row.data | {"actor": row.actor} for row in
                db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id))]


def test_a_new_enterprise_names_its_city_and_its_account_is_made_and_linked(site, oidc_provider, chromium):
    with serving_on(site, oidc_provider.app_port) as base, open_page(chromium) as (page, errors):
        _provider_sign_in(page, base, "ent-new")
        page.wait_for_url(f"{base}/login/oidc/register")
        assert NEW_USCC in page.inner_text("#oidc-uscc")
        assert page.input_value("#org_name") == "湖南绿源新材料有限公司"  # the provider's name claim, proposed
        page.select_option("#admin_unit", site.unit_code)
        page.click("#oidc-register-submit")
        page.wait_for_load_state("load")
        assert "/login" not in page.url
        page.goto(f"{base}/account")
        assert NEW_USCC in page.inner_text("main") and page.locator("#identity-link").count() == 1
        assert errors == []
    with site.app_context():
        org = db.session.scalar(select(Organization).where(Organization.uscc == NEW_USCC))
        assert org is not None and org.name == "湖南绿源新材料有限公司" and org.admin_unit.code == "national.changsha"
        user = db.session.scalar(select(User).where(User.organization_id == org.id))
        assert (user.username, user.role) == (NEW_USCC, Role.APPLICANT)
        link = db.session.scalar(select(IdentityLink).where(IdentityLink.user_id == user.id))
        assert link.subject == "ent-new" and link.issuer == oidc_provider.issuer
    assert [a["channel"] for a in _audit(site, "account.registered")] == ["oidc"]
    assert [a["how"] for a in _audit(site, "account.oidc_linked")] == ["new_organization"]
    assert [a["uscc"] for a in _audit(site, "organization.added")] == [NEW_USCC]


def test_an_enterprise_on_file_signs_in_as_its_existing_account(site, oidc_provider, chromium):
    with site.app_context():
        org = services._organization(KNOWN_USCC, "长沙已登记环保科技有限公司", site.unit_id, "test")
        services.create_user(username="changsha_env", password=PASSWORD, display_name="周敏", role=Role.APPLICANT,
                             actor="test", organization_id=org.id)
        db.session.commit()
    with serving_on(site, oidc_provider.app_port) as base, open_page(chromium) as (page, errors):
        _provider_sign_in(page, base, "ent-known")
        assert "/login" not in page.url
        page.goto(f"{base}/account")
        assert "changsha_env" in page.inner_text("main")
        assert errors == []
    with site.app_context():
        assert db.session.scalar(select(User.username).join(IdentityLink, IdentityLink.user_id == User.id)
                                 .where(IdentityLink.subject == "ent-known")) == "changsha_env"
        assert db.session.query(User).filter(User.role == Role.APPLICANT).count() == 1  # no second account
    linked = _audit(site, "account.oidc_linked")
    assert [(a["username"], a["how"]) for a in linked] == [("changsha_env", "organization")]
    assert [a.get("channel") for a in _audit(site, "account.login")] == ["oidc"]


def _staff(site) -> str:
    """An administrator makes a province account with greenmfg's second factor and records its staff id."""
    with site.app_context():
        admin = services.create_user(username="admin_li", password=PASSWORD, display_name="李管理",
                                     role=Role.ADMIN, actor="test")
        staff = services.create_user(username="province_wang", password=PASSWORD, display_name="王晓东",
                                     role=Role.PROVINCE, actor="test")
        secret = pyotp.random_base32()
        mfa.enable(staff, secret, pyotp.TOTP(secret).now(), "test")
        oidc.link_staff(admin, staff, STAFF_KEY)
        db.session.commit()
    return secret


def test_staff_sign_in_asks_the_own_code_unless_the_provider_used_a_second_factor(site, oidc_provider, chromium):
    secret = _staff(site)
    with serving_on(site, oidc_provider.app_port) as base:
        with open_page(chromium) as (page, errors):  # amr ["pwd"]: greenmfg asks its own code
            _provider_sign_in(page, base, "staff-wang")
            page.wait_for_url(f"{base}/login/verify")
            page.fill("#code", pyotp.TOTP(secret).at(time.time() + 30))
            page.click("#mfa-submit")
            page.wait_for_load_state("load")
            assert "/login" not in page.url
            page.goto(f"{base}/account")
            assert "province_wang" in page.inner_text("main")
            assert errors == []
        with open_page(chromium) as (page, errors):  # amr ["pwd", "otp", "mfa"]: no second code asked
            _provider_sign_in(page, base, "staff-wang", second_factor=True)
            assert "/login" not in page.url
            page.goto(f"{base}/account")
            assert "province_wang" in page.inner_text("main")
            page.goto(f"{base}/logout")
            page.click("#logout-form button")
            page.wait_for_url(f"{base}/logout/unified-identity")
            page.click("#oidc-end-session")  # RP-initiated logout at the provider
            page.wait_for_load_state("load")
            assert page.url.startswith(oidc_provider.issuer + "/session/end")
    with site.app_context():
        link = db.session.scalar(select(IdentityLink))
        assert (link.user.username, link.subject, link.staff_key) == ("province_wang", "staff-wang", STAFF_KEY)
    logins = _audit(site, "account.login")
    assert [(a["actor"], a["channel"], a["second_factor_by_provider"], a["amr"]) for a in logins] == \
        [("province_wang", "oidc", False, ["pwd"]), ("province_wang", "oidc", True, ["pwd", "otp", "mfa"])]
    assert len(_audit(site, "account.mfa_passed")) == 1  # asked once: for the sign-in without the provider's
    assert [a["how"] for a in _audit(site, "account.oidc_linked")] == ["staff_key"]


@pytest.mark.parametrize("login, words, reason", [
    ("ent-bad", ["不是有效的统一社会信用代码", BAD_USCC, "校验"], "invalid_uscc"),
    ("staff-ghost", ["未关联本平台账户", GHOST_KEY], "unlinked"),
])
def test_a_bad_credit_code_or_an_unlinked_staff_id_is_refused(site, oidc_provider, chromium, login, words, reason):
    with serving_on(site, oidc_provider.app_port) as base, open_page(chromium) as (page, errors):
        _provider_sign_in(page, base, login)
        flash = page.inner_text(".flash.error")
        for word in words:
            assert word in flash, flash
        assert page.locator("#password").count() == 1  # the password form is still offered
        assert page.goto(f"{base}/account").url.startswith(f"{base}/login")
        assert errors == []
    assert [a["reason"] for a in _audit(site, "account.oidc_refused")] == [reason]
    with site.app_context():
        assert db.session.query(User).count() == 0 and db.session.scalar(select(IdentityLink)) is None
