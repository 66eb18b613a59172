"""A real browser (Playwright driving Debian's chromium) on a live Shanxi server: an expert scores an
application indicator by indicator, seeing the deviation from the self-score as they type, and
submits; the public browses the published list and files an objection on a running notice without
logging in. Screenshots go to test-artifacts/e2e/review-*.png.

Numbers: MIIT factory table (001_3f04a56fc6693327.txt 附件1): #4 weighs 6 and the self-evaluation's 8
platform functions score 6; Shanxi notice 10 working days (004_7a8ddd82f611ab67.txt 第十三条).
"""
from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import pytest
from browser_kit import ARTIFACTS, open_page, require_browser, serving

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py

PASSWORD = "专家浏览器测试口令-2025"




@pytest.fixture
def review_server(sqlite_template, tmp_path):
    import kit
    from sqlalchemy import select

    from core import create_app
    from core.extensions import db
    from core.lists import notices
    from core.models import AdminUnit, ApplicationStatus as S
    from core.review import experts
    from core.services.admin_units import sync_admin_units

    path = tmp_path / "review.sqlite3"
    shutil.copy(sqlite_template, path)
    # rate limits on, counted in this app's memory (a shared Redis would carry counts between runs)
    app = create_app({"GREENMFG_MFA_ROLES": [], "GREENMFG_RATELIMIT_STORAGE": "memory://", "SECRET_KEY": "e2e-review", "GREENMFG_REGION": "shanxi", "GREENMFG_RULES_YEAR": 2025,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "GREENMFG_REVIEW_MIN_EXPERTS": 1})
    with app.app_context():
        sync_admin_units("e2e")
        unit = {u.code: u for u in db.session.scalars(select(AdminUnit))}
        c = kit.campaign("shanxi", year=2025)
        scored = kit.application(c, unit["shanxi.taiyuan"], org=kit.organization(unit["shanxi.taiyuan"],
                                                                                    "太原浏览器绿色工厂有限公司"))
        expert = experts.add_expert("e2e", username="expert_wang", password=PASSWORD, name="王专家",
                                    admin_unit_code="shanxi.datong", fields=["factory"])
        experts.assign("e2e", scored, expert)
        # a published provincial list and a notice that is running today
        listed = [kit.application(c, unit[code], org=kit.organization(unit[code], name), status=S.GRADED)
                  for code, name in (("shanxi.datong", "大同绿色建材有限公司"), ("shanxi.jinzhong", "晋中绿色化工有限公司"))]
        done = notices.open_notice("e2e", level="provincial", year=2025, starts_on=dt.date(2025, 9, 26),
                                   application_ids=[a.id for a in listed], at=kit.beijing(dt.date(2025, 9, 26), 9))
        notices.publish("e2e", done, document_no="晋工信节能函〔2025〕88号", published_on=dt.date(2025, 10, 20),
                        at=kit.beijing(dt.date(2025, 10, 16)))
        running_app = kit.application(c, unit["shanxi.changzhi"],
                                      org=kit.organization(unit["shanxi.changzhi"], "长治公示中装备有限公司"), status=S.GRADED)
        running = notices.open_notice("e2e", level="provincial", year=2025, starts_on=dt.date.today(),
                                      application_ids=[running_app.id])
        db.session.commit()
        ids = {"assignment": experts.assignments(scored)[0].id, "notice": running.id, "ends_on": running.ends_on}
    with serving(app) as base:
        yield {"url": base, "app": app, **ids}


def test_expert_scores_in_a_browser_and_the_public_browses_the_list(review_server):
    require_browser()
    import kit
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = review_server["url"]
    shots = []

    def shot(page, name):
        target = ARTIFACTS / f"review-{len(shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(target), full_page=True)
        shots.append(target)

    with sync_playwright() as p:
        browser, page, errors = open_page(p)

        # -- the expert logs in and opens the assignment
        page.goto(f"{base}/login")
        page.fill("#username", "expert_wang")
        page.fill("#password", PASSWORD)
        page.click("#login-submit")
        page.goto(f"{base}/expert")
        expect(page.locator("#my-assignments")).to_contain_text("太原浏览器绿色工厂有限公司")
        page.click("#my-assignments a")
        expect(page.locator("h1")).to_contain_text("专家评分")

        # -- the deviation from the self-score appears as the expert types (#4: self-score 6)
        page.fill("#score_4", "4.5")
        expect(page.locator("#dev_4")).to_have_text("-1.50")
        for number, value in kit.scores_for(82).items():
            page.fill(f"#score_{number}", str(value))
        expect(page.locator("#score-total")).to_have_text("82.00")
        expect(page.locator("#dev_13")).to_have_text("+6.56")  # 8 × 0.82 against a self-score of 0
        # over the four indicators the applicant scored: 4.92−6, 4.92−6, 6.56−8, 6.56−0
        expect(page.locator("#deviation-total")).to_have_text("+2.96")
        page.fill("#comment", "自评价资料基本齐全，建议补充能源计量器具配备清单。")
        shot(page, "expert-scoring")
        page.click("#save-scores")
        expect(page.locator(".flash.info")).to_contain_text("评分已保存")
        page.click("#submit-scores")
        expect(page.locator("#assignment-status")).to_have_text("已提交")
        expect(page.locator("#no-others")).to_be_visible()
        expect(page.locator("#score-table")).to_contain_text("82.00")
        shot(page, "expert-submitted")
        page.click("#logout-link")  # log out: the header links to the confirmation page
        page.click("#logout-form button")
        expect(page.locator("#logout-link")).to_have_count(0)

        # -- anyone browses the published list, filtered by level and year
        page.goto(f"{base}/public/lists")
        page.select_option("#f-level", "provincial")
        page.select_option("#f-year", "2025")
        page.click("#filter")
        expect(page.locator("#list-entries")).to_contain_text("大同绿色建材有限公司")
        expect(page.locator("#list-entries")).to_contain_text("晋工信节能函〔2025〕88号")
        expect(page.locator("#list-count")).to_contain_text("2")
        shot(page, "public-list")

        # -- and files a real-name objection on the running notice
        page.goto(f"{base}/notices/{review_server['notice']}")
        expect(page.locator("#notice-end")).to_have_text(review_server["ends_on"].isoformat())
        page.fill("#name", "赵敏")
        page.fill("#contact", "13900000001")
        page.fill("#grounds", "该企业近三年发生过环境违法行为，请核实。")
        shot(page, "public-notice")
        page.click("#file-objection")
        expect(page.locator(".flash.info")).to_contain_text("异议已收到")
        browser.close()

    assert errors == []
    assert all(s.stat().st_size > 5000 for s in shots)
    from core.extensions import db
    from core.models import ExpertAssignment, Objection

    with review_server["app"].app_context():
        row = db.session.get(ExpertAssignment, review_server["assignment"])
        assert row.status == "submitted" and float(row.total) == 82.0 and row.comment.startswith("自评价资料")
        assert db.session.query(Objection).one().name == "赵敏"
