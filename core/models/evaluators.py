"""Third-party evaluator firms (第三方评价机构), their sanctions and engagements."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import JSONType, TimestampMixin, VersionMixin


class EvaluatorFirm(TimestampMixin, VersionMixin, db.Model):
    __tablename__ = "evaluator_firm"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_representative: Mapped[str] = mapped_column(String(100), index=True)
    #: staffing, titles, office, record: checked against the region's requirements
    qualifications: Mapped[dict] = mapped_column(JSONType, default=dict)


class EvaluatorSanction(TimestampMixin, db.Model):
    """A firm whose reports are not accepted until ``ends_on`` (fraud → 3 years)."""

    __tablename__ = "evaluator_sanction"

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("evaluator_firm.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)

    firm: Mapped[EvaluatorFirm] = relationship()


class EvaluatorEngagement(TimestampMixin, db.Model):
    """An evaluation project a firm accepted. Counted against the annual cap."""

    __tablename__ = "evaluator_engagement"
    __table_args__ = (UniqueConstraint("application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("evaluator_firm.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"))
    year: Mapped[int]
    level: Mapped[str] = mapped_column(String(20))
    unit_type: Mapped[str] = mapped_column(String(40))
    #: the counter key the cap was counted under (legal representative or entity)
    cap_key: Mapped[str] = mapped_column(String(200))
    #: every cap counter the engagement took a place in (several caps may count one project; issue 16)
    cap_keys: Mapped[list | None] = mapped_column(JSONType)

    firm: Mapped[EvaluatorFirm] = relationship()
