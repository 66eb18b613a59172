"""Evidence PDFs attached to removals, complaints, change reports and re-reviews.

The same checks and storage as application evidence (:mod:`core.applications.evidence`):
content-checked PDFs, stored outside the web root under random names; downloads go through
a view that checks the user may see the record.
"""
from __future__ import annotations

import hashlib
import io
import uuid
from typing import IO

from sqlalchemy import func, select

from core.applications.evidence import _clean_name, check_pdf
from core.errors import InvalidInput, NotFound
from core.extensions import db
from core.models import ManagementFile
from core.services import audit
from core.storage import staging

RECORD_TYPES = ("removal", "complaint", "change", "rereview")
MAX_FILES = 50


def _key(name: str) -> str:
    return f"management/{name}"


def store(record_type: str, record_id: int, filename: str | None, data: bytes, actor: str) -> ManagementFile:
    if record_type not in RECORD_TYPES:
        raise InvalidInput("Unknown fields: %(fields)s.", field="record_type", fields=record_type)
    pages = check_pdf(data)
    count = db.session.scalar(select(func.count(ManagementFile.id)).where(
        ManagementFile.record_type == record_type, ManagementFile.record_id == record_id)) or 0
    if count >= MAX_FILES:
        raise InvalidInput("At most %(n)d files may be attached.", field="file", n=MAX_FILES)
    name = uuid.uuid4().hex
    staging.stage(_key(name), data)  # promoted when the row commits (core.storage.staging)
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


def open_file(row: ManagementFile) -> IO[bytes]:
    """The file as a stream for ``send_file``, from whichever store the instance uses."""
    try:
        return io.BytesIO(staging.read(_key(row.storage_name)))
    except FileNotFoundError:
        raise NotFound("No such record.") from None


def discard_unreferenced(names: list[str]) -> None:
    """Files of a rolled-back transaction: the staging removed them already (kept for callers)."""
    from core.storage import store

    for name in names:
        store().delete(staging.PENDING + _key(name))
