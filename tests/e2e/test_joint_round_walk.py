"""Jiangxi's joint round by clicking (issue 53): a new unit applies for both levels at once.

Seed 003_a3fa60aeba77aa34.txt (赣工信办节能函〔2024〕20号) runs the national recommendation together with the provincial
selection (国家级绿色制造名单推荐暨省级绿色制造名单遴选): a unit not yet on the provincial list applies for both, and
the national prerequisite (办法 第十一条: 国家级绿色工厂须先列入省级名单) waits for this round's provincial decision
instead of refusing it. On the training demo at today's date, a factory registers signed out, starts its application
in the round, ticks 申报层级 省级 and 国家级, names the demo evaluator's firm (which accepts and files its report),
submits; its checks show the national prerequisite as pending, and the city recommends it at both levels.
"""
from __future__ import annotations

import pytest
from browser_kit import open_page, serving
from test_round_walk import Walk, apply, demo_city, load, new_uscc, org_name, recommend, register


@pytest.fixture
def walk(make_app, tmp_path, chromium):
    app = load(make_app, tmp_path, "jiangxi")
    with serving(app) as base, open_page(chromium) as (page, errors):
        yield Walk(page, base, app, "jiangxi")
        assert errors == []


def test_a_new_unit_applies_for_both_levels_of_the_joint_round_by_clicking(walk):
    from playwright.sync_api import expect

    w, page = walk, walk.page
    # the province opens the year's joint round: the national recommendation with the provincial selection (003 一)
    w.log_in("province")
    w.click("header a[href$='/province/campaigns']")
    form = page.locator("#campaign-form")
    form.locator("#year").fill("2026")
    form.locator("#level").select_option("national")
    form.locator("input[name=unit_types][value=factory]").check()
    form.locator("#title").fill("2026年度国家级绿色制造名单推荐暨省级绿色制造名单遴选")
    form.locator("#closes_at").fill("2026-12-20T17:00")
    w.click("#open-campaign")
    expect(page.locator("h1")).to_contain_text("推荐暨省级")
    w.log_out()
    city = demo_city(w)
    org, username = org_name(city), "jiangxi_joint_walker"
    register(w, new_uscc("江西省", city), org, city, username)
    apply(w, org, username, "推荐暨省级", levels=2)  # 申报层级: the joint round's two levels, both ticked
    # the national prerequisite waits for this round's provincial decision: pending, not failed
    checks = page.locator("#eligibility").inner_text()
    assert "待定" in checks or "…" in checks, checks
    assert "✗" not in page.locator("#eligibility tr", has_text="省级").first.inner_text()
    # the city recommends it at both levels
    w.log_in("city")
    w.click("#todo-city-review a", has_text=org)
    for box in page.locator("#recommend-form input[name=levels]").all():
        box.check()
    recommend(w)
    text = page.locator("main").inner_text()
    assert "国家级" in text and "省级" in text
