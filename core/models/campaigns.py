"""Campaigns (申报批次) and applications."""
from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import Enum, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import JSONType, TimestampMixin, UTCDateTime, VersionMixin
from core.models.organizations import AdminUnit, Organization


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    CITY_RECOMMENDED = "city_recommended"
    REJECTED = "rejected"
    UNDER_REVIEW = "under_review"
    GRADED = "graded"
    IN_NOTICE = "in_notice"
    LISTED = "listed"
    WITHDRAWN = "withdrawn"


class Campaign(TimestampMixin, db.Model):
    """A call for applications for one year and level, with its windows."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(40), index=True)
    year: Mapped[int]
    level: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    unit_types: Mapped[list] = mapped_column(JSONType, default=list)
    opens_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    #: applicants' submission deadline (the instant after which submitting is refused)
    closes_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    #: other deadlines of the round {code: ISO date}, copied from the region plugin
    deadlines: Mapped[dict] = mapped_column(JSONType, default=dict)
    #: why province staff changed a deadline of this campaign {code or "closes_at": reason} (audited)
    deadline_reasons: Mapped[dict] = mapped_column(JSONType, default=dict)
    #: the notice the province opened the round from (issue 43): 文号, title, issuer, date and the file itself
    #: (a key of the file store, ``notices/<32 hex>``); None for a round opened without one
    notice_no: Mapped[str | None] = mapped_column(String(80))
    notice_title: Mapped[str | None] = mapped_column(String(300))
    notice_issuer: Mapped[str | None] = mapped_column(String(200))
    notice_issued_on: Mapped[dt.date | None]
    notice_file: Mapped[str | None] = mapped_column(String(120))
    notice_file_name: Mapped[str | None] = mapped_column(String(200))
    #: what the notice sets for this round against the region's standing rules, each with its article:
    #: [{"kind": "deadline" | "quota" | "condition", "key": …, "value": …, "article": …}]
    #: (:class:`core.plugins.applied.RoundNotice`; written once, when the round opens, audited)
    notice_rules: Mapped[list] = mapped_column(JSONType, default=list)


#: PostgreSQL: application pages filled to 50 %, so a city re-importing its summary table (every draft of a page
#: changed in one transaction) finds room for each new row version beside the old one and writes none of the
#: table's thirteen index entries again (a heap-only tuple; migration 0033)
APPLICATION_FILLFACTOR = 50


#: the statuses of a city's recommended applications (services.RECOMMENDED), as SQL (migration 0051)
_RECOMMENDED = "status IN ('city_recommended', 'under_review', 'graded', 'in_notice', 'listed')"


class Application(TimestampMixin, db.Model):
    __tablename__ = "application"
    __table_args__ = (
        UniqueConstraint("campaign_id", "organization_id", "unit_type"),
        Index("ix_application_queue", "admin_unit_id", "campaign_id", "status", "unit_type", "id"),  # 0029
        # keyset paging of the province's and a city's lists by status (migration 0028)
        Index("ix_application_status_id", "status", "id"),
        Index("ix_application_unit_status_id", "admin_unit_id", "status", "id"),
        # the same by campaign, and of every status (migration 0029)
        Index("ix_application_campaign_status_id", "campaign_id", "status", "id"),
        Index("ix_application_unit_campaign_status_id", "admin_unit_id", "campaign_id", "status", "id"),
        Index("ix_application_unit_id", "admin_unit_id", "id"),
        Index("ix_application_campaign_id_id", "campaign_id", "id"),
        # a city's applications to examine, longest waiting first (its home page; migration 0047)
        Index("ix_application_unit_status_submitted", "admin_unit_id", "status", "submitted_at", "id"),
        # a city's latest recommendation, and its recommended applications by rank (/city/recommended; 0051)
        Index("ix_application_unit_recommended_at", "admin_unit_id", "recommended_at", "id",
              postgresql_where=text("recommended_at IS NOT NULL")),  # on SQLite the whole column (no dialect
        # argument of SQLite's here: naming one loads its dialect in every PostgreSQL process, tests/core/test_memory)
        Index("ix_application_recommended_rank", "admin_unit_id", "campaign_id", "unit_type",
              text("coalesce(score, -1) DESC"), text("coalesce(submitted_at, created_at)"), "id",
              postgresql_where=text(_RECOMMENDED)).ddl_if(dialect="postgresql"),  # SQLite cannot reflect it
        {"postgresql_with": {"fillfactor": APPLICATION_FILLFACTOR}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    #: the organization's name, kept by the database (migration 0055's triggers: set on insert, renamed with the
    #: organization), so the review queue shows its rows without reading each one's organization
    organization_name: Mapped[str | None] = mapped_column(String(200))
    admin_unit_id: Mapped[int] = mapped_column(ForeignKey("admin_unit.id"), index=True)
    unit_type: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(20))
    evaluation_mode: Mapped[str] = mapped_column(String(20), default="self")
    evaluator_firm_id: Mapped[int | None] = mapped_column(ForeignKey("evaluator_firm.id"))
    status: Mapped[ApplicationStatus] = mapped_column(
        Enum(ApplicationStatus, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]),
        default=ApplicationStatus.DRAFT,
        index=True,
    )
    industry: Mapped[str | None] = mapped_column(String(80))
    indicator_values: Mapped[dict] = mapped_column(JSONType, default=dict)
    #: the region plugin's extra form fields, keyed ext_<region>__<code>
    extension_data: Mapped[dict] = mapped_column(JSONType, default=dict)
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    tier: Mapped[str | None] = mapped_column(String(20))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: levels asked for in a joint round (Jiangxi: 国家级 and/or 省级)
    requested_levels: Mapped[list] = mapped_column(JSONType, default=list)
    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(120))
    #: negative-list declaration per item {item code: True when the applicant declares it does not apply}
    declarations: Mapped[dict] = mapped_column(JSONType, default=dict)
    #: eligibility results at the last submission (what the city reviews)
    eligibility: Mapped[list | None] = mapped_column(JSONType)
    #: set by the city when it returns the application for correction
    return_reason: Mapped[str | None] = mapped_column(String(500))
    return_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: the city's reason for a rejection
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    recommended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: levels the city recommended among the requested ones (joint rounds; None until it recommends)
    recommended_levels: Mapped[list | None] = mapped_column(JSONType)
    #: the city's 推荐意见, written when it recommends (required where the region's rule asks for it)
    city_opinion: Mapped[str | None] = mapped_column(Text)
    #: the quota counter the recommendation took a place in (released when it is withdrawn)
    quota_key: Mapped[str | None] = mapped_column(String(300))
    #: optimistic lock: a save racing a submit or a review fails instead of overwriting it
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    campaign: Mapped[Campaign] = relationship()
    organization: Mapped[Organization] = relationship()
    admin_unit: Mapped[AdminUnit] = relationship()


class StepExtension(TimestampMixin, db.Model):
    """The province lets one city act after one step's deadline of a campaign (issue 15), until ``until``.

    ``step`` is the deadline code in ``Campaign.deadlines`` (e.g. ``jiangxi.city_submission``).
    Granted with an audited reason; the applicants' own extension is :class:`DeadlineExtension`.
    """

    __tablename__ = "step_extension"
    __table_args__ = (UniqueConstraint("campaign_id", "admin_unit_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    admin_unit_id: Mapped[int] = mapped_column(ForeignKey("admin_unit.id"))
    step: Mapped[str] = mapped_column(String(120))
    until: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(500))
    granted_by: Mapped[str] = mapped_column(String(120))


class RoundFiling(TimestampMixin, VersionMixin, db.Model):
    """A listed unit's filing in one round (Hunan 2025: 现有国家级单位均须完成填报, due 10-27).

    Opened for the units a round's ``listed_unit`` deadline names (its levels and unit types);
    ``step`` is that deadline's code. Services: :mod:`core.management.round_filings`.
    """

    __tablename__ = "round_filing"
    __table_args__ = (UniqueConstraint("campaign_id", "organization_id", "unit_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)
    unit_type: Mapped[str] = mapped_column(String(40))
    step: Mapped[str] = mapped_column(String(120))
    #: list levels the unit holds (the filing is scored at the highest)
    levels: Mapped[list] = mapped_column(JSONType, default=list)
    status: Mapped[str] = mapped_column(String(20), default="due")
    industry: Mapped[str | None] = mapped_column(String(80))
    values: Mapped[dict] = mapped_column(JSONType, default=dict)
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    submitted_by: Mapped[str | None] = mapped_column(String(120))

    @property
    def year(self) -> int:
        return self.campaign.year

    @property
    def key_data(self) -> dict:
        """A round's filing is the self-evaluation only: no key figures (the yearly table has them)."""
        return {}

    campaign: Mapped[Campaign] = relationship()
    organization: Mapped[Organization] = relationship()
