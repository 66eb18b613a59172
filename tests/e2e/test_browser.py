"""A real browser (Playwright driving Debian's chromium) walks the enterprise part of the issue's
walk and the city recommendation on a live server, saving screenshots under test-artifacts/e2e/.

Recipe: ecosystem.md 4.5 (``executable_path="/usr/bin/chromium"``, no browser download).
Skipped only when chromium or Playwright is missing and CI is not set; under CI it fails.
"""
from __future__ import annotations

import datetime as dt
import io
import shutil

import pytest
from browser_kit import ARTIFACTS, open_page, serving

PASSWORD = "浏览器测试口令-绿色工厂2025"
CITY_PASSWORD = "city-password-2025"


def _pdf(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=300, height=300)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@pytest.fixture
def live_server(sqlite_template, tmp_path):
    from sqlalchemy import select
    from stdnum.cn import uscc

    from core import create_app
    from core.accounts import services as accounts
    from core.applications import services
    from core import clock
    from core.extensions import db
    from core.models import AdminUnit, Role
    from core.services.admin_units import sync_admin_units

    path = tmp_path / "e2e.sqlite3"
    shutil.copy(sqlite_template, path)
    # rate limits on, counted in this app's memory (a shared Redis would carry counts between runs)
    app = create_app({"GREENMFG_MFA_ROLES": [], "GREENMFG_RATELIMIT_STORAGE": "memory://", "SECRET_KEY": "e2e-secret", "GREENMFG_REGION": "hunan", "GREENMFG_RULES_YEAR": 2025,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "GREENMFG_EVIDENCE_DIR": str(tmp_path / "ev")})
    with app.app_context():
        sync_admin_units("e2e")
        db.session.flush()
        unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == "hunan.changsha"))
        accounts.create_user(username="changsha_city", password=CITY_PASSWORD, display_name="长沙市工业和信息化局",
                             role=Role.CITY, actor="e2e", admin_unit_id=unit.id)
        services.open_campaign(actor="e2e", year=2025, level="provincial", unit_types=["factory", "park"],
                               closes_at=clock.now() + dt.timedelta(days=30))
        db.session.commit()
    with serving(app) as base:
        body = "91430100" + "E2E00001".replace("E", "3") + "7"
        yield {"url": base, "app": app,
               "uscc": body + uscc.calc_check_digit(body)}


def test_enterprise_applies_and_city_recommends_in_a_browser(live_server, tmp_path, chromium):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = live_server["url"]
    shots = []

    def shot(page, name):
        target = ARTIFACTS / f"{len(shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(target), full_page=True)
        shots.append(target)

    with open_page(chromium) as (page, errors):
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))  # the app's own confirm dialog

        # -- the enterprise registers with its unified social credit code
        page.goto(f"{base}/register")
        expect(page.locator("h1")).to_contain_text("注册企业或园区账号")
        page.fill("#uscc", live_server["uscc"])
        page.fill("#org_name", "长沙浏览器测试化工有限公司")
        page.select_option("#admin_unit", "hunan.changsha")
        page.fill("#legal_representative", "李红梅")
        page.fill("#display_name", "王建国")
        page.fill("#username", "browser_ent")
        page.fill("#password", PASSWORD)
        page.fill("#password2", PASSWORD)
        shot(page, "register")
        page.click("#register-submit")
        expect(page).to_have_url(f"{base}/applications")
        expect(page.locator("h1")).to_contain_text("我的申报")
        shot(page, "my-applications")

        # -- starts a green-factory application and fills the Hunan form (附件1) with evidence
        page.click("button[data-start='factory']")
        expect(page.locator("h1")).to_contain_text("申报")
        page.fill("#contact_name", "王建国")
        page.fill("#contact_phone", "13800138000")
        page.fill("#address", "长沙市岳麓区麓谷大道1号")
        for box in page.locator("#negative-list input[type=radio][value=no]").all():  # 否: does not apply
            box.check()
        page.fill("#ind_1", "0.8")
        page.fill("#ind_3", "12.5")
        page.select_option("#ind_9", "yes")
        expect(page.locator("#live-total")).not_to_have_text("—")
        page.select_option("#ext_hunan__industry", "化工")
        page.select_option("#ext_hunan__modern_industry", "现代石化")
        page.fill("#ext_hunan__main_business", "精细化工产品的研发与生产")
        page.fill("#ext_hunan__enterprise_nature", "民营企业")
        page.fill("#ext_hunan__founded_on", "2010-05-01")
        page.check("input[name='ext_hunan__cp_mandatory_status'][value='已完成']")
        page.check("input[name='ext_hunan__cp_voluntary_status'][value='未完成']")
        page.check("input[name='ext_hunan__energy_diagnosis_status'][value='已完成']")
        page.fill("#ext_hunan__cp_audit_date", "2024-06-30")
        page.fill("#ext_hunan__products-0-name", "环氧树脂")
        page.fill("#ext_hunan__products-0-capacity", "5万吨")
        page.fill("#ext_hunan__energy_total", "1.2")
        page.fill("#ext_hunan__water_total", "30")
        for i, (year, assets, debt, revenue, profit, tax) in enumerate(
                [(2021, 5000, 40, 8000, 600, 200), (2022, 5500, 41, 8800, 650, 210), (2023, 6000, 39, 9500, 700, 230)]):
            for key, value in zip(("year", "total_assets", "debt_ratio", "revenue", "profit", "tax"),
                                  (year, assets, debt, revenue, profit, tax)):
                page.fill(f"#ext_hunan__finances-{i}-{key}", str(value))
        page.set_input_files("#ext_hunan__work_plan", files=[{"name": "创建工作方案.pdf", "mimeType": "application/pdf",
                                                              "buffer": _pdf(3)}])
        shot(page, "application-form")
        # let the live score (posted 400 ms after the last indicator input) answer and the page settle, as a
        # person would see it before clicking: its answer reflows the form under the pointer
        page.wait_for_timeout(600)
        page.wait_for_load_state("networkidle")
        page.focus("#save-draft")
        page.keyboard.press("Enter")  # the keyboard's way of pressing the button
        expect(page.locator(".flash.info")).to_contain_text("草稿已于")
        page.fill("#contact_email", "wang@example.com")  # typed, not saved: the upload saves it first
        page.select_option("#evidence-section", "indicator.1")
        page.set_input_files("#evidence-file", files=[{"name": "能耗统计表.pdf", "mimeType": "application/pdf",
                                               "buffer": _pdf(1)}])
        page.click("#upload-evidence")
        expect(page.locator(".flash.info").last).to_contain_text("能耗统计表.pdf")
        expect(page.locator("#contact_email")).to_have_value("wang@example.com")
        shot(page, "evidence")

        # -- reviews and submits; the application is then locked
        page.click("text=检查并提交")
        expect(page.locator("#eligibility")).to_be_visible()
        page.check("#confirm")
        page.click("#submit-application")
        expect(page.locator("#status")).to_have_text("已提交")
        expect(page.locator("#edit-link")).to_have_count(0)
        shot(page, "submitted")
        page.click("#logout-link")  # log out: the header links to the confirmation page
        page.click("#logout-form button")
        expect(page.locator("#logout-link")).to_have_count(0)

        # -- the city logs in, finds it in its queue and recommends it
        page.goto(f"{base}/login")
        page.fill("#username", "changsha_city")
        page.fill("#password", CITY_PASSWORD)
        with page.expect_navigation():  # the log-in's answer before the next step
            page.click("#login-submit")
        expect(page.locator("#queue")).to_contain_text("长沙浏览器测试化工有限公司")
        shot(page, "city-queue")
        page.click("#queue a")
        expect(page.locator("#recommend-form")).to_be_visible()
        page.check("input[name='consulted_departments'][value='ecology_environment']")
        if page.locator("#acknowledge_warnings").count():
            page.check("#acknowledge_warnings")
        shot(page, "city-review")
        page.check("#recommend-confirm")
        page.click("#recommend")
        expect(page.locator("#status")).to_have_text("市州已推荐")
        shot(page, "recommended")
        page.goto(f"{base}/city/recommended")
        expect(page.locator("table.ranked").first).to_contain_text("长沙浏览器测试化工有限公司")
        shot(page, "city-ranked")

    assert errors == [] and dialogs == ["此操作不能撤销。确定继续吗？"] * 2
    assert all(s.stat().st_size > 5000 for s in shots)
    from sqlalchemy import func, select

    from core.extensions import db
    from core.models import Application, Evidence

    with live_server["app"].app_context():
        a = db.session.scalars(select(Application)).one()
        assert a.status.value == "city_recommended" and a.extension_data["hunan.main_business"] == "精细化工产品的研发与生产"
        assert db.session.scalar(select(func.count(Evidence.id))) == 2
