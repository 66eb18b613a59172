"""Every role, in a real browser (Playwright driving Debian's chromium) on a live Hubei server, starts from its home
page and completes its main task by clicking (the log-in page is the one address typed; typing goes into form
fields only): the applicant completes and submits its draft; the city examines that application and returns it for
correction; the province records a panel's result; the expert scores its assignment; the evaluator firm accepts a
request; the ministry reads the national candidates a province sent; the admin opens an account for a city
officer. Screenshots go to test-artifacts/e2e/roles-*.png.

A real SMTP server (aiosmtpd) receives what the journey should send: the applicant turns on e-mail in its inbox
settings (clicking), then gets the city's return in Chinese; the city, whose settings ask for English, gets the
applicant's submission in English; nobody else asked for e-mail, so nothing else is sent.

The round is tests/web/home_world.py (Hubei, with the seed numbers it cites); the firm's report and the second
panel are added here, as earlier steps of the round would leave them.
"""
from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import pytest
from browser_kit import ARTIFACTS, open_page, serving

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "notifications"))
from mail_kit import settle, smtp_server  # noqa: E402
from home_world import (
    APPLICANT_ORG,
    LISTED_ORG,
    PASSWORD,
    REVIEWED_ORG,
    USERS,
    seed,
)

ASKING_ORG = "武汉委托评价机械有限公司"
APPLICANT_MAIL, CITY_MAIL = "wang@example.cn", "wuhan-bureau@example.cn"


def _pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    writer, buf = PdfWriter(), io.BytesIO()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.write(buf)
    return buf.getvalue()


@pytest.fixture
def mailbox():
    with smtp_server() as box:
        yield box


@pytest.fixture
def roles_server(sqlite_template, tmp_path, mailbox):
    import kit
    from sqlalchemy import select

    from core import create_app
    from core.extensions import db
    from core.clock import today
    from core.models import AdminUnit, Application, EvaluationRequest, User
    from core.models import ApplicationStatus as S
    from core.review import evaluators, experts, reports

    path = tmp_path / "roles.sqlite3"
    shutil.copy(sqlite_template, path)
    app = create_app({"GREENMFG_MFA_ROLES": [], "GREENMFG_RATELIMIT_STORAGE": "memory://", "SECRET_KEY": "e2e-roles",
                      "GREENMFG_REGION": "hubei", "GREENMFG_RULES_YEAR": 2025, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "GREENMFG_REVIEW_MIN_EXPERTS": 1, "GREENMFG_EVIDENCE_DIR": str(tmp_path / "evidence"),
                      "GREENMFG_JOBS_BACKEND": "thread", "GREENMFG_SMTP_HOST": "127.0.0.1",
                      "GREENMFG_SMTP_PORT": mailbox.port, "GREENMFG_SMTP_FROM": "noreply@greenmfg.example.cn"})
    ids = seed(app)
    with app.app_context():
        firm_user = db.session.scalar(select(User).where(User.username == USERS["evaluator"]))
        # the applicant's firm accepted and filed its on-site report: the draft may be submitted
        request = db.session.get(EvaluationRequest, ids["request"])
        evaluators.accept_request(firm_user, request, wrote_self_evaluation=False, interested_party=False)
        draft = db.session.get(Application, ids["draft"])
        weights = {int(i["number"]): i["weight"] for i in reports.indicator_items(draft)}
        reports.file_report(firm_user, request, _pdf(10), "第三方评价报告.pdf",
                            scores={str(k): round(w * 0.85, 2) for k, w in weights.items()}, visited_on=today())
        # another unit asks the firm: the request the firm decides in the browser
        wuhan = db.session.scalar(select(AdminUnit).where(AdminUnit.code == "hubei.wuhan"))
        campaign = draft.campaign
        asking = kit.application(campaign, wuhan, org=kit.organization(wuhan, ASKING_ORG), status=S.DRAFT)
        evaluators.request_evaluation(kit.user(kit.Role.APPLICANT, organization_id=asking.organization_id), asking,
                                      request.firm, asking.organization.uscc)
        # the second panel has scored: the province records its result
        listed = db.session.scalar(select(Application).join(Application.organization)
                                   .where(kit.Organization.name == LISTED_ORG))
        other = experts.add_expert("e2e", username="home_expert2", password=PASSWORD, name="李评审",
                                   admin_unit_code="hubei.jingzhou", fields=["factory"])
        row = experts.assign("e2e", listed, other)
        experts.save_scores(other.user, row, {str(k): round(w * 0.8, 2) for k, w in weights.items()})
        experts.submit_scores(other.user, row)
        db.session.commit()
        ids.update(listed=listed.id, weights=weights)
    # what the round before the journey sent (an objection the city received...) reaches inboxes only: the
    # deliveries end before the city gives its address (on a loaded machine one ran after, and mailed the city)
    settle(app)
    with app.app_context():
        # the city bureau reads its e-mail in English (the applicant turns its e-mail on in the browser)
        from core.notifications.service import save_setting

        city_user = db.session.scalar(select(User).where(User.username == USERS["city"]))
        save_setting(city_user, email=CITY_MAIL, phone=None, by_email=True, by_sms=False, language="en")
        db.session.commit()
    settle(app)
    with serving(app) as base:
        yield {"url": base, "app": app, **ids}


def test_every_role_starts_from_its_home_page_and_does_its_main_task_by_clicking(roles_server, mailbox, chromium):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = roles_server["url"]
    shots = []

    def shot(page, name):
        target = ARTIFACTS / f"roles-{len(shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(target), full_page=True)
        shots.append(target)

    def log_in(page, role):
        page.goto(f"{base}/login")
        page.fill("#username", USERS[role])
        page.fill("#password", PASSWORD)
        with page.expect_navigation():  # the log-in's answer before the next step
            page.click("#login-submit")
        page.click("header >> text=首页")  # the header's home link: its to-do list
        expect(page.locator("#todo-title")).to_contain_text("待办事项")

    def log_out(page):
        page.click("#logout-link")
        page.click("#logout-form button")
        expect(page.locator("#logout-link")).to_have_count(0)

    with open_page(chromium) as (page, errors):
        page.on("dialog", lambda d: d.accept())  # the app's own "cannot be undone" dialog

        # -- the applicant: its draft on the home page → the form → declarations → save → check → submit
        log_in(page, "applicant")
        # its correction past the city's window says so (not 逾期, as if it could still be done: issue 61)
        expect(page.locator("#todo-applications")).to_contain_text("未在规定日期前重新提交")
        shot(page, "applicant-home")
        # its inbox settings: e-mail on, to its address
        page.click("#nav-inbox")
        page.click("#inbox-settings")
        page.fill("#email", APPLICANT_MAIL)
        page.check("#by_email")
        page.click("#settings-form button[type=submit]")
        expect(page.locator(".flash.info")).to_contain_text("已保存")
        page.click("header >> text=首页")
        page.locator("#todo-applications a", has_text="完善并提交草稿").click()
        page.fill("#contact_name", "王建国")
        page.fill("#contact_phone", "13800138000")
        for box in page.locator("#negative-list input[type=radio][value=no]").all():  # 否: does not apply
            box.check()
        page.wait_for_timeout(600)
        page.wait_for_load_state("networkidle")
        page.click("#save-draft")
        expect(page.locator(".flash.info")).to_contain_text("草稿已于")
        page.click("text=检查并提交")
        expect(page.locator("#eligibility")).to_be_visible()
        shot(page, "applicant-checks")
        page.check("#confirm")
        page.click("#submit-application")
        expect(page.locator("#status")).to_have_text("已提交")
        log_out(page)

        # -- the city: the queue on its home page → the application → returns it with a 7-day window
        log_in(page, "city")
        expect(page.locator("#todo-city-review")).to_contain_text("已用 0 / 21")  # 002 附件3 武汉市 × 绿色工厂
        shot(page, "city-home")
        page.locator("#todo-city-review a", has_text=APPLICANT_ORG).first.click()  # the one just submitted
        page.fill("#reason", "请补充能源管理体系认证证书。")
        shot(page, "city-returns")
        page.check("#return-confirm")
        page.click("#return")
        expect(page.locator("#return-reason")).to_contain_text("请补充能源管理体系认证证书。")
        log_out(page)

        # -- the province: the panels on its home page → the queue → the scored application → the result
        log_in(page, "province")
        shot(page, "province-home")
        page.locator("#todo-panels a").first.click()
        page.locator("tr", has_text=LISTED_ORG).locator("a").first.click()
        page.click("#grade")
        expect(page.locator(".flash.info")).to_contain_text("评审结果已记录")
        shot(page, "province-graded")
        log_out(page)

        # -- the expert: its assignment on the home page → the score form → scores → submits
        log_in(page, "expert")
        page.locator("#todo-assignments a", has_text=REVIEWED_ORG).click()
        expect(page.locator("#cf-org")).to_have_text(REVIEWED_ORG)
        for number, weight in roles_server["weights"].items():
            page.fill(f"#score_{number}", f"{weight * 0.9:.2f}")
        page.click("#save-scores")
        expect(page.locator(".flash.info")).to_contain_text("评分已保存")
        page.click("#submit-scores")
        expect(page.locator("#assignment-status")).to_have_text("已提交")
        shot(page, "expert-submitted")
        log_out(page)

        # -- the evaluator firm: the request on its home page → declares its independence → accepts
        log_in(page, "evaluator")
        shot(page, "evaluator-home")
        page.locator("#todo-engagements a", has_text=ASKING_ORG).click()
        row = page.locator("#requests tr", has_text=ASKING_ORG)
        row.locator("input[name$='not_author']").check()
        row.locator("input[name$='not_interested']").check()
        row.locator("button[id^='accept-']").click()
        expect(page.locator("#cf-org")).to_have_text(ASKING_ORG)
        shot(page, "evaluator-accepted")
        log_out(page)

        # -- the ministry: the province's recommendation on its home page → the imported candidates
        log_in(page, "ministry")
        page.locator("#todo-imports a", has_text="湖北省").click()
        expect(page.locator("#imports")).to_contain_text("湖北省")
        shot(page, "ministry-candidates")
        log_out(page)

        # -- the admin: the campaigns on its home page; administration → accounts → a city officer's account
        log_in(page, "admin")
        expect(page.locator("#todo-campaigns")).to_contain_text("补充申报")
        shot(page, "admin-home")
        page.click("#nav-admin")
        page.locator("#admin-sections a").first.click()
        page.click("#new-account")
        page.select_option("#role", "city")
        page.fill("#username", "wuhan_clerk2")
        page.fill("#display_name", "武汉市经信局 张科员")
        page.select_option("#admin_unit_id", label="武汉市")
        page.click("#account-form button[type=submit]")
        expect(page.locator("#account-done")).to_contain_text("wuhan_clerk2")
        shot(page, "admin-account-opened")
        page.click("text=English")
        page.click("header >> text=Home")
        expect(page.locator("#todo-title")).to_contain_text("What is due")
        shot(page, "admin-home-english")
        page.click("text=中文")
        log_out(page)

    assert errors == []
    assert all(s.stat().st_size > 5000 for s in shots)
    # the e-mails: the submission to the city in English, the return to the applicant in Chinese, nothing else
    settle(roles_server["app"], mailbox, expected=2)
    assert sorted(rcpt[0] for rcpt, _ in mailbox.received) == sorted([APPLICANT_MAIL, CITY_MAIL]), [
        (rcpt, mail["Subject"]) for rcpt, mail in mailbox.received]
    (to_city,), (to_applicant,) = mailbox.to(CITY_MAIL), mailbox.to(APPLICANT_MAIL)
    assert "submitted its application" in to_city["Subject"] and APPLICANT_ORG in to_city["Subject"]
    assert "退回" in to_applicant["Subject"] and "请补充能源管理体系认证证书。" in to_applicant.get_content()
    from core.extensions import db
    from core.models import Application, EvaluationRequest, ExpertAssignment

    with roles_server["app"].app_context():
        assert db.session.get(Application, roles_server["draft"]).status == "returned"  # submitted, then returned
        assert db.session.get(Application, roles_server["queued"]).status == "submitted"
        assert db.session.get(Application, roles_server["listed"]).status == "graded"
        assert db.session.get(ExpertAssignment, roles_server["assignment"]).status == "submitted"
        asked = db.session.query(EvaluationRequest).filter(EvaluationRequest.id != roles_server["request"]).one()
        assert asked.status == "accepted"
