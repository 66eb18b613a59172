"""The JSON API cites documents as the pages do: by title, 文号 and article, never by a plugin's seed file or a
developer's note (core/api/cites.py). Every GET operation of the served document is asked, by each role's token, on
the demo data (``core.cli.demo_data``: applications in every state, evaluations, experts, list history): the
collections, then each record path with ids they answered. Hunan's and the ministry's demos on SQLite; Hubei's on
PostgreSQL too (CI time, as tests/web/test_plain_language.py)."""
from __future__ import annotations

import json
import re

import pytest
from helpers import DEMO_COPIES

#: a plugin's seed file, or a reference note a plugin's cite may carry for its developers
NOT_FOR_READERS = re.compile(r"\d{3}_[0-9a-f]{16}\.txt|\b(?:domain|architecture|features|ecosystem)\.md\b")
ROLES = ("admin", "province", "city", "enterprise", "evaluator", "expert")


@pytest.fixture
def demo_api(make_app, tmp_path, request, cheap_hashes):
    from core.accounts import services as accounts
    from core.extensions import db
    from core.models import User

    app = make_app(request.param, GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"), GREENMFG_MFA_ROLES=[])
    with app.app_context():
        DEMO_COPIES.load(app)
        tokens = {}
        for user in db.session.scalars(db.select(User).where(User.username.in_(ROLES))):
            tokens[user.username], _ = accounts.create_token(user, "citations")
        db.session.commit()
        db.session.remove()
    assert set(tokens) == set(ROLES)
    return app, tokens


def _answers(app, tokens):
    """(path, role, JSON text) of every GET answered 200: the collections, then the record paths with up to three
    ids each collection answered (or the ids any answered)."""
    client = app.test_client()
    document = client.get("/api/openapi.json").get_json()
    paths = [p for p, item in document["paths"].items() if "get" in item and p.startswith("/api/v1/")]
    ids: dict[str, list[int]] = {}
    out = []

    def ask(path: str, role: str):
        response = client.get(path, headers={"Authorization": f"Bearer {tokens[role]}"})
        assert response.status_code < 500, (path, role, response.get_data(as_text=True)[:500])
        if response.status_code == 200 and response.is_json:
            out.append((path, role, response.get_data(as_text=True)))
            return response.get_json()
        return None

    for role in ROLES:
        for path in [p for p in paths if "{" not in p]:
            data = ask(path, role)
            items = data.get("items") if isinstance(data, dict) else data
            for item in items if isinstance(items, list) else ():
                if isinstance(item, dict) and isinstance(item.get("id"), int):
                    ids.setdefault(path, []).append(item["id"])
    anywhere = sorted({i for found in ids.values() for i in found})[:5]
    for role in ROLES:
        for path in [p for p in paths if len(re.findall(r"\{\w+\}", p)) == 1]:
            name = re.search(r"\{(\w+)\}", path)[1]
            for ident in (ids.get(path.split("{")[0].rstrip("/")) or anywhere)[:3]:
                ask(path.replace("{" + name + "}", str(ident)), role)
    return out


@pytest.mark.parametrize("demo_api", ["hunan", "hubei", "national"], indirect=True)
def test_every_answer_cites_documents_as_people_read_them(demo_api):
    app, tokens = demo_api
    answers = _answers(app, tokens)
    problems = [f"{role} {path}: …{text[max(0, m.start() - 120):m.end() + 20]}…"
                for path, role, text in answers for m in [NOT_FOR_READERS.search(text)] if m]
    assert not problems, "\n".join(problems[:20])
    # the scan read citations (not only empty answers): an application's eligibility rules name their documents
    cites = [c for _, _, text in answers for c in re.findall(r'"cite": ?"((?:[^"\\]|\\.)*)"', text) if c]
    readable = [c for c in (json.loads(f'"{c}"') for c in cites) if "《" in c and "》" in c]
    assert len(readable) >= 10, cites[:10]
    assert any(re.fullmatch(r"/api/v1/applications/\d+", path) for path, _, _ in answers)  # a record was read


def test_an_answer_is_copied_where_a_citation_changes_never_written_to(make_app):
    """A stored result or a remembered value may be answered as it is: the walk copies what it changes."""
    from core.api.cites import readable_cites

    app = make_app("hunan")
    stored = {"cite": "001_3f04a56fc6693327.txt 四.2", "code": "x"}
    untouched = {"cite": None, "values": [1, 2]}
    answer = {"items": [{"eligibility": [stored], "other": untouched}], "deadline_cite": "第五条", "n": 3}
    with app.test_request_context():
        out = readable_cites(answer)
    assert stored["cite"] == "001_3f04a56fc6693327.txt 四.2" and answer["items"][0]["eligibility"][0] is stored
    cite = out["items"][0]["eligibility"][0]["cite"]
    assert cite.startswith("《") and cite.endswith("四.2") and ".txt" not in cite, cite
    assert out["items"][0]["other"] is untouched and out["deadline_cite"] == "第五条" and out["n"] == 3


def test_a_collection_is_read_only_where_its_schema_lets_a_citation_be(make_app):
    """The 50-row collections (core.api.schema.dumped_answer) are read along their schema's plan: an application
    page reaches each item's eligibility results' cite, and no further than it must."""
    from marshmallow import fields

    from core.api.cites import ANY, plan_of
    from core.api.schema import Out
    from core.applications.schemas import region_schemas

    app = make_app("hunan")
    with app.app_context():
        page = plan_of(region_schemas(app.extensions["greenmfg"].rules).application_page)
        item = page["items"]
        assert item["eligibility"] == {"cite": True}
        assert "extension" not in item and "admin_unit" not in item and "contact_name" not in item

        class Node(Out):  # a schema nested in itself: planned once, read whole below its first level
            cite = fields.String()
            children = fields.List(fields.Nested(lambda: Node()))

        assert plan_of(Node) == {"cite": True, "children": ANY}
