"""Lists published by a decision (发文公布), where the region's document names no public notice.

Hunan's provincial creation plan (000_5ae1342e00264ea1.txt 二.4: 发布2024年度湖南省绿色制造体系创建计划),
Jiangxi's provincial list (003_a3fa60aeba77aa34.txt 一: 遴选确定2024年度省级绿色制造名单), Shanxi's and Hubei's
city lists (004_7a8ddd82f611ab67.txt 第十二条; 002_9c75e1d2ebfbdf50.txt 附件3 备注) and, as a platform default
where a document says nothing, any city or provincial list (:meth:`RegionRules.publication`). Where the
round's decision publishes the stage before the list (Hunan 2024: the 创建计划), :func:`publish_decision` puts
the units into that stage (:mod:`core.lists.cultivation`), not on the list. The
publisher records the decision's document number and date; each unit becomes a :class:`ListEntry` of
source ``decision``. A city bureau publishes its own city's list only. Callers commit.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from flask_babel import LazyString
from sqlalchemy import select

from core.errors import NotFound, Refused
from core.extensions import db
from core.kernel.names import level_name
from core.kernel.records import get_record
from core.kernel.rules import region_rules, rule_of
from core.lists.notices import check_publisher, chosen_applications, decision_document, listing_block
from core.models import AdminUnit, ApplicationStatus as S, ListDecision, ListEntry
from core.plugins.types import PublicationProcedure
from core.services import audit


def publish_decision(actor: str, *, level: str, year: int, application_ids: Iterable[Any], document_no: str,
                     published_on: dt.date, admin_unit_id: int | None = None, title: str | None = None,
                     at: dt.datetime | None = None) -> dict[str, Any]:
    """Publish the ``level`` list of ``year`` by a decision: a list entry per unit that is not banned or
    already listed at that level; the others are reported as blocked.

    :raises Refused: the level's list is published after a public notice, or nothing can be listed.
    """
    from core.lists import cultivation

    if cultivation.round_publishes_stage(level, year) is not None:
        # the round's decision publishes the stage before the list, not the list (Hunan 000 二.4: 创建计划)
        return cultivation.publish_stage(actor, level=level, year=year, application_ids=application_ids,
                                         document_no=document_no, published_on=published_on,
                                         admin_unit_id=admin_unit_id, title=title, at=at)
    rules = region_rules()
    how = check_publisher(level, year, admin_unit_id)
    if how.procedure != PublicationProcedure.DECISION:
        raise Refused("The %(level)s list is published after a public notice (rule from %(source)s: %(cite)s); "
                      "open a notice instead.", level=LazyString(level_name, str(level)), **rule_of(how))
    document_no = decision_document(document_no, published_on, at)
    apps = chosen_applications(application_ids, level, year, admin_unit_id, how.publisher)
    # the decision's own title, as the 发文 is titled: in Chinese whatever the publisher's page language
    unit_name = db.session.get(AdminUnit, admin_unit_id).name if admin_unit_id else rules.region.name
    decision = ListDecision(region=rules.region_code, level=level, year=year, document_no=document_no,
                            title=(title or "").strip()[:200] or f"{year}年度{unit_name}{rules.list_levels[level].name}"
                                                                   f"绿色制造名单",
                            published_on=published_on, admin_unit_id=admin_unit_id, decided_by=actor,
                            rule_source=how.source, rule_cite=(how.cite or "")[:500])
    db.session.add(decision)
    db.session.flush()
    listed, blocked = [], []
    for a in apps:
        org = a.organization
        reason = listing_block(org, a.unit_type, level, published_on)
        if reason:
            blocked.append({"application": a.id, "name": org.name, "reason": reason})
            continue
        entry = ListEntry(organization_id=org.id, unit_type=a.unit_type, level=level, year=year, status="listed",
                          listed_on=published_on, notice_no=document_no, application_id=a.id, source="decision",
                          decision_id=decision.id)
        db.session.add(entry)
        a.status = S.LISTED
        db.session.flush()
        audit.record(actor, "list.entry_created", "application", a.id, list_entry=entry.id, level=level, year=year,
                     notice_no=document_no, listed_on=published_on.isoformat(), decision=decision.id)
        listed.append({"application": a.id, "name": org.name, "list_entry": entry.id})
    if not listed:
        raise Refused("Nothing can be listed: %(n)d units are banned or already on this list.", n=len(blocked))
    audit.record(actor, "list.decision_published", "list_decision", decision.id, level=level, year=year,
                 document_no=document_no, published_on=published_on.isoformat(), admin_unit=admin_unit_id,
                 rule_source=how.source, listed=[x["application"] for x in listed], blocked=blocked)
    return {"decision": decision, "listed": listed, "blocked": blocked}


def decisions(*, admin_unit_id: int | None = None, limit: int = 200) -> list[ListDecision]:
    query = select(ListDecision).where(ListDecision.region == region_rules().region_code)
    if admin_unit_id is not None:
        query = query.where(ListDecision.admin_unit_id == admin_unit_id)
    return list(db.session.scalars(query.order_by(ListDecision.published_on.desc(), ListDecision.id.desc())
                                   .limit(limit)))


def decision_or_404(decision_id: Any, admin_unit_id: int | None = None) -> ListDecision:
    try:
        ident = int(decision_id)
    except (TypeError, ValueError):
        raise NotFound("No such decision.") from None
    row = get_record(ListDecision, ident)
    if row is None or row.region != region_rules().region_code or (
            admin_unit_id is not None and row.admin_unit_id != admin_unit_id):
        raise NotFound("No such decision.")
    return row


def entries_of(decision: ListDecision) -> list[ListEntry]:
    return list(db.session.scalars(select(ListEntry).where(ListEntry.decision_id == decision.id)
                                   .order_by(ListEntry.id)))
