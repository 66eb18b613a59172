"""Keyset paging of the management lists: newest first by a key of integer columns (the row id last), 50 a
page; the next page starts below the last row shown, so any page costs one index seek."""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Integer, bindparam, tuple_

from core.extensions import db
from core.kernel import paging

PER_PAGE = 50


def parse(cursor: str | None, size: int) -> tuple[int, ...] | None:
    """``"2025.314"`` → ``(2025, 314)``; anything else (a bad or missing cursor: the first page) → ``None``."""
    if not cursor or not re.fullmatch(r"\d{1,12}(\.\d{1,12})*", cursor):
        return None
    values = tuple(int(v) for v in cursor.split("."))
    return values if len(values) == size else None


def seek(query, *key, after: str | None = None, per_page: int = PER_PAGE,
         plain: bool = False) -> tuple[list[Any], str | None]:
    """One page of ``query`` ordered by ``key`` descending, starting below ``after``; and the next page's cursor
    (``None`` on the last page). ``plain``: ``query`` selects columns (the key's among them), rows come back as
    they are; else its first entity's records."""
    start = parse(after, len(key))
    return seek_run(seek_statement(query, *key, below=start is not None), key, start, per_page=per_page, plain=plain)


def seek_statement(query, *key, below: bool):
    """``query`` ordered by ``key`` descending, ``:limit`` rows, below the cursor bound as ``:key_0``, ``:key_1``…
    when ``below``: a statement that can be built once and kept (:func:`core.kernel.statements.for_scope`), run by
    :func:`seek_run`."""
    if below:
        bound = [bindparam(f"key_{i}", type_=Integer()) for i in range(len(key))]
        query = query.where(tuple_(*key) < tuple_(*bound) if len(key) > 1 else key[0] < bound[0])
    return query.order_by(*(k.desc() for k in key)).limit(bindparam("limit", type_=Integer()))


def seek_run(statement, key, start: tuple[int, ...] | None, params: dict[str, Any] | None = None,
             per_page: int = PER_PAGE, plain: bool = True) -> tuple[list[Any], str | None]:
    """One page of a :func:`seek_statement` (built with ``below=start is not None``) with ``params`` bound, from the
    cursor ``start`` (:func:`parse`); and the next page's cursor."""
    bound = {**(params or {}), "limit": per_page + 1}
    if start is not None:
        bound.update({f"key_{i}": value for i, value in enumerate(start)})
    rows = db.session.execute(statement, bound).all() if plain else db.session.scalars(statement, bound).all()
    shown = paging.page(rows, per_page, "first" if start is None else "after",
                        lambda row: ".".join(str(getattr(row, k.key)) for k in key))
    return shown.rows, shown.next
