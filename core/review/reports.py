"""The evaluation report (评价报告): the engaged firm's, filed after its evaluation with its evaluated score per
indicator and, where the region requires an on-site evaluation, the day of the visit; checked like any evidence
(a real PDF within the size limit), stored beside the evidence, audited.

Which applications need a report, and which step waits for it, is the region's rule
(``EvaluationModes.report_required``/``report_stage``/``on_site_visit``): Hubei's mandatory on-site evaluation before
the application goes to the city (002_9c75e1d2ebfbdf50.txt 三(三), 附件2 二(二)), Jiangxi's 评价报告 the city sends
with its recommendation (003_a3fa60aeba77aa34.txt 一), Shanxi's 编写评价报告后通过管理平台提交
(004_7a8ddd82f611ab67.txt 第十一条). In self mode the report is the applicant's own self-evaluation report, an
evidence file of the application (:data:`core.applications.evidence.SELF_REPORT_SECTION`). The gate itself is
:func:`core.applications.eligibility.evaluate`. Callers commit.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import uuid
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Mapping

from sqlalchemy import select

from core.applications.eligibility import engaged_report, self_reports
from core.applications.evidence import check_pdf
from core.applications.scoring import indicator_set
from core.accounts.permissions import firm_of
from core.errors import InvalidInput, NotFound, Refused
from core.extensions import db
from core.i18n import N_
from core import clock
from core.clock import SHANGHAI
from core.kernel.permissions import may
from core.kernel.rules import region_rules, rules_of_round
from core.review.access import ReviewPerm
from core.models import Application, ApplicationStatus as S, EvaluationReport, EvaluationRequest, User
from core.plugins.citations import readable_cite
from core.plugins.types import EvaluationMode, Level, ReportStage
from core.services import audit
from core.storage import staging

TWO = Decimal("0.01")


def modes_of(application: Application):
    """The region's evaluation modes for the application's unit type, level and round."""
    return rules_of_round(application.campaign).evaluation_modes(application.unit_type, Level(application.level),
                                                                 application.campaign.year)


def indicator_items(application: Application) -> list[dict[str, Any]]:
    """The indicators a firm scores (the region's table for the unit type and round); empty without one."""
    iset = indicator_set(application)
    if iset is None:
        return []
    return [{"number": i.number, "name": i.name, "name_en": i.name_en, "group": i.group, "weight": float(i.weight)}
            for i in iset.indicators]


def _decimal(value: Any, field: str, high: Decimal, message: str, **params: Any) -> Decimal:
    if isinstance(value, bool):
        raise InvalidInput(message, field=field, **params)
    try:
        number = Decimal(str(value).strip()).quantize(TWO, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, ArithmeticError):
        raise InvalidInput(message, field=field, **params) from None
    if not number.is_finite() or not Decimal(0) <= number <= high:
        raise InvalidInput(message, field=field, **params)
    return number


def _scores(application: Application, score: Any, scores: Mapping[Any, Any] | None) -> tuple[Decimal, dict]:
    """The evaluated total and the per-indicator scores: with the region's indicator table, every indicator
    from 0 to its weight (the total is their sum; a total given as well must equal it); without one, the total."""
    items = indicator_items(application)
    given = {} if scores in (None, "") else scores
    if not isinstance(given, Mapping):
        raise InvalidInput("Scores must be given per indicator number.", field="scores")
    if not items:
        if given:
            raise InvalidInput("This unit type has no indicator table in this round.", field="scores")
        if score in (None, ""):
            raise InvalidInput("Give the evaluated total score (0 to 100).", field="score")
        return _decimal(score, "score", Decimal(100), N_("The evaluated score must be a number from 0 to 100.")), {}
    weights = {it["number"]: Decimal(str(it["weight"])) for it in items}
    out: dict[str, float] = {}
    for key, value in given.items():
        try:
            number = int(key)
        except (TypeError, ValueError):
            raise InvalidInput("Unknown indicator: %(number)s.", field="scores", number=str(key)[:20]) from None
        if number not in weights:
            raise InvalidInput("Unknown indicator: %(number)s.", field=f"scores.{key}", number=str(key)[:20])
        if value in (None, ""):
            continue
        out[str(number)] = float(_decimal(value, f"scores.{number}", weights[number],
                                          N_("The score of indicator %(number)d must lie between 0 and %(max)s."),
                                          number=number, max=f"{weights[number]:g}"))
    missing = [str(n) for n in weights if str(n) not in out]
    if missing:
        raise InvalidInput("Give the evaluated score of every indicator; missing: %(numbers)s.", field="scores",
                           numbers=", ".join(missing))
    total = sum((Decimal(str(v)) for v in out.values()), Decimal(0)).quantize(TWO)
    if score not in (None, ""):
        stated = _decimal(score, "score", Decimal(100), N_("The evaluated score must be a number from 0 to 100."))
        if stated != total:
            raise InvalidInput("The evaluated total (%(stated)s) differs from the sum of the indicator scores "
                               "(%(total)s).", field="score", stated=f"{stated:.2f}", total=f"{total:.2f}")
    return total, out


def _visit(value: Any, request: EvaluationRequest, required: bool, today: dt.date) -> dt.date | None:
    """The day of the on-site visit: required where the region says so; between the day the firm accepted the
    engagement and today (Beijing)."""
    if value in (None, ""):
        if required:
            raise InvalidInput("Give the day of the on-site evaluation (the region requires one).", field="visited_on")
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise InvalidInput("Not a valid date.", field="visited_on") from None
    accepted = request.decided_at
    if accepted is not None:
        if accepted.tzinfo is None:
            accepted = accepted.replace(tzinfo=dt.timezone.utc)
        first = accepted.astimezone(SHANGHAI).date()
        if value < first:
            raise InvalidInput("The on-site visit cannot come before the firm accepted the engagement (%(day)s).",
                               field="visited_on", day=first.isoformat())
    if value > today:
        raise InvalidInput("The on-site visit cannot be in the future.", field="visited_on")
    return value


def open_for_filing(application: Application) -> bool:
    """Whether a report may still be filed or replaced: before the application is submitted where the report is
    part of it (``report_stage`` submit), else until the city recommends it."""
    stage = modes_of(application).report_stage
    allowed = (S.DRAFT, S.RETURNED) if stage == ReportStage.SUBMIT else (S.DRAFT, S.RETURNED, S.SUBMITTED)
    return application.status in allowed


def file_report(user: User, request: EvaluationRequest, data: bytes, filename: str | None, *, score: Any = None,
                scores: Mapping[Any, Any] | None = None, visited_on: Any = None,
                today: dt.date | None = None) -> EvaluationReport:
    """The engaged firm files (or replaces) its report for an engagement it accepted."""
    if firm_of(user) is None or firm_of(user) != request.firm_id or not may(user, ReviewPerm.REPORT_FILE):
        raise Refused("Only the engaged firm files its evaluation report.")
    if request.status != "accepted":
        raise Refused("The firm files its report once it has accepted the engagement (it is %(status)s).",
                      status=request.status)
    application = request.application
    if not open_for_filing(application):
        raise Refused("The report can no longer be filed or replaced: the application is %(status)s.",
                      status=str(application.status))
    today = today or clock.today()
    modes = modes_of(application)
    visited = _visit(visited_on, request, bool(modes.on_site_visit), today)
    total, per_indicator = _scores(application, score, scores)
    pages = check_pdf(data)
    name = uuid.uuid4().hex
    staging.stage(name, data)  # promoted when the row commits, removed if it does not (core.storage.staging)
    row = db.session.scalar(select(EvaluationReport).where(EvaluationReport.request_id == request.id))
    before = None if row is None else {"sha256": row.sha256, "score": None if row.score is None else float(row.score),
                                       "visited_on": row.visited_on.isoformat() if row.visited_on else None}
    if row is None:
        row = EvaluationReport(request_id=request.id, application_id=request.application_id, firm_id=request.firm_id,
                               original_name="", storage_name=name, size=0, sha256="", pages=0, filed_by=user.username)
        db.session.add(row)
    row.original_name = os.path.basename((filename or "评价报告.pdf").replace("\\", "/"))[-200:] or "评价报告.pdf"
    row.storage_name, row.size, row.pages = name, len(data), pages
    row.sha256, row.score, row.filed_by = hashlib.sha256(data).hexdigest(), total, user.username
    row.indicator_scores, row.visited_on = per_indicator, visited
    db.session.flush()
    audit.record(user.username, "evaluator.report_filed", "application", request.application_id, request=request.id,
                 report=row.id, sha256=row.sha256, pages=pages, score=float(total), indicator_scores=per_indicator,
                 visited_on=visited.isoformat() if visited else None, replaced=before)
    return row


#: the engaged firm's report and the applicant's own self-evaluation report(s) (defined with the gate that reads them)
report_for = engaged_report


def report_file(report: EvaluationReport) -> io.BytesIO:
    """The stored file of a report, from whichever store the instance uses (404 when it is gone)."""
    try:
        return io.BytesIO(staging.read(report.storage_name))
    except FileNotFoundError:
        raise NotFound("No such file.") from None


def status(application: Application) -> dict[str, Any]:
    """What the region asks of the evaluation and where it stands, for the pages and the API: the rule (readable
    citation), the mode, the engaged firm, its report (scores, visit) or the self-evaluation report, and what is
    missing."""
    modes = modes_of(application)
    report = report_for(application)
    own = self_reports(application) if application.evaluation_mode == EvaluationMode.SELF else []
    if application.evaluation_mode == EvaluationMode.THIRD_PARTY:
        filed = report is not None and (report.visited_on is not None or not modes.on_site_visit)
    else:
        filed = bool(own)
    return {
        "mode": application.evaluation_mode, "allowed": [str(m) for m in modes.allowed],
        "third_party_required": modes.third_party_required, "report_required": modes.report_required,
        "report_stage": str(modes.report_stage), "on_site_visit": modes.on_site_visit,
        "source": modes.source, "cite": modes.cite, "rule": readable_cite(modes.cite),
        "report": report, "self_reports": own, "filed": filed,
        "open_for_filing": open_for_filing(application),
    }


def report_json(report: EvaluationReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    return {"id": report.id, "request_id": report.request_id, "application_id": report.application_id,
            "firm_id": report.firm_id, "name": report.original_name, "pages": report.pages, "size": report.size,
            "sha256": report.sha256, "score": None if report.score is None else float(report.score),
            "indicator_scores": report.indicator_scores or {},
            "visited_on": report.visited_on.isoformat() if report.visited_on else None,
            "filed_by": report.filed_by, "filed_at": report.updated_at.isoformat() if report.updated_at else None}
