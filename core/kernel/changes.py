"""What changed since a page was made: one generation number that every process of an instance shares.

Every transaction that wrote to the database and committed adds one to it, in Redis, once its connection goes
back to the pool (so after the commit: a reader that saw the old number may have read the old rows, never the
other way round). Whatever keeps a page made from the database (:mod:`core.web.pagecache`) notes the number
before reading and serves the page again only while the number is unchanged, so no kept page outlives a change
it shows, whichever process, job or command made it.

A write that no kept page shows (a session's "last seen" time, a token's last use) runs with the execution
option :data:`NEUTRAL` and changes nothing here. A write made through a driver cursor (bypassing SQLAlchemy's
statement events) calls :func:`wrote` with its connection.

Without Redis there is no shared number: :func:`current` answers ``None``, and nothing is kept.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)

#: ``stmt.execution_options(**NEUTRAL)``: a write no kept page shows
NEUTRAL = {"greenmfg_page_neutral": True}
_WROTE, _COMMITTED = "greenmfg_wrote", "greenmfg_committed_write"
_TRANSACTION_WROTE = "greenmfg_transaction_wrote"
#: statements that read (or only steer the transaction); anything else counts as a write
_READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "PRAGMA", "SHOW", "SET ", "BEGIN", "EXPLAIN", "COMMIT")
#: after Redis failed to answer, this process tries again this many seconds later (each try may wait the timeout)
RETRY_SECONDS = 5.0


def is_write(statement: str) -> bool:
    head = statement.lstrip()[:10].upper()
    if head.startswith(_READS):
        return False
    if head.startswith("WITH"):
        upper = statement.upper()
        return "INSERT" in upper or "UPDATE" in upper or "DELETE" in upper
    return True


class Generation:
    """The shared number of one instance, in Redis at ``url`` under ``key``."""

    def __init__(self, url: str, key: str, timeout: float) -> None:
        self.url, self.key, self.timeout = url, key, timeout
        self._client: Any = None
        self._down_until = 0.0
        #: bumps that failed while Redis did not answer, sent first when it answers again
        self._pending = False

    @property
    def client(self) -> Any:
        if self._client is None:  # the process's pool for this address (redis-py is loaded here, at the first use)
            from core.ratelimit import redis_client

            self._client = redis_client(self.url, timeout=self.timeout)
        return self._client

    def _failed(self, exc: Exception) -> None:
        log.warning("Redis at %s did not answer (%s); pages are not kept for %.0f s", self.url,
                    type(exc).__name__, RETRY_SECONDS)
        self._down_until = time.monotonic() + RETRY_SECONDS

    def _answering(self) -> bool:
        if self._down_until and time.monotonic() < self._down_until:
            return False
        if self._pending:
            try:
                self.client.incr(self.key)
            except Exception as exc:  # noqa: BLE001 - any failure of the store: keep nothing
                self._failed(exc)
                return False
            self._pending = False
        return True

    def bump(self) -> None:
        if not self._answering():
            self._pending = True
            return
        try:
            self.client.incr(self.key)
        except Exception as exc:  # noqa: BLE001
            self._pending = True
            self._failed(exc)

    def read(self, *keys: str) -> tuple[int, list[bytes | None]] | None:
        """The number and the values at ``keys``, in one round trip; ``None`` when Redis does not answer."""
        if not self._answering():
            return None
        try:
            values = self.client.mget(self.key, *keys)
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)
            return None
        return int(values[0] or 0), values[1:]

    def put(self, key: str, value: bytes, seconds: int) -> None:
        if seconds <= 0 or not self._answering():
            return
        try:
            self.client.set(key, value, ex=seconds)
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)


def wrote(connection: Connection) -> None:
    """``connection`` wrote through a driver cursor: its commit changes the generation like any other write,
    and its transaction does not count as one that only read (:func:`transaction_wrote`)."""
    connection.info[_WROTE] = True
    connection.info[_TRANSACTION_WROTE] = True


def track_transactions(engine: Any) -> None:
    """Note on each of ``engine``'s connections whether the transaction under way wrote anything (a write no
    kept page shows included): :func:`transaction_wrote` (called once per app)."""
    def note(conn, cursor, statement, parameters, context, executemany):
        if is_write(statement):
            conn.info[_TRANSACTION_WROTE] = True

    def ended(conn):
        conn.info.pop(_TRANSACTION_WROTE, None)

    event.listen(engine, "before_cursor_execute", note)
    for name in ("begin", "commit", "rollback"):
        event.listen(engine, name, ended)


def transaction_wrote(connection: Connection) -> bool:
    """Whether the transaction under way on ``connection`` wrote (:func:`track_transactions`)."""
    return bool(connection.info.get(_TRANSACTION_WROTE))


def generation(app: Flask | None = None) -> Generation | None:
    """This instance's shared number, or ``None`` when pages are not kept (no Redis, or turned off)."""
    return (app or current_app).extensions.get("greenmfg_generation")


def install(app: Flask, engine: Any, url: str, prefix: str, timeout: float) -> Generation:
    """Count ``engine``'s committed writes in Redis at ``url`` (called once per app, by the page cache); a Redis
    that takes longer than ``timeout`` seconds to answer counts as not answering."""
    shared = Generation(url, f"{prefix}:generation", timeout)
    app.extensions["greenmfg_generation"] = shared

    def note_write(conn, cursor, statement, parameters, context, executemany):
        if context is not None and context.execution_options.get("greenmfg_page_neutral"):
            return
        if is_write(statement):
            conn.info[_WROTE] = True

    def committed(conn):
        if conn.info.pop(_WROTE, False):
            conn.info[_COMMITTED] = True

    def rolled_back(conn):
        conn.info.pop(_WROTE, None)

    def returned(dbapi_connection, record):
        info = getattr(record, "info", None)
        if info is not None and info.pop(_COMMITTED, False):
            shared.bump()

    event.listen(engine, "before_cursor_execute", note_write)
    event.listen(engine, "commit", committed)
    event.listen(engine, "rollback", rolled_back)
    event.listen(engine.pool, "checkin", returned)
    return shared
