"""Expert review (专家评审): the expert pool, assignment and random draw with avoidance, blind
per-indicator re-scoring against the self-score, and the panel result mapped to the region's tiers.

Avoidance (回避): no expert who works for the applicant, for its evaluator firm, or who comes
from its city; and where the region requires reviewer independence (a registered eligibility
rule whose code ends in ``reviewer_independence``, e.g. 004_7a8ddd82f611ab67.txt 第十三条),
no expert whose firm evaluated an applicant of the province in the round's year: the rule's
own check decides, with the data keys ``review_body`` and ``evaluators_in_province``.

Blind review: an expert sees only their own scores until the panel closes (its result recorded); then the
other submitted scores. Staff (the chair) see everything. Beside the score form the expert reads the whole
application (:mod:`core.review.casefile`). Callers commit.
"""
from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable, Mapping

from flask import has_request_context
from flask_babel import LazyString, force_locale, gettext
from sqlalchemy import select, union_all
from sqlalchemy.orm import aliased, joinedload, selectinload

from core.accounts import services as accounts
from core.errors import GreenmfgError, InvalidInput, NotFound, Refused
from core.extensions import db
from core.i18n import in_language, lazy_list
from core.kernel import paging
from core.clock import now, this_year
from core.kernel.permissions import holders, load_or_404, may
from core.kernel.records import ID_MAX, get_record
from core.kernel.names import local_name
from core.kernel.rules import region_rules, rule_of
from core.review.access import ReviewPerm, assignment_scope
from core.models import (
    AdminUnit, Application, ApplicationStatus as S, Campaign, EvaluatorEngagement, EvaluatorFirm, ExpertAssignment,
    ExpertProfile, ReviewResult, Role, User,
)
from core.plugins.citations import readable_cite
from core.plugins.types import Level, ReviewPanel
from core.services import audit
from core.services.uscc import normalize_uscc

ASSIGNABLE = (S.CITY_RECOMMENDED, S.UNDER_REVIEW)
INDEPENDENCE_SUFFIX = "reviewer_independence"
TWO = Decimal("0.01")
#: the number of the one item an expert scores where the region has no indicator table (总分 / Overall score)
OVERALL = 0


def _(msgid: str, **params: Any) -> str:
    """A message in the request's language; outside a request (CLI, jobs) in Chinese."""
    if has_request_context():
        return gettext(msgid, **params)
    with force_locale("zh"):
        return gettext(msgid, **params)


# -------------------------------------------------------------------- pool --


def field_name(code: str | None) -> str:
    """An expert's field (a unit type or a key industry, stored by its code) by its name in the language read
    in (锂离子电池 / Lithium-ion batteries); a field the region does not name, as it was given."""
    if not code:
        return ""
    rules = region_rules()
    record = rules.unit_types.get(code) or rules.industries.get(code)
    return local_name(record) if record is not None else code


def field_code(text: str | None) -> str | None:
    """A field as typed on a form (its name in Chinese or English, or its code) as the code experts are
    matched by; a text that names no unit type or industry of the region stays as typed; ``None`` for none."""
    text = (text or "").strip()
    if not text:
        return None
    rules = region_rules()
    for records in (rules.unit_types, rules.industries):
        if text in records:
            return text
        for code, record in records.items():
            if text == record.name or text.casefold() == (getattr(record, "name_en", None) or "").casefold():
                return code
    return text


def field_names() -> list[str]:
    """The names of every field an expert may have (unit types, key industries), in the page's language: what a
    form's field box suggests."""
    rules = region_rules()
    return [local_name(r) for r in (*rules.unit_types.values(), *rules.industries.values())]


def _fields(values: Iterable[Any] | None) -> list[str]:
    out = sorted({field_code(str(v)) for v in (values or ()) if str(v).strip()})
    if len(out) > 30 or any(len(v) > 80 for v in out):
        raise InvalidInput("Give at most 30 fields of up to 80 characters.", field="fields")
    return out


def _name(name: str | None) -> str:
    name = (name or "").strip()
    if not 2 <= len(name) <= 100:
        raise InvalidInput("%(name)s must have %(low)d to %(high)d characters.", field="name", name="name", low=2,
                           high=100)
    return name


def _affiliations(admin_unit_code: str | None, evaluator_firm_id: Any,
                  employer_uscc: str | None) -> tuple[AdminUnit | None, EvaluatorFirm | None, str | None]:
    """What avoidance needs to know of an expert: the city, the evaluator firm, the employer's credit code."""
    unit = None
    if admin_unit_code:
        unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == admin_unit_code))
        if unit is None:
            raise InvalidInput("Please choose your city (administrative unit).", field="admin_unit")
    firm = None
    if evaluator_firm_id:
        firm = db.session.get(EvaluatorFirm, int(evaluator_firm_id))
        if firm is None:
            raise InvalidInput("No such evaluator firm.", field="evaluator_firm_id")
    employer = normalize_uscc(employer_uscc) if employer_uscc else None
    return unit, firm, employer


def add_expert(actor: str, *, username: str, password: str, name: str, fields: Iterable[str] = (),
               employer_uscc: str | None = None, employer_name: str | None = None,
               admin_unit_code: str | None = None, evaluator_firm_id: int | None = None) -> ExpertProfile:
    """Create an expert account and its pool record (audited)."""
    rules = region_rules()
    name = _name(name)
    unit, firm, employer = _affiliations(admin_unit_code, evaluator_firm_id, employer_uscc)
    user = accounts.create_user(username=username, password=password, display_name=name, role=Role.EXPERT,
                                actor=actor)
    profile = ExpertProfile(user_id=user.id, region=rules.region_code, name=name, employer_uscc=employer,
                            employer_name=(employer_name or "").strip()[:200] or None,
                            admin_unit_id=unit.id if unit else None, evaluator_firm_id=firm.id if firm else None,
                            fields=_fields(fields), active=True)
    db.session.add(profile)
    db.session.flush()
    audit.record(actor, "expert.added", "expert_profile", profile.id, user=user.username, employer=employer,
                 admin_unit=unit.code if unit else None, firm=firm.uscc if firm else None, fields=profile.fields)
    return profile


def join_pool(actor: str, user: User, *, name: str | None = None, fields: Iterable[str] = (),
              employer_uscc: str | None = None, employer_name: str | None = None,
              admin_unit_code: str | None = None, evaluator_firm_id: int | None = None) -> ExpertProfile:
    """Put an existing account with the expert role in the pool (audited); its name defaults to the account's."""
    if not may(user, ReviewPerm.EXPERT_SCORE):
        raise Refused("Only an active account with the expert role can join the expert pool.")
    if profile_of(user) is not None:
        raise Refused("%(expert)s is already in the expert pool.", expert=user.display_name)
    unit, firm, employer = _affiliations(admin_unit_code, evaluator_firm_id, employer_uscc)
    name = _name(name or user.display_name)
    profile = ExpertProfile(user_id=user.id, region=region_rules().region_code, name=name, employer_uscc=employer,
                            employer_name=(employer_name or "").strip()[:200] or None,
                            admin_unit_id=unit.id if unit else None, evaluator_firm_id=firm.id if firm else None,
                            fields=_fields(fields), active=True)
    db.session.add(profile)
    db.session.flush()
    audit.record(actor, "expert.added", "expert_profile", profile.id, user=user.username, employer=employer,
                 admin_unit=unit.code if unit else None, firm=firm.uscc if firm else None, fields=profile.fields,
                 existing_account=True)
    return profile


def accounts_outside_pool() -> list[User]:
    """Active expert accounts (those whose role may score) not yet in the pool (e.g. created by an
    administrator)."""
    inside = select(ExpertProfile.user_id)
    scorers = holders(ReviewPerm.EXPERT_SCORE)
    return list(db.session.scalars(select(User).where(User.role.in_(scorers), User.active,
                                                      User.id.not_in(inside)).order_by(User.username)))


def set_active(actor: str, expert: ExpertProfile, active: bool) -> None:
    if expert.active != active:
        expert.active = active
        audit.record(actor, "expert.activated" if active else "expert.deactivated", "expert_profile", expert.id)


def pool(active_only: bool = True) -> list[ExpertProfile]:
    query = select(ExpertProfile).where(ExpertProfile.region == region_rules().region_code)
    if active_only:
        query = query.where(ExpertProfile.active)
    return list(db.session.scalars(query.order_by(ExpertProfile.id)))


def expert_or_404(expert_id: Any) -> ExpertProfile:
    try:
        ident = int(expert_id)
    except (TypeError, ValueError):
        raise NotFound("No such expert.") from None
    expert = get_record(ExpertProfile, ident)
    if expert is None or expert.region != region_rules().region_code:
        raise NotFound("No such expert.")
    return expert


def profile_of(user: User) -> ExpertProfile | None:
    return db.session.scalar(select(ExpertProfile).where(ExpertProfile.user_id == user.id))


# --------------------------------------------------------------- avoidance --


def evaluators_in_province(year: int) -> list[str]:
    """USCCs of the firms that evaluated an applicant of this instance's region in ``year``."""
    rows = db.session.scalars(
        select(EvaluatorFirm.uscc).join(EvaluatorEngagement, EvaluatorEngagement.firm_id == EvaluatorFirm.id)
        .join(Application, Application.id == EvaluatorEngagement.application_id)
        .join(Campaign, Campaign.id == Application.campaign_id)
        .where(Campaign.region == region_rules().region_code, EvaluatorEngagement.year == year).distinct())
    return sorted(rows)


def _review_body(expert: ExpertProfile) -> str:
    """Who reviews, for the independence rule: the expert's firm, else employer, else the expert."""
    if expert.evaluator_firm is not None:
        return expert.evaluator_firm.uscc
    return expert.employer_uscc or f"expert:{expert.id}"


def independence_rules(application: Application) -> list[Any]:
    return [r for r in region_rules().eligibility_rules_for(application.unit_type, Level(application.level))
            if r.code.split(".")[-1] == INDEPENDENCE_SUFFIX and r.check is not None]


def _evaluator_of(application: Application) -> EvaluatorFirm | None:
    return db.session.get(EvaluatorFirm, application.evaluator_firm_id) if application.evaluator_firm_id else None


def conflicts(expert: ExpertProfile, application: Application, evaluated: list[str] | None = None,
              firm: EvaluatorFirm | None | bool = False) -> list[dict[str, Any]]:
    """Why ``expert`` must avoid ``application`` (empty: no conflict). Each reason has a code, a
    message in the request's language and, for region rules, the rule's source and citation.
    ``firm``: the application's evaluator firm when the caller has it (checking a whole pool)."""
    out: list[dict[str, Any]] = []
    org = application.organization
    if expert.employer_uscc and expert.employer_uscc == org.uscc:
        out.append({"code": "applicant", "message": _("works for the applicant"), "source": "core", "cite": ""})
    firm = _evaluator_of(application) if firm is False else firm
    if firm is not None and (expert.evaluator_firm_id == firm.id or expert.employer_uscc == firm.uscc):
        out.append({"code": "evaluator_firm", "message": _("works for the applicant's evaluator firm (%(firm)s)",
                                                            firm=firm.name), "source": "core", "cite": ""})
    if expert.admin_unit_id is not None and expert.admin_unit_id == application.admin_unit_id:
        out.append({"code": "city", "message": _("comes from the applicant's city (%(city)s)",
                                                 city=application.admin_unit.name), "source": "core", "cite": ""})
    rules = independence_rules(application)
    if rules:
        evaluated = evaluators_in_province(application.campaign.year) if evaluated is None else evaluated
        data = {"unit_type": application.unit_type, "level": application.level, "year": application.campaign.year,
                "review_body": _review_body(expert), "evaluators_in_province": evaluated}
        for rule in rules:
            message = rule.check(data)
            if message:
                out.append({"code": rule.code, "message": message, "source": rule.source, "cite": rule.cite})
    return out


def _reasons(found: list[dict[str, Any]]) -> str:
    return "; ".join(c["message"] for c in found)


# -------------------------------------------------------------- assignment --


def assignments(application: Application) -> list[ExpertAssignment]:
    return list(db.session.scalars(select(ExpertAssignment).where(ExpertAssignment.application_id == application.id)
                                   .order_by(ExpertAssignment.id)))


def _check_assignable(application: Application) -> None:
    if application.status not in ASSIGNABLE:
        raise Refused("This is not possible while the application is %(status)s.", status=str(application.status))


def assign(actor: str, application: Application, expert: ExpertProfile, method: str = "manual",
           evaluated: list[str] | None = None, firm: EvaluatorFirm | None | bool = False) -> ExpertAssignment:
    """Assign one expert, refusing one who must avoid the application (the reasons are named)."""
    _check_assignable(application)
    if not expert.active:
        raise Refused("%(expert)s is not active in the expert pool.", expert=expert.name)
    if db.session.scalar(select(ExpertAssignment.id).where(ExpertAssignment.application_id == application.id,
                                                           ExpertAssignment.expert_id == expert.id)):
        raise Refused("%(expert)s is already assigned to this application.", expert=expert.name)
    found = conflicts(expert, application, evaluated, firm)
    if found:
        raise Refused("%(expert)s must avoid this application: %(reasons)s.", expert=expert.name,
                      reasons=_reasons(found))
    row = ExpertAssignment(application_id=application.id, expert_id=expert.id, method=method, assigned_by=actor,
                           status="assigned", scores={})
    db.session.add(row)
    before = application.status
    application.status = S.UNDER_REVIEW
    db.session.flush()
    audit.record(actor, "review.expert_assigned", "application", application.id, expert=expert.id,
                 expert_name=expert.name, method=method, before=str(before))
    return row


def draw(actor: str, application: Application, count: int, field: str | None = None,
         rng: random.Random | None = None) -> list[ExpertAssignment]:
    """Draw ``count`` experts at random from the active pool (in ``field`` when given), leaving
    out those assigned already and those who must avoid the application. The pool, the excluded
    experts with their reasons and the drawn ones are audited."""
    _check_assignable(application)
    if not isinstance(count, int) or not 1 <= count <= 20:
        raise InvalidInput("Draw 1 to 20 experts.", field="count")
    field = field_code(field)
    taken = set(db.session.scalars(select(ExpertAssignment.expert_id)
                                   .where(ExpertAssignment.application_id == application.id)))
    evaluated = evaluators_in_province(application.campaign.year) if independence_rules(application) else []
    eligible, excluded = [], {}
    firm = _evaluator_of(application)
    for expert in pool():
        if expert.id in taken or (field and field not in (expert.fields or [])):
            continue
        found = conflicts(expert, application, evaluated, firm)
        if found:
            excluded[expert.id] = [c["code"] for c in found]
        else:
            eligible.append(expert)
    if len(eligible) < count:
        raise Refused("Only %(n)d experts in the pool may review this application (field: %(area)s); "
                      "%(count)d are needed.", n=len(eligible), area=LazyString(field_name, field) if field else "*",
                      count=count)
    chosen = (rng or random.SystemRandom()).sample(eligible, count)
    rows = [assign(actor, application, expert, method="draw", evaluated=evaluated, firm=firm) for expert in chosen]
    audit.record(actor, "review.experts_drawn", "application", application.id, field=field, count=count,
                 eligible=[e.id for e in eligible], excluded=excluded, drawn=[e.id for e in chosen])
    return rows


def assignment_for_expert(user: User, assignment_id: Any) -> ExpertAssignment:
    """An assignment of the signed-in expert (404 for anyone else's)."""
    return load_or_404(user, ExpertAssignment, assignment_id, assignment_scope(user), message="No such assignment.")


def my_assignments(user: User) -> list[ExpertAssignment]:
    return list(db.session.scalars(select(ExpertAssignment).join(ExpertProfile)
                                   .where(ExpertProfile.user_id == user.id).order_by(ExpertAssignment.id.desc())))


def decline(user: User, row: ExpertAssignment, reason: str) -> None:
    """The expert declines (for instance declaring a conflict of interest); audited."""
    if row.status != "assigned":
        raise Refused("Your scores were already submitted; they can no longer be changed.")
    reason = (reason or "").strip()
    if not 2 <= len(reason) <= 500:
        raise InvalidInput("Please give a reason (2 to 500 characters).", field="reason")
    row.status, row.decline_reason = "declined", reason
    audit.record(user.username, "review.assignment_declined", "application", row.application_id,
                 assignment=row.id, reason=reason)


# ----------------------------------------------------------------- scoring --


def self_scores(application: Application) -> tuple[dict[int, float | None], float | None]:
    """The applicant's self-score per indicator and in total (from its indicator values)."""
    from core.applications.scoring import live_score

    try:
        result = live_score(application)
    except GreenmfgError:
        result = None
    if not result:
        total = None if application.score is None else float(application.score)
        return {0: total}, total
    return {int(i["number"]): i["score"] for i in result["indicators"]}, result["total"]


def score_items(application: Application) -> list[dict[str, Any]]:
    """What an expert scores: each indicator of the region's table (weight = maximum), with the
    self-score; without a table, one overall score out of 100."""
    selfs, total = self_scores(application)
    iset = region_rules().indicator_set(application.unit_type, application.campaign.year)
    if iset is None:
        return [{"number": OVERALL, "name": _("Overall score"), "group": "", "weight": 100.0, "self_score": total,
                 "overall": True}]
    return [{"number": i.number, "name": i.name, "name_en": i.name_en, "group": i.group, "weight": float(i.weight),
             "self_score": selfs.get(i.number)} for i in iset.indicators]


def _check_open(row: ExpertAssignment) -> None:
    if row.status == "submitted":
        raise Refused("Your scores were already submitted; they can no longer be changed.")
    if row.status != "assigned":
        raise Refused("This assignment was declined.")
    if row.application.status != S.UNDER_REVIEW:
        raise Refused("This is not possible while the application is %(status)s.",
                      status=str(row.application.status))


def save_scores(user: User, row: ExpertAssignment, scores: Mapping[Any, Any], comment: str | None = None) -> dict:
    """Save (part of) an expert's scores: each between 0 and the indicator's weight."""
    _check_open(row)
    if not isinstance(scores, Mapping):
        raise InvalidInput("Scores must be given per indicator number.", field="scores")
    items = {it["number"]: it for it in score_items(row.application)}
    merged = dict(row.scores or {})
    for key, value in scores.items():
        try:
            number = int(key)
        except (TypeError, ValueError):
            raise InvalidInput("Unknown indicator: %(number)s.", field="scores", number=str(key)[:20]) from None
        if number not in items:
            raise InvalidInput("Unknown indicator: %(number)s.", field=f"scores.{key}", number=str(key)[:20])
        if value is None or value == "":
            merged.pop(str(number), None)
            continue
        try:
            score = Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP)
        except ArithmeticError:
            raise InvalidInput("A score must be a number.", field=f"scores.{number}") from None
        if isinstance(value, bool) or not score.is_finite() or not 0 <= score <= Decimal(str(items[number]["weight"])):
            if items[number].get("overall"):  # the one row without an indicator table, named as the page names it
                raise InvalidInput("The overall score must be from 0 to %(max)s.", field=f"scores.{number}",
                                   max=f"{items[number]['weight']:g}")
            raise InvalidInput("The score of indicator %(number)d must lie between 0 and %(max)s.",
                               field=f"scores.{number}", number=number, max=f"{items[number]['weight']:g}")
        merged[str(number)] = float(score)
    if comment is not None:
        text = comment.strip()
        if len(text) > 4000:
            raise InvalidInput("%(name)s must have %(low)d to %(high)d characters.", field="comment",
                               name="comment", low=0, high=4000)
        row.comment = text or None
    before = dict(row.scores or {})
    row.scores = merged
    changed = {k: [before.get(k), merged.get(k)] for k in set(before) | set(merged) if before.get(k) != merged.get(k)}
    if changed:
        audit.record(user.username, "review.scores_saved", "application", row.application_id, assignment=row.id,
                     diff=changed)
    return changed


def submit_scores(user: User, row: ExpertAssignment) -> Decimal:
    """Submit: every item must be scored; afterwards the scores are final. The other experts' scores stay
    hidden until the panel's result is recorded (:func:`visible_assignments`)."""
    _check_open(row)
    items = score_items(row.application)
    missing = [str(it["number"]) for it in items if str(it["number"]) not in (row.scores or {})]
    if [it for it in items if it.get("overall")] and missing:
        raise InvalidInput("Fill in the overall score before submitting.", field=f"scores.{OVERALL}")
    if missing:
        raise InvalidInput("Score every indicator before submitting; missing: %(numbers)s.", field="scores",
                           numbers=", ".join(missing))
    total = sum((Decimal(str(row.scores[str(it["number"])])) for it in items), Decimal(0)).quantize(TWO)
    row.total, row.status, row.submitted_at = total, "submitted", now()
    audit.record(user.username, "review.scores_submitted", "application", row.application_id, assignment=row.id,
                 total=float(total))
    return total


def score_table(application: Application, rows: list[ExpertAssignment]) -> list[dict[str, Any]]:
    """Per indicator: the self-score and each given assignment's score with its deviation."""
    table = []
    for item in score_items(application):
        cells = []
        for row in rows:
            value = (row.scores or {}).get(str(item["number"]))
            deviation = None if value is None or item["self_score"] is None else round(value - item["self_score"], 2)
            cells.append({"assignment": row.id, "score": value, "deviation": deviation})
        table.append({**item, "cells": cells})
    return table


def draw_default(application: Application, free: Iterable[ExpertProfile]) -> dict[str, Any]:
    """What the random draw offers for ``application`` before anything is typed, so that it succeeds whenever the
    pool can serve the application. ``free``: the active pool's experts not assigned to it and without a conflict.

    ``count``: how many experts the panel still needs (at least one); ``field``: the code to draw from: the
    application's industry, else its unit type, the first that ``count`` free experts list (experts list either,
    core/review/experts.field_code); else ``None`` (every field, as the bulk draw's "any field"). ``basis``:
    ``"industry"``, ``"unit_type"`` or ``None``; ``n``: how many free experts that matches; ``short``: the
    application's fields too few experts list (codes)."""
    free = list(free)
    have = sum(1 for r in assignments(application) if r.status != "declined")
    count = max(1, min(20, min_experts(application) - have))
    short = []
    # an industry stored by its name (as a summary-table import may give it) is matched by its code as well
    for basis, code in (("industry", field_code(application.industry)), ("unit_type", application.unit_type)):
        if not code or code in short:
            continue
        n = sum(1 for e in free if code in (e.fields or []))
        if n >= count:
            return {"count": count, "field": code, "basis": basis, "n": n, "short": short}
        short.append(code)
    return {"count": count, "field": None, "basis": None, "n": len(free), "short": short}


def panel_closed(application: Application) -> bool:
    """Whether the panel's result is recorded (the application is graded)."""
    return result_of(application) is not None


def visible_assignments(user: User, application: Application) -> list[ExpertAssignment]:
    """Whose scores ``user`` may see: staff all; an expert their own, and the other experts' submitted
    scores only once the panel has closed (its result recorded): each expert judges alone until then."""
    rows = assignments(application)
    if may(user, ReviewPerm.REVIEW_MANAGE):
        return rows
    mine = [r for r in rows if r.expert.user_id == user.id]
    if not mine:
        return []
    if not panel_closed(application):
        return mine
    return mine + [r for r in rows if r is not mine[0] and r.status == "submitted"]


# ------------------------------------------------------------------- panel --


def panel_rule(application: Application | None = None) -> ReviewPanel:
    """The panel an application is graded by: the region's rule for its round (``rules.review_panel``;
    national's platform default is 3 experts), unless the instance sets ``GREENMFG_REVIEW_MIN_EXPERTS``, which
    then applies to every application (shown as this instance's setting). Without an application: the largest
    panel any of this year's rounds needs (the default size of a draw)."""
    rules = region_rules()  # the rules listing shows the same panel (RegionRules.applied_review_panel, issue 43)
    if application is not None:
        return rules.applied_review_panel(Level(application.campaign.level), application.campaign.year,
                                          application.unit_type)
    year = this_year()
    return max((rules.applied_review_panel(level, year, ut) for ut in rules.unit_types for level in Level),
               key=lambda p: p.min_experts)


def panel_rule_text(panel: ReviewPanel) -> str:
    """Where the panel size comes from, in the language read in, saying once that it is the platform's default
    where no document sets it: the rule's document and article, or the default's own words (the plugins word
    theirs "平台默认：… / platform default…"; one that does not is marked here), or this instance's setting."""
    cite = in_language(readable_cite(panel.cite))
    if not panel.platform_default or panel.source in ("instance", "config"):
        return cite
    mark = gettext("platform default")
    if cite.casefold().startswith(mark.casefold()):
        return cite
    return gettext("platform default (no document sets it): %(why)s", why=cite)


def min_experts(application: Application | None = None) -> int:
    return panel_rule(application).min_experts


def grade(actor: str, application: Application) -> ReviewResult:
    """Record the panel result: the mean of the submitted totals, mapped to the region's tier
    (``rules.grading``; e.g. Shanxi A/B/C, 004_7a8ddd82f611ab67.txt 第十四条)."""
    if application.status != S.UNDER_REVIEW:
        raise Refused("This is not possible while the application is %(status)s.", status=str(application.status))
    rows = [r for r in assignments(application) if r.status != "declined"]
    waiting = [r.expert.name for r in rows if r.status != "submitted"]
    if waiting:
        raise Refused("Waiting for the scores of: %(experts)s.", experts=lazy_list(waiting))
    panel = panel_rule(application)
    needed = panel.min_experts
    if len(rows) < needed:
        if panel.platform_default:  # no document sets it: the rule's own words say whose default it is
            raise Refused("The panel needs at least %(n)d experts with submitted scores and has %(have)d "
                          "(%(rule)s).", n=needed, have=len(rows), rule=LazyString(panel_rule_text, panel))
        raise Refused("The panel needs at least %(n)d experts with submitted scores; %(have)d so far (rule from "
                      "%(source)s: %(cite)s).", n=needed, have=len(rows),
                      **{**rule_of(panel), "cite": LazyString(lambda: in_language(readable_cite(panel.cite)))})
    score = (sum((Decimal(r.total) for r in rows), Decimal(0)) / len(rows)).quantize(TWO, rounding=ROUND_HALF_UP)
    means = {}
    for item in score_items(application):
        key = str(item["number"])
        means[key] = round(sum(float(r.scores[key]) for r in rows) / len(rows), 2)
    scheme = region_rules().grading(application.unit_type, Level(application.level))
    tier = scheme.tier_for(float(score))
    result = db.session.scalar(select(ReviewResult).where(ReviewResult.application_id == application.id))
    if result is None:
        result = ReviewResult(application_id=application.id, experts=len(rows), score=score, graded_by=actor,
                              graded_at=now())
        db.session.add(result)
    result.score, result.experts, result.indicator_means = score, len(rows), means
    result.tier = tier.code if tier else None
    result.tier_label = tier.label if tier else None
    result.recommendable = True if tier is None else bool(tier.recommendable)
    result.grading_source = scheme.source if scheme.tiers else None
    result.grading_cite = (scheme.cite or "")[:500] if scheme.tiers else None
    result.graded_by, result.graded_at = actor, now()
    application.tier = result.tier
    application.status = S.GRADED
    db.session.flush()
    audit.record(actor, "review.graded", "application", application.id, score=float(score), tier=result.tier,
                 recommendable=result.recommendable, experts=len(rows), grading_source=result.grading_source,
                 totals={str(r.expert_id): float(r.total) for r in rows})
    return result


def progress(application: Application) -> dict[str, Any]:
    """Where the panel of one application stands: experts assigned (not declined), submitted, declined, the
    minimum panel and the result."""
    return _progress(application, assignments(application), result_of(application))


def progress_many(applications: Iterable[Application]) -> dict[int, dict[str, Any]]:
    """:func:`progress` of many applications, by id, from two queries (the assignments with their experts, the
    results), whatever their number."""
    applications = list(applications)
    ids = [a.id for a in applications]
    rows: dict[int, list[ExpertAssignment]] = {i: [] for i in ids}
    for r in db.session.scalars(select(ExpertAssignment).where(ExpertAssignment.application_id.in_(ids))
                                .options(joinedload(ExpertAssignment.expert)).order_by(ExpertAssignment.id)):
        rows[r.application_id].append(r)
    results = {r.application_id: r for r in db.session.scalars(
        select(ReviewResult).where(ReviewResult.application_id.in_(ids)))}
    return {a.id: _progress(a, rows[a.id], results.get(a.id)) for a in applications}


def _progress(application: Application, rows: list[ExpertAssignment], result: ReviewResult | None) -> dict[str, Any]:
    """``open``: the panel still takes experts (the application is recommended or under review); once it is
    graded the panel is closed and nothing more is needed of it. ``tier``: the grade as stored (the panel
    result's, else the one the application holds), for :func:`core.kernel.names.tier_name` to name."""
    active = [r for r in rows if r.status != "declined"]
    tier = (result.tier or result.tier_label) if result is not None else None
    tier = tier or application.tier or None
    return {"assigned": len(active), "submitted": sum(1 for r in active if r.status == "submitted"),
            "declined": len(rows) - len(active), "needed": min_experts(application), "result": result,
            "experts": [r.expert.name for r in active], "open": application.status in ASSIGNABLE, "tier": tier}


#: where the field of a bulk draw comes from: none (any expert), each application's unit type or industry
FIELD_FROM = ("any", "unit_type", "industry")


def draw_many(actor: str, applications: Iterable[Application], panel_size: int, field_from: str = "any",
              field: str | None = None, rng: random.Random | None = None) -> list[dict[str, Any]]:
    """Bring the panel of each application to ``panel_size`` experts drawn at random (avoidance as in
    :func:`draw`), by a field given (``field``) or each application's own (``field_from``: its unit type, or its
    industry and else its unit type). One application that cannot be served (too few eligible experts, a status
    that takes no experts) is reported and leaves the others alone. Returns one outcome per application."""
    if not isinstance(panel_size, int) or not 1 <= panel_size <= 20:
        raise InvalidInput("Draw 1 to 20 experts.", field="panel_size")
    if field_from not in FIELD_FROM:
        raise InvalidInput("Unknown field source: %(value)s.", field="field_from", value=str(field_from)[:40])
    outcomes = []
    for application in applications:
        have = [r for r in assignments(application) if r.status != "declined"]
        wanted = field_code(field) or {"any": None, "unit_type": application.unit_type,
                                           "industry": application.industry or application.unit_type}[field_from]
        outcome = {"application": application, "field": wanted, "drawn": [], "error": None}
        needed = panel_size - len(have)
        if needed > 0:
            try:
                outcome["drawn"] = draw(actor, application, needed, wanted, rng=rng)
            except GreenmfgError as exc:  # nothing of this application was written (draw checks before it assigns)
                outcome["error"] = exc
        outcomes.append(outcome)
    return outcomes


def assign_many(actor: str, applications: Iterable[Application], expert: ExpertProfile) -> list[dict[str, Any]]:
    """Assign one expert to each application; an application the expert must avoid (or already reviews) is
    reported with the reasons and left alone."""
    outcomes = []
    for application in applications:
        outcome = {"application": application, "drawn": [], "error": None, "field": None}
        try:
            outcome["drawn"] = [assign(actor, application, expert)]
        except GreenmfgError as exc:  # assign checks everything before it writes
            outcome["error"] = exc
        outcomes.append(outcome)
    return outcomes


def result_of(application: Application) -> ReviewResult | None:
    return db.session.scalar(select(ReviewResult).where(ReviewResult.application_id == application.id))


#: the statuses of the applications the province reviews, and the review queue's page size
REVIEW_STATUSES = (S.CITY_RECOMMENDED, S.UNDER_REVIEW, S.GRADED)
QUEUE_PAGE = 50


def _queue_rows(statuses: Iterable[S], year: int | None, after: int | None, before: int | None, limit: int):
    """One page of the queue: per status one seek into ``ix_application_status_id`` from the cursor (up to
    ``limit`` rows each, read in the seek: it visits each row's heap page anyway for the round), merged; the rows
    in the order read (upwards, or downwards with ``before``)."""
    campaigns = select(Campaign.id).where(Campaign.region == region_rules().region_code)
    if year:
        campaigns = campaigns.where(Campaign.year == year)
    order = Application.id.desc() if before is not None else Application.id.asc()
    seeks = []
    for status in statuses:
        seek = select(Application).where(Application.status == status, Application.campaign_id.in_(campaigns))
        if before is not None:
            seek = seek.where(Application.id < before)
        elif after is not None:
            seek = seek.where(Application.id > after)
        seeks.append(select(seek.order_by(order).limit(limit).subquery()))
    merged = aliased(Application, union_all(*seeks).subquery())
    # the round and the city by their keys, once each for the page (not a join per row); the applicant's name
    # is on the row (migration 0055)
    return (select(merged).options(selectinload(merged.campaign), selectinload(merged.admin_unit))
            .order_by(merged.id.desc() if before is not None else merged.id).limit(limit))


def review_queue(statuses: Iterable[S] = REVIEW_STATUSES, year: int | None = None, *, after: int | None = None,
                 before: int | None = None,
                 per_page: int = QUEUE_PAGE) -> tuple[list[Application], int | None, int | None]:
    """One page of the applications under provincial review, oldest first, with their round and city (the
    applicant's name is ``organization_name``); and the cursors of the next and previous pages (``None``: there
    is none).

    Keyset paging on the id: ``after`` the last id shown (the next page), ``before`` the first (the previous
    page); each status is one index seek, so any page costs the same whatever the number of applications.
    """
    rows = list(db.session.scalars(_queue_rows(list(statuses), year, after, before, per_page + 1)))
    shown = paging.page(rows, per_page, "before" if before is not None else "after" if after is not None else "first",
                        lambda application: application.id)
    return shown.rows, shown.next, shown.prev


def queued(ids: Iterable[int], statuses: Iterable[S] = REVIEW_STATUSES) -> list[int]:
    """Those of ``ids`` that are in the review queue (of this region, in ``statuses``)."""
    ids = [i for i in ids if isinstance(i, int) and 0 < i <= ID_MAX]
    if not ids:
        return []
    return list(db.session.scalars(
        select(Application.id).join(Campaign).where(Campaign.region == region_rules().region_code,
                                                    Application.status.in_(list(statuses)),
                                                    Application.id.in_(ids)).order_by(Application.id)))
