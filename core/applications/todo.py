"""What is due on applications, for the signed-in home page (:mod:`core.web.todo`): the applicant's drafts
and returned applications (with the correction window's end), the round's open campaigns; the city's queue
to examine, its step deadlines and its quota use; the province's campaign progress."""
from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from core.applications import services
from core.applications.blueprint import _status_labels
from core.extensions import db
from core.clock import aware
from core.kernel.rules import region_rules
from core.models import AdminUnit, Application, Campaign, DeadlineExtension, Role
from core.models import ApplicationStatus as S
from core.models.counters import ApplicationCount
from core.services import deadlines as step_rules
from core.web.todo import FIRST, TodoSection, item, named

#: how many of the region's newest campaigns the city and the province follow on their home page
CAMPAIGNS = 3
#: a step deadline stays on the city's home this long after it passed (flagged overdue)
PASSED_SHOWN = dt.timedelta(days=30)


def _type_name(code: str) -> str:
    unit_type = region_rules().unit_types.get(code)
    return named(unit_type) if unit_type is not None else code


def _mine(user, status: S) -> tuple[list[Application], int]:
    """The first :data:`FIRST` of the user's applications in ``status``, and how many there are."""
    where = (Application.organization_id == user.organization_id, Application.status == status)
    rows = db.session.scalars(select(Application).where(*where).options(joinedload(Application.campaign))
                              .order_by(Application.id).limit(FIRST)).all()
    count = len(rows) if len(rows) < FIRST else db.session.scalar(select(func.count()).where(*where))
    return rows, count


def _link(application: Application, closes: dt.datetime | None, at: dt.datetime) -> str:
    """The form while it may still be changed; once its deadline passed, the application's page (which says
    so): the form would only refuse."""
    if closes is not None and aware(closes) <= at:
        return url_for("applications.detail", app_id=application.id)
    return url_for("applications.edit", app_id=application.id)


def applicant_items(user, at: dt.datetime):
    if user.organization_id is None:
        return []
    out = []
    returned, n_returned = _mine(user, S.RETURNED)
    for a in returned:
        if a.return_until is not None and aware(a.return_until) <= at:
            out.append(item(_("Not resubmitted by the date set: %(type)s · %(campaign)s", type=_type_name(a.unit_type),
                              campaign=a.campaign.title), _link(a, a.return_until, at),
                            deadline=a.return_until, at=at, flag=False,
                            note=_("Reason: %(reason)s", reason=a.return_reason or "—")))
            continue
        out.append(item(_("Correct and resubmit: %(type)s · %(campaign)s", type=_type_name(a.unit_type),
                          campaign=a.campaign.title), _link(a, a.return_until, at),
                        deadline=a.return_until, at=at, note=_("Reason: %(reason)s", reason=a.return_reason or "—")))
    drafts, n_drafts = _mine(user, S.DRAFT)
    extensions = {row.campaign_id: aware(row.until) for row in db.session.scalars(select(DeadlineExtension).where(
        DeadlineExtension.organization_id == user.organization_id,
        DeadlineExtension.campaign_id.in_({a.campaign_id for a in drafts})))} if drafts else {}
    for a in drafts:
        closes = aware(a.campaign.closes_at)  # or the applicant's extension, when later
        closes = max(closes, extensions.get(a.campaign_id, closes))
        if closes <= at:  # the round closed on the draft: nothing to complete; say so, and who may extend it
            out.append(item(_("Not submitted before the round closed: %(type)s · %(campaign)s",
                              type=_type_name(a.unit_type), campaign=a.campaign.title), _link(a, closes, at),
                            deadline=closes, at=at, flag=False,
                            note=_("The draft can no longer be changed or submitted; only the province can extend "
                                   "the deadline for your unit.")))
            continue
        out.append(item(_("Complete and submit the draft: %(type)s · %(campaign)s", type=_type_name(a.unit_type),
                          campaign=a.campaign.title), _link(a, closes, at),
                        deadline=closes, at=at))
    more = (n_returned - len(returned)) + (n_drafts - len(drafts))
    if more > 0:
        out.append(item(_("%(n)d more applications to complete", n=more), url_for("applications.mine"), count=more))
    if not drafts and not returned:
        for c in services.open_campaigns(at)[:FIRST]:
            out.append(item(_("Campaign open for applications: %(campaign)s", campaign=c.title),
                            url_for("applications.mine"), deadline=c.closes_at, at=at))
    return out


def _newest_campaigns() -> list[Campaign]:
    return db.session.scalars(select(Campaign).where(Campaign.region == region_rules().region_code)
                              .order_by(Campaign.year.desc(), Campaign.id.desc()).limit(CAMPAIGNS)).all()


def city_items(user, at: dt.datetime):
    if user.admin_unit_id is None:
        return []
    out = []
    where = (Application.admin_unit_id == user.admin_unit_id, Application.status == S.SUBMITTED)
    queued = db.session.scalars(select(Application).where(*where)
                                .options(joinedload(Application.organization), joinedload(Application.campaign))
                                .order_by(Application.submitted_at, Application.id).limit(FIRST)).all()
    # issue 57: how many there are from the counters the database keeps (migration 0052), not counted afresh
    count = len(queued) if len(queued) < FIRST else db.session.scalar(
        select(func.coalesce(func.sum(ApplicationCount.n), 0)).where(
            ApplicationCount.admin_unit_id == user.admin_unit_id, ApplicationCount.status == S.SUBMITTED.value))
    campaigns = _newest_campaigns()
    steps = {c.id: step_rules.step_deadlines(c, "city", admin_unit_id=user.admin_unit_id) for c in campaigns}
    for a in queued:
        ends = [s.extended_until or s.ends for s in steps.get(a.campaign_id, [])]
        upcoming = [e for e in ends if e > at]
        out.append(item(_("Examine: %(org)s (%(type)s)", org=a.organization.name, type=_type_name(a.unit_type)),
                        url_for("applications.detail", app_id=a.id),
                        deadline=min(upcoming) if upcoming else max(ends, default=None), at=at,
                        note=a.campaign.title))
    if count > len(queued):
        out.append(item(_("%(n)d submitted applications to examine", n=count), url_for("applications.city_queue"),
                        count=count))
    for c in campaigns:
        for step in steps[c.id]:
            ends = step.extended_until or step.ends
            if ends > at - PASSED_SHOWN:
                out.append(item(_("Step deadline: %(step)s", step=step.local_title),
                                url_for("applications.city_queue", campaign=c.id), deadline=ends, at=at, note=c.title))
    unit = db.session.get(AdminUnit, user.admin_unit_id)
    for c in campaigns[:1]:
        for code in c.unit_types or []:
            quota = services.quota_status(unit, code, c.year, c)
            if quota["limit"] is not None:
                out.append(item(_("Quota for %(type)s: %(used)d of %(limit)d used", type=_type_name(code),
                                  used=quota["used"], limit=quota["limit"]),
                                url_for("applications.city_ranked", campaign=c.id), count=quota["used"],
                                note=c.title))
    return out


def province_items(user, at: dt.datetime):
    campaigns = _newest_campaigns()
    if not campaigns:
        return [item(_("No campaign yet: open one"), url_for("applications.campaigns"))]
    counts: dict[int, dict[str, int]] = {}
    total = func.sum(ApplicationCount.n)  # each round's cities added up (issue 57: the counters, migration 0052)
    for campaign_id, status, n in db.session.execute(
            select(ApplicationCount.campaign_id, ApplicationCount.status, total)
            .where(ApplicationCount.campaign_id.in_([c.id for c in campaigns]),
                   ApplicationCount.status != S.DRAFT.value)
            .group_by(ApplicationCount.campaign_id, ApplicationCount.status).having(total > 0)):
        counts.setdefault(campaign_id, {})[status] = n
    labels = _status_labels()
    out = []
    for c in campaigns:
        by_status = counts.get(c.id, {})
        progress = " · ".join(f"{labels[s]} {by_status[s]}" for s in S if s in by_status) or _("no application yet")
        out.append(item(_("Campaign: %(campaign)s", campaign=c.title),
                        url_for("applications.campaign_detail", campaign_id=c.id), deadline=c.closes_at, flag=False,
                        count=sum(by_status.values()), note=progress))
    return out


SECTIONS = (
    TodoSection(key="applications", title=_l("My applications"), roles=frozenset({Role.APPLICANT}),
                provider=applicant_items, order=10),
    TodoSection(key="city-review", title=_l("City review"), roles=frozenset({Role.CITY}), provider=city_items,
                order=10),
    TodoSection(key="campaigns", title=_l("Campaign progress"), roles=frozenset({Role.PROVINCE, Role.ADMIN}),
                provider=province_items, order=10),
)
