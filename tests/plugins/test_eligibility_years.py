"""Issue 17: an eligibility condition belongs to the rounds whose document sets it (``EligibilityRule.years``).

Seed 000_5ae1342e00264ea1.txt (关于开展2024年湖南省绿色制造体系创建计划征集工作的通知) calls the 2024 round only:
its scope conditions (规模以上工业企业; 龙头企业/链主企业) are checked and listed in that round, not in 2025 or 2026.
"""
from __future__ import annotations

import re

import pytest

import factories as f
from helpers import rules_for, seed_text
from core.plugins.types import Level

S000 = "000_5ae1342e00264ea1.txt"
SIZE, LEAD = "hunan.above_designated_size", "hunan.sc_lead_enterprise"
SIZE_LINE = "选择基础好、代表性强、诚实守信的规模以上工业企业开展绿色工厂创建"
LEAD_LINE = "龙头企业和在产业链发挥主导作用的链主企业进行申报"


def _flat() -> str:
    return re.sub(r"\s+|\*\*", "", seed_text(S000))


def test_hunan_scope_conditions_belong_to_the_2024_round():
    """000 一.1 …规模以上工业企业开展绿色工厂创建; 一.3 …龙头企业和…链主企业进行申报: the 2024 call's conditions."""
    assert SIZE_LINE in _flat() and LEAD_LINE in _flat()
    rules = rules_for("hunan", 2024)
    assert rules.eligibility_rules[SIZE].years == (2024,) and rules.eligibility_rules[LEAD].years == (2024,)
    assert SIZE in {r.code for r in rules.eligibility_rules_for("factory", Level.PROVINCIAL, 2024)}
    assert LEAD in {r.code for r in rules.eligibility_rules_for("supply_chain", Level.PROVINCIAL, 2024)}
    for year in (2025, 2026):
        assert SIZE not in {r.code for r in rules.eligibility_rules_for("factory", Level.PROVINCIAL, year)}
        assert LEAD not in {r.code for r in rules.eligibility_rules_for("supply_chain", Level.PROVINCIAL, year)}
    # a rule without years holds in every round
    assert "hunan.park_conditions" in {r.code for r in rules.eligibility_rules_for("park", Level.PROVINCIAL, 2026)}
    codes = {code for kind, code, _ in rules.effective_rules(2026) if kind == "eligibility_rule"}
    assert SIZE not in codes and LEAD not in codes
    codes = {code for kind, code, _ in rules.effective_rules(2024) if kind == "eligibility_rule"}
    assert {SIZE, LEAD} <= codes


@pytest.mark.parametrize("unit_type,code", [("factory", SIZE), ("supply_chain", LEAD)])
def test_only_the_2024_round_checks_hunans_scope(make_app, unit_type, code):
    """000 一: the 2024 round refuses an applicant that does not claim the scope; a 2025/2026 provincial round
    neither checks it nor shows it."""
    from core.applications.eligibility import evaluate, recommend_blockers

    app = make_app("hunan")
    with app.app_context():
        unit = f.admin_unit("hunan", "hunan.changsha", "长沙市")
        a24 = f.application(f.campaign("hunan", 2024, "provincial"), unit, unit_type)
        results = evaluate(a24)
        result = next(r for r in results if r["code"] == code)
        assert result["ok"] is False and result in recommend_blockers(results)
        for year in (2025, 2026):
            later = f.application(f.campaign("hunan", year, "provincial"), unit, unit_type)
            assert code not in {r["code"] for r in evaluate(later)}, year


def test_rules_view_and_api_list_hunans_scope_in_2024_only(make_app, runner):
    """`greenmfg rules`, /rules and GET /api/v1/rules: the scope conditions in 2024, not in 2025 or 2026."""
    from core.cli import cli

    client = make_app("hunan").test_client()
    for year, listed in ((2024, True), (2025, False), (2026, False)):
        api = client.get(f"/api/v1/rules?year={year}").get_json()
        keys = {r["key"] for r in api["rules"] if r["kind"] == "eligibility_rule"}
        assert (SIZE in keys and LEAD in keys) is listed and (SIZE in keys or LEAD in keys) is listed, year
        html = client.get(f"/rules?year={year}&kind=eligibility_rule").get_data(as_text=True)
        assert ("绿色工厂：规模以上工业企业" in html) is listed, year
        out = runner.invoke(cli, args=["rules", "--region", "hunan", "--year", str(year)]).output
        assert (f"eligibility_rule {SIZE}" in out) is listed, year


def test_national_2025_scope_is_checked_and_listed_in_the_2025_round_only():
    """Issue 42: 2024 and 2026 national rounds listed "2025年度推荐范围：绿色工厂、绿色工业园区". Seed 001
    (001_3f04a56fc6693327.txt) 附件1 一 sets it for its own round (本年度推荐工作包括绿色工厂、绿色工业园区)."""
    assert "本年度推荐工作包括绿色工厂、绿色工业园区" in re.sub(r"\s+|\*\*", "", seed_text("001_3f04a56fc6693327.txt"))
    for year, shown in ((2024, False), (2025, True), (2026, False)):
        rules = rules_for("national", year)
        codes = [r.code for r in rules.eligibility_rules_for("factory", Level.NATIONAL, year)]
        assert ("round2025_unit_types" in codes) is shown, (year, codes)
