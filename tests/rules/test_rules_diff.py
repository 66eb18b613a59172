"""Comparing rules (issue 43): ``greenmfg rules diff A B`` and the page /rules/diff show what changed between two
years, a round opened from its notice and its year, or the region and the national rules, each rule with its source;
both read the resolver the services apply.

- 2024 → 2025 in Hunan: the province's recommendation to the Ministry is due 07-31 in 2024 (《绿色工厂梯度培育及管理暂行
  办法》 第十二条, platform's reading) and 11-07 in 2025 (seed 001, 工信厅节函〔2025〕390号 三: "于 2025 年 11 月 7 日前").
- hunan@2025 → national@2025: Hunan's 14 市州 (seed 000) are the province's, not the Ministry's.

By identity (issue 53): one row per rule, its kind and its key without the year, in every region:

- national 2024 → 2025: the Ministry's 办法 (工信部节〔2024〕13号) 第十条 lets a unit evaluate itself or engage a third
  party; the 2025 notice (seed 001, 工信厅节函〔2025〕390号 二 (一): "如实自主填报申报表完成自评价…不再需要提交第三方评价报告")
  leaves self-evaluation only: one changed rule per unit type at the national level, both sources named;
- Hubei 2024 → 2025: 鄂经信办节能〔2022〕8号 三(三) (seed 002: "委托符合评价资质要求的第三方评价机构…开展现场评价") required a
  third party; 390号 ends it for the national round;
- a 2027 round opened from its notice (tests/rounds/test_round_notice_2027.py's notice, made up: 绿制办〔2027〕3号
  moves the recommendation to the Ministry to 2027-08-14, gives the first city 1 factory place and sets one
  condition aside): ``rules diff 2026 2027`` lists exactly those three rules, each with the notice's 文号.
"""
from __future__ import annotations

import html
import io
import json
import re
import sys
from pathlib import Path

import pytest

from core.cli import cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rounds"))  # round_kit.py
import round_kit as rk  # noqa: E402
from helpers import seed_text  # noqa: E402

REGIONS = ["hunan", "hubei", "jiangxi", "shanxi", "national"]


@pytest.fixture
def hunan(make_app):
    return make_app("hunan")


def _diff(app, *args):
    result = app.test_cli_runner().invoke(cli, ["rules", "diff", *args])
    return result


def test_two_years_name_the_moved_recommendation_deadline_with_its_source(hunan):
    result = _diff(hunan, "2024", "2025", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {(r["change"], r["kind"], r["key"]): r for r in json.loads(result.output)}
    moved = rows[("changed", "deadline", "province_recommendation")]
    assert "date_in_year" in moved["fields"]
    assert (moved["before"]["date_in_year"], moved["after"]["date_in_year"]) == ("2024-07-31", "2025-11-07")
    assert moved["source"] == "national" and "390号" in moved["cite"]
    text = _diff(hunan, "2024", "2025").output
    assert "湖南省 2024 → 湖南省 2025" in text and "2024-07-31 → 2025-11-07" in text
    same = json.loads(_diff(hunan, "2025", "2025", "--format", "json").output)
    assert same == []  # a year against itself: nothing


def test_the_region_against_the_national_rules_lists_the_provinces_own(hunan):
    rows = json.loads(_diff(hunan, "hunan@2025", "national@2025", "--format", "json").output)
    removed = {(r["kind"], r["key"]) for r in rows if r["change"] == "removed"}
    assert ("admin_unit", "hunan.changsha") in removed
    assert not any(r["source"] == "national" for r in rows if r["change"] == "removed" and r["kind"] == "deadline")


def test_a_side_nobody_can_name_is_refused_in_both_languages(hunan):
    result = _diff(hunan, "last-year", "2025")
    assert result.exit_code == 2 and "round:12" in result.output and "年份" in result.output
    result = _diff(hunan, "guangdong@2025", "2025")
    assert result.exit_code == 2 and "guangdong" in result.output


def test_the_page_compares_what_the_command_does_and_the_rules_page_leads_to_it(hunan):
    client = hunan.test_client()
    rules = client.get("/rules?year=2025&lang=zh").get_data(as_text=True)
    assert 'id="compare-rules"' in rules and "/rules/diff?a=2024&amp;b=2025" in rules
    page = client.get("/rules/diff?a=2024&b=2025&lang=zh")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "湖南省 2024 → 湖南省 2025" in html and "2024-07-31 → 2025-11-07" in html
    assert "province_recommendation" not in html and "date_in_year" not in html  # names, not codes
    bad = client.get("/rules/diff?a=x&b=2025&lang=zh")
    assert bad.status_code in (400, 422) and "round:12" in bad.get_data(as_text=True)


def _rows(app, a: str, b: str) -> list[dict]:
    result = _diff(app, a, b, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("region", REGIONS)
def test_each_rule_is_one_row_and_a_status_alone_is_no_change(make_app, region):
    rows = _rows(make_app(region), "2024", "2025")
    added = [r for r in rows if r["change"] == "added"]
    removed = [r for r in rows if r["change"] == "removed"]
    # no rule both added and removed: not by its identity, nor word for word as the page shows it
    assert not {(r["kind"], r["key"]) for r in added} & {(r["kind"], r["key"]) for r in removed}
    assert not ({(r["kind"], r["rule"], r["after_cite"]) for r in added}
                & {(r["kind"], r["rule"], r["before_cite"]) for r in removed})
    assert len({(r["kind"], r["key"]) for r in rows}) == len(rows)  # one row per rule
    assert not any(re.search(r"(^|/)20\d\d($|/)", r["key"]) for r in rows)  # the identity carries no year
    changed = [r for r in rows if r["change"] == "changed"]
    status = [r for r in rows if r["change"] == "status"]
    # a changed rule changed its value or its source; a rule that differs only in how it applies is apart
    assert changed and all(r["changes"] or r["before_cite"] != r["after_cite"] for r in changed)
    assert status and all(not r["changes"] and r["before_cite"] == r["after_cite"]
                          and r["before_status"] != r["after_status"] for r in status)
    assert len(status) > len(changed)  # most rules of 2025 stand as in 2024, only their documents' standing moved
    # the 2025 notice: self-evaluation only for the national round (390号 二 (一)), one change per unit type
    modes = {r["key"]: r for r in changed if r["kind"] == "evaluation_modes"}
    factory = modes["factory/national"]
    assert "工信厅节函〔2025〕390号" in factory["after_document"] and "二 (一)" in factory["after_cite"]
    assert factory["after"]["allowed"] == "自评价" and factory["before"]["allowed"] != "自评价"
    assert "evaluation_modes" not in {r["kind"] for r in added + removed}


def test_the_ministrys_switch_to_self_evaluation_is_one_changed_rule_with_both_sources(make_app):
    assert "不再需要提交第三方评价报告" in seed_text(rk.SEED_NATIONAL_2025)
    rows = _rows(make_app("national"), "2024", "2025")
    modes = [r for r in rows if r["kind"] == "evaluation_modes"]
    assert {r["key"] for r in modes} == {"factory/national", "park/national", "supply_chain/national"}
    assert {r["change"] for r in modes} == {"changed"}
    for row in modes:
        assert row["changes"] == [{"field": "允许的评价方式", "before": "自评价、第三方评价", "after": "自评价"}]
        assert row["before_document"] == "工信部节〔2024〕13号" and "第十条" in row["before_cite"]
        assert row["after_document"] == "工信厅节函〔2025〕390号" and "390号）二 (一)" in row["after_cite"]
    # 52 pairs of one rule added and removed before (issue 53): now the year's real changes and the rest apart
    assert sum(r["change"] in ("added", "removed") for r in rows) == 3  # the 2025 tables and 推荐范围 of 390号
    hubei = {(r["kind"], r["key"]): r for r in _rows(make_app("hubei"), "2024", "2025")}
    national = hubei[("evaluation_modes", "factory/national")]
    assert "鄂经信办节能〔2022〕8号" in national["before_document"] and national["before"]["allowed"] == "第三方评价"
    assert national["after"]["allowed"] == "自评价"


NUMBER = "绿制办〔2027〕3号"
TITLE = "关于组织开展2027年度绿色制造名单推荐工作的通知"
#: the condition each region's 2027 notice sets aside (tests/rounds/test_round_notice_2027.py says where each is set)
CONDITIONS = {"hubei": "hubei.city_opinion", "national": "national_needs_provincial"}


@pytest.mark.parametrize("region", list(CONDITIONS))
def test_two_years_list_what_a_notice_of_the_second_sets_with_its_number(make_app, tmp_path, region):
    app = make_app(region, GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"), GREENMFG_RULES_YEAR=2027)
    rules = app.extensions["greenmfg"].rules
    cities, counties = {}, {}
    if rules.admin_units:
        cities["city"] = sorted(rules.admin_units)[0]
    else:  # the Ministry's instance: provinces submit, entered by the administrator
        counties["city"] = ("national.demo_province", "示范省")
    rnd = rk.Round(app, region).setup(rk.bj(2027, 3, 1), cities=cities, pilot_counties=counties, applicants={})
    city, condition = rnd.unit_codes["city"], CONDITIONS[region]
    deadline = "province_recommendation"  # 办法 第十二条: 07-31 each year, the notice moves it
    before = _rows(app, "2026", "2027")
    assert not [r for r in before if r["notice"]]
    changes = [{"kind": "deadline", "key": deadline, "value": "2027-08-14", "article": "三"},
               {"kind": "quota", "key": f"{city}/factory", "value": 1, "article": "附件3"},
               {"kind": "condition", "key": condition, "value": False, "article": "二(一)"}]
    r = rnd.post("province", "/api/v1/campaigns/notice", rk.bj(2027, 3, 15), content_type="multipart/form-data",
                 data={"year": "2027", "level": "national", "unit_types": ["factory", "park"], "notice_no": NUMBER,
                       "notice_title": TITLE, "notice_issuer": "省工业和信息化厅", "notice_issued_on": "2027-03-10",
                       "rules": json.dumps(changes, ensure_ascii=False), "closes_at": rk.bj(2027, 5, 31, 17).isoformat(),
                       "file": (io.BytesIO(rk.pdf(2)), "2027年度通知.pdf")})
    assert r.status_code == 201, rk.show(r)
    round_id = r.get_json()["id"]

    rows = _rows(app, "2026", "2027")
    by_notice = {(r["kind"], r["key"]): r for r in rows if r["notice"]}
    assert set(by_notice) == {("deadline", deadline), ("quota", f"{city}/factory"), ("eligibility_rule", condition)}
    for row in by_notice.values():
        assert row["notice"] == NUMBER and row["round_id"] == round_id, row
        assert row["after_document"].startswith(NUMBER) and NUMBER in row["after_cite"], row
    moved = by_notice[("deadline", deadline)]
    assert moved["change"] == "changed" and (moved["before"]["date_in_year"], moved["after"]["date_in_year"]) == (
        "2026-07-31", "2027-08-14")
    assert "第十二条" in moved["before_cite"] and f"{NUMBER}）三" in moved["after_cite"]
    assert by_notice[("quota", f"{city}/factory")]["after"]["limit"] == "1"  # no quota before (or a unit entered)
    assert by_notice[("eligibility_rule", condition)]["changes"] == [{"field": "是否适用", "before": "是", "after": "否"}]
    # the rest of the comparison is the years' own, as before the round opened
    assert [r for r in rows if not r["notice"]] == before
    # the round itself against its year: the same three rules, set by the same notice (issue 43)
    own = _rows(app, "2027", f"round:{round_id}")
    assert {(r["kind"], r["key"]) for r in own if r["after_document"].startswith(NUMBER)} == set(by_notice)

    with rk.at(rk.bj(2027, 3, 20)):
        page = app.test_client().get("/rules/diff?a=2026&b=2027&lang=zh").get_data(as_text=True)
    section = page[page.index('class="diff-notice"'):]
    assert f"《{TITLE}》（{NUMBER}）" in section and section.count('class="diff-row notice"') == 3
    assert "2026-07-31 → 2027-08-14" in section


def test_the_command_and_the_page_show_the_same_rows_in_the_pages_language(make_app):
    app = make_app("national")
    rows = _rows(app, "2024", "2025")
    client = app.test_client()
    page = html.unescape(client.get("/rules/diff?a=2024&b=2025&lang=zh").get_data(as_text=True))
    assert "比较年度或批次" in page and "对比年度或批次" in page and "起始日" not in page
    for change in ("added", "removed", "changed", "status"):
        listed = [r for r in rows if r["change"] == change]
        assert page.count(f'class="diff-row {change}"') == len(listed), change
        for row in listed:
            assert row["rule"] in page
            for c in row["changes"]:
                assert f"{c['field']}</b>: {c['before']} → {c['after']}" in page, c
    status = page[page.index('class="diff-status"'):]
    assert "先于文件适用 → 现行有效" in status and 'class="diff-row changed"' not in status
    english = html.unescape(client.get("/rules/diff?a=2024&b=2025&lang=en").get_data(as_text=True))
    assert "Compared year or round" in english and "Against year or round" in english
    assert "Evaluation modes allowed</b>: Self-evaluation, Third-party evaluation → Self-evaluation" in english
    assert "evaluation_modes" not in english and "third_party" not in english  # names, never codes
