"""The Hubei factory form as an applicant fills it, and what its pages then say (defects a tester found by
clicking through the Hubei demo): the operation log (操作记录) tells the answers given, by the names the form
gives (the negative list's 否, an industry's name, the indicators in their order); a refused save names and
marks every field at fault and keeps the live score of what was typed; the form asks about subsidiaries in
words (seed 002 附件1 一(二)1: 下设多个独立法人子公司的，各子公司应单独申报); a round after the plan (2022-2025)
does not claim its third-party condition is met (002 三(三)).
"""
from __future__ import annotations

import re

import pytest
from app_world import build_world, open_campaign

from core.plugins.types import Level

YEAR = 2026  # a round after the plan's years, as the demo's


@pytest.fixture
def world(make_app, tmp_path):
    app = make_app("hubei", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))
    world = build_world(app, units=("wuhan", "yichang"))
    world.campaign_id = open_campaign(app, level="provincial", unit_types=("factory",), year=YEAR)
    r = world.api("applicant_wuhan").post("/api/v1/applications",
                                          json={"campaign_id": world.campaign_id, "unit_type": "factory"})
    assert r.status_code == 201, r.get_json()
    world.app_id = r.get_json()["id"]
    return world


def _rules(world):
    return world.app.extensions["greenmfg"].rules


def _negative_items(world):
    with world.app.app_context():
        return list(_rules(world).negative_list_for("factory", Level.PROVINCIAL, YEAR))


def _iset(world):
    from core.applications.scoring import indicator_set
    from core.extensions import db
    from core.models import Application

    with world.app.app_context():
        return indicator_set(db.session.get(Application, world.app_id))


def _indicators(world):
    return list(_iset(world).indicators)


def _form(world, **extra) -> dict:
    """The form as the tester filled it: 否 to every negative-list item, the third party's evaluation (002 三(三), a
    standing rule of the plan: the only mode a Hubei round offers until a notice sets it aside), an industry, every
    number."""
    from core.plugins.types import IndicatorKind

    data = {f"neg_{i}": "no" for i, _ in enumerate(_negative_items(world))}
    data.update({"evaluation_mode": "third_party", "contact_name": "李四", "industry": _industry(world)[0]})
    for ind in _indicators(world):
        if ind.kind == IndicatorKind.QUALITATIVE:
            data[f"ind_{ind.number}"] = "yes"
        elif ind.unit == "项":  # the platform functions it has (factory #4)
            data[f"ind_{ind.number}"] = list(_iset(world).params["platform_functions"][:3])
        elif ind.kind != IndicatorKind.ELASTICITY:
            data[f"ind_{ind.number}"] = "2"
    data.update(extra)
    return data


def _industry(world) -> tuple[str, str, str]:
    """(code, name, name_en) of a registered industry with an English name."""
    with world.app.app_context():
        code, ind = next((c, i) for c, i in _rules(world).industries.items() if i.name_en)
        return code, ind.name, ind.name_en


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_history_tells_the_answers_given_by_the_forms_names_in_the_forms_order(world):
    ent = world.client("applicant_wuhan")
    r = ent.post(f"/applications/{world.app_id}/edit", data=_form(world, evaluation_mode="third_party"))
    assert r.status_code == 302, _text(r.get_data(as_text=True))[:3000]
    code, name, name_en = _industry(world)
    items = _negative_items(world)
    numbers = [ind.number for ind in _indicators(world)]
    assert max(numbers) >= 10

    zh = _text(ent.get(f"/applications/{world.app_id}?lang=zh").get_data(as_text=True))
    log = zh[zh.index("操作记录"):]  # the history's heading
    for item in items:  # 否 was answered: the item does not apply (stored as the declaration True)
        assert f"{item.title}: — → 否" in log
        assert f"{item.title}: — → 是" not in log
    assert f"— → {name}" in log and code not in zh
    assert "第三方评价" in zh and "third_party" not in log
    at = [log.index(f" {n}. ") for n in numbers]
    assert at == sorted(at), "indicators in their table's order: 1, 2, …, 10, not 1, 10, 11, 2"

    en = _text(ent.get(f"/applications/{world.app_id}?lang=en").get_data(as_text=True))
    log = en[en.index("History"):]
    for item in items:
        assert f"{item.title_en or item.title}: — → No" in log
    assert f"— → {name_en}" in log and code not in en


def test_a_bad_phone_and_a_bad_email_are_marked_at_once_and_named_and_the_score_stays_the_typed_ones(world):
    ent = world.client("applicant_wuhan")
    data = _form(world, contact_phone="abc电话", contact_email="not-an-email")
    typed = ent.post(f"/applications/{world.app_id}/score", data=data).get_json()
    assert typed["total"] > 0

    r = ent.post(f"/applications/{world.app_id}/edit?lang=zh", data=data)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    flash = _text(html.split('class="flash', 1)[1].split("</div>", 1)[0])
    assert "联系电话" in flash and "联系人邮箱" in flash, flash
    for name in ("contact_phone", "contact_email"):
        field = html.split(f'name="{name}"', 1)[1][:600]
        assert "格式不正确" in field, (name, field)
    assert 'value="abc电话"' in html and 'value="not-an-email"' in html, "nothing typed is lost"
    # the live score is the typed values' (as the score endpoint gives it), never 0 beside filled rows
    total = re.search(r'id="live-total">([^<]*)<', html).group(1)
    assert total == f"{typed['total']:.2f}" and total != "0.00"
    assert "未填写数值" not in _text(html.split('id="live-total"', 1)[1].split("</table>", 1)[0])

    # the service (what the JSON API and any other caller use) names every text field at fault as well
    r = world.api("applicant_wuhan").patch(f"/api/v1/applications/{world.app_id}?lang=zh",
                                           json={"contact_phone": "abc电话", "contact_email": "not-an-email"})
    assert r.status_code == 422
    body = r.get_json()
    assert {e["field"] for e in body["errors"]} == {"contact_phone", "contact_email"}
    assert "联系电话" in body["message_zh"] and "Contact e-mail" in body["message_en"]


def test_the_subsidiaries_question_is_in_words_and_its_rule_still_holds(world):
    ent = world.client("applicant_wuhan")
    zh = ent.get(f"/applications/{world.app_id}/edit?lang=zh").get_data(as_text=True)
    assert "本申报包含下设的独立法人子公司" in zh and "must be" not in zh
    en = ent.get(f"/applications/{world.app_id}/edit?lang=en").get_data(as_text=True)
    assert "This application includes independent subsidiaries" in en and "本申报包含" not in en

    data = _form(world, **{"ext_hubei__covers_subsidiaries": "y"})
    r = ent.post(f"/applications/{world.app_id}/edit", data=data)
    assert r.status_code == 302, _text(r.get_data(as_text=True))[:3000]
    zh = _text(ent.get(f"/applications/{world.app_id}?lang=zh").get_data(as_text=True))
    assert "本申报不得包含下设的独立法人子公司：各子公司应单独申报" in zh and "must be" not in zh
    en = _text(ent.get(f"/applications/{world.app_id}?lang=en").get_data(as_text=True))
    assert "this application may not include independent subsidiaries" in en


def test_the_plans_third_party_condition_stands_in_the_rounds_after_it(world):
    """002 三(三) asks for the third party's on-site evaluation; the plan's rule stands after its years (issue 53: a
    rule stands until a later notice replaces it): the 2026 round lists it among the checks, as 2025's did, and
    offers no self-evaluation (tests/rounds/test_conditions_any_year.py: a notice sets it aside)."""
    ent = world.client("applicant_wuhan")
    assert ent.post(f"/applications/{world.app_id}/edit", data=_form(world)).status_code == 302
    assert ent.post(f"/applications/{world.app_id}/edit",
                    data=_form(world, evaluation_mode="self")).status_code == 422
    zh = _text(ent.get(f"/applications/{world.app_id}?lang=zh").get_data(as_text=True))
    assert "第三方评价机构开展现场评价" in zh
    with world.app.app_context():
        for year in (2025, 2026, 2027):
            codes = {r.code for r in _rules(world).eligibility_rules_for("factory", Level.PROVINCIAL, year)}
            assert "hubei.third_party_evaluation" in codes, year



def test_the_live_score_names_each_indicator_s_state_in_the_page_language(world):
    """The score the form shows as it is typed (applications.js) reads in the page's words, as the page first
    printed it: an indicator left blank says so (未填写数值 / its English), never the engine's code."""
    ent = world.client("applicant_wuhan")
    blank = next(ind.number for ind in _indicators(world) if ind.kind != "qualitative" and ind.unit != "项")
    data = _form(world, **{f"ind_{blank}": ""})
    for lang in ("zh", "en"):
        body = ent.post(f"/applications/{world.app_id}/score?lang={lang}", data=data).get_json()
        (row,) = [i for i in body["indicators"] if str(i["number"]) == str(blank)]
        assert row["score"] is None and row["status_label"] not in ("", "—", row["status"])
        assert ("未" in row["status_label"]) == (lang == "zh")
        assert body["tier_label"] == ""  # Hubei grades no self-evaluation (only Shanxi's tiers are named)
