"""The stage before a list walked by clicking (issue 53): Shanxi's 培育库 (seed 004_7a8ddd82f611ab67.txt 第七条:
省工业和信息化厅将具备培育条件且有提升潜力的企业、工业园区列为培育对象) on the training demo at today's date.

The province's staff, from the to-do page's menu (培育库与创建计划), put a demo unit that is on no list into the pool
with the decision that does it and the date by which the decision asks it to complete its creation; the unit is
listed in the pool with that date. Recognition (认定) onto the provincial list waits for the review and the
10-working-day public notice of 第十三条: asked at once, it is refused with that reason.
"""
from __future__ import annotations

import pytest
from browser_kit import open_page, serving
from test_round_walk import Walk, load


@pytest.fixture
def walk(make_app, tmp_path, chromium):
    app = load(make_app, tmp_path, "shanxi")
    with serving(app) as base, open_page(chromium) as (page, errors):
        yield Walk(page, base, app, "shanxi")
        assert errors == []


def _unlisted_factory(app) -> tuple[str, str]:
    """A demo factory on no list and in no stage (its credit code and name), as the province looks it up."""
    from sqlalchemy import select

    from core.extensions import db
    from core.models import Application, ListEntry, Organization

    with app.app_context():
        entered = select(ListEntry.organization_id)
        org = db.session.scalars(select(Organization).join(Application, Application.organization_id == Organization.id)
                                 .where(Application.unit_type == "factory", Organization.id.not_in(entered))
                                 .order_by(Organization.id)).first()
        return org.uscc, org.name


def test_the_province_puts_a_unit_into_its_pool_by_clicking_and_recognition_waits_for_the_notice(walk):
    from playwright.sync_api import expect

    w, page = walk, walk.page
    uscc, name = _unlisted_factory(w.app)
    w.log_in("province")
    w.click("header a[href$='/review']")  # 专家评审, whose section menu holds the stage's page
    w.click("#review-nav a", has_text="培育库与创建计划")
    expect(page.locator("h1")).to_contain_text("培育")
    page.fill("#uscc", uscc)
    page.select_option("#unit_type", "factory")
    page.select_option("#level", "provincial")
    page.fill("#placed_on", "2026-11-20")
    page.fill("#document_no", "晋工信节能函〔2026〕17号")
    page.fill("#complete_by", "2028-11-30")
    w.click("#stage-add")
    w.expect_flash(name)
    row = page.locator("#stage-members tr", has_text=name)
    expect(row).to_contain_text("2028-11-30")
    expect(row).to_contain_text("晋工信节能函〔2026〕17号")
    # recognition onto the provincial list waits for the review and the public notice (第十三条)
    w.click("#review-nav a", has_text="认定")
    form = page.locator("#recognize-form")
    form.locator("#document_no").fill("晋工信节能函〔2026〕18号")
    form.locator("label", has_text=name).locator("input").check()
    w.press(page.locator("#recognize"))
    text = " ".join(page.locator(".flash").all_inner_texts())
    assert "公示" in text and "第十三条" in text, text
