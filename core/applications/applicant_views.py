"""The applicant's pages: the drafts, starting one, the form, its live score, the submission and the
evidence files; and one application's page, as everyone who may see it sees it."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from core.accounts.forms import EmptyForm
from core.accounts.permissions import Perm, application_for, application_scope
from core.accounts.web import login_required
from core.api import etags
from core.applications import eligibility, listings, services
from core.applications import evidence as evidence_service
from core.applications.actions import change_value, ordered_changes
from core.applications.blueprint import _invalid_status, _user, bp
from core.applications.fields import (
    column_labels,
    fields_for,
    is_upload,
    section_name,
    shown_value,
    typed_extension,
)
from core.applications.forms import (
    ConfirmForm,
    EvidenceForm,
    ReasonForm,
    ReturnForm,
    StartForm,
    add_spare_rows,
    application_form_class,
    changes_from_form,
    choice,
    draft_errors,
    drop_blank_rows,
    initial_data,
    neg_attr,
    recommend_form,
    with_placeholder,
)
from core.applications.scoring import indicator_set, live_score
from core.clock import SHANGHAI, arrival, now
from core.errors import DeadlinePassed, GreenmfgError, InvalidInput, NotFound
from core.extensions import db
from core.formfields import ind_attr
from core.i18n import listed
from core.kernel.names import MODE_LABELS, tier_name
from core.kernel.permissions import may
from core.kernel.records import get_record
from core.kernel.rules import region_rules
from core.kernel.uow import attempt, commit
from core.models import Application, AuditLog, Campaign, Organization
from core.plugins.types import Level, field_attr
from core.services import deadlines as step_rules
from core.web.dates import moment_text
from core.web.names import score_status


@bp.get("/applications")
@login_required(Perm.APPLICATION_CREATE)
def mine():
    user = _user()
    rows = db.session.scalars(select(Application).where(application_scope(user))
                              .order_by(Application.id.desc()).limit(200)).all()
    campaigns = services.open_campaigns()
    # a unit type the organization already applied for in a campaign links to that application: a second one
    # would be refused (services.start_application)
    started = {(a.campaign_id, a.unit_type): a for a in rows}
    return render_template("applications/mine.html", applications=rows, campaigns=campaigns, started=started,
                           unit_types=region_rules().unit_types, start_form=StartForm(), org=user.organization_id and
                           db.session.get(Organization, user.organization_id))


@bp.post("/applications/start")
@login_required(Perm.APPLICATION_CREATE)
def start():
    form = StartForm()
    if not form.validate_on_submit():
        raise InvalidInput("Choose a campaign and a unit type.")
    campaign = get_record(Campaign, form.campaign_id.data)
    if campaign is None or campaign.region != region_rules().region_code:
        raise NotFound("No such campaign.")
    application = services.start_application(_user(), campaign, form.unit_type.data)
    commit()
    flash(_("Your draft is created. Save it as often as you like until the deadline."), "info")
    return redirect(url_for("applications.edit", app_id=application.id))


def _groups(application, form) -> list[tuple[str, list]]:
    """Plugin fields by section (with its display name), in registration order."""
    groups: dict[str, list] = {}
    for f in fields_for(region_rules(), application.unit_type, application.level, application.campaign.year):
        groups.setdefault(f.section, []).append((f, getattr(form, field_attr(f.code))))
    return [(section, section_name(section), items) for section, items in groups.items()]


def _typed_score(application, form) -> dict[str, Any] | None:
    """The live score of the indicator values and industry typed in ``form`` (validated), as the page's
    score panel and the score endpoint give it.

    :raises GreenmfgError: a value the scoring engine cannot take, naming the indicator."""
    changes, _uploads = changes_from_form(form, application)
    values = {k: v for k, v in (changes.get("indicator_values") or {}).items() if v is not None}
    return live_score(application, values, changes.get("industry"))


def _edit_context(application, form, typed: bool = False, etag: str | None = None) -> dict[str, Any]:
    """The edit page's context. ``typed``: the form holds what the applicant typed (a save refused): its score
    panel scores those values, as the form shows them, not the stored ones. ``etag``: the version the form was
    filled in on (default: the one the page first showed when the applicant typed, else the stored one)."""
    rules = region_rules()
    items = rules.negative_list_for(application.unit_type, Level(application.level), application.campaign.year)
    iset = indicator_set(application)
    try:
        score = _typed_score(application, form) if typed else live_score(application)
    except GreenmfgError:
        score = None
    labels = evidence_service.section_labels(application)
    evidence_form = _evidence_form(application, labels=labels)
    add_spare_rows(form)
    return {"application": application, "form": form, "org": application.organization,
            "negative": [(item, getattr(form, neg_attr(i))) for i, item in enumerate(items)],
            "iset": iset, "ind_attr": ind_attr, "groups": _groups(application, form), "score": score,
            "deadline": services.deadline_of(application),
            "closes": step_rules.applicants_deadline(application.campaign),
            "evidence": evidence_service.listing(application),
            "section_labels": labels, "evidence_form": evidence_form, "delete_form": EmptyForm(),
            "etag": etag or (typed and request.form.get(etags.FORM_FIELD)) or etags.form_tag(initial_data(application)),
            "uploads": {f.code for f in fields_for(rules, application.unit_type, application.level) if is_upload(f)}}


def _evidence_form(application, labels: dict[str, str] | None = None, **kwargs) -> EvidenceForm:
    """The upload inside the application form: posted with the typed fields, saved together (issue 20).
    ``labels``: the application's section labels, when the caller has them."""
    form = EvidenceForm(prefix="evidence", meta={"csrf": False}, **kwargs)
    form.section.choices = with_placeholder(_section_choices(application, labels))
    return form


def _section_choices(application, labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    allowed = evidence_service.allowed_sections(application)
    labels = evidence_service.section_labels(application) if labels is None else labels
    return [choice(k, v) for k, v in labels.items() if k in allowed]


def _attach_error(form, exc: GreenmfgError, application) -> None:
    errors = getattr(exc, "errors", None) or ({exc.field: [exc.localized()]} if exc.field else {})
    if isinstance(errors, list):  # a refusal of several fields, each its own (services._text_faults)
        errors = {e.field: [e.localized()] for e in errors if isinstance(e, GreenmfgError) and e.field}
    for key, messages in errors.items():
        name = key
        if key.startswith("values."):
            name = ind_attr(int(key.split(".")[1])) if key.split(".")[1].isdigit() else key
        elif "." in key:
            name = field_attr(key)
        target = getattr(form, name, None)
        if target is not None:
            msgs = messages if isinstance(messages, list) else [messages]
            target.errors = list(target.errors or []) + [m if isinstance(m, str) else str(m) for m in msgs]


@bp.route("/applications/<int:app_id>/edit", methods=["GET", "POST"])
@login_required(Perm.APPLICATION_EDIT)
def edit(app_id: int):
    user = _user()
    application = application_for(user, app_id, Perm.APPLICATION_EDIT)
    form_class = application_form_class(application)
    if request.method == "GET":
        services.check_editable(application)
        form = form_class(data=initial_data(application))
        return render_template("applications/edit.html", **_edit_context(application, form))
    form = form_class()
    drop_blank_rows(form)
    status = 200
    saved = initial_data(application)
    if not etags.stale_form(saved) and not etags.claim_form(application):  # saved in between (issue 55)
        saved = initial_data(application)
    if etags.stale_form(saved):
        # someone saved the draft since this form was opened (issue 48): nothing is saved, nothing typed is lost
        flash(_("Someone else saved this application after you opened it; nothing was saved. What you typed is "
                "still in the form, and the saved values that differ from it are shown above. Save again to "
                "replace them with yours."), "error")
        context = _edit_context(application, form, typed=True, etag=etags.form_tag(saved))
        context["conflicts"] = etags.form_conflicts(form, saved)
        return render_template("applications/edit.html", **context), 409
    # a file chosen is uploaded whichever button saved the form (nothing chosen is silently dropped)
    uploading = request.form.get("then") == "upload" or bool(getattr(request.files.get("evidence-file"), "filename", ""))
    evidence_form = _evidence_form(application)
    if uploading and not evidence_form.validate():
        # nothing is lost: the page comes back with every typed value and the upload's errors
        flash(_("Choose a section and a PDF file; nothing was saved."), "error")
        draft_errors(form)
        context = _edit_context(application, form, typed=True)
        context["evidence_form"] = evidence_form
        return render_template("applications/edit.html", **context), _invalid_status(form)
    if draft_errors(form):
        changes, uploads = changes_from_form(form, application)
        if uploading:
            uploads.append((evidence_form.section.data, evidence_form.file.data))
        stored, arrived = [], arrival()  # issue 46: a save that arrived before the deadline is on time

        def save() -> None:
            services.save_draft(application, changes, user.username, at=arrived)
            for code, upload in uploads:
                stored.append(services.add_evidence(application, code, upload.filename,
                                                    evidence_service.read_upload(upload.stream), user.username,
                                                    at=arrived))

        refused = attempt(save)[1]
        if refused:
            for row in stored:
                evidence_service.discard(row)
            _attach_error(form, refused, application)
            flash(refused.localized(), "error")
            status = refused.http_status
            application = application_for(user, app_id, Perm.APPLICATION_EDIT)
        else:
            flash(_("Draft saved at %(time)s (Beijing time).", time=moment_text(now())), "info")
            if uploading:
                row = stored[-1]
                flash(_("File uploaded: %(name)s (%(pages)d pages).", name=row.original_name, pages=row.pages), "info")
            if request.form.get("then") == "view":
                return redirect(url_for("applications.detail", app_id=application.id))
            return redirect(url_for("applications.edit", app_id=application.id) + ("#evidence" if uploading else ""))
    else:
        flash(_("Please correct the marked fields (%(fields)s); nothing was saved.",
                fields=listed(_faulty_labels(form))), "error")
        status = _invalid_status(form)
    return render_template("applications/edit.html", **_edit_context(application, form, typed=True)), status


def _faulty_labels(form) -> list[str]:
    """The labels of the form's fields marked with an error, in the form's order (a table by its own label)."""
    return [str(f.label.text) for f in form if f.errors and f.name != "csrf_token"]


@bp.post("/applications/<int:app_id>/score")
@login_required(Perm.APPLICATION_EDIT)
def score(app_id: int):
    """The live self-evaluation score of the values in the form (nothing is saved)."""
    application = application_for(_user(), app_id, Perm.APPLICATION_EDIT)
    form = application_form_class(application)()
    drop_blank_rows(form)
    form.validate()
    try:
        result = _typed_score(application, form)
    except GreenmfgError as exc:
        return jsonify({"errors": [exc.to_dict()]}), exc.http_status
    if result:  # the page's words for the grade and each indicator's state, as the page first printed them
        result = {**result, "tier_label": tier_name(result["tier"], application.unit_type, application.level)
                  if result.get("tier") else "",
                  "indicators": [{**ind, "status_label": score_status(ind["status"])}
                                 for ind in result.get("indicators") or []]}
    return jsonify(result or {})


def _render_detail(application, status: int = 200, **extra):
    user = _user()
    rules = region_rules()
    if application.status in services.EDITABLE and may(user, Perm.APPLICATION_EDIT):
        results, unrecorded = eligibility.evaluate(application), False
    else:  # what the checks said at the submission; an application made outside the platform's submission (the
        # demo's, an imported one) has no record: the page says so, not "no checks"
        results = eligibility.with_current_report(application, application.eligibility or [])
        unrecorded = application.eligibility is None
    try:
        score_result = live_score(application)
    except GreenmfgError:
        score_result = None
    ffs = fields_for(rules, application.unit_type, application.level, application.campaign.year)
    values = typed_extension(ffs, application.extension_data or {})
    history = db.session.scalars(select(AuditLog).where(AuditLog.object_type == "application",
                                                        AuditLog.object_id == str(application.id))
                                 .order_by(AuditLog.id.desc()).limit(100)).all()
    return_form = ReturnForm()
    if not return_form.until.data:
        return_form.until.data = (now() + dt.timedelta(days=7)).astimezone(SHANGHAI).replace(
            tzinfo=None, second=0, microsecond=0)
    quota = services.quota_status(application.admin_unit, application.unit_type, application.campaign.year,
                                   application.campaign)
    field_name = services.change_name(application)
    evidence = evidence_service.listing(application)
    files = {str(e.id): e.original_name for e in evidence}
    policy = services.correction_policy(application)
    closed = None  # why the applicant may no longer change or submit it (its deadline passed): no 修改, no 提交
    if application.status in services.EDITABLE and may(user, Perm.APPLICATION_EDIT):
        try:
            services.check_editable(application)
        except DeadlinePassed as exc:
            closed = exc.localized()
    context = {
        "closed": closed,
        "application": application, "org": application.organization, "results": results, "score": score_result,
        "unrecorded": unrecorded,
        "fields": [(f, shown_value(f, values.get(f.code)), (application.extension_data or {}).get(f.code)) for f in ffs],
        "uploads": {f.code for f in ffs if is_upload(f)}, "field_name": field_name,
        "change_text": lambda key, value: change_value(key, value, rules, MODE_LABELS, ffs, files),
        "ordered_changes": ordered_changes,
        "column_labels": column_labels(ffs),
        "evidence": evidence, "history": history,
        "section_labels": evidence_service.section_labels(application),
        "deadline": services.deadline_of(application), "editable": application.status in services.EDITABLE,
        "closes": step_rules.applicants_deadline(application.campaign),
        "can_edit": may(user, Perm.APPLICATION_EDIT), "can_review": may(user, Perm.APPLICATION_REVIEW),
        # the city's 推荐意见: for the city and the province (staff), not the applicant's own page
        "shows_opinion": may(user, Perm.APPLICATION_REVIEW) or may(user, Perm.CAMPAIGN_MANAGE),
        "submit_form": ConfirmForm(), "return_form": return_form, "reject_form": ReasonForm(prefix="reject"),
        "withdraw_form": ReasonForm(prefix="withdraw"), "recommend_form": recommend_form(application),
        "warnings": eligibility.warnings(results), "quota": quota, "iset": indicator_set(application),
        "listing_notes": listings.notes(application),
        "unit_type": rules.unit_types.get(application.unit_type), "level": rules.list_levels.get(application.level),
        # issue 15: every change after the first submission, before → after, who, when (for the city)
        "corrections": services.corrections(application), "correction_policy": policy,
        "correction_fields": [field_name(k) for k in policy.fields or ()],
    }
    context.update(extra)
    return render_template("applications/detail.html", **context), status


@bp.get("/applications/<int:app_id>")
@login_required(Perm.APPLICATION_VIEW)
def detail(app_id: int):
    return _render_detail(application_for(_user(), app_id))


def _act(app_id: int, perm: Perm, action, success: str):
    user = _user()
    application = application_for(user, app_id, perm)
    outcome, refused = attempt(lambda: action(application, user))
    if refused:
        flash(refused.localized(), "error")
        return _render_detail(application_for(user, app_id), refused.http_status)
    flash(success, "info")
    if isinstance(outcome, str):
        flash(outcome, "warning")
    return redirect(url_for("applications.detail", app_id=app_id))


@bp.post("/applications/<int:app_id>/submit")
@login_required(Perm.APPLICATION_EDIT)
def submit(app_id: int):
    form = ConfirmForm()
    if not form.validate_on_submit():
        if _invalid_status(form) == 400:
            abort(400)
        flash(_("Tick the box to confirm this action."), "error")
        return _render_detail(application_for(_user(), app_id, Perm.APPLICATION_EDIT), 422, submit_form=form)
    arrived = arrival()  # issue 46: on time is when the request arrived, however long the worker takes after
    return _act(app_id, Perm.APPLICATION_EDIT, lambda a, u: services.submit(a, u.username, at=arrived) and None,
                _("Submitted. The application is now locked; your city bureau will review it."))


@bp.post("/applications/<int:app_id>/evidence")
@login_required(Perm.APPLICATION_EDIT)
def upload(app_id: int):
    user = _user()
    application = application_for(user, app_id, Perm.APPLICATION_EDIT)
    form = EvidenceForm()
    form.section.choices = with_placeholder(_section_choices(application))
    if not form.validate_on_submit():
        flash(_("Choose a section and a PDF file."), "error")
        services.check_editable(application, arrival())
        form_obj = application_form_class(application)(data=initial_data(application))
        context = _edit_context(application, form_obj)
        context["evidence_form"] = form
        return render_template("applications/edit.html", **context), _invalid_status(form)
    row = None
    try:
        row = services.add_evidence(application, form.section.data, form.file.data.filename,
                                    evidence_service.read_upload(form.file.data.stream), user.username,
                                    at=arrival())
        commit()
    except GreenmfgError as exc:
        db.session.rollback()
        if row is not None:
            evidence_service.discard(row)
        flash(exc.localized(), "error")
        application = application_for(user, app_id, Perm.APPLICATION_EDIT)
        form_obj = application_form_class(application)(data=initial_data(application))
        return render_template("applications/edit.html", **_edit_context(application, form_obj)), exc.http_status
    flash(_("File uploaded: %(name)s (%(pages)d pages).", name=row.original_name, pages=row.pages), "info")
    return redirect(url_for("applications.edit", app_id=app_id) + "#evidence")


@bp.get("/applications/<int:app_id>/evidence/<int:evidence_id>")
@login_required(Perm.APPLICATION_VIEW)
def download(app_id: int, evidence_id: int):
    application = application_for(_user(), app_id)
    row = evidence_service.evidence_for(application, evidence_id)
    response = send_file(evidence_service.open_file(row), mimetype="application/pdf", as_attachment=True,
                         download_name=row.original_name if row.original_name.lower().endswith(".pdf")
                         else row.original_name + ".pdf", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/applications/<int:app_id>/evidence/<int:evidence_id>/delete")
@login_required(Perm.APPLICATION_EDIT)
def delete_evidence(app_id: int, evidence_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = _user()
    application = application_for(user, app_id, Perm.APPLICATION_EDIT)
    row = evidence_service.evidence_for(application, evidence_id)
    services.remove_evidence(application, row, user.username)
    commit()  # the file goes with the commit (core.storage.staging)
    flash(_("File deleted."), "info")
    return redirect(url_for("applications.edit", app_id=app_id) + "#evidence")
