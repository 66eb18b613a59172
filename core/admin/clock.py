"""The training clock page (issue 42): the instance's date, and on a training instance a form that moves it
forward, through the service ``greenmfg clock`` and the API use."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import InputRequired, Length, Optional

from core.accounts.web import login_required
from core.admin.access import AdminPerm
from core.admin.web import bp, officer, run_form
from core.extensions import db
from core.kernel.forms import PageForm
from core.models import AuditLog
from core.services import training_clock


class ClockForm(PageForm):
    day = DateField(_l("Move the instance's date to"), validators=[InputRequired(_l("Please give a date."))])
    note = StringField(_l("Why (shown in the audit log)"), validators=[Optional(), Length(max=300)])


def _moves() -> list[AuditLog]:
    from sqlalchemy import select

    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == "clock.moved")
                                   .order_by(AuditLog.id.desc()).limit(20)))


def _page(form: ClockForm, status: int = 200):
    return render_template("admin/clock.html", state=training_clock.state(), form=form, moves=_moves()), status


@bp.route("/admin/clock", methods=["GET", "POST"])
@login_required(AdminPerm.CLOCK)
def clock():
    form = ClockForm()
    if request.method == "GET":
        return _page(form)
    outcome, failed = run_form(form, lambda: training_clock.move_to(form.day.data, officer().username,
                                                                     form.note.data or ""))
    if failed:
        return _page(form, failed)
    flash(_("The instance's date is now %(day)s. Every deadline, notice and page reads it.",
            day=outcome.today.isoformat()), "info")
    return redirect(url_for("admin.clock"))
