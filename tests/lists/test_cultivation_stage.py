"""The stage before a list (issue 43). Hunan 000 二.4: the province 确定为…创建单位，并发布2024年度湖南省绿色制造体系
创建计划; 列入创建计划的单位应对照相关评价要求和标准开展创建，并于规定时间内完成创建工作, and the 评价认定 comes later
(二.2). 001 一.1 lets only 现有省级绿色工厂、绿色园区 apply nationally. So the 2024 round's decision puts its units into
the 创建计划 (shown publicly under that name, never counted as a listing); a 创建单位 cannot apply nationally in 2025 on
the strength of the plan alone, and can after the province's 认定. Shanxi 004 第七条 (培育对象, 培育库) and Hubei 002
三(一) (培育库) name the same stage; Jiangxi 003 names none."""
from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import seed_text
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402

from core.errors import Refused  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import ApplicationStatus as S, ListEntry  # noqa: E402
from core.models.lists import STAGE  # noqa: E402

S000, S001, S002, S004 = ("000_5ae1342e00264ea1.txt", "001_3f04a56fc6693327.txt", "002_9c75e1d2ebfbdf50.txt",
                          "004_7a8ddd82f611ab67.txt")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_seeds_say_it():
    hunan = _flat(seed_text(S000))
    assert "确定为湖南省绿色工厂、绿色园区和绿色供应链管理示范企业创建单位，并发布2024年度湖南省绿色制造体系创建计划" in hunan
    assert "列入创建计划的单位应对照相关评价要求和标准开展创建，并于规定时间内完成创建工作" in hunan
    assert "评价认定" in hunan
    assert "现有省级绿色工厂、绿色园区自愿申报" in _flat(seed_text(S001))
    assert "建立培育库" in _flat(seed_text(S004)) and "列为培育对象" in _flat(seed_text(S004))
    assert "建立本地区绿色制造体系创建培育库" in _flat(seed_text(S002))


@pytest.mark.parametrize("region, name, year", [("hunan", "创建计划", 2024), ("shanxi", "培育库", 2025),
                                                ("hubei", "培育库", 2025), ("jiangxi", None, 2024)])
def test_which_regions_have_the_stage(make_app, region, name, year):
    from core.lists.cultivation import round_publishes_stage, stage_of

    app = make_app(region)
    with app.app_context():
        stage = stage_of("provincial", year)
        assert (stage.name if stage else None) == name
        if stage is not None:
            assert stage.source == region and stage.cite
        # only Hunan's 2024 round publishes the stage itself; its later provincial decisions are the list
        assert (round_publishes_stage("provincial", year) is not None) == (region == "hunan")
        if region == "hunan":
            assert round_publishes_stage("provincial", 2025) is None and stage_of("provincial", 2025) is None


def _national_prerequisite(application) -> dict:
    from core.applications.eligibility import evaluate

    return next(r for r in evaluate(application, as_of=dt.date(2025, 10, 20))
                if r["code"] == "national_needs_provincial")


def test_a_2024_creation_unit_applies_nationally_only_after_the_provinces_recognition(make_app, cheap_hashes):
    from core.lists import cultivation, decisions

    app = make_app("hunan", WTF_CSRF_ENABLED=False)
    with app.app_context():
        u = kit.unit("hunan", name="株洲市")
        plan_round = kit.campaign("hunan", year=2024)
        org = kit.organization(u, "株洲创建计划电机股份有限公司")
        applied = kit.application(plan_round, u, status=S.GRADED, org=org)
        out = decisions.publish_decision("province", level="provincial", year=2024, application_ids=[applied.id],
                                         document_no="湘工信节能〔2024〕12号", published_on=dt.date(2024, 3, 20))
        db.session.commit()
        assert out["stage"].name == "创建计划" and out["decision"].title == "2024年度湖南省绿色制造体系创建计划"
        entry = db.session.scalar(select(ListEntry).where(ListEntry.organization_id == org.id))
        assert (entry.status, entry.level, entry.year) == (STAGE, "provincial", 2024)
        assert applied.status == S.GRADED  # not listed: the application waits for the 认定
        # the round's candidates no longer offer it for another decision of the same list
        from core.lists.notices import candidates_for

        assert applied.id not in {a.id for a in candidates_for("provincial", 2024)}

        national = kit.campaign("hunan", year=2025, level="national", types=("factory",))
        nat = kit.application(national, u, status=S.SUBMITTED, org=org)
        db.session.commit()
        before = _national_prerequisite(nat)
        assert before["ok"] is False and "省级" in before["message"]

        listed = cultivation.recognize("province", entry_ids=[entry.id], document_no="湘工信节能〔2024〕88号",
                                       published_on=dt.date(2024, 12, 20))
        db.session.commit()
        assert len(listed["listed"]) == 1 and not listed["blocked"]  # not refused as "already listed"
        on_list = db.session.get(ListEntry, listed["listed"][0]["list_entry"])
        assert (on_list.status, on_list.level, on_list.year, on_list.notice_no) == (
            "listed", "provincial", 2024, "湘工信节能〔2024〕88号")
        assert applied.status == S.LISTED
        db.session.expire_all()
        after = _national_prerequisite(db.session.get(type(nat), nat.id))
        assert after["ok"] is True, after
        # recognized once: the stage entry stays as the plan's record, marked recognized
        row = cultivation.stage_rows(year=2024)[0]
        assert row.entry.id == entry.id and row.recognized.id == on_list.id
        with pytest.raises(Refused):  # recognized once: the unit is on the list now
            cultivation.recognize("province", entry_ids=[entry.id], document_no="湘工信节能〔2024〕89号",
                                  published_on=dt.date(2024, 12, 21))
        db.session.rollback()


def test_the_plan_shows_under_its_own_name_not_on_the_lists(make_app, cheap_hashes):
    from core.lists import decisions

    app = make_app("hunan", WTF_CSRF_ENABLED=False)
    with app.app_context():
        u = kit.unit("hunan", name="湘潭市")
        c = kit.campaign("hunan", year=2024)
        a = kit.application(c, u, status=S.GRADED, org=kit.organization(u, "湘潭创建单位钢管有限公司"))
        decisions.publish_decision("province", level="provincial", year=2024, application_ids=[a.id],
                                   document_no="湘工信节能〔2024〕13号", published_on=dt.date(2024, 3, 21))
        db.session.commit()
    client = app.test_client()
    lists = client.get("/public/lists?level=provincial&year=2024&lang=zh").get_data(as_text=True)
    assert "湘潭创建单位钢管有限公司" not in lists
    for lang, words in (("zh", ("创建计划", "创建单位", "尚未认定")), ("en", ("creation plan", "creation unit",
                                                                          "not yet recognized"))):
        soup = BeautifulSoup(client.get(f"/public/stage?lang={lang}").get_data(as_text=True), "html.parser")
        row = next(tr for tr in soup.select("#stage-entries tr") if "湘潭创建单位钢管有限公司" in tr.get_text())
        text = row.get_text(" ", strip=True)
        assert all(w in text for w in words), text
        assert "湘工信节能〔2024〕13号" in text and "二.4" in text


def test_a_later_hunan_provincial_decision_is_the_list(make_app, cheap_hashes):
    from core.lists import decisions

    app = make_app("hunan", WTF_CSRF_ENABLED=False)
    with app.app_context():
        u = kit.unit("hunan", name="衡阳市")
        c = kit.campaign("hunan", year=2025)
        a = kit.application(c, u, status=S.GRADED)
        out = decisions.publish_decision("province", level="provincial", year=2025, application_ids=[a.id],
                                         document_no="湘工信节能〔2025〕20号", published_on=dt.date(2025, 12, 20))
        assert "stage" not in out
        assert db.session.get(ListEntry, out["listed"][0]["list_entry"]).status == "listed"
        db.session.rollback()


def test_the_stage_and_the_recognition_through_the_api(make_app, cheap_hashes):
    from core.accounts import services as accounts
    from core.models import Role

    app = make_app("hunan")
    with app.app_context():
        u = kit.unit("hunan", name="常德市")
        c = kit.campaign("hunan", year=2024)
        a = kit.application(c, u, status=S.GRADED, org=kit.organization(u, "常德创建单位烟机有限公司"))
        token, _ = accounts.create_token(kit.user(Role.PROVINCE), "test")
        db.session.commit()
        app_id = a.id
    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
    plan = client.post("/api/v1/list-decisions", headers=headers, json={
        "level": "provincial", "year": 2024, "application_ids": [app_id], "document_no": "湘工信节能〔2024〕14号",
        "published_on": "2024-03-22"})
    assert plan.status_code == 201 and plan.get_json()["entries"][0]["status"] == "cultivation", plan.get_json()
    entry = next(e for e in client.get("/api/v1/list-stage?year=2024").get_json()["items"]
                 if e["name"] == "常德创建单位烟机有限公司")
    assert (entry["stage"], entry["member"], entry["recognized"]) == ("创建计划", "创建单位", None)
    assert "湖南省绿色制造体系创建计划征集工作的通知" in entry["cite"] and "二.4" in entry["cite"]  # seed 000, as cited
    assert client.post("/api/v1/list-stage/recognitions", json={
        "entry_ids": [entry["list_entry"]], "document_no": "湘工信节能〔2024〕90号",
        "published_on": "2024-12-20"}).status_code == 401  # the province's decision only
    done = client.post("/api/v1/list-stage/recognitions", headers=headers, json={
        "entry_ids": [entry["list_entry"]], "document_no": "湘工信节能〔2024〕90号", "published_on": "2024-12-20"})
    assert done.status_code == 201, done.get_json()
    assert done.get_json()["entries"][0]["status"] == "listed"
    public = client.get("/api/v1/lists?level=provincial&year=2024").get_json()
    assert [e["name"] for e in public["items"]] == ["常德创建单位烟机有限公司"]
    again = next(e for e in client.get("/api/v1/list-stage?year=2024").get_json()["items"]
                 if e["name"] == "常德创建单位烟机有限公司")
    assert again["recognized"]["document_no"] == "湘工信节能〔2024〕90号"


def test_the_province_recognizes_on_its_page(make_app, cheap_hashes):
    from core.accounts import services as accounts
    from core.lists import decisions
    from core.models import Role

    app = make_app("hunan", WTF_CSRF_ENABLED=False)
    with app.app_context():
        u = kit.unit("hunan", name="郴州市")
        c = kit.campaign("hunan", year=2024)
        a = kit.application(c, u, status=S.GRADED, org=kit.organization(u, "郴州创建单位有色金属有限公司"))
        decisions.publish_decision("province", level="provincial", year=2024, application_ids=[a.id],
                                   document_no="湘工信节能〔2024〕15号", published_on=dt.date(2024, 3, 23))
        accounts.create_user(username="prov_stage", password="湖南认定测试口令-2026", display_name="省厅",
                             role=Role.PROVINCE, actor="test")
        db.session.commit()
        entry_id = db.session.scalar(select(ListEntry.id).where(ListEntry.status == STAGE))
    client = app.test_client()
    assert client.post("/login", data={"username": "prov_stage", "password": "湖南认定测试口令-2026"}).status_code == 302
    page = BeautifulSoup(client.get("/province/stage?lang=zh").get_data(as_text=True), "html.parser")
    assert any("郴州创建单位有色金属有限公司" in label.get_text() for label in page.select("#f-entry_ids label"))
    r = client.post("/province/stage", data={"year": 2024, "document_no": "湘工信节能〔2024〕91号",
                                             "published_on": "2024-12-20", "entry_ids": [entry_id]})
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    with app.app_context():
        listed = db.session.scalar(select(ListEntry).where(ListEntry.status == "listed"))
        assert (listed.level, listed.year, listed.notice_no) == ("provincial", 2024, "湘工信节能〔2024〕91号")
    public = client.get("/public/stage?lang=zh").get_data(as_text=True)
    assert "已认定：2024年由 湘工信节能〔2024〕91号 列入名单" in public


def test_history_import_reads_the_stage(make_app, cheap_hashes):
    """A province loading its history names the 创建计划 in the status column: a stage entry, beside the 认定 of the
    same year; where the region's documents name no stage (Jiangxi 003), the row is refused with the reason."""
    from core.lists.history import import_history

    app = make_app("hunan")
    with app.app_context():
        kit.unit("hunan", name="岳阳市")
        code = kit.uscc("430600")
        rows = [["省级", 2024, "绿色工厂", code, "岳阳创建计划化工有限公司", "岳阳市", "湘工信节能〔2024〕12号", "2024-03-20",
                 "创建计划", "", ""],
                ["省级", 2024, "绿色工厂", code, "岳阳创建计划化工有限公司", "岳阳市", "湘工信节能〔2024〕88号", "2024-12-20",
                 "列入", "", ""]]
        report = import_history("province", _table(rows), "history.csv")
        assert report["ok"] and report["created"] == 2, report
        db.session.commit()
        statuses = sorted(db.session.scalars(select(ListEntry.status)).all())
        assert statuses == ["cultivation", "listed"]
        again = import_history("province", _table(rows), "history.csv")
        assert again["unchanged"] == 2 and again["created"] == 0
        db.session.rollback()
    other = make_app("jiangxi")
    with other.app_context():
        kit.unit("jiangxi", name="南昌市")
        report = import_history("province", _table([["省级", 2024, "绿色工厂", kit.uscc("360100"), "南昌某有限公司",
                                                     "南昌市", "赣工信〔2024〕1号", "2024-03-20", "创建计划", "", ""]]),
                                "history.csv")
        assert not report["ok"]
        assert any("no stage before the provincial list of 2024" in p for p in report["rows"][0]["problems"])
        db.session.rollback()


def _table(rows):
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["层级", "年度", "类型", "统一社会信用代码", "名称", "市州", "文号", "发布日期", "状态", "移出日期", "移出原因"])
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def test_the_dashboard_counts_no_stage_entry(make_app):
    """The province's counts of listed units (and the quota progress, which reads the same entries) leave out a
    unit that is only in the 创建计划: 000 二.4 makes it a 创建单位, not a listed unit."""
    from core.management.dashboard import listed_by_type_year

    app = make_app("hunan")
    with app.app_context():
        u = kit.unit("hunan", name="益阳市")
        for name, status in (("益阳已认定有限公司", "listed"), ("益阳创建单位有限公司", STAGE)):
            org = kit.organization(u, name)
            db.session.add(ListEntry(organization_id=org.id, unit_type="factory", level="provincial", year=2024,
                                     status=status, listed_on=dt.date(2024, 3, 20), notice_no="湘工信节能〔2024〕12号",
                                     source="import"))
        db.session.flush()
        counts = listed_by_type_year(admin_unit_id=u.id, level="provincial", until=2025)
        assert counts["cities"][u.id][2024] == {"factory": 1}
        db.session.rollback()
