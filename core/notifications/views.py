"""The inbox (``/inbox``: list, one message, mark read, mark all read) and the user's own notification
settings (``/inbox/settings``). Every page shows the signed-in user's own rows only."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.web import install_error_pages, login_required, run_and_redirect, show_refusal
from core.kernel.forms import PageForm
from core.kernel.uow import attempt
from core.notifications import messages, service
from core.notifications.forms import SettingForm

bp = Blueprint("notifications", __name__, template_folder="templates")
install_error_pages(bp)


def _user():
    return current_user._get_current_object()


def _shown(n) -> dict:
    subject, text = messages.render(n)
    return {"row": n, "subject": subject, "text": text}


@bp.get("/inbox")
@login_required()
def inbox():
    user = _user()
    rows = [_shown(n) for n in service.inbox(user)]
    return render_template("notifications/inbox.html", rows=rows, unread=sum(1 for r in rows if not r["row"].read_at),
                           form=PageForm())


@bp.get("/inbox/<int:ident>")
@login_required()
def message(ident: int):
    """One message; reading it marks it read."""
    user = _user()
    n = service.notification_for(user, ident)
    if n.read_at is None:
        attempt(lambda: service.mark_read(user, n))
    return render_template("notifications/message.html", **_shown(n))


@bp.post("/inbox/<int:ident>/read")
@login_required()
def mark_read(ident: int):
    user = _user()
    n = service.notification_for(user, ident)
    PageForm().validate_on_submit() or _bad_form()
    return run_and_redirect(lambda: service.mark_read(user, n), None, url_for("notifications.inbox"))[0]


@bp.post("/inbox/read-all")
@login_required()
def mark_all_read():
    user = _user()
    PageForm().validate_on_submit() or _bad_form()
    return run_and_redirect(lambda: service.mark_all_read(user), _("Every message is marked read."),
                            url_for("notifications.inbox"))[0]


def _bad_form():
    from werkzeug.exceptions import BadRequest

    raise BadRequest()


@bp.route("/inbox/settings", methods=["GET", "POST"])
@login_required()
def settings():
    user = _user()
    row = service.setting_of(user)
    form = SettingForm(data={"email": row.email if row else None, "phone": row.phone if row else None,
                             "by_email": row.by_email if row else False, "by_sms": row.by_sms if row else False,
                             "language": (row.language if row else None) or ""})
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            refused = attempt(lambda: service.save_setting(
                user, email=form.email.data, phone=form.phone.data, by_email=form.by_email.data,
                by_sms=form.by_sms.data, language=form.language.data or None))[1]
            if refused is None:
                flash(_("Your notification settings are saved."), "info")
                return redirect(url_for("notifications.inbox"))
            status = show_refusal(form, refused)
        else:
            status = 400
    return render_template("notifications/settings.html", form=form), status


@bp.get("/inbox/verify/<token>")
def verify_email(token: str):
    """The link a registration's e-mail address receives (issue 48): no log-in needed, the signed token is the
    proof; the address becomes the account's, with messages by e-mail as chosen at registration."""
    email, refused = attempt(lambda: service.verify_email(token).email)
    if refused is not None:
        return render_template("notifications/verified.html", refused=refused.localized(), email=None), 400
    return render_template("notifications/verified.html", refused=None, email=email)
