"""Files a page hands out, named for people: what the file is and whose, in the page's language
(汇总表-2026-赣江新区.xlsx, Summary table-2026-赣江新区.xlsx), never an internal code (jiangxi.ganjiang_new_area).
A name that is not ASCII goes out as RFC 6266/5987 ``filename*`` beside an ASCII ``filename`` that still names the
file (issue 58): ``curl -OJ`` and other tools that read only ``filename`` saved ``.pdf`` (hidden) or ``-2026-.xlsx``,
the name with its Chinese characters dropped. The ASCII name is the file's English name where the name was built
here (Summary table-2026-Ganjiang New Area.xlsx), else the name's ASCII words after the kind of file its address
serves (notice.pdf, evidence-2026.pdf); :func:`register` mends every attachment the app sends."""
from __future__ import annotations

import io
import re
import unicodedata
from typing import Any
from urllib.parse import quote, unquote

from flask import Flask, Response, request, send_file
from flask_babel import get_translations

from core.kernel.names import local_name

#: what no file system takes in a name (Windows' reserved characters, path separators, control characters)
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


class FileName(str):
    """A file's name for people, with ``ascii``: its English form in ASCII, the ``filename`` of the download."""

    ascii: str = ""


def file_name(*parts: Any, suffix: str) -> FileName:
    """``parts`` joined by "-" with ``suffix`` (".xlsx"): a record (an administrative unit, a region) by its name
    in the page's language (``name_en`` on English pages where it has one), any other part as text; empty parts
    left out, characters no file system takes replaced. Its ``ascii`` is the same name in English: a record by its
    ``name_en``, a translated label by its English original, what has no English form left out."""
    words, english = [], []
    for part in parts:
        text = local_name(part) if hasattr(part, "name") else str(part if part is not None else "")
        text = _UNSAFE.sub(" ", text).strip(" .")
        if text:
            words.append(text)
        english.append(getattr(part, "name_en", None) or "" if hasattr(part, "name") else _in_english(text))
    name = FileName("-".join(words)[:180] + suffix)
    name.ascii = ascii_name("-".join(w for w in english if w) + suffix)
    return name


def _in_english(text: str) -> str:
    """A label as written in the code (English) where ``text`` is its translation on this page."""
    if text.isascii():
        return text
    catalog = getattr(get_translations(), "_catalog", {})
    return next((msgid for msgid, msgstr in catalog.items() if msgstr == text and isinstance(msgid, str)), "")


def ascii_name(name: str, kind: str = "download") -> str:
    """An ASCII ``filename`` for ``name``: its ASCII letters and digits (accents dropped), words joined by "-";
    where no letter is left (``汇总表-2026-赣江新区.xlsx``), ``kind`` in front of what is (``summary-2026.xlsx``);
    never a hidden file or one starting with "-"."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not suffix.isascii() or not suffix.isalnum() or len(suffix) > 8:
        stem, suffix = name, ""
    plain = "".join(c if c.isascii() else "" if unicodedata.combining(c) else " "
                    for c in unicodedata.normalize("NFKD", stem))
    words = "-".join(re.findall(r"[A-Za-z0-9][A-Za-z0-9_.]*", plain)).strip(".")
    if not re.search(r"[A-Za-z]", words):
        words = "-".join(w for w in (kind, words) if w)
    return words[:150] + (f".{suffix.lower()}" if suffix else "")


def disposition(name: str, fallback: str | None = None) -> str:
    """``Content-Disposition`` of a download named ``name``: ``filename`` alone for an ASCII name, else the ASCII
    ``fallback`` (:func:`ascii_name`) and ``filename*`` (RFC 5987, UTF-8) for browsers that read it."""
    if re.fullmatch(r"[A-Za-z0-9_][ -~]*", name) and re.search(r"[A-Za-z0-9]", name.rpartition(".")[0] or name) \
            and '"' not in name and "\\" not in name:
        return f'attachment; filename="{name}"'
    fallback = fallback or ascii_name(name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment(data: bytes, name: str, mimetype: str) -> Response:
    """``data`` as a download named ``name``, kept by no cache (a page's file is the user's own)."""
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name, max_age=0,
                         etag=False, conditional=False)
    response.headers["Content-Disposition"] = disposition(name, getattr(name, "ascii", None) or None)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


#: words of a download's address that do not say what the file is
_NOT_KINDS = {"api", "download", "file", "files"}
_FILENAME_STAR = re.compile(r"filename\*=UTF-8''([^;\s]+)", re.IGNORECASE)


def _kind() -> str:
    """What the requested address serves, in its own words: ``/campaigns/3/notice`` → ``notice``, ``/jobs/<id>/result``
    → ``result`` (the last part of the path that is a word, not an identifier)."""
    words = [w for w in request.path.lower().split("/") if re.fullmatch(r"[a-z]+(?:[-_][a-z]+)*", w)
             and w not in _NOT_KINDS]
    return words[-1] if words else "download"


def _mend(response: Response) -> Response:
    """An attachment whose ``filename`` is missing or names no file (Werkzeug's ``send_file`` drops what is not
    ASCII: ``.pdf``) gets one from its ``filename*`` (:func:`ascii_name`)."""
    header = response.headers.get("Content-Disposition", "")
    found = _FILENAME_STAR.search(header)
    if not header.startswith("attachment") or not found:
        return response
    plain = re.search(r'filename="?([^";]*)"?(;|$)', header)
    if plain and re.search(r"[A-Za-z]", plain.group(1).rpartition(".")[0] or plain.group(1)) \
            and not plain.group(1).startswith((".", "-")):
        return response
    fallback = ascii_name(unquote(found.group(1), encoding="utf-8", errors="replace"), _kind())
    response.headers["Content-Disposition"] = f'attachment; filename="{fallback}"; filename*={found.group(0)[10:]}'
    return response


def register(app: Flask) -> None:
    """Every attachment the app sends names its file for tools that read only ``filename`` (:func:`_mend`)."""
    app.after_request(_mend)
