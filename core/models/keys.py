"""Provinces' public signing keys, registered by the ministry (issue 22): a recommendation file is
accepted only with a valid signature (Ed25519, or SM2-SM3: issue 47) by a key registered for the province it names."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.clock import now
from core.models.base import UTCDateTime


class ProvinceKey(db.Model):
    __tablename__ = "province_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    province: Mapped[str] = mapped_column(String(40), index=True)
    #: the public key (Ed25519: 32 bytes; SM2: the 65-byte point; in base64) and its fingerprint (SHA-256, first
    #: 16 hex digits)
    public_key: Mapped[str] = mapped_column(String(200))
    #: the algorithm of the key, detected from it when registered: Ed25519 or SM2-SM3 (core.services.signing)
    alg: Mapped[str] = mapped_column(String(16), default="Ed25519", server_default="Ed25519")
    key_id: Mapped[str] = mapped_column(String(40), unique=True)
    note: Mapped[str | None] = mapped_column(String(300))
    registered_by: Mapped[str] = mapped_column(String(120))
    registered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(120))
