"""Server-rendered pages of the evaluation (评价): the applicant's evaluation page (mode, firm picker with places
left and qualification, its own self-evaluation report), the firm's case file with its report form, and the
downloads of the case file's evidence and of the evaluation report. Thin layers over
:mod:`core.review.evaluation`, :mod:`core.review.evaluators`, :mod:`core.review.reports` and
:mod:`core.review.casefile`.
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.accounts.forms import EmptyForm
from core.accounts.permissions import Perm, application_for, firm_of
from core.accounts.web import login_required
from core.accounts.web import run_and_redirect as _run
from core.applications import evidence as evidence_service
from core.applications import services as app_services
from core.applications.forms import choice
from core.errors import GreenmfgError, NotFound
from core.extensions import db
from core.kernel.permissions import may
from core.kernel.rules import region_rules
from core.kernel.uow import commit
from core.plugins.citations import readable_cite
from core.review import casefile, evaluation, evaluators, reports
from core.review.access import ReviewPerm
from core.review.forms import AcceptForm, ChooseFirmForm, ModeForm, ReportForm, UploadForm
from core.review.views import _checked, bp
from core.services import limits
from core.web.names import mode_choices


def _user():
    return current_user._get_current_object()


def _send(path, name: str):
    response = send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=name if name.lower().endswith(".pdf") else name + ".pdf", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------ applicant --


def _evaluation_page(application, status: int = 200, choose_form: ChooseFirmForm | None = None,
                     upload_form: UploadForm | None = None):
    user = _user()
    state = reports.status(application)
    editable = application.status in app_services.EDITABLE and may(user, Perm.APPLICATION_EDIT)
    engaged = evaluation.engagement(application)
    pending = evaluation.pending_request(application)
    mode_form = ModeForm(data={"mode": application.evaluation_mode})
    mode_form.mode.choices = mode_choices(state["allowed"])
    choices = []
    requestable = (may(user, ReviewPerm.EVALUATOR_REQUEST) and application.evaluation_mode == "third_party"
                   and engaged is None and pending is None and application.status in evaluators.REQUESTABLE)
    if requestable:
        choices = evaluation.firm_choices(application)
        if choose_form is None:
            choose_form = ChooseFirmForm(data={"self_evaluation_by": application.organization.uscc})
        choose_form.firm_id.choices = [choice(row["firm"].id, row["firm"].name) for row in choices if row["selectable"]]
    return render_template(
        "review/evaluation.html", application=application, state=state, editable=editable, engaged=engaged,
        pending=pending, requests=evaluators.requests_for_application(application.id), choices=choices,
        choose_form=choose_form, mode_form=mode_form, upload_form=upload_form or UploadForm(),
        cancel_form=EmptyForm(), delete_form=EmptyForm(),
        unit_type=region_rules().unit_types.get(application.unit_type),
        level=region_rules().list_levels.get(application.level)), status


@bp.route("/applications/<int:app_id>/evaluation", methods=["GET", "POST"])
@login_required(Perm.APPLICATION_VIEW)
def evaluation_page(app_id: int):
    """The applicant's evaluation page (read-only for staff who see the application)."""
    user = _user()
    application = application_for(user, app_id)
    if request.method == "GET":
        return _evaluation_page(application)
    application = application_for(user, app_id, ReviewPerm.EVALUATOR_REQUEST)
    form = ChooseFirmForm()
    form.firm_id.choices = [choice(row["firm"].id, row["firm"].name)
                            for row in evaluation.firm_choices(application) if row["selectable"]]
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash(_("Please correct the marked fields; nothing was saved."), "error")
        return _evaluation_page(application, 422, choose_form=form)
    try:
        firm = evaluators.firm_or_404(form.firm_id.data)
        row = evaluators.request_evaluation(user, application, firm, form.self_evaluation_by.data)
        commit()
    except GreenmfgError as exc:
        db.session.rollback()
        flash(exc.localized(), "error")
        return _evaluation_page(application_for(user, app_id), exc.http_status, choose_form=form)
    flash(_("Request sent to %(firm)s. The firm accepts with its declaration of independence, or declines.",
            firm=row.firm.name), "info")
    return redirect(url_for("review.evaluation_page", app_id=app_id))


@bp.get("/applications/<int:app_id>/evaluator")
@login_required(Perm.APPLICATION_VIEW)
def evaluator_request(app_id: int):
    """The address of the earlier firm-request page: the evaluation page took its place."""
    return redirect(url_for("review.evaluation_page", app_id=app_id), 301)


@bp.post("/applications/<int:app_id>/evaluation/mode")
@login_required(ReviewPerm.EVALUATOR_REQUEST)
def evaluation_mode(app_id: int):
    user = _user()
    application = application_for(user, app_id, Perm.APPLICATION_EDIT)
    form = ModeForm()
    form.mode.choices = mode_choices(reports.status(application)["allowed"])
    _checked(form, url_for("review.evaluation_page", app_id=app_id))
    return _run(lambda: evaluation.set_mode(user, application, form.mode.data), _("Saved."),
                url_for("review.evaluation_page", app_id=app_id))[0]


@bp.post("/applications/<int:app_id>/evaluation/self-report")
@login_required(ReviewPerm.EVALUATOR_REQUEST)
def self_report(app_id: int):
    user = _user()
    application = application_for(user, app_id, Perm.APPLICATION_EDIT)
    form = UploadForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash(_("Choose a PDF file."), "error")
        return _evaluation_page(application, 422, upload_form=form)
    row = None
    try:
        row = evaluation.upload_self_report(user, application, form.file.data.filename,
                                            evidence_service.read_upload(form.file.data.stream))
        commit()
    except GreenmfgError as exc:
        db.session.rollback()
        if row is not None:
            evidence_service.discard(row)
        flash(exc.localized(), "error")
        return _evaluation_page(application_for(user, app_id), exc.http_status, upload_form=form)
    flash(_("File uploaded: %(name)s (%(pages)d pages).", name=row.original_name, pages=row.pages), "info")
    return redirect(url_for("review.evaluation_page", app_id=app_id))


@bp.get("/applications/<int:app_id>/evaluation/report")
@login_required(Perm.APPLICATION_VIEW)
def evaluation_report(app_id: int):
    """The engaged firm's report, for whoever sees the application (applicant, city, province) or its case file."""
    user = _user()
    try:
        application = application_for(user, app_id)
    except NotFound:
        application = casefile.access(user, app_id)[0]
    report = reports.report_for(application)
    if report is None:
        raise NotFound("No such file.")
    return _send(reports.report_file(report), report.original_name)


# ----------------------------------------------------------------------- firm --


@bp.post("/review/requests/<int:request_id>/accept")
@login_required(ReviewPerm.ENGAGEMENT_DECIDE)
def request_accept(request_id: int):
    user = _user()
    row = evaluators.request_or_404(user, request_id)
    if firm_of(user) != row.firm_id:  # a firm answers its own requests
        raise NotFound("No such request.")
    form = AcceptForm(prefix=f"accept{row.id}")
    _checked(form, url_for("review.engagements"))
    target, outcome = _run(lambda: evaluators.accept_request(user, row, wrote_self_evaluation=False,
                                                             interested_party=False),
                           _("Engagement accepted. Open the case file to evaluate the unit and file the report."),
                           url_for("review.engagements"))
    if isinstance(outcome, GreenmfgError):
        return target
    return redirect(url_for("review.case_file", app_id=row.application_id))


def _case_file_page(application, capacity: str, status: int = 200, form: ReportForm | None = None,
                    typed: dict[str, Any] | None = None):
    user = _user()
    data = casefile.build(application, _)
    request_row = casefile.engagement_of(user, application.id) if capacity == casefile.FIRM else None
    items = reports.indicator_items(application)
    report = reports.report_for(application)
    if form is None and request_row is not None:
        form = ReportForm(data={"visited_on": report.visited_on if report else None})
    previous = {str(k): v for k, v in ((report.indicator_scores or {}) if report else {}).items()}
    selfs = {i["number"]: i["self_score"] for i in data["indicators"]}
    return render_template("review/case_file.html", application=application, cf=data, capacity=capacity, selfs=selfs,
                           request_row=request_row, items=items, form=form, report=report,
                           typed=typed if typed is not None else previous, state=reports.status(application),
                           open_for_filing=reports.open_for_filing(application)), status


@bp.get("/review/case-files/<int:app_id>")
@login_required()
def case_file(app_id: int):
    application, capacity = casefile.access(_user(), app_id)
    return _case_file_page(application, capacity)


@bp.post("/review/case-files/<int:app_id>/report")
@login_required(ReviewPerm.ENGAGEMENT_DECIDE)
def file_report(app_id: int):
    user = _user()
    application, capacity = casefile.access(user, app_id)
    request_row = casefile.engagement_of(user, application.id)
    if capacity != casefile.FIRM or request_row is None:
        raise NotFound("No such application.")
    form = ReportForm()
    typed = {key[len("score_"):]: value.strip() for key, value in request.form.items() if key.startswith("score_")}
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash(_("Please correct the marked fields; nothing was saved."), "error")
        return _case_file_page(application, capacity, 422, form, typed)
    try:
        reports.file_report(user, request_row, evidence_service.read_upload(form.file.data.stream),
                            form.file.data.filename, score=form.score.data,
                            scores={k: v for k, v in typed.items() if v != ""} if typed else None,
                            visited_on=form.visited_on.data)
        commit()
    except GreenmfgError as exc:
        db.session.rollback()
        flash(exc.localized(), "error")
        name = (exc.field or "").split(".")[0]
        if name in form:
            form[name].errors = [*form[name].errors, exc.localized()]
        application, capacity = casefile.access(user, app_id)
        return _case_file_page(application, capacity, exc.http_status, form, typed)
    flash(_("Evaluation report filed."), "info")
    return redirect(url_for("review.case_file", app_id=app_id) + "#report")


@bp.get("/review/case-files/<int:app_id>/evidence/<int:evidence_id>")
@login_required()
def case_file_evidence(app_id: int, evidence_id: int):
    application, _capacity = casefile.access(_user(), app_id)
    row = casefile.evidence_file(application, evidence_id)
    return _send(evidence_service.open_file(row), row.original_name)


@bp.get("/review/case-files/<int:app_id>/report")
@login_required()
def case_file_report(app_id: int):
    application, _capacity = casefile.access(_user(), app_id)
    report = reports.report_for(application)
    if report is None:
        raise NotFound("No such file.")
    return _send(reports.report_file(report), report.original_name)


def evaluation_summary(application) -> dict[str, Any]:
    """Template global: the evaluation's state for the application page (its section links here)."""
    return {**reports.status(application), "engaged": evaluation.engagement(application),
            "pending": evaluation.pending_request(application)}


bp.add_app_template_global(evaluation_summary, "evaluation_summary")
bp.add_app_template_global(readable_cite, "readable_cite")


def cap_levels_text(levels) -> str:
    """Levels a cap counts together, in the page's language (the rules page)."""
    return " + ".join(str(limits.LEVEL_LABELS.get(str(x), x)) for x in levels)


def cap_basis_text(basis: str) -> str:
    return str(limits.BASIS_LABELS.get(str(basis), basis))


bp.add_app_template_global(cap_levels_text, "cap_levels_text")
bp.add_app_template_global(cap_basis_text, "cap_basis_text")
