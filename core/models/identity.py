"""Links between accounts and identities of the province's unified identity service (OpenID Connect,
:mod:`core.accounts.oidc`)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import now
from core.extensions import db
from core.models.base import UTCDateTime
from core.models.users import User


class IdentityLink(db.Model):
    """An account's identity at the provider ``issuer``: its ``subject`` (the ID token's ``sub``) once it signed in.

    A staff account is linked by an administrator first, with ``staff_key`` (the value of the configured claim,
    e.g. the staff id); its first sign-in fills ``subject``. An enterprise's link is made at its first sign-in.
    """

    __tablename__ = "identity_link"
    __table_args__ = (UniqueConstraint("issuer", "subject"), UniqueConstraint("issuer", "staff_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str | None] = mapped_column(String(255))
    staff_key: Mapped[str | None] = mapped_column(String(255))
    #: who made the link: the administrator's user name, or the account itself at its first sign-in
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now)
    linked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
