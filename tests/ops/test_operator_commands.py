"""The operator's own commands (issue 56): ``greenmfg mail test ADDRESS`` delivers to a real SMTP server
(aiosmtpd) and names a server that does not answer; ``greenmfg users reset-password USER`` and ``greenmfg users
reset-mfa USER`` reset an administrator from the server: audited, the account's sessions ended and its API tokens
dead at once."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select

from core.accounts import services
from core.cli import cli
from core.extensions import db
from core.models import ApiToken, AuditLog, Role, User, WebSession
from core.services.passwords import verify_password

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "notifications"))
from mail_kit import free_port, smtp_server  # noqa: E402

PASSWORD = "运维命令测试口令-2026-绿色工厂"


def test_mail_test_delivers_to_the_smtp_server(make_app):
    with smtp_server() as mailbox:
        app = make_app("hubei", GREENMFG_SMTP_HOST="127.0.0.1", GREENMFG_SMTP_PORT=mailbox.port,
                       GREENMFG_SMTP_FROM="noreply@greenmfg.example.cn")
        sent = app.test_cli_runner().invoke(cli, ["mail", "test", "it@hubei.example.cn"])
        assert sent.exit_code == 0, sent.output
        assert f"sent to it@hubei.example.cn through 127.0.0.1:{mailbox.port}" in sent.output
        [message] = mailbox.to("it@hubei.example.cn")
        assert message["From"] == "noreply@greenmfg.example.cn" and "test e-mail" in message["Subject"]
        assert "测试邮件" in message.get_content()
        bad = app.test_cli_runner().invoke(cli, ["mail", "test", "not an address"])
        assert bad.exit_code == 1 and "e-mail address" in bad.output
        assert len(mailbox.received) == 1


def test_mail_test_names_a_server_that_does_not_answer_and_a_missing_one(make_app):
    port = free_port()
    closed = make_app("hubei", GREENMFG_SMTP_HOST="127.0.0.1", GREENMFG_SMTP_PORT=port, GREENMFG_SMTP_TIMEOUT=2)
    failed = closed.test_cli_runner().invoke(cli, ["mail", "test", "it@hubei.example.cn"])
    assert failed.exit_code == 1 and f"not sent through 127.0.0.1:{port}" in failed.output, failed.output
    assert "ConnectionRefusedError" in failed.output
    none = make_app("hubei").test_cli_runner().invoke(cli, ["mail", "test", "it@hubei.example.cn"])
    assert none.exit_code == 1 and "GREENMFG_SMTP_HOST" in none.output


@pytest.fixture
def admin(make_app):
    """An administrator with a second factor, two API tokens and a signed-in web session."""
    app = make_app("hubei", WTF_CSRF_ENABLED=False)
    with app.app_context():
        user = services.create_user(username="admin", password=PASSWORD, display_name="管理员", role=Role.ADMIN,
                                    actor="test")
        user.totp_secret = pyotp.random_base32()
        tokens = [services.create_token(user, name)[0] for name in ("nightly export", "monitoring")]
        db.session.commit()
    browser = app.test_client()
    signed_in = browser.post("/login", data={"username": "admin", "password": PASSWORD})
    assert signed_in.status_code == 302
    return app, tokens, browser


def _works(app, token: str) -> bool:
    return app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def _audit(app) -> list[tuple[str, str, dict]]:
    with app.app_context():
        return [(a.actor, a.action, a.data or {}) for a in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]


def test_reset_mfa_removes_the_second_factor_ends_sessions_and_kills_every_token(admin):
    app, tokens, browser = admin
    assert all(_works(app, t) for t in tokens)
    done = app.test_cli_runner().invoke(cli, ["users", "reset-mfa", "ADMIN"])  # user names match in any case
    assert done.exit_code == 0, done.output
    assert "second factor removed for admin" in done.output and "2 API tokens revoked" in done.output
    assert not any(_works(app, t) for t in tokens)  # dead at once, in this process too
    assert browser.get("/account/tokens").status_code == 302  # the web session ended
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "admin"))
        assert user.totp_secret is None and user.recovery_codes is None
        assert db.session.scalar(select(ApiToken).where(ApiToken.revoked_at.is_(None))) is None
        assert db.session.scalar(select(WebSession).where(WebSession.ended_at.is_(None))) is None
    entries = [e for e in _audit(app) if e[1] in ("account.mfa_reset", "token.revoked_all")]
    assert [e[1] for e in entries] == ["account.mfa_reset", "token.revoked_all"]
    assert all(actor.startswith("cli:") for actor, _, _ in entries) and entries[1][2]["count"] == 2
    again = app.test_cli_runner().invoke(cli, ["users", "reset-mfa", "admin"])
    assert again.exit_code == 0 and "0 API tokens revoked" in again.output


def test_reset_password_gives_a_one_time_password_and_kills_every_token(admin):
    app, tokens, browser = admin
    done = app.test_cli_runner().invoke(cli, ["users", "reset-password", "admin"])
    assert done.exit_code == 0, done.output
    password = re.search(r"one-time password for admin: (\S+)", done.output).group(1)
    assert not any(_works(app, t) for t in tokens)
    assert browser.get("/account/tokens").status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "admin"))
        assert user.must_change_password and verify_password(user.password_hash, password)
        assert not verify_password(user.password_hash, PASSWORD)
    [(actor, _, data)] = [e for e in _audit(app) if e[1] == "account.password_reset"]
    assert actor.startswith("cli:") and data["channel"] == "cli" and data["tokens_revoked"] == 2
    assert password not in str(_audit(app))  # never the password


def test_an_unknown_account_is_refused_and_nothing_is_written(admin):
    app, tokens, _browser = admin
    before = len(_audit(app))
    for command in ("reset-password", "reset-mfa"):
        refused = app.test_cli_runner().invoke(cli, ["users", command, "nobody"])
        assert refused.exit_code == 2 and "No such account" in refused.output
    assert len(_audit(app)) == before and all(_works(app, t) for t in tokens)
