"""No input reaches a 500 (issue 18): NUL characters, out-of-range years and ids, deep JSON, oversized
bodies and every text length are refused with a 4xx in Chinese and English, in the one error format, and
nothing is written. Run on SQLite and PostgreSQL (which cannot store a NUL)."""
from __future__ import annotations

import io
import json

import pytest

import api_kit as kit
from helpers import with_tag


@pytest.fixture
def world(make_app, tmp_path):
    from core.accounts import services as accounts
    from core.applications import services
    from core.extensions import db
    from core.models import User

    app = make_app("hunan", GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"), GREENMFG_API_MAX_JSON_BYTES=64 * 1024,
                   MAX_CONTENT_LENGTH=2 * 1024 * 1024)
    people = kit.people(app, division="430100", experts=0)
    with app.app_context():
        tokens = {}
        for role in ("applicant", "city", "province", "admin"):
            tokens[role], _ = accounts.create_token(db.session.get(User, people.user_ids[role]), "inputs")
        campaign = services.open_campaign(actor="test", year=2025, level="provincial", unit_types=["factory"],
                                          closes_at=kit.bj(2099, 12, 31))
        a = services.start_application(db.session.get(User, people.user_ids["applicant"]), campaign, "factory")
        db.session.commit()
        people.campaign_id, people.app_id = campaign.id, a.id
    people.tokens = tokens
    return people


def _headers(world, role):
    return {"Authorization": f"Bearer {world.tokens[role]}"}


def _written(app) -> dict[str, int]:
    """Row counts of every table (the audit log included): what a refusal must leave as it was."""
    import sqlalchemy as sa

    from core.extensions import db

    with app.app_context():
        tables = [t for t in db.metadata.sorted_tables]
        return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in tables}


def _refused(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:400])
    body = response.get_json()
    assert body["status"] == status and body["code"] and body["request_id"]
    assert body["message_zh"] and body["message_en"] and body["message_zh"] != body["message_en"], body
    assert body["errors"] and all(e["message_zh"] and e["message_en"] for e in body["errors"])
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body["errors"]
    return body


def test_nul_characters_are_refused_everywhere_before_anything_is_written(world):
    app, client = world.app, world.app.test_client()
    before = _written(app)
    url = f"/api/v1/applications/{world.app_id}"
    cases = [
        ("patch", url, {"json": {"contact_name": "赵\x00磊"}}, "contact_name"),
        ("patch", url, {"json": {"declarations": {"bad\x00key": True}}}, "declarations.bad\x00key"),
        ("patch", url, {"json": {"extension": {"hunan.main_business": "精细\x00化工"}}},
         "extension.hunan.main_business"),
        ("get", "/api/v1/applications?q=%E5%8C%96%00", {}, "q"),
        ("get", "/api/v1/lists?region=hu%00nan", {}, "region"),
        ("post", f"{url}/evidence", {"content_type": "multipart/form-data",
                                     "data": {"section": "gen\x00eral", "file": (io.BytesIO(kit.pdf()), "a.pdf")}},
         "section"),
        ("post", f"{url}/evidence", {"content_type": "multipart/form-data",
                                     "data": {"section": "general", "file": (io.BytesIO(kit.pdf()), "a\x00.pdf")}},
         "file"),
        ("post", "/api/v1/management/complaints", {"json": {
            "subject_uscc": world.uscc, "complainant_name": "张\x00三", "complainant_contact": "13800000000",
            "content": "该企业存在超标排放的问题，请核查", "evidence_note": "现场照片"}}, "complainant_name"),
    ]
    for method, target, kwargs, field in cases:
        r = with_tag(client, method, target, headers=_headers(world, "applicant"), **kwargs)
        body = _refused(r, 422, field)
        assert "NUL" in body["message_en"] and "NUL" in body["message_zh"]
    assert _written(app) == before


def test_years_and_ids_out_of_range_are_4xx_and_create_nothing(world):
    app, client = world.app, world.app.test_client()
    before = _written(app)
    province = _headers(world, "province")
    _refused(client.get("/api/v1/rules?year=10000"), 422, "year")
    _refused(client.get("/api/v1/rules?year=-1"), 422, "year")
    _refused(client.put("/api/v1/recommendations/1/consulted", headers=province,
                        json={"consulted_departments": []}), 404)
    _refused(client.get("/api/v1/recommendations/99999", headers=province), 404)
    _refused(client.post("/api/v1/recommendations/2025/items", headers=province,
                         json={"application_id": 99999}), 404)
    _refused(client.post("/api/v1/recommendations/2025/items", headers=province,
                         json={"application_id": 2**40}), 422, "application_id")
    _refused(client.get(f"/api/v1/applications/{2**31}", headers=province), 404)
    _refused(client.get("/api/v1/applications/0", headers=province), 404)
    _refused(client.post("/api/v1/applications", headers=_headers(world, "applicant"),
                         json={"campaign_id": 2**40, "unit_type": "factory"}), 422, "campaign_id")
    _refused(client.post("/api/v1/campaigns", headers=province,
                         json={"year": 1, "level": "provincial", "unit_types": ["factory"]}), 422, "year")
    _refused(client.get("/api/v1/holidays?year=99999"), 422, "year")
    _refused(client.get("/api/v1/management/filings?year=3000", headers=province), 422, "year")
    assert _written(app) == before


def test_deep_and_malformed_json_and_oversized_bodies_are_refused(world):
    app, client = world.app, world.app.test_client()
    before = _written(app)
    url, headers = f"/api/v1/applications/{world.app_id}", _headers(world, "applicant")
    deep = '{"indicator_values": {"1": ' + "[" * 5000 + "]" * 5000 + "}}"
    body = _refused(with_tag(client, "patch", url, headers=headers, data=deep, content_type="application/json"), 400)
    assert "32" in body["message_en"]
    nested33 = {"indicator_values": {"1": json.loads("[" * 31 + "]" * 31)}}
    _refused(with_tag(client, "patch", url, headers=headers, json=nested33), 400)
    for raw in ('{"contact_name": NaN}', '{"contact_name": "\\ud800"}', '{"contact_name": ', b'{"a": "\xff"}',
                '{"indicator_values": {"1": 1e999999}}'):
        _refused(with_tag(client, "patch", url, headers=headers, data=raw, content_type="application/json"), 400)
    big = json.dumps({"contact_name": "x" * (70 * 1024)})
    _refused(with_tag(client, "patch", url, headers=headers, data=big, content_type="application/json"), 413)
    r = client.post(f"{url}/evidence", headers=headers, content_type="multipart/form-data",
                    data={"section": "general", "file": (io.BytesIO(b"%PDF" + b"0" * (3 * 1024 * 1024)), "a.pdf")})
    _refused(r, 413)
    assert _written(app) == before


def _schema(doc, node):
    while "$ref" in node:
        node = doc["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _json_operations(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            content = (op.get("requestBody") or {}).get("content", {})
            if "application/json" in content:
                yield path, method, op, _schema(doc, content["application/json"]["schema"])


def test_every_text_of_every_json_body_is_bounded_and_refused_past_its_length(world):
    """Each text property of each JSON body is sent one character past its documented maximum (and, where it
    has one, one short of its minimum): a 422 naming that field, in both languages, nothing written."""
    app, client = world.app, world.app.test_client()
    doc = kit.served_document(app)
    before = _written(app)
    tried, unbounded = 0, []
    for path, method, op, schema in _json_operations(doc):
        if path == "/api/v1/recommendation-imports":  # the signed document as exported: its signature and the
            continue  # import's all-or-nothing row checks judge it (tests/lists), not a schema
        url = path.replace("{app_id}", str(world.app_id)).replace("{year}", "2025")
        url = url.replace("{code}", "hunan.changsha").replace("{day}", "2025-10-01")
        for key in ("{campaign_id}", "{notice_id}", "{objection_id}", "{decision_id}", "{ident}", "{firm_id}",
                    "{request_id}", "{assignment_id}", "{item_id}", "{user_id}", "{token_id}", "{evidence_id}"):
            url = url.replace(key, "1")
        role = "admin" if any(s in path for s in ("/users", "/admin-units", "/holidays")) else "province"
        for name, prop in (schema.get("properties") or {}).items():
            prop = _schema(doc, prop)
            if prop.get("type") != "string" or "enum" in prop or prop.get("format") in ("date", "date-time"):
                continue
            if "maxLength" not in prop:
                unbounded.append(f"{method.upper()} {path} {name}")
                continue
            values = ["字" * (prop["maxLength"] + 1)]
            if prop.get("minLength", 0) > 1:
                values.append("字" * (prop["minLength"] - 1))
            for value in values:
                r = with_tag(client, method, url, headers=_headers(world, role), json={name: value})
                assert r.status_code in (401, 403, 404, 422), (method, url, name, r.status_code)
                if r.status_code == 422:
                    _refused(r, 422, name)
                    tried += 1
    assert unbounded == []
    assert tried >= 80
    assert _written(app) == before


def test_texts_checked_by_services_are_refused_in_both_languages(world):
    """The management services' own text checks (they named ``%(field)s`` and failed with a 500)."""
    app, client = world.app, world.app.test_client()
    before = _written(app)
    r = client.post("/api/v1/management/complaints", json={
        "subject_uscc": world.uscc, "complainant_name": "张三", "complainant_contact": "13800000000",
        "content": "          该企业          ", "evidence_note": "照片"})
    body = _refused(r, 422, "content")
    assert "10" in body["message_en"] and "5000" in body["message_zh"]
    r = client.post("/api/v1/management/bans", headers=_headers(world, "province"),
                    json={"subject": "organization", "uscc": world.uscc, "sanction": "fraud", "reason": "  x  "})
    _refused(r, 422, "reason")
    assert _written(app) == before


def test_what_the_database_still_refuses_is_a_4xx_with_nothing_saved(world, monkeypatch):
    """The backstop behind the schemas: a value the database refuses (DataError) is a 422, a conflicting write
    (IntegrityError, e.g. a unique key taken at the same time) a 409; both bilingual, the transaction rolled
    back."""
    import sqlalchemy.exc as sa_exc

    from core.api import resource

    app, client = world.app, world.app.test_client()
    before = _written(app)
    url, headers = f"/api/v1/applications/{world.app_id}", _headers(world, "applicant")
    for error, status in ((sa_exc.DataError("INSERT", {}, Exception("value too long")), 422),
                          (sa_exc.IntegrityError("INSERT", {}, Exception("duplicate key")), 409)):
        def refuse(*args, error=error, **kwargs):
            raise error

        monkeypatch.setattr(resource, "commit", refuse)  # the unit of work every resource ends with (done)
        body = _refused(with_tag(client, "patch", url, headers=headers, json={"contact_name": "赵磊"}), status)
        assert "nothing was saved" in body["message_en"] and "未保存" in body["message_zh"]
    assert _written(app) == before
