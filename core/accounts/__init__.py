"""Accounts and roles: log-in sessions (Flask-Login), API tokens, the applications' permissions.

What a role may do is decided in one place, :mod:`core.kernel.permissions`; :mod:`core.accounts.permissions`
declares the applications' permissions and which rows a user may see; :mod:`core.accounts.services` holds
registration, log-in and tokens.
"""
from __future__ import annotations

from flask import Flask, g, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from core.accounts.sessions import current_sid_hash
from core.extensions import db, login_manager
from core.models import User, WebSession

#: the user by primary key and open session, built once (a ``Session.get`` builds and keys its query on
#: every call)
_USER_BY_SESSION = (select(User).join(WebSession, WebSession.user_id == User.id)
                    .where(User.id == bindparam("id"), WebSession.sid_hash == bindparam("sid"),
                           WebSession.ended_at.is_(None)))


def _load_user(user_id: str) -> User | None:
    """Session ids are ``<id>:<session version>``; a bumped version ends old sessions, and the
    cookie's session row (:mod:`core.accounts.sessions`) must still be open.

    One query per request (each request starts with an empty session), so a log-out, a password
    change or a session ended from another browser, in any worker, ends this one at its next request.
    """
    ident, _, version = (user_id or "").partition(":")
    sid = current_sid_hash()
    if not ident.isdigit() or not version.isdigit() or sid is None:
        return None
    user = db.session.execute(_USER_BY_SESSION, {"id": int(ident), "sid": sid}).scalar_one_or_none()
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


def api_user() -> User | None:
    """The user of the current API request, from ``Authorization: Bearer <token>`` only.

    The JSON API is exempt from CSRF, so it never accepts the session cookie.
    """
    if "api_user" not in g:
        from core.accounts.services import user_for_token

        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        g.api_user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    return g.api_user


def init_app(app: Flask) -> None:
    from core.accounts import mfa_views, obligations, sessions  # noqa: F401  (mfa_views adds its routes to bp)
    from core.accounts.views import NAV, bp
    from core.api.blueprint import use_token_authenticator
    from core.web.nav import register

    sessions.init_app(app)
    obligations.init_app(app)
    use_token_authenticator(app, api_user)
    login_manager.user_loader(_load_user)  # replaces core.web's plain-id loader
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    app.register_blueprint(bp)
    register(app, *NAV)

    @app.after_request
    def _remember_language(response):
        """``?lang=en`` switches the language for the following pages too."""
        chosen = request.args.get("lang")
        if chosen in app.config["LANGUAGES"] and request.cookies.get("lang") != chosen:
            response.set_cookie("lang", chosen, max_age=365 * 86400, samesite="Lax", httponly=True,
                                secure=bool(app.config.get("GREENMFG_HTTPS")))
        return response
