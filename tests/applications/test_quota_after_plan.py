"""Hubei's 2026 recommendation page agrees with the dashboard on 附件3's targets (issue 42).

Seed 002 (002_9c75e1d2ebfbdf50.txt) 附件3 sets each city's targets for 2021-2025 (鄂州市: 绿色产品 5, 绿色工厂 3,
绿色供应链管理企业 1, no park target). In a 2026 round the city's dashboard showed those targets (the plan's last
figures) while the recommendation page read 无名额限制. The page now shows the plan's figure, a target, and that its
period has ended; a blank cell of 附件3 (鄂州's parks) still reads no quota.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py
import kit  # noqa: E402

from core.extensions import db  # noqa: E402
from core.models import Role  # noqa: E402

PASSWORD = "名额测试口令-2026-鄂州市"


def test_hubei_2026_recommendation_page_shows_the_ended_plans_targets(make_app):
    from core.accounts import services as accounts
    from core.applications import services

    app = make_app("hubei", WTF_CSRF_ENABLED=False)
    with app.app_context():
        ezhou = kit.unit("hubei", "hubei.ezhou", "鄂州市")
        c = kit.campaign("hubei", 2026, types=("product", "factory", "supply_chain", "park"))
        got = {t: services.quota_status(ezhou, t, 2026) for t in ("product", "factory", "supply_chain", "park")}
        assert {t: q["limit"] for t, q in got.items()} == {"product": 5, "factory": 3, "supply_chain": 1,
                                                           "park": None}
        assert got["factory"]["ended"] and got["factory"]["period"] == (2021, 2025)
        assert not got["factory"]["binding"]  # 预期目标: a target, never a ceiling
        in_plan = services.quota_status(ezhou, "factory", 2025)
        assert in_plan["limit"] == 3 and not in_plan["ended"]
        accounts.create_user(actor="test", username="ezhou", password=PASSWORD, role=Role.CITY,
                             admin_unit_id=ezhou.id, display_name="鄂州市经信局")
        db.session.commit()
        cid = c.id
    client = app.test_client()
    assert client.post("/login", data={"username": "ezhou", "password": PASSWORD}).status_code == 302
    page = client.get(f"/city/recommended?campaign={cid}&lang=zh").get_data(as_text=True)
    quotas = re.findall(r'<span class="quota[^"]*">(.*?)<span class="src">', page, re.S)
    assert len(quotas) == 4, quotas
    text = [re.sub(r"<[^>]+>|\s+", "", q) for q in quotas]
    assert "0/3" in text[1] and "目标期2021—2025年，已结束" in text[1], text
    assert "无名额限制" in text[3] and all("无名额限制" not in t for t in text[:3]), text
