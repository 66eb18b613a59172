"""Grades read in the page's language (Shanxi walk 5): the review queue's Tier column, the grading line and the
panel result showed "A级 / B级 / C级" on English pages; they read "Grade A" there (the plugin's ``label_en``) and
stay A级 in Chinese (晋工信节能规字〔2024〕3号 第十四条: A级 85 分以上, C级不予推荐)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parent))  # kit.py
import kit  # noqa: E402
from core.accounts import services as accounts  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Role  # noqa: E402

PASSWORD = "等级名称测试口令-2026-绿色工厂"


def test_review_queue_and_page_name_the_grade_in_the_page_s_language(make_app):
    app = make_app("shanxi", GREENMFG_REVIEW_MIN_EXPERTS=1)
    with app.app_context():
        c = kit.campaign("shanxi")
        a = kit.application(c, kit.unit("shanxi"))
        kit.panel(a, [90], [kit.expert("专家甲", "shanxi", unit_=kit.unit("shanxi"))])
        accounts.create_user(username="prov", password=PASSWORD, display_name="prov", role=Role.PROVINCE, actor="t")
        db.session.commit()
        app_id = a.id
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"username": "prov", "password": PASSWORD, "csrf_token": token}).status_code == 302
    for lang, grade, others in (("en", "Grade A", ("Grade B", "Grade C")), ("zh", "A级", ("B级", "C级"))):
        queue = BeautifulSoup(client.get(f"/review?lang={lang}").get_data(as_text=True), "html.parser")
        assert queue.select_one(f"#queue-{app_id}").select("td")[-1].get_text(strip=True) == grade, lang
        page = BeautifulSoup(client.get(f"/review/applications/{app_id}?lang={lang}").get_data(as_text=True),
                             "html.parser")
        assert grade in page.select_one("#panel-result").get_text(" ", strip=True), lang
        tiers = [t.get_text(strip=True) for t in page.select(".tier")]
        assert all(any(t.startswith(g) for t in tiers) for g in (grade, *others)), (lang, tiers)
        if lang == "en":
            assert not [t for t in tiers if "级" in t]
            assert "级" not in page.select_one("#panel-result").get_text()
