"""Keyset paging's cursor arithmetic, shared by every paged list (each keeps its own query and cursors).

A list reads ``per_page + 1`` rows from its cursor: forward (the first page, or the page ``after`` a cursor)
or backward (the page ``before`` a cursor, read towards the start). The extra row only says another page lies
that way; :func:`page` drops it, puts the rows in display order and names the cursors of the pages around.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, Literal, NamedTuple, TypeVar

R = TypeVar("R")
C = TypeVar("C")

#: ``"first"``: the first page (read forward, no cursor); ``"after"``: read forward from a cursor;
#: ``"before"``: read backward from a cursor
Direction = Literal["first", "after", "before"]


class Page(NamedTuple, Generic[R, C]):
    """A page's rows in display order, and the cursors of the next and previous pages (``None``: there is none)."""
    rows: list[R]
    next: C | None
    prev: C | None


def page(rows: Sequence[R], per_page: int, direction: Direction, cursor: Callable[[R], C]) -> Page[R, C]:
    """The page of ``rows`` (up to ``per_page + 1``, in the order read) and its next and previous cursors.

    The next cursor is the last row's (there is a next page when a forward read found the extra row, and
    always after a backward read); the previous cursor is the first row's (always after a forward read from a
    cursor, and when a backward read found the extra row). An empty page has neither.
    """
    if direction not in ("first", "after", "before"):
        raise ValueError(f"unknown paging direction {direction!r}")
    more = len(rows) > per_page
    shown = list(rows[:per_page])
    if direction == "before":
        shown.reverse()
        has_next, has_prev = True, more
    else:
        has_next, has_prev = more, direction == "after"
    if not shown:
        return Page(shown, None, None)
    return Page(shown, cursor(shown[-1]) if has_next else None, cursor(shown[0]) if has_prev else None)
