"""Links between accounts and unified identities, as administrators and users see them (issue 60): an administrator
records a staff member's staff id on the account it made (audited), the first sign-in with that id completes the link
and *My account* shows it; an unlinked account's next sign-in is refused. A role that must use a second factor but
has none of greenmfg's own is not sent to set one up when the provider's ``amr`` says it used one, and is when it did
not. ``greenmfg config check`` and ``greenmfg check`` read the settings and the provider's discovery document.

The provider is tests/oidc/crafted_provider.py (real HTTP and RS256 signatures on the loopback).
"""
from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from oidc_kit import CLIENT_ID, CLIENT_SECRET, STAFF_KEY, free_port  # noqa: E402
from crafted_provider import crafted_provider  # noqa: E402

from core.accounts import services  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import AuditLog, Role  # noqa: E402
from core.models.identity import IdentityLink  # noqa: E402

PASSWORD = "统一身份认证关联测试-2025-绿色供应链"


@pytest.fixture
def provider():
    with crafted_provider() as found:
        yield found


@pytest.fixture
def oidc_app(make_app, provider):
    app = make_app("national", WTF_CSRF_ENABLED=False, GREENMFG_OIDC_ISSUER=provider.issuer,
                   GREENMFG_OIDC_CLIENT_ID=CLIENT_ID, GREENMFG_OIDC_CLIENT_SECRET=CLIENT_SECRET,
                   GREENMFG_MFA_ROLES=["province", "ministry", "admin"])
    with app.app_context():
        services.create_user(username="admin_li", password=PASSWORD, display_name="李管理", role=Role.ADMIN,
                             actor="test")
        services.create_user(username="province_wang", password=PASSWORD, display_name="王晓东",
                             role=Role.PROVINCE, actor="test")
        db.session.commit()
    return app


def _sign_in(app, provider, subject: str, **claims):
    client = app.test_client()
    query = {k: v[0] for k, v in parse_qs(urlsplit(client.get("/login/oidc").location).query).items()}
    provider.nonce = query["nonce"]
    provider.claims = {"sub": subject, **claims}
    return client, client.get(f"/login/oidc/callback?code=c&state={query['state']}")


def _admin(app):
    """The administrator signed in with its password and its second factor's code."""
    import pyotp

    from core.accounts import mfa
    from core.models import User

    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin_li"))
        secret = pyotp.random_base32()
        mfa.enable(admin, secret, pyotp.TOTP(secret).now(), "test")
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"username": "admin_li", "password": PASSWORD})
    import time

    assert client.post("/login/verify", data={"code": pyotp.TOTP(secret).at(time.time() + 30)}).status_code == 302
    return client


def test_an_administrator_records_a_staff_id_the_first_sign_in_links_and_unlinking_refuses_the_next(
        oidc_app, provider):
    admin = _admin(oidc_app)
    assert 'href="/admin/identity-links"' in admin.get("/account").get_data(as_text=True)  # from My account
    page = admin.get("/admin/identity-links")
    assert page.status_code == 200 and "preferred_username" in page.get_data(as_text=True)
    refused = admin.post("/admin/identity-links", data={"username": "admin_li", "staff_key": "self"})
    assert refused.status_code == 403  # never its own account (the officer's reset rule)
    done = admin.post("/admin/identity-links", data={"username": "province_wang", "staff_key": STAFF_KEY})
    assert done.status_code == 302
    again = admin.post("/admin/identity-links", data={"username": "province_wang", "staff_key": "other"})
    assert again.status_code == 422 and "该账户已关联" in again.get_data(as_text=True)

    staff, answer = _sign_in(oidc_app, provider, "wang-subject", preferred_username=STAFF_KEY, amr=["pwd", "mfa"])
    assert answer.status_code == 302 and "/login" not in answer.location
    account = staff.get("/account").get_data(as_text=True)
    assert f"统一身份认证：已关联（{STAFF_KEY}）" in account

    with oidc_app.app_context():
        link = db.session.scalar(select(IdentityLink))
        assert (link.user.username, link.subject, link.created_by) == ("province_wang", "wang-subject", "admin_li")
        user_id = link.user_id
    listed = admin.get("/admin/identity-links").get_data(as_text=True)
    assert "province_wang" in listed and STAFF_KEY in listed
    assert admin.post(f"/admin/identity-links/{user_id}/unlink").status_code == 302

    _, answer = _sign_in(oidc_app, provider, "wang-subject", preferred_username=STAFF_KEY, amr=["pwd", "mfa"])
    assert answer.status_code == 403 and "未关联本平台账户" in answer.get_data(as_text=True)
    with oidc_app.app_context():
        actions = [(r.action, r.actor) for r in db.session.scalars(
            select(AuditLog).where(AuditLog.action.like("account.oidc%")).order_by(AuditLog.id))]
    assert actions == [("account.oidc_link_recorded", "admin_li"), ("account.oidc_linked", "province_wang"),
                       ("account.oidc_unlinked", "admin_li"), ("account.oidc_refused", "-")]


def test_a_staff_claim_never_makes_an_account_nor_links_by_name(oidc_app, provider):
    """The display name 王晓东 and the user name province_wang as claims link nothing: only a recorded staff id."""
    _, answer = _sign_in(oidc_app, provider, "s1", name="王晓东", preferred_username="province_wang")
    assert answer.status_code == 403
    with oidc_app.app_context():
        assert db.session.scalar(select(IdentityLink)) is None


def _staff_linked(app) -> None:
    from core.accounts import oidc
    from core.models import User

    with app.app_context():
        admin, staff = (db.session.scalar(select(User).where(User.username == n)) for n in ("admin_li", "province_wang"))
        oidc.link_staff(admin, staff, STAFF_KEY)
        db.session.commit()


def test_a_role_that_must_use_a_second_factor_is_sent_to_set_one_up_unless_the_provider_used_one(
        oidc_app, provider):
    _staff_linked(oidc_app)
    with_factor, answer = _sign_in(oidc_app, provider, "wang", preferred_username=STAFF_KEY, amr=["pwd", "hwk"])
    assert answer.status_code == 302
    home = with_factor.get("/account")
    assert home.status_code == 200  # no detour to /account/mfa: the provider's second factor counts
    without, answer = _sign_in(oidc_app, provider, "wang", preferred_username=STAFF_KEY, amr=["pwd"])
    assert answer.status_code == 302
    detour = without.get("/account")
    assert detour.status_code == 302 and detour.location.endswith("/account/mfa")


def test_an_acr_the_deployer_names_counts_as_a_second_factor(make_app, provider):
    app = make_app("national", GREENMFG_OIDC_ISSUER=provider.issuer, GREENMFG_OIDC_CLIENT_ID=CLIENT_ID,
                   GREENMFG_OIDC_CLIENT_SECRET=CLIENT_SECRET, GREENMFG_OIDC_MFA_ACR=["urn:gov:loa:3"])
    with app.app_context():
        services.create_user(username="admin_li", password=PASSWORD, display_name="李管理", role=Role.ADMIN,
                             actor="test")
        services.create_user(username="province_wang", password=PASSWORD, display_name="王晓东",
                             role=Role.PROVINCE, actor="test")
        db.session.commit()
    _staff_linked(app)
    client, _ = _sign_in(app, provider, "wang", preferred_username=STAFF_KEY, acr="urn:gov:loa:3")
    assert client.get("/account").status_code == 200


def test_config_check_names_missing_oidc_settings(tmp_path):
    from core.accounts.oidc import config_problems

    assert config_problems({}) == []
    half = config_problems({"GREENMFG_OIDC_ISSUER": "https://idp.example.gov.cn"})
    assert any("GREENMFG_OIDC_CLIENT_ID" in p for p in half)
    no_secret = config_problems({"GREENMFG_OIDC_ISSUER": "https://idp.example.gov.cn", "GREENMFG_OIDC_CLIENT_ID": "gm",
                                 "GREENMFG_OIDC_SCOPES": ["openid"]})
    assert no_secret == [("统一身份认证缺少客户端密钥 / GREENMFG_OIDC_CLIENT_SECRET_FILE (or GREENMFG_OIDC_CLIENT_SECRET) "
                          "is not set")]
    secret = tmp_path / "oidc-secret"
    secret.write_text("s3cret\n")
    good = {"GREENMFG_OIDC_ISSUER": "https://idp.example.gov.cn", "GREENMFG_OIDC_CLIENT_ID": "gm",
            "GREENMFG_OIDC_CLIENT_SECRET_FILE": str(secret), "GREENMFG_OIDC_SCOPES": ["openid", "profile"]}
    assert config_problems(good) == []
    assert config_problems({**good, "GREENMFG_OIDC_ISSUER": "http://idp.example.gov.cn", "GREENMFG_PRODUCTION": True})
    assert config_problems({**good, "GREENMFG_OIDC_SCOPES": ["profile"]})


def test_greenmfg_check_reads_the_discovery_document(make_app, provider):
    from core import checkup

    app = make_app("national", GREENMFG_OIDC_ISSUER=provider.issuer, GREENMFG_OIDC_CLIENT_ID=CLIENT_ID,
                   GREENMFG_OIDC_CLIENT_SECRET=CLIENT_SECRET)
    found = checkup.check_oidc(app)
    assert found.state == "ok" and provider.issuer in found.detail
    down = make_app("national", GREENMFG_OIDC_ISSUER=f"http://127.0.0.1:{free_port()}", GREENMFG_OIDC_CLIENT_ID="gm",
                    GREENMFG_OIDC_CLIENT_SECRET="s", GREENMFG_OIDC_TIMEOUT_SECONDS=2)
    assert checkup.check_oidc(down).state == "failed"
    assert checkup.check_oidc(make_app("national")).state == "skipped"


def test_the_operator_links_and_unlinks_from_the_command_line(oidc_app, provider):
    from core.cli import cli

    runner = oidc_app.test_cli_runner()
    done = runner.invoke(cli, ["users", "link-identity", "province_wang", STAFF_KEY])
    assert done.exit_code == 0 and "province_wang" in done.output, done.output
    refused = runner.invoke(cli, ["users", "link-identity", "admin_li", STAFF_KEY])  # one identity, one account
    assert refused.exit_code == 2 and "该统一身份认证账号已关联其他账户" in refused.output
    _, answer = _sign_in(oidc_app, provider, "wang", preferred_username=STAFF_KEY, amr=["mfa"])
    assert answer.status_code == 302
    assert runner.invoke(cli, ["users", "unlink-identity", "province_wang"]).exit_code == 0
    _, answer = _sign_in(oidc_app, provider, "wang", preferred_username=STAFF_KEY, amr=["mfa"])
    assert answer.status_code == 403
    with oidc_app.app_context():
        actors = [(r.action, r.actor.split(":")[0]) for r in db.session.scalars(
            select(AuditLog).where(AuditLog.action.in_(["account.oidc_link_recorded", "account.oidc_unlinked"]))
            .order_by(AuditLog.id))]
    assert actors == [("account.oidc_link_recorded", "cli"), ("account.oidc_unlinked", "cli")]


def test_a_second_identity_of_an_organization_already_linked_is_refused(oidc_app, provider):
    """GB 32100-2015 (domain.md B8): one credit code, one organization; its account answers to one identity."""
    from oidc_kit import KNOWN_USCC
    from factories import admin_unit

    with oidc_app.app_context():
        unit = admin_unit("national", name="长沙市")
        org = services._organization(KNOWN_USCC, "长沙已登记环保科技有限公司", unit.id, "test")
        services.create_user(username="known_ent", password=PASSWORD, display_name="周敏", role=Role.APPLICANT,
                             actor="test", organization_id=org.id)
        db.session.commit()
    _, answer = _sign_in(oidc_app, provider, "legal-person-1", uscc=KNOWN_USCC)
    assert answer.status_code == 302
    _, answer = _sign_in(oidc_app, provider, "legal-person-2", uscc=KNOWN_USCC)
    assert answer.status_code == 403 and "已关联另一个统一身份认证账号" in answer.get_data(as_text=True)
    with oidc_app.app_context():
        assert [r.data["reason"] for r in db.session.scalars(
            select(AuditLog).where(AuditLog.action == "account.oidc_refused"))] == ["linked_elsewhere"]
        assert db.session.scalar(select(IdentityLink.subject)) == "legal-person-1"


def test_a_new_enterprise_must_name_a_city_of_this_region(oidc_app, provider):
    from oidc_kit import NEW_USCC
    from factories import admin_unit

    with oidc_app.app_context():
        unit_code = admin_unit("national", code="national.yueyang", name="岳阳市").code
        db.session.commit()
    client, answer = _sign_in(oidc_app, provider, "legal-person-new", uscc=NEW_USCC, name="岳阳新能源有限公司")
    assert answer.status_code == 302 and answer.location.endswith("/login/oidc/register")
    page = client.get("/login/oidc/register").get_data(as_text=True)
    assert NEW_USCC in page and 'value="岳阳新能源有限公司"' in page
    refused = client.post("/login/oidc/register", data={"org_name": "岳阳新能源有限公司", "admin_unit": "nowhere"})
    assert refused.status_code == 422
    done = client.post("/login/oidc/register", data={"org_name": "岳阳新能源有限公司", "admin_unit": unit_code})
    assert done.status_code == 302 and client.get("/account").status_code == 200
    with oidc_app.app_context():
        from core.models import Organization

        org = db.session.scalar(select(Organization).where(Organization.uscc == NEW_USCC))
        assert org.admin_unit.code == "national.yueyang" and org.name == "岳阳新能源有限公司"
