"""Server-rendered review pages: evaluator registry and requests, the expert pool, assignment
with avoidance, expert scoring (blind until submitted) and the panel result."""
from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.accounts.forms import EmptyForm
from core.accounts.permissions import firm_of
from core.accounts.web import install_error_pages, login_required
from core.api import etags
from core.accounts.web import run_and_redirect as _run
from core.applications import listings, priorities
from core.applications.forms import choice
from core.errors import GreenmfgError, InvalidInput, NotFound
from core.extensions import db
from core.clock import this_year
from core.kernel.records import ID_MAX
from core.kernel.rules import region_rules, source_name
from core.kernel.uow import attempt, commit
from core.models import AdminUnit, Application, EvaluatorEngagement
from core.review import evaluators, experts, reports
from core.review.access import ReviewPerm, staff_application
from core.services.bulk import BulkRefused
from core.services.deadlines import round_years
from core.review.evaluators import QUALIFICATION_FIELDS
from core.review.forms import (
    AcceptForm, AffiliateForm, AssignForm, BulkForm, CommentForm, DrawForm, ExpertForm, JoinPoolForm, NewFirmForm,
    QualificationForm, ReasonForm, SanctionForm,
)
from core.web.nav import NavLink

bp = Blueprint("review", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/review")
install_error_pages(bp)


def _user():
    return current_user._get_current_object()


def _year() -> int:
    value = request.args.get("year", type=int)
    return value if value and 2000 <= value <= 2100 else this_year()


def _checked(form, target: str) -> None:
    """Validate a posted form; a missing CSRF token is a 400, invalid fields go back to ``target``."""
    if not form.validate_on_submit():
        if getattr(form, "csrf_token", None) is not None and form.csrf_token.errors:
            abort(400)
        messages = "; ".join(f"{getattr(form, k).label.text}: {' '.join(map(str, v))}" for k, v in form.errors.items())
        flash(_("Please correct the marked fields; nothing was saved.") + (f" ({messages})" if messages else ""),
              "error")
        raise _FormError(target)


def _posted(form, action: Callable[[], Any]) -> Any:
    """Validate and run a page's main form: the outcome, or the HTTP status to re-render the page with
    (the user's input stays in the form; nothing was saved)."""
    if not form.validate_on_submit():
        if getattr(form, "csrf_token", None) is not None and form.csrf_token.errors:
            abort(400)
        flash(_("Please correct the marked fields; nothing was saved."), "error")
        return 422
    outcome, refused = attempt(action)
    if refused is not None:
        flash(refused.localized(), "error")
        for name in (refused.field,) if refused.field and refused.field in form else ():
            form[name].errors = [*form[name].errors, refused.localized()]
        return refused.http_status
    return outcome


class _FormError(Exception):
    pass


@bp.errorhandler(_FormError)
def _form_error(exc):
    return redirect(exc.args[0])


# -------------------------------------------------------------- evaluators --


@bp.route("/review/evaluators", methods=["GET", "POST"])
@login_required(ReviewPerm.EVALUATOR_REGISTRY)
def evaluator_list():
    form = NewFirmForm()
    status = 200
    if request.method == "POST":
        status = _posted(form, lambda: evaluators.register_firm(
            _user().username, uscc=form.uscc.data, name=form.name.data,
            legal_representative=form.legal_representative.data,
            qualifications={k: getattr(form, k).data for k in QUALIFICATION_FIELDS}))
        if not isinstance(status, int):
            flash(_("Evaluator firm registered."), "info")
            return redirect(url_for("review.evaluator_detail", firm_id=status.id))
    year = _year()
    firms = evaluators.firms()
    rows = [{"firm": f, "problems": [r for r in evaluators.requirement_results(f) if not r["ok"]],
             "sanction": evaluators.active_sanction(f)} for f in firms]
    return render_template("review/evaluators.html", rows=rows, form=form, year=year,
                           counts=evaluators.engagement_counts(year), fields=QUALIFICATION_FIELDS), status


@bp.get("/review/evaluators/<int:firm_id>")
@login_required(ReviewPerm.EVALUATOR_REGISTRY)
def evaluator_detail(firm_id: int):
    firm = evaluators.firm_or_404(firm_id)
    year = _year()
    qform = QualificationForm(data=firm.qualifications or {})
    sform = SanctionForm()
    sform.sanction_code.choices = [choice("", "—")] + [choice(s.code, f"{s.title} ({s.ban_years}) · {source_name(s.source)}")
                                                 for s in evaluators.sanction_choices()]
    from core.models import EvaluatorSanction

    sanctions = db.session.scalars(select(EvaluatorSanction).where(EvaluatorSanction.firm_id == firm.id)
                                   .order_by(EvaluatorSanction.starts_on.desc())).all()
    engagements = db.session.scalars(select(EvaluatorEngagement).where(EvaluatorEngagement.firm_id == firm.id)
                                     .order_by(EvaluatorEngagement.id.desc()).limit(200)).all()
    return render_template("review/evaluator.html", firm=firm, year=year, qform=qform, sform=sform,
                           aform=AffiliateForm(), requirements=evaluators.requirement_results(firm),
                           caps=evaluators.cap_status(firm, year), affiliates=evaluators.affiliates(firm),
                           sanctions=sanctions, engagements=engagements, fields=QUALIFICATION_FIELDS,
                           active=evaluators.active_sanction(firm))


@bp.post("/review/evaluators/<int:firm_id>/qualifications")
@login_required(ReviewPerm.EVALUATOR_REGISTRY)
def evaluator_qualifications(firm_id: int):
    firm = evaluators.firm_or_404(firm_id)
    form = QualificationForm()
    _checked(form, url_for("review.evaluator_detail", firm_id=firm.id))
    quals = {k: getattr(form, k).data for k in QUALIFICATION_FIELDS}
    return _run(lambda: evaluators.update_firm(_user().username, firm, qualifications=quals),
                _("Saved."), url_for("review.evaluator_detail", firm_id=firm.id))[0]


@bp.post("/review/evaluators/<int:firm_id>/affiliates")
@login_required(ReviewPerm.EVALUATOR_REGISTRY)
def evaluator_affiliate(firm_id: int):
    firm = evaluators.firm_or_404(firm_id)
    form = AffiliateForm()
    _checked(form, url_for("review.evaluator_detail", firm_id=firm.id))
    return _run(lambda: evaluators.add_affiliate(_user().username, firm, uscc=form.uscc.data, name=form.name.data,
                                                 relation=form.relation.data),
                _("Affiliate recorded."), url_for("review.evaluator_detail", firm_id=firm.id))[0]


@bp.post("/review/evaluators/<int:firm_id>/sanctions")
@login_required(ReviewPerm.EVALUATOR_REGISTRY)
def evaluator_sanction(firm_id: int):
    firm = evaluators.firm_or_404(firm_id)
    form = SanctionForm()
    form.sanction_code.choices = [choice("", "—")] + [choice(s.code, s.code) for s in evaluators.sanction_choices()]
    _checked(form, url_for("review.evaluator_detail", firm_id=firm.id))
    return _run(lambda: evaluators.sanction_firm(_user().username, firm, reason=form.reason.data,
                                                 starts_on=form.starts_on.data,
                                                 sanction_code=form.sanction_code.data or None,
                                                 ends_on=form.ends_on.data),
                _("Sanction recorded."), url_for("review.evaluator_detail", firm_id=firm.id))[0]


# ---------------------------------------------------- applicant and firm side --


@bp.post("/review/requests/<int:request_id>/cancel")
@login_required(ReviewPerm.EVALUATOR_REQUEST)
def request_cancel(request_id: int):
    user = _user()
    row = evaluators.request_or_404(user, request_id)
    _checked(EmptyForm(), url_for("review.evaluation_page", app_id=row.application_id))
    return _run(lambda: evaluators.cancel_request(user, row), _("Request cancelled."),
                url_for("review.evaluation_page", app_id=row.application_id))[0]


@bp.get("/review/engagements")
@login_required(ReviewPerm.ENGAGEMENT_DECIDE)
def engagements():
    """The firm's requests: accept with the declaration of independence or decline; the engaged ones link to
    their case file and report."""
    user = _user()
    if user.evaluator_firm_id is None:
        raise NotFound("No such evaluator firm.")
    firm = evaluators.firm_or_404(user.evaluator_firm_id)
    requests_ = evaluators.requests_for_firm(firm.id)
    # the caps of the year asked for, else of the latest round the firm is asked to evaluate in
    year = request.args.get("year", type=int) or max((r.application.campaign.year for r in requests_),
                                                     default=this_year())
    rows = []
    for r in requests_:
        rows.append({"request": r, "accept_form": AcceptForm(prefix=f"accept{r.id}"),
                     "decline_form": ReasonForm(prefix=f"decline{r.id}"),
                     "report": reports.report_for(r.application) if r.status == "accepted" else None,
                     "requirements": evaluators.engagement_requirements(r.application.unit_type),
                     "state": reports.status(r.application) if r.status == "accepted" else None})
    return render_template("review/engagements.html", firm=firm, rows=rows, caps=evaluators.cap_status(firm, year),
                           year=year)


@bp.post("/review/requests/<int:request_id>/decline")
@login_required(ReviewPerm.ENGAGEMENT_DECIDE)
def request_decline(request_id: int):
    user = _user()
    row = evaluators.request_or_404(user, request_id)
    if firm_of(user) != row.firm_id:  # a firm answers its own requests
        raise NotFound("No such request.")
    form = ReasonForm(prefix=f"decline{row.id}")
    _checked(form, url_for("review.engagements"))
    return _run(lambda: evaluators.decline_request(user, row, form.reason.data), _("Request declined."),
                url_for("review.engagements"))[0]


# ------------------------------------------------------------- expert pool --


def _expert_form() -> ExpertForm:
    form = ExpertForm()
    units = db.session.scalars(select(AdminUnit).where(AdminUnit.active).order_by(AdminUnit.region, AdminUnit.id))
    form.admin_unit.choices = [choice("", "—")] + [choice(u.code, u.name) for u in units]
    form.evaluator_firm_id.choices = [choice("", "—")] + [choice(str(f.id), f.name) for f in evaluators.firms()]
    return form


def _join_form() -> JoinPoolForm:
    form = JoinPoolForm(prefix="join")
    form.user_id.choices = [choice(u.id, f"{u.display_name}（{u.username}）") for u in experts.accounts_outside_pool()]
    units = db.session.scalars(select(AdminUnit).where(AdminUnit.active).order_by(AdminUnit.region, AdminUnit.id))
    form.admin_unit.choices = [choice("", "—")] + [choice(u.code, u.name) for u in units]
    return form


def _fields_of(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").replace("，", ",").split(",")]


@bp.post("/review/experts/join")
@login_required(ReviewPerm.REVIEW_MANAGE)
def expert_join():
    """Put an existing expert account (e.g. one an administrator created) in the pool."""
    form = _join_form()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash(_("Please correct the marked fields; nothing was saved."), "error")
        return _pool_page(_expert_form(), 422, join_form=form)
    from core.models import User

    status = _posted(form, lambda: experts.join_pool(
        _user().username, db.session.get(User, form.user_id.data), name=form.name.data or None,
        fields=_fields_of(form.fields.data), employer_uscc=form.employer_uscc.data or None,
        employer_name=form.employer_name.data, admin_unit_code=form.admin_unit.data or None))
    if isinstance(status, int):
        return _pool_page(_expert_form(), status, join_form=form)
    flash(_("Expert added to the pool."), "info")
    return redirect(url_for("review.expert_pool"))


def _pool_page(form, status: int = 200, join_form: JoinPoolForm | None = None):
    return render_template("review/experts.html", experts=experts.pool(active_only=False), form=form,
                           join_form=join_form or _join_form(), toggle_form=EmptyForm()), status


@bp.route("/review/experts", methods=["GET", "POST"])
@login_required(ReviewPerm.REVIEW_MANAGE)
def expert_pool():
    form = _expert_form()
    status = 200
    if request.method == "POST":
        fields = _fields_of(form.fields.data)
        status = _posted(form, lambda: experts.add_expert(
            _user().username, username=form.username.data, password=form.password.data, name=form.name.data,
            fields=fields, employer_uscc=form.employer_uscc.data or None, employer_name=form.employer_name.data,
            admin_unit_code=form.admin_unit.data or None,
            evaluator_firm_id=int(form.evaluator_firm_id.data) if form.evaluator_firm_id.data else None))
        if not isinstance(status, int):
            flash(_("Expert added to the pool."), "info")
            return redirect(url_for("review.expert_pool"))
    return _pool_page(form, status)


@bp.post("/review/experts/<int:expert_id>/active")
@login_required(ReviewPerm.REVIEW_MANAGE)
def expert_toggle(expert_id: int):
    expert = experts.expert_or_404(expert_id)
    _checked(EmptyForm(), url_for("review.expert_pool"))
    return _run(lambda: experts.set_active(_user().username, expert, not expert.active), _("Saved."),
                url_for("review.expert_pool"))[0]


# ------------------------------------------------------------ review queue --


def _bulk_form(form: BulkForm | None = None) -> BulkForm:
    form = form or BulkForm()
    form.expert_id.choices = [choice(0, "—")] + [choice(e.id, e.name) for e in experts.pool()]
    if not form.panel_size.data:
        form.panel_size.data = experts.min_experts()
    return form


def _cursor(raw: str | None) -> int | None:
    """A page link's cursor (an application id); anything else: ``None`` (the first page)."""
    return int(raw) if raw and raw.isdigit() and int(raw) <= ID_MAX else None


@bp.get("/review")
@login_required(ReviewPerm.REVIEW_MANAGE)
def queue():
    """The applications the province reviews, each with its panel's progress; tick several to draw or assign
    experts for all of them at once."""
    year = request.args.get("year", type=int)
    after, before = _cursor(request.args.get("after")), _cursor(request.args.get("before"))
    queue, next_after, prev_before = experts.review_queue(year=year, after=after,
                                                          before=None if after is not None else before)
    # issue 17: 优先推荐 flags and ranks ahead, as in the city's list (within the page: the queue is paged)
    flagged = priorities.flags(queue)
    progress = experts.progress_many(queue)
    rows = [{"application": a, "progress": progress[a.id], "priorities": flagged.get(a.id, [])}
            for a in priorities.rank(queue, flagged=flagged)]
    form = _bulk_form()
    form.application_ids.choices = [choice(r["application"].id, str(r["application"].id)) for r in rows]
    here = {"year": year} if year else {}
    prev_url = url_for("review.queue", before=prev_before, **here) if prev_before is not None else None
    next_url = url_for("review.queue", after=next_after, **here) if next_after is not None else None
    return render_template("review/queue.html", rows=rows, year=year, years=round_years(), form=form, prev_url=prev_url, next_url=next_url,
                           ranked=bool(flagged))


@bp.post("/review/bulk")
@login_required(ReviewPerm.REVIEW_MANAGE)
def bulk():
    """Draw (up to the panel size, by field) or assign one expert for every ticked application; the outcome of
    each is shown (the experts drawn, or why none could be)."""
    user = _user()
    form = _bulk_form(BulkForm())
    form.application_ids.choices = [choice(i, str(i)) for i in experts.queued(form.application_ids.data or [])]
    _checked(form, url_for("review.queue"))
    applications = [staff_application(user, ident, ReviewPerm.REVIEW_MANAGE) for ident in form.application_ids.data]
    try:
        if form.action.data == "assign":
            if not form.expert_id.data:
                raise InvalidInput("Choose the expert to assign.", field="expert_id")
            outcomes = experts.assign_many(user.username, applications, experts.expert_or_404(form.expert_id.data))
        else:
            outcomes = experts.draw_many(user.username, applications, form.panel_size.data or experts.min_experts(),
                                         form.field_from.data, form.field.data)
        refused = [o for o in outcomes if o["error"] is not None]
        if refused:  # all or nothing (issue 20): one application refused and no panel changes
            raise BulkRefused([(str(o["application"].id), o["error"]) for o in refused], len(outcomes))
        commit()
    except BulkRefused as exc:
        db.session.rollback()
        flash(exc.localized(), "error")
        rows = [{**o, "drawn": [], "progress": experts.progress(o["application"])} for o in outcomes]
        return render_template("review/bulk.html", rows=rows, undone=True), exc.http_status
    except GreenmfgError as exc:
        db.session.rollback()
        flash(exc.localized(), "error")
        return redirect(url_for("review.queue"))
    flash(_("%(done)d of %(total)d applications served.", done=len(outcomes), total=len(outcomes)), "info")
    rows = [{**o, "progress": experts.progress(o["application"])} for o in outcomes]
    return render_template("review/bulk.html", rows=rows)


def _draw_hint(application: Application, default: dict[str, Any]) -> str:
    """What the draw form's field box holds by default and how many experts it matches (experts.draw_default)."""
    n, count = default["n"], default["count"]
    if default["basis"] == "industry":
        text = _("The default is the application's industry, listed by %(n)d experts in the pool who need not "
                 "avoid this application.", n=n)
    elif default["basis"] == "unit_type":
        text = _("The default is the application's unit type, listed by %(n)d experts in the pool who need not "
                 "avoid this application.", n=n)
    else:
        text = _("The default is any field: %(n)d experts in the pool need not avoid this application.", n=n)
    short = [experts.field_name(code) for code in default["short"]]
    if application.industry and len(short) == 1 and default["basis"] == "unit_type":
        text += " " + _("Fewer than %(count)d such experts list its industry (%(industry)s).",
                        count=count, industry=short[0])
    elif len(short) == 2:
        text += " " + _("Fewer than %(count)d such experts list its industry (%(industry)s) or its unit type "
                        "(%(unit_type)s).",
                        count=count, industry=short[0], unit_type=short[1])
    elif short:
        text += " " + _("Fewer than %(count)d such experts list its unit type (%(unit_type)s).",
                        count=count, unit_type=short[0])
    if default["basis"]:
        text += " " + _("Empty the box to draw experts of any field.")
    return text


def _review_page(application: Application, status: int = 200, draw_form: DrawForm | None = None):
    """The province's page of one application under review; ``draw_form`` the random draw as posted (after a
    refusal), else its defaults: a field and a number of experts the pool can serve (experts.draw_default)."""
    rules = region_rules()
    user = _user()
    rows = experts.assignments(application)
    evaluated = (experts.evaluators_in_province(application.campaign.year)
                 if experts.independence_rules(application) else [])
    taken = {r.expert_id for r in rows}
    pool = [{"expert": e, "conflicts": experts.conflicts(e, application, evaluated)}
            for e in experts.pool() if e.id not in taken]
    assign_form = AssignForm()
    assign_form.expert_id.choices = [choice(p["expert"].id, p["expert"].name) for p in pool if not p["conflicts"]]
    default = experts.draw_default(application, [p["expert"] for p in pool if not p["conflicts"]])
    if draw_form is None:  # the field by its name; the draw matches experts by its code
        draw_form = DrawForm(formdata=None, data={"field": experts.field_name(default["field"]),
                                                  "count": default["count"]})
    visible = experts.visible_assignments(user, application)
    scheme = rules.grading(application.unit_type, application.level)
    return render_template("review/application.html", application=application, rows=rows, pool=pool,
                           assign_form=assign_form, draw_form=draw_form, grade_form=EmptyForm(),
                           table=experts.score_table(application, visible), visible=visible,
                           result=experts.result_of(application), scheme=scheme, min_experts=experts.min_experts(application),
                           panel_rule=experts.panel_rule_text(experts.panel_rule(application)),
                           field_names=experts.field_names(), draw_hint=_draw_hint(application, default),
                           independence=experts.independence_rules(application),
                           listing_notes=listings.notes(application)), status


@bp.get("/review/applications/<int:app_id>")
@login_required(ReviewPerm.REVIEW_MANAGE)
def review_application(app_id: int):
    return _review_page(staff_application(_user(), app_id, ReviewPerm.REVIEW_MANAGE))


@bp.post("/review/applications/<int:app_id>/assign")
@login_required(ReviewPerm.REVIEW_MANAGE)
def assign(app_id: int):
    user = _user()
    application = staff_application(user, app_id, ReviewPerm.REVIEW_MANAGE)
    form = AssignForm()
    form.expert_id.choices = [choice(e.id, e.name) for e in experts.pool()]
    _checked(form, url_for("review.review_application", app_id=app_id))
    expert = experts.expert_or_404(form.expert_id.data)
    return _run(lambda: experts.assign(user.username, application, expert), _("Expert assigned."),
                url_for("review.review_application", app_id=app_id))[0]


@bp.post("/review/applications/<int:app_id>/draw")
@login_required(ReviewPerm.REVIEW_MANAGE)
def draw(app_id: int):
    user = _user()
    application = staff_application(user, app_id, ReviewPerm.REVIEW_MANAGE)
    form = DrawForm()
    # on a refusal the page comes back with the field and number as typed
    outcome = _posted(form, lambda: experts.draw(user.username, application, form.count.data, form.field.data))
    if isinstance(outcome, int):
        return _review_page(application, outcome, form)
    flash(_("Experts drawn."), "info")
    return redirect(url_for("review.review_application", app_id=app_id))


@bp.post("/review/applications/<int:app_id>/grade")
@login_required(ReviewPerm.REVIEW_MANAGE)
def grade(app_id: int):
    user = _user()
    application = staff_application(user, app_id, ReviewPerm.REVIEW_MANAGE)
    _checked(EmptyForm(), url_for("review.review_application", app_id=app_id))
    return _run(lambda: experts.grade(user.username, application), _("Panel result recorded."),
                url_for("review.review_application", app_id=app_id))[0]


# ------------------------------------------------------------------ expert --


@bp.get("/expert")
@login_required(ReviewPerm.EXPERT_SCORE)
def my_assignments():
    user = _user()
    return render_template("review/my_assignments.html", rows=experts.my_assignments(user))


def _score_version(row) -> dict:
    """What the score form edits, as saved: the version its hidden field names (issue 48)."""
    return {"scores": {str(k): v for k, v in (row.scores or {}).items()}, "comment": row.comment or ""}


def _score_page(row, status: int = 200, form: CommentForm | None = None, typed: dict[str, str] | None = None,
                wrong: dict[str, str] | None = None, conflicts: list | None = None):
    """The whole application (its case file) beside the score form; the other experts' scores once the panel
    has closed. After a refused save: ``form`` the comment as posted, ``typed`` every score as typed (by indicator
    number), ``wrong`` the score the refusal names (``number``, ``message``: marked at its box)."""
    from core.review import casefile

    user = _user()
    application = row.application
    visible = experts.visible_assignments(user, application)
    others = [r for r in visible if r.id != row.id]
    # an expert who declined (a conflict of interest) no longer reads the application
    data = casefile.build(application, _) if row.status != "declined" else None
    evaluated = {i["number"]: i["evaluator_score"] for i in data["indicators"]} if data else {}
    if data and experts.OVERALL not in evaluated:  # no indicator table: the one overall score is the report's total
        evaluated[experts.OVERALL] = data["evaluator_total"]
    return render_template("review/score.html", row=row, application=application, cf=data, evaluated=evaluated,
                           table=experts.score_table(application, [row] + others), others=others,
                           form=form or CommentForm(data={"comment": row.comment or ""}),
                           decline_form=ReasonForm(), unit_types=region_rules().unit_types,
                           closed=experts.panel_closed(application), typed=typed, wrong=wrong,
                           conflicts=conflicts, etag=etags.form_tag(_score_version(row)) if conflicts or typed is None
                           else request.form.get(etags.FORM_FIELD) or etags.form_tag(_score_version(row))), status


@bp.route("/expert/assignments/<int:assignment_id>", methods=["GET", "POST"])
@login_required(ReviewPerm.EXPERT_SCORE)
def score(assignment_id: int):
    user = _user()
    row = experts.assignment_for_expert(user, assignment_id)
    if request.method == "GET":
        return _score_page(row)
    form = CommentForm()
    # what the expert typed goes back into the form on any refusal (nothing typed is lost)
    scores = {key[len("score_"):]: value.strip() for key, value in request.form.items() if key.startswith("score_")}
    saved = _score_version(row)
    if not etags.stale_form(saved) and not etags.claim_form(row):  # saved in between (issue 55)
        saved = _score_version(row)
    if etags.stale_form(saved):  # saved from another page since this one was opened: nothing saved, nothing lost
        etags.flash_stale()
        differ = [(number, str(value)) for number, value in sorted(saved["scores"].items())
                  if str(value) != scores.get(number, "") and value is not None]
        if saved["comment"] != (form.comment.data or ""):
            differ.append((str(form.comment.label.text), saved["comment"] or "—"))
        return _score_page(row, 409, form, scores, conflicts=differ or [("—", "—")])
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash(_("Please correct the marked fields; nothing was saved."), "error")
        return _score_page(row, 422, form, scores)
    try:
        experts.save_scores(user, row, scores, form.comment.data)
        commit()
    except GreenmfgError as exc:
        db.session.rollback()
        flash(exc.localized(), "error")
        field = exc.field or ""
        if field == "comment":
            form.comment.errors = [*form.comment.errors, exc.localized()]
        wrong = field.split(".", 1)[1] if field.startswith("scores.") else None
        return _score_page(experts.assignment_for_expert(user, assignment_id), exc.http_status, form, scores,
                           wrong and {"number": wrong, "message": exc.localized()})
    if request.form.get("then") != "submit":
        flash(_("Scores saved."), "info")
        return redirect(url_for("review.score", assignment_id=row.id))
    # 提交评分 posts the typed scores with it: saved above (kept if the submission is refused), then submitted
    try:
        experts.submit_scores(user, row)
        commit()
    except GreenmfgError as exc:
        db.session.rollback()
        flash(_("Scores saved.") + " " + exc.localized(), "error")
        return _score_page(experts.assignment_for_expert(user, assignment_id), exc.http_status)
    flash(_("Scores submitted; they are final. The other experts' scores are shown once the panel's result is "
            "recorded."), "info")
    return redirect(url_for("review.score", assignment_id=row.id))


@bp.post("/expert/assignments/<int:assignment_id>/submit")
@login_required(ReviewPerm.EXPERT_SCORE)
def submit_scores(assignment_id: int):
    user = _user()
    row = experts.assignment_for_expert(user, assignment_id)
    _checked(EmptyForm(), url_for("review.score", assignment_id=row.id))
    return _run(lambda: experts.submit_scores(user, row), _("Scores submitted; they are final. The other experts' "
                                                            "scores are shown once the panel's result is recorded."),
                url_for("review.score", assignment_id=row.id))[0]


@bp.post("/expert/assignments/<int:assignment_id>/decline")
@login_required(ReviewPerm.EXPERT_SCORE)
def decline(assignment_id: int):
    user = _user()
    row = experts.assignment_for_expert(user, assignment_id)
    form = ReasonForm()
    _checked(form, url_for("review.score", assignment_id=row.id))
    return _run(lambda: experts.decline(user, row, form.reason.data), _("Assignment declined."),
                url_for("review.my_assignments"))[0]


_STATES = {
    "assigned": _l("Assigned"), "submitted": _l("Submitted"), "declined": _l("Declined"),
    "requested": _l("Waiting for the firm"), "accepted": _l("Accepted"), "cancelled": _l("Cancelled"),
    "open": _l("Open"), "partly_published": _l("Partly published"), "published": _l("Published"),
    "in_notice": _l("In public notice"), "listed": _l("Listed"), "removed": _l("Taken off the notice"),
    "dismissed": _l("Dismissed"), "upheld": _l("Upheld"), "manual": _l("Assigned by staff"),
    "draw": _l("Drawn at random"),
}


def state_label(code: str) -> str:
    """A workflow state of this package's records in the request's language."""
    label = _STATES.get(code)
    return str(label) if label is not None else code


bp.add_app_template_global(state_label, "state_label")
bp.add_app_template_filter(experts.field_name, "expert_field")

NAV = (
    NavLink(endpoint="review.queue", label=_l("Expert review"), perm=ReviewPerm.REVIEW_MANAGE, order=60),
    NavLink(endpoint="review.my_assignments", label=_l("My reviews"), perm=ReviewPerm.EXPERT_SCORE, order=63),
    NavLink(endpoint="review.engagements", label=_l("Engagements"), perm=ReviewPerm.ENGAGEMENT_DECIDE, order=64),
    NavLink(endpoint="review.queue", label=_l("Expert review"), place="section", perm=ReviewPerm.REVIEW_MANAGE,
            order=10),
    NavLink(endpoint="review.expert_pool", label=_l("Expert pool"), place="section", perm=ReviewPerm.REVIEW_MANAGE,
            order=11),
    NavLink(endpoint="review.evaluator_list", label=_l("Evaluator firms"), place="section",
            perm=ReviewPerm.EVALUATOR_REGISTRY, order=12),
    NavLink(endpoint="review.engagements", label=_l("Evaluation requests"), place="section",
            perm=ReviewPerm.ENGAGEMENT_DECIDE, order=13),
    NavLink(endpoint="review.my_assignments", label=_l("My reviews"), place="section", perm=ReviewPerm.EXPERT_SCORE,
            order=14),
)

