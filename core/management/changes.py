"""Changes of name, scope, address or boundary (004_7a8ddd82f611ab67.txt 第二十三条).

A listed unit reports the change to its city bureau; the city reviews it. If the unit still
meets the standard the change is accepted (a new name or address is written to the
organization; the credit code stays, so bans still apply); if not, it is proposed for removal
from the list. Changes touching a list above the city's are sent up with the next
recommendation (``send_up_year``).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from core.errors import InvalidInput, Refused
from core.extensions import db
from core.clock import today
from core.kernel.rules import region_rules
from core.management import removals
from core.management.common import level_rank, moment, optional_text, text
from core.models import ChangeReport, Organization
from core.plugins.types import Level
from core.services import audit

KINDS = ("name", "scope", "address", "boundary")
REPORTED, ACCEPTED, REMOVAL_PROPOSED = "reported", "accepted", "removal_proposed"
#: organization columns a change writes when accepted
APPLIED = {"name": 200, "address": 300}


def report(organization: Organization, kinds: Iterable[str], after: Mapping[str, Any], description: str,
           actor: str, *, effective_on: dt.date | None = None, on: dt.date | None = None) -> ChangeReport:
    """A listed unit reports a change (``after`` holds the new value of each kind)."""
    kinds = sorted(set(kinds or ()), key=KINDS.index) if set(kinds or ()) <= set(KINDS) else None
    if not kinds:
        raise InvalidInput("Choose what changed: %(values)s.", field="kinds", values=", ".join(KINDS))
    held = removals.held_levels(organization.id, None)
    if not held:
        raise Refused("%(name)s is not on any list; only listed units report changes here.",
                      name=organization.name)
    new: dict[str, str] = {}
    for kind in kinds:
        limit = APPLIED.get(kind, 1000)
        new[kind] = text((after or {}).get(kind), f"after.{kind}", 2, limit)
    before = {kind: getattr(organization, kind) for kind in kinds if kind in APPLIED}
    higher = [lv for lv in held if level_rank(lv) > level_rank(str(Level.CITY))]
    change = ChangeReport(organization_id=organization.id, admin_unit_id=organization.admin_unit_id, kinds=kinds,
                          before=before, after=new, description=text(description, "description", 2, 4000),
                          effective_on=effective_on, status=REPORTED, reported_by=actor, higher_levels=higher)
    db.session.add(change)
    db.session.flush()
    audit.record(actor, "change.reported", "change_report", change.id, organization=organization.uscc,
                 kinds=kinds, before=before, after=new, reported_on=(on or today()).isoformat())
    return change


def next_recommendation_year(on: dt.date) -> int:
    """The year of the next recommendation round: this year while a city or province deadline is
    still ahead, else next year."""
    ahead = [day for day, d in region_rules().deadlines_for(on.year) if d.actor in ("city", "province") and day >= on]
    return on.year if ahead else on.year + 1


def review(change: ChangeReport, still_compliant: bool, note: str, actor: str, *, on: dt.date | None = None,
           sanction_code: str | None = None, levels=None) -> ChangeReport:
    """The city reviews a change: accepted (applied), or the unit no longer qualifies (removal proposal)."""
    if change.status != REPORTED:
        raise Refused("This is not possible while the change report is %(status)s.", status=change.status)
    note = text(note, "note", 2, 500)
    on = on or today()
    org = db.session.get(Organization, change.organization_id)
    change.reviewed_by, change.reviewed_at, change.review_note = actor, moment(on), note
    if still_compliant:
        applied = {}
        for kind, value in (change.after or {}).items():
            if kind in APPLIED and getattr(org, kind) != value:
                applied[kind] = [getattr(org, kind), value]
                setattr(org, kind, value)
        change.status = ACCEPTED
        change.send_up_year = next_recommendation_year(on) if change.higher_levels else None
        if applied:
            audit.record(actor, "organization.changed", "organization", org.id, uscc=org.uscc, diff=applied,
                         change_report=change.id)
    else:
        if not sanction_code:
            raise InvalidInput("Choose the removal reason (sanction).", field="sanction")
        removal = removals.propose(org, sanction_code, f"{note}（变更报告第{change.id}号） / {note} (change report "
                                   f"no. {change.id})", actor,
                                   levels=levels, source="change", source_ref=str(change.id), on=on,
                                   evidence_note=optional_text(change.description, "description", 4000))
        change.removal_id, change.status = removal.id, REMOVAL_PROPOSED
    audit.record(actor, "change.reviewed", "change_report", change.id, still_compliant=still_compliant, note=note,
                 send_up_year=change.send_up_year, removal=change.removal_id)
    return change


def to_send_up(year: int, admin_unit_id: int | None = None) -> list[ChangeReport]:
    """Accepted changes touching a higher list, to be sent up with ``year``'s recommendation."""
    query = select(ChangeReport).where(ChangeReport.status == ACCEPTED, ChangeReport.send_up_year == year)
    if admin_unit_id is not None:
        query = query.where(ChangeReport.admin_unit_id == admin_unit_id)
    return list(db.session.scalars(query.order_by(ChangeReport.id)))
