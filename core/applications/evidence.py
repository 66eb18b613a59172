"""Evidence PDFs: checked by content, stored outside the web root under random names.

A file is accepted only if its bytes start with the PDF signature and pypdf parses it in
strict mode (a truncated or disguised file fails), it has at least one page, is not
encrypted and is within the size limit. The parse runs in a child process with CPU-time and
memory ceilings (:mod:`core.applications.pdfcheck`), so a crafted file cannot hold a worker. The uploader's file name is kept for display only.
Files live in ``GREENMFG_EVIDENCE_DIR`` (default: ``<instance>/evidence``), never under
``static``; downloads go through a view that checks the user may see the application.
"""
from __future__ import annotations

import hashlib
import os
import re
import uuid
from pathlib import Path
from typing import IO, Any

from flask import current_app
from sqlalchemy import select

from core.applications import pdfcheck
from core.errors import InvalidInput, NotFound
from core.extensions import db
from core.models import Application, Evidence
from core.services import audit

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_APPLICATION = 200


def storage_dir() -> Path:
    configured = current_app.config.get("GREENMFG_EVIDENCE_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "evidence"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def max_bytes() -> int:
    return int(current_app.config.get("GREENMFG_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def _clean_name(name: str | None) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]", "", base)[:190]
    return base or "evidence.pdf"


def check_pdf(data: bytes) -> int:
    """Return the page count of a valid PDF, or raise :class:`InvalidInput` saying what is wrong."""
    limit = max_bytes()
    if len(data) > limit:
        raise InvalidInput("The file is larger than %(mb)d MB.", field="file", mb=limit // (1024 * 1024))
    if not data:
        raise InvalidInput("The file is empty.", field="file")
    if not data.lstrip()[:5] == b"%PDF-":
        raise InvalidInput("Only PDF files are accepted; this file is not a PDF (checked by its content).",
                           field="file")
    outcome = pdfcheck.check(data, cpu_seconds=int(current_app.config.get("GREENMFG_PDF_CHECK_CPU_SECONDS",
                                                                          pdfcheck.CPU_SECONDS)),
                             wall_seconds=float(current_app.config.get("GREENMFG_PDF_CHECK_SECONDS",
                                                                       pdfcheck.WALL_SECONDS)))
    if outcome.too_costly:
        raise InvalidInput("The PDF could not be checked within the time and memory allowed; please save it again "
                           "(for example with 'print to PDF') and upload it.", field="file")
    if outcome.encrypted:
        raise InvalidInput("Encrypted or password-protected PDFs are not accepted.", field="file")
    if outcome.damaged:
        raise InvalidInput("The PDF is damaged or incomplete and cannot be read.", field="file")
    pages = outcome.pages
    if pages < 1:
        raise InvalidInput("The PDF has no pages.", field="file")
    return pages


def allowed_sections(application: Application) -> set[str]:
    from core.applications.fields import fields_for, is_upload
    from core.applications.scoring import indicator_set

    rules = current_app.extensions["greenmfg"].rules
    ffs = fields_for(rules, application.unit_type, application.level)
    sections = {"general", "basic", "negative_list"} | {f.section for f in ffs}
    sections |= {f.code for f in ffs if is_upload(f)}
    iset = indicator_set(application)
    if iset is not None:
        sections |= {f"indicator.{i.number}" for i in iset.indicators}
    return sections


def read_upload(stream: IO[bytes]) -> bytes:
    """Read at most the size limit plus one byte (so an oversized file is told apart)."""
    return stream.read(max_bytes() + 1)


def store(application: Application, section: str, filename: str | None, data: bytes, actor: str) -> Evidence:
    """Check and store one PDF for ``application`` (the caller checked it may be edited, and commits).

    The file is written before the row; if the transaction fails, :func:`discard` removes it.
    """
    if section not in allowed_sections(application):
        raise InvalidInput("Unknown section for evidence: %(section)s.", field="section", section=section)
    count = db.session.scalar(select(db.func.count(Evidence.id)).where(Evidence.application_id == application.id))
    if count >= MAX_FILES_PER_APPLICATION:
        raise InvalidInput("An application may carry at most %(n)d evidence files.", field="file",
                           n=MAX_FILES_PER_APPLICATION)
    pages = check_pdf(data)
    name = uuid.uuid4().hex
    path = storage_dir() / name
    tmp = path.with_suffix(".part")
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    row = Evidence(application_id=application.id, section=section, original_name=_clean_name(filename),
                   storage_name=name, size=len(data), sha256=hashlib.sha256(data).hexdigest(), pages=pages,
                   uploaded_by=actor)
    db.session.add(row)
    try:
        db.session.flush()
    except Exception:
        discard(row)
        raise
    audit.record(actor, "evidence.uploaded", "application", application.id, evidence=row.id, section=section,
                 name=row.original_name, size=row.size, sha256=row.sha256)
    return row


def discard(row: Evidence) -> None:
    """Remove a stored file whose row was not committed."""
    try:
        (storage_dir() / row.storage_name).unlink(missing_ok=True)
    except OSError:
        pass


def evidence_for(application: Application, evidence_id: Any) -> Evidence:
    try:
        ident = int(evidence_id)
    except (TypeError, ValueError):
        raise NotFound("No such file.") from None
    row = db.session.scalar(select(Evidence).where(Evidence.id == ident, Evidence.application_id == application.id))
    if row is None:
        raise NotFound("No such file.")
    return row


def listing(application: Application) -> list[Evidence]:
    return list(db.session.scalars(select(Evidence).where(Evidence.application_id == application.id)
                                   .order_by(Evidence.section, Evidence.id)))


def path_of(row: Evidence) -> Path:
    path = storage_dir() / row.storage_name
    if not path.is_file():
        raise NotFound("No such file.")
    return path


def delete(application: Application, row: Evidence, actor: str) -> None:
    """Delete an evidence row (the file goes once the transaction commits; see views)."""
    db.session.delete(row)
    audit.record(actor, "evidence.deleted", "application", application.id, evidence=row.id, section=row.section,
                 name=row.original_name, sha256=row.sha256)
