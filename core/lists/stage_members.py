"""Putting a unit into the stage before a list, taking it out, and the time it has to complete its creation
(issue 53).

The stage's publisher (:attr:`~core.plugins.types.CultivationStage.publisher`) fills it: Shanxi's province lists
a unit as a 培育对象 (004 第七条: 省工业和信息化厅将具备培育条件且有提升潜力的企业、工业园区列为培育对象), a Hubei
city bureau puts one of its units into its 培育库 (002 三(一): 各市州…建立本地区绿色制造体系创建培育库). The same
functions serve the page, the JSON API and ``greenmfg lists stage-add`` / ``stage-withdraw``. Every change is
audited. The unit's row is locked while it is checked, so two staff cannot put it in twice.

The time to complete creation (:func:`completion`) is the document's where it gives one
(``complete_within_years``), else the date the decision that put the unit in set (Hunan 000 二.4:
于规定时间内完成创建工作 names no time: the province enters it, shown as the decision's). Callers commit.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import LazyString
from sqlalchemy import select, update

from core.clock import add_years
from core.errors import InvalidInput, NotFound, Refused
from core.extensions import db
from core.kernel.names import level_name
from core.kernel.rules import region_rules
from core.lists.cultivation import in_stage, recognition_of, stage_of
from core.lists.notices import beijing_today, listing_block
from core.models import AdminUnit, ListEntry, Organization
from core.models.lists import STAGE, STAGE_WITHDRAWN
from core.plugins.types import CultivationStage, Level
from core.services import audit


@dataclass(frozen=True)
class Completion:
    """When a unit in the stage is to have completed its creation: ``day`` (``None``: not set), ``by``
    ``document`` (the stage's document gives the time: ``cite``) or ``decision`` (the decision that put the unit
    in set it: ``document_no``, possibly empty), ``overdue`` (the day has passed and the unit is still in the
    stage), ``needed`` (the document sets a time but names none, and no date was entered)."""
    day: dt.date | None
    by: str | None
    cite: str = ""
    document_no: str = ""
    overdue: bool = False
    needed: bool = False


def completion(entry: ListEntry, stage: CultivationStage | None, *, today: dt.date | None = None,
               recognized: bool = False) -> Completion:
    """The day ``entry`` (a stage entry) completes its creation by, and whether it is overdue on ``today``."""
    today = today or beijing_today()
    if stage is not None and stage.complete_within_years and entry.listed_on:
        day, by, cite = add_years(entry.listed_on, stage.complete_within_years), "document", stage.cite
    elif entry.complete_by is not None:
        day, by, cite = entry.complete_by, "decision", ""
    else:
        return Completion(None, None, needed=bool(stage and stage.completion_set_by_decision))
    waiting = entry.status == STAGE and not recognized
    return Completion(day, by, cite, entry.notice_no or "", overdue=waiting and day < today)


def _stage(level: Any, year: Any) -> tuple[str, int, CultivationStage]:
    rules = region_rules()
    if level not in rules.list_levels:
        raise InvalidInput("Unknown list level: %(level)s.", field="level", level=str(level)[:20])
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise InvalidInput("Give the year.", field="year") from None
    stage = stage_of(level, year)
    if stage is None:
        raise Refused("The region's documents name no stage before the %(level)s list of %(year)d.",
                      level=LazyString(level_name, str(Level(level))), year=year)
    return level, year, stage


def check_publisher(stage: CultivationStage, admin_unit_id: int | None) -> None:
    """The stage is filled by its publisher: each city bureau its own city's (Hubei), or the province (Shanxi)."""
    if stage.publisher == "city" and admin_unit_id is None:
        raise Refused("The %(stage)s is filled by each city bureau, for its own city.", stage=stage.name)
    if stage.publisher != "city" and admin_unit_id is not None:
        raise Refused("The %(stage)s is filled by the province, not by a city.", stage=stage.name)


def _organization(uscc: Any, organization_id: Any, admin_unit_id: int | None) -> Organization:
    """The unit named by its credit code or id, of this region (of the city, for a city's stage), locked."""
    query = (select(Organization).join(AdminUnit, AdminUnit.id == Organization.admin_unit_id)
             .where(AdminUnit.region == region_rules().region_code))
    code = (uscc or "").strip().upper() if isinstance(uscc, str) else ""
    if code:
        query = query.where(Organization.uscc == code)
    elif organization_id:
        try:
            query = query.where(Organization.id == int(organization_id))
        except (TypeError, ValueError):
            raise InvalidInput("Give the unit's unified social credit code.", field="uscc") from None
    else:
        raise InvalidInput("Give the unit's unified social credit code.", field="uscc")
    org = db.session.scalars(query.order_by(Organization.id).limit(1).with_for_update(of=Organization)).first()
    if org is None:
        raise NotFound("No unit of this region has that unified social credit code.")
    if admin_unit_id is not None and org.admin_unit_id != admin_unit_id:
        raise Refused("%(name)s is not a unit of your city.", name=org.name)
    return org


def add_to_stage(actor: str, *, level: Any, year: Any, unit_type: Any, uscc: Any = None, organization_id: Any = None,
                 placed_on: dt.date | None = None, document_no: str | None = None,
                 complete_by: dt.date | None = None, admin_unit_id: int | None = None,
                 at: dt.datetime | None = None) -> ListEntry:
    """Put one unit into the stage before the ``level`` list of ``year`` (a stage entry), by the stage's publisher.

    :raises Refused: the region has no stage for that level and year; the wrong publisher; the unit is banned,
        already on that list or already in the stage.
    :raises InvalidInput: a date in the future, a deadline before the day it is put in, a deadline the document
        sets itself, or none where the document leaves it to the decision (Hunan 000 二.4).
    """
    rules = region_rules()
    level, year, stage = _stage(level, year)
    check_publisher(stage, admin_unit_id)
    if unit_type not in rules.unit_types:
        raise InvalidInput("Choose the unit type.", field="unit_type")
    today = beijing_today(at)
    placed_on = placed_on or today
    if not isinstance(placed_on, dt.date) or placed_on > today:
        raise InvalidInput("The decision's date cannot lie in the future.", field="placed_on")
    document_no = (document_no or "").strip()
    if len(document_no) > 100:
        raise InvalidInput("%(name)s must have %(low)d to %(high)d characters.", field="document_no",
                           name="document_no", low=2, high=100)
    if complete_by is not None and stage.complete_within_years:
        raise InvalidInput("The document gives the time to complete creation (%(years)d years): no date is entered.",
                           field="complete_by", years=stage.complete_within_years)
    if complete_by is None and stage.completion_set_by_decision:
        raise InvalidInput("The document has the units complete their creation within the time the decision sets "
                           "(%(cite)s): enter that date.", field="complete_by", cite=stage.cite)
    if complete_by is not None and complete_by <= placed_on:
        raise InvalidInput("The date to complete creation must lie after the day the unit is put in.",
                           field="complete_by")
    org = _organization(uscc, organization_id, admin_unit_id)
    block = listing_block(org, unit_type, level, placed_on)
    if block == "banned":
        raise Refused("%(name)s is banned from applying: it cannot be put into the %(stage)s.", name=org.name,
                      stage=stage.name)
    if block == "already_listed":
        raise Refused("%(name)s is already on the %(level)s list: it does not go into the %(stage)s.",
                      name=org.name, stage=stage.name, level=LazyString(level_name, level))
    if in_stage(org.id, unit_type, level) is not None:
        raise Refused("%(name)s is already in the %(stage)s.", name=org.name, stage=stage.name)
    entry = ListEntry(organization_id=org.id, unit_type=unit_type, level=level, year=year, status=STAGE,
                      listed_on=placed_on, notice_no=document_no or None, source="stage", complete_by=complete_by)
    db.session.add(entry)
    db.session.flush()
    audit.record(actor, "list.stage_entry_created", "list_entry", entry.id, organization=org.id, uscc=org.uscc,
                 unit_type=unit_type, level=level, year=year, stage=stage.name, notice_no=document_no or None,
                 listed_on=placed_on.isoformat(), complete_by=complete_by.isoformat() if complete_by else None,
                 admin_unit=admin_unit_id, rule_source=stage.source, rule_cite=stage.cite)
    return entry


def stage_entry(entry_id: Any, admin_unit_id: int | None = None) -> ListEntry:
    """A stage entry of this region still in the stage (of the city, for a city's stage)."""
    try:
        ident = int(entry_id)
    except (TypeError, ValueError):
        raise NotFound("No such unit in the stage.") from None
    entry = db.session.scalars(select(ListEntry).join(Organization, Organization.id == ListEntry.organization_id)
                               .join(AdminUnit, AdminUnit.id == Organization.admin_unit_id)
                               .where(ListEntry.id == ident, ListEntry.status == STAGE,
                                      AdminUnit.region == region_rules().region_code)).first()
    if entry is None or (admin_unit_id is not None and entry.organization.admin_unit_id != admin_unit_id):
        raise NotFound("No such unit in the stage.")
    return entry


def withdraw(actor: str, *, entry_id: Any, reason: str, admin_unit_id: int | None = None,
             at: dt.datetime | None = None) -> ListEntry:
    """Take a unit out of the stage (its publisher: the province, or the unit's city bureau), with the reason;
    the entry stays as the record, marked withdrawn. A unit already recognized onto the list cannot be withdrawn.

    The status moves by compare-and-set: of two withdrawals at once, one is refused."""
    entry = stage_entry(entry_id, admin_unit_id)
    stage = stage_of(entry.level, entry.year)
    if stage is not None:
        check_publisher(stage, admin_unit_id)
    reason = (reason or "").strip()
    if not 2 <= len(reason) <= 500:
        raise InvalidInput("%(name)s must have %(low)d to %(high)d characters.", field="reason", name="reason",
                           low=2, high=500)
    if recognition_of(entry) is not None:
        raise Refused("%(name)s was recognized onto the list: it is no longer in the stage.",
                      name=entry.organization.name)
    day = beijing_today(at)
    done = db.session.execute(update(ListEntry).where(ListEntry.id == entry.id, ListEntry.status == STAGE)
                              .values(status=STAGE_WITHDRAWN, removed_on=day, removal_reason=reason)
                              .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Refused("This unit was taken out of the stage meanwhile.")
    db.session.refresh(entry)
    audit.record(actor, "list.stage_entry_withdrawn", "list_entry", entry.id, organization=entry.organization_id,
                 level=entry.level, year=entry.year, stage=stage.name if stage else None, reason=reason,
                 removed_on=day.isoformat(), admin_unit=admin_unit_id)
    return entry


def set_completion(actor: str, *, entry_id: Any, complete_by: dt.date | None,
                   admin_unit_id: int | None = None) -> ListEntry:
    """Enter the day a unit in the stage completes its creation by, as its decision set it (a unit the round's
    decision put into Hunan's 创建计划, 000 二.4, before the date was entered). Not where the document gives the
    time itself."""
    entry = stage_entry(entry_id, admin_unit_id)
    stage = stage_of(entry.level, entry.year)
    if stage is not None:
        check_publisher(stage, admin_unit_id)
        if stage.complete_within_years:
            raise InvalidInput("The document gives the time to complete creation (%(years)d years): no date is "
                               "entered.", field="complete_by", years=stage.complete_within_years)
    if not isinstance(complete_by, dt.date):
        raise InvalidInput("Give the date to complete creation.", field="complete_by")
    if entry.listed_on and complete_by <= entry.listed_on:
        raise InvalidInput("The date to complete creation must lie after the day the unit is put in.",
                           field="complete_by")
    before = entry.complete_by
    entry.complete_by = complete_by
    db.session.flush()
    audit.record(actor, "list.stage_completion_set", "list_entry", entry.id, organization=entry.organization_id,
                 complete_by=complete_by.isoformat(), before=before.isoformat() if before else None,
                 notice_no=entry.notice_no, admin_unit=admin_unit_id)
    return entry
