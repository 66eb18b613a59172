"""Recompute the scores, ranks and flags of stored :class:`~core.models.scoring.UnitScore` rows.

One SELECT (:func:`load_query`) reads the rows; scores are computed column by column
(:func:`core.scoring.engine.score_columns`), ranks and flags population by population
(:func:`core.scoring.ranking.rank_columns`), one list per column; only rows whose results changed are written
back (:mod:`core.scoring.store`), year by year. :func:`recompute_scores` is the audited service the CLI
calls; :func:`recompute` is the bare database function the benchmark times.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, compress, groupby
from operator import itemgetter, ne, not_
from typing import Any

import orjson
from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from core.kernel.rules import region_rules
from core.models.scoring import UnitScore
from core.plugins.types import Level
from core.scoring.engine import Plan, cached_plan, score_columns, score_rows
from core.scoring.formulas import ScoringInputError
from core.scoring.ranking import RESULT_COLUMNS, Scored, Streaks, indices_by_key, inverse, rank_columns
from core.scoring.reference import ReferenceBook
from core.scoring.store import Write, result_writer
from core.services.memory import collector_paused

_KEY_COLUMNS = ("id", "organization_id", "unit_type", "level", "industry", "province", "year", "values")
_JSON_COLUMNS = ("values", "scores")
_YEAR = _KEY_COLUMNS.index("year")
_SCORES, _TOTAL, _REMOVAL = (RESULT_COLUMNS.index(c) for c in ("scores", "total", "removal_candidate"))


@dataclass
class RecomputeReport:
    rows: int = 0
    complete: int = 0
    written: int = 0
    removal_candidates: int = 0
    seconds: float = 0.0


@dataclass
class _Units:
    """The key columns of the rows, one tuple per column (faster than row attributes)."""

    orgs: Sequence[int]
    types: Sequence[str]
    levels: Sequence[str]
    industries: Sequence[str]
    provinces: Sequence[str]
    years: Sequence[int]


def _filters(unit_types: Iterable[str] | None, year: int | None, level: str | None) -> list:
    t = UnitScore.__table__
    where = []
    if unit_types is not None:
        where.append(t.c.unit_type.in_(list(unit_types)))
    if year is not None:
        where.append(t.c.year == year)
    if level is not None:
        where.append(t.c.level == str(level))
    return where


def load_query(unit_types: Iterable[str] | None = None, year: int | None = None, level: str | None = None, *,
               json_as_text: bool = False):
    """The one SELECT :func:`recompute` reads: the key columns, the raw values and the stored
    results (to write only what changed), by year. The benchmark times it on its own.

    :param json_as_text: the raw values and the stored scores as the JSON text the database holds
        (recompute reads them so, with :func:`parse_json`: orjson parses the values in a fraction of the
        time of the standard library's ``json``, which the column type would use, and the stored scores
        are parsed only for rows whose other results are unchanged)."""
    t = UnitScore.__table__
    columns = [cast(t.c[c], Text) if json_as_text and c in _JSON_COLUMNS else t.c[c]
               for c in (*_KEY_COLUMNS, *RESULT_COLUMNS)]
    return select(*columns).where(*_filters(unit_types, year, level)).order_by(t.c.year)


def parse_json(text: str | None) -> Any:
    """A JSON column read as text (:func:`load_query` with ``json_as_text``), parsed."""
    if text is None:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN or Infinity, which only the standard library reads
        return json.loads(text)


def _parse_all(texts: Sequence[str | None]) -> list[Any]:
    """:func:`parse_json` of each text, orjson's loop over them while none needs more."""
    try:
        return list(map(orjson.loads, texts))
    except (orjson.JSONDecodeError, TypeError):
        return [parse_json(t) for t in texts]


def _driver_rows(session: Session, query: Any) -> Any:
    """Execute ``query`` on the session's connection with the driver's own cursor: plain tuples as the
    driver gives them (no SQLAlchemy rows, no type conversions; a third of reading the rows)."""
    connection = session.connection()
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    if compiled.positiontup is not None:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = connection.connection.driver_connection.cursor()
    cursor.execute(str(compiled), params)
    return cursor


def recompute(session: Session, rules: Any, unit_types: Iterable[str] | None = None, *, year: int | None = None,
              level: str | None = None, progress: Callable[[int], None] | None = None,
              commit: bool = True) -> RecomputeReport:
    """Recompute scores, ranks and flags of the :class:`UnitScore` rows (of ``unit_types``,
    ``year``, ``level``; default all).

    Years are done in order (a bottom-share streak needs the year before), each written
    back as soon as it is ranked: on PostgreSQL the database applies one year while the
    next is computed. With ``year``, streaks continue from the stored year before; later
    years keep theirs until they are recomputed too.

    :param progress: called with the number of rows just scored (a progress bar).
    :param commit: commit at the end (the audited service commits with its audit row).
    """
    started = time.perf_counter()
    report = RecomputeReport()
    with collector_paused():
        book = ReferenceBook.from_db(session)
        streaks = _streaks_before(session, year, unit_types, level) if year is not None else {}
        cursor = _driver_rows(session, load_query(unit_types, year, level, json_as_text=True))
        with result_writer(session, RESULT_COLUMNS) as (write, concurrent):
            # a concurrent writer leaves the connection free between batches, so the rows of
            # the next year are turned into Python objects while the database writes this one
            for part in _years(cursor if concurrent else cursor.fetchall()):
                _recompute_year(part, rules, book, streaks, write, report, progress)
                # what a year makes is freed now: the collector, running again at the end, would go
                # through every object still alive that was made while it was paused
                del part
        cursor.close()
    if commit:
        session.commit()
    report.seconds = time.perf_counter() - started
    return report


def _recompute_year(part: list[tuple], rules: Any, book: ReferenceBook, streaks: Streaks, write: Write,
                    report: RecomputeReport, progress: Callable[[int], None] | None) -> None:
    """Score, rank and write back a year's rows (as :func:`load_query` reads them), adding to ``report``."""
    ids, orgs, types, levels, industries, provinces, years, texts, *stored = zip(*part)
    units = _Units(orgs, types, levels, industries, provinces, years)
    scored = _score(units, _parse_all(texts), rules, book, progress)
    results = rank_columns(units, scored, rules, streaks)
    changed = _changed(stored, results)
    write(ids, results, changed)
    report.rows += len(part)
    report.complete += sum(scored.complete)
    report.written += len(part) if changed is None else sum(changed)
    report.removal_candidates += sum(results[_REMOVAL])


def _years(rows: Iterable) -> Iterator[list]:
    """The rows (ordered by year) a year at a time, fetched in chunks."""
    fetched = chain.from_iterable(iter(lambda: rows.fetchmany(5000), [])) if hasattr(rows, "fetchmany") else rows
    for _, part in groupby(fetched, key=itemgetter(_YEAR)):
        yield list(part)


def _changed(stored: Sequence[Sequence], results: Sequence[Sequence]) -> list[bool] | None:
    """Which rows' stored results (as the driver reads them: scores as JSON text, the total a Decimal or a
    float, flags maybe 0/1) differ from the new ``results`` (both one sequence per column); ``None`` when
    every row does (a first run: nothing stored yet)."""
    plain = [i for i in range(len(RESULT_COLUMNS)) if i not in (_SCORES, _TOTAL)]
    differs = list(map(ne, zip(*(stored[i] for i in plain)), zip(*(results[i] for i in plain))))
    if all(differs):
        return None
    for i in compress(range(len(differs)), map(not_, differs)):
        total, new = stored[_TOTAL][i], results[_TOTAL][i]
        if total is None or new is None:
            differs[i] = total is not new
        else:
            differs[i] = float(total) != new or parse_json(stored[_SCORES][i]) != results[_SCORES][i]
    return differs


def _score(units: _Units, values: Sequence[dict | None], rules: Any, book: ReferenceBook,
           progress: Callable[[int], None] | None) -> Scored:
    """The rows' scores; rows that share a plan (a unit type, year and industry) are scored together."""
    groups = indices_by_key(zip(units.types, units.years, units.industries))
    # each group's scores side by side, then put back in the rows' order
    scored = Scored([], [], [], [])
    codes, scores, totals, complete = scored
    for (unit_type, year, industry), members in groups.items():
        iset = rules.indicator_set(unit_type, year)
        if iset is None:
            codes += [None] * len(members)
            scores += [None] * len(members)
            totals += [None] * len(members)
            complete += [False] * len(members)
        else:
            plan = cached_plan(iset, book.lookup(iset.code, industry, year))
            group_values = [v or {} for v in map(values.__getitem__, members)]
            try:
                group_totals, group_complete, group_scores = score_columns(plan, group_values)
            except ScoringInputError:  # a malformed stored value: find it row by row
                group_totals, group_complete, group_scores = zip(*(_score_one(plan, v) for v in group_values))
            codes += [iset.code] * len(members)
            scores += group_scores
            totals += group_totals
            complete += group_complete
        if progress:
            progress(len(members))
    if len(groups) == 1:
        return scored
    back = inverse(list(chain.from_iterable(groups.values())))
    return Scored(*(list(map(column.__getitem__, back)) for column in scored))


def _score_one(plan: Plan, values: dict) -> tuple:
    try:
        return score_rows(plan, [values])[0]
    except ScoringInputError as exc:
        return None, False, {"error": str(exc)}


def _streaks_before(session: Session, year: int, unit_types: Iterable[str] | None,
                    level: str | None) -> Streaks:
    """Stored streaks of ``year − 1``, which a one-year recompute continues."""
    t = UnitScore.__table__
    rows = session.execute(select(t.c.organization_id, t.c.level, t.c.unit_type, t.c.bottom_streak).where(
        *_filters(unit_types, year - 1, level)))
    return {(org, lv, unit_type): (year - 1, streak) for org, lv, unit_type, streak in rows}


def row_count(session: Session, unit_types: Iterable[str] | None = None, year: int | None = None,
              level: str | None = None) -> int:
    """How many rows :func:`recompute` would read (for a progress bar)."""
    return session.scalar(select(func.count()).select_from(UnitScore).where(*_filters(unit_types, year, level)))


def later_years(session: Session, year: int, level: str | None = None) -> list[int]:
    """Stored years after ``year``: their streaks continue from it, so they may need a recompute too."""
    t = UnitScore.__table__
    return list(session.scalars(select(t.c.year).where(t.c.year > year, *_filters(None, None, level))
                                .distinct().order_by(t.c.year)))


def provincial_average(session: Session, province: str, unit_type: str, year: int,
                       level: str = Level.NATIONAL) -> float | None:
    """Average total of the province's existing units at ``level`` (seed 001 一: a recommended
    unit should be no lower than this)."""
    value = session.scalar(select(func.avg(UnitScore.total)).where(
        UnitScore.province == province, UnitScore.unit_type == unit_type, UnitScore.year == year,
        UnitScore.level == str(level), UnitScore.complete.is_(True)))
    return None if value is None else round(float(value), 2)


def recompute_scores(actor: str, year: int | None = None, level: str | None = None,
                     progress: Callable[[int], None] | None = None) -> RecomputeReport:
    """:func:`recompute` for the app's region and database, audited (``scores.recomputed``)."""

    from core.extensions import db
    from core.services import audit

    rules = region_rules()
    try:
        report = recompute(db.session, rules, year=year, level=level, progress=progress, commit=False)
        audit.record(actor, "scores.recomputed", "unit_score", None, year=year, level=level, rows=report.rows,
                     complete=report.complete, written=report.written,
                     removal_candidates=report.removal_candidates)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report
