"""Public notices: end dates on the working-day calendar across holidays and make-up working days,
the refusal when a year has no holiday data, objections during the notice (and not after), the
block an open objection puts on listing, and the public pages and API without logging in.

Periods: Shanxi 10 working days (004_7a8ddd82f611ab67.txt 第十三条: 公示10个工作日); national 15 days
(办法 第十二条: 公示时间为15日). Calendar: chinese-calendar 1.11.0 (2004-2026), admin table above it.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402
from core.errors import CalendarDataMissing, DeadlinePassed, InvalidInput, Refused
from core.extensions import db
from core.lists import notices
from core.models import ApplicationStatus as S, AuditLog, ListEntry, Objection
from core.services import calendar

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases


@pytest.mark.region("shanxi")
@pytest.mark.parametrize("start, end", [
    # National Day 2025: 10-01..10-08 off; Sunday 9-28 and Saturday 10-11 are make-up working days
    ("2025-09-26", "2025-10-15"),
    # Spring Festival 2026: 2-16..2-23 off (weekdays); Saturday 2-14 is a working day
    ("2026-02-09", "2026-02-27"),
    # New Year 2026: 1-01..1-03 off; Sunday 1-04 is a working day; the count crosses into 2026
    ("2025-12-29", "2026-01-12"),
    # National Day 2026: Sunday 9-20 and Saturday 10-10 are make-up days
    ("2026-09-25", "2026-10-15"),
    # Labour Day 2025: 5-01..5-05 off
    ("2025-04-30", "2025-05-16"),
])
def test_shanxi_ten_working_days(app, start, end):
    assert notices.notice_end("provincial", dt.date.fromisoformat(start))[0] == dt.date.fromisoformat(end)


@pytest.mark.parametrize("start, end", [("2025-09-26", "2025-10-10"), ("2025-12-20", "2026-01-03")])
def test_national_fifteen_days(app, start, end):
    end_day, period = notices.notice_end("national", dt.date.fromisoformat(start))
    assert end_day == dt.date.fromisoformat(end) and period.days == 15 and period.source == "national"


@pytest.mark.region("shanxi")
def test_a_year_without_holiday_data_is_refused_until_an_admin_enters_it(app):
    """Ten working days from 2026-12-21 reach into 2027, which chinese-calendar 1.11.0 does not cover."""
    with pytest.raises(CalendarDataMissing, match="2027"):
        notices.notice_end("provincial", dt.date(2026, 12, 21))
    u, c = kit.unit("shanxi"), kit.campaign("shanxi", year=2026)
    a = kit.application(c, u, status=S.GRADED)
    with pytest.raises(CalendarDataMissing):
        notices.open_notice("province", level="provincial", year=2026, starts_on=dt.date(2026, 12, 21),
                            application_ids=[a.id])
    db.session.rollback()
    calendar.set_day(dt.date(2027, 1, 1), False, "元旦", "admin")
    calendar.declare_year_entered(2027, "admin")
    # 12-21..12-25 (5), 12-28..12-31 (9), 2027-01-01 off, Monday 01-04 (10)
    assert notices.notice_end("provincial", dt.date(2026, 12, 21))[0] == dt.date(2027, 1, 4)


@pytest.mark.region("shanxi")
def test_an_admin_ruling_moves_the_end(app):
    calendar.set_day(dt.date(2025, 10, 13), False, "地方调休", "admin")
    assert notices.notice_end("provincial", dt.date(2025, 9, 26))[0] == dt.date(2025, 10, 16)


def test_city_lists_are_published_by_decision_by_default(app):
    """No document of the national rules names a notice for city lists: by default a city publishes its
    list by a decision (a platform default, marked so), so asking for a notice period is refused."""
    with pytest.raises(Refused, match="published by a decision"):
        notices.notice_end("city", dt.date(2025, 9, 26))
    how = notices.publication("city", 2025)
    assert (how.procedure, how.publisher, how.platform_default, how.source) == ("decision", "city", True, "national")


def _notice(region="shanxi", n=2, start=dt.date(2025, 9, 26)):
    u, c = kit.unit(region), kit.campaign(region)
    apps = [kit.application(c, u, status=S.GRADED) for _ in range(n)]
    notice = notices.open_notice("province", level=c.level, year=2025, starts_on=start,
                                 application_ids=[a.id for a in apps], at=kit.beijing(start, 9))
    db.session.commit()
    return notice, apps


@pytest.mark.region("shanxi")
def test_only_graded_applications_of_the_level_and_year(app):
    u, c = kit.unit("shanxi"), kit.campaign("shanxi")
    waiting = kit.application(c, u, status=S.UNDER_REVIEW)
    with pytest.raises(Refused, match="cannot go on this list"):
        notices.open_notice("province", level="provincial", year=2025, starts_on=dt.date(2025, 9, 26),
                            application_ids=[waiting.id], at=kit.beijing(dt.date(2025, 9, 26), 9))
    other_year = kit.application(kit.campaign("shanxi", year=2024), u, status=S.GRADED)
    with pytest.raises(Refused):
        notices.open_notice("province", level="provincial", year=2025, starts_on=dt.date(2025, 9, 26),
                            application_ids=[other_year.id], at=kit.beijing(dt.date(2025, 9, 26), 9))


@pytest.mark.region("shanxi")
def test_objections_only_while_the_notice_runs_and_they_block_listing(app):
    notice, (a, b) = _notice()
    item_a, item_b = notice.items
    with pytest.raises(DeadlinePassed, match="opens on 2025-09-26"):
        notices.file_objection(notice, item_id=item_a.id, name="赵敏", contact="13900000001",
                               grounds="公示开始前提交的异议。", at=kit.beijing(dt.date(2025, 9, 25), 23, 59))
    with pytest.raises(InvalidInput) as info:
        notices.file_objection(notice, item_id=item_a.id, name="赵", contact="13900000001",
                               grounds="实名须为两个字以上。", at=kit.beijing(dt.date(2025, 9, 27)))
    assert info.value.field == "name"
    with pytest.raises(InvalidInput, match="unit"):
        notices.file_objection(notice, item_id=99999, name="赵敏", contact="13900000001",
                               grounds="不在公示名单上的单位。", at=kit.beijing(dt.date(2025, 9, 27)))
    row = notices.file_objection(notice, item_id=item_a.id, name="赵敏", contact="13900000001",
                                 grounds="该企业存在未整改的节能监察问题。", at=kit.beijing(dt.date(2025, 10, 15), 23, 59))
    db.session.commit()
    audit = db.session.query(AuditLog).filter_by(action="notice.objection_filed").one()
    assert audit.actor == "public:赵敏" and "13900000001" not in str(audit.data)  # contact stays in the objection
    with pytest.raises(DeadlinePassed, match="2025-10-15"):
        notices.file_objection(notice, item_id=item_b.id, name="钱进", contact="13900000002",
                               grounds="公示结束后提交的异议。", at=kit.beijing(dt.date(2025, 10, 16), 0, 0))
    outcome = notices.publish("province", notice, document_no="晋工信节能函〔2025〕9号",
                              published_on=dt.date(2025, 10, 17), at=kit.beijing(dt.date(2025, 10, 16)))
    assert [x["application"] for x in outcome["listed"]] == [b.id]
    assert [x["application"] for x in outcome["blocked"]] == [a.id]
    # dismissed: the unit is listed on the next publication, under the same document number
    notices.resolve_objection("province", row, "dismissed", "经核实异议不成立。")
    with pytest.raises(Refused, match="same document number"):
        notices.publish("province", notice, document_no="另一个文号", published_on=dt.date(2025, 10, 17),
                        at=kit.beijing(dt.date(2025, 10, 20)))
    second = notices.publish("province", notice, document_no="晋工信节能函〔2025〕9号",
                             published_on=dt.date(2025, 10, 17), at=kit.beijing(dt.date(2025, 10, 20)))
    db.session.commit()
    assert [x["application"] for x in second["listed"]] == [a.id] and notice.status == "published"
    assert db.session.query(ListEntry).count() == 2 and a.status == S.LISTED
    with pytest.raises(Refused, match="already resolved"):
        notices.resolve_objection("province", row, "upheld", "重复处理")


@pytest.mark.region("shanxi")
def test_publication_date_follows_the_notice(app):
    notice, _ = _notice(n=1)
    with pytest.raises(InvalidInput, match="after the notice ends"):
        notices.publish("province", notice, document_no="晋工信节能函〔2025〕9号", published_on=dt.date(2025, 10, 15),
                        at=kit.beijing(dt.date(2025, 10, 16)))


# ----------------------------------------------------------- web and API --


@pytest.mark.region("shanxi")
def test_public_notice_page_and_objection_form_without_logging_in(app, client):
    notice, _ = _notice(start=dt.date.today())
    page = client.get(f"/notices/{notice.id}?lang=zh")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and notice.ends_on.isoformat() in text and "10个工作日" in text
    # without the CSRF token: refused, nothing stored
    assert client.post(f"/notices/{notice.id}/objections", data={"name": "赵敏"}).status_code == 400
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text).group(1)
    item = notice.items[0]
    response = client.post(f"/notices/{notice.id}/objections", data={
        "csrf_token": token, "item_id": item.id, "name": "赵敏", "contact": "13900000001",
        "grounds": "该企业存在未整改的节能监察问题，请核实。", "evidence": "节能监察通报"}, follow_redirects=True)
    assert response.status_code == 200 and db.session.query(Objection).count() == 1
    # the JSON API takes an objection without a token too, and checks it the same way
    api = client.post(f"/api/v1/notices/{notice.id}/objections", json={
        "item_id": item.id, "name": "钱进", "contact": "qian@example.com", "grounds": "请核实该企业的固废处置情况。"})
    assert api.status_code == 201 and db.session.query(Objection).count() == 2
    short = client.post(f"/api/v1/notices/{notice.id}/objections", json={
        "item_id": item.id, "name": "钱进", "contact": "qian@example.com", "grounds": "太短"})
    assert short.status_code == 422 and short.get_json()["errors"][0]["field"] == "grounds"


@pytest.mark.region("shanxi")
def test_public_list_page_and_api_filter_by_level_year_region_and_type(app, client):
    notice, apps = _notice(n=3)
    notices.publish("province", notice, document_no="晋工信节能函〔2025〕9号", published_on=dt.date(2025, 10, 17),
                    at=kit.beijing(dt.date(2025, 10, 16)))
    db.session.commit()
    page = client.get("/public/lists?level=provincial&year=2025&region=shanxi&type=factory&lang=zh")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "晋工信节能函〔2025〕9号" in text
    assert all(a.organization.name in text for a in apps)
    empty = client.get("/public/lists?level=national").get_data(as_text=True)
    assert apps[0].organization.name not in empty
    body = client.get("/api/v1/lists?level=provincial&year=2025&region=shanxi").get_json()
    assert body["total"] == 3 and {e["notice_no"] for e in body["items"]} == {"晋工信节能函〔2025〕9号"}
    assert client.get("/api/v1/lists?year=2024").get_json()["total"] == 0
    assert client.get("/api/v1/notices").get_json()["items"][0]["ends_on"] == "2025-10-15"


def _page(client, url: str) -> str:
    """The page at ``url``, its language chosen afresh (the test's app context, and Flask-Babel's choice kept in
    its ``g``, is shared by the test's requests)."""
    from flask import g

    g.pop("_flask_babel", None)
    return client.get(url).get_data(as_text=True)


@pytest.mark.region("shanxi")
def test_public_list_rows_in_both_languages_escaped_with_the_count_past_the_last_page(app, client):
    """The public lists' rows (formatted in Python, core.lists.tables) show each label in the page's language and
    every name escaped; a page past the last still counts what matches."""
    notice, apps = _notice(n=3)
    apps[0].organization.name = '<b>"晋阳"&绿色</b>有限公司'
    notices.publish("province", notice, document_no="晋工信节能函〔2025〕9号", published_on=dt.date(2025, 10, 17),
                    at=kit.beijing(dt.date(2025, 10, 16)))
    db.session.commit()
    chinese = _page(client, "/public/lists?lang=zh")
    english = _page(client, "/public/lists?lang=en")
    for text in (chinese, english):
        assert "&lt;b&gt;&#34;晋阳&#34;&amp;绿色&lt;/b&gt;有限公司" in text and "<b>" not in text
        assert text.count("晋工信节能函〔2025〕9号") == 3 and text.count("2025-10-17") == 3
        assert '<option value="2025">2025</option>' in text and '<option value="shanxi">' in text
    assert "省级" in chinese and "山西省" in chinese and "共3家单位" in chinese
    assert "Provincial level" in english and "Shanxi" in english and "3 units" in english
    past = _page(client, "/public/lists?after=2001.1&lang=en")
    assert "3 units" in past and "No listed units yet." in past
    chosen = _page(client, "/public/lists?year=2025&region=shanxi&lang=en")
    assert '<option value="2025" selected>' in chosen and '<option value="shanxi" selected>' in chosen


@pytest.mark.region("shanxi")
def test_public_notices_list_says_which_take_objections_and_which_were_published(app, client):
    running, _ = _notice(start=dt.date.today())
    ended, _ = _notice(start=dt.date(2025, 9, 26))
    notices.publish("province", ended, document_no="晋工信节能函〔2025〕9号", published_on=dt.date(2025, 10, 17),
                    at=kit.beijing(dt.date(2025, 10, 16)))
    db.session.commit()
    english = _page(client, "/notices?lang=en")
    assert f'href="/notices/{running.id}"' in english and f'href="/notices/{ended.id}"' in english
    assert f"Objections accepted until {running.ends_on.isoformat()}, 24:00 Beijing time" in english
    assert "List published on 2025-10-17" in english and "10 working days" in english
    assert "10个工作日" in _page(client, "/notices?lang=zh")
