"""Counts of list entries and annual filings, kept by the database in the transaction that changes them (issue 57).

The management dashboards (page and API) and the city's home page read these instead of counting every entry and
filing of the years shown. Migration 0053 creates the tables and the triggers on ``list_entry``,
``annual_filing`` and ``organization`` that keep them (PostgreSQL and SQLite), and fills them from the rows already
there; nothing in Python writes them. No foreign keys: the figures are derived from those tables. A city of
``0`` is an organization or filing with no administrative unit. A row stays, at ``n = 0``, once the last row it
counted has moved on.

- :class:`FilingCount`: annual filings by year, city, status, due date and deadline (the correction date of a
  returned one, when later: ``filings.deadline_of``). Which are overdue depends on the day asked about (the
  platform's clock, which a training instance moves), so the readers add up the open ones whose deadline is before
  it: a few rows per deadline day, not one per filing.
- :class:`ListedCount`: list entries by the organization's city, year, unit type, level and status.
- :class:`ListedOrgYear` and :class:`FiledOrgYear`: the same per organization (entries; filings submitted or
  accepted), from which the triggers work out the two counts below for the organizations a change touches.
- :class:`ListedSpan`: for the distinct organizations listed within a range of years at a set of levels (the
  quota's progress): per organization, unit type and set of levels (``levels``: a bit per level, city 1,
  provincial 2, national 4), each distinct year it is listed in, with the year before it (``prev_year``, 0 for
  none). An organization is listed within ``[start, end]`` exactly when one of its years there has its previous
  year before ``start``: one row per organization in the sum.
- :class:`NationalCount`: the existing national units not filed in a year (``filings.unfiled_national_units``).
  Per city, ``kind = "listed"`` counts the organizations by the first year they were on a national list; ``kind =
  "filed"`` counts, per year after that, the organizations that filed that year for every unit type they were
  nationally listed as before it. Those not filed in year Y: listed before Y, less filed in Y.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models.organizations import Organization

#: a level's bit in :attr:`ListedSpan.levels`
LEVEL_BITS = {"city": 1, "provincial": 2, "national": 4}
#: :attr:`AnnualFiling.admin_unit_id` or :attr:`Organization.admin_unit_id` None, as the counts store it
NO_UNIT = 0


class FilingCount(db.Model):
    __tablename__ = "filing_count"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    admin_unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    due_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    #: ``filings.deadline_of``: the correction date of a returned filing when later than its due date
    deadline: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


class ListedCount(db.Model):
    __tablename__ = "listed_count"

    #: the organization's city
    admin_unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    unit_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    level: Mapped[str] = mapped_column(String(20), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


class ListedOrgYear(db.Model):
    __tablename__ = "listed_org_year"

    organization_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    unit_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    level: Mapped[str] = mapped_column(String(20), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


class FiledOrgYear(db.Model):
    __tablename__ = "filed_org_year"

    organization_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    unit_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(default=0)


class ListedSpan(db.Model):
    __tablename__ = "listed_span"

    admin_unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    unit_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    levels: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    prev_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(default=0)


class NationalCount(db.Model):
    __tablename__ = "national_count"

    admin_unit_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: ``listed`` (by the first year on a national list) or ``filed`` (filed that year for every such type)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(default=0)


class CountDelta:
    """On PostgreSQL the triggers add a change of the four counts above to their ``…_delta`` table (an insert: no
    row of a count changes many times in one transaction, each change leaving a version the next steps over) and
    add them up into the counts when the transaction commits (a deferred trigger on :class:`CountFold`; migration
    0053). Between the two, within the transaction that made them, :mod:`core.management.counts` reads the count
    and its deltas together; committed, a delta table is empty. SQLite changes the counts in place."""

    id: Mapped[int] = mapped_column(primary_key=True)
    k: Mapped[int]


class FilingCountDelta(CountDelta, db.Model):
    __tablename__ = "filing_count_delta"

    year: Mapped[int]
    admin_unit_id: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)


class ListedCountDelta(CountDelta, db.Model):
    __tablename__ = "listed_count_delta"

    admin_unit_id: Mapped[int]
    year: Mapped[int]
    unit_type: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))


class ListedSpanDelta(CountDelta, db.Model):
    __tablename__ = "listed_span_delta"

    admin_unit_id: Mapped[int]
    unit_type: Mapped[str] = mapped_column(String(40))
    levels: Mapped[int]
    year: Mapped[int]
    prev_year: Mapped[int]


class NationalCountDelta(CountDelta, db.Model):
    __tablename__ = "national_count_delta"

    admin_unit_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(8))
    year: Mapped[int]


class CountFold(db.Model):
    """The transaction (``txid_current()``) that added deltas, once: its row fires the fold at commit."""

    __tablename__ = "count_fold"

    xid: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


#: each count and the table of its changes not yet added up (PostgreSQL)
DELTAS = {FilingCount: FilingCountDelta, ListedCount: ListedCountDelta, ListedSpan: ListedSpanDelta,
          NationalCount: NationalCountDelta}


# The organizations of an area by name, in the order the removal form's name search walks them (migration 0053;
# declared here, beside the migration's other indexes, rather than in core/models/organizations.py).
Index("ix_organization_name_uscc", Organization.name, Organization.uscc)
Index("ix_organization_unit_name", Organization.admin_unit_id, Organization.name, Organization.uscc)
