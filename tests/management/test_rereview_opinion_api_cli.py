"""The province's technical review of Hubei's re-reviews (002_9c75e1d2ebfbdf50.txt 三(六): 省经信厅组织专家……对市州上报的
复核资料进行技术评审，并将复核意见反馈工信部) through the JSON API and the CLI: the services of the web page
(core/management/rereview_opinion.py), so the same refusals in Chinese and English and the same audit rows.
"""
from __future__ import annotations

import pytest
from flask import g
from rereview_world import CITY_NOTE, OPINION, ORG_NAME, city_records, world
from sqlalchemy import select

BASE = "/api/v1/management/rereviews"


def _api(app, people):
    from core.accounts import services as accounts
    from core.extensions import db

    tokens = {k: accounts.create_token(u, "t")[0] for k, u in people.items()}
    db.session.commit()

    def as_(who):
        client = app.test_client()

        def call(method, url, **kw):
            g.pop("api_user", None)  # requests share the test's app context, and with it flask.g
            return getattr(client, method)(url, headers={"Authorization": f"Bearer {tokens[who]}"}, **kw)
        return call
    return as_


def _actions(review_id) -> list[tuple[str, str]]:
    from core.extensions import db
    from core.models import AuditLog

    return [(a.actor, a.action) for a in db.session.scalars(
        select(AuditLog).where(AuditLog.object_type == "re_review", AuditLog.object_id == str(review_id),
                               AuditLog.action.like("rereview.%")).order_by(AuditLog.id))]


@pytest.mark.region("hubei")
def test_the_province_draws_and_records_the_opinion_through_the_api(app):
    w = world(app)
    review = w["review"]
    api = _api(app, w["people"])
    province, city = api("province"), api("city")
    # before the city's on-site result: nothing awaits, and the opinion is refused (409, both languages)
    assert province("get", f"{BASE}/awaiting-opinion?year=2025").get_json()["items"] == []
    r = province("post", f"{BASE}/{review.id}/experts", json={"count": 2})
    assert r.status_code == 409 and r.mimetype == "application/problem+json"
    body = r.get_json()
    assert body["message_zh"] == "市州尚未记录此复核的现场复核结果。"
    assert body["message_en"] == "The city has not recorded the on-site result of this re-review yet."
    city_records(review)
    # the city reports; it may neither list what awaits the province nor record the opinion
    assert city("get", f"{BASE}/awaiting-opinion").status_code == 403
    r = city("post", f"{BASE}/{review.id}/opinion", json={"opinion": "passed", "note": OPINION})
    assert r.status_code == 403 and r.get_json()["message_zh"] == "您的角色无权执行此操作。"
    assert api("ministry")("post", f"{BASE}/{review.id}/experts", json={"count": 2}).status_code == 403
    items = province("get", f"{BASE}/awaiting-opinion?year=2025").get_json()["items"]
    assert [(i["id"], i["status"], i["result_note"], i["opinion"]) for i in items] == [
        (review.id, "passed", CITY_NOTE, None)]
    # the opinion needs the experts first; too many cannot be drawn from the two who may review it
    r = province("post", f"{BASE}/{review.id}/opinion", json={"opinion": "passed", "note": OPINION})
    assert r.status_code == 409 and r.get_json()["message_zh"] == "请先抽取专家，再记录其意见。"
    r = province("post", f"{BASE}/{review.id}/experts", json={"count": 3})
    assert r.status_code == 409 and r.get_json()["message_zh"] == "专家库中只有2名专家可评审此复核，需要3名。"
    assert province("post", f"{BASE}/{review.id}/experts", json={"count": 0}).status_code == 422
    r = province("post", f"{BASE}/{review.id}/experts", json={"count": 2})
    assert r.status_code == 200, r.get_json()
    assert {e["name"] for e in r.get_json()["opinion_experts"]} == {"武汉专家", "宜昌专家"}
    r = province("post", f"{BASE}/{review.id}/opinion", json={"opinion": "passed", "note": "太短"})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "note"
    r = province("post", f"{BASE}/{review.id}/opinion", json={"opinion": "passed", "note": OPINION})
    assert r.status_code == 200, r.get_json()
    answer = r.get_json()
    assert (answer["opinion"], answer["opinion_note"]) == ("passed", OPINION) and answer["opinion_at"]
    r = province("post", f"{BASE}/{review.id}/opinion", json={"opinion": "fail", "note": OPINION})
    assert r.status_code == 409 and r.get_json()["message_zh"] == "此复核的专家意见已记录。"
    assert r.get_json()["message_en"] == "The experts' opinion on this re-review was already recorded."
    assert province("get", f"{BASE}/awaiting-opinion?year=2025").get_json()["items"] == []
    assert _actions(review.id)[-2:] == [("hb_province", "rereview.experts_drawn"),
                                        ("hb_province", "rereview.opinion_recorded")]


@pytest.mark.region("hubei")
def test_the_cli_lists_what_awaits_the_province_and_records_the_opinion(app):
    from core.cli.management_cmd import rereviews_group
    from core.extensions import db

    w = world(app)
    review = w["review"]
    runner = app.test_cli_runner()
    r = runner.invoke(rereviews_group, ["draw", str(review.id), "--count", "2"])
    assert r.exit_code == 2 and "市州尚未记录此复核的现场复核结果。" in r.output
    assert "The city has not recorded the on-site result of this re-review yet." in r.output
    city_records(review)
    r = runner.invoke(rereviews_group, ["awaiting", "--year", "2025"])
    assert r.exit_code == 0 and r.output.splitlines() == [f"{review.id}\t2025\t{w['org'].uscc}\t{ORG_NAME}\tpassed\t-"]
    r = runner.invoke(rereviews_group, ["opinion", str(review.id), "--opinion", "passed", "--note", OPINION])
    assert r.exit_code == 2 and "请先抽取专家，再记录其意见。" in r.output
    r = runner.invoke(rereviews_group, ["draw", str(review.id), "--count", "2"])
    assert r.exit_code == 0 and "武汉专家" in r.output and "宜昌专家" in r.output
    r = runner.invoke(rereviews_group, ["opinion", str(review.id), "--opinion", "maybe", "--note", OPINION])
    assert r.exit_code == 2 and "请选择专家意见。" in r.output and "Choose the experts' opinion." in r.output
    r = runner.invoke(rereviews_group, ["opinion", str(review.id), "--opinion", "passed", "--note", OPINION])
    assert r.exit_code == 0 and r.output.strip() == f"{review.id}\tpassed"
    r = runner.invoke(rereviews_group, ["opinion", str(review.id), "--opinion", "fail", "--note", OPINION])
    assert r.exit_code == 2 and "此复核的专家意见已记录。" in r.output
    r = runner.invoke(rereviews_group, ["awaiting", "--year", "2025", "--format", "json"])
    assert r.exit_code == 0 and r.output.strip() == "[]"
    db.session.expire_all()
    actors = {actor for actor, action in _actions(review.id) if action in ("rereview.experts_drawn",
                                                                          "rereview.opinion_recorded")}
    assert len(actors) == 1 and actors.pop().startswith("cli:")
