"""The province's rounds: the campaigns, opening a round from its notice, a round's page, its deadlines and
extensions."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.accounts.permissions import Perm
from core.accounts.web import login_required
from core.applications import city_recommendation, round_notice, services
from core.applications import evidence as evidence_service
from core.applications.blueprint import _beijing_input, _invalid_status, _user, bp
from core.applications.extension_page import cursor, extensions_page
from core.applications.forms import (
    ATTACHMENT_ROWS,
    NOTICE_ROWS,
    CampaignForm,
    DeadlineForm,
    ExtensionForm,
    RoundNoticeForm,
    StepExtensionForm,
    choice,
    with_placeholder,
)
from core.clock import add_years, this_year
from core.errors import InvalidInput, NotFound
from core.extensions import db
from core.i18n import lazy_list
from core.kernel.names import deadline_title, local_name
from core.kernel.records import get_record
from core.kernel.rules import region_rules, source_name
from core.kernel.uow import attempt
from core.models import (
    AdminUnit,
    Campaign,
    Organization,
)
from core.models.counters import ApplicationCount
from core.plugins.types import FieldKind, Level
from core.services import deadlines as step_rules
from core.services.round_steps import APPLICANTS as APPLICANT_CLOSING
from core.services.round_steps import ROUND_ACTORS, round_steps, unset_steps
from core.services.uscc import normalize_uscc
from core.storage import store
from core.storage.staging import PENDING


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
    # issue 57: the rounds shown, from the counters the database keeps (migration 0052)
    counts = dict(db.session.execute(select(ApplicationCount.campaign_id, func.sum(ApplicationCount.n))
                                     .where(ApplicationCount.campaign_id.in_([c.id for c in rows]))
                                     .group_by(ApplicationCount.campaign_id)).all()) if rows else {}
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
    extensions = extensions_page(campaign, after=cursor(request.args.get("ext_after")),
                                 before=cursor(request.args.get("ext_before")))
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
