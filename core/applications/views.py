"""Server-rendered pages: applicants' drafts and submissions, city review, province campaigns."""
from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import func, select

from core.accounts.forms import EmptyForm
from core.accounts.permissions import Perm, application_for, application_scope, city_of
from core.accounts.web import install_error_pages, login_required, run_and_redirect
from core.api import etags
from core.applications import bulk, city_recommendation, eligibility, listings, round_notice, services
from core.applications import evidence as evidence_service
from core.applications.actions import STATUS_NAMES, action_label, change_value, ordered_changes
from core.applications.fields import (
    column_labels,
    fields_for,
    is_upload,
    section_name,
    shown_value,
    typed_extension,
)
from core.applications.forms import (
    ATTACHMENT_ROWS,
    NOTICE_ROWS,
    CampaignForm,
    CityBulkForm,
    ConfirmForm,
    DeadlineForm,
    EvidenceForm,
    ExtensionForm,
    ImportForm,
    RecommendationFileForm,
    ReasonForm,
    ReturnForm,
    RoundNoticeForm,
    StartForm,
    StepExtensionForm,
    add_spare_rows,
    application_form_class,
    changes_from_form,
    choice,
    city_bulk_form,
    draft_errors,
    drop_blank_rows,
    initial_data,
    neg_attr,
    recommend_form,
    with_placeholder,
)
from core.applications.scoring import indicator_set, live_score
from core.errors import (
    CalendarDataMissing,
    DeadlinePassed,
    GreenmfgError,
    InvalidInput,
    LimitReached,
    NotFound,
    Refused,
)
from core.extensions import db
from core.formfields import ind_attr
from core.i18n import lazy_list, listed, msgid, translations
from core.clock import SHANGHAI, add_years, arrival, now, this_year
from core.kernel.memo import remembered
from core.kernel.permissions import may
from core.kernel.records import ID_MAX, get_record
from core.kernel.rules import region_rules, source_name
from core.kernel.uow import attempt, commit
from core.models import (
    AdminUnit,
    Application,
    AuditLog,
    Campaign,
    DeadlineExtension,
    Organization,
)
from core.models import (
    ApplicationStatus as S,
)
from core.kernel.names import MODE_LABELS, deadline_title, local_name, tier_name
from core.plugins.types import FieldKind, Level, field_attr
from core.services import deadlines as step_rules
from core.services.office import pdf_available
from core.services.round_steps import APPLICANTS as APPLICANT_CLOSING, ROUND_ACTORS, round_steps, unset_steps
from core.services.uscc import normalize_uscc
from core.storage import store
from core.storage.staging import PENDING
from core.web.dates import moment_text
from core.web.downloads import attachment
from core.web.names import score_status
from core.web.nav import NavLink
from core.web.pagecache import kept
from core.web.rows import escaped, options, translated

bp = Blueprint("applications", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/applications")
install_error_pages(bp)
PAGE = 50


@bp.errorhandler(Refused)
@bp.errorhandler(DeadlinePassed)
@bp.errorhandler(LimitReached)
@bp.errorhandler(CalendarDataMissing)
def _refused(exc: GreenmfgError):
    """A refused change (409: a locked application, a passed deadline, a lost race): the reason in the page's
    language and the other one, and the way back; never a bare status code."""
    db.session.rollback()
    app_id = (request.view_args or {}).get("app_id")
    back = url_for("applications.detail", app_id=app_id) if app_id else url_for("applications.mine")
    return render_template("applications/refused.html", message=exc.localized(), message_zh=exc.localized("zh"),
                           message_en=exc.localized("en"), back=back), exc.http_status

NAV = (
    NavLink(endpoint="applications.mine", label=_l("My applications"), perm=Perm.APPLICATION_CREATE, order=50),
    NavLink(endpoint="applications.city_queue", label=_l("City review"), perm=Perm.APPLICATION_REVIEW, order=51),
    NavLink(endpoint="applications.city_ranked", label=_l("Recommendations"), perm=Perm.SUMMARY, order=52),
    NavLink(endpoint="applications.campaigns", label=_l("Campaigns"), perm=Perm.CAMPAIGN_MANAGE, order=53),
    NavLink(endpoint="applications.province_list", label=_l("Applications"), perm=Perm.CAMPAIGN_MANAGE, order=54),
    NavLink(endpoint="applications.api_docs", label="API", audience="everyone", order=40),
)


def _invalid_status(form) -> int:
    """400 for a missing or expired CSRF token, 422 for invalid fields."""
    token = getattr(form, "csrf_token", None)
    return 400 if token is not None and token.errors else 422


def _user():
    return current_user._get_current_object()


def _beijing_input(moment: dt.datetime | None) -> dt.datetime | None:
    """A datetime-local field's value, read as Beijing time."""
    if moment is None:
        return None
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment


def _status_labels() -> dict[str, str]:
    """Status names in the request's language (built once per request: list pages show many)."""
    labels = g.get("_status_labels")
    if labels is None:
        tr = translations()
        labels = g._status_labels = {status: tr.gettext(msgid(name))
                                     for status, name in STATUS_NAMES.items()}
    return labels


def _status_label(status) -> str:
    return _status_labels().get(status, str(status))


bp.add_app_template_global(_status_label, "status_label")
bp.add_app_template_filter(action_label, "action")


# ---------------------------------------------------------------- applicant --


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


# --------------------------------------------------------------- city review --


@bp.post("/applications/<int:app_id>/return")
@login_required(Perm.APPLICATION_REVIEW)
def return_(app_id: int):
    form = ReturnForm()
    if not form.validate_on_submit():
        application = application_for(_user(), app_id, Perm.APPLICATION_REVIEW)
        flash(_("Give a reason and the end of the correction period."), "error")
        return _render_detail(application, _invalid_status(form), return_form=form)
    return _act(app_id, Perm.APPLICATION_REVIEW,
                lambda a, u: services.return_for_correction(a, form.reason.data, _beijing_input(form.until.data),
                                                            u.username),
                _("Returned to the applicant for correction."))


@bp.post("/applications/<int:app_id>/reject")
@login_required(Perm.APPLICATION_REVIEW)
def reject(app_id: int):
    form = ReasonForm(prefix="reject")
    if not form.validate_on_submit():
        application = application_for(_user(), app_id, Perm.APPLICATION_REVIEW)
        flash(_("Please give a reason (2 to 500 characters)."), "error")
        return _render_detail(application, _invalid_status(form), reject_form=form)
    return _act(app_id, Perm.APPLICATION_REVIEW, lambda a, u: services.reject(a, form.reason.data, u.username),
                _("Rejected."))


@bp.post("/applications/<int:app_id>/withdraw")
@login_required(Perm.APPLICATION_REVIEW)
def withdraw(app_id: int):
    form = ReasonForm(prefix="withdraw")
    if not form.validate_on_submit():
        application = application_for(_user(), app_id, Perm.APPLICATION_REVIEW)
        flash(_("Please give a reason (2 to 500 characters)."), "error")
        return _render_detail(application, _invalid_status(form), withdraw_form=form)
    return _act(app_id, Perm.APPLICATION_REVIEW,
                lambda a, u: services.withdraw_recommendation(a, form.reason.data, u.username),
                _("Recommendation withdrawn; the quota place is free again."))


@bp.post("/applications/<int:app_id>/recommend")
@login_required(Perm.APPLICATION_REVIEW)
def recommend(app_id: int):
    user = _user()
    form = recommend_form(application_for(user, app_id, Perm.APPLICATION_REVIEW))
    if not form.validate_on_submit():
        if _invalid_status(form) == 400:
            abort(400)
        flash(_("Tick the box to confirm this action."), "error")
        return _render_detail(application_for(user, app_id, Perm.APPLICATION_REVIEW), 422, recommend_form=form)

    def action(application, user):
        # joint rounds: the ticked levels (one level only: the form shows no choice)
        levels = (form.levels.data or []) if len(services.recommendable_levels(application)) > 1 else None
        outcome = services.recommend(application, user.username,
                                     consulted_departments=(form.consulted_departments.data or [])
                                     + (form.other_departments.data or "").splitlines(),
                                     acknowledge_warnings=bool(form.acknowledge_warnings.data), levels=levels,
                                     opinion=form.opinion.data)
        quota = outcome["quota"]
        if outcome["over_target"]:
            return _("Note: this exceeds the target of %(limit)d for this unit type (%(used)d recommended; "
                     "rule from %(source)s). Targets are not ceilings.", limit=quota.limit, used=outcome["used"],
                     source=source_name(quota.source))
        return None

    done = (_("Approved for the city list; the city publishes its list from its to-do page.")
            if str(application_for(user, app_id, Perm.APPLICATION_REVIEW).level) == "city"
            else _("Recommended to the province."))
    return _act(app_id, Perm.APPLICATION_REVIEW, action, done)


def _campaign_arg(default_latest: bool = True) -> Campaign | None:
    raw = request.args.get("campaign", "")
    rules = region_rules()
    if raw.isdigit() and int(raw) <= ID_MAX:
        campaign = db.session.get(Campaign, int(raw))
        if campaign is None or campaign.region != rules.region_code:
            raise NotFound("No such campaign.")
        return campaign
    if not default_latest:
        return None
    return db.session.scalar(select(Campaign).where(Campaign.region == rules.region_code)
                             .order_by(Campaign.year.desc(), Campaign.id.desc()).limit(1))


def _campaign_named() -> Campaign:
    """The campaign the request names (``?campaign=``); 404 without one."""
    campaign = _campaign_arg(default_latest=False)
    if campaign is None:
        raise NotFound("No such campaign.")
    return campaign


#: the queue page's own texts, translated in one go per request (Jinja's ``_()`` costs a
#: context lookup per call; this page is the hot path measured by bench/bench_pages.py)
_QUEUE_TEXT = {
    "title": _l("Applications"), "city_review": _l("City review"), "status": _l("Status"), "all": _l("All"),
    "unit_type": _l("Unit type"), "campaign": _l("Campaign"), "q": _l("Name or credit code"), "filter": _l("Filter"),
    "no": _l("No."), "applicant": _l("Applicant"), "uscc": _l("Unified social credit code"), "city": _l("City"),
    "score": _l("Score"), "submitted_at": _l("Submitted at"), "empty": _l("Nothing matches these filters."),
    "previous": _l("Previous"), "next": _l("Next"),
}


def _texts(lazy: dict) -> SimpleNamespace:
    """``lazy`` translated; ``t.key`` in a template finds the attribute on the first try (a dict
    would cost Jinja a failed ``getattr`` per text)."""
    return SimpleNamespace(**translated(lazy))


bp.add_app_template_global(options, "options")  # the filter forms' choices (core.web.rows)


_STATUS_VALUES = {s.value: s for s in S}


_UTC8 = dt.timedelta(hours=8)  # Asia/Shanghai has kept UTC+8 without daylight saving since 1991


def _bj(moment: dt.datetime | str) -> str:
    """:func:`core.web.dates.moment_text` for list rows (the same text, without a time-zone database lookup).

    Text and naive values are UTC (SQLite keeps no offset; every instant is stored in UTC).
    """
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return (moment + _UTC8).isoformat(sep=" ", timespec="minutes")


#: rows kept per language and script root; a full table is dropped, not evicted row by row
_ROW_HTML_LIMIT = 20_000


def _row_html_cache(pick: bool) -> dict[int, tuple[tuple, str]]:
    """This app's rendered list rows for the request's language and script root, by application id:
    ``id -> (the row's values, its HTML)``.

    A row's HTML is a pure function of the row's values, the language's labels and the script
    root, so an entry is used only while the values it was made from are those just read: a
    changed status, score, name or city renders the row anew. Cities page back and forth through
    the same lists all day.
    """
    caches = current_app.extensions.setdefault("greenmfg_row_html", {})
    key = (id(translations()), request.script_root, pick)  # the catalogue object lives as long as the app
    cache = caches.get(key)
    if cache is None or len(cache) >= _ROW_HTML_LIMIT:
        cache = caches[key] = {}
    return cache


def _queue_rows(rows, unit_types, pick: bool = False) -> Markup:
    """The table rows of a list page, formatted in Python; every text goes through ``escape``.

    The review queue is the busiest page (bench/bench_pages.py): rows shown before with the
    same values are taken from :func:`_row_html_cache`; for the others labels are escaped once a
    page, names and credit codes once a column, and a row is one f-string.
    """
    cache = _row_html_cache(pick)
    values = rows  # plain tuples (list_applications): they compare in C
    html: list[str | None] = []
    missing = []
    for row in values:
        entry = cache.get(row[0])
        if entry is not None and entry[0] == row:
            html.append(entry[1])
        else:
            html.append(None)
            missing.append(len(html) - 1)
    if missing:
        spans = {status: f'<span class="status {status.value}">{escape(label)}</span>'
                 for status, label in _status_labels().items()}
        names = {code: escape(local_name(t)) for code, t in unit_types.items()}
        cities: dict[str, Markup] = {}
        base = escape(request.script_root)
        tick = escape(_("Select application"))
        new = [values[i] for i in missing]
        for i, row, name, uscc in zip(missing, new, escaped([r[5] for r in new]), escaped([r[6] for r in new])):
            id_, st, ut, score, submitted, _raw_name, _raw_uscc, city = row
            city_html = cities.get(city)
            if city_html is None:
                city_html = cities[city] = escape(city)
            span = spans.get(st) or f'<span class="status {escape(st)}">{escape(st)}</span>'
            # ids are ints, scores floats (shown with the column's two decimals), times Beijing time; with
            # ``pick`` (the city's bulk review) a submitted application has a box to tick
            box = (f'<td><input type="checkbox" name="application_ids" value="{id_:d}" class="pick" '
                   f'form="bulk-form" aria-label="{tick} {id_:d}"></td>' if st == S.SUBMITTED else '<td></td>'
                   ) if pick else ""
            html[i] = (
                f'<tr>{box}<td><a href="{base}/applications/{id_:d}">{id_:d}</a></td><td>{name}</td>'
                f'<td>{uscc}</td><td>{city_html}</td><td>{names.get(ut) or escape(ut)}</td><td>{span}</td>'
                f'<td>{"—" if score is None else f"{score:.2f}"}</td>'
                f'<td>{"—" if submitted is None else _bj(submitted)}</td></tr>')
            cache[id_] = (row, html[i])
    return Markup("\n".join(html))


def _cursor(raw: str | None) -> int | None:
    """A page link's cursor (an application id); anything else: ``None`` (the first page)."""
    return int(raw) if raw and raw.isdigit() and int(raw) <= ID_MAX else None


def _queue(template: str):
    """A filtered list of the applications in the user's scope, 50 a page, newest first."""
    user = _user()
    rules = region_rules()
    args = request.args
    status = args.get("status", "submitted")
    unit_type = args.get("unit_type", "")
    q = args.get("q", "").strip()[:100]
    campaign_arg = args.get("campaign", "")
    campaign_id = int(campaign_arg) if campaign_arg.isdigit() and int(campaign_arg) <= ID_MAX else None
    after, before = _cursor(args.get("after")), _cursor(args.get("before"))
    campaigns = services.campaign_choices(rules.region_code, including=campaign_id)
    if campaign_id is not None and campaign_id not in {c[0] for c in campaigns}:
        raise NotFound("No such campaign.")
    unit_types = rules.unit_types
    page = services.list_applications(application_scope(user), status=_STATUS_VALUES.get(status),
                                      unit_type=unit_type if unit_type in unit_types else None,
                                      campaign_id=campaign_id, q=q, after=after,
                                      before=None if after is not None else before, per_page=PAGE)
    # the same filters with the other page's cursor: no URL building needed
    query_args = {k: v for k, v in args.items() if k not in ("after", "before", "page")}
    here = request.script_root + request.path
    prev_url = f"{here}?{urlencode({**query_args, 'before': page.prev_before})}" if page.prev_before is not None else None
    next_url = f"{here}?{urlencode({**query_args, 'after': page.next_after})}" if page.next_after is not None else None
    pick = may(user, Perm.APPLICATION_REVIEW)  # the boxes of the bulk review; its form is a page of its own (city_bulk)
    return render_template(template, rows_html=_queue_rows(page.rows, unit_types, pick), empty=not page.rows,
                           pick=pick,
                           t=_texts(_QUEUE_TEXT), city_deadlines=_city_deadlines(user, campaign_id, campaigns),
                           prev_url=prev_url, next_url=next_url, status=status, unit_type=unit_type, q=q,
                           campaign_id=campaign_id, campaigns=tuple((str(id_), title) for id_, title in campaigns),
                           unit_type_choices=tuple((code, local_name(ut)) for code, ut in unit_types.items()),
                           statuses=tuple((s.value, label) for s, label in _status_labels().items()
                                          if s != "draft"))  # drafts stay private to their applicant


def _city_deadlines(user, campaign_id: int | None, campaigns) -> tuple[tuple[str, Any], ...]:
    """For a city user: ``(campaign title, StepDeadline)`` of its own deadlines (the chosen campaign, else
    the five newest), with the rule's source and the province's extension (issue 15); remembered while nothing
    is written (:mod:`core.kernel.memo`)."""
    if city_of(user) is None:
        return ()
    ids = (campaign_id,) if campaign_id is not None else tuple(c[0] for c in campaigns[:5])

    def read() -> tuple[tuple[str, Any], ...]:
        out = []
        for campaign in db.session.scalars(select(Campaign).where(Campaign.id.in_(ids))
                                           .order_by(Campaign.id.desc())):
            out += [(campaign.title, d) for d in step_rules.step_deadlines(campaign, "city",
                                                                          admin_unit_id=user.admin_unit_id)]
        return tuple(out)
    return remembered("applications.city_deadlines", (user.admin_unit_id, ids), read)


@bp.get("/city")
@kept()
@login_required(Perm.APPLICATION_REVIEW)
def city_queue():
    return _queue("applications/queue.html")


def _bulk_form(campaign_id: int | None) -> CityBulkForm:
    form = city_bulk_form(db.session.get(Campaign, campaign_id) if campaign_id is not None else None)
    form.campaign_id = campaign_id
    if not form.until.data:
        form.until.data = (now() + dt.timedelta(days=7)).astimezone(SHANGHAI).replace(
            tzinfo=None, second=0, microsecond=0)
    return form


@bp.route("/city/bulk", methods=["GET", "POST"])
@login_required(Perm.APPLICATION_REVIEW)
def city_bulk():
    """The applications ticked in the city's queue (GET: the action to choose and confirm); recommend or return
    them all, all or nothing: one refusal and nothing is done, each refusal listed on the page that comes back
    with the choices kept (issue 20)."""
    user = _user()
    raw = request.args.get("campaign", "")
    campaign_id = int(raw) if raw.isdigit() and int(raw) <= ID_MAX else None
    if campaign_id is None:
        campaign_id = next(iter(services.campaign_choices(region_rules().region_code)), (None,))[0]
    form = _bulk_form(campaign_id)
    if request.method == "GET":
        form.application_ids.data = request.args.getlist("application_ids", type=int)
    picked = bulk.chosen(user, form.application_ids.data or [])
    refusals, status = [], 200
    if request.method == "POST" and not form.validate_on_submit():
        if _invalid_status(form) == 400:
            abort(400)
        flash(_("Please correct the marked fields; nothing was saved."), "error")
        status = 422
    elif request.method == "POST":
        if form.action.data == "recommend":
            _outcomes, refused = attempt(lambda: bulk.recommend_many(
                user, picked, consulted_departments=form.consulted_departments.data or [],
                acknowledge_warnings=bool(form.acknowledge_warnings.data), opinion=form.opinion.data))
            done = (_("Approved for the city list: %(n)d applications.", n=len(picked))
                    if all(str(a.level) == "city" for a in picked) and picked
                    else _("Recommended to the province: %(n)d applications.", n=len(picked)))
        else:
            _outcomes, refused = attempt(lambda: bulk.return_many(user, picked, reason=form.reason.data or "",
                                                                  until=_beijing_input(form.until.data)))
            done = _("Returned for correction: %(n)d applications.", n=len(picked))
        if refused is None:
            flash(done, "info")
            return redirect(url_for("applications.city_queue"))
        flash(refused.localized(), "error")
        refusals, status = getattr(refused, "refusals", None) or [(None, refused)], refused.http_status
        picked = bulk.chosen(user, form.application_ids.data or [])
    return render_template("applications/bulk.html", form=form, picked=picked, refusals=refusals), status


@bp.get("/province/applications")
@kept()
@login_required(Perm.CAMPAIGN_MANAGE)
def province_list():
    return _queue("applications/queue.html")


def _city_unit() -> AdminUnit:
    user = _user()
    unit = db.session.get(AdminUnit, user.admin_unit_id) if user.admin_unit_id else None
    if unit is None:
        raise NotFound("Your account is not bound to a city.")
    return unit


@bp.get("/city/recommended")
@login_required(Perm.SUMMARY)
def city_ranked():
    # here: the summary table's code loads with the city's summary pages only
    from core.applications import summary

    unit = _city_unit()
    # without ?campaign=: the round the city last recommended in (the one it is working in), else the newest
    campaign = _campaign_arg(default_latest=False) or services.last_recommended_campaign(unit.id) or _campaign_arg()
    rules = region_rules()
    groups, quotas = [], []
    if campaign is not None:
        # issue 57: each unit type's list is paged (keyset), one query a page with the rows' organizations;
        # ?type= shows one type's page, ?start= the rank of its first row
        only = request.args.get("type")
        after, before = _cursor(request.args.get("after")), _cursor(request.args.get("before"))
        start = request.args.get("start", "")
        start = int(start) if start.isdigit() and int(start) <= ID_MAX else 0
        for code in campaign.unit_types or []:
            quotas.append(services.quota_status(unit, code, campaign.year, campaign))
            if only in (campaign.unit_types or []) and code != only:
                continue
            here = code == only
            shown = summary.recommended_page(unit, campaign, code, after=after if here else None,
                                             before=before if here and after is None else None)
            first = start if here else 0
            pages = {"campaign": campaign.id, "type": code}
            groups.append(SimpleNamespace(
                unit_type=rules.unit_types.get(code), code=code, rows=shown.rows, start=first,
                next_url=url_for("applications.city_ranked", after=shown.next, start=first + len(shown.rows),
                                 **pages) if shown.next is not None else None,
                prev_url=url_for("applications.city_ranked", before=shown.prev,
                                 start=max(first - summary.RANKED_PAGE, 0), **pages)
                if shown.prev is not None else None))
    campaigns = db.session.scalars(select(Campaign).where(Campaign.region == rules.region_code)
                                   .order_by(Campaign.year.desc(), Campaign.id.desc()).limit(20)).all()
    import_closed = None  # the city's step has closed: say so before anyone fills and uploads a table
    if campaign is not None:
        try:
            step_rules.check_step_open(campaign, "city", admin_unit_id=unit.id)
        except DeadlinePassed as exc:
            import_closed = exc.localized()
    return render_template("applications/ranked.html", unit=unit, campaign=campaign, campaigns=campaigns,
                           groups=groups, quotas=quotas, import_form=ImportForm(), unit_types=rules.unit_types,
                           layout=summary.layout_for(campaign) if campaign else None, pdf=pdf_available(),
                           pdf_form=EmptyForm(),
                           import_closed=import_closed, file_form=RecommendationFileForm(),
                           city_file=city_recommendation.file_of(campaign, unit.id) if campaign else None,
                           city_rule=city_recommendation.policy(campaign) if campaign else None)


@bp.post("/city/recommendation-file")
@login_required(Perm.SUMMARY)
def upload_recommendation_file():
    """The city uploads its 推荐文件 for the round (PDF), beside its summary table (issue 43)."""
    unit = _city_unit()
    campaign = _campaign_named()
    form = RecommendationFileForm()
    target = url_for("applications.city_ranked", campaign=campaign.id)
    if not form.validate_on_submit():
        flash(_("Choose the recommendation document (PDF)."), "error")
        return redirect(target)
    data = evidence_service.read_upload(form.file.data.stream)
    return run_and_redirect(lambda: city_recommendation.upload_file(
        campaign, unit, form.file.data.filename, data, _user().username),
        _("The recommendation document is uploaded."), target)[0]


@bp.get("/recommendation-files/<int:file_id>")
@login_required()
def recommendation_file(file_id: int):
    """A city's 推荐文件: the province any city's, a city its own."""
    row = city_recommendation.file_for(_user(), file_id)
    return attachment(city_recommendation.open_file(row).read(), city_recommendation.download_name(row),
                      "application/pdf")


@bp.get("/city/summary.xlsx")
@login_required(Perm.SUMMARY)
def export_summary():
    # here: the summary table's code loads with the city's summary pages only
    from core.applications import summary
    unit = _city_unit()
    campaign = _campaign_named()
    drafts = request.args.get("drafts") == "1"
    from core.applications import jobs as app_jobs  # issue 22: a large table is built by a job

    if app_jobs.export_in_background(unit, campaign, include_drafts=drafts):
        job = app_jobs.start_export(unit, campaign, _user(), include_drafts=drafts)
        return redirect(url_for("jobs.detail", public_id=job.public_id))
    data = summary.export_xlsx(unit, campaign, _user().username, include_drafts=drafts)
    db.session.commit()
    return attachment(data, summary.download_name(unit, campaign, include_drafts=drafts),
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.post("/city/summary.pdf")
@login_required(Perm.SUMMARY)
def export_summary_pdf():
    """The same table as PDF: a job (LibreOffice prints it), followed on its page, which then offers the file."""
    unit = _city_unit()
    campaign = _campaign_named()  # the CSRF token is checked for every form (core.extensions.csrf)
    from core.applications import jobs as app_jobs

    job = app_jobs.start_pdf(unit, campaign, _user())
    return redirect(url_for("jobs.detail", public_id=job.public_id))


@bp.post("/city/summary")
@login_required(Perm.SUMMARY)
def import_summary():
    # here: the summary table's code loads with the city's summary pages only
    from core.applications import summary
    unit = _city_unit()
    campaign = _campaign_named()
    form = ImportForm()
    if not form.validate_on_submit():
        flash(_("Choose a filled summary table (.xlsx)."), "error")
        return redirect(url_for("applications.city_ranked", campaign=campaign.id))
    data = form.file.data.stream.read(summary.MAX_BYTES + 1)
    from core.applications import jobs as app_jobs  # issue 22: a large file is imported by a job

    if app_jobs.import_in_background(data):
        job = app_jobs.start_import(unit, campaign, data, _user())
        return redirect(url_for("jobs.detail", public_id=job.public_id))
    try:
        report = summary.import_xlsx(unit, campaign, data, _user().username)
        if report["ok"]:
            commit()
    except GreenmfgError as exc:
        db.session.rollback()
        flash(exc.localized(), "error")
        return redirect(url_for("applications.city_ranked", campaign=campaign.id))
    status = 200 if report["ok"] else 422
    return render_template("applications/import_report.html", report=report, campaign=campaign, unit=unit), status


# ---------------------------------------------------------------- province --


@bp.route("/province/campaigns", methods=["GET", "POST"])
@login_required(Perm.CAMPAIGN_MANAGE)
def campaigns():
    rules = region_rules()
    form = CampaignForm()
    form.level.choices = with_placeholder([choice(code, local_name(lv)) for code, lv in rules.list_levels.items()])
    form.unit_types.choices = [choice(code, local_name(t)) for code, t in rules.unit_types.items()]
    status = 200
    if request.method == "GET" and not form.year.data:
        form.year.data = this_year()
    if form.validate_on_submit():
        campaign, refused = attempt(lambda: services.open_campaign(
            actor=_user().username, year=form.year.data, level=form.level.data, unit_types=form.unit_types.data,
            title=form.title.data, closes_at=_beijing_input(form.closes_at.data)))
        if refused:
            flash(refused.localized(), "error")
            status = refused.http_status
        else:
            flash(_("Campaign opened."), "info")
            return redirect(url_for("applications.campaign_detail", campaign_id=campaign.id))
    elif request.method == "POST":
        flash(_("Please correct the marked fields; nothing was saved."), "error")
        status = _invalid_status(form)
    rows = db.session.scalars(select(Campaign).where(Campaign.region == rules.region_code)
                              .order_by(Campaign.year.desc(), Campaign.id.desc())).all()
    # issue 57: the rounds shown only, each an index-only count (ix_application_campaign_id_id)
    counts = dict(db.session.execute(select(Application.campaign_id, func.count(Application.id))
                                     .where(Application.campaign_id.in_([c.id for c in rows]))
                                     .group_by(Application.campaign_id)).all()) if rows else {}
    return render_template("applications/campaigns.html", form=form, campaigns=rows, counts=counts), status


def _notice_form(rules) -> RoundNoticeForm:
    """The form opening a round from its notice, its choices in the page's language (no codes shown)."""
    from core.i18n import local_text

    form = RoundNoticeForm()
    form.level.choices = with_placeholder([choice(code, local_name(lv)) for code, lv in rules.list_levels.items()])
    form.unit_types.choices = [choice(code, local_name(t)) for code, t in rules.unit_types.items()]
    deadlines = with_placeholder([choice(APPLICANT_CLOSING, _("Applicants' submission deadline"))] + [
        choice(code, deadline_title(code)) for code, d in sorted(rules.deadlines.items()) if d.actor in ROUND_ACTORS])
    units = with_placeholder([choice(u.code, u.name) for u in db.session.scalars(
        select(AdminUnit).where(AdminUnit.region == rules.region_code, AdminUnit.active).order_by(AdminUnit.id))])
    types = with_placeholder([choice(code, local_name(t)) for code, t in rules.unit_types.items()])
    conditions = with_placeholder([
        choice(code, f"{local_text(r.title, r.title_en)}（{source_name(r.source)}）")
        for code, r in sorted(rules.eligibility_rules.items())])
    files = {f.code: f for t in rules.unit_types for lv in rules.list_levels
             for f in rules.form_fields_for(t, Level(lv)) if f.kind == FieldKind.UPLOAD}
    for n in range(1, ATTACHMENT_ROWS + 1):
        getattr(form, f"attachment_{n}").choices = with_placeholder(
            [choice(code, str(local_text(f.label, f.label_en))) for code, f in sorted(files.items())])
    for n in range(1, NOTICE_ROWS + 1):
        getattr(form, f"deadline_{n}").choices = deadlines
        getattr(form, f"quota_unit_{n}").choices = units
        getattr(form, f"quota_type_{n}").choices = types
        getattr(form, f"condition_{n}").choices = conditions
    return form


def _notice_rules(form: RoundNoticeForm) -> list[dict[str, Any]]:
    """The rows of the form the province filled in, as the notice's rules (a row half filled is refused)."""
    out = []
    for n in range(1, NOTICE_ROWS + 1):
        field = lambda name: getattr(form, f"{name}_{n}")  # noqa: E731
        if field("deadline").data or field("deadline_day").data:
            if not (field("deadline").data and field("deadline_day").data):
                raise InvalidInput("Row %(row)d: choose the step and enter the notice's date.", field=f"deadline_{n}",
                                   row=n)
            out.append({"kind": "deadline", "key": field("deadline").data, "value": field("deadline_day").data,
                        "article": field("deadline_article").data, "field": f"deadline_{n}", "row": n})
        if field("quota_unit").data or field("quota_type").data or field("quota_places").data is not None:
            if not (field("quota_unit").data and field("quota_type").data and field("quota_places").data is not None):
                raise InvalidInput("Row %(row)d: choose the city and the unit type and enter the places.",
                                   field=f"quota_unit_{n}", row=n)
            out.append({"kind": "quota", "key": f"{field('quota_unit').data}/{field('quota_type').data}",
                        "value": field("quota_places").data, "article": field("quota_article").data,
                        "field": f"quota_unit_{n}", "row": n})
        if field("condition").data:
            out.append({"kind": "condition", "key": field("condition").data,
                        "value": field("condition_switch").data != "off", "article": field("condition_article").data,
                        "field": f"condition_{n}", "row": n})
    for n in range(1, ATTACHMENT_ROWS + 1):
        if form[f"attachment_{n}"].data:
            out.append({"kind": "attachment", "key": form[f"attachment_{n}"].data,
                        "value": form[f"attachment_switch_{n}"].data != "optional",
                        "article": form[f"attachment_article_{n}"].data, "field": f"attachment_{n}", "row": n})
    for kind in ("evaluator_cap", "notice_period"):  # for the round's level
        if form[kind].data is not None:
            out.append({"kind": kind, "key": form.level.data, "value": form[kind].data,
                        "article": form[f"{kind}_article"].data, "field": kind, "row": 1})
    return out


#: where the notice attached at a refused try is kept (``pending/``: the clean-up job removes it after its grace)
_KEPT = f"{PENDING}kept/"


def _notice_file(form: RoundNoticeForm) -> tuple[bytes | None, str | None]:
    """The notice's file: the one attached now (kept for the next try, so a refusal never asks for it again), else
    the one kept from an earlier try of the form."""
    upload = form.file.data
    target = store()
    if upload is not None and getattr(upload, "filename", ""):
        data = evidence_service.read_upload(upload.stream)
        form.kept_file.data, form.kept_name.data = uuid.uuid4().hex, upload.filename
        target.put(_KEPT + form.kept_file.data, data)
        return data, upload.filename
    if form.kept_file.data:
        try:
            return target.get(_KEPT + form.kept_file.data), form.kept_name.data
        except FileNotFoundError:
            form.kept_file.data = form.kept_name.data = None
    return None, None


def _copy_round(form: RoundNoticeForm, campaign: Campaign) -> None:
    """Prefill the form from the round of a year before, opened from its notice: the next year, the same level,
    unit types and what that notice set (each date a year later, to be checked against the new notice)."""
    form.year.data, form.level.data, form.unit_types.data = campaign.year + 1, campaign.level, list(campaign.unit_types)
    rows = {"deadline": 0, "quota": 0, "condition": 0, "attachment": 0}
    for rule in campaign.notice_rules or []:
        kind = rule.get("kind")
        if kind not in rows or rows[kind] >= (ATTACHMENT_ROWS if kind == "attachment" else NOTICE_ROWS):
            continue
        rows[kind] += 1
        n, article = rows[kind], rule.get("article") or ""
        if kind == "deadline":
            day = dt.date.fromisoformat(str(rule["value"])[:10])
            getattr(form, f"deadline_{n}").data = rule["key"]
            getattr(form, f"deadline_day_{n}").data = add_years(day, 1)
            getattr(form, f"deadline_article_{n}").data = article
        elif kind == "quota":
            unit, _sep, unit_type = str(rule["key"]).partition("/")
            getattr(form, f"quota_unit_{n}").data, getattr(form, f"quota_type_{n}").data = unit, unit_type
            getattr(form, f"quota_places_{n}").data = int(rule["value"])
            getattr(form, f"quota_article_{n}").data = article
        elif kind == "attachment":
            getattr(form, f"attachment_{n}").data = rule["key"]
            getattr(form, f"attachment_switch_{n}").data = "required" if rule["value"] else "optional"
            getattr(form, f"attachment_article_{n}").data = article
        else:
            getattr(form, f"condition_{n}").data = rule["key"]
            getattr(form, f"condition_switch_{n}").data = "on" if rule["value"] else "off"
            getattr(form, f"condition_article_{n}").data = article
    for rule in campaign.notice_rules or []:
        if rule.get("kind") in ("evaluator_cap", "notice_period") and rule.get("key") == campaign.level:
            form[rule["kind"]].data, form[f"{rule['kind']}_article"].data = int(rule["value"]), rule.get("article")



@bp.route("/province/campaigns/notice", methods=["GET", "POST"])
@login_required(Perm.CAMPAIGN_MANAGE)
def open_from_notice():
    """Open a round from its notice: the notice, its file, and the deadlines, quotas and conditions it sets."""
    rules = region_rules()
    form = _notice_form(rules)
    status = 200
    earlier = _notice_rounds(rules)
    if request.method == "GET":
        copied = next((c for c in earlier if str(c.id) == request.args.get("copy", "")), None)
        if copied is not None:
            _copy_round(form, copied)
        elif not form.year.data:
            form.year.data = this_year()
    if request.method == "POST":
        data, filename = _notice_file(form)  # kept across a refusal of any kind
    if form.validate_on_submit():
        def opened() -> Campaign:
            return round_notice.open_round(
                actor=_user().username, year=form.year.data, level=form.level.data, unit_types=form.unit_types.data,
                notice_no=form.notice_no.data, notice_title=form.notice_title.data,
                notice_issuer=form.notice_issuer.data, notice_issued_on=form.notice_issued_on.data,
                file=data, filename=filename, rules=_notice_rules(form), title=form.title.data,
                closes_at=_beijing_input(form.closes_at.data))
        campaign, refused = attempt(opened)
        if refused:
            flash(refused.localized(), "error")
            if refused.field in form:  # beside the row or the field it concerns
                form[refused.field].errors = [*form[refused.field].errors, refused.localized()]
            status = refused.http_status
        else:
            if form.kept_file.data:
                store().delete(_KEPT + form.kept_file.data)
            unset = unset_steps(campaign)
            flash(_("Round opened from the notice; what the notice sets is listed with the round's rules."), "info")
            if unset:
                flash(_("No document or notice dates these steps of the round yet: %(steps)s. Enter each date the "
                        "notice sets on the round's page.", steps=lazy_list(unset, lambda s: s.local_title)), "warning")
            return redirect(url_for("applications.campaign_detail", campaign_id=campaign.id))
    elif request.method == "POST":
        flash(_("Please correct the marked fields; nothing was saved."), "error")
        status = _invalid_status(form)
    year = form.year.data if isinstance(form.year.data, int) and 2000 <= form.year.data <= 2100 else this_year()
    levels = [form.level.data] if form.level.data in rules.list_levels else list(rules.list_levels)
    steps = [(level, round_steps(year, level, form.unit_types.data or ())) for level in levels]
    return render_template("applications/round_notice.html", form=form, rows=range(1, NOTICE_ROWS + 1),
                           attachment_rows=range(1, ATTACHMENT_ROWS + 1),
                           steps=steps, steps_year=year, earlier=earlier), status


def _notice_rounds(rules) -> list[Campaign]:
    """The region's rounds opened from a notice, newest first (the rounds a new one may be copied from)."""
    return list(db.session.scalars(select(Campaign).where(Campaign.region == rules.region_code,
                                                          Campaign.notice_no.is_not(None))
                                   .order_by(Campaign.year.desc(), Campaign.id.desc()).limit(20)))


@bp.get("/province/campaigns/<int:campaign_id>/notice")
@login_required(Perm.CAMPAIGN_MANAGE)
def notice_download(campaign_id: int):
    """The notice a round was opened from (PDF, as an attachment)."""
    campaign = _campaign(campaign_id)
    response = send_file(round_notice.notice_file(campaign), mimetype="application/pdf", as_attachment=True,
                         download_name=campaign.notice_file_name or "notice.pdf", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _campaign(campaign_id: int) -> Campaign:
    campaign = get_record(Campaign, campaign_id)
    if campaign is None or campaign.region != region_rules().region_code:
        raise NotFound("No such campaign.")
    return campaign


def _campaign_page(campaign: Campaign, status: int = 200, **forms):
    rules = region_rules()
    deadline_form = forms.get("deadline_form") or DeadlineForm()
    unset = unset_steps(campaign)
    deadline_form.code.choices = with_placeholder([choice("closes_at", _("Applicants' submission deadline"))] + [
        choice(code, deadline_title(code))
        for code in (campaign.deadlines or {})] + [choice(s.code, str(s.local_title)) for s in unset])
    extensions = db.session.execute(select(DeadlineExtension, Organization).join(
        Organization, Organization.id == DeadlineExtension.organization_id).where(
        DeadlineExtension.campaign_id == campaign.id)).all()
    step_form = _step_form(campaign, forms.get("step_form"))
    step_exts = step_rules.step_extensions(campaign)
    return render_template("applications/campaign.html", campaign=campaign, deadline_form=deadline_form,
                           extension_form=forms.get("extension_form") or ExtensionForm(), extensions=extensions,
                           step_form=step_form if step_form.step.choices else None,
                           step_extensions=step_exts, unit_names=services.unit_names(e.admin_unit_id for e in step_exts),
                           round_deadlines=step_rules.round_deadlines(campaign), unset_steps=unset,
                           notice=round_notice.round_json(campaign)["notice"],
                           level=rules.list_levels.get(campaign.level),
                           city_files=city_recommendation.round_files(campaign),
                           city_rule=city_recommendation.policy(campaign)), status


@bp.get("/province/campaigns/<int:campaign_id>")
@login_required(Perm.CAMPAIGN_MANAGE)
def campaign_detail(campaign_id: int):
    return _campaign_page(_campaign(campaign_id))


@bp.post("/province/campaigns/<int:campaign_id>/deadline")
@login_required(Perm.CAMPAIGN_MANAGE)
def change_deadline(campaign_id: int):
    campaign = _campaign(campaign_id)
    form = DeadlineForm()
    form.code.choices = with_placeholder([choice("closes_at", "closes_at")] + [choice(c, c) for c in (campaign.deadlines or {})]
                                         + [choice(s.code, s.code) for s in unset_steps(campaign)])
    if not form.validate_on_submit():
        flash(_("Please correct the marked fields; nothing was saved."), "error")
        return _campaign_page(campaign, _invalid_status(form), deadline_form=form)
    value = _beijing_input(form.value.data)
    refused = attempt(lambda: services.change_deadline(
        campaign, form.code.data, value, form.reason.data, _user().username))[1]  # the time entered is kept
    if refused:
        flash(refused.localized(), "error")
        return _campaign_page(_campaign(campaign_id), refused.http_status, deadline_form=form)
    flash(_("Deadline changed; the change and its reason are in the audit log."), "info")
    return redirect(url_for("applications.campaign_detail", campaign_id=campaign_id))


@bp.post("/province/campaigns/<int:campaign_id>/extension")
@login_required(Perm.EXTENSION_GRANT)
def grant_extension(campaign_id: int):
    campaign = _campaign(campaign_id)
    form = ExtensionForm()
    if not form.validate_on_submit():
        flash(_("Please correct the marked fields; nothing was saved."), "error")
        return _campaign_page(campaign, _invalid_status(form), extension_form=form)

    def grant() -> None:
        code = normalize_uscc(form.uscc.data)
        org = db.session.scalar(select(Organization).where(Organization.uscc == code))
        if org is None:
            raise NotFound("No organization with this credit code is registered.")
        services.grant_extension(campaign, org, _beijing_input(form.until.data), form.reason.data, _user().username)

    refused = attempt(grant)[1]
    if refused:
        flash(refused.localized(), "error")
        return _campaign_page(_campaign(campaign_id), refused.http_status, extension_form=form)
    flash(_("Extension granted."), "info")
    return redirect(url_for("applications.campaign_detail", campaign_id=campaign_id))


def _step_form(campaign: Campaign, form: StepExtensionForm | None = None) -> StepExtensionForm:
    """The form extending one city's step deadline: the region's cities and the campaign's city deadlines."""
    rules = region_rules()
    form = form or StepExtensionForm()
    units = db.session.execute(select(AdminUnit.id, AdminUnit.name).where(
        AdminUnit.region == rules.region_code, AdminUnit.active).order_by(AdminUnit.id)).all()
    form.admin_unit.choices = with_placeholder([choice(str(i), name) for i, name in units])
    steps = [choice(code, deadline_title(code)) for code in (campaign.deadlines or {})
             if code in rules.deadlines and rules.deadlines[code].actor == "city"]
    form.step.choices = with_placeholder(steps) if steps else []
    return form


@bp.post("/province/campaigns/<int:campaign_id>/step-extension")
@login_required(Perm.EXTENSION_GRANT)
def grant_step_extension(campaign_id: int):
    """The province extends one city's deadline for one step (issue 15), with a reason (audited)."""
    campaign = _campaign(campaign_id)
    form = _step_form(campaign)
    if not form.validate_on_submit():
        flash(_("Please correct the marked fields; nothing was saved."), "error")
        return _campaign_page(campaign, _invalid_status(form), step_form=form)
    refused = attempt(lambda: step_rules.grant_step_extension(
        campaign, int(form.admin_unit.data), form.step.data, _beijing_input(form.until.data), form.reason.data,
        _user().username))[1]
    if refused:
        flash(refused.localized(), "error")
        return _campaign_page(_campaign(campaign_id), refused.http_status, step_form=form)
    flash(_("Extension granted."), "info")
    return redirect(url_for("applications.campaign_detail", campaign_id=campaign_id))


# -------------------------------------------------------------------- docs --


@bp.get("/api/docs")
def api_docs():
    """The API reference, rendered on the server from the OpenAPI document (no CDN, no script)."""
    api = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    spec = api.spec.to_dict()
    return render_template("applications/api_docs.html", spec=spec)
