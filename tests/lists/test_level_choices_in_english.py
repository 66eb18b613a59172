"""English pages offer list levels in English (Hunan and Jiangxi walks): a city's *City list* page offered
"List level 市级" in its filter and in its decision form; the Chinese page keeps 市级."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "applications"))  # app_world.py

from app_world import build_world  # noqa: E402

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def world(make_app):
    return build_world(make_app("hunan", WTF_CSRF_ENABLED=False))


def _options(html: str, selector: str) -> list[str]:
    return [o.get_text(strip=True) for o in BeautifulSoup(html, "html.parser").select(selector)]


def test_city_list_page_offers_the_city_level_in_the_page_s_language(world):
    client = world.client("city_changsha")
    en = client.get("/city/lists?lang=en").get_data(as_text=True)
    offered = _options(en, "select[name=level] option")
    assert offered and "City level" in offered and not [o for o in offered if HAN.search(o)], offered
    zh = client.get("/city/lists?lang=zh").get_data(as_text=True)
    assert "市级" in _options(zh, "select[name=level] option")
