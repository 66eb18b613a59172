"""Hubei's 三年一复核 by clicking (issue 61; 002_9c75e1d2ebfbdf50.txt 三(六)): 市级经信部门组织……现场复核，将复核结果
……报送省经信厅。省经信厅组织专家……对市州上报的复核资料进行技术评审，并将复核意见反馈工信部.

From the city's on-site review (复核通过) to the province's experts and their opinion, in the signed file to MIIT.
The demo has no re-review due on its date: the setup opens one for a listed unit and readies the year's
recommendation (a graded factory, the departments consulted) through the services; the rest is clicked.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.browser_kit import open_page, require_browser, serving
from tests.e2e.test_round_walk import Walk, load

OPINION = "专家组技术评审：现场复核资料齐全，能耗与排放指标持续满足绿色工厂评价要求，同意复核通过。"


def _prepare(app) -> dict:
    from sqlalchemy import select

    from core.clock import today
    from core.extensions import db
    from core.lists import recommend
    from core.management import rereviews
    from core.models import Application, ApplicationStatus, ExpertProfile, ListEntry, Organization, ReReview, User

    with app.app_context():
        year = today().year
        city = db.session.scalar(select(User).where(User.username == "city"))
        entry = db.session.scalars(select(ListEntry).join(Organization, Organization.id == ListEntry.organization_id)
                                   .where(ListEntry.status == "listed", ListEntry.year < year,
                                          Organization.admin_unit_id == city.admin_unit_id)
                                   .order_by(ListEntry.id)).first()
        org = db.session.get(Organization, entry.organization_id)
        review = ReReview(organization_id=org.id, unit_type=entry.unit_type, admin_unit_id=org.admin_unit_id,
                          cycle_year=year, listed_year=entry.year, levels=[entry.level],
                          basis=rereviews.cycle().code, status="due")
        db.session.add(review)
        experts = db.session.scalars(select(ExpertProfile).where(ExpertProfile.active)).all()
        graded = db.session.scalars(select(Application).where(Application.status == ApplicationStatus.GRADED)
                                    .order_by(Application.id)).first()
        rec = recommend.recommendation_for(year, "province", create=True)
        recommend.set_consulted("province", rec, ["ecology_environment", "emergency_management",
                                                  "market_regulation"])
        recommend.add("province", rec, graded, acknowledge_warnings=True)
        db.session.commit()
        out = {"year": year, "name": org.name, "uscc": org.uscc, "experts": len(experts),
               "today": today().isoformat()}
        db.session.remove()
        return out


def _open_rereviews(w) -> None:
    """From the to-do page's menu: 名单内单位 → 复核 (this year's re-reviews, the year the page opens on)."""
    w.click("header a", has_text="名单内单位")
    w.click("main a[href*='/management/rereviews']")


def test_hubei_re_review_goes_from_the_city_to_the_province_opinion_in_the_file_to_miit(make_app, tmp_path,
                                                                                        chromium):
    require_browser()
    app = load(make_app, tmp_path, "hubei")
    setup = _prepare(app)
    assert setup["experts"] >= 2
    with serving(app) as base, open_page(chromium) as (page, errors):
        w = Walk(page, base, app, "hubei")
        # the city: schedules the on-site review, then records 复核通过
        w.log_in("city")
        _open_rereviews(w)
        row = page.locator("#rereviews tr", has_text=setup["name"])
        row.locator("input[name=scheduled_on]").fill(f"{setup['year']}-12-30")
        w.press(row.locator("button", has_text="安排"))
        row = page.locator("#rereviews tr", has_text=setup["name"])
        row.locator("input[name=passed][value=yes]").check()
        row.locator("input[name=note]").fill("现场复核通过：主要生产线运行正常，台账完整")
        w.press(row.locator("button", has_text="记录"))
        w.expect_flash("已记录")
        # the province: draws two experts from the pool, records their opinion
        w.log_in("province")
        _open_rereviews(w)
        row = page.locator("#rereviews tr", has_text=setup["name"])
        row.locator("input[name=count]").fill("2")
        w.press(row.locator("button", has_text="抽取专家"))
        w.expect_flash("专家已抽取")
        row = page.locator("#rereviews tr", has_text=setup["name"])
        row.locator("textarea[name=note]").fill("太短")
        row.locator("input[name=opinion][value=passed]").check()
        row.locator("textarea[name=note]").fill(OPINION)
        w.press(row.locator("button", has_text="记录复核意见"))
        w.expect_flash("已记录")
        assert OPINION in page.locator("#rereviews").inner_text()
        # the year's file to MIIT carries the opinion
        w.home()
        w.click("#todo-recommendation a")
        w.click("#export")
        w.expect_flash("已签名导出")
        with page.expect_download() as download:
            w.click("main a", has_text="JSON", opens_page=False)
        document = json.loads(Path(download.value.path()).read_bytes())
        assert document["re_reviews"] == [{
            "uscc": setup["uscc"], "name": setup["name"], "unit_type": document["re_reviews"][0]["unit_type"],
            "cycle_year": setup["year"], "city_result": "passed", "city_note": "现场复核通过：主要生产线运行正常，台账完整",
            "opinion": "passed", "opinion_note": OPINION, "experts": 2,
            "reviewed_on": setup["today"], "opinion_on": setup["today"]}]
        assert errors == []
