"""Issue 55: a request is answered for what is wrong with it first, in the order a client can act on.

* a body whose Content-Type the operation does not take is 415 (a JSON PATCH sent as ``text/plain``, without a
  type or as a form answered 200 and saved nothing; an upload sent as JSON);
* a token operation called without a token is 401, whatever else is wrong with the request (a NUL in the query
  answered 422 first);
* a method the path does not declare is 405 with its ``Allow`` header (the request checks answered 422 first).
"""
from __future__ import annotations

import re

import pytest

import api_kit as kit
from test_etags import _draft



def _served(region: str = "hunan"):
    from core import create_app

    app = create_app({"SECRET_KEY": "t", "TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "GREENMFG_REGION": region, "GREENMFG_RULES_YEAR": 2025})
    return app, kit.served_document(app)


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path.replace("{day}", "2026-10-01").replace("{year}", "2026"))


def test_a_token_operation_without_a_token_is_401_before_anything_else():
    app, document = _served()
    client, checked = app.test_client(), []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete") or operation.get("security") != [
                    {"bearerAuth": []}]:
                continue
            # a body it would refuse (415) and no token: the 401 (a hostile query string is refused before either,
            # by the app's first hook: tests/security/test_hostile_query_strings.py)
            r = client.open(_url(path), method=method.upper(), data="x", content_type="text/plain")
            assert r.status_code == 401, (method, path, r.status_code, r.get_json())
            checked.append(path)
    assert len(checked) > 100


def test_an_undeclared_method_is_405_with_allow_before_the_request_checks():
    app, document = _served()
    client, checked = app.test_client(), 0
    for path, item in document["paths"].items():
        for method in ("get", "post", "put", "patch", "delete"):
            if method in item:
                continue
            r = client.open(_url(path), method=method.upper(), json={"a": "b\x00"})
            assert r.status_code == 405, (method, path, r.status_code, r.get_json())
            assert r.get_json()["code"] == "method_not_allowed" and r.headers["Allow"]
            checked += 1
    assert checked > 100


def test_every_operation_that_takes_a_body_declares_415():
    _app, document = _served()
    bodies = [(m, p) for p, item in document["paths"].items() for m, o in item.items()
              if isinstance(o, dict) and "requestBody" in o]
    assert bodies and all("415" in document["paths"][p][m]["responses"] for m, p in bodies)


@pytest.mark.parametrize("how", ["text/plain", "no type", "form"])
def test_a_json_patch_sent_as_another_type_is_415_and_saves_nothing(make_app, how):
    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    app_id, clerk = _draft(app, people)
    client, url = app.test_client(), f"/api/v1/applications/{app_id}"
    tag = client.get(url, headers=clerk).headers["ETag"]
    headers = {**clerk, "If-Match": tag}
    if how == "text/plain":
        r = client.patch(url, data='{"contact_name": "赵磊"}', headers={**headers, "Content-Type": "text/plain"})
    elif how == "no type":
        r = client.patch(url, data=b'{"contact_name": "\xe8\xb5\xb5\xe7\xa3\x8a"}', headers=headers)
    else:
        r = client.patch(url, data={"contact_name": "赵磊"}, headers=headers)
    assert r.status_code == 415, (r.status_code, r.get_json())
    body = r.get_json()
    assert body["code"] == "unsupported_media_type"
    assert "application/json" in body["message_en"] and "application/json" in body["message_zh"]
    assert client.get(url, headers=clerk).get_json()["contact_name"] != "赵磊"
    ok = client.patch(url, json={"contact_name": "赵磊"}, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["contact_name"] == "赵磊"


def test_an_upload_sent_as_json_is_415(make_app, tmp_path):
    app = make_app("hunan", GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"))
    people = kit.people(app, division="430100", experts=0)
    app_id, clerk = _draft(app, people)
    r = app.test_client().post(f"/api/v1/applications/{app_id}/evidence", headers=clerk,
                               json={"section": "general", "file": "JVBERi0="})
    assert r.status_code == 415 and "multipart/form-data" in r.get_json()["message_en"]
