"""The city's review: returning, rejecting, withdrawing and recommending one application, the review queue
(the province's list of applications is the same page) and the bulk review."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select

from core.accounts.permissions import Perm, application_for, application_scope, city_of
from core.accounts.web import login_required
from core.applications import bulk, services
from core.applications.applicant_views import _act, _render_detail
from core.applications.blueprint import (
    PAGE,
    _beijing_input,
    _invalid_status,
    _status_labels,
    _user,
    bp,
)
from core.applications.forms import (
    CityBulkForm,
    ReasonForm,
    ReturnForm,
    city_bulk_form,
    recommend_form,
)
from core.clock import SHANGHAI, now
from core.errors import NotFound
from core.extensions import db
from core.i18n import translations
from core.kernel.memo import remembered
from core.kernel.names import local_name
from core.kernel.permissions import may
from core.kernel.records import ID_MAX
from core.kernel.rules import region_rules, source_name
from core.kernel.uow import attempt
from core.models import ApplicationStatus as S
from core.models import Campaign
from core.services import deadlines as step_rules
from core.web.pagecache import kept
from core.web.rows import escaped, options, translated


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
