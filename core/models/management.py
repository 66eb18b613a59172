"""Listed units over the years (动态管理): annual filings, removals, complaints, changes, re-reviews.

Sources: 004_7a8ddd82f611ab67.txt 第十八条–第二十五条; 001_3f04a56fc6693327.txt 四.1–四.2 and
附件1 二(二) (bottom 5 %); 002_9c75e1d2ebfbdf50.txt 三(六) (三年一复核). Business rules live in
:mod:`core.management`; these are the rows they keep.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import JSONType, TimestampMixin, UTCDateTime
from core.models.organizations import AdminUnit, Organization


#: an annual filing's statuses, as stored (core.management.filings moves a filing through them; the dashboards'
#: counts, core.management.counts, read them)
DUE, SUBMITTED, RETURNED, ACCEPTED, OVERDUE, CLOSED = "due", "submitted", "returned", "accepted", "overdue", "closed"
OPEN = (DUE, RETURNED)
FILED = (SUBMITTED, ACCEPTED)


class AnnualFiling(TimestampMixin, db.Model):
    """One listed unit's 年度动态管理表 for one year (seed 004 第十八条: by 04-15 every year).

    Rows are opened for every listed unit at the start of the filing year; ``levels`` are the
    lists it was on then. Status: ``due`` → ``submitted`` → ``accepted`` (city review) or
    ``returned`` (back to the unit until ``correct_until``); ``overdue`` once the due date
    passed without a filing (a removal proposal follows, seed 004 第二十一条 (二)).
    """

    __tablename__ = "annual_filing"
    __table_args__ = (
        UniqueConstraint("organization_id", "unit_type", "year"),
        Index("ix_annual_filing_progress", "year", "admin_unit_id", "status"),
        # the filings list, paged by (year, id): province, city bureau, with a status (migration 0031)
        Index("ix_annual_filing_year_page", "year", "id"),
        Index("ix_annual_filing_unit_page", "admin_unit_id", "year", "id"),
        Index("ix_annual_filing_status_page", "year", "status", "id"),
        # the latest overdue filings of a status and due date, of all cities or of one (the dashboards' open
        # items, migration 0053)
        Index("ix_annual_filing_status_due", "status", "due_on", "id"),
        Index("ix_annual_filing_unit_status_due", "admin_unit_id", "status", "due_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    unit_type: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"))
    #: the list levels the unit was on when the year was opened
    levels: Mapped[list] = mapped_column(JSONType, default=list)
    status: Mapped[str] = mapped_column(String(20), default=DUE)
    due_on: Mapped[dt.date] = mapped_column(Date)
    #: a returned filing may be corrected until this day (end of day, Beijing time)
    correct_until: Mapped[dt.date | None] = mapped_column(Date)
    industry: Mapped[str | None] = mapped_column(String(80))
    #: indicator values by table number (the scoring engine's input)
    values: Mapped[dict] = mapped_column(JSONType, default=dict)
    #: other key figures of the table (output value, energy and water use, remarks)
    key_data: Mapped[dict] = mapped_column(JSONType, default=dict)
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    complete: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    submitted_by: Mapped[str | None] = mapped_column(String(120))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    reviewed_by: Mapped[str | None] = mapped_column(String(120))
    review_note: Mapped[str | None] = mapped_column(String(500))
    #: optimistic lock: a save racing a submit or a review fails instead of overwriting it
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    organization: Mapped[Organization] = relationship()
    admin_unit: Mapped[AdminUnit | None] = relationship()


class FilingReminder(db.Model):
    """A reminder sent for a filing ``days_before`` working days before its due date (one per filing and N)."""

    __tablename__ = "filing_reminder"
    __table_args__ = (UniqueConstraint("filing_id", "days_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("annual_filing.id"), index=True)
    days_before: Mapped[int]
    remind_on: Mapped[dt.date] = mapped_column(Date)
    sent_on: Mapped[dt.date] = mapped_column(Date)
    message: Mapped[str] = mapped_column(String(500))


class Removal(TimestampMixin, db.Model):
    """Taking a unit off one or more lists, with its reason, evidence and approver.

    ``proposed`` (city or province, or a job: overdue filing, bottom 5 %) → ``approved`` by the
    province → ``published`` with the next list (seed 004 第二十一条); or ``rejected``. An
    immediate removal (重大 accident, level II incident: 第十九条–第二十一条) is published at
    approval. ``source``/``source_ref`` name what raised it, so jobs never propose twice.
    """

    __tablename__ = "removal"
    __table_args__ = (
        UniqueConstraint("source", "source_ref"),
        Index("ix_removal_status", "status", "admin_unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    #: the unit's credit code and name when the removal was raised
    uscc: Mapped[str] = mapped_column(String(18))
    org_name: Mapped[str] = mapped_column(String(200))
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"))
    #: None: every unit type the organization is listed as
    unit_type: Mapped[str | None] = mapped_column(String(40))
    #: the list levels it leaves
    levels: Mapped[list] = mapped_column(JSONType, default=list)
    sanction_code: Mapped[str] = mapped_column(String(80))
    sanction_title: Mapped[str] = mapped_column(String(300))
    sanction_source: Mapped[str] = mapped_column(String(40))
    cite: Mapped[str] = mapped_column(String(500), default="")
    immediate: Mapped[bool] = mapped_column(default=False)
    ban_years: Mapped[int] = mapped_column(default=0)
    year: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    evidence_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    #: manual, filing, ranking, complaint, change, rereview
    source: Mapped[str] = mapped_column(String(20), default="manual")
    source_ref: Mapped[str | None] = mapped_column(String(80))
    proposed_by: Mapped[str] = mapped_column(String(120))
    proposed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(String(500))
    published_by: Mapped[str | None] = mapped_column(String(120))
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    notice_no: Mapped[str | None] = mapped_column(String(100))
    #: the list entries it took off (ids), filled at publication
    entries: Mapped[list] = mapped_column(JSONType, default=list)
    ban_id: Mapped[int | None] = mapped_column(ForeignKey("ban.id"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    organization: Mapped[Organization] = relationship()
    admin_unit: Mapped[AdminUnit | None] = relationship()


class Complaint(TimestampMixin, db.Model):
    """A real-name complaint (实名举报, seed 004 第二十五条) about a listed unit or a third-party firm.

    ``received`` → the city verifies → ``dismissed``, ``rectification`` (until
    ``rectify_until``; then ``rectified``, or ``removal``), or ``removal`` (a removal proposal,
    or for a firm a 3-year ban on its reports, 第二十四条).
    """

    __tablename__ = "complaint"
    __table_args__ = (Index("ix_complaint_status", "status", "admin_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: unit | evaluator
    subject_kind: Mapped[str] = mapped_column(String(20), default="unit")
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    evaluator_firm_id: Mapped[int | None] = mapped_column(ForeignKey("evaluator_firm.id"))
    subject_uscc: Mapped[str] = mapped_column(String(18))
    subject_name: Mapped[str] = mapped_column(String(200))
    #: the city bureau that handles it (where the subject is)
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"))
    complainant_name: Mapped[str] = mapped_column(String(100))
    complainant_contact: Mapped[str] = mapped_column(String(120))
    content: Mapped[str] = mapped_column(Text)
    evidence_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="received")
    filed_by: Mapped[str] = mapped_column(String(120))
    finding: Mapped[str | None] = mapped_column(Text)
    verified_by: Mapped[str | None] = mapped_column(String(120))
    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    rectify_until: Mapped[dt.date | None] = mapped_column(Date)
    rectified_on: Mapped[dt.date | None] = mapped_column(Date)
    rectification_note: Mapped[str | None] = mapped_column(Text)
    removal_id: Mapped[int | None] = mapped_column(ForeignKey("removal.id"))
    ban_id: Mapped[int | None] = mapped_column(ForeignKey("ban.id"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    admin_unit: Mapped[AdminUnit | None] = relationship()


class ChangeReport(TimestampMixin, db.Model):
    """A listed unit reports a change of name, scope, address or boundary (seed 004 第二十三条).

    The city reviews it: ``accepted`` (still meets the standard; name and address are applied
    to the organization) or ``removal_proposed``. Changes touching a list above the city's are
    sent up with the next recommendation (``send_up_year``).
    """

    __tablename__ = "change_report"
    __table_args__ = (Index("ix_change_report_status", "status", "admin_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"))
    #: name, scope, address, boundary
    kinds: Mapped[list] = mapped_column(JSONType, default=list)
    before: Mapped[dict] = mapped_column(JSONType, default=dict)
    after: Mapped[dict] = mapped_column(JSONType, default=dict)
    description: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="reported")
    reported_by: Mapped[str] = mapped_column(String(120))
    reviewed_by: Mapped[str | None] = mapped_column(String(120))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    review_note: Mapped[str | None] = mapped_column(String(500))
    #: the levels above the city's that the change touches (sent up with the next recommendation)
    higher_levels: Mapped[list] = mapped_column(JSONType, default=list)
    send_up_year: Mapped[int | None]
    removal_id: Mapped[int | None] = mapped_column(ForeignKey("removal.id"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    organization: Mapped[Organization] = relationship()


class ReReview(TimestampMixin, db.Model):
    """A periodic on-site re-review where the region sets a cycle (Hubei 三年一复核, seed 002 三(六)).

    ``due`` → ``scheduled`` (the city sets the on-site date) → ``passed`` or ``failed``
    (reported to the province with the reason; a removal proposal follows).
    """

    __tablename__ = "re_review"
    __table_args__ = (UniqueConstraint("organization_id", "unit_type", "cycle_year"),
                      Index("ix_re_review_status", "cycle_year", "admin_unit_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    unit_type: Mapped[str] = mapped_column(String(40))
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"))
    cycle_year: Mapped[int]
    listed_year: Mapped[int]
    levels: Mapped[list] = mapped_column(JSONType, default=list)
    #: the provision that sets the cycle
    basis: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20), default="due")
    scheduled_on: Mapped[dt.date | None] = mapped_column(Date)
    result_note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(120))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    removal_id: Mapped[int | None] = mapped_column(ForeignKey("removal.id"))
    #: the province's technical review of the city's result (core/management/rereview_opinion.py): the experts
    #: drawn from the pool ([{id, name}]), then their opinion (passed | rectify | fail) with its text
    opinion_experts: Mapped[list | None] = mapped_column(JSONType)
    opinion: Mapped[str | None] = mapped_column(String(20))
    opinion_note: Mapped[str | None] = mapped_column(Text)
    opinion_by: Mapped[str | None] = mapped_column(String(120))
    opinion_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    organization: Mapped[Organization] = relationship()


class ManagementFile(TimestampMixin, db.Model):
    """An evidence PDF attached to a removal, complaint, change report or re-review."""

    __tablename__ = "management_file"
    __table_args__ = (Index("ix_management_file_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int]
    original_name: Mapped[str] = mapped_column(String(200))
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int]
    uploaded_by: Mapped[str] = mapped_column(String(120))
