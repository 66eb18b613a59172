"""A second factor on every path (issue 47; ASVS 4.0.3 4.3.1, GB/T 22239-2019 8.1.4.1 d): a token records whether its
owner had a second factor when it was made, and a role that must use one cannot use a token made without it. Before,
a province account's token made before enforcement still answered ``GET /api/v1/me`` 200 with a password alone."""
from __future__ import annotations

import pyotp
from sqlalchemy import select

from core.accounts import mfa, services
from core.extensions import db
from core.models import ApiToken, AuditLog, Role, User

PASSWORD = "第二因素令牌测试口令-2026-绿色工厂"


def _me(client, token, lang="zh"):
    return client.get(f"/api/v1/me?lang={lang}", headers={"Authorization": f"Bearer {token}",
                                                          "Accept-Language": lang})


def test_a_token_made_before_enforcement_stops_with_a_message_and_an_audit_entry(make_app):
    relaxed = make_app("hunan", GREENMFG_MFA_ROLES=[])
    with relaxed.app_context():
        user = services.create_user(username="province_sun", password=PASSWORD, display_name="孙处长",
                                    role=Role.PROVINCE, actor="test")
        db.session.commit()
        old_token, row = services.create_token(user, "script")
        db.session.commit()
        assert row.second_factor is False
    assert _me(relaxed.test_client(), old_token).status_code == 200  # no enforcement: works

    enforced = make_app("hunan", GREENMFG_MFA_ROLES=["province", "ministry", "admin"])
    client = enforced.test_client()
    refused = _me(client, old_token)
    assert refused.status_code == 403
    assert "第二重验证" in refused.get_data(as_text=True)
    english = _me(client, old_token, "en").get_json()
    assert "made without a second factor" in str(english)
    with enforced.app_context():
        entries = db.session.scalars(select(AuditLog).where(AuditLog.action == "token.refused")).all()
        assert len(entries) == 2 and entries[0].data["reason"] == "made_without_second_factor"

        # the owner sets the factor up: the old token still refuses, a new one works and says so
        user = db.session.scalar(select(User).where(User.username == "province_sun"))
        secret = mfa.new_secret()
        mfa.enable(user, secret, pyotp.TOTP(secret).now(), actor=user.username)
        db.session.commit()
        new_token, row = services.create_token(user, "script 2")
        db.session.commit()
        assert row.second_factor is True
        assert db.session.get(ApiToken, row.id).second_factor is True
    assert _me(client, old_token).status_code == 403
    assert _me(client, new_token).status_code == 200


def test_roles_that_need_no_second_factor_keep_their_tokens(make_app):
    app = make_app("hunan", GREENMFG_MFA_ROLES=["province", "ministry", "admin"])
    with app.app_context():
        user = services.create_user(username="expert_li", password=PASSWORD, display_name="李教授", role=Role.EXPERT,
                                    actor="test")
        db.session.commit()
        token, row = services.create_token(user, "script")
        db.session.commit()
        assert row.second_factor is False
    assert _me(app.test_client(), token).status_code == 200
