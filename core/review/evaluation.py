"""The applicant's side of the evaluation (评价): the region's rule, the mode (self or third party, as the round
allows), the firms it may choose with their places left and whether each qualifies for the region, and the
applicant's own self-evaluation report where a report is required.

The firm is chosen with :func:`core.review.evaluators.request_evaluation`; the firm accepts, declares its
independence and files its report (:mod:`core.review.evaluators`, :mod:`core.review.reports`). Web pages and the
JSON API call these functions. Callers commit.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from core.applications import services as app_services
from core.applications.evidence import SELF_REPORT_SECTION
from core.errors import GreenmfgError, Refused
from core.extensions import db
from core import clock
from core.models import Application, EvaluationRequest, EvaluatorEngagement, Evidence, User
from core.plugins.types import EvaluationMode
from core.review import evaluators, reports
from core.services import limits


def firm_choices(application: Application, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Every registered firm for this application: whether it may evaluate it (qualified for the region, not
    sanctioned, not the unit itself or an affiliate: the reasons otherwise), its places left under every cap that
    would count the project (``None``: no cap), and whether it can be chosen. Choosable firms come first."""
    today = today or clock.today()
    year = application.campaign.year
    out = []
    for firm in evaluators.firms():
        problems: list[GreenmfgError] = limits.firm_problems(firm, application, today)
        left, caps = limits.places_left(firm, application.unit_type, application.level, year, application.campaign)
        full = left is not None and left <= 0
        out.append({"firm": firm, "qualifies": not problems, "problems": problems, "left": left, "caps": caps,
                    "full": full, "selectable": not problems and not full,
                    "requirements": evaluators.requirement_results(firm, application.unit_type)})
    out.sort(key=lambda row: (not row["selectable"], row["firm"].name))
    return out


def engagement(application: Application) -> EvaluatorEngagement | None:
    return db.session.scalar(select(EvaluatorEngagement).where(EvaluatorEngagement.application_id == application.id))


def pending_request(application: Application) -> EvaluationRequest | None:
    return db.session.scalar(select(EvaluationRequest).where(EvaluationRequest.application_id == application.id,
                                                             EvaluationRequest.status == "requested"))


def set_mode(user: User, application: Application, mode: str) -> dict[str, list[Any]]:
    """Choose self or third-party evaluation (among the modes the round allows; the application must be editable).
    Not while a firm evaluates the application or a request waits for its answer. Returns the audited diff."""
    app_services.check_mode(reports.modes_of(application), mode)
    if mode != application.evaluation_mode:
        engaged = engagement(application)
        if engaged is not None:
            raise Refused("%(firm)s already evaluates this application.", firm=engaged.firm.name)
        waiting = pending_request(application)
        if waiting is not None:
            raise Refused("A request to %(firm)s is waiting for its answer; cancel it first.", firm=waiting.firm.name)
    return app_services.save_draft(application, {"evaluation_mode": mode}, user.username)


def upload_self_report(user: User, application: Application, filename: str | None, data: bytes) -> Evidence:
    """The applicant's own self-evaluation report (PDF, checked like all evidence), where the region requires a
    report and the application is self-evaluated; the submission lock of the round applies."""
    if application.evaluation_mode != EvaluationMode.SELF:
        raise Refused("The evaluation report of a third-party evaluation is filed by the engaged firm.")
    if not reports.modes_of(application).report_required:
        raise Refused("The region's rules ask for no evaluation report in this round.")
    return app_services.add_evidence(application, SELF_REPORT_SECTION, filename, data, user.username)
