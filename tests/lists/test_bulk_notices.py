"""Several units on or off a public notice at once (issue 20: "one tick per unit in a notice"), all or nothing with
each refusal listed, one audit row per unit; publishing asks for a confirmation.

Shanxi's provincial notice: 10 working days from 2025-09-26 (004_7a8ddd82f611ab67.txt 第十三条)."""
from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest
import time_machine

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402
from core.accounts import services as accounts  # noqa: E402
from core.extensions import db  # noqa: E402
from core.errors import Refused  # noqa: E402
from core.lists import notice_units, notices  # noqa: E402
from core.models import ApplicationStatus as S, AuditLog, NoticeItem, PublicNotice, Role  # noqa: E402
from core.models import Application  # noqa: E402

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

PASSWORD = "名单测试口令-2025-绿色工厂"
BEFORE_START = kit.beijing(dt.date(2025, 9, 20), 10)


@pytest.fixture
def world(make_app):
    app = make_app("shanxi", GREENMFG_REVIEW_MIN_EXPERTS=1, WTF_CSRF_ENABLED=False)
    with time_machine.travel(BEFORE_START, tick=False), app.app_context():
        c = kit.campaign("shanxi")
        ids = []
        for total in (90, 85, 80):
            a = kit.application(c, kit.unit("shanxi"))
            kit.panel(a, [total], [kit.expert(f"专家{total}", "shanxi", unit_=kit.unit("shanxi"))])
            ids.append(a.id)
        accounts.create_user(username="prov", password=PASSWORD, display_name="省厅", role=Role.PROVINCE, actor="t")
        notice = notices.open_notice("prov", level="provincial", year=2025, starts_on=dt.date(2025, 9, 26),
                                     application_ids=ids[:1])
        db.session.commit()
        return {"app": app, "ids": ids, "notice": notice.id}


def _client(world):
    client = world["app"].test_client()
    assert client.post("/login", data={"username": "prov", "password": PASSWORD}).status_code == 302
    return client


def _state(world):
    with world["app"].app_context():
        items = {i.application_id: i.status for i in db.session.query(NoticeItem)}
        statuses = [db.session.get(Application, a).status.value for a in world["ids"]]
        audit = sorted((e.action, e.object_id) for e in db.session.query(AuditLog)
                       .filter(AuditLog.action.in_(["notice.application_in_notice", "notice.application_removed"])))
        return items, statuses, audit


def test_add_several_candidates_before_the_notice_starts_then_take_two_off(world):
    a1, a2, a3 = world["ids"]
    url = f"/province/notices/{world['notice']}"
    with time_machine.travel(BEFORE_START, tick=False):
        client = _client(world)
        page = client.get(f"{url}?lang=zh").get_data(as_text=True)
        assert sorted(int(v) for v in re.findall(r'name="application_ids" value="(\d+)"', page)) == [a2, a3]
        assert page.count('data-select-all=') == 2 and "全部执行或全部不执行" in page
        r = client.post(f"{url}/units/add", data={"application_ids": [a2, a3]})
        assert r.status_code == 302
        items, statuses, audit = _state(world)
        assert items == {a1: "in_notice", a2: "in_notice", a3: "in_notice"} and statuses == ["in_notice"] * 3
        assert [x for x in audit if x[0] == "notice.application_in_notice"] == [
            ("notice.application_in_notice", str(a)) for a in sorted((a1, a2, a3), key=str)]

        with world["app"].app_context():
            item_of = {i.application_id: i.id for i in db.session.query(NoticeItem)}
        body = {"item_ids": [item_of[a1], item_of[a2]], "reason": "经复核，能耗数据需重新核实。"}
        r = client.post(f"{url}/units/remove?lang=zh", data=body)  # not confirmed: nothing happens
        assert r.status_code == 422 and 'aria-describedby="confirm-error-1"' in r.get_data(as_text=True)
        assert _state(world)[0] == items
        r = client.post(f"{url}/units/remove", data={**body, "confirm": "y"})
        assert r.status_code == 302
        items, statuses, audit = _state(world)
        assert items == {a1: "removed", a2: "removed", a3: "in_notice"}
        assert statuses == ["graded", "graded", "in_notice"]  # back where they were before the notice
        assert sorted(o for action, o in audit if action == "notice.application_removed") == sorted([str(a1), str(a2)])

        # all or nothing: one unit already off and the other stays on, the refusal names the unit
        r = client.post(f"{url}/units/remove?lang=zh", data={"item_ids": [item_of[a1], item_of[a3]],
                                                             "reason": "再次复核。", "confirm": "y"})
        assert r.status_code == 409
        refusals = re.search(r'id="bulk-refusals">.*?</table>', r.get_data(as_text=True), re.S).group(0)
        assert refusals.count("<tr>") == 2 and "已不在公示中" in refusals
        assert _state(world)[0] == items


def test_nothing_is_added_once_the_notice_has_started(world):
    a1, a2, a3 = world["ids"]
    with time_machine.travel(kit.beijing(dt.date(2025, 9, 29), 10), tick=False):
        client = _client(world)
        page = client.get(f"/province/notices/{world['notice']}?lang=zh").get_data(as_text=True)
        assert 'name="application_ids"' not in page
        r = client.post(f"/province/notices/{world['notice']}/units/add?lang=zh", data={"application_ids": [a2]})
        assert r.status_code == 409 and "完整的公示期" in r.get_data(as_text=True)
    assert _state(world)[1] == ["in_notice", "graded", "graded"]


@pytest.mark.parametrize("lang, refusal", [("zh", "公示已于 2025-09-26 开始"), ("en", "The notice started on 2025-09-26")])
def test_nothing_is_added_on_the_notice_s_first_day(world, lang, refusal):
    """On its first day the notice runs (公示中): a unit added then would have less than the full period."""
    a1, a2, a3 = world["ids"]
    with time_machine.travel(kit.beijing(dt.date(2025, 9, 26), 0, 5), tick=False):
        client = _client(world)
        page = client.get(f"/province/notices/{world['notice']}?lang={lang}").get_data(as_text=True)
        assert 'name="application_ids"' not in page and 'id="add-form"' not in page
        r = client.post(f"/province/notices/{world['notice']}/units/add?lang={lang}", data={"application_ids": [a2]})
        assert r.status_code == 409 and refusal in r.get_data(as_text=True)
        with world["app"].app_context():  # the service the API and the command line share refuses it too
            notice = db.session.get(PublicNotice, world["notice"])
            with pytest.raises(Refused):
                notice_units.add_units("prov", notice, [a3])
    items, statuses, _audit = _state(world)
    assert items == {a1: "in_notice"} and statuses == ["in_notice", "graded", "graded"]
    with time_machine.travel(kit.beijing(dt.date(2025, 9, 26), 0, 5), tick=False):
        shown = world["app"].test_client().get(f"/notices/{world['notice']}?lang=zh").get_data(as_text=True)
    table = re.search(r'id="notice-items">.*?</table>', shown, re.S).group(0)
    assert table.count("<tr>") == 2  # the header and the one unit the notice opened with


def test_publishing_asks_for_a_confirmation(world):
    with time_machine.travel(kit.beijing(dt.date(2025, 10, 20), 10), tick=False):
        client = _client(world)
        url = f"/province/notices/{world['notice']}/publish?lang=zh"
        body = {"document_no": "晋工信节能函〔2025〕88号", "published_on": "2025-10-20"}
        r = client.post(url, data=body)
        assert r.status_code == 422 and 'value="晋工信节能函〔2025〕88号"' in r.get_data(as_text=True)
        with world["app"].app_context():
            assert db.session.get(PublicNotice, world["notice"]).status == "open"
        assert client.post(url, data={**body, "confirm": "y"}).status_code == 302
        with world["app"].app_context():
            assert db.session.get(PublicNotice, world["notice"]).status == "published"
            assert db.session.get(Application, world["ids"][0]).status == S.LISTED
