"""Hunan's factory form heads its production fields with the document's whole phrase (issue 42: the 2026 form's
"2025年度预计…" fields sat under "生产及能源资源消费", a cut of the heading).

Seed 000_5ae1342e00264ea1.txt 附件1 (line 281): "2023 年度预计主要产品生产销售及能源资源消费情况" heads the products
table, 年能耗总量（万吨标煤） and 年用水总量（万立方米）; the fields name the year before the round (2025 in a 2026 round).
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import time_machine
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py
import kit  # noqa: E402
from core.accounts import services as accounts  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import AdminUnit, ApplicationStatus as S, Role  # noqa: E402
from core.services.admin_units import sync_admin_units  # noqa: E402

PASSWORD = "湖南生产情况测试口令-2026-长沙"


def test_the_production_section_reads_the_document_s_whole_heading(make_app, tmp_path):
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))
    with app.app_context():
        sync_admin_units("test")
        changsha = db.session.query(AdminUnit).filter_by(code="hunan.changsha").one()
        c = kit.campaign("hunan", year=2026)
        draft = kit.application(c, changsha, status=S.DRAFT, org=kit.organization(changsha, "长沙绿色电机有限公司"))
        accounts.create_user(username="hunan_ent", password=PASSWORD, display_name="长沙绿色电机有限公司",
                             role=Role.APPLICANT, actor="test", organization_id=draft.organization_id)
        db.session.commit()
        draft_id, opens = draft.id, c.opens_at
    with time_machine.travel(opens + dt.timedelta(days=1), tick=False):
        client = app.test_client()
        assert client.post("/login", data={"username": "hunan_ent", "password": PASSWORD}).status_code == 302
        pages = {lang: BeautifulSoup(client.get(f"/applications/{draft_id}/edit?lang={lang}").get_data(as_text=True),
                                     "html.parser") for lang in ("zh", "en")}
    section = pages["zh"].select_one("#section-production")
    assert section.select_one("legend").get_text(strip=True) == "主要产品生产销售及能源资源消费情况"
    labels = [re.sub(r"\s*\*$", "", label.get_text(" ", strip=True)) for label in section.select("label")]
    assert "2025年度预计年能耗总量（万吨标煤）" in labels and "2025年度预计年用水总量（万立方米）" in labels, labels
    legend = pages["en"].select_one("#section-production legend").get_text(strip=True)
    assert legend == "Production and sales of the main products, energy and resource use"
