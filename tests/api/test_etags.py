"""Issue 48: two clerks editing one record, the last writer no longer wins.

Every answer of a GET in the served documents carries an ``ETag``; every PATCH, PUT or DELETE of a resource with a
GET takes ``If-Match`` (required, 412 and 428 declared). Against a Hunan instance: a change without the header is a
428 naming it in Chinese and English, a change made on an older version is a 412 that saves nothing, and the answer
of a change carries the tag the next GET answers."""
from __future__ import annotations

import io

import pytest

import api_kit as kit

pytestmark = pytest.mark.both_databases


@pytest.mark.parametrize("region", kit.REGIONS)
def test_every_read_answers_a_tag_and_every_change_of_a_record_asks_for_it(region):
    from core import create_app

    app = create_app({"SECRET_KEY": "t", "TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "GREENMFG_REGION": region, "GREENMFG_RULES_YEAR": 2025})
    document = kit.served_document(app)
    guarded = []
    for path, item in document["paths"].items():
        if "get" in item:
            answer = item["get"]["responses"]["200"]
            assert "ETag" in answer.get("headers", {}), path
        for method in ("patch", "put", "delete"):
            if method not in item:
                continue
            operation = item[method]
            names = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}
            if "get" in item:  # the record has a representation: its changes take the tag
                assert names.get("If-Match", {}).get("required") is True, (method, path)
                assert {"412", "428"} <= set(operation["responses"]), (method, path)
                guarded.append(f"{method.upper()} {path}")
            else:
                assert "If-Match" not in names, (method, path)
    # the seven PATCH operations of the issue, the training clock's PUT and the DELETE of an evidence file; issue 58:
    # the PATCH of a webhook subscription
    assert sum(1 for g in guarded if g.startswith("PATCH")) == 9 and len(guarded) == 11, guarded


def _draft(app, people):
    from core.accounts import services as accounts
    from core.applications import services
    from core.extensions import db
    from core.models import User

    with app.app_context():
        user = db.session.get(User, people.user_ids["applicant"])
        campaign = services.open_campaign(actor="test", year=2025, level="provincial", unit_types=["factory"],
                                          closes_at=kit.bj(2099, 12, 31))
        a = services.start_application(user, campaign, "factory")
        token, _ = accounts.create_token(user, "etags")
        db.session.commit()
        return a.id, {"Authorization": f"Bearer {token}"}


def test_a_stale_change_is_refused_and_a_missing_tag_is_asked_for(make_app):
    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    app_id, clerk = _draft(app, people)
    client, url = app.test_client(), f"/api/v1/applications/{app_id}"
    read = client.get(url, headers=clerk)
    assert read.status_code == 200 and read.headers["ETag"].startswith('"')
    assert client.get(url, headers=clerk).headers["ETag"] == read.headers["ETag"]  # unchanged, same tag
    # the first clerk saves the contact; the answer carries the new version's tag
    first = client.patch(url, json={"contact_name": "赵磊"}, headers={**clerk, "If-Match": read.headers["ETag"]})
    assert first.status_code == 200 and first.headers["ETag"] != read.headers["ETag"]
    assert client.get(url, headers=clerk).headers["ETag"] == first.headers["ETag"]
    # the second clerk, who read the draft before, saves over it: refused, the first clerk's change stays
    stale = client.patch(url, json={"contact_name": "钱明"}, headers={**clerk, "If-Match": read.headers["ETag"]})
    assert stale.status_code == 412, stale.get_json()
    body = stale.get_json()
    assert body["code"] == "precondition_failed" and "If-Match" in body["message_en"] and "其他人" in body["message_zh"]
    assert client.get(url, headers=clerk).get_json()["contact_name"] == "赵磊"
    # a client that sends no tag is told which header to send, in both languages
    bare = client.patch(url, json={"contact_name": "钱明"}, headers=clerk)
    assert bare.status_code == 428, bare.get_json()
    body = bare.get_json()
    assert body["code"] == "precondition_required" and "If-Match" in body["message_zh"] and "If-Match" in body[
        "message_en"]
    assert client.get(url, headers=clerk).get_json()["contact_name"] == "赵磊"
    # with the current tag (or "*", whatever the version) the change is made
    fresh = client.patch(url, json={"contact_name": "钱明"}, headers={**clerk, "If-Match": first.headers["ETag"]})
    assert fresh.status_code == 200 and fresh.get_json()["contact_name"] == "钱明"
    forced = client.patch(url, json={"contact_phone": "0731-8888888"}, headers={**clerk, "If-Match": "*"})
    assert forced.status_code == 200 and forced.get_json()["contact_phone"] == "0731-8888888"
    # no token: the 401 comes first, never a hint about the record
    assert client.patch(url, json={"contact_name": "x"}).status_code == 401


def test_an_evidence_file_is_deleted_only_by_who_saw_it(make_app, tmp_path):
    app = make_app("hunan", GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"))
    people = kit.people(app, division="430100", experts=0)
    app_id, clerk = _draft(app, people)
    client = app.test_client()
    r = client.post(f"/api/v1/applications/{app_id}/evidence", headers=clerk, content_type="multipart/form-data",
                    data={"section": "general", "file": (io.BytesIO(kit.pdf(2)), "营业执照.pdf")})
    assert r.status_code == 201, r.get_json()
    url = f"/api/v1/applications/{app_id}/evidence/{r.get_json()['id']}"
    download = client.get(url, headers=clerk)
    assert download.status_code == 200 and download.headers["ETag"]
    assert client.delete(url, headers=clerk).status_code == 428
    assert client.delete(url, headers={**clerk, "If-Match": '"0000"'}).status_code == 412
    assert client.delete(url, headers={**clerk, "If-Match": download.headers["ETag"]}).status_code == 204
    assert client.get(url, headers=clerk).status_code == 404


@pytest.mark.parametrize("role, path, change", [
    ("admin", "/api/v1/users/{city}", {"display_name": "常德市工业和信息化局"}),
    ("admin", "/api/v1/admin-units/{unit}", {"name": "常德市（更名）"}),
    ("province", "/api/v1/evaluators/{firm}", {"legal_representative": "孙立"}),
])
def test_each_record_an_officer_edits_takes_the_tag(make_app, role, path, change):
    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    if path.startswith("/api/v1/admin-units"):
        with app.app_context():  # an administrator's unit (the region's own are not renamed)
            from core.extensions import db
            from core.services import admin_units

            admin_units.add_configurable_unit("hunan.liling", "醴陵市", "省直管试点县", "test")
            db.session.commit()
    url = path.format(city=people.user_ids["city"], unit="hunan.liling", firm=people.firm_id)
    client, headers = app.test_client(), people.headers(role)
    read = client.get(url, headers=headers)
    assert read.status_code == 200 and read.headers["ETag"], read.get_json()
    assert client.patch(url, json=change, headers=headers).status_code == 428
    assert client.patch(url, json=change, headers={**headers, "If-Match": '"stale"'}).status_code == 412
    done = client.patch(url, json=change, headers={**headers, "If-Match": read.headers["ETag"]})
    assert done.status_code == 200, done.get_json()
    again = client.get(url, headers=headers)
    assert again.headers["ETag"] == done.headers["ETag"] != read.headers["ETag"]
    assert client.patch(url, json=change, headers={**headers, "If-Match": read.headers["ETag"]}).status_code == 412
