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

from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models.scoring import ReferenceValue
from core.plugins.types import IndicatorKind
from core.scoring.engine import GENERAL, Reference, fixed_reference
from core.scoring.files import FileRefused, as_number, read_rows
from core.scoring.formulas import ScoringInputError, check_direction
from core.scoring.request import normalise_industry

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
        self._numbers: dict[str, set[int]] = {}
        for set_code, _, number in self._by_key:
            self._numbers.setdefault(set_code, set()).add(number)
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
            found = {}
            for n in self._numbers.get(set_code, ()):
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


def _columns(header: list[str], name: str) -> dict[str, int]:
    index = {}
    for key, names in COLUMNS.items():
        hits = [i for i, h in enumerate(header) if h.lower() in names]
        if not hits:
            raise ScoringInputError("%(field)s: missing column %(column)s", field=name,
                                    column=f"{key} ({names[-1]})")
        index[key] = hits[0]
    return index


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
    number = int(as_number(cells["number"], f"{at}: number", whole=True))
    ind = next((i for i in iset.indicators if i.number == number), None)
    if ind is None:
        raise ScoringInputError("%(field)s: unknown indicator number %(number)s in %(set)s",
                                field=f"{at}: number", number=number, set=set_code)
    if ind.kind not in (IndicatorKind.POSITIVE, IndicatorKind.REVERSE) or fixed_reference(ind):
        raise ScoringInputError("%(field)s: %(kind)s indicator %(number)s takes no reference value",
                                field=f"{at}: number", kind=str(ind.kind), number=number)
    year = int(as_number(cells["year"], f"{at}: year", whole=True))
    if not iset.applies(year=year):
        raise ScoringInputError("%(field)s: year %(year)s is outside indicator set %(set)s",
                                field=f"{at}: year", year=year, set=set_code)
    leading = as_number(cells["leading"], f"{at}: leading")
    baseline = as_number(cells["baseline"], f"{at}: baseline")
    if ind.percent:
        for key, value in (("leading", leading), ("baseline", baseline)):
            if not 0 <= value <= 100:
                raise ScoringInputError("%(field)s: a percentage must lie between 0 and 100", field=f"{at}: {key}")
    check_direction(ind.kind == IndicatorKind.POSITIVE, leading, baseline, f"{at}: leading")
    return set_code, industry, number, year, leading, baseline


def import_references(session: Session, rules: Any, path: str | Path,
                      progress: Callable[[int], None] | None = None) -> ImportReport:
    """Check every row of ``path``, then upsert them all, or raise :class:`FileRefused`."""
    header, body = read_rows(path)
    return import_rows(session, rules, header, body, Path(path).name, progress)


def import_rows(session: Session, rules: Any, header: list[str], body: list[tuple[int, list[Any]]],
                source: str, progress: Callable[[int], None] | None = None, commit: bool = True) -> ImportReport:
    """Import rows read by :func:`read_rows`.

    :param progress: called with the number of rows just checked, for a progress bar.
    :param commit: commit the rows (else the caller commits, with its audit row).
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
        raise FileRefused(source, errors)
    return _upsert(session, [row for _, row in clean.values()], source, commit)


def _upsert(session: Session, rows: list[tuple], source: str, commit: bool) -> ImportReport:
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
        if commit:
            session.commit()
        else:
            session.flush()
    except Exception:
        session.rollback()
        raise
    return report


# ---------------------------------------------------------- administrators --


def save_reference(session: Session, rules: Any, actor: str, *, indicator_set: str, industry: str | None,
                   number: Any, year: Any, leading: Any, baseline: Any) -> ImportReport:
    """Enter or change one pair, checked as an imported row is; audited, the caller commits."""
    from core.services import audit

    row = check_row(rules, {"indicator_set": indicator_set, "industry": industry, "number": number, "year": year,
                            "leading": leading, "baseline": baseline}, 1)
    report = _upsert(session, [row], "admin", commit=False)
    audit.record(actor, "references.saved", "reference_value", None, indicator_set=row[0], industry=row[1],
                 number=row[2], year=row[3], leading=row[4], baseline=row[5])
    return report


def import_audited(session: Session, rules: Any, header: list[str], body: list[tuple[int, list[Any]]], source: str,
                   actor: str, progress: Callable[[int], None] | None = None) -> ImportReport:
    """:func:`import_rows` with its audit row (the command line and the administrators' page); the caller
    commits."""
    from core.services import audit

    report = import_rows(session, rules, header, body, source, progress, commit=False)
    audit.record(actor, "references.imported", "reference_value", None, source=source, created=report.created,
                 updated=report.updated)
    return report
