"""Real-name complaints (实名举报, 004_7a8ddd82f611ab67.txt 第二十五条).

Anyone may complain, under their real name with contact details and evidence, about a listed
unit or a third-party firm, to the city bureau where it is. The city verifies it: dismissed;
rectification with a deadline (then rectified, or removal); or removal from the list (第二十一条).
A firm found at fault has its reports refused for 3 years (第二十四条).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.errors import InvalidInput, Refused
from core.extensions import db
from core.clock import today
from core.kernel.rules import region_rules
from core.management import bans, removals
from core.management.common import moment, optional_text, text
from core.models import AdminUnit, Complaint, EvaluatorFirm, ListEntry, Organization
from core.services import audit
from core.services.uscc import normalize_uscc

RECEIVED, DISMISSED, RECTIFICATION, RECTIFIED, REMOVAL, BANNED = (
    "received", "dismissed", "rectification", "rectified", "removal", "banned")
OPEN = (RECEIVED, RECTIFICATION)
OUTCOMES = (DISMISSED, RECTIFICATION, REMOVAL)
MAX_RECTIFY_DAYS = 365


def _find_subject(uscc: str) -> tuple[str, Organization | None, EvaluatorFirm | None]:
    org = db.session.scalar(select(Organization).where(Organization.uscc == uscc))
    if org is not None and db.session.scalar(select(ListEntry.id).where(
            ListEntry.organization_id == org.id, ListEntry.status == "listed").limit(1)) is not None:
        return "unit", org, None
    firm = db.session.scalar(select(EvaluatorFirm).where(EvaluatorFirm.uscc == uscc))
    if firm is not None:
        return "evaluator", None, firm
    raise InvalidInput("No listed unit or third-party firm has this credit code.", field="subject_uscc")


def file_complaint(subject_uscc: str, complainant_name: str, complainant_contact: str, content: str,
                   evidence_note: str, actor: str = "public", admin_unit_code: str | None = None,
                   on: dt.date | None = None) -> Complaint:
    """Record a real-name complaint. For a firm the complainant names the city where it is."""
    uscc = normalize_uscc(subject_uscc, field="subject_uscc")
    name = text(complainant_name, "complainant_name", 2, 100)
    contact = text(complainant_contact, "complainant_contact", 5, 120)
    content = text(content, "content", 10, 5000)
    evidence_note = text(evidence_note, "evidence_note", 2, 4000)
    kind, org, firm = _find_subject(uscc)
    if org is not None:
        unit_id, subject_name = org.admin_unit_id, org.name
    else:
        unit = db.session.scalar(select(AdminUnit).where(AdminUnit.region == region_rules().region_code,
                                                         AdminUnit.code == (admin_unit_code or ""),
                                                         AdminUnit.active.is_(True)))
        if unit is None:
            raise InvalidInput("Choose the city where the firm is.", field="admin_unit")
        unit_id, subject_name = unit.id, firm.name
    complaint = Complaint(subject_kind=kind, organization_id=org.id if org else None,
                          evaluator_firm_id=firm.id if firm else None, subject_uscc=uscc, subject_name=subject_name,
                          admin_unit_id=unit_id, complainant_name=name, complainant_contact=contact, content=content,
                          evidence_note=evidence_note, status=RECEIVED, filed_by=actor)
    db.session.add(complaint)
    db.session.flush()
    audit.record(actor, "complaint.filed", "complaint", complaint.id, subject=uscc, subject_kind=kind,
                 complainant=name, received_on=(on or today()).isoformat())
    return complaint


def _require(complaint: Complaint, *allowed: str) -> None:
    if complaint.status not in allowed:
        raise Refused("This is not possible while the complaint is %(status)s.", status=complaint.status)


def _remove_or_ban(complaint: Complaint, finding: str, actor: str, on: dt.date, sanction_code: str | None,
                   levels=None) -> None:
    if complaint.subject_kind == "evaluator":
        firm = db.session.get(EvaluatorFirm, complaint.evaluator_firm_id)
        ban = bans.ban_evaluator(firm, finding, actor, on, complaint.evidence_note, sanction_code=None)
        complaint.ban_id, complaint.status = ban.id, BANNED
        return
    if not sanction_code:
        raise InvalidInput("Choose the removal reason (sanction).", field="sanction")
    org = db.session.get(Organization, complaint.organization_id)
    removal = removals.propose(org, sanction_code, finding, actor, levels=levels,
                               evidence_note=complaint.evidence_note,  # the page links the complaint itself
                               source="complaint", source_ref=str(complaint.id), on=on)
    complaint.removal_id, complaint.status = removal.id, REMOVAL


def verify(complaint: Complaint, outcome: str, finding: str, actor: str, *, on: dt.date | None = None,
           rectify_until: dt.date | None = None, sanction_code: str | None = None, levels=None) -> Complaint:
    """The city records what its verification found and the outcome."""
    _require(complaint, RECEIVED)
    if outcome not in OUTCOMES:
        raise InvalidInput("Choose an outcome: %(values)s.", field="outcome", values=", ".join(OUTCOMES))
    finding = text(finding, "finding", 2, 4000)
    on = on or today()
    complaint.finding, complaint.verified_by, complaint.verified_at = finding, actor, moment(on)
    if outcome == DISMISSED:
        complaint.status = DISMISSED
    elif outcome == RECTIFICATION:
        if complaint.subject_kind != "unit":
            raise InvalidInput("A third-party firm found at fault has its reports refused; choose removal.",
                               field="outcome")
        if rectify_until is None or rectify_until <= on or rectify_until > on + dt.timedelta(days=MAX_RECTIFY_DAYS):
            raise InvalidInput("Give a rectification deadline within %(days)d days.", field="rectify_until",
                               days=MAX_RECTIFY_DAYS)
        complaint.status, complaint.rectify_until = RECTIFICATION, rectify_until
    else:
        _remove_or_ban(complaint, finding, actor, on, sanction_code, levels)
    audit.record(actor, "complaint.verified", "complaint", complaint.id, outcome=outcome, finding=finding,
                 rectify_until=rectify_until.isoformat() if rectify_until else None, removal=complaint.removal_id,
                 ban=complaint.ban_id)
    return complaint


def close_rectification(complaint: Complaint, rectified: bool, note: str, actor: str, *, on: dt.date | None = None,
                        sanction_code: str | None = None) -> Complaint:
    """The city checks the rectification: done (closed), or not done (removal)."""
    _require(complaint, RECTIFICATION)
    note = text(note, "note", 2, 2000)
    on = on or today()
    complaint.rectification_note = note
    if rectified:
        complaint.status, complaint.rectified_on = RECTIFIED, on
    else:
        _remove_or_ban(complaint, note, actor, on, sanction_code)
    audit.record(actor, "complaint.rectification_checked", "complaint", complaint.id, rectified=rectified,
                 note=note, removal=complaint.removal_id, on=on.isoformat())
    return complaint


def overdue_rectifications(on: dt.date, admin_unit_id: int | None = None) -> list[Complaint]:
    query = select(Complaint).where(Complaint.status == RECTIFICATION, Complaint.rectify_until < on)
    if admin_unit_id is not None:
        query = query.where(Complaint.admin_unit_id == admin_unit_id)
    return list(db.session.scalars(query))


def public_units() -> list[AdminUnit]:
    return list(db.session.scalars(select(AdminUnit).where(AdminUnit.region == region_rules().region_code,
                                                           AdminUnit.active.is_(True)).order_by(AdminUnit.id)))


def note_or_blank(value) -> str:
    return optional_text(value, "note", 2000)
