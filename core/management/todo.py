"""What is due in the management of listed units, for the signed-in home page (:mod:`core.web.todo`): the
unit's annual filings (due, returned, overdue); the city's filings to review and complaints to verify."""
from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.extensions import db
from core.clock import end_of_day
from core.management import counts, filings
from core.models import AnnualFiling, Complaint, Role
from core.web.todo import FIRST, TodoSection, item


def applicant_items(user, at: dt.datetime):
    if user.organization_id is None:
        return []
    rows = db.session.scalars(select(AnnualFiling).where(
        AnnualFiling.organization_id == user.organization_id,
        AnnualFiling.status.in_([*filings.OPEN, filings.OVERDUE])).order_by(AnnualFiling.due_on).limit(FIRST)).all()
    return [item(_("Annual filing for %(year)d", year=r.year) if r.status != filings.RETURNED
                 else _("Correct the annual filing for %(year)d", year=r.year),
                 url_for("management.filing_page", ident=r.id), deadline=end_of_day(filings.deadline_of(r)), at=at,
                 note=r.review_note or "") for r in rows]


def city_items(user, at: dt.datetime):
    if user.admin_unit_id is None:
        return []
    out = []
    submitted = counts.submitted_filings(user.admin_unit_id)  # kept by the database (issue 57)
    if submitted[0]:
        out.append(item(_("%(n)d annual filings to review", n=submitted[0]),
                        url_for("management.filings_list", status=filings.SUBMITTED, year=submitted[1]),
                        count=submitted[0]))
    received = db.session.scalar(select(func.count()).where(Complaint.admin_unit_id == user.admin_unit_id,
                                                            Complaint.status == "received"))
    if received:
        out.append(item(_("%(n)d complaints to verify", n=received), url_for("management.complaints_list"),
                        count=received))
    return out


SECTIONS = (
    TodoSection(key="filings", title=_l("Annual filings"), roles=frozenset({Role.APPLICANT}),
                provider=applicant_items, order=20),
    TodoSection(key="management", title=_l("Listed units"), roles=frozenset({Role.CITY}), provider=city_items,
                order=20),
)
