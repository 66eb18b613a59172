"""Reference values (引领值/基准值) for administrators: the stored pairs, one entered or changed, a file
imported (:mod:`core.scoring.reference`, the services of ``greenmfg reference import``). Live scores read
them at once."""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.accounts.web import login_required
from core.admin.access import AdminPerm
from core.admin.forms import ReferenceForm, UploadForm
from core.admin.web import bp, officer, run_form
from core.extensions import db
from core.formfields import choice
from core.i18n import local_text
from core.kernel.rules import region_rules
from core.kernel.uow import attempt
from core.models.scoring import ReferenceValue
from core.scoring import GENERAL
from core.scoring.files import read_rows
from core.scoring.formulas import ScoringInputError
from core.scoring.reference import import_audited, save_reference

#: the checks name a row's column; on the form each column is its input
_COLUMNS = ("indicator_set", "industry", "number", "year", "leading", "baseline")


def _form(**kwargs) -> ReferenceForm:
    rules = region_rules()
    form = ReferenceForm(**kwargs)
    form.indicator_set.choices = [choice("", "—")] + [choice(code, s.title) for code, s in rules.indicator_sets.items()]
    form.industry.choices = [choice(GENERAL, _("General (all industries)"))] + [
        choice(code, local_text(ind.name, ind.name_en)) for code, ind in rules.industries.items()]
    return form


def _names(rules) -> dict:
    names = {code: s.title for code, s in rules.indicator_sets.items()}
    indicators = {(code, i.number): i.name for code, s in rules.indicator_sets.items() for i in s.indicators}
    industries = {code: local_text(ind.name, ind.name_en) for code, ind in rules.industries.items()}
    return {"sets": names, "indicators": indicators, "industries": {GENERAL: _("General (all industries)"),
                                                                    **industries}}


def _page(form, status: int = 200, upload=None, problems=()):
    rules = region_rules()
    chosen = request.args.get("set") or ""
    query = select(ReferenceValue).order_by(ReferenceValue.indicator_set, ReferenceValue.industry,
                                            ReferenceValue.number, ReferenceValue.year)
    if chosen:
        query = query.where(ReferenceValue.indicator_set == chosen)
    return render_template("admin/references.html", rows=db.session.scalars(query.limit(500)).all(), form=form,
                           upload=upload or UploadForm(formdata=None), names=_names(rules), chosen=chosen,
                           problems=problems), status


@bp.get("/admin/references")
@login_required(AdminPerm.REFERENCES)
def references():
    prefill = {k: request.args.get(k) for k in ("indicator_set", "industry", "number", "year", "leading", "baseline")
               if request.args.get(k)}
    return _page(_form(formdata=None, data=prefill))


@bp.post("/admin/references")
@login_required(AdminPerm.REFERENCES)
def save():
    form = _form()
    outcome, failed = run_form(form, lambda: _save(form))
    if failed:
        return _page(form, failed)
    flash(_("Reference value saved; live scores use it from now on."), "info")
    return redirect(url_for("admin.references", set=form.indicator_set.data))


def _readable(exc: ScoringInputError, form) -> ScoringInputError:
    """A file's check names the row and column (``row 3: leading``): say them with the form's labels."""
    row, _sep, column = str(exc.field).partition(": ")
    if column in form:
        exc.params["field"] = _("Row %(n)s, %(column)s", n=row.removeprefix("row "), column=form[column].label.text)
    return exc


def _save(form):
    try:
        return save_reference(db.session, region_rules(), officer().username, indicator_set=form.indicator_set.data,
                              industry=form.industry.data, number=form.number.data, year=form.year.data,
                              leading=form.leading.data, baseline=form.baseline.data)
    except ScoringInputError as exc:
        column = str(exc.field).partition(": ")[2]
        if column in form:  # one pair on the form: the message goes beside its input
            exc.params["field"], exc.field = form[column].label.text, column
        raise


@bp.post("/admin/references/import")
@login_required(AdminPerm.REFERENCES)
def import_file():
    upload = UploadForm()
    if not upload.validate_on_submit():
        return _page(_form(formdata=None), 422, upload)
    name = Path(upload.file.data.filename or "upload.csv").name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        upload.file.data.save(path)

        def run():
            header, body = read_rows(path)
            return import_audited(db.session, region_rules(), header, body, name, officer().username)

        report, refused = attempt(run)
    if refused is not None:
        labels = _form(formdata=None)
        problems = [_readable(e, labels).localized() for e in getattr(refused, "errors", ())]
        upload.file.errors = [refused.localized()]
        flash(refused.localized(), "error")
        return _page(_form(formdata=None), refused.http_status, upload, problems)
    flash(_("Imported: %(created)d new, %(updated)d changed; live scores use them from now on.",
            created=report.created, updated=report.updated), "info")
    return redirect(url_for("admin.references"))
