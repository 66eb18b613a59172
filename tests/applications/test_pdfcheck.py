"""Evidence PDFs are parsed in a child process with CPU, memory and wall-clock ceilings
(core/applications/pdfcheck.py): a file that a parser cannot finish within them is refused with a
clear message instead of holding a web worker."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter

from core.applications import pdfcheck


def _pdf(pages: int = 2, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_child_reports_pages_encryption_and_damage():
    assert pdfcheck.check(_pdf(3)) == pdfcheck.Outcome(pages=3)
    assert pdfcheck.check(_pdf(1, password="secret")).encrypted
    assert pdfcheck.check(_pdf(2)[:300]).damaged


def test_a_parse_past_its_ceilings_is_too_costly():
    assert pdfcheck.check(_pdf(1), wall_seconds=0.001).too_costly  # killed at the wall-clock limit
    assert pdfcheck.check(_pdf(1), memory_bytes=8 * 1024 * 1024).too_costly  # no room to parse


@pytest.mark.region("hunan")
def test_upload_check_refuses_in_both_languages_when_the_parse_takes_too_long(app):
    from core.applications.evidence import check_pdf
    from core.errors import InvalidInput

    assert check_pdf(_pdf(2)) == 2
    app.config["GREENMFG_PDF_CHECK_SECONDS"] = 0.001
    with pytest.raises(InvalidInput) as refused:
        check_pdf(_pdf(2))
    assert refused.value.field == "file"
    assert "time and memory allowed" in str(refused.value) and "内存" in str(refused.value)
