"""Periodic re-review where the region sets a cycle (Hubei 三年一复核, 002_9c75e1d2ebfbdf50.txt 三(六)).

The cycle is a provision of the region (topic ``review_cycle``, ``details["every_years"]``).
Every listed unit is due in each year that is a whole number of cycles after its first
listing; the city schedules the on-site review and records the result, reporting units that
no longer qualify (with the reason) to the province, which decides their removal.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import func, select

from core.errors import InvalidInput, Refused
from core.extensions import db
from core.clock import today
from core.kernel.rules import region_rules
from core.management import removals
from core.management.common import moment, sorted_levels, text
from core.models import ListEntry, Organization, ReReview
from core.services import audit

DUE, SCHEDULED, PASSED, FAILED = "due", "scheduled", "passed", "failed"
FALLBACK_SANCTION = "negative_list_event"


def cycle():
    """The region's re-review provision, or ``None`` when it sets no cycle."""
    for provision in region_rules().provisions.values():
        if provision.topic == "review_cycle" and int((provision.details or {}).get("every_years") or 0) > 0:
            return provision
    return None


def failure_sanction(provision) -> str:
    """The sanction a failed re-review is proposed under: the region's own one for the cycle if any."""
    sanctions = region_rules().sanctions
    for code in ((provision.details or {}).get("sanction"), provision.code.removesuffix("_cycle")):
        if code and code in sanctions and sanctions[code].removal:
            return code
    return FALLBACK_SANCTION


def open_cycle(year: int, actor: str, progress: Callable[[int], None] | None = None) -> int:
    """Open a re-review for every listed unit due in ``year`` (idempotent). Returns how many."""
    provision = cycle()
    if provision is None:
        return 0
    every = int(provision.details["every_years"])
    types = set(provision.details.get("unit_types") or ()) or set(region_rules().unit_types)
    rows = db.session.execute(
        select(ListEntry.organization_id, ListEntry.unit_type, func.min(ListEntry.year))
        .where(ListEntry.status == "listed", ListEntry.year < year)
        .group_by(ListEntry.organization_id, ListEntry.unit_type)).all()
    have = set(db.session.execute(select(ReReview.organization_id, ReReview.unit_type)
                                  .where(ReReview.cycle_year == year)).all())
    made = 0
    for org_id, unit_type, first in rows:
        if unit_type not in types or (year - first) % every or (org_id, unit_type) in have:
            continue
        org = db.session.get(Organization, org_id)
        levels = removals.held_levels(org_id, unit_type)
        db.session.add(ReReview(organization_id=org_id, unit_type=unit_type, admin_unit_id=org.admin_unit_id,
                                cycle_year=year, listed_year=first, levels=sorted_levels(levels),
                                basis=provision.code, status=DUE))
        made += 1
        if progress:
            progress(1)
    if made:
        db.session.flush()
        audit.record(actor, "rereviews.opened", "re_review", None, year=year, created=made, basis=provision.code,
                     every_years=every)
    return made


def schedule(review: ReReview, on_site: dt.date, actor: str, on: dt.date | None = None) -> None:
    """The city sets (or moves) the on-site review date."""
    if review.status not in (DUE, SCHEDULED):
        raise Refused("This is not possible while the re-review is %(status)s.", status=review.status)
    on = on or today()
    if on_site is None or on_site < on:
        raise InvalidInput("The on-site review date must not lie in the past.", field="scheduled_on")
    before = review.scheduled_on
    review.scheduled_on, review.status = on_site, SCHEDULED
    audit.record(actor, "rereview.scheduled", "re_review", review.id, before=before.isoformat() if before else None,
                 scheduled_on=on_site.isoformat())


def record_result(review: ReReview, passed: bool, note: str, actor: str, on: dt.date | None = None):
    """Record the on-site result; a unit that no longer qualifies is reported to the province
    as a removal proposal with the reason."""
    if review.status != SCHEDULED:
        raise Refused("This is not possible while the re-review is %(status)s.", status=review.status)
    note = text(note, "note", 2, 4000)
    on = on or today()
    review.result_note, review.reviewed_by, review.reviewed_at = note, actor, moment(on)
    if passed:
        review.status = PASSED
    else:
        review.status = FAILED
        provision = cycle()
        code = failure_sanction(provision) if provision is not None else FALLBACK_SANCTION
        org = db.session.get(Organization, review.organization_id)
        if removals.listed_entries(org.id, review.unit_type, list(region_rules().list_levels)):
            # the finding in each language's half of the reason (the first 900 characters: a reason holds 2,000),
            # all of it, as written, in the proposal's evidence
            finding = note if len(note) <= 900 else note[:899] + "…"
            removal = removals.propose(org, code, f"{review.cycle_year}年度复核不再符合要求：{finding} / the "
                                                  f"{review.cycle_year} re-review found the unit no longer qualifies: "
                                                  f"{finding}", actor, unit_type=review.unit_type, evidence_note=note,
                                       source="rereview", source_ref=str(review.id), on=on, year=review.cycle_year)
            review.removal_id = removal.id
    audit.record(actor, "rereview.recorded", "re_review", review.id, passed=passed, note=note,
                 removal=review.removal_id)
