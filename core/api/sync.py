"""Incremental sync and sorting of a collection (issue 58; docs/api-conventions.md, "Sync and sort").

A collection declared with :func:`synced_query` takes, besides the paging parameters (:mod:`core.api.paging`):

* ``updated_since`` (an RFC 3339 time with its offset, ``2026-11-26T08:00:00+08:00``): only the records changed
  at or after it. Its order is then ``updated_at`` by default, the record id breaking ties, and the keyset cursor
  follows that order, so a row changed while a client walks the pages moves behind the cursor and is met again
  before the end: a client that passes the time it started its previous run misses no change;
* ``sort``: one of the collection's declared fields, ``-`` in front for descending (``-updated_at``); the record
  id breaks ties, in the same direction. Anything else is a 422 naming ``sort`` with the allowed values, as any
  parameter that cannot be read (a time without its offset: 422 naming ``updated_since``).

Every record of such a collection carries its ``updated_at``. The cursor is opaque: the sort key's value (a time
as microseconds since 1970, a date as its day number) and the id, dot-separated.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import Date, DateTime, and_, or_

from core.api.paging import answer, paged_query
from core.api.schema import Query
from core.errors import InvalidInput
from core.kernel import paging

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_SINCE_DOC = ("only the records changed at or after this time (RFC 3339, with its offset: "
              "2026-11-26T08:00:00+08:00); ordered by updated_at unless sort says otherwise")
#: the 422 of an updated_since that is not an RFC 3339 time (translated: core.kernel.messages)
NOT_A_TIME = "Not a time with its offset: give it as RFC 3339, e.g. 2026-11-26T08:00:00+08:00."
_NOT_A_CURSOR = "Not a cursor of this list: pass back the next_after of the page before."


def sort_values(sorts: Sequence[str]) -> list[str]:
    """The values ``sort`` takes: each field, ascending and (``-``) descending."""
    return [value for name in sorts for value in (name, f"-{name}")]


def synced_query(name: str, base: type[Schema] = Query, sorts: Sequence[str] = ("id", "updated_at"),
                 default: str = "id") -> type[Schema]:
    """``base`` with the paging parameters, ``updated_since`` and ``sort`` (one of ``sorts``, ``default`` when
    left out and no ``updated_since`` is given)."""
    extra = {
        "updated_since": fields.AwareDateTime(format="iso", load_default=None, metadata={"description": _SINCE_DOC},
                                              error_messages={"invalid": NOT_A_TIME, "invalid_awareness": NOT_A_TIME}),
        "sort": fields.String(load_default=None, validate=validate.OneOf(sort_values(sorts)), metadata={
            "description": f"the order: one of the fields {', '.join(sorts)}, - in front for descending "
                           f"(default {default}; with updated_since: updated_at); the id breaks ties"}),
    }
    with_sync = type(f"{name}Base", (base,), extra)
    paged = paged_query(name, with_sync)
    paged.sync_default = default
    return paged


def _number(value: Any) -> int:
    """A sort key's value in a cursor."""
    if isinstance(value, dt.datetime):
        delta = value.astimezone(dt.UTC) - EPOCH
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    if isinstance(value, dt.date):
        return value.toordinal()
    return int(value)


def _value(number: int, column: Any) -> Any:
    """The sort key's value a cursor's number stands for in ``column`` (a time, a date or a whole number)."""
    kind = getattr(column.type, "impl", column.type)  # a TypeDecorator's (UTCDateTime) stored type
    if isinstance(kind, DateTime):
        return EPOCH + dt.timedelta(microseconds=number)
    if isinstance(kind, Date):
        return dt.date.fromordinal(number) if 0 < number <= dt.date.max.toordinal() else None
    return number


def _cursor(after: str | None, column: Any) -> tuple[Any, int] | None:
    if after is None:
        return None
    parts = after.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise InvalidInput(_NOT_A_CURSOR, field="after")
    try:
        value = _value(int(parts[0]), column)
    except (OverflowError, ValueError):
        value = None
    if value is None:
        raise InvalidInput(_NOT_A_CURSOR, field="after")
    return value, int(parts[1])


def synced(query: Any, model: Any, args: dict[str, Any], json: Callable[[Any], Any] | None = None,
           default: str | None = None) -> dict[str, Any]:
    """One page of ``query`` (rows of ``model``) as ``args`` ask: ``updated_since``, ``sort``, ``after`` and
    ``limit`` (the query schema of :func:`synced_query`); each row as ``json(row)``."""
    from core.extensions import db

    since, sort = args.get("updated_since"), args.get("sort")
    if sort is None:
        sort = "updated_at" if since is not None else (default or "id")
    descending, name = sort.startswith("-"), sort.removeprefix("-")
    column, ident = getattr(model, name), model.id
    if since is not None:
        query = query.where(model.updated_at >= since)
    limit = args["limit"]
    start = _cursor(args.get("after"), column)
    if start is not None:
        value, last = start
        if column is ident:
            query = query.where(ident < last if descending else ident > last)
        elif descending:
            query = query.where(or_(column < value, and_(column == value, ident < last)))
        else:
            query = query.where(or_(column > value, and_(column == value, ident > last)))
    order = [column.desc(), ident.desc()] if descending else [column, ident]
    if column is ident:
        order = order[:1]
    rows = db.session.scalars(query.order_by(*order).limit(limit + 1)).all()
    shown = paging.page(rows, limit, "first" if start is None else "after",
                        lambda row: f"{_number(getattr(row, name))}.{row.id}")
    return answer([json(r) for r in shown.rows] if json else shown.rows, shown.next)
