"""Accounts and roles: log-in sessions (Flask-Login), API tokens, the applications' permissions.

What a role may do is decided in one place, :mod:`core.kernel.permissions`; :mod:`core.accounts.permissions`
declares the applications' permissions and which rows a user may see; :mod:`core.accounts.services` holds
registration, log-in and tokens.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import Flask, current_app, g, has_app_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select

from core.accounts.remembered import attached, columns_of
from core.accounts.sessions import current_sid_hash
from core.extensions import db, login_manager
from core.kernel.memo import remembered
from core.models import User, WebSession

#: what features asked the loader to read in its statement: name -> (columns of ``User.id``, request-wide)
_READS_KEY = "greenmfg_user_reads"
_QUERY_KEY = "greenmfg_user_query"


def read_with_user(app: Flask, name: str, columns: Callable[[Any], Sequence[Any]], *,
                   request_wide: bool = False) -> None:
    """Have the user loader read ``columns(User.id)`` (scalar subqueries, correlated to the user or not)
    in its one statement, so a number every signed-in page shows costs no statement of its own.

    The value (the one column's, or a tuple of them) is :func:`read_for` the loaded user; with
    ``request_wide`` it is also ``g.<name>`` (a value the feature would otherwise read once a request).
    Call it from the feature's ``init_app``.
    """
    app.extensions.setdefault(_READS_KEY, {})[name] = (columns, request_wide)
    app.extensions.pop(_QUERY_KEY, None)


def read_for(user: Any, name: str) -> Any:
    """What the loader read as ``name`` with ``user`` in this request; ``None`` when it did not (another
    user, no request, a user loaded otherwise)."""
    reads = g.get(_READS_KEY) if has_app_context() else None
    if reads is None or reads[0] != getattr(user, "id", None):
        return None
    return reads[1].get(name)


def forget_read(name: str) -> None:
    """What the loader read as ``name`` is out of date (the request changed it): :func:`read_for` answers
    ``None`` from now on, and the feature reads it again."""
    reads = g.get(_READS_KEY) if has_app_context() else None
    if reads is not None:
        reads[1].pop(name, None)


def _user_query() -> tuple[Select, list[tuple[str, int, bool]]]:
    """The user by primary key and open session, with what features asked to read beside it
    (:func:`read_with_user`); built once per app (building and keying a query costs more than running it)."""
    built = current_app.extensions.get(_QUERY_KEY)
    if built is None:
        columns, layout = [], []
        for name, (make, request_wide) in current_app.extensions.get(_READS_KEY, {}).items():
            made = list(make(User.id))
            layout.append((name, len(made), request_wide))
            columns.extend(made)
        query = (select(User, *columns).join(WebSession, WebSession.user_id == User.id)
                 .where(User.id == bindparam("id"), WebSession.sid_hash == bindparam("sid"),
                        WebSession.ended_at.is_(None)))
        built = current_app.extensions[_QUERY_KEY] = (query, layout)
    return built


def _read_user(ident: int, sid: str, fresh: list[User]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The user of an open session and what features asked to read beside it, as plain values; the loaded
    instance goes to ``fresh``."""
    query, layout = _user_query()
    row = db.session.execute(query, {"id": ident, "sid": sid}).one_or_none()
    if row is None:
        return None
    user = row[0]
    fresh.append(user)
    values, at = {}, 1
    for name, width, _request_wide in layout:
        values[name] = row[at] if width == 1 else tuple(row[at:at + width])
        at += width
    return columns_of(user), values


def _load_user(user_id: str) -> User | None:
    """Session ids are ``<id>:<session version>``; a bumped version ends old sessions, and the
    cookie's session row (:mod:`core.accounts.sessions`) must still be open.

    One statement per request (each request starts with an empty session), so a log-out, a password
    change or a session ended from another browser, in any worker, ends this one at its next request;
    it also reads what features registered with :func:`read_with_user` (the inbox's unread count...).
    A reading request takes what an earlier request of this process read while nothing was written since
    (:mod:`core.kernel.memo`): each of those changes is a write.
    """
    ident, _, version = (user_id or "").partition(":")
    sid = current_sid_hash()
    if not ident.isdigit() or not version.isdigit() or sid is None:
        return None
    fresh: list[User] = []
    found = remembered("accounts.user", (int(ident), sid), lambda: _read_user(int(ident), sid, fresh))
    if found is None:
        return None
    columns, read = found
    user = fresh[0] if fresh else attached(columns)
    if user.session_version != int(version) or not user.active:
        return None
    _query, layout = _user_query()
    for name, _width, request_wide in layout:
        if request_wide and name not in g:
            setattr(g, name, read[name])
    setattr(g, _READS_KEY, (user.id, dict(read)))
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
    from core.accounts import oidc_views

    oidc_views.init_app(app)  # sign-in through the province's unified identity service (issue 60)

    @app.after_request
    def _remember_language(response):
        """``?lang=en`` switches the language for the following pages too."""
        chosen = request.args.get("lang")
        if chosen in app.config["LANGUAGES"] and request.cookies.get("lang") != chosen:
            response.set_cookie("lang", chosen, max_age=365 * 86400, samesite="Lax", httponly=True,
                                secure=bool(app.config.get("GREENMFG_HTTPS")))
        return response
