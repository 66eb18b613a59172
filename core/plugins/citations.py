"""A rule's citation as people read it: each seed file name a plugin's cite or message quotes becomes the
document it holds, ``《title》（文号）`` and article (:func:`readable_cite`, :func:`readable_message`), developers'
notes left out. :class:`core.plugins.rules.RegionRules` gives the active region's documents."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.plugins.types import Document

_SEED_FILE = re.compile(r"\b(\d{3}_[0-9a-f]{16}\.txt)\s*")
_REFERENCE = re.compile(r",?\s*(?:names: |per )?domain\.md(?: [A-Z]\d+)?")
#: developer notes plugins keep inside a cite: a parenthesis naming a rule code, starting with an English word or
#: English only (one level of nested brackets); an English tail after a colon
_PAREN = r"[(（](?:[^()（）]|[(（][^()（）]*[)）])*[)）]"
_DEV_NOTE = re.compile(r"\s*(?=[(（](?:\s*[a-z]{2,}\b|[^()（）]*\b[a-z]+[._][a-z_]+\b|[\x00-\x7f]*[A-Za-z]{3,}[\x00-\x7f]*[)）]))"
                       + _PAREN)
_ENGLISH_TAIL = re.compile(r":\s+[a-z]{2,}\b[^;；]*")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _without_notes(text: str) -> str:
    text = _ENGLISH_TAIL.sub("", _DEV_NOTE.sub("", _REFERENCE.sub("", text.replace("greenmfg ", ""))))
    segments = [seg.strip() for seg in re.split(r"\s*[;；]\s*", text)]
    kept = [seg for seg in segments if seg and not re.match(r"[a-z]{2,}\b", seg)
            and (_CJK.search(seg) or not re.search(r"[A-Za-z]{3,}", seg))]
    return "；".join(kept)


def _part_of(doc: "Document", rest: str) -> tuple[int, str] | None:
    """Where ``rest`` (the cite after the seed name) belongs to ``doc``: (characters consumed, replacement)."""
    if not doc.seed_parts:
        return 0, ""
    best = None
    for prefix, replacement in doc.seed_parts.items():
        if rest.startswith(prefix) and not rest[len(prefix):len(prefix) + 1].isdigit():
            if best is None or len(prefix) > best[0]:
                best = (len(prefix), replacement)
    return best


def _document_at(seed: str, rest: str, documents) -> tuple["Document | None", int, str]:
    candidates = []
    for doc in documents:
        if doc.seed == seed:
            part = _part_of(doc, rest)
            if part is not None:
                candidates.append((part[0], doc, part))
    if not candidates:
        return None, 0, ""
    _, doc, (consumed, replacement) = max(candidates, key=lambda c: c[0])
    return doc, consumed, replacement


def _active_documents():
    try:
        from flask import current_app

        return current_app.extensions["greenmfg"].rules.documents.values()
    except (RuntimeError, KeyError, AttributeError):
        return ()


def cited_documents(cite: str | None, documents) -> list["Document"]:
    """The documents ``cite`` names, by their seed file (and part) or by their number, in order."""
    text, found = cite or "", []
    documents = list(documents)
    for match in _SEED_FILE.finditer(text):
        doc, _, _ = _document_at(match[1], text[match.end():], documents)
        if doc is not None and doc not in found:
            found.append(doc)
    for doc in documents:
        if doc.number and doc.number in text.replace(" ", "") and doc not in found:
            found.append(doc)
    return found


def readable_message(text: str | None, documents=None) -> str:
    """A plugin's message (a refusal's reason, a warning) with each seed file name it quotes made the document it
    holds, ``《title》（文号）`` and article, the rest of the text as written (both of its languages). A seed no
    document claims loses its file name."""
    text = str(text or "")
    if _SEED_FILE.search(text) is None:
        return text
    documents = list(_active_documents() if documents is None else documents)
    out, pos = [], 0
    for match in _SEED_FILE.finditer(text):
        if match.start() < pos:
            continue
        out.append(text[pos:match.start()])
        doc, consumed, replacement = _document_at(match[1], text[match.end():], documents)
        pos = match.end() + consumed
        if doc is not None:
            out.append(doc.label + replacement)
    out.append(text[pos:])
    return re.sub(r"[ \t]{2,}", " ", "".join(out))


def readable_cite(cite: str | None, documents=None) -> str:
    """A rule's citation as people read it: each seed file name becomes the document it holds,
    ``《title》（文号）`` followed by the article (``《关于开展2025年度绿色工厂推荐工作的通知》（工信厅节函〔2025〕390号）
    二 (二)``); reference notes and developers' notes are left out. ``documents`` defaults to the active
    app's (:attr:`RegionRules.documents`); a seed no document claims loses its file name."""
    text = cite or ""
    documents = list(_active_documents() if documents is None else documents)
    out, pos, previous = [], 0, None
    for match in _SEED_FILE.finditer(text):
        between = text[pos:match.start()]
        out.append(between)
        doc, consumed, replacement = _document_at(match[1], text[match.end():], documents)
        pos = match.end() + consumed
        if not replacement:
            pos += len(text[pos:]) - len(text[pos:].lstrip())
        if doc is None:
            continue
        if doc.number:  # the plugin's own mention of the number right after the seed name
            rest = re.match(r"\s*[(（]" + re.escape(doc.number).replace(r"\ ", r"\s*") + r"\s*[)）]\s*", text[pos:])
            if rest is None:
                rest = re.match(r"\s*[(（]" + r"\s*".join(map(re.escape, doc.number)) + r"\s*[)）]\s*", text[pos:])
            if rest is not None:
                pos += rest.end()
        same = doc is previous and re.fullmatch(r"\s*[;；]\s*", between or "") is not None
        out.append(replacement if same else doc.label + replacement)
        previous = doc
    out.append(text[pos:])
    return _unshipped(re.sub(r"\s{2,}", " ", _without_notes("".join(out))).strip(" ;；"), documents)


#: said after each part of a cite that quotes a document the platform holds no copy of (the 办法, 工信部节〔2024〕13号,
#: is cited from secondary sources: its articles are not in the seeds)
UNSHIPPED = "（本平台未收录原文）"


def _unshipped(text: str, documents) -> str:
    """``text`` with each part (between "；") that names a document without a copy shipped with the platform (a
    document with no seed file) marked :data:`UNSHIPPED`, once."""
    numbers = [d.number for d in documents if not d.seed and d.number]
    if not numbers or not text:
        return text
    parts = text.split("；")
    return "；".join(part + UNSHIPPED if UNSHIPPED not in part and any(n in part.replace(" ", "") for n in numbers)
                    else part for part in parts)
