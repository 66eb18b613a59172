"""Uploaded spreadsheets (xlsx or CSV): reading rows, numbers in cells, refusing a whole file.

Shared by the reference-value import (:mod:`core.scoring.reference`) and the yearly
filings of listed units (:mod:`core.scoring.filings`). Both are all-or-nothing: every
problem is collected with its row number and column, then :class:`FileRefused` carries
them all (in Chinese and English) and nothing is written.
"""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

from core.scoring.formulas import ScoringInputError


class FileRefused(ScoringInputError):
    """Every row-level problem of a refused file (``errors``); nothing was written."""

    def __init__(self, source: str, errors: list[ScoringInputError]):
        self.errors = errors
        super().__init__("%(field)s: file refused, nothing imported; %(count)s rows have errors",
                         field=source, count=len(errors))

    def __str__(self) -> str:
        return "\n".join([self.bilingual(), *(e.bilingual() for e in self.errors)])


def read_rows(path: str | Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Header and ``(row number, cells)`` of the first sheet of an xlsx, or of a CSV.

    CSV lines starting with ``#`` are comments. Row numbers are those a spreadsheet shows.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            rows = _xlsx_rows(path)
        elif suffix == ".csv":
            rows = _csv_rows(path)
        else:
            raise ScoringInputError("%(field)s: unsupported file type; use .xlsx or .csv", field=path.name)
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        if isinstance(exc, ScoringInputError):
            raise
        raise ScoringInputError("%(field)s: the file cannot be read: %(reason)s", field=path.name,
                                reason=str(exc)) from exc
    rows = [(n, cells) for n, cells in rows if any(c not in (None, "") for c in cells)]
    if not rows:
        raise ScoringInputError("%(field)s: the file holds no rows", field=path.name)
    (_, header), body = rows[0], rows[1:]
    return [str(h or "").strip() for h in header], body


def _csv_rows(path: Path) -> list[tuple[int, list[Any]]]:
    text = path.read_text(encoding="utf-8-sig")
    lines = [(i + 1, line) for i, line in enumerate(text.splitlines()) if not line.lstrip().startswith("#")]
    parsed = csv.reader(io.StringIO("\n".join(line for _, line in lines)))
    return [(n, cells) for (n, _), cells in zip(lines, parsed)]


def _xlsx_rows(path: Path) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return [(i + 1, list(r)) for i, r in enumerate(wb.worksheets[0].iter_rows(values_only=True))]
    finally:
        wb.close()


def as_number(cell: Any, field: str, whole: bool = False) -> float:
    """A cell as a finite number (text is parsed); :class:`ScoringInputError` naming ``field``."""
    if isinstance(cell, str):
        try:
            cell = float(cell.strip())
        except ValueError:
            cell = None
    if isinstance(cell, bool) or not isinstance(cell, (int, float)) or not math.isfinite(cell):
        raise ScoringInputError("%(field)s: a number is required", field=field)
    if whole and cell != int(cell):
        raise ScoringInputError("%(field)s: a whole number is required", field=field)
    return float(cell)
