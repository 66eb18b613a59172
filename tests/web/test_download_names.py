"""Downloads are named for people (Jiangxi and Hunan walks): the city's summary table came as
``summary-2026-jiangxi.ganjiang_new_area.xlsx`` and the province's recommendation as
``recommendation-shanxi-2025-v1.json``, internal codes in both. They are named by what they are and whose, in the
page's language (汇总表-2024-赣江新区.xlsx, Recommendation-Shanxi-2025-v1.json); a name that is not ASCII goes out as
RFC 5987 ``filename*`` beside an ASCII ``filename``."""
from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from urllib.parse import unquote


sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "applications"))  # app_world.py
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py
import kit  # noqa: E402
from app_world import build_world, open_campaign  # noqa: E402
from helpers import new_signing_key  # noqa: E402


def _download_name(response) -> str:
    """The file name a browser saves: ``filename*`` (RFC 5987) where given, else ``filename``."""
    header = response.headers["Content-Disposition"]
    assert header.startswith("attachment"), header
    extended = re.search(r"filename\*=UTF-8''([^;\s]+)", header)
    if extended:
        assert re.search(r'(^|;\s*)filename="?[\x20-\x7e]*"?(;|$)', header), header  # an ASCII fallback too
        return unquote(extended.group(1))
    return re.search(r'filename="?([^";]+)"?', header).group(1)


def test_city_summary_table_is_named_by_its_city_in_the_page_s_language(make_app):
    app = make_app("jiangxi", WTF_CSRF_ENABLED=False)
    world = build_world(app, units=("ganjiang_new_area",))
    campaign_id = open_campaign(app, year=2024)
    city = world.client("city_ganjiang_new_area")
    zh = city.get(f"/city/summary.xlsx?campaign={campaign_id}&lang=zh")
    assert zh.status_code == 200 and zh.data[:2] == b"PK"
    assert _download_name(zh) == "汇总表-2024-赣江新区.xlsx"
    assert "no-store" in zh.headers["Cache-Control"] and zh.headers["X-Content-Type-Options"] == "nosniff"
    en = city.get(f"/city/summary.xlsx?campaign={campaign_id}&lang=en")
    assert _download_name(en) == "Summary table-2024-赣江新区.xlsx"  # units have no English names
    working = city.get(f"/city/summary.xlsx?campaign={campaign_id}&drafts=1&lang=zh")
    assert _download_name(working) == "汇总表-2024-赣江新区-工作底稿.xlsx"
    # the JSON API names the same file alike (a client saving it reads the same name)
    api = world.api("city_ganjiang_new_area").get(f"/api/v1/summary?campaign_id={campaign_id}",
                                                   headers={"Accept-Language": "zh"})
    assert api.status_code == 200 and api.data[:2] == b"PK"
    assert _download_name(api) == "汇总表-2024-赣江新区.xlsx"
    for response in (zh, en, working, api):
        assert "ganjiang_new_area" not in response.headers["Content-Disposition"]


def test_recommendation_files_are_named_by_the_region(make_app):
    from core.accounts import services as accounts
    from core.extensions import db
    from core.lists import recommend
    from core.models import ApplicationStatus as S, ListEntry, Role

    app = make_app("shanxi", GREENMFG_REVIEW_MIN_EXPERTS=1, GREENMFG_RECOMMENDATION_KEY=new_signing_key(),
                   WTF_CSRF_ENABLED=False)
    with app.app_context():
        c = kit.campaign("shanxi")
        a = kit.application(c, kit.unit("shanxi"))
        kit.panel(a, [90], [kit.expert("专家甲", "shanxi", unit_=kit.unit("shanxi"))])
        db.session.add(ListEntry(organization_id=a.organization_id, unit_type="factory", level="provincial",
                                 year=2025, status="listed", listed_on=dt.date(2025, 10, 20)))
        a.status = S.LISTED
        rec = recommend.recommendation_for(2025, "prov", create=True)
        recommend.set_consulted("prov", rec, ["ecology_environment", "emergency_management", "market_regulation"])
        recommend.add("prov", rec, a, at=kit.beijing(dt.date(2025, 10, 25)))
        recommend.export("prov", rec, at=kit.beijing(dt.date(2025, 10, 25)))
        prov = accounts.create_user(username="prov", password="下载文件名测试口令-2025", display_name="prov",
                                    role=Role.PROVINCE, actor="t")
        token, _ = accounts.create_token(prov, "test")
        db.session.commit()
        version = rec.version
    client = app.test_client()
    assert client.post("/login", data={"username": "prov", "password": "下载文件名测试口令-2025"}).status_code == 302
    document = client.get("/province/recommendation/2025.json?lang=zh")
    assert document.status_code == 200 and document.get_json()["items"][0]["tier"] == "A"
    assert _download_name(document) == f"推荐名单-山西省-2025-v{version}.json"
    sheet = client.get("/province/recommendation/2025.xlsx?lang=en")
    assert sheet.status_code == 200 and sheet.data[:2] == b"PK"
    assert _download_name(sheet) == f"Recommendation-Shanxi-2025-v{version}.xlsx"
    api = app.test_client().get("/api/v1/recommendations/2025/export?format=xlsx",
                     headers={"Authorization": f"Bearer {token}", "Accept-Language": "zh"})
    assert api.status_code == 200 and api.data[:2] == b"PK"
    assert _download_name(api) == f"推荐名单-山西省-2025-v{version}.xlsx"
