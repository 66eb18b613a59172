"""Issue 58: systems around the platform (a provincial OA system, an archive) subscribe to its events.

A real receiver (an HTTP server on the loopback, tests/webhooks/receiver_kit.py) gets a signed event for each kind,
verifies it with the ``standardwebhooks`` package (the Standard Webhooks reference library, not our code), fails one
delivery once (500) and gets the retry with the same message id; the delivery log shows both attempts on the page,
in the API and in the CLI. Nothing is sent for a rolled-back change; a wrong secret fails verification; a URL that is
neither https nor a local http address is refused in Chinese and English; every change of a subscription is audited.
"""
from __future__ import annotations

import datetime as dt
import json

import mgmt_world as world
import pytest
from receiver_kit import receiver
from sqlalchemy import select, update
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from core.extensions import db

KINDS = ["application.submitted", "application.recommended", "list.published", "notice.opened", "filing.submitted",
         "recommendation.imported"]


def _bearer(app, username):
    from core.accounts import services as accounts
    from core.models import User

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        token, _ = accounts.create_token(user, "issue 58")
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _admin(app, name="admin-wh"):
    with app.app_context():
        world.user("admin", name)
        db.session.commit()
    return _bearer(app, name)


def _audited(app, action, object_type, object_id, **data):
    """What each service records when the event happens (the action names and facts of core/applications/services.py,
    core/lists/*.py and core/management/filings.py), committed as they commit it."""
    from core.services import audit

    with app.app_context():
        audit.record("city-changsha", action, object_type, object_id, **data)
        db.session.commit()


def _every_kind(app):
    _audited(app, "application.submitted", "application", 41, before="draft", score=86.5, warnings=[])
    _audited(app, "application.recommended", "application", 41, quota_key="national:2025:changsha", quota_used=3,
             quota_limit=5, quota_source="national", consulted_departments=[], acknowledged=[], levels=["national"],
             opinion="同意推荐")
    _audited(app, "list.decision_published", "list_decision", 7, level="national", year=2025,
             document_no="工信厅节函〔2025〕112号", published_on="2025-12-20", admin_unit=None, rule_source="national",
             listed=[41], blocked=[])
    _audited(app, "notice.opened", "public_notice", 3, level="national", year=2025, starts_on="2025-11-20",
             ends_on="2025-12-04", period_days=15, period_count="calendar", period_source="national",
             applications=[41], admin_unit=None, start_reason="")
    _audited(app, "filing.submitted", "annual_filing", 12, before="open", year=2025,
             organization="91430100MA4L000001", score=88.0)
    _audited(app, "recommendation.imported", "recommendation_import", 2, province="hunan", year=2025, version="1",
             digest="ab" * 32, key_id="hunan-2025", applications=[41])


def _patch(client, headers, ident, body):
    """A change of a subscription, with the tag its GET answered (If-Match, as every record's change)."""
    url = f"/api/v1/webhooks/subscriptions/{ident}"
    assert client.patch(url, headers=headers, json=body).status_code == 428  # no tag: refused
    tag = client.get(url, headers=headers).headers["ETag"]
    return client.patch(url, headers={**headers, "If-Match": tag}, json=body)


def _settle(app):
    app.extensions["greenmfg_jobs"].wait(30)


def _run_due_retries(app):
    """Time passes to the retry (the job's not_before), then the scheduler's recovery pass sends it, as in
    production (core.jobs.service.recover)."""
    import threading

    from core.jobs import service as jobs
    from core.models import Job, JobStatus

    with app.app_context():
        waiting = set(db.session.scalars(select(Job.id).where(Job.status == JobStatus.RETRYING)))
        for timer in threading.enumerate():  # the in-process back end's own wake-up (in a minute): not needed now,
            if isinstance(timer, threading.Timer) and timer.args and timer.args[0] in waiting:  # nor by later tests
                timer.cancel()
        past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        db.session.execute(update(Job).where(Job.id.in_(waiting)).values(not_before=past))
        db.session.commit()
        assert jobs.recover()["dispatched"] == 1
    _settle(app)


def test_each_kind_is_signed_verified_and_a_failed_one_is_retried(make_app):
    app = make_app("national", WTF_CSRF_ENABLED=False)
    admin = _admin(app)
    client = app.test_client()
    with receiver(fail_once={"notice.opened"}) as box:
        made = client.post("/api/v1/webhooks/subscriptions", headers=admin,
                           json={"url": box.url, "kinds": KINDS, "description": "湖南省政务OA"})
        assert made.status_code == 201, made.get_json()
        sub = made.get_json()
        secret = sub["secret"]
        assert secret.startswith("whsec_") and sub["kinds"] == KINDS
        assert "secret" not in client.get(f"/api/v1/webhooks/subscriptions/{sub['id']}", headers=admin).get_json()

        _every_kind(app)
        _settle(app)

        assert sorted(r.kind for r in box.requests) == sorted(KINDS)  # one each, the failed one not yet again
        verifier = Webhook(secret)
        for r in box.requests:
            payload = verifier.verify(r.body, r.headers)  # raises unless the signature and timestamp are right
            assert set(payload) == {"id", "kind", "occurred_at", "instance", "data"}
            assert payload["id"] == r.headers["webhook-id"] and payload["id"].startswith("msg_")
            assert r.headers["webhook-signature"].startswith("v1,")
            assert payload["instance"]["region"] == "national"
        by_kind = {r.kind: json.loads(r.body) for r in box.requests}
        assert by_kind["list.published"]["data"]["document_no"] == "工信厅节函〔2025〕112号"
        assert by_kind["notice.opened"]["data"] == {
            "object": {"type": "public_notice", "id": "3"}, "level": "national", "year": 2025,
            "starts_on": "2025-11-20", "ends_on": "2025-12-04", "period_days": 15, "applications": [41]}
        assert "actor" not in json.dumps(by_kind)  # who did it stays in the audit log

        # a wrong secret, or a body changed on the way, fails verification
        with pytest.raises(WebhookVerificationError):
            Webhook("whsec_" + "QUFB" * 11).verify(box.requests[0].body, box.requests[0].headers)
        with pytest.raises(WebhookVerificationError):
            verifier.verify(box.requests[0].body.replace(b"national", b"hunan"), box.requests[0].headers)

        failed = [r for r in box.requests if r.answered == 500]
        assert [r.kind for r in failed] == ["notice.opened"]
        log = client.get("/api/v1/webhooks/deliveries", headers=admin,
                         query_string={"subscription_id": sub["id"], "status": "pending"}).get_json()["items"]
        assert [(d["kind"], d["attempts"], [a["status_code"] for a in d["log"]]) for d in log] == [
            ("notice.opened", 1, [500])]
        first = log[0]["log"][0]
        assert first["error"] == "HTTP 500" and first["next_retry_at"] is not None
        waited = dt.datetime.fromisoformat(first["next_retry_at"]) - dt.datetime.fromisoformat(first["at"])
        assert 59 <= waited.total_seconds() <= 61  # the platform's first back-off: 1 minute

        _run_due_retries(app)

        assert len(box.requests) == 7
        retry = box.requests[-1]
        assert retry.kind == "notice.opened" and retry.answered == 200
        assert retry.headers["webhook-id"] == failed[0].headers["webhook-id"]  # the same message: receivers dedupe
        verifier.verify(retry.body, retry.headers)

        answer = client.get("/api/v1/webhooks/deliveries", headers=admin,
                            query_string={"subscription_id": sub["id"]}).get_json()
        rows = {d["kind"]: d for d in answer["items"]}
        assert set(rows) == set(KINDS) and all(d["status"] == "delivered" for d in rows.values())
        assert [(a["number"], a["status_code"], a["ok"]) for a in rows["notice.opened"]["log"]] == [
            (1, 500, False), (2, 200, True)]
        assert rows["notice.opened"]["log"][1]["next_retry_at"] is None
        assert [a["status_code"] for a in rows["filing.submitted"]["log"]] == [200]

        # the page under 系统管理 shows both attempts of the retried delivery
        world.login(client, "admin-wh")
        page = client.get("/admin/webhooks/deliveries", query_string={"subscription": sub["id"], "lang": "en"})
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        row = text.split(f'id="delivery-{rows["notice.opened"]["id"]}"')[1].split("</tr>")[0]
        assert row.count('class="attempt"') == 2 and "HTTP 500" in row and "HTTP 200" in row
        assert 'data-status="delivered"' in text.split(f'id="delivery-{rows["notice.opened"]["id"]}"')[0][-40:] or \
            "delivered" in row

        # a manual resend: the same event again, a third attempt, marked with who asked
        again = client.post(f"/api/v1/webhooks/deliveries/{rows['notice.opened']['id']}/resend", headers=admin)
        assert again.status_code == 200, again.get_json()
        _settle(app)
        assert len(box.requests) == 8 and box.requests[-1].headers["webhook-id"] == retry.headers["webhook-id"]
        one = client.get("/api/v1/webhooks/deliveries", headers=admin,
                         query_string={"subscription_id": sub["id"], "limit": 10}).get_json()["items"]
        resent = next(d for d in one if d["kind"] == "notice.opened")
        assert [(a["status_code"], a["resent_by"]) for a in resent["log"]] == [
            (500, None), (200, None), (200, "admin-wh")]


def test_nothing_is_sent_for_a_rolled_back_change_or_to_a_subscription_turned_off(make_app):
    from core.models import Job, WebhookEvent
    from core.services import audit

    app = make_app("national", WTF_CSRF_ENABLED=False)
    admin = _admin(app)
    client = app.test_client()
    with receiver() as box:
        sub = client.post("/api/v1/webhooks/subscriptions", headers=admin,
                          json={"url": box.url, "kinds": ["application.submitted"]}).get_json()
        with app.app_context():
            audit.record("ent-1", "application.submitted", "application", 5, before="draft", score=70.0, warnings=[])
            db.session.flush()
            db.session.rollback()  # the submission failed: its audit row never existed
            audit.record("ent-1", "application.saved", "application", 5)  # a later commit of something else
            db.session.commit()
        _settle(app)
        assert box.requests == []
        with app.app_context():
            assert db.session.scalars(select(WebhookEvent)).all() == []
            assert db.session.scalars(select(Job).where(Job.name.like("webhooks.%"))).all() == []
        # a kind it did not subscribe to, and then the subscription turned off: nothing either
        _audited(app, "notice.opened", "public_notice", 3, level="national", year=2025)
        off = _patch(client, admin, sub["id"], {"active": False})
        assert off.status_code == 200 and off.get_json()["active"] is False
        _audited(app, "application.submitted", "application", 6, before="draft", score=71.0, warnings=[])
        _settle(app)
        assert box.requests == []
        # turned on again, the next submission arrives
        _patch(client, admin, sub["id"], {"active": True})
        _audited(app, "application.submitted", "application", 7, before="draft", score=72.0, warnings=[])
        _settle(app)
        assert [json.loads(r.body)["data"]["object"]["id"] for r in box.requests] == ["7"]


@pytest.mark.parametrize("url", ["http://example.com/hook", "ftp://127.0.0.1/hook", "https://user:pw@oa.hunan.gov.cn/",
                                 "oa.hunan.gov.cn/hook"])
def test_a_url_neither_https_nor_local_http_is_refused_in_both_languages(make_app, url):
    app = make_app("national", WTF_CSRF_ENABLED=False)
    admin = _admin(app)
    client = app.test_client()
    refused = client.post("/api/v1/webhooks/subscriptions", headers=admin,
                          json={"url": url, "kinds": ["notice.opened"]})
    assert refused.status_code == 422, refused.get_json()
    body = refused.get_json()
    error = body.get("errors", [body])[0] if "errors" in body else body
    assert error.get("field", "url") == "url"
    assert "https://" in error["message_en"] and "must be" in error["message_en"]
    assert "https://" in error["message_zh"] and "必须" in error["message_zh"]
    # the page says it in the page's language, beside the field
    world.login(client, "admin-wh")
    for lang, words in (("zh", "必须"), ("en", "must be")):
        page = client.post("/admin/webhooks", query_string={"lang": lang},
                           data={"url": url, "kinds": ["notice.opened"]})
        assert page.status_code == 422 and words in page.get_data(as_text=True)
    with app.app_context():
        from core.models import WebhookSubscription

        assert db.session.scalars(select(WebhookSubscription)).all() == []


def test_subscription_changes_are_audited_without_the_secret_and_listed_by_the_cli(make_app):
    from core.models import AuditLog

    app = make_app("national", WTF_CSRF_ENABLED=False)
    admin = _admin(app)
    client = app.test_client()
    with receiver() as box:
        sub = client.post("/api/v1/webhooks/subscriptions", headers=admin,
                          json={"url": box.url, "kinds": ["filing.submitted"]}).get_json()
        changed = _patch(client, admin, sub["id"], {"kinds": ["filing.submitted", "list.published"],
                                                    "description": "省档案系统"})
        assert changed.status_code == 200 and changed.get_json()["description"] == "省档案系统"
        tested = client.post(f"/api/v1/webhooks/subscriptions/{sub['id']}/test", headers=admin)
        assert tested.status_code == 201 and tested.get_json()["kind"] == "webhook.test"
        _settle(app)
        assert [r.kind for r in box.requests] == ["webhook.test"]
        Webhook(sub["secret"]).verify(box.requests[0].body, box.requests[0].headers)
        # the province's officers may not read or change subscriptions: the instance's administrators alone
        with app.app_context():
            world.user("province", "prov-wh")
            db.session.commit()
        assert client.get("/api/v1/webhooks/subscriptions", headers=_bearer(app, "prov-wh")).status_code == 403
    with app.app_context():
        rows = db.session.scalars(select(AuditLog).where(AuditLog.action.like("webhook.%"))
                                  .order_by(AuditLog.id)).all()
        assert [(r.action, r.actor) for r in rows] == [("webhook.subscribed", "admin-wh"),
                                                       ("webhook.changed", "admin-wh"), ("webhook.tested", "admin-wh")]
        # kinds kept in the documented order (core/webhooks/kinds.py)
        assert rows[1].data == {"kinds": ["list.published", "filing.submitted"], "description": "省档案系统"}
        assert sub["secret"] not in json.dumps([r.data for r in rows])
    from core.cli.webhooks_cmd import webhooks_group

    runner = app.test_cli_runner()
    listed = runner.invoke(webhooks_group, ["list", "--format", "csv"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.startswith("\ufeffid,url,kinds,active") and "省档案系统" in listed.output
    assert sub["secret"] not in listed.output
    log = runner.invoke(webhooks_group, ["deliveries", "--format", "json"])
    assert log.exit_code == 0, log.output
    assert [(d["kind"], d["status"], d["attempt_codes"]) for d in json.loads(log.output)] == [
        ("webhook.test", "delivered", [200])]
    added = runner.invoke(webhooks_group, ["add", "https://archive.hunan.gov.cn/hooks", "--kind", "list.published"])
    assert added.exit_code == 0, added.output
    with app.app_context():
        from core.models import WebhookSubscription

        kept = db.session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id.desc())).first()
        assert kept.url == "https://archive.hunan.gov.cn/hooks" and kept.created_by.startswith("cli:")
        assert kept.secret in added.output  # shown once, here
    assert kept.secret not in runner.invoke(webhooks_group, ["list", "--format", "json"]).output
    bad = runner.invoke(webhooks_group, ["add", "http://example.com/x", "--kind", "notice.opened"])
    assert bad.exit_code != 0 and "https://" in bad.output and "必须" in bad.output


def test_the_page_under_administration_shows_the_secret_once_and_only_to_administrators(make_app):
    from core.models import WebhookSubscription

    app = make_app("national", WTF_CSRF_ENABLED=False)
    _admin(app)
    with app.app_context():
        world.user("province", "prov-page")
        db.session.commit()
    client = app.test_client()
    world.login(client, "admin-wh")
    start = client.get("/admin", query_string={"lang": "zh"}).get_data(as_text=True)
    assert 'href="/admin/webhooks"' in start and "事件订阅" in start
    made = client.post("/admin/webhooks", query_string={"lang": "zh"},
                       data={"url": "https://oa.hunan.gov.cn/greenmfg/events", "kinds": ["list.published",
                                                                                        "notice.opened"],
                             "description": "湖南省政务OA"})
    text = made.get_data(as_text=True)
    assert made.status_code == 200 and 'id="new-secret"' in text
    with app.app_context():
        sub = db.session.scalars(select(WebhookSubscription)).one()
        assert sub.kinds == ["list.published", "notice.opened"] and sub.created_by == "admin-wh"
        secret = sub.secret
    assert secret in text and "仅显示一次" in text
    again = client.get("/admin/webhooks").get_data(as_text=True)
    assert secret not in again and "https://oa.hunan.gov.cn/greenmfg/events" in again
    # no kind chosen: refused beside the field, nothing saved
    none = client.post("/admin/webhooks", query_string={"lang": "en"}, data={"url": "https://a.example.cn/x"})
    assert none.status_code == 422 and "Choose at least one event kind" in none.get_data(as_text=True)
    client.get("/logout")
    other = app.test_client()
    world.login(other, "prov-page")
    assert other.get("/admin/webhooks").status_code == 403
    assert other.get("/admin/webhooks/deliveries").status_code == 403


def test_a_filing_submitted_through_its_service_reaches_the_receiver(make_app):
    """The event comes from what the platform already does: a listed unit's annual filing (年度动态管理表,
    004_7a8ddd82f611ab67.txt 第十八条) submitted through core.management.filings, as its page submits it."""
    from mgmt_world import (
        factory_values,
        filing_of,
        listed,
        organization,
        references,
        units,
        user,
    )

    from core.management import filings

    app = make_app("shanxi", WTF_CSRF_ENABLED=False)
    admin = _admin(app)
    client = app.test_client()
    with receiver() as box:
        sub = client.post("/api/v1/webhooks/subscriptions", headers=admin,
                          json={"url": box.url, "kinds": ["filing.submitted"]}).get_json()
        with app.app_context():
            ids = units(app)
            references(2025)
            org = organization(ids["taiyuan"], "太原事件订阅测试有限公司")
            listed(org, "provincial", 2022)
            user("applicant", "ty_wh_ent", organization_id=org.id)
            year = dt.date.today().year
            filings.open_year(year, "test")
            filing = filing_of(org, year)
            filing.due_on = dt.date.today() + dt.timedelta(days=30)
            db.session.commit()
            today = dt.date.today()
            filings.save(filing, {"values": factory_values(0.8), "key_data": {"output_value": 5200}},
                         "ty_wh_ent", today)
            db.session.commit()
            assert box.requests == []  # saved, not submitted: nothing to tell
            filings.submit(filing, "ty_wh_ent", today)
            db.session.commit()
            uscc, filing_id = org.uscc, filing.id
        _settle(app)
    assert len(box.requests) == 1
    event = Webhook(sub["secret"]).verify(box.requests[0].body, box.requests[0].headers)
    assert event["kind"] == "filing.submitted" and event["instance"]["region"] == "shanxi"
    assert event["data"]["object"] == {"type": "annual_filing", "id": str(filing_id)}
    assert event["data"]["organization"] == uscc and event["data"]["year"] == year
