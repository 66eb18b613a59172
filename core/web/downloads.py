"""Files a page hands out, named for people: what the file is and whose, in the page's language
(汇总表-2026-赣江新区.xlsx, Summary table-2026-赣江新区.xlsx), never an internal code (jiangxi.ganjiang_new_area).
A name that is not ASCII goes out as RFC 5987 ``filename*`` beside an ASCII ``filename`` (Flask's ``send_file``)."""
from __future__ import annotations

import io
import re
from typing import Any

from flask import Response, send_file

from core.kernel.names import local_name

#: what no file system takes in a name (Windows' reserved characters, path separators, control characters)
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def file_name(*parts: Any, suffix: str) -> str:
    """``parts`` joined by "-" with ``suffix`` (".xlsx"): a record (an administrative unit, a region) by its name
    in the page's language (``name_en`` on English pages where it has one), any other part as text; empty parts
    left out, characters no file system takes replaced."""
    words = []
    for part in parts:
        text = local_name(part) if hasattr(part, "name") else str(part if part is not None else "")
        text = _UNSAFE.sub(" ", text).strip(" .")
        if text:
            words.append(text)
    return "-".join(words)[:180] + suffix


def attachment(data: bytes, name: str, mimetype: str) -> Response:
    """``data`` as a download named ``name``, kept by no cache (a page's file is the user's own)."""
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name, max_age=0,
                         etag=False, conditional=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
