"""Issue 17, Hubei and Hunan: rules exactly as the documents say. Each test quotes its seed line.

Seeds (in /work/shared/seeds): 000_5ae1342e00264ea1.txt (Hunan 2024 provincial creation-plan call),
001_3f04a56fc6693327.txt (Hunan 2025 national recommendation enclosing 工信厅节函〔2025〕390号),
002_9c75e1d2ebfbdf50.txt (鄂经信办节能〔2022〕8号, Hubei plan 2022-2025).
"""
from __future__ import annotations

import re

import pytest

import factories as f
from helpers import rules_for, seed_text
from core.plugins.types import Level

S000 = "000_5ae1342e00264ea1.txt"
S001 = "001_3f04a56fc6693327.txt"
S002 = "002_9c75e1d2ebfbdf50.txt"
NATIONAL_SIX = {"not_operating", "accident_or_tax", "removed_from_list", "inspection_problems",
                "energy_inspection_unrectified", "dishonest_debtor"}


def flat(name: str) -> str:
    return re.sub(r"\s+|\*\*", "", seed_text(name))


@pytest.fixture(scope="module")
def hubei():
    return rules_for("hubei", 2024)


@pytest.fixture(scope="module")
def hunan():
    return rules_for("hunan", 2024)


# ------------------------------------------------------------- wrong 1 --

def test_hubei_national_applicants_declare_nationals_six(hubei):
    """001 (390号) 一.1 (2): 发生安全（含网络安全、数据安全）、质量、环境污染等事故以及偷漏税等违法违规行为 — the 2025
    national round requires it of every national applicant, Hubei's included."""
    assert "发生安全（含网络安全、数据安全）、质量、环境污染等事故以及偷漏税等违法违规行为" in flat(S001)
    for year in (2022, 2024, 2025, 2026):
        items = {i.code: i for i in hubei.negative_list_for("factory", Level.NATIONAL, year)}
        assert set(items) == NATIONAL_SIX, year
        assert "偷漏税" in items["accident_or_tax"].title and items["accident_or_tax"].source == "national"


def test_hubei_variant_only_at_city_and_provincial_level_in_plan_years(hubei):
    """002 附件1 二: 近三年有下列情况的，不得申报绿色制造名单 … (二) 发生较大及以上生产安全和质量事故、III级(较大)及以上
    突发环境污染事件的 — the plan 鄂经信办节能〔2022〕8号 runs 2022—2025 (city and provincial selection)."""
    text = flat(S002)
    assert "(二)发生较大及以上生产安全和质量事故、III级(较大)及以上突发环境污染事件的" in text
    assert "湖北省绿色制造体系建设实施方案(2022—2025年)" in text or "2022—2025" in text
    for level in (Level.CITY, Level.PROVINCIAL):
        for year in (2022, 2025):
            codes = {i.code for i in hubei.negative_list_for("park", level, year)}
            assert codes == NATIONAL_SIX - {"accident_or_tax"} | {"hubei.major_accident_or_incident"}, (level, year)
        # after the plan: no Hubei document lists its own items, national's six apply
        assert {i.code for i in hubei.negative_list_for("park", level, 2026)} == NATIONAL_SIX


def _hubei_readme() -> str:
    from pathlib import Path

    return (Path(__file__).resolve().parents[2] / "plugins" / "hubei" / "README.md").read_text(encoding="utf-8")


def test_hubei_readme_statements_match_the_code(hubei):
    """Issue 17 missing 13: the Hubei README's three false statements. 002 附件3 绿色制造体系预期目标任务分解表 (力争):
    targets, encoded binding=False, not a "contract gap"; NegativeListItem has levels (and years); 附件1 一's
    declarations are registered form fields."""
    import dataclasses

    from core.plugins.types import NegativeListItem

    readme = _hubei_readme()
    assert "预期目标任务分解表" in flat(S002)
    # 1. quotas: progress targets already (Quota.binding False), no "contract gaps" section exists
    assert all(q.binding is False for q in __import__("plugins.hubei.rules", fromlist=["QUOTAS"]).QUOTAS.values()
               if q.limit is not None)
    assert "contract gaps" not in readme and "binding=False" in readme
    # 2. NegativeListItem has levels and years
    names = {f.name for f in dataclasses.fields(NegativeListItem)}
    assert {"levels", "years"} <= names
    assert "has no levels" not in readme and "`NegativeListItem` has `levels` and `years`" in readme
    # 3. form fields are registered: one per declaration of 附件1 一 plus the park's level and staff
    from plugins.hubei import forms

    hubei_fields = [x for x in hubei.form_fields.values() if x.source == "hubei"]
    assert len(hubei_fields) == 23 + len(forms.PRIORITY_FIELDS)
    assert "No form fields are registered" not in readme and "21 declarations" in readme


def test_hubei_application_declares_by_round(make_app):
    """The application form and eligibility use the round's year and level (002 附件1 二(二); 001 一.1)."""
    from core.applications.eligibility import evaluate

    app = make_app("hubei")
    with app.app_context():
        from core.extensions import db

        unit = f.admin_unit("hubei", "hubei.wuhan", "武汉市")
        for level, year, expected in (("provincial", 2024, "hubei.major_accident_or_incident"),
                                      ("national", 2025, "accident_or_tax")):
            c = f.campaign("hubei", year, level)
            a = f.application(c, unit)
            db.session.flush()
            codes = {r["code"] for r in evaluate(a) if r["kind"] == "negative_list"}
            assert expected in codes and len(codes) == 6, (level, year, codes)


# ------------------------------------------------------------- wrong 2 --

def test_hunan_2024_provincial_declares_exactly_000s_items(hunan):
    """000 二.1: 近三年有下列情况的不予推荐：未正常生产经营的，未严格执行环境信息强制性披露的有关规定，发生较大及以上环保、
    安全（含网络安全、数据安全）、产品质量、职业伤害等事故，被列入失信黑名单，在国务院及有关部委相关督查中被发现存在严重
    问题，在工业节能监察中受到处罚或被要求限期整改且未按要求完成整改 — six items, national's not added on top."""
    text = flat(S000)
    quoted = ["未正常生产经营的", "未严格执行环境信息强制性披露的有关规定",
              "发生较大及以上环保、安全（含网络安全、数据安全）、产品质量、职业伤害等事故", "被列入失信黑名单",
              "在国务院及有关部委相关督查中被发现存在严重问题", "在工业节能监察中受到处罚或被要求限期整改且未按要求完成整改"]
    assert "近三年有下列情况的不予推荐：" + "，".join(quoted) in text
    for unit_type in ("factory", "park", "supply_chain"):
        items = hunan.negative_list_for(unit_type, Level.PROVINCIAL, 2024)
        assert len(items) == 6, unit_type
        assert [i.title.removesuffix("（湖南省级创建）") for i in items] == sorted(
            quoted, key=lambda q: next(i.code for i in items if i.title.startswith(q)))
        assert {i.source for i in items} == {"hunan"} and all(i.lookback_years == 3 for i in items)


def test_hunan_2025_national_round_declares_nationals_six(hunan):
    """001 一.1: the 2025 national round's six items are national's (企业被列为失信被执行人 …)."""
    assert "企业被列为失信被执行人" in flat(S001)
    assert {i.code for i in hunan.negative_list_for("factory", Level.NATIONAL, 2025)} == NATIONAL_SIX


# ------------------------------------------------------------- wrong 6 --

def test_hunan_case_file_labels_name_the_rounds_year(make_app):
    """000 附件1: "2023 年度预计主要产品生产销售及能源资源消费情况" is the year before the 2024 round; the expert's case
    file of a 2026 round reads 2025, never the 2024 text nor a field such as {year-1}."""
    from core.review import casefile

    assert "2023年度预计主要产品生产销售及能源资源消费情况" in flat(S000)
    app = make_app("hunan")
    with app.app_context():
        unit = f.admin_unit("hunan", "hunan.changsha", "长沙市")
        for year, shown in ((2024, "2023"), (2026, "2025")):
            a = f.application(f.campaign("hunan", year, "provincial"), unit)
            labels = {x["code"]: x["label"] for x in casefile.build(a)["region_fields"]}
            assert labels["hunan.products"] == f"{shown}年度预计主要产品生产销售情况", year
            assert labels["hunan.energy_total"] == f"{shown}年度预计年能耗总量（万吨标煤）", year
            assert not any("{" in label for label in labels.values())


# ------------------------------------------------------------ missing 11 --

def _hunan_app(make_app, unit_type: str, extension: dict, year: int = 2024):
    app = make_app("hunan")
    ctx = app.app_context()
    ctx.push()
    unit = f.admin_unit("hunan", "hunan.changsha", "长沙市")
    a = f.application(f.campaign("hunan", year, "provincial"), unit, unit_type)
    a.extension_data = extension
    return app, ctx, a


def _result(results, code):
    return next(r for r in results if r["code"] == code)


def test_hunan_factory_scope_above_designated_size_is_a_condition_the_city_judges(make_app):
    """000 一.1: 鼓励各地按照现代化产业体系的要求，选择基础好、代表性强、诚实守信的规模以上工业企业开展绿色工厂创建 — an
    applicant that does not say it is above designated size is not recommended; one that says so has its claim
    judged by the city (shown as such, a warning it acknowledges), never passed silently."""
    from core.applications.eligibility import evaluate, recommend_blockers, warnings

    assert "选择基础好、代表性强、诚实守信的规模以上工业企业开展绿色工厂创建" in flat(S000)
    app, ctx, a = _hunan_app(make_app, "factory", {})
    try:
        results = evaluate(a)
        size = _result(results, "hunan.above_designated_size")
        assert size["ok"] is False and size["blocking"] and size in recommend_blockers(results)
        assert "规模以上工业企业" in size["message"] and "一.1" in size["cite"]
        a.extension_data = {"hunan.above_designated_size": True}
        results = evaluate(a)
        size = _result(results, "hunan.above_designated_size")
        assert size["ok"] is None and "市州工信局" in size["message"] and size in warnings(results)
        assert size not in recommend_blockers(results)
        # another year's Hunan provincial round: 000 calls 2024 only, the condition is not checked
        a26 = f.application(f.campaign("hunan", 2026, "provincial"), a.admin_unit, "factory")
        assert "hunan.above_designated_size" not in {r["code"] for r in evaluate(a26)}
    finally:
        ctx.pop()


def test_hunan_supply_chain_lead_enterprise_is_a_condition_the_city_judges(make_app):
    """000 一.3: 各地区要组织…绿色工厂数量众多的龙头企业和在产业链发挥主导作用的链主企业进行申报."""
    from core.applications.eligibility import evaluate

    assert "龙头企业和在产业链发挥主导作用的链主企业进行申报" in flat(S000)
    app, ctx, a = _hunan_app(make_app, "supply_chain", {"hunan.sc_lead_role": "以上均不是"})
    try:
        assert _result(evaluate(a), "hunan.sc_lead_enterprise")["ok"] is False
        a.extension_data = {"hunan.sc_lead_role": "在产业链发挥主导作用的链主企业"}
        lead = _result(evaluate(a), "hunan.sc_lead_enterprise")
        assert lead["ok"] is None and "链主企业" in lead["message"]
    finally:
        ctx.pop()


def test_hunan_energy_benchmark_priority_flags_never_refuses(make_app):
    """000 一.1: 重点用能行业优先推荐能效水平达到…标杆水平的工厂，其他行业优先推荐达到相应国家能源消耗限额标准先进值的
    工厂 — a priority: flagged (a claim judged from its evidence), never a blocker nor a warning."""
    from core.applications.eligibility import evaluate, recommend_blockers, warnings

    text = flat(S000)
    assert "重点用能行业优先推荐能效水平达到" in text and "其他行业优先推荐达到相应国家能源消耗限额标准先进值的工厂" in text
    app, ctx, a = _hunan_app(make_app, "factory", {"hunan.energy_efficiency_level": "达到能效标杆水平（重点用能行业）"})
    try:
        results = evaluate(a)
        p = _result(results, "hunan.energy_efficiency_benchmark")
        assert p["kind"] == "priority" and p["ok"] is None and not p["blocking"]
        assert "达到能效标杆水平" in p["message"] and "能效标杆水平或能耗限额先进值佐证材料" in p["message"]
        assert p not in warnings(results) and p not in recommend_blockers(results)
        a.extension_data = {"hunan.energy_efficiency_level": "均未达到"}
        p = _result(evaluate(a), "hunan.energy_efficiency_benchmark")
        assert p["ok"] is False and p not in recommend_blockers(evaluate(a))
    finally:
        ctx.pop()


def test_hunan_park_with_green_factories_ranks_first(make_app):
    """000 一.2: 各地区要组织…工业园区进行申报，优先推荐绿色工厂数量多的工业园区 — the city's list ranks such a park
    ahead of a park with a higher score and flags it."""
    from core.applications.eligibility import evaluate
    from core.applications.summary import recommended
    from core.extensions import db
    from core.models.campaigns import ApplicationStatus as S

    assert "优先推荐绿色工厂数量多的工业园区" in flat(S000)
    app, ctx, a = _hunan_app(make_app, "park", {})
    try:
        b = f.application(a.campaign, a.admin_unit, "park")
        b.extension_data = {"hunan.park_hon_nat_factory": 2, "hunan.park_hon_prov_factory": 5}
        a.status = b.status = S.CITY_RECOMMENDED
        a.score, b.score = 90, 80
        db.session.flush()
        assert [x.id for x in recommended(a.admin_unit, a.campaign)] == [b.id, a.id]
        assert _result(evaluate(b), "hunan.park_green_factories")["ok"] is True
        assert _result(evaluate(a), "hunan.park_green_factories")["ok"] is False
    finally:
        ctx.pop()


def test_hubei_priority_industries_and_cultivation_pool(hubei):
    """002 二(一): 绿色工厂：重点在电子信息、高端装备、汽车、食品、医药、新能源、新材料等行业; 二(四) 绿色供应链管理企业：重点在
    汽车、航空航天…包装等行业; 三(一): 建立本地区绿色制造体系创建培育库 — priorities in the plan's years (2022—2025)."""
    text = flat(S002)
    assert "(一)绿色工厂：重点在电子信息、高端装备、汽车、食品、医药、新能源、新材料等行业" in text
    assert "重点在汽车、航空航天、电子电器、通信、大型成套装备、轻工、纺织、食品、建材、医药、包装等行业" in text
    assert "建立本地区绿色制造体系创建培育库" in text
    codes = {p.code: p for p in hubei.priorities_for("factory", Level.PROVINCIAL, 2024)}
    assert set(codes) == {"hubei.key_industry_factory", "hubei.cultivation_pool"}
    industry = codes["hubei.key_industry_factory"]
    assert industry.check({"hubei.factory_key_industry": "汽车"}) is True
    assert industry.check({"hubei.factory_key_industry": "其他行业"}) is False  # "等": no priority, no refusal
    assert codes["hubei.cultivation_pool"].check({"hubei.in_cultivation_pool": True}) is None  # the city judges
    sc = {p.code: p for p in hubei.priorities_for("supply_chain", Level.PROVINCIAL, 2025)}["hubei.key_industry_supply_chain"]
    assert sc.check({"hubei.supply_chain_key_industry": "包装"}) is True
    # standing from the plan on (issue 53): a later round ranks by the same priorities
    assert {p.code for p in hubei.priorities_for("factory", Level.PROVINCIAL, 2027)} == set(codes)


def test_hubei_city_opinion_is_judged_and_acknowledged_by_the_city(make_app):
    """002 三(四): 市级经信部门负责对本地区申报单位及其申报资料、现场情况等进行初审，并出具推荐意见 — a condition the city
    judges: shown as such and acknowledged when it recommends."""
    from core.applications.eligibility import evaluate, warnings

    assert "市级经信部门负责对本地区申报单位及其申报资料、现场情况等进行初审，并出具推荐意见" in flat(S002)
    app = make_app("hubei")
    with app.app_context():
        a = f.application(f.campaign("hubei", 2024, "provincial"), f.admin_unit("hubei", "hubei.wuhan", "武汉市"))
        results = evaluate(a)
        opinion = _result(results, "hubei.city_opinion")
        assert opinion["ok"] is None and opinion in warnings(results) and "推荐意见" in opinion["title"]
        assert "推荐意见" in opinion["message"]
        later = f.application(f.campaign("hubei", 2027, "provincial"), a.admin_unit)
        assert _result(evaluate(later), "hubei.city_opinion")["ok"] is None  # standing from the plan on (issue 53)
        # the opinion the city gives is checked: 10 characters pass to the city's judgement, 9 do not
        assert _result(evaluate(later, city_input={"city_opinion": "同意推荐该单位申报绿"}), "hubei.city_opinion")["ok"] is None
        short = _result(evaluate(later, city_input={"city_opinion": "同意推荐该单位申报"}), "hubei.city_opinion")
        assert short["ok"] is False and "10–2000" in short["message"] and "9" in short["message"]


def test_priorities_are_listed_with_their_source():
    """`greenmfg rules`, /rules and the API list each priority with its document and article."""
    from core.services.rules_export import rules_document

    for region, code in (("hunan", "hunan.park_green_factories"), ("hubei", "hubei.cultivation_pool")):
        doc = rules_document(rules_for(region), 2024)
        rows = {r["key"]: r for r in doc["rules"] if r["kind"] == "priority"}
        assert code in rows and rows[code]["source"] == region


def test_hook_gm_register_priorities(hunan, hubei):
    """gm_register_priorities: each region's priorities, merged by code with their source, scoped by unit type,
    level and year (000 一.1/一.2 for the 2024 provincial round; 002 二, 三(一) for 2022-2025)."""
    assert {p.source for p in hunan.priorities.values()} == {"hunan"}
    assert [p.code for p in hunan.priorities_for("park", Level.PROVINCIAL, 2024)] == ["hunan.park_green_factories"]
    assert not hunan.priorities_for("park", Level.PROVINCIAL, 2026) and not hunan.priorities_for("park", Level.NATIONAL, 2024)
    assert {p.source for p in hubei.priorities.values()} == {"hubei"}
    assert not rules_for("national").priorities


def test_a_negative_list_item_setting_aside_an_unknown_code_stops_start_up():
    """sets_aside names items that exist, like replaces (a typo would silently keep national's item)."""
    import pluggy

    from core.plugins import PolicyViolation, hookimpl
    from core.plugins.manager import build_plugin_manager
    from core.plugins.rules import RegionRules
    from core.plugins.types import NegativeListItem

    class Plugin:
        @hookimpl
        def gm_register_negative_list_items(self):
            return [NegativeListItem(code="hubei.typo", title="x", sets_aside=("accident_or_taxes",), cite=S002)]

    pm = build_plugin_manager("hubei")
    pm.register(Plugin(), name="typo")
    with pytest.raises(PolicyViolation, match="accident_or_taxes"):
        RegionRules(pm).validate(2024)
    assert isinstance(pm, pluggy.PluginManager)


def test_the_new_claims_show_under_a_named_form_section(hunan, hubei):
    """The fields of the claims (000 一.1, 一.3; 002 二, 三(一)) sit in a section the form names in words,
    never under an internal code."""
    from core.applications.fields import SECTION_NAMES
    from plugins.hubei import forms as hubei_forms
    from plugins.hunan import forms as hunan_forms

    for ff in (*hunan_forms.SCOPE_FIELDS, *hubei_forms.PRIORITY_FIELDS):
        assert ff.section in SECTION_NAMES, ff.code
