"""The clean-up job for stored files: what a killed process left behind (issue 19, issue 22).

Every feature that names stored files in its rows registers a *provider* of the keys it references
(:func:`register`). :func:`sweep` then walks the store:

* ``pending/<key>`` whose ``<key>`` a row names: the writer committed and died before promoting it;
  it is promoted now;
* ``pending/<key>`` no row names, older than the grace period: an upload whose transaction never
  committed; removed;
* a stored file no row names, older than the grace period: a file whose row was deleted (or never
  committed, before uploads were staged); removed.

Only keys the platform writes are touched (random 32-hex names, and job results under
``jobs/<job id>/``); anything else an operator keeps in the folder is left alone. The grace period
must exceed the longest upload transaction so an upload in progress is never touched.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

from core.clock import now
from core.storage.base import FileStore
from core.storage.staging import PENDING

DEFAULT_GRACE = dt.timedelta(minutes=60)
_MANAGED = re.compile(r"^(?:[a-z_]+/)?[0-9a-f]{32}$|^jobs/[0-9a-f]{32}/[^/]+$")
_providers: list[Callable[[], Iterable[str]]] = []


def register(provider: Callable[[], Iterable[str]]) -> None:
    """Add a function returning every key that committed rows name (called inside an app context)."""
    if provider not in _providers:
        _providers.append(provider)


def referenced() -> set[str]:
    keys: set[str] = set()
    for provider in _providers:
        keys.update(provider())
    return keys


def sweep(actor: str, grace: dt.timedelta = DEFAULT_GRACE, *, dry_run: bool = False,
          target: FileStore | None = None) -> dict[str, list[str]]:
    """Promote committed pending files, remove unreferenced ones older than ``grace``.

    :returns: ``{"removed": [keys], "promoted": [keys], "kept_recent": [keys]}`` (on a dry run, what
        would be done). Audited (``evidence.orphans_removed``) when something was removed.
    """
    from core.services import audit
    from core.storage import store

    target = target or store()
    known = referenced()
    cutoff = now() - grace
    removed: list[str] = []
    promoted: list[str] = []
    recent: list[str] = []
    for item in list(target.list()):
        pending = item.key.startswith(PENDING)
        key = item.key[len(PENDING):] if pending else item.key
        if not _MANAGED.match(key):
            continue
        if key in known:
            if pending:
                promoted.append(key)
                if not dry_run:
                    try:
                        target.move(item.key, key)
                    except FileNotFoundError:
                        pass  # promoted meanwhile
            continue
        if item.modified > cutoff:
            recent.append(item.key)
            continue
        removed.append(item.key)
        if not dry_run:
            target.delete(item.key)
    if removed and not dry_run:
        audit.record(actor, "evidence.orphans_removed", "evidence_store", None, files=removed[:500],
                     count=len(removed), grace_minutes=int(grace.total_seconds() // 60))
    return {"removed": removed, "promoted": promoted, "kept_recent": recent}
