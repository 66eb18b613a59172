"""Values not found in the seeds are labelled what they are (issue 43), in the listing, on pages and in the API.

* Hubei's provincial list is published after a public notice whose period its plan does not name
  (002_9c75e1d2ebfbdf50.txt 三(五): 经评审合格、公示无异议的申报单位，确认为省级绿色制造单位). The platform applies its
  default of 5 working days: labelled 平台默认 (not 本平台部署设置, which only a deployer's
  ``GREENMFG_NOTICE_PERIODS`` earns) and listed by ``greenmfg rules`` like every rule a round applies.
* The national 15-day notice, the 07-31 recommendation deadline and the 04-15 annual filing are articles of the
  《绿色工厂梯度培育及管理暂行办法》 (工信部节〔2024〕13号), which is not among the seeds (domain.md B1 reconstructs
  it from secondary sources): their cites say the platform holds no copy (本平台未收录原文); a seed document's
  (工信厅节函〔2025〕390号, seed 001_3f04a56fc6693327.txt 附件1) does not.
* The 2025 national correction lock (only contact fields after a return) rests on Hunan's sentence, 001 四.2
  (各单位申报填报信息在系统提交后无法修改，不能通过修改指标提高评分): its cite names it as Hunan's rule that the
  platform applies to every province by inference.
"""
from __future__ import annotations

import json

import pytest
from helpers import rules_for, seed_text

from core.cli.rules_cmd import rules_command
from core.lists import notices
from core.plugins.citations import UNSHIPPED
from core.plugins.types import Level

S001 = "001_3f04a56fc6693327.txt"
S002 = "002_9c75e1d2ebfbdf50.txt"


def _listed_period(app, year=2025):
    """The notice periods ``greenmfg rules --year Y --format json`` lists, by level."""
    result = app.test_cli_runner().invoke(rules_command, ["--year", str(year), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["rules"]
    return {row["key"]: row for row in rows if row["kind"] == "notice_period"}


def test_hubei_s_unnamed_notice_period_is_the_platform_default_and_is_listed(make_app):
    assert "经评审合格、公示无异议的申报单位，确认为省级绿色制造单位" in seed_text(S002)
    app = make_app("hubei")
    with app.app_context():
        period = notices.period_for("provincial", 2025)
        assert (period.days, str(period.count), period.source) == (5, "working_days", "core")
        assert period.cite.startswith("平台默认") and "部署设置" not in period.cite
    listed = _listed_period(app)["provincial"]
    assert listed["source"] == "core" and listed["value"]["days"] == 5 and listed["cite"].startswith("平台默认")
    page = app.test_client().get("/rules?year=2025&kind=notice_period").get_data(as_text=True)
    assert "平台默认：文件要求公示但未规定公示期" in page and "本平台部署设置" not in page


def test_a_deployer_s_notice_period_is_labelled_this_instance_s_setting(make_app):
    app = make_app("hubei", GREENMFG_NOTICE_PERIODS={"provincial": [7, "calendar_days"]})
    with app.app_context():
        period = notices.period_for("provincial", 2025)
        assert (period.days, period.source) == (7, "config") and period.cite.startswith("本平台部署设置")
    listed = _listed_period(app)["provincial"]
    assert listed["source"] == "config" and listed["value"]["days"] == 7
    api = app.test_client().get("/api/v1/rules?year=2025").get_json()
    assert [r["value"]["days"] for r in api["rules"] if r["kind"] == "notice_period" and r["key"] == "provincial"] == [7]


@pytest.mark.parametrize("region", ["national", "hubei", "jiangxi"])
def test_articles_of_the_banfa_say_the_platform_holds_no_copy(region):
    rules = rules_for(region)
    fifteen = rules.readable(rules.notice_period(Level.NATIONAL).cite)
    assert fifteen.startswith("《绿色工厂梯度培育及管理暂行办法》(工信部节〔2024〕13号) 第十二条") and fifteen.endswith(UNSHIPPED)
    july, miit = rules.readable(rules.deadlines["province_recommendation"].cite).split("；")
    assert "7月31日" in july and july.endswith(UNSHIPPED)
    assert miit.startswith("《关于开展2025年度绿色工厂推荐工作的通知》（工信厅节函〔2025〕390号）") and UNSHIPPED not in miit
    april = rules.readable(rules.deadlines["dynamic_filing"].cite)
    assert "4月15日" in april and april.endswith(UNSHIPPED) and april.count(UNSHIPPED) == 1


@pytest.mark.parametrize("region", ["national", "hubei", "jiangxi", "shanxi"])
def test_the_2025_national_correction_lock_is_hunan_s_rule_applied_by_inference(region):
    assert "各单位申报填报信息在系统提交后无法修改，不能通过修改指标提高评分" in seed_text(S001)
    rules = rules_for(region)
    cite = rules.readable(rules.correction(Level.NATIONAL, 2025, "factory").cite)
    assert "平台推断" in cite and "本平台将湖南省工业和信息化厅的规定推及各省" in cite
    assert cite.endswith("四.2；平台默认：更正期限90日")


def test_an_instance_panel_size_is_what_the_listing_shows(make_app):
    """The experts grading an application: Shanxi's rule (004_7a8ddd82f611ab67.txt 第十三条 组织专家) unless the
    instance sets a panel size for every round; the listing shows the size the review applies, labelled."""
    from core.review.experts import panel_rule

    app = make_app("shanxi", GREENMFG_REVIEW_MIN_EXPERTS=2)
    rules = app.extensions["greenmfg"].rules
    with app.app_context():
        applied = panel_rule()
    assert (applied.min_experts, applied.source) == (2, "instance")
    from core.services.rules_export import rule_rows

    panels = [r for r in rule_rows(rules, 2025) if r["kind"] == "review_panel"]
    assert panels and {(r["value"]["min_experts"], r["source"]) for r in panels} == {(2, "instance")}
    assert {r["applied_as"] for r in panels} == {"default"} and all("实例的设置" in r["cite"] for r in panels)
