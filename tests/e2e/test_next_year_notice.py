"""Next year's round opened from its notice by clicking (issue 53, the first item of "Done when").

Debian's chromium (Playwright) on each region's training demo at today's date (the training clock at the real date):
the province's staff, from the to-do page's menu, open 申报批次 → 从申报通知开启批次, start from the demo's 2026 round
(opened from its notice: core/cli/demo_data.py ``_record_notice``) and enter a made-up 2027 notice (示范厅〔2026〕…号,
no real document) that

* dates the cities' step (where the region has cities: Hunan 000 二.3 and Jiangxi 003 一 dated it only for their
  own rounds, Hubei 002 三(四) never; Shanxi 004 第十三条 dates it yearly and the notice moves it) on 2027-06-30 and the
  province's report to the Ministry (办法 第十二条: 07-31) on 2027-08-14;
* switches one condition on and one off, sets a city's quota (3 factories), an evaluator cap (5 projects of the
  round's level a year: under the Ministry's 15, 001 附件1 三 / 003 二（四）) and the public notice (7 working days);

then the services are held to each at its boundary in the round the clicks opened: the city's step at 23:59:59 vs
00:00:00, the quota at 3 vs 4, the firm at 5 vs 6 projects, the condition on and off, the notice's length.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from browser_kit import open_page, serving
from test_round_walk import Walk, load, pdf_file

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py
import kit  # noqa: E402

NUMBER = "示范厅节能〔2026〕88号"
TITLE = "关于开展2027年度绿色制造名单申报工作的通知"
REGIONS = ["hunan", "hubei", "jiangxi", "shanxi", "national"]


def _choices(app):
    """What the made-up notice sets, from the region's rules as the round the clicks open has them: the city step,
    the unit and unit type of the quota, the condition switched on and the one set aside."""
    from sqlalchemy import select

    from core.extensions import db
    from core.kernel.rules import region_rules
    from core.models import AdminUnit, Campaign
    from core.plugins.types import Level

    with app.app_context():
        rules = region_rules()
        last = db.session.scalars(select(Campaign).where(Campaign.notice_no.is_not(None))
                                  .order_by(Campaign.year.desc(), Campaign.id)).first()
        level, types = last.level, list(last.unit_types)
        city_step = next((d.code for d in rules.deadlines.values() if d.actor == "city"
                          and any(d.applies(t, level) for t in types)), None)
        unit = db.session.scalars(select(AdminUnit.code).where(AdminUnit.region == rules.region_code,
                                                               AdminUnit.active).order_by(AdminUnit.id)).first()
        offered = sorted((r for r in rules.eligibility_rules.values()
                          if any(r.applies(t, Level(level)) for t in types)), key=lambda r: r.code)
        # a province sets aside one of its own conditions (the Ministry's stand), the Ministry one of its own; the
        # factory's where it has one (the services are asked of the type the condition concerns)
        own = [r for r in offered if r.source == rules.region_code]
        off = next((r for r in own if r.applies("factory", Level(level))), own[0])
        on = next((r for r in offered if r is not off and not r.applies(None, None, 2027)),
                  next(r for r in offered if r is not off))
        kind = lambda r: next(t for t in ("factory", *types) if r.applies(t, Level(level)))  # noqa: E731
        publication = rules.publication(Level(level), 2027).procedure.value
        return {"level": level, "types": types, "last": last.year, "city_step": city_step, "unit": unit,
                "on": (on.code, kind(on)), "off": (off.code, kind(off)), "public_notice": publication == "notice"}


@pytest.fixture
def walk(make_app, tmp_path, chromium, request):
    app = load(make_app, tmp_path, request.param)
    with serving(app) as base, open_page(chromium) as (page, errors):
        yield Walk(page, base, app, request.param)
        assert errors == []


@pytest.mark.parametrize("walk", REGIONS, indirect=True)
def test_next_years_round_is_opened_from_its_notice_by_clicking_and_held_to_it(walk):
    from playwright.sync_api import expect

    w, page = walk, walk.page
    chosen = _choices(w.app)
    assert chosen["last"] == 2026
    w.log_in("province")
    w.click("header a[href$='/province/campaigns']")
    w.click("#open-from-notice")
    expect(page.locator("#round-steps")).to_be_visible()
    w.click("a.copy-round", has_text="2026")
    expect(page.locator("#year")).to_have_value("2027")  # next year's, from last year's notice
    page.fill("#notice_no", NUMBER)
    page.fill("#notice_title", TITLE)
    page.fill("#notice_issuer", "示范省工业和信息化厅")
    page.fill("#notice_issued_on", "2026-11-20")
    page.set_input_files("#file", pdf_file("2027年度通知.pdf"))
    page.fill("#closes_at", "2027-05-31T17:00")
    row = 1
    if chosen["city_step"]:
        page.select_option("#deadline_1", chosen["city_step"])
        page.fill("#deadline_day_1", "2027-06-30")
        page.fill("#deadline_article_1", "三")
        row = 2
    page.select_option(f"#deadline_{row}", "province_recommendation")
    page.fill(f"#deadline_day_{row}", "2027-08-14")
    page.fill(f"#deadline_article_{row}", "四")
    for n in range(row + 1, 6):  # rows the copy prefilled that this notice does not set
        page.select_option(f"#deadline_{n}", "")
        page.fill(f"#deadline_day_{n}", "")
    page.select_option("#quota_unit_1", chosen["unit"])
    page.select_option("#quota_type_1", "factory")
    page.fill("#quota_places_1", "3")
    page.select_option("#condition_1", chosen["on"][0])
    page.select_option("#condition_switch_1", "on")
    page.select_option("#condition_2", chosen["off"][0])
    page.select_option("#condition_switch_2", "off")
    page.fill("#evaluator_cap", "5")
    if chosen["public_notice"]:  # a list published by a decision has no public notice to set (Hunan 000 二.4)
        page.fill("#notice_period", "7")
    w.click("#open-round")
    w.expect_flash("已依据通知开启批次")
    expect(page.locator("h1")).to_contain_text(TITLE)
    steps = page.locator("#round-deadlines").inner_text()
    assert "2027-08-14" in steps and NUMBER in steps, steps
    if chosen["city_step"]:
        assert "2027-06-30" in steps, steps
    assert "未设定" not in steps, steps
    w.click("#round-rules")
    rules_page = page.locator("main").inner_text()
    assert rules_page.count(NUMBER) >= 5, rules_page[:2000]  # the steps, quota, cap, (period) and conditions
    _held_to_it(w.app, chosen)


def _held_to_it(app, chosen: dict) -> None:
    """The round the clicks opened, at each rule's boundary, through the services every page and API call uses."""
    from sqlalchemy import select

    from core.errors import DeadlinePassed, LimitReached
    from core.extensions import db
    from core.kernel.rules import rules_of_round
    from core.lists import notices, recommend
    from core.models import AdminUnit, Campaign, Role
    from core.review import evaluators
    from core.services import deadlines, limits
    from core.clock import SHANGHAI

    level = chosen["level"]
    with app.app_context():
        c = db.session.scalars(select(Campaign).where(Campaign.notice_no == NUMBER)).one()
        assert c.year == 2027 and c.closes_at.astimezone(SHANGHAI) == dt.datetime(2027, 5, 31, 17, tzinfo=SHANGHAI)
        if chosen["city_step"]:  # the city: 2027-06-30 24:00 Beijing time
            deadlines.check_step_open(c, "city", unit_type="factory",
                                      at=dt.datetime(2027, 6, 30, 23, 59, 59, tzinfo=SHANGHAI))
            with pytest.raises(DeadlinePassed):
                deadlines.check_step_open(c, "city", unit_type="factory",
                                          at=dt.datetime(2027, 7, 1, 0, 0, 0, tzinfo=SHANGHAI))
        mitt = deadlines.recommendation_deadline(2027)  # the province → the Ministry: 2027-08-14 24:00
        assert mitt.day == dt.date(2027, 8, 14) and NUMBER in (mitt.reason or ""), mitt
        recommend.check_deadline(2027, at=dt.datetime(2027, 8, 14, 23, 59, 59, tzinfo=SHANGHAI))
        with pytest.raises(DeadlinePassed):
            recommend.check_deadline(2027, at=dt.datetime(2027, 8, 15, 0, 0, 0, tzinfo=SHANGHAI))
        # the applicants: the round closes at 2027-05-31 17:00, as the notice's form gave it
        deadlines.check_submission_open(c, at=dt.datetime(2027, 5, 31, 16, 59, 59, tzinfo=SHANGHAI))
        with pytest.raises(DeadlinePassed):
            deadlines.check_submission_open(c, at=dt.datetime(2027, 5, 31, 17, 0, 0, tzinfo=SHANGHAI))
        for (code, unit_type), applies in ((chosen["on"], True), (chosen["off"], False)):  # the conditions
            applied = {r.code for r in rules_of_round(c).eligibility_rules_for(unit_type, level, 2027)}
            assert (code in applied) is applies, (code, applied)
        if chosen["public_notice"]:
            assert notices.period_for(level, 2027).days == 7  # the public notice
        unit = db.session.scalars(select(AdminUnit).where(AdminUnit.code == chosen["unit"])).one()
        apps = [kit.application(c, unit, unit_type="factory", values={}) for _ in range(6)]
        for a in apps[:3]:  # the quota: 3 places
            limits.reserve_quota(a, "test")
        with pytest.raises(LimitReached):
            limits.reserve_quota(apps[3], "test")
        db.session.rollback()
        apps = [kit.application(c, unit, unit_type="factory", values={}) for _ in range(6)]
        from core.review.evaluators import QUALIFICATION_FIELDS

        qualified = {**{k: True for k, (kind, _) in QUALIFICATION_FIELDS.items() if kind is bool},
                     "full_time_midlevel_staff": 12, "senior_staff": 5}  # what the region's requirements read
        firm = kit.firm(legal_representative="钱立信", qualifications=qualified)
        applicant = kit.user(Role.APPLICANT, organization_id=None)
        evaluator = kit.user(Role.EVALUATOR, evaluator_firm_id=firm.id)
        requests = [evaluators.request_evaluation(applicant, a, firm, a.organization.uscc,
                                                  today=dt.date(2027, 3, 1)) for a in apps]
        db.session.commit()
        for r in requests[:5]:  # the firm: 5 projects of the level a year
            evaluators.accept_request(evaluator, r, today=dt.date(2027, 3, 2))
            db.session.commit()
        with pytest.raises(LimitReached) as full:
            evaluators.accept_request(evaluator, requests[5], today=dt.date(2027, 3, 2))
        db.session.rollback()
        assert NUMBER in str(full.value)
