"""Each national (MIIT) rule against its source. Seeds in ../shared/seeds/."""
from __future__ import annotations

import datetime as dt

import pytest

from helpers import rules_for
from core.plugins.types import CapBasis, DayCount, EvaluationMode, IndicatorKind, Level

S001 = "001_3f04a56fc6693327.txt"


@pytest.fixture(scope="module")
def rules():
    return rules_for("national")


def test_three_list_levels(rules):
    """办法 第二条 (domain.md B1); 004_7a8ddd82f611ab67.txt 第二条: 国家、省、市三级."""
    assert [(lv.code, lv.rank) for lv in sorted(rules.list_levels.values(), key=lambda x: x.rank)] == [
        ("city", 1), ("provincial", 2), ("national", 3)]


def test_unit_types_factory_park_supply_chain(rules):
    """Green design products left the national lists after 2022 (domain.md C3); 办法 第十三条."""
    assert set(rules.unit_types) == {"factory", "park", "supply_chain"}


def test_factory_table_2025_exactly_as_seed(rules):
    """001_3f04a56fc6693327.txt 附件1: 14 indicators, weights 8,8,8,6 / 8,8,8,6 / 6,4,6 / 8,8 / 8."""
    table = rules.indicator_set("factory", 2025)
    assert table.cite.startswith(S001) and table.source == "national"
    got = [(i.number, i.weight, i.kind) for i in table.indicators]
    P, R, Q = IndicatorKind.POSITIVE, IndicatorKind.REVERSE, IndicatorKind.QUALITATIVE
    assert got == [(1, 8, R), (2, 8, R), (3, 8, P), (4, 6, P), (5, 8, R), (6, 8, R), (7, 8, P), (8, 6, P),
                   (9, 6, Q), (10, 4, P), (11, 6, R), (12, 8, Q), (13, 8, Q), (14, 8, P)]
    groups = {}
    for i in table.indicators:
        groups[i.group] = groups.get(i.group, 0) + i.weight
    assert groups == {"能源低碳化": 30, "资源高效化": 30, "生产洁净化": 16, "产品绿色化": 16, "用地集约化": 8}
    four = table.indicators[3]
    assert (four.leading, four.baseline) == (8, 0)
    assert len(table.params["platform_functions"]) == 12


def test_park_table_2025_exactly_as_seed(rules):
    """001_3f04a56fc6693327.txt 附件2: 17 indicators, weights 4,7,7 / 7,7,6 / 7,6,7 / 3,3,5,5 / 6,6,7,7."""
    table = rules.indicator_set("park", 2025)
    assert [i.weight for i in table.indicators] == [4, 7, 7, 7, 7, 6, 7, 6, 7, 3, 3, 5, 5, 6, 6, 7, 7]
    kinds = {i.number: i.kind for i in table.indicators}
    assert kinds[12] == kinds[13] == IndicatorKind.QUALITATIVE
    assert kinds[14] == kinds[16] == IndicatorKind.REVERSE
    assert kinds[15] == kinds[17] == IndicatorKind.ELASTICITY
    assert all(kinds[n] == IndicatorKind.POSITIVE for n in range(1, 12))
    assert table.total_weight == 100


def test_no_indicator_table_before_2025(rules):
    assert rules.indicator_set("factory", 2024) is None


def test_53_key_industries(rules):
    """001_3f04a56fc6693327.txt 附件3: steel 4, petrochemical 13, non-ferrous 6, building 4, machinery 10,
    light 5, textiles 4, electronics 7 = 53."""
    by_sector = {}
    for ind in rules.industries.values():
        by_sector[ind.sector] = by_sector.get(ind.sector, 0) + 1
    assert by_sector == {"钢铁": 4, "石油化工": 13, "有色": 6, "建材": 4, "机械": 10, "轻工": 5, "纺织": 4, "电子": 7}
    assert len(rules.industries) == 53
    assert {"电解铝", "水泥", "光伏", "色纺纱", "涂料"} <= {i.name for i in rules.industries.values()}


def test_six_item_negative_list_with_three_year_lookback(rules):
    """001_3f04a56fc6693327.txt 一.1; 004_7a8ddd82f611ab67.txt 第十七条: six items, 近三年."""
    items = rules.negative_list_for("factory", Level.NATIONAL)
    assert len(items) == 6 and all(i.lookback_years == 3 for i in items)
    titles = " ".join(i.title for i in items)
    for phrase in ("连续停产12个月", "偷漏税", "动态调整出绿色制造名单", "督查", "工业节能监察", "失信被执行人"):
        assert phrase in titles


def test_evaluator_cap_15_national_projects_per_legal_representative(rules):
    """003_a3fa60aeba77aa34.txt 二: 同一法定代表人 … 每年开展国家层面评价项目不超过15个, factories, parks,
    supply chains together (办法 第二十条)."""
    cap = rules.evaluator_cap("park", Level.NATIONAL)
    assert (cap.limit, cap.basis, cap.levels) == (15, CapBasis.LEGAL_REPRESENTATIVE, (Level.NATIONAL,))
    assert set(cap.unit_types) == {"factory", "park", "supply_chain"}
    assert rules.evaluator_cap("factory", Level.PROVINCIAL).unlimited


def test_recommendation_deadline_0731_default_and_20251107_for_2025(rules):
    """办法 第十二条: 每年7月31日前; 001_3f04a56fc6693327.txt 附件1 三: 2025年11月7日前."""
    assert rules.deadline("province_recommendation", 2026)[0] == dt.date(2026, 7, 31)
    assert rules.deadline("province_recommendation", 2025)[0] == dt.date(2025, 11, 7)


def test_national_notice_15_days(rules):
    """办法 第十二条: 公示时间为15日 (calendar days)."""
    period = rules.notice_period(Level.NATIONAL)
    assert (period.days, period.count) == (15, DayCount.CALENDAR_DAYS)
    assert rules.notice_period(Level.PROVINCIAL) is None


def test_dynamic_filing_due_0415(rules):
    """办法 第十六条; 004_7a8ddd82f611ab67.txt 第十八条: 每年4月15日前."""
    assert rules.deadline("dynamic_filing", 2026)[0] == dt.date(2026, 4, 15)


def test_fraud_removal_and_three_year_ban(rules):
    """001_3f04a56fc6693327.txt 四.2: 从各级绿色制造名单中移出，并禁止三年内再次申报."""
    fraud = rules.sanctions["fraud"]
    assert (fraud.removal, fraud.ban_years, fraud.all_levels) == (True, 3, True)


def test_bottom_five_percent_three_years_running(rules):
    """001_3f04a56fc6693327.txt 附件1 二(二): 得分连续三年处于后5%的，将从现有名单中移出."""
    rule = rules.sanctions["bottom_five_percent"]
    assert (rule.consecutive_years, rule.bottom_share, rule.removal) == (3, 0.05, True)


def test_2025_national_round_is_self_evaluation_without_third_party_report(rules):
    """001_3f04a56fc6693327.txt 附件1 二(一): 自主填报申报表完成自评价 … 不再需要提交第三方评价报告."""
    modes = rules.evaluation_modes("factory", Level.NATIONAL, 2025)
    assert modes.allowed == (EvaluationMode.SELF,) and not modes.third_party_required
    assert EvaluationMode.THIRD_PARTY in rules.evaluation_modes("factory", Level.NATIONAL, 2024).allowed


def test_2025_round_covers_factories_and_parks_only(rules):
    """001_3f04a56fc6693327.txt 附件1 一: 本年度推荐工作包括绿色工厂、绿色工业园区."""
    check = rules.eligibility_rules["round2025_unit_types"].check
    assert check({"year": 2025, "unit_type": "supply_chain"})
    assert check({"year": 2025, "unit_type": "park"}) is None


def test_new_national_factory_must_be_provincial_first(rules):
    """001_3f04a56fc6693327.txt 一.1: 现有省级绿色工厂、绿色园区自愿申报; 办法 第十一条."""
    check = rules.eligibility_rules["national_needs_provincial"].check
    assert check({"held_levels": ["city"]})
    assert check({"held_levels": ["city", "provincial"]}) is None


def test_every_national_record_cites_its_source(rules):
    for kind, key, record in rules.effective_rules(2025):
        if record.source == "national" and not (kind in ("evaluator_cap", "quota", "grading")
                                                and (getattr(record, "unlimited", False) or kind == "grading")):
            assert record.cite, (kind, key)
