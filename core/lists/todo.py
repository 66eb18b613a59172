"""What is due on notices and lists, for the signed-in home page (:mod:`core.web.todo`): the province's
running notices with their open objections, and its national recommendation deadline; the objections a city's
units face, and the city list a city bureau publishes itself with the units it recommended in its city round (Shanxi
004_7a8ddd82f611ab67.txt 第十二条); the recommendations a national instance imported, for the ministry."""
from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.clock import end_of_day, this_year
from core.extensions import db
from core.kernel.rules import region_rules
from core.lists import keys, recommend
from core.lists import notices as list_notices
from core.models import (
    Application,
    NoticeItem,
    Objection,
    PublicNotice,
    RecommendationImport,
    Role,
)
from core.plugins.types import Level
from core.web.todo import FIRST, TodoSection, item


def _open_objections(notice_ids) -> dict[int, int]:
    if not notice_ids:
        return {}
    return dict(db.session.execute(select(Objection.notice_id, func.count()).where(
        Objection.notice_id.in_(notice_ids), Objection.status == "open").group_by(Objection.notice_id)).all())


def province_items(user, at: dt.datetime):
    notices = db.session.scalars(select(PublicNotice).where(
        PublicNotice.region == region_rules().region_code, PublicNotice.status != "published",
        PublicNotice.admin_unit_id.is_(None)).order_by(PublicNotice.ends_on, PublicNotice.id).limit(FIRST)).all()
    objections = _open_objections([n.id for n in notices])
    out = []
    for n in notices:
        ends = end_of_day(n.ends_on)
        title = (_("Public notice running: %(title)s", title=n.title) if ends > at
                 else _("Notice ended: publish the list %(title)s", title=n.title))
        out.append(item(title, url_for("lists.manage_notice", notice_id=n.id), deadline=ends, flag=False,
                        count=objections.get(n.id, 0),
                        note=_("%(n)d open objections", n=objections.get(n.id, 0))))
    return out


def recommendation_items(user, at: dt.datetime):
    found = recommend.deadline(this_year())
    if found is None:
        return []
    return [item(_("Recommend units to the national list: %(title)s", title=found.title),
                 url_for("lists.recommendation"), deadline=found.ends, at=at)]


def city_items(user, at: dt.datetime):
    if user.admin_unit_id is None:
        return []
    where = (Objection.status == "open", Application.admin_unit_id == user.admin_unit_id)
    base = select(Objection).join(NoticeItem, Objection.item_id == NoticeItem.id).join(
        Application, NoticeItem.application_id == Application.id).where(*where)
    rows = db.session.execute(
        base.with_only_columns(Objection.notice_id, PublicNotice.title, PublicNotice.ends_on, func.count())
        .join(PublicNotice, Objection.notice_id == PublicNotice.id)
        .group_by(Objection.notice_id, PublicNotice.title, PublicNotice.ends_on)
        .order_by(PublicNotice.ends_on).limit(FIRST)).all()
    return [item(_("%(n)d objections to your units on the notice %(title)s", n=n, title=title),
                 url_for("lists.public_notice", notice_id=notice_id), deadline=end_of_day(ends_on), flag=False,
                 count=n) for notice_id, title, ends_on, n in rows]


def city_list_items(user, at: dt.datetime):
    """The city's own list, where its bureau publishes it (Shanxi 004 第十二条: 发布市层面绿色工厂名单, a decision): the
    units it recommended in the year's city round wait for it (what the 市级名单 page offers)."""
    year = this_year()
    if user.admin_unit_id is None or Level.CITY.value not in region_rules().list_levels \
            or list_notices.publication(Level.CITY.value, year).publisher != "city":
        return []
    waiting = list_notices.candidates_for(Level.CITY.value, year, user.admin_unit_id)
    if not waiting:
        return []
    return [item(_("Publish the city list: %(n)d units recommended in the city round", n=len(waiting)),
                 url_for("lists.city_lists", level=Level.CITY.value, year=year), count=len(waiting))]


def ministry_items(user, at: dt.datetime):
    rows = db.session.scalars(select(RecommendationImport).order_by(RecommendationImport.id.desc())
                              .limit(FIRST)).all()
    names = keys.province_names(english=getattr(get_locale(), "language", "") == "en") if rows else {}
    out = [item(_("Read the national candidates recommended by %(province)s for %(year)d",
                  province=names.get(r.province) or r.province_name, year=r.year), url_for("lists.imports"),
                count=len(r.application_ids or [])) for r in rows]
    if not rows:
        out.append(item(_("Import a province's signed recommendation"), url_for("lists.imports")))
    return out


SECTIONS = (
    # the ministry runs the national notice of a national instance (办法 第十二条): its running notice, its open
    # objections and its publication are on its to-do page too (the walk found none there: issue 42)
    TodoSection(key="notices", title=_l("Public notices"), roles=frozenset({Role.PROVINCE, Role.MINISTRY, Role.ADMIN}),
                provider=province_items, order=30),
    TodoSection(key="recommendation", title=_l("National recommendation"), roles=frozenset({Role.PROVINCE, Role.ADMIN}),
                provider=recommendation_items, order=40),
    TodoSection(key="objections", title=_l("Objections"), roles=frozenset({Role.CITY}), provider=city_items,
                order=30),
    TodoSection(key="city-list", title=_l("City list"), roles=frozenset({Role.CITY}), provider=city_list_items,
                order=35),
    TodoSection(key="imports", title=_l("Provincial recommendations"), roles=frozenset({Role.MINISTRY, Role.ADMIN}),
                provider=ministry_items, order=10),
)
