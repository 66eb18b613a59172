"""Issue 17, Shanxi and Jiangxi: rules exactly as the documents say.

Seeds: 004_7a8ddd82f611ab67.txt (山西 晋工信节能规字〔2024〕3号《绿色工厂梯度培育及管理实施细则》),
003_a3fa60aeba77aa34.txt (江西 2024 notice), 001_3f04a56fc6693327.txt (工信厅节函〔2025〕390号).
Each test quotes the line it checks.
"""
from __future__ import annotations

import datetime as dt

import pytest

import factories as f
from core.applications import eligibility
from core.extensions import db


# ------------------------------------------------------------------------------------------------- item 8 --


@pytest.mark.region("shanxi")
def test_dishonest_debtor_declared_as_applying_is_not_reported_as_undeclared(app):
    """Seed 004 第十七条: "近三年有下列情况的企业或园区（含园区内企业），不得申请…（六）企业被列为失信被执行人的。"
    (seed 001 三 says the same). An applicant that declares the 失信被执行人 item applies is refused because it
    applies, not told it has not declared it; an item left unanswered still reads 未声明."""
    c = f.campaign("shanxi", 2025, "provincial")
    a = f.application(c, f.admin_unit("shanxi", "shanxi.taiyuan", "太原市"))
    a.declarations = {"dishonest_debtor": False}
    db.session.commit()
    results = {r["code"]: r for r in eligibility.evaluate(a, as_of=dt.date(2025, 5, 1))
               if r["kind"] == "negative_list"}
    debtor = results["dishonest_debtor"]
    assert debtor["ok"] is False
    assert "未声明" not in debtor["message"] and "not declared" not in debtor["message"]
    assert "申报单位声明存在此情形" in debtor["message"] and "the applicant declared that this applies" in debtor["message"]
    assert ".txt" not in debtor["message"]
    others = [r for code, r in results.items() if code != "dishonest_debtor"]
    assert others and all(r["ok"] is False and r["message"] == "未声明 / not declared" for r in others)
    assert debtor in eligibility.submit_blockers(list(results.values()))


@pytest.mark.region("shanxi")
def test_an_unticked_box_on_the_web_form_is_no_declaration(app):
    """Seed 004 第十七条 (六): the web form's box declares the item does not apply; leaving it unticked (or
    unticking it) is no declaration — 未声明, never "declared that this applies"."""
    from core.applications import services

    c = f.campaign("shanxi", 2025, "provincial")
    a = f.application(c, f.admin_unit("shanxi", "shanxi.taiyuan", "太原市"))
    a.declarations = {"dishonest_debtor": True}
    db.session.commit()
    services.save_draft(a, {"declarations": {"dishonest_debtor": None}}, "t",
                        at=dt.datetime(2025, 5, 1, 2, tzinfo=dt.timezone.utc))
    db.session.commit()
    assert "dishonest_debtor" not in (a.declarations or {})
    debtor = next(r for r in eligibility.evaluate(a, as_of=dt.date(2025, 5, 1)) if r["code"] == "dishonest_debtor")
    assert debtor["ok"] is False and debtor["message"] == "未声明 / not declared"


@pytest.mark.region("shanxi")
def test_case_file_shows_an_item_declared_as_applying(app):
    """Seed 004 第十七条 (六) 企业被列为失信被执行人的: the expert's case file says the applicant declared it applies
    (声明存在此情形), not that it was not declared."""
    from flask import render_template

    from core.review import casefile

    c = f.campaign("shanxi", 2025, "provincial")
    a = f.application(c, f.admin_unit("shanxi", "shanxi.taiyuan", "太原市"))
    a.declarations = {"dishonest_debtor": False, "not_operating": True}
    db.session.commit()
    cf = casefile.build(a)
    rows = {d["code"]: d for d in cf["declarations"]}
    assert rows["dishonest_debtor"]["applies"] and not rows["dishonest_debtor"]["declared"]
    assert not rows["accident_or_tax"]["applies"] and not rows["accident_or_tax"]["declared"]
    with app.test_request_context():
        html = render_template("review/_casefile.html", cf=cf)
    assert "被列为失信被执行人: 声明存在此情形" in html and "未声明" in html


# ------------------------------------------------------------------------------------------------- item 7 --


def _rules(region: str):
    from core.plugins.manager import build_plugin_manager
    from core.plugins.rules import RegionRules

    return RegionRules(build_plugin_manager(region))


def test_shanxi_city_deadline_only_while_the_rules_are_in_force():
    """Seed 004 第十三条: "于每年5月31日前…推荐至省工业和信息化厅"; 第三十二条: "本实施细则有效期为五年，
    自2024年7月19日起实施。" — in force 2024-07-19 to 2029-07-18, so no 2024-05-31 and no 2030-05-31 deadline."""
    rules = _rules("shanxi")
    code = "shanxi.city_recommendation"
    assert rules.deadline(code, 2024)[0] is None
    assert code not in {d.code for _, d in rules.deadlines_for(2024)}
    assert rules.deadline(code, 2025)[0] == dt.date(2025, 5, 31)
    assert rules.deadline(code, 2029)[0] == dt.date(2029, 5, 31)  # before 2029-07-18
    assert rules.deadline(code, 2030)[0] is None
    assert code not in {d.code for _, d in rules.deadlines_for(2030)}


@pytest.mark.region("shanxi")
def test_shanxi_2024_provincial_round_has_no_city_deadline(app):
    """Seed 004 第三十二条 (自2024年7月19日起实施): a 2024 provincial round is not given the 细则's 05-31 city
    deadline; a 2025 round is (第十三条 每年5月31日前)."""
    from core.applications.services import campaign_deadlines

    assert "shanxi.city_recommendation" not in campaign_deadlines(2024, "provincial", ["factory"])
    assert campaign_deadlines(2025, "provincial", ["factory"])["shanxi.city_recommendation"] == "2025-05-31"


# ------------------------------------------------------------------------------------------------- item 3 --

CONSULTED = ["ecology_environment", "emergency_management", "market_regulation"]


@pytest.mark.region("shanxi")
def test_shanxi_city_recommendation_requires_the_consultation(app):
    """Seed 004 第十三条: "市级工业和信息化主管部门综合本地区申报情况，在充分征求当地生态环境、应急管理、市场监管等
    主管部门意见后，于每年5月31日前…推荐至省工业和信息化厅" — the recommendation comes after the consultation: without
    it the city cannot recommend (a blocker, not a warning it may acknowledge), as Jiangxi's 三（一） already does."""
    c = f.campaign("shanxi", 2025, "provincial")
    a = f.application(c, f.admin_unit("shanxi", "shanxi.taiyuan", "太原市"))
    db.session.commit()
    results = eligibility.evaluate(a, dt.date(2025, 5, 20), {"consulted_departments": ["ecology_environment"]})
    rule = next(r for r in results if r["code"] == "shanxi.departments_consulted")
    assert rule["ok"] is False and rule["blocking"] is True
    assert rule in eligibility.recommend_blockers(results, ["provincial"])
    assert rule not in eligibility.warnings(results)
    assert "第十三条" in rule["message"] and "应急管理" in rule["message"] and "市场监管" in rule["message"]
    done = eligibility.evaluate(a, dt.date(2025, 5, 20), {"consulted_departments": CONSULTED})
    assert next(r for r in done if r["code"] == "shanxi.departments_consulted")["ok"] is True


def test_shanxi_province_recommendation_requires_its_consultation():
    """Seed 004 第十五条: "省工业和信息化厅…在充分征求生态环境、应急管理、市场监管等主管部门意见后，择优将省级绿色制造名单
    通过管理平台推荐至工业和信息化部" — the province's gate to the national list blocks without it, citing 第十五条."""
    rule = _rules("shanxi").eligibility_rules["shanxi.departments_consulted"]
    assert rule.blocking
    message = rule.check({"stage": "province", "consulted_departments": []})
    assert "第十五条" in message and "生态环境" in message
    assert rule.check({"stage": "province", "consulted_departments": CONSULTED}) is None


# ------------------------------------------------------------------------------------------------ item 10 --


def test_shanxi_park_declares_for_its_enterprises():
    """Seed 004 第十七条: "近三年有下列情况的企业或园区（含园区内企业），不得申请、推荐和列入绿色制造名单" — a park at the
    levels the 细则 governs (第二条: 省、市级) declares against its in-park enterprises' records too; an enterprise
    declares national's six items only; at national level the park declares national's six (seed 001 三)."""
    from core.plugins.types import Level

    rules = _rules("shanxi")
    for level in (Level.CITY, Level.PROVINCIAL):
        codes = {i.code for i in rules.negative_list_for("park", level)}
        assert "shanxi.park_enterprises" in codes and len(codes) == 7
        assert "shanxi.park_enterprises" not in {i.code for i in rules.negative_list_for("factory", level)}
    assert "shanxi.park_enterprises" not in {i.code for i in rules.negative_list_for("park", Level.NATIONAL)}
    item = rules.negative_list_items["shanxi.park_enterprises"]
    assert "园区内企业" in item.title and "第十七条" in item.cite and "含园区内企业" in item.cite
    assert item.lookback_years == 3  # 近三年


@pytest.mark.region("shanxi")
def test_shanxi_park_with_an_in_park_enterprise_record_cannot_submit(app):
    """Seed 004 第十七条 (含园区内企业): a park whose in-park enterprise has such a record (declared as applying)
    may not apply: its submission is blocked, saying so; declaring it does not apply clears it."""
    c = f.campaign("shanxi", 2025, "provincial")
    a = f.application(c, f.admin_unit("shanxi", "shanxi.taiyuan", "太原市"), unit_type="park")
    six = {code: True for code in ("not_operating", "accident_or_tax", "removed_from_list", "inspection_problems",
                                   "energy_inspection_unrectified", "dishonest_debtor")}
    a.declarations = {**six, "shanxi.park_enterprises": False}
    db.session.commit()
    blockers = eligibility.submit_blockers(eligibility.evaluate(a, dt.date(2025, 5, 1)))
    assert [r["code"] for r in blockers] == ["shanxi.park_enterprises"]
    assert "申报单位声明存在此情形" in blockers[0]["message"] and "第十七条" in blockers[0]["message"]
    a.declarations = {**six, "shanxi.park_enterprises": True}
    db.session.commit()
    assert not eligibility.submit_blockers(eligibility.evaluate(a, dt.date(2025, 5, 1)))


# ------------------------------------------------------------------------------------------------- item 9 --

PARK_OK = {"jiangxi.county": "南昌县", "jiangxi.park_type": "国家级经济技术开发区",
           "jiangxi.park_main_function": True, "jiangxi.park_industrial_va_share": 62.5,
           "jiangxi.park_legal_boundary": True, "jiangxi.park_unified_management": True, "jiangxi.park_rank": "national"}


def _park_result(extension: dict) -> dict:
    c = f.campaign("jiangxi", 2024, "national")
    a = f.application(c, f.admin_unit("jiangxi", None, "南昌市"), unit_type="park")
    a.extension_data = extension
    db.session.commit()
    results = eligibility.evaluate(a, dt.date(2024, 5, 20), {"consulted_departments": CONSULTED})
    rule = next(r for r in results if r["code"] == "jiangxi.park_conditions")
    assert (rule in eligibility.recommend_blockers(results)) is (rule["ok"] is False)
    return rule


@pytest.mark.region("jiangxi")
def test_jiangxi_park_conditions_are_checked(app):
    """Seed 003 二（二）: "推荐的绿色园区是以产品制造和能源供给为主要功能、工业增加值占比超过50%、具有法定边界和范围、
    具备统一管理机构的省级及以上园区" — five conditions the city's recommendation checks (blocking), from the park's
    answers on the form; "超过50%" is strictly more."""
    assert _park_result(PARK_OK)["ok"] is True
    assert _park_result({**PARK_OK, "jiangxi.park_rank": "provincial"})["ok"] is True
    empty = _park_result({"jiangxi.county": "南昌县", "jiangxi.park_type": "县级园区"})
    assert empty["ok"] is False and empty["blocking"] is True
    for words in ("以产品制造和能源供给为主要功能", "工业增加值占比超过50%", "具有法定边界和范围", "具备统一管理机构",
                  "省级及以上园区", "二（二）"):
        assert words in empty["message"], words
    at_fifty = _park_result({**PARK_OK, "jiangxi.park_industrial_va_share": 50.0})
    assert at_fifty["ok"] is False and "工业增加值占比超过50%" in at_fifty["message"]
    below = _park_result({**PARK_OK, "jiangxi.park_rank": "below_provincial"})
    assert below["ok"] is False and "省级及以上园区" in below["message"]
    assert _park_result({**PARK_OK, "jiangxi.park_unified_management": False})["ok"] is False


def test_jiangxi_park_form_asks_the_conditions():
    """Seed 003 二（二）: the park answers each condition on the form, at the round's levels (省级, 国家级)."""
    from core.plugins.types import Level

    rules = _rules("jiangxi")
    for level in (Level.PROVINCIAL, Level.NATIONAL):
        codes = {x.code for x in rules.form_fields_for("park", level)}
        assert set(PARK_OK) <= codes
        assert not {x.code for x in rules.form_fields_for("factory", level)} & (set(PARK_OK) - {"jiangxi.county"})
    rank = rules.form_fields["jiangxi.park_rank"]
    assert "二（二）" in rank.cite and rank.source == "jiangxi"


# ------------------------------------------------------------------------------------------------- item 4 --

AT = {y: dt.datetime(y, 3, 1, tzinfo=dt.timezone.utc) for y in (2024, 2025)}


@pytest.mark.region("jiangxi")
def test_hook_gm_policy_industries(app):
    """Seed 003 二（一）: "已发布绿色工厂评价行业标准的，按照相关行业标准要求进行评价，其他行业依据《绿色工厂评价通则》
    （GB/T 36132）进行评价" and 附件 2024年绿色制造名单推荐汇总表 (column 行业): a 2024 factory of any industry gives it,
    and the summary table prints it. The 53 industries of seed 001 附件3 (2025) are offered, not imposed."""
    from core.applications import services
    from core.applications.summary_layout import AppView, display, resolve_columns
    from core.errors import InvalidInput

    unit = f.admin_unit("jiangxi", None, "景德镇市")
    a = f.application(f.campaign("jiangxi", 2024, "national"), unit)
    services.save_draft(a, {"industry": "日用陶瓷制品制造"}, "applicant", at=AT[a.campaign.year])
    assert a.industry == "日用陶瓷制品制造"
    services.save_draft(a, {"industry": "长流程钢铁"}, "applicant", at=AT[a.campaign.year])  # a key industry by its name: its code
    assert app.extensions["greenmfg"].rules.industries[a.industry].name == "长流程钢铁"
    services.save_draft(a, {"industry": "日用陶瓷制品制造"}, "applicant", at=AT[a.campaign.year])
    layout = app.extensions["greenmfg"].rules.summary_layouts["jiangxi.recommendation_summary_2024"]
    section = layout.sheets[0].sections[0]
    column = next(c for c in resolve_columns(section, 2024, ("factory",)) if c.header == "行业")
    assert display(column, AppView(unit_type="factory", industry=a.industry)) == "日用陶瓷制品制造"
    # the 2025 national round is the Ministry's (390号 附件3, 53 key industries): national's closed list stands there
    b = f.application(f.campaign("jiangxi", 2025, "national"), unit)
    with pytest.raises(InvalidInput):
        services.save_draft(b, {"industry": "日用陶瓷制品制造"}, "applicant", at=AT[b.campaign.year])
    choices = app.extensions["greenmfg"].rules.industry_choices("factory", 2024)
    assert choices.open and choices.source == "jiangxi" and "二（一）" in choices.cite


@pytest.mark.region("national")
def test_national_2025_industry_is_one_of_the_53(app):
    """Seed 001 三: "本年度绿色工厂重点支持 53 个重点行业的企业…不属于重点行业的企业…依据通则进行自评价" — a national
    application names one of 附件3's industries or none (通则); any other name is refused, saying so."""
    from core.applications import services
    from core.errors import InvalidInput

    rules = app.extensions["greenmfg"].rules
    assert len(rules.industries) == 53 and not rules.industry_choices("factory", 2025).open
    a = f.application(f.campaign("national", 2025, "national"), f.admin_unit())
    with pytest.raises(InvalidInput) as err:
        services.save_draft(a, {"industry": "日用陶瓷制品制造"}, "applicant", at=AT[a.campaign.year])
    assert err.value.field == "industry"
    services.save_draft(a, {"industry": ""}, "applicant", at=AT[a.campaign.year])
    assert a.industry is None


# ------------------------------------------------------------------------------------------------ item 11 --


@pytest.mark.region("shanxi")
def test_shanxi_lead_enterprise_qualities_are_judged_on_evidence(app):
    """Seed 004 第十条 (一): the supply-chain enterprise "是行业影响力大、经营实力雄厚、产业链完整、绿色供应链管理基础好、
    在产业链发挥主导作用的企业，积极创建绿色工厂" — qualities a reviewer judges: without the enterprise's statement the city
    cannot recommend; with it, the condition is shown for the reviewer to judge, quoting the evidence, and the city
    acknowledges it (audited with the recommendation)."""
    c = f.campaign("shanxi", 2025, "provincial")
    a = f.application(c, f.admin_unit("shanxi", "shanxi.taiyuan", "太原市"), unit_type="supply_chain")
    db.session.commit()
    results = eligibility.evaluate(a, dt.date(2025, 5, 20), {"consulted_departments": CONSULTED})
    lead = next(r for r in results if r["code"] == "shanxi.supply_chain_lead_enterprise")
    assert lead["kind"] == "judged_condition" and lead["ok"] is False and lead in eligibility.recommend_blockers(results)
    assert "第十条" in lead["message"] and "行业影响力大" in lead["message"]
    evidence = "2024年营业收入85亿元，省内焦化行业产量第一；带动上游42家供应商，其中9家为绿色工厂"
    a.extension_data = {"shanxi.lead_enterprise_evidence": evidence}
    db.session.commit()
    results = eligibility.evaluate(a, dt.date(2025, 5, 20), {"consulted_departments": CONSULTED})
    lead = next(r for r in results if r["code"] == "shanxi.supply_chain_lead_enterprise")
    assert lead["ok"] is None and evidence in lead["message"] and "审核人" in lead["message"]
    assert lead in eligibility.warnings(results) and lead not in eligibility.recommend_blockers(results)


@pytest.mark.region("shanxi")
def test_shanxi_priorities_flag_and_sort_never_refuse(app):
    """Seed 004 第十六条: "工业重点领域优先推荐能效水平达到国家有关部门发布的标杆水平的工厂，其他行业优先推荐达到相应国家
    能源消耗限额标准先进值或 1 级水平的工厂" and "优先推荐供应商中绿色工厂数量众多的龙头企业" — a priority flags the
    application that has it and sorts it first; one without it is neither refused nor warned about."""
    c = f.campaign("shanxi", 2025, "provincial")
    unit = f.admin_unit("shanxi", "shanxi.taiyuan", "太原市")
    plain, benchmark = f.application(c, unit), f.application(c, unit)
    benchmark.extension_data = {"shanxi.energy_benchmark": True}
    db.session.commit()
    as_of = dt.date(2025, 5, 20)
    by_app = {a.id: eligibility.evaluate(a, as_of, {"consulted_departments": CONSULTED}) for a in (plain, benchmark)}

    def flagged(results):
        return [r for r in results if r["kind"] == "priority" and r["ok"]]

    assert [r["code"] for r in flagged(by_app[benchmark.id])] == ["shanxi.priority_energy_efficiency"]
    assert "第十六条" in flagged(by_app[benchmark.id])[0]["cite"]
    assert flagged(by_app[plain.id]) == []
    for results in by_app.values():
        mine = [r for r in results if r["kind"] == "priority"]
        assert mine and all(r["ok"] is not None and not r["blocking"] for r in mine)
        assert not set(map(id, mine)) & set(map(id, eligibility.warnings(results) + eligibility.recommend_blockers(results)))
    from core.applications import priorities

    queue = sorted((plain.id, benchmark.id), key=lambda i: -priorities.weight(by_app[i]))
    assert queue == [benchmark.id, plain.id]
    assert [a.id for a in priorities.rank([plain, benchmark], as_of)] == [benchmark.id, plain.id]
    leader = f.application(c, unit, unit_type="supply_chain")
    leader.extension_data = {"shanxi.green_supplier_leader": True}
    db.session.commit()
    assert [r["code"] for r in flagged(eligibility.evaluate(leader, as_of))] == ["shanxi.priority_green_supplier_leader"]


@pytest.mark.region("jiangxi")
def test_jiangxi_2024_web_form_takes_any_industry(app):
    """Seed 003 二（一） (其他行业依据《绿色工厂评价通则》) and 附件 (行业): the 2024 form asks the industry by name, not
    from the 53 of 001 附件3 only; the saved name shows again on the form."""
    from core.applications import services
    from core.applications.forms import application_form_class, changes_from_form

    a = f.application(f.campaign("jiangxi", 2024, "national"), f.admin_unit("jiangxi", None, "景德镇市"))
    db.session.commit()
    with app.test_request_context(method="POST", data={"industry": "日用陶瓷制品制造"}):
        form = application_form_class(a)(meta={"csrf": False})
        assert form.industry.validate(form)
        changes, _ = changes_from_form(form, a)
    services.save_draft(a, {"industry": changes["industry"]}, "applicant", at=AT[2024])
    assert a.industry == "日用陶瓷制品制造"
    from core.applications.forms import initial_data

    assert initial_data(a)["industry"] == "日用陶瓷制品制造"


@pytest.mark.region("shanxi")
def test_the_refusal_names_the_rules_source_by_its_region_in_each_language(app):
    """Seed 004 第十三条 again, as the city sees the refusal: the blocking rule's source reads 山西省 / Shanxi
    (the plugin's name and name_en), never the plugin's code."""
    from core.applications import services
    from core.errors import Refused
    from core.models import ApplicationStatus

    c = f.campaign("shanxi", 2025, "provincial")
    a = f.application(c, f.admin_unit("shanxi", "shanxi.taiyuan", "太原市"))
    a.status = ApplicationStatus.SUBMITTED
    db.session.commit()
    with pytest.raises(Refused) as refused:
        services.recommend(a, "city_taiyuan", consulted_departments=["ecology_environment"],
                           at=dt.datetime(2025, 5, 20, 2, tzinfo=dt.UTC))
    zh, en = refused.value.localized("zh"), refused.value.localized("en")
    assert "山西省" in zh and "Shanxi" in en
    assert "; shanxi)" not in zh + en
