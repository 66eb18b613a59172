"""The stage before a list (issue 43): a creation plan (创建计划 / 创建单位), a cultivation pool (培育库 / 培育对象).

Which regions have the stage, for which level and year, is the region's data: the ``stage`` of the level's
:class:`~core.plugins.types.Publication` (:meth:`RegionRules.publication`). A unit is put into the stage by a
published decision and shown publicly under the stage's own name; its :class:`~core.models.ListEntry` has the
status :data:`~core.models.lists.STAGE`, which no rule that reads listings counts (every such rule reads the
status ``listed``): the prerequisite of the next level, "already listed", the bars and quotas, the public lists.
A unit moves from the stage to the list by the province's 认定 (:func:`recognize`), a decision of its own that
lists it; its stage entry stays as the record of the published plan, marked recognized. Callers commit.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from collections.abc import Iterable
from typing import Any

from flask_babel import LazyString
from sqlalchemy import select

from core.errors import InvalidInput, NotFound, Refused
from core.extensions import db
from core.kernel.names import level_name
from core.kernel.rules import region_rules
from core.lists.notices import chosen_applications, decision_document, listing_block, open_objections, publishable
from core.models import (
    AdminUnit, Application, ApplicationStatus as S, ListDecision, ListEntry, NoticeItem, Organization, PublicNotice,
)
from core.models.lists import LISTED, STAGE
from core.plugins.types import CultivationStage, Level, PublicationProcedure
from core.services import audit


def stage_of(level: str, year: int) -> CultivationStage | None:
    """The region's stage before the ``level`` list of ``year``, or ``None`` where its documents name none."""
    try:
        how = region_rules().publication(Level(level), year)
    except ValueError:
        return None
    if how is None or how.stage is None:
        return None
    # the stage is part of the plugin's answer: it keeps the answering plugin as its source
    return how.stage if how.stage.source else replace(how.stage, source=how.source)


def round_publishes_stage(level: str, year: int) -> CultivationStage | None:
    """The stage the ``level`` round of ``year`` publishes instead of the list (Hunan 2024: a 创建计划)."""
    stage = stage_of(level, year)
    return stage if stage is not None and stage.round_publishes else None


def in_stage(org_id: int, unit_type: str, level: str) -> ListEntry | None:
    """The unit's stage entry before the ``level`` list that no 认定 has followed yet."""
    for entry in db.session.scalars(select(ListEntry).where(
            ListEntry.organization_id == org_id, ListEntry.unit_type == unit_type, ListEntry.level == level,
            ListEntry.status == STAGE).order_by(ListEntry.year.desc(), ListEntry.id.desc())):
        if recognition_of(entry) is None:
            return entry
    return None


def recognition_of(entry: ListEntry) -> ListEntry | None:
    """The listing that followed a stage entry (the province's 认定): the unit's entry on the list of the stage's
    level and type, of the stage's year or later; ``None`` while the unit is still in the stage."""
    return db.session.scalars(select(ListEntry).where(
        ListEntry.organization_id == entry.organization_id, ListEntry.unit_type == entry.unit_type,
        ListEntry.level == entry.level, ListEntry.status.in_([LISTED, "removed"]), ListEntry.year >= entry.year)
        .order_by(ListEntry.year, ListEntry.id)).first()


def publish_stage(actor: str, *, level: str, year: int, application_ids: Iterable[Any], document_no: str,
                  published_on: dt.date, admin_unit_id: int | None = None, title: str | None = None,
                  at: dt.datetime | None = None) -> dict[str, Any]:
    """Publish the stage before the ``level`` list of ``year`` by a decision (Hunan 000 二.4: 确定为…创建单位，并发布
    …创建计划): a stage entry per unit not banned, already listed at that level or already in the stage.

    :raises Refused: the region has no stage before that list, or nothing can be put into it.
    :returns: ``{"decision", "stage", "listed": [...], "blocked": [...]}`` (``listed``: the units put into the stage)
    """
    rules = region_rules()
    stage = stage_of(level, year)
    if stage is None:
        raise Refused("The region's documents name no stage before the %(level)s list of %(year)d.",
                      level=LazyString(level_name, str(Level(level))), year=year)
    if stage.publisher == "city" and admin_unit_id is None:
        raise InvalidInput("This stage is filled by each city bureau, for its own city.", field="level")
    if stage.publisher != "city" and admin_unit_id is not None:
        raise Refused("This stage is filled by the province, not by a city.")
    document_no = decision_document(document_no, published_on, at)
    apps = chosen_applications(application_ids, level, year, admin_unit_id, stage.publisher)
    unit_name = db.session.get(AdminUnit, admin_unit_id).name if admin_unit_id else rules.region.name
    decision = ListDecision(region=rules.region_code, level=level, year=year, document_no=document_no,
                            title=(title or "").strip()[:200] or f"{year}年度{unit_name}绿色制造体系{stage.name}",
                            published_on=published_on, admin_unit_id=admin_unit_id, decided_by=actor,
                            rule_source=stage.source, rule_cite=(stage.cite or "")[:500])
    db.session.add(decision)
    db.session.flush()
    placed, blocked = [], []
    for a in apps:
        org = a.organization
        reason = listing_block(org, a.unit_type, level, published_on) or (
            "in_stage" if in_stage(org.id, a.unit_type, level) is not None else None)
        if reason:
            blocked.append({"application": a.id, "name": org.name, "reason": reason})
            continue
        entry = ListEntry(organization_id=org.id, unit_type=a.unit_type, level=level, year=year, status=STAGE,
                          listed_on=published_on, notice_no=document_no, application_id=a.id, source="decision",
                          decision_id=decision.id)
        db.session.add(entry)
        db.session.flush()
        audit.record(actor, "list.stage_entry_created", "application", a.id, list_entry=entry.id, level=level,
                     year=year, stage=stage.name, notice_no=document_no, listed_on=published_on.isoformat(),
                     decision=decision.id)
        placed.append({"application": a.id, "name": org.name, "list_entry": entry.id})
    if not placed:
        raise Refused("Nothing can be put into the %(stage)s: %(n)d units are banned, listed or already in it.",
                      stage=stage.name, n=len(blocked))
    audit.record(actor, "list.stage_published", "list_decision", decision.id, level=level, year=year,
                 stage=stage.name, document_no=document_no, published_on=published_on.isoformat(),
                 admin_unit=admin_unit_id, rule_source=stage.source, rule_cite=stage.cite,
                 placed=[x["application"] for x in placed], blocked=blocked)
    return {"decision": decision, "stage": stage, "listed": placed, "blocked": blocked}


def _noticed(entry: ListEntry, level: str, cite: str, published_on: dt.date,
             at: dt.datetime | None) -> NoticeItem:
    """Where the list is published after a review and a public notice (Shanxi 004 第十三条: 审核…公示10个工作日，经公示
    无异议后纳入省级绿色制造名单), the unit's place on an ended notice of that list: its application reviewed (graded)
    and put on the notice (:func:`core.lists.notices.open_notice`), the notice over.

    :raises Refused: the unit is on no notice of the list (not reviewed and noticed), or its notice still runs.
    """
    item = db.session.scalars(select(NoticeItem).join(PublicNotice, PublicNotice.id == NoticeItem.notice_id).where(
        NoticeItem.organization_id == entry.organization_id, NoticeItem.unit_type == entry.unit_type,
        NoticeItem.status == "in_notice", PublicNotice.level == level, PublicNotice.year >= entry.year,
        PublicNotice.region == region_rules().region_code)
        .order_by(PublicNotice.ends_on.desc(), NoticeItem.id.desc()).limit(1).with_for_update(of=NoticeItem)).first()
    if item is None:
        raise Refused("%(name)s cannot be recognized yet: the %(level)s list takes a unit only after the review of its "
                      "application and the public notice (%(cite)s); put it on the list's notice once it is reviewed.",
                      name=entry.organization.name, level=LazyString(level_name, level), cite=cite)
    notice = item.notice
    if not publishable(notice, at):
        raise Refused("%(name)s is on the public notice until %(end)s: it can be recognized after the notice ends.",
                      name=entry.organization.name, end=notice.ends_on.isoformat())
    if published_on <= notice.ends_on:
        raise InvalidInput("The list is published after the notice ends (%(end)s).", field="published_on",
                           end=notice.ends_on.isoformat())
    return item


def recognize(actor: str, *, entry_ids: Iterable[Any], document_no: str, published_on: dt.date,
              year: int | None = None, title: str | None = None, at: dt.datetime | None = None) -> dict[str, Any]:
    """The province's 认定: units of the stage move onto the list of its level, by the path the list's document
    sets. Where it names a decision (Hunan 000 二.2 评价认定), by a decision, listed in ``year`` (the decision's year
    unless given). Where the list follows a review and a public notice (Shanxi 004 第十三条; Hubei 002 三(五)), only
    a unit whose application was reviewed and put on that list's notice, once the notice has ended; it is listed in
    the notice's year, its notice item and application marked listed as the notice's publication does
    (:func:`core.lists.notices.publish`), the decision's 文号 becoming the notice's. A unit banned meanwhile, already on
    that list or (after a notice) with an open objection is reported as blocked.

    :raises NotFound: an entry that is not a stage entry of this region.
    :raises Refused: nothing can be listed; a unit not yet through the review and the notice its list requires.
    """
    rules = region_rules()
    document_no = decision_document(document_no, published_on, at)
    year = int(year or published_on.year)
    ids = sorted({int(i) for i in entry_ids})
    if not ids:
        raise InvalidInput("Choose at least one unit.", field="entry_ids")
    entries = list(db.session.scalars(select(ListEntry).join(Organization, Organization.id == ListEntry.organization_id)
                                      .join(AdminUnit, AdminUnit.id == Organization.admin_unit_id)
                                      .where(ListEntry.id.in_(ids), ListEntry.status == STAGE,
                                             AdminUnit.region == rules.region_code)
                                      .order_by(ListEntry.id).with_for_update(of=ListEntry)))
    if {e.id for e in entries} != set(ids):
        raise NotFound("No such unit in the stage.")
    levels = {e.level for e in entries}
    if len(levels) != 1:
        raise InvalidInput("A decision lists units of one level.", field="entry_ids")
    level = levels.pop()
    if year < max(e.year for e in entries):
        raise InvalidInput("The 认定 cannot lie before the year of the stage (%(year)d).", field="year",
                           year=max(e.year for e in entries))
    stage = stage_of(level, min(e.year for e in entries))
    how = rules.publication(Level(level), year)
    noticed: dict[int, NoticeItem] = {}
    if how is not None and how.procedure == PublicationProcedure.NOTICE:
        noticed = {e.id: _noticed(e, level, how.cite, published_on, at) for e in entries}
        years = {i.notice.year for i in noticed.values()}
        if len(years) != 1:
            raise InvalidInput("A decision lists units of one year's notice.", field="entry_ids")
        year = years.pop()
        for notice in {i.notice for i in noticed.values()}:
            if notice.document_no and notice.document_no != document_no:
                raise Refused("This list was published as %(no)s; use the same document number.",
                              no=notice.document_no)
    decision = ListDecision(region=rules.region_code, level=level, year=year, document_no=document_no,
                            title=(title or "").strip()[:200] or f"{year}年度{rules.region.name}"
                                                                   f"{rules.list_levels[level].name}绿色制造名单",
                            published_on=published_on, admin_unit_id=None, decided_by=actor,
                            rule_source=(how if noticed or stage is None else stage).source,
                            rule_cite=((how.cite if noticed or stage is None else stage.cite) or "")[:500])
    db.session.add(decision)
    db.session.flush()
    listed, blocked = [], []
    for e in entries:
        org = e.organization
        item = noticed.get(e.id)
        reason = ("open_objection" if item is not None and open_objections(item) else None) or listing_block(
            org, e.unit_type, level, published_on) or ("recognized" if recognition_of(e) is not None else None)
        if reason:
            blocked.append({"list_entry": e.id, "application": e.application_id, "name": org.name, "reason": reason})
            continue
        application_id = item.application_id if item is not None else e.application_id
        entry = ListEntry(organization_id=org.id, unit_type=e.unit_type, level=level, year=year, status=LISTED,
                          listed_on=published_on, notice_no=document_no, application_id=application_id,
                          source="notice" if item is not None else "decision", decision_id=decision.id)
        db.session.add(entry)
        application = db.session.get(Application, application_id) if application_id else None
        if item is not None:  # listed after its notice, as the notice's publication lists it
            item.status = "listed"
            application.status = S.LISTED
            _published(item.notice, document_no, published_on, actor)
        elif application is not None and application.status == S.GRADED:
            application.status = S.LISTED
        db.session.flush()
        if application is not None:  # the unit's inbox says it is listed, as for any listing (list.entry_created)
            audit.record(actor, "list.entry_created", "application", application.id, list_entry=entry.id,
                         level=level, year=year, notice_no=document_no, listed_on=published_on.isoformat(),
                         decision=decision.id, recognized_from=e.id, stage=stage.name if stage else None,
                         notice=item.notice_id if item is not None else None)
        else:
            audit.record(actor, "list.stage_recognized", "list_entry", e.id, list_entry=entry.id, level=level,
                         year=year, notice_no=document_no, listed_on=published_on.isoformat(), decision=decision.id,
                         stage=stage.name if stage else None)
        listed.append({"stage_entry": e.id, "name": org.name, "list_entry": entry.id})
    if not listed:
        raise Refused("Nothing can be listed: %(n)d units are banned or already on this list.", n=len(blocked))
    audit.record(actor, "list.decision_published", "list_decision", decision.id, level=level, year=year,
                 document_no=document_no, published_on=published_on.isoformat(), admin_unit=None,
                 rule_source=decision.rule_source, recognized=[x["stage_entry"] for x in listed], blocked=blocked)
    return {"decision": decision, "listed": listed, "blocked": blocked}


def _published(notice: PublicNotice, document_no: str, published_on: dt.date, actor: str) -> None:
    """A notice some of whose units the 认定 listed: published under the decision's 文号 (the rest, once listed,
    under the same), partly while units stay on it."""
    db.session.flush()
    if not notice.document_no:
        notice.document_no, notice.published_on, notice.published_by = document_no, published_on, actor
    notice.status = "partly_published" if any(i.status == "in_notice" for i in notice.items) else "published"


@dataclass(frozen=True)
class StageRow:
    entry: ListEntry
    stage: CultivationStage | None
    recognized: ListEntry | None


def stage_rows(*, level: str | None = None, year: int | None = None, waiting_only: bool = False,
               limit: int = 1000) -> list[StageRow]:
    """The region's stage entries (newest first) with the listing that followed each, if any."""
    rules = region_rules()
    query = (select(ListEntry).join(Organization, Organization.id == ListEntry.organization_id)
             .join(AdminUnit, AdminUnit.id == Organization.admin_unit_id)
             .where(ListEntry.status == STAGE, AdminUnit.region == rules.region_code))
    if level:
        query = query.where(ListEntry.level == level)
    if year:
        query = query.where(ListEntry.year == year)
    rows = []
    for e in db.session.scalars(query.order_by(ListEntry.year.desc(), ListEntry.id).limit(limit)):
        done = recognition_of(e)
        if waiting_only and done is not None:
            continue
        rows.append(StageRow(e, stage_of(e.level, e.year), done))
    return rows


def stage_decision_ids(rows: Iterable[ListDecision]) -> set[int]:
    """Which of the decisions ``rows`` published a stage (their entries are stage entries), for their links."""
    ids = [d.id for d in rows]
    if not ids:
        return set()
    return set(db.session.scalars(select(ListEntry.decision_id).where(ListEntry.decision_id.in_(ids),
                                                                     ListEntry.status == STAGE).distinct()))
