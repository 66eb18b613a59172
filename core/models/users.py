"""Users and their roles. Each role is bound to what it may see."""
from __future__ import annotations

import datetime as dt
import enum

from flask_login import UserMixin

from sqlalchemy import BigInteger, Enum, ForeignKey, String, false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models.base import JSONType, TimestampMixin, UTCDateTime, VersionMixin


class Role(enum.StrEnum):
    APPLICANT = "applicant"  # bound to an organization
    CITY = "city"  # bound to an administrative unit
    PROVINCE = "province"
    EXPERT = "expert"
    EVALUATOR = "evaluator"  # bound to an evaluator firm
    MINISTRY = "ministry"
    ADMIN = "admin"


class User(UserMixin, TimestampMixin, VersionMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    admin_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_unit.id"))
    evaluator_firm_id: Mapped[int | None] = mapped_column(ForeignKey("evaluator_firm.id"))
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(default=True)
    #: part of the session id: bumped on log-out and password change, so copied cookies stop working
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    #: set by an officer's password reset: the next log-in must choose a new password first
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: the TOTP second factor (RFC 6238): base32 secret, when it was enabled, the last time step used
    #: (a code is accepted once), and the SHA-256 digests of the unused recovery codes
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    recovery_codes: Mapped[list | None] = mapped_column(JSONType)

    def get_id(self) -> str:  # Flask-Login alternative id (core.accounts loads it)
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active
