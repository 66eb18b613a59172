"""Actions hidden once their deadline has passed (issue 61): the applicant's page offers 修改 and 提交 while the
round is open and, after the applicants' deadline (the round closes at 24:00 Beijing time of its day), says why
they are gone; the to-do item then says the draft missed the round and leads to that page, not to a form that would
refuse. The refusal itself stays
on the server (409 with the deadline)."""
from __future__ import annotations

import datetime as dt

import time_machine
from app_world import build_world
from test_deadline_arrival import DAY, _ready_draft, hunan  # noqa: F401 (the fixture)

from core.clock import SHANGHAI


def test_edit_and_submit_are_offered_before_the_deadline_and_gone_after(hunan):  # noqa: F811
    world = build_world(hunan)
    app_id = _ready_draft(hunan, world)
    with time_machine.travel(dt.datetime(2025, 12, 31, 20, tzinfo=SHANGHAI), tick=False):
        client = world.client("applicant_changsha")
        page = client.get(f"/applications/{app_id}?lang=zh").get_data(as_text=True)
        assert 'id="edit-link"' in page and 'id="submit-form"' in page and 'id="closed-note"' not in page
        home = client.get("/").get_data(as_text=True)
        assert f'href="/applications/{app_id}/edit"' in home
    with time_machine.travel(dt.datetime(2026, 1, 1, 9, tzinfo=SHANGHAI), tick=False):
        client = world.client("applicant_changsha")
        page = client.get(f"/applications/{app_id}?lang=zh").get_data(as_text=True)
        assert 'id="edit-link"' not in page and 'id="submit-form"' not in page
        assert 'id="closed-note"' in page and f"{DAY.isoformat()} 24:00" in page
        home = client.get("/").get_data(as_text=True)
        assert f'href="/applications/{app_id}/edit"' not in home and f'href="/applications/{app_id}"' in home
        # the to-do says the draft missed the round, not 完善并提交 flagged 逾期 as if it could still be done
        assert "批次截止前未提交" in home and "完善并提交草稿" not in home
        # the server still refuses, whatever a page offers
        refused = client.post(f"/applications/{app_id}/submit", data={"confirm": "y"})
        assert refused.status_code == 409
        assert client.get(f"/applications/{app_id}/edit").status_code == 409
