"""Evaluator caps and city quotas, enforced in the database transaction.

:func:`reserve` takes one place in a :class:`~core.models.LimitCounter` with a
single conditional UPDATE, so two processes racing for the last place cannot
both win, on SQLite (one writer at a time) or PostgreSQL (row lock, and the
WHERE clause re-checked after the lock is granted). Callers commit or roll back
the reservation together with the row it protects.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.errors import LimitReached, Refused
from core.extensions import db
from core.models import (
    Application, Ban, EvaluatorEngagement, EvaluatorFirm, EvaluatorSanction, FirmAffiliate, LimitCounter,
)
from core.plugins.types import EvaluatorCap, Level, Quota
from core.services import audit


def _rules():
    return current_app.extensions["greenmfg"].rules


def _ensure_counter(key: str) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(LimitCounter).values(key=key, used=0).on_conflict_do_nothing(index_elements=["key"]))


def reserve(key: str, limit: int) -> bool:
    """Take one place under ``key`` if fewer than ``limit`` are taken. Atomic."""
    _ensure_counter(key)
    result = db.session.execute(
        update(LimitCounter)
        .where(LimitCounter.key == key, LimitCounter.used < limit)
        .values(used=LimitCounter.used + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def release(key: str) -> None:
    """Give a place back (a withdrawn recommendation, a cancelled engagement)."""
    db.session.execute(
        update(LimitCounter)
        .where(LimitCounter.key == key, LimitCounter.used > 0)
        .values(used=LimitCounter.used - 1)
        .execution_options(synchronize_session=False)
    )


def used(key: str) -> int:
    return db.session.scalar(select(LimitCounter.used).where(LimitCounter.key == key)) or 0


# ------------------------------------------------------------ evaluator caps --


def cap_key(firm: EvaluatorFirm, cap: EvaluatorCap, year: int) -> str:
    """One counter per person or entity, per group of levels counted together, per year."""
    who = firm.legal_representative if cap.basis == "legal_representative" else firm.uscc
    levels = "+".join(sorted(level.value for level in cap.levels))
    return f"cap:{cap.basis}:{who}:{levels}:{year}"


def check_firm_allowed(firm: EvaluatorFirm, application: Application, today: dt.date,
                       self_evaluation_by: str | None = None,
                       declarations: Mapping[str, Any] | None = None) -> None:
    """Refuse a firm that may not evaluate ``application``.

    Refused: a sanctioned or banned firm (with the end date); the firm itself, an affiliate
    (a registered affiliate, or the same legal representative) or a unit whose self-evaluation
    the firm wrote (``self_evaluation_by`` is the USCC of whoever wrote it; the firm may also
    declare it); and a firm failing the region's evaluator requirements
    (``rules.evaluator_requirements``, e.g. staffing and independence).
    """
    sanction = db.session.scalars(
        select(EvaluatorSanction)
        .where(EvaluatorSanction.firm_id == firm.id, EvaluatorSanction.ends_on >= today,
               EvaluatorSanction.starts_on <= today)
        .order_by(EvaluatorSanction.ends_on.desc())
    ).first()
    ban = db.session.scalars(
        select(Ban).where(Ban.uscc == firm.uscc, Ban.subject == "evaluator", Ban.ends_on >= today,
                          Ban.starts_on <= today)
        .order_by(Ban.ends_on.desc())
    ).first()
    for hit in (sanction, ban):
        if hit is not None:
            raise Refused(
                "%(firm)s is sanctioned (%(reason)s); its reports are not accepted until %(until)s.",
                firm=firm.name, reason=hit.reason, until=hit.ends_on.isoformat(),
            )
    org = application.organization
    if firm.uscc == org.uscc:
        raise Refused("An evaluator firm cannot evaluate itself.")
    declared = dict(declarations or {})
    affiliate = db.session.scalar(select(FirmAffiliate).where(FirmAffiliate.firm_id == firm.id,
                                                              FirmAffiliate.uscc == org.uscc))
    same_person = bool(firm.legal_representative and org.legal_representative
                       and firm.legal_representative.strip() == org.legal_representative.strip())
    if affiliate is not None or same_person or declared.get("interested_party") is True:
        relation = affiliate.relation if affiliate is not None else (
            firm.legal_representative if same_person else "interested party")
        raise Refused("%(firm)s is affiliated with %(unit)s (%(relation)s) and cannot evaluate it.",
                      firm=firm.name, unit=org.name, relation=relation)
    wrote = declared.get("wrote_self_evaluation") is True or (self_evaluation_by or "") == firm.uscc
    if wrote:
        raise Refused("%(firm)s wrote the self-evaluation of %(unit)s and cannot evaluate it.",
                      firm=firm.name, unit=org.name)
    requirements = [r for r in _rules().evaluator_requirements.values()
                    if r.check is not None and (not r.unit_types or application.unit_type in r.unit_types)]
    if requirements:
        data = {**(firm.qualifications or {}), "wrote_self_evaluation": False, "interested_party": False,
                "unit_type": application.unit_type, "year": application.campaign.year}
        problems = [msg for msg in (r.check(data) for r in requirements) if msg]
        if problems:
            raise Refused("%(firm)s does not meet the region's requirements for evaluator firms: %(problems)s.",
                          firm=firm.name, problems="; ".join(problems))


def accept_engagement(firm: EvaluatorFirm, application: Application, actor: str,
                      today: dt.date | None = None, *, self_evaluation_by: str | None = None,
                      declarations: Mapping[str, Any] | None = None) -> EvaluatorEngagement:
    """Record that ``firm`` evaluates ``application``, within the region's annual cap.

    The cap (who it counts per, at which level, which unit types together) comes
    from the region plugin. See :func:`check_firm_allowed` for the refusals. The caller commits.
    """
    today = today or dt.date.today()
    check_firm_allowed(firm, application, today, self_evaluation_by, declarations)
    year, level = application.campaign.year, application.level
    cap = _rules().evaluator_cap(application.unit_type, Level(level))
    key = cap_key(firm, cap, year)
    counted = not cap.unlimited and application.unit_type in cap.unit_types and Level(level) in cap.levels
    if counted and not reserve(key, cap.limit):
        raise LimitReached(
            "%(firm)s has reached the cap of %(limit)d %(level)s evaluation projects in %(year)d per "
            "%(basis)s (%(who)s); rule from %(source)s: %(cite)s.",
            firm=firm.name, limit=cap.limit, level=level, year=year, basis=cap.basis,
            who=key.split(":")[2], source=cap.source, cite=cap.cite,
        )
    engagement = EvaluatorEngagement(firm_id=firm.id, application_id=application.id, year=year, level=level,
                                     unit_type=application.unit_type, cap_key=key)
    application.evaluator_firm_id = firm.id
    db.session.add(engagement)
    db.session.flush()
    audit.record(actor, "evaluator.engagement_accepted", "application", application.id,
                 firm=firm.uscc, cap_key=key, cap_limit=cap.limit, cap_source=cap.source,
                 counted=counted, used=used(key) if counted else None)
    return engagement


# ------------------------------------------------------------------ quotas --


def quota_key(admin_unit_code: str, unit_type: str, quota: Quota, year: int) -> str:
    period = quota.period or (year, year)
    return f"quota:{admin_unit_code}:{unit_type}:{period[0]}-{period[1]}"


def reserve_quota(application: Application, actor: str) -> Quota:
    """Take a place in the city's quota for ``application`` (city recommendation). The caller commits."""
    unit = application.admin_unit
    year = application.campaign.year
    quota = _rules().quota(unit.code, application.unit_type, year)
    if not quota.unlimited:
        key = quota_key(unit.code, application.unit_type, quota, year)
        # a target (binding=False) is counted for progress but never refuses
        if not reserve(key, quota.limit if quota.binding else 2**31 - 1):
            raise LimitReached(
                "The quota of %(unit)s for %(type)s is full: %(limit)d for %(start)d-%(end)d "
                "(rule from %(source)s: %(cite)s).",
                unit=unit.name, type=application.unit_type, limit=quota.limit,
                start=(quota.period or (year, year))[0], end=(quota.period or (year, year))[1],
                source=quota.source, cite=quota.cite,
            )
        audit.record(actor, "quota.reserved", "application", application.id, key=key, limit=quota.limit,
                     source=quota.source)
    return quota
