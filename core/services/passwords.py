"""Password hashing with argon2id (argon2-cffi), loaded at the first hash or check: a web worker serving pages to
signed-in sessions and tokens never hashes one (0.4 MB a worker, issue 23 W5)."""
from __future__ import annotations

from typing import Any

#: argon2's PasswordHasher, made at the first use (tests put a cheaper one here)
_hasher: Any = None


def _the_hasher() -> Any:
    global _hasher
    if _hasher is None:
        from argon2 import PasswordHasher

        _hasher = PasswordHasher()
    return _hasher


def load() -> None:
    """Load argon2 now rather than at the first log-in (a master warming the app its workers share:
    :mod:`core.serving`)."""
    _the_hasher()
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError  # noqa: F401


def hash_password(password: str) -> str:
    return _the_hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    hasher = _the_hasher()
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
