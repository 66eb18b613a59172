"""What is due in the review, for the signed-in home page (:mod:`core.web.todo`): the expert's assignments
to score, the evaluator firm's requests to decide and engagements to report on, the province's panels."""
from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload

from core.extensions import db
from core.kernel.rules import region_rules
from core.models import (
    Application,
    Campaign,
    EvaluationReport,
    EvaluationRequest,
    ExpertAssignment,
    ExpertProfile,
    Role,
)
from core.models import (
    ApplicationStatus as S,
)
from core.models.counters import ApplicationCount
from core.web.todo import FIRST, TodoSection, item

_APPLICATION = (joinedload(Application.organization), joinedload(Application.campaign))


def _first(query, count_query) -> tuple[list, int]:
    rows = db.session.scalars(query.limit(FIRST)).all()
    return rows, len(rows) if len(rows) < FIRST else db.session.scalar(count_query)


def expert_items(user, at: dt.datetime):
    where = (ExpertProfile.user_id == user.id, ExpertAssignment.status == "assigned")
    rows, count = _first(
        select(ExpertAssignment).join(ExpertProfile).where(*where)
        .options(joinedload(ExpertAssignment.application).options(*_APPLICATION)).order_by(ExpertAssignment.id),
        select(func.count()).select_from(ExpertAssignment).join(ExpertProfile).where(*where))
    out = [item(_("Score: %(org)s", org=row.application.organization.name),
                url_for("review.score", assignment_id=row.id), at=at, note=row.application.campaign.title)
           for row in rows]
    if count > len(rows):
        out.append(item(_("%(n)d assignments to score", n=count), url_for("review.my_assignments"), count=count))
    return out


def evaluator_items(user, at: dt.datetime):
    if user.evaluator_firm_id is None:
        return []
    firm = EvaluationRequest.firm_id == user.evaluator_firm_id
    no_report = ~exists().where(EvaluationReport.request_id == EvaluationRequest.id)
    out = []
    for status, where, title, url in (
            ("requested", (firm, EvaluationRequest.status == "requested"),
             lambda r: _("Accept or decline the request of %(org)s", org=r.application.organization.name),
             lambda r: url_for("review.engagements")),
            ("accepted", (firm, EvaluationRequest.status == "accepted", no_report),
             lambda r: _("File the evaluation report for %(org)s", org=r.application.organization.name),
             lambda r: url_for("review.case_file", app_id=r.application_id))):
        rows, count = _first(
            select(EvaluationRequest).where(*where).options(joinedload(EvaluationRequest.application)
                                                            .options(*_APPLICATION)).order_by(EvaluationRequest.id),
            select(func.count()).select_from(EvaluationRequest).where(*where))
        # the firm's work serves the application, which the applicant must submit by the round's deadline
        out += [item(title(r), url(r), deadline=r.application.campaign.closes_at, at=at,
                     note=r.application.campaign.title) for r in rows]
        if count > len(rows):
            out.append(item(_("%(n)d more evaluation requests", n=count - len(rows)), url_for("review.engagements"),
                            count=count - len(rows)))
    return out


def panel_items(user, at: dt.datetime):
    counts = dict(db.session.execute(  # issue 57: the counters the database keeps (migration 0052)
        select(ApplicationCount.status, func.sum(ApplicationCount.n))
        .join(Campaign, Campaign.id == ApplicationCount.campaign_id)
        .where(Campaign.region == region_rules().region_code,
               ApplicationCount.status.in_([S.CITY_RECOMMENDED.value, S.UNDER_REVIEW.value]))
        .group_by(ApplicationCount.status)).all())
    out = []
    if counts.get(S.CITY_RECOMMENDED):
        n = counts[S.CITY_RECOMMENDED]
        out.append(item(_("%(n)d applications recommended by the cities: assign experts", n=n),
                        url_for("review.queue"), count=n))
    if counts.get(S.UNDER_REVIEW):
        n = counts[S.UNDER_REVIEW]
        out.append(item(_("%(n)d expert panels under way: record their results", n=n), url_for("review.queue"),
                        count=n))
    return out


SECTIONS = (
    TodoSection(key="assignments", title=_l("My reviews"), roles=frozenset({Role.EXPERT}), provider=expert_items,
                order=10),
    TodoSection(key="engagements", title=_l("Evaluation requests"), roles=frozenset({Role.EVALUATOR}),
                provider=evaluator_items, order=10),
    # the ministry reviews the candidates a national instance imported (the walk reached them only by the menu)
    TodoSection(key="panels", title=_l("Expert panels"), roles=frozenset({Role.PROVINCE, Role.MINISTRY, Role.ADMIN}),
                provider=panel_items, order=20),
)
