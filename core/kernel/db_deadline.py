"""Bounded waits on a stalled database (issue 47): the client gives up, whatever the network does.

PostgreSQL's ``statement_timeout`` runs on the server, and TCP keepalives and ``tcp_user_timeout`` notice only a
peer that stops acknowledging: where the path to the database holds every byte (a stalled proxy, a hung load
balancer) a statement, a commit or the pool's ping waited until gunicorn killed the worker (30 s, no answer at all).
Here every wait on a PostgreSQL connection has a deadline on the client: a watchdog thread shuts the connection's
socket down when a statement, a commit, a rollback or the ping outlasts it, the driver raises ``OperationalError``,
the pool drops the connection and the request answers the bilingual 503 with ``Retry-After``
(:mod:`core.security`); a job retries (:mod:`core.jobs.runner` counts the error as passing).

``GREENMFG_DB_CLIENT_TIMEOUT`` (seconds, default 9) bounds a statement, ``GREENMFG_DB_PING_TIMEOUT`` (2) the ping
on checking a connection out of the pool; with ``GREENMFG_DB_CONNECT_TIMEOUT`` (5) for a new connection, a request
whose database stalls answers within 10 s, under gunicorn's 30.

The ping is a round trip to the server, about 4 % of a list page's CPU time (issue 57, W1). A connection that came
back to the pool less than ``GREENMFG_DB_PING_AFTER_IDLE`` seconds ago (default 5) and has nothing to read on its
socket is handed out without one: a server that restarted or ended the connection (``pg_terminate_backend``, a
shut-down) sends its error and closes the socket, which makes the socket readable at once, and such a connection
is pinged, found dead and replaced as before; so is one that came back with a transaction still open (a commit
that failed before it was sent), which the ping cannot run on. A path that stalls without closing (no byte either
way) is not seen by either check: the statement's own deadline answers 503 within ``GREENMFG_DB_CLIENT_TIMEOUT``.
"""
from __future__ import annotations

import logging
import os
import select
import socket
import threading
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError

log = logging.getLogger(__name__)


class Watchdog:
    """One thread a process: ``{id(dbapi connection): (deadline, socket number)}`` checked every 0.25 s."""

    def __init__(self) -> None:
        self.armed: dict[int, tuple[float, int]] = {}
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        #: no deadlines in this process (:func:`lift`)
        self.lifted = False

    def forked(self) -> None:
        """In a child just forked: the parent's thread did not come along, and its lock may have been held by that
        thread at the moment of the fork (a child taking it would wait forever); the child's own connections are
        armed afresh (the parent's are not its own: core/kernel/forks.py)."""
        self.lock = threading.Lock()
        self.armed = {}
        self.thread = None

    def _ensure(self) -> None:
        if self.thread is None or not self.thread.is_alive():  # none yet, or a forked child's (:meth:`forked`)
            self.thread = threading.Thread(target=self._run, name="greenmfg-db-deadline", daemon=True)
            self.thread.start()

    def arm(self, dbapi_connection: Any, seconds: float) -> None:
        if self.lifted:
            return
        try:
            fileno = dbapi_connection.fileno()
        except Exception:  # noqa: BLE001 - closed already: nothing to wait on
            return
        with self.lock:
            self.armed[id(dbapi_connection)] = (time.monotonic() + seconds, fileno)
        self._ensure()

    def disarm(self, dbapi_connection: Any) -> None:
        with self.lock:
            self.armed.pop(id(dbapi_connection), None)

    def _run(self) -> None:
        while True:
            time.sleep(0.25)
            now = time.monotonic()
            with self.lock:
                due = [(key, fileno) for key, (deadline, fileno) in self.armed.items() if deadline <= now]
                for key, _fileno in due:
                    self.armed.pop(key, None)
            for _key, fileno in due:
                _shut(fileno)


def _shut(fileno: int) -> None:
    """End the connection's socket (the driver's wait returns at once with an error)."""
    try:
        sock = socket.socket(fileno=socket.dup(fileno))
    except OSError:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
        log.warning("database did not answer in time: connection ended by the client")
    except OSError:
        pass
    finally:
        sock.close()


WATCHDOG = Watchdog()
os.register_at_fork(after_in_child=WATCHDOG.forked)


def install(engine: Any, config: Any) -> None:
    """Deadlines on every wait of ``engine``'s connections (PostgreSQL only; SQLite waits on a local file)."""
    if engine.dialect.name != "postgresql":
        return
    statement = float(config.get("GREENMFG_DB_CLIENT_TIMEOUT") or 9)
    ping = float(config.get("GREENMFG_DB_PING_TIMEOUT") or 2)
    fresh = float(config.get("GREENMFG_DB_PING_AFTER_IDLE", 5) or 0)

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(conn, cursor, statement_text, parameters, context, executemany):
        WATCHDOG.arm(conn.connection.dbapi_connection, statement)

    @event.listens_for(engine, "after_cursor_execute")
    def _answered(conn, cursor, statement_text, parameters, context, executemany):
        WATCHDOG.disarm(conn.connection.dbapi_connection)

    @event.listens_for(engine, "handle_error")
    def _failed(context):
        connection = context.connection
        if connection is not None and not connection.closed:
            try:
                WATCHDOG.disarm(connection.connection.dbapi_connection)
            except Exception:  # noqa: BLE001 - invalidated already
                pass

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _ending(conn):
        WATCHDOG.arm(conn.connection.dbapi_connection, statement)  # disarmed when the connection goes back

    @event.listens_for(engine.pool, "reset")
    def _resetting(dbapi_connection, record, reset_state=None):
        WATCHDOG.arm(dbapi_connection, ping)

    @event.listens_for(engine.pool, "checkin")
    def _back(dbapi_connection, record):
        if dbapi_connection is not None:
            WATCHDOG.disarm(dbapi_connection)
            record.info[_BACK] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _ping(dbapi_connection, record, proxy):
        """The pool's ping, with its deadline (SQLAlchemy's own pre-ping has none): a connection that does not
        answer is dropped and the pool connects anew (bounded by the connect timeout). A connection back in the
        pool for less than ``fresh`` seconds that :func:`_needs_check` passes (idle, open, nothing from the server
        waiting on its socket) is not pinged."""
        if fresh > 0 and time.monotonic() - record.info.get(_BACK, float("-inf")) < fresh \
                and not _needs_check(dbapi_connection):
            return
        ping_connection(dbapi_connection, ping)


def ping_connection(dbapi_connection: Any, seconds: float) -> None:
    """One ``SELECT 1`` outside any transaction, within ``seconds``; a connection that fails it raises
    ``DisconnectionError``, and the pool replaces it."""
    WATCHDOG.arm(dbapi_connection, seconds)
    autocommit = dbapi_connection.autocommit
    try:
        if not autocommit:  # as SQLAlchemy's own ping: no transaction left open, one round trip
            dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not autocommit:
            dbapi_connection.autocommit = False
    except Exception as exc:  # noqa: BLE001 - any failure: another connection
        raise DisconnectionError(f"the pooled connection did not answer ({type(exc).__name__})") from exc
    finally:
        WATCHDOG.disarm(dbapi_connection)


#: libpq's PQTRANS_IDLE: no transaction open on the connection (``psycopg.pq.TransactionStatus.IDLE``)
_IDLE = 0
#: when the connection last came back to the pool (``time.monotonic()``), in its pool entry's ``info``
_BACK = "greenmfg_back_at"


def _needs_check(dbapi_connection: Any) -> bool:
    """Whether a connection back in the pool moments ago must still be checked: it is closed or broken, it is not
    idle (a transaction left open by a commit that failed before it was sent: the check fails on it and the pool
    replaces it, so nothing of that transaction is ever committed by the next request), or something waits to be
    read on its socket (an idle PostgreSQL connection is sent nothing unless the server ends it, with its error and
    end of file, or a notification comes; the check reads what waits, and a dead connection fails it)."""
    if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken", False):
        return True
    try:
        if dbapi_connection.info.transaction_status != _IDLE:
            return True
        readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    except (OSError, ValueError, AttributeError):  # no socket any more
        return True
    return bool(readable)


def lift(engine: Any) -> None:
    """No deadline for this process's use of ``engine``: schema migrations (``greenmfg db upgrade``) may build an
    index on a large table for minutes."""
    WATCHDOG.lifted = True

    @event.listens_for(engine, "connect")
    def _no_statement_timeout(dbapi_connection, record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
        dbapi_connection.commit()

    engine.dispose()
