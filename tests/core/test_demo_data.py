"""``greenmfg demo`` data (issue 20): 统一社会信用代码 with the area code of the region and city the unit sits in
(GB/T 2260, as python-stdnum's table has it) and valid check characters; the demo 引领值/基准值 loaded, so the
live score of a filled-in application is complete (not ``needs_reference``), and labelled on its page as demo
values, not policy; the demo expert in the expert pool.
"""
from __future__ import annotations

import re

import pytest
from helpers import DEMO_COPIES
from sqlalchemy import select
from stdnum.cn import uscc

from core.extensions import db
from core.models import AdminUnit, Application, ApplicationStatus, EvaluatorFirm, Organization, ReferenceValue, User

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

#: region -> (province area code, a city and its area code), GB/T 2260
AREAS = {"hubei": ("42", "武汉市", "420100"), "jiangxi": ("36", "南昌市", "360100"),
         "shanxi": ("14", "太原市", "140100"), "hunan": ("43", "长沙市", "430100")}


def _load(make_app, tmp_path, region):
    app = make_app(region, GREENMFG_EVIDENCE_DIR=str(tmp_path), WTF_CSRF_ENABLED=False)
    with app.app_context():
        counts = DEMO_COPIES.load(app)
    return app, counts


@pytest.mark.parametrize("region", list(AREAS))
def test_usccs_carry_the_regions_area_codes(make_app, tmp_path, region):
    province, city, city_code = AREAS[region]
    app, _ = _load(make_app, tmp_path, region)
    with app.app_context():
        orgs = db.session.execute(select(Organization.uscc, AdminUnit.name).join(
            AdminUnit, AdminUnit.id == Organization.admin_unit_id)).all()
        firms = db.session.scalars(select(EvaluatorFirm.uscc)).all()
        # 36 applicants, 12 listed units that do not apply; three firms, and a fourth where every unit of the round
        # is evaluated by a third party (Hubei 002 三(三): the firms' caps of 15 a year, 附件2 二(三), hold 36 projects)
        assert len(orgs) == 48 and len(firms) == (4 if region == "hubei" else 3)
        assert all(uscc.is_valid(code) and code[2:4] == province for code, _ in orgs)
        assert all(uscc.is_valid(code) and code[2:4] == province for code in firms)
        in_city = [code for code, unit in orgs if unit == city]
        assert in_city and all(code[2:8] == city_code for code in in_city)
        assert len({code[2:8] for code, _ in orgs}) > 5  # each city its own code, not one for all
        # a green industrial park applies through its management committee (seed 001 附件2; 003 二（二）), never
        # a company: the demo made 萍乡新材料股份有限公司 a park
        parks = db.session.execute(select(Organization.name, Application.status).join(
            Application, Application.organization_id == Organization.id).where(Application.unit_type == "park")).all()
        assert parks and all("园" in name for name, _ in parks), parks


def test_reference_values_make_live_scores_complete_and_pages_say_they_are_demo_values(make_app, tmp_path):
    """A submitted application with an indicator table scores completely (every quantitative indicator has its
    引领值/基准值); a draft, half filled in, does not; the detail page says the references are demo values."""
    from core.applications.scoring import live_score
    from core.cli.demo_data import DEMO_PASSWORD
    from core.scoring.engine import Status

    app, counts = _load(make_app, tmp_path, "hubei")
    assert counts["demo_reference_values"] == 28  # core/scoring/data/demo_reference.csv
    with app.app_context():
        assert db.session.scalar(select(db.func.count(ReferenceValue.id))) == 28
        apps = db.session.scalars(select(Application).order_by(Application.id)).all()
        scored = [(a, live_score(a)) for a in apps]
        done = [(a, s) for a, s in scored if s and a.status == ApplicationStatus.SUBMITTED]
        assert done and all(s["complete"] and 40 < s["total"] <= 100 for _, s in done)
        assert all(i["status"] == Status.SCORED for _, s in done for i in s["indicators"])
        drafts = [s for a, s in scored if s and a.status == ApplicationStatus.DRAFT]
        assert drafts and not any(s["complete"] for s in drafts)
        enterprise = db.session.scalar(select(User).where(User.username == "enterprise"))
        own = db.session.scalar(select(Application).where(Application.organization_id == enterprise.organization_id))
        assert live_score(own) is not None
        own_id = own.id
    client = app.test_client()
    assert client.post("/login", data={"username": "enterprise", "password": DEMO_PASSWORD}).status_code == 302
    zh = client.get(f"/applications/{own_id}?lang=zh").get_data(as_text=True)
    assert 'id="score-demo"' in zh and "演示值，非政策数值" in zh
    en = client.get(f"/applications/{own_id}?lang=en").get_data(as_text=True)
    assert "Demo values, not policy" in en


def test_the_demo_expert_is_in_the_pool(make_app, tmp_path):
    from core.review import experts

    app, _ = _load(make_app, tmp_path, "jiangxi")
    with app.app_context():
        expert = db.session.scalar(select(User).where(User.username == "expert"))
        assert expert.id in {p.user_id for p in experts.pool()}


@pytest.mark.parametrize("region", list(AREAS))
def test_demo_applications_are_filled_in_and_submitted_through_the_platform(make_app, tmp_path, region):
    """A submitted demo application carries what a unit fills in: its contact, every negative-list item answered,
    the region form from the plugin's examples (each of them, read as the round reads it: Hunan's three years of
    finances end the year before the round, seed 000 附件1) and a stored PDF for each file field; it went through
    the platform's submission, so its page shows the checks made then. A draft has half its region form."""
    from core.applications.fields import fields_for, is_upload
    from core.cli.demo_data import DEMO_PASSWORD
    from core.kernel.rules import region_rules
    from core.models import AuditLog, Evidence
    from core.plugins.types import Level

    app, _ = _load(make_app, tmp_path, region)
    with app.app_context():
        rules = region_rules()
        apps = db.session.scalars(select(Application).order_by(Application.id)).all()
        sent = [a for a in apps if a.status != ApplicationStatus.DRAFT]
        assert sent and all(a.contact_name and a.contact_phone and a.eligibility for a in sent)
        for a in sent:
            items = rules.negative_list_for(a.unit_type, Level(a.level), a.campaign.year)
            assert a.declarations == {item.code: True for item in items}
            ffs = fields_for(rules, a.unit_type, a.level, a.campaign.year)
            stored = a.extension_data or {}
            assert all(stored.get(f.code) is not None for f in ffs if f.example is not None), a.unit_type
            files = {str(e.id) for e in db.session.scalars(select(Evidence).where(Evidence.application_id == a.id))}
            assert all(stored.get(f.code) in files for f in ffs if is_upload(f))
            if "hunan.finances" in stored:
                year = a.campaign.year
                assert [row["year"] for row in stored["hunan.finances"]] == [year - 3, year - 2, year - 1]
            actions = db.session.scalars(select(AuditLog.action).where(
                AuditLog.object_type == "application", AuditLog.object_id == str(a.id)).order_by(AuditLog.id)).all()
            assert actions[:2] == ["application.created", "application.saved"] and "application.submitted" in actions
        drafts = [a for a in apps if a.status == ApplicationStatus.DRAFT]
        assert drafts and all(a.eligibility is None and not a.declarations for a in drafts)
        shown_id = next(a.id for a in sent if a.extension_data)
    client = app.test_client()
    assert client.post("/login", data={"username": "province", "password": DEMO_PASSWORD}).status_code == 302
    r = client.get(f"/applications/{shown_id}?lang=zh")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="eligibility"' in page and 'id="eligibility-unrecorded"' not in page
    # in English every check is named in English (the plugins' title_en), the documents keep their Chinese titles
    page = client.get(f"/applications/{shown_id}?lang=en").get_data(as_text=True)
    table = page[page.index('id="eligibility"'):page.index("</table>", page.index('id="eligibility"'))]
    checks = [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<tr><td>(.*?)</td>", table, re.S)]
    assert checks and not [c for c in checks if re.search(r"[\u4e00-\u9fff]", c)], checks


@pytest.mark.parametrize("region", ["hubei", "shanxi"])
def test_each_demo_application_s_history_follows_the_dates_it_shows(make_app, tmp_path, region):
    """The Hubei walk (/tmp/walk_hubei 14): demo application 2 showed 提交时间 2026-03-22 08:00 but its history said
    已提交 at the time the demo was built, and the on-site evaluation after that. Each step of the demo happens on
    its day: created, filled in, the evaluator asked, accepting, visiting and filing its report, all before the
    submission, whose audit row carries the submission time; nothing lies in the future."""
    from core.cli.demo_data import DEMO_PASSWORD
    from core.clock import SHANGHAI, aware, moment_text, now
    from core.models import AuditLog, EvaluationReport, EvaluationRequest

    app, _ = _load(make_app, tmp_path, region)
    with app.app_context():
        apps = db.session.scalars(select(Application).order_by(Application.id)).all()
        sent = [a for a in apps if a.submitted_at is not None]
        assert len(sent) > 20
        reported = 0
        for a in apps:
            rows = db.session.scalars(select(AuditLog).where(
                AuditLog.object_type == "application", AuditLog.object_id == str(a.id)).order_by(AuditLog.id)).all()
            times = [aware(r.at) for r in rows]
            assert times == sorted(times) and times[-1] <= now(), (a.id, [(r.action, r.at) for r in rows])
            assert aware(a.created_at) == times[0] and rows[0].action == "application.created"
            if a.submitted_at is None:
                continue
            submitted = [aware(r.at) for r in rows if r.action == "application.submitted"]
            assert submitted == [aware(a.submitted_at)], a.id
            before = [r for r in rows if r.action != "application.submitted" and aware(r.at) < aware(a.submitted_at)]
            assert {r.action for r in before} >= {"application.created", "application.saved"}
            report = db.session.scalar(select(EvaluationReport).where(EvaluationReport.application_id == a.id))
            if report is not None:
                reported += 1
                request = db.session.get(EvaluationRequest, report.request_id)
                accepted = aware(request.decided_at).astimezone(SHANGHAI).date()
                filed = aware(report.created_at)
                assert accepted <= report.visited_on <= filed.astimezone(SHANGHAI).date()
                assert filed < aware(a.submitted_at) and aware(request.created_at) < aware(request.decided_at)
                assert request.declarations["declared_at"] == aware(request.decided_at).isoformat(timespec="seconds")
        assert reported
        enterprise = db.session.scalar(select(User).where(User.username == "enterprise"))
        own = db.session.scalar(select(Application).where(Application.organization_id == enterprise.organization_id))
        own_id, shown = own.id, moment_text(own.submitted_at)
    client = app.test_client()
    assert client.post("/login", data={"username": "enterprise", "password": DEMO_PASSWORD}).status_code == 302
    page = client.get(f"/applications/{own_id}?lang=zh").get_data(as_text=True)
    assert page.count(shown) >= 2  # 提交时间 and the history's 已提交 row


@pytest.mark.parametrize("region", [*AREAS, "national"])
def test_demo_industries_panels_and_city_are_what_the_platform_records(make_app, tmp_path, region):
    """Three defects the walks found in the demo data (/tmp/walk_shanxi 3, 8; /tmp/walk_hubei 13):
    an application's industry is what its form stores (``round_industry``: a key industry's code, which English
    pages name by its name_en, or the name where the round takes any industry), never the name of a key industry;
    a graded application was graded by a panel of the region's size whose experts submitted their scores, its
    result recorded, its tier the panel's and its score still the applicant's self-score (it showed 94.90 in the
    list, 70.57 on its page, "尚未指派专家" on its review page and A级 in the notice); the demo ``city`` account has
    submitted applications to review and recommend (长治市 had drafts only, 市州审核 listed nothing)."""
    from core.applications.scoring import live_score
    from core.applications.services import round_industry
    from core.cli.demo_data import DEMO_PASSWORD
    from core.kernel.rules import region_rules
    from core.models import ExpertAssignment, ReviewResult
    from core.review import experts

    app, _ = _load(make_app, tmp_path, region)
    with app.app_context():
        rules = region_rules()
        apps = db.session.scalars(select(Application).order_by(Application.id)).all()
        for a in apps:
            year = a.campaign.year
            assert a.industry and round_industry(rules, a.unit_type, year, a.industry) == a.industry, a.industry
            if not rules.industry_choices(a.unit_type, year).open:
                assert a.industry in rules.industries and rules.industries[a.industry].name_en, a.industry
        graded = [a for a in apps if a.status == ApplicationStatus.GRADED]
        assert graded
        for a in graded:
            result = db.session.scalar(select(ReviewResult).where(ReviewResult.application_id == a.id))
            rows = db.session.scalars(select(ExpertAssignment).where(ExpertAssignment.application_id == a.id)).all()
            submitted = [r for r in rows if r.status == "submitted"]
            assert result is not None and len(submitted) == result.experts >= experts.min_experts(a), a.id
            mean = sum(float(r.total) for r in submitted) / len(submitted)
            assert float(result.score) == pytest.approx(mean, abs=0.01) and a.tier == result.tier
            assert not [c for r in rows for c in experts.conflicts(r.expert, a)]
            own = live_score(a)
            if own is not None:  # the self-score stays the applicant's
                assert float(a.score) == pytest.approx(own["total"], abs=0.01), a.id
            assert aware_ok(result.graded_at, a.submitted_at)
        city = db.session.scalar(select(User).where(User.username == "city"))
        mine = [a for a in apps if a.admin_unit_id == city.admin_unit_id]
        to_review = [a for a in mine if a.status == ApplicationStatus.SUBMITTED]
        assert to_review, [a.status for a in mine]
        names = [a.organization.name for a in to_review]
        graded_id = graded[0].id
    client = app.test_client()
    assert client.post("/login", data={"username": "city", "password": DEMO_PASSWORD}).status_code == 302
    page = client.get("/city?lang=zh").get_data(as_text=True)
    assert any(name in page for name in names) and "没有符合条件的记录" not in page
    client = app.test_client()
    assert client.post("/login", data={"username": "province", "password": DEMO_PASSWORD}).status_code == 302
    r = client.get(f"/review/applications/{graded_id}?lang=zh")
    assert r.status_code == 200 and "尚未指派专家" not in r.get_data(as_text=True)


def aware_ok(graded_at, submitted_at) -> bool:
    """The panel's result lies after the submission and not in the future."""
    from core.clock import aware, now

    return aware(submitted_at) < aware(graded_at) <= now()
