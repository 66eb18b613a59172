"""Evidence PDFs: checked by content, stored outside the web root under random names.

A file is accepted only if its bytes start with the PDF signature and pypdf parses it in
strict mode (a truncated or disguised file fails), it has at least one page, is not
encrypted and is within the size limit. The uploader's file name is kept for display only.

The parse runs in the job workers' pool (:func:`core.jobs.call`, job ``evidence.check_pdf``): a Redis
worker parses it in a work horse forked for that check, with CPU-time and memory ceilings
(:mod:`core.applications.pdfcheck`), so a crafted file can neither hold a web worker nor, as uploads
pile up, start one interpreter per upload on the web servers; the pool bounds how many checks run at
once. The upload still waits for the answer (a few tenths of a second), so the user learns at once
whether the file was accepted, and a refused file is never stored. Without a running worker (the demo,
the in-process back end) the check runs in a child process as before.

Files go through the file store (:mod:`core.storage`: a local folder, default
``<instance>/evidence``, or S3-compatible object storage), staged with the transaction: written under
``pending/`` and promoted once the row is committed (:mod:`core.storage.staging`). Downloads go through
a view that checks the user may see the application.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import threading
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import IO, Any

from flask import current_app
from sqlalchemy import select

from core.applications import pdfcheck
from core.errors import InvalidInput, NotFound
from core.extensions import db
from core.kernel.rules import region_rules, rules_of_round
from core.models import Application, Evidence
from core.services import audit
from core.storage import staging

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_APPLICATION = 200
#: the applicant's own self-evaluation report, where the region requires an evaluation report (issue 16)
SELF_REPORT_SECTION = "evaluation_report"


def storage_dir() -> Path:
    """The local evidence folder (``GREENMFG_EVIDENCE_DIR``); files are read and written through
    :mod:`core.storage`, which may be object storage instead."""
    configured = current_app.config.get("GREENMFG_EVIDENCE_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "evidence"


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
    outcome = _checked(data)
    if outcome.too_costly:
        raise InvalidInput("The PDF could not be checked within the time and memory allowed; please save it again "
                           "(for example with 'print to PDF') and upload it.", field="file")
    if outcome.too_inflated:
        raise InvalidInput("The PDF's contents decompress to more than %(mb)d MB; a file this size cannot hold "
                           "that much. Please save it again (for example with 'print to PDF') and upload it.",
                           field="file", mb=pdfcheck.MAX_INFLATED_BYTES // (1024 * 1024))
    if outcome.encrypted:
        raise InvalidInput("Encrypted or password-protected PDFs are not accepted.", field="file")
    if outcome.damaged:
        raise InvalidInput("The PDF is damaged or incomplete and cannot be read.", field="file")
    pages = outcome.pages
    if pages < 1:
        raise InvalidInput("The PDF has no pages.", field="file")
    if pages > pdfcheck.MAX_PAGES:
        raise InvalidInput("The PDF has %(pages)d pages; a file of evidence may have at most %(max)d. Split it "
                           "into parts and upload each.", field="file", pages=pages, max=pdfcheck.MAX_PAGES)
    return pages


def _ceilings() -> tuple[int, float]:
    return (int(current_app.config.get("GREENMFG_PDF_CHECK_CPU_SECONDS", pdfcheck.CPU_SECONDS)),
            float(current_app.config.get("GREENMFG_PDF_CHECK_SECONDS", pdfcheck.WALL_SECONDS)))


#: verdicts of the files this process has parsed, by their SHA-256 and the ceilings they were parsed within: the
#: same bytes always parse the same, so a file uploaded again (one certificate for several applications, a page
#: sent twice) is not parsed again (0.2-0.6 s a check). A check stopped at a ceiling is not kept: the machine may
#: only have been busy. At most :data:`VERDICTS_KEPT`, the oldest forgotten first.
_verdicts: OrderedDict[tuple[bytes, int, float], pdfcheck.Outcome] = OrderedDict()
_verdicts_lock = threading.Lock()
VERDICTS_KEPT = 1024


def _checked(data: bytes) -> pdfcheck.Outcome:
    """The parse, in the job workers' pool (or a child process when no worker runs), unless these bytes were
    parsed within the same ceilings before."""
    from core.jobs import call
    from core.jobs.backends import CallFailed

    cpu, wall = _ceilings()
    key = (hashlib.sha256(data).digest(), cpu, wall)
    with _verdicts_lock:
        if key in _verdicts:
            _verdicts.move_to_end(key)
            return _verdicts[key]
    try:
        outcome = pdfcheck.Outcome(**call("evidence.check_pdf", data, timeout=wall))
    except (CallFailed, TimeoutError):  # killed at a ceiling, or no answer in time: not accepted
        return pdfcheck.Outcome(too_costly=True)
    if not outcome.too_costly:
        with _verdicts_lock:
            _verdicts[key] = outcome
            while len(_verdicts) > VERDICTS_KEPT:
                _verdicts.popitem(last=False)
    return outcome


def check_in_worker(data: bytes) -> dict[str, Any]:
    """The job ``evidence.check_pdf``: parse within the ceilings, in this process if it exists for this
    check alone, else in a child process."""
    from dataclasses import asdict

    from core.jobs.runner import isolated

    cpu, wall = _ceilings()
    if isolated():
        return asdict(pdfcheck.check_here(data, cpu_seconds=cpu))
    return asdict(pdfcheck.check(data, cpu_seconds=cpu, wall_seconds=wall))


def allowed_sections(application: Application) -> set[str]:
    from core.applications.fields import fields_for, is_upload
    from core.applications.scoring import indicator_set

    rules = region_rules()
    ffs = fields_for(rules, application.unit_type, application.level)
    sections = {"general", "basic", "negative_list"} | {f.section for f in ffs}
    sections |= {f.code for f in ffs if is_upload(f)}
    iset = indicator_set(application)
    if iset is not None:
        sections |= {f"indicator.{i.number}" for i in iset.indicators}
    from core.plugins.types import Level

    if rules_of_round(application.campaign).evaluation_modes(application.unit_type, Level(application.level),
                                                             application.campaign.year).report_required:
        sections.add(SELF_REPORT_SECTION)
    return sections


def section_labels(application: Application, gettext: Any = None) -> dict[str, str]:
    """Every section the application's evidence may go to, as people name it (never a code), in the order the
    form offers them: core's own, the region form's file fields by their label, the indicators by number and
    name, any other form section by its name. ``gettext`` translates core's own names (default: the page's
    language)."""
    from flask_babel import gettext as page_gettext

    from core.applications.fields import fields_for, is_upload, section_name
    from core.i18n import local_text

    gettext = gettext or page_gettext
    rules = region_rules()
    labels = {"general": gettext("General"), "basic": gettext("Basic data"),
              "negative_list": gettext("Negative-list declaration"),
              SELF_REPORT_SECTION: gettext("Self-evaluation report")}
    for f in fields_for(rules, application.unit_type, application.level, application.campaign.year):
        if is_upload(f):
            labels[f.code] = str(f.label)
    iset = rules.indicator_set(application.unit_type, application.campaign.year)
    for ind in iset.indicators if iset is not None else ():
        labels[f"indicator.{ind.number}"] = f"{gettext('Indicator')} {ind.number} {local_text(ind.name, ind.name_en)}"
    for section in sorted(allowed_sections(application) - set(labels)):
        labels[section] = section_name(section)
    return labels


def read_upload(stream: IO[bytes]) -> bytes:
    """Read at most the size limit plus one byte (so an oversized file is told apart)."""
    return stream.read(max_bytes() + 1)


def store(application: Application, section: str, filename: str | None, data: bytes, actor: str) -> Evidence:
    """Check and store one PDF for ``application`` (the caller checked it may be edited, and commits).

    The file is staged: it becomes visible when the caller commits, and goes if the transaction fails.
    """
    if section not in allowed_sections(application):
        raise InvalidInput("Unknown section for evidence: %(section)s.", field="section", section=section)
    count = db.session.scalar(select(db.func.count(Evidence.id)).where(Evidence.application_id == application.id))
    if count >= MAX_FILES_PER_APPLICATION:
        raise InvalidInput("An application may carry at most %(n)d evidence files.", field="file",
                           n=MAX_FILES_PER_APPLICATION)
    pages = check_pdf(data)
    name = uuid.uuid4().hex
    staging.stage(name, data)  # promoted when the row commits, removed if it does not
    row = Evidence(application_id=application.id, section=section, original_name=_clean_name(filename),
                   storage_name=name, size=len(data), sha256=hashlib.sha256(data).hexdigest(), pages=pages,
                   uploaded_by=actor)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "evidence.uploaded", "application", application.id, evidence=row.id, section=section,
                 name=row.original_name, size=row.size, sha256=row.sha256)
    return row


def discard(row: Evidence) -> None:
    """Remove a stored file whose row was not committed (the staging does it on rollback already; this
    is for a caller that gives up on an uncommitted row without rolling back)."""
    from core.storage import store

    try:
        store().delete(staging.PENDING + row.storage_name)
    except Exception:  # noqa: BLE001 - left for the clean-up job
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


def read(row: Evidence) -> bytes:
    """The file's bytes, from whichever store the instance uses."""
    try:
        return staging.read(row.storage_name)
    except FileNotFoundError:
        raise NotFound("No such file.") from None


def open_file(row: Evidence) -> IO[bytes]:
    """The file as a stream for ``send_file``."""
    return io.BytesIO(read(row))


def delete(application: Application, row: Evidence, actor: str) -> None:
    """Delete an evidence row; its file goes once the deletion is committed."""
    staging.delete_after_commit(row.storage_name)
    db.session.delete(row)
    audit.record(actor, "evidence.deleted", "application", application.id, evidence=row.id, section=row.section,
                 name=row.original_name, sha256=row.sha256)
