"""Evidence PDFs attached to removals, complaints, change reports and re-reviews.

The same checks and storage as application evidence (:mod:`core.applications.evidence`):
content-checked PDFs, stored outside the web root under random names; downloads go through
a view that checks the user may see the record.
"""
from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from sqlalchemy import func, select

from core.applications.evidence import _clean_name, check_pdf, storage_dir
from core.errors import InvalidInput, NotFound
from core.extensions import db
from core.models import ManagementFile
from core.services import audit

RECORD_TYPES = ("removal", "complaint", "change", "rereview")
MAX_FILES = 50


def folder() -> Path:
    path = storage_dir() / "management"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def store(record_type: str, record_id: int, filename: str | None, data: bytes, actor: str) -> ManagementFile:
    if record_type not in RECORD_TYPES:
        raise InvalidInput("Unknown fields: %(fields)s.", field="record_type", fields=record_type)
    pages = check_pdf(data)
    count = db.session.scalar(select(func.count(ManagementFile.id)).where(
        ManagementFile.record_type == record_type, ManagementFile.record_id == record_id)) or 0
    if count >= MAX_FILES:
        raise InvalidInput("At most %(n)d files may be attached.", field="file", n=MAX_FILES)
    name = uuid.uuid4().hex
    (folder() / name).write_bytes(data)
    row = ManagementFile(record_type=record_type, record_id=record_id, original_name=_clean_name(filename),
                         storage_name=name, size=len(data), sha256=hashlib.sha256(data).hexdigest(), pages=pages,
                         uploaded_by=actor)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "management.file_added", record_type, record_id, file=row.id, name=row.original_name,
                 sha256=row.sha256, pages=pages)
    return row


def listing(record_type: str, record_id: int) -> list[ManagementFile]:
    return list(db.session.scalars(select(ManagementFile).where(
        ManagementFile.record_type == record_type, ManagementFile.record_id == record_id)
        .order_by(ManagementFile.id)))


def path_of(row: ManagementFile) -> Path:
    path = folder() / row.storage_name
    if not path.exists():
        raise NotFound("No such record.")
    return path


def discard_unreferenced(names: list[str]) -> None:
    """Delete files written during a transaction that was rolled back (nothing left behind)."""
    for name in names:
        try:
            (folder() / name).unlink()
        except FileNotFoundError:
            pass
