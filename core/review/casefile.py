"""The case file: one application as the people who judge it read it, read-only.

The engaged evaluator firm (once it accepted the engagement, also while the application is still a draft: the
applicant shared it by asking), the experts assigned to it (until they decline) and review staff see the same
file: the organisation, the application's facts, the region's form fields, the negative-list declaration, the
indicator values with the self-score, the evaluator's score and the evidence of each indicator, every evidence
file, and the evaluation (the firm, its report with its per-indicator scores and the day of its on-site visit,
or the applicant's own self-evaluation report). Other experts' scores are not part of it (see
:func:`core.review.experts.visible_assignments`). Web pages and the JSON API render the same mapping.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.applications import evidence as evidence_service
from core.applications.fields import (
    column_labels,
    fields_for,
    is_upload,
    jsonable,
    shown_value,
    typed_extension,
)
from core.applications.scoring import live_score
from core.accounts.permissions import firm_of
from core.errors import GreenmfgError, NotFound
from core.extensions import db
from core.kernel.permissions import may
from core.kernel.records import record_id
from core.kernel.rules import region_rules
from core.models import (
    Application,
    EvaluationRequest,
    Evidence,
    ExpertAssignment,
    ExpertProfile,
    User,
)
from core.plugins.types import Level
from core.review import reports
from core.review.access import ReviewPerm, staff_application

FIRM, EXPERT, STAFF = "firm", "expert", "staff"


def _ident(application_id: Any) -> int:
    ident = record_id(application_id)
    if ident is None:
        raise NotFound("No such application.")
    return ident


def engagement_of(user: User, application_id: int) -> EvaluationRequest | None:
    """The accepted request that engages the user's firm for the application."""
    firm = firm_of(user)
    if firm is None or not may(user, ReviewPerm.REPORT_FILE):
        return None
    return db.session.scalar(select(EvaluationRequest).where(
        EvaluationRequest.application_id == application_id, EvaluationRequest.firm_id == firm,
        EvaluationRequest.status == "accepted"))


def assignment_of(user: User, application_id: int) -> ExpertAssignment | None:
    """The user's assignment to review the application (not declined)."""
    if not may(user, ReviewPerm.EXPERT_SCORE):
        return None
    return db.session.scalar(select(ExpertAssignment).join(ExpertProfile).where(
        ExpertAssignment.application_id == application_id, ExpertProfile.user_id == user.id,
        ExpertAssignment.status != "declined"))


def access(user: Any, application_id: Any) -> tuple[Application, str]:
    """The application and the capacity the user reads it in (firm, expert or staff); 404 for anyone else."""
    ident = _ident(application_id)
    if isinstance(user, User) and user.active:
        capacity = FIRM if engagement_of(user, ident) is not None else (
            EXPERT if assignment_of(user, ident) is not None else None)
        if capacity is not None:
            application = db.session.get(Application, ident)
            if application is not None:
                return application, capacity
        if may(user, ReviewPerm.REVIEW_MANAGE):
            return staff_application(user, ident, ReviewPerm.REVIEW_MANAGE), STAFF
    raise NotFound("No such application.")


def evidence_file(application: Application, evidence_id: Any) -> Evidence:
    return evidence_service.evidence_for(application, evidence_id)


def _file(row: Evidence, labels: dict[str, str]) -> dict[str, Any]:
    return {"id": row.id, "section": row.section, "section_label": labels.get(row.section, row.section),
            "name": row.original_name, "pages": row.pages, "size": row.size, "sha256": row.sha256}


def build(application: Application, gettext=lambda s: s) -> dict[str, Any]:
    """The case file of ``application`` as plain data (see the module docstring)."""
    rules = region_rules()
    org = application.organization
    labels = evidence_service.section_labels(application, gettext)
    files = evidence_service.listing(application)
    by_section: dict[str, list[dict[str, Any]]] = {}
    for row in files:
        by_section.setdefault(row.section, []).append(_file(row, labels))
    ffs = fields_for(rules, application.unit_type, application.level, application.campaign.year)
    values = typed_extension(ffs, application.extension_data or {})
    stored = application.extension_data or {}
    region_fields = []
    columns = column_labels(ffs)
    for f in ffs:
        upload = None
        if is_upload(f) and stored.get(f.code) not in (None, ""):
            upload = next((x for x in files if str(x.id) == str(stored[f.code])), None)
        value = None if is_upload(f) else jsonable(values.get(f.code))
        region_fields.append({"code": f.code, "label": str(f.label), "section": f.section, "value": value,
                              # as the page shows it: an option by its label, a table's columns by theirs
                              "shown": jsonable(shown_value(f, value)), "columns": columns.get(f.code, {}),
                              "evidence": _file(upload, labels) if upload is not None else None})
    declared = application.declarations or {}
    declarations = [{"code": item.code, "title": item.title, "title_en": item.title_en,
                     "declared": declared.get(item.code) is True,
                     # issue 17: False is the applicant's declaration that the item applies, not a missing answer
                     "applies": declared.get(item.code) is False, "source": item.source, "cite": item.cite}
                    for item in rules.negative_list_for(application.unit_type, Level(application.level), application.campaign.year)]
    evaluation = reports.status(application)
    report = evaluation["report"]
    evaluated = (report.indicator_scores or {}) if report is not None else {}
    try:
        scored = live_score(application)
    except GreenmfgError:
        scored = None
    indicators = []
    iset = rules.indicator_set(application.unit_type, application.campaign.year)
    units = {i.number: (i.unit, i.unit_en) for i in iset.indicators} if iset is not None else {}
    for ind in (scored or {}).get("indicators", []):
        number = int(ind["number"])
        indicators.append({"number": number, "name": ind["name"], "name_en": ind.get("name_en", ""),
                           "weight": ind["weight"], "unit": units.get(number, ("", None))[0],
                           "unit_en": units.get(number, ("", None))[1],
                           "value": ind["value"], "self_score": ind["score"], "status": ind["status"],
                           "evaluator_score": evaluated.get(str(number)),
                           "evidence": by_section.get(f"indicator.{number}", [])})
    firm = None
    if application.evaluator_firm_id is not None:
        from core.models import EvaluatorFirm

        engaged = db.session.get(EvaluatorFirm, application.evaluator_firm_id)
        firm = {"id": engaged.id, "name": engaged.name, "uscc": engaged.uscc,
                "legal_representative": engaged.legal_representative}
    unit_type = rules.unit_types.get(application.unit_type)
    level = rules.list_levels.get(application.level)
    industry = rules.industries.get(application.industry) if application.industry else None
    return {
        "application": {
            "id": application.id, "status": str(application.status), "unit_type": application.unit_type,
            "unit_type_name": unit_type.name if unit_type else application.unit_type,
            "unit_type_name_en": unit_type.name_en if unit_type else application.unit_type,
            "level": application.level, "level_name": level.name if level else application.level,
            "year": application.campaign.year, "campaign": application.campaign.title,
            "requested_levels": list(application.requested_levels or [application.level]),
            "industry": application.industry, "industry_name": industry.name if industry else None,
            "industry_name_en": industry.name_en if industry else None,
            "evaluation_mode": application.evaluation_mode,
            "self_score": None if application.score is None else float(application.score),
            "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
            "contact_name": application.contact_name, "contact_phone": application.contact_phone,
            "contact_email": application.contact_email,
            "city_opinion": application.city_opinion,
        },
        "organization": {"name": org.name, "uscc": org.uscc, "legal_representative": org.legal_representative,
                         "address": org.address, "city": application.admin_unit.name},
        "region_fields": region_fields,
        "declarations": declarations,
        "indicators": indicators,
        "self_total": None if scored is None else scored.get("total"),
        "evaluator_total": None if report is None or report.score is None else float(report.score),
        "evidence": [_file(row, labels) for row in files],
        "evaluation": {"mode": application.evaluation_mode, "firm": firm,
                       "report": reports.report_json(report),
                       "self_reports": [_file(row, labels) for row in evaluation["self_reports"]],
                       "report_required": evaluation["report_required"], "on_site_visit": evaluation["on_site_visit"],
                       "filed": evaluation["filed"], "rule": evaluation["rule"], "source": evaluation["source"]},
    }
