"""Campaigns (申报批次) and applications."""
from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import DateTime, Enum, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import JSONType, TimestampMixin
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
    opens_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: applicants' submission deadline (the instant after which submitting is refused)
    closes_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: other deadlines of the round {code: ISO date}, copied from the region plugin
    deadlines: Mapped[dict] = mapped_column(JSONType, default=dict)


class Application(TimestampMixin, db.Model):
    __tablename__ = "application"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
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
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    campaign: Mapped[Campaign] = relationship()
    organization: Mapped[Organization] = relationship()
    admin_unit: Mapped[AdminUnit] = relationship()
