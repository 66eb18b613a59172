"""The second factor: time-based one-time passwords (RFC 6238, pyotp) with recovery codes.

Required for the roles in ``GREENMFG_MFA_ROLES`` (default: province, ministry and admin, who run
campaigns, publish lists and manage accounts: ASVS 4.0.3 4.3.1;
:func:`core.accounts.permissions.second_factor_required`), optional for everyone else. A code
is accepted once (its time step is remembered, ASVS 2.8.4), one step of clock drift either way is
tolerated, and ten single-use recovery codes (stored as SHA-256 digests, shown once) stand in for a
lost phone. Every enrolment, use of a recovery code and failed code is audited.
"""
from __future__ import annotations

import hashlib
import secrets
import time

import pyotp
from markupsafe import Markup

from core.accounts.sessions import end_all
from core.errors import InvalidInput
from core.clock import now
from core.kernel.rules import region_rules
from core.models import User
from core.services import audit

RECOVERY_CODES = 10
STEP = 30


def enabled(user: User) -> bool:
    return bool(user.totp_secret)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    issuer = f"greenmfg {region_rules().region.name}"
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


def qr_svg(uri: str) -> Markup:
    """The enrolment QR code as inline SVG (no image request, no data: URI: the CSP allows neither)."""
    import segno  # here: only enrolment draws a QR code (1 MB a web worker need not hold)

    return Markup(segno.make(uri, error="m").svg_inline(scale=4, dark="#1f2d3d", light="#ffffff"))


def _digest(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").replace(" ", "").lower().encode()).hexdigest()


def _recovery_codes() -> list[str]:
    return ["-".join(secrets.token_hex(3)[i:i + 3] for i in (0, 3)) + "-" + secrets.token_hex(2)
            for _ in range(RECOVERY_CODES)]


def _step_accepted(user: User, secret: str, code: str, now: float) -> int | None:
    totp = pyotp.TOTP(secret)
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    current = int(now // STEP)
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.at(step * STEP), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return None  # already used (replay)
            return step
    return None


def enable(user: User, secret: str, code: str, actor: str) -> list[str]:
    """Turn the second factor on once the user proves the authenticator shows ``secret``'s codes.

    :returns: the recovery codes, in plain text (shown once).
    """
    step = _step_accepted(user, secret, code, time.time())
    if step is None:
        raise InvalidInput("The code is wrong or expired; enter the 6 digits your authenticator app shows now.",
                           field="code")
    codes = _recovery_codes()
    user.totp_secret, user.totp_last_step = secret, step
    user.totp_enabled_at = now()
    user.recovery_codes = [_digest(c) for c in codes]
    user.session_version = (user.session_version or 0) + 1  # sessions opened without it end
    end_all(user, "mfa")
    audit.record(actor, "account.mfa_enabled", "user", user.id)
    return codes


def verify(user: User, code: str) -> bool:
    """Check a one-time code or a recovery code (consumed); audited either way."""
    step = _step_accepted(user, user.totp_secret or "", code, time.time()) if user.totp_secret else None
    if step is not None:
        user.totp_last_step = step
        audit.record(user.username, "account.mfa_passed", "user", user.id)
        return True
    digest = _digest(code or "")
    remaining = list(user.recovery_codes or [])
    if (code or "").strip() and digest in remaining:
        remaining.remove(digest)
        user.recovery_codes = remaining
        audit.record(user.username, "account.mfa_recovery_code_used", "user", user.id, remaining=len(remaining))
        return True
    audit.record(user.username, "account.mfa_failed", "user", user.id)
    return False


def reset(user: User, actor: str) -> None:
    """An administrator removes a user's second factor (lost phone and codes); the user enrols again."""
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    user.recovery_codes = None
    user.session_version = (user.session_version or 0) + 1
    end_all(user, "mfa")
    audit.record(actor, "account.mfa_reset", "user", user.id)
