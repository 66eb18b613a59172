"""The ID token a callback receives is checked before anyone is signed in (issue 60): a forged signature, an expired
token, a nonce of another sign-in, a token for another audience and a state this browser never started are each
refused, audited and explained in Chinese (and English); a token within the allowed clock skew is accepted; PKCE's
verifier reaches the token endpoint; a provider that does not answer leaves the password form usable.

The provider here is tests/oidc/crafted_provider.py: real HTTP on the loopback, a real JWKS and real RS256
signatures, answering with the token each test crafts (what a certified provider never sends; the certified
provider itself signs in the browser tests, test_oidc_browser.py). The app's callback, Authlib and joserfc run
unchanged. The credit code claims follow GB 32100-2015 (domain.md B8).
"""
from __future__ import annotations

import base64
import hashlib
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc.jwk import RSAKey
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from oidc_kit import CLIENT_ID, CLIENT_SECRET, KNOWN_USCC, free_port  # noqa: E402
from crafted_provider import KID, crafted_provider  # noqa: E402

from core.accounts import services  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import AuditLog, Organization, User  # noqa: E402
from core.models.identity import IdentityLink  # noqa: E402

PASSWORD = "统一身份认证测试口令-2025-绿色工厂"


@pytest.fixture
def provider():
    with crafted_provider() as found:
        yield found


@pytest.fixture
def oidc_app(make_app, provider):
    app = make_app("national", GREENMFG_OIDC_ISSUER=provider.issuer, GREENMFG_OIDC_CLIENT_ID=CLIENT_ID,
                   GREENMFG_OIDC_CLIENT_SECRET=CLIENT_SECRET, GREENMFG_OIDC_SCOPES=["openid", "profile", "uscc"])
    with app.app_context():
        from factories import admin_unit

        unit = admin_unit("national", name="长沙市")
        org = services._organization(KNOWN_USCC, "长沙已登记环保科技有限公司", unit.id, "test")
        services.create_user(username="known_ent", password=PASSWORD, display_name="周敏", role="applicant",
                             actor="test", organization_id=org.id)
        db.session.commit()
    return app


def _start(client, provider):
    """The button: to the provider with code, PKCE S256, state and nonce; the provider will sign the nonce sent."""
    answer = client.get("/login/oidc")
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    query = {k: v[0] for k, v in parse_qs(urlsplit(answer.location).query).items()}
    assert answer.location.startswith(provider.issuer + "/auth?")
    assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["state"] and query["nonce"] and query["scope"] == "openid profile uscc"
    provider.nonce = query["nonce"]
    return query


def _callback(client, query, state=None):
    return client.get(f"/login/oidc/callback?code=crafted-code&state={state or query['state']}")


def _refusals(app) -> list[dict]:
    with app.app_context():
        return [row.data for row in db.session.scalars(select(AuditLog).where(AuditLog.action == "account.oidc_refused"))]


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_a_valid_token_signs_the_enterprise_in_and_pkce_verifier_reaches_the_token_endpoint(oidc_app, provider):
    client = oidc_app.test_client()
    query = _start(client, provider)
    provider.claims = {"uscc": KNOWN_USCC, "name": "长沙已登记环保科技有限公司"}
    answer = _callback(client, query)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:800]
    sent = provider.token_requests[-1]
    verifier = sent["code_verifier"][0]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert challenge == query["code_challenge"] and sent["code"] == ["crafted-code"]
    assert _signed_in(client)
    with oidc_app.app_context():
        link = db.session.scalar(select(IdentityLink))
        assert (link.user.username, link.subject) == ("known_ent", "crafted-subject")


@pytest.mark.parametrize("case, reason, words", [
    ("forged", "signature", "签名不是统一身份认证平台的"),
    ("expired", "expired", "ID 令牌已过期"),
    ("nonce", "nonce", "nonce 不符"),
    ("audience", "audience", "受众不是本平台"),
    ("issuer", "issuer", "不是由所配置的认证平台签发的"),
])
def test_a_crafted_id_token_is_refused_audited_and_explained(oidc_app, provider, case, reason, words):
    client = oidc_app.test_client()
    query = _start(client, provider)
    provider.claims = {"uscc": KNOWN_USCC}
    if case == "forged":  # the same key id, another key: what a forger without the provider's key can make
        other = RSAKey.generate_key(2048, parameters={"kid": KID})
        provider.make_id_token = lambda claims: provider.sign(claims, other)
    elif case == "expired":  # ten minutes past its expiry: beyond the 60 s of clock skew allowed
        provider.claims.update(exp=int(time.time()) - 600, iat=int(time.time()) - 900)
    elif case == "nonce":  # a token of another sign-in, replayed
        provider.claims.update(nonce="a-nonce-of-another-sign-in")
    elif case == "audience":
        provider.claims.update(aud="another-system")
    elif case == "issuer":
        provider.claims.update(iss="http://127.0.0.1:1/another-issuer")
    answer = _callback(client, query)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 403
    assert "统一身份认证登录被拒绝" in page and words in page
    assert 'name="password"' in page  # the password form is still there
    assert not _signed_in(client)
    refused = _refusals(oidc_app)
    assert [r["reason"] for r in refused] == [reason]
    with oidc_app.app_context():
        assert db.session.scalar(select(IdentityLink)) is None


def test_the_refusal_reads_in_english_for_an_english_page(oidc_app, provider):
    client = oidc_app.test_client()
    client.get("/?lang=en")
    query = _start(client, provider)
    provider.claims = {"uscc": KNOWN_USCC, "exp": int(time.time()) - 600}
    page = _callback(client, query).get_data(as_text=True)
    assert "The sign-in through the unified identity service was refused: the ID token has expired." in page


def test_a_token_within_the_clock_skew_is_accepted(oidc_app, provider):
    """30 s past its expiry is within GREENMFG_OIDC_LEEWAY_SECONDS (60): a provider's clock a little ahead."""
    client = oidc_app.test_client()
    query = _start(client, provider)
    provider.claims = {"uscc": KNOWN_USCC, "exp": int(time.time()) - 30}
    assert _callback(client, query).status_code == 302
    assert _signed_in(client) and _refusals(oidc_app) == []


def test_a_state_this_browser_did_not_start_is_refused(oidc_app, provider):
    client = oidc_app.test_client()
    query = _start(client, provider)
    provider.claims = {"uscc": KNOWN_USCC}
    answer = _callback(client, query, state="a-state-from-another-browser")
    assert answer.status_code == 403 and "无法与此浏览器对应" in answer.get_data(as_text=True)
    assert provider.token_requests == []  # the code was never exchanged
    assert [r["reason"] for r in _refusals(oidc_app)] == ["state"]
    other = oidc_app.test_client()  # the callback in a browser that never started a sign-in
    assert _callback(other, query).status_code == 403


def test_a_provider_that_does_not_answer_leaves_the_password_form(make_app):
    app = make_app("national", GREENMFG_OIDC_ISSUER=f"http://127.0.0.1:{free_port()}",
                   GREENMFG_OIDC_CLIENT_ID=CLIENT_ID, GREENMFG_OIDC_CLIENT_SECRET=CLIENT_SECRET,
                   GREENMFG_OIDC_TIMEOUT_SECONDS=2)
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    assert "统一身份认证登录" in login and 'id="oidc-login"' in login
    answer = client.get("/login/oidc")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 503
    assert "统一身份认证平台无响应" in page and "请使用用户名和密码登录" in page and 'name="password"' in page
    client.get("/?lang=en")
    page = client.get("/login/oidc").get_data(as_text=True)
    assert "The unified identity service does not answer" in page


def test_without_settings_there_is_no_button_and_no_route(make_app):
    app = make_app("national")
    client = app.test_client()
    assert 'id="oidc-login"' not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/oidc").status_code == 404
    assert client.get("/login/oidc/callback?code=x&state=y").status_code == 404


def test_the_deployer_can_hide_the_button(make_app, provider):
    app = make_app("national", GREENMFG_OIDC_ISSUER=provider.issuer, GREENMFG_OIDC_CLIENT_ID=CLIENT_ID,
                   GREENMFG_OIDC_CLIENT_SECRET=CLIENT_SECRET, GREENMFG_OIDC_BUTTON=False)
    assert 'id="oidc-login"' not in app.test_client().get("/login").get_data(as_text=True)


def test_user_count_unchanged_by_refusals(oidc_app, provider):
    """A refused token makes no account and no organization."""
    with oidc_app.app_context():
        before = (db.session.query(User).count(), db.session.query(Organization).count())
    client = oidc_app.test_client()
    query = _start(client, provider)
    provider.claims = {"uscc": "91430100MA4L00000X", "nonce": "other"}
    assert _callback(client, query).status_code == 403
    with oidc_app.app_context():
        assert (db.session.query(User).count(), db.session.query(Organization).count()) == before
