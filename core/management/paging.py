"""Keyset paging of the management lists: newest first by a key of integer columns (the row id last), 50 a
page; the next page starts below the last row shown, so any page costs one index seek."""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import tuple_

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
    if start is not None:
        query = query.where(tuple_(*key) < tuple_(*start) if len(key) > 1 else key[0] < start[0])
    query = query.order_by(*(k.desc() for k in key)).limit(per_page + 1)
    rows = db.session.execute(query).all() if plain else db.session.scalars(query).all()
    shown = paging.page(rows, per_page, "first" if start is None else "after",
                        lambda row: ".".join(str(getattr(row, k.key)) for k in key))
    return shown.rows, shown.next
