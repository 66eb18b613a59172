"""GET /api/v1/applications builds its items straight from rows (core.applications.api.application_items) instead of
dumping application_json of ORM objects field by field. Over many generated applications, stored values of every
kind included (texts with quotes, controls and characters beyond the BMP; JSON with floats, big numbers, nulls and
keys the schema lacks; times with and without microseconds; deadline extensions before and after the campaign's
deadline), each item must be byte for byte what the schema dumps of application_json, for every role's scope,
walked page by page, on SQLite and PostgreSQL.
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
import sqlalchemy as sa
from app_world import build_world, make_uscc, open_campaign

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

ROWS = 240
STATUSES = ["draft", "submitted", "returned", "city_recommended", "rejected", "under_review", "graded", "in_notice",
            "listed", "withdrawn"]
TEXTS = [None, "", "长沙绿色制造", 'quote " and \\ backslash', "tab\tnew\nline\x01\x7f", "emoji 😀 \u2028",
         "<b>&amp;</b>", "x" * 38]
JSON_VALUES = [None, True, False, 0, -1, 2**53 + 1, 10**20, 0.1, 1e-05, 1e16, 123.456, -0.0, "", "是", "yes", [],
               [1, "a", None], {"a": {"b": [1.5, None]}}]


def _text(rng):
    return rng.choice(TEXTS)


def _moment(rng):
    if rng.random() < 0.3:
        return None
    at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=rng.randrange(10**8))
    return at if rng.random() < 0.5 else at + dt.timedelta(microseconds=rng.randrange(1, 10**6))


def _eligibility(rng):
    choice = rng.random()
    if choice < 0.3:
        return None
    if choice < 0.4:
        return []
    results = []
    for _ in range(rng.randrange(1, 4)):
        result = {"kind": "rule", "code": "hunan.rule", "title": "标题", "source": "hunan", "cite": "湘工信〔2024〕1号",
                  "blocking": rng.choice([True, False]), "stage": "submit", "ok": rng.choice([True, False, None]),
                  "message": rng.choice([None, "未通过"])}
        if rng.random() < 0.3:
            result["levels"] = rng.choice([["provincial"], [], [1, None]])
        if rng.random() < 0.2:
            result["extra"] = "kept in the database, not answered"
        if rng.random() < 0.2:
            result["code"] = rng.choice([5, None, 1.5, True])  # a String field dumps str() of it
        if rng.random() < 0.1:
            del result["title"]
        results.append(result)
    return results


def _grow(app, world, campaigns, codes, rng):
    from core.extensions import db
    from core.clock import now
    from core.models import Application, DeadlineExtension, Organization

    with app.app_context():
        at = now()
        first = (db.session.scalar(sa.select(sa.func.max(Organization.id))) or 0) + 1
        ids = list(range(first, first + ROWS))
        units = [world.units["changsha"], world.units["zhuzhou"]]
        db.session.execute(sa.insert(Organization), [
            {"id": i, "uscc": make_uscc(), "name": f"{_text(rng) or ''}第{i}号公司", "admin_unit_id": units[i % 2],
             "legal_representative": _text(rng), "address": _text(rng), "created_at": at, "updated_at": at}
            for i in ids])
        rows, extensions = [], []
        for k, i in enumerate(ids):
            campaign = campaigns[k % len(campaigns)]
            extension = {code: rng.choice(JSON_VALUES) for code in rng.sample(codes, 3)}
            if rng.random() < 0.3:
                extension["not.a.field"] = "left out of answers"
            own = k < 4  # the zhuzhou applicant's own: one per campaign and unit type
            rows.append({
                "campaign_id": campaign, "organization_id": world.orgs["zhuzhou"] if own else i,
                "admin_unit_id": world.units["zhuzhou"] if own else units[i % 2],
                "unit_type": ["factory", "park"][k // 2] if own else rng.choice(["factory", "park"]), "level": "provincial",
                "evaluation_mode": rng.choice(["self", "third_party"]), "status": rng.choice(STATUSES),
                "industry": _text(rng),
                "indicator_values": rng.choice([{}, {"1": rng.choice(JSON_VALUES), "2.1": rng.choice(JSON_VALUES)}]),
                "extension_data": rng.choice([{}, extension]),
                "requested_levels": rng.choice([[], ["provincial"], ["city", "provincial"], [1]]),
                "declarations": rng.choice([{}, {"hunan.n1": True, "hunan.n2": False},
                                            {"hunan.n3": rng.choice(JSON_VALUES)}]),
                "version": 1, "score": rng.choice([None, Decimal(0), Decimal("60.50"), Decimal("99.99"),
                                                   Decimal(rng.randrange(10000)) / 100]),
                "tier": rng.choice([None, "A", "优秀"]), "contact_name": _text(rng), "contact_phone": _text(rng),
                "contact_email": _text(rng), "submitted_at": _moment(rng), "return_reason": _text(rng),
                "return_until": _moment(rng), "decision_reason": _text(rng), "recommended_at": _moment(rng),
                "eligibility": _eligibility(rng),
                "recommended_levels": rng.choice([None, [], ["provincial"]]), "created_at": at, "updated_at": at})
            if rng.random() < 0.4 and not own:  # before or after the campaign's deadline
                extensions.append({"campaign_id": campaign, "organization_id": i, "reason": "系统故障",
                                   "until": at + dt.timedelta(days=rng.choice([-40, 10, 60]), microseconds=k),
                                   "granted_by": "province_user", "created_at": at, "updated_at": at})
        db.session.execute(sa.insert(Application), rows)
        db.session.execute(sa.insert(DeadlineExtension), extensions)
        db.session.commit()


@pytest.fixture
def world(make_app, tmp_path):
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))
    world = build_world(app)
    campaigns = [open_campaign(app, level="provincial", unit_types=("factory", "park"), days=days)
                 for days in (30, 2)]
    rules = app.extensions["greenmfg"].rules
    _grow(app, world, campaigns, sorted(rules.form_fields), random.Random(23))
    # as in production: a key a stored JSON value holds beyond its schema is left out, not an error (under TESTING
    # the schemas raise on one, so both ways are compared without it)
    app.config["TESTING"] = False
    return world


def _expected(app, ids: list[int]) -> dict[int, str]:
    """What the collection answered before: the schema's dump of application_json of each ORM object."""
    from core.applications.api import application_json
    from core.applications.schemas import region_schemas
    from core.extensions import db
    from core.models import Application

    schema = region_schemas(app.extensions["greenmfg"].rules).application()
    with app.test_request_context():
        return {i: app.json.dumps(schema.dump(application_json(db.session.get(Application, i)))) for i in ids}


@pytest.mark.parametrize("who", ["city_changsha", "province", "applicant_zhuzhou"])
def test_items_are_what_the_schema_dumps(world, who):
    api, seen, url = world.api(who), [], "/api/v1/applications?per_page=37"
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)[:2000]
        body = response.get_json()
        seen += [(item["id"], world.app.json.dumps(item)) for item in body["items"]]
        url = body["next"]  # the next page's link (issue 48), its other parameters kept
        if url:
            # the next page's link first; per_page is deprecated (issue 58), so its documentation's link follows
            assert f"after={body['next_after']}" in url and "per_page=37" in url and \
                response.headers["Link"].split(", ")[0] == f'<{url}>; rel="next"'
            url = url.removeprefix("http://localhost")
    assert len(seen) == 4 if who == "applicant_zhuzhou" else len(seen) > 80
    expected = _expected(world.app, [i for i, _ in seen])
    for i, answered in seen:
        assert answered == expected[i], i


def test_filtered_and_numbered_pages(world):
    """Filters and ``page`` (the deferred join) answer the same items as before, and each item as before."""
    api = world.api("province")
    for query in ("status=returned", "status=draft", "unit_type=park&page=2&per_page=10", "q=%E7%AC%AC",
                  "q=%25", "q=_", "campaign_id=1&per_page=100", "page=3&per_page=25"):
        body = api.get(f"/api/v1/applications?{query}").get_json()
        expected = _expected(world.app, [item["id"] for item in body["items"]])
        assert [world.app.json.dumps(item) for item in body["items"]] == [expected[item["id"]]
                                                                           for item in body["items"]], query


@pytest.mark.parametrize("query", ["", "q=%E7%AC%AC&", "unit_type=park&"])
def test_pages_read_in_one_pass_and_numbered_pages_agree(world, query):
    """The first page and the keyset pages (read in one pass, each row joined as found) hold the ids that the
    numbered pages (the deferred join over the index) hold, in the same order, newest first."""
    api = world.api("province")
    walked, url = [], f"/api/v1/applications?{query}per_page=20"
    while url:
        body = api.get(url).get_json()
        walked += [item["id"] for item in body["items"]]
        url = body["next"] and body["next"].removeprefix("http://localhost")
    numbered, page = [], 1
    while True:
        items = api.get(f"/api/v1/applications?{query}per_page=20&page={page}").get_json()["items"]
        if not items:
            break
        numbered += [item["id"] for item in items]
        page += 1
    assert walked and walked == numbered == sorted(walked, reverse=True)
