"""Issue 17: the JSON API accepts the industries of the application's round (``gm_policy_industries``).

Seed 003_a3fa60aeba77aa34.txt (赣工信办节能函〔2024〕20号) 二（一）: 已发布绿色工厂评价行业标准的，按照相关行业标准要求进行
评价，其他行业依据《绿色工厂评价通则》（GB/T 36132）进行评价 — a Jiangxi 2024 factory of any industry applies, and the
附件 table has a free 行业 column. A Hunan round (seed 000 附件1 注1) offers its 11 industries only.
"""
from __future__ import annotations

import re

import api_kit as kit
from helpers import seed_text, with_tag

FREE_INDUSTRY = "锂电池正极材料制造"  # none of the registered industries


def _draft(app, people, year: int, level: str) -> tuple[int, dict]:
    from core.accounts import services as accounts
    from core.applications import services
    from core.extensions import db
    from core.models import User

    with app.app_context():
        user = db.session.get(User, people.user_ids["applicant"])
        token, _ = accounts.create_token(user, "industry test")
        campaign = services.open_campaign(actor="test", year=year, level=level, unit_types=["factory"],
                                          closes_at=kit.bj(2099, 12, 31))
        a = services.start_application(user, campaign, "factory")
        db.session.commit()
        return a.id, {"Authorization": f"Bearer {token}"}


def test_jiangxi_2024_factory_names_any_industry_through_the_api(make_app):
    text = re.sub(r"\s+", "", seed_text("003_a3fa60aeba77aa34.txt"))
    assert "其他行业依据《绿色工厂评价通则》（GB/T36132）进行评价" in text
    app = make_app("jiangxi", GREENMFG_RULES_YEAR=2024)
    people = kit.people(app, experts=0)
    assert FREE_INDUSTRY not in {i.name for i in app.extensions["greenmfg"].rules.industries.values()}
    app_id, headers = _draft(app, people, 2024, "national")
    client = app.test_client()
    r = with_tag(client, "patch", f"/api/v1/applications/{app_id}", json={"industry": FREE_INDUSTRY}, headers=headers)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["industry"] == FREE_INDUSTRY
    assert client.get(f"/api/v1/applications/{app_id}", headers=headers).get_json()["industry"] == FREE_INDUSTRY


def test_hunan_round_refuses_an_industry_outside_its_list(make_app):
    """000 附件1 注1: 行业 — 有色金属、冶金、建材、化工、机械、汽车、电子、轻工、食品、生物医药、其它."""
    assert "生物医药" in seed_text("000_5ae1342e00264ea1.txt")
    app = make_app("hunan")
    people = kit.people(app, experts=0, division="430100")
    app_id, headers = _draft(app, people, 2024, "provincial")
    client = app.test_client()
    r = with_tag(client, "patch", f"/api/v1/applications/{app_id}", json={"industry": FREE_INDUSTRY}, headers=headers)
    assert r.status_code == 422, r.get_json()
    body = r.get_json()
    assert body["code"] == "invalid_input" and "industry" in [e["field"] for e in body["errors"]]
    assert "行业" in body["message_zh"] and FREE_INDUSTRY in body["message_zh"] and "2024" in body["message_zh"]
    assert "industry" in body["message_en"].lower() and "2024" in body["message_en"]
    hunan_industry = next(iter(app.extensions["greenmfg"].rules.industry_choices("factory", 2024).codes), None) \
        or sorted(app.extensions["greenmfg"].rules.industries)[0]
    r = with_tag(client, "patch", f"/api/v1/applications/{app_id}", json={"industry": hunan_industry}, headers=headers)
    assert r.status_code == 200 and r.get_json()["industry"] == hunan_industry, r.get_json()
