"""Users taken from what an earlier request of this process read, while nothing was written since
(:mod:`core.kernel.memo`): the user behind a log-in session or an API token costs a request no statement.

What is remembered is plain data, never the instance: each request gets a user of its own, in its own session,
without a statement; the columns not remembered (the password digest, the second factor's secret and recovery
codes) are read from the database when a page uses them.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from core.extensions import db
from core.models import User

#: what is never kept between requests: the secrets
NOT_REMEMBERED = frozenset({"password_hash", "totp_secret", "totp_last_step", "recovery_codes"})


def remembered_columns() -> tuple[str, ...]:
    return tuple(c.key for c in User.__mapper__.column_attrs if c.key not in NOT_REMEMBERED)


def columns_of(user: User) -> dict[str, Any]:
    """What is remembered of ``user``."""
    return {key: getattr(user, key) for key in remembered_columns()}


def attached(columns: dict[str, Any]) -> User:
    """The user remembered as ``columns``, in this request's session without a statement (the same instance if the
    session already holds it)."""
    found = db.session.identity_map.get(identity_key(User, columns["id"]))
    if found is not None:
        return found
    user = User(**columns)
    make_transient_to_detached(user)
    db.session.add(user)
    return user
