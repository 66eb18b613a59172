"""Provincial (or national) review: evaluator firms' affiliates and evaluation requests, the
expert pool, expert assignments with per-indicator scores, and the panel result.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import JSONType, TimestampMixin, UTCDateTime
from core.models.campaigns import Application
from core.models.evaluators import EvaluatorFirm
from core.models.organizations import AdminUnit
from core.models.users import User


class FirmAffiliate(TimestampMixin, db.Model):
    """An organization related to an evaluator firm (parent, subsidiary, shareholder...).

    A firm may not evaluate an affiliate (002_9c75e1d2ebfbdf50.txt 附件2 二(三): 不得为利益相关方实施评价).
    """

    __tablename__ = "firm_affiliate"
    __table_args__ = (UniqueConstraint("firm_id", "uscc"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("evaluator_firm.id"), index=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(100))

    firm: Mapped[EvaluatorFirm] = relationship()


class EvaluationRequest(TimestampMixin, db.Model):
    """An applicant names a third-party firm; the firm accepts (within its cap) or declines."""

    __tablename__ = "evaluation_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("evaluator_firm.id"), index=True)
    #: requested | accepted | declined | cancelled
    status: Mapped[str] = mapped_column(String(20), default="requested", index=True)
    #: who wrote the self-evaluation: the USCC of the applicant itself or of the consultancy that did
    self_evaluation_by: Mapped[str] = mapped_column(String(18))
    requested_by: Mapped[str] = mapped_column(String(120))
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(String(500))
    #: the firm's declaration on acceptance {wrote_self_evaluation: bool, interested_party: bool}
    declarations: Mapped[dict] = mapped_column(JSONType, default=dict)

    application: Mapped[Application] = relationship()
    firm: Mapped[EvaluatorFirm] = relationship()


class ExpertProfile(TimestampMixin, db.Model):
    """A reviewer in the pool, with what avoidance needs to know: employer, firm, city, fields."""

    __tablename__ = "expert_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    region: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(100))
    employer_uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    employer_name: Mapped[str | None] = mapped_column(String(200))
    #: the city the expert belongs to (avoidance: no expert from the applicant's city)
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"))
    #: the evaluator firm the expert works for, if any
    evaluator_firm_id: Mapped[int | None] = mapped_column(ForeignKey("evaluator_firm.id"))
    #: fields of expertise: industry codes and unit types (the random draw filters on them)
    fields: Mapped[list] = mapped_column(JSONType, default=list)
    active: Mapped[bool] = mapped_column(default=True)

    user: Mapped[User] = relationship()
    admin_unit: Mapped[AdminUnit | None] = relationship()
    evaluator_firm: Mapped[EvaluatorFirm | None] = relationship()


class ExpertAssignment(TimestampMixin, db.Model):
    """One expert reviewing one application: per-indicator scores, blind until submitted."""

    __tablename__ = "expert_assignment"
    __table_args__ = (UniqueConstraint("application_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert_profile.id"), index=True)
    #: manual | draw
    method: Mapped[str] = mapped_column(String(20), default="manual")
    assigned_by: Mapped[str] = mapped_column(String(120))
    #: assigned | submitted | declined
    status: Mapped[str] = mapped_column(String(20), default="assigned", index=True)
    #: {indicator number: score}
    scores: Mapped[dict] = mapped_column(JSONType, default=dict)
    comment: Mapped[str | None] = mapped_column(String(4000))
    total: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str | None] = mapped_column(String(500))
    #: optimistic lock: a save racing a submit fails instead of overwriting it
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    application: Mapped[Application] = relationship()
    expert: Mapped[ExpertProfile] = relationship()


class ReviewResult(TimestampMixin, db.Model):
    """The panel's result for one application: mean score and the region's tier."""

    __tablename__ = "review_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    score: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    tier: Mapped[str | None] = mapped_column(String(20))
    tier_label: Mapped[str | None] = mapped_column(String(40))
    #: whether the tier allows recommendation to the next level (no grading: True)
    recommendable: Mapped[bool] = mapped_column(default=True)
    grading_source: Mapped[str | None] = mapped_column(String(40))
    grading_cite: Mapped[str | None] = mapped_column(String(500))
    experts: Mapped[int]
    #: mean score per indicator {number: score}
    indicator_means: Mapped[dict] = mapped_column(JSONType, default=dict)
    graded_by: Mapped[str] = mapped_column(String(120))
    graded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    application: Mapped[Application] = relationship()


class EvaluationReport(TimestampMixin, db.Model):
    """The engaged firm's evaluation report (评价报告, PDF) and its evaluated score, filed after its on-site
    evaluation (002_9c75e1d2ebfbdf50.txt 三(三), 附件2; 003_a3fa60aeba77aa34.txt 一; 004_7a8ddd82f611ab67.txt
    第十一条). One per engagement; a new filing replaces the previous one (audited)."""

    __tablename__ = "evaluation_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("evaluation_request.id"), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("evaluator_firm.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(200))
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int]
    #: the firm's evaluated total (0-100)
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    filed_by: Mapped[str] = mapped_column(String(120))
    #: the evaluated score per indicator of the region's table {number: score} (issue 16)
    indicator_scores: Mapped[dict | None] = mapped_column(JSONType)
    #: the day of the on-site evaluation where the region requires one (002_9c75e1d2ebfbdf50.txt 三(三) 现场评价)
    visited_on: Mapped[dt.date | None] = mapped_column(Date)

    request: Mapped[EvaluationRequest] = relationship()
