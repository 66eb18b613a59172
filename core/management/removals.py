"""Removals from the lists, each with its reason, evidence and approver.

* Reasons (004_7a8ddd82f611ab67.txt 第二十一条): any negative-list event, not filing the annual
  table on time, falsified data or materials; plus a unit whose score is in the bottom 5 % three
  years running (001_3f04a56fc6693327.txt 附件1 二(二)), a failed re-review, a change after which
  the unit no longer meets the standard (第二十三条), a verified complaint (第二十五条). The
  region's sanctions (``rules.sanctions``) name them; the removal keeps the sanction's title,
  source and citation.
* Flow: proposed (city, province, or a job) → approved by the province → published with the
  next list, when the list entries are marked removed. Rejected proposals keep their reason.
* A 重大 or worse safety or quality accident, or a level II (重大) or worse environmental
  incident, removes the unit from every level at once (第十九条–第二十一条): the removal is
  published the moment the province approves it.
* A sanction with ``ban_years`` (fraud: 3) bans the credit code from applying, from approval
  (:mod:`core.management.bans`).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from sqlalchemy import select

from core.errors import InvalidInput, Refused
from core.extensions import db
from core.clock import today
from core.kernel.rules import region_rules
from core.management import bans
from core.management.common import (
    moment,
    optional_text,
    sorted_levels,
    text,
)
from core.models import (
    AdminUnit,
    AnnualFiling,
    ListEntry,
    Organization,
    Removal,
    UnitScore,
)
from core.plugins.types import Level
from core.services import audit

PROPOSED, APPROVED, REJECTED, PUBLISHED = "proposed", "approved", "rejected", "published"
OPEN = (PROPOSED, APPROVED)
#: the national sanction for 重大 accidents and level II incidents: removal at every level at once
IMMEDIATE_SANCTION = "major_accident"
NOT_FILED = "not_filed"
BOTTOM_SHARE = "bottom_five_percent"
SOURCES = ("manual", "filing", "ranking", "complaint", "change", "rereview")


def sanction(code: str):
    record = region_rules().sanctions.get(code)
    if record is None:
        raise InvalidInput("Unknown sanction: %(code)s.", field="sanction", code=code)
    return record


def is_immediate(record) -> bool:
    return IMMEDIATE_SANCTION in (record.code, record.replaces)


def removal_sanctions() -> list:
    """The region's sanctions that take a unit off a list, for forms."""
    return [s for s in region_rules().sanctions.values() if s.removal]


def listed_entries(organization_id: int, unit_type: str | None, levels: Iterable[str]) -> list[ListEntry]:
    query = select(ListEntry).where(ListEntry.organization_id == organization_id, ListEntry.status == "listed",
                                    ListEntry.level.in_(list(levels)))
    if unit_type is not None:
        query = query.where(ListEntry.unit_type == unit_type)
    return list(db.session.scalars(query.order_by(ListEntry.id)))


def held_levels(organization_id: int, unit_type: str | None) -> list[str]:
    return sorted_levels(e.level for e in listed_entries(organization_id, unit_type, list(region_rules().list_levels)))


def open_removal(organization_id: int, code: str, unit_type: str | None) -> Removal | None:
    return db.session.scalars(select(Removal).where(
        Removal.organization_id == organization_id, Removal.sanction_code == code, Removal.status.in_(OPEN),
        (Removal.unit_type == unit_type) if unit_type is not None else Removal.unit_type.is_(None))).first()


def propose(organization: Organization, sanction_code: str, reason: str, actor: str, *,
            levels: Iterable[str] | None = None, unit_type: str | None = None, evidence_note: str = "",
            year: int | None = None, source: str = "manual", source_ref: str | None = None,
            on: dt.date | None = None) -> Removal:
    """Propose taking ``organization`` off its lists for ``sanction_code`` (approved by the province).

    A sanction that applies at every level (fraud, 重大 accidents) covers every level and unit
    type; otherwise ``levels`` default to every level the unit is listed at (as ``unit_type``).
    With ``source_ref`` the call is idempotent: an existing removal for it is returned.
    """
    if source_ref is not None:
        existing = db.session.scalar(select(Removal).where(Removal.source == source,
                                                           Removal.source_ref == source_ref))
        if existing is not None:
            return existing
    record = sanction(sanction_code)
    if not record.removal:
        raise InvalidInput("The sanction %(code)s removes no unit from a list.", field="sanction",
                           code=sanction_code)
    reason = text(reason, "reason", maximum=2000)
    evidence_note = optional_text(evidence_note, "evidence_note", 4000)
    if unit_type is not None and unit_type not in region_rules().unit_types:
        raise InvalidInput("Unknown unit type: %(value)s.", field="unit_type", value=unit_type)
    if record.all_levels:
        unit_type, chosen = None, sorted_levels(region_rules().list_levels)
    else:
        held = held_levels(organization.id, unit_type)
        chosen = sorted_levels(levels) if levels else held
        unknown = [lv for lv in chosen if lv not in region_rules().list_levels]
        if unknown:
            raise InvalidInput("Unknown list level: %(level)s.", field="levels", level=", ".join(unknown))
    if not listed_entries(organization.id, unit_type, chosen):
        raise Refused("%(name)s is not on a list at these levels; there is nothing to remove.",
                      name=organization.name)
    duplicate = open_removal(organization.id, record.code, unit_type)
    if duplicate is not None and source == "manual":
        raise Refused("There is already an open removal of this unit for this reason (no. %(id)d).",
                      id=duplicate.id)
    stamp, on = moment(on), on or today()
    removal = Removal(
        organization_id=organization.id, uscc=organization.uscc, org_name=organization.name,
        admin_unit_id=organization.admin_unit_id, unit_type=unit_type, levels=chosen, sanction_code=record.code,
        sanction_title=record.title[:300], sanction_source=record.source, cite=(record.cite or "")[:500],
        immediate=is_immediate(record), ban_years=record.ban_years, year=year or on.year, reason=reason,
        evidence_note=evidence_note, status=PROPOSED, source=source, source_ref=source_ref, proposed_by=actor,
        proposed_at=stamp)
    db.session.add(removal)
    db.session.flush()
    audit.record(actor, "removal.proposed", "removal", removal.id, organization=organization.uscc,
                 sanction=record.code, sanction_source=record.source, levels=chosen, unit_type=unit_type,
                 immediate=removal.immediate, reason=reason, evidence=evidence_note, source=source,
                 source_ref=source_ref)
    return removal


def _require(removal: Removal, *allowed: str) -> None:
    if removal.status not in allowed:
        raise Refused("This is not possible while the removal is %(status)s.", status=removal.status)


def decide(removal: Removal, approve: bool, note: str, actor: str, on: dt.date | None = None,
           notice_no: str | None = None) -> Removal:
    """The province approves or rejects a proposal (with a note). An approved immediate removal
    takes effect at once; a sanction with a ban starts the ban on the day of approval."""
    _require(removal, PROPOSED)
    note = text(note, "note") if not approve else optional_text(note, "note", 500)
    stamp, on = moment(on), on or today()
    removal.decided_by, removal.decided_at, removal.decision_note = actor, stamp, note or None
    if not approve:
        removal.status = REJECTED
        audit.record(actor, "removal.rejected", "removal", removal.id, organization=removal.uscc, note=note)
        return removal
    removal.status = APPROVED
    if removal.ban_years:
        organization = db.session.get(Organization, removal.organization_id)
        ban = bans.ban_organization(organization, removal.sanction_code, removal.reason, actor, on,
                                    removal.evidence_note)
        removal.ban_id = ban.id
    audit.record(actor, "removal.approved", "removal", removal.id, organization=removal.uscc, note=note,
                 immediate=removal.immediate, ban=removal.ban_id)
    if removal.immediate:
        _publish(removal, on, actor, notice_no)
    return removal


def remove_immediately(organization: Organization, sanction_code: str, reason: str, evidence_note: str,
                       actor: str, on: dt.date | None = None, notice_no: str | None = None) -> Removal:
    """Province staff take a unit off every list at once after a 重大 accident or level II incident."""
    record = sanction(sanction_code)
    if not is_immediate(record):
        raise Refused("Only a major (重大) or worse accident or a level II environmental incident removes a unit "
                      "at once; other removals are proposed and published with the next list.")
    removal = propose(organization, sanction_code, reason, actor, evidence_note=evidence_note, on=on)
    return decide(removal, True, "", actor, on, notice_no)


def _publish(removal: Removal, on: dt.date, actor: str, notice_no: str | None) -> None:
    entries = listed_entries(removal.organization_id, removal.unit_type, removal.levels)
    why = f"{removal.sanction_title}：{removal.reason}"[:500]
    for entry in entries:
        entry.status, entry.removed_on, entry.removal_reason = "removed", on, why
    removal.status, removal.published_on, removal.published_by = PUBLISHED, on, actor
    removal.notice_no = (notice_no or "").strip()[:100] or None
    removal.entries = [e.id for e in entries]
    closed = _close_filings(removal)
    audit.record(actor, "removal.published", "removal", removal.id, organization=removal.uscc,
                 entries=removal.entries, levels=removal.levels, notice_no=removal.notice_no,
                 published_on=on.isoformat(), filings_closed=closed)


def _close_filings(removal: Removal) -> list[int]:
    """Open filings of a unit that is on no list of that type any more are closed (nothing to file)."""
    query = select(AnnualFiling).where(AnnualFiling.organization_id == removal.organization_id,
                                       AnnualFiling.status.in_(("due", "returned")))
    if removal.unit_type is not None:
        query = query.where(AnnualFiling.unit_type == removal.unit_type)
    closed = []
    for filing in db.session.scalars(query):
        if not listed_entries(filing.organization_id, filing.unit_type, list(region_rules().list_levels)):
            filing.status = "closed"
            closed.append(filing.id)
    return closed


def publish(actor: str, on: dt.date | None = None, notice_no: str | None = None,
            progress: Callable[[int], None] | None = None) -> list[Removal]:
    """Publish every approved removal with the list being published (the list entries become removed)."""
    on = on or today()
    approved = list(db.session.scalars(select(Removal).where(Removal.status == APPROVED).order_by(Removal.id)))
    for removal in approved:
        _publish(removal, on, actor, notice_no)
        if progress:
            progress(1)
    if approved:
        audit.record(actor, "removals.published", "removal", None, count=len(approved), notice_no=notice_no,
                     published_on=on.isoformat(), ids=[r.id for r in approved])
    return approved


def propose_bottom_share(year: int, actor: str, on: dt.date | None = None,
                         progress: Callable[[int], None] | None = None) -> list[Removal]:
    """A removal proposal for every existing national unit whose score was in the bottom share
    for the sanction's number of consecutive years up to ``year`` (seed 001: 连续三年后5%).

    Reads the flags :mod:`core.scoring` stores on :class:`UnitScore`; idempotent.
    """
    record = region_rules().sanctions.get(BOTTOM_SHARE)
    if record is None or not record.consecutive_years:
        return []
    query = (select(UnitScore, Organization).join(Organization, Organization.id == UnitScore.organization_id)
             .where(UnitScore.year == year, UnitScore.level == str(Level.NATIONAL),
                    UnitScore.removal_candidate.is_(True)).order_by(UnitScore.id))
    if region_rules().region.authority != "national":
        query = query.where(UnitScore.province == region_rules().region_code)
    made = []
    for score, organization in db.session.execute(query).all():
        ref = f"{organization.id}:{score.unit_type}:{year}"
        exists = db.session.scalar(select(Removal.id).where(Removal.source == "ranking", Removal.source_ref == ref))
        if exists is None and listed_entries(organization.id, score.unit_type, [str(Level.NATIONAL)]):
            first = year - score.bottom_streak + 1
            made.append(propose(
                organization, record.code,
                f"{first}–{year}年度得分连续{score.bottom_streak}年处于后{record.bottom_share:.0%}"
                f"（{year}年度全国排名第{score.rank_national}） / score in the bottom "
                f"{record.bottom_share:.0%} for {score.bottom_streak} consecutive years {first}-{year}",
                actor, levels=[str(Level.NATIONAL)], unit_type=score.unit_type, year=year, source="ranking",
                source_ref=ref, on=on))
        if progress:
            progress(1)
    return made


#: the removal form offers this many listed units at a time, by name; a search by name or credit code finds the
#: others (issue 57: the form offered up to 3,000 in one list, read by sorting every listed unit of the area)
PICK_PAGE = 20


def _pickable(user):
    """The organizations on a list (not removed) that ``user`` may propose to remove."""
    from core.management.access import scope

    on_a_list = select(ListEntry.id).where(ListEntry.organization_id == Organization.id,
                                           ListEntry.status == "listed").exists()
    return select(Organization.uscc, Organization.name).where(
        on_a_list, scope(user, Organization.admin_unit_id, Organization.id))


def pick_units(user, q: str = "", limit: int = PICK_PAGE) -> tuple[list[tuple[str, str]], bool]:
    """``(credit code, name)`` of the first ``limit`` units by name that ``user`` may propose to remove (issue 42:
    no one has to type a credit code), whose name contains ``q`` or whose credit code is ``q``; and whether more
    match. Read in name order through ``organization (admin_unit_id, name, uscc)`` (a city) or ``(name, uscc)``
    (the province), each organization checked for a listed entry by ``ix_list_entry_organization_id``, stopping
    after ``limit`` + 1 (issue 57)."""
    query = _pickable(user)
    q = (q or "").strip()
    if q:
        query = query.where(Organization.name.contains(q, autoescape=True) | (Organization.uscc == q.upper()))
    rows = db.session.execute(query.order_by(Organization.name, Organization.uscc).limit(limit + 1)).all()
    return [(code, name) for code, name in rows[:limit]], len(rows) > limit


def pickable_unit(user, code: str | None) -> tuple[str, str] | None:
    """``(credit code, name)`` of the unit with credit code ``code`` if ``user`` may propose to remove it (one
    look-up: a unit's page links to the form with it chosen, and the form posts it back)."""
    code = (code or "").strip().upper()
    if not code:
        return None
    row = db.session.execute(_pickable(user).where(Organization.uscc == code)).first()
    return (row.uscc, row.name) if row else None


def visible(query, user):
    from core.management.access import scope

    return query.where(scope(user, Removal.admin_unit_id, Removal.organization_id))


def city_name(removal: Removal) -> str:
    unit = db.session.get(AdminUnit, removal.admin_unit_id) if removal.admin_unit_id else None
    return unit.name if unit else "—"
