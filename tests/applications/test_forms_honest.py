"""Forms that do not mislead (issue 20 "Forms"): an explicit 是/否 per negative-list item, required choices that
start empty, one 所属行业, an upload that keeps what was typed, a confirmation before an irreversible action,
errors linked to their inputs, and a refused edit shown as a page with its reason and the way back.

The form is Hunan's provincial factory form (seed ../shared/seeds/hunan/000: 附件1 基本情况表; 001: 负面清单)."""
from __future__ import annotations

import io
import re

import pytest
from app_world import build_world, open_campaign, pdf, start_draft


@pytest.fixture
def world(make_app, tmp_path):
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))
    world = build_world(app)
    world.campaign_id = open_campaign(app, level="provincial", unit_types=("factory",))
    world.app_id = start_draft(world, world.campaign_id)
    return world


def _items(world):
    with world.app.app_context():
        return list(world.app.extensions["greenmfg"].rules.negative_list_for("factory", "provincial", 2025))


def _application(world):
    from core.extensions import db
    from core.models import Application

    with world.app.app_context():
        a = db.session.get(Application, world.app_id)
        db.session.expunge(a)
        return a


def _radio(html: str, name: str) -> list[str]:
    return re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)


def test_each_negative_list_item_is_answered_yes_or_no_and_a_draft_keeps_the_answers(world):
    items = _items(world)
    assert len(items) >= 2
    ent = world.client("applicant_changsha")
    html = ent.get(f"/applications/{world.app_id}/edit?lang=zh").get_data(as_text=True)
    radios = _radio(html, "neg_0")
    assert [re.search(r'value="(\w+)"', r).group(1) for r in radios] == ["yes", "no"]
    assert not any("checked" in r for r in radios), "nothing is chosen at first"
    assert items[0].title in html and 'type="checkbox" name="neg_0"' not in html

    r = ent.post(f"/applications/{world.app_id}/edit", data={"neg_0": "no", "neg_1": "yes", "contact_name": "王建国"})
    assert r.status_code == 302
    declared = _application(world).declarations
    assert declared[items[0].code] is True and declared[items[1].code] is False  # 否: does not apply; 是: applies
    assert all(item.code not in declared for item in items[2:])

    html = ent.get(f"/applications/{world.app_id}/edit").get_data(as_text=True)
    assert [("checked" in r) for r in _radio(html, "neg_0")] == [False, True]
    assert [("checked" in r) for r in _radio(html, "neg_1")] == [True, False]
    assert not any("checked" in r for r in _radio(html, "neg_2"))


def test_a_submission_with_an_item_unanswered_is_refused_naming_it(world):
    from test_walk import hunan_api_body

    items = _items(world)
    api, url = world.api("applicant_changsha"), f"/api/v1/applications/{world.app_id}"
    body = hunan_api_body(world.app)
    del body["declarations"][items[0].code]  # every field complete but the first item unanswered
    r = api.patch(url, json=body)
    assert r.status_code == 200, r.get_json()
    r = api.post(f"{url}/evidence", content_type="multipart/form-data",
                 data={"section": "hunan.work_plan", "file": (io.BytesIO(pdf(2)), "plan.pdf")})
    assert r.status_code == 201, r.get_json()
    ent = world.client("applicant_changsha")
    r = ent.post(f"/applications/{world.app_id}/submit?lang=zh", data={"confirm": "y"})
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    refusal = re.search(r'<div class="flash error"[^>]*>([^<]*)</div>', html).group(1)
    assert items[0].title in refusal and "未声明" in refusal
    assert not any(item.title in refusal for item in items[1:])
    assert _application(world).status.value == "draft"

    assert api.patch(url, json={"declarations": {items[0].code: True}}).status_code == 200
    r = ent.post(f"/applications/{world.app_id}/submit", data={"confirm": "y"})
    assert r.status_code == 302 and _application(world).status.value == "submitted"


def test_required_selects_start_empty_and_a_save_without_a_choice_names_the_field(world):
    ent = world.client("applicant_changsha")
    html = ent.get(f"/applications/{world.app_id}/edit?lang=zh").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="ext_hunan__modern_industry".*?</select>', html, re.S).group(0)
    options = re.findall(r"<option[^>]*>[^<]*</option>", select)
    assert options[0].startswith('<option value=""') and "请选择" in options[0]
    assert not any("selected" in o for o in options)
    # the province's campaign form: no list level chosen at first; posting none errors on the field
    province = world.client("province")
    page = province.get("/province/campaigns?lang=zh").get_data(as_text=True)
    level = re.search(r'<select[^>]*name="level".*?</select>', page, re.S).group(0)
    assert re.findall(r"<option[^>]*>", level)[0] == '<option value="">' and "selected" not in level
    r = province.post("/province/campaigns?lang=zh", data={"year": "2026", "level": "", "unit_types": ["factory"]})
    assert r.status_code == 422
    assert re.search(r'id="f-level"[^>]*>.*?class="error" id="level-error-1"', r.get_data(as_text=True), re.S)


def test_one_industry_field_on_the_form(world):
    html = world.client("applicant_changsha").get(f"/applications/{world.app_id}/edit?lang=zh").get_data(as_text=True)
    labels = re.findall(r"<label[^>]*>\s*([^<*]*所属行业[^<*]*)", html)
    assert len(labels) == 1, labels


def test_an_upload_keeps_the_values_typed_and_not_yet_saved(world):
    ent = world.client("applicant_changsha")
    typed = {"contact_name": "刘晓燕", "contact_phone": "0731-85556666", "ext_hunan__main_business": "锂电池正极材料",
             "neg_0": "no"}
    r = ent.post(f"/applications/{world.app_id}/edit", content_type="multipart/form-data",
                 data={**typed, "then": "upload", "evidence-section": "general",
                       "evidence-file": (io.BytesIO(pdf(2)), "营业执照.pdf")})
    assert r.status_code == 302 and r.headers["Location"].endswith("#evidence")
    a = _application(world)
    assert a.contact_name == "刘晓燕" and a.extension_data["hunan.main_business"] == "锂电池正极材料"
    html = ent.get(f"/applications/{world.app_id}/edit").get_data(as_text=True)
    assert "营业执照.pdf" in html and 'value="刘晓燕"' in html

    # an upload without a file: the page comes back with everything typed, and nothing is saved
    r = ent.post(f"/applications/{world.app_id}/edit", content_type="multipart/form-data",
                 data={**typed, "contact_name": "张伟", "then": "upload", "evidence-section": "general"})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert 'value="张伟"' in html and 'aria-describedby="evidence-file-error-1"' in html
    assert _application(world).contact_name == "刘晓燕"
    # a file that is not a PDF: refused, the typed values come back, neither the draft nor the file is kept
    r = ent.post(f"/applications/{world.app_id}/edit", content_type="multipart/form-data",
                 data={**typed, "contact_name": "张伟", "evidence-section": "general",
                       "evidence-file": (io.BytesIO(b"not a pdf"), "scan.pdf")})
    assert r.status_code in (409, 422) and 'value="张伟"' in r.get_data(as_text=True)
    assert _application(world).contact_name == "刘晓燕" and "scan.pdf" not in ent.get(
        f"/applications/{world.app_id}/edit").get_data(as_text=True)


def test_submit_asks_for_confirmation_and_the_error_is_linked_to_the_box(world):
    ent = world.client("applicant_changsha")
    html = ent.get(f"/applications/{world.app_id}?lang=zh").get_data(as_text=True)
    assert re.search(r'<form[^>]*class="form confirm"[^>]*data-confirm=', html)
    assert "confirm.js" in html and ent.get("/static/applications/confirm.js").status_code == 200
    r = ent.post(f"/applications/{world.app_id}/submit?lang=zh")
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    box = re.search(r'<input[^>]*name="confirm"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in box and 'aria-describedby="confirm-error-1"' in box
    assert re.search(r"<div class=\"error\" id=\"confirm-error-1\">请勾选确认框", html)
    assert _application(world).status.value == "draft"


def test_a_refused_edit_is_a_page_with_the_reason_and_a_link_back(world):
    from core.extensions import db
    from core.models import Application
    from core.models import ApplicationStatus as S

    with world.app.app_context():
        db.session.get(Application, world.app_id).status = S.SUBMITTED
        db.session.commit()
    ent = world.client("applicant_changsha")
    for lang, reason, back in (("zh", "不能再修改", "返回"), ("en", "can no longer be changed", "Back")):
        r = ent.get(f"/applications/{world.app_id}/edit?lang={lang}")
        assert r.status_code == 409
        html = r.get_data(as_text=True)
        assert "<h1>409</h1>" not in html and reason in html
        assert re.search(rf'<a class="button" href="/applications/{world.app_id}" id="back">{back}</a>', html)


def test_the_history_names_an_uploaded_file_by_its_name_never_by_its_number(world):
    """A region's upload field (Hunan's 工作方案) holds the file's record: the history says which file, by the name
    it was uploaded with, and a file deleted since as such."""
    api, url = world.api("applicant_changsha"), f"/api/v1/applications/{world.app_id}"
    r = api.post(f"{url}/evidence", content_type="multipart/form-data",
                 data={"section": "hunan.work_plan", "file": (io.BytesIO(pdf(2)), "创建工作方案.pdf")})
    assert r.status_code == 201, r.get_json()
    evidence_id = r.get_json()["id"]
    ent = world.client("applicant_changsha")
    html = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", ent.get(f"/applications/{world.app_id}?lang=zh")
                                      .get_data(as_text=True)))
    log = html[html.index("操作记录"):]
    assert "— → 创建工作方案.pdf" in log and f"→ {evidence_id} " not in log

    assert api.delete(f"{url}/evidence/{evidence_id}").status_code in (200, 204)
    html = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", ent.get(f"/applications/{world.app_id}?lang=zh")
                                      .get_data(as_text=True)))
    log = html[html.index("操作记录"):]
    assert "已删除的文件 → —" in log and "— → 已删除的文件" in log and f" {evidence_id} " not in log
