"""The served OpenAPI document of every region is a valid contract a generated client can rely on
(issue 18): openapi-spec-validator accepts it; every operation is named, tagged, secured and typed;
PATCH bodies carry no defaults; numbers are numbers; codes are enums; the region's form fields have one
naming in and out; the error body documented is the one the server sends, as an RFC 9457 problem."""
from __future__ import annotations


import pytest

import api_kit as kit

BASE = {"SECRET_KEY": "t", "TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "GREENMFG_RULES_YEAR": 2025,
        "GREENMFG_RATELIMIT_STORAGE": "memory://"}


@pytest.fixture(scope="module")
def apps():
    from core import create_app

    return {region: create_app({**BASE, "GREENMFG_REGION": region}) for region in kit.REGIONS}


@pytest.fixture(scope="module")
def documents(apps):
    return {region: kit.served_document(app) for region, app in apps.items()}


def _operations(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method != "parameters":
                yield path, method, op


def _resolve(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        kind, name = node["$ref"].split("/")[-2:]
        node = doc["components"][kind][name]
    return node


def _walk(doc, node, seen=None):
    """Every schema node reachable from ``node`` (references followed once)."""
    seen = set() if seen is None else seen
    if isinstance(node, dict):
        if "$ref" in node:
            if node["$ref"] in seen:
                return
            seen.add(node["$ref"])
            yield from _walk(doc, _resolve(doc, node), seen)
            return
        yield node
        for value in node.values():
            yield from _walk(doc, value, seen)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(doc, value, seen)


@pytest.mark.parametrize("region", kit.REGIONS)
def test_the_served_document_of_every_region_is_valid(documents, region):
    from openapi_spec_validator import validate

    doc = documents[region]
    validate(doc)  # raises on any violation of OpenAPI 3.0
    assert doc["openapi"].startswith("3.0")
    assert not [p for p in _walk(doc, doc["paths"]) if p.get("in") == "formData"]


@pytest.mark.parametrize("region", kit.REGIONS)
def test_every_operation_is_named_tagged_secured_and_typed(documents, region):
    doc = documents[region]
    tags = {t["name"] for t in doc["tags"]}
    ids, problems = [], []
    for path, method, op in _operations(doc):
        where = f"{method.upper()} {path}"
        ids.append(op.get("operationId"))
        if not op.get("operationId"):
            problems.append(f"{where}: no operationId")
        if not op.get("tags") or not set(op["tags"]) <= tags:
            problems.append(f"{where}: tags {op.get('tags')}")
        if "security" not in op:
            problems.append(f"{where}: says nothing about security")
        elif op["security"] and {"bearerAuth": []} in op["security"] and {} not in op["security"]:
            for status in ("401", "403"):
                if status not in op["responses"]:
                    problems.append(f"{where}: token operation without {status}")
        for status, response in op["responses"].items():
            response = _resolve(doc, response)
            if status in ("204", "304"):  # 304: to If-None-Match, without a body (issue 58)
                assert "content" not in response, where
                continue
            content = response.get("content")
            if not content:
                problems.append(f"{where} {status}: untyped")
                continue
            for media, body in content.items():
                schema = body.get("schema")
                if not schema:
                    problems.append(f"{where} {status} {media}: no schema")
                elif status[0] in "45" or status == "default":
                    # RFC 9457 (issue 48): every error is an Error problem; an import's 422 may be its report
                    if media == "application/problem+json":
                        if schema != {"$ref": "#/components/schemas/Error"}:
                            problems.append(f"{where} {status}: error body is not Error ({schema})")
                    elif not (status == "422" and media == "application/json" and "application/problem+json" in content
                              and {"$ref": "#/components/schemas/Error"} in schema.get("oneOf", [])):
                        problems.append(f"{where} {status} {media}: an error answer not as application/problem+json")
                elif media != "application/json":
                    if schema != {"type": "string", "format": "binary"}:
                        problems.append(f"{where} {status} {media}: a file not documented as binary")
        if not any(s.startswith("2") for s in op["responses"]):
            problems.append(f"{where}: no success answer")
        if "default" not in op["responses"]:
            problems.append(f"{where}: no default error answer")
    assert problems == [], "\n".join(problems)
    assert len(ids) == len(set(ids)), "operationIds are unique"
    assert len(ids) >= 110
    bearer = doc["components"]["securitySchemes"]["bearerAuth"]
    assert bearer == {"type": "http", "scheme": "bearer"}


@pytest.mark.parametrize("region", kit.REGIONS)
def test_patch_bodies_have_no_defaults_and_numbers_are_numbers(documents, region):
    doc = documents[region]
    for path, method, op in _operations(doc):
        if method == "patch":
            body = op["requestBody"]["content"]["application/json"]["schema"]
            defaults = [node for node in _walk(doc, body) if "default" in node]
            assert defaults == [], f"PATCH {path} documents defaults a client would send: {defaults}"
    for node in _walk(doc, doc):
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength"):
            if key in node and not isinstance(node[key], bool):
                assert isinstance(node[key], (int, float)), (key, node)


@pytest.mark.parametrize("region", kit.REGIONS)
def test_codes_are_enums(documents, apps, region):
    from core.models import ApplicationStatus

    doc, rules = documents[region], apps[region].extensions["greenmfg"].rules
    schemas = doc["components"]["schemas"]
    application = schemas[f"Application{region.title()}"]["properties"]
    assert application["status"]["enum"] == [s.value for s in ApplicationStatus]
    assert application["unit_type"]["enum"] == sorted(rules.unit_types)
    # the industries are the round's (gm_policy_industries; Jiangxi 2024 accepts any by name): a string
    assert "enum" not in application["industry"] and "string" in str(application["industry"].get("type"))
    assert "round" in application["industry"]["description"]
    assert set(application["level"]["enum"]) == set(rules.list_levels)
    assert "invalid_input" in schemas["Error"]["properties"]["code"]["enum"]
    query = next(op for p, m, op in _operations(doc) if p == "/api/v1/applications" and m == "get")
    status = next(p for p in query["parameters"] if p["name"] == "status")
    assert [v for v in status["schema"]["enum"] if v is not None] == [s.value for s in ApplicationStatus]


def test_every_domain_error_code_is_documented():
    from core.api.errors import ERROR_CODES
    from core.errors import GreenmfgError

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    import core.scoring.files  # noqa: F401  (every refusal class is imported)

    assert {c.code for c in subclasses(GreenmfgError)} <= set(ERROR_CODES)


@pytest.mark.parametrize("region", kit.REGIONS)
def test_the_region_fields_have_one_naming_in_and_out(documents, apps, region):
    doc, rules = documents[region], apps[region].extensions["greenmfg"].rules
    schemas = doc["components"]["schemas"]
    suffix = region.title()
    codes = set(rules.form_fields)
    incoming = schemas[f"ApplicationExtension{suffix}"]["properties"]
    outgoing = schemas[f"ApplicationExtensionOut{suffix}"]["properties"]
    assert set(incoming) == codes == set(outgoing)
    # a table's number of rows is what a stored application holds (Hunan's three years: seed
    # 000_5ae1342e00264ea1.txt 附件1 企业近三年经营情况); a PATCH to a draft may send part of a table, checked in
    # full at submission (tests/applications/test_partial_drafts.py)
    bounds = ("minItems", "maxItems")
    assert incoming == {k: {a: v for a, v in p.items() if a not in bounds} for k, p in outgoing.items()}, \
        "the same fields, types and descriptions both ways"
    assert not any(a in p for p in incoming.values() for a in bounds)
    if region == "hunan":
        assert outgoing["hunan.finances"]["minItems"] == 3 == outgoing["hunan.finances"]["maxItems"]
    update = schemas[f"ApplicationUpdate{suffix}"]["properties"]
    assert update["extension"] == {"$ref": f"#/components/schemas/ApplicationExtension{suffix}"} or \
        update["extension"].get("allOf") == [{"$ref": f"#/components/schemas/ApplicationExtension{suffix}"}]
    assert not [k for k in update if k.startswith("ext_")]
    from core.plugins.types import year_text

    for code, prop in incoming.items():  # year fields read N-1… in the document (N: the round's year)
        assert year_text(rules.form_fields[code].label, None) in prop["description"] and "type" in prop, (code, prop)


def test_the_upload_is_one_multipart_body(documents):
    op = documents["hunan"]["paths"]["/api/v1/applications/{app_id}/evidence"]["post"]
    assert "parameters" not in op or all(p["in"] in ("path", "header") for p in op["parameters"])  # Idempotency-Key
    body = _resolve(documents["hunan"], op["requestBody"]["content"]["multipart/form-data"]["schema"])
    assert body["properties"]["file"] == {"type": "string", "format": "binary",
                                          "description": "one PDF, at most 10 MB"}
    assert set(body["required"]) == {"file", "section"}


@pytest.mark.parametrize("region", kit.REGIONS)
def test_query_parameters_are_never_null_and_the_document_names_its_region(documents, region):
    """A query string has no null (issue 48): an optional parameter is left out. Declared nullable, with ``null``
    among an enum's values, a generator made three enum classes of every ``lang`` and filter parameter. The document
    names the region whose request bodies it describes and the plugin contract's version."""
    from core.plugins import CONTRACT_VERSION

    doc = documents[region]
    queries = [(path, p) for path, _, op in _operations(doc) for p in op.get("parameters", []) if p["in"] == "query"]
    assert len(queries) > 50
    nullable = [(path, p["name"]) for path, p in queries
                if p["schema"].get("nullable") or None in p["schema"].get("enum", ()) or
                ("default" in p["schema"] and p["schema"]["default"] is None)]
    assert nullable == []
    assert {p["name"]: p["schema"]["enum"] for _, p in queries if p["name"] == "lang"} == {"lang": ["zh", "en"]}
    assert doc["info"]["x-greenmfg-region"]["code"] == region
    assert doc["info"]["x-greenmfg-plugin-contract"] == CONTRACT_VERSION
