"""Issue 58: one OpenAPI document everywhere, and one a linter and a client generator take as it is.

``greenmfg openapi print`` and ``greenmfg openapi write`` give byte for byte what ``/api/openapi.json`` serves (before,
they wrote apispec's document before this project's finishing steps: bounds as strings, ``null`` in query enums, a
document openapi-spec-validator refused); in every region it is valid, has a ``servers`` entry, describes every
operation, types no ``nullable`` without a ``type`` (Redocly's ``nullable-type-sibling``), types every collection's
``after`` cursor as a string and documents the deprecated ``page`` and ``per_page`` without a default a generated
client would send. A GET answered with an ETag is answered 304 to ``If-None-Match``; the eligibility results give a
rule's ``levels`` as a list of level codes."""
from __future__ import annotations

import json

import pytest

import api_kit as kit

from core.api.spec_lint import _nodes  # every object of a document, depth first

BASE = {"SECRET_KEY": "t", "TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "GREENMFG_RULES_YEAR": 2025,
        "GREENMFG_RATELIMIT_STORAGE": "memory://"}


def _operations(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method != "parameters":
                yield path, method, op


@pytest.mark.parametrize("region", kit.REGIONS)
def test_the_cli_writes_the_served_document_byte_for_byte(region, tmp_path):
    from openapi_spec_validator import validate

    from core import create_app
    from core.cli import cli

    app = create_app({**BASE, "GREENMFG_REGION": region})
    served = app.test_client().get("/api/openapi.json")
    assert served.status_code == 200 and served.mimetype == "application/json"
    runner = app.test_cli_runner()
    printed = runner.invoke(cli, ["openapi", "print"])  # the greenmfg command line, as an operator types it
    assert printed.exit_code == 0, printed.output
    assert printed.stdout_bytes == served.data
    target = tmp_path / "openapi.json"
    written = runner.invoke(cli, ["openapi", "write", str(target)])
    assert written.exit_code == 0, written.output
    assert target.read_bytes() == served.data
    document = json.loads(target.read_bytes())
    validate(document)  # openapi-spec-validator, on what the CLI wrote
    numbers = [node[key] for node in _nodes(document) for key in ("minimum", "maximum") if key in node]
    assert numbers and all(isinstance(n, (int, float)) for n in numbers)  # bounds as numbers, not strings
    nulls = [(path, p["name"]) for path, _m, op in _operations(document) for p in op.get("parameters", [])
             if p["in"] == "query" and (None in p["schema"].get("enum", ()) or p["schema"].get("nullable"))]
    assert nulls == []


@pytest.fixture(scope="module")
def documents():
    from core import create_app

    return {region: kit.served_document(create_app({**BASE, "GREENMFG_REGION": region})) for region in kit.REGIONS}


@pytest.mark.parametrize("region", kit.REGIONS)
def test_what_linters_found_is_gone(documents, region):
    doc = documents[region]
    assert doc["servers"] == [{"url": "/", "description": "this instance (the address the document was read from)"}]
    typeless = [node for node in _nodes(doc) if node.get("nullable") and "type" not in node]
    assert typeless == []
    undescribed = [f"{m} {p}" for p, m, op in _operations(doc) if not op.get("description", "").strip()]
    assert undescribed == []
    # a one-line docstring is the summary and the description; the rules' longer one keeps its own description
    rules = doc["paths"]["/api/v1/rules"]["get"]
    assert rules["description"].startswith("Every rule of this instance's region in force in the year")
    submit = doc["paths"]["/api/v1/applications/{app_id}/submit"]["post"]
    assert submit["description"] == submit["summary"]
    cursors, collections = {}, 0
    for path, method, op in _operations(doc):
        parameters = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "query"}
        if "after" in parameters:
            cursors[path] = parameters["after"]["schema"]["type"]
        if method == "get" and "limit" in parameters:
            collections += 1
            assert "after" in parameters, path
        for name, parameter in parameters.items():
            if parameter.get("deprecated"):
                assert "default" not in parameter["schema"], (path, name)
    assert collections >= 29 and len(cursors) == collections
    assert set(cursors.values()) == {"string"}, {p: t for p, t in cursors.items() if t != "string"}
    deprecated = sorted((path, p["name"]) for path, _m, op in _operations(doc) for p in op.get("parameters", [])
                        if p.get("deprecated"))
    assert deprecated == [("/api/v1/applications", "page"), ("/api/v1/applications", "per_page"),
                          ("/api/v1/users", "page")]
    for path, method, op in _operations(doc):
        if method == "get" and "ETag" in op["responses"]["200"].get("headers", {}):
            names = [p["name"] for p in op.get("parameters", []) if p["in"] == "header"]
            assert names.count("If-None-Match") == 1 and "304" in op["responses"], path


def test_a_record_cursor_is_a_string_and_a_bad_one_is_a_422_naming_it(make_app):
    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    headers = _bearer(app, people, "province")
    client = app.test_client()
    for path in ("/api/v1/applications", "/api/v1/review/applications"):
        for bad in ("0", "x1", "12345678901", "1.5"):
            answer = client.get(f"{path}?after={bad}", headers=headers)
            assert answer.status_code == 422, (path, bad, answer.get_json())
            assert answer.mimetype == "application/problem+json"
            assert [(e["field"], e["message_zh"]) for e in answer.get_json()["errors"]] == [
                ("after", "不是本列表的翻页游标：请传回上一页的 next_after。")]
        assert client.get(f"{path}?after=7", headers=headers).status_code == 200


def _bearer(app, people, role):
    from core.accounts import services as accounts
    from core.extensions import db
    from core.models import User

    with app.app_context():
        token, _ = accounts.create_token(db.session.get(User, people.user_ids[role]), "issue 58")
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _draft(app, people):
    from core.applications import services
    from core.extensions import db
    from core.models import User

    with app.app_context():
        user = db.session.get(User, people.user_ids["applicant"])
        campaign = services.open_campaign(actor="test", year=2025, level="provincial", unit_types=["factory"],
                                          closes_at=kit.bj(2099, 12, 31))
        a = services.start_application(user, campaign, "factory")
        db.session.commit()
        return a.id


def test_a_read_of_an_unchanged_record_is_a_304_and_a_change_makes_it_a_200(make_app):
    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    app_id, clerk = _draft(app, people), _bearer(app, people, "applicant")
    client, url = app.test_client(), f"/api/v1/applications/{app_id}"
    read = client.get(url, headers=clerk)
    tag = read.headers["ETag"]
    again = client.get(url, headers={**clerk, "If-None-Match": tag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag
    assert "Content-Type" not in again.headers
    assert client.get(url, headers={**clerk, "If-None-Match": f'"other", W/{tag}'}).status_code == 304  # weak match
    assert client.get(url, headers={**clerk, "If-None-Match": '"other"'}).status_code == 200
    changed = client.patch(url, json={"contact_name": "赵磊"}, headers={**clerk, "If-Match": tag})
    assert changed.status_code == 200
    fresh = client.get(url, headers={**clerk, "If-None-Match": tag})
    assert fresh.status_code == 200 and fresh.get_json()["contact_name"] == "赵磊" and fresh.headers["ETag"] != tag
    # a collection and the document too; a refusal is never a 304 (another caller's record: 404 whatever the tag)
    listing = client.get("/api/v1/applications", headers=clerk)
    assert client.get("/api/v1/applications", headers={**clerk, "If-None-Match": listing.headers["ETag"]}
                      ).status_code == 304
    document = client.get("/api/openapi.json")
    assert client.get("/api/openapi.json", headers={"If-None-Match": document.headers["ETag"]}).status_code == 304
    assert client.get(f"/api/v1/applications/{app_id + 999}", headers={**clerk, "If-None-Match": "*"}
                      ).status_code == 404


def test_eligibility_gives_a_rules_levels_as_level_codes(make_app):
    """Hunan's provincial round: the region's rules checked at the round's level answer ``levels: ["provincial"]``
    (before: ``["[", "'", "p", …]``), in the answer and in the results stored at submission."""
    from core.applications import eligibility
    from core.extensions import db
    from core.models import Application

    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    app_id, clerk = _draft(app, people), _bearer(app, people, "applicant")
    answer = app.test_client().get(f"/api/v1/applications/{app_id}/eligibility", headers=clerk)
    assert answer.status_code == 200
    gated = [r for r in answer.get_json()["results"] if "levels" in r]
    assert gated and all(r["levels"] == ["provincial"] for r in gated), gated
    with app.app_context():
        stored = eligibility.jsonable_results(eligibility.evaluate(db.session.get(Application, app_id)))
        assert [r["levels"] for r in stored if "levels" in r] == [["provincial"]] * len(gated)
        failed = [{**r, "ok": False, "blocking": True} for r in stored if "levels" in r]
        assert eligibility.recommend_blockers(failed, ["provincial"]) == failed
        assert eligibility.recommend_blockers(failed, ["national"]) == []  # a set of characters matched any level


def test_migration_0043_reads_stored_level_texts_back_as_lists(make_app):
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from core.extensions import db, init_migrate

    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    app_id = _draft(app, people)
    init_migrate(app)
    stored = [{"kind": "rule", "code": "r1", "levels": "['national', 'provincial']"},
              {"kind": "rule", "code": "r2", "levels": ["provincial"]}, {"kind": "ban", "code": "b"}]
    table = sa.table("application", sa.column("id", sa.Integer), sa.column("eligibility", sa.JSON))
    with app.app_context():
        downgrade(revision="0042_year_free_steps")
        db.session.execute(table.update().where(table.c.id == app_id).values(eligibility=stored))
        db.session.commit()
        db.session.remove()
        upgrade()
        got = db.session.execute(sa.select(table.c.eligibility).where(table.c.id == app_id)).scalar()
    assert got == [{"kind": "rule", "code": "r1", "levels": ["national", "provincial"]},
                   {"kind": "rule", "code": "r2", "levels": ["provincial"]}, {"kind": "ban", "code": "b"}]


def test_a_client_generated_from_the_written_document_sends_nothing_it_was_not_given(tmp_path):
    """openapi-python-client with its default options, on what ``greenmfg openapi write`` wrote: a collection read
    with no arguments sends no deprecated parameter (before: ``page=1&per_page=50`` on every call), and a token is
    asked for with a user name and password alone (the optional properties carry no default to send)."""
    import inspect
    from importlib import import_module

    from core import create_app
    from core.cli import cli

    app = create_app({**BASE, "GREENMFG_REGION": "hunan"})
    target = tmp_path / "openapi.json"
    assert app.test_cli_runner().invoke(cli, ["openapi", "write", str(target)]).exit_code == 0
    package = kit.generate_client(json.loads(target.read_text(encoding="utf-8")), tmp_path / "client",
                                  "greenmfg_hunan_written")
    sent = {module: import_module(f"{package.__name__}.api.{module}")._get_kwargs()["params"]
            for module in ("applications_api.get_applications", "accounts_api.get_users")}
    assert sent == {"applications_api.get_applications": {}, "accounts_api.get_users": {"limit": 100}}  # its size
    token = import_module(f"{package.__name__}.models").TokenRequest
    needed = [name for name, p in inspect.signature(token.__init__).parameters.items()
              if name != "self" and p.default is inspect.Parameter.empty]
    assert sorted(needed) == ["password", "username"]
