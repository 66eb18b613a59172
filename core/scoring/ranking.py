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
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from core.models.scoring import UnitScore
from core.plugins.types import Level, Tier
from core.scoring.engine import Plan, compile_plan, score_row
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
    """企业绿码 band by the share of units scoring strictly higher."""
    n = len(totals)
    return [next(code for code, upto in bands if rank - 1 < upto * n or upto >= 1.0)
            for rank in competition_ranks(totals)]


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


def _group_ranks(members: list[int], totals: list[float], key: list[str]) -> dict[int, int]:
    groups: dict[str, list[int]] = defaultdict(list)
    for m in members:
        groups[key[m]].append(m)
    out = {}
    for group in groups.values():
        for m, r in zip(group, competition_ranks([totals[g] for g in group])):
            out[m] = r
    return out


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

    Rows are read with one SELECT, computed in Python and written back with one
    executemany UPDATE of the rows whose results changed.
    """
    started = time.perf_counter()
    t = UnitScore.__table__
    rows = session.execute(load_query(unit_types)).all()
    book = ReferenceBook.from_db(session)
    plans: dict[tuple, tuple[str, Plan] | None] = {}
    n = len(rows)
    new: list[dict[str, Any]] = [{} for _ in range(n)]
    totals: list[float] = [0.0] * n
    for i, row in enumerate(rows):
        key = (row.unit_type, row.year, row.industry)
        if key not in plans:
            iset = rules.indicator_set(row.unit_type, row.year)
            plans[key] = None if iset is None else (iset.code, compile_plan(
                iset, book.lookup(iset.code, row.industry, row.year)))
        entry = plans[key]
        out = new[i]
        if entry is None:
            out.update(indicator_set=None, scores=None, total=None, complete=False)
            continue
        try:
            total, complete, scores = score_row(entry[1], row.values or {})
        except ScoringInputError as exc:
            total, complete, scores = None, False, {"error": str(exc)}
        totals[i] = total or 0.0
        out.update(indicator_set=entry[0], scores=scores, total=total, complete=complete)
    _rank(rows, new, totals, rules)
    changes = []
    for row, out in zip(rows, new):
        old = {c: getattr(row, c) for c in _RESULT_COLUMNS}
        if old["total"] is not None:
            old["total"] = float(old["total"])
        if old != out:
            changes.append({"b_id": row.id, **out})
    if changes:
        session.execute(update(t).where(t.c.id == bindparam("b_id")), changes)
    session.commit()
    return RecomputeReport(rows=n, complete=sum(1 for o in new if o["complete"]), written=len(changes),
                           removal_candidates=sum(1 for o in new if o["removal_candidate"]),
                           seconds=time.perf_counter() - started)


def _rank(rows: Sequence[Any], new: list[dict[str, Any]], totals: list[float], rules: Any) -> None:
    sanction = rules.sanctions.get(BOTTOM_SANCTION)
    share = sanction.bottom_share if sanction else 0.0
    years_needed = sanction.consecutive_years if sanction else 0
    populations: dict[tuple, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        populations[(row.year, row.level, row.unit_type)].append(i)
    provinces = [r.province for r in rows]
    industries = [r.industry for r in rows]
    streaks: dict[tuple, tuple[int, int]] = {}  # (org, level, type) -> (year, streak)
    for (year, level, unit_type), members in sorted(populations.items()):
        scored = [m for m in members if new[m]["complete"]]
        values = [totals[m] for m in scored]
        national = competition_ranks(values)
        bottom = bottom_flags(values, share) if share else [False] * len(scored)
        codes = green_code_bands(values) if unit_type in GREEN_CODE_UNIT_TYPES else [None] * len(scored)
        by_province = _group_ranks(scored, totals, provinces)
        by_industry = _group_ranks(scored, totals, industries)
        sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
        for m in scored:
            sums[provinces[m]][0] += totals[m]
            sums[provinces[m]][1] += 1
        scheme = rules.grading(unit_type, Level(level))
        flags = dict(zip(scored, zip(national, bottom, codes)))
        for m in members:
            out, row = new[m], rows[m]
            if m not in flags:
                out.update(rank_province=None, rank_industry=None, rank_national=None,
                           below_province_average=None, bottom_share=False, bottom_streak=0,
                           removal_candidate=False, green_code=None, tier=None)
                streaks[(row.organization_id, level, unit_type)] = (year, 0)
                continue
            rank, in_bottom, code = flags[m]
            total_sum, count = sums[provinces[m]]
            prev_year, prev = streaks.get((row.organization_id, level, unit_type), (None, 0))
            streak = next_streak(prev, prev_year, year, in_bottom)
            streaks[(row.organization_id, level, unit_type)] = (year, streak)
            tier = scheme.tier_for(totals[m])
            out.update(rank_province=by_province[m], rank_industry=by_industry[m], rank_national=rank,
                       below_province_average=totals[m] < total_sum / count - 1e-9, bottom_share=in_bottom,
                       bottom_streak=streak, removal_candidate=bool(years_needed) and streak >= years_needed,
                       green_code=code, tier=tier.code if tier else None)
