"""A rule's citation on a page (the ``cite`` filter): the document by title and 文号 with its article
(:func:`core.plugins.rules.readable_cite`), in the page's language, and the date an article sets as the document
writes it.

A plugin writes a dated article as ``第十二条 (每年7月31日前)``; a Chinese page reads it in the document's own
brackets, ``第十二条（每年7月31日前）``, an English page as ``Article 12 (by 31 July each year)``; a date of one
round's notice (001 三: ``(2025年11月7日前)``) reads ``（2025年11月7日前）`` / ``(by 7 November 2025)``; any other
Chinese a plugin put in ASCII brackets reads in full-width ones on a Chinese page. Given the
round's year, a part of a citation that sets another year's date is left out: a 2026 deadline does not cite the
2025 notice's 11月7日.
"""
from __future__ import annotations

import re

from core.i18n import english, in_language
from core.plugins.citations import readable_cite

#: a date an article sets, in either kind of bracket: (每年7月31日前), （2025年11月7日前）, (每年4月15日前填报动态管理表)
_DATED = re.compile(r"\s*[(（]\s*(?:(?P<year>\d{4})\s*年|(?P<yearly>每年))\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})"
                    r"\s*日前(?P<rest>[^()（）]*)[)）]")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_PARTS = re.compile(r"\s*[;；]\s*")
#: on a Chinese page, any other bracketed Chinese a plugin wrote in ASCII brackets: "三 (10月27日（周一）前完成申报填报)"
_CHINESE_IN_ASCII = re.compile(r"\s*\(([^()]*[\u4e00-\u9fff][^()]*)\)")
#: no space after a full-width bracket before Chinese: "（工信部节〔2024〕13号）第十六条"
_AFTER_BRACKET = re.compile(r"）\s+(?=[\u4e00-\u9fff《])")


def _date(match: re.Match) -> str:
    """One dated article's date in the page's language."""
    year, month, day, rest = match["year"], int(match["month"]), int(match["day"]), match["rest"].strip()
    chinese = f"{year}年" if year else "每年"
    chinese += f"{month}月{day}日前{rest}"
    if not english() or rest:  # the document's words after the date have no translation: its own brackets
        return f"（{chinese}）"
    when = f"{day} {_MONTHS[month - 1]}"
    return f" (by {when} {year})" if year else f" (by {when} each year)"


def _other_year(part: str, year: int) -> bool:
    dates = [int(m["year"]) for m in _DATED.finditer(part) if m["year"]]
    return bool(dates) and year not in dates


def cite_text(cite: str | None, year: int | None = None) -> str:
    """``cite`` as the page reads it: readable, in the page's language, its dates as the document writes them;
    with ``year``, without the parts that date another year's round."""
    return as_written(in_language(readable_cite(cite)), year)


def as_written(text: str, year: int | None = None) -> str:
    """A readable citation (:func:`readable_cite`, in the page's language) with its dates and brackets as the page
    writes them (:func:`cite_text`)."""
    if year is not None:
        parts = _PARTS.split(text)
        kept = [part for part in parts if not _other_year(part, int(year))]
        if kept and len(kept) < len(parts):
            text = ("; " if english() else "；").join(kept)
    text = _DATED.sub(_date, text)
    if not english():
        text = _AFTER_BRACKET.sub("）", _CHINESE_IN_ASCII.sub(r"（\1）", text))
    return text.strip()
