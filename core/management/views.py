"""Server-rendered pages of dynamic management: dashboards with charts, annual filings,
removals, complaints (a public form), changes, re-reviews and bans."""
from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.accounts.forms import EmptyForm
from core.accounts.web import install_error_pages, login_required
from core.api import etags
from core.errors import InvalidInput, NotFound
from core.extensions import db
from core.i18n import listed
from core.clock import today
from core.kernel.permissions import may, require
from core.kernel.records import get_record
from core.kernel.rules import region_rules, source_name
from core.kernel.uow import commit
from core.management import (
    access,
    bans,
    changes,
    charts,
    complaints,
    dashboard,
    files,
    filings,
    paging,
    removals,
    rereview_opinion,
    rereviews,
    round_filings,
    tables,
)
from core.management.access import ManagementPerm
from core.management.forms import (
    CHANGE_KIND_LABELS,
    BanForm,
    ChangeForm,
    ChangeReviewForm,
    ComplaintForm,
    DecideForm,
    DrawForm,
    ImmediateForm,
    OpenYearForm,
    OpinionForm,
    ProposeForm,
    PublishForm,
    RectificationForm,
    ResultForm,
    ReturnFilingForm,
    ReviewForm,
    ScheduleForm,
    UploadForm,
    VerifyForm,
    YearForm,
    choice,
    filing_changes,
    filing_form_class,
    filing_initial,
    key_data_rows,
)
from core.models import (
    AdminUnit,
    AnnualFiling,
    Ban,
    ChangeReport,
    Complaint,
    EvaluatorFirm,
    ManagementFile,
    Organization,
    Removal,
    ReReview,
    Role,
    RoundFiling,
)
from core.kernel.names import local_name
from core.ratelimit import limit
from core.services.uscc import normalize_uscc
from core.web.nav import NavLink
from core.web.pagecache import kept

bp = Blueprint("management", __name__, url_prefix="/management", template_folder="templates",
               static_folder="static", static_url_path="/static")
install_error_pages(bp)

#: the header link; the management pages have their own navigation (``_layout.html``)
NAV = (NavLink(endpoint="management.index", label=_l("Listed units"),
               roles=frozenset({Role.APPLICANT, Role.CITY, Role.PROVINCE, Role.ADMIN, Role.MINISTRY}), order=70),)

STATUS_LABELS = {
    **filings.STATUS_LABELS, **filings.REMOVAL_STATUS_LABELS, "received": _l("Received"), "dismissed": _l("Dismissed"),
    "rectification": _l("Rectification"), "rectified": _l("Rectified"), "removal": _l("Removal"),
    "banned": _l("Reports refused"), "reported": _l("Reported"), "removal_proposed": _l("Removal proposed"),
    "scheduled": _l("Scheduled"), "passed": _l("Passed"), "failed": _l("Failed"),
}


def _user():
    return current_user._get_current_object()


def _year(default: int | None = None) -> int:
    try:
        year = int(request.args.get("year", default or today().year))
    except ValueError:
        year = default or today().year
    return year if 2000 <= year <= 2100 else today().year


#: what a removal proposal came from (Removal.source, set by the service that proposed it)
REMOVAL_SOURCES = {
    "manual": _l("proposed by hand"), "filing": _l("annual dynamic-management table not filed on time"),
    "ranking": _l("bottom share of the national ranking"), "change": _l("change of the unit's details"),
    "complaint": _l("complaint or report"), "rereview": _l("re-review"),
}


@bp.app_template_filter("removal_source")
def _removal_source(source: str) -> str:
    label = REMOVAL_SOURCES.get(source)
    return str(label) if label is not None else "—"


@bp.app_template_filter("mstatus")
def _status_label(status: str) -> str:
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status


@bp.app_template_filter("change_kinds")
def _change_kinds(kinds) -> str:
    """What a change report says changed, by name (名称、生产地址), never by its stored code."""
    kinds = [kinds] if isinstance(kinds, str) else kinds or ()
    return listed(CHANGE_KIND_LABELS.get(k, k) for k in kinds)


@bp.context_processor
def _helpers():
    return {"unit_types": region_rules().unit_types, "list_levels": region_rules().list_levels, "access": access, "may": may,
            "today": today()}


def _sanction_choices(removal_only: bool = True, blank: bool = False) -> list[tuple[str, str]]:
    items = [choice(s.code, s.title) for s in region_rules().sanctions.values()  # named by SanctionField
             if s.removal or not removal_only]
    return ([choice("", "—")] if blank else []) + items


def _org_by_uscc(value: str, field: str = "uscc") -> Organization:
    code = normalize_uscc(value, field=field)
    org = db.session.scalar(select(Organization).where(Organization.uscc == code,
                                                       access.scope(_user(), Organization.admin_unit_id,
                                                                    Organization.id)))
    if org is None:
        raise InvalidInput("No organization with this credit code in your area.", field=field)
    return org


def _form_error(form) -> None:
    """A submitted form failed validation: the first message, as a refusal the error page shows."""
    for field in form:
        if field.errors:
            if field.name == "csrf_token":
                abort(400)
            raise InvalidInput("%(field)s: %(message)s", field=field.name, message=str(field.errors[0]))
    abort(400)


def _attach(form, record_type: str, record_id: int) -> None:
    upload = getattr(form, "file", None)
    if upload is not None and getattr(upload.data, "filename", None):
        files.store(record_type, record_id, upload.data.filename, upload.data.read(), access.actor(_user()))


# -------------------------------------------------------------- dashboards --


@bp.get("/")
@login_required()
def index():
    user = _user()
    if may(user, ManagementPerm.FILE):  # a listed unit's work is its own filings
        return redirect(url_for("management.filings_list"))
    return redirect(url_for("management.dashboard_page"))


def _listed_chart(data: dict, unit: AdminUnit) -> Any:
    per_year = data["cities"].get(unit.id, {})
    names = {code: local_name(region_rules().unit_types[code]) for code in data["types"]}
    series = [(names[t], [per_year.get(y, {}).get(t, 0) for y in data["years"]]) for t in data["types"]]
    return charts.stacked_columns(f"listed-{unit.code}", _("Listed units by type and year: %(city)s", city=unit.name),
                                  [str(y) for y in data["years"]], series, width=360, height=220)


@bp.get("/dashboard")
@kept()  # issue 57: made once until the next write, as the list pages
@login_required()
def dashboard_page():
    user = require(_user(), ManagementPerm.DASHBOARD)
    year = _year()
    city_id = access.city_of(user)
    if city_id is None and request.args.get("city"):
        chosen = db.session.scalar(select(AdminUnit).where(AdminUnit.region == region_rules().region_code,
                                                           AdminUnit.code == request.args["city"]))
        city_id = chosen.id if chosen else None
    count = dashboard.counters(year, city_id)
    rows = dashboard.filing_rows(year, city_id)
    shown = [r for r in rows if r["total"]] or rows
    status_labels = {s: _status_label(s) for s in filings.STATUSES}
    filing_chart = charts.stacked_rows(
        "filings", _("Filings of %(year)d by city and status", year=year),
        [(r["unit"].name, [(s, r["counts"][s]) for s in filings.STATUSES]) for r in shown],
        colours=charts.STATUS_COLOURS, labels=status_labels)
    listed = dashboard.listed_by_type_year(city_id, until=year)
    listed_charts = [(unit, _listed_chart(listed, unit)) for unit in dashboard.cities(city_id)
                     if listed["cities"].get(unit.id) or city_id is not None]
    quota = dashboard.quota_progress(year, city_id)
    quota_charts = []
    if quota is not None:
        for unit_type in quota["types"]:
            bars = [(r["unit"].name, r["types"][unit_type]["count"], r["types"][unit_type]["target"])
                    for r in quota["rows"] if r["types"][unit_type]["target"] is not None]
            quota_charts.append((unit_type, charts.progress_rows(
                f"quota-{unit_type}", _("Progress against the targets: %(type)s",
                                        type=local_name(region_rules().unit_types[unit_type])), bars)))
    return render_template("management/dashboard.html", year=year, count=count, rows=rows, city_id=city_id,
                           city=db.session.get(AdminUnit, city_id) if city_id else None, filing_chart=filing_chart,
                           listed_charts=listed_charts, quota=quota, quota_charts=quota_charts,
                           items=dashboard.open_items(city_id), cities=dashboard.cities(),
                           to_send_up=changes.to_send_up(year, city_id), year_form=YearForm(year=year))


# ---------------------------------------------------------------- filings --


@bp.get("/filings")
@kept()
@login_required()
def filings_list():
    user = require(_user(), ManagementPerm.VIEW)
    return _filings_page(user, _year())


def _filings_page(user, year: int, open_form: OpenYearForm | None = None, code: int = 200):
    status = request.args.get("status") or ""
    shown = filings.status_column()  # an open filing past its deadline is listed and filtered as overdue
    query = (select(*tables.filing_columns(shown)).join(Organization, Organization.id == AnnualFiling.organization_id)
             .where(access.scope(user, AnnualFiling.admin_unit_id, AnnualFiling.organization_id)))
    if not may(user, ManagementPerm.FILE):  # officers see one year; a listed unit its filings of every year
        query = query.where(AnnualFiling.year == year)
    if status in filings.STATUSES:
        query = query.where(shown == status)
    after = request.args.get("after")
    rows, next_after = paging.seek(query, AnnualFiling.year, AnnualFiling.id, after=after, plain=True)
    try:
        due = filings.due_date(year)
    except InvalidInput:
        due = None
    rules = region_rules()
    return render_template("management/filings.html", after=after, next_after=next_after, empty=not rows,
                           rows_html=tables.filing_rows(rows, rules.unit_types, rules.list_levels, STATUS_LABELS),
                           year=year, due=due, late=filings.is_late(year), max_days=filings.MAX_RETURN_DAYS,
                           due_rule=filings.due_rule(year),
                           open_form=open_form or OpenYearForm(year=year),
                           status_options=tables.status_options(filings.STATUSES, STATUS_LABELS, status),
                           reminder_days=filings.reminder_days()), code


@bp.post("/filings/open")
@login_required()
def filings_open():
    """Open a year's filings; after its due date only with a date to file by and a reason (the page asks)."""
    user = require(_user(), ManagementPerm.JOBS)
    form = OpenYearForm()
    if not form.validate_on_submit():
        if form.year.errors or form.csrf_token.errors:
            _form_error(form)
        return _filings_page(user, form.year.data, form, 422)
    year = form.year.data
    late = filings.is_late(year)
    if late and form.until.data is None:
        form.until.errors = [_("The filings of %(year)d were due by %(due)s (Beijing time): give the units a date "
                               "to file by, or every unit is overdue at once.", year=year,
                               due=filings.due_date(year).isoformat())]
        return _filings_page(user, year, form, 422)
    try:
        created = filings.open_year(year, access.actor(user), until=form.until.data if late else None,
                                    reason=form.reason.data if late else None)
    except InvalidInput as exc:
        getattr(form, exc.field if exc.field in ("until", "reason") else "until").errors = [exc.localized()]
        return _filings_page(user, year, form, 422)
    commit()
    if late:
        flash(_("%(n)d filings opened for %(year)d; the units file by %(date)s (Beijing time).", n=created, year=year,
                date=form.until.data.isoformat()), "info")
    else:
        flash(_("%(n)d filings opened for %(year)d.", n=created, year=year), "info")
    return redirect(url_for("management.filings_list", year=year))


def _filing(ident, perm: str = ManagementPerm.VIEW) -> AnnualFiling:
    return access.load(_user(), AnnualFiling, ident, perm=perm)


def _filing_context(filing: AnnualFiling, form=None) -> dict[str, Any]:
    iset = filings.indicator_set(filing)
    figures_rule = filings.key_figures(filing)
    # the version the form was filled in on: the posted one while the typed values are shown, else the stored one
    etag = (form is not None and request.form.get(etags.FORM_FIELD)) or etags.form_tag(
        filing_initial(filing, iset, figures_rule.figures))
    if form is None:
        figures = figures_rule.figures
        form = filing_form_class(iset, region_rules().industries, figures)(data=filing_initial(filing, iset, figures))
    try:
        score = filings.live_score(filing)
    except InvalidInput:
        score = None
    standing = [(s, filings.population(s.unit_type, s.level, s.year)) for s in filings.standing(filing)]
    return {"filing": filing, "form": form, "iset": iset, "score": score, "standing": standing,
            "deadline": filings.deadline_of(filing), "status": filings.status_of(filing),
            "review_form": ReviewForm(), "return_form": ReturnFilingForm(), "reopen_form": ReturnFilingForm(),
            "submit_form": EmptyForm(),
            "editable": filings.status_of(filing) in filings.OPEN and may(_user(), ManagementPerm.FILE),
            "reminders": filing_reminders(filing), "green_code_rule": region_rules().green_code_bands(filing.year),
            "figures_rule": figures_rule, "key_data": key_data_rows(filing.key_data or {}, figures_rule.figures),
            "etag": etag}


def filing_reminders(filing: AnnualFiling):
    from core.models import FilingReminder

    return db.session.scalars(select(FilingReminder).where(FilingReminder.filing_id == filing.id)
                              .order_by(FilingReminder.id)).all()


@bp.route("/filings/<int:ident>", methods=["GET", "POST"])
@login_required()
def filing_page(ident: int):
    filing = _filing(ident)
    if request.method == "POST":
        require(_user(), ManagementPerm.FILE)
        iset = filings.indicator_set(filing)
        figures = filings.key_figures(filing).figures
        form = filing_form_class(iset, region_rules().industries, figures)()
        saved = filing_initial(filing, iset, figures)
        if not etags.stale_form(saved) and not etags.claim_form(filing):  # saved in between (issue 55)
            saved = filing_initial(filing, iset, filings.key_figures(filing).figures)
        if etags.stale_form(saved):  # someone saved the filing since this page was opened (issue 48)
            etags.flash_stale()
            context = _filing_context(filing, form)
            context.update(etag=etags.form_tag(saved), conflicts=etags.form_conflicts(form, saved))
            return render_template("management/filing.html", **context), 409
        if not form.validate_on_submit():
            return render_template("management/filing.html", **_filing_context(filing, form)), 422
        filings.save(filing, filing_changes(form, iset, figures), access.actor(_user()))
        commit()
        flash(_("Saved."), "info")
        return redirect(url_for("management.filing_page", ident=filing.id))
    return render_template("management/filing.html", **_filing_context(filing))


@bp.post("/filings/<int:ident>/submit")
@login_required()
def filing_submit(ident: int):
    filing = _filing(ident, ManagementPerm.FILE)
    if not EmptyForm().validate_on_submit():
        abort(400)
    filings.submit(filing, access.actor(_user()))
    commit()
    flash(_("The filing is submitted; it can no longer be changed."), "info")
    return redirect(url_for("management.filing_page", ident=filing.id))


@bp.post("/filings/<int:ident>/accept")
@login_required()
def filing_accept(ident: int):
    filing = _filing(ident, ManagementPerm.REVIEW)
    form = ReviewForm()
    if not form.validate_on_submit():
        _form_error(form)
    filings.accept(filing, access.actor(_user()), form.note.data or "")
    commit()
    flash(_("The filing is accepted and ranked."), "info")
    return redirect(url_for("management.filing_page", ident=filing.id))


@bp.post("/filings/<int:ident>/return")
@login_required()
def filing_return(ident: int):
    filing = _filing(ident, ManagementPerm.REVIEW)
    form = ReturnFilingForm()
    if not form.validate_on_submit():
        _form_error(form)
    filings.return_filing(filing, form.reason.data, form.until.data, access.actor(_user()))
    commit()
    flash(_("The filing is returned for correction."), "info")
    return redirect(url_for("management.filing_page", ident=filing.id))


@bp.post("/filings/<int:ident>/reopen")
@login_required()
def filing_reopen(ident: int):
    filing = _filing(ident, ManagementPerm.DECIDE)
    form = ReturnFilingForm()
    if not form.validate_on_submit():
        _form_error(form)
    filings.reopen(filing, form.until.data, form.reason.data, access.actor(_user()))
    commit()
    flash(_("The filing is reopened."), "info")
    return redirect(url_for("management.filing_page", ident=filing.id))


# --------------------------------------------------------------- removals --


def _propose_form() -> ProposeForm:
    form = ProposeForm()
    form.sanction.choices = _sanction_choices()
    form.unit_type.choices = [choice("", "—")] + [choice(c, local_name(t)) for c, t in region_rules().unit_types.items()]
    form.levels.choices = [choice(c, local_name(lv)) for c, lv in region_rules().list_levels.items()]
    form.unit.choices = [choice("", "—")] + [choice(code, f"{name}（{code}）")
                                             for code, name in removals.listed_units(_user())]
    if request.method == "GET" and request.args.get("uscc"):  # a unit's page links here with its code
        form.unit.data = request.args["uscc"].strip().upper()
    return form


def _immediate_form() -> ImmediateForm:
    form = ImmediateForm()
    form.sanction.choices = [choice(s.code, s.title) for s in removals.removal_sanctions() if removals.is_immediate(s)]
    return form


@bp.get("/removals")
@login_required()
def removals_list():
    user = require(_user(), ManagementPerm.PROPOSE)
    status = request.args.get("status") or ""
    query = removals.visible(select(Removal), user)
    if status:
        query = query.where(Removal.status == status)
    rows = db.session.scalars(query.order_by(Removal.id.desc()).limit(500)).all()
    return render_template("management/removals.html", rows=rows, status=status, form=_propose_form(),
                           immediate_form=_immediate_form(), publish_form=PublishForm(),
                           approved=sum(1 for r in rows if r.status == removals.APPROVED))


@bp.post("/removals")
@login_required()
def removal_propose():
    user = require(_user(), ManagementPerm.PROPOSE)
    form = _propose_form()
    if not form.validate_on_submit():
        _form_error(form)
    if not (form.uscc.data or form.unit.data):
        raise InvalidInput("Pick the listed unit (or type its credit code).", field="unit")
    org = _org_by_uscc(form.uscc.data or form.unit.data)
    removal = removals.propose(org, form.sanction.data, form.reason.data, access.actor(user),
                               levels=form.levels.data or None, unit_type=form.unit_type.data or None,
                               evidence_note=form.evidence_note.data or "")
    _attach(form, "removal", removal.id)
    commit()
    flash(_("Removal no. %(id)d proposed; the province decides.", id=removal.id), "info")
    return redirect(url_for("management.removal_page", ident=removal.id))


@bp.post("/removals/immediate")
@login_required()
def removal_immediate():
    user = require(_user(), ManagementPerm.DECIDE)
    form = _immediate_form()
    if not form.validate_on_submit():
        _form_error(form)
    org = _org_by_uscc(form.uscc.data)
    removal = removals.remove_immediately(org, form.sanction.data, form.reason.data, form.evidence_note.data,
                                          access.actor(user), notice_no=form.notice_no.data)
    commit()
    flash(_("%(name)s is removed from every list at once.", name=org.name), "info")
    return redirect(url_for("management.removal_page", ident=removal.id))


@bp.get("/removals/<int:ident>")
@login_required()
def removal_page(ident: int):
    removal = access.load(_user(), Removal, ident, perm=ManagementPerm.PROPOSE)
    ban = db.session.get(Ban, removal.ban_id) if removal.ban_id else None
    return render_template("management/removal.html", removal=removal, ban=ban, decide_form=DecideForm(),
                           upload_form=UploadForm(), files=files.listing("removal", removal.id))


@bp.post("/removals/<int:ident>/decide")
@login_required()
def removal_decide(ident: int):
    removal = access.load(_user(), Removal, ident, perm=ManagementPerm.DECIDE)
    form = DecideForm()
    if not form.validate_on_submit():
        _form_error(form)
    removals.decide(removal, form.decision.data == "approve", form.note.data or "", access.actor(_user()),
                    notice_no=form.notice_no.data)
    commit()
    flash(_("Decision recorded."), "info")
    return redirect(url_for("management.removal_page", ident=removal.id))


@bp.post("/removals/publish")
@login_required()
def removals_publish():
    user = require(_user(), ManagementPerm.DECIDE)
    form = PublishForm()
    if not form.validate_on_submit():
        _form_error(form)
    done = removals.publish(access.actor(user), notice_no=form.notice_no.data)
    commit()
    flash(_("%(n)d removals published.", n=len(done)), "info")
    return redirect(url_for("management.removals_list"))


@bp.post("/<string:kind>/<int:ident>/files")
@login_required()
def attach_file(kind: str, ident: int):
    models = {"removal": (Removal, "removal_page"), "complaint": (Complaint, "complaint_page"),
              "change": (ChangeReport, "change_page")}
    if kind not in models:
        raise NotFound("No such record.")
    model, page = models[kind]
    record = access.load(_user(), model, ident)
    if kind != "change" and not may(_user(), ManagementPerm.FILES):
        raise NotFound("No such record.")
    form = UploadForm()
    if not form.validate_on_submit() or not getattr(form.file.data, "filename", None):
        raise InvalidInput("Choose a PDF file.", field="file")
    _attach(form, kind, record.id)
    commit()
    return redirect(url_for(f"management.{page}", ident=record.id))


@bp.get("/files/<int:ident>")
@login_required()
def file_download(ident: int):
    row = get_record(ManagementFile, ident)
    if row is None:
        raise NotFound("No such record.")
    models = {"removal": Removal, "complaint": Complaint, "change": ChangeReport, "rereview": ReReview}
    record = access.load(_user(), models[row.record_type], row.record_id)
    if row.record_type != "change" and not may(_user(), ManagementPerm.FILES):
        raise NotFound("No such record.")
    del record
    return send_file(files.open_file(row), mimetype="application/pdf", as_attachment=True,
                     download_name=row.original_name)


# ------------------------------------------------------------- complaints --


def _complaint_form() -> ComplaintForm:
    form = ComplaintForm()
    form.admin_unit.choices = [choice("", "—")] + [choice(u.code, u.name) for u in complaints.public_units()]
    return form


@bp.route("/complaints/new", methods=["GET", "POST"])
@limit("public_report")
def complaint_new():
    """Anyone may complain under their real name (no account needed)."""
    form = _complaint_form()
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("management/complaint_new.html", form=form), 422
        complaint = complaints.file_complaint(
            form.subject_uscc.data, form.complainant_name.data, form.complainant_contact.data, form.content.data,
            form.evidence_note.data, actor=access.actor(_user()), admin_unit_code=form.admin_unit.data or None)
        _attach(form, "complaint", complaint.id)
        commit()
        return render_template("management/complaint_new.html", form=None, received=complaint)
    return render_template("management/complaint_new.html", form=form)


@bp.get("/complaints")
@login_required()
def complaints_list():
    user = require(_user(), ManagementPerm.VERIFY)
    after = request.args.get("after")
    rows, next_after = paging.seek(select(Complaint).where(access.scope(user, Complaint.admin_unit_id)), Complaint.id,
                                   after=after)
    return render_template("management/complaints.html", rows=rows, after=after, next_after=next_after)


def _verify_form() -> VerifyForm:
    form = VerifyForm()
    form.sanction.choices = _sanction_choices(blank=True)
    return form


def _rectification_form() -> RectificationForm:
    form = RectificationForm()
    form.sanction.choices = _sanction_choices(blank=True)
    return form


@bp.get("/complaints/<int:ident>")
@login_required()
def complaint_page(ident: int):
    complaint = access.load(_user(), Complaint, ident, perm=ManagementPerm.VERIFY, by_organization=False)
    return render_template("management/complaint.html", c=complaint, verify_form=_verify_form(),
                           rect_form=_rectification_form(), upload_form=UploadForm(),
                           files=files.listing("complaint", complaint.id))


@bp.post("/complaints/<int:ident>/verify")
@login_required()
def complaint_verify(ident: int):
    complaint = access.load(_user(), Complaint, ident, perm=ManagementPerm.VERIFY, by_organization=False)
    form = _verify_form()
    if not form.validate_on_submit():
        _form_error(form)
    complaints.verify(complaint, form.outcome.data, form.finding.data, access.actor(_user()),
                      rectify_until=form.rectify_until.data, sanction_code=form.sanction.data or None)
    commit()
    flash(_("Decision recorded."), "info")
    return redirect(url_for("management.complaint_page", ident=complaint.id))


@bp.post("/complaints/<int:ident>/rectification")
@login_required()
def complaint_rectification(ident: int):
    complaint = access.load(_user(), Complaint, ident, perm=ManagementPerm.VERIFY, by_organization=False)
    form = _rectification_form()
    if not form.validate_on_submit():
        _form_error(form)
    complaints.close_rectification(complaint, form.rectified.data == "yes", form.note.data, access.actor(_user()),
                                   sanction_code=form.sanction.data or None)
    commit()
    flash(_("Decision recorded."), "info")
    return redirect(url_for("management.complaint_page", ident=complaint.id))


# ---------------------------------------------------------------- changes --


@bp.route("/changes", methods=["GET", "POST"])
@login_required()
def changes_list():
    user = require(_user(), ManagementPerm.VIEW)
    form = ChangeForm()
    if request.method == "POST":
        require(user, ManagementPerm.FILE)
        if not form.validate_on_submit():
            _form_error(form)
        org = db.session.get(Organization, user.organization_id)
        after = {k: getattr(form, f"after_{k}").data for k in form.kinds.data}
        change = changes.report(org, form.kinds.data, after, form.description.data, access.actor(user),
                                effective_on=form.effective_on.data)
        commit()
        flash(_("The change is reported to your city bureau."), "info")
        return redirect(url_for("management.change_page", ident=change.id))
    after = request.args.get("after")
    rows, next_after = paging.seek(select(ChangeReport).where(access.scope(user, ChangeReport.admin_unit_id,
                                                                           ChangeReport.organization_id))
                                   .options(joinedload(ChangeReport.organization)), ChangeReport.id, after=after)
    return render_template("management/changes.html", rows=rows, form=form, after=after, next_after=next_after)


@bp.get("/changes/<int:ident>")
@login_required()
def change_page(ident: int):
    change = access.load(_user(), ChangeReport, ident)
    form = ChangeReviewForm()
    form.sanction.choices = _sanction_choices(blank=True)
    return render_template("management/change.html", change=change, review_form=form, upload_form=UploadForm(),
                           files=files.listing("change", change.id))


@bp.post("/changes/<int:ident>/review")
@login_required()
def change_review(ident: int):
    change = access.load(_user(), ChangeReport, ident, perm=ManagementPerm.REVIEW)
    form = ChangeReviewForm()
    form.sanction.choices = _sanction_choices(blank=True)
    if not form.validate_on_submit():
        _form_error(form)
    changes.review(change, form.still_compliant.data == "yes", form.note.data, access.actor(_user()),
                   sanction_code=form.sanction.data or None)
    commit()
    flash(_("Decision recorded."), "info")
    return redirect(url_for("management.change_page", ident=change.id))


# -------------------------------------------------------------- re-reviews --


@bp.get("/rereviews")
@login_required()
def rereviews_list():
    user = require(_user(), ManagementPerm.VERIFY)
    year = _year()
    rows = db.session.scalars(select(ReReview).where(ReReview.cycle_year == year,
                                                     access.scope(user, ReReview.admin_unit_id))
                              .options(joinedload(ReReview.organization))
                              .order_by(ReReview.status, ReReview.id).limit(500)).all()
    return render_template("management/rereviews.html", rows=rows, year=year, cycle=rereviews.cycle(),
                           schedule_form=ScheduleForm(), result_form=ResultForm(), open_form=YearForm(year=year),
                           draw_form=DrawForm(), opinion_form=OpinionForm())


@bp.post("/rereviews/open")
@login_required()
def rereviews_open():
    user = require(_user(), ManagementPerm.JOBS)
    form = YearForm()
    if not form.validate_on_submit():
        _form_error(form)
    made = rereviews.open_cycle(form.year.data, access.actor(user))
    commit()
    flash(_("%(n)d re-reviews opened for %(year)d.", n=made, year=form.year.data), "info")
    return redirect(url_for("management.rereviews_list", year=form.year.data))


@bp.post("/rereviews/<int:ident>/schedule")
@login_required()
def rereview_schedule(ident: int):
    review = access.load(_user(), ReReview, ident, perm=ManagementPerm.REVIEW)
    form = ScheduleForm()
    if not form.validate_on_submit():
        _form_error(form)
    rereviews.schedule(review, form.scheduled_on.data, access.actor(_user()))
    commit()
    return redirect(url_for("management.rereviews_list", year=review.cycle_year))


@bp.post("/rereviews/<int:ident>/result")
@login_required()
def rereview_result(ident: int):
    review = access.load(_user(), ReReview, ident, perm=ManagementPerm.REVIEW)
    form = ResultForm()
    if not form.validate_on_submit():
        _form_error(form)
    rereviews.record_result(review, form.passed.data == "yes", form.note.data, access.actor(_user()))
    commit()
    flash(_("Decision recorded."), "info")
    return redirect(url_for("management.rereviews_list", year=review.cycle_year))


@bp.post("/rereviews/<int:ident>/experts")
@login_required()
def rereview_experts(ident: int):
    review = access.load(_user(), ReReview, ident, perm=ManagementPerm.DECIDE)
    form = DrawForm()
    if not form.validate_on_submit():
        _form_error(form)
    rereview_opinion.draw_experts(review, form.count.data, access.actor(_user()))
    commit()
    flash(_("Experts drawn."), "info")
    return redirect(url_for("management.rereviews_list", year=review.cycle_year))


@bp.post("/rereviews/<int:ident>/opinion")
@login_required()
def rereview_opinion_record(ident: int):
    review = access.load(_user(), ReReview, ident, perm=ManagementPerm.DECIDE)
    form = OpinionForm()
    if not form.validate_on_submit():
        _form_error(form)
    rereview_opinion.record_opinion(review, form.opinion.data, form.note.data, access.actor(_user()))
    commit()
    flash(_("Decision recorded."), "info")
    return redirect(url_for("management.rereviews_list", year=review.cycle_year))


# -------------------------------------------------------------------- bans --


def _ban_form() -> BanForm:
    form = BanForm()
    form.sanction.choices = [choice("", "—")] + [choice(s.code, f"{s.title}（{source_name(s.source)}）")
                                                 for s in region_rules().sanctions.values() if s.ban_years]
    return form


@bp.route("/bans", methods=["GET", "POST"])
@login_required()
def bans_page():
    user = require(_user(), ManagementPerm.DECIDE)
    form = _ban_form()
    if request.method == "POST":
        if not form.validate_on_submit():
            _form_error(form)
        code = normalize_uscc(form.uscc.data)
        if form.subject.data == "evaluator":
            firm = db.session.scalar(select(EvaluatorFirm).where(EvaluatorFirm.uscc == code))
            if firm is None:
                raise InvalidInput("No third-party firm has this credit code.", field="uscc")
            bans.ban_evaluator(firm, form.reason.data, access.actor(user), evidence_note=form.evidence_note.data or "",
                               sanction_code=form.sanction.data or None)
        else:
            org = _org_by_uscc(code)
            if not form.sanction.data:
                raise InvalidInput("Choose the removal reason (sanction).", field="sanction")
            bans.ban_organization(org, form.sanction.data, form.reason.data, access.actor(user),
                                  evidence_note=form.evidence_note.data or "")
        commit()
        flash(_("Decision recorded."), "info")
        return redirect(url_for("management.bans_page"))
    rows = db.session.scalars(select(Ban).order_by(Ban.ends_on.desc()).limit(500)).all()
    names = {o.uscc: o.name for o in db.session.scalars(select(Organization).where(
        Organization.uscc.in_({b.uscc for b in rows})))}
    names.update({f.uscc: f.name for f in db.session.scalars(select(EvaluatorFirm).where(
        EvaluatorFirm.uscc.in_({b.uscc for b in rows})))})
    return render_template("management/bans.html", rows=rows, names=names, form=form, on=today())


# ------------------------------------------------------------ round filings --
# issue 15: the filing a round's document asks of listed units (Hunan 2025: 现有国家级单位 by 10-27)


@bp.get("/round-filings")
@login_required()
def round_filings_list():
    from core.management import round_filings
    from core.models import Campaign, RoundFiling

    user = require(_user(), ManagementPerm.VIEW)
    rows = db.session.scalars(select(RoundFiling).where(access.scope(user, RoundFiling.admin_unit_id,
                                                                     RoundFiling.organization_id))
                              .order_by(RoundFiling.campaign_id.desc(), RoundFiling.id).limit(1000)).all()
    campaigns = db.session.scalars(select(Campaign).where(Campaign.region == region_rules().region_code)
                                   .order_by(Campaign.year.desc(), Campaign.id.desc())).all()
    steps = {c.id: round_filings.steps(c) for c in campaigns}
    return render_template("management/round_filings.html", rows=rows, steps=steps,
                           campaigns=[c for c in campaigns if steps[c.id]], open_form=EmptyForm())


@bp.post("/round-filings/open/<int:campaign_id>")
@login_required()
def round_filings_open(campaign_id: int):
    from core.management import round_filings
    from core.models import Campaign

    user = require(_user(), ManagementPerm.DECIDE)
    if not EmptyForm().validate_on_submit():
        abort(400)
    campaign = get_record(Campaign, campaign_id)
    if campaign is None or campaign.region != region_rules().region_code:
        raise NotFound("No such campaign.")
    created = round_filings.open_round(campaign, access.actor(user))
    commit()
    flash(_("%(n)d filings opened.", n=created), "info")
    return redirect(url_for("management.round_filings_list"))


def _round_filing_context(filing, form=None) -> dict[str, Any]:
    iset = filings.indicator_set(filing)
    etag = (form is not None and request.form.get(etags.FORM_FIELD)) or etags.form_tag(filing_initial(filing, iset))
    if form is None:
        form = filing_form_class(iset, region_rules().industries)(data=filing_initial(filing, iset))
    try:
        score = filings.live_score(filing)
    except InvalidInput:
        score = None
    step = next((s for s in round_filings.steps(filing.campaign) if s.code == filing.step), None)
    return {"filing": filing, "form": form, "iset": iset, "score": score, "step": step, "submit_form": EmptyForm(),
            "editable": filing.status == round_filings.DUE and may(_user(), ManagementPerm.FILE), "etag": etag}


@bp.route("/round-filings/<int:ident>", methods=["GET", "POST"])
@login_required()
def round_filing_page(ident: int):
    filing = access.load(_user(), RoundFiling, ident)
    if request.method == "POST":
        require(_user(), ManagementPerm.FILE)
        iset = filings.indicator_set(filing)
        form = filing_form_class(iset, region_rules().industries)()
        saved = filing_initial(filing, iset)
        if not etags.stale_form(saved) and not etags.claim_form(filing):  # saved in between (issue 55)
            saved = filing_initial(filing, iset)
        if etags.stale_form(saved):  # someone saved the filing since this page was opened (issue 48)
            etags.flash_stale()
            context = _round_filing_context(filing, form)
            context.update(etag=etags.form_tag(saved), conflicts=etags.form_conflicts(form, saved))
            return render_template("management/round_filing.html", **context), 409
        if not form.validate_on_submit():
            return render_template("management/round_filing.html", **_round_filing_context(filing, form)), 422
        changes = filing_changes(form, iset)
        round_filings.save(filing, {"values": changes["values"], "industry": changes["industry"]},
                           access.actor(_user()))
        commit()
        flash(_("Saved."), "info")
        return redirect(url_for("management.round_filing_page", ident=filing.id))
    return render_template("management/round_filing.html", **_round_filing_context(filing))


@bp.post("/round-filings/<int:ident>/submit")
@login_required()
def round_filing_submit(ident: int):
    filing = access.load(_user(), RoundFiling, ident, perm=ManagementPerm.FILE)
    if not EmptyForm().validate_on_submit():
        abort(400)
    round_filings.submit(filing, access.actor(_user()))
    commit()
    flash(_("The filing is submitted; it can no longer be changed."), "info")
    return redirect(url_for("management.round_filing_page", ident=filing.id))
