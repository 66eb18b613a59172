"""Stored files without their row: removed after a grace period (issue 19; storage interface, issue 22).

Uploads are staged (:mod:`core.storage.staging`): written under ``pending/`` and promoted after the
row is committed. A process killed between the two (``kill -9``, a lost server) leaves a pending file
no row names, or a committed row whose file is still pending. :func:`sweep` (the clean-up job,
scheduled by the job worker, or ``greenmfg evidence sweep``) removes the first after the grace period
and promotes the second. This module names the keys the evidence rows reference: application
evidence and evaluation reports at the store's top level, management attachments under
``management/``.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.extensions import db
from core.models import Campaign, EvaluationReport, Evidence, ManagementFile
from core.storage import sweep as storage_sweep

DEFAULT_GRACE = storage_sweep.DEFAULT_GRACE


def referenced_keys() -> set[str]:
    keys = set(db.session.scalars(select(Evidence.storage_name)))
    keys |= set(db.session.scalars(select(EvaluationReport.storage_name)))
    keys |= {f"management/{name}" for name in db.session.scalars(select(ManagementFile.storage_name))}
    keys |= set(db.session.scalars(select(Campaign.notice_file).where(Campaign.notice_file.is_not(None))))  # issue 43
    return keys


storage_sweep.register(referenced_keys)


def sweep(actor: str, grace: dt.timedelta = DEFAULT_GRACE, *, dry_run: bool = False) -> dict[str, list[str]]:
    """Remove stored files no row names and older than ``grace``; promote committed pending ones.

    :returns: ``{"removed": [keys], "promoted": [keys], "kept_recent": [keys]}``.
    """
    return storage_sweep.sweep(actor, grace, dry_run=dry_run)
