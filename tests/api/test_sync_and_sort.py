"""Issue 58: a system around the platform keeps a collection in step and sorts it.

Against a Hunan instance, the complaints a city verifies (the management collection a provincial OA system
follows): every record carries its ``updated_at``; a full fetch, then one record changed, then a fetch with
``updated_since`` that answers exactly the changed record; a walk that meets a record changed during the walk again
before its end (none missed); ``sort`` on the declared fields both ways, paged by the keyset cursor; a 304 to
``If-None-Match``; a sort, time or cursor that cannot be read is a 422 naming its parameter."""
from __future__ import annotations

import pytest

import api_kit as kit
from api_kit import bj

pytestmark = pytest.mark.both_databases

URL = "/api/v1/management/complaints"


def _bearer(app, people, role):
    from core.accounts import services as accounts
    from core.extensions import db
    from core.models import User

    with app.app_context():
        token, _ = accounts.create_token(db.session.get(User, people.user_ids[role]), "issue 58")
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _complaints(app, people, count):
    from core.extensions import db
    from core.management import complaints
    from core.models import EvaluatorFirm

    ids = []
    with app.app_context():
        firm = db.session.get(EvaluatorFirm, people.firm_id)
        for n in range(count):
            with kit.at(bj(2026, 3, 2 + n)):
                c = complaints.file_complaint(firm.uscc, "张建华", "13800000000", f"评价报告数据与现场不符，第{n + 1}项",
                                              "现场照片", admin_unit_code=people.unit_code)
                db.session.commit()
                ids.append(c.id)
    return ids


def _dismiss(app, ident, moment):
    from core.extensions import db
    from core.management import complaints
    from core.models import Complaint

    with app.app_context(), kit.at(moment):
        complaints.verify(db.session.get(Complaint, ident), complaints.DISMISSED, "核查不属实", "api_city")
        db.session.commit()


def _walk(client, headers, query):
    """Every record of the collection, page by page (next_after passed back as after)."""
    seen, after = [], None
    while True:
        page = client.get(URL, headers=headers, query_string={**query, **({"after": after} if after else {})})
        assert page.status_code == 200, page.get_json()
        body = page.get_json()
        seen += body["items"]
        after = body["next_after"]
        if after is None:
            return seen


def test_a_full_fetch_a_change_and_an_updated_since_fetch_of_exactly_the_change(make_app):
    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    ids = _complaints(app, people, 3)
    city, client = _bearer(app, people, "city"), app.test_client()
    full = _walk(client, city, {"limit": 2})
    assert [c["id"] for c in full] == ids
    assert [c["updated_at"] for c in full] == [f"2026-03-0{d}T02:00:00+00:00" for d in (2, 3, 4)]  # 10:00 Beijing
    listing = client.get(URL, headers=city)
    assert client.get(URL, headers={**city, "If-None-Match": listing.headers["ETag"]}).status_code == 304
    started = bj(2026, 3, 10)  # the sync run's start, kept by the client for its next run
    _dismiss(app, ids[1], bj(2026, 3, 11))
    assert client.get(URL, headers={**city, "If-None-Match": listing.headers["ETag"]}).status_code == 200
    changed = client.get(URL, headers=city, query_string={"updated_since": started.isoformat()}).get_json()
    assert [(c["id"], c["status"], c["updated_at"]) for c in changed["items"]] == [
        (ids[1], "dismissed", "2026-03-11T02:00:00+00:00")]
    # the same instant in another offset, and the bound itself: at or after it
    utc = client.get(URL, headers=city, query_string={"updated_since": "2026-03-11T02:00:00Z"}).get_json()
    assert [c["id"] for c in utc["items"]] == [ids[1]]
    later = client.get(URL, headers=city, query_string={"updated_since": "2026-03-11T02:00:00.000001Z"}).get_json()
    assert later["items"] == []


def test_a_record_changed_during_a_walk_is_met_again_before_its_end(make_app):
    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    ids = _complaints(app, people, 3)
    city, client = _bearer(app, people, "city"), app.test_client()
    first = client.get(URL, headers=city, query_string={"updated_since": "2026-03-01T00:00:00+08:00",
                                                        "limit": 1}).get_json()
    assert [c["id"] for c in first["items"]] == [ids[0]]
    _dismiss(app, ids[0], bj(2026, 3, 20))  # changed after the client read it, before the walk ends
    _dismiss(app, ids[2], bj(2026, 3, 21))  # changed before the client reached it
    rest = _walk(client, city, {"updated_since": "2026-03-01T00:00:00+08:00", "limit": 1, "after": first["next_after"]})
    assert [(c["id"], c["status"]) for c in rest] == [(ids[1], "received"), (ids[0], "dismissed"),
                                                      (ids[2], "dismissed")]


def test_sort_on_the_declared_fields_both_ways_through_the_pages(make_app):
    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    ids = _complaints(app, people, 4)
    _dismiss(app, ids[0], bj(2026, 3, 20))
    province, client = _bearer(app, people, "province"), app.test_client()
    walks = {sort: [c["id"] for c in _walk(client, province, {"sort": sort, "limit": 1})]
             for sort in ("id", "-id", "updated_at", "-updated_at")}
    assert walks == {"id": ids, "-id": ids[::-1], "updated_at": [*ids[1:], ids[0]],
                     "-updated_at": [ids[0], *ids[1:][::-1]]}
    # records changed at one instant: the id breaks the tie, in the sort's direction, across pages
    _dismiss(app, ids[1], bj(2026, 3, 25))
    _dismiss(app, ids[2], bj(2026, 3, 25))
    assert [c["id"] for c in _walk(client, province, {"sort": "-updated_at", "limit": 1})] == [
        ids[2], ids[1], ids[0], ids[3]]
    assert [c["id"] for c in _walk(client, province, {"sort": "updated_at", "limit": 2})] == [
        ids[3], ids[0], ids[1], ids[2]]


@pytest.mark.parametrize("query, field", [
    ({"sort": "content"}, "sort"), ({"sort": "+id"}, "sort"), ({"sort": "id,-updated_at"}, "sort"),
    ({"updated_since": "2026-03-01T00:00:00"}, "updated_since"),  # no offset: which day is it in Beijing?
    ({"updated_since": "2026-03-01"}, "updated_since"), ({"updated_since": "yesterday"}, "updated_since"),
    ({"sort": "updated_at", "after": "12"}, "after"), ({"sort": "updated_at", "after": "999999999999999999.1"}, "after"),
])
def test_what_cannot_be_read_is_a_problem_naming_its_parameter(make_app, query, field):
    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    answer = app.test_client().get(URL, headers=_bearer(app, people, "province"), query_string=query)
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json", answer.get_json()
    errors = answer.get_json()["errors"]
    assert [e["field"] for e in errors] == [field], errors
    assert errors[0]["message_zh"] != errors[0]["message_en"]  # in Chinese and in English
    if field == "updated_since":
        assert "RFC 3339" in errors[0]["message_en"] and "时区偏移" in errors[0]["message_zh"]
    if field == "sort":
        assert "id, -id, updated_at, -updated_at" in errors[0]["message_en"]


def test_the_documented_sort_fields_are_the_ones_served():
    from core import create_app

    app = create_app({"SECRET_KEY": "t", "TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "GREENMFG_REGION": "hunan", "GREENMFG_RULES_YEAR": 2025})
    doc = kit.served_document(app)
    synced = {}
    for path, item in doc["paths"].items():
        parameters = {p["name"]: p for p in item.get("get", {}).get("parameters", [])}
        if "updated_since" in parameters:
            assert parameters["updated_since"]["schema"] == {"type": "string", "format": "date-time"}
            synced[path.removeprefix("/api/v1/management/")] = parameters["sort"]["schema"]["enum"]
            item_ref = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            page = doc["components"]["schemas"][item_ref.split("/")[-1]]
            record = doc["components"]["schemas"][page["properties"]["items"]["items"]["$ref"].split("/")[-1]]
            assert record["properties"]["updated_at"]["format"] == "date-time"
            # in every record of the collection; a public complaint's answer (no token) shows no more than it filed
            assert ("updated_at" in record["required"]) == (path != URL), path
    both = ["id", "-id", "updated_at", "-updated_at"]
    assert synced == {"filings": [*both, "year", "-year"], "round-filings": both, "removals": both,
                      "complaints": both, "changes": both, "rereviews": [*both, "cycle_year", "-cycle_year"],
                      # issue 61: what awaits the province's technical review (Hubei 002 三(六))
                      "rereviews/awaiting-opinion": [*both, "cycle_year", "-cycle_year"]}
