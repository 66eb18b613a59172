"""A process forked from one that made the app never uses the parent's pooled database connections.

Two kinds of process are forked from one that made the app: gunicorn's web workers when the app is made once in
the master (``--preload``: the workers then share the master's start-up memory, docs/operations.md), and the
Redis job worker's work horse, one per job. A pooled connection is a socket to the database server; two processes
writing to one socket corrupt each other's statements. So the child, right after the fork, drops every pooled
connection it inherited without closing it (the parent still owns them: ``Engine.dispose(close=False)``, as
SQLAlchemy's guide to pools and ``os.fork`` says) and opens its own when it first needs one.
"""
from __future__ import annotations

import os
import weakref

from sqlalchemy.engine import Engine

#: the engines made in this process (weakly: a test's thrown-away app takes its engine with it)
_engines: weakref.WeakSet[Engine] = weakref.WeakSet()
_hooked = False


def _after_fork_in_child() -> None:
    for engine in list(_engines):
        engine.dispose(close=False)


def install(engine: Engine) -> None:
    """Drop ``engine``'s inherited connections in every process forked from this one from now on."""
    global _hooked
    _engines.add(engine)
    if not _hooked:
        os.register_at_fork(after_in_child=_after_fork_in_child)
        _hooked = True
