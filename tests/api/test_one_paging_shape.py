"""Every collection of the API pages one way (issue 48): ``{"items", "next", "next_after", "total"}``, the next page
also as ``Link: <…>; rel="next"`` (RFC 8288), ``?after=`` and ``?limit=`` on every one (docs/api-conventions.md,
"Collections: one paging shape").

The collections are found in the served OpenAPI document, not listed here: a GET whose answer is a JSON array, an
object holding nothing but one array, or an object with a paging key (``next_after``, ``has_next``...). A collection
added without the envelope fails the first test (every region's document); the second asks each one on the demo
data (Hunan, PostgreSQL) with one item a page and follows the ``next`` links to the end: every item once, as many as
``total`` says, in the order of one large page."""
from __future__ import annotations

import re
from typing import Any

import pytest
from helpers import DEMO_COPIES

import api_kit as kit

BASE = {"SECRET_KEY": "t", "TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "GREENMFG_RULES_YEAR": 2025,
        "GREENMFG_RATELIMIT_STORAGE": "memory://"}
#: the keys that tell a page, in the shapes before issue 48 and the one after it
PAGING_KEYS = {"has_next", "next", "next_after", "prev_before", "capped"}
#: GET answers holding one array that are not collections, and why
NOT_COLLECTIONS = {"/api/v1/applications/{app_id}/eligibility": "one application's eligibility checks, all at once"}
ROLES = ("admin", "province", "city", "enterprise", "evaluator", "expert")
#: the collections the demo fills with two or more items, walked one item a page (the rest: their shape only)
WALKED_AT_LEAST = 13


def _resolve(doc: dict, node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        kind, name = node["$ref"].split("/")[-2:]
        node = doc["components"][kind][name]
    return node


def collections(doc: dict) -> dict[str, dict]:
    """path → (GET operation, its answer's schema) of every collection of the document."""
    found = {}
    for path, item in doc["paths"].items():
        op = item.get("get")
        if not op or path in NOT_COLLECTIONS:
            continue
        answer = _resolve(doc, op["responses"].get("200", {}))
        schema = _resolve(doc, answer.get("content", {}).get("application/json", {}).get("schema"))
        if not schema:
            continue
        props = {k: _resolve(doc, v) for k, v in schema.get("properties", {}).items()}
        arrays = [k for k, v in props.items() if v.get("type") == "array"]
        if schema.get("type") == "array" or (len(props) == len(arrays) == 1) or PAGING_KEYS & set(props):
            found[path] = {"op": op, "schema": schema, "props": props}
    return found


@pytest.fixture(scope="module")
def documents():
    from core import create_app

    return {region: kit.served_document(create_app({**BASE, "GREENMFG_REGION": region})) for region in kit.REGIONS}


@pytest.mark.parametrize("region", kit.REGIONS)
def test_every_collection_of_the_document_answers_the_one_page_envelope(documents, region):
    doc = documents[region]
    found = collections(doc)
    assert len(found) >= 27, sorted(found)  # 13 unpaged collections and 14 of four other shapes before issue 48
    page = doc["components"]["schemas"]["Page"]
    assert set(page["required"]) == {"items", "next", "next_after", "total"}
    problems = []
    for path, c in found.items():
        props, schema = c["props"], c["schema"]
        if schema.get("type") != "object" or set(props) != {"items", "next", "next_after", "total"} \
                or set(schema.get("required", ())) != set(props):
            problems.append(f"{path}: not the Page envelope ({sorted(props) or schema.get('type')})")
            continue
        for key in ("next", "next_after", "total"):
            if {k: v for k, v in props[key].items() if k != "description"} != \
                    {k: v for k, v in page["properties"][key].items() if k != "description"}:
                problems.append(f"{path}: {key} is {props[key]}")
        if "Link" not in _resolve(doc, c["op"]["responses"]["200"]).get("headers", {}):
            problems.append(f"{path}: no Link header declared")
        if "$ref" not in props["items"]["items"]:
            problems.append(f"{path}: items untyped")
        parameters = {p["name"]: p for p in c["op"].get("parameters", []) if p["in"] == "query"}
        for name in ("after", "limit"):
            if name not in parameters or parameters[name].get("required"):
                problems.append(f"{path}: no optional ?{name}=")
        limit = parameters.get("limit", {}).get("schema", {})
        if limit.get("minimum") != 1 or not 50 <= limit.get("maximum", 0) <= 200:
            problems.append(f"{path}: ?limit= bounds {limit}")
    assert problems == [], "\n".join(problems)


# ------------------------------------------------------------------------------------------- live --


@pytest.fixture
def demo(make_app, tmp_path):
    from core.accounts import services as accounts
    from core.extensions import db
    from core.models import User

    app = make_app("hunan", GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"), GREENMFG_MFA_ROLES=[])
    with app.app_context():
        DEMO_COPIES.load(app)
        import datetime as dt

        import factories
        from core.models import PublicNotice

        for year in (2023, 2024):  # campaigns page by (year, id), newest first: a cursor of two numbers
            factories.campaign("hunan", year, "provincial")

        for n, day in enumerate((dt.date(2025, 9, 1), dt.date(2025, 9, 8))):  # the demo opens no notice
            db.session.add(PublicNotice(region="hunan", level="provincial", year=2025, title=f"公示{n + 1}",
                                        starts_on=day, ends_on=day + dt.timedelta(days=7), period_days=5,
                                        period_count="working", period_source="hunan", opened_by="test"))
        tokens = {}
        for user in db.session.scalars(db.select(User).where(User.username.in_(ROLES))):
            for name in ("paging-1", "paging-2"):  # two tokens each: the tokens collection has a second page
                tokens[user.username], _ = accounts.create_token(user, name)
        db.session.commit()
        db.session.remove()
    assert set(tokens) == set(ROLES)
    return app, tokens


def _key(item: Any) -> str:
    return repr(item["id"]) if isinstance(item, dict) and "id" in item else repr(item)


def _walk(client, url: str, headers: dict[str, str]) -> tuple[list[Any], list[dict]]:
    """Every item of a collection, one a page, following ``next``; and each page's answer."""
    items, pages = [], []
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:500])
        body = response.get_json()
        assert set(body) == {"items", "next", "next_after", "total"}, (url, sorted(body))
        assert len(body["items"]) <= 1, url
        if body["next"] is None:
            assert body["next_after"] is None and "Link" not in response.headers, url
        else:
            assert isinstance(body["next_after"], str) and body["next"].startswith("http://localhost/api/v1/")
            assert response.headers["Link"] == f'<{body["next"]}>; rel="next"', url
            assert f"after={body['next_after']}" in body["next"] and "limit=1" in body["next"], body["next"]
        items += body["items"]
        pages.append(body)
        url = body["next"] and body["next"].removeprefix("http://localhost")
        assert len(pages) <= 400, f"{url}: no end"
    return items, pages


def test_every_collection_pages_by_its_next_link_on_the_demo(demo):
    app, tokens = demo
    client = app.test_client()
    doc = kit.served_document(app)
    found = collections(doc)
    auth = {role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()}
    first = {}

    def ids(path: str, roles: tuple[str, ...] = ROLES) -> list[int]:
        for role in roles:
            body = client.get(path, headers=auth[role]).get_json()
            if isinstance(body, dict) and body.get("items"):
                first.setdefault(path, body["items"])
                return [i.get("id") for i in body["items"] if isinstance(i, dict)]
        return []

    values = {"app_id": ids("/api/v1/applications?limit=100", ("enterprise",))[:1],  # the applicant's own
              "notice_id": ids("/api/v1/notices")[:1], "campaign_id": ids("/api/v1/campaigns")[:1]}
    assert all(values.values()), values
    walked, shapes = [], []
    for path, c in sorted(found.items()):
        url = re.sub(r"\{(\w+)\}", lambda m: str(values[m[1]][0]), path)
        required = [p["name"] for p in c["op"].get("parameters", []) if p["in"] == "query" and p.get("required")]
        query = "&".join(f"{name}={values[name][0]}" for name in required)
        url += f"?{query}&limit=1" if query else "?limit=1"
        answered = []
        for role in ROLES:
            response = client.get(url, headers=auth[role])
            assert response.status_code < 500, (url, role, response.get_data(as_text=True)[:500])
            if response.status_code == 200:
                answered.append(role)
                items, pages = _walk(client, url, auth[role])
                keys = [_key(i) for i in items]
                assert len(keys) == len(set(keys)), f"{path} ({role}): an item twice across pages"
                totals = {p["total"] for p in pages}
                assert len(totals) == 1 and (None in totals or totals == {len(items)}), (path, role, totals)
                if len(items) >= 2:
                    whole = client.get(url.replace("limit=1", "limit=200" if "applications" not in url
                                                   and "lists" not in url else "limit=100"),
                                       headers=auth[role]).get_json()
                    assert [_key(i) for i in whole["items"]] == keys[:len(whole["items"])], f"{path}: pages' order"
                    walked.append(path)
                    break
        assert answered, f"{path}: no role of the demo may read it"
        shapes.append(path)
    assert len(shapes) == len(found)
    assert len(set(walked)) >= WALKED_AT_LEAST, "\n".join(sorted(set(walked)))
    assert {"/api/v1/applications", "/api/v1/admin-units", "/api/v1/tokens", "/api/v1/campaigns"} <= set(walked)
    # a cursor that is not one is refused as a problem naming the parameter
    r = client.get("/api/v1/management/filings?after=x", headers=auth["province"])
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert [e["field"] for e in r.get_json()["errors"]] == ["after"]
