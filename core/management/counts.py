"""The dashboards' and the home page's figures, read from the counts the database keeps
(:mod:`core.models.management_counts`, migration 0053; issue 57).

Each read is a handful of rows per city, year, status and day, whatever the number of entries and filings: the
counts are kept by the database's triggers in the transaction that changes an entry, a filing or an
organization's city. Which open filings are overdue depends on the day asked about (the platform's clock, which a
training instance moves), so their counts are kept by deadline day and added up for the days before it.

On PostgreSQL a transaction's changes to a count wait in its ``…_delta`` table until it commits
(:class:`core.models.management_counts.CountDelta`): a count is read with them, so the transaction that made a
change reads it too (a committed delta table is empty).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import case, func, literal, select, union_all

from core.extensions import db
from core.models import AnnualFiling
from core.models.lists import STAGE
from core.models.management import OPEN, OVERDUE, SUBMITTED
from core.models.management_counts import (
    DELTAS,
    LEVEL_BITS,
    NO_UNIT,
    FilingCount,
    ListedCount,
    ListedSpan,
    NationalCount,
)



def _unit(value: int) -> int | None:
    return None if value == NO_UNIT else value


def _stored(admin_unit_id: int | None) -> int:
    return NO_UNIT if admin_unit_id is None else admin_unit_id


def _counted(model):
    """``model``'s rows as the transaction sees them: on PostgreSQL with its changes not yet added up."""
    table = model.__table__
    if db.session.get_bind().dialect.name != "postgresql":
        return table
    delta = DELTAS[model].__table__
    keys = [c.name for c in table.c if c.name != "n"]
    rows = union_all(select(*(table.c[k] for k in keys), table.c.n),
                     select(*(delta.c[k] for k in keys), delta.c.k.label("n"))).subquery()
    return (select(*(rows.c[k] for k in keys), func.sum(rows.c.n).label("n"))
            .group_by(*(rows.c[k] for k in keys)).subquery(model.__tablename__))


def shown_status(t, on: dt.date):
    """A filing count's status as shown on ``on``: an open one whose deadline has passed is overdue
    (``filings.status_of``)."""
    return case((t.c.status.in_(OPEN) & (t.c.deadline < on), literal(OVERDUE)), else_=t.c.status)


def filings_by_city(year: int, admin_unit_id: int | None, on: dt.date) -> dict[int | None, dict[str, int]]:
    """{admin unit id: {status as shown on ``on``: filings}} of ``year`` (the cities and statuses that have some)."""
    t = _counted(FilingCount)
    status = shown_status(t, on).label("shown")
    query = (select(t.c.admin_unit_id, status, func.sum(t.c.n)).where(t.c.year == year)
             .group_by(t.c.admin_unit_id, status).having(func.sum(t.c.n) > 0))
    if admin_unit_id is not None:
        query = query.where(t.c.admin_unit_id == admin_unit_id)
    out: dict[int | None, dict[str, int]] = defaultdict(dict)
    for unit, shown, n in db.session.execute(query):
        out[_unit(unit)][shown] = int(n)
    return dict(out)


def latest_due_on(year: int, admin_unit_id: int | None = None) -> dt.date | None:
    """The latest due date of ``year``'s filings (of one city): a year opened late is filed by the date given."""
    t = _counted(FilingCount)
    query = select(func.max(t.c.due_on)).where(t.c.year == year, t.c.n > 0)
    if admin_unit_id is not None:
        query = query.where(t.c.admin_unit_id == _stored(admin_unit_id))
    return db.session.scalar(query)


def submitted_filings(admin_unit_id: int) -> tuple[int, int | None]:
    """How many of the city's filings wait for its review, and the latest year among them."""
    t = _counted(FilingCount)
    n, year = db.session.execute(select(func.sum(t.c.n), func.max(t.c.year)).where(
        t.c.admin_unit_id == admin_unit_id, t.c.status == SUBMITTED, t.c.n > 0)).one()
    return int(n or 0), year


def overdue_groups(admin_unit_id: int | None, on: dt.date) -> list[tuple[str, dt.date]]:
    """(status, due date) of the filings that show as overdue on ``on``: stored as overdue, or open with their
    deadline before it. Each is one range of ``ix_annual_filing_status_due`` (``ix_annual_filing_unit_status_due``
    for one city)."""
    t = _counted(FilingCount)
    query = (select(t.c.status, t.c.due_on).distinct()
             .where(t.c.n > 0, (t.c.status == OVERDUE) | (t.c.status.in_(OPEN) & (t.c.deadline < on)))
             .order_by(t.c.status, t.c.due_on))
    if admin_unit_id is not None:
        query = query.where(t.c.admin_unit_id == admin_unit_id)
    return [(status, due_on) for status, due_on in db.session.execute(query)]


def latest_overdue(admin_unit_id: int | None, on: dt.date, deadline, limit: int) -> list[int]:
    """The ids of the ``limit`` latest filings that show as overdue on ``on`` (``deadline``: the SQL of
    ``filings.deadline_of``): per status and due date the newest ``limit`` by the index, then the newest of those."""
    parts = []
    for status, due_on in overdue_groups(admin_unit_id, on):
        part = select(AnnualFiling.id).where(AnnualFiling.status == status, AnnualFiling.due_on == due_on)
        if admin_unit_id is not None:
            part = part.where(AnnualFiling.admin_unit_id == admin_unit_id)
        if status != OVERDUE:
            part = part.where(deadline < on)
        parts.append(select(part.order_by(AnnualFiling.id.desc()).limit(limit).subquery().c.id))
    if not parts:
        return []
    ids = union_all(*parts).subquery()
    return list(db.session.scalars(select(ids.c.id).order_by(ids.c.id.desc()).limit(limit)))


def listed_by_city(first: int, until: int, admin_unit_id: int | None = None,
                   level: str | None = None) -> list[tuple[int | None, int, str, int]]:
    """(city, year, unit type, entries) of the entries of the years ``first``–``until`` (not a stage's), by the
    organization's city."""
    t = _counted(ListedCount)
    query = (select(t.c.admin_unit_id, t.c.year, t.c.unit_type, func.sum(t.c.n))
             .where(t.c.year >= first, t.c.year <= until, t.c.status != STAGE)
             .group_by(t.c.admin_unit_id, t.c.year, t.c.unit_type).having(func.sum(t.c.n) > 0))
    if admin_unit_id is not None:
        query = query.where(t.c.admin_unit_id == admin_unit_id)
    if level:
        query = query.where(t.c.level == level)
    return [(_unit(unit), year, unit_type, int(n)) for unit, year, unit_type, n in db.session.execute(query)]


def levels_mask(levels: Iterable[str]) -> int:
    return sum({LEVEL_BITS.get(str(level), 0) for level in levels})


def listed_organizations(levels: Iterable[str], start: int, end: int,
                         admin_unit_id: int | None = None) -> dict[tuple[int | None, str], int]:
    """{(city, unit type): distinct organizations listed in a year of ``start``–``end`` at one of ``levels``} (not a
    stage's entries): each organization counted once, by its first year in the range (:class:`ListedSpan`)."""
    t = _counted(ListedSpan)
    query = (select(t.c.admin_unit_id, t.c.unit_type, func.sum(t.c.n))
             .where(t.c.levels == levels_mask(levels), t.c.year >= start, t.c.year <= end, t.c.prev_year < start)
             .group_by(t.c.admin_unit_id, t.c.unit_type).having(func.sum(t.c.n) > 0))
    if admin_unit_id is not None:
        query = query.where(t.c.admin_unit_id == admin_unit_id)
    return {(_unit(unit), unit_type): int(n) for unit, unit_type, n in db.session.execute(query)}


def unfiled_national(admin_unit_id: int, year: int) -> int:
    """How many existing national units of the city have not filed ``year``'s table (submitted or accepted):
    ``len(filings.unfiled_national_units(admin_unit_id, year))``."""
    t = _counted(NationalCount)
    listed = case((t.c.kind == "listed", t.c.n), else_=-t.c.n)
    return int(db.session.scalar(select(func.coalesce(func.sum(listed), 0)).where(
        t.c.admin_unit_id == admin_unit_id,
        ((t.c.kind == "listed") & (t.c.year < year)) | ((t.c.kind == "filed") & (t.c.year == year)))) or 0)
