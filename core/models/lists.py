"""List entries (名单) at city, provincial and national level, and bans."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import TimestampMixin
from core.models.organizations import Organization

#: a unit on the list (every rule that reads listings reads this status)
LISTED = "listed"
#: a unit in the stage before a list (创建计划 / 培育库, issue 43): published, shown under the stage's own name,
#: never counted as a listing (core.lists.cultivation)
STAGE = "cultivation"
#: a unit taken out of the stage before a list by its publisher (withdrawn; the entry stays as the record)
STAGE_WITHDRAWN = "stage_withdrawn"


class ListEntry(TimestampMixin, db.Model):
    __tablename__ = "list_entry"
    #: the public lists, paged by (year, id) (migration 0028), also of one unit type (migration 0030)
    __table_args__ = (Index("ix_list_entry_browse", "status", "year", "id"),
                      Index("ix_list_entry_level_browse", "status", "level", "year", "id"),
                      Index("ix_list_entry_type_browse", "status", "unit_type", "year", "id"),
                      Index("ix_list_entry_level_type_browse", "status", "level", "unit_type", "year", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    unit_type: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(20), index=True)
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="listed")  # listed | removed | cultivation (STAGE) | stage_withdrawn
    listed_on: Mapped[dt.date | None] = mapped_column(Date)
    notice_no: Mapped[str | None] = mapped_column(String(100))
    removed_on: Mapped[dt.date | None] = mapped_column(Date)
    removal_reason: Mapped[str | None] = mapped_column(String(500))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"))
    #: how the entry came to be: ``notice`` (published after a public notice), ``decision`` (a published
    #: decision without a notice) or ``import`` (history loaded from the province's existing lists)
    source: Mapped[str] = mapped_column(String(20), default="notice", server_default="notice")
    #: the published decision that created the entry (source ``decision``)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("list_decision.id"))
    #: a stage entry: the day by which the unit completes its creation, as the decision that put it in set it
    #: (Hunan 000 二.4: 于规定时间内完成创建工作; migration 0045)
    complete_by: Mapped[dt.date | None] = mapped_column(Date)

    organization: Mapped[Organization] = relationship()


class Ban(TimestampMixin, db.Model):
    """No application (or, for firms, no report) until ``ends_on``.

    Keyed on the USCC, not the organization row, so a renamed company is still caught.
    """

    __tablename__ = "ban"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    subject: Mapped[str] = mapped_column(String(20), default="organization")  # organization | evaluator
    reason: Mapped[str] = mapped_column(String(500))
    sanction_code: Mapped[str] = mapped_column(String(80))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
