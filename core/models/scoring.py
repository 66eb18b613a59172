"""Scoring data: reference values (引领值/基准值) and yearly scores of listed units.

Reference values are set per industry by MIIT (domain.md C1) and uploaded by an admin;
``industry`` "*" holds general (通则) values used where an industry has none.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Float, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.clock import now
from core.models.base import JSONType, TimestampMixin, UTCDateTime


class ReferenceValue(db.Model):
    """One 引领值/基准值 pair, keyed by (indicator set, industry, indicator number, year)."""

    __tablename__ = "reference_value"
    __table_args__ = (UniqueConstraint("indicator_set", "industry", "number", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_set: Mapped[str] = mapped_column(String(80))
    industry: Mapped[str] = mapped_column(String(80))
    number: Mapped[int]
    year: Mapped[int]
    leading: Mapped[float] = mapped_column(Float)
    baseline: Mapped[float] = mapped_column(Float)
    #: the uploaded file the pair came from
    source: Mapped[str] = mapped_column(String(200), default="")
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now)


#: how full PostgreSQL fills the pages of ``unit_score`` (percent; see :class:`UnitScore`)
FILLFACTOR = 40


class UnitScore(TimestampMixin, db.Model):
    """One listed unit's score for one year, with its ranks and flags.

    ``values`` holds the raw indicator values by table number; ``scores`` the
    per-indicator score or status. Everything but ``values`` is recomputed by
    :func:`core.scoring.recompute.recompute`.
    """

    __tablename__ = "unit_score"
    __table_args__ = (
        UniqueConstraint("organization_id", "unit_type", "level", "year"),
        Index("ix_unit_score_population", "level", "unit_type", "year"),
        # PostgreSQL: pages filled to 40 % leave room for a row's new version beside the old one when a
        # recompute writes its results (a row about doubles: the scores), so the update touches no index
        # (a heap-only tuple; migration 0032)
        {"postgresql_with": {"fillfactor": FILLFACTOR}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))  # the unique constraint indexes it
    unit_type: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(20), default="national")
    industry: Mapped[str] = mapped_column(String(80), default="*")
    #: the province (AdminUnit.region) the unit belongs to
    province: Mapped[str] = mapped_column(String(40), index=True)
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"))
    year: Mapped[int]
    values: Mapped[dict] = mapped_column(JSONType, default=dict)

    indicator_set: Mapped[str | None] = mapped_column(String(80))
    scores: Mapped[dict | None] = mapped_column(JSONType)
    #: sum of scored indicators; ``complete`` False when any indicator is not scored
    total: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    complete: Mapped[bool] = mapped_column(default=False)
    rank_province: Mapped[int | None]
    rank_industry: Mapped[int | None]
    rank_national: Mapped[int | None]
    below_province_average: Mapped[bool | None]
    bottom_share: Mapped[bool] = mapped_column(default=False)
    #: consecutive years in the bottom share, ending this year
    bottom_streak: Mapped[int] = mapped_column(default=0)
    removal_candidate: Mapped[bool] = mapped_column(default=False)
    #: 企业绿码 band (A+, A, B); factories only
    green_code: Mapped[str | None] = mapped_column(String(4))
    tier: Mapped[str | None] = mapped_column(String(20))
