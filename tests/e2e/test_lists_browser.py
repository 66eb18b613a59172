"""A real browser (Playwright driving Debian's chromium) publishes the Hunan demo's provincial list by
clicking only (issue 15): the province signs in, goes from the header to public notices, then to *Lists
by decision*, where the rule shown is Hunan's (000_5ae1342e00264ea1.txt 二.4: 发布…创建计划, a decision, no
notice), ticks the graded units, enters the decision's 文号 and publishes; the published list shows them.
A screenshot of each step is saved under test-artifacts/e2e/.
"""
from __future__ import annotations

import shutil

import pytest
from browser_kit import ARTIFACTS, open_page, serving


@pytest.fixture
def hunan_demo(sqlite_template, tmp_path):
    from core import create_app
    from core.lists.history import import_history
    from core.cli.demo_data import load_demo

    path = tmp_path / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    app = create_app({"GREENMFG_MFA_ROLES": [], "GREENMFG_RATELIMIT_STORAGE": "memory://", "SECRET_KEY": "e2e-lists",
                      "GREENMFG_REGION": "hunan", "GREENMFG_RULES_YEAR": 2025,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        load_demo(2025, iter, import_history)
    with serving(app) as base:
        yield base


def test_the_province_publishes_the_hunan_demos_provincial_list_by_clicking(hunan_demo, chromium):
    from playwright.sync_api import expect

    from core.cli.demo_data import DEMO_PASSWORD

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with open_page(chromium) as (page, errors):
        page.goto(hunan_demo + "/")
        page.click("header >> text=登录")
        page.fill("#username", "province")
        page.fill("#password", DEMO_PASSWORD)
        with page.expect_navigation():  # the log-in's answer before the next step
            page.click("#login-submit")
        page.click("header >> text=公示")
        page.click("#review-nav >> text=发文公布名单")
        expect(page.locator("#publication-rule")).to_contain_text("发布2024年度湖南省绿色制造体系创建计划")
        page.screenshot(path=str(ARTIFACTS / "lists-01-decision-form.png"), full_page=True)
        boxes = page.locator("#decision-form input[type=checkbox]")
        assert boxes.count() >= 1
        for i in range(boxes.count()):
            boxes.nth(i).check()
        page.fill("#document_no", "湘工信节能〔2025〕120号")
        page.click("#publish-decision")
        expect(page.locator(".flash.info")).to_contain_text("湘工信节能〔2025〕120号")
        expect(page.locator("table")).to_contain_text("湘工信节能〔2025〕120号")
        page.screenshot(path=str(ARTIFACTS / "lists-02-published.png"), full_page=True)
    assert not errors
