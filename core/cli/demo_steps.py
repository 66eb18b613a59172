"""One demo application's steps, as the platform's services record them: the self-evaluation's values, the form
filled in with the region plugin's examples, the third-party evaluation, the city's recommendation or return for
correction, and the industry the round offers."""
from __future__ import annotations

import datetime as dt
import random
from typing import Any

from wtforms import BooleanField

from core.applications import services
from core.declared_fields import web_field
from core.extensions import db
from core.clock import SHANGHAI, today
from core.models import Application, EvaluatorFirm, Organization, Role, User
from core.plugins.types import EvaluationMode, IndicatorKind, Level, dated_example
from core.cli.demo_material import _PEOPLE, ACTOR, _pdf
from core.cli.demo_timeline import _beijing, _Timeline


def _indicator_values(rules: Any, book: Any, app: Application, year: int, rng: random.Random, *,
                      half: bool) -> dict:
    """What a unit types into its self-evaluation: each quantitative value between its 基准值 and 引领值 (or a
    little past the 引领值), most qualitative items met; a draft has filled in half of them."""
    from core.scoring import GENERAL
    from core.scoring.engine import fixed_reference

    iset = rules.indicator_set(app.unit_type, year)
    if iset is None:
        return {}
    refs = book.lookup(iset.code, GENERAL, year)
    values: dict[str, Any] = {}
    for ind in iset.indicators[: len(iset.indicators) // 2] if half else iset.indicators:
        ref = fixed_reference(ind) or refs.get(ind.number)
        if ind.kind == IndicatorKind.QUALITATIVE:
            values[str(ind.number)] = rng.random() < 0.85
        elif ind.kind == IndicatorKind.ELASTICITY:
            values[str(ind.number)] = {"elasticity": round(rng.uniform(0.2, 0.9), 2),
                                       "value_added_growth": round(rng.uniform(3, 12), 1)}
        elif ref is not None:
            x = ref.baseline + rng.uniform(0.3, 1.05) * (ref.leading - ref.baseline)
            x = min(max(x, 0.0), 100.0) if ind.percent else x
            values[str(ind.number)] = round(x) if ind.unit == "项" else round(x, 2)
    return values



def _fill_in(app: Application, rules: Any, year: int, rng: random.Random, *, draft: bool,
             at: dt.datetime | None = None) -> None:
    """What the unit types into its form, saved as a draft save saves it (the same checks, audited): the contact,
    the negative-list declaration, the region form with its plugin's examples (a yes/no or an option the plugin
    gives none for is picked here) and a PDF for each of its file fields; a draft has filled in half of the
    region form and attached nothing yet."""
    from core.applications.fields import fields_for, is_upload, option_labels

    ffs = fields_for(rules, app.unit_type, app.level, year)
    extension: dict[str, Any] = {}
    for i, f in enumerate(ffs):
        if is_upload(f) or (draft and i % 2):
            continue
        if f.example is not None:
            extension[f.code] = dated_example(f.example, year)
        elif options := [value for value in option_labels(f) if value not in ("", None)]:
            extension[f.code] = rng.choice(options)
        elif getattr(web_field(f), "field_class", None) is BooleanField:
            extension[f.code] = rng.random() < 0.5
    items = rules.negative_list_for(app.unit_type, Level(app.level), year)
    unit = app.organization.name
    services.save_draft(app, {
        "contact_name": rng.choice(_PEOPLE), "contact_phone": f"1{rng.choice('3589')}{rng.randrange(10 ** 9):09d}",
        "contact_email": f"greenmfg{app.organization_id}@example.com",
        # True: declared not to apply (the unit answers every item of its negative list before submitting)
        "declarations": {} if draft else {item.code: True for item in items},
        "extension": extension}, ACTOR, at=at)
    if not draft:
        for f in ffs:
            if is_upload(f):
                services.add_evidence(app, f.code, f"{unit}{f.label}.pdf", _pdf(2), ACTOR, at=at)


#: places the demo evaluator's firm keeps in its year's cap, for the requests a trainee sends it: the Hubei walk
#: found 华中 (its legal representative's firms together) at 15 / 15, so no new request could be sent to it
EVALUATOR_ROOM = 3


def _no_room(firm: EvaluatorFirm, app: Application, year: int) -> bool:
    """Whether ``firm`` would leave less than :data:`EVALUATOR_ROOM` places of its year's cap (the unit then
    evaluates itself, where its round allows): a cap per legal representative counts the demo evaluator's firm and
    another of the same person together (Shanxi 004 第二十四条), so every firm keeps the trainee's room."""
    from core.services.limits import places_left

    left, _ = places_left(firm, app.unit_type, app.level, year, app.campaign)
    return left is not None and left <= EVALUATOR_ROOM


def _evaluate(app: Application, firm: EvaluatorFirm, rng: random.Random, timeline: _Timeline, started: dt.date,
              submitted_at: dt.datetime, *, pending: bool, report: bool) -> bool:
    """The demo's third-party evaluations, as the services record them: the applicant names the firm (two days
    after it started); the firm accepts with its declaration of independence two days later, visits the unit and
    files its report (per-indicator scores, the on-site visit) in the days before the submission; one request is
    left for the demo ``evaluator`` account to answer."""
    from types import SimpleNamespace

    from core.review import evaluators, reports

    from core.errors import GreenmfgError

    someone = SimpleNamespace(username=ACTOR)
    asked, accepted = started + dt.timedelta(days=2), started + dt.timedelta(days=4)
    filed = submitted_at.astimezone(SHANGHAI).date() - dt.timedelta(days=3)
    with timeline.at(_beijing(asked, 14)):
        try:
            request = evaluators.request_evaluation(someone, app, firm, app.organization.uscc, today=asked)
        except GreenmfgError:  # a firm the region would not accept: the demo unit evaluates itself
            app.evaluation_mode = EvaluationMode.SELF.value
            return False
    if pending:
        return True
    with timeline.at(_beijing(accepted, 11)) as moment:
        try:
            evaluators.accept_request(someone, request, wrote_self_evaluation=False, interested_party=False,
                                      today=accepted)
        except GreenmfgError:  # a cap reached in the demo: the firm declines and the unit evaluates itself
            evaluators.decline_request(someone, request, "年度评价项目已满 / annual cap reached")
            app.evaluation_mode = EvaluationMode.SELF.value
            request.decided_at = moment
            return False
        # the acceptance as the firm declared it then (the service dates it by the clock): the declaration, still
        # unwritten, is the one its audit row holds
        request.decided_at = moment
        request.declarations["declared_at"] = moment.isoformat(timespec="seconds")
    if not report:
        return True  # an engagement whose report the demo evaluator still has to file
    # the firm as the demo's actor: an evaluator account of the firm, never stored (the service checks the binding)
    firm_user = User(username=ACTOR, role=Role.EVALUATOR, evaluator_firm_id=firm.id, active=True)
    items = reports.indicator_items(app)
    share = rng.uniform(0.72, 0.93)
    scores = {str(i["number"]): round(i["weight"] * share, 2) for i in items} or None
    with timeline.at(_beijing(filed, 16)):  # the on-site visit the day before the report
        reports.file_report(firm_user, request, _pdf(3), "第三方评价报告.pdf", scores=scores,
                            score=None if items else round(100 * share, 1),
                            visited_on=filed - dt.timedelta(days=1), today=filed)
    return True


#: the demo city's 推荐意见 (written where the round asks for one: Hubei 三(四) 出具推荐意见)
CITY_OPINION = "经初审，该单位申报资料齐全，现场情况属实，未发现国家文件规定不得申报的情形，同意推荐。"


def _recommend(app: Application, at: dt.datetime) -> None:
    """The city recommends ``app`` as a city bureau does, having consulted every department the round's rule
    names; a refusal (a full quota, a report still missing) leaves it submitted, as on the platform."""
    from core.applications import consulted
    from core.errors import GreenmfgError

    policy = consulted.offered(app.campaign.level, app.campaign.year)
    try:
        with db.session.begin_nested():
            services.recommend(app, ACTOR, consulted_departments=list(policy.codes), acknowledge_warnings=True, at=at,
                               opinion=CITY_OPINION)
    except GreenmfgError:
        db.session.refresh(app)


#: why the demo city returned an application, and for how long it may be corrected
RETURN_REASON = "请补充能源计量器具配备清单及近三年能源利用状况报告"
RETURN_DAYS = 7


def _return(app: Application, timeline: _Timeline, submitted_at: dt.datetime) -> None:
    """The city returns ``app`` for correction with its reason, yesterday, for the days the round allows
    (a round where nothing may change after submission keeps it submitted)."""
    from core.errors import GreenmfgError

    day = max(today() - dt.timedelta(days=1), submitted_at.astimezone(SHANGHAI).date() + dt.timedelta(days=5))
    with timeline.at(_beijing(day, 10)) as at:
        days = min(RETURN_DAYS, services.correction_policy(app).max_days)
        try:
            with db.session.begin_nested():
                services.return_for_correction(app, RETURN_REASON, at + dt.timedelta(days=days), ACTOR, at=at)
        except GreenmfgError:
            db.session.refresh(app)


def _industry(rules: Any, unit_type: str, year: int, org: Organization) -> str | None:
    """What the application form stores for the unit's industry (:func:`services.round_industry`): the code of a
    registered industry the round offers, or the name as given where the round takes any industry. A unit whose
    industry the round does not offer its kind of application takes the first one it does (its record follows)."""
    from core.errors import GreenmfgError

    try:
        return services.round_industry(rules, unit_type, year, org.industry)
    except GreenmfgError:
        choices = rules.industry_choices(unit_type, year)
        code = next((c for c in rules.industries if not choices.codes or c in choices.codes), None)
        if code is None:
            return None
        org.industry = rules.industries[code].name
        return code
