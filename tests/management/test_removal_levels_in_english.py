"""English pages offer list levels in English (Hunan and Jiangxi walks): *Removals* offered a city
"Lists (levels) 市级 国家级 省级" beside English labels; the Chinese page keeps 市级 / 省级 / 国家级."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "applications"))  # app_world.py

from app_world import build_world  # noqa: E402


@pytest.fixture
def world(make_app):
    return build_world(make_app("hunan", WTF_CSRF_ENABLED=False))


def test_removal_form_offers_the_levels_in_the_page_s_language(world):
    client = world.client("city_changsha")
    en = BeautifulSoup(client.get("/management/removals?lang=en").get_data(as_text=True), "html.parser")
    labels = [label.get_text(strip=True) for label in en.select("#f-levels label")]
    assert {"City level", "Provincial level", "National level"} <= set(labels), labels
    zh = BeautifulSoup(client.get("/management/removals?lang=zh").get_data(as_text=True), "html.parser")
    assert {"市级", "省级", "国家级"} <= {label.get_text(strip=True) for label in zh.select("#f-levels label")}
