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

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from itertools import accumulate, chain, compress
from typing import Any, NamedTuple

from core.plugins.types import Level

BOTTOM_SANCTION = "bottom_five_percent"

#: (organization id, level, unit type) -> (year, consecutive years in the bottom share)
Streaks = dict[tuple, tuple[int, int]]


def descending(totals: Sequence[float], among: Iterable[int] | None = None) -> list[int]:
    """Indices of ``totals`` (or of those ``among`` them), highest total first."""
    return sorted(range(len(totals)) if among is None else among, key=totals.__getitem__, reverse=True)


def competition_ranks(totals: Sequence[float], order: Sequence[int] | None = None) -> list[int | None]:
    """1-based ranks, highest total first; equal totals share the better rank (1, 2, 2, 4). With ``order``
    (:func:`descending` of some of the totals) only those are ranked; the others get ``None``."""
    ranks: list[int | None] = [None] * len(totals)
    rank, previous = 0, None
    for pos, i in enumerate(descending(totals) if order is None else order):
        total = totals[i]
        if total != previous:
            rank, previous = pos + 1, total
        ranks[i] = rank
    return ranks


def group_ranks(totals: Sequence[float], keys: Sequence[Hashable],
                order: Sequence[int] | None = None) -> list[int | None]:
    """Competition rank of each total within its group (``keys[i]``), in one pass (``order`` as in
    :func:`competition_ranks`)."""
    ranks: list[int | None] = [None] * len(totals)
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
    """True for units in the bottom ``share``: fewer than ``share × n`` units score lower (``n`` the units
    ranked: all, or those in ``order`` as in :func:`competition_ranks`)."""
    order = descending(totals) if order is None else order
    n, cut = len(order), share * len(order)
    flags = [False] * len(totals)
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
                     ranks: Sequence[int | None] | None = None, ranked: int | None = None) -> list[str | None]:
    """企业绿码 band by the share of units scoring strictly higher (rank − 1); ``bands`` are the rule's
    ``(label, cumulative share)`` pairs (:class:`~core.plugins.types.GreenCodeBands`), the first whose
    share that is below. With ``ranks`` of ``ranked`` units among the totals, the others get ``None``."""
    if ranks is None:
        ranks, ranked = competition_ranks(totals), len(totals)
    n = len(totals) if ranked is None else ranked
    # the first band whose cut exceeds rank − 1 is the first whose running largest cut does
    cuts = list(accumulate((upto * n for _, upto in bands), max))
    labels = [code for code, _ in bands] + [bands[-1][0]]
    return [None if rank is None else labels[bisect_right(cuts, rank - 1)] for rank in ranks]


def group_averages(totals: Sequence[float], keys: Sequence[Hashable],
                   among: Iterable[int] | None = None) -> dict[Hashable, float]:
    """The average total of each group (of the units ``among`` the totals, or all)."""
    sums: dict[Hashable, list] = defaultdict(lambda: [0.0, 0])
    for i in range(len(totals)) if among is None else among:
        entry = sums[keys[i]]
        entry[0] += totals[i]
        entry[1] += 1
    return {key: s / n for key, (s, n) in sums.items()}


def next_streak(previous: int, previous_year: int | None, year: int, in_bottom: bool) -> int:
    """Consecutive years in the bottom share ending at ``year``; a gap restarts the count."""
    if not in_bottom:
        return 0
    return previous + 1 if previous_year == year - 1 else 1


# ------------------------------------------------------------- populations --

#: the result columns of a row, in the order :func:`rank_columns` returns them
RESULT_COLUMNS = ("indicator_set", "scores", "total", "complete", "rank_province", "rank_industry",
                  "rank_national", "below_province_average", "bottom_share", "bottom_streak",
                  "removal_candidate", "green_code", "tier")


class Scored(NamedTuple):
    """What scoring gives, one list per column, a row at each index."""

    indicator_sets: list[str | None]
    scores: list[dict | None]
    totals: list[float | None]
    complete: list[bool]


def rank_columns(units: Any, scored: Scored, rules: Any, streaks: Streaks | None = None) -> list[list]:
    """The :data:`RESULT_COLUMNS` of the rows, one list per column, population by population, years in order.

    :param units: per-row columns ``orgs, types, levels, industries, provinces, years``.
    :param scored: the rows' scores (the first four result columns).
    :param streaks: bottom-share streaks carried in from the year before the first one here;
        updated in place (a unit's entry changes in a year it is in the bottom share: a unit whose
        entry is not of the year before has no streak to continue).
    """
    sanction = rules.sanctions.get(BOTTOM_SANCTION)
    share = sanction.bottom_share if sanction else 0.0
    years_needed = sanction.consecutive_years if sanction else 0
    streaks = {} if streaks is None else streaks
    populations = indices_by_key(zip(units.years, units.levels, units.types))
    # each population's results side by side, in the order of its rows, then put back in the rows' order
    ranks: list[list] = [[] for _ in RESULT_COLUMNS[4:]]
    (by_province, by_industry, national, below, bottom, streak_of, removal, codes, tiers) = ranks
    for key in sorted(populations):
        (year, level, unit_type), members = key, populations[key]
        start = len(national)
        totals = list(map(scored.totals.__getitem__, members))
        ok = list(map(scored.complete.__getitem__, members))
        home = list(map(units.provinces.__getitem__, members))
        # only complete scores take part; the others get no rank, band or flag, and their streak breaks
        among = list(compress(range(len(totals)), ok))
        order = descending(totals, among)
        national += competition_ranks(totals, order)
        by_province += group_ranks(totals, home, order)
        by_industry += group_ranks(totals, list(map(units.industries.__getitem__, members)), order)
        averages = group_averages(totals, home, among)
        below += [t < averages[h] - 1e-9 if c else None for t, h, c in zip(totals, home, ok)]
        flags = bottom_flags(totals, share, order) if share else [False] * len(totals)
        bottom += flags
        streak_here, removal_here = [0] * len(totals), [False] * len(totals)
        for j in compress(range(len(totals)), flags):
            who = (units.orgs[members[j]], level, unit_type)
            prev_year, prev = streaks.get(who, (None, 0))
            streak = streak_here[j] = next_streak(prev, prev_year, year, True)
            streaks[who] = (year, streak)
            removal_here[j] = bool(years_needed) and streak >= years_needed
        streak_of += streak_here
        removal += removal_here
        green = rules.green_code_bands(year)
        codes += (green_code_bands(totals, green.bands, national[start:], len(among))
                  if unit_type in green.unit_types else [None] * len(totals))
        scheme = rules.grading(unit_type, Level(level))
        if scheme.tiers:
            tier_of = {t: (tier.code if (tier := scheme.tier_for(t)) else None) for t in set(compress(totals, ok))}
            tiers += [tier_of[t] if c else None for t, c in zip(totals, ok)]
        else:
            tiers += [None] * len(totals)
    back = inverse(list(chain.from_iterable(populations[key] for key in sorted(populations))))
    return [*scored, *(list(map(column.__getitem__, back)) for column in ranks)]


def indices_by_key(keys: Iterable[Hashable]) -> dict[Hashable, list[int]]:
    """The indices of each key, in order."""
    members: dict[Hashable, list[int]] = {}
    for i, key in enumerate(keys):
        indices = members.get(key)
        if indices is None:
            members[key] = [i]
        else:
            indices.append(i)
    return members


def inverse(order: Sequence[int]) -> list[int]:
    """Where each index stands in ``order`` (a permutation): ``values[k]`` of values laid out in ``order`` is
    the value of row ``order[k]``, so ``map(values.__getitem__, inverse(order))`` puts them back in row order."""
    back = [0] * len(order)
    for position, index in enumerate(order):
        back[index] = position
    return back
