"""The one unit of work: a change is committed whole or not at all.

Services change rows in the request's session and call :func:`commit` once; a lost race (a row changed or a
unique key taken by someone else in the meantime) rolls everything back and becomes a clear refusal in
Chinese and English, never a half-written record or a 500.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core.errors import GreenmfgError, Refused
from core.extensions import db

T = TypeVar("T")


def commit() -> None:
    """Commit the session; on a lost race roll back and refuse."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Refused("Someone changed this record at the same time; reload the page and try again.") from None
    except IntegrityError:
        db.session.rollback()
        raise Refused("This conflicts with data saved at the same time; reload the page and try again.") from None


def attempt(action: Callable[[], T]) -> tuple[T | None, GreenmfgError | None]:
    """Run ``action`` and :func:`commit`, as one unit of work. A refusal (any :class:`GreenmfgError`, the
    commit's lost race included) rolls everything back and comes back second: nothing is saved, and the
    caller shows it to the user."""
    try:
        outcome = action()
        commit()
    except GreenmfgError as exc:
        db.session.rollback()
        return None, exc
    return outcome, None
