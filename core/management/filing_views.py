"""The dashboards, the annual filings (opening a year, a filing's page, its submission and review) and the
filings a round's document asks of listed units."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import Date, bindparam, select

from core.accounts.forms import EmptyForm
from core.accounts.web import login_required
from core.api import etags
from core.clock import today
from core.errors import InvalidInput, NotFound
from core.extensions import db
from core.kernel import statements
from core.kernel.names import local_name
from core.kernel.permissions import may, require
from core.kernel.records import get_record
from core.kernel.rules import region_rules
from core.kernel.uow import commit
from core.management import (
    access,
    changes,
    charts,
    dashboard,
    filing_post,
    filings,
    paging,
    round_filings,
    tables,
)
from core.management.access import ManagementPerm
from core.management.blueprint import (
    STATUS_LABELS,
    _form_error,
    _status_label,
    _user,
    _year,
    bp,
)
from core.management.filing_page import _filing, _filing_context
from core.management.forms import (
    OpenYearForm,
    ReturnFilingForm,
    ReviewForm,
    YearForm,
    filing_changes,
    filing_form_class,
    filing_initial,
)
from core.models import AdminUnit, AnnualFiling, Organization, RoundFiling
from core.web.pagecache import kept

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


#: the filings list's statements, kept per shape and scope (core.kernel.statements)
_FILINGS: dict[tuple, Any] = {}


def _filings_statement(shape: tuple[bool, bool, bool], scope):
    """The filings list of ``scope``: of one year (``:year``) or every year, of one status as shown (``:status``)
    or all, below a cursor or from the top; the day the statuses are shown on is ``:today``."""
    one_year, by_status, below = shape
    shown = filings.status_column(bindparam("today", type_=Date()))  # an open filing past its deadline: overdue
    query = (select(*tables.filing_columns(shown)).join(Organization, Organization.id == AnnualFiling.organization_id)
             .where(scope))
    if one_year:
        query = query.where(AnnualFiling.year == bindparam("year"))
    if by_status:
        query = query.where(shown == bindparam("status"))
    return paging.seek_statement(query, AnnualFiling.year, AnnualFiling.id, below=below)


def _filings_page(user, year: int, open_form: OpenYearForm | None = None, code: int = 200):
    status = request.args.get("status") or ""
    after = request.args.get("after")
    start = paging.parse(after, 2)
    # officers see one year; a listed unit its filings of every year
    shape = (not may(user, ManagementPerm.FILE), status in filings.STATUSES, start is not None)
    scope = access.scope(user, AnnualFiling.admin_unit_id, AnnualFiling.organization_id)
    statement = statements.for_scope(_FILINGS, shape, scope, _filings_statement)
    rows, next_after = paging.seek_run(statement, (AnnualFiling.year, AnnualFiling.id), start,
                                       {"today": today(), "year": year, "status": status})
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


@bp.route("/filings/<int:ident>", methods=["GET", "POST"])
@login_required()
def filing_page(ident: int):
    filing = _filing(ident)
    if request.method == "POST":
        require(_user(), ManagementPerm.FILE)
        return filing_post.post_filing(filing, _user(), then_submit=False)
    return render_template("management/filing.html", **_filing_context(filing))


@bp.post("/filings/<int:ident>/submit")
@login_required()
def filing_submit(ident: int):
    filing = _filing(ident, ManagementPerm.FILE)
    if filing_post.typed_form_posted():  # the page's 提交: what was typed is saved and submitted (issue 55)
        return filing_post.post_filing(filing, _user(), then_submit=True)
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
