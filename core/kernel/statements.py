"""Statements kept for reuse: a list's statement built once per shape (which filters are given, the paging cursor)
and per scope (the WHERE clause of what the user may see), its values bound at execution.

Building a SELECT with its joins, CASE columns and filters costs a page more than running it (1–2 ms for the
management filings list, issue 57 W1), and a statement object built anew makes SQLAlchemy compute its cache key
again. A feature keeps its statements in a dict of its own and asks :func:`for_scope`.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

#: the most statements a feature keeps; past it, its dict starts afresh
KEPT = 1024


def for_scope(kept: dict[tuple, Any], shape: Hashable, scope: Any, build: Callable[[Any, Any], Any]) -> Any:
    """``build(shape, scope)``, kept in ``kept`` for every request with the same shape and scope.

    The scope is keyed by its SQLAlchemy cache key (its SQL) and its bound values (the user's city, organization…),
    so a statement is only shared by identical WHERE clauses. A scope SQLAlchemy cannot key, or whose values
    cannot be hashed, is built each time."""
    cache_key = scope._generate_cache_key()
    if cache_key is None:
        return build(shape, scope)
    try:
        key = (shape, cache_key.key, tuple(b.effective_value for b in cache_key.bindparams))
        statement = kept.get(key)
    except TypeError:  # an unhashable bound value
        return build(shape, scope)
    if statement is None:
        if len(kept) >= KEPT:
            kept.clear()
        statement = kept[key] = build(shape, scope)
    return statement
