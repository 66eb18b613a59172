"""``greenmfg scores recompute [--year Y] [--level L]`` and what it writes (core.scoring.recompute, .store).

Seed 001_3f04a56fc6693327.txt 附件1 二(二): 现有国家绿色工厂、绿色工业园区得分连续三年处于后5%的, 将从
现有名单中移出. With 20 national factories the bottom 5 % is one unit (ties included).
"""
from __future__ import annotations

import factories
import pytest
import sqlalchemy as sa
from test_ranking import REFS, values_for

from core.cli.score import scores_group
from core.extensions import db
from core.models import AuditLog, ReferenceValue, UnitScore
from core.models.scoring import UnitScore as US
from core.scoring.ranking import RESULT_COLUMNS
from core.scoring.recompute import recompute, recompute_scores
from core.scoring.store import _python_type, copy_text

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

OTHERS = [42.0 + 2 * i for i in range(18)]


def setup_years(totals_by_year: dict[int, list[float]], level: str = "national") -> list:
    """20 factories (10 in Hunan, 10 in Hubei) with the given totals per year."""
    if not db.session.scalar(sa.select(sa.func.count()).select_from(ReferenceValue)):
        db.session.add_all(ReferenceValue(indicator_set="miit2025.factory", industry="*", number=n, year=2025,
                                          leading=lead, baseline=base) for n, (lead, base) in REFS.items())
    hunan, hubei = factories.admin_unit("hunan"), factories.admin_unit("hubei")
    orgs = [factories.organization(hunan if i < 10 else hubei) for i in range(20)]
    add_years(orgs, totals_by_year, level)
    return orgs


def add_years(orgs, totals_by_year, level="national"):
    for year, totals in totals_by_year.items():
        for i, (org, total) in enumerate(zip(orgs, totals)):
            db.session.add(UnitScore(organization_id=org.id, unit_type="factory", level=level, year=year,
                                     industry="*", province="hunan" if i < 10 else "hubei", values=values_for(total)))
    db.session.commit()


def scores_of(org, year, level="national"):
    return db.session.scalars(sa.select(UnitScore).where(UnitScore.organization_id == org.id, UnitScore.year == year,
                                                         UnitScore.level == level)).one()


def run(app, *args):
    return app.test_cli_runner().invoke(scores_group, ["recompute", *args])


def test_cli_recompute_finds_three_years_in_the_bottom_five_percent(app):
    """附件1 二(二): unit 0 is the lowest of 20 in 2025, 2026 and 2027 → removal candidate in 2027;
    a progress bar on stderr, a summary on stdout, an audit row."""
    orgs = setup_years({2025: [30.0] + [31.0] + OTHERS, 2026: [30.0] + [90.0] + OTHERS,
                        2027: [30.0] + [31.0] + OTHERS})
    result = run(app)
    assert result.exit_code == 0, result.output
    assert "60 行 / rows" in result.stdout and "1 拟移出 / removal candidates" in result.stdout
    assert "计算 / scoring" in result.stderr
    db.session.expire_all()
    assert [scores_of(orgs[0], y).bottom_streak for y in (2025, 2026, 2027)] == [1, 2, 3]
    assert [scores_of(orgs[0], y).removal_candidate for y in (2025, 2026, 2027)] == [False, False, True]
    audit = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "scores.recomputed")).one()
    assert audit.data["written"] == 60 and audit.data["removal_candidates"] == 1 and audit.actor.startswith("cli:")


def test_one_year_continues_the_stored_streaks(app):
    """``--year 2027`` reads 2026's stored streak (2): the third year makes unit 0 a candidate, and
    2025/2026 are left as they are. Recomputing 2026 while 2027 exists warns that 2027 builds on it."""
    orgs = setup_years({2025: [30.0] + [31.0] + OTHERS, 2026: [30.0] + [90.0] + OTHERS})
    assert run(app).exit_code == 0
    add_years(orgs, {2027: [30.0] + [30.0] + OTHERS})  # unit 1 ties unit 0 at the bottom
    result = run(app, "--year", "2027")
    assert result.exit_code == 0, result.output
    assert "recomputed 2027: 20 行 / rows" in result.stdout
    db.session.expire_all()
    last = scores_of(orgs[0], 2027)
    assert (last.bottom_streak, last.removal_candidate) == (3, True)
    assert scores_of(orgs[1], 2027).bottom_streak == 1  # in the bottom, but 90 in 2026 broke its streak
    result = run(app, "--year", "2026")
    assert result.exit_code == 0 and "recomputed 2026: 20 行 / rows, 20 完整 / complete, 0 行已更新" in result.stdout
    assert "2027" in result.stderr and "recompute them too" in result.stderr


def test_level_option_leaves_other_levels_alone(app):
    """Populations are per list level: ``--level provincial`` touches only provincial rows."""
    orgs = setup_years({2025: [30.0] + [31.0] + OTHERS}, level="provincial")
    add_years(orgs, {2025: [30.0] + [31.0] + OTHERS}, level="national")
    assert run(app, "--level", "provincial").exit_code == 0
    db.session.expire_all()
    assert scores_of(orgs[0], 2025, "provincial").rank_national == 20
    assert scores_of(orgs[0], 2025, "national").total is None
    assert run(app, "--level", "county").exit_code == 2


def test_malformed_stored_value_is_kept_as_an_error_not_a_score(app):
    """A stored value the engine refuses (附件1 第3项 above 100 %) leaves that unit unscored, with the
    reason; the others are ranked."""
    orgs = setup_years({2025: [30.0] + [31.0] + OTHERS})
    bad = scores_of(orgs[5], 2025)
    bad.values = {**bad.values, "3": 140}
    db.session.commit()
    report = recompute_scores("test", year=2025)
    assert (report.rows, report.complete) == (20, 19)
    db.session.expire_all()
    bad = scores_of(orgs[5], 2025)
    assert bad.rank_national is None and not bad.complete and "values.3" in bad.scores["error"]
    assert scores_of(orgs[0], 2025).rank_national == 19


def test_results_match_the_single_unit_engine(app):
    """What recompute stores equals ``score_unit`` (the ``greenmfg score`` path): per-indicator
    scores rounded to 0.0001, the total their sum to 0.01."""
    from core.scoring import Reference, score_unit
    from plugins.national.indicators import FACTORY_2025

    orgs = setup_years({2025: [30.0] + [61.237] + OTHERS})
    recompute(db.session, app.extensions["greenmfg"].rules)
    stored = scores_of(orgs[1], 2025)
    one = score_unit(FACTORY_2025, stored.values, {n: Reference(*lb) for n, lb in REFS.items()})
    assert float(stored.total) == one.total
    assert stored.scores == {str(r.number): r.score for r in one.indicators}


def test_copy_text_escapes_what_copy_needs():
    """PostgreSQL COPY text format: NULL as \\N, booleans t/f, backslashes, tabs and newlines escaped."""
    kinds = [_python_type(US.__table__.c[c]) for c in ("id", *RESULT_COLUMNS)]
    row = (7, "a\tb", {"error": 'x\\y "z"\n'}, 61.25, True, None, 2, 3, None, False, 0, False, "A+", None)
    line = copy_text(kinds, [[value] for value in row]).decode()
    assert line == ('7\ta\\tb\t{"error":"x\\\\\\\\y \\\\"z\\\\"\\\\n"}\t61.25\tt\t\\N\t2\t3\t\\N\tf\t0\tf\tA+\t\\N\n')


@pytest.mark.parametrize("rows", [0, 1])
def test_recompute_of_nothing_or_one(app, rows):
    orgs = setup_years({2025: [50.0] * 20}) if rows else []
    report = recompute(db.session, app.extensions["greenmfg"].rules, year=2030 if not rows else None)
    assert report.rows == (20 if rows else 0)
    if rows:
        assert scores_of(orgs[0], 2025).rank_national == 1  # all tied


def test_recompute_writes_in_the_callers_transaction(app):
    """The fast writers (COPY on PostgreSQL, executemany on SQLite) use the session's transaction:
    without a commit, a rollback leaves every row as it was."""
    orgs = setup_years({2025: [30.0] + [31.0] + OTHERS})
    report = recompute(db.session, app.extensions["greenmfg"].rules, commit=False)
    assert report.written == 20
    db.session.rollback()
    assert scores_of(orgs[0], 2025).total is None
    assert recompute(db.session, app.extensions["greenmfg"].rules).written == 20


def test_a_column_null_in_every_row_is_written_as_null(app):
    """The SQLite writer sets a column that is NULL in every changed row in the statement itself, and binds
    flags as 0/1 (issue 23): a stale value is still cleared, and the flags read back as before."""
    orgs = setup_years({2025: [30.0] + [31.0] + OTHERS})
    rules = app.extensions["greenmfg"].rules
    recompute(db.session, rules)
    db.session.execute(sa.update(UnitScore).values(tier="X", bottom_share=True, below_province_average=None))
    db.session.commit()
    assert recompute(db.session, rules).written == 20
    db.session.expire_all()
    rows = [scores_of(org, 2025) for org in orgs]
    assert {row.tier for row in rows} == {None}  # national: no tiers
    assert [row.bottom_share for row in rows] == [True] + [False] * 19
    assert rows[0].below_province_average is True and rows[19].below_province_average is False
    assert recompute(db.session, rules).written == 0
