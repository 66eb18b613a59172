"""Ranks, flags, 企业绿码 bands and grade tiers; recomputing them for every listed unit.

Rules (001_3f04a56fc6693327.txt 附件1; domain.md B3.1, C1, Part D rows 23, 28, 41):

* rank within province and within industry, best total first; ties share a rank (1, 2, 2, 4);
* "below the provincial average of existing national units" (seed 001 一: 推荐的企业或园区
  原则上不低于本地区已有国家绿色工厂、绿色工业园区的平均水平);
* bottom share of the year (seed 001 二(二): 得分连续三年处于后5%的, 将从现有名单中移出): a unit
  is in it when fewer than ``share × n`` units score strictly lower, so ties at the cut are
  all in; ``consecutive_years`` such years in a row make a removal candidate. Share and
  years come from the region's ``bottom_five_percent`` sanction;
* 企业绿码 (MIIT 2024-01-05): A+ when fewer than 5 % of units score strictly higher, A when
  fewer than 40 %, else B; factories only;
* the grade tier from the region's :class:`~core.plugins.types.GradingScheme`.

Only complete scores take part: a unit with an indicator not scored gets no rank, band
or flag (MIIT issues no green code when data are missing).
"""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from core.models.scoring import UnitScore
from core.plugins.types import Level, Tier
from core.scoring.engine import Plan, compile_plan, score_rows
from core.scoring.formulas import ScoringInputError
from core.scoring.reference import ReferenceBook

GREEN_CODE_BANDS: tuple[tuple[str, float], ...] = (("A+", 0.05), ("A", 0.40), ("B", 1.0))
GREEN_CODE_UNIT_TYPES = ("factory",)
BOTTOM_SANCTION = "bottom_five_percent"


# ------------------------------------------------------------ pure helpers --


def competition_ranks(totals: Sequence[float]) -> list[int]:
    """1-based ranks, highest total first; equal totals share the better rank (1, 2, 2, 4)."""
    order = sorted(range(len(totals)), key=lambda i: -totals[i])
    ranks = [0] * len(totals)
    for pos, i in enumerate(order):
        ranks[i] = ranks[order[pos - 1]] if pos and totals[i] == totals[order[pos - 1]] else pos + 1
    return ranks


def _strictly_lower_counts(totals: Sequence[float]) -> list[int]:
    order = sorted(range(len(totals)), key=lambda i: totals[i])
    lower = [0] * len(totals)
    for pos, i in enumerate(order):
        lower[i] = lower[order[pos - 1]] if pos and totals[i] == totals[order[pos - 1]] else pos
    return lower


def bottom_flags(totals: Sequence[float], share: float) -> list[bool]:
    """True for units in the bottom ``share``: fewer than ``share × n`` units score lower."""
    cut = share * len(totals)
    return [lower < cut for lower in _strictly_lower_counts(totals)]


def green_code_bands(totals: Sequence[float],
                     bands: Sequence[tuple[str, float]] = GREEN_CODE_BANDS) -> list[str]:
    """企业绿码 band by the share of units scoring strictly higher (rank − 1)."""
    cuts = [(code, upto * len(totals)) for code, upto in bands]
    last = bands[-1][0]
    out = []
    for rank in competition_ranks(totals):
        higher = rank - 1
        out.append(next((code for code, cut in cuts if higher < cut), last))
    return out


def next_streak(previous: int, previous_year: int | None, year: int, in_bottom: bool) -> int:
    """Consecutive years in the bottom share ending at ``year``; a gap restarts the count."""
    if not in_bottom:
        return 0
    return previous + 1 if previous_year == year - 1 else 1


def tier_for(rules: Any, unit_type: str, level: str, total: float | None) -> Tier | None:
    """The region's grade for ``total`` at ``level`` (``None``: no grading, or no total)."""
    if total is None:
        return None
    return rules.grading(unit_type, Level(level)).tier_for(total)


def provincial_average(session: Session, province: str, unit_type: str, year: int,
                       level: str = Level.NATIONAL) -> float | None:
    """Average total of the province's existing units at ``level`` (the recommendation gate)."""
    value = session.scalar(select(func.avg(UnitScore.total)).where(
        UnitScore.province == province, UnitScore.unit_type == unit_type, UnitScore.year == year,
        UnitScore.level == str(level), UnitScore.complete.is_(True)))
    return None if value is None else round(float(value), 2)


# -------------------------------------------------------------- recompute --

_RESULT_COLUMNS = ("indicator_set", "scores", "total", "complete", "rank_province", "rank_industry",
                   "rank_national", "below_province_average", "bottom_share", "bottom_streak",
                   "removal_candidate", "green_code", "tier")


@dataclass
class RecomputeReport:
    rows: int = 0
    complete: int = 0
    written: int = 0
    removal_candidates: int = 0
    seconds: float = 0.0


def load_query(unit_types: Iterable[str] | None = None):
    """The one SELECT :func:`recompute` reads (the benchmark times it on its own)."""
    t = UnitScore.__table__
    query = select(t.c.id, t.c.organization_id, t.c.unit_type, t.c.level, t.c.industry, t.c.province,
                   t.c.year, t.c["values"], *(t.c[c] for c in _RESULT_COLUMNS))
    if unit_types is not None:
        query = query.where(t.c.unit_type.in_(list(unit_types)))
    return query


def recompute(session: Session, rules: Any, unit_types: Iterable[str] | None = None) -> RecomputeReport:
    """Recompute scores, ranks and flags of every :class:`UnitScore` row (of ``unit_types``).

    Rows are read with one SELECT, computed in Python column by column and written back
    with one executemany UPDATE of the rows whose results changed.
    """
    started = time.perf_counter()
    rows = session.execute(load_query(unit_types)).all()
    if not rows:
        return RecomputeReport(seconds=time.perf_counter() - started)
    ids, orgs, types, levels, industries, provinces, years, values, *old_columns = zip(*rows)
    units = _Units(orgs, types, levels, industries, provinces, years)
    scored = _score(units, values, rules, ReferenceBook.from_db(session))
    results = _rank(units, scored, rules)
    changes = []
    for id_, old, new in zip(ids, zip(*old_columns), results):
        if old[2] is not None:
            old = (*old[:2], float(old[2]), *old[3:])
        if old != new:
            changes.append({"b_id": id_, **dict(zip(_RESULT_COLUMNS, new))})
    if changes:
        t = UnitScore.__table__
        session.execute(update(t).where(t.c.id == bindparam("b_id")), changes)
    session.commit()
    return RecomputeReport(rows=len(rows), complete=sum(1 for s in scored if s[3]), written=len(changes),
                           removal_candidates=sum(1 for r in results if r[10]),
                           seconds=time.perf_counter() - started)


@dataclass
class _Units:
    """The key columns of the rows, one tuple per column (faster than row attributes)."""

    orgs: Sequence[int]
    types: Sequence[str]
    levels: Sequence[str]
    industries: Sequence[str]
    provinces: Sequence[str]
    years: Sequence[int]


def _score(units: _Units, values: Sequence[dict | None], rules: Any, book: ReferenceBook) -> list[tuple]:
    """``(indicator_set, scores, total, complete)`` per row, scoring rows that share a plan together."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, key in enumerate(zip(units.types, units.years, units.industries)):
        groups[key].append(i)
    out: list[tuple] = [(None, None, None, False)] * len(values)
    for (unit_type, year, industry), members in groups.items():
        iset = rules.indicator_set(unit_type, year)
        if iset is None:
            continue
        plan = compile_plan(iset, book.lookup(iset.code, industry, year))
        group_values = [values[i] or {} for i in members]
        try:
            results = score_rows(plan, group_values)
        except ScoringInputError:  # a malformed stored value: find it row by row
            results = [_score_one(plan, v) for v in group_values]
        for i, (total, complete, scores) in zip(members, results):
            out[i] = (iset.code, scores, total, complete)
    return out


def _score_one(plan: Plan, values: dict) -> tuple:
    try:
        return score_rows(plan, [values])[0]
    except ScoringInputError as exc:
        return None, False, {"error": str(exc)}


def _rank(units: _Units, scored: list[tuple], rules: Any) -> list[tuple]:
    """The :data:`_RESULT_COLUMNS` of every row, year by year (streaks need the year before)."""
    sanction = rules.sanctions.get(BOTTOM_SANCTION)
    share = sanction.bottom_share if sanction else 0.0
    years_needed = sanction.consecutive_years if sanction else 0
    populations: dict[tuple, list[int]] = defaultdict(list)
    for i, key in enumerate(zip(units.years, units.levels, units.types)):
        populations[key].append(i)
    orgs, provinces, industries = units.orgs, units.provinces, units.industries
    out: list[tuple] = [()] * len(scored)
    streaks: dict[tuple, tuple[int, int]] = {}  # (organization, level, type) -> (year, streak)
    for (year, level, unit_type), members in sorted(populations.items()):
        ranked = [m for m in members if scored[m][3]]
        totals = [scored[m][2] for m in ranked]
        home = [provinces[m] for m in ranked]
        national = competition_ranks(totals)
        bottom = bottom_flags(totals, share) if share else [False] * len(ranked)
        codes = green_code_bands(totals) if unit_type in GREEN_CODE_UNIT_TYPES else [None] * len(ranked)
        by_province = _group_ranks(totals, home)
        by_industry = _group_ranks(totals, [industries[m] for m in ranked])
        averages = _averages(totals, home)
        scheme = rules.grading(unit_type, Level(level))
        for j, m in enumerate(ranked):
            who = (orgs[m], level, unit_type)
            prev_year, prev = streaks.get(who, (None, 0))
            streak = next_streak(prev, prev_year, year, bottom[j])
            streaks[who] = (year, streak)
            tier = scheme.tier_for(totals[j]) if scheme.tiers else None
            out[m] = (*scored[m], by_province[j], by_industry[j], national[j],
                      totals[j] < averages[home[j]] - 1e-9, bottom[j], streak,
                      bool(years_needed) and streak >= years_needed, codes[j], tier.code if tier else None)
        for m in members:
            if not out[m]:  # incomplete: no rank, band or flag, and the streak breaks
                streaks[(orgs[m], level, unit_type)] = (year, 0)
                out[m] = (*scored[m], None, None, None, None, False, 0, False, None, None)
    return out


def _group_ranks(totals: list[float], keys: list[str]) -> list[int]:
    """Competition rank of each total within its group (``keys[j]``)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for j, key in enumerate(keys):
        groups[key].append(j)
    ranks = [0] * len(totals)
    for group in groups.values():
        for j, r in zip(group, competition_ranks([totals[g] for g in group])):
            ranks[j] = r
    return ranks


def _averages(totals: list[float], keys: list[str]) -> dict[str, float]:
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for total, key in zip(totals, keys):
        sums[key][0] += total
        sums[key][1] += 1
    return {key: s / n for key, (s, n) in sums.items()}
