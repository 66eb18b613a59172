"""The one unit of work: a change is committed whole or not at all.

Services change rows in the request's session and call :func:`commit` once; a lost race (a row changed or a
unique key taken by someone else in the meantime) rolls everything back and becomes a clear refusal in
Chinese and English, never a half-written record or a 500.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from core.errors import GreenmfgError, Refused
from core.extensions import db
from core.kernel import changes, reads

log = logging.getLogger(__name__)

T = TypeVar("T")

#: set in a session's ``info`` while its transaction holds a connection (:func:`_connected`): a request that ran
#: no statement (the user and its header remembered, a page not found) has none, and takes none to end
_CONNECTED = "greenmfg_connected"


def commit() -> None:
    """Commit the session; on a lost race roll back and refuse."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Refused("Someone changed this record at the same time; reload the page and try again.") from None
    except IntegrityError:
        db.session.rollback()
        raise Refused("This conflicts with data saved at the same time; reload the page and try again.") from None


def attempt(action: Callable[[], T]) -> tuple[T | None, GreenmfgError | None]:
    """Run ``action`` and :func:`commit`, as one unit of work. A refusal (any :class:`GreenmfgError`, the
    commit's lost race included) rolls everything back and comes back second: nothing is saved, and the
    caller shows it to the user."""
    try:
        outcome = action()
        commit()
    except GreenmfgError as exc:
        db.session.rollback()
        return None, exc
    return outcome, None


def init_app(app: Flask) -> None:
    """End every app context (a request, a job, a command) whose transaction only read with a COMMIT
    (:func:`end_reads`); registered after Flask-SQLAlchemy, so it runs before the session is removed."""
    with app.app_context():
        changes.track_transactions(db.engine)
        reads.install(db.session, db.engine)  # a reading request's SELECTs without BEGIN and COMMIT
    if not event.contains(db.session, "after_begin", _connected):
        event.listen(db.session, "after_begin", _connected)
        event.listen(db.session, "after_transaction_end", _ended)

    @app.teardown_appcontext
    def _end_reads(exc: BaseException | None) -> None:
        if exc is None:
            end_reads()


def _connected(session, transaction, connection) -> None:
    session.info[_CONNECTED] = True


def _ended(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CONNECTED, None)


def end_reads() -> None:
    """Commit the session's transaction if it only read: nothing pending in the session, no statement that
    writes (:func:`core.kernel.changes.transaction_wrote`). Anything else is left to the rollback that removing
    the session does, as before.

    A transaction that only read means the same committed or rolled back, but psycopg forgets a connection's
    prepared statements at every ROLLBACK (a rolled-back transaction may have dropped what they name). Ended
    with a COMMIT, the statements a page runs again and again stay prepared on the connection, and PostgreSQL
    stops planning them: 0.6 ms of the 0.8 ms the server spent on a page of the JSON API (issue 23, W1). On
    PostgreSQL a reading request's statements ran outside a transaction (:mod:`core.kernel.reads`): this commit
    then sends nothing, and the prepared statements stay as well."""
    if not db.session.registry.has():
        return
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    if not session.info.get(_CONNECTED):  # no statement ran: no connection to take, nothing to end
        return
    try:
        if changes.transaction_wrote(session.connection()):
            return
        session.expire_on_commit = False  # what was read stays readable after the context, as a rollback left it
        session.commit()
    except SQLAlchemyError:  # the connection failed: removing the session rolls back and gives it up
        log.warning("ending a transaction that only read failed", exc_info=True)
