"""A reading request's statements outside a transaction, until one needs it (issue 57, W1; PostgreSQL).

Every ``GET`` or ``HEAD`` request that reads the database used to pay two round trips besides its statements: the
``BEGIN`` psycopg sends before the first one and the ``COMMIT`` that ends a transaction that only read
(:func:`core.kernel.uow.end_reads`). Under READ COMMITTED, PostgreSQL's isolation level and the platform's, each
statement of a transaction already sees what was committed when it started, so a ``SELECT`` run on its own sees
what it would have seen inside the transaction: the same rows, without the two round trips (this is how Django runs
every statement outside ``atomic``).

So a reading request's session starts on a connection in psycopg's autocommit mode, and its plain ``SELECT``\\s run
as they come. The first statement that needs a transaction turns it back on before it runs: a write (anything
:func:`core.kernel.changes.is_write` counts), a savepoint, a row lock (``FOR UPDATE``, ``FOR SHARE``...), an
advisory lock, a sequence's ``nextval``, a ``SET LOCAL``, or rows read through a server-side cursor (``yield_per``:
PostgreSQL declares a cursor only inside a transaction). From there on the request is one transaction as
before, committed or rolled back whole: a download that writes its audit entry takes the chain's lock inside the
transaction that appends the entry (:mod:`core.services.audit_chain`). A request that changes data
(``POST``...), a job and a command begin their transaction at their first statement, as always.

The connection goes back to the pool out of autocommit (:func:`install`'s ``checkin`` listener).
"""
from __future__ import annotations

import functools
import re
from typing import Any

from flask import has_request_context, request
from sqlalchemy import event

from core.kernel.changes import is_write

#: set in a pooled connection's ``info`` while it runs a reading request's statements outside a transaction
READING = "greenmfg_reading_outside_transaction"
#: what a statement that only reads must not hold: it needs the transaction
_NEEDS_TRANSACTION = re.compile(
    r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE|KEY\s+SHARE)\b|pg_advisory|\bnextval\s*\(|\bsetval\s*\(|set_config"
    r"|^\s*(?:SAVEPOINT|SET\s+LOCAL|LOCK)\b",
    re.IGNORECASE)


@functools.lru_cache(maxsize=2048)
def needs_transaction(statement: str) -> bool:
    """Whether ``statement`` must run inside the request's transaction (a write, a lock, a savepoint...); a page
    runs the same few statements again and again, so each text is judged once per process."""
    return is_write(statement) or _NEEDS_TRANSACTION.search(statement) is not None


def _server_side(cursor: Any, context: Any) -> bool:
    """Rows read through a server-side cursor: psycopg's named cursor (``DECLARE``), asked by ``yield_per``."""
    options = getattr(context, "execution_options", None) or {}
    return getattr(cursor, "name", None) is not None or bool(options.get("stream_results"))


def _reading_request() -> bool:
    return has_request_context() and request.method in ("GET", "HEAD")


def _begun(session, transaction, connection) -> None:
    """A reading request's transaction on PostgreSQL starts with its connection in autocommit (nothing ran yet)."""
    if transaction.parent is not None or connection.dialect.name != "postgresql" or not _reading_request():
        return
    if connection.get_execution_options().get("isolation_level"):
        return  # a transaction that asked for its own isolation: as asked
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is None or dbapi_connection.autocommit:
        return
    try:
        dbapi_connection.autocommit = True
    except Exception:  # noqa: BLE001 - a transaction is open already: it goes on
        return
    connection.info[READING] = True


def install(session_factory: Any, engine: Any) -> None:
    """Reading requests' statements outside a transaction on ``engine`` (PostgreSQL only) for the sessions of
    ``session_factory`` (called once per app)."""
    if engine.dialect.name != "postgresql":
        return

    if not event.contains(session_factory, "after_begin", _begun):  # the sessions of every app: once
        event.listen(session_factory, "after_begin", _begun)

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        if conn.info.get(READING) and (needs_transaction(statement) or _server_side(cursor, context)):
            conn.info.pop(READING, None)
            conn.connection.dbapi_connection.autocommit = False  # this statement begins the transaction

    @event.listens_for(engine.pool, "checkin")
    def _back(dbapi_connection, record):
        if record.info.pop(READING, False) and dbapi_connection is not None:
            try:
                dbapi_connection.autocommit = False
            except Exception:  # noqa: BLE001 - a broken connection: the pool drops it
                pass
