"""Public notice (公示), objections and list publication.

The province (or, on a national instance, the ministry) puts graded applications of one level
and year on notice. The notice runs the region's period (``rules.notice_period(level)``: Shanxi
10 working days, 004_7a8ddd82f611ab67.txt 第十三条; national 15 days, 办法 第十二条) counted on
the working-day calendar (:class:`core.services.calendar.WorkCalendar`), which refuses a year
without holiday data instead of guessing. Anyone may object, under their real name, until
24:00 Beijing time on the last day; an open objection keeps its unit off the list until staff
resolve it. Publication creates the :class:`~core.models.ListEntry` rows with the document
number and date. Callers commit.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any, Collection, Iterable

from flask_babel import LazyString
from sqlalchemy import (ARRAY, Date, Integer, and_, any_, bindparam, case, cast, func, literal_column, or_, select,
                        tuple_)

from core.errors import DeadlinePassed, InvalidInput, NotFound, Refused
from core.extensions import db
from core.kernel import paging
from core.clock import SHANGHAI, aware, now
from core.i18n import lazy_list
from core.kernel.names import level_name, publisher_name
from core.kernel.records import get_record
from core.kernel.rules import region_rules, rule_of, rules_of_list
from core.models import (
    AdminUnit, Application, ApplicationStatus as S, Ban, ListEntry, NoticeItem, Objection, Organization, PublicNotice,
    ReviewResult,
)
from core.models.lists import STAGE
from core.plugins.types import DayCount, Level, PublicationProcedure
from core.services import audit
from core.services.calendar import WorkCalendar

CONTACT_RE = re.compile(r"^[^\s<>]{5,120}$")


def beijing_today(at: dt.datetime | None = None) -> dt.date:
    return aware(at or now()).astimezone(SHANGHAI).date()


def _text(value: Any, field: str, low: int, high: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not low <= len(text) <= high:
        raise InvalidInput("%(name)s must have %(low)d to %(high)d characters.", field=field, name=field, low=low,
                           high=high)
    return text


def _level(level: Any) -> Level:
    if level not in region_rules().list_levels:
        raise InvalidInput("Unknown list level: %(level)s.", field="level", level=str(level)[:20])
    return Level(level)




def publication(level: str, year: int):
    """How the ``level`` list of ``year`` is published (notice or decision) and by whom, with its source."""
    return region_rules().publication(_level(level), year)


def period_for(level: str, year: int | None = None):
    """The notice period of ``level``: the region's rule, else (where the document requires a notice
    but names no period) the deployer's setting or the platform's default, each marked as such
    (:meth:`~core.plugins.rules.RegionRules.applied_notice_period`, which the rules listing shows too).

    :raises Refused: the level's list is published by a decision, without a notice.
    """
    lv = _level(level)
    year = year or beijing_today().year
    how = region_rules().publication(lv, year)
    if how.procedure != PublicationProcedure.NOTICE:
        raise Refused("The %(level)s list is published by a decision, without a public notice (rule from "
                      "%(source)s: %(cite)s).", level=LazyString(level_name, str(lv)),
                      **rule_of(how))
    return rules_of_list(str(lv), year).applied_notice_period(lv, year)  # a round's notice may set it


def notice_end(level: str, starts_on: dt.date) -> tuple[dt.date, Any]:
    """The last day of a notice of ``level`` opening on ``starts_on``, and the period it follows.

    :raises CalendarDataMissing: a working-day count reaches a year without holiday data.
    """
    period = period_for(level, starts_on.year)
    return WorkCalendar().period_end(starts_on, period), period


def publishable_statuses(publisher: str) -> tuple[S, ...]:
    """What an application must have reached to be put on a list: graded by the province's (or the
    ministry's) review; for a city's own list, recommended (approved) by the city or graded."""
    return (S.CITY_RECOMMENDED, S.GRADED) if publisher == "city" else (S.GRADED,)


def candidates_for(level: str, year: int, admin_unit_id: int | None = None) -> list[Application]:
    """Applications that may go on the ``level`` list of ``year`` (for a city list, of that city):
    asking for that level (joint rounds included, as the city recommended), at the status the
    publisher needs, not yet listed at that level nor on a notice of it."""
    from core.applications.levels import is_for
    from core.models import Campaign

    how = publication(level, year)
    query = (select(Application).join(Campaign)
             .where(Campaign.region == region_rules().region_code, Campaign.year == year,
                    Application.status.in_(publishable_statuses(how.publisher))))
    if admin_unit_id is not None:
        query = query.where(Application.admin_unit_id == admin_unit_id)
    on_notice = select(NoticeItem.application_id).join(PublicNotice).where(PublicNotice.level == level)
    query = query.where(Application.id.not_in(on_notice))
    # an application whose unit the round put into the stage before this list (a 创建计划) moves on by 认定
    in_stage = select(ListEntry.application_id).where(ListEntry.level == level, ListEntry.status == STAGE,
                                                      ListEntry.application_id.is_not(None))
    query = query.where(Application.id.not_in(in_stage))
    return [a for a in db.session.scalars(query.order_by(Application.id)) if is_for(a, level)]


def check_publisher(level: str, year: int, admin_unit_id: int | None) -> Any:
    """A city list belongs to one city (its bureau publishes it); other lists to none."""
    how = publication(level, year)
    if how.publisher == "city" and admin_unit_id is None:
        raise InvalidInput("A city list is published by its city bureau, for its own city.", field="level")
    if how.publisher != "city" and admin_unit_id is not None:
        raise Refused("The %(level)s list is published by the %(publisher)s, not by a city.",
                      level=LazyString(level_name, str(Level(level))),
                      publisher=LazyString(publisher_name, how.publisher))
    return how


def chosen_applications(application_ids: Iterable[int], level: str, year: int, admin_unit_id: int | None,
                        publisher: str) -> list[Application]:
    """The applications a notice, a decision or a stage's decision puts on its list, locked for this transaction and
    checked (:func:`check_applications`); none chosen is refused."""
    ids = sorted({int(i) for i in application_ids})
    if not ids:
        raise InvalidInput("Choose at least one application.", field="application_ids")
    apps = list(db.session.scalars(select(Application).where(Application.id.in_(ids)).order_by(Application.id)
                                   .with_for_update()))
    check_applications(apps, ids, level, year, admin_unit_id, publisher)
    return apps


def decision_document(document_no: str, published_on: Any, at: dt.datetime | None) -> str:
    """A published decision's 文号 (2 to 100 characters), refused with a date after today (Beijing)."""
    document_no = (document_no or "").strip()
    if not 2 <= len(document_no) <= 100:
        raise InvalidInput("%(name)s must have %(low)d to %(high)d characters.", field="document_no",
                           name="document_no", low=2, high=100)
    if not isinstance(published_on, dt.date) or published_on > beijing_today(at):
        raise InvalidInput("The decision's date cannot lie in the future.", field="published_on")
    return document_no


def check_applications(apps: list[Application], ids: list[int], level: str, year: int,
                       admin_unit_id: int | None, publisher: str) -> None:
    from core.applications.actions import STATUS_NAMES
    from core.applications.levels import is_for

    rules = region_rules()
    if {a.id for a in apps} != set(ids):
        raise NotFound("No such application.")
    allowed = publishable_statuses(publisher)
    for a in apps:
        if (a.status not in allowed or not is_for(a, level) or a.campaign.year != year
                or a.campaign.region != rules.region_code
                or (admin_unit_id is not None and a.admin_unit_id != admin_unit_id)):
            raise Refused("Application %(id)d cannot go on this list: it must be %(needed)s, ask for the %(level)s "
                          "list and be of %(year)d (it is %(status)s).", id=a.id,
                          level=LazyString(level_name, str(Level(level))), year=year,
                          needed=lazy_list(allowed, lambda s: STATUS_NAMES.get(s, s)),
                          status=LazyString(lambda s=a.status: str(STATUS_NAMES.get(s, s))))


def open_notice(actor: str, *, level: str, year: int, starts_on: dt.date, application_ids: Iterable[int],
                title: str | None = None, admin_unit_id: int | None = None, start_reason: str | None = None,
                at: dt.datetime | None = None) -> PublicNotice:
    """Put applications on public notice from ``starts_on`` for the region's period.

    Only where the level's list is published after a notice (:func:`publication`); a city list by its
    city (``admin_unit_id``). A notice starts no earlier than the day it is opened (Beijing time) unless
    the opener records why (``start_reason``, shown publicly with the notice), so nobody loses days to
    object in.
    """
    rules = region_rules()
    how = check_publisher(level, year, admin_unit_id)
    ends_on, period = notice_end(level, starts_on)
    today = beijing_today(at)
    reason = (start_reason or "").strip()
    if starts_on < today and not 2 <= len(reason) <= 500:
        raise InvalidInput("A notice starts no earlier than the day it is opened (%(today)s); to start it earlier, "
                           "record why (2 to 500 characters, shown with the notice).", field="start_reason",
                           today=today.isoformat())
    if beijing_today(at) > ends_on:
        raise Refused("A notice from %(start)s would already have ended on %(end)s: nobody could object.",
                      start=starts_on.isoformat(), end=ends_on.isoformat())
    apps = chosen_applications(application_ids, level, year, admin_unit_id, how.publisher)
    ids = [a.id for a in apps]
    # the notice's own title, as the published 公示 is titled: in Chinese whatever the opener's page language, as
    # a unit's or a document's name (shown as it is on English pages)
    unit_name = db.session.get(AdminUnit, admin_unit_id).name if admin_unit_id else rules.region.name
    title = (title or "").strip()[:200] or f"{year}年度{unit_name}{rules.list_levels[level].name}绿色制造名单公示"
    notice = PublicNotice(region=rules.region_code, level=level, year=year, title=title, starts_on=starts_on,
                          ends_on=ends_on, period_days=period.days, period_count=str(period.count),
                          period_source=period.source, period_cite=(period.cite or "")[:500], status="open",
                          opened_by=actor, admin_unit_id=admin_unit_id,
                          start_reason=reason[:500] if starts_on < today else None)
    db.session.add(notice)
    db.session.flush()
    results = {r.application_id: r for r in db.session.scalars(
        select(ReviewResult).where(ReviewResult.application_id.in_(ids)))}
    for a in apps:
        result = results.get(a.id)
        db.session.add(NoticeItem(notice_id=notice.id, application_id=a.id, organization_id=a.organization_id,
                                  unit_type=a.unit_type, score=result.score if result else None,
                                  tier=result.tier if result else a.tier, status="in_notice"))
        a.status = S.IN_NOTICE
        audit.record(actor, "notice.application_in_notice", "application", a.id, notice=notice.id)
    db.session.flush()
    audit.record(actor, "notice.opened", "public_notice", notice.id, level=level, year=year,
                 starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat(), period_days=period.days,
                 period_count=str(period.count), period_source=period.source, applications=ids,
                 admin_unit=admin_unit_id, start_reason=notice.start_reason)
    return notice


def notice_or_404(notice_id: Any, region_only: bool = True, *, public: bool = False,
                  admin_unit_id: int | None = None) -> PublicNotice:
    """One notice; ``public``: only once it has started (Beijing time); ``admin_unit_id``: only that
    city's own notices (a city bureau's pages)."""
    try:
        ident = int(notice_id)
    except (TypeError, ValueError):
        raise NotFound("No such public notice.") from None
    notice = get_record(PublicNotice, ident)
    if notice is None or (region_only and notice.region != region_rules().region_code):
        raise NotFound("No such public notice.")
    if public and notice.starts_on > beijing_today():
        raise NotFound("No such public notice.")
    if admin_unit_id is not None and notice.admin_unit_id != admin_unit_id:
        raise NotFound("No such public notice.")
    return notice


#: what the lists of notices show of a notice (plain rows: :func:`notices` with ``columns``)
NOTICE_COLUMNS = (PublicNotice.id, PublicNotice.title, PublicNotice.level, PublicNotice.period_days,
                  PublicNotice.period_count, PublicNotice.period_source, PublicNotice.starts_on,
                  PublicNotice.ends_on, PublicNotice.published_on, PublicNotice.status)


def notices(limit: int = 200, *, public: bool = False, admin_unit_id: int | None = None,
            after: str | None = None, columns: tuple | None = None) -> list[Any]:
    """The region's notices, newest first; ``public``: those that have started (a notice is not public
    before its first day); ``admin_unit_id``: one city's own; ``after``: those after the notice of that
    :func:`notice_cursor` (keyset paging on ``ix_public_notice_recent``). :class:`PublicNotice` records, or
    plain rows of ``columns`` (:data:`NOTICE_COLUMNS`)."""
    params: dict[str, Any] = {"region": region_rules().region_code}
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.(\d{1,12})", after or "")
    if match:
        try:
            params["key_day"], params["key_id"] = dt.date.fromisoformat(match[1]), int(match[2])
        except ValueError:
            pass
    if public:
        params["today"] = beijing_today()
    if admin_unit_id is not None:
        params["admin_unit_id"] = admin_unit_id
    query = _notices_statement(columns, public, admin_unit_id is not None, "key_id" in params, limit)
    return list(db.session.execute(query, params) if columns else db.session.scalars(query, params))


@functools.lru_cache(maxsize=64)
def _notices_statement(columns: tuple | None, public: bool, city: bool, after: bool, limit: int):
    """The statement of :func:`notices` (its values bound parameters: ``region``, ``today``, ``admin_unit_id``,
    the cursor's ``key_day`` and ``key_id``), made once per shape."""
    query = (select(*columns) if columns else select(PublicNotice)).where(PublicNotice.region == bindparam("region"))
    if after:
        query = query.where(tuple_(PublicNotice.starts_on, PublicNotice.id)
                            < tuple_(bindparam("key_day", type_=Date), bindparam("key_id", type_=Integer)))
    if public:
        query = query.where(PublicNotice.starts_on <= bindparam("today"))
    if city:
        query = query.where(PublicNotice.admin_unit_id == bindparam("admin_unit_id"))
    return query.order_by(PublicNotice.starts_on.desc(), PublicNotice.id.desc()).limit(limit)


def notice_cursor(notice: PublicNotice) -> str:
    return f"{notice.starts_on.isoformat()}.{notice.id}"


def is_running(notice: PublicNotice, at: dt.datetime | None = None) -> bool:
    """Whether ``notice`` takes objections at ``at`` (now): from 00:00 of its first day to 24:00 of its last,
    Beijing time."""
    return runs_on(notice, beijing_today(at))


def publishable(notice: PublicNotice, at: dt.datetime | None = None) -> bool:
    """Whether ``notice``'s list may be published at ``at`` (now): from the day after its last day, Beijing time."""
    return beijing_today(at) > notice.ends_on


def runs_on(notice: Any, day: dt.date) -> bool:
    """Whether ``notice`` (a record or a row of :data:`NOTICE_COLUMNS`) runs on ``day`` in Beijing: the days of
    :func:`is_running`, for a list of notices read at one moment."""
    return notice.starts_on <= day <= notice.ends_on


def file_objection(notice: PublicNotice, *, item_id: Any, name: str, contact: str, grounds: str,
                   evidence: str | None = None, objector_unit: str | None = None,
                   at: dt.datetime | None = None) -> Objection:
    """Anyone objects to one unit on a running notice, under their real name (实名)."""
    at = aware(at or now())
    if not is_running(notice, at):
        if at < dt.datetime.combine(notice.starts_on, dt.time(0), tzinfo=SHANGHAI):
            raise DeadlinePassed("The public notice opens on %(start)s; objections are accepted from then until "
                                 "%(end)s.", start=notice.starts_on.isoformat(), end=notice.ends_on.isoformat())
        raise DeadlinePassed("The public notice ended on %(end)s (24:00 Beijing time); objections are no longer "
                             "accepted.", end=notice.ends_on.isoformat())
    try:
        ident = int(item_id)
    except (TypeError, ValueError):
        raise InvalidInput("Choose the unit you object to.", field="item_id") from None
    item = get_record(NoticeItem, ident)
    if item is None or item.notice_id != notice.id:
        raise InvalidInput("Choose the unit you object to.", field="item_id")
    if item.status != "in_notice":
        raise Refused("This unit is no longer on the notice.")
    contact = _text(contact, "contact", 5, 120)
    if not CONTACT_RE.match(contact):
        raise InvalidInput("Give a telephone number or e-mail address.", field="contact")
    row = Objection(notice_id=notice.id, item_id=item.id, name=_text(name, "name", 2, 100), contact=contact,
                    objector_unit=(objector_unit or "").strip()[:200] or None,
                    grounds=_text(grounds, "grounds", 10, 4000),
                    evidence=(evidence or "").strip()[:4000] or None, filed_at=at, status="open")
    db.session.add(row)
    db.session.flush()
    # the objector's contact details stay in the objection row (staff only), not in the audit data
    audit.record(f"public:{row.name}", "notice.objection_filed", "public_notice", notice.id, objection=row.id,
                 item=item.id, application=item.application_id)
    return row


def objection_or_404(objection_id: Any) -> Objection:
    try:
        ident = int(objection_id)
    except (TypeError, ValueError):
        raise NotFound("No such objection.") from None
    row = get_record(Objection, ident)
    if row is None or row.notice.region != region_rules().region_code:
        raise NotFound("No such objection.")
    return row


def resolve_objection(actor: str, objection: Objection, outcome: str, resolution: str) -> None:
    """Staff resolve an objection: ``dismissed`` (the unit stays) or ``upheld`` (the unit is taken
    off the notice and its application rejected with the resolution as the reason)."""
    if objection.status != "open":
        raise Refused("This objection was already resolved (%(status)s).", status=objection.status)
    if outcome not in ("dismissed", "upheld"):
        raise InvalidInput("The outcome must be dismissed or upheld.", field="outcome")
    resolution = _text(resolution, "resolution", 2, 2000)
    objection.status, objection.resolution = outcome, resolution
    objection.resolved_by, objection.resolved_at = actor, now()
    item = objection.item
    if outcome == "upheld" and item.status == "in_notice":
        item.status = "removed"
        application = item.application
        application.status = S.REJECTED
        application.decision_reason = resolution[:500]
        audit.record(actor, "notice.application_removed", "application", application.id, notice=item.notice_id,
                     objection=objection.id, reason=resolution)
        notice = objection.notice
        if notice.status == "partly_published" and not any(i.status == "in_notice" for i in notice.items):
            notice.status = "published"
    audit.record(actor, "notice.objection_resolved", "public_notice", objection.notice_id, objection=objection.id,
                 item=item.id, outcome=outcome, resolution=resolution)


def open_objections(item: NoticeItem) -> int:
    return db.session.scalar(select(func.count(Objection.id)).where(Objection.item_id == item.id,
                                                                    Objection.status == "open")) or 0


def listing_block(org: Organization, unit_type: str, level: str, day: dt.date) -> str | None:
    """Why a unit cannot be listed at ``level`` on ``day``: ``banned``, ``already_listed``, or ``None``."""
    if db.session.scalar(select(Ban.id).where(Ban.uscc == org.uscc, Ban.subject == "organization",
                                              Ban.starts_on <= day, Ban.ends_on >= day)):
        return "banned"
    if db.session.scalar(select(ListEntry.id).where(
            ListEntry.organization_id == org.id, ListEntry.unit_type == unit_type, ListEntry.level == level,
            ListEntry.status == "listed")):
        return "already_listed"
    return None


def publish(actor: str, notice: PublicNotice, *, document_no: str, published_on: dt.date,
            at: dt.datetime | None = None) -> dict[str, list[dict[str, Any]]]:
    """After the notice, publish the list: a :class:`ListEntry` per unit with no open objection.

    Units with an open objection (or banned meanwhile) stay on the notice, reported as blocked;
    publishing again after resolving them lists them with the same document number.
    """
    at = aware(at or now())
    if not publishable(notice, at):
        raise Refused("The notice runs until %(end)s; the list can be published after it ends.",
                      end=notice.ends_on.isoformat())
    document_no = _text(document_no, "document_no", 2, 100)
    if published_on <= notice.ends_on:
        raise InvalidInput("The list is published after the notice ends (%(end)s).", field="published_on",
                           end=notice.ends_on.isoformat())
    if notice.document_no and notice.document_no != document_no:
        raise Refused("This list was published as %(no)s; use the same document number.", no=notice.document_no)
    listed, blocked = [], []
    for item in db.session.scalars(select(NoticeItem).where(NoticeItem.notice_id == notice.id,
                                                             NoticeItem.status == "in_notice")
                                   .order_by(NoticeItem.id).with_for_update()):
        org = item.organization
        pending = open_objections(item)
        reason = "open_objection" if pending else listing_block(org, item.unit_type, notice.level, published_on)
        if reason:
            blocked.append({"item": item.id, "application": item.application_id, "name": org.name,
                            "reason": reason, "open_objections": pending})
            continue
        entry = ListEntry(organization_id=org.id, unit_type=item.unit_type, level=notice.level, year=notice.year,
                          status="listed", listed_on=published_on, notice_no=document_no,
                          application_id=item.application_id)
        db.session.add(entry)
        item.status = "listed"
        item.application.status = S.LISTED
        db.session.flush()
        audit.record(actor, "list.entry_created", "application", item.application_id, list_entry=entry.id,
                     level=notice.level, year=notice.year, notice_no=document_no, listed_on=published_on.isoformat())
        listed.append({"item": item.id, "application": item.application_id, "name": org.name,
                       "list_entry": entry.id})
    if not listed:
        raise Refused("Nothing can be listed yet: %(n)d units have open objections or other blocks.",
                      n=len(blocked))
    notice.document_no, notice.published_on, notice.published_by = document_no, published_on, actor
    notice.status = "partly_published" if blocked else "published"
    audit.record(actor, "list.published", "public_notice", notice.id, level=notice.level, year=notice.year,
                 document_no=document_no, published_on=published_on.isoformat(),
                 listed=[x["application"] for x in listed], blocked=blocked)
    return {"listed": listed, "blocked": blocked}


# ------------------------------------------------------------ public lists --


#: the public lists count at most this many matching entries (an exact count over every entry costs O(n))
COUNT_CAP = 1000
#: a name search looks at most at this many matching organizations, the most recently registered first
NAME_CAP = 500


@dataclass(frozen=True)
class ListPage:
    """One page of the public lists: ``rows`` with the :data:`LIST_COLUMNS` (and the counts after them), newest
    year first; ``total`` the matching entries counted up to :data:`COUNT_CAP` (``capped``: more match);
    ``next_after`` and ``prev_before`` the cursors of the following and preceding pages (``None``: there is none);
    ``narrowed``: the name matched more than :data:`NAME_CAP` organizations and only the most recently registered
    were searched."""
    rows: list
    total: int
    capped: bool
    next_after: str | None
    prev_before: str | None
    narrowed: bool = False


#: what the public lists show of an entry (plain rows: no ORM objects to build per row)
LIST_COLUMNS = (ListEntry.id, ListEntry.year, ListEntry.level, ListEntry.unit_type, ListEntry.notice_no,
                ListEntry.listed_on, Organization.name, Organization.uscc, AdminUnit.region,
                AdminUnit.name.label("city"))


def _filtered(query, *, level, year, region, unit_type, q):
    """``query`` narrowed to listed entries and each filter that is not ``None`` (a value or a bound parameter)."""
    query = query.where(ListEntry.status == "listed")
    if level is not None:
        query = query.where(ListEntry.level == level)
    if year is not None:
        query = query.where(ListEntry.year == year)
    if region is not None:
        query = query.where(AdminUnit.region == region)
    if unit_type is not None:
        query = query.where(ListEntry.unit_type == unit_type)
    if q is not None:  # the entries of the organizations whose name matches (:func:`_among`)
        query = query.where(q)
    return query


#: a name search's organizations count as close together when their ids span fewer than this many per organization
DENSE = 40


def _among(column, ids, postgresql: bool):
    """``column IN (ids)``, ``ids`` the name search's organizations (at most :data:`NAME_CAP`).

    On PostgreSQL, read so that the cost stays that of the organizations found, whatever the table's size. A
    common part of a name (长沙: one organization in 15) matches organizations close together, the most
    recently registered first: their entries are read as one range of ``ix_list_entry_organization_id``, from the
    lowest id to the highest, each kept if its organization is among ``ids`` (a few dozen index pages); probing the
    index once per organization cost a descent each, growing with the index's depth and the number found (5,425
    buffers at 500,000 entries, 1.9× those at 5,000), and a join left to the planner, which cannot tell how many
    organizations a search yields, read every listed entry. Organizations far apart (a rare part of a name, found
    by the trigram index) are probed one by one. Both as one condition (a bitmap OR), the other side empty.
    """
    if not postgresql:
        return column.in_(ids)
    picked = ids.subquery("picked")
    span = select(func.min(picked.c.id).label("lo"), func.max(picked.c.id).label("hi"),
                  func.count().label("n"), func.array_agg(picked.c.id).label("ids")).cte("span")
    dense = span.c.hi - span.c.lo < DENSE * span.c.n
    lowest = select(span.c.lo).scalar_subquery()
    highest = select(case((dense, span.c.hi), else_=span.c.lo - 1)).scalar_subquery()  # empty when far apart
    # a cast: ``= ANY ((SELECT …))`` would compare each organization with the array itself
    apart = cast(select(case((dense, literal_column("'{}'::integer[]")), else_=span.c.ids)).scalar_subquery(),
                 ARRAY(Integer))
    # under an OR, ``IN (SELECT …)`` stays a hashed look-up of the organizations (an array's ANY compares with
    # each of its members in turn: 500 comparisons an entry)
    found = (column + 0).in_(select(picked.c.id))
    return or_(and_(column.between(lowest, highest), found), column == any_(apart))


def _joined(query, *, organization: bool = True, unit: bool = True):
    if organization or unit:
        query = query.join(Organization, Organization.id == ListEntry.organization_id)
    return query.outerjoin(AdminUnit, AdminUnit.id == Organization.admin_unit_id) if unit else query


def cursor(entry) -> str:
    return f"{entry.year}.{entry.id}"


def _parse_cursor(value: str | None) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d{4})\.(\d{1,12})", value or "")
    return (int(match[1]), int(match[2])) if match else None


def browse(*, level: str | None = None, year: int | None = None, region: str | None = None,
           unit_type: str | None = None, q: str | None = None, after: str | None = None,
           before: str | None = None, per_page: int = 50, listed_regions: Collection[str] | None = None) -> ListPage:
    """One page of the public lists (filters: level, year, region, unit type, part of the unit's name), newest
    year first, then newest entry.

    Keyset paging on ``(year, id)`` (index ``ix_list_entry_browse``): ``after`` the last row of the page
    before, or ``before`` the first row of the page after; every page costs the same on 100 or 500,000
    entries. The count stops at :data:`COUNT_CAP`. A name search reads the entries of at most :data:`NAME_CAP`
    matching organizations (:func:`_matching_organizations`). ``listed_regions``: the regions that have listed
    units (:func:`filter_values`), when the caller has them; else a region is looked up.

    One statement (:func:`_page_statements`): the page's rows carry the count (and for a name search the number
    of organizations matched, the name read once); a page without rows (past the end) counts in a second.
    """
    if region and (region not in listed_regions if listed_regions is not None else db.session.scalar(
            select(AdminUnit.id).where(AdminUnit.region == region, _first_listed().is_not(None)).limit(1)) is None):
        # nothing listed there (or no such region): say so now rather than walk every entry to find none
        return ListPage(rows=[], total=0, capped=False, next_after=None, prev_before=None)
    q = (q or "").strip()
    after_key, before_key = _parse_cursor(after), _parse_cursor(before)
    direction = "before" if before_key is not None else "after" if after_key is not None else "first"
    values = {"level": level or None, "year": year or None, "region": region or None, "unit_type": unit_type or None,
              # the escaping of ``contains(q, autoescape=True)``, on a bound parameter
              "name": q.replace("/", "//").replace("%", "/%").replace("_", "/_") if q else None}
    page_query, counts_query = _page_statements(*(value is not None for value in values.values()), direction,
                                                per_page + 1, NAME_CAP, COUNT_CAP,
                                                db.engine.dialect.name == "postgresql")
    params = {name: value for name, value in values.items() if value is not None}
    if direction != "first":
        params["key_year"], params["key_id"] = before_key if before_key is not None else after_key
    rows = db.session.execute(page_query, params).all()
    shown = paging.page(rows, per_page, direction, cursor)
    total, *more_names = rows[0][len(LIST_COLUMNS):] if rows else db.session.execute(counts_query, params).one()
    return ListPage(rows=shown.rows, total=min(total, COUNT_CAP), capped=total > COUNT_CAP,
                    next_after=shown.next, prev_before=shown.prev,
                    narrowed=bool(more_names) and more_names[0] > NAME_CAP)


@functools.lru_cache(maxsize=256)
def _page_statements(level: bool, year: bool, region: bool, unit_type: bool, name: bool, direction: str,
                     limit: int, name_cap: int, count_cap: int, postgresql: bool = False):
    """The statements of a page of the public lists filtered as told (``True``: the filter is given, as the bound
    parameter of its name; ``name`` the escaped part of the unit's name; ``key_year`` and ``key_id`` the cursor's),
    read in ``direction`` (``first``, ``after`` or ``before`` the cursor), ``limit`` rows, searching ``name_cap``
    organizations and counting up to ``count_cap`` entries: the rows with the counts after the
    :data:`LIST_COLUMNS`, and the counts alone. Made once per shape, not per request."""
    # the organizations whose name matches, one more than are searched: did the name match more than that?
    matched = _matching_organizations(bindparam("name"), name_cap + 1).cte("names") if name else None
    names = select(matched.c.id).order_by(matched.c.id.desc()).limit(name_cap) if matched is not None else None
    filters = {"level": bindparam("level") if level else None, "year": bindparam("year") if year else None,
               "region": bindparam("region") if region else None,
               "unit_type": bindparam("unit_type") if unit_type else None,
               "q": _among(ListEntry.organization_id, names, postgresql) if names is not None else None}
    counted = _filtered(_joined(select(ListEntry.id), organization=False, unit=region),
                        **filters).limit(count_cap + 1).subquery()  # joins only what a filter needs
    counts = [select(func.count()).select_from(counted).scalar_subquery().label("total")]
    if matched is not None:
        counts.append(select(func.count()).select_from(matched).scalar_subquery().label("matched"))
    at = tuple_(bindparam("key_year", type_=Integer), bindparam("key_id", type_=Integer))
    if not name:
        query = _keyed(_filtered(_joined(select(*LIST_COLUMNS, *counts)), **filters), ListEntry.year, ListEntry.id,
                       at, direction)
        return query.limit(limit), select(*counts)
    # a name search sorts the few hundred entries of its organizations, then joins the page's rows alone to their
    # organization and unit; sorting on ``year + 0`` keeps PostgreSQL from walking every entry in (year, id) order
    # to find the page instead
    entry_columns = [c for c in LIST_COLUMNS if c.table is ListEntry.__table__] + [ListEntry.organization_id]
    page = _filtered(_joined(select(*entry_columns), organization=False, unit=region), **filters)
    page = _keyed(page, ListEntry.year + 0, ListEntry.id, at, direction).limit(limit).subquery("page")
    columns = [page.c[c.key] if c.table is ListEntry.__table__ else c for c in LIST_COLUMNS]
    query = (select(*columns, *counts).select_from(page)
             .join(Organization, Organization.id == page.c.organization_id)
             .outerjoin(AdminUnit, AdminUnit.id == Organization.admin_unit_id))
    return _keyed(query, page.c.year, page.c.id, None, direction), select(*counts)


def _keyed(query, year, id_, at, direction: str):
    """``query`` in the lists' order (newest year first, then newest entry; oldest first ``before`` the cursor
    ``at``), past the cursor when ``at`` is given."""
    if direction == "before":
        if at is not None:
            query = query.where(tuple_(ListEntry.year, ListEntry.id) > at)
        return query.order_by(year, id_)
    if direction == "after" and at is not None:
        query = query.where(tuple_(ListEntry.year, ListEntry.id) < at)
    return query.order_by(year.desc(), id_.desc())


def _matching_organizations(pattern, limit: int):
    """The ids of up to ``limit`` organizations whose name contains ``pattern`` (a bound parameter holding the
    text with ``/``, ``%`` and ``_`` escaped by ``/``), the most recently registered first (a subquery:
    PostgreSQL probes ``ix_list_entry_organization_id`` once per organization it yields).

    On PostgreSQL the trigram GIN index (migration 0028) answers a term of 3 characters or more; a shorter one
    (长沙) has no trigram, so the scan of the organizations backwards stops at the cap: bounded by the table of
    organizations, never by the entries. The entries of these organizations are then read by
    ``ix_list_entry_organization_id``, at most a few per organization.
    """
    return (select(Organization.id).where(Organization.name.contains(pattern, escape="/"))
            .order_by(Organization.id.desc()).limit(limit))


@dataclass(frozen=True)
class FilterValues:
    """What the public lists' filters offer: the years and the regions that have listed units."""
    years: tuple[int, ...]
    regions: tuple[str, ...]


def filter_values() -> FilterValues:
    """The years and regions that have listed units (for the public page's filters).

    The years by a loose index scan (one index probe per year, ``ix_list_entry_browse``), the regions by one
    probe per administrative unit (a small table, :func:`_first_listed`): neither reads the entries beyond the
    first found. Always current (plain data: the page remembers it while nothing is written).
    """
    years_query, regions_query = _filter_statements()
    years = tuple(y for (y,) in db.session.execute(years_query))
    regions = sorted({r for (r,) in db.session.execute(regions_query) if r})
    return FilterValues(years=years, regions=tuple(regions))


@functools.cache
def _filter_statements():
    """:func:`filter_values`' two statements, which take no parameter: built once (building them cost more than
    running them on a page made afresh)."""
    listed = ListEntry.status == "listed"
    years_cte = select(func.max(ListEntry.year).label("year")).where(listed).cte("years", recursive=True)
    below = select(func.max(ListEntry.year)).where(listed, ListEntry.year < years_cte.c.year).scalar_subquery()
    years_cte = years_cte.union_all(select(below).where(years_cte.c.year.is_not(None)))
    # unit → its organizations (index) → their entries (index), stopping at the first listed one
    return (select(years_cte.c.year).where(years_cte.c.year.is_not(None)),
            select(AdminUnit.region).where(_first_listed().is_not(None)))


def _first_listed():
    """An administrative unit's first listed entry (a scalar subquery correlated to :class:`AdminUnit`): its
    organizations (``ix_organization_admin_unit_id``), their entries (``ix_list_entry_organization_id``), stopping
    at the first (``LIMIT 1`` also keeps PostgreSQL from turning it into a join of every organization with every
    entry)."""
    return (select(ListEntry.id).join(Organization, Organization.id == ListEntry.organization_id)
            .where(Organization.admin_unit_id == AdminUnit.id, ListEntry.status == "listed").limit(1)
            .correlate(AdminUnit).scalar_subquery())


def period_label(notice: PublicNotice) -> str:
    from core.review.experts import _

    if notice.period_count == DayCount.WORKING_DAYS:
        return _("%(days)d working days", days=notice.period_days)
    return _("%(days)d days", days=notice.period_days)
