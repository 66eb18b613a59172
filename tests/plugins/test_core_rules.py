"""Rules core once hard-coded (issue 17), now answered by a plugin: national by default, with its source
(or marked as the platform's default where no seed gives the value), and a region or plugin overriding it.

Sources:
* consulted departments: 003_a3fa60aeba77aa34.txt 三（一） "积极征求当地生态环境、应急管理、市场监管等主管部门意见";
  004_7a8ddd82f611ab67.txt 第十三条 "在充分征求当地生态环境、应急管理、市场监管等主管部门意见后" — "等": others
  by name; 390号 (seed 001) names none, so national's list is a platform default;
* 企业绿码: no seed sets the bands (004 第二十六条 only encourages the 企业绿码): national's A+ 5 %, A 35 %,
  B 60 % is a platform default after MIIT's notice of 2024-01-05;
* expert panel: no seed sets a size: 3 is a platform default; ``GREENMFG_REVIEW_MIN_EXPERTS`` overrides it;
* evaluator ban: 003 三（三） "经查实在评价过程中存在弄虚作假或故意隐瞒评价对象问题的第三方机构，三年内不予采信其所出具的
  评价结果"; 004 第二十四条 "…在管理平台中进行通报，三年内不予采信其所出具的评价结果"; 002_9c75e1d2ebfbdf50.txt 附件2
  (五) "后续三年内不再采信其所出具的评价报告或认证结果";
* average gate: 001_3f04a56fc6693327.txt 附件 工信厅节函〔2025〕390号 一 "推荐的企业或园区原则上不低于本地区已有国家
  绿色工厂、绿色工业园区的平均水平" (the 2025 round, factories and parks).
"""
from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402
from fixtures import core_rules_plugin as fixture  # noqa: E402
from helpers import new_signing_key  # noqa: E402
from core.errors import InvalidInput, Refused  # noqa: E402
from core.extensions import db  # noqa: E402
from core.lists import recommend  # noqa: E402
from core.management import bans  # noqa: E402
from core.models import ListEntry, UnitScore  # noqa: E402
from core.plugins.citations import readable_cite  # noqa: E402
from core.scoring import ranking  # noqa: E402

THREE = ["ecology_environment", "emergency_management", "market_regulation"]


def _rules(app):
    return app.extensions["greenmfg"].rules


# ------------------------------------------------------------- departments --


def test_national_offers_three_departments_and_others_by_name_as_a_platform_default(greenmfg_rules):
    """003 三（一） / 004 第十三条: 生态环境、应急管理、市场监管等 — the three named, others ("等") by name."""
    rule = greenmfg_rules("national").consulted_departments("national", 2025)
    assert rule.source == "national" and rule.platform_default and rule.others_allowed
    assert rule.codes == tuple(THREE)
    assert [d.name for d in rule.departments] == ["生态环境", "应急管理", "市场监管"]
    assert "平台默认" in rule.cite and ".txt" not in readable_cite(rule.cite)


def test_hook_gm_policy_consulted_departments(make_app):
    """"等": the province records 自然资源 by name beside the three; a plugin naming its own list (without 等)
    offers only those and refuses a department it does not name."""
    app = make_app("national")
    with app.app_context():
        rec = recommend.recommendation_for(2025, "province", create=True)
        recommend.set_consulted("province", rec, THREE, ["自然资源和规划局"])
        assert rec.consulted_departments == THREE + ["自然资源和规划局"]
    app = make_app("national", GREENMFG_EXTRA_PLUGINS=[("departments_test", fixture.Departments())])
    with app.app_context():
        rule = _rules(app).consulted_departments("national", 2025)
        assert (rule.source, rule.codes) == ("departments_test", ("ecology_environment", "water_resources"))
        rec = recommend.recommendation_for(2025, "province", create=True)
        recommend.set_consulted("province", rec, ["water_resources", "ecology_environment"])
        assert rec.consulted_departments == ["ecology_environment", "water_resources"]
        with pytest.raises(InvalidInput, match="market_regulation"):
            recommend.set_consulted("province", rec, ["market_regulation"])
        with pytest.raises(InvalidInput, match="自然资源"):
            recommend.set_consulted("province", rec, ["ecology_environment"], ["自然资源和规划局"])


# ------------------------------------------------------------ 企业绿码 bands --


def _codes(rules, n: int = 20) -> list[str]:
    units = SimpleNamespace(orgs=list(range(n)), types=["factory"] * n, levels=["national"] * n,
                            industries=["steel"] * n, provinces=["hunan"] * n, years=[2025] * n)
    scored = ranking.Scored([None] * n, [{}] * n, [float(i) for i in range(n)], [True] * n)
    return ranking.rank_columns(units, scored, rules)[ranking.RESULT_COLUMNS.index("green_code")]


def test_hook_gm_policy_green_code_bands(greenmfg_rules):
    """企业绿码 (no seed sets it; MIIT 2024-01-05): A+ top 5 %, A next 35 %, B the remaining 60 % of factories."""
    national = greenmfg_rules("national")
    rule = national.green_code_bands(2025)
    assert rule.source == "national" and rule.platform_default and rule.unit_types == ("factory",)
    assert rule.bands == (("A+", 0.05), ("A", 0.40), ("B", 1.0))
    codes = _codes(national)
    assert [codes.count(b) for b in ("A+", "A", "B")] == [1, 7, 12]
    other = greenmfg_rules("national", extra_plugins=[("bands_test", fixture.Bands())])
    assert other.green_code_bands(2025).source == "bands_test"
    codes = _codes(other)
    assert [codes.count(b) for b in ("A+", "A", "B")] == [2, 8, 10]


# ------------------------------------------------------------- panel size --


def _application(region: str = "national"):
    c = kit.campaign(region)
    return kit.application(c, kit.unit(region))


def test_hook_gm_policy_review_panel(make_app):
    """No seed sets the panel size: 3 experts, a platform default; a plugin's rule replaces it, and an instance's
    GREENMFG_REVIEW_MIN_EXPERTS overrides whatever the rule says."""
    app = make_app("national")
    with app.app_context():
        app.config.pop("GREENMFG_REVIEW_MIN_EXPERTS", None)
        a = _application()
        rule = _rules(app).review_panel("provincial", 2025, "factory")
        assert (rule.min_experts, rule.source, rule.platform_default) == (3, "national", True)
        with pytest.raises(Refused, match="at least 3 experts"):
            kit.panel(a, [80.0], [kit.expert("专家甲", "national", unit_=kit.unit("national"))])
    app = make_app("national", GREENMFG_EXTRA_PLUGINS=[("panel_test", fixture.Panel())])
    with app.app_context():
        app.config.pop("GREENMFG_REVIEW_MIN_EXPERTS", None)
        result = kit.panel(_application(), [80.0], [kit.expert("专家乙", "national", unit_=kit.unit("national"))])
        assert result.score == Decimal("80.00")
        app.config["GREENMFG_REVIEW_MIN_EXPERTS"] = 2
        with pytest.raises(Refused, match="at least 2 experts"):
            kit.panel(_application(), [80.0], [kit.expert("专家丙", "national", unit_=kit.unit("national"))])


# ----------------------------------------------------------- evaluator ban --


def test_hook_gm_policy_evaluator_ban(greenmfg_rules, make_app):
    """Shanxi 004 第二十四条 (通报, 三年内不予采信) and Jiangxi 003 三（三） answer with their own sanction; Hunan has
    none and gets national's 3 years marked as a platform default; a plugin's 5 years changes the ban's end."""
    shanxi = greenmfg_rules("shanxi").evaluator_ban()
    assert (shanxi.source, shanxi.years, shanxi.published, shanxi.sanction) == ("shanxi", 3, True,
                                                                                "shanxi.evaluator_fraud")
    assert "第二十四条" in shanxi.cite
    jiangxi = greenmfg_rules("jiangxi").evaluator_ban()
    assert (jiangxi.source, jiangxi.sanction) == ("jiangxi", "jiangxi.evaluator_fraud") and "三（三）" in jiangxi.cite
    hunan = greenmfg_rules("hunan").evaluator_ban()
    assert (hunan.source, hunan.years, hunan.platform_default) == ("national", 3, True)
    assert "004" not in hunan.cite and "002" not in hunan.cite  # no other province's document cited for Hunan
    app = make_app("shanxi")
    with app.app_context():
        ban = bans.ban_evaluator(kit.firm(), "评价报告弄虚作假", "province", on=dt.date(2025, 6, 1))
        assert (ban.sanction_code, ban.ends_on) == ("shanxi.evaluator_fraud", dt.date(2028, 5, 31))
    app = make_app("hunan", GREENMFG_EXTRA_PLUGINS=[("ban_test", fixture.Ban())])
    with app.app_context():
        ban = bans.ban_evaluator(kit.firm(), "评价报告弄虚作假", "province", on=dt.date(2025, 6, 1))
        assert ban.ends_on == dt.date(2030, 5, 31)


# ------------------------------------------------------------ average gate --


def _graded(region: str, total: float, year: int = 2025):
    c = kit.campaign(region, year=year)
    a = kit.application(c, kit.unit(region))
    kit.panel(a, [total], [kit.expert(f"专家{a.id}", region, unit_=kit.unit(region))])
    db.session.add(ListEntry(organization_id=a.organization_id, unit_type="factory", level="provincial", year=year,
                             status="listed", listed_on=dt.date(year, 6, 30), notice_no="省级名单文号",
                             application_id=a.id))
    db.session.flush()
    return a


def _national_average(region: str, year: int, totals=(84, 88)) -> None:
    for total in totals:
        db.session.add(UnitScore(organization_id=kit.organization(kit.unit(region)).id, unit_type="factory",
                                 level="national", province=region, year=year, total=Decimal(total), values={}))


def test_average_gate_is_390s_2025_warning_and_absent_in_other_rounds(greenmfg_rules, make_app):
    """390号 一 (2025): 原则上不低于本地区已有国家绿色工厂、绿色工业园区的平均水平 — a warning in the 2025 round;
    a round whose document says nothing of it (2026) has no such gate."""
    rules = greenmfg_rules("shanxi")
    gate = rules.average_gate(2025, "factory")
    assert (gate.applies, gate.blocking, gate.source) == (True, False, "national")
    assert rules.readable(gate.cite).startswith("《关于开展2025年度绿色工厂推荐工作的通知》（工信厅节函〔2025〕390号）一 ")
    assert rules.average_gate(2026, "factory").applies is False
    app = make_app("shanxi", GREENMFG_REVIEW_MIN_EXPERTS=1, GREENMFG_RECOMMENDATION_KEY=new_signing_key())
    with app.app_context():
        _national_average("shanxi", 2025)
        below = _graded("shanxi", 80)
        codes = {g["code"]: g for g in recommend.gates(below, 2025, THREE, dt.date(2025, 10, 20))}
        assert codes["province_average"]["ok"] is False and codes["province_average"]["blocking"] is False
        assert codes["province_average"]["source"] == "national"
        later = _graded("shanxi", 80, year=2026)
        assert "province_average" not in {g["code"] for g in recommend.gates(later, 2026, THREE,
                                                                             dt.date(2026, 7, 1))}


def test_hook_gm_policy_average_gate(make_app):
    """A plugin makes the average gate blocking: a unit below the average is refused, acknowledged or not."""
    app = make_app("shanxi", GREENMFG_REVIEW_MIN_EXPERTS=1, GREENMFG_RECOMMENDATION_KEY=new_signing_key(),
                   GREENMFG_EXTRA_PLUGINS=[("gate_test", fixture.Gate())])
    with app.app_context():
        rec = recommend.recommendation_for(2025, "province", create=True)
        recommend.set_consulted("province", rec, THREE)
        _national_average("shanxi", 2025)
        below = _graded("shanxi", 80)
        with pytest.raises(Refused, match="86.00"):
            recommend.add("province", rec, below, acknowledge_warnings=True, at=kit.beijing(dt.date(2025, 10, 20)))


# ----------------------------------------------------------- filing fields --


def test_hook_gm_policy_filing_figures(make_app):
    """004 第十八条: 通过管理平台填报年度动态管理表，上报绿色制造关键指标情况 — the seeds list no figure: national's
    output value, energy use and water use are a platform default; a plugin's figures replace them."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "management"))
    import mgmt_world as w
    from core.management import filings

    for extra, accepted, refused in (([], "water_use", "co2_emissions"),
                                     ([("figures_test", fixture.Figures())], "co2_emissions", "water_use")):
        app = make_app("shanxi", GREENMFG_EXTRA_PLUGINS=extra)
        with app.app_context():
            org = w.organization(next(iter(w.units(app).values())), f"绿色工厂{len(extra)}")
            w.listed(org, "provincial", 2024)
            filings.open_year(2025, "test")
            filing = w.filing_of(org, 2025)
            rule = filings.key_figures(filing)
            assert rule.source == ("figures_test" if extra else "national")
            assert rule.platform_default is not bool(extra)
            filings.save(filing, {"key_data": {accepted: 12.5}}, "ent", dt.date(2025, 3, 1))
            assert filing.key_data == {accepted: 12.5}
            with pytest.raises(InvalidInput, match=refused):
                filings.save(filing, {"key_data": {refused: 1}}, "ent", dt.date(2025, 3, 1))
