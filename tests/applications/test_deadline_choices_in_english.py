"""English pages name a campaign's deadlines in English (Hunan and Jiangxi walks): a round's page offered
"Change a deadline" with the plugin's Chinese titles (绿色制造名单单位填报年度动态管理表, 省级主管部门向工业和信息化部报送推荐名单)
on an English page; the Chinese page keeps them."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from app_world import build_world, open_campaign

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def world(make_app):
    return build_world(make_app("hunan", WTF_CSRF_ENABLED=False))


def _options(html: str) -> list[str]:
    return [o.get_text(strip=True) for o in BeautifulSoup(html, "html.parser").select("select[name=code] option")]


def test_change_a_deadline_names_each_deadline_in_the_page_s_language(world):
    campaign_id = open_campaign(world.app, level="national")
    province = world.client("province")
    en = _options(province.get(f"/province/campaigns/{campaign_id}?lang=en").get_data(as_text=True))
    assert "The provincial department reports its recommendations to the Ministry" in en, en
    assert not [o for o in en if HAN.search(o)], en
    zh = _options(province.get(f"/province/campaigns/{campaign_id}?lang=zh").get_data(as_text=True))
    assert "省级主管部门向工业和信息化部报送推荐名单" in zh, zh
