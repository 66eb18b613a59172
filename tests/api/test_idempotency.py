"""Issue 48: a retried POST with the same ``Idempotency-Key`` is answered with the first answer, not done twice.

An enterprise of Changsha starts its factory draft in Hunan's 2025 provincial round (seed 000_5ae1342e00264ea1.txt,
湘工信节能〔2025〕… 附件1: one declaration per unit and unit type; the platform answers a second start with 409). A
client whose connection dropped sends the create again with the same key: the same draft comes back, with
``Idempotent-Replayed: true``; a different body under the key is a 422; two copies racing on PostgreSQL make one
draft (the key's unique constraint decides, not the workers)."""
from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

import api_kit as kit

pytestmark = pytest.mark.both_databases

KEY = "7f1c2a9e-3b4d-4e5f-8a6b-0c1d2e3f4a5b"


def _round(app):
    from core.applications import services
    from core.extensions import db

    people = kit.people(app, division="430100", experts=0)
    with app.app_context():
        campaign = services.open_campaign(actor="test", year=2025, level="provincial", unit_types=["factory", "park"],
                                          closes_at=kit.bj(2099, 12, 31))
        db.session.commit()
        return people, campaign.id


def _drafts(app) -> int:
    from sqlalchemy import func, select

    from core.extensions import db
    from core.models import Application

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Application))


def test_a_retried_create_gets_the_first_answer_and_makes_one_draft(make_app):
    app = make_app("hunan")
    people, campaign_id = _round(app)
    client, headers = app.test_client(), people.headers("applicant")
    body = {"campaign_id": campaign_id, "unit_type": "factory"}
    first = client.post("/api/v1/applications", json=body, headers={**headers, "Idempotency-Key": KEY})
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers, first.get_json()
    # the client heard nothing and sends it again, with another token of the same account, the body spaced otherwise
    again = client.post("/api/v1/applications", data='{"unit_type": "factory",  "campaign_id": %d}' % campaign_id,
                        content_type="application/json",
                        headers={**people.headers("applicant"), "Idempotency-Key": KEY})
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_data() == first.get_data() and again.mimetype == "application/json"
    assert _drafts(app) == 1
    # without the key, the same create meets the rule: one draft per unit type and round
    plain = client.post("/api/v1/applications", json=body, headers=headers)
    assert plain.status_code == 409 and plain.get_json()["code"] == "refused"
    # the same key for another request on the operation: refused, nothing made
    park = client.post("/api/v1/applications", json={**body, "unit_type": "park"},
                       headers={**headers, "Idempotency-Key": KEY})
    assert park.status_code == 422, park.get_json()
    error = park.get_json()
    assert error["code"] == "idempotency_key_reused" and error["errors"][0]["field"] == "Idempotency-Key"
    assert "Idempotency-Key" in error["message_en"] and "新的键" in error["message_zh"]
    assert _drafts(app) == 1
    # a key is the account's: the city sending the enterprise's key gets its own answer (403), not the draft
    city = client.post("/api/v1/applications", json=body, headers={**people.headers("city"), "Idempotency-Key": KEY})
    assert city.status_code == 403 and "Idempotent-Replayed" not in city.headers


def test_the_first_answer_survives_a_restart_and_expires_after_the_setting(make_app):
    app = make_app("hunan")
    people, campaign_id = _round(app)
    body = {"campaign_id": campaign_id, "unit_type": "factory"}
    sent = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(minutes=1)  # after it opened
    with kit.at(sent):
        first = app.test_client().post("/api/v1/applications", json=body,
                                       headers={**people.headers("applicant"), "Idempotency-Key": KEY})
        assert first.status_code == 201, first.get_json()
    # another worker (a new app on the same database, its memory empty) answers the retry 23 hours later
    restarted = make_app("hunan", GREENMFG_IDEMPOTENCY_HOURS=24)
    assert restarted is not app
    with kit.at(sent + dt.timedelta(hours=23)):
        again = restarted.test_client().post("/api/v1/applications", json=body,
                                             headers={**people.headers("applicant"), "Idempotency-Key": KEY})
        assert again.status_code == 201 and again.get_json() == first.get_json()
        assert again.headers["Idempotent-Replayed"] == "true"
    # 24 hours on: the key is a new request, which the rule refuses
    with kit.at(sent + dt.timedelta(hours=24, minutes=1)):
        late = restarted.test_client().post("/api/v1/applications", json=body,
                                            headers={**people.headers("applicant"), "Idempotency-Key": KEY})
        assert late.status_code == 409 and "Idempotent-Replayed" not in late.headers
    assert _drafts(app) == 1


def test_a_refusal_is_not_kept_and_the_corrected_request_may_use_the_key(make_app):
    app = make_app("hunan")
    people, campaign_id = _round(app)
    client, headers = app.test_client(), {**people.headers("applicant"), "Idempotency-Key": KEY}
    wrong = client.post("/api/v1/applications", json={"campaign_id": campaign_id, "unit_type": "supply_chain"},
                        headers=headers)
    assert wrong.status_code in (409, 422) and _drafts(app) == 0, wrong.get_json()
    right = client.post("/api/v1/applications", json={"campaign_id": campaign_id, "unit_type": "factory"},
                        headers=headers)
    assert right.status_code == 201 and "Idempotent-Replayed" not in right.headers
    bad = client.post("/api/v1/applications", json={"campaign_id": campaign_id, "unit_type": "park"},
                      headers={**people.headers("applicant"), "Idempotency-Key": "键"})
    assert bad.status_code == 400 and bad.get_json()["errors"][0]["field"] == "Idempotency-Key"


def test_a_token_is_never_kept_for_replay(make_app):
    app = make_app("hunan")
    people = kit.people(app, division="430100", experts=0)
    document = kit.served_document(app)
    assert "parameters" not in document["paths"]["/api/v1/tokens"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in document["paths"]["/api/v1/applications"]["post"]["parameters"]]
    body = {"username": people.usernames["applicant"], "password": kit.PASSWORD}
    tokens = {app.test_client().post("/api/v1/tokens", json=body, headers={"Idempotency-Key": KEY}).get_json()["token"]
              for _ in range(2)}
    assert len(tokens) == 2


def test_two_copies_racing_with_one_key_make_one_draft(make_app, database_url, monkeypatch):
    if not database_url.startswith("postgresql"):
        pytest.skip("the race is PostgreSQL's: SQLite has one writer")
    from core.applications import services

    app = make_app("hunan")
    people, campaign_id = _round(app)
    headers = {**people.headers("applicant"), "Idempotency-Key": KEY}
    start = services.start_application

    def slow_start(*args, **kwargs):  # the first copy is still working when the second arrives
        time.sleep(0.4)
        return start(*args, **kwargs)

    monkeypatch.setattr(services, "start_application", slow_start)
    gate, answers = threading.Barrier(2), []

    def send():
        gate.wait()
        r = app.test_client().post("/api/v1/applications", json={"campaign_id": campaign_id, "unit_type": "factory"},
                                   headers=headers)
        answers.append((r.status_code, r.get_json()["code"] if r.status_code >= 400 else r.get_json()["id"]))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(status for status, _ in answers) == [201, 409], answers
    assert dict(answers)[409] == "request_in_progress"
    assert _drafts(app) == 1
    # once the first is done, the second copy sent again gets its answer
    again = app.test_client().post("/api/v1/applications", json={"campaign_id": campaign_id, "unit_type": "factory"},
                                   headers=headers)
    assert again.status_code == 201 and again.get_json()["id"] == dict(answers)[201]
