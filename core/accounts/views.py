"""Log-in, log-out, applicant registration and API tokens (server-rendered, CSRF-protected)."""
from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from core.accounts import services
from core.accounts.forms import EmptyForm, LoginForm, PasswordChangeForm, RegisterForm, ResetForm, TokenForm
from core.accounts.mfa_pending import defer_login
from core.accounts.permissions import Perm, looks_after_accounts, second_factor_required
from core.accounts.web import install_error_pages, login_required, run_and_redirect, safe_next, show_refusal
from core.errors import GreenmfgError
from core.extensions import db
from core.kernel.permissions import may
from core.kernel.rules import region_rules
from core.models import AdminUnit
from core.ratelimit import limit
from core.web.nav import NavLink

bp = Blueprint("accounts", __name__, template_folder="templates")

NAV = (
    NavLink(endpoint="accounts.account", label=_l("My account"), order=89),
    NavLink(endpoint="accounts.login", label=_l("Log in"), audience="visitors", order=91),
    NavLink(endpoint="accounts.register", label=_l("Register"), audience="visitors", order=92),
)
install_error_pages(bp)


#: where an account lands after log-in: the page of the first of these permissions it holds (the review
#: feature's by code: it sits above accounts), its main task page; the province, the ministry and the admin, whose
#: work spans several pages, land on the home page's to-do list (:mod:`core.web.todo`)
LANDING = (
    (Perm.APPLICATION_CREATE, "applications.mine"),
    (Perm.APPLICATION_REVIEW, "applications.city_queue"),
    ("engagement.decide", "review.engagements"),  # its evaluation requests and engagements, each with its case file
    ("expert.score", "review.my_assignments"),  # its reviews, each opening the application beside the score form
)


def home_for(user) -> str:
    """Where ``user`` lands after log-in (:data:`LANDING`)."""
    for perm, endpoint in LANDING:
        if may(user, perm):
            return url_for(endpoint)
    return url_for("web.home")


@bp.route("/login", methods=["GET", "POST"])
@limit("login")
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data, form.password.data, request.remote_addr)
        except GreenmfgError as exc:
            db.session.commit()  # the failure is counted and audited
            flash(exc.localized(), "error")
            if exc.http_status == 429:
                response = current_app.make_response((render_template("accounts/login.html", form=form), 429))
                response.headers["Retry-After"] = str(getattr(exc, "retry_after", 60))
                return response
            status = 401
        else:
            db.session.commit()
            if user.totp_secret:  # the password is half the way in (core.accounts.mfa_views)
                return defer_login(user, request.args.get("next"))
            session.clear()  # nothing from before the log-in survives it
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or home_for(user))
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.get("/logout")
@login_required()
def logout_page():
    """The log-out button (a POST with the CSRF token), one click from the header's link.

    The header links here rather than holding the form itself, so that pages without a form
    neither sign a CSRF token nor write it into the session cookie.
    """
    return render_template("accounts/logout.html", form=EmptyForm())


@bp.post("/logout")
@login_required()
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        by_provider = session.get("signed_in_by") == "oidc"
        services.end_sessions(current_user._get_current_object(), current_user.username)
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("You are logged out."), "info")
        if by_provider:  # signed in through the unified identity service: offer to end its session too
            session["oidc_signed_out"] = True
            return redirect(url_for("oidc.signed_out"))
    return redirect(url_for("web.home"))


def _unit_choices():
    rules = region_rules()
    units = db.session.scalars(select(AdminUnit).where(AdminUnit.region == rules.region_code, AdminUnit.active)
                               .order_by(AdminUnit.code))
    from core.formfields import choice

    return [choice("", "—")] + [choice(u.code, u.name) for u in units]


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Registrations count against the address's allowance when they succeed (a typo costs nothing);
    past it the form stays filled in, with how long to wait (429)."""
    from core.ratelimit import TOO_MANY, count_registration, register_wait

    form = RegisterForm()
    form.admin_unit.choices = _unit_choices()
    status = 200
    wait = register_wait(request.remote_addr or "unknown") if request.method == "POST" else None
    if wait is not None:
        seconds = max(1, int(wait + 0.999))
        flash(str(TOO_MANY) % {"n": seconds}, "error")
        response = current_app.make_response((render_template("accounts/register.html", form=form), 429))
        response.headers["Retry-After"] = str(seconds)
        return response
    if form.validate_on_submit():
        try:
            user = services.register_applicant(
                username=form.username.data, password=form.password.data, display_name=form.display_name.data,
                uscc=form.uscc.data, org_name=form.org_name.data, admin_unit_code=form.admin_unit.data,
                legal_representative=form.legal_representative.data, address=form.address.data,
                choices={"email": form.email.data, "by_email": form.by_email.data,
                         "language": form.language.data or None})
        except GreenmfgError as exc:
            db.session.rollback()
            status = show_refusal(form, exc)
        else:
            db.session.commit()
            count_registration(request.remote_addr or "unknown")
            session.clear()
            login_user(user)
            flash(_("Your account is ready. You can now start an application."), "info")
            if (form.email.data or "").strip():
                flash(_("We sent a link to %(email)s: open it to receive your messages there.",
                        email=form.email.data.strip()), "info")
            return redirect(url_for("applications.mine"))
    elif request.method == "POST":
        status = 422
    return render_template("accounts/register.html", form=form), status


@bp.get("/account")
@login_required()
def account():
    """One's own account: password, second factor, sessions, API tokens (and, for officers, resets)."""
    from core.accounts import mfa
    from core.kernel.permissions import may

    user = current_user._get_current_object()
    links = [("accounts.password", _("Change password")), ("accounts.mfa_setup", _("Second factor")),
             ("accounts.web_sessions", _("Signed-in sessions"))]
    if may(user, Perm.TOKENS):
        links.append(("accounts.tokens", _("API tokens")))
    if looks_after_accounts(user):
        links.append(("accounts.reset", _("Reset a password")))
        from core.accounts.oidc import configured

        if configured():  # the unified identity service's links (core.accounts.oidc_views)
            links.append(("oidc.links", _("Unified identity links")))
    return render_template("accounts/account.html", links=links, mfa_on=mfa.enabled(user),
                           mfa_required=second_factor_required(user))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required()
@limit("login")
def password():
    """Change one's own password (ASVS 2.1.5, 2.1.6): the current one asked again; other sessions end."""
    form = PasswordChangeForm()
    status = 200
    user = current_user._get_current_object()
    if form.validate_on_submit():
        try:
            services.change_password(user, form.old_password.data, form.new_password.data)
        except GreenmfgError as exc:
            db.session.commit()  # a wrong current password is audited
            status = show_refusal(form, exc)
        else:
            db.session.commit()
            session.clear()
            login_user(user)  # this session goes on under the new session version; every other one ended
            flash(_("Your password is changed. Your other sessions have ended."), "info")
            return redirect(home_for(user))
    elif request.method == "POST":
        status = 422
    return render_template("accounts/password.html", form=form), status


@bp.route("/account/reset", methods=["GET", "POST"])
@login_required()
def reset():
    """An officer resets a password (a firm of the city, staff for the province or an administrator);
    the one-time password is shown once, to hand over; the account must change it at its next log-in."""
    from flask import abort

    from core.accounts.resets import reset_password

    officer = current_user._get_current_object()
    if not looks_after_accounts(officer):
        abort(403)
    form = ResetForm()
    status, done = 200, None
    if form.validate_on_submit():
        try:
            target, password = reset_password(officer, form.username.data)
        except GreenmfgError as exc:
            db.session.rollback()
            exc.field = exc.field or "username"
            status = show_refusal(form, exc)
        else:
            db.session.commit()
            done = {"username": target.username, "display_name": target.display_name, "password": password}
    elif request.method == "POST":
        status = 422
    return render_template("accounts/reset.html", form=form, done=done), status


@bp.get("/account/sessions")
@login_required()
def web_sessions():
    """The user's open sessions: when, from where, which browser; end any of them (ASVS 3.3.4)."""
    from core.accounts.sessions import current_sid_hash, sessions_of

    user = current_user._get_current_object()
    return render_template("accounts/sessions.html", rows=sessions_of(user), mine=current_sid_hash(),
                           form=EmptyForm())


@bp.post("/account/sessions/<int:session_id>/end")
@login_required()
def end_web_session(session_id: int):
    from core.accounts.sessions import end_session

    if EmptyForm().validate_on_submit():
        user = current_user._get_current_object()
        run_and_redirect(lambda: end_session(user, session_id, user.username), _("The session is ended."),
                         url_for("accounts.web_sessions"))
    return redirect(url_for("accounts.web_sessions"))


@bp.post("/account/sessions/end-others")
@login_required()
def end_other_web_sessions():
    from core.accounts.sessions import end_other_sessions

    if EmptyForm().validate_on_submit():
        user = current_user._get_current_object()
        run_and_redirect(lambda: end_other_sessions(user, user.username), _("Your other sessions are ended."),
                         url_for("accounts.web_sessions"))
    return redirect(url_for("accounts.web_sessions"))


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required(Perm.TOKENS)
def tokens():
    form = TokenForm()
    new_token = None
    user = current_user._get_current_object()
    if form.validate_on_submit():
        new_token, _row = services.create_token(user, form.name.data, form.days.data)
        db.session.commit()
    return render_template("accounts/tokens.html", form=form, new_token=new_token, tokens=services.tokens_of(user),
                           revoke_form=EmptyForm())


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required(Perm.TOKENS)
def revoke(token_id: int):
    if EmptyForm().validate_on_submit():
        services.revoke_token(current_user._get_current_object(), token_id)
        db.session.commit()
        flash(_("The token is revoked."), "info")
    return redirect(url_for("accounts.tokens"))
