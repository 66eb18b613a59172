"""The audit chain's head kept outside the database (issue 55; GB/T 22239-2019 8.1.4.3 安全审计 c, ASVS 4.0.3 7.3.3).

A signed anchor (:mod:`core.services.audit_chain`) is made hourly; entries written after the newest one could be
deleted by whoever owns the tables, and ``greenmfg audit verify`` said the log was intact. Now every commit that
appends entries writes the newest entry's id and hash to ``audit-head.json`` in the anchor folder
(``GREENMFG_AUDIT_ANCHOR_DIR``, default the instance folder: on the application's host, out of the database's
reach), with an HMAC under the chain key the database never holds. :func:`~core.services.audit_chain.verify`
requires that entry in the chain with that hash: a removed tail, however short and however recent, is found.

The file only ever moves forward (the higher id wins, under a lock, whichever process commits last); a transaction
rolled back, or a savepoint's entries rolled back, never write it; a crash between the commit and the write leaves
it one commit behind, never ahead. Restore it with the anchors when the database is restored from a backup.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import logging
import os
import tempfile
from typing import Any

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from core.services.audit_keys import anchor_file, chain_key

HEAD_FILE = "audit-head.json"
#: where a session keeps the newest entry it appended, until it commits
PENDING = "greenmfg_audit_head"


def note(info: dict, entry_id: int, entry_hash: str) -> None:
    """An entry was appended in this session's transaction (:func:`core.services.audit_chain._link`)."""
    info[PENDING] = {"id": int(entry_id), "hash": entry_hash}


def _database() -> str:
    """Which database the head is of (host, port, name: :func:`core.ratelimit.database_identity`), so a folder a
    developer reuses for a new database never holds it against the old one's head."""
    from flask import current_app

    from core.ratelimit import database_identity

    uri = current_app.config.get("SQLALCHEMY_DATABASE_URI")
    return hashlib.sha256(database_identity(uri).encode()).hexdigest()[:16]


def _mac(head: dict[str, Any]) -> str:
    text = f"head:{head['db']}:{head['id']}:{head['hash']}"
    return hmac.new(chain_key(), text.encode(), hashlib.sha256).hexdigest()


def write(head: dict[str, Any]) -> None:
    """Move the head file forward to ``head`` (never back): under an exclusive lock on a lock file beside it, the new
    head is written to a temporary file and renamed over the old one, so a reader (``audit verify``) always reads a
    whole file, the old or the new."""
    head = {**head, "db": _database()}
    path = anchor_file(HEAD_FILE)
    lock = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            current = json.loads(path.read_text(encoding="utf-8") or "{}")
        except (FileNotFoundError, ValueError):
            current = {}
        if current.get("db") == head["db"] and int(current.get("id") or 0) >= head["id"]:
            return
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with open(fd, "w", encoding="utf-8") as f:  # (builtin open: an fd, as os.fdopen)
                f.write(json.dumps({**head, "mac": _mac(head)}, sort_keys=True))
                f.flush()
                os.fsync(f.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
    finally:
        os.close(lock)  # closing releases the lock


def read() -> dict[str, Any] | None:
    """The recorded head of this database, ``{"db", "id", "hash", "mac"}`` (``None``: none written yet, or of
    another database); ``{"bad": True}`` when the file is unreadable or its HMAC does not match."""
    path = anchor_file(HEAD_FILE)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    if not text.strip():
        return None
    try:
        head = json.loads(text)
        ok = hmac.compare_digest(str(head.get("mac", "")), _mac(head))
    except (ValueError, KeyError, TypeError, AttributeError):
        return {"bad": True}
    if not ok:
        return {"bad": True}
    return head if head["db"] == _database() else None


@event.listens_for(Session, "after_commit")
def _write_on_commit(session: Session) -> None:
    head = session.info.pop(PENDING, None)
    if head is not None and has_app_context():
        try:
            write(head)
        except Exception:
            # still guard, and `audit verify` says what it finds
            logging.getLogger(__name__).warning("the audit head file was not written", exc_info=True)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(PENDING, None)  # entries rolled back (a savepoint's too): the file is never ahead
