"""Ranks, flags, 企业绿码 bands and grade tiers of a population of scored units.

Rules (001_3f04a56fc6693327.txt; domain.md B3.1, C1, Part D rows 23, 28, 41):

* rank within province and within industry, best total first; ties share a rank (1, 2, 2, 4);
* "below the provincial average of existing national units" (seed 001 一: 推荐的企业或园区
  原则上不低于本地区已有国家绿色工厂、绿色工业园区的平均水平);
* bottom share of the year (seed 001 二(二): 得分连续三年处于后5%的, 将从现有名单中移出): a unit
  is in it when fewer than ``share × n`` units score strictly lower, so ties at the cut are
  all in; ``consecutive_years`` such years in a row make a removal candidate. Share and
  years come from the region's ``bottom_five_percent`` sanction;
* 企业绿码: the bands and unit types of the region's rule (``rules.green_code_bands(year)``; national's
  platform default after MIIT's notice of 2024-01-05: A+ when fewer than 5 % of units score strictly
  higher, A when fewer than 40 %, else B; factories only);
* the grade tier from the region's :class:`~core.plugins.types.GradingScheme`.

Only complete scores take part: a unit with an indicator not scored gets no rank, band
or flag (MIIT issues no green code when data are missing). Nothing here touches the
database; :mod:`core.scoring.recompute` reads and writes the rows.

Every helper takes an optional ``order`` (:func:`descending`), so a population is sorted
once however many ranks and flags are derived from it.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any

from core.plugins.types import Level

BOTTOM_SANCTION = "bottom_five_percent"

#: (organization id, level, unit type) -> (year, consecutive years in the bottom share)
Streaks = dict[tuple, tuple[int, int]]


def descending(totals: Sequence[float]) -> list[int]:
    """Indices of ``totals``, highest first."""
    return sorted(range(len(totals)), key=totals.__getitem__, reverse=True)


def competition_ranks(totals: Sequence[float], order: Sequence[int] | None = None) -> list[int]:
    """1-based ranks, highest total first; equal totals share the better rank (1, 2, 2, 4)."""
    ranks = [0] * len(totals)
    rank, previous = 0, None
    for pos, i in enumerate(descending(totals) if order is None else order):
        total = totals[i]
        if total != previous:
            rank, previous = pos + 1, total
        ranks[i] = rank
    return ranks


def group_ranks(totals: Sequence[float], keys: Sequence[Hashable],
                order: Sequence[int] | None = None) -> list[int]:
    """Competition rank of each total within its group (``keys[i]``), in one pass."""
    ranks = [0] * len(totals)
    seen: dict[Hashable, int] = {}
    last: dict[Hashable, tuple[float, int]] = {}
    for i in descending(totals) if order is None else order:
        key, total = keys[i], totals[i]
        count = seen[key] = seen.get(key, 0) + 1
        prior = last.get(key)
        if prior is None or prior[0] != total:
            prior = last[key] = (total, count)
        ranks[i] = prior[1]
    return ranks


def bottom_flags(totals: Sequence[float], share: float, order: Sequence[int] | None = None) -> list[bool]:
    """True for units in the bottom ``share``: fewer than ``share × n`` units score lower."""
    order = descending(totals) if order is None else order
    n, cut = len(totals), share * len(totals)
    flags = [False] * n
    lower, previous = 0, None
    for pos in range(n - 1, -1, -1):  # lowest first
        i = order[pos]
        if totals[i] != previous:
            lower, previous = n - 1 - pos, totals[i]
        if lower >= cut:
            break
        flags[i] = True
    return flags


def green_code_bands(totals: Sequence[float], bands: Sequence[tuple[str, float]],
                     ranks: Sequence[int] | None = None) -> list[str]:
    """企业绿码 band by the share of units scoring strictly higher (rank − 1); ``bands`` are the rule's
    ``(label, cumulative share)`` pairs (:class:`~core.plugins.types.GreenCodeBands`)."""
    cuts = [(code, upto * len(totals)) for code, upto in bands]
    last = bands[-1][0]
    return [next((code for code, cut in cuts if rank - 1 < cut), last)
            for rank in (competition_ranks(totals) if ranks is None else ranks)]


def group_averages(totals: Sequence[float], keys: Sequence[Hashable]) -> dict[Hashable, float]:
    sums: dict[Hashable, list] = defaultdict(lambda: [0.0, 0])
    for total, key in zip(totals, keys):
        entry = sums[key]
        entry[0] += total
        entry[1] += 1
    return {key: s / n for key, (s, n) in sums.items()}


def next_streak(previous: int, previous_year: int | None, year: int, in_bottom: bool) -> int:
    """Consecutive years in the bottom share ending at ``year``; a gap restarts the count."""
    if not in_bottom:
        return 0
    return previous + 1 if previous_year == year - 1 else 1


# ------------------------------------------------------------- populations --

#: the result columns of a row, in the order :func:`rank_rows` returns them
RESULT_COLUMNS = ("indicator_set", "scores", "total", "complete", "rank_province", "rank_industry",
                  "rank_national", "below_province_average", "bottom_share", "bottom_streak",
                  "removal_candidate", "green_code", "tier")


def rank_rows(units: Any, scored: Sequence[tuple], rules: Any, streaks: Streaks | None = None) -> list[tuple]:
    """The :data:`RESULT_COLUMNS` of every row, population by population, years in order.

    :param units: per-row columns ``orgs, types, levels, industries, provinces, years``.
    :param scored: ``(indicator_set, scores, total, complete)`` per row.
    :param streaks: bottom-share streaks carried in from the year before the first one
        here; updated in place.
    """
    sanction = rules.sanctions.get(BOTTOM_SANCTION)
    share = sanction.bottom_share if sanction else 0.0
    years_needed = sanction.consecutive_years if sanction else 0
    populations: dict[tuple, list[int]] = defaultdict(list)
    for i, key in enumerate(zip(units.years, units.levels, units.types)):
        populations[key].append(i)
    orgs, provinces, industries = units.orgs, units.provinces, units.industries
    streaks = {} if streaks is None else streaks
    out: list[tuple] = [()] * len(scored)
    for (year, level, unit_type), members in sorted(populations.items()):
        ranked = [m for m in members if scored[m][3]]
        totals = [scored[m][2] for m in ranked]
        home = [provinces[m] for m in ranked]
        order = descending(totals)
        national = competition_ranks(totals, order)
        bottom = bottom_flags(totals, share, order) if share else [False] * len(ranked)
        green = rules.green_code_bands(year)
        codes = (green_code_bands(totals, green.bands, ranks=national) if unit_type in green.unit_types
                 else [None] * len(ranked))
        by_province = group_ranks(totals, home, order)
        by_industry = group_ranks(totals, [industries[m] for m in ranked], order)
        averages = group_averages(totals, home)
        scheme = rules.grading(unit_type, Level(level))
        tiers = scheme.tier_for if scheme.tiers else None
        for j, m in enumerate(ranked):
            who = (orgs[m], level, unit_type)
            prev_year, prev = streaks.get(who, (None, 0))
            streak = next_streak(prev, prev_year, year, bottom[j])
            streaks[who] = (year, streak)
            total = totals[j]
            tier = tiers(total) if tiers else None
            out[m] = (*scored[m], by_province[j], by_industry[j], national[j],
                      total < averages[home[j]] - 1e-9, bottom[j], streak,
                      bool(years_needed) and streak >= years_needed, codes[j], tier.code if tier else None)
        for m in members:
            if not out[m]:  # incomplete: no rank, band or flag, and the streak breaks
                streaks[(orgs[m], level, unit_type)] = (year, 0)
                out[m] = (*scored[m], None, None, None, None, False, 0, False, None, None)
    return out
