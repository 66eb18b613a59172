"""Third-party evaluator firms (第三方评价机构): the registry, affiliates, sanctions, and
evaluation requests that a firm accepts within its annual cap.

The cap, the sanction check and the independence rules are enforced in
:func:`core.services.limits.accept_engagement` (atomic counter in the caller's transaction);
this module is the workflow around it, shared by the web pages, the JSON API and the CLI.
Callers commit.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.errors import InvalidInput, NotFound, Refused
from core.extensions import db
from core import clock
from core.clock import add_years, now
from core.kernel.permissions import load_or_404
from core.kernel.records import get_record
from core.kernel.rules import region_rules
from core.review.access import request_scope
from core.models import (
    Application, ApplicationStatus as S, EvaluationRequest, EvaluatorEngagement, EvaluatorFirm, EvaluatorSanction,
    FirmAffiliate, User,
)
from core.plugins.types import EvaluationMode, Level
from core.services import audit, limits
from core.services.uscc import normalize_uscc

#: qualification data a firm records (the keys region requirements read; domain.md D15, seed 002 附件2)
QUALIFICATION_FIELDS: dict[str, tuple[type, Any]] = {
    "registered_in_china": (bool, _l("Registered in China")),
    "independent_legal_person": (bool, _l("Independent legal person")),
    "evaluation_experience": (bool, _l("Experience and ability in green-manufacturing evaluation")),
    "fixed_office": (bool, _l("Fixed office and working conditions")),
    "sound_finances": (bool, _l("Sound financial management")),
    "full_time_midlevel_staff": (int, _l("Full-time staff with mid-level or higher titles")),
    "senior_staff": (int, _l("Of whom senior titles in energy, environment, ecology, low-carbon or LCA")),
    "staff_compliant": (bool, _l("Staff follow the law and evaluation procedures")),
    "green_record_5y": (bool, _l("Green-manufacturing evaluation record in the last 5 years")),
    "evidence_in_report": (bool, _l("Reports carry the qualification evidence")),
    "cnca_approved": (bool, _l("Approved by CNCA (green-product certification)")),
}
REQUESTABLE = (S.DRAFT, S.RETURNED, S.SUBMITTED, S.CITY_RECOMMENDED)


def _text(value: Any, field: str, low: int, high: int) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if not low <= len(text) <= high:
        raise InvalidInput("%(name)s must have %(low)d to %(high)d characters.", field=field, name=field, low=low,
                           high=high)
    return text


def clean_qualifications(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """Keep the known qualification keys, typed (whole numbers 0-100000 and true/false)."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise InvalidInput("Not a valid mapping type.", field="qualifications")
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in QUALIFICATION_FIELDS:
            raise InvalidInput("Unknown fields: %(fields)s.", field=f"qualifications.{key}", fields=str(key)[:80])
        kind = QUALIFICATION_FIELDS[key][0]
        if value is None:
            continue
        if kind is bool:
            if not isinstance(value, bool):
                raise InvalidInput("Give true or false.", field=f"qualifications.{key}")
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100000:
            raise InvalidInput("Give a whole number from 0 to 100000.", field=f"qualifications.{key}")
        out[key] = value
    return out


def register_firm(actor: str, *, uscc: str, name: str, legal_representative: str,
                  qualifications: Mapping[str, Any] | None = None) -> EvaluatorFirm:
    code = normalize_uscc(uscc)
    if db.session.scalar(select(EvaluatorFirm.id).where(EvaluatorFirm.uscc == code)):
        raise Refused("An evaluator firm with this credit code is already registered.")
    firm = EvaluatorFirm(uscc=code, name=_text(name, "name", 2, 200),
                         legal_representative=_text(legal_representative, "legal_representative", 2, 100),
                         qualifications=clean_qualifications(qualifications))
    db.session.add(firm)
    db.session.flush()
    audit.record(actor, "evaluator.registered", "evaluator_firm", firm.id, uscc=code, name=firm.name,
                 legal_representative=firm.legal_representative, qualifications=firm.qualifications)
    return firm


def update_firm(actor: str, firm: EvaluatorFirm, *, name: str | None = None, legal_representative: str | None = None,
                qualifications: Mapping[str, Any] | None = None) -> dict[str, list]:
    """Change a firm's record; returns the diff (audited). A new legal representative counts from now on."""
    before = {"name": firm.name, "legal_representative": firm.legal_representative,
              "qualifications": dict(firm.qualifications or {})}
    if name is not None:
        firm.name = _text(name, "name", 2, 200)
    if legal_representative is not None:
        firm.legal_representative = _text(legal_representative, "legal_representative", 2, 100)
    if qualifications is not None:
        firm.qualifications = clean_qualifications(qualifications)
    after = {"name": firm.name, "legal_representative": firm.legal_representative,
             "qualifications": dict(firm.qualifications or {})}
    diff = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if diff:
        audit.record(actor, "evaluator.updated", "evaluator_firm", firm.id, diff=diff)
    return diff


def firm_or_404(firm_id: Any) -> EvaluatorFirm:
    try:
        ident = int(firm_id)
    except (TypeError, ValueError):
        raise NotFound("No such evaluator firm.") from None
    firm = get_record(EvaluatorFirm, ident)
    if firm is None:
        raise NotFound("No such evaluator firm.")
    return firm


def firms() -> list[EvaluatorFirm]:
    return list(db.session.scalars(select(EvaluatorFirm).order_by(EvaluatorFirm.name)))


def requirement_results(firm: EvaluatorFirm, unit_type: str | None = None) -> list[dict[str, Any]]:
    """The region's requirements on the firm itself, each with its source and whether it holds."""
    out = []
    for req in region_rules().evaluator_requirements.values():
        if req.scope != "institution" or not req.applies(unit_type or None):
            continue
        message = req.check({**(firm.qualifications or {}), "unit_type": unit_type}) if req.check else None
        out.append({"code": req.code, "title": req.title, "source": req.source, "cite": req.cite,
                    "ok": message is None, "message": message})
    return out


def active_sanction(firm: EvaluatorFirm, today: dt.date | None = None) -> EvaluatorSanction | None:
    today = today or clock.today()
    return db.session.scalars(select(EvaluatorSanction).where(
        EvaluatorSanction.firm_id == firm.id, EvaluatorSanction.starts_on <= today,
        EvaluatorSanction.ends_on >= today).order_by(EvaluatorSanction.ends_on.desc())).first()


def sanction_choices() -> list[Any]:
    """The region's sanctions that carry a ban of some years (e.g. fraud: 3 years)."""
    return [s for s in region_rules().sanctions.values() if s.ban_years > 0]


def sanction_firm(actor: str, firm: EvaluatorFirm, *, reason: str, starts_on: dt.date,
                  sanction_code: str | None = None, ends_on: dt.date | None = None) -> EvaluatorSanction:
    """Record a sanction. With ``sanction_code`` the end follows the rule (fraud: 3 years, the last day
    inclusive); otherwise ``ends_on`` is required."""
    reason = _text(reason, "reason", 2, 500)
    cite = None
    if sanction_code:
        rule = region_rules().sanctions.get(sanction_code)
        if rule is None or rule.ban_years <= 0:
            raise InvalidInput("Unknown sanction: %(code)s.", field="sanction_code", code=sanction_code[:80])
        ends_on = add_years(starts_on, rule.ban_years) - dt.timedelta(days=1)
        cite = f"{rule.source}: {rule.cite}"
    if ends_on is None or ends_on < starts_on:
        raise InvalidInput("The sanction must end on or after the day it starts.", field="ends_on")
    row = EvaluatorSanction(firm_id=firm.id, reason=reason, starts_on=starts_on, ends_on=ends_on)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "evaluator.sanctioned", "evaluator_firm", firm.id, reason=reason,
                 starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat(), sanction_code=sanction_code, cite=cite)
    return row


def add_affiliate(actor: str, firm: EvaluatorFirm, *, uscc: str, name: str, relation: str) -> FirmAffiliate:
    code = normalize_uscc(uscc)
    if code == firm.uscc:
        raise InvalidInput("A firm is not its own affiliate.", field="uscc")
    if db.session.scalar(select(FirmAffiliate.id).where(FirmAffiliate.firm_id == firm.id, FirmAffiliate.uscc == code)):
        raise Refused("This affiliate is already recorded.")
    row = FirmAffiliate(firm_id=firm.id, uscc=code, name=_text(name, "name", 2, 200),
                        relation=_text(relation, "relation", 2, 100))
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "evaluator.affiliate_added", "evaluator_firm", firm.id, uscc=code, name=row.name,
                 relation=row.relation)
    return row


def affiliates(firm: EvaluatorFirm) -> list[FirmAffiliate]:
    return list(db.session.scalars(select(FirmAffiliate).where(FirmAffiliate.firm_id == firm.id)
                                   .order_by(FirmAffiliate.id)))


def cap_status(firm: EvaluatorFirm, year: int) -> list[dict[str, Any]]:
    """The firm's use of each distinct cap of the region in ``year`` (one row per counter): the per-level caps and
    the caps counting several levels together (:func:`core.services.limits.cap_rows`)."""
    rules, found = region_rules(), {}
    for unit_type in rules.unit_types:
        for level in Level:
            for cap in rules.evaluator_caps(unit_type, level):
                found.setdefault(limits.cap_key(firm, cap, year), cap)
    return limits.cap_rows(firm, [found[k] for k in sorted(found)], year)


def engagement_requirements(unit_type: str | None = None) -> list[Any]:
    """The region's requirements on one engagement (independence and the like), which the firm declares it meets
    when it accepts (e.g. 002_9c75e1d2ebfbdf50.txt 附件2 二(三))."""
    return [r for r in region_rules().evaluator_requirements.values()
            if r.scope == "engagement" and r.applies(unit_type or None)]


# ------------------------------------------------------------------ requests --


def request_evaluation(user: User, application: Application, firm: EvaluatorFirm, self_evaluation_by: str,
                       today: dt.date | None = None) -> EvaluationRequest:
    """The applicant names ``firm`` to evaluate ``application``; ``self_evaluation_by`` is the USCC of
    whoever wrote the self-evaluation (the applicant itself or a consultancy).

    Refused at once when the firm may not evaluate the unit (sanction, itself, affiliate, author
    of the self-evaluation, region requirements); the cap is taken when the firm accepts.
    """
    if application.evaluation_mode != EvaluationMode.THIRD_PARTY:
        raise Refused("Choose third-party evaluation on the application first.")
    if application.status not in REQUESTABLE:
        raise Refused("This is not possible while the application is %(status)s.", status=str(application.status))
    author = normalize_uscc(self_evaluation_by)
    engaged = db.session.scalar(select(EvaluatorEngagement).where(EvaluatorEngagement.application_id == application.id))
    if engaged is not None:
        raise Refused("%(firm)s already evaluates this application.", firm=engaged.firm.name)
    pending = db.session.scalar(select(EvaluationRequest).where(EvaluationRequest.application_id == application.id,
                                                                EvaluationRequest.status == "requested"))
    if pending is not None:
        raise Refused("A request to %(firm)s is waiting for its answer; cancel it first.", firm=pending.firm.name)
    limits.check_firm_allowed(firm, application, today or clock.today(), author)
    row = EvaluationRequest(application_id=application.id, firm_id=firm.id, status="requested",
                            self_evaluation_by=author, requested_by=user.username, declarations={})
    db.session.add(row)
    db.session.flush()
    audit.record(user.username, "evaluator.requested", "application", application.id, firm=firm.uscc,
                 self_evaluation_by=author, request=row.id)
    return row


def request_or_404(user: User, request_id: Any) -> EvaluationRequest:
    """A request the user may see (:func:`core.review.access.request_scope`): the firm's own, the applicant's
    own, or any (registry staff)."""
    return load_or_404(user, EvaluationRequest, request_id, request_scope(user), message="No such request.")


def _require_pending(row: EvaluationRequest) -> None:
    if row.status != "requested":
        raise Refused("This request was already answered (%(status)s).", status=row.status)


def accept_request(user: User, row: EvaluationRequest, *, wrote_self_evaluation: bool = False,
                   interested_party: bool = False, today: dt.date | None = None) -> EvaluatorEngagement:
    """The firm accepts with its declaration of independence (whether it took part in writing the unit's
    self-evaluation, whether it is an interested party), which is stored with the request, audited and read by
    the region's rules (:func:`core.applications.eligibility.rule_data`); independence is checked again with it,
    and a place in every annual cap that counts the project is taken atomically
    (:func:`core.services.limits.accept_engagement`)."""
    _require_pending(row)
    for name, value in (("wrote_self_evaluation", wrote_self_evaluation), ("interested_party", interested_party)):
        if not isinstance(value, bool):
            raise InvalidInput("Give true or false.", field=name)
    declarations = {"wrote_self_evaluation": wrote_self_evaluation, "interested_party": interested_party,
                    "declared_by": getattr(user, "username", None),
                    "declared_at": now().isoformat(timespec="seconds")}
    engagement = limits.accept_engagement(row.firm, row.application, user.username, today,
                                          self_evaluation_by=row.self_evaluation_by, declarations=declarations)
    row.status, row.decided_by, row.decided_at = "accepted", user.username, now()
    row.declarations = declarations
    audit.record(user.username, "evaluator.request_accepted", "application", row.application_id, request=row.id,
                 firm=row.firm.uscc, declarations=declarations)
    return engagement


def decline_request(user: User, row: EvaluationRequest, reason: str) -> None:
    _require_pending(row)
    row.status, row.decided_by, row.decided_at = "declined", user.username, now()
    row.reason = _text(reason, "reason", 2, 500)
    audit.record(user.username, "evaluator.request_declined", "application", row.application_id, request=row.id,
                 firm=row.firm.uscc, reason=row.reason)


def cancel_request(user: User, row: EvaluationRequest) -> None:
    _require_pending(row)
    row.status, row.decided_by, row.decided_at = "cancelled", user.username, now()
    audit.record(user.username, "evaluator.request_cancelled", "application", row.application_id, request=row.id)


def requests_for_firm(firm_id: int, status: str | None = None) -> list[EvaluationRequest]:
    query = select(EvaluationRequest).where(EvaluationRequest.firm_id == firm_id)
    if status:
        query = query.where(EvaluationRequest.status == status)
    return list(db.session.scalars(query.order_by(EvaluationRequest.id.desc()).limit(500)))


def requests_for_application(application_id: int) -> list[EvaluationRequest]:
    return list(db.session.scalars(select(EvaluationRequest).where(EvaluationRequest.application_id == application_id)
                                   .order_by(EvaluationRequest.id.desc())))


def engagement_counts(year: int) -> dict[int, int]:
    """Engagements per firm in ``year`` (all levels), for the registry page."""
    rows = db.session.execute(select(EvaluatorEngagement.firm_id, func.count()).where(EvaluatorEngagement.year == year)
                              .group_by(EvaluatorEngagement.firm_id))
    return {firm_id: n for firm_id, n in rows}
