"""A moved deadline is shown with the document's date beside it where the applicant acts, and the API gives the
moved instant to the minute (issue 42 leftovers).

* Hunan 2025 national round (seed 001_3f04a56fc6693327.txt 三, line 25: 新申报单位 10月27日（周一）前完成申报填报;
  ``hunan.applicant_filing``): the province moves the applicants' deadline to 2025-10-29 17:00; the
  applicant's application page reads 2025-10-29 17:00 and, beside it, 原定 2025-10-27 24:00 with the notice (Hunan's,
  which gives no 文号: its title and issuer) and article (三), in Chinese and in English.
* Jiangxi 2024 (seed 003_a3fa60aeba77aa34.txt; 办法 第十二条 07-31): the province → MIIT step moved to 2026-12-20
  17:00 was answered by the API as the day "2026-12-20" only; ``deadline_at`` now gives
  "2026-12-20T17:00:00+08:00", in the state and in the signed file, and the OpenAPI document says so.
"""
from __future__ import annotations

import re

import pytest
import round_kit as rk
from helpers import new_signing_key
from round_kit import bj, show
from test_hunan_2025_national_round import national_body
from test_moved_deadlines import BOTH, _body, _move, _new_token, _open_round, _page, rnd  # noqa: F401 (fixture)


@pytest.fixture
def hunan(make_app, tmp_path):
    app = make_app("hunan", GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"), GREENMFG_REVIEW_MIN_EXPERTS=3,
                   GREENMFG_RECOMMENDATION_KEY=new_signing_key(), WTF_CSRF_ENABLED=False)
    return rk.Round(app, "hunan").setup(bj(2025, 9, 28, 9), cities={"changsha": "hunan.changsha"},
                                        applicants={"changsha_new": ("changsha", "长沙新申报电子有限公司")})


def _deadline_of(page: str) -> str:
    shown = re.search(r'id="deadline">(.*?)</(?:dd|p)>', page, re.DOTALL).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", shown)).strip()


def test_the_applicant_sees_the_moved_deadline_beside_the_documents(hunan):
    r = hunan.post("province", "/api/v1/campaigns", bj(2025, 9, 30),
                   json={"year": 2025, "level": "national", "unit_types": ["factory"]})
    assert r.status_code == 201, show(r)
    campaign = r.get_json()["id"]
    app_id = hunan.apply("changsha_new", campaign, "factory", national_body(hunan), bj(2025, 10, 15), submit=False)
    page = _page(hunan, "ent_changsha_new", f"/applications/{app_id}/edit?lang=zh", bj(2025, 10, 16))
    assert "原定" not in _deadline_of(page), "a deadline nobody moved says nothing more"

    _move(hunan, campaign, "closes_at", "2025-10-29T17:00", "系统升级顺延两日", bj(2025, 10, 20))
    for url in (f"/applications/{app_id}/edit", f"/applications/{app_id}"):
        zh = _deadline_of(_page(hunan, "ent_changsha_new", f"{url}?lang=zh", bj(2025, 10, 28)))
        assert zh.startswith("2025-10-29 17:00"), zh
        assert "（原定2025-10-27 24:00 《关于开展2025年度国家级绿色制造单位推荐工作的通知》" in zh, zh
        assert "三（10月27日（周一）前完成申报填报）" in zh, zh
        assert "省厅已调整：系统升级顺延两日）" in zh, zh
        en = _deadline_of(_page(hunan, "ent_changsha_new", f"{url}?lang=en", bj(2025, 10, 28)))
        assert en.startswith("2025-10-29 17:00"), en
        assert "(originally 2025-10-27 24:00 《关于开展2025年度国家级绿色制造单位推荐工作的通知》" in en, en
        assert "moved by the province: 系统升级顺延两日)" in en, en
    # and the move is honoured: the applicant submits on 10-29 at 16:30
    r = hunan.post("changsha_new", f"/api/v1/applications/{app_id}/submit", bj(2025, 10, 29, 16, 30))
    assert r.status_code == 200 and r.get_json()["status"] == "submitted", show(r)


def test_the_api_gives_the_moved_recommendation_deadline_to_the_minute(rnd):  # noqa: F811 (the imported fixture)
    campaign = _open_round(rnd)
    app_id = rnd.apply("new_a", campaign, "factory", _body(rnd), bj(2024, 5, 10), evidence={"evaluation_report": 20})
    r = rnd.post("city_nanchang", f"/api/v1/applications/{app_id}/recommend", bj(2024, 5, 20),
                 json={"acknowledge_warnings": True, "consulted_departments": rk.CONSULTED, "levels": BOTH})
    assert r.status_code == 200, show(r)
    rnd.expert_review(app_id, [88, 90, 92], bj(2024, 6, 15))
    r = rnd.post("province", "/api/v1/list-decisions", bj(2024, 6, 28, 15),
                 json={"level": "provincial", "year": 2024, "document_no": "赣工信节能字〔2024〕88号",
                       "published_on": "2024-06-28", "title": "2024年度省级绿色制造名单", "application_ids": [app_id]})
    assert r.status_code == 201, show(r)
    r = rnd.post("province", "/api/v1/recommendations/2024/items", bj(2024, 7, 10),
                 json={"application_id": app_id, "acknowledge_warnings": True})
    assert r.status_code == 201, show(r)
    state = rnd.get("province", "/api/v1/recommendations/2024", bj(2024, 7, 10)).get_json()["recommendation"]
    # the document's date: 07-31 at 24:00 Beijing time, the instant 08-01 00:00
    assert state["deadline"] == "2024-07-31" and state["deadline_at"] == "2024-08-01T00:00:00+08:00", state

    _new_token(rnd, "province", "province_staff", bj(2026, 11, 25))
    _move(rnd, campaign, "province_recommendation", "2026-12-20T17:00", "工信部通知延期报送", bj(2026, 11, 25))
    state = rnd.get("province", "/api/v1/recommendations/2024", bj(2026, 12, 1)).get_json()["recommendation"]
    assert state["deadline"] == "2026-12-20" and state["deadline_at"] == "2026-12-20T17:00:00+08:00", state
    r = rnd.post("province", "/api/v1/recommendations/2024/export", bj(2026, 12, 20, 16, 45))
    assert r.status_code == 200, show(r)
    assert r.get_json()["deadline_at"] == "2026-12-20T17:00:00+08:00", r.get_json()
    # the table for people shows the moved deadline to the minute, as the pages do
    import io

    import openpyxl

    from core.lists import recommend

    with rnd.app.app_context():
        sheet = openpyxl.load_workbook(io.BytesIO(recommend.xlsx(r.get_json()))).active
        header = {row[0]: row[1] for row in sheet.iter_rows(max_row=8, values_only=True)}
    assert header["截止时间"] == "2026-12-20 17:00", header

    spec = rnd.app.test_client().get("/api/openapi.json").get_json()["components"]["schemas"]
    for name in ("Recommendation", "RecommendationDocument"):
        field = spec[name]["properties"]["deadline_at"]
        assert field["format"] == "date-time" and "+08:00" in field["description"], (name, field)
    assert "deadline_at" in spec["Recommendation"]["required"]


def test_the_home_pages_deadlines_are_the_ones_the_rounds_apply(rnd):  # noqa: F811 (the imported fixture)
    """What the platform shows is what it applies (issue 42): the home page's table of the year's deadlines read
    07-31 (办法 第十二条; Jiangxi 2024, seed 003_a3fa60aeba77aa34.txt) after the province had moved the step to MIIT
    on its round; the step and the recommendation page enforced the move. Now the table gives the moved instant,
    with the document's date beside it, in both languages; a deadline nobody moved keeps the document's day."""
    from bs4 import BeautifulSoup

    def row(lang: str, title: str) -> str:
        page = _page(rnd, "province_staff", f"/?year=2024&lang={lang}", bj(2026, 11, 25, 9))
        cells = next(tr for tr in BeautifulSoup(page, "html.parser").select("tr:has(span.src)")  # the year's table
                     if title in tr.get_text())
        return re.sub(r"\s+", " ", cells.get_text(" ")).strip()

    campaign = _open_round(rnd)
    assert row("zh", "报送推荐名单").startswith("2024-07-31 "), row("zh", "报送推荐名单")
    _move(rnd, campaign, "province_recommendation", "2026-12-20T17:00", "工信部通知延期报送", bj(2026, 11, 25))
    zh = row("zh", "报送推荐名单")
    assert zh.startswith("2026-12-20 17:00"), zh
    assert "原定2024-07-31 24:00" in zh and "第十二条" in zh and "工信部通知延期报送" in zh, zh
    en = row("en", "to the Ministry")
    assert en.startswith("2026-12-20 17:00") and "originally 2024-07-31 24:00" in en, en
    with rnd.app.app_context():
        from core.services.deadlines import recommendation_deadline

        assert recommendation_deadline(2024).instant == "2026-12-20T17:00:00+08:00"  # what the step applies
