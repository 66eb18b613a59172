"""Hubei plugin tests. Seed: 002_9c75e1d2ebfbdf50.txt (鄂经信办节能〔2022〕8号, 湖北省绿色制造体系建设实施方案).

Each test names the seed section it checks. The 附件3 table below is transcribed here independently of
plugins/hubei/rules.py, and is also compared with the seed file itself when the seed is available.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers import seed_text

from core.plugins.manager import build_plugin_manager
from core.plugins.rules import RegionRules
from core.plugins.types import CapBasis, EvaluationMode, Level, NotApplicable, UnitKind

from plugins.hubei import rules as hubei_rules

SEED = "002_9c75e1d2ebfbdf50.txt"


@pytest.fixture(scope="module")
def rules():
    r = RegionRules(build_plugin_manager("hubei"))
    r.validate(2025)
    return r


# 002_9c75e1d2ebfbdf50.txt 附件3 绿色制造体系预期目标任务分解表, as printed (tab-separated; blank = no target).
ATTACHMENT_3 = """\
武汉市	30	21	8	3
黄石市	15	7	2	1
襄阳市	18	10	4	2
荆州市	15	7	2	1
宜昌市	18	10	4	2
十堰市	15	7	2	1
孝感市	15	7	2	1
荆门市	15	7	2	1
鄂州市	5	3	1	
黄冈市	15	7	1	1
咸宁市	15	7	1	1
随州市	5	3	1	
恩施州	7	1		1
仙桃市	4	1		
潜江市	4	1		
天门市	4	1		
神农架林区				"""
COLUMNS = ("product", "factory", "supply_chain", "park")  # 绿色产品, 绿色工厂, 绿色供应链管理企业, 绿色工业园区
CODES = {
    "武汉市": "hubei.wuhan", "黄石市": "hubei.huangshi", "襄阳市": "hubei.xiangyang", "荆州市": "hubei.jingzhou",
    "宜昌市": "hubei.yichang", "十堰市": "hubei.shiyan", "孝感市": "hubei.xiaogan", "荆门市": "hubei.jingmen",
    "鄂州市": "hubei.ezhou", "黄冈市": "hubei.huanggang", "咸宁市": "hubei.xianning", "随州市": "hubei.suizhou",
    "恩施州": "hubei.enshi", "仙桃市": "hubei.xiantao", "潜江市": "hubei.qianjiang", "天门市": "hubei.tianmen",
    "神农架林区": "hubei.shennongjia",
}


def _parse(rows: str) -> dict[tuple[str, str], int | None]:
    cells = {}
    for line in rows.splitlines():
        name, *values = line.split("\t")
        assert len(values) == 4, line
        for ut, v in zip(COLUMNS, values):
            cells[(name, ut)] = int(v) if v.strip() else None
    return cells


CELLS = _parse(ATTACHMENT_3)


# ------------------------------------------------------------- identity --


def test_region_identity(rules):
    """002 通知: 湖北省经济和信息化厅; the region code equals the entry point."""
    assert rules.region.code == "hubei" and rules.region.name == "湖北省"
    assert rules.region.source == "hubei" and SEED in rules.region.cite


# ---------------------------------------------------------- admin units --

KINDS = {**{name: UnitKind.CITY for name in list(CODES)[:12]},
         "恩施州": UnitKind.PREFECTURE, "仙桃市": UnitKind.DIRECT_CITY, "潜江市": UnitKind.DIRECT_CITY,
         "天门市": UnitKind.DIRECT_CITY, "神农架林区": UnitKind.FORESTRY_DISTRICT}


def test_seventeen_units_with_kinds(rules):
    """002 通知 主送 (各市、州、直管市、神农架林区经信局) and 附件3: 17 units, 12 市, 1 州, 3 直管市, 1 林区."""
    units = rules.admin_units
    assert len(units) == 17
    assert {u.name: u.kind for u in units.values()} == KINDS
    assert {u.name: code for code, u in units.items()} == CODES
    assert all(u.source == "hubei" and u.cite.startswith(SEED) for u in units.values())


# ------------------------------------------------------------ unit types --


def test_product_added_other_types_national(rules):
    """002 二(二), 附件1 一(一), 附件3 备注: green design products join factory/park/supply chain."""
    types = rules.unit_types
    assert set(types) == {"factory", "park", "product", "supply_chain"}
    assert types["product"].source == "hubei" and types["product"].name == "绿色设计产品"
    assert types["product"].cite.startswith(f"{SEED} 二(二)")
    assert set(types["product"].levels) == {Level.CITY, Level.PROVINCIAL, Level.NATIONAL}
    assert {types[t].source for t in ("factory", "park", "supply_chain")} == {"national"}


# ---------------------------------------------------------------- quotas --


@pytest.mark.parametrize(("name", "unit_type"), sorted(CELLS))
def test_quota_cell(rules, name, unit_type):
    """002_9c75e1d2ebfbdf50.txt 附件3: every cell of the target table, 2021-2025, all three list levels."""
    expected = CELLS[(name, unit_type)]
    for year in (2021, 2023, 2025):
        q = rules.quota(CODES[name], unit_type, year)
        assert q.source == "hubei"
        assert q.limit == expected
        assert q.period == (2021, 2025)
        assert set(q.counts_levels) == {Level.CITY, Level.PROVINCIAL, Level.NATIONAL}
        assert q.cite.startswith(f"{SEED} 附件3") and name in q.cite


def test_quota_table_matches_seed_file():
    """002_9c75e1d2ebfbdf50.txt 附件3: the transcription above equals the seed text, row by row."""
    lines = seed_text(SEED).splitlines()
    start = lines.index("市州\t绿色产品\t绿色工厂\t绿色供应链管理企业\t绿色工业园区") + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("合计"))
    assert _parse("\n".join(lines[start:end])) == CELLS
    assert lines[end].split("\t")[1:] == ["200", "100", "30", "15"]


def test_quota_column_totals(rules):
    """002 一(二) 工作目标 and 附件3 合计: 200 products, 100 factories, 30 supply chain, 15 parks."""
    totals = {ut: sum(rules.quota(code, ut, 2025).limit or 0 for code in rules.admin_units) for ut in COLUMNS}
    assert totals == {"product": 200, "factory": 100, "supply_chain": 30, "park": 15}
    assert totals == hubei_rules.QUOTA_TOTALS


def test_blank_cells_are_unlimited_with_cite(rules):
    """002 附件3: blank cells set no target → Quota.UNLIMITED (never None, never 0), cited as such."""
    blanks = [(CODES[n], ut) for (n, ut), v in CELLS.items() if v is None]
    assert len(blanks) == 13
    for code, ut in blanks:
        q = rules.quota(code, ut, 2024)
        assert q.unlimited and q.source == "hubei" and "no target in 附件3" in q.cite
    assert all(rules.quota("hubei.shennongjia", ut, 2025).unlimited for ut in COLUMNS)


@pytest.mark.parametrize("year", [2020, 2026])
def test_quota_outside_period_is_national(rules, year):
    """002 附件3 备注 (十四五 2021-2025年): outside the period Hubei has no opinion; national's answer stands."""
    q = rules.quota("hubei.wuhan", "factory", year)
    assert q.unlimited and q.source == "national"


# ------------------------------------------------------ evaluation modes --


@pytest.mark.parametrize("unit_type", COLUMNS)
@pytest.mark.parametrize("level", [Level.CITY, Level.PROVINCIAL])
def test_third_party_mandatory(rules, unit_type, level):
    """002 三(三): self-evaluation, then a mandatory on-site evaluation by a qualified third party."""
    for year in (2022, 2025):
        modes = rules.evaluation_modes(unit_type, level, year)
        assert modes.source == "hubei" and modes.third_party_required
        assert modes.allowed == (EvaluationMode.THIRD_PARTY,)
        assert modes.cite.startswith(f"{SEED} 三(三)")


def test_modes_national_level(rules):
    """002 三(五) (joint national + provincial round from 2022); the 2025 national round is MIIT's (390号, the round
    its notice sets for itself); 三(三) stands in every later round (issue 53: no plan-year window)."""
    assert rules.evaluation_modes("factory", Level.NATIONAL, 2023).source == "hubei"
    national_2025 = rules.evaluation_modes("factory", Level.NATIONAL, 2025)
    assert national_2025.source == "national" and not national_2025.third_party_required
    for level in (Level.PROVINCIAL, Level.NATIONAL):
        for year in (2026, 2027, 2028):
            modes = rules.evaluation_modes("factory", level, year)
            assert modes.source == "hubei" and modes.third_party_required, (level, year)
            assert modes.condition == "hubei.third_party_evaluation"


# -------------------------------------------------------- evaluator caps --


@pytest.mark.parametrize("unit_type", COLUMNS)
@pytest.mark.parametrize("level", [Level.CITY, Level.PROVINCIAL])
def test_cap_15_per_legal_entity(rules, unit_type, level):
    """002 附件2 二(三) (line 140): "同一法人的评价机构每年开展的绿色制造体系评价项目总计不得超过 15 项" — every level and
    type counted together per legal entity (a cap registered beside the per-level ones)."""
    caps = rules.evaluator_caps(unit_type, level)
    assert [c.code for c in caps] == ["hubei.evaluator_cap"]
    cap = caps[0]
    assert (cap.limit, cap.basis, cap.source) == (15, CapBasis.LEGAL_ENTITY, "hubei")
    assert cap.levels == (Level.CITY, Level.PROVINCIAL, Level.NATIONAL) and set(cap.unit_types) == set(COLUMNS)
    assert cap.cite.startswith(f"{SEED} 附件2 二(三) (鄂经信办节能〔2022〕8号:")


def test_national_cap_stands_at_national_level(rules):
    """002 附件2 二(三) does not replace the national cap: at national level a project counts against both, 15 per
    legal entity (Hubei) and 15 national projects per legal representative (办法 第二十条)."""
    cap = rules.evaluator_cap("factory", Level.NATIONAL)
    assert (cap.limit, cap.basis, cap.source) == (15, CapBasis.LEGAL_REPRESENTATIVE, "national")
    assert [(c.source, str(c.basis)) for c in rules.evaluator_caps("factory", Level.NATIONAL)] == [
        ("hubei", "legal_entity"), ("national", "legal_representative")]


# -------------------------------------------------- evaluator qualifications --

QUALIFIED = {
    "registered_in_china": True, "independent_legal_person": True, "evaluation_experience": True,
    "fixed_office": True, "sound_finances": True, "full_time_midlevel_staff": 10, "senior_staff": 5,
    "staff_compliant": True, "green_record_5y": True, "evidence_in_report": True,
    "wrote_self_evaluation": False, "interested_party": False, "cnca_approved": True, "misconduct_years": (),
}


def test_qualified_evaluator_passes():
    """002 附件2 一(三): 10 mid-level full-time staff with 5 senior is enough."""
    assert hubei_rules.evaluator_problems(QUALIFIED, unit_type="factory", year=2024) == []


@pytest.mark.parametrize(("change", "fragment"), [
    ({"full_time_midlevel_staff": 9}, "不少于10人"),
    ({"senior_staff": 4}, "不少于5人"),
    ({"registered_in_china": False}, "境内注册"),
    ({"fixed_office": False}, "固定的办公场所"),
    ({"green_record_5y": False}, "近五年"),
    ({"wrote_self_evaluation": True}, "自评价报告编写"),
    ({"interested_party": True}, "利益相关方"),
    ({"misconduct_years": (2022,)}, "三年内不再采信"),
])
def test_unqualified_evaluator_fails(change, fragment):
    """002 附件2 一(一)-(五), 二(三), 二(五): each qualification and independence rule."""
    problems = hubei_rules.evaluator_problems({**QUALIFIED, **change}, unit_type="factory", year=2024)
    assert len(problems) == 1 and fragment in problems[0]


def test_product_certifier_needs_cnca():
    """002 附件2 二(四): green-product certifiers need CNCA approval; other types do not."""
    uncertified = {**QUALIFIED, "cnca_approved": False}
    assert any("CNCA" in p for p in hubei_rules.evaluator_problems(uncertified, unit_type="product", year=2024))
    assert hubei_rules.evaluator_problems(uncertified, unit_type="factory", year=2024) == []


def test_misconduct_ban_lasts_three_years():
    """002 附件2 二(五): 后续三年内不再采信."""
    data = {**QUALIFIED, "misconduct_years": (2021,)}
    assert hubei_rules.evaluator_problems(data, unit_type="park", year=2024)
    assert hubei_rules.evaluator_problems(data, unit_type="park", year=2025) == []


def test_evaluator_requirements_cite_seed():
    """002 附件2: every requirement is cited."""
    assert all(r.cite.startswith(f"{SEED} 附件2") for r in hubei_rules.EVALUATOR_REQUIREMENTS)


def test_third_party_rule_checks_evaluator(rules):
    """002 三(三) + 附件2: at submission the application must name a qualified on-site evaluator."""
    rule = rules.eligibility_rules["hubei.third_party_evaluation"]
    base = {"unit_type": "factory", "level": "provincial", "year": 2024}
    assert rule.check(base) is not None
    assert rule.check({**base, "evaluator": QUALIFIED}) is None
    assert "不少于10人" in rule.check({**base, "evaluator": {**QUALIFIED, "full_time_midlevel_staff": 9}})
    # MIIT 390号 round (001 附件1 二(一): 不再需要提交第三方评价报告): the plan's condition does not apply
    assert isinstance(rule.check({**base, "level": "national", "year": 2025, "evaluation_mode": "self"}),
                      NotApplicable)


# -------------------------------------------------------- negative list --


def test_negative_list_variant_stands_in_for_national(rules):
    """002 附件1 二(二): 较大及以上事故、III级(较大)及以上突发环境事件 stands in for national accident_or_tax
    at city and provincial level in the plan's years; national's item stays registered."""
    item = rules.negative_list_items["hubei.major_accident_or_incident"]
    assert item.source == "hubei" and item.sets_aside == ("accident_or_tax",) and item.replaces is None
    assert "III级（较大）" in item.title and item.lookback_years == 3
    assert item.cite.startswith(f"{SEED} 附件1 二(二)")
    assert rules.negative_list_items["accident_or_tax"].source == "national"


def test_negative_list_other_items_stay_national(rules):
    """002 附件1 二(一), (三), (四): the same as national items, which stay national."""
    items = rules.negative_list_items
    mapped = [c for codes in hubei_rules.NEGATIVE_LIST_MAP.values() for c in codes]
    assert len(hubei_rules.NEGATIVE_LIST_MAP) == 4
    assert sorted(mapped) == sorted(i.code for i in rules.negative_list_for("factory", Level.PROVINCIAL, 2024))
    assert {c for c, i in items.items() if i.source == "national"} == set(mapped) - {
        "hubei.major_accident_or_incident"} | {"accident_or_tax"}
    assert all(i.lookback_years == 3 for i in items.values())


# ---------------------------------------------------------- eligibility --

FACTORY_OK = {"unit_type": "factory", "level": "provincial", "year": 2024, "independent_legal_person": True,
              "actual_manufacturing": True, "complies_with_laws": True, "factory_leading_performance": True,
              "factory_management_systems": True, "meets_type_standard": True}
PARK_OK = {"unit_type": "park", "level": "provincial", "year": 2024, "park_level": "provincial",
           "park_manufacturing_energy_function": True, "park_legal_boundary": True, "park_unified_management": True,
           "park_targets_met": True, "park_carbon_intensity_falling": True, "park_environment_compliant": True,
           "park_green_body": True, "park_green_body_staff": 2, "meets_type_standard": True}
PRODUCT_OK = {"unit_type": "product", "level": "provincial", "year": 2024,
              "product_cleaner_production_leading": True, "product_emissions_compliant": True,
              "product_performance_standards": True, "meets_type_standard": True}
SC_OK = {"unit_type": "supply_chain", "level": "provincial", "year": 2024, "independent_legal_person": True,
         "complies_with_laws": True, "sc_industry_influence": True, "sc_management_systems": True,
         "sc_strategy": True, "sc_supplier_management": True, "meets_type_standard": True}


def _basic_rules(rules, unit_type):
    return [r for r in rules.eligibility_rules_for(unit_type, Level.PROVINCIAL)
            if r.cite.startswith(f"{SEED} 附件1 一")]


@pytest.mark.parametrize(("data", "count"), [(PRODUCT_OK, 3), (FACTORY_OK, 5), (SC_OK, 5), (PARK_OK, 5)])
def test_basic_conditions_pass(rules, data, count):
    """002 附件1 一(一)-(四): the numbered basic conditions per unit type, all met."""
    basic = _basic_rules(rules, data["unit_type"])
    assert len(basic) == count and all(r.blocking and r.source == "hubei" for r in basic)
    assert [r.check(data) for r in basic] == [None] * count


@pytest.mark.parametrize(("data", "change", "code"), [
    (FACTORY_OK, {"covers_subsidiaries": True}, "hubei.factory_legal_person"),
    (FACTORY_OK, {"actual_manufacturing": False}, "hubei.factory_legal_person"),
    (PARK_OK, {"park_level": "city"}, "hubei.park_basic"),
    (PARK_OK, {"park_green_body_staff": 0}, "hubei.park_green_body"),
    (SC_OK, {"sc_strategy": False}, "hubei.sc_strategy"),
    (PRODUCT_OK, {"product_cleaner_production_leading": False}, "hubei.product_cleaner_production"),
])
def test_basic_conditions_fail(rules, data, change, code):
    """002 附件1 一(二)1 (子公司单独申报), 一(四)1 (省级以上), 一(四)4, 一(三)3, 一(一)1."""
    failing = [r.code for r in _basic_rules(rules, data["unit_type"]) if r.check({**data, **change})]
    assert failing == [code]


def test_national_from_provincial_is_a_warning(rules):
    """002 三(五): national candidates in principle from the provincial list, or the same joint round."""
    rule = rules.eligibility_rules["hubei.national_from_provincial"]
    assert not rule.blocking and rule.levels == (Level.NATIONAL,)
    assert rule.check({"held_levels": ()}) is not None
    assert rule.check({"held_levels": (), "requested_levels": ("national", "provincial")}) is None
    assert rule.check({"held_levels": (Level.PROVINCIAL,)}) is None


# -------------------------------------------------- dynamic management --


def test_triennial_review(rules):
    """002 三(六): 三年一复核, city on-site re-review reported to the province."""
    s = rules.sanctions["hubei.triennial_review"]
    assert s.source == "hubei" and s.removal and s.cite == f"{SEED} 三(六)"
    cycle = rules.provisions["hubei.triennial_review_cycle"]
    assert cycle.source == "hubei" and cycle.topic == "review_cycle"
    assert (cycle.details["every_years"], cycle.details["actor"], cycle.details["on_site"]) == (3, "city", True)


def test_flow_is_cited(rules):
    """002 三(三)-(五): the application flow, in order, listed as provisions with their source."""
    steps = sorted((p for p in rules.provisions.values() if p.code.startswith("hubei.flow_")),
                   key=lambda p: p.details["order"])
    assert [s.details["order"] for s in steps] == list(range(1, 7))
    assert all(s.cite.startswith(f"{SEED} 三") and s.source == "hubei" for s in steps)
    assert rules.evaluator_requirements and all(r.source == "hubei" for r in rules.evaluator_requirements.values())


# -------------------------------------------------------- provenance --


def test_every_hubei_record_has_source_and_cite(rules):
    """002 (whole seed): every record Hubei supplies is stamped hubei and cites the seed."""
    hubei = [rec for _, _, rec in rules.effective_rules(2025) if rec.source == "hubei"]
    assert len(hubei) > 17 + 68
    assert all(rec.cite.startswith(SEED) for rec in hubei)


@pytest.mark.parametrize("module", ["plugin.py", "rules.py"])
def test_imports_only_public_api(module):
    """Contract (not the seed): plugins import core only through core.plugins / core.plugins.types."""
    tree = ast.parse((Path(hubei_rules.__file__).parent / module).read_text(encoding="utf-8"))
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    for name in names:
        assert not name.startswith("plugins.national")
        assert not name.startswith("core") or name in ("core.plugins", "core.plugins.types"), name


def test_city_recommendation_summary_layout(rules):
    """002 三(四): the city recommends with its opinion; one row per unit, with the on-site third party (三(三))."""
    layout = rules.summary_layouts["hubei.city_recommendation"]
    (section,) = layout.sections
    assert [c.header for c in section.columns] == ["序号", "市州", "单位名称", "统一社会信用代码", "创建类型", "申报级别",
                                                   "第三方评价机构", "评价得分", "联系人及电话", "市级推荐意见"]
    assert set(section.unit_types) == {"factory", "park", "supply_chain", "product"} and layout.source == "hubei"


def test_form_fields_supply_what_the_basic_conditions_check(rules):
    """002 附件1 一: each declaration the blocking rules read is a form field of the matching unit types,
    and a park that declares everything passes while one missing declaration blocks it."""
    from core.plugins.types import Level

    fields = rules.form_fields_for("park", Level.PROVINCIAL)
    codes = {f.code for f in fields}
    assert {"hubei.park_legal_boundary", "hubei.park_level", "hubei.park_green_body_staff"} <= codes
    data = {f.code: True for f in fields}
    data.update({"hubei.park_level": "provincial", "hubei.park_green_body_staff": 2, "unit_type": "park",
                 "level": Level.PROVINCIAL, "year": 2024})
    park_rules = [r for r in rules.eligibility_rules_for("park", Level.PROVINCIAL)
                  if r.code.startswith("hubei.park")]
    assert park_rules and all(r.check(data) is None for r in park_rules)
    data["hubei.park_legal_boundary"] = False
    assert any(r.check(data) for r in park_rules)
