"""Security headers and bilingual error pages (ASVS 14.4, 7.4.1; ecosystem.md section 3)."""
from __future__ import annotations

from flask import Flask, g, render_template, request
from sqlalchemy.exc import DisconnectionError, OperationalError, TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from flask_babel import lazy_gettext as _l


DB_UNAVAILABLE = _l("The database is not answering at the moment; nothing was saved. Please try again in %(n)s "
                    "seconds.")
CSP = "default-src 'self'; object-src 'none'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'"


def init_security(app: Flask) -> None:
    from core.web import query_guard

    query_guard.install(app)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        retry_after = getattr(exc, "retry_after", None)
        if request.path.startswith("/api/"):  # the API's one error format (core.api.errors)
            from core.api.errors import http_error_response

            return http_error_response(exc)
        response = app.make_response((render_template("error.html", code=exc.code, name=exc.name,
                                                      retry_after=retry_after,
                                                      message=getattr(exc, "greenmfg_message", None)), exc.code))
        if exc.code == 405 and getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        response.status_code = exc.code
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(DisconnectionError)
    @app.errorhandler(PoolTimeout)
    def _database_unavailable(exc: Exception):
        """The database did not answer within its timeouts (core.config GREENMFG_DB_*): 503 with
        Retry-After, in both languages, without touching the database again (no user, no menu)."""
        from core.extensions import db

        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the connection is gone; the pool replaces it
            db.session.close()
        app.logger.warning("database unavailable, request %s: %s", g.get("request_id"), type(exc).__name__)
        retry = int(app.config.get("GREENMFG_RETRY_AFTER_SECONDS", 30))
        if request.path.startswith("/api/"):
            from core.api.errors import unavailable_response

            return unavailable_response(DB_UNAVAILABLE, retry)
        else:
            response = app.make_response(render_template("unavailable.html", retry_after=retry,
                                                         ref=g.get("request_id")))
        response.status_code = 503
        response.headers["Retry-After"] = str(retry)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error, request %s", g.get("request_id"))
        if request.path.startswith("/api/"):
            from core.api.errors import server_error_response

            return server_error_response()
        return render_template("error.html", code=500, name="Internal Server Error"), 500
