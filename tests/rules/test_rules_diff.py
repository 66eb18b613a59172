"""Comparing rules (issue 43): ``greenmfg rules diff A B`` and the page /rules/diff show what changed between two
years, a round opened from its notice and its year, or the region and the national rules, each rule with its source;
both read the resolver the services apply.

- 2024 → 2025 in Hunan: the province's recommendation to the Ministry is due 07-31 in 2024 (《绿色工厂梯度培育及管理暂行
  办法》 第十二条, platform's reading) and 11-07 in 2025 (seed 001, 工信厅节函〔2025〕390号 三: "于 2025 年 11 月 7 日前").
- hunan@2025 → national@2025: Hunan's 14 市州 (seed 000) are the province's, not the Ministry's.
"""
from __future__ import annotations

import json

import pytest

from core.cli import cli


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
