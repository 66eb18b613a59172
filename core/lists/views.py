"""Server-rendered pages: public notices with the objection form and the public lists (no log-in);
staff pages to open notices, resolve objections, publish lists, recommend to the national list
and (national instance) import provinces' recommendations."""
from __future__ import annotations

import datetime as dt
import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.accounts.forms import EmptyForm
from core.accounts.permissions import city_of
from core.accounts.web import install_error_pages, login_required
from core.accounts.web import run_and_redirect as _run
from core.applications import consulted as consulted_rule
from core.applications import priorities
from core.applications.forms import choice
from core.errors import GreenmfgError, NotFound
from core.extensions import db
from core.kernel import paging
from core.clock import this_year, today
from core.kernel.memo import remembered
from core.kernel.permissions import may
from core.kernel.rules import region_rules
from core.kernel.uow import attempt, commit
from core.lists import cultivation, decisions, history, keys, notice_units, notices, recommend, tables
from core.lists.access import ListsPerm, publish_perm
from core.lists.forms import (
    AddForm, ConsultedForm, DecisionForm, HistoryForm, ImportForm, NoticeForm, ObjectionForm, ProvinceKeyForm,
    PublishForm, RecognizeForm, RemoveUnitsForm, ResolveForm, AddUnitsForm,
)
from core.kernel.names import local_name, tier_name, unit_type_name
from core.models import Objection, RecommendationItem
from core.plugins.types import Level
from core.ratelimit import limit
from core.review.access import ReviewPerm, staff_application
from core.review.views import state_label
from core.web.downloads import attachment
from core.web.nav import NavLink
from core.web.pagecache import kept
from core.web.rows import texts

bp = Blueprint("lists", __name__, template_folder="templates")
install_error_pages(bp)
PER_PAGE = 50


def _user():
    return current_user._get_current_object()


def _form_ok(form) -> bool:
    if form.validate_on_submit():
        return True
    if getattr(form, "csrf_token", None) is not None and form.csrf_token.errors:
        abort(400)
    messages = "; ".join(f"{getattr(form, k).label.text}: {' '.join(map(str, v))}" for k, v in form.errors.items())
    flash(_("Please correct the marked fields; nothing was saved.") + (f" ({messages})" if messages else ""), "error")
    return False


from core.plugins.citations import readable_cite  # noqa: E402

bp.add_app_template_global(notices.period_label, "period_label")

def cite_label(cite: str | None) -> str:
    """A rule's citation as people read it: 《title》（文号） and article (:func:`core.plugins.rules.readable_cite`)."""
    return readable_cite(cite)


bp.add_app_template_global(cite_label, "cite_label")

NAV = (
    NavLink(endpoint="lists.public_notices", label=_l("Public notices"), audience="visitors", order=80),
    NavLink(endpoint="lists.manage_notices", label=_l("Public notices"), perm=ReviewPerm.NOTICE_MANAGE, order=61),
    NavLink(endpoint="lists.recommendation", label=_l("Recommendation to MIIT"), perm=ReviewPerm.RECOMMEND, order=62),
    NavLink(endpoint="lists.imports", label=_l("Provincial recommendations"), perm=ReviewPerm.RECOMMENDATION_IMPORT,
            order=65),
    NavLink(endpoint="lists.public_notices", label=_l("Public notices"), place="section", audience="everyone",
            order=20),
    NavLink(endpoint="lists.public_lists", label=_l("Published lists"), place="section", audience="everyone",
            order=21),
    NavLink(endpoint="lists.manage_notices", label=_l("Manage notices"), place="section",
            perm=ReviewPerm.NOTICE_MANAGE, order=22),
    NavLink(endpoint="lists.recommendation", label=_l("National recommendation"), place="section",
            perm=ReviewPerm.RECOMMEND, order=23),
    NavLink(endpoint="lists.imports", label=_l("Provincial recommendations"), place="section",
            perm=ReviewPerm.RECOMMENDATION_IMPORT, order=24),
    NavLink(endpoint="lists.province_keys", label=_l("Province signing keys"), place="section",
            perm=ReviewPerm.RECOMMENDATION_IMPORT, order=27),
    NavLink(endpoint="lists.manage_decisions", label=_l("Lists by decision"), place="section",
            perm=ReviewPerm.NOTICE_MANAGE, order=25),
    # issue 43: the stage before a list (创建计划, 培育库), public, and the province's 认定
    NavLink(endpoint="lists.public_stage", label=_l("Before the lists"), place="section", audience="everyone",
            order=21),
    NavLink(endpoint="lists.manage_stage", label=_l("Recognition"), place="section",
            perm=ReviewPerm.NOTICE_MANAGE, order=25),
    NavLink(endpoint="lists.city_lists", label=_l("City list"), perm=ListsPerm.PUBLISH_CITY, order=63),
    NavLink(endpoint="lists.list_history", label=_l("List history"), place="section",
            perm=ListsPerm.HISTORY, order=26),
)


def _tier_label(application) -> str:
    """The grade an application was given, by its label in the page's language (A级 / Grade A), not its code."""
    return tier_name(application.tier, application.unit_type, application.level)


def _year() -> int:
    year = request.values.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else notices.beijing_today().year


def _levels_for(procedure: str, year: int, user) -> list:
    """The levels whose list ``user`` publishes by ``procedure`` in ``year`` (labels for a select)."""
    rules = region_rules()
    out = []
    for code, lv in rules.list_levels.items():
        how = rules.publication(code, year)
        if how.procedure == procedure and may(user, publish_perm(how.publisher)):
            out.append(choice(code, local_name(lv)))
    return out


# ------------------------------------------------------------------ public --


@bp.get("/notices")
@kept()
def public_notices():
    rows, next_after, _ = paging.page(notices.notices(PER_PAGE + 1, public=True, after=request.args.get("after"),
                                                      columns=notices.NOTICE_COLUMNS),
                                      PER_PAGE, "first", notices.notice_cursor)
    return render_template("lists/notices.html", empty=not rows, next_after=next_after,
                           rows_html=tables.notice_rows(rows, region_rules().list_levels, notices.beijing_today()))


def _notice_page(notice, form: ObjectionForm | None = None, status: int = 200):
    form = form or ObjectionForm()
    items = [i for i in notice.items if i.status == "in_notice"]
    form.item_id.choices = [choice(i.id, i.organization.name) for i in items]
    # a national notice names each unit's province, not its city (issue 54)
    national = region_rules().region.authority == "national"
    names = keys.province_names(str(get_locale() or "").startswith("en")) if national else {}
    return render_template("lists/notice.html", notice=notice, items=notice.items, form=form, national=national,
                           place=lambda unit: names.get(unit.region, unit.name) if national else unit.name,
                           running=notices.is_running(notice)), status


@bp.get("/notices/<int:notice_id>")
def public_notice(notice_id: int):
    return _notice_page(notices.notice_or_404(notice_id, public=True))


@bp.post("/notices/<int:notice_id>/objections")
@limit("public_report")
def object_to(notice_id: int):
    notice = notices.notice_or_404(notice_id, public=True)
    form = ObjectionForm()
    form.item_id.choices = [choice(i.id, i.organization.name) for i in notice.items if i.status == "in_notice"]
    if not _form_ok(form):
        return _notice_page(notice, form, 422)
    try:
        notices.file_objection(notice, item_id=form.item_id.data, name=form.name.data, contact=form.contact.data,
                               grounds=form.grounds.data, evidence=form.evidence.data,
                               objector_unit=form.objector_unit.data)
        commit()
    except GreenmfgError as exc:
        db.session.rollback()
        flash(exc.localized(), "error")
        return _notice_page(notices.notice_or_404(notice_id), form, exc.http_status)
    flash(_("Your objection was received. The unit cannot be listed until the department has dealt with it."),
          "info")
    return redirect(url_for("lists.public_notice", notice_id=notice.id))


@bp.get("/public/lists")
@kept()
def public_lists():
    rules = region_rules()
    level = request.args.get("level") or None
    level = level if level in rules.list_levels else None
    unit_type = request.args.get("type") or None
    unit_type = unit_type if unit_type in rules.unit_types else None
    year = request.args.get("year", type=int)
    year = year if year and 2000 <= year <= 2100 else None
    region = (request.args.get("region") or "").strip()[:40] or None
    q = (request.args.get("q") or "").strip()[:100]
    # what the filters offer changes only when something is written: remembered until then (core.kernel.memo)
    filters = remembered("lists.filter_values", None, notices.filter_values)
    page = notices.browse(level=level, year=year, region=region, unit_type=unit_type, q=q,
                          after=request.args.get("after"), before=request.args.get("before"), per_page=PER_PAGE,
                          listed_regions=filters.regions)
    names = dict(remembered("lists.province_names", None, recommend.province_names))
    names[rules.region_code] = local_name(rules.region)
    levels, unit_types = rules.list_levels, rules.unit_types
    return render_template("lists/public.html", page=page, q=q, level=level, unit_type=unit_type, year=year,
                           region_filter=region, name_cap=notices.NAME_CAP, t=texts(tables.PUBLIC_TEXT),
                           rows_html=tables.list_rows(page.rows, levels, unit_types, names),
                           options=tables.filter_options(levels, unit_types, filters.years, filters.regions, names,
                                                         level=level, year=year, region=region,
                                                         unit_type=unit_type))


# ------------------------------------------------------------------- staff --


@bp.route("/province/notices", methods=["GET", "POST"])
@kept()
@login_required(ReviewPerm.NOTICE_MANAGE)
def manage_notices():
    rules = region_rules()
    form = NoticeForm()
    year = _year()
    form.level.choices = _levels_for("notice", year, _user())
    level = request.values.get("level") or (form.level.choices[0].value if form.level.choices else None)
    level = level if level in {c.value for c in form.level.choices} else None
    candidates = notices.candidates_for(level, year) if level else []
    form.application_ids.choices = [choice(a.id, f"{a.organization.name} · {unit_type_name(a.unit_type)} · "
                                                 f"{_tier_label(a)}") for a in candidates]
    status = 200
    if request.method == "GET":
        form.level.data, form.year.data = level, year
        form.starts_on.data = form.starts_on.data or today()
    elif not _form_ok(form):
        status = 422
    else:
        try:
            notice = notices.open_notice(_user().username, level=form.level.data, year=form.year.data,
                                         starts_on=form.starts_on.data, application_ids=form.application_ids.data,
                                         title=form.title.data, start_reason=form.start_reason.data)
            commit()
        except GreenmfgError as exc:  # e.g. no holiday data for a year the notice reaches: the form stays filled
            db.session.rollback()
            flash(exc.localized(), "error")
            status = exc.http_status
        else:
            flash(_("Public notice opened: %(start)s to %(end)s.", start=notice.starts_on.isoformat(),
                    end=notice.ends_on.isoformat()), "info")
            return redirect(url_for("lists.manage_notice", notice_id=notice.id))
    previews = []
    for c in form.level.choices:
        period = notices.period_for(c.value, year)
        try:
            end, problem = notices.notice_end(c.value, form.starts_on.data or today())[0], None
        except GreenmfgError as exc:
            end, problem = None, exc.localized()
        previews.append({"level": rules.list_levels[c.value], "period": period, "end": end, "problem": problem,
                         "publication": rules.publication(c.value, year)})
    rows = notices.notices(columns=notices.NOTICE_COLUMNS)
    return render_template("lists/manage_notices.html", form=form, empty=not rows, previews=previews,
                           rows_html=tables.staff_notice_rows(rows, state_label), candidates=candidates), status


@bp.get("/province/notices/<int:notice_id>")
@login_required(ReviewPerm.NOTICE_MANAGE)
def manage_notice(notice_id: int):
    return _staff_notice_page(notices.notice_or_404(notice_id))


def _staff_notice_page(notice, status: int = 200, *, refusals=(), **forms):
    """The notice's staff page; ``refusals`` of a bulk change that was not done (each unit and its reason)."""
    objections = db.session.scalars(select(Objection).where(Objection.notice_id == notice.id)
                                    .order_by(Objection.id)).all()
    publish_form = PublishForm()
    if not publish_form.published_on.data:
        publish_form.published_on.data = max(today(), notice.ends_on + dt.timedelta(days=1))
    if notice.document_no and not publish_form.document_no.data:
        publish_form.document_no.data = notice.document_no
    addable = notice_units.accepts_units(notice)
    return render_template("lists/manage_notice.html", notice=notice, objections=objections,
                           resolve_form=ResolveForm(), publish_form=forms.get("publish_form") or publish_form,
                           add_form=forms.get("add_form") or AddUnitsForm(),
                           remove_form=forms.get("remove_form") or RemoveUnitsForm(), refusals=refusals,
                           candidates=notices.candidates_for(notice.level, notice.year, notice.admin_unit_id)
                           if addable else [],
                           open_counts={i.id: notices.open_objections(i) for i in notice.items},
                           levels=region_rules().list_levels, unit_types=region_rules().unit_types,
                           running=notices.is_running(notice),
                           publishable=notices.publishable(notice)), status


def _bulk_notice_change(notice, form, key: str, change, done: str):
    """Run a bulk change of the notice's units: all done and back to the page, or nothing and each refusal shown."""
    if not form.validate_on_submit():
        if getattr(form, "csrf_token", None) is not None and form.csrf_token.errors:
            abort(400)
        flash(_("Please correct the marked fields; nothing was saved."), "error")
        return _staff_notice_page(notice, 422, **{key: form})
    _outcome, refused = attempt(change)
    if refused is not None:
        flash(refused.localized(), "error")
        return _staff_notice_page(notices.notice_or_404(notice.id), refused.http_status,
                            refusals=getattr(refused, "refusals", ()), **{key: form})
    flash(done, "info")
    return redirect(url_for("lists.manage_notice", notice_id=notice.id))


@bp.post("/province/notices/<int:notice_id>/units/add")
@login_required(ReviewPerm.NOTICE_MANAGE)
def add_notice_units(notice_id: int):
    """Put every ticked candidate on the notice (before it starts), all or nothing."""
    notice = notices.notice_or_404(notice_id)
    form = AddUnitsForm()
    return _bulk_notice_change(notice, form, "add_form", lambda: notice_units.add_units(
        _user().username, notice, form.application_ids.data), _("Units added to the notice."))


@bp.post("/province/notices/<int:notice_id>/units/remove")
@login_required(ReviewPerm.NOTICE_MANAGE)
def remove_notice_units(notice_id: int):
    """Take every ticked unit off the notice with one reason, all or nothing."""
    notice = notices.notice_or_404(notice_id)
    form = RemoveUnitsForm()
    return _bulk_notice_change(notice, form, "remove_form", lambda: notice_units.remove_units(
        _user().username, notice, form.item_ids.data, form.reason.data), _("Units taken off the notice."))


@bp.post("/province/objections/<int:objection_id>/resolve")
@login_required(ReviewPerm.NOTICE_MANAGE)
def resolve(objection_id: int):
    objection = notices.objection_or_404(objection_id)
    target = url_for("lists.manage_notice", notice_id=objection.notice_id)
    form = ResolveForm()
    if not _form_ok(form):
        return redirect(target)
    return _run(lambda: notices.resolve_objection(_user().username, objection, form.outcome.data,
                                                  form.resolution.data), _("Objection resolved."), target)[0]


@bp.post("/province/notices/<int:notice_id>/publish")
@login_required(ReviewPerm.NOTICE_MANAGE)
def publish(notice_id: int):
    notice = notices.notice_or_404(notice_id)
    target = url_for("lists.manage_notice", notice_id=notice.id)
    form = PublishForm()
    if not _form_ok(form):
        return _staff_notice_page(notice, 422, publish_form=form)
    outcome, refused = attempt(lambda: notices.publish(_user().username, notice, document_no=form.document_no.data,
                                                       published_on=form.published_on.data))
    if refused is not None:  # the page again with what was typed (文号, date, the tick), and why
        flash(refused.localized(), "error")
        return _staff_notice_page(notices.notice_or_404(notice.id), refused.http_status, publish_form=form)
    flash(_("%(n)d units listed.", n=len(outcome["listed"])), "info")
    if outcome["blocked"]:
        flash(_("%(n)d units stay on the notice until their objections are resolved: %(names)s.",
                n=len(outcome["blocked"]), names="、".join(b["name"] for b in outcome["blocked"])), "warning")
    return redirect(target)


# --------------------------------------------------------- lists by decision --


#: why a candidate cannot be listed (:func:`core.lists.notices.listing_block`), as the decision form says it
_LISTING_BLOCKS = {"banned": _l("cannot be listed: banned from applying"),
                   "already_listed": _l("cannot be listed: already on a list of this level")}


def _decision_page(template: str, admin_unit_id: int | None, **extra):
    """The decision form and the decisions already published, for the province or one city."""
    rules = region_rules()
    form = DecisionForm()
    year = _year()
    form.level.choices = _levels_for("decision", year, _user())
    level = request.values.get("level") or (form.level.choices[0].value if form.level.choices else None)
    level = level if level in {c.value for c in form.level.choices} else None
    candidates = notices.candidates_for(level, year, admin_unit_id) if level else []
    # a unit banned or already on a list of this level is offered with the reason it cannot be listed, before a
    # decision naming only such units is refused
    day = notices.beijing_today()
    blocks = {a.id: notices.listing_block(a.organization, a.unit_type, level, day) for a in candidates}
    form.application_ids.choices = [choice(a.id, f"{a.organization.name} · {local_name(rules.unit_types[a.unit_type])}"
                                                 f"{' · ' + _tier_label(a) if a.tier else ''}"
                                                 f"{' · ' + str(_LISTING_BLOCKS[blocks[a.id]]) if blocks[a.id] else ''}")
                                    for a in candidates]
    status = 200
    if request.method == "GET":
        form.level.data, form.year.data = level, year
        form.published_on.data = form.published_on.data or notices.beijing_today()
    elif _form_ok(form):
        try:
            outcome = decisions.publish_decision(_user().username, level=form.level.data, year=form.year.data,
                                                 application_ids=form.application_ids.data,
                                                 document_no=form.document_no.data,
                                                 published_on=form.published_on.data, admin_unit_id=admin_unit_id,
                                                 title=form.title.data)
            commit()
        except GreenmfgError as exc:
            db.session.rollback()
            flash(exc.localized(), "error")
            status = exc.http_status
        else:
            if outcome.get("stage") is not None:  # the round's decision published the stage before the list
                flash(_("%(n)d units put into the %(stage)s by %(no)s; they are not listed until the province's "
                        "recognition.", n=len(outcome["listed"]), stage=outcome["stage"].name,
                        no=outcome["decision"].document_no), "info")
                if outcome["blocked"]:
                    flash(_("Not put into it (banned, listed or already in it): %(names)s.",
                            names="、".join(b["name"] for b in outcome["blocked"])), "warning")
                return redirect(url_for("lists.public_stage", year=outcome["decision"].year))
            return _listed(outcome)
    else:
        status = 422
    publication = rules.publication(level, year) if level else None
    rows = decisions.decisions(admin_unit_id=admin_unit_id)
    return render_template(template, form=form, candidates=candidates, publication=publication, rows=rows,
                           levels=rules.list_levels, stage_decisions=cultivation.stage_decision_ids(rows),
                           **extra), status


# ------------------------------------------------------- the stage before a list --


def _stage_filters() -> tuple[int | None, bool]:
    year = request.args.get("year", type=int)
    return (year if year and 2000 <= year <= 2100 else None), request.args.get("waiting") == "1"


@bp.get("/public/stage")
def public_stage():
    """The units in a stage before a list (Hunan 000 二.4 创建计划 / 创建单位; Shanxi 004 第七条 培育对象; Hubei 002
    三(一) 培育库), under the stage's own name: not listed; the ones the province has since recognized say so."""
    year, waiting = _stage_filters()
    return render_template("lists/stage.html", rows=cultivation.stage_rows(year=year, waiting_only=waiting),
                           year=year, waiting=waiting, form=None, staff=False)


@bp.route("/province/stage", methods=["GET", "POST"])
@login_required(ReviewPerm.NOTICE_MANAGE)
def manage_stage():
    """The province's 认定: units of the stage move onto the list of its level by a decision."""
    year, _waiting = _stage_filters()
    form = RecognizeForm()
    rows = cultivation.stage_rows(year=year, waiting_only=True)
    form.entry_ids.choices = [choice(r.entry.id, f"{r.entry.organization.name} · {r.entry.year} · "
                                                 f"{local_name(region_rules().unit_types[r.entry.unit_type])}")
                              for r in rows if r.entry.unit_type in region_rules().unit_types]
    status = 200
    if request.method == "GET":
        form.year.data = form.year.data or this_year()
        form.published_on.data = form.published_on.data or notices.beijing_today()
    elif _form_ok(form):
        try:
            outcome = cultivation.recognize(_user().username, entry_ids=form.entry_ids.data,
                                            document_no=form.document_no.data, published_on=form.published_on.data,
                                            year=form.year.data, title=form.title.data)
            commit()
        except GreenmfgError as exc:
            db.session.rollback()
            flash(exc.localized(), "error")
            status = exc.http_status
        else:
            return _listed(outcome)
    else:
        status = 422
    return render_template("lists/stage.html", rows=rows, year=year, waiting=True, form=form, staff=True), status


def _listed(outcome: dict):
    """After a decision put units on a list: say how many and which were not, and show the list."""
    flash(_("%(n)d units listed by %(no)s.", n=len(outcome["listed"]), no=outcome["decision"].document_no), "info")
    if outcome["blocked"]:
        flash(_("Not listed (banned or already on this list): %(names)s.",
                names="、".join(b["name"] for b in outcome["blocked"])), "warning")
    return redirect(url_for("lists.public_lists", level=outcome["decision"].level, year=outcome["decision"].year))


@bp.route("/province/lists", methods=["GET", "POST"])
@login_required(ReviewPerm.NOTICE_MANAGE)
def manage_decisions():
    """The province publishes a list by decision where its document names no notice (Hunan's creation
    plan, Jiangxi's provincial list...)."""
    return _decision_page("lists/decisions.html", None)


@bp.route("/city/lists", methods=["GET", "POST"])
@login_required()
def city_lists():
    """A city bureau publishes its own city's list (Shanxi 第十二条)."""
    user = _user()
    if city_of(user) is None or not may(user, ListsPerm.PUBLISH_CITY):
        abort(403)
    from core.models import AdminUnit

    unit = db.session.get(AdminUnit, city_of(user))
    return _decision_page("lists/decisions.html", city_of(user), city=unit)


# ------------------------------------------------------------ list history --


@bp.route("/province/list-history", methods=["GET", "POST"])
@login_required(ReviewPerm.NOTICE_MANAGE)
def list_history():
    """Province staff load the lists the province already has (core.lists.history)."""
    if not may(_user(), ListsPerm.HISTORY):
        abort(403)
    form = HistoryForm()
    report, status = None, 200
    if request.method == "POST":
        if not _form_ok(form):
            status = 422
        else:
            raw = form.file.data.read()
            from core.lists import jobs as list_jobs  # issue 22: a large file is imported by a job

            if list_jobs.import_in_background(raw):
                job = list_jobs.start_import(_user(), raw, form.file.data.filename or "", bool(form.dry_run.data))
                return redirect(url_for("jobs.detail", public_id=job.public_id))
            try:
                report = history.import_history(_user().username, raw,
                                                form.file.data.filename or "", dry_run=form.dry_run.data)
                if report["ok"] and not report["dry_run"]:
                    commit()
                    flash(_("List history imported: %(created)d created, %(updated)d updated, %(unchanged)d "
                            "unchanged.", created=report["created"], updated=report["updated"],
                            unchanged=report["unchanged"]), "info")
                else:
                    db.session.rollback()
                    if not report["ok"]:
                        flash(_("Nothing was imported: %(n)d rows have problems (listed below).",
                                n=report["rejected"]), "error")
                        status = 422
            except GreenmfgError as exc:
                db.session.rollback()
                flash(exc.localized(), "error")
                status = exc.http_status
    labels = {"listed_on": _("Date of publication"), "notice_no": _("Document number"), "status": _("Status"),
              "removed_on": _("Removal date"), "removal_reason": _("Removal reason")}
    return render_template("lists/history.html", form=form, report=report, labels=labels), status


@bp.get("/province/list-history/template.xlsx")
@login_required(ReviewPerm.NOTICE_MANAGE)
def list_history_template():
    return Response(history.template_xlsx(), headers={
        "Content-Disposition": "attachment; filename=list-history-template.xlsx"},
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# ------------------------------------------------------------ recommendation --


def _rec_year() -> int:
    year = request.values.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else this_year()


@bp.get("/province/recommendation")
@login_required(ReviewPerm.RECOMMEND)
def recommendation():
    year = _rec_year()
    rec = recommend.recommendation_for(year)
    chosen = {i.application_id for i in rec.items} if rec else set()
    consulted = list(rec.consulted_departments or []) if rec else []
    candidates = [a for a in recommend.candidates(year) if a.id not in chosen]
    flagged = priorities.flags(candidates)  # issue 17: 优先推荐 flags and ranks ahead, as in the city's list
    rows = [{"application": a, "gates": recommend.gates(a, year, consulted), "priorities": flagged.get(a.id, [])}
            for a in priorities.rank(candidates, flagged=flagged)]
    offered = consulted_rule.offered(Level.NATIONAL, year)
    consulted_form = ConsultedForm(data={"consulted_departments": consulted,
                                         "other_departments": consulted_rule.others_text(offered, consulted)})
    _department_choices(consulted_form, offered)
    return render_template("lists/recommendation.html", year=year, rec=rec, rows=rows, add_form=AddForm(),
                           remove_form=EmptyForm(), export_form=EmptyForm(), consulted_form=consulted_form,
                           deadline=recommend.deadline(year), years=recommend.years())


@bp.post("/province/recommendation/consulted")
@login_required(ReviewPerm.RECOMMEND)
def recommendation_consulted():
    year = _rec_year()
    form = ConsultedForm()
    _department_choices(form, consulted_rule.offered(Level.NATIONAL, year))
    target = url_for("lists.recommendation", year=year)
    if not _form_ok(form):
        return redirect(target)
    user = _user()
    return _run(lambda: recommend.set_consulted(user.username, recommend.recommendation_for(
        year, user.username, create=True), form.consulted_departments.data or [],
        (form.other_departments.data or "").splitlines()), _("Saved."), target)[0]


def _department_choices(form: ConsultedForm, offered) -> None:
    """The departments of the region's rule (rules.consulted_departments) as the form's boxes."""
    form.consulted_departments.choices = [choice(k, v) for k, v in consulted_rule.labels(offered).items()]
    form.others_allowed = offered.others_allowed


@bp.post("/province/recommendation/add")
@login_required(ReviewPerm.RECOMMEND)
def recommendation_add():
    year = _rec_year()
    form = AddForm()
    target = url_for("lists.recommendation", year=year)
    if not _form_ok(form):
        return redirect(target)
    user = _user()
    application = staff_application(user, form.application_id.data, ReviewPerm.RECOMMEND)
    return _run(lambda: recommend.add(user.username, recommend.recommendation_for(year, user.username, create=True),
                                      application, acknowledge_warnings=form.acknowledge_warnings.data),
                _("Added to the recommendation."), target)[0]


@bp.post("/province/recommendation/items/<int:item_id>/remove")
@login_required(ReviewPerm.RECOMMEND)
def recommendation_remove(item_id: int):
    year = _rec_year()
    target = url_for("lists.recommendation", year=year)
    if not _form_ok(EmptyForm()):
        return redirect(target)
    rec = recommend.recommendation_for(year)
    item = db.session.get(RecommendationItem, item_id) if rec else None
    if item is None or item.recommendation_id != rec.id:
        raise NotFound("No such recommended unit.")
    return _run(lambda: recommend.remove(_user().username, rec, item), _("Removed."), target)[0]


@bp.post("/province/recommendation/export")
@login_required(ReviewPerm.RECOMMEND)
def recommendation_export():
    year = _rec_year()
    target = url_for("lists.recommendation", year=year)
    if not _form_ok(EmptyForm()):
        return redirect(target)
    rec = recommend.recommendation_for(year)
    if rec is None:
        raise NotFound("No recommendation for this year yet.")
    return _run(lambda: recommend.export(_user().username, rec),
                _("Recommendation signed and exported; download the files below."), target)[0]


def _exported(year: int):
    rec = recommend.recommendation_for(year)
    if rec is None or not rec.document:
        raise NotFound("No recommendation for this year yet.")
    return rec


@bp.get("/province/recommendation/<int:year>.json")
@login_required(ReviewPerm.RECOMMEND)
def recommendation_json(year: int):
    rec = _exported(year)
    return attachment(rec.document.encode("utf-8"), recommend.download_name(rec, year, ".json"), "application/json")


@bp.get("/province/recommendation/<int:year>.xlsx")
@login_required(ReviewPerm.RECOMMEND)
def recommendation_xlsx(year: int):
    rec = _exported(year)
    return attachment(recommend.xlsx(json.loads(rec.document)), recommend.download_name(rec, year, ".xlsx"),
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/ministry/imports", methods=["GET", "POST"])
@login_required(ReviewPerm.RECOMMENDATION_IMPORT)
def imports():
    form = ImportForm()
    report, status = None, 200
    if request.method == "POST":
        if not _form_ok(form):
            return redirect(url_for("lists.imports"))
        raw = form.file.data.stream.read(recommend.MAX_BYTES + 1)
        try:
            report = recommend.import_document(_user().username, raw)
            if report["ok"]:
                commit()
                flash(_("%(n)d units queued for national review.", n=report["queued"]), "info")
            else:
                db.session.rollback()
                status = 422
        except GreenmfgError as exc:
            db.session.rollback()
            flash(exc.localized(), "error")
            status = exc.http_status
    return render_template("lists/imports.html", form=form, report=report, rows=recommend.imports()), status


def _province_choices() -> list[tuple[str, str]]:
    english = str(get_locale() or "").startswith("en")
    return list(keys.province_names(english).items())


@bp.route("/ministry/province-keys", methods=["GET", "POST"])
@login_required(ReviewPerm.RECOMMENDATION_IMPORT)
def province_keys():
    """The register of provinces' public signing keys (national instance): register one the province sent, revoke
    one it replaced. A province's recommendation file is imported only when signed by a registered, unrevoked key."""
    form = ProvinceKeyForm()
    form.province.choices = _province_choices()
    if request.method == "POST":
        if not _form_ok(form):
            return _keys_page(form), 422
        try:
            row = keys.register(_user().username, form.province.data, form.public_key.data, form.note.data or "")
            commit()
        except GreenmfgError as exc:
            db.session.rollback()
            flash(exc.localized(), "error")
            return _keys_page(form), exc.http_status
        flash(_("Key %(key)s registered for %(province)s: its recommendation files can now be imported.",
                key=row.key_id, province=dict(form.province.choices).get(row.province, row.province)), "info")
        return redirect(url_for("lists.province_keys"))
    return _keys_page(form)


def _keys_page(form: ProvinceKeyForm, file_form=None):
    from core.lists.forms import ProvinceKeyFileForm

    names = dict(form.province.choices)
    return render_template("lists/province_keys.html", form=form, rows=keys.listing(), revoke=EmptyForm(),
                           file_form=file_form or ProvinceKeyFileForm(formdata=None),
                           province_name=lambda code: names.get(code, code))


@bp.route("/ministry/province-keys/<key_id>/revoke", methods=["POST"])
@login_required(ReviewPerm.RECOMMENDATION_IMPORT)
def revoke_province_key(key_id: str):
    if not EmptyForm().validate_on_submit():
        abort(400)
    return _run(lambda: keys.revoke(_user().username, key_id),
                _("Key revoked: files signed with it are no longer imported."), url_for("lists.province_keys"))[0]
