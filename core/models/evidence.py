"""Evidence files (PDF) attached to applications, and per-applicant deadline extensions."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models.base import TimestampMixin, UTCDateTime


class Evidence(TimestampMixin, db.Model):
    """One uploaded PDF. The file lives outside the web root under ``storage_name`` (random)."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    #: "general", a form section, "indicator.<n>" or an upload field's code
    section: Mapped[str] = mapped_column(String(80))
    #: the uploader's file name, for display only (never used on disk)
    original_name: Mapped[str] = mapped_column(String(200))
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int]
    uploaded_by: Mapped[str] = mapped_column(String(120))


class DeadlineExtension(TimestampMixin, db.Model):
    """Province staff let one applicant submit after the campaign deadline, until ``until``."""

    __tablename__ = "deadline_extension"
    # the round's extensions a page at a time, newest first (core/applications/extension_page.py; migration 0051)
    __table_args__ = (UniqueConstraint("campaign_id", "organization_id"),
                      Index("ix_deadline_extension_campaign_id_id", "campaign_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    until: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(500))
    granted_by: Mapped[str] = mapped_column(String(120))


class CityRecommendationFile(TimestampMixin, db.Model):
    """A city's 推荐文件 for a round (its official recommendation document, one PDF per city and round)."""

    __tablename__ = "city_recommendation_file"
    __table_args__ = (UniqueConstraint("campaign_id", "admin_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    admin_unit_id: Mapped[int] = mapped_column(ForeignKey("admin_unit.id"))
    original_name: Mapped[str] = mapped_column(String(200))
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int]
    uploaded_by: Mapped[str] = mapped_column(String(120))
