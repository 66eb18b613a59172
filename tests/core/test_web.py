"""Public pages: Chinese by default, English on request, rules with their sources, no CDN."""
from __future__ import annotations

import re

import pytest


def test_home_is_chinese_by_default(client):
    html = client.get("/").get_data(as_text=True)
    assert 'lang="zh-CN"' in html and "绿色制造名单" in html and "省级主管部门向工业和信息化部报送推荐名单" in html


def test_english_on_request(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert 'lang="en"' in html and "Green manufacturing lists" in html


@pytest.mark.region("hunan")
def test_rules_page_shows_source_and_citation(client):
    html = client.get("/rules?kind=deadline&year=2025").get_data(as_text=True)
    # the document by title and number (seed 001_3f04a56fc6693327.txt 三), never its file name
    assert "10月30日" in html and "《关于开展2025年度国家级绿色制造单位推荐工作的通知》（湖南省工业和信息化厅）三" in html
    assert "001_3f04a56fc6693327.txt" not in html
    # each rule's source plugin by its name, never its code
    assert '<span class="src">湖南省</span>' in html and '<span class="src">工业和信息化部</span>' in html
    assert '<span class="src">hunan</span>' not in html and '<span class="src">national</span>' not in html
    from flask_babel import force_locale

    from core.kernel.rules import source_name

    with force_locale("en"):  # in English the plugin's name_en
        assert (source_name("hunan"), source_name("national")) == (
            "Hunan", "Ministry of Industry and Information Technology")


def test_no_external_assets(client):
    html = client.get("/").get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert client.get("/static/core/greenmfg.css").status_code == 200


def test_api_rules_and_openapi(client):
    doc = client.get("/api/v1/rules?year=2025").get_json()
    assert doc["region"]["code"] == "national" and all(r["source"] for r in doc["rules"])
    assert client.get("/api/v1/rules?year=abc").status_code == 422
    assert "/api/v1/rules" in client.get("/api/openapi.json").get_json()["paths"]


def test_security_headers_on_html_and_json(client):
    for path in ("/", "/api/v1/rules"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "SAMEORIGIN"


def test_not_found_is_a_bilingual_page_and_json_for_the_api(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "不存在" in page.get_data(as_text=True)
    api = client.get("/api/v1/no-such")
    assert api.status_code == 404 and api.get_json()["code"] == "not_found" and api.get_json()["status"] == 404


def test_validation_errors_name_the_field(client):
    body = client.get("/api/v1/rules?year=abc").get_json()
    assert body["status"] == 422 and [e["field"] for e in body["errors"]] == ["year"]


def test_method_not_allowed_says_allow(client):
    response = client.delete("/api/v1/rules")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


@pytest.mark.region("shanxi")
def test_shanxi_home_shows_grading_and_working_day_notice(client):
    """004_7a8ddd82f611ab67.txt 第十三条 (10个工作日) and 第十四条 (A/B/C, national needs B or better)."""
    import datetime as dt

    import time_machine

    from core.clock import SHANGHAI

    with time_machine.travel(dt.datetime(2025, 9, 26, 10, tzinfo=SHANGHAI), tick=False):  # the one clock
        html = client.get("/?year=2025").get_data(as_text=True)
    assert "10个工作日" in html and "2025-09-26 → <strong>2025-10-15</strong>" in html
    assert "C级: 0.0–70.0 (不可推荐)" in html and "A级: 85.0+" in html


def test_shanxi_cut_offs_follow_instance_config(make_app):
    """004_7a8ddd82f611ab67.txt 第十四条: the province sets the A/B/C cut-offs (SHANXI_GRADE_A_MIN)."""
    from core.services.grading import tier_for

    app = make_app("shanxi", SHANXI_GRADE_A_MIN=90)
    with app.app_context():
        assert tier_for(88, "factory", "provincial").code == "B"
        assert tier_for(90, "factory", "provincial").code == "A"
        assert tier_for(69.9, "factory", "provincial").recommendable is False


@pytest.mark.region("hunan")
def test_hunan_home_lists_its_round_deadlines(client):
    """000_5ae1342e00264ea1.txt 二.3 (2023-12-05) and 001_3f04a56fc6693327.txt 三 (2025-10-27, 2025-10-30)."""
    html = client.get("/?year=2026").get_data(as_text=True)
    for day in ("2023-12-05", "2025-10-27", "2025-10-30", "2025-11-07"):
        assert day in html
    assert '<span class="src">湖南省</span>' in html and '<span class="src">hunan</span>' not in html  # by name
