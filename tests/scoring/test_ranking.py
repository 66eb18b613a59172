"""Ranks, flags, 企业绿码 bands and tiers (core.scoring.ranking).

Seed 001_3f04a56fc6693327.txt 一 (推荐的企业或园区原则上不低于本地区已有国家绿色工厂…的平均水平) and
二(二) (得分连续三年处于后5%的, 将从现有名单中移出); domain.md B3.1 (企业绿码 A+ 5 %, A 35 %, B 60 %),
Part D rows 23, 28, 41; seed 004_7a8ddd82f611ab67.txt 第十四条 (Shanxi A/B/C).
"""
from __future__ import annotations

import factories
import pytest
import sqlalchemy as sa

from core.models import ReferenceValue, UnitScore
from core.plugins.manager import build_plugin_manager
from core.plugins.rules import RegionRules
from core.plugins.types import IndicatorKind, Level
from core.scoring.ranking import (
    bottom_flags,
    competition_ranks,
    green_code_bands,
    group_ranks,
    next_streak,
)
from core.scoring.recompute import provincial_average, recompute
from plugins.national.indicators import FACTORY_2025

#: test references (L, B) for the factory indicators that take one (industry "*", 2025)
REFS = {1: (0.40, 0.60), 2: (1.0, 2.0), 3: (40, 20), 5: (1.0, 1.2), 6: (2.0, 4.0), 7: (95, 85), 8: (95, 80),
        10: (3, 1), 11: (0.05, 0.10), 14: (2.0, 1.0)}


def rules_of(app):
    return app.extensions["greenmfg"].rules


def values_for(total: float) -> dict:
    """Factory values (附件1) scoring exactly ``total`` (≤ 94; indicator 4 left at 0 functions)."""
    remaining, values = total, {"4": 0}
    for ind in FACTORY_2025.indicators:
        if ind.number == 4:
            continue
        points = min(ind.weight, remaining)
        remaining -= points
        if ind.kind == IndicatorKind.QUALITATIVE:
            values[str(ind.number)] = points
        else:
            lead, base = REFS[ind.number]
            values[str(ind.number)] = base + (lead - base) * points / ind.weight
    assert remaining == 0
    return values


# ----------------------------------------------------------------- pure --

def test_competition_ranks_share_ties():
    """Ranks within a province or industry, best first; equal totals share a rank (1, 2, 2, 4)."""
    assert competition_ranks([70.0, 90.0, 80.0, 80.0]) == [4, 1, 2, 2]
    assert competition_ranks([]) == []


@pytest.mark.parametrize("n, expected", [(100, 5), (20, 1), (30, 2), (10, 1)])
def test_bottom_five_percent_count(n, expected):
    """001_3f04a56fc6693327.txt 二(二) 后5%: a unit is in when fewer than 5 % of n score lower:
    100 units → 5, 20 → 1, 30 → 2 (1.5 rounds up), 10 → 1."""
    flags = bottom_flags([float(i) for i in range(n)], 0.05)
    assert sum(flags) == expected and flags[:expected] == [True] * expected


def test_group_ranks_within_province_or_industry():
    """Ranks within each group (province or industry) from one sort of the population; ties share."""
    totals = [70.0, 90.0, 80.0, 80.0, 60.0]
    assert group_ranks(totals, ["hunan", "hubei", "hunan", "hunan", "hubei"]) == [3, 1, 1, 1, 2]


def test_bottom_share_includes_ties_at_the_cut():
    """后5% of 20 units is 1 unit; two units tied at the bottom are both in it."""
    assert bottom_flags([30.0, 30.0] + [50.0 + i for i in range(18)], 0.05)[:3] == [True, True, False]


def test_green_code_bands_5_35_60():
    """domain.md B3.1 企业绿码 (MIIT 2024-01-05): A+ top 5 %, A next 35 %, B the remaining 60 %."""
    bands = green_code_bands([float(i) for i in range(100)], (("A+", 0.05), ("A", 0.40), ("B", 1.0)))
    assert [bands.count(b) for b in ("A+", "A", "B")] == [5, 35, 60]
    assert bands[99] == "A+" and bands[60] == "A" and bands[59] == "B"


@pytest.mark.parametrize("history, streak", [
    ([True, True, True], 3), ([True, False, True], 1), ([False, True, True], 2), ([True, True, False], 0),
])
def test_streak_of_consecutive_bottom_years(history, streak):
    """001_3f04a56fc6693327.txt 二(二): 连续三年 — a year outside the bottom 5 % restarts the count."""
    current, year = 0, None
    for y, in_bottom in enumerate(history, start=2025):
        current, year = next_streak(current, year, y, in_bottom), y
    assert current == streak


def test_streak_breaks_on_a_missing_year():
    """A year without a score (2026 missing) breaks 连续: 2025 and 2027 in the bottom → 1."""
    assert next_streak(1, 2025, 2027, True) == 1


@pytest.mark.parametrize("total, code, recommendable", [
    (85.0, "A", True), (84.99, "B", True), (70.0, "B", True), (69.99, "C", False), (0.0, "C", False)])
def test_shanxi_tiers(total, code, recommendable):
    """004_7a8ddd82f611ab67.txt 第十四条: A/B/C, national recommendation needs B or better
    (cut-offs are the plugin's configurable defaults 85/70)."""
    tier = RegionRules(build_plugin_manager("shanxi")).grading("factory", Level.PROVINCIAL).tier_for(total)
    assert (tier.code, tier.recommendable) == (code, recommendable)


def test_national_has_no_tiers():
    """No national pass mark is known (domain.md B3.1): no tier."""
    assert RegionRules(build_plugin_manager("national")).grading("factory", Level.NATIONAL).tier_for(90.0) is None


def test_values_helper_scores_exactly():
    """The helper above hits its total (附件1 weights)."""
    from core.scoring import Reference, score_unit

    refs = {n: Reference(lead, base) for n, (lead, base) in REFS.items()}
    assert score_unit(FACTORY_2025, values_for(61.25), refs).total == 61.25


def test_rank_columns_give_each_row_its_populations_ranks_in_any_row_order():
    """Issue 23: ranks, flags and bands are computed population by population (year, level, unit type) and put
    back in the rows' order: shuffling the rows shuffles the results with them, and a row's results are those
    of its population ranked alone; streaks carry from year to year."""
    import random
    from types import SimpleNamespace

    from core.scoring.ranking import RESULT_COLUMNS, Scored, rank_columns

    rules = RegionRules(build_plugin_manager("shanxi"))
    rng = random.Random(7)
    rows = [(org, year, level, unit_type, rng.choice(["hunan", "hubei", "jiangxi"]), rng.choice(["a", "b"]),
             round(30 + org + rng.uniform(0, 3), 2), rng.random() > 0.1)
            for org in range(60) for year in (2025, 2026) for level in ("national", "provincial")
            for unit_type in ("factory", "park")]

    def ranked(rows, streaks=None):
        orgs, years, levels, types, provinces, industries, totals, complete = map(list, zip(*rows))
        units = SimpleNamespace(orgs=orgs, types=types, levels=levels, industries=industries, provinces=provinces,
                                years=years)
        scored = Scored(["set"] * len(rows), [{}] * len(rows), totals, complete)
        return list(zip(*rank_columns(units, scored, rules, {} if streaks is None else streaks)))

    results = dict(zip(rows, ranked(rows)))
    shuffled = rows.copy()
    rng.shuffle(shuffled)
    assert dict(zip(shuffled, ranked(shuffled))) == results
    for population in {(year, level, unit_type) for _, year, level, unit_type, *_ in rows}:
        alone = [row for row in rows if (row[1], row[2], row[3]) == population]
        streaks = {(org, level, unit_type): (year, results[row][RESULT_COLUMNS.index("bottom_streak")])
                   for row in rows if (row[1], row[2], row[3]) == (population[0] - 1, *population[1:])
                   for org, year, level, unit_type in [row[:4]]}
        assert dict(zip(alone, ranked(alone, streaks))) == {row: results[row] for row in alone}
    streak = RESULT_COLUMNS.index("bottom_streak")
    assert any(result[streak] == 2 for result in results.values())  # two years in the bottom share
    assert {result[RESULT_COLUMNS.index("tier")] for result in results.values()} > {None}  # Shanxi's tiers


# ------------------------------------------------------------ database --

def _setup(session, totals_by_year: dict[int, list[float | None]]):
    """20 factories: units 0-9 in Hunan, 10-19 in Hubei; even units 水泥, odd 长流程钢铁."""
    session.add_all(ReferenceValue(indicator_set="miit2025.factory", industry="*", number=n, year=2025,
                                   leading=lead, baseline=base) for n, (lead, base) in REFS.items())
    hunan, hubei = factories.admin_unit("hunan"), factories.admin_unit("hubei")
    orgs = [factories.organization(hunan if i < 10 else hubei) for i in range(20)]
    for year, totals in totals_by_year.items():
        for i, (org, total) in enumerate(zip(orgs, totals)):
            if total is None:
                continue
            values = values_for(total) if total >= 0 else {k: v for k, v in values_for(50).items() if k != "14"}
            session.add(UnitScore(organization_id=org.id, unit_type="factory", level="national", year=year,
                                  industry="building.01" if i % 2 == 0 else "steel.01",
                                  province="hunan" if i < 10 else "hubei", values=values))
    session.commit()
    return orgs


def _scores(session, org, year):
    return session.scalars(sa.select(UnitScore).where(UnitScore.organization_id == org.id,
                                                      UnitScore.year == year)).one()


def test_bottom_five_percent_three_years_makes_a_removal_candidate(app, scoring_db):
    """001_3f04a56fc6693327.txt 二(二): 得分连续三年处于后5%的, 将从现有名单中移出.
    20 national factories (后5% = 1 unit, ties included). Unit 0 is at the bottom in 2025, 2026
    and 2027 → removal candidate in 2027 only. Unit 1 ties it in 2025 and 2027 but scores 90 in
    2026 → streak 1, 0, 1, never a candidate."""
    others = [42.0 + 2 * i for i in range(18)]
    orgs = _setup(scoring_db, {2025: [30.0, 30.0] + others, 2026: [30.0, 90.0] + others,
                               2027: [30.0, 30.0] + others})
    report = recompute(scoring_db, rules_of(app))
    assert (report.rows, report.complete, report.written, report.removal_candidates) == (60, 60, 60, 1)
    first = [_scores(scoring_db, orgs[0], y) for y in (2025, 2026, 2027)]
    second = [_scores(scoring_db, orgs[1], y) for y in (2025, 2026, 2027)]
    assert [s.bottom_streak for s in first] == [1, 2, 3]
    assert [s.removal_candidate for s in first] == [False, False, True]
    assert [s.bottom_streak for s in second] == [1, 0, 1]
    assert not any(s.removal_candidate for s in second)
    assert [s.bottom_share for s in second] == [True, False, True]
    # nothing changed: a second recompute writes nothing
    assert recompute(scoring_db, rules_of(app)).written == 0


def test_ranks_average_flag_and_green_code(app, scoring_db):
    """Ranks within province and industry; seed 001 一 gate (below the provincial average of
    existing national units); 企业绿码 for 20 units: 1 A+ (5 %), 7 A (to 40 %), 12 B."""
    totals = [40.0 + 2 * i for i in range(20)]  # Hunan 40..58 (avg 49), Hubei 60..78 (avg 69)
    orgs = _setup(scoring_db, {2025: totals})
    recompute(scoring_db, rules_of(app))
    rows = [_scores(scoring_db, org, 2025) for org in orgs]
    assert [float(r.total) for r in rows] == totals
    assert rows[19].rank_national == 1 and rows[0].rank_national == 20
    assert rows[9].rank_province == 1 and rows[0].rank_province == 10 and rows[10].rank_province == 10
    assert rows[18].rank_industry == 1 and rows[19].rank_industry == 1 and rows[0].rank_industry == 10
    assert [r.below_province_average for r in rows[:10]] == [True] * 5 + [False] * 5
    assert [r.below_province_average for r in rows[10:]] == [True] * 5 + [False] * 5
    assert [r.green_code for r in rows].count("A+") == 1 and rows[19].green_code == "A+"
    assert [r.green_code for r in rows].count("A") == 7 and rows[12].green_code == "A"
    assert rows[11].green_code == "B" and rows[11].tier is None
    assert provincial_average(scoring_db, "hunan", "factory", 2025) == 49.0
    assert provincial_average(scoring_db, "hubei", "factory", 2025) == 69.0


def test_incomplete_units_are_not_ranked(app, scoring_db):
    """MIIT issues no 绿码 when data are missing (domain.md B3.1): a unit without 附件1 第14项 gets
    no rank, band or bottom flag, and does not count in the population."""
    totals: list[float | None] = [40.0 + 2 * i for i in range(20)]
    totals[0] = -1  # marker: 50 points' worth of values without indicator 14
    orgs = _setup(scoring_db, {2025: totals})
    recompute(scoring_db, rules_of(app))
    missing = _scores(scoring_db, orgs[0], 2025)
    assert (missing.complete, missing.rank_national, missing.green_code, missing.bottom_share) == (
        False, None, None, False)
    assert missing.scores["14"] == "missing_value" and float(missing.total) == 50.0
    assert _scores(scoring_db, orgs[1], 2025).bottom_share  # 42 is now the lowest of 19
    assert _scores(scoring_db, orgs[19], 2025).rank_national == 1


def test_missing_reference_values_leave_units_unscored(app, scoring_db):
    """Issue 3: a missing reference marks the indicator needs_reference, never 0: a year-2025 park
    with no park references stays incomplete and unranked."""
    unit = factories.admin_unit("hunan")
    org = factories.organization(unit)
    scoring_db.add(UnitScore(organization_id=org.id, unit_type="park", level="national", year=2025,
                             province="hunan", values={"4": 2.5, "12": True}))
    scoring_db.commit()
    recompute(scoring_db, rules_of(app))
    park = _scores(scoring_db, org, 2025)
    assert park.indicator_set == "miit2025.park" and not park.complete and park.rank_national is None
    assert park.scores["4"] == "needs_reference" and park.scores["12"] == 5.0
    assert park.scores["1"] == "missing_value"
