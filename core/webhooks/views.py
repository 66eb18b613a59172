"""The administrators' webhooks page under 系统管理: the subscriptions (add one, its secret shown once; turn it off
or on; send a test), and the delivery log with each attempt's answer and a resend, through :mod:`.service`."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField, widgets
from wtforms.validators import InputRequired, Length, Optional

from core.accounts.web import install_error_pages, login_required
from core.admin.web import officer, run_form
from core.extensions import db
from core.kernel.forms import PageForm
from core.kernel.uow import attempt
from core.models import WebhookDelivery
from core.webhooks import delivery as jobs
from core.webhooks import kinds as K
from core.webhooks import service
from core.webhooks.access import WebhookPerm

bp = Blueprint("webhooks", __name__, template_folder="templates")
install_error_pages(bp)


class SubscriptionForm(PageForm):
    url = StringField(_l("Receiver URL"), validators=[InputRequired(_l("Please give the receiver's URL.")),
                                                      Length(max=500)])
    kinds = SelectMultipleField(_l("Event kinds"), choices=[], validators=[Optional()],
                                widget=widgets.ListWidget(prefix_label=False),
                                option_widget=widgets.CheckboxInput())
    description = StringField(_l("Description (which system receives)"), validators=[Optional(), Length(max=200)])


def _form() -> SubscriptionForm:
    form = SubscriptionForm()
    # the label only: the code a receiver branches on is in the page's table of kinds (in <code>)
    form.kinds.choices = [(k.code, k.label) for k in K.KINDS]
    return form


def _page(form: SubscriptionForm, secret: str | None = None, made=None, status: int = 200):
    return render_template("webhooks/index.html", form=form, subs=service.subscriptions(), secret=secret, made=made,
                           kinds=K.KINDS, backoff=jobs.BACKOFF, timeout=jobs.TIMEOUT), status


@bp.route("/admin/webhooks", methods=["GET", "POST"])
@login_required(WebhookPerm.MANAGE)
def index():
    form = _form()
    if request.method == "GET":
        return _page(form)
    made, failed = run_form(form, lambda: service.subscribe(form.url.data, form.kinds.data,
                                                            form.description.data or "", officer().username))
    if failed:
        return _page(form, status=failed)
    sub, secret = made
    flash(_("Subscription %(id)d added. Copy its secret now: it is not shown again.", id=sub.id), "info")
    return _page(_form(), secret=secret, made=sub)


@bp.post("/admin/webhooks/<int:ident>/active")
@login_required(WebhookPerm.MANAGE)
def set_active(ident: int):
    on = request.form.get("active") == "1"
    _, refused = attempt(lambda: service.change(service.subscription(ident), officer().username, active=on))
    if refused is not None:
        flash(refused.localized(), "error")
    return redirect(url_for("webhooks.index"))


@bp.post("/admin/webhooks/<int:ident>/test")
@login_required(WebhookPerm.MANAGE)
def test(ident: int):
    _, refused = attempt(lambda: service.send_test(service.subscription(ident), officer().username))
    if refused is not None:
        flash(refused.localized(), "error")
    else:
        flash(_("A test event is on its way; its attempts appear in the delivery log."), "info")
    return redirect(url_for("webhooks.deliveries", subscription=ident))


@bp.get("/admin/webhooks/deliveries")
@login_required(WebhookPerm.MANAGE)
def deliveries():
    sub_id = request.args.get("subscription", type=int)
    rows = list(db.session.scalars(service.deliveries_query(sub_id).order_by(WebhookDelivery.id.desc()).limit(200)))
    attempts = service.attempts_of([r.id for r in rows])
    shown = [service.delivery_json(r, attempts[r.id]) for r in rows]
    return render_template("webhooks/deliveries.html", rows=shown, subscription=sub_id)


@bp.post("/admin/webhooks/deliveries/<int:ident>/resend")
@login_required(WebhookPerm.MANAGE)
def resend(ident: int):
    _, refused = attempt(lambda: service.resend(service.delivery(ident), officer().username))
    if refused is not None:
        flash(refused.localized(), "error")
    else:
        flash(_("Delivery %(id)d is sent again.", id=ident), "info")
    return redirect(url_for("webhooks.deliveries", subscription=request.form.get("subscription", type=int)))
