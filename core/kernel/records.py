"""Record ids as the database keeps them: 1 … 2**31-1 (PostgreSQL's ``integer``).

An id from a path, a form or a JSON body outside that range is no record (a 404 or a field error), never
a database overflow: every lookup by an id a user sent goes through :func:`record_id` or :func:`get_record`.
"""
from __future__ import annotations

from typing import Any, TypeVar

from core.extensions import db

ID_MAX = 2**31 - 1
T = TypeVar("T")


def record_id(value: Any) -> int | None:
    """``value`` as a record id, or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    try:
        ident = int(value)
    except (TypeError, ValueError):
        return None
    return ident if 0 < ident <= ID_MAX else None


def get_record(model: type[T], value: Any) -> T | None:
    """The row of ``model`` with the id ``value``, or None (no such row, or no possible id)."""
    ident = record_id(value)
    return None if ident is None else db.session.get(model, ident)
