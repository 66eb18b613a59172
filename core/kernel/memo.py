"""What a page reads that changes only when something is written, remembered in this process until the next
committed write anywhere in the instance.

The instance's generation (:mod:`core.kernel.changes`) moves on with every committed write, from any process.
A value computed while the generation was ``n`` (the user behind a session and the numbers in its header, a
city's step deadlines, the choices of a filter) is still what the database holds while the generation is
``n``, so a request that reads ``n`` may take it instead of reading it again. The number is read once per
request (:func:`number`, shared with the kept pages' own read) and every remembered value goes with the first
request that reads a newer one.

Only ``GET`` and ``HEAD`` requests use remembered values (a request that writes reads its own writes); outside
a request, without Redis or with kept pages off, :func:`remembered` computes every time. A remembered value is
shared by every request of the process: it must be plain data (tuples, frozen dataclasses, strings), never an
ORM object bound to a session or anything a caller changes.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app, g, has_request_context, request

from core.kernel import changes

T = TypeVar("T")

_NUMBER = "greenmfg_generation_number"
_STORE = "greenmfg_remembered"
#: values kept per process; past this many the store starts again (a long list of users, cities and filters)
MAX_VALUES = 4096


def number() -> int | None:
    """The instance's generation as this request first read it, or ``None`` (no request, not a reading request,
    no Redis, kept pages off). At most one round trip to Redis a request."""
    if not has_request_context() or request.method not in ("GET", "HEAD"):
        return None
    if _NUMBER in g:
        return g.get(_NUMBER)
    shared = changes.generation()
    read = shared.read() if shared is not None else None
    found = read[0] if read is not None else None
    setattr(g, _NUMBER, found)
    return found


def read_as(found: int) -> None:
    """This request read the generation ``found`` itself (the kept pages read it with the page, in one trip)."""
    if has_request_context() and request.method in ("GET", "HEAD"):
        setattr(g, _NUMBER, found)


def remembered(name: str, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave for ``(name, key)`` in this process while the generation was what this
    request read."""
    found = number()
    if found is None:
        return compute()
    store = current_app.extensions.get(_STORE)
    if store is None or store[0] != found or len(store[1]) >= MAX_VALUES:
        store = current_app.extensions[_STORE] = (found, {})
    values = store[1]
    entry = (name, key)
    if entry in values:
        return values[entry]
    value = values[entry] = compute()
    return value
