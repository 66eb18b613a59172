"""Who an audited change concerns, and what they are told: audit action -> targets.

Each rule reads one committed :class:`~core.models.AuditLog` row and answers the :class:`Target` s it
concerns: the users, the message (a key of :data:`MESSAGES`), its parameters and the page where they act.
Messages are ``lazy_gettext`` strings rendered in the reader's language when shown or sent
(:mod:`core.notifications.messages`); deadlines travel as ISO instants and are shown in Beijing time.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.accounts.permissions import accounts_of
from core.extensions import db
from core.clock import end_of_day
from core.models import (
    AnnualFiling, Application, AuditLog, EvaluatorFirm, ExpertAssignment, ExpertProfile, NoticeItem, Organization,
    PublicNotice, Removal, Role, User,
)


@dataclass(frozen=True)
class Target:
    users: list[int]
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    #: (endpoint, values) of the page where the user acts
    link: tuple[str, dict[str, Any]] | None = None


#: message key -> (subject, body); the subject names the unit
MESSAGES: dict[str, tuple[Any, Any]] = {
    "application.submitted": (
        _l("%(unit)s submitted its application"),
        _l("%(unit)s submitted its application in the %(round)s round; it waits in the city's review queue.")),
    "application.returned": (
        _l("%(unit)s: application returned for correction"),
        _l("The city returned the application of %(unit)s (%(round)s) for correction: %(reason)s. Correct it and "
           "submit it again by %(deadline)s (Beijing time).")),
    "application.rejected": (
        _l("%(unit)s: application rejected"),
        _l("The application of %(unit)s (%(round)s) was rejected: %(reason)s.")),
    "notice.application_removed": (
        _l("%(unit)s: application rejected after an objection"),
        _l("After an objection during the public notice, the province took %(unit)s off the notice and rejected its "
           "application (%(round)s): %(reason)s.")),
    "application.recommended": (
        _l("%(unit)s: recommended by the city"),
        _l("The city recommended %(unit)s in the %(round)s round; the province reviews it next.")),
    "application.approved_for_city_list": (
        _l("%(unit)s: approved for the city list"),
        _l("The city approved %(unit)s in the %(round)s round for its city list; the city publishes the list next.")),
    "application.recommended.province": (
        _l("%(unit)s recommended by %(city)s"),
        _l("%(city)s recommended %(unit)s in the %(round)s round; it waits for the province's review.")),
    "list.entry_created": (
        _l("%(unit)s is on the %(year)s %(level)s list"),
        _l("%(unit)s was put on the %(year)s %(level)s list (%(notice_no)s).")),
    "list.stage_entry_created": (
        _l("%(unit)s is in the %(year)s %(stage)s"),
        _l("%(unit)s was put into the %(year)s %(stage)s (%(notice_no)s): it is not listed until the province's "
           "recognition.")),
    "review.expert_assigned": (
        _l("Review assigned: %(unit)s"),
        _l("You are assigned to review the application of %(unit)s (%(round)s). Score it on your assignment page.")),
    "evaluator.requested": (
        _l("Evaluation requested by %(unit)s"),
        _l("%(unit)s asks your firm to evaluate its application (%(round)s). Accept or decline the request.")),
    "evaluator.engagement_accepted": (
        _l("%(unit)s: %(firm)s accepted the evaluation"),
        _l("%(firm)s accepted to evaluate the application of %(unit)s (%(round)s).")),
    "notice.objection_filed": (
        _l("Objection against %(unit)s"),
        _l("An objection was filed against %(unit)s during the public notice of the %(year)s %(level)s list; "
           "resolve it before the unit can be listed.")),
    "filings.reminded": (
        _l("%(unit)s: annual filing due by %(deadline)s"),
        _l("Please file the %(year)s dynamic-management table of %(unit)s by %(deadline)s (Beijing time).")),
    "filing.overdue": (
        _l("%(unit)s: annual filing overdue"),
        _l("The %(year)s dynamic-management table of %(unit)s was due by %(deadline)s (Beijing time) and was not "
           "filed; a removal from the list may be proposed.")),
    "filing.overdue.city": (
        _l("%(unit)s did not file its annual table"),
        _l("The %(year)s dynamic-management table of %(unit)s was due by %(deadline)s (Beijing time) and was not "
           "filed.")),
    "filing.returned": (
        _l("%(unit)s: annual filing returned for correction"),
        _l("The city returned the %(year)s dynamic-management table of %(unit)s: %(reason)s. Correct it and file "
           "it again by %(deadline)s (Beijing time).")),
    "review.graded": (
        _l("%(unit)s: review completed, grade %(tier)s"),
        _l("The expert review of %(unit)s (%(round)s) is completed: panel score %(score)s, grade %(tier)s.")),
    "review.scored": (
        _l("%(unit)s: review completed"),
        _l("The expert review of %(unit)s (%(round)s) is completed: panel score %(score)s.")),
    "notice.application_in_notice": (
        _l("%(unit)s is in the public notice"),
        _l("%(unit)s is in the public notice of the %(year)s %(level)s list until %(deadline)s (Beijing time); "
           "objections may be filed until then.")),
    "notice.objection_received": (
        _l("An objection against %(unit)s was received"),
        _l("An objection against %(unit)s was received during the public notice of the %(year)s %(level)s list; "
           "the province examines it and may ask for an explanation.")),
    "application.recommendation_withdrawn": (
        _l("%(unit)s: recommendation withdrawn"),
        _l("The city withdrew its recommendation of %(unit)s (%(round)s): %(reason)s.")),
    "application.recommendation_withdrawn.province": (
        _l("%(city)s withdrew the recommendation of %(unit)s"),
        _l("%(city)s withdrew its recommendation of %(unit)s (%(round)s): %(reason)s. It no longer waits for the "
           "province's review.")),
    "removal.proposed": (
        _l("%(unit)s: removal from the list proposed"),
        _l("A removal of %(unit)s from the list was proposed: %(reason)s. The province decides on it.")),
    "removal.proposed.province": (
        _l("Removal of %(unit)s proposed"),
        _l("A removal of %(unit)s from the list was proposed: %(reason)s. Approve or reject it.")),
}


# --------------------------------------------------------------- who is concerned --

def _ids(*where: Any) -> list[int]:
    return list(db.session.scalars(select(User.id).where(User.active.is_(True), *where).order_by(User.id)))


def unit_users(organization_id: int) -> list[int]:
    return _ids(accounts_of(Role.APPLICANT, organization_id))


def city_users(admin_unit_id: int | None) -> list[int]:
    return _ids(accounts_of(Role.CITY, admin_unit_id)) if admin_unit_id else []


def province_users() -> list[int]:
    return _ids(accounts_of(Role.PROVINCE))


def firm_users(firm_id: int | None) -> list[int]:
    return _ids(accounts_of(Role.EVALUATOR, firm_id)) if firm_id else []


# -------------------------------------------------------------------- parameters --

def _deadline(moment: dt.datetime | dt.date | str | None) -> str | None:
    """An instant as ISO text (a day stands for its end, Beijing time)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment) if "T" in moment else dt.date.fromisoformat(moment)
    if not isinstance(moment, dt.datetime):
        moment = end_of_day(moment)
    return moment.isoformat()


def _application(row: AuditLog) -> Application | None:
    try:
        return db.session.get(Application, int(row.object_id))
    except (TypeError, ValueError):
        return None


def _app_params(a: Application, **extra: Any) -> dict[str, Any]:
    return {"unit": a.organization.name, "year": a.campaign.year, "level": a.level, **extra}


def _detail(a: Application) -> tuple[str, dict[str, Any]]:
    return "applications.detail", {"app_id": a.id}


def _on_application(message: str, **fields: Callable[[AuditLog], Any]):
    """The applicant unit's users, about its application."""
    def targets(row: AuditLog) -> Iterator[Target]:
        a = _application(row)
        if a is not None:
            yield Target(unit_users(a.organization_id), message,
                         _app_params(a, **{k: f(row) for k, f in fields.items()}), _detail(a))
    return targets


def _reason(row: AuditLog) -> str:
    return str((row.data or {}).get("reason") or "")


def _recommended(row: AuditLog) -> Iterator[Target]:
    a = _application(row)
    if a is None:
        return
    if str(a.level) == "city":  # the city's own list (Shanxi 004 第十二条): the city publishes it, no province review
        yield Target(unit_users(a.organization_id), "application.approved_for_city_list", _app_params(a), _detail(a))
        return
    yield Target(unit_users(a.organization_id), "application.recommended", _app_params(a), _detail(a))
    yield Target(province_users(), "application.recommended.province", _app_params(a, city=a.admin_unit.name),
                 ("review.review_application", {"app_id": a.id}))


def _submitted(row: AuditLog) -> Iterator[Target]:
    a = _application(row)
    if a is not None:
        yield Target(city_users(a.admin_unit_id), "application.submitted", _app_params(a),
                     ("applications.city_queue", {}))


def _listed(row: AuditLog) -> Iterator[Target]:
    a = _application(row)
    data = row.data or {}
    if a is not None:
        yield Target(unit_users(a.organization_id), "list.entry_created",
                     _app_params(a, year=data.get("year", a.campaign.year), level=data.get("level", a.level),
                                 notice_no=data.get("notice_no") or ""), _detail(a))


def _in_stage(row: AuditLog) -> Iterator[Target]:
    """Put into the stage before a list (a 创建计划, a 培育库: issue 43), which is no listing."""
    a = _application(row)
    data = row.data or {}
    if a is not None:
        yield Target(unit_users(a.organization_id), "list.stage_entry_created",
                     _app_params(a, year=data.get("year", a.campaign.year), stage=data.get("stage") or "",
                                 notice_no=data.get("notice_no") or ""), _detail(a))


def _expert_assigned(row: AuditLog) -> Iterator[Target]:
    a = _application(row)
    expert = db.session.get(ExpertProfile, (row.data or {}).get("expert") or 0)
    if a is None or expert is None:
        return
    assignment = db.session.scalar(select(ExpertAssignment.id).where(
        ExpertAssignment.application_id == a.id, ExpertAssignment.expert_id == expert.id))
    link = ("review.score", {"assignment_id": assignment}) if assignment else ("review.my_assignments", {})
    yield Target([expert.user_id], "review.expert_assigned", _app_params(a), link)


def _firm(row: AuditLog) -> EvaluatorFirm | None:
    uscc = (row.data or {}).get("firm")
    return db.session.scalar(select(EvaluatorFirm).where(EvaluatorFirm.uscc == uscc)) if uscc else None


def _evaluator_requested(row: AuditLog) -> Iterator[Target]:
    a, firm = _application(row), _firm(row)
    if a is not None and firm is not None:
        yield Target(firm_users(firm.id), "evaluator.requested", _app_params(a), ("review.engagements", {}))


def _engagement_accepted(row: AuditLog) -> Iterator[Target]:
    a, firm = _application(row), _firm(row)
    if a is not None and firm is not None:
        yield Target(unit_users(a.organization_id), "evaluator.engagement_accepted", _app_params(a, firm=firm.name),
                     _detail(a))


def _objection(row: AuditLog) -> Iterator[Target]:
    item = db.session.get(NoticeItem, (row.data or {}).get("item") or 0)
    notice = db.session.get(PublicNotice, int(row.object_id)) if row.object_id else None
    if item is None or notice is None:
        return
    yield Target(province_users(), "notice.objection_filed",
                 {"unit": item.application.organization.name, "year": notice.year, "level": notice.level},
                 ("lists.manage_notice", {"notice_id": notice.id}))


def _graded(row: AuditLog) -> Iterator[Target]:
    a, data = _application(row), row.data or {}
    if a is None:
        return
    score = data.get("score")
    params = _app_params(a, score=f"{score:.2f}" if isinstance(score, (int, float)) else "",
                         tier=data.get("tier") or "")
    # a region without grades (Hubei) is told its score only, never "grade —"
    yield Target(unit_users(a.organization_id), "review.graded" if data.get("tier") else "review.scored", params,
                 _detail(a))


def _in_notice(row: AuditLog) -> Iterator[Target]:
    a = _application(row)
    notice = db.session.get(PublicNotice, (row.data or {}).get("notice") or 0)
    if a is None or notice is None:
        return
    yield Target(unit_users(a.organization_id), "notice.application_in_notice",
                 _app_params(a, year=notice.year, level=notice.level, deadline=_deadline(notice.ends_on)), _detail(a))


def _objection_received(row: AuditLog) -> Iterator[Target]:
    """The unit objected to and its city: an objection against it was received (who filed it is not said)."""
    item = db.session.get(NoticeItem, (row.data or {}).get("item") or 0)
    notice = db.session.get(PublicNotice, int(row.object_id)) if row.object_id else None
    if item is None or notice is None:
        return
    a = item.application
    params = {"unit": a.organization.name, "year": notice.year, "level": notice.level}
    yield Target(unit_users(a.organization_id), "notice.objection_received", params, _detail(a))
    yield Target(city_users(a.admin_unit_id), "notice.objection_received", params, _detail(a))


def _objection_filed(row: AuditLog) -> Iterator[Target]:
    yield from _objection(row)
    yield from _objection_received(row)


def _withdrawn(row: AuditLog) -> Iterator[Target]:
    a = _application(row)
    if a is None:
        return
    yield Target(unit_users(a.organization_id), "application.recommendation_withdrawn",
                 _app_params(a, reason=_reason(row)), _detail(a))
    yield Target(province_users(), "application.recommendation_withdrawn.province",
                 _app_params(a, city=a.admin_unit.name, reason=_reason(row)), _detail(a))


def _filing_params(filing: AnnualFiling, day: Any, **extra: Any) -> dict[str, Any]:
    return {"unit": filing.organization.name, "year": filing.year, "deadline": _deadline(day), **extra}


def _reminded(row: AuditLog) -> Iterator[Target]:
    ids = [int(i) for i in (row.data or {}).get("filings") or []]
    for filing in db.session.scalars(select(AnnualFiling).where(AnnualFiling.id.in_(ids)).order_by(AnnualFiling.id)):
        yield Target(unit_users(filing.organization_id), "filings.reminded", _filing_params(filing, filing.due_on),
                     ("management.filing_page", {"ident": filing.id}))


def _filing(row: AuditLog) -> AnnualFiling | None:
    try:
        return db.session.get(AnnualFiling, int(row.object_id))
    except (TypeError, ValueError):
        return None


def _overdue(row: AuditLog) -> Iterator[Target]:
    filing = _filing(row)
    if filing is None:
        return
    link = ("management.filing_page", {"ident": filing.id})
    yield Target(unit_users(filing.organization_id), "filing.overdue", _filing_params(filing, filing.due_on), link)
    yield Target(city_users(filing.admin_unit_id), "filing.overdue.city", _filing_params(filing, filing.due_on), link)


def _filing_returned(row: AuditLog) -> Iterator[Target]:
    filing = _filing(row)
    if filing is not None:
        yield Target(unit_users(filing.organization_id), "filing.returned",
                     _filing_params(filing, (row.data or {}).get("until"), reason=_reason(row)),
                     ("management.filing_page", {"ident": filing.id}))


def _removal(row: AuditLog) -> Iterator[Target]:
    removal = db.session.get(Removal, int(row.object_id)) if row.object_id else None
    if removal is None:
        return
    org = db.session.get(Organization, removal.organization_id)
    params = {"unit": org.name, "reason": _reason(row)}
    yield Target(unit_users(org.id), "removal.proposed", params, ("management.index", {}))
    yield Target(province_users(), "removal.proposed.province", params,
                 ("management.removal_page", {"ident": removal.id}))


#: audit action -> the targets of one of its rows
RULES: dict[str, Callable[[AuditLog], Iterable[Target]]] = {
    "application.submitted": _submitted,
    "application.returned": _on_application("application.returned", reason=_reason,
                                            deadline=lambda row: _deadline((row.data or {}).get("until"))),
    "application.rejected": _on_application("application.rejected", reason=_reason),
    "notice.application_removed": _on_application("notice.application_removed", reason=_reason),
    "application.recommended": _recommended,
    "list.entry_created": _listed,
    "list.stage_entry_created": _in_stage,
    "review.expert_assigned": _expert_assigned,
    "evaluator.requested": _evaluator_requested,
    "evaluator.engagement_accepted": _engagement_accepted,
    "notice.objection_filed": _objection_filed,
    "review.graded": _graded,
    "notice.application_in_notice": _in_notice,
    "application.recommendation_withdrawn": _withdrawn,
    "filings.reminded": _reminded,
    "filing.overdue": _overdue,
    "filing.returned": _filing_returned,
    "removal.proposed": _removal,
}
