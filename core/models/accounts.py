"""API tokens for the JSON API. Only a SHA-256 of each token is stored."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.clock import now
from core.models.base import UTCDateTime
from core.models.users import User


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    #: hex SHA-256 of the whole token (tokens carry 256 random bits, so a fast hash is enough)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the first characters, shown so users can tell their tokens apart
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: whether its owner had a second factor when it was made: a role that must use one cannot use a token
    #: made without it (tokens older than the column count as made without; issue 47)
    second_factor: Mapped[bool] = mapped_column(default=False, server_default=false())

    user: Mapped[User] = relationship()


class WebSession(db.Model):
    """One signed-in browser session (ASVS 3.3.4: users see their sessions and end any of them).

    The cookie carries a random session id; only its SHA-256 is stored here.
    """

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    sid_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now)
    address: Mapped[str | None] = mapped_column(String(64))
    agent: Mapped[str | None] = mapped_column(String(200))
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: logout | revoked | idle | absolute | password
    end_reason: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User] = relationship()
