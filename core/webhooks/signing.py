"""Signing a delivery as the Standard Webhooks specification says (https://www.standardwebhooks.com/, the scheme
Svix, and in spirit Stripe and GitHub, use): three headers,

* ``webhook-id``: the message id (``msg_...``), the same on every retry of one event: a receiver drops repeats;
* ``webhook-timestamp``: seconds since 1970 (UTC) when this attempt was signed: a receiver refuses old ones
  (5 minutes is the usual tolerance) so a captured request cannot be replayed later;
* ``webhook-signature``: ``v1,`` and the base64 of HMAC-SHA-256 over ``<id>.<timestamp>.<body>``, keyed with the
  subscription's secret (``whsec_`` + base64 of 32 random bytes; the key is the decoded bytes).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {"webhook-id": message_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(secret, message_id, timestamp, body),
            "Content-Type": "application/json"}


def verify(secret: str, message_id: str, timestamp: int, body: bytes, header: str) -> bool:
    """Whether one of the space-separated signatures of ``header`` is ours (a receiver's check, also used by the
    tests and documented in docs/api-conventions.md)."""
    expected = signature(secret, message_id, timestamp, body)
    return any(hmac.compare_digest(expected, given) for given in header.split())
