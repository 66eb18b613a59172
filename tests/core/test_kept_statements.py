"""Issue 57, W1: a list's statement is built once per shape and scope (core/kernel/statements.py) and shared only
by requests whose WHERE clause is the same SQL with the same values."""
from __future__ import annotations

from sqlalchemy import column, func, select, table, true

from core.kernel import statements

ITEMS = table("item", column("id"), column("city"), column("tags"))


def _built():
    calls = []

    def build(shape, scope):
        calls.append(shape)
        return select(ITEMS.c.id).where(scope).limit(shape)

    return calls, build


def test_one_statement_per_shape_and_scope():
    kept, (calls, build) = {}, _built()
    first = statements.for_scope(kept, 50, ITEMS.c.city == 7, build)
    assert statements.for_scope(kept, 50, ITEMS.c.city == 7, build) is first  # another request, the same city
    assert statements.for_scope(kept, 50, ITEMS.c.city == 8, build) is not first  # another city: its own
    assert statements.for_scope(kept, 10, ITEMS.c.city == 7, build) is not first  # another shape
    assert statements.for_scope(kept, 50, true(), build) is not first  # everything: another WHERE clause
    assert calls == [50, 50, 10, 50]


def test_a_scope_that_cannot_be_keyed_is_built_each_time():
    kept, (calls, build) = {}, _built()
    unhashable = ITEMS.c.tags == func.json(["a", "b"])  # a list bound: no hashable key
    statements.for_scope(kept, 50, unhashable, build)
    statements.for_scope(kept, 50, unhashable, build)
    assert calls == [50, 50] and kept == {}


def test_the_kept_statements_start_afresh_past_their_limit(monkeypatch):
    monkeypatch.setattr(statements, "KEPT", 3)
    kept, (calls, build) = {}, _built()
    for city in range(5):
        statements.for_scope(kept, 50, ITEMS.c.city == city, build)
    assert len(calls) == 5 and len(kept) == 2  # cleared at the fourth, then the fourth and fifth kept
