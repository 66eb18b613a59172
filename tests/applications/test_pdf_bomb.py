"""Issue 55: a PDF is refused past a decompressed size and a page count (core.applications.pdfcheck).

A 292 KB file whose stream inflated to 300 MB was accepted as evidence (201). The file here is made in the test: one
page whose content stream is 300 MB of zeros compressed with zlib (about 300 KB); it is refused (422 naming the
256 MB bound), and nothing is stored. A file of 2,001 pages is refused naming the 2,000 allowed; a normal file,
and one whose stream inflates to a few MB, are accepted."""
from __future__ import annotations

import io
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
import api_kit as kit  # noqa: E402
from test_etags import _draft  # noqa: E402

from core.applications import pdfcheck  # noqa: E402


def inflating_pdf(megabytes: int) -> bytes:
    """A one-page PDF whose content stream decompresses to ``megabytes`` MB of zeros."""
    squeeze, chunk, parts = zlib.compressobj(9), bytes(1024 * 1024), []
    for _ in range(megabytes):
        parts.append(squeeze.compress(chunk))
    parts.append(squeeze.flush())
    stream = b"".join(parts)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.7\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _upload(client, app_id, headers, data: bytes, name: str):
    return client.post(f"/api/v1/applications/{app_id}/evidence", headers={**headers, "Accept-Language": "zh"},
                       content_type="multipart/form-data",
                       data={"section": "general", "file": (io.BytesIO(data), name)})


def test_a_compression_bomb_and_too_many_pages_are_refused(make_app, tmp_path):
    app = make_app("hunan", GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"))
    people = kit.people(app, division="430100", experts=0)
    app_id, clerk = _draft(app, people)
    client = app.test_client()
    bomb = inflating_pdf(300)
    assert len(bomb) < 400 * 1024  # a small file ...
    assert pdfcheck.check(bomb) == pdfcheck.Outcome(too_inflated=True)  # ... that inflates past the bound
    r = _upload(client, app_id, clerk, bomb, "营业执照.pdf")
    assert r.status_code == 422, r.get_json()
    error = r.get_json()["errors"][0]
    assert error["field"] == "file" and "256" in error["message_zh"] and "256 MB" in error["message_en"]
    many = _upload(client, app_id, clerk, kit.pdf(2001), "汇编.pdf")
    assert many.status_code == 422 and "2001" in str(many.get_json()) and "2000" in str(many.get_json())
    assert client.get(f"/api/v1/applications/{app_id}/evidence", headers=clerk).get_json()["items"] == []
    # what a real file holds passes: a stream inflating to 8 MB, and 2,000 pages
    assert pdfcheck.check(inflating_pdf(8)).pages == 1
    assert _upload(client, app_id, clerk, inflating_pdf(8), "图纸.pdf").status_code == 201
    assert _upload(client, app_id, clerk, kit.pdf(2000), "汇编.pdf").status_code == 201
