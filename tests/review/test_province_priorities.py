"""Issue 17 missing 11: priorities (优先推荐) flag and rank the province's pages as they do the city's list.

Seed 004_7a8ddd82f611ab67.txt 第十六条: "工业重点领域优先推荐能效水平达到国家有关部门发布的标杆水平的工厂" — on the
province's review queue (/review) and its national recommendation page (/province/recommendation) a Shanxi factory
with the priority comes before one without it (even with a lower score) and is flagged with the priority.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

import factories as f
from helpers import seed_text
from core.accounts import services as accounts
from core.extensions import db
from core.models import ApplicationStatus as S, ReviewResult, Role

PASSWORD = "省级优先推荐-测试口令-2025"
TITLE = "能效水平达到标杆水平（工业重点领域）"


@pytest.fixture
def shanxi(make_app):
    app = make_app("shanxi")
    with app.app_context():
        c = f.campaign("shanxi", dt.date.today().year, "provincial")
        unit = f.admin_unit("shanxi", "shanxi.taiyuan", "太原市")
        plain = f.application(c, unit, org=f.organization(unit, "太原普通机械有限公司"))
        benchmark = f.application(c, unit, org=f.organization(unit, "太原标杆焦化有限公司"))
        benchmark.extension_data = {"shanxi.energy_benchmark": True}
        accounts.create_user(username="prov", password=PASSWORD, display_name="省厅", role=Role.PROVINCE, actor="test")
        db.session.commit()
        ids = plain.id, benchmark.id
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    r = client.post("/login", data={"username": "prov", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return app, client, ids


def _set(app, ids, status, scores=None):
    from core.models import Application

    with app.app_context():
        for i, app_id in enumerate(ids):
            a = db.session.get(Application, app_id)
            a.status = status
            if scores:
                db.session.add(ReviewResult(application_id=app_id, score=Decimal(scores[i]), tier="A", tier_label="优秀",
                                            recommendable=True, experts=3, graded_by="test",
                                            graded_at=dt.datetime.now(dt.timezone.utc)))
        db.session.commit()


def _row(html: str, name: str) -> str:
    return next(r for r in html.split("<tr") if name in r)


def test_province_review_queue_ranks_and_flags_the_prioritized_factory(shanxi):
    assert "工业重点领域优先推荐能效水平达到国家有关部门发布的标杆水平的工厂" in re.sub(r"\s+", "",
                                                                 seed_text("004_7a8ddd82f611ab67.txt"))
    app, client, ids = shanxi
    _set(app, ids, S.CITY_RECOMMENDED)
    html = client.get("/review").get_data(as_text=True)
    assert html.index("太原标杆焦化有限公司") < html.index("太原普通机械有限公司")  # plain was submitted first (lower id)
    assert "★" in _row(html, "太原标杆焦化有限公司") and TITLE in _row(html, "太原标杆焦化有限公司")
    assert "★" not in _row(html, "太原普通机械有限公司")


def test_province_recommendation_page_ranks_and_flags_the_prioritized_factory(shanxi):
    app, client, ids = shanxi
    _set(app, ids, S.GRADED, scores=("92.00", "85.00"))  # the plain factory scored higher
    html = client.get(f"/province/recommendation?year={dt.date.today().year}").get_data(as_text=True)
    candidates = html[html.index('id="candidates"'):]
    assert candidates.index("太原标杆焦化有限公司") < candidates.index("太原普通机械有限公司")
    assert "★" in _row(candidates, "太原标杆焦化有限公司") and TITLE in _row(candidates, "太原标杆焦化有限公司")
    assert "★" not in _row(candidates, "太原普通机械有限公司")
