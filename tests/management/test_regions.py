"""Region rules over the years:

* Hubei (002_9c75e1d2ebfbdf50.txt 附件3): progress of each city against the 2021–2025 targets
  (武汉市: 30 products, 21 factories, 8 supply-chain enterprises, 3 parks; totals 200/100/30/15);
* Hubei 三年一复核 (002 三(六)): a unit first listed in 2022 is re-reviewed on site in 2025; one
  that no longer qualifies is reported to the province for removal.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from helpers import seed_text
from mgmt_world import listed, organization, units, user, web
from sqlalchemy import select


# The Hunan 2025 city block (001 四.1) reads the filing IN THE ROUND (一.2, 三: by 10-27), not the yearly
# 04-15 table this test used to file (issue 15): tests/management/test_round_filing.py.


def _seed_quota_table() -> dict[str, dict[str, int | None]]:
    """附件3 绿色制造体系预期目标任务分解表, read from the seed: {city: {type: target}}."""
    text = seed_text("002_9c75e1d2ebfbdf50.txt")
    table = text[text.rindex("绿色制造体系预期目标任务分解表"):text.index("备注：创建目标")]
    rows = {}
    for line in table.splitlines()[1:]:
        cells = line.split("\t")
        if not cells[0].strip() or cells[0].startswith("市州"):
            continue
        values = [int(c) if c.strip() else None for c in cells[1:]] + [None] * (5 - len(cells))
        rows[cells[0].strip()] = dict(zip(("product", "factory", "supply_chain", "park"), values[:4]))
    return rows


@pytest.mark.region("hubei")
def test_hubei_quota_progress_matches_the_seed_table(app):
    from core.extensions import db
    from core.management import dashboard
    from core.models import AdminUnit

    ids = units(app)
    seed = _seed_quota_table()
    assert seed["武汉市"] == {"product": 30, "factory": 21, "supply_chain": 8, "park": 3}
    totals = seed.pop("合计")
    assert totals == {"product": 200, "factory": 100, "supply_chain": 30, "park": 15}
    assert len(seed) == 17

    wuhan = ids["wuhan"]
    orgs = [organization(wuhan, f"武汉绿色工厂{i}有限公司") for i in range(5)]
    listed(orgs[0], "city", 2021)
    listed(orgs[1], "provincial", 2022)
    listed(orgs[2], "national", 2024)
    listed(orgs[3], "city", 2022)
    listed(orgs[3], "provincial", 2024)  # one factory listed twice counts once
    listed(orgs[4], "city", 2020)  # before the 2021–2025 period
    listed(organization(wuhan, "武汉绿色园区管委会"), "provincial", 2023, unit_type="park")
    listed(organization(ids["yichang"], "宜昌绿色工厂有限公司"), "national", 2025)
    db.session.commit()

    progress = dashboard.quota_progress(2025)
    assert progress["period"] == (2021, 2025) and progress["binding"] is False
    names = {u.id: u.name for u in db.session.scalars(select(AdminUnit))}
    got = {names[r["unit"].id]: {t: r["types"][t]["target"] for t in ("product", "factory", "supply_chain", "park")}
           for r in progress["rows"]}
    assert got == seed
    assert {t: progress["totals"][t]["target"] for t in totals} == totals
    row = next(r for r in progress["rows"] if r["unit"].id == wuhan)
    assert row["types"]["factory"] == {"target": 21, "count": 4, "percent": 19.0}
    assert row["types"]["park"]["count"] == 1 and row["types"]["park"]["target"] == 3
    assert progress["totals"]["factory"] == {"target": 100, "count": 5, "percent": 5.0}
    assert dashboard.quota_progress(2027)["year"] == 2025  # the plan period has ended: its last year

    # the province dashboard shows the same figures, with the chart
    province = user("province", "hubei_province")
    db.session.commit()
    client = web(app, province.username)
    html = client.get("/management/dashboard?year=2025").get_data(as_text=True)
    wuhan_row = re.search(r'<tr data-city="hubei.wuhan">(.*?)</tr>', html.split('id="quota-table"')[1]).group(1)
    assert 'data-type="factory">4/21' in wuhan_row and 'data-type="product">0/30' in wuhan_row
    assert '<th data-type="factory">5/100</th>' in html
    assert 'data-chart="quota-factory"' in html and 'data-target="21"' in html


@pytest.mark.region("hubei")
def test_hubei_three_yearly_re_review(app):
    from core.extensions import db
    from core.management import jobs, removals, rereviews
    from core.models import ListEntry, Removal, ReReview

    ids = units(app)
    due = organization(ids["xiangyang"], "襄阳2022年省级绿色工厂有限公司")
    listed(due, "provincial", 2022)
    not_due = organization(ids["xiangyang"], "襄阳2023年省级绿色工厂有限公司")
    listed(not_due, "provincial", 2023)
    db.session.commit()
    assert rereviews.cycle().details["every_years"] == 3
    report = jobs.run_due("cron", dt.date(2025, 5, 1))
    assert report["rereviews_opened"] == 1
    assert jobs.run_due("cron", dt.date(2025, 5, 2))["rereviews_opened"] == 0
    review = db.session.scalar(select(ReReview))
    assert (review.organization_id, review.cycle_year, review.listed_year) == (due.id, 2025, 2022)
    rereviews.schedule(review, dt.date(2025, 6, 10), "xiangyang_city", dt.date(2025, 5, 20))
    rereviews.record_result(review, False, "现场复核：主要生产线已停产，不再符合绿色工厂评价要求", "xiangyang_city",
                            dt.date(2025, 6, 10))
    db.session.commit()
    removal = db.session.get(Removal, review.removal_id)
    assert (removal.sanction_code, removal.status, removal.source) == ("hubei.triennial_review", "proposed", "rereview")
    assert "停产" in removal.reason
    assert removal.evidence_note == "现场复核：主要生产线已停产，不再符合绿色工厂评价要求"
    removals.decide(removal, True, "", "hubei_province", dt.date(2025, 7, 1))
    removals.publish("hubei_province", dt.date(2025, 12, 30), "鄂经信节能函〔2025〕1号")
    db.session.commit()
    assert db.session.scalar(select(ListEntry.status).where(ListEntry.organization_id == due.id)) == "removed"
    # the unit first listed in 2023 is due three years later, in 2026
    assert jobs.run_due("cron", dt.date(2026, 5, 1))["rereviews_opened"] == 1


@pytest.mark.region("hubei")
def test_a_long_re_review_finding_still_proposes_the_removal(app):
    """The reviewer may write 4,000 characters (the form's limit); a removal's reason holds 2,000. The proposal
    keeps the finding's start in each language's half of its reason and the whole finding as its evidence
    (before, a finding over about 1,970 characters refused the proposal and the result with it)."""
    from core.extensions import db
    from core.i18n import halves
    from core.management import jobs, rereviews
    from core.models import Removal, ReReview

    ids = units(app)
    due = organization(ids["xiangyang"], "襄阳2022年省级绿色工厂长篇复核有限公司")
    listed(due, "provincial", 2022)
    db.session.commit()
    assert jobs.run_due("cron", dt.date(2025, 5, 1))["rereviews_opened"] == 1
    review = db.session.scalar(select(ReReview))
    rereviews.schedule(review, dt.date(2025, 6, 10), "xiangyang_city", dt.date(2025, 5, 20))
    finding = "现场复核：主要生产线已停产。" + "能耗台账缺失，" * 480  # 3,374 characters
    rereviews.record_result(review, False, finding, "xiangyang_city", dt.date(2025, 6, 10))
    db.session.commit()
    removal = db.session.get(Removal, review.removal_id)
    assert removal.status == "proposed" and removal.evidence_note == finding and len(removal.reason) <= 2000
    zh, en = halves(removal.reason)
    assert zh.startswith("2025年度复核不再符合要求：现场复核：主要生产线已停产。") and zh.endswith("…")
    assert en.startswith("the 2025 re-review found the unit no longer qualifies: 现场复核")
