"""Session lifetime and caching of signed-in pages (ASVS 4.0.3 3.3.2, 3.4.1-3.4.3, 8.2.1).

* A signed-in web session ends after ``GREENMFG_SESSION_IDLE_MINUTES`` (default 30) without a request
  and, whatever the activity, ``GREENMFG_SESSION_MAX_HOURS`` (default 12) after the log-in; the user
  is sent to the log-in page with the reason, and comes back to the page asked for.
* Every response to a signed-in user (web session or API token) carries ``Cache-Control: no-store``,
  so a shared computer's browser or a proxy keeps no copy of an application's data.
* With ``GREENMFG_HTTPS`` the session cookie is ``Secure`` and named with the ``__Host-`` prefix
  (bound to this host, path ``/``), and so are the remember-me and language cookies.

The session keeps two instants (seconds since the epoch): ``_t0`` set at log-in and ``_seen``
refreshed at most once a minute, so most requests do not rewrite the cookie.
"""
from __future__ import annotations

import time
from flask import Flask, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import logout_user, user_logged_in

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


def _started(_app, user) -> None:
    now = int(time.time())
    session["_t0"] = session["_seen"] = now


def _expired(now: int, idle: int, absolute: int) -> str | None:
    started, seen = session.get("_t0"), session.get("_seen")
    if not isinstance(started, int) or not isinstance(seen, int):
        return "missing"
    if now - started >= absolute:
        return "absolute"
    if now - seen >= idle:
        return "idle"
    return None


def init_app(app: Flask) -> None:
    user_logged_in.connect(_started, app)

    @app.before_request
    def _check_session_age():
        if request.path.startswith(("/static/", "/api/")) or request.endpoint == "static":
            return None
        if "_user_id" not in session:
            return None
        idle = int(app.config.get("GREENMFG_SESSION_IDLE_MINUTES", 30)) * 60
        absolute = int(app.config.get("GREENMFG_SESSION_MAX_HOURS", 12)) * 3600
        now = int(time.time())
        why = _expired(now, idle, absolute)
        if why is None:
            if now - session["_seen"] >= REFRESH_SECONDS:
                session["_seen"] = now
            return None
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
        user = g.get("_login_user")
        signed_in = (user is not None and getattr(user, "is_authenticated", False)) or g.get("api_user") is not None
        if signed_in:
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response
