"""A region form's tables and options as an applicant sees them, in Chinese and in English.

Hunan's 附件1 (seed 000_*.txt, 基本情况表) asks for the main products (主要产品生产销售情况: as many rows as
the enterprise has) and three years of finances (企业近三年经营情况: exactly three rows). The web form shows
each as a table whose column heads are the document's, with no internal field name, and the products table
grows: an empty last row to type into, another after each save; a row left empty is not saved. On English
pages the options and column heads are the plugin's English (``terms_en``); what is stored stays the
document's Chinese. Hubei's park level (seed 002_*.txt 附件1) is stored as a code and shown by its label.
"""
from __future__ import annotations

import html
import re

import pytest
from app_world import build_world, open_campaign


@pytest.fixture
def hunan(make_app, tmp_path):
    return make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"))


def _draft(app, world, unit_type="factory", campaign_level="provincial") -> int:
    campaign_id = open_campaign(app, level=campaign_level, unit_types=(unit_type,))
    client = world.client("applicant_changsha")
    r = client.post("/applications/start", data={"campaign_id": campaign_id, "unit_type": unit_type})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    return int(r.headers["Location"].split("/")[-2])


def _products(app, app_id):
    from core.extensions import db
    from core.models import Application

    with app.app_context():
        return db.session.get(Application, app_id).extension_data.get("hunan.products")


def _row_inputs(html: str, table: str) -> list[int]:
    return sorted({int(n) for n in re.findall(rf'name="ext_hunan__{table}-(\d+)-name"', html)}) or sorted(
        {int(n) for n in re.findall(rf'name="ext_hunan__{table}-(\d+)-year"', html)})


def test_the_products_table_grows_a_row_at_a_time_and_keeps_no_empty_row(hunan):
    world = build_world(hunan)
    app_id = _draft(hunan, world)
    client = world.client("applicant_changsha")
    html = client.get(f"/applications/{app_id}/edit").get_data(as_text=True)
    # a table with the document's column heads, never a field's internal name
    assert "Ext Hunan" not in html and "ext_hunan__products-0" not in re.sub(r'(name|id|for)="[^"]*"', "", html)
    assert "<th scope=\"col\">产品名称" in html and "<th scope=\"col\">国内市场占有率（%）</th>" in html
    assert _row_inputs(html, "products") == [0]  # one empty row to type into
    assert _row_inputs(html, "finances") == [0, 1, 2]  # the document's three years, no more
    assert 'aria-label="产品名称, row 1"' in html or 'aria-label="产品名称，第1行"' in html

    # the first product, with the spare row sent empty as a browser sends it
    r = client.post(f"/applications/{app_id}/edit", data={
        "ext_hunan__products-0-name": "环氧树脂", "ext_hunan__products-0-capacity": "5万吨",
        "ext_hunan__products-1-name": "", "ext_hunan__products-1-capacity": "", "ext_hunan__products-1-sales_rate": ""})
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    assert [p["name"] for p in _products(hunan, app_id)] == ["环氧树脂"]
    html = client.get(f"/applications/{app_id}/edit").get_data(as_text=True)
    assert _row_inputs(html, "products") == [0, 1]  # another empty row after the saved one
    assert 'value="环氧树脂"' in html

    # a second product; a wrong figure in it comes back marked in its cell, with nothing lost or saved
    second = {"ext_hunan__products-0-name": "环氧树脂", "ext_hunan__products-1-name": "固化剂",
              "ext_hunan__products-1-sales_rate": "-5"}
    r = client.post(f"/applications/{app_id}/edit", data=second)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert 'value="固化剂"' in html and 'aria-invalid="true"' in html and 'class="has-error"' in html
    shown = " ".join(re.findall(r'<div class="error"[^>]*>(.*?)</div>', html))
    # only the wrong figure, in the page's language (a draft's empty cells are not errors)
    assert shown == "数值不能小于 0。", shown  # the column's head, never its internal name
    assert [p["name"] for p in _products(hunan, app_id)] == ["环氧树脂"]
    r = client.post(f"/applications/{app_id}/edit", data={**second, "ext_hunan__products-1-sales_rate": "97"})
    assert r.status_code == 302
    assert [(p["name"], p.get("sales_rate")) for p in _products(hunan, app_id)] == [("环氧树脂", None), ("固化剂", 97)]

    # clearing a row removes it
    r = client.post(f"/applications/{app_id}/edit", data={"ext_hunan__products-0-name": "",
                                                           "ext_hunan__products-1-name": "固化剂"})
    assert r.status_code == 302
    assert [p["name"] for p in _products(hunan, app_id)] == ["固化剂"]


def test_options_and_columns_read_in_english_and_are_stored_in_the_documents_chinese(hunan):
    world = build_world(hunan)
    app_id = _draft(hunan, world)
    client = world.client("applicant_changsha")
    client.get("/?lang=en")
    html = client.get(f"/applications/{app_id}/edit").get_data(as_text=True)
    # 近五年实施清洁生产情况: 已完成 / 未完成; 所属行业; the products' and finances' columns (seed 000 附件1)
    assert re.search(r'value="已完成"[^>]*> Completed</label>', html), html[html.find("cp_mandatory"):][:600]
    assert '<option value="化工">Chemicals</option>' in html
    assert "<th scope=\"col\">Product <span" in html and "Domestic market share (%)</th>" in html
    assert "Main business revenue (10,000 yuan)" in html and "主营业务收入" not in html.split("<main")[1].split(
        "class=\"cite\"")[0]
    assert 'aria-label="Product, row 1"' in html
    r = client.post(f"/applications/{app_id}/edit", data={
        "ext_hunan__cp_mandatory_status": "已完成", "ext_hunan__industry": "化工",
        "ext_hunan__products-0-name": "环氧树脂"})
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    from core.extensions import db
    from core.models import Application

    with hunan.app_context():
        stored = db.session.get(Application, app_id).extension_data
        assert stored["hunan.cp_mandatory_status"] == "已完成" and stored["hunan.industry"] == "化工"
    detail = client.get(f"/applications/{app_id}").get_data(as_text=True)
    assert "Completed" in detail and "Chemicals" in detail and "<th>Product</th>" in detail
    client.get("/?lang=zh")
    detail = client.get(f"/applications/{app_id}").get_data(as_text=True)
    assert "已完成" in detail and "<th>产品名称</th>" in detail and "Completed" not in detail


def test_an_option_stored_as_a_code_is_shown_by_its_label(make_app, tmp_path):
    """Hubei's park level (seed 002 附件1 园区级别) is stored as ``provincial``; pages show 省级 / Provincial."""
    from core.extensions import db
    from core.models import Application

    app = make_app("hubei", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"))
    world = build_world(app)
    app_id = _draft(app, world, unit_type="park")
    with app.app_context():
        row = db.session.get(Application, app_id)
        row.extension_data = {**(row.extension_data or {}), "hubei.park_level": "provincial"}
        db.session.commit()
    client = world.client("applicant_changsha")
    page = client.get(f"/applications/{app_id}").get_data(as_text=True)
    assert "省级" in page and ">provincial<" not in page
    client.get("/?lang=en")
    page = client.get(f"/applications/{app_id}").get_data(as_text=True)
    assert "Provincial" in page


def test_industries_and_negative_list_items_read_in_the_pages_language(hunan):
    """The key industries (seed 001 附件3) and the negative-list items the applicant declares against (Hunan's
    2024 provincial round, seed 000 二.1; national's six elsewhere, seed 001 一.1) show their English on English
    pages; the declaration is stored against the item's code and the Chinese pages keep the document's words."""
    from core.kernel.rules import region_rules
    from core.plugins.types import Level

    world = build_world(hunan)
    app_id = _draft(hunan, world)
    client = world.client("applicant_changsha")
    with hunan.test_request_context():
        from core.extensions import db
        from core.models import Application

        application = db.session.get(Application, app_id)
        items = region_rules().negative_list_for(application.unit_type, Level(application.level),
                                                 application.campaign.year)
    assert items and all(i.title_en for i in items)
    zh = client.get(f"/applications/{app_id}/edit").get_data(as_text=True)
    missing = [i.title for i in items if i.title not in zh]
    assert ">水泥</option>" in zh and not missing and ">Cement</option>" not in zh, (missing, re.findall(r"<legend>[^<]*", zh))
    client.get("/?lang=en")
    en = client.get(f"/applications/{app_id}/edit").get_data(as_text=True)
    assert ">Cement</option>" in en and ">Electrolytic aluminium</option>" in en and ">水泥</option>" not in en
    assert [i.code for i in items if html.escape(i.title_en) not in en or i.title in en] == []


def test_every_industry_and_negative_list_item_has_its_english():
    """No English page falls back to Chinese for an industry (seed 001 附件3) or a negative-list item (seed 001
    一.1, 000 二.1, 002 Hubei's, 004 第十七条 for parks)."""
    from plugins.hubei import rules as hubei
    from plugins.hunan import rules as hunan
    from plugins.national import indicators, rules as national
    from plugins.shanxi import rules as shanxi

    assert len(indicators.KEY_INDUSTRIES) == 53 and all(i.name_en for i in indicators.KEY_INDUSTRIES)
    items = [*national.NEGATIVE_LIST, *hunan.NEGATIVE_LIST, *hubei.NEGATIVE_LIST, *shanxi.NEGATIVE_LIST]
    assert len(items) == 6 + 6 + 1 + 1 and all(i.title_en and not re.search(r"[\u4e00-\u9fff]", i.title_en)
                                               for i in items)
