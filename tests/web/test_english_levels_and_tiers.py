"""English pages name list levels and grades in English (Shanxi walk, /tmp/walk_shanxi 4 and 5): the public lists'
*List level* filter offered "市级 / 国家级 / 省级" beside a table saying "National level", the rules page listed
the levels in Chinese, and the front page's Tiers column read "A级: 85.0+ B级: 70.0–85.0 C级…"."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup
from flask_babel import force_locale

from core.kernel.names import tier_name

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_public_lists_level_filter_reads_in_the_page_s_language(make_app):
    client = make_app("shanxi").test_client()
    soup = BeautifulSoup(client.get("/public/lists?lang=en").get_data(as_text=True), "html.parser")
    offered = [o.get_text(strip=True) for o in soup.select("#f-level option")]
    assert offered == ["All", "City level", "Provincial level", "National level"]
    soup = BeautifulSoup(client.get("/public/lists?lang=zh").get_data(as_text=True), "html.parser")
    assert [o.get_text(strip=True) for o in soup.select("#f-level option")][1:] == ["市级", "省级", "国家级"]


def test_rules_page_names_list_levels_in_english(make_app):
    client = make_app("shanxi").test_client()
    soup = BeautifulSoup(client.get("/rules?year=2026&lang=en").get_data(as_text=True), "html.parser")
    values = [tr.select_one("td.value").get_text(" ", strip=True) for tr in soup.select("#rules tbody tr")]
    assert {"City level", "Provincial level", "National level"} <= set(values)
    assert not {"市级", "省级", "国家级"} & set(values)


def test_front_page_tiers_read_grade_a_in_english_and_a_ji_in_chinese(make_app):
    client = make_app("shanxi").test_client()
    en = BeautifulSoup(client.get("/?year=2026&lang=en").get_data(as_text=True), "html.parser")
    tiers = [t.get_text(strip=True) for t in en.select(".tier")]
    assert tiers and all(t.startswith("Grade ") for t in tiers), tiers
    assert not [t for t in tiers if HAN.search(t)]
    zh = BeautifulSoup(client.get("/?year=2026&lang=zh").get_data(as_text=True), "html.parser")
    assert [t.get_text(strip=True) for t in zh.select(".tier")][0].startswith("A级")


def test_tier_name_reads_a_code_or_a_stored_label_in_the_page_s_language(make_app):
    app = make_app("shanxi")
    with app.test_request_context("/"):
        with force_locale("en"):
            assert tier_name("A", "factory", "provincial") == "Grade A"
            assert tier_name("B级") == "Grade B"
            assert tier_name(None) == "—"
        with force_locale("zh"):
            assert tier_name("C", "factory", "provincial") == "C级"
