"""What a signed-in account must do before anything else, in this order:

1. choose its own password after an officer's reset (:mod:`core.accounts.resets`);
2. for the roles that require one, set up the second factor (:mod:`core.accounts.mfa`).

One hook checks both, so the two never send a user back and forth between their pages.
"""
from __future__ import annotations

from flask import Flask, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts import mfa
from core.accounts.permissions import second_factor_required

#: pages an account with an obligation may still reach
_ALWAYS_OPEN = frozenset({"accounts.logout", "accounts.logout_page", "static", "web.static"})
_MFA_OPEN = frozenset({"accounts.mfa_setup", "accounts.mfa_verify", "accounts.login"})


def init_app(app: Flask) -> None:
    @app.before_request
    def _obligations_first():
        if request.path.startswith(("/static/", "/api/")) or "_user_id" not in session \
                or request.endpoint in _ALWAYS_OPEN:
            return None
        user = current_user._get_current_object()
        if not getattr(user, "is_authenticated", False):
            return None
        if user.must_change_password:
            if request.endpoint == "accounts.password":
                return None
            flash(_("Your password was reset: choose your own password before you continue."), "info")
            return redirect(url_for("accounts.password"))
        if second_factor_required(user) and not mfa.enabled(user) and request.endpoint not in _MFA_OPEN \
                and not session.get("second_factor_by_provider"):  # core.accounts.oidc_views: the provider's
            flash(_("Your role must use a second factor: set it up before you continue."), "info")
            return redirect(url_for("accounts.mfa_setup"))
        return None
