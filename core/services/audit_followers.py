"""Features that follow the audit log (notifications, webhooks): one mechanism for all of them.

After each flush, the new audit rows a follower wants are noted in the session; before the commit, the follower is
handed those rows (their ids and actions) and adds its job to the same transaction; a rolled-back transaction forgets
them. So nothing is sent for a change that did not happen, and nothing inside the request.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from core.models import AuditLog

#: ``on_commit(session, [(audit id, action), ...])``: called before the commit with the rows the follower wanted
OnCommit = Callable[[Session, list[tuple[int, str]]], None]


@dataclass(frozen=True)
class _Follower:
    key: str
    wants: Callable[[str], bool]
    on_commit: OnCommit


_FOLLOWERS: dict[str, _Follower] = {}


def follow(name: str, wants: Callable[[str], bool], on_commit: OnCommit) -> None:
    """Hand ``on_commit`` the audit rows whose action ``wants`` accepts, before each commit that wrote some
    (idempotent: a second app in one process follows once)."""
    if not _FOLLOWERS:
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_transaction_end", _forget)
    _FOLLOWERS.setdefault(name, _Follower(f"greenmfg_follow_{name}", wants, on_commit))


def _collect(session: Session, _flush_context: Any) -> None:
    new = [o for o in session.new if isinstance(o, AuditLog)]
    for f in _FOLLOWERS.values():
        found = [(o.id, o.action) for o in new if f.wants(o.action)]
        if found:
            session.info.setdefault(f.key, []).extend(found)


def _before_commit(session: Session) -> None:
    if any(isinstance(o, AuditLog) and f.wants(o.action) for o in session.new for f in _FOLLOWERS.values()):
        session.flush()  # rows added since the last flush get their ids (and reach _collect)
    for f in _FOLLOWERS.values():
        found = session.info.pop(f.key, None)
        if found:
            f.on_commit(session, found)


def _forget(session: Session, transaction: Any) -> None:
    if transaction.parent is None and not transaction.nested:
        for f in _FOLLOWERS.values():
            session.info.pop(f.key, None)  # rolled back: those audit rows never existed
