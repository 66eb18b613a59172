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

from flask import has_request_context
from flask_babel import LazyString, force_locale, lazy_gettext as _l
from sqlalchemy import func, select, update

from core.errors import GreenmfgError, LimitReached, Refused
from core.extensions import db
from core import clock
from core.kernel.names import unit_type_name
from core.kernel.rules import region_rules, rule_of, rules_of_round
from core.models import (
    Application, Ban, EvaluatorEngagement, EvaluatorFirm, EvaluatorSanction, FirmAffiliate, LimitCounter,
)
from core.plugins.citations import readable_cite
from core.plugins.types import EvaluatorCap, Level, Quota
from core.services import audit


def _ensure_counter(key: str, start: int = 0) -> None:
    if db.session.get_bind().dialect.name == "postgresql":  # each database's dialect only (0.7 MB a worker)
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(LimitCounter).values(key=key, used=start)
                       .on_conflict_do_nothing(index_elements=["key"]))


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

#: what a cap counts per, in the user's language
BASIS_LABELS = {"legal_representative": _l("legal representative"), "legal_entity": _l("legal entity")}
#: list levels in the user's language (a cap names the levels it counts together)
LEVEL_LABELS = {"city": _l("city"), "provincial": _l("provincial"), "national": _l("national")}


def cap_who(firm: EvaluatorFirm, cap: EvaluatorCap) -> str:
    """The person or entity a cap counts per: the firm's legal representative, or its credit code."""
    return firm.legal_representative if cap.basis == "legal_representative" else firm.uscc


def cap_key(firm: EvaluatorFirm, cap: EvaluatorCap, year: int) -> str:
    """One counter per person or entity, per group of levels counted together, per year."""
    levels = "+".join(sorted(level.value for level in cap.levels))
    return f"cap:{cap.basis}:{cap_who(firm, cap)}:{levels}:{year}"


class _LevelsLabel:
    """The levels a cap counts together (``city + provincial + national``), read in the language of the moment
    it is shown (an error message renders it once per language)."""

    ORDER = {"city": 0, "provincial": 1, "national": 2}

    def __init__(self, cap: EvaluatorCap):
        self.levels = sorted((str(x) for x in cap.levels), key=lambda x: self.ORDER.get(x, 9))

    def __str__(self) -> str:
        return " + ".join(str(LEVEL_LABELS.get(x, x)) for x in self.levels)


def _shown(text: Any) -> str:
    """``text`` in the request's language; outside a request (CLI, jobs) in Chinese."""
    if has_request_context():
        return str(text)
    with force_locale("zh"):
        return str(text)


def levels_label(cap: EvaluatorCap) -> str:
    """The levels a cap counts together, in the user's language (``city + provincial + national``)."""
    return _shown(_LevelsLabel(cap))


def _counted_before(firm: EvaluatorFirm, cap: EvaluatorCap, year: int) -> int:
    """Engagements already recorded that ``cap`` counts (for a counter that does not exist yet: a cap a
    plugin added or widened after engagements were accepted starts from what was already done)."""
    firms = select(EvaluatorFirm.id).where(
        (EvaluatorFirm.legal_representative if cap.basis == "legal_representative" else EvaluatorFirm.uscc)
        == cap_who(firm, cap))
    return db.session.scalar(select(func.count(EvaluatorEngagement.id)).where(
        EvaluatorEngagement.firm_id.in_(firms), EvaluatorEngagement.year == year,
        EvaluatorEngagement.level.in_([str(x) for x in cap.levels]),
        EvaluatorEngagement.unit_type.in_(list(cap.unit_types)))) or 0


def reserve_cap(firm: EvaluatorFirm, cap: EvaluatorCap, year: int) -> tuple[str, bool]:
    """Take one place of ``firm`` under ``cap`` in ``year``: ``(key, taken)``. Atomic (:func:`reserve`)."""
    key = cap_key(firm, cap, year)
    if db.session.scalar(select(LimitCounter.key).where(LimitCounter.key == key)) is None:
        _ensure_counter(key, _counted_before(firm, cap, year))
    return key, reserve(key, cap.limit)


def cap_rows(firm: EvaluatorFirm, caps: list[EvaluatorCap], year: int) -> list[dict[str, Any]]:
    """Each cap's use by ``firm`` in ``year``: limit, used, places left, what it counts, its rule."""
    out = []
    for cap in caps:
        key = cap_key(firm, cap, year)
        taken = used(key) if db.session.scalar(select(LimitCounter.key).where(LimitCounter.key == key)) \
            else _counted_before(firm, cap, year)
        out.append({"key": key, "limit": cap.limit, "used": taken, "left": max(cap.limit - taken, 0),
                    "basis": str(cap.basis), "basis_label": _shown(BASIS_LABELS.get(str(cap.basis), cap.basis)),
                    "who": cap_who(firm, cap), "levels": [str(lv) for lv in cap.levels],
                    "levels_label": levels_label(cap), "unit_types": list(cap.unit_types),
                    "code": getattr(cap, "code", None), "source": cap.source, "cite": cap.cite,
                    "rule": readable_cite(cap.cite)})
    return out


def places_left(firm: EvaluatorFirm, unit_type: str, level: str, year: int,
                campaign: Any = None) -> tuple[int | None, list[dict[str, Any]]]:
    """How many more projects like this one ``firm`` may take in ``year`` (``None``: no cap), and each cap: those of
    ``campaign``'s round (its notice may set the level's cap), as :func:`accept_engagement` applies them."""
    rows = cap_rows(firm, rules_of_round(campaign).evaluator_caps(unit_type, Level(level)), year)
    return (min(r["left"] for r in rows) if rows else None), rows


def firm_problems(firm: EvaluatorFirm, application: Application, today: dt.date,
                  self_evaluation_by: str | None = None,
                  declarations: Mapping[str, Any] | None = None) -> list[GreenmfgError]:
    """Why ``firm`` may not evaluate ``application`` (empty: it may), first the gravest.

    A sanctioned or banned firm (with the end date); the firm itself, an affiliate (a registered
    affiliate, or the same legal representative) or a unit whose self-evaluation the firm wrote
    (``self_evaluation_by`` is the USCC of whoever wrote it; the firm may also declare it); and a
    firm failing the region's evaluator requirements (``rules.evaluator_requirements``).
    """
    problems: list[GreenmfgError] = []
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
            problems.append(Refused(
                "%(firm)s is sanctioned (%(reason)s); its reports are not accepted until %(until)s.",
                firm=firm.name, reason=hit.reason, until=hit.ends_on.isoformat(),
            ))
    org = application.organization
    if firm.uscc == org.uscc:
        problems.append(Refused("An evaluator firm cannot evaluate itself."))
    declared = dict(declarations or {})
    affiliate = db.session.scalar(select(FirmAffiliate).where(FirmAffiliate.firm_id == firm.id,
                                                              FirmAffiliate.uscc == org.uscc))
    same_person = bool(firm.legal_representative and org.legal_representative
                       and firm.legal_representative.strip() == org.legal_representative.strip())
    if affiliate is not None or same_person or declared.get("interested_party") is True:
        relation = affiliate.relation if affiliate is not None else (
            firm.legal_representative if same_person else "interested party")
        problems.append(Refused("%(firm)s is affiliated with %(unit)s (%(relation)s) and cannot evaluate it.",
                                firm=firm.name, unit=org.name, relation=relation))
    if declared.get("wrote_self_evaluation") is True or (self_evaluation_by or "") == firm.uscc:
        problems.append(Refused("%(firm)s wrote the self-evaluation of %(unit)s and cannot evaluate it.",
                                firm=firm.name, unit=org.name))
    requirements = [r for r in region_rules().evaluator_requirements.values()
                    if r.check is not None and r.applies(application.unit_type)]
    if requirements:
        data = {**(firm.qualifications or {}), "wrote_self_evaluation": False, "interested_party": False,
                "unit_type": application.unit_type, "year": application.campaign.year}
        failed = [msg for msg in (r.check(data) for r in requirements) if msg]
        if failed:
            problems.append(Refused(
                "%(firm)s does not meet the region's requirements for evaluator firms: %(problems)s.",
                firm=firm.name, problems="; ".join(failed)))
    return problems


def check_firm_allowed(firm: EvaluatorFirm, application: Application, today: dt.date,
                       self_evaluation_by: str | None = None,
                       declarations: Mapping[str, Any] | None = None) -> None:
    """Refuse a firm that may not evaluate ``application`` (:func:`firm_problems`, the first reason)."""
    problems = firm_problems(firm, application, today, self_evaluation_by, declarations)
    if problems:
        raise problems[0]


def accept_engagement(firm: EvaluatorFirm, application: Application, actor: str,
                      today: dt.date | None = None, *, self_evaluation_by: str | None = None,
                      declarations: Mapping[str, Any] | None = None) -> EvaluatorEngagement:
    """Record that ``firm`` evaluates ``application``, within every annual cap that counts it.

    The caps come from the region plugins (``rules.evaluator_caps``: the level's cap and the caps that
    count several levels together, e.g. Hubei's 15 per legal entity beside national's 15 national projects
    per legal representative); each has its own counter and all are taken here, in key order (no two
    transactions wait on each other), in the caller's transaction: one full cap refuses the engagement and
    the caller's rollback gives back the others. See :func:`firm_problems` for the other refusals. The
    caller commits.
    """
    today = today or clock.today()
    check_firm_allowed(firm, application, today, self_evaluation_by, declarations)
    year, level = application.campaign.year, Level(application.level)
    rules = rules_of_round(application.campaign)  # the round's notice may set the cap of its level
    caps = sorted(rules.evaluator_caps(application.unit_type, level), key=lambda c: cap_key(firm, c, year))
    keys = []
    for cap in caps:
        key, taken = reserve_cap(firm, cap, year)
        if not taken:
            for held in keys:  # the places already taken go back at once (also for a caller that does not roll back)
                release(held)
            raise LimitReached(
                "%(firm)s has reached its cap of %(limit)d evaluation projects a year (%(levels)s counted together) "
                "per %(basis)s (%(who)s) in %(year)d; rule: %(rule)s.",
                firm=firm.name, limit=cap.limit, levels=_LevelsLabel(cap),
                basis=BASIS_LABELS.get(str(cap.basis), str(cap.basis)), who=cap_who(firm, cap), year=year,
                rule=readable_cite(cap.cite) or cap.source,
            )
        keys.append(key)
    main = keys[0] if keys else cap_key(firm, rules.evaluator_cap(application.unit_type, level), year)
    engagement = EvaluatorEngagement(firm_id=firm.id, application_id=application.id, year=year, level=level.value,
                                     unit_type=application.unit_type, cap_key=main[:200], cap_keys=keys)
    application.evaluator_firm_id = firm.id
    db.session.add(engagement)
    db.session.flush()
    first = caps[0] if caps else rules.evaluator_cap(application.unit_type, level)
    audit.record(actor, "evaluator.engagement_accepted", "application", application.id, firm=firm.uscc,
                 cap_key=main, cap_limit=first.limit, cap_source=first.source, counted=bool(keys),
                 used=used(main) if keys else None,
                 caps=[{"key": k, "limit": c.limit, "used": used(k), "source": c.source,
                        "code": getattr(c, "code", None)} for k, c in zip(keys, caps)])
    return engagement


# ------------------------------------------------------------------ quotas --


def quota_key(admin_unit_code: str, unit_type: str, quota: Quota, year: int) -> str:
    period = quota.period or (year, year)
    return f"quota:{admin_unit_code}:{unit_type}:{period[0]}-{period[1]}"


def reserve_quota(application: Application, actor: str) -> Quota:
    """Take a place in the city's quota for ``application`` (city recommendation). The caller commits."""
    unit = application.admin_unit
    year = application.campaign.year
    # the round's quota: its notice's where the notice sets one (issue 43)
    quota = rules_of_round(application.campaign).quota(unit.code, application.unit_type, year)
    if not quota.unlimited:
        key = quota_key(unit.code, application.unit_type, quota, year)
        # a target (binding=False) is counted for progress but never refuses
        if not reserve(key, quota.limit if quota.binding else 2**31 - 1):
            raise LimitReached(
                "The quota of %(unit)s for %(type)s is full: %(limit)d for %(start)d-%(end)d "
                "(rule from %(source)s: %(cite)s).",
                unit=unit.name, type=LazyString(unit_type_name, application.unit_type), limit=quota.limit,
                start=(quota.period or (year, year))[0], end=(quota.period or (year, year))[1],
                **rule_of(quota),
            )
        audit.record(actor, "quota.reserved", "application", application.id, key=key, limit=quota.limit,
                     source=quota.source)
    return quota
