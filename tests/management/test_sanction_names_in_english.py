"""Removal and ban reasons read in the page's language (English walk of the demos): the *Removals* and *Bans*
forms offered the sanctions in Chinese on English pages, with the source's English name in full-width brackets
("数据或材料造假：从各级名单移出，三年内禁止再次申报（Ministry of Industry and Information Technology）").
Each sanction now has its English title (``Sanction.title_en``), the source in the page's own brackets; the
Chinese page is unchanged. The fraud sanction: 工信厅节函〔2025〕390号 三 (seed 001 附件1: 从名单中移出，并禁止三年内
再次申报)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "applications"))  # app_world.py

from app_world import build_world  # noqa: E402

CJK = re.compile(r"[\u3400-\u9fff]")
FRAUD_EN = ("Falsified data or materials: removed from the lists at every level, barred from applying again "
            "for three years (Ministry of Industry and Information Technology)")
FRAUD_ZH = "数据或材料造假：从各级名单移出，三年内禁止再次申报（工业和信息化部）"


@pytest.fixture
def world(make_app):
    return build_world(make_app("hunan", WTF_CSRF_ENABLED=False))


def _options(client, path: str, form_id: str) -> list[str]:
    page = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
    return [o.get_text(strip=True) for o in page.select(f"#{form_id} select[name=sanction] option")
            if o.get("value")]


def test_removal_and_ban_forms_name_sanctions_in_english(world):
    province = world.client("province")
    for path, form_id in (("/management/removals?lang=en", "propose-form"),
                          ("/management/removals?lang=en", "immediate-form"),
                          ("/management/bans?lang=en", "ban-form")):
        options = _options(province, path, form_id)
        assert options, (path, form_id)
        chinese = [o for o in options if CJK.search(o) or "（" in o]
        assert not chinese, (form_id, chinese)
    assert FRAUD_EN in _options(province, "/management/removals?lang=en", "propose-form")
    assert FRAUD_EN in _options(province, "/management/bans?lang=en", "ban-form")
    assert any(o.startswith("A major or more serious safety or quality accident") and
               o.endswith("(Ministry of Industry and Information Technology)")
               for o in _options(province, "/management/removals?lang=en", "immediate-form"))


def test_chinese_pages_keep_the_document_s_titles(world):
    province = world.client("province")
    assert FRAUD_ZH in _options(province, "/management/removals?lang=zh", "propose-form")
    assert FRAUD_ZH in _options(province, "/management/bans?lang=zh", "ban-form")


def test_every_sanction_of_the_plugins_has_english(make_app):
    for region in ("hunan", "hubei", "jiangxi", "shanxi", "national"):
        app = make_app(region)
        sanctions = app.extensions["greenmfg"].rules.sanctions.values()
        missing = [s.code for s in sanctions if not s.title_en or CJK.search(s.title_en)]
        assert not missing, (region, missing)
