"""The city's 推荐文件 for a round (issue 43).

Source: 003_a3fa60aeba77aa34.txt 一 (江西省 2024年度国家级绿色制造名单推荐暨省级绿色制造名单遴选): "各地市对申报材料
进行评估确认，于2024年5月27日前将推荐文件、推荐汇总表（见附件）、推荐项目评价报告（PDF格式电子件）报送省工业和
信息化厅". The city uploads its recommendation document (one PDF per city and round, checked like evidence) beside
its summary table; the province sees and downloads each city's file on its page of the round, and a city that
recommended without one is marked as missing it; a city cannot read another city's file.
"""
from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import pytest
from app_world import build_world, pdf

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402


@pytest.fixture
def jiangxi(make_app, monkeypatch, tmp_path):
    from core import clock
    from core.extensions import db
    from core.models import AdminUnit

    app = make_app("jiangxi", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))
    world = build_world(app, units=("nanchang", "jiujiang"))
    # before the cities' deadline of 2024-05-27 (003 一)
    monkeypatch.setattr(clock, "now", lambda: kit.beijing(dt.date(2024, 5, 20)).astimezone(dt.timezone.utc))
    with app.app_context():
        c = kit.campaign("jiangxi", year=2024, level="national", types=("factory",))
        for city in ("nanchang", "jiujiang"):  # each city has recommended one factory
            kit.application(c, db.session.get(AdminUnit, world.units[city]))
        db.session.commit()
        world.campaign_id = c.id
    return world


def _upload(world, who: str, data: bytes, name: str = "南昌市推荐文件.pdf"):
    return world.api(who).post(f"/api/v1/recommendation-files?campaign_id={world.campaign_id}",
                               data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_the_rule_asks_jiangxi_2024_for_the_file(jiangxi):
    with jiangxi.app.app_context():
        rules = jiangxi.app.extensions["greenmfg"].rules
        rule = rules.city_recommendation("national", 2024)
        assert rule.file_required and rule.source == "jiangxi" and rule.cite.startswith("003_a3fa60aeba77aa34.txt 一")
        assert not rules.city_recommendation("national", 2025).file_required  # no document of 2025 asks for it


def test_the_city_uploads_its_file_and_the_province_downloads_it(jiangxi):
    document = pdf(2, "南昌市工业和信息化局关于推荐2024年度绿色制造名单的函")
    r = _upload(jiangxi, "city_nanchang", document)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["pages"] == 2 and r.get_json()["original_name"] == "南昌市推荐文件.pdf"
    file_id = r.get_json()["id"]

    listing = {row["city"]: row for row in
               jiangxi.api("province").get(f"/api/v1/recommendation-files?campaign_id={jiangxi.campaign_id}")
               .get_json()["items"]}
    assert listing["jiangxi.nanchang"]["file"]["id"] == file_id and listing["jiangxi.nanchang"]["missing"] is False
    assert listing["jiangxi.jiujiang"]["file"] is None and listing["jiangxi.jiujiang"]["missing"] is True
    assert listing["jiangxi.nanchang"]["recommended"] == 1

    got = jiangxi.api("province").get(f"/api/v1/recommendation-files/{file_id}")
    assert got.status_code == 200 and got.data == document and got.mimetype == "application/pdf"
    web = jiangxi.client("province").get(f"/recommendation-files/{file_id}")
    assert web.status_code == 200 and web.data == document

    # the province's page of the round: Nanchang's file to download, Jiujiang marked, with the notice's article
    page = jiangxi.client("province").get(f"/province/campaigns/{jiangxi.campaign_id}?lang=zh").get_data(as_text=True)
    assert f"/recommendation-files/{file_id}" in page and "南昌市推荐文件.pdf" in page
    assert 'id="city-file-jiangxi.jiujiang" class="missing"' in page and "缺少：本轮要求报送" in page
    assert 'id="city-files-rule"' in page and "本轮要求每个推荐的市州报送推荐文件" in page

    # Jiujiang uploads through its recommendation page; the mark goes
    city = jiangxi.client("city_jiujiang")
    assert "市级推荐文件" in city.get(f"/city/recommended?campaign={jiangxi.campaign_id}&lang=zh").get_data(as_text=True)
    r = city.post(f"/city/recommendation-file?campaign={jiangxi.campaign_id}",
                  data={"file": (io.BytesIO(pdf(1)), "九江.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 302
    page = jiangxi.client("province").get(f"/province/campaigns/{jiangxi.campaign_id}?lang=zh").get_data(as_text=True)
    assert "缺少：本轮要求报送" not in page and "九江.pdf" in page


def test_a_file_that_is_not_a_pdf_is_refused(jiangxi):
    r = _upload(jiangxi, "city_nanchang", "推荐文件".encode() * 10, name="推荐文件.docx")
    assert r.status_code == 422
    assert "PDF" in r.get_json()["message_en"] and "PDF" in r.get_json()["message_zh"]
    listing = jiangxi.api("province").get(f"/api/v1/recommendation-files?campaign_id={jiangxi.campaign_id}").get_json()[
        "items"]
    assert all(row["file"] is None and row["missing"] for row in listing)


def test_a_city_cannot_download_another_citys_file(jiangxi):
    file_id = _upload(jiangxi, "city_nanchang", pdf(1)).get_json()["id"]
    assert jiangxi.api("city_nanchang").get(f"/api/v1/recommendation-files/{file_id}").status_code == 200
    assert jiangxi.api("city_jiujiang").get(f"/api/v1/recommendation-files/{file_id}").status_code == 403
    assert jiangxi.client("city_jiujiang").get(f"/recommendation-files/{file_id}").status_code == 403
    assert jiangxi.api("applicant_nanchang").get(f"/api/v1/recommendation-files/{file_id}").status_code == 403
    # nor list the round's files (the province's view)
    assert jiangxi.api("city_jiujiang").get(
        f"/api/v1/recommendation-files?campaign_id={jiangxi.campaign_id}").status_code == 403
