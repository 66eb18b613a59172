"""Webhooks (issue 58): the receivers an administrator subscribes to the platform's events, the events, and each
delivery's attempts (the log the administrators' page, ``GET /api/v1/webhooks/deliveries`` and ``greenmfg webhooks
deliveries`` show)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import now
from core.extensions import db
from core.models.base import JSONType, UTCDateTime


class WebhookSubscription(db.Model):
    """A receiver URL and the event kinds it wants. ``secret`` signs every delivery (HMAC-SHA-256, Standard
    Webhooks): it must be kept to sign, so it is stored as the TOTP secrets are (the database's protection), and
    shown to the administrator once, when made."""

    __tablename__ = "webhook_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    kinds: Mapped[list] = mapped_column(JSONType, default=list)
    #: ``whsec_`` and the base64 of 32 random bytes
    secret: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)


class WebhookEvent(db.Model):
    """Something that happened (an audited action of a kind a receiver may want), once its transaction committed."""

    __tablename__ = "webhook_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the message id receivers see (``webhook-id``; the same on every retry): ``msg_`` and 32 hex digits
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audit_log.id"), unique=True)
    data: Mapped[dict] = mapped_column(JSONType, default=dict)


class WebhookDelivery(db.Model):
    """One event to one subscription: pending (retries to come), delivered (a 2xx) or failed (attempts used up)."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_subscription_id_id", "subscription_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("webhook_event.id"), index=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscription.id"))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_status_code: Mapped[int | None] = mapped_column()
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)


class WebhookAttempt(db.Model):
    """One POST of a delivery and what the receiver answered (or why no answer came)."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_delivery.id"), index=True)
    number: Mapped[int] = mapped_column()
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now)
    status_code: Mapped[int | None] = mapped_column()
    ok: Mapped[bool] = mapped_column(default=False)
    #: why it failed: the answer's status, a timeout, a refused connection (technical text, for administrators)
    error: Mapped[str | None] = mapped_column(Text)
    #: the start of the receiver's answer (at most 500 characters)
    response: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(default=0)
    #: when the job system sends it again (none after a success or the last attempt)
    next_retry_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: who asked for it again by hand (``resend``), else none
    resent_by: Mapped[str | None] = mapped_column(String(120))
