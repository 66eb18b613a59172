"""A draft saves with any field left blank (the form says 可随时保存, "save at any time"); a blank clears the
field, and submission asks for every required field again. Issue 20: "Saving a draft refuses partial drafts"."""
from __future__ import annotations

import re

import pytest
from app_world import build_world, open_campaign, start_draft

from core.declared_fields import api_field


@pytest.fixture
def world(make_app, tmp_path):
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))
    world = build_world(app)
    world.campaign_id = open_campaign(app, level="provincial", unit_types=("factory",))
    world.app_id = start_draft(world, world.campaign_id)
    return world


def _required_text_and_number(world):
    """Two of Hunan's required fields of a provincial factory application (seed 000 附件): a text and a number."""
    from marshmallow import fields as mm, validate

    from core.applications.fields import fields_for, is_upload
    from core.kernel.rules import region_rules

    with world.app.app_context():
        ffs = [f for f in fields_for(region_rules(), "factory", "provincial", 2025) if not is_upload(f)]
        kinds = {f.code: api_field(f) for f in ffs}
    text = next(c for c, field in kinds.items() if field.required and type(field) is mm.String
                and not any(isinstance(v, validate.OneOf) for v in field.validators))
    number = next(c for c, field in kinds.items() if field.required and isinstance(field, mm.Number))
    return text, number


def test_a_draft_saves_with_required_fields_blank_and_a_blank_clears_the_field(world):
    text, number = _required_text_and_number(world)
    api, url = world.api("applicant_changsha"), f"/api/v1/applications/{world.app_id}"

    r = api.patch(url, json={"contact_name": "赵磊", "extension": {text: "精细化工", number: None}})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["extension"].get(text) == "精细化工" and r.get_json()["extension"].get(number) is None

    r = api.patch(url, json={"extension": {text: None}})  # the applicant empties the field again
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["extension"].get(text) is None and r.get_json()["contact_name"] == "赵磊"


def test_the_web_form_saves_a_half_filled_draft(world):
    """The service the web form calls: blanks arrive as None or "" and clear the field; typed values stay."""
    from core.applications import services
    from core.extensions import db
    from core.kernel.uow import commit
    from core.models import Application

    text, number = _required_text_and_number(world)
    with world.app.app_context():
        a = db.session.get(Application, world.app_id)
        services.save_draft(a, {"extension": {text: "精细化工", number: ""}}, "applicant_changsha")
        commit()
        assert (a.extension_data or {}).get(text) == "精细化工" and (a.extension_data or {}).get(number) is None


def test_submission_still_asks_for_every_required_field(world):
    text, _number = _required_text_and_number(world)
    api, url = world.api("applicant_changsha"), f"/api/v1/applications/{world.app_id}"
    assert api.patch(url, json={"extension": {text: None}}).status_code == 200
    r = api.post(f"{url}/submit")
    assert r.status_code == 422
    body = r.get_json()
    assert text in str(body), body
    # the message names the fields as the form does, in each of its languages (a refusal is kept in both): the
    # English one by the plugin's English labels, the Chinese one listed with 、
    assert re.search(r"[\u3400-\u9fff]", body["message_en"]) is None, body["message_en"]
    assert "Contact phone" in body["message_en"] and "The enterprise's business in the last three years" in \
        body["message_en"]
    assert body["message"].startswith("提交前请填写以下内容：") and "联系电话、" in body["message"]


def _finances(world):
    from core.extensions import db
    from core.models import Application

    with world.app.app_context():
        return db.session.get(Application, world.app_id).extension_data.get("hunan.finances")


def test_a_table_filled_in_part_saves_and_submission_asks_for_the_rest(world):
    """Hunan's 企业近三年经营情况 (seed 000_5ae1342e00264ea1.txt, 附件1: three years, each with 总资产, 负债率,
    主营业务收入, 利润 and 税金) is filled in over several sittings: a draft saves the one year entered, through the
    web form and through the API; the blank cells and the rule of three consecutive years wait for submission."""
    client, url = world.client("applicant_changsha"), f"/applications/{world.app_id}/edit"
    r = client.post(url, data={"ext_hunan__finances-0-year": "2022", "ext_hunan__finances-0-total_assets": "1200.5",
                               "ext_hunan__products-0-name": "环氧树脂"})
    assert r.status_code == 302, re.findall(r'<div class="error"[^>]*>(.*?)</div>', r.get_data(as_text=True))
    assert _finances(world) == [{"year": 2022, "total_assets": 1200.5}, {}, {}]
    html = client.get(url).get_data(as_text=True)
    assert 'name="ext_hunan__finances-0-year" type="number" value="2022"' in html or re.search(
        r'name="ext_hunan__finances-0-year"[^>]*value="2022"', html), "the year entered is shown again"
    assert re.search(r'name="ext_hunan__finances-0-total_assets"[^>]*value="1200.5', html)
    assert sorted({int(n) for n in re.findall(r'name="ext_hunan__finances-(\d+)-year"', html)}) == [0, 1, 2]
    assert '<div class="error"' not in html

    # what was entered is still checked: a negative 负债率 comes back on its cell alone, and nothing is saved
    r = client.post(url, data={"ext_hunan__finances-0-year": "2022", "ext_hunan__finances-0-debt_ratio": "-1"})
    assert r.status_code == 422
    assert re.findall(r'<div class="error"[^>]*>(.*?)</div>', r.get_data(as_text=True)) == ["数值不能小于 0。"]
    assert _finances(world) == [{"year": 2022, "total_assets": 1200.5}, {}, {}]

    # a table filled in whole is checked as a whole at once, in the page's language: three consecutive years
    years = {f"ext_hunan__finances-{i}-{name}": value for i, year in enumerate((2022, 2024, 2023))
             for name, value in (("year", year), ("total_assets", 100), ("debt_ratio", 40), ("revenue", 90),
                                 ("profit", 5), ("tax", 3))}
    r = client.post(url, data=years)
    assert r.status_code == 422
    assert re.findall(r'<div class="error"[^>]*>(.*?)</div>', r.get_data(as_text=True)) == ["须按年度顺序填写连续三年"]
    r = client.post(url + "?lang=en", data=years)
    assert re.findall(r'<div class="error"[^>]*>(.*?)</div>', r.get_data(as_text=True)) == [
        "three consecutive years in order"]
    assert _finances(world) == [{"year": 2022, "total_assets": 1200.5}, {}, {}]

    # submitting names the table that is not complete
    r = client.post(f"/applications/{world.app_id}/submit?lang=zh", data={"confirm": "y"})
    assert r.status_code == 422
    assert re.search(r"提交前请填写以下内容：[^<]*企业近三年经营情况", r.get_data(as_text=True))

    # the API saves a draft's table in part too, and submission names the table as incomplete
    api, api_url = world.api("applicant_changsha"), f"/api/v1/applications/{world.app_id}"
    r = api.patch(api_url, json={"extension": {"hunan.finances": [{"year": 2022, "revenue": 880}]}})
    assert r.status_code == 200, r.get_json()
    assert _finances(world) == [{"year": 2022, "revenue": 880}]
    r = api.post(f"{api_url}/submit")
    assert r.status_code == 422
    assert "hunan.finances" in str(r.get_json()), r.get_json()
