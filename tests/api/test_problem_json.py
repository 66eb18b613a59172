"""Every error of the API is an RFC 9457 problem (issue 48): ``application/problem+json`` with ``type``, ``title``,
``status``, ``detail`` and ``instance``, and still this API's bilingual ``message``/``message_zh``/``message_en``,
``code``, per-field ``errors`` and ``request_id`` as extension members; so the document declares it."""
from __future__ import annotations

import pytest

import api_kit as kit

BASE = {"SECRET_KEY": "t", "TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "GREENMFG_RULES_YEAR": 2025,
        "GREENMFG_RATELIMIT_STORAGE": "memory://"}
PROBLEM = "application/problem+json"
ERROR = {"$ref": "#/components/schemas/Error"}


@pytest.mark.parametrize("region", kit.REGIONS)
def test_the_document_declares_every_error_answer_as_a_problem(region):
    from core import create_app

    doc = kit.served_document(create_app({**BASE, "GREENMFG_REGION": region}))
    error = doc["components"]["schemas"]["Error"]
    assert {"type", "title", "status", "detail", "instance"} <= set(error["required"])
    assert {"code", "message", "message_zh", "message_en", "errors", "request_id"} <= set(error["required"])
    answers, wrong = 0, []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            for status, response in op["responses"].items():
                if not (status[0] in "45" or status == "default"):
                    continue
                if "$ref" in response:
                    response = doc["components"]["responses"][response["$ref"].split("/")[-1]]
                answers += 1
                if response.get("content", {}).get(PROBLEM) != {"schema": ERROR}:
                    wrong.append(f"{method.upper()} {path} {status}: {response.get('content')}")
                other = set(response.get("content", {})) - {PROBLEM}
                if other and not (status == "422" and other == {"application/json"}):
                    wrong.append(f"{method.upper()} {path} {status}: also {other}")  # an import's report only
    assert wrong == [], "\n".join(wrong)
    assert answers > 500


def _problem(response, status: int, code: str, path: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM and response.headers["Content-Type"] == PROBLEM
    body = response.get_json()
    assert body["type"] == f"urn:greenmfg:problem:{code}" and body["code"] == code
    assert body["status"] == status and body["instance"] == path
    assert body["detail"] == body["message"] and body["message_zh"] and body["message_en"]
    assert body["title"] and body["request_id"] and body["errors"]
    return body


def test_refusals_answer_as_problems_in_both_languages(make_app):
    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    client = app.test_client()
    body = _problem(client.get("/api/v1/me"), 401, "unauthorized", "/api/v1/me")
    assert body["title"] == "未登录" and body["detail"].startswith("需要")  # Chinese first
    english = app.test_client()  # ?lang= is remembered for the client's later requests, as on the pages
    body = _problem(english.get("/api/v1/me?lang=en"), 401, "unauthorized", "/api/v1/me")
    assert body["title"] == "Not signed in" and body["detail"] == body["message_en"]
    applicant, province = people.headers("applicant"), people.headers("province")
    _problem(client.get("/api/v1/users", headers=applicant), 403, "forbidden", "/api/v1/users")
    _problem(client.get("/api/v1/applications/999999", headers=province), 404, "not_found",
             "/api/v1/applications/999999")
    _problem(client.delete("/api/v1/me", headers=province), 405, "method_not_allowed", "/api/v1/me")
    # per-field errors stay an extension member: one item per field at fault
    body = _problem(client.get("/api/v1/management/filings?year=3000&limit=0", headers=province), 422,
                    "invalid_input", "/api/v1/management/filings")
    assert sorted(e["field"] for e in body["errors"]) == ["limit", "year"]
    body = _problem(client.post("/api/v1/applications", headers=applicant, data="{", content_type="application/json"),
                    400, "bad_request", "/api/v1/applications")
    assert body["title"] == "请求无法读取" and body["detail"].startswith("请求体不是有效的 JSON"), body
    # a refusal a service raises (a domain error): a campaign the applicant cannot apply to
    body = _problem(client.post("/api/v1/applications", headers=applicant, json={"campaign_id": 999999,
                                                                                 "unit_type": "factory"}),
                    404, "not_found", "/api/v1/applications")
    assert body["errors"][0]["code"] == "not_found"
    # a token asked for with a wrong password: the refusal the client branches on by type
    r = client.post("/api/v1/tokens", json={"username": people.usernames["applicant"], "password": "错误的口令-0000"})
    assert r.status_code in (401, 422) and r.mimetype == PROBLEM
    assert r.get_json()["type"] == "urn:greenmfg:problem:" + r.get_json()["code"]


def test_every_code_has_its_type_and_title_in_both_languages(app):
    from flask_babel import force_locale

    from core.api.errors import ERROR_CODES, TITLES

    assert set(TITLES) == set(ERROR_CODES)
    for code, title in TITLES.items():
        with force_locale("zh"):
            zh = str(title)
        with force_locale("en"):
            en = str(title)
        assert zh != en and not zh.isascii(), (code, zh, en)  # each title translated (scripts/i18n)
