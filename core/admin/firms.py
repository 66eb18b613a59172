"""Evaluator firms for administrators: the register, a firm's name and legal representative, and its
sanctions (:mod:`core.review.evaluators`, the services of the review pages, the API and the CLI)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.accounts.web import login_required
from core.admin.access import AdminPerm
from core.admin.forms import FirmUpdateForm
from core.admin.web import bp, officer, run_form
from core.api import etags
from core.extensions import db
from core.models import EvaluatorSanction
from core.review import evaluators
from core.review.forms import FirmForm


def _sanctions(firm_id: int | None = None) -> list[EvaluatorSanction]:
    query = select(EvaluatorSanction).order_by(EvaluatorSanction.starts_on.desc())
    if firm_id is not None:
        query = query.where(EvaluatorSanction.firm_id == firm_id)
    return list(db.session.scalars(query))


@bp.route("/admin/firms", methods=["GET", "POST"])
@login_required(AdminPerm.FIRMS)
def firms():
    form, status = FirmForm(), 200
    if request.method == "POST":
        outcome, failed = run_form(form, lambda: evaluators.register_firm(
            officer().username, uscc=form.uscc.data, name=form.name.data,
            legal_representative=form.legal_representative.data))
        if not failed:
            flash(_("Evaluator firm registered. Record its qualifications, then open its evaluators' accounts."),
                  "info")
            return redirect(url_for("admin.firm", firm_id=outcome.id))
        status = failed
    rows = [{"firm": f, "sanction": evaluators.active_sanction(f)} for f in evaluators.firms()]
    return render_template("admin/firms.html", rows=rows, form=form), status


@bp.route("/admin/firms/<int:firm_id>", methods=["GET", "POST"])
@login_required(AdminPerm.FIRMS)
def firm(firm_id: int):
    row = evaluators.firm_or_404(firm_id)
    form, status = FirmUpdateForm(obj=row), 200
    saved = {"name": row.name, "legal_representative": row.legal_representative}
    etag, conflicts = etags.form_tag(saved), []
    if request.method == "POST" and not etags.stale_form(saved) and not etags.claim_form(row):
        saved = {"name": row.name, "legal_representative": row.legal_representative}  # saved in between (issue 55)
    if request.method == "POST" and etags.stale_form(saved):
        # another officer saved the firm since this page was opened (issue 48): nothing saved, nothing typed lost
        etags.flash_stale()
        conflicts, status = etags.form_conflicts(form, saved), 409
    elif request.method == "POST":
        etag = request.form.get(etags.FORM_FIELD) or etag  # a refused save keeps the version it was typed on
        outcome, failed = run_form(form, lambda: evaluators.update_firm(
            officer().username, row, name=form.name.data, legal_representative=form.legal_representative.data))
        if not failed:
            flash(_("Saved.") if outcome else _("Nothing changed."), "info")
            return redirect(url_for("admin.firm", firm_id=row.id))
        status = failed
    return render_template("admin/firm.html", firm=row, form=form, sanctions=_sanctions(row.id),
                           active=evaluators.active_sanction(row), etag=etag, conflicts=conflicts), status
