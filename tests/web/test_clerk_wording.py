"""The second-pass wording traps of issue 61, each on the demo page a clerk saw it on: who moved a deadline on the
ministry's own instance, the national demo's submitting unit, a platform default's label said once, a submitted
filing's dates, one number format for scores, the region's own documents on its rules page, and a check only the
city can meet shown as the city's step."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from helpers import DEMO_COPIES

DEMO_PASSWORD = "greenmfg-demo-2025"


@pytest.fixture
def demo(make_app, tmp_path, request, cheap_hashes):
    app = make_app(request.param, WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"))
    DEMO_COPIES.load(app)
    return app


def _client(app, username: str | None = None):
    client = app.test_client()
    if username:
        assert client.post("/login", data={"username": username, "password": DEMO_PASSWORD}).status_code == 302
    client.get("/?lang=zh")
    return client


def _text(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


@pytest.mark.parametrize("demo", ["national"], indirect=True)
def test_the_ministrys_instance_names_the_ministry_and_its_provinces(demo):
    from flask import render_template_string

    page = _text(_client(demo).get("/").get_data(as_text=True))
    assert "示范省 省级" in page and "示范省 市" not in page
    moved = type("D", (), {"code": "recommendation", "ends": None, "moved": True, "document_day": None,
                           "reason": "配合部里统一安排", "moved_by": None, "moved_at": None, "dated_by_notice": False})()
    with demo.test_request_context("/?lang=zh"):
        html = render_template_string('{% from "_round_deadline.html" import round_deadline %}{{ round_deadline(d) }}',
                                      d=moved)
    assert "工业和信息化部已调整" in html and "省厅" not in html


@pytest.mark.parametrize("demo", ["hunan"], indirect=True)
def test_a_provinces_instance_says_the_province_moved_it(demo):
    from flask import render_template_string

    moved = type("D", (), {"code": "x", "ends": None, "moved": True, "document_day": None, "reason": "",
                           "moved_by": None, "moved_at": None, "dated_by_notice": False})()
    with demo.test_request_context("/?lang=zh"):
        html = render_template_string('{% from "_round_deadline.html" import round_deadline %}{{ round_deadline(d) }}',
                                      d=moved)
    assert "省厅已调整" in html


@pytest.mark.parametrize("demo", ["hunan"], indirect=True)
def test_a_submitted_filing_reads_as_submitted_with_two_decimals_and_one_platform_default(demo):
    import datetime as dt

    from sqlalchemy import select

    from core.clock import now, this_year, today
    from core.extensions import db
    from core.management import filings
    from core.models import AnnualFiling, User

    with demo.app_context():
        late = filings.is_late(this_year())  # after 04-15 (seed 004 第十八条): opened with a date to file by
        filings.open_year(this_year(), "test", until=today() + dt.timedelta(days=10) if late else None,
                          reason="培训" if late else None)
        org = db.session.scalar(select(User.organization_id).where(User.username == "enterprise"))
        filing = db.session.scalars(select(AnnualFiling).where(AnnualFiling.organization_id == org)).first()
        assert filing is not None
        ident = filing.id
        db.session.commit()
    client = _client(demo, "enterprise")
    # the form's key figures: the platform's default (seed 004 第十八条 asks for 关键指标 and names none), said once
    text = _text(client.get(f"/management/filings/{ident}").get_data(as_text=True))
    assert "平台默认：年度动态管理表的关键指标" in text
    assert "平台默认（文件未作规定）：平台默认" not in text and "平台默认：平台默认" not in text
    with demo.app_context():
        filing = db.session.get(AnnualFiling, ident)
        filing.status, filing.submitted_at, filing.score = "submitted", now() - dt.timedelta(hours=1), 6
        db.session.commit()
        db.session.remove()
    html = client.get(f"/management/filings/{ident}").get_data(as_text=True)
    status = _text(re.search(r'<p id="filing-status">.*?</p>', html, re.S).group(0))
    assert "已提交" in status and "提交时间" in status and "截止时间" in status and "待填报" not in status
    listed = client.get("/management/filings").get_data(as_text=True)
    assert "<td>6.00</td>" in listed and "<th>截止时间</th>" in listed and "<th>待填报</th>" not in listed


def test_hubeis_rules_page_lists_its_own_and_the_ministrys_documents(make_app):
    page = make_app("hubei").test_client().get("/rules?lang=zh").get_data(as_text=True)
    documents = _text(str(BeautifulSoup(page, "html.parser").find(id="documents") or page))
    assert "鄂经信办节能〔2022〕8号" in documents and "工信部节〔2024〕13号" in documents
    for other in ("晋工信节能规字〔2024〕3号", "赣工信办节能函〔2024〕20号", "湖南省工业和信息化厅"):
        assert other not in documents, other


@pytest.mark.parametrize("demo", ["jiangxi"], indirect=True)
def test_a_check_only_the_city_can_meet_is_the_citys_step_for_the_applicant(demo):
    from sqlalchemy import select

    from core.applications import eligibility
    from core.extensions import db
    from core.models import Application

    from core.accounts import services as accounts
    from core.applications.services import EDITABLE
    from core.models import Role

    with demo.app_context():
        found = None
        for application in db.session.scalars(select(Application).where(Application.status.in_(EDITABLE))
                                               .order_by(Application.id)):
            results = {r["code"]: r for r in eligibility.evaluate(application)}
            if "jiangxi.city_consultation" in results:
                found = application.id, results["jiangxi.city_consultation"]
                break
        assert found is not None
        ident, result = found
        # 赣工信办节能函〔2024〕20号 三（一）: the city consults before it recommends; nothing the applicant can do
        assert result["ok"] is False and result["met_by"] == "city"
        with_city = {r["code"]: r for r in eligibility.evaluate(
            db.session.get(Application, ident), city_input={"consulted_departments": []})}
        assert "met_by" not in with_city["jiangxi.city_consultation"]  # the city, recommending, sees it unmet
        accounts.create_user(username="drafter", password=DEMO_PASSWORD, display_name="填报人", role=Role.APPLICANT,
                             actor="test", organization_id=db.session.get(Application, ident).organization_id)
        db.session.commit()
        db.session.remove()
    client = _client(demo, "drafter")
    html = client.get(f"/applications/{ident}").get_data(as_text=True)
    row = next(tr for tr in BeautifulSoup(html, "html.parser").select("#eligibility tr")
               if "征求当地生态环境" in tr.get_text())
    assert "市级推荐时办理" in row.get_text() and "✗" not in row.get_text()


@pytest.mark.parametrize("demo", ["hunan"], indirect=True)
def test_the_citys_recommendations_open_on_the_round_it_last_recommended_in(demo):
    from sqlalchemy import select

    from core.applications import services
    import datetime as dt

    from core.clock import end_of_day, now, this_year, today
    from core.extensions import db
    from core.models import Application, Campaign, User

    with demo.app_context():
        unit = db.session.scalar(select(User.admin_unit_id).where(User.username == "city"))
        worked = db.session.scalars(select(Application).where(Application.admin_unit_id == unit)
                                    .order_by(Application.id)).first()
        worked.recommended_at = now()
        worked_round = worked.campaign_id
        # a newer round opened since: the newest, but not the one the city is working in
        newer = services.open_campaign(actor="province", year=this_year(), level="provincial",
                                       unit_types=["factory"], title="新开批次（培训）",
                                       closes_at=end_of_day(today() + dt.timedelta(days=30)))
        db.session.commit()
        newest = db.session.scalar(select(Campaign.id).order_by(Campaign.year.desc(), Campaign.id.desc()).limit(1))
        assert newest == newer.id != worked_round
        db.session.remove()
    client = _client(demo, "city")
    selected = BeautifulSoup(client.get("/city/recommended").get_data(as_text=True), "html.parser").select_one(
        "#campaign option[selected]")
    assert selected["value"] == str(worked_round)
    chosen = BeautifulSoup(client.get(f"/city/recommended?campaign={newest}").get_data(as_text=True),
                           "html.parser").select_one("#campaign option[selected]")
    assert chosen["value"] == str(newest)  # a round named in the address stays the one shown
