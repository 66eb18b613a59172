"""A round carries its own calendar (issue 42): a deadline the province moves is honoured by the step's service and
shown, as moved with the document's date beside it, on the step's page, at the time entered.

Jiangxi 2024 joint round (seed 003_a3fa60aeba77aa34.txt, 赣工信办节能函〔2024〕20号):
* 一 (line 19): cities report by 2024-05-27 (``jiangxi.city_submission``); the province moves it to
  2024-06-05 17:00 — the city recommends at 16:59, is refused at 17:01 naming "2024-06-05 17:00";
* 二(五) / 办法 第十二条: the province recommends to the Ministry by 07-31 (national plugin,
  ``province_recommendation``); measured on main (issue 42): moved to 2026-12-20 17:00, the recommendation was
  still refused on 2024-07-31 and the page read 2024-07-31 24:00. Now the move is honoured until 17:00 and the page
  and the signed file say so.
The applicants' own deadline (the round's closes_at) is an instant on the round already; it is moved and honoured
the same way. No region dates the expert review; the annual dynamic filing (04-15) is a yearly deadline, not a
round's, and a round's filing by listed units (Hunan 2025) reads the same step resolver as the city's step.
"""
from __future__ import annotations

import json
import re

import pytest
import round_kit as rk
from helpers import new_signing_key
from round_kit import bj, show

BOTH = ["national", "provincial"]


@pytest.fixture
def rnd(make_app, tmp_path):
    app = make_app("jiangxi", GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"), GREENMFG_REVIEW_MIN_EXPERTS=3,
                   GREENMFG_RECOMMENDATION_KEY=new_signing_key(), GREENMFG_RULES_YEAR=2024, WTF_CSRF_ENABLED=False)
    return rk.Round(app, "jiangxi").setup(
        bj(2024, 4, 2, 9), cities={"nanchang": "jiangxi.nanchang"},
        applicants={"new_a": ("nanchang", "南昌新能源电池有限公司"), "late_c": ("nanchang", "南昌迟报机械有限公司"),
                    "later_d": ("nanchang", "南昌补报材料有限公司")},
        experts=3, division="360100")


def _body(rnd) -> dict:
    return {"contact_name": "黄磊", "contact_phone": "0791-86543210", "evaluation_mode": "self",
            "requested_levels": BOTH, "declarations": rnd.negative_list("factory", "national"),
            "extension": {"jiangxi.county": "青山湖区"}}


def _page(rnd, username: str, url: str, when) -> str:
    """``username`` signs in on the web at ``when`` and opens ``url`` (a session lasts hours, a round months)."""
    client = rnd.app.test_client()
    with rk.at(when):
        assert client.post("/login", data={"username": username, "password": rk.PASSWORD}).status_code == 302
        r = client.get(url)
    assert r.status_code == 200, r.get_data(as_text=True)[:400]
    return r.get_data(as_text=True)


def _move(rnd, campaign_id: int, code: str, value: str, reason: str, when):
    """The province moves a deadline of the round on its page, with a reason."""
    client = rnd.app.test_client()
    with rk.at(when):
        assert client.post("/login", data={"username": "province_staff", "password": rk.PASSWORD}).status_code == 302
        r = client.post(f"/province/campaigns/{campaign_id}/deadline",
                        data={"code": code, "value": value, "reason": reason})
    assert r.status_code == 302, r.get_data(as_text=True)[:600]


def _new_token(rnd, key: str, username: str, when) -> None:
    """A new token for ``username`` at ``when`` (the round's tokens last a year; this round runs into 2026)."""
    from sqlalchemy import select

    from core.accounts import services as accounts
    from core.extensions import db
    from core.models import User

    with rk.at(when), rnd.app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        rnd.tokens[key], _ = accounts.create_token(user, "round test 2026", days=90)
        db.session.commit()


def _open_round(rnd) -> int:
    r = rnd.post("province", "/api/v1/campaigns", bj(2024, 4, 2, 10),
                 json={"year": 2024, "level": "national", "unit_types": ["factory"],
                       "closes_at": bj(2024, 5, 20, 23, 59).isoformat()})
    assert r.status_code == 201, show(r)
    return r.get_json()["id"]


def test_moved_city_and_applicant_deadlines_are_honoured_at_the_time_entered(rnd):
    campaign = _open_round(rnd)
    # the applicants' deadline moves from 2024-05-20 23:59 to 2024-05-24 12:00: a unit submits on 05-23
    _move(rnd, campaign, "closes_at", "2024-05-24T12:00", "系统维护顺延", bj(2024, 5, 15))
    ids = {who: rnd.apply(who, campaign, "factory", _body(rnd), bj(2024, 5, 10), evidence={"evaluation_report": 20})
           for who in ("new_a", "late_c")}
    ids["later_d"] = rnd.apply("later_d", campaign, "factory", _body(rnd), bj(2024, 5, 23, 11),
                               evidence={"evaluation_report": 20})
    # the city's step (003 一: 2024-05-27) moves to 2024-06-05 17:00, entered with its time
    _move(rnd, campaign, "jiangxi.city_submission", "2024-06-05T17:00", "部分设区市材料补正",
          bj(2024, 5, 26))
    page = _page(rnd, "province_staff", f"/province/campaigns/{campaign}", bj(2024, 5, 26))
    row = re.search(r'<span class="deadline" data-code="jiangxi.city_submission">.*?</tr>', page, re.DOTALL).group(0)
    assert "2024-06-05 17:00" in row and "2024-05-27 24:00" in row and "部分设区市材料补正" in row, row
    assert "2024-06-05 24:00" not in page

    queue = _page(rnd, "city_nanchang", "/city", bj(2024, 6, 1))
    listed = re.search(r'id="city-deadlines".*?</table>', queue, re.DOTALL).group(0)
    assert "2024-06-05 17:00" in listed and "2024-05-27 24:00" in listed and "部分设区市材料补正" in listed, listed

    recommend = {"acknowledge_warnings": True, "consulted_departments": rk.CONSULTED, "levels": BOTH}
    r = rnd.post("city_nanchang", f"/api/v1/applications/{ids['new_a']}/recommend", bj(2024, 6, 5, 16, 59),
                 json=recommend)
    assert r.status_code == 200, f"after the document's 05-27, before the moved 06-05 17:00: {show(r)}"
    r = rnd.post("city_nanchang", f"/api/v1/applications/{ids['late_c']}/recommend", bj(2024, 6, 5, 17, 1),
                 json=recommend)
    assert r.status_code == 409 and "2024-06-05 17:00" in rk.error_text(r), show(r)
    assert rnd.status(ids["late_c"]) == "submitted"


def test_moved_recommendation_to_the_ministry_is_honoured_and_shown(rnd):
    campaign = _open_round(rnd)
    app_id = rnd.apply("new_a", campaign, "factory", _body(rnd), bj(2024, 5, 10), evidence={"evaluation_report": 20})
    r = rnd.post("city_nanchang", f"/api/v1/applications/{app_id}/recommend", bj(2024, 5, 20),
                 json={"acknowledge_warnings": True, "consulted_departments": rk.CONSULTED, "levels": BOTH})
    assert r.status_code == 200, show(r)
    rnd.expert_review(app_id, [88, 90, 92], bj(2024, 6, 15))
    r = rnd.post("province", "/api/v1/list-decisions", bj(2024, 6, 28, 15),
                 json={"level": "provincial", "year": 2024, "document_no": "赣工信节能字〔2024〕88号",
                       "published_on": "2024-06-28", "title": "2024年度省级绿色制造名单", "application_ids": [app_id]})
    assert r.status_code == 201, show(r)

    # today (2026-11-25) the 2024 recommendation is past the document's 2024-07-31 ...
    _new_token(rnd, "province", "province_staff", bj(2026, 11, 25))
    r = rnd.post("province", "/api/v1/recommendations/2024/items", bj(2026, 11, 25),
                 json={"application_id": app_id, "acknowledge_warnings": True})
    assert r.status_code == 409 and "2024-07-31 24:00" in rk.error_text(r), show(r)
    # ... the province moves the round's step to 2026-12-20 17:00 with a reason (audited)
    _move(rnd, campaign, "province_recommendation", "2026-12-20T17:00", "工信部通知延期报送", bj(2026, 11, 25))

    # the page of the step: reached by picking the round (no typed ?year=), the moved deadline with the document's
    page = _page(rnd, "province_staff", "/province/recommendation", bj(2026, 11, 25))
    picker = re.search(r'id="year-picker".*?</form>', page, re.DOTALL).group(0)
    assert '<option value="2024"' in picker and '<option value="2026" selected' in picker, picker
    page = _page(rnd, "province_staff", "/province/recommendation?year=2024", bj(2026, 11, 25))
    header = re.search(r'<p id="deadline">.*?</p>', page, re.DOTALL).group(0)
    assert "2026-12-20 17:00" in header and "2024-07-31 24:00" in header and "工信部通知延期报送" in header, header
    assert "2026-12-20 24:00" not in page and "南昌新能源电池有限公司" in page

    # the service honours it: recommended and signed before 17:00, refused after
    r = rnd.post("province", "/api/v1/recommendations/2024/items", bj(2026, 12, 20, 16, 30),
                 json={"application_id": app_id, "acknowledge_warnings": True})
    assert r.status_code == 201, f"the moved deadline is honoured: {show(r)}"
    r = rnd.post("province", "/api/v1/recommendations/2024/export", bj(2026, 12, 20, 16, 45))
    assert r.status_code == 200, show(r)
    assert json.loads(r.get_data(as_text=True))["deadline"] == "2026-12-20", r.get_data(as_text=True)[:300]
    r = rnd.post("province", "/api/v1/recommendations/2024/export", bj(2026, 12, 20, 17, 1))
    assert r.status_code == 409 and "2026-12-20 17:00" in rk.error_text(r), show(r)
    r = rnd.get("province", "/api/v1/recommendations/2024", bj(2026, 12, 20, 17, 1))
    assert r.status_code == 200 and r.get_json()["recommendation"]["deadline"] == "2026-12-20", show(r)
