"""The city's bulk review (issue 20: "no bulk actions"): tick several submitted applications, recommend or return
them with one action, all or nothing with every refusal listed, one audit row per application.

The quota of 3 recommendations per city is the test plugin's (tests/fixtures/quota_plugin.py), as in test_walk."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from app_world import QUOTA_PLUGIN, beijing_local, build_world, open_campaign
from sqlalchemy import func, select


@pytest.fixture
def world(make_app, tmp_path):
    from test_walk import _submitted_application

    app = make_app("hunan", GREENMFG_EXTRA_PLUGINS=[QUOTA_PLUGIN], WTF_CSRF_ENABLED=False,
                   GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))
    world = build_world(app)
    world.campaign_id = open_campaign(app, level="provincial", unit_types=("factory",))
    world.ids = [_submitted_application(app, world, world.campaign_id, f"长沙第{n}化工有限公司") for n in range(4)]
    return world


def _statuses(world) -> list[str]:
    from core.extensions import db
    from core.models import Application

    with world.app.app_context():
        return [db.session.get(Application, i).status.value for i in world.ids]


def _audited(world, action: str) -> list[str]:
    from core.extensions import db
    from core.models import AuditLog

    with world.app.app_context():
        return sorted(db.session.scalars(select(AuditLog.object_id).where(AuditLog.action == action)))


def test_the_city_queue_has_a_box_per_submitted_application_and_one_action(world):
    page = world.client("city_changsha").get("/city?lang=zh").get_data(as_text=True)
    assert 'id="select-all"' in page and 'data-select-all=".pick"' in page
    assert sorted(int(v) for v in re.findall(r'name="application_ids" value="(\d+)"', page)) == world.ids
    assert 'id="bulk-form"' in page and "任何一个被拒绝" in page and "bulk.js" in page
    assert world.client("city_changsha").get("/static/applications/bulk.js").status_code == 200
    # the ticked ones lead to the page that asks for the action and its confirmation (works without JavaScript)
    chosen = world.client("city_changsha").get(
        f"/city/bulk?lang=zh&application_ids={world.ids[0]}&application_ids={world.ids[1]}").get_data(as_text=True)
    ticked = re.findall(r'name="application_ids" value="(\d+)"[^>]*checked', chosen)
    assert sorted(map(int, ticked)) == world.ids[:2]
    assert 'name="action"' in chosen and 'name="confirm"' in chosen and "confirm.js" in chosen
    province = world.client("province").get("/province/applications?lang=zh").get_data(as_text=True)
    assert 'name="application_ids"' not in province and 'id="bulk-form"' not in province


def test_a_bulk_recommendation_over_the_quota_does_nothing_and_lists_the_refusal(world):
    city = world.client("city_changsha")
    r = city.post("/city/bulk?lang=zh", data={"application_ids": world.ids, "action": "recommend",
                                              "acknowledge_warnings": "y", "confirm": "y"})
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    refusals = re.search(r'<table class="grid" id="bulk-refusals">.*?</table>', html, re.S).group(0)
    assert refusals.count("<tr>") == 2 and str(world.ids[3]) in refusals and "quota_test" in refusals
    assert "未执行任何操作" in html
    # nothing kept: the three that passed are not recommended either; the ticks are kept for another try
    assert _statuses(world) == ["submitted"] * 4 and _audited(world, "application.recommended") == []
    assert len(re.findall(r'name="application_ids" value="\d+"[^>]*checked', html)) == 4

    r = city.post("/city/bulk", data={"application_ids": world.ids[:2], "action": "recommend",
                                      "acknowledge_warnings": "y", "confirm": "y"})
    assert r.status_code == 302
    assert _statuses(world) == ["city_recommended"] * 2 + ["submitted"] * 2
    assert _audited(world, "application.recommended") == sorted(str(i) for i in world.ids[:2])


def test_a_bulk_return_needs_the_confirmation_and_returns_each_with_its_own_audit_row(world):
    city = world.client("city_changsha")
    body = {"application_ids": world.ids[2:], "action": "return", "reason": "请补充能源审计报告",
            "until": beijing_local(dt.timedelta(days=5))}
    r = city.post("/city/bulk?lang=zh", data=body)
    assert r.status_code == 422 and 'aria-describedby="confirm-error-1"' in r.get_data(as_text=True)
    assert _statuses(world) == ["submitted"] * 4
    r = city.post("/city/bulk?lang=zh", data={**body, "reason": "", "confirm": "y"})  # the return needs a reason
    assert r.status_code == 422 and _statuses(world) == ["submitted"] * 4
    r = city.post("/city/bulk", data={**body, "confirm": "y"})
    assert r.status_code == 302
    assert _statuses(world) == ["submitted"] * 2 + ["returned"] * 2
    assert _audited(world, "application.returned") == sorted(str(i) for i in world.ids[2:])


def test_a_bulk_action_may_not_reach_another_citys_application(world):
    from core.extensions import db
    from core.models import Application

    r = world.client("city_zhuzhou").post("/city/bulk", data={"application_ids": world.ids[:1], "action": "recommend",
                                                              "confirm": "y"})
    assert r.status_code == 404
    with world.app.app_context():
        assert db.session.scalar(select(func.count(Application.id)).where(Application.status == "submitted")) == 4
