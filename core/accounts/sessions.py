"""Session lifetime and caching of signed-in pages (ASVS 4.0.3 3.3.2, 3.4.1-3.4.3, 8.2.1).

* A signed-in web session ends after ``GREENMFG_SESSION_IDLE_MINUTES`` (default 30) without a request
  and, whatever the activity, ``GREENMFG_SESSION_MAX_HOURS`` (default 12) after the log-in; the user
  is sent to the log-in page with the reason, and comes back to the page asked for.
* Every response to a signed-in user (web session or API token) carries ``Cache-Control: no-store``,
  so a shared computer's browser or a proxy keeps no copy of an application's data.
* With ``GREENMFG_HTTPS`` the session cookie is ``Secure`` and named with the ``__Host-`` prefix
  (bound to this host, path ``/``), and so are the remember-me and language cookies.

* Each sign-in is a :class:`~core.models.WebSession` row (ASVS 3.3.4): the user lists them at
  ``/account/sessions`` (when, from where, which browser) and ends any of them; the cookie carries a
  random id of which only the SHA-256 is stored, and the user loader accepts a cookie only while its
  row is open.

The session keeps two instants (seconds since the epoch): ``_t0`` set at log-in and ``_seen``
refreshed at most once a minute (with the row's ``last_seen_at``), so most requests write nothing.
"""
from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, Request, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import logout_user, user_logged_in
from sqlalchemy import select, update

from core.errors import NotFound
from core.extensions import db
from core.kernel.changes import NEUTRAL
from core.clock import now
from core.kernel.records import get_record
from core.models import User, WebSession
from core.services import audit
from core.web import pagecache
from core.web.static_versions import is_static_endpoint

#: how stale ``_seen`` may get before a request refreshes it (seconds)
REFRESH_SECONDS = 60


def apply_cookie_settings(app: Flask) -> None:
    """Secure, host-bound cookies when the instance is served over HTTPS (``GREENMFG_HTTPS``)."""
    if not app.config.get("GREENMFG_HTTPS"):
        return
    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https")
    app.config.setdefault("SESSION_COOKIE_NAME", "session")
    if not app.config["SESSION_COOKIE_NAME"].startswith("__Host-"):
        app.config["SESSION_COOKIE_NAME"] = "__Host-" + app.config["SESSION_COOKIE_NAME"]
    app.config["SESSION_COOKIE_PATH"] = "/"
    app.config["SESSION_COOKIE_DOMAIN"] = False


def sid_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _started(_app, user) -> None:
    """A sign-in: a new session row, its id in the cookie (committed at once: the log-in is done)."""
    now = int(time.time())
    sid = secrets.token_urlsafe(32)
    session["_t0"] = session["_seen"] = now
    session["_sid"] = sid
    db.session.add(WebSession(user_id=user.id, sid_hash=sid_hash(sid), address=(request.remote_addr or "")[:64],
                              agent=(request.user_agent.string or "")[:200] or None))
    db.session.commit()


def current_sid_hash() -> str | None:
    sid = session.get("_sid")
    return sid_hash(sid) if isinstance(sid, str) else None


def sessions_of(user: User) -> list[WebSession]:
    return list(db.session.scalars(select(WebSession).where(WebSession.user_id == user.id,
                                                            WebSession.ended_at.is_(None))
                                   .order_by(WebSession.last_seen_at.desc()).limit(100)))


def _end(rows, reason: str) -> None:
    at = now()
    for row in rows:
        row.ended_at, row.end_reason = at, reason


def end_session(user: User, session_id: int, actor: str) -> None:
    """The user ends one of their sessions (another browser, a lost laptop)."""
    row = get_record(WebSession, session_id)
    if row is None or row.user_id != user.id or row.ended_at is not None:
        raise NotFound("No such session.")
    _end([row], "revoked")
    audit.record(actor, "account.session_ended", "user", user.id, session=row.id)


def end_other_sessions(user: User, actor: str) -> int:
    """Every session of ``user`` but this one ends."""
    mine = current_sid_hash()
    rows = [r for r in sessions_of(user) if r.sid_hash != mine]
    _end(rows, "revoked")
    audit.record(actor, "account.other_sessions_ended", "user", user.id, sessions=[r.id for r in rows])
    return len(rows)


def end_all(user: User, reason: str) -> None:
    """Every open session row of ``user`` ends (log-out everywhere, a new password)."""
    _end(sessions_of(user), reason)


def _expired(now: int, idle: int, absolute: int, of: Mapping[str, Any] | None = None) -> str | None:
    """Why the session (``of``, default this request's) ended at ``now``, or ``None``."""
    of = session if of is None else of
    started, seen = of.get("_t0"), of.get("_seen")
    if not isinstance(started, int) or not isinstance(seen, int):
        return "missing"
    if now - started >= absolute:
        return "absolute"
    if now - seen >= idle:
        return "idle"
    return None


def _limits(app: Flask) -> tuple[int, int]:
    return (int(app.config.get("GREENMFG_SESSION_IDLE_MINUTES", 30)) * 60,
            int(app.config.get("GREENMFG_SESSION_MAX_HOURS", 12)) * 3600)


def page_identity_of(app: Flask) -> pagecache.Identity:
    """Who asks, for a kept page (:mod:`core.web.pagecache`), from the request and its session alone (before any
    request context): the API token's digest, the log-in session (user, session version and session row), or
    anonymous; with the moment the answer stops being valid. ``None`` when the request must be made afresh: the
    session expired (it is ended and the user told so) or is due to be marked as seen."""
    endless = float("inf")

    def identity(request: Request, of: Mapping[str, Any]) -> tuple[str, float] | None:
        if request.path.startswith("/api/"):  # the API never reads the session cookie
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            token = token.strip()
            if scheme.lower() == "bearer" and token:
                return "token:" + hashlib.sha256(token.encode()).hexdigest(), endless
            return pagecache.ANONYMOUS, endless
        if "_user_id" not in of:
            return pagecache.ANONYMOUS, endless
        idle, absolute = _limits(app)
        second = int(time.time())
        sid = of.get("_sid")
        if not isinstance(sid, str) or _expired(second, idle, absolute, of) is not None \
                or second - of["_seen"] >= REFRESH_SECONDS:
            return None
        return (f"session:{of['_user_id']}:{sid_hash(sid)}",
                min(of["_t0"] + absolute, of["_seen"] + REFRESH_SECONDS))
    return identity


def init_app(app: Flask) -> None:
    user_logged_in.connect(_started, app)
    pagecache.identify_with(app, page_identity_of(app))

    @app.before_request
    def _check_session_age():
        if request.path.startswith(("/static/", "/api/")) or request.endpoint == "static":
            return None
        if "_user_id" not in session:
            return None
        idle, absolute = _limits(app)
        second = int(time.time())
        why = _expired(second, idle, absolute)
        mine = current_sid_hash()
        if why is None:
            if second - session["_seen"] >= REFRESH_SECONDS:
                session["_seen"] = second
                if mine:
                    db.session.execute(update(WebSession).where(WebSession.sid_hash == mine)
                                       .values(last_seen_at=now()).execution_options(**NEUTRAL))
                    db.session.commit()
            return None
        if mine:
            db.session.execute(update(WebSession).where(WebSession.sid_hash == mine, WebSession.ended_at.is_(None))
                               .values(ended_at=now(), end_reason=why[:20]))
            db.session.commit()
        logout_user()
        session.clear()
        if why == "absolute":
            flash(_("Your session ended %(hours)d hours after you logged in; please log in again.",
                    hours=absolute // 3600), "info")
        else:
            flash(_("Your session ended after %(minutes)d minutes without activity; please log in again.",
                    minutes=idle // 60), "info")
        if request.method == "GET":
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        return redirect(url_for("accounts.login"))

    @app.after_request
    def _no_store(response):
        if is_static_endpoint(request.endpoint):  # the app's own files are no one's data (kept: static_versions)
            return response
        user = g.get("_login_user")
        signed_in = (user is not None and getattr(user, "is_authenticated", False)) or g.get("api_user") is not None
        if signed_in:
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response
