"""A real browser (Playwright driving Debian's chromium) on a live Hubei server, clicking only (the log-in page is
the one address typed): the applicant goes from its application to the evaluation page and chooses a qualified
firm; the firm lands on its requests, declares its independence and accepts, reads the case file and files its
on-site evaluation report with a score per indicator; an expert lands on its reviews, opens the application and
reads it beside the score form (the firm's report and scores included), scores and submits, and reads the page in
English. Then the public browses a published list and objects on a running notice without logging in.
Screenshots go to test-artifacts/e2e/review-*.png.

Numbers: Hubei 002_9c75e1d2ebfbdf50.txt 三(三) "自主选择委托符合评价资质要求的第三方评价机构…开展现场评价", 附件2 二(三)
"不得参与自评价报告编写"; MIIT factory table (001_3f04a56fc6693327.txt 附件1): #4 weighs 6 and the self-evaluation's 8
platform functions score 6; Shanxi-style notice figures come from the Hubei deployer setting (7 days).
"""
from __future__ import annotations

import datetime as dt
import io
import shutil
import sys
from pathlib import Path

import pytest
from browser_kit import ARTIFACTS, open_page, serving

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py


def beijing_today() -> dt.date:
    """Today in Beijing, the day every date of the platform is counted in."""
    from core.clock import SHANGHAI

    return dt.datetime.now(SHANGHAI).date()

PASSWORD = "专家浏览器测试口令-2025"
APPLICANT_ORG = "武汉浏览器绿色工厂有限公司"
REVIEWED_ORG = "宜昌浏览器精细化工有限公司"
FIRM = "湖北浏览器绿色评价中心有限公司"


def _pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    writer, buf = PdfWriter(), io.BytesIO()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.write(buf)
    return buf.getvalue()


@pytest.fixture
def review_server(sqlite_template, tmp_path):
    import kit
    from sqlalchemy import select

    from core import create_app
    from core.accounts import services as accounts
    from core.applications import evidence
    from core.extensions import db
    from core.lists import notices
    from core.models import AdminUnit, ApplicationStatus as S, Role
    from core.review import evaluators, experts, reports
    from core.services.admin_units import sync_admin_units

    path = tmp_path / "review.sqlite3"
    shutil.copy(sqlite_template, path)
    # rate limits on, counted in this app's memory (a shared Redis would carry counts between runs)
    app = create_app({"GREENMFG_MFA_ROLES": [], "GREENMFG_RATELIMIT_STORAGE": "memory://", "SECRET_KEY": "e2e-review",
                      "GREENMFG_REGION": "hubei", "GREENMFG_RULES_YEAR": 2025, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "GREENMFG_REVIEW_MIN_EXPERTS": 1, "GREENMFG_EVIDENCE_DIR": str(tmp_path / "evidence"),
                      "GREENMFG_NOTICE_PERIODS": {"provincial": [7, "calendar_days"]}})
    with app.app_context():
        sync_admin_units("e2e")
        unit = {u.code: u for u in db.session.scalars(select(AdminUnit))}
        c = kit.campaign("hubei", year=2025)
        firm = kit.firm("马俊", name=FIRM, qualifications=kit.HUBEI_QUALIFIED)
        kit.firm("田野", name="荆楚浏览器节能咨询有限公司", qualifications={**kit.HUBEI_QUALIFIED, "senior_staff": 3})
        firm_user = accounts.create_user(username="pingjia", password=PASSWORD, display_name=FIRM, role=Role.EVALUATOR,
                                         actor="e2e", evaluator_firm_id=firm.id)
        # the applicant's draft, with a value and its evidence for indicator #4
        draft = kit.application(c, unit["hubei.wuhan"], status=S.DRAFT,
                                org=kit.organization(unit["hubei.wuhan"], APPLICANT_ORG))
        evidence.store(draft, "indicator.4", "能源管控中心功能说明.pdf", _pdf(2), "e2e")
        accounts.create_user(username="qiye", password=PASSWORD, display_name=APPLICANT_ORG, role=Role.APPLICANT,
                             actor="e2e", organization_id=draft.organization_id)
        # an application the firm evaluated (report filed) and the city recommended, for the expert
        reviewed = kit.application(c, unit["hubei.yichang"], status=S.DRAFT,
                                   org=kit.organization(unit["hubei.yichang"], REVIEWED_ORG))
        request = evaluators.request_evaluation(kit.user(Role.APPLICANT, organization_id=reviewed.organization_id),
                                                reviewed, firm, reviewed.organization.uscc)
        evaluators.accept_request(firm_user, request, wrote_self_evaluation=False, interested_party=False)
        weights = {int(i["number"]): i["weight"] for i in reports.indicator_items(reviewed)}
        reports.file_report(firm_user, request, _pdf(10), "宜昌第三方评价报告.pdf",
                            scores={str(k): round(w * 0.85, 2) for k, w in weights.items()}, visited_on=beijing_today())
        reviewed.status = S.CITY_RECOMMENDED
        expert = experts.add_expert("e2e", username="zhuanjia", password=PASSWORD, name="王专家",
                                    admin_unit_code="hubei.shiyan", fields=["factory"])
        experts.assign("e2e", reviewed, expert)
        # a published provincial list and a notice that is running today
        listed = [kit.application(c, unit[code], org=kit.organization(unit[code], name), status=S.GRADED)
                  for code, name in (("hubei.xiangyang", "襄阳绿色建材有限公司"), ("hubei.jingzhou", "荆州绿色化工有限公司"))]
        done = notices.open_notice("e2e", level="provincial", year=2025, starts_on=dt.date(2025, 9, 26),
                                   application_ids=[a.id for a in listed], at=kit.beijing(dt.date(2025, 9, 26), 9))
        notices.publish("e2e", done, document_no="鄂经信节能〔2025〕88号", published_on=dt.date(2025, 10, 20),
                        at=kit.beijing(dt.date(2025, 10, 16)))
        running_app = kit.application(c, unit["hubei.xiaogan"],
                                      org=kit.organization(unit["hubei.xiaogan"], "孝感公示中装备有限公司"), status=S.GRADED)
        running = notices.open_notice("e2e", level="provincial", year=2025, starts_on=beijing_today(),
                                      application_ids=[running_app.id])
        db.session.commit()
        ids = {"draft": draft.id, "reviewed": reviewed.id, "assignment": experts.assignments(reviewed)[0].id,
               "notice": running.id, "ends_on": running.ends_on, "weights": weights}
    report_file = tmp_path / "现场评价报告.pdf"
    report_file.write_bytes(_pdf(9))
    with serving(app) as base:
        yield {"url": base, "app": app, "report_file": report_file, **ids}


def test_the_applicants_evaluators_and_experts_journeys_by_clicking(review_server, chromium):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = review_server["url"]
    shots = []

    def shot(page, name):
        target = ARTIFACTS / f"review-{len(shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(target), full_page=True)
        shots.append(target)

    def log_in(page, username):
        page.goto(f"{base}/login")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():  # the log-in's answer before the next step
            page.click("#login-submit")

    def log_out(page):
        page.click("#logout-link")
        page.click("#logout-form button")
        expect(page.locator("#logout-link")).to_have_count(0)

    weights = review_server["weights"]
    with open_page(chromium) as (page, errors):

        # -- the applicant: its applications → the application → the evaluation page → a qualified firm
        log_in(page, "qiye")
        page.click("#my-applications a")
        expect(page.locator("#evaluation-section")).to_contain_text("第三方评价")
        page.click("#evaluation-link")
        expect(page.locator("#evaluation-cite")).to_contain_text("鄂经信办节能〔2022〕8号")
        expect(page.locator("#firm-picker")).to_contain_text("高级职称人员不少于5人")  # the unqualified one says why
        expect(page.locator("#firm-picker tr.unavailable input")).to_be_disabled()
        page.locator("#firm-picker tr:not(.unavailable) input[type=radio]").check()
        shot(page, "applicant-chooses-a-firm")
        page.click("#send-request")
        expect(page.locator("#pending")).to_contain_text(FIRM)
        log_out(page)

        # -- the firm: lands on its requests → declares and accepts → case file → on-site report per indicator
        log_in(page, "pingjia")
        expect(page.locator("h1")).to_contain_text("评价委托")
        row = page.locator("#requests tr", has_text=APPLICANT_ORG)
        expect(row).to_contain_text("不得参与自评价报告编写")
        row.locator("input[name$='not_author']").check()
        row.locator("input[name$='not_interested']").check()
        shot(page, "evaluator-declares")
        row.locator("button[id^='accept-']").click()
        expect(page.locator("#cf-org")).to_have_text(APPLICANT_ORG)
        expect(page.locator("#cf-indicators")).to_contain_text("能源管控中心功能说明.pdf")
        page.set_input_files("#file", str(review_server["report_file"]))
        page.fill("#visited_on", beijing_today().isoformat())
        for number, weight in weights.items():
            page.fill(f"#report_score_{number}", f"{weight * 0.9:.2f}")
        shot(page, "evaluator-case-file-and-report")
        page.click("#file-report")
        expect(page.locator(".flash.info")).to_contain_text("评价报告已提交")
        expect(page.locator("#report-filed")).to_contain_text("90.00")
        expect(page.locator("#cf-report-link")).to_have_text("现场评价报告.pdf")
        page.click("#back-to-requests")
        expect(page.locator("#requests")).to_contain_text("报告已提交")
        shot(page, "evaluator-engagements")
        log_out(page)

        # -- the expert: lands on its reviews → the application beside the score form → scores → submits
        log_in(page, "zhuanjia")
        expect(page.locator("#my-assignments")).to_contain_text(REVIEWED_ORG)
        page.click("#my-assignments a")
        expect(page.locator("#cf-org")).to_have_text(REVIEWED_ORG)
        expect(page.locator("#cf-report-link")).to_have_text("宜昌第三方评价报告.pdf")
        expect(page.locator("#cf-visit")).to_have_text(beijing_today().isoformat())
        expect(page.locator("#cf-evaluator-total")).to_have_text("85.00")
        page.fill("#score_4", "4.5")
        expect(page.locator("#dev_4")).to_have_text("-1.50")  # against the self-score 6
        for number, weight in weights.items():
            page.fill(f"#score_{number}", f"{weight * 0.82:.2f}")
        expect(page.locator("#score-total")).to_have_text("82.00")
        page.fill("#comment", "现场评价报告与自评价基本一致，建议补充能源计量器具配备清单。")
        shot(page, "expert-reads-the-application-and-scores")
        page.click("#save-scores")
        expect(page.locator(".flash.info")).to_contain_text("评分已保存")
        page.click("#submit-scores")
        expect(page.locator("#assignment-status")).to_have_text("已提交")
        expect(page.locator("#no-others")).to_be_visible()
        shot(page, "expert-submitted")
        page.click("text=English")
        expect(page.locator("h1")).to_contain_text("Scoring")
        expect(page.locator("#case-file")).to_contain_text("Evaluator's total score")
        shot(page, "expert-in-english")
        page.click("text=中文")
        log_out(page)

    assert errors == []
    assert all(s.stat().st_size > 5000 for s in shots)
    from core.extensions import db
    from core.models import EvaluationReport, EvaluationRequest, ExpertAssignment

    with review_server["app"].app_context():
        request = db.session.query(EvaluationRequest).filter_by(application_id=review_server["draft"]).one()
        assert request.status == "accepted" and request.declarations["interested_party"] is False
        report = db.session.query(EvaluationReport).filter_by(application_id=review_server["draft"]).one()
        assert float(report.score) == 90.0 and report.visited_on == beijing_today() and report.pages == 9
        row = db.session.get(ExpertAssignment, review_server["assignment"])
        assert row.status == "submitted" and float(row.total) == 82.0 and row.comment.startswith("现场评价报告")


def test_the_public_browses_the_list_and_objects_on_a_running_notice(review_server, chromium):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = review_server["url"]
    with open_page(chromium) as (page, errors):
        page.goto(f"{base}/public/lists")
        page.select_option("#f-level", "provincial")
        page.select_option("#f-year", "2025")
        page.click("#filter")
        expect(page.locator("#list-entries")).to_contain_text("襄阳绿色建材有限公司")
        expect(page.locator("#list-entries")).to_contain_text("鄂经信节能〔2025〕88号")
        expect(page.locator("#list-count")).to_contain_text("2")
        page.screenshot(path=str(ARTIFACTS / "review-public-list.png"), full_page=True)
        page.goto(f"{base}/notices/{review_server['notice']}")
        expect(page.locator("#notice-end")).to_have_text(review_server["ends_on"].isoformat())
        page.fill("#name", "赵敏")
        page.fill("#contact", "13900000001")
        page.fill("#grounds", "该企业近三年发生过环境违法行为，请核实。")
        page.screenshot(path=str(ARTIFACTS / "review-public-notice.png"), full_page=True)
        page.click("#file-objection")
        expect(page.locator(".flash.info")).to_contain_text("异议已收到")
    assert errors == []
    from core.extensions import db
    from core.models import Objection

    with review_server["app"].app_context():
        assert db.session.query(Objection).one().name == "赵敏"
