"""Reference values (引领值/基准值): lookup, and import from an xlsx or CSV upload.

Values are keyed by (indicator set, industry, indicator number, year) (domain.md C1:
industry-specific, set by MIIT, never hard-coded). A unit uses the newest year not
after its own, for its industry, else the general ``*`` (通则) values; a pair that is
still missing leaves the indicator ``needs_reference``.

Import is all-or-nothing: every row is checked first, every problem is reported with
its row number and column in Chinese and English, and nothing is written unless the
whole file is clean. Leading equal to baseline is an error, and so is a leading value
on the wrong side of the baseline for the indicator's direction.
"""
from __future__ import annotations

import csv
import io
import math
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models.scoring import ReferenceValue
from core.plugins.types import IndicatorKind
from core.scoring.engine import GENERAL, Reference, fixed_reference, normalise_industry
from core.scoring.formulas import ScoringInputError, check_direction

#: column keys and the headers accepted for them (English or Chinese)
COLUMNS = {
    "indicator_set": ("indicator_set", "指标体系"),
    "industry": ("industry", "行业"),
    "number": ("number", "序号", "指标序号"),
    "year": ("year", "年度"),
    "leading": ("leading", "引领值"),
    "baseline": ("baseline", "基准值"),
}


class ReferenceBook:
    """In-memory reference values for fast lookup while scoring many units."""

    def __init__(self, rows: Iterable[tuple[str, str, int, int, float, float, str]] = ()):
        self._by_key: dict[tuple[str, str, int], list[tuple[int, Reference]]] = {}
        for set_code, industry, number, year, leading, baseline, source in rows:
            self._by_key.setdefault((set_code, industry, number), []).append(
                (year, Reference(leading, baseline, source=source, year=year)))
        for entries in self._by_key.values():
            entries.sort(key=lambda e: e[0])
        self._cache: dict[tuple[str, str, int], dict[int, Reference]] = {}

    @classmethod
    def from_db(cls, session: Session) -> ReferenceBook:
        rv = ReferenceValue
        return cls(session.execute(select(rv.indicator_set, rv.industry, rv.number, rv.year, rv.leading,
                                          rv.baseline, rv.source)).all())

    def _newest(self, key: tuple[str, str, int], year: int) -> Reference | None:
        entries = self._by_key.get(key)
        if not entries:
            return None
        i = bisect_right([y for y, _ in entries], year)
        return entries[i - 1][1] if i else None

    def lookup(self, set_code: str, industry: str | None, year: int) -> dict[int, Reference]:
        """References by indicator number: the industry's own, else the general ones."""
        cache_key = (set_code, industry or GENERAL, year)
        if cache_key not in self._cache:
            numbers = {n for s, _, n in self._by_key if s == set_code}
            found = {}
            for n in numbers:
                ref = self._newest((set_code, industry or GENERAL, n), year) or self._newest(
                    (set_code, GENERAL, n), year)
                if ref is not None:
                    found[n] = ref
            self._cache[cache_key] = found
        return self._cache[cache_key]


# ------------------------------------------------------------------ import --


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0


class ReferenceImportError(ScoringInputError):
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


def _columns(header: list[str], name: str) -> dict[str, int]:
    index = {}
    for key, names in COLUMNS.items():
        hits = [i for i, h in enumerate(header) if h.lower() in names]
        if not hits:
            raise ScoringInputError("%(field)s: missing column %(column)s", field=name,
                                    column=f"{key} ({names[-1]})")
        index[key] = hits[0]
    return index


def _as_number(cell: Any, field: str, whole: bool = False) -> float:
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


def check_row(rules: Any, cells: dict[str, Any], row: int) -> tuple[str, str, int, int, float, float]:
    """Validate one row; return ``(set, industry, number, year, leading, baseline)``."""
    at = f"row {row}"
    set_code = str(cells["indicator_set"] or "").strip()
    iset = rules.indicator_sets.get(set_code)
    if iset is None:
        raise ScoringInputError("%(field)s: unknown indicator set %(value)s", field=f"{at}: indicator_set",
                                value=set_code)
    industry = normalise_industry(rules, cells["industry"])
    if industry is None:
        raise ScoringInputError("%(field)s: unknown industry %(value)s", field=f"{at}: industry",
                                value=cells["industry"])
    number = int(_as_number(cells["number"], f"{at}: number", whole=True))
    ind = next((i for i in iset.indicators if i.number == number), None)
    if ind is None:
        raise ScoringInputError("%(field)s: unknown indicator number %(number)s in %(set)s",
                                field=f"{at}: number", number=number, set=set_code)
    if ind.kind not in (IndicatorKind.POSITIVE, IndicatorKind.REVERSE) or fixed_reference(ind):
        raise ScoringInputError("%(field)s: %(kind)s indicator %(number)s takes no reference value",
                                field=f"{at}: number", kind=str(ind.kind), number=number)
    year = int(_as_number(cells["year"], f"{at}: year", whole=True))
    if not iset.applies_to(iset.unit_type, year):
        raise ScoringInputError("%(field)s: year %(year)s is outside indicator set %(set)s",
                                field=f"{at}: year", year=year, set=set_code)
    leading = _as_number(cells["leading"], f"{at}: leading")
    baseline = _as_number(cells["baseline"], f"{at}: baseline")
    if ind.percent:
        for key, value in (("leading", leading), ("baseline", baseline)):
            if not 0 <= value <= 100:
                raise ScoringInputError("%(field)s: a percentage must lie between 0 and 100", field=f"{at}: {key}")
    check_direction(ind.kind == IndicatorKind.POSITIVE, leading, baseline, f"{at}: leading")
    return set_code, industry, number, year, leading, baseline


def import_references(session: Session, rules: Any, path: str | Path,
                      progress: Callable[[int], None] | None = None) -> ImportReport:
    """Check every row of ``path``, then upsert them all, or raise :class:`ReferenceImportError`."""
    header, body = read_rows(path)
    return import_rows(session, rules, header, body, Path(path).name, progress)


def import_rows(session: Session, rules: Any, header: list[str], body: list[tuple[int, list[Any]]],
                source: str, progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import rows read by :func:`read_rows`.

    :param progress: called with the number of rows just checked, for a progress bar.
    """
    columns = _columns(header, source)
    if not body:
        raise ScoringInputError("%(field)s: the file holds no rows", field=source)
    errors: list[ScoringInputError] = []
    clean: dict[tuple, tuple[int, tuple]] = {}
    for n, cells in body:
        named = {k: (cells[i] if i < len(cells) else None) for k, i in columns.items()}
        try:
            row = check_row(rules, named, n)
        except ScoringInputError as exc:
            errors.append(exc)
        else:
            key = row[:4]
            if key in clean:
                errors.append(ScoringInputError("%(field)s: duplicate of row %(row)s", field=f"row {n}",
                                                row=clean[key][0]))
            else:
                clean[key] = (n, row)
        if progress:
            progress(1)
    if errors:
        raise ReferenceImportError(source, errors)
    return _upsert(session, [row for _, row in clean.values()], source)


def _upsert(session: Session, rows: list[tuple], source: str) -> ImportReport:
    rv = ReferenceValue
    report = ImportReport()
    sets = sorted({r[0] for r in rows})
    existing = {(o.indicator_set, o.industry, o.number, o.year): o
                for o in session.scalars(select(rv).where(rv.indicator_set.in_(sets)))}
    try:
        for set_code, industry, number, year, leading, baseline in rows:
            obj = existing.get((set_code, industry, number, year))
            if obj is None:
                session.add(rv(indicator_set=set_code, industry=industry, number=number, year=year,
                               leading=leading, baseline=baseline, source=source))
                report.created += 1
            else:
                obj.leading, obj.baseline, obj.source = leading, baseline, source
                report.updated += 1
        session.commit()
    except Exception:
        session.rollback()
        raise
    return report
