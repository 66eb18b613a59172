"""Helpers shared by the server-rendered pages of accounts and applications."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from core.accounts.permissions import Perm
from core.errors import GreenmfgError
from core.extensions import db, login_manager
from core.i18n import msgid
from core.kernel.permissions import require
from core.kernel.uow import attempt
from core.ratelimit import TOO_MANY


def login_required(perm: Perm | None = None) -> Callable:
    """Log-in required (redirect to the log-in page), then ``perm`` (403 page) when given."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if perm is not None:
                require(current_user._get_current_object(), perm)
            return view(*args, **kwargs)
        return wrapper
    return decorate


def run_and_redirect(action: Callable[[], Any], success: str | None, target: str) -> tuple[Any, Any]:
    """Run a service call and commit; ``(redirect to target, outcome)``. On a refusal roll back, flash
    its message and return ``(redirect, the error)``: nothing is saved."""
    outcome, refused = attempt(action)
    if refused:
        flash(refused.localized(), "error")
        return redirect(target), refused
    if success:
        flash(success, "info")
    return redirect(target), outcome


def show_refusal(form, exc: GreenmfgError) -> int:
    """Show a service's refusal on the form: beside the field it names, and as a message; returns the
    HTTP status to answer with (the form stays filled in)."""
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None:
        target.errors = list(target.errors) + [exc.localized()]
    flash(exc.localized(), "error")
    return exc.http_status


def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after log-in (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def install_error_pages(bp: Blueprint) -> None:
    """HTML error pages for this blueprint's routes (the API keeps its JSON errors)."""
    @bp.errorhandler(GreenmfgError)
    def _domain(exc: GreenmfgError):
        db.session.rollback()
        return render_template("accounts/error.html", status=exc.http_status, message=exc.localized(),
                               message_en=exc.localized("en"), message_zh=exc.localized("zh")), exc.http_status

    @bp.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        messages = {
            400: _("The request could not be understood. If you used a form, reload the page and try again "
                   "(the security token may have expired)."),
            403: _("Your role may not do this."),
            404: _("No such page."),
            405: _("This action is not available this way."),
            413: _("The upload is too large."),
        }
        retry_after = getattr(exc, "retry_after", None)
        if exc.code == 429:
            messages[429] = _(msgid(TOO_MANY), n=retry_after)
        message = getattr(exc, "greenmfg_message", None) or messages.get(exc.code or 500, exc.description or "")
        headers = {}
        if exc.code == 405 and getattr(exc, "valid_methods", None):
            headers["Allow"] = ", ".join(exc.valid_methods)
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        return render_template("accounts/error.html", status=exc.code, message=message), exc.code or 500, headers

