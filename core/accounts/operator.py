"""What the server's operator does to an account from the command line (issue 56): ``greenmfg users
reset-password USER`` and ``greenmfg users reset-mfa USER``, for an administrator who lost the password or the
phone and has no other administrator to ask. The operator is whoever may run commands as the service, so any
account may be reset, an administrator's too. Either way every session of the account ends, every API token it
made stops working, and the reset is audited with the operator's login name (``cli:<user>``).
"""
from __future__ import annotations

from sqlalchemy import func, select

from core.accounts import mfa
from core.accounts.resets import temporary_password
from core.accounts.services import revoke_all_tokens
from core.accounts.sessions import end_all
from core.errors import NotFound
from core.extensions import db
from core.models import User
from core.services import audit
from core.services.passwords import hash_password


def _account(username: str) -> User:
    target = db.session.scalar(select(User).where(func.lower(User.username) == (username or "").strip().lower()))
    if target is None:
        raise NotFound("No such account.")
    return target


def reset_password(username: str, actor: str) -> tuple[User, str, int]:
    """A one-time password for ``username`` (to be changed at the next log-in): the account, the password (shown
    once, never stored or audited) and how many API tokens stopped."""
    target = _account(username)
    password = temporary_password(target.username, target.display_name)
    target.password_hash = hash_password(password)
    target.must_change_password = True
    target.session_version = (target.session_version or 0) + 1
    end_all(target, "password")
    tokens = revoke_all_tokens(target, actor, "password_reset")
    audit.record(actor, "account.password_reset", "user", target.id, username=target.username,
                 role=str(target.role), channel="cli", tokens_revoked=tokens)
    return target, password, tokens


def reset_mfa(username: str, actor: str) -> tuple[User, int]:
    """Remove ``username``'s second factor (it enrols again at its next log-in, where its role requires one):
    the account and how many API tokens stopped."""
    target = _account(username)
    mfa.reset(target, actor)  # ends the sessions, audited as account.mfa_reset
    tokens = revoke_all_tokens(target, actor, "mfa_reset")
    return target, tokens
