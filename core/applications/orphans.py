"""Stored files without their row: removed after a grace period (issue 19).

An upload writes its file before the row is committed (:func:`core.applications.evidence.store`,
:func:`core.management.files.store`); a worker killed between the two (``kill -9``, a lost server)
leaves a file no row names. :func:`sweep` finds such files in the evidence folder (and its
``management`` subfolder) and removes those older than the grace period, which must exceed the
longest upload transaction so an upload in progress is never touched. Run it from cron or the job
scheduler: ``greenmfg evidence sweep`` (default grace 60 minutes).
"""
from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

from sqlalchemy import select

from core.applications.evidence import storage_dir
from core.extensions import db
from core.models import EvaluationReport, Evidence, ManagementFile
from core.services import audit

#: the names uploads are stored under (uuid4 hex), and their temporary form while being written
_STORED = re.compile(r"^[0-9a-f]{32}(\.part)?$")
DEFAULT_GRACE = dt.timedelta(minutes=60)


def _folders() -> list[tuple[Path, set[str]]]:
    root = storage_dir()
    evidence = set(db.session.scalars(select(Evidence.storage_name)))
    evidence |= set(db.session.scalars(select(EvaluationReport.storage_name)))
    management = set(db.session.scalars(select(ManagementFile.storage_name)))
    return [(root, evidence), (root / "management", management)]


def sweep(actor: str, grace: dt.timedelta = DEFAULT_GRACE, *, dry_run: bool = False) -> dict[str, list[str]]:
    """Remove stored files that no row names and that are older than ``grace``.

    :returns: ``{"removed": [names], "kept_recent": [names]}`` (``removed`` lists what would go on a dry run).
    """
    cutoff = time.time() - grace.total_seconds()
    removed, recent = [], []
    for folder, known in _folders():
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if not path.is_file() or not _STORED.match(path.name) or path.name in known:
                continue
            if path.stat().st_mtime > cutoff:
                recent.append(path.name)
                continue
            removed.append(path.name)
            if not dry_run:
                path.unlink(missing_ok=True)
    if removed and not dry_run:
        audit.record(actor, "evidence.orphans_removed", "evidence_store", None, files=removed[:500],
                     count=len(removed), grace_minutes=int(grace.total_seconds() // 60))
    return {"removed": removed, "kept_recent": recent}
