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


def _heavy_pdf() -> bytes:
    """One page whose dictionary holds eight long arrays (each under pypdf's own element limit): 4 MB on
    disk, tens of MB once parsed."""
    from pypdf.generic import ArrayObject, NameObject, NumberObject

    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    for k in range(8):
        page[NameObject(f"/Filler{k}")] = ArrayObject(NumberObject(n) for n in range(90_000))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_parse_past_its_ceilings_is_too_costly():
    assert pdfcheck.check(_pdf(1), wall_seconds=0.001).too_costly  # killed at the wall-clock limit
    heavy = _heavy_pdf()
    assert pdfcheck.check(heavy) == pdfcheck.Outcome(pages=1)  # within the default ceilings it is read
    # the memory ceiling is room for the parse on top of the loaded parser, whatever the machine's start-up takes
    assert pdfcheck.check(heavy, memory_bytes=8 * 1024 * 1024) == pdfcheck.Outcome(too_costly=True)
    assert pdfcheck.check(_pdf(1), memory_bytes=8 * 1024 * 1024) == pdfcheck.Outcome(pages=1)


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


def test_a_process_that_exists_for_one_check_parses_within_the_same_ceilings():
    """A Redis worker's work horse parses in its own process (pdfcheck.check_here): the same answers."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    code = ("import json, sys, dataclasses; from core.applications import pdfcheck; "
            "print(json.dumps(dataclasses.asdict(pdfcheck.check_here(sys.stdin.buffer.read(), "
            "memory_bytes=int(sys.argv[1])))))")
    root = Path(pdfcheck.__file__).resolve().parents[2]

    def here(data: bytes, memory: int) -> pdfcheck.Outcome:
        done = subprocess.run([sys.executable, "-c", code, str(memory)], input=data, capture_output=True,
                              cwd=root, check=True, timeout=60)
        return pdfcheck.Outcome(**json.loads(done.stdout))

    assert here(_pdf(3), pdfcheck.MEMORY_BYTES) == pdfcheck.Outcome(pages=3)
    assert here(_heavy_pdf(), 8 * 1024 * 1024) == pdfcheck.Outcome(too_costly=True)


@pytest.mark.region("hunan")
def test_a_file_parsed_before_is_not_parsed_again_but_one_stopped_at_a_ceiling_is(app, monkeypatch):
    """The same bytes always parse the same: an upload of a file this process has checked (one certificate for
    several applications) answers from the kept verdict; a check stopped at a ceiling is not kept (the machine may
    only have been busy), nor is a verdict reached within other ceilings used."""
    import uuid

    from core import jobs
    from core.applications.evidence import check_pdf
    from core.errors import InvalidInput

    parses = []
    real = jobs.call

    def counted(name, *args, **kwargs):
        parses.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(jobs, "call", counted)
    writer, out = PdfWriter(), io.BytesIO()
    for _ in range(2):
        writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": uuid.uuid4().hex})  # bytes no other test parsed
    writer.write(out)
    certificate = out.getvalue()
    assert check_pdf(certificate) == 2 and check_pdf(certificate) == 2
    assert parses == ["evidence.check_pdf"]
    app.config["GREENMFG_PDF_CHECK_SECONDS"] = 0.001
    for _ in range(2):
        with pytest.raises(InvalidInput):
            check_pdf(certificate)
    assert len(parses) == 3  # within the new ceiling: parsed, stopped, and parsed again the next time
