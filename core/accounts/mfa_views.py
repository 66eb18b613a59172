"""The second factor's pages: the code asked after the password, and enrolment (:mod:`core.accounts.mfa`).
That staff roles enrol before doing anything else is :mod:`core.accounts.obligations`."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from core.accounts import mfa
from core.accounts.forms import CodeForm
from core.accounts.mfa_pending import pending_user
from core.accounts.permissions import second_factor_required
from core.accounts.views import bp, home_for
from core.accounts.web import login_required, show_refusal
from core.errors import GreenmfgError
from core.extensions import db
from core.ratelimit import limit


@bp.route("/login/verify", methods=["GET", "POST"])
@limit("login")
def mfa_verify():
    user = pending_user()
    if user is None:
        session.pop("mfa_pending", None)
        flash(_("Please log in again."), "info")
        return redirect(url_for("accounts.login"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        ok = mfa.verify(user, form.code.data)
        db.session.commit()
        if ok:
            target = session.get("mfa_pending", {}).get("next")
            session.clear()
            login_user(user)
            return redirect(target or home_for(user))
        form.code.errors = list(form.code.errors) + [_("The code is wrong or was already used.")]
        status = 401
    elif request.method == "POST":
        status = 422
    return render_template("accounts/mfa_verify.html", form=form), status


@bp.route("/account/mfa", methods=["GET", "POST"])
@login_required()
def mfa_setup():
    user = current_user._get_current_object()
    if mfa.enabled(user):
        return render_template("accounts/mfa_setup.html", enabled=True, required=second_factor_required(user))
    secret = session.get("mfa_secret") or mfa.new_secret()
    session["mfa_secret"] = secret
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            codes = mfa.enable(user, secret, form.code.data, user.username)
        except GreenmfgError as exc:
            db.session.rollback()
            status = show_refusal(form, exc)
        else:
            db.session.commit()
            session.pop("mfa_secret", None)
            login_user(user)  # the new session version: sessions opened before the second factor end
            return render_template("accounts/mfa_codes.html", codes=codes)
    elif request.method == "POST":
        status = 422
    uri = mfa.provisioning_uri(user, secret)
    return render_template("accounts/mfa_setup.html", enabled=False, required=second_factor_required(user), form=form,
                           secret=secret, qr=mfa.qr_svg(uri)), status
