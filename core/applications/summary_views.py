"""The city's recommended lists and its summary table: the ranked page, the recommendation document, the
table's export (xlsx, PDF) and import."""
from __future__ import annotations

from types import SimpleNamespace

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.accounts.forms import EmptyForm
from core.accounts.permissions import Perm
from core.accounts.web import login_required, run_and_redirect
from core.applications import city_recommendation, services
from core.applications import evidence as evidence_service
from core.applications.blueprint import _user, bp
from core.applications.forms import ImportForm, RecommendationFileForm
from core.applications.review_views import _cursor
from core.errors import DeadlinePassed, GreenmfgError, NotFound
from core.extensions import db
from core.kernel.records import ID_MAX
from core.kernel.rules import region_rules
from core.kernel.uow import commit
from core.models import AdminUnit, Campaign
from core.services import deadlines as step_rules
from core.services.office import pdf_available
from core.web.downloads import attachment


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
