"""Administrative units and organizations (keyed by 统一社会信用代码)."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import TimestampMixin, VersionMixin


class AdminUnit(VersionMixin, db.Model):
    """A submitting administrative unit (市, 州, 直管市, 林区, 省直管试点县, 新区, 综改区).

    Rows come from the region plugin (``source`` = plugin name) and, for kinds a
    plugin marks configurable, from an admin (``source`` = "admin").
    """

    __tablename__ = "admin_unit"
    __table_args__ = (UniqueConstraint("region", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(40), index=True)
    code: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)


class Organization(TimestampMixin, db.Model):
    """An enterprise, park management body or evaluator firm, by its USCC."""

    __tablename__ = "organization"
    #: the public lists' name search (migration 0028: a pg_trgm GIN index on PostgreSQL where the server has the
    #: extension, else a B-tree)
    __table_args__ = (Index("ix_organization_name_trgm", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"), index=True)
    industry: Mapped[str | None] = mapped_column(String(80))
    legal_representative: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))

    admin_unit: Mapped[AdminUnit | None] = relationship()
