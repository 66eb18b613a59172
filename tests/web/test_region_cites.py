"""A region's pages cite no other province's document as the region's rule, and its front page reads in English.

The Hubei walk (/tmp/walk_hubei, 7 and 6b) found the front page's 2026-04-15 row citing Shanxi's 细则
(晋工信节能规字〔2024〕3号 第十八条), every negative-list item citing Hunan's notice on the 2025 national
recommendation under the Ministry's name, and the evaluator's cap table citing Jiangxi's 赣工信办节能函〔2024〕20号.
National's rules apply on every instance: each cites a national document (《绿色工厂梯度培育及管理暂行办法》
工信部节〔2024〕13号, or 工信厅节函〔2025〕390号, which seed 001 encloses as its 附件1). A province's document appears
on another province's page only inside a platform inference's cite ("平台推断（…参照省级文件）：…", domain.md
Part C), never as the rule's source. Shanxi restates the rules its own 细则 sets (第十八条, 第二十一条) with its cite.
"""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from core.plugins.citations import readable_cite
from core.plugins.types import Level

#: how each province's documents read in a cite (its 文号, or the issuer where the notice has none)
MARKS = {"hunan": ("湖南省工业和信息化厅",), "hubei": ("鄂经信办节能",), "jiangxi": ("赣工信办节能函",),
         "shanxi": ("晋工信节能规字",)}
BANFA = "《绿色工厂梯度培育及管理暂行办法》(工信部节〔2024〕13号)"
REGIONS = ("hubei", "jiangxi", "hunan", "shanxi")


def _foreign(region: str) -> tuple[str, ...]:
    return tuple(mark for other, marks in MARKS.items() if other != region for mark in marks)


def _cited_as_rule(region: str, text: str) -> list[str]:
    """The parts of a readable cite naming another province's document outside a platform inference."""
    return [part for part in re.split(r"[；;]", text)
            if any(mark in part for mark in _foreign(region)) and "平台推断" not in part.split("《")[0]]


@pytest.mark.parametrize("region", REGIONS)
def test_no_rule_of_the_region_cites_another_province_s_document_as_its_own(make_app, region):
    app = make_app(region)
    with app.app_context():
        rules = app.extensions["greenmfg"].rules
        wrong = []
        for year in (2024, 2025, 2026):
            for kind, key, record in rules.effective_rules(year):
                wrong += [(kind, key, part) for part in _cited_as_rule(region, readable_cite(getattr(record, "cite", "")))]
        assert not wrong
        # the negative list the form shows and the evaluator's cap table cite the Ministry's 办法
        for unit_type in rules.unit_types:
            for level in Level:
                for item in rules.negative_list_for(unit_type, level, 2026):
                    if item.source == "national":
                        assert readable_cite(item.cite).startswith(f"{BANFA} 第十五条"), item.code
            for cap in rules.evaluator_caps(unit_type, Level.NATIONAL):
                if cap.source == "national":
                    assert readable_cite(cap.cite).startswith(f"{BANFA} 第二十条")
                    assert "赣工信办" not in readable_cite(cap.cite)


@pytest.mark.parametrize("region", ["hubei", "jiangxi"])
def test_front_page_and_rules_page_cite_the_region_s_or_the_ministry_s_documents(make_app, region):
    app = make_app(region)
    client = app.test_client()
    for url in ("/?year=2026", "/?year=2025", "/rules?year=2026", "/rules?year=2025"):
        soup = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
        cites = [c.get_text(" ", strip=True) for c in soup.select(".cite")]
        assert cites, url
        assert not [part for cite in cites for part in _cited_as_rule(region, cite)], url
    home = BeautifulSoup(client.get("/?year=2026").get_data(as_text=True), "html.parser")
    row = next(tr for tr in home.select("tr") if "2026-04-15" in tr.get_text())
    assert "绿色制造名单单位填报年度动态管理表" in row.get_text()
    # the page writes the document's number and the article's date in the document's full-width brackets, and says
    # the platform ships no copy of the 办法 (issue 43)
    assert row.select_one(".cite").get_text(strip=True) == (
        "《绿色工厂梯度培育及管理暂行办法》（工信部节〔2024〕13号）第十六条（每年4月15日前填报动态管理表）（本平台未收录原文）")
    assert "晋工信" not in row.get_text() and "工业和信息化部" in row.select_one(".src").get_text()


def test_shanxi_cites_its_own_articles_for_the_rules_its_detailed_rules_set(make_app):
    app = make_app("shanxi")
    with app.app_context():
        rules = app.extensions["greenmfg"].rules
        dynamic = rules.deadlines["dynamic_filing"]
        assert dynamic.source == "shanxi" and dynamic.for_year(2026).isoformat() == "2026-04-15"
        assert readable_cite(dynamic.cite).startswith("《绿色工厂梯度培育及管理实施细则》（晋工信节能规字〔2024〕3号）第十八条")
        for code in ("negative_list_event", "not_filed", "major_accident"):
            sanction = rules.sanctions[code]
            assert sanction.source == "shanxi" and "第二十一条" in readable_cite(sanction.cite)
            assert "平台推断" not in readable_cite(sanction.cite)
        assert rules.sanctions["major_accident"].all_levels


@pytest.mark.parametrize("region", ["hubei", "hunan", "jiangxi", "shanxi"])
def test_front_page_tasks_are_english_in_english_mode(make_app, region):
    app = make_app(region)
    client = app.test_client()
    with app.app_context():
        deadlines = list(app.extensions["greenmfg"].rules.deadlines.values())
    assert all(d.title_en for d in deadlines), [d.code for d in deadlines if not d.title_en]
    for year in (2024, 2025, 2026):
        soup = BeautifulSoup(client.get(f"/?year={year}&lang=en").get_data(as_text=True), "html.parser")
        tables = [t for t in soup.select("section table") if "What is due" in t.select_one("thead").get_text()]
        tasks = [tr.select("td")[-3].get_text(strip=True) for t in tables for tr in t.select("tbody tr")
                 if len(tr.select("td")) >= 4]
        assert tasks, year
        assert not [t for t in tasks if re.search(r"[\u4e00-\u9fff]", t)], (year, tasks)
    soup = BeautifulSoup(client.get("/?year=2026&lang=en").get_data(as_text=True), "html.parser")
    assert "Listed units file the annual dynamic-management table" in soup.get_text()
    zh = client.get("/?year=2026&lang=zh").get_data(as_text=True)
    assert "绿色制造名单单位填报年度动态管理表" in zh
