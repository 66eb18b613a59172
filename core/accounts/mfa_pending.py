"""A log-in half-way: the password accepted, the second factor's code not given yet (:mod:`core.accounts.mfa`).

The log-in page (:mod:`core.accounts.views`) hands the user over with :func:`defer_login`; the code page
(:mod:`core.accounts.mfa_views`) reads who is waiting with :func:`pending_user`.
"""
from __future__ import annotations

import time

from flask import redirect, session, url_for

from core.accounts.web import safe_next
from core.extensions import db
from core.models import User

#: a password accepted this long ago still waits for its code; then the log-in starts again
PENDING_SECONDS = 300


def defer_login(user: User, next_url: str | None):
    """After the password: remember who is half-way in and ask for the code."""
    session.clear()
    session["mfa_pending"] = {"user": f"{user.id}:{user.session_version}", "at": int(time.time()),
                              "next": safe_next(next_url)}
    return redirect(url_for("accounts.mfa_verify"))


def pending_user() -> User | None:
    """The user whose password was accepted less than :data:`PENDING_SECONDS` ago, still active and enrolled
    and with the same session version; else ``None``."""
    pending = session.get("mfa_pending") or {}
    ident, _, version = str(pending.get("user", "")).partition(":")
    if not ident.isdigit() or int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.active or str(user.session_version) != version or not user.totp_secret:
        return None
    return user
