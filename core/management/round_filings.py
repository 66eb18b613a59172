"""Filings a round's document asks of units already listed (issue 15).

Hunan 2025 (001_3f04a56fc6693327.txt 一.2 现有国家级绿色工厂、绿色园区均须完成填报; 三 10月27日前完成申报填报;
附件1 二 (二) 对照新的评价要求开展自评价对标): the existing national units file a self-evaluation in
the round itself, by the round's date, separate from the yearly dynamic-management table
(:mod:`core.management.filings`, 04-15).

A round's filing is a region ``Deadline`` with ``actor="listed_unit"`` and a date for that round
(``rounds``), copied into the campaign's deadlines when it opens; it is owed by the units listed
before the round's year at the deadline's levels and unit types. The unit saves and submits
until 24:00 Beijing time of the date (the campaign's copy; :func:`core.services.deadlines.check_step_open`);
it is locked once submitted. :func:`unfiled_round_units` is the fact a region's eligibility rule
reads as ``city_unfiled_round_units`` (Hunan 2025 四.1: such a city cannot recommend new units).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from core.errors import InvalidInput, Refused
from core.extensions import db
from core.clock import now
from core.kernel.rules import region_rules
from core.management import filings
from core.models import Campaign, Organization, RoundFiling
from core.services import audit
from core.services.deadlines import check_step_open, step_deadlines

DUE, SUBMITTED = "due", "submitted"
ACTOR = "listed_unit"


def steps(campaign: Campaign) -> list:
    """The campaign's filings owed by listed units (:class:`~core.services.deadlines.StepDeadline`)."""
    return step_deadlines(campaign, ACTOR)


def owing(campaign: Campaign, admin_unit_id: int | None = None) -> dict[tuple[int, str], tuple[str, list[str]]]:
    """{(organization id, unit type): (step code, levels held)} of the units that owe a filing in the round."""
    out: dict[tuple[int, str], tuple[str, list[str]]] = {}
    for step in steps(campaign):
        record = region_rules().deadlines[step.code]
        for (org, unit_type), levels in filings.listed_units(campaign.year, admin_unit_id).items():
            if not any(record.applies(unit_type, level) for level in levels):
                continue
            out.setdefault((org, unit_type), (step.code, levels))
    return out


def open_round(campaign: Campaign, actor: str) -> int:
    """Open the round's filing for every unit that owes one and has none yet (idempotent). Returns how many."""
    have = set(db.session.execute(select(RoundFiling.organization_id, RoundFiling.unit_type)
                                  .where(RoundFiling.campaign_id == campaign.id)).all())
    missing = {key: value for key, value in owing(campaign).items() if key not in have}
    if not missing:
        return 0
    orgs = {o.id: o for o in db.session.scalars(select(Organization).where(
        Organization.id.in_({org for org, _ in missing})))}
    for (org_id, unit_type), (step, levels) in sorted(missing.items()):
        db.session.add(RoundFiling(campaign_id=campaign.id, organization_id=org_id, unit_type=unit_type, step=step,
                                   admin_unit_id=orgs[org_id].admin_unit_id, levels=levels, status=DUE,
                                   industry=orgs[org_id].industry, values={}))
    db.session.flush()
    audit.record(actor, "round_filings.opened", "campaign", campaign.id, created=len(missing),
                 steps=sorted({step for step, _ in missing.values()}))
    return len(missing)


def check_open(filing: RoundFiling, at: dt.datetime | None = None) -> None:
    """Refuse changes after submission, and after the round's date (24:00 Beijing time)."""
    if filing.status != DUE:
        raise Refused("This filing was submitted or closed and can no longer be changed.")
    check_step_open(filing.campaign, ACTOR, unit_type=filing.unit_type, at=at)


def save(filing: RoundFiling, changes: Mapping[str, Any], actor: str, at: dt.datetime | None = None) -> dict:
    """The unit saves its self-evaluation: ``values`` {indicator number: value}, ``industry``.
    Returns the field-level diff (audited)."""
    check_open(filing, at)
    unknown = set(changes) - {"values", "industry"}
    if unknown:
        raise InvalidInput("Unknown fields: %(fields)s.", field=min(unknown), fields=", ".join(sorted(unknown)))
    before = {"values": dict(filing.values or {}), "key_data": {}, "industry": filing.industry}
    industry = filings.industry_change(changes, filing.industry)
    values = filings.values_change(changes, filing)
    if values and filings.indicator_set(filing) is None:
        raise InvalidInput("This unit type has no indicator table in this round.", field="values")
    result = filings.live_score(filing, values, industry) if values else None
    filing.values, filing.industry = values, industry
    filing.score = None if result is None else result["total"]
    diff = filings._diff(before, {"values": dict(values), "key_data": {}, "industry": industry})
    if diff:
        audit.record(actor, "round_filing.saved", "round_filing", filing.id, diff=diff,
                     score=None if filing.score is None else float(filing.score))
    return diff


def submit(filing: RoundFiling, actor: str, at: dt.datetime | None = None) -> None:
    """Submit the round's filing by its date; it is locked afterwards (001 四.2)."""
    at = at or now()
    check_open(filing, at)
    missing = filings.missing_indicators(filing)
    if missing:
        raise InvalidInput("Please complete these fields before submitting: %(fields)s.", field="values",
                           fields="; ".join(missing))
    filing.status, filing.submitted_at, filing.submitted_by = SUBMITTED, at, actor
    audit.record(actor, "round_filing.submitted", "round_filing", filing.id, campaign=filing.campaign_id,
                 step=filing.step, organization=filing.organization.uscc,
                 score=None if filing.score is None else float(filing.score))


def unfiled_round_units(admin_unit_id: int | None, campaign: Campaign) -> list[int]:
    """Organizations of a city that owe a filing in ``campaign``'s round and have not submitted it
    (empty when the round asks none). Region rules read it as ``city_unfiled_round_units``."""
    if admin_unit_id is None:
        return []
    owed = owing(campaign, admin_unit_id)
    if not owed:
        return []
    filed = set(db.session.execute(select(RoundFiling.organization_id, RoundFiling.unit_type).where(
        RoundFiling.campaign_id == campaign.id, RoundFiling.status == SUBMITTED)).all())
    return sorted({org for org, ut in set(owed) - filed})


def filing_json(f: RoundFiling) -> dict[str, Any]:
    step = next((s for s in steps(f.campaign) if s.code == f.step), None)
    return {"id": f.id, "campaign_id": f.campaign_id, "organization": {"id": f.organization_id,
                                                                       "name": f.organization.name,
                                                                       "uscc": f.organization.uscc},
            "unit_type": f.unit_type, "step": f.step, "levels": f.levels or [], "status": f.status,
            "due_on": None if step is None else step.day.isoformat(),
            # who sets the deadline (a plugin's region code, as the lists' API answers it) and where (the API answers
            # every citation as people cite it: core.api.cites)
            "deadline_source": None if step is None else step.source,
            "deadline_cite": None if step is None else step.cite,
            "industry": f.industry, "values": f.values or {}, "score": None if f.score is None else float(f.score),
            "submitted_at": None if f.submitted_at is None else f.submitted_at.isoformat(), "updated_at": f.updated_at}
