"""A filing whose due date has passed counts and shows as overdue everywhere, and a year opened after its
due date asks for a date to file by (found walking the Shanxi demo: 开启2026年度填报 on 2026-11-25 made 18
filings "待填报", due 2026-04-15, and the dashboard said 逾期未填报 0).

The due date is Shanxi's: the annual dynamic-management table by April 15 (晋工信节能规字〔2024〕3号 第十八条,
004_7a8ddd82f611ab67.txt). The longest date to file by a late opening may give, 60 days, is the platform
default the province already applies to reopening an overdue filing.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import g
from flask_babel import refresh
from mgmt_world import listed, organization, units, user, web
from sqlalchemy import select

#: a day after Shanxi's 2026 due date (04-15), 10:00 Beijing time
LATE = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)
YEAR = 2026


@pytest.fixture
def late():
    import time_machine

    with time_machine.travel(LATE, tick=False):
        yield


def _world(app):
    from core.extensions import db

    ids = units(app)
    orgs = [organization(ids["taiyuan"], "太原逾期测试有限公司"), organization(ids["datong"], "大同逾期测试有限公司")]
    for org in orgs:
        listed(org, "provincial", 2024)
    user("province", "sx_prov")
    user("city", "ty_city", admin_unit_id=ids["taiyuan"])
    db.session.commit()
    return ids, orgs


def _cell(html: str, ident: str) -> str:
    return re.search(rf'id="{ident}">([^<]*)<', html).group(1)


@pytest.mark.region("shanxi")
def test_filings_past_their_due_date_count_and_show_as_overdue_everywhere(app, late):
    from core.accounts import services as accounts
    from core.extensions import db
    from core.management import dashboard, filings
    from core.models import AnnualFiling, User

    _ids, orgs = _world(app)
    assert filings.due_date(YEAR) == dt.date(2026, 4, 15)
    # opened after the due date without another date (the deliberate ``greenmfg filings open``)
    assert filings.open_year(YEAR, "test") == 2
    db.session.commit()
    rows = db.session.scalars(select(AnnualFiling).order_by(AnnualFiling.id)).all()
    assert {f.due_on for f in rows} == {dt.date(2026, 4, 15)}
    assert {filings.status_of(f) for f in rows} == {"overdue"}

    count = dashboard.counters(YEAR)
    assert count["filings"]["overdue"] == 2 and count["filings"]["due"] == 0
    province = web(app, "sx_prov")
    refresh()
    page = province.get(f"/management/dashboard?year={YEAR}").get_data(as_text=True)
    assert _cell(page, "c-overdue") == "2" and _cell(page, "c-due") == "0"
    taiyuan = re.search(r'<tr data-city="shanxi.taiyuan">(.*?)</tr>', page).group(1)
    assert re.findall(r"<td>([^<]*)</td>", taiyuan) == ["太原市", "0", "0", "0", "0", "1", "0", "1"]
    assert "太原逾期测试有限公司" in page.split("<h3>逾期未填报</h3>")[1].split("</ul>")[0]

    # the list: status 逾期, and the status filter finds them under 逾期, none under 待填报
    listing = province.get(f"/management/filings?year={YEAR}").get_data(as_text=True)
    assert listing.count('<tr data-status="overdue">') == 2 and 'data-status="due"' not in listing
    assert "<td>逾期</td><td>2026-04-15 24:00</td>" in listing
    assert province.get(f"/management/filings?year={YEAR}&status=overdue").get_data(as_text=True).count(
        '<tr data-status="overdue">') == 2
    assert "太原逾期测试有限公司" not in province.get(f"/management/filings?year={YEAR}&status=due").get_data(
        as_text=True)

    # the unit's page: overdue, no form offered that would be refused, the province may reopen it
    ent = user("applicant", "ty_ent", organization_id=orgs[0].id)
    db.session.commit()
    filing = next(f for f in rows if f.organization_id == orgs[0].id)
    refresh()
    own = web(app, "ty_ent").get(f"/management/filings/{filing.id}").get_data(as_text=True)
    assert "状态: <b>逾期</b>" in own.replace("：", ": ") and 'id="filing-form"' not in own
    assert "截止日期已过" in own
    refresh()
    en = web(app, "ty_ent").get(f"/management/filings/{filing.id}?lang=en").get_data(as_text=True)
    assert "<b>Overdue</b>" in en and "The deadline has passed" in en
    assert "Reopen (justified delay)" in province.get(f"/management/filings/{filing.id}?lang=en").get_data(
        as_text=True)

    # the API says overdue and filters by it
    token = accounts.create_token(db.session.get(User, ent.id), "t")[0]
    db.session.commit()
    g.pop("api_user", None)
    answer = app.test_client().get("/api/v1/management/filings?status=overdue",
                                   headers={"Authorization": f"Bearer {token}"}).get_json()["items"]
    assert [(r["id"], r["status"], r["deadline"]) for r in answer] == [(filing.id, "overdue", "2026-04-15")]

    # the province reopens it (a justified delay) before the hourly job stored it as overdue
    filings.reopen(filing, dt.date(2026, 12, 10), "平台上线晚于填报截止日期", "sx_prov")
    db.session.commit()
    assert filings.status_of(filing) == "returned" and dashboard.counters(YEAR)["filings"]["overdue"] == 1


@pytest.mark.region("shanxi")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_year_opened_after_its_due_date_asks_for_a_date_to_file_by(app, late, lang):
    from core.extensions import db
    from core.management import dashboard
    from core.models import AnnualFiling, AuditLog

    _world(app)
    province = web(app, "sx_prov")
    refresh()
    page = province.get(f"/management/filings?year={YEAR}&lang={lang}").get_data(as_text=True)
    warning = re.search(r'id="late-warning">(.*?)</p>', page, re.DOTALL).group(1)
    assert "2026-04-15 24:00" in warning and "晋工信节能规字〔2024〕3号" in warning and "第十八条" in warning
    hint = page.split('id="f-until"')[1].split("</div>\n</div>")[0]
    if lang == "zh":
        assert "已过" in warning and "平台默认" in hint and "60" in hint
    else:
        assert "has passed" in warning and "platform default" in hint and "60 days" in hint

    # without a date: refused on the page, the reason typed is kept, nothing opened
    refresh()
    r = province.post(f"/management/filings/open?lang={lang}", data={"year": YEAR, "reason": "平台今年上线"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "平台今年上线" in html
    error = re.search(r'id="f-until".*?<div class="error">([^<]*)</div>', html, re.DOTALL).group(1)
    assert "2026-04-15" in error and ("填报截止日期" in error if lang == "zh" else "date to file by" in error)
    # more than 60 days: refused, what was typed kept
    refresh()
    r = province.post(f"/management/filings/open?lang={lang}",
                      data={"year": YEAR, "until": "2027-02-01", "reason": "平台今年上线"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "平台今年上线" in html and 'value="2027-02-01"' in html
    assert ("60" in re.search(r'id="f-until".*?<div class="error">([^<]*)</div>', html, re.DOTALL).group(1))
    # without a reason: refused on the reason
    refresh()
    r = province.post(f"/management/filings/open?lang={lang}", data={"year": YEAR, "until": "2026-12-20"})
    assert r.status_code == 422 and 'value="2026-12-20"' in r.get_data(as_text=True)
    assert db.session.scalar(select(AnnualFiling.id)) is None

    refresh()
    r = province.post(f"/management/filings/open?lang={lang}",
                      data={"year": YEAR, "until": "2026-12-20", "reason": "平台今年上线"})
    assert r.status_code == 302
    db.session.expire_all()
    assert {(f.status, f.due_on) for f in db.session.scalars(select(AnnualFiling))} == {("due", dt.date(2026, 12, 20))}
    count = dashboard.counters(YEAR)
    assert count["filings"]["due"] == 2 and count["filings"]["overdue"] == 0
    assert count["due_on"] == dt.date(2026, 12, 20)  # the tile says the date the units file by
    opened = db.session.scalar(select(AuditLog).where(AuditLog.action == "filings.opened"))
    assert opened.data["year_due_on"] == "2026-04-15" and opened.data["reason"] == "平台今年上线"
    refresh()
    listing = province.get(f"/management/filings?year={YEAR}&lang={lang}").get_data(as_text=True)
    assert listing.count("<td>2026-12-20 24:00</td>") == 2


@pytest.mark.region("shanxi")
def test_before_the_due_date_no_other_date_is_taken(app):
    import time_machine

    from core.errors import InvalidInput
    from core.management import filings

    ids, _orgs = _world(app)
    with time_machine.travel(dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC), tick=False):
        with pytest.raises(InvalidInput):
            filings.open_year(YEAR, "test", until=dt.date(2026, 5, 1), reason="提前")
        refresh()
        page = web(app, "sx_prov").get(f"/management/filings?year={YEAR}").get_data(as_text=True)
        assert 'id="late-warning"' not in page and "开启" in page
        assert filings.open_year(YEAR, "test") == 2
        assert filings.progress_by_city(YEAR)[ids["taiyuan"]]["due"] == 1


@pytest.mark.region("shanxi")
def test_the_command_line_gives_a_late_year_a_date_to_file_by_or_warns(app, late):
    """``greenmfg filings open`` after the due date: with ``--until`` and ``--reason`` the units file by that
    date (audited as on the page); without them it still opens the year as due on 04-15 and says, in Chinese
    and English, that every unit is overdue at once."""
    from core.extensions import db
    from core.models import AnnualFiling

    from core.cli.management_cmd import filings_group

    _world(app)
    runner = app.test_cli_runner()
    refused = runner.invoke(filings_group, ["open", "--year", str(YEAR), "--until", "2027-03-01", "--reason", "补开"])
    assert refused.exit_code != 0 and "60" in refused.output
    done = runner.invoke(filings_group, ["open", "--year", str(YEAR), "--until", "2026-12-20",
                                         "--reason", "2026年度填报开启较晚，给予填报期限"])
    assert done.exit_code == 0, done.output
    assert "已开启 / opened: 2" in done.output and "2026-12-20" in done.output and "逾期" not in done.output
    db.session.expire_all()
    assert {f.due_on for f in db.session.scalars(select(AnnualFiling))} == {dt.date(2026, 12, 20)}


@pytest.mark.region("shanxi")
def test_the_command_line_without_a_date_says_every_unit_is_overdue_at_once(app, late):
    from core.cli.management_cmd import filings_group

    _world(app)
    done = app.test_cli_runner().invoke(filings_group, ["open", "--year", str(YEAR)])
    assert done.exit_code == 0, done.output
    assert "即刻逾期" in done.output and "overdue at once" in done.output and "--until" in done.output
