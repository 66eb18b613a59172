"""Jiangxi plugin against its seed: 003_a3fa60aeba77aa34.txt (赣工信办节能函〔2024〕20号).

Each test names the seed section it checks.
"""
from __future__ import annotations

import datetime as dt

import pytest

from helpers import seed_text
from marshmallow import Schema
from wtforms import BooleanField, Form

from core.declared_fields import api_field, web_field
from core.plugins.manager import build_plugin_manager
from core.plugins.rules import RegionRules
from core.plugins.types import CapBasis, EvaluationMode, Level, UnitKind, year_text

from plugins.jiangxi import forms, layouts as jx_layouts, rules as jx

SEED = "003_a3fa60aeba77aa34.txt"


@pytest.fixture(scope="module")
def rules() -> RegionRules:
    r = RegionRules(build_plugin_manager("jiangxi"))
    r.validate(2024)
    return r


def test_region(rules):
    assert rules.region_code == "jiangxi"
    assert rules.region.name == "江西省"
    assert rules.region.source == "jiangxi"


# -- 主送: 各设区市工信局，赣江新区经发局 (the 11 设区市: domain.md B5) ---------------------------

def test_twelve_submitting_units_and_kinds(rules):
    units = rules.admin_units
    assert len(units) == 12
    cities = {u.name for u in units.values() if u.kind == UnitKind.CITY}
    assert cities == {"南昌市", "景德镇市", "萍乡市", "九江市", "新余市", "鹰潭市",
                      "赣州市", "吉安市", "宜春市", "抚州市", "上饶市"}
    new_area = units["jiangxi.ganjiang_new_area"]
    assert (new_area.name, new_area.kind) == ("赣江新区", UnitKind.NEW_AREA)
    assert jx.SUBMITTING_BODIES["jiangxi.ganjiang_new_area"] == "赣江新区经发局"
    assert jx.SUBMITTING_BODIES["jiangxi.nanchang"] == "南昌市工信局"
    for code, u in units.items():
        assert code.startswith("jiangxi.")
        assert u.source == "jiangxi" and u.cite.startswith(f"{SEED} 主送")


def test_integration_center_is_a_role_not_a_submitting_unit(rules):
    # 主送 and 三 末段: 省工业与信息化融合推进中心 协同推进 (support), it does not recommend
    assert all("融合推进中心" not in u.name for u in rules.admin_units.values())
    assert "融合推进中心" in jx.PROVINCE_SUPPORT_ROLE.title
    assert jx.PROVINCE_SUPPORT_ROLE.cite.startswith(f"{SEED} 主送")


# -- 一: 于2024年5月27日前 报送推荐文件、推荐汇总表、推荐项目评价报告（PDF） ------------------------

def test_city_submission_deadline_2024(rules):
    day, record = rules.deadline("jiangxi.city_submission", 2024)
    assert day == dt.date(2024, 5, 27)
    assert record.actor == "city"
    assert set(record.levels) == {Level.NATIONAL, Level.PROVINCIAL}
    assert set(record.unit_types) == {"factory", "park", "supply_chain"}
    assert record.source == "jiangxi" and record.cite.startswith(f"{SEED} 一")
    assert jx.CITY_SUBMISSION_DOCUMENTS == ("推荐文件", "推荐汇总表", "推荐项目评价报告（PDF格式电子件）")


def test_city_submission_deadline_none_in_2025(rules):
    day, _ = rules.deadline("jiangxi.city_submission", 2025)
    assert day is None


def test_round_2024_covers_three_types_at_both_levels(rules):
    # 一: 绿色工厂、绿色园区、绿色供应链管理企业; 国家级推荐暨省级遴选
    assert set(jx.ROUND_2024.details["unit_types"]) == {"factory", "park", "supply_chain"}
    for ut in jx.ROUND_2024.details["unit_types"]:
        assert ut in rules.unit_types
        assert {Level.NATIONAL, Level.PROVINCIAL} <= set(rules.unit_types[ut].levels)


# -- 一, 二（四）: 自我评价 or 第三方, and a 评价报告 either way, which the city's recommendation sends on --------
# 003 一 (lines 15-19): "可采取自我评价的方式或委托具备评价能力的第三方机构…开展评价，评价合格的园区或企业，向所在地工信部门
# 提交评价报告" … "将推荐文件、推荐汇总表、推荐项目评价报告（PDF格式电子件）报送省工业和信息化厅"

@pytest.mark.parametrize("ut", ["factory", "park", "supply_chain"])
@pytest.mark.parametrize("level", [Level.NATIONAL, Level.PROVINCIAL])
def test_evaluation_modes_self_or_third_party(rules, ut, level):
    modes = rules.evaluation_modes(ut, level, 2024)
    assert set(modes.allowed) == {EvaluationMode.SELF, EvaluationMode.THIRD_PARTY}
    assert not modes.third_party_required and not modes.on_site_visit
    assert modes.report_required and modes.report_stage == "recommend"
    assert modes.source == "jiangxi" and modes.cite.startswith(f"{SEED} 一 (赣工信办节能函〔2024〕20号:")
    assert "提交评价报告" in modes.cite and "推荐项目评价报告" in modes.cite
    # standing from 003 on (issue 53), but in the 2025 national round, which MIIT's notice sets for itself
    # (工信厅节函〔2025〕390号: the platform self-evaluation only)
    later = rules.evaluation_modes(ut, level, 2025)
    assert later.source == ("national" if level == Level.NATIONAL else "jiangxi"), later.source
    assert rules.evaluation_modes(ut, level, 2027) == modes


def test_evaluation_standards_recorded():
    # 二（一）GB/T 36132; 二（二）《绿色工业园区评价要求》; 二（三）指标体系 / 《绿色供应链管理企业评价要求》
    d = jx.EVALUATION_STANDARDS.details
    assert any("GB/T 36132" in s for s in d["factory"])
    assert d["park"] == ("《绿色工业园区评价要求》",)
    assert any("绿色供应链管理企业评价要求" in s for s in d["supply_chain"])


# -- 二（四）: 同一法定代表人…国家级…总计不得超过15项 — identical to national ---------------------------

@pytest.mark.parametrize("ut", ["factory", "park", "supply_chain"])
def test_evaluator_cap_is_national_15(rules, ut):
    cap = rules.evaluator_cap(ut, Level.NATIONAL)
    assert cap.limit == 15
    assert cap.basis == CapBasis.LEGAL_REPRESENTATIVE
    assert set(cap.unit_types) == {"factory", "park", "supply_chain"}
    assert cap.source == "national"
    # national cites the 办法 第二十条; Jiangxi's 二（四） restates it: a developers' note, never the cite people read
    readable = rules.readable(cap.cite)
    assert readable.startswith("《绿色工厂梯度培育及管理暂行办法》(工信部节〔2024〕13号) 第二十条") and "赣工信" not in readable


# -- 三（三）: 弄虚作假…三年内不予采信 ----------------------------------------------------------------

def test_evaluator_fraud_sanction(rules):
    s = rules.sanctions["jiangxi.evaluator_fraud"]
    assert s.ban_years == 3 and s.removal is False
    assert s.source == "jiangxi" and s.cite.startswith(f"{SEED} 三（三）")


# -- 三（一）: six-item negative list is national's; consult 生态环境、应急管理、市场监管 -----------------

@pytest.mark.parametrize("ut", ["factory", "park", "supply_chain"])
def test_negative_list_is_nationals_six(rules, ut):
    items = rules.negative_list_for(ut, Level.PROVINCIAL)
    assert len(items) == 6
    assert {i.source for i in items} == {"national"}


def test_consultation_rule(rules):
    rule = rules.eligibility_rules["jiangxi.city_consultation"]
    assert rule.blocking and rule.source == "jiangxi" and rule.cite.startswith(f"{SEED} 三（一）")
    assert set(rule.levels) == {Level.NATIONAL, Level.PROVINCIAL}
    assert rule in rules.eligibility_rules_for("park", Level.PROVINCIAL)
    base = {"unit_type": "factory", "level": "provincial", "year": 2024}
    assert rule.check({**base, "consulted_departments": ["生态环境", "应急管理", "市场监管"]}) is None
    assert rule.check({**base, "consulted_departments": ["ecology_environment", "emergency_management",
                                                  "market_regulation", "税务"]}) is None
    assert rule.check({**base, "consulted_departments": ["南昌市生态环境局", "南昌市应急管理局", "南昌市市场监管局"]}) is None
    missing = rule.check({**base, "consulted_departments": ["生态环境", "应急管理"]})
    assert missing and "市场监管" in missing
    assert rule.check(base) is not None


# -- 二（三）: 原则上申报绿色供应链管理企业应为绿色工厂 (a warning, not a block) ----------------------------

def test_supply_chain_green_factory_warning(rules):
    rule = rules.eligibility_rules["jiangxi.supply_chain_green_factory"]
    assert rule.blocking is False
    assert rule.unit_types == ("supply_chain",)
    assert rule not in rules.eligibility_rules_for("factory", Level.PROVINCIAL)
    assert rule.cite.startswith(f"{SEED} 二（三）")
    base = {"unit_type": "supply_chain", "level": "provincial", "year": 2024}
    assert rule.check(base) is not None
    assert rule.check({**base, "ext_jiangxi__sc_is_green_factory": True}) is None
    assert rule.check({**base, "ext_jiangxi__jiangxi.sc_is_green_factory": True}) is None


# -- 一: 已列入省级名单的如需申报国家级，应重新申报; 附件: 国家级或省级（可同时填报） -----------------------

def test_provincial_units_reapply_for_national(rules):
    rule = rules.eligibility_rules["jiangxi.provincial_reapply_for_national"]
    assert rule.blocking is False and rule.levels == (Level.NATIONAL,)
    assert rule.check({"year": 2024, "held_levels": ["provincial"]}) is not None
    assert rule.check({"year": 2024, "held_levels": []}) is None


def test_national_factory_may_apply_jointly_in_2024(rules):
    """003 一 (遴选确定2024年度省级绿色制造名单，同时择优向工信部推荐); 附件 (可同时填报).

    Issue 15: Jiangxi no longer replaces national's rule with a "requested provincial is enough" variant
    (which let an unlisted unit through the province's gate too); it answers the joint-round policy, and
    national's rule accepts the provincial listing decided in the same round."""
    joint = rules.joint_round(Level.NATIONAL, 2024, "factory")
    assert joint.levels == (Level.NATIONAL, Level.PROVINCIAL) and joint.provincial_satisfies_national
    assert joint.source == "jiangxi" and joint.cite.startswith(f"{SEED} 一")
    assert rules.joint_round(Level.NATIONAL, 2025, "factory").levels == (Level.NATIONAL,)
    assert rules.joint_round(Level.PROVINCIAL, 2024, "factory").levels == (Level.PROVINCIAL,)
    rule = rules.eligibility_rules["national_needs_provincial"]
    assert rule.source == "national"
    both = {"year": 2024, "held_levels": [], "requested_levels": ["national", "provincial"], "joint_round": joint}
    assert rule.check(both) is None  # city: pending the provincial decision of this round
    assert rule.check({**both, "stage": "province"}) is not None  # the gate: not listed in this round
    assert rule.check({**both, "stage": "province", "round_listed_levels": ["provincial"]}) is None
    assert rule.check({"year": 2024, "held_levels": ["provincial"]}) is None
    assert rule.check({**both, "requested_levels": ["national"]}) is not None  # asks national only
    alone = rules.joint_round(Level.NATIONAL, 2025, "factory")
    assert rule.check({**both, "year": 2025, "joint_round": alone}) is not None


# -- 二（三）: priority flags ----------------------------------------------------------------------

PRIORITY_CODES = {"jiangxi.priority_automotive", "jiangxi.priority_machinery", "jiangxi.priority_electronics",
                  "jiangxi.priority_textiles", "jiangxi.priority_telecoms", "jiangxi.priority_epr_pilot"}


def test_priority_flags(rules):
    fields_ = {f.code: f for f in rules.form_fields_for("supply_chain", Level.NATIONAL)}
    assert PRIORITY_CODES <= set(fields_)
    # a factory only gives its 区县 for the summary table (附件)
    assert [f.code for f in rules.form_fields_for("factory", Level.NATIONAL)] == ["jiangxi.county"]
    for code in PRIORITY_CODES:
        assert fields_[code].cite.startswith(f"{SEED} 二（三）") and fields_[code].source == "jiangxi"


def test_form_fields_build():
    for f in forms.FORM_FIELDS:
        if f.code in ("jiangxi.county", "jiangxi.park_type", "jiangxi.park_industrial_va_share", "jiangxi.park_rank"):
            continue  # text fields for the summary table, tested below; 二（二）'s share and rank: tests/rules
        unbound = web_field(f)
        assert unbound.field_class is BooleanField
        form = type("F", (Form,), {"flag": web_field(f)})()
        assert form.flag.label.text == f.label
        sf = api_field(f)
        assert sf.load_default is False and sf.metadata["title"] == f.label
        schema = Schema.from_dict({"flag": api_field(f)})()
        assert schema.load({}) == {"flag": False}
        assert schema.load({"flag": True}) == {"flag": True}


# -- 三（二）: 重大事故 / II级环境事件 reported at once — national's sanction; spot checks as data ---------

def test_major_accident_is_nationals(rules):
    s = rules.sanctions["major_accident"]
    assert s.source == "national" and s.all_levels
    assert jx.INCIDENT_REPORTING.cite.startswith(f"{SEED} 三（二）")
    assert jx.SPOT_CHECKS.cite.startswith(f"{SEED} 三（二）")


# -- 附件: 2024年绿色制造名单推荐汇总表 ---------------------------------------------------------------

EXPECTED_SECTIONS = [
    ("绿色工厂推荐名单", ("factory",), ["序号", "设区市", "区县", "工厂名称", "第三方机构名称", "行业",
                                    "推荐申报国家级或省级（可同时填报）"]),
    ("绿色园区推荐名单", ("park",), ["序号", "设区市", "区县", "园区名称", "第三方机构名称", "类型",
                                 "推荐申报国家级或省级（可同时填报）"]),
    ("绿色供应链管理企业推荐名单", ("supply_chain",), ["序号", "设区市", "区县", "企业名称", "第三方机构名称", "行业",
                                          "推荐申报国家级或省级（可同时填报）"]),
]


def _layout(rules):
    return rules.summary_layouts["jiangxi.recommendation_summary_2024"]


def test_summary_layout_sections_and_headers(rules):
    layout = _layout(rules)
    assert year_text(layout.title, 2024) == "2024年绿色制造名单推荐汇总表"
    assert layout.source == "jiangxi" and layout.cite.startswith(f"{SEED} 附件")
    got = [(s.title, s.unit_types, [c.header for c in s.columns]) for s in layout.sections]
    assert got == EXPECTED_SECTIONS
    assert [label for _, label in jx_layouts.LEVEL_TICKS] == ["国家级", "省级"]


def _norm(text: str) -> str:
    return "".join(text.split()).replace("(", "（").replace(")", "）")


def test_summary_layout_matches_seed_text(rules):
    lines = seed_text(SEED).split("附件")[-1].splitlines()
    seed_sections = []
    for i, line in enumerate(lines):
        if line.strip().endswith("推荐名单"):
            headers = [_norm(h) for h in lines[i + 1].split("\t") if h.strip()]
            seed_sections.append((_norm(line), headers))
    layout = _layout(rules)
    assert seed_sections == [(s.title, [c.header for c in s.columns]) for s in layout.sections]
    ticks = next(l for l in lines if "input" in l)
    assert [label for _, label in jx_layouts.LEVEL_TICKS] == [t.split("/>")[1].strip() for t in ticks.split("<input")[1:]]


# -- provenance ---------------------------------------------------------------------------------

def test_every_jiangxi_record_is_sourced_and_cited(rules):
    ours = [rec for _, _, rec in rules.effective_rules(2024) if rec.source == "jiangxi"]
    assert len(ours) >= 1 + 12 + 1 + 4 + 1 + 8 + 1
    for rec in ours:
        assert rec.cite.startswith(SEED), rec
    for note in jx.NOTES:
        assert note.cite.startswith(SEED) and note.code.startswith("jiangxi.")


def test_summary_table_text_fields():
    """003 附件: the table asks for each unit's 区县 and, for parks, 类型; both are required text."""
    by_code = {f.code: f for f in forms.FORM_FIELDS}
    for code in ("jiangxi.county", "jiangxi.park_type"):
        schema = Schema.from_dict({"x": api_field(by_code[code])})()
        assert schema.load({"x": "新建区"}) == {"x": "新建区"}
        assert schema.validate({}) and schema.validate({"x": ""})
    assert by_code["jiangxi.park_type"].unit_types == ("park",)
