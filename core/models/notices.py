"""Public notices (公示) with objections, and recommendations to the next level (export and import)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import JSONType, TimestampMixin, UTCDateTime
from core.models.campaigns import Application
from core.models.organizations import Organization


class PublicNotice(TimestampMixin, db.Model):
    """The proposed list of one level and year, on public notice for the region's period."""

    __tablename__ = "public_notice"
    __table_args__ = (Index("ix_public_notice_recent", "region", "starts_on", "id"),  # newest first (0028)
                      # the province's open notices, soonest end first (its to-do; 0054): on SQLite every row
                      Index("ix_public_notice_open_ends", "region", "ends_on", "id",
                            postgresql_where=text("status <> 'published' AND admin_unit_id IS NULL")))

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(40), index=True)
    level: Mapped[str] = mapped_column(String(20))
    year: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    #: last day of the notice (objections accepted until 24:00 Beijing time that day)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    period_days: Mapped[int]
    #: calendar_days | working_days
    period_count: Mapped[str] = mapped_column(String(20))
    period_source: Mapped[str] = mapped_column(String(40))
    period_cite: Mapped[str] = mapped_column(String(500), default="")
    #: open | partly_published | published
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    opened_by: Mapped[str] = mapped_column(String(120))
    #: the list's document number and date, set on publication
    document_no: Mapped[str | None] = mapped_column(String(100))
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    published_by: Mapped[str | None] = mapped_column(String(120))
    #: the city whose list this is (city lists are published by each city bureau); None for other levels
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)
    #: why the notice starts before the day it was opened (shown publicly); None when it does not
    start_reason: Mapped[str | None] = mapped_column(String(500))

    items: Mapped[list["NoticeItem"]] = relationship(back_populates="notice", order_by="NoticeItem.id")


class NoticeItem(TimestampMixin, db.Model):
    """One unit on a notice."""

    __tablename__ = "notice_item"
    __table_args__ = (UniqueConstraint("notice_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("public_notice.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    unit_type: Mapped[str] = mapped_column(String(40))
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    tier: Mapped[str | None] = mapped_column(String(20))
    #: in_notice | listed | removed
    status: Mapped[str] = mapped_column(String(20), default="in_notice")

    notice: Mapped[PublicNotice] = relationship(back_populates="items")
    application: Mapped[Application] = relationship()
    organization: Mapped[Organization] = relationship()


class Objection(TimestampMixin, db.Model):
    """A real-name objection (实名异议) to one unit on a notice. An open one blocks listing."""

    __tablename__ = "objection"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("public_notice.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("notice_item.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    contact: Mapped[str] = mapped_column(String(120))
    #: the objector's own unit (optional; the unit objected to is ``item``)
    objector_unit: Mapped[str | None] = mapped_column(String(200))
    grounds: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    #: open | upheld | dismissed
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    resolution: Mapped[str | None] = mapped_column(String(2000))
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    notice: Mapped[PublicNotice] = relationship()
    item: Mapped[NoticeItem] = relationship()


class ListDecision(TimestampMixin, db.Model):
    """A list published by a decision (发文公布) rather than after a public notice: the document's
    number and date, the level and year, and for a city list the city."""

    __tablename__ = "list_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(40), index=True)
    level: Mapped[str] = mapped_column(String(20))
    year: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    document_no: Mapped[str] = mapped_column(String(100))
    published_on: Mapped[dt.date] = mapped_column(Date)
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)
    decided_by: Mapped[str] = mapped_column(String(120))
    #: the plugin and document the procedure follows (provenance shown with the decision)
    rule_source: Mapped[str] = mapped_column(String(40))
    rule_cite: Mapped[str] = mapped_column(String(500), default="")


class Recommendation(TimestampMixin, db.Model):
    """A province's recommendation to the national list for one year (版本 bumps on each export)."""

    __tablename__ = "recommendation"
    __table_args__ = (UniqueConstraint("region", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    level: Mapped[str] = mapped_column(String(20), default="national")
    #: draft | exported
    status: Mapped[str] = mapped_column(String(20), default="draft")
    created_by: Mapped[str] = mapped_column(String(120))
    #: departments consulted before recommending (domain.md D20)
    consulted_departments: Mapped[list] = mapped_column(JSONType, default=list)
    version: Mapped[int] = mapped_column(default=0)
    exported_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    exported_by: Mapped[str | None] = mapped_column(String(120))
    #: the signed JSON document of the last export, and its SHA-256
    document: Mapped[str | None] = mapped_column(Text)
    digest: Mapped[str | None] = mapped_column(String(64))

    items: Mapped[list["RecommendationItem"]] = relationship(back_populates="recommendation",
                                                            order_by="RecommendationItem.id")


class RecommendationItem(TimestampMixin, db.Model):
    __tablename__ = "recommendation_item"
    __table_args__ = (UniqueConstraint("recommendation_id", "application_id"),
                      # one unit once per recommendation (one per region, level and year), whichever round its
                      # application is of (issue 54; migration 0046): two concurrent adds cannot both pass
                      Index("uq_recommendation_item_unit", "recommendation_id", "organization_id", unique=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"))
    #: the application's unit, copied when it is added (empty on rows a duplicate left before migration 0046)
    organization_id: Mapped[int | None] = mapped_column()
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    tier: Mapped[str | None] = mapped_column(String(20))
    #: the gates as checked when the unit was added, and the warnings staff acknowledged
    gates: Mapped[list] = mapped_column(JSONType, default=list)
    added_by: Mapped[str] = mapped_column(String(120))

    recommendation: Mapped[Recommendation] = relationship(back_populates="items")
    application: Mapped[Application] = relationship()


class RecommendationImport(TimestampMixin, db.Model):
    """A province's signed recommendation file imported by a national instance."""

    __tablename__ = "recommendation_import"
    __table_args__ = (UniqueConstraint("province", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province: Mapped[str] = mapped_column(String(40))
    province_name: Mapped[str] = mapped_column(String(100))
    year: Mapped[int]
    version: Mapped[int]
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[str] = mapped_column(String(40))
    exported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    imported_by: Mapped[str] = mapped_column(String(120))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    #: the applications the import queued for national review
    application_ids: Mapped[list] = mapped_column(JSONType, default=list)
    #: the signed document's own id (a file is imported once: a replay is refused)
    document_id: Mapped[str | None] = mapped_column(String(40), unique=True)
