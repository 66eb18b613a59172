"""A draft saves with any field left blank (the form says 可随时保存, "save at any time"); a blank clears the
field, and submission asks for every required field again. Issue 20: "Saving a draft refuses partial drafts"."""
from __future__ import annotations

import pytest
from app_world import build_world, open_campaign, start_draft


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
        kinds = {f.code: f.make_schema_field() for f in ffs}
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
