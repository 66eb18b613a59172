"""Several units on or off a public notice at once (issue 20), all or nothing.

Adding reaches a notice only before it starts (a unit added later would have less than the full period to be
objected to: it goes on a new notice). Taking a unit off, with a reason, puts its application back where it
was before the notice (graded by the review, or recommended for a city list). One audit row per unit; one
refusal and nothing is kept (:func:`core.services.bulk.apply_to_each`), every refusal listed.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from core.errors import NotFound, Refused
from core.extensions import db
from core.lists.notices import _text, beijing_today, candidates_for
from core.models import Application, NoticeItem, PublicNotice, ReviewResult
from core.models import ApplicationStatus as S
from core.services import audit
from core.services.bulk import apply_to_each


def _ids(values: Iterable) -> list[int]:
    return sorted({int(v) for v in values})


def accepts_units(notice: PublicNotice, at=None) -> bool:
    """Whether units may still go on ``notice``: open, and before its first day (on that day it runs already)."""
    return notice.status == "open" and beijing_today(at) < notice.starts_on


def add_units(actor: str, notice: PublicNotice, application_ids: Iterable, at=None) -> list[NoticeItem]:
    """Put the applications on ``notice`` (not yet started), each as when the notice was opened."""
    if notice.status != "open":
        raise Refused("This notice is published; units can no longer be added or taken off.")
    if not accepts_units(notice, at):
        raise Refused("The notice started on %(start)s: a unit added now would have less than the full period to be "
                      "objected to. Put it on a new notice.", start=notice.starts_on.isoformat())
    ids = _ids(application_ids)
    apps = list(db.session.scalars(select(Application).where(Application.id.in_(ids)).with_for_update()))
    if len(apps) != len(ids):
        raise NotFound("No such application.")
    allowed = {a.id for a in candidates_for(notice.level, notice.year, notice.admin_unit_id)}
    results = {r.application_id: r for r in db.session.scalars(
        select(ReviewResult).where(ReviewResult.application_id.in_(ids)))}

    def add(a: Application) -> NoticeItem:
        if a.id not in allowed:
            raise Refused("Application %(id)d cannot go on this notice: it is not at the status this list needs, "
                          "does not ask for its level and year, or is on a notice already.", id=a.id)
        result = results.get(a.id)
        item = NoticeItem(notice_id=notice.id, application_id=a.id, organization_id=a.organization_id,
                          unit_type=a.unit_type, score=result.score if result else None,
                          tier=result.tier if result else a.tier, status="in_notice")
        db.session.add(item)
        a.status = S.IN_NOTICE
        audit.record(actor, "notice.application_in_notice", "application", a.id, notice=notice.id, added=True)
        return item

    items = apply_to_each(apps, add, lambda a: f"{a.id} {a.organization.name}")
    db.session.flush()
    return items


def remove_units(actor: str, notice: PublicNotice, item_ids: Iterable, reason: str) -> None:
    """Take the units off ``notice`` before its list is published, with the reason (kept in the audit log)."""
    if notice.status == "published":
        raise Refused("This notice is published; units can no longer be added or taken off.")
    reason = _text(reason, "reason", 2, 500)
    ids = _ids(item_ids)
    items = list(db.session.scalars(select(NoticeItem).where(NoticeItem.notice_id == notice.id,
                                                             NoticeItem.id.in_(ids))))
    if len(items) != len(ids):
        raise NotFound("No such unit on this notice.")
    reviewed = set(db.session.scalars(select(ReviewResult.application_id).where(
        ReviewResult.application_id.in_([i.application_id for i in items]))))

    def remove(item: NoticeItem) -> None:
        if item.status != "in_notice":
            raise Refused("%(name)s is no longer on the notice: listed already, or taken off.",
                          name=item.organization.name)
        item.status = "removed"
        item.application.status = S.GRADED if item.application_id in reviewed else S.CITY_RECOMMENDED
        audit.record(actor, "notice.application_removed", "application", item.application_id, notice=notice.id,
                     reason=reason)

    apply_to_each(items, remove, lambda i: i.organization.name)
