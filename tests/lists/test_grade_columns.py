"""A grade (等级) column only where the region grades (issue 42: "—" grade columns in Hubei, which has no grades).

Hubei's 实施方案 (seed 002_9c75e1d2ebfbdf50.txt, 鄂经信办节能〔2022〕8号) reviews and recommends without grades: its
province's review queue, national recommendation and notice pages show no 等级 column. Shanxi grades A/B/C (seed
004_7a8ddd82f611ab67.txt 第十四条, B or better for national recommendation) and keeps the column.
"""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from core.accounts import services as accounts
from core.extensions import db
from core.models import Role

PASSWORD = "等级列测试口令-2026-绿色工厂"


def _headers(app, url: str, table: str, lang: str) -> list[str]:
    client = app.test_client()
    assert client.post("/login", data={"username": "prov", "password": PASSWORD}).status_code == 302
    soup = BeautifulSoup(client.get(f"{url}{'&' if '?' in url else '?'}lang={lang}").get_data(as_text=True),
                         "html.parser")
    found = soup.select_one(f"table#{table}")
    assert found is not None, (url, table)
    return [th.get_text(strip=True) for th in found.select("th")]


@pytest.mark.parametrize("region, grades", [("hubei", False), ("shanxi", True)])
def test_grade_columns_only_where_the_region_grades(make_app, region, grades):
    app = make_app(region, WTF_CSRF_ENABLED=False)
    with app.app_context():
        accounts.create_user(username="prov", password=PASSWORD, display_name="省厅", role=Role.PROVINCE, actor="t")
        db.session.commit()
    for lang, label in (("zh", "等级"), ("en", "Tier")):
        for url, table in (("/review?year=2026", "review-queue"), ("/province/recommendation?year=2026", "recommended")):
            headers = _headers(app, url, table, lang)
            assert (label in headers) is grades, (region, url, headers)
            assert "Panel score" in headers or "专家评审得分" in headers, headers
    if not grades:  # an empty table says so across all its columns
        page = app.test_client()
        assert page.post("/login", data={"username": "prov", "password": PASSWORD}).status_code == 302
        html = page.get("/review?year=2026&lang=zh").get_data(as_text=True)
        assert re.search(r'<td colspan="9">', html), "the empty queue's row spans its 9 columns"
