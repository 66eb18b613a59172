"""Notifications (issue 20): a user's inbox rows, made from committed audit rows, and each user's
delivery settings (e-mail, SMS, language)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.clock import now
from core.models.base import JSONType, UTCDateTime, VersionMixin


class Notification(db.Model):
    """One message to one user about one audited change. The text is rendered when shown, in the
    reader's language, from ``action`` and ``params``; ``link`` is the page where the user acts."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("user_id", "audit_id"), Index("ix_notification_unread", "user_id", "read_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit_log.id"))
    action: Mapped[str] = mapped_column(String(80))
    #: the message's parameters (unit, round, deadline as an ISO instant...)
    params: Mapped[dict] = mapped_column(JSONType, default=dict)
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    emailed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    texted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class NotificationSetting(VersionMixin, db.Model):
    """How one user wants to be told; without a row: e-mail off (no address), SMS off, the account's language."""

    __tablename__ = "notification_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    email: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    by_email: Mapped[bool] = mapped_column(default=True)
    by_sms: Mapped[bool] = mapped_column(default=False)
    #: ``zh`` or ``en``; ``None``: follows ``User.locale``
    language: Mapped[str | None] = mapped_column(String(10))
