"""File writes and deletions ordered with the database transaction, so no file outlives its row.

* :func:`stage` writes the bytes under ``pending/<key>`` at once and promotes them to ``<key>`` right
  after the session commits; if the transaction rolls back or the session closes uncommitted, the
  pending file is removed.
* :func:`delete_after_commit` removes a file once the deletion of its row is committed (never before:
  a rolled-back deletion keeps its file).
* :func:`read` reads a committed row's file; if a process was killed between the commit and the
  promotion, the file is still pending: it is promoted then (and by the clean-up job otherwise).

Whatever a killed process leaves behind (a pending file whose row was never committed, a file whose
row's deletion was committed) is removed by :func:`core.storage.sweep.sweep` after a grace period.
"""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from core.extensions import db
from core.storage import store
from core.storage.base import FileStore

PENDING = "pending/"
_KEY = "greenmfg_staged_files"
log = logging.getLogger(__name__)
_installed = False


def _ops(session: Session) -> list[tuple[str, FileStore, str]]:
    return session.info.setdefault(_KEY, [])


def _session() -> Session:
    return db.session()


def stage(key: str, data: bytes, session: Session | None = None) -> None:
    """Write ``data`` for ``key`` now, visible under ``key`` once the session commits."""
    target = store()
    target.put(PENDING + target.check_key(key), data)
    _ops(session or _session()).append(("promote", target, key))


def delete_after_commit(key: str, session: Session | None = None) -> None:
    _ops(session or _session()).append(("delete", store(), key))


def read(key: str, target: FileStore | None = None) -> bytes:
    """The bytes of a committed row's file (promoting it if its writer died before promoting)."""
    target = target or store()
    try:
        return target.get(key)
    except FileNotFoundError:
        pass
    try:
        target.move(PENDING + key, key)
    except FileNotFoundError:
        pass  # promoted meanwhile by its writer, or truly gone (the next get says which)
    return target.get(key)


def _after_commit(session: Session) -> None:
    ops = session.info.pop(_KEY, None)
    for op, target, key in ops or ():
        try:
            if op == "promote":
                target.move(PENDING + key, key)
            else:
                target.delete(key)
        except Exception:  # noqa: BLE001 - the row is committed; read() or the sweep finishes the move
            log.exception("file %s of a committed transaction: %s failed; the clean-up job will finish it", key, op)


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is not None or transaction.nested:
        return
    ops = session.info.pop(_KEY, None)
    for op, target, key in ops or ():
        if op != "promote":
            continue  # a rolled-back deletion keeps its file
        try:
            target.delete(PENDING + key)
        except Exception:  # noqa: BLE001 - left for the clean-up job
            log.exception("pending file %s of a rolled-back transaction was not removed", key)


def install() -> None:
    global _installed
    if _installed:
        return
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_transaction_end", _after_transaction_end)
    _installed = True
