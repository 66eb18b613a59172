"""The pages of the sign-in through the unified identity service (:mod:`core.accounts.oidc`): the button's start,
the provider's callback, a new enterprise's one question (its city), and the officers' links page."""
from __future__ import annotations

import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from sqlalchemy import func, select
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from core.accounts import oidc
from core.accounts.forms import EmptyForm, LoginForm
from core.accounts.mfa_pending import defer_login
from core.accounts.permissions import looks_after_accounts
from core.accounts.web import (
    install_error_pages,
    login_required,
    safe_next,
    show_refusal,
)
from core.errors import GreenmfgError
from core.extensions import db
from core.kernel.forms import PageForm
from core.models import User
from core.ratelimit import limit

bp = Blueprint("oidc", __name__, template_folder="templates")
install_error_pages(bp)

#: the session keys of a sign-in through the service: where to go after it; a new enterprise's verified identity
_NEXT, _REGISTER = "oidc_next", "oidc_register"
#: set on a session signed in through the service (sign-out then ends the provider's session too); and when the
#: provider said it used a second factor (the obligation to set up greenmfg's own is then met:
#: core.accounts.obligations)
SIGNED_IN_BY, SECOND_FACTOR = "signed_in_by", "second_factor_by_provider"


class EnterpriseForm(PageForm):
    org_name = StringField(_l("Organization name"), validators=[DataRequired(), Length(min=2, max=200)])
    admin_unit = SelectField(_l("City (administrative unit)"), validators=[DataRequired()])


class StaffLinkForm(PageForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=80)])
    staff_key = StringField(_l("Unified identity (the value of its claim)"), validators=[DataRequired(),
                                                                                        Length(max=255)])


def _login_page(status: int):
    """The password form, with what was flashed (the service refused or is down): it stays usable."""
    return render_template("accounts/login.html", form=LoginForm(formdata=None)), status


def _finish(user: User, second_factor: bool, next_url: str | None):
    """Sign ``user`` in as the password form does: an account with greenmfg's own second factor gives its code
    unless the provider said it used one."""
    if user.totp_secret and not second_factor:
        return defer_login(user, next_url)
    session.clear()
    login_user(user)
    session[SIGNED_IN_BY] = "oidc"
    if second_factor:
        session[SECOND_FACTOR] = True
    from core.accounts.views import home_for

    return redirect(safe_next(next_url) or home_for(user))


@bp.get("/login/oidc")
@limit("login")
def start():
    """The 统一身份认证登录 button: to the provider's authorization endpoint (code, PKCE S256, state, nonce)."""
    if not oidc.configured():
        abort(404)
    try:
        oidc.metadata()
    except oidc.ProviderDown as exc:
        flash(exc.localized(), "error")
        return _login_page(exc.http_status)
    session[_NEXT] = safe_next(request.args.get("next"))
    return oidc.client().authorize_redirect(url_for("oidc.callback", _external=True))


@bp.get("/login/oidc/callback")
@limit("login")
def callback():
    if not oidc.configured():
        abort(404)
    next_url = session.get(_NEXT)
    try:
        identity = oidc.verified_identity(request.remote_addr)
        outcome = oidc.resolve(identity, request.remote_addr)
    except oidc.ProviderDown as exc:
        db.session.rollback()
        flash(exc.localized(), "error")
        return _login_page(exc.http_status)
    except GreenmfgError as exc:
        db.session.commit()  # the refusal is audited
        flash(exc.localized(), "error")
        return _login_page(exc.http_status)
    db.session.commit()
    if outcome.register is not None:
        session[_REGISTER] = outcome.register
        return redirect(url_for("oidc.register"))
    return _finish(outcome.user, identity.second_factor, next_url)


@bp.route("/login/oidc/register", methods=["GET", "POST"])
@limit("login")
def register():
    """A new enterprise's first sign-in: its credit code came from the service; it names its city (and may correct
    the name the service gave) once, and its organization and account are made."""
    from core.accounts.views import _unit_choices

    pending = session.get(_REGISTER)
    if not pending or int(time.time()) - int(pending.get("at", 0)) > oidc.REGISTER_SECONDS:
        session.pop(_REGISTER, None)
        flash(_("The sign-in is too old: please sign in through the unified identity service again."), "error")
        return redirect(url_for("accounts.login"))
    form = EnterpriseForm(data={"org_name": pending.get("name") or ""} if request.method == "GET" else None)
    form.admin_unit.choices = _unit_choices()
    status = 200
    if form.validate_on_submit():
        try:
            user = oidc.register_enterprise(pending, form.org_name.data, form.admin_unit.data, request.remote_addr)
        except oidc.SignInRefused as exc:
            db.session.commit()  # only the refusal's audit entry was written
            session.pop(_REGISTER, None)
            flash(exc.localized(), "error")
            return _login_page(exc.http_status)
        except GreenmfgError as exc:
            db.session.rollback()
            status = show_refusal(form, exc)
        else:
            db.session.commit()
            flash(_("Your account is ready. You can now start an application."), "info")
            return _finish(user, bool(pending.get("second_factor")), session.get(_NEXT))
    elif request.method == "POST":
        status = 422
    return render_template("accounts/oidc_register.html", form=form, uscc=pending["uscc"]), status


@bp.get("/logout/unified-identity")
def signed_out():
    """After signing out of a session opened through the service: a link to the provider's end-session endpoint
    (RP-initiated logout), which signs the browser out of the service as well. A link, not a redirect: the page's
    Content-Security-Policy (form-action 'self') stops a sign-out form's redirect to another site."""
    if not session.pop("oidc_signed_out", None) or not oidc.configured():
        return redirect(url_for("web.home"))
    target = oidc.end_session_url(url_for("web.home", _external=True))
    if target is None:
        return redirect(url_for("web.home"))
    return render_template("accounts/oidc_signed_out.html", target=target)


# ---------------------------------------------------------------- officers --


def _officer() -> User:
    officer = current_user._get_current_object()
    if not oidc.configured() or not looks_after_accounts(officer):
        abort(403 if oidc.configured() else 404)
    return officer


@bp.route("/admin/identity-links", methods=["GET", "POST"])
@login_required()
def links():
    """The links of the accounts an officer looks after; record a staff member's identity; unlink."""
    officer = _officer()
    form = StaffLinkForm()
    status = 200
    if form.validate_on_submit():
        target = db.session.scalar(select(User).where(func.lower(User.username) == form.username.data.strip().lower()))
        try:
            if target is None:
                from core.errors import InvalidInput

                raise InvalidInput("No such account.", field="username")
            oidc.link_staff(officer, target, form.staff_key.data)
        except GreenmfgError as exc:
            db.session.rollback()
            status = show_refusal(form, exc)
        else:
            db.session.commit()
            flash(_("The identity is recorded: the account is linked at its first sign-in through the unified "
                    "identity service."), "info")
            return redirect(url_for("oidc.links"))
    elif request.method == "POST":
        status = 422
    return render_template("accounts/oidc_links.html", form=form, rows=oidc.links_page(officer),
                           unlink_form=EmptyForm(), claim=current_app.config.get("GREENMFG_OIDC_CLAIM_STAFF")), status


@bp.post("/admin/identity-links/<int:user_id>/unlink")
@login_required()
def unlink(user_id: int):
    officer = _officer()
    if EmptyForm().validate_on_submit():
        target = db.session.get(User, user_id)
        try:
            if target is None:
                from core.errors import NotFound

                raise NotFound("No such account.")
            oidc.unlink(officer, target)
        except GreenmfgError as exc:
            db.session.rollback()
            flash(exc.localized(), "error")
        else:
            db.session.commit()
            flash(_("The account is unlinked from its unified identity."), "info")
    return redirect(url_for("oidc.links"))


def init_app(app) -> None:
    oidc.init_app(app)
    app.register_blueprint(bp)
    app.add_template_global(lambda: oidc.offered(), "oidc_offered")
    app.add_template_global(lambda user: oidc.link_of(user) if oidc.configured() else None, "identity_link_of")
