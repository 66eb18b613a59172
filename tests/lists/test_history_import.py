"""Importing the lists a province already has (issue 15), on SQLite and PostgreSQL.

The table's rows (level, year, unit type, 统一社会信用代码, name, city, 文号, date; removals too) are
checked whole before anything is written; a re-import changes only what changed; the import is
audited; only province staff may run it (web, JSON API, CLI). Then the rules that read history decide
as the documents say:

* 办法 第十一条 / 001_3f04a56fc6693327.txt 一.1: a national applicant must already be a provincial unit
  (national plugin rule ``national_needs_provincial``): with an imported provincial entry it passes;
* 002_9c75e1d2ebfbdf50.txt 附件1 二(三), 004_7a8ddd82f611ab67.txt 第十七条(三): a unit removed from a list
  within three years may not apply: an imported removal blocks submission;
* a unit already on the national list is not recommended again (the recommendation gate).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402

from core.accounts import services as accounts  # noqa: E402
from core.extensions import db  # noqa: E402
from core.lists import history  # noqa: E402
from core.models import AuditLog, ListEntry, Organization, Role  # noqa: E402
from core.services.admin_units import sync_admin_units  # noqa: E402

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

HEADER = ["层级", "年度", "类型", "统一社会信用代码", "名称", "市州", "文号", "发布日期", "状态", "移出日期", "移出原因"]


def _rows(n: int = 3) -> list[list]:
    a, b, c = kit.uscc("430100"), kit.uscc("430200"), kit.uscc("430300")
    rows = [
        ["省级", 2022, "绿色工厂", a, "长沙绿色机械有限公司", "长沙市", "湘工信节能〔2022〕80号", "2022-12-20", "列入", None, None],
        ["国家级", 2023, "绿色工厂", a, "长沙绿色机械有限公司", "长沙市", "工信厅节函〔2024〕2号", "2024-01-10", "列入", None, None],
        ["省级", 2021, "绿色工厂", b, "株洲绿色陶瓷有限公司", "株洲市", "湘工信节能〔2021〕66号", "2021-12-15", "移出",
         "2024-05-01", "未按时填报年度动态管理表"],
        ["市级", 2020, "绿色园区", c, "湘潭绿色产业园管理委员会", "湘潭市", "潭工信〔2020〕9号", "2020-11-30", None, None, None],
    ]
    return rows[:n + 1]


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv(rows, encoding="utf-8-sig") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    writer.writerows([["" if v is None else v for v in r] for r in rows])
    return buf.getvalue().encode(encoding)


@pytest.fixture
def hunan(make_app):
    app = make_app("hunan", WTF_CSRF_ENABLED=False)
    with app.app_context():
        sync_admin_units("test")
        db.session.commit()
    return app


@pytest.mark.parametrize("fmt", ["xlsx", "utf-8-sig", "gb18030"])
def test_xlsx_and_csv_tables_import_and_reimport_idempotently(hunan, fmt):
    rows = _rows(3)
    raw = _xlsx(rows) if fmt == "xlsx" else _csv(rows, fmt)
    with hunan.app_context():
        report = history.import_history("province", raw, f"history.{'xlsx' if fmt == 'xlsx' else 'csv'}")
        db.session.commit()
        assert report["ok"] and (report["created"], report["updated"], report["organizations_created"]) == (4, 0, 3)
        entries = db.session.scalars(select(ListEntry).order_by(ListEntry.id)).all()
        assert [(e.level, e.year, e.status, e.source) for e in entries] == [
            ("provincial", 2022, "listed", "import"), ("national", 2023, "listed", "import"),
            ("provincial", 2021, "removed", "import"), ("city", 2020, "listed", "import")]
        assert entries[2].removed_on == dt.date(2024, 5, 1) and entries[3].unit_type == "park"
        again = history.import_history("province", raw, "again")
        db.session.commit()
        assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)
        rows[0][8:11] = ["移出", "2025-06-30", "发生较大安全事故"]  # a removal recorded later
        changed = history.import_history("province", _xlsx(rows), "changed.xlsx")
        db.session.commit()
        assert (changed["created"], changed["updated"], changed["unchanged"]) == (0, 1, 3)
        assert changed["rows"][0]["changes"]["status"] == ["listed", "removed"]
        assert db.session.scalar(select(func.count(ListEntry.id))) == 4
        audits = db.session.scalars(select(AuditLog).where(AuditLog.action == "list.history_imported")).all()
        assert len(audits) == 3 and audits[-1].data["updated"] == 1 and len(audits[-1].data["sha256"]) == 64


def test_a_bad_row_writes_nothing_and_every_problem_is_reported(hunan):
    rows = _rows(3)
    rows[1][0] = "部级"  # unknown level
    rows[2][3] = "91430100MA4L00000X"  # a wrong check digit
    rows[3][5] = "火星市"  # unknown city
    rows.append(list(rows[0]))  # the same unit, type, level and year twice
    with hunan.app_context():
        report = history.import_history("province", _xlsx(rows), "bad.xlsx")
        assert not report["ok"] and report["rejected"] == 4
        bad = {r["row"]: " ".join(r["problems"]) for r in report["rows"] if not r["ok"]}
        assert set(bad) == {3, 4, 5, 6}
        assert "部级" in bad[3] and "火星市" in bad[5] and "row 2" in bad[6]
        assert db.session.scalar(select(func.count(ListEntry.id))) == 0
        assert db.session.scalar(select(func.count(Organization.id))) == 0


def test_only_province_staff_import_through_web_api_and_cli(hunan, tmp_path):
    with hunan.app_context():
        province = accounts.create_user(username="prov_hist", password="名单历史导入口令-2025", display_name="省厅",
                                        role=Role.PROVINCE, actor="test")
        city = kit.user(Role.CITY, admin_unit_id=kit.unit("hunan", "hunan.changsha").id)
        p_token, _ = accounts.create_token(province, "t")
        c_token, _ = accounts.create_token(city, "t")
        db.session.commit()
    client = hunan.test_client()
    rows = _rows(3)
    raw = _xlsx(rows[:2])
    refused = client.post("/api/v1/list-history", headers={"Authorization": f"Bearer {c_token}"},
                          data={"file": (io.BytesIO(raw), "h.xlsx")}, content_type="multipart/form-data")
    assert refused.status_code == 403
    checked = client.post("/api/v1/list-history", headers={"Authorization": f"Bearer {p_token}"},
                          data={"file": (io.BytesIO(raw), "h.xlsx"), "dry_run": "true"},
                          content_type="multipart/form-data")
    assert checked.status_code == 200 and checked.get_json()["created"] == 2 and checked.get_json()["dry_run"]
    with hunan.app_context():
        assert db.session.scalar(select(func.count(ListEntry.id))) == 0
    web = hunan.test_client()
    web.post("/login", data={"username": "prov_hist", "password": "名单历史导入口令-2025"})
    assert web.get("/province/list-history/template.xlsx").status_code == 200
    page = web.post("/province/list-history", data={"file": (io.BytesIO(raw), "h.xlsx")},
                    content_type="multipart/form-data")
    assert page.status_code == 200 and "新增 2 条" in page.get_data(as_text=True)
    with hunan.app_context():
        assert db.session.scalar(select(func.count(ListEntry.id))) == 2
    path = tmp_path / "h.csv"
    path.write_bytes(_csv(rows))
    from core.cli.lists_cmd import lists_group

    out = hunan.test_cli_runner().invoke(lists_group, ["import-history", str(path)])
    assert out.exit_code == 0, out.output
    assert "imported: 2 created, 0 updated, 2 unchanged" in out.output


def test_history_based_rules_decide_after_an_import(hunan):
    """A national factory applicant passes the provincial prerequisite with an imported provincial entry and
    is refused without one; an imported removal in the look-back blocks submission; an imported national
    entry keeps the unit off a new national recommendation."""
    from core.applications import eligibility
    from core.lists import recommend

    rows = _rows(3)
    with hunan.app_context():
        history.import_history("province", _xlsx(rows), "h.xlsx")
        db.session.commit()
        orgs = {o.uscc: o for o in db.session.scalars(select(Organization))}
        listed, removed = orgs[rows[0][3]], orgs[rows[2][3]]
        c = kit.campaign("hunan", year=2025, level="national", types=("factory",))
        newcomer = kit.organization(kit.unit("hunan", "hunan.changsha"), "长沙新申报绿色电子有限公司")
        with_history = kit.application(c, kit.unit("hunan", "hunan.changsha"), org=listed, level="national")
        without = kit.application(c, kit.unit("hunan", "hunan.changsha"), org=newcomer, level="national")
        day = dt.date(2025, 10, 20)
        data_ok = eligibility.rule_data(with_history, day)
        data_no = eligibility.rule_data(without, day)
        rule = hunan.extensions["greenmfg"].rules.eligibility_rules["national_needs_provincial"]
        assert rule.check(data_ok) is None and "provincial" in [str(x) for x in data_ok["held_levels"]]
        assert "省级" in rule.check(data_no)
        c2 = kit.campaign("hunan", year=2025, level="provincial", types=("factory",))
        again = kit.application(c2, kit.unit("hunan", "hunan.zhuzhou"), org=removed, level="provincial")
        results = eligibility.evaluate(again, day)
        removal = [r for r in results if r["kind"] == "removal"]
        assert removal and removal[0]["ok"] is False and "未按时填报" in removal[0]["message"]
        # the list named in words in each language (a page showed "2021 provincial factory" to Chinese readers)
        from core.i18n import halves

        assert halves(removal[0]["message"]) == ("2021年省级绿色工厂：未按时填报年度动态管理表（2024-05-01）",
                                                 "2021 provincial list (Green factory): 未按时填报年度动态管理表 (2024-05-01)")
        gates = {g["code"]: g for g in recommend.gates(with_history, 2025, as_of=day)}
        assert gates["already_national"]["ok"] is False


def test_the_template_reads_back_with_every_column_named(hunan):
    """The template clerks download (written by xlsxwriter) is read back by the import's own reader: its first row
    names every column and its example row is under them (Hunan's on the Hunan instance: issue 61,
    tests/lists/test_history_template.py for every region)."""
    import time_machine

    from core.lists.history import COLUMNS, _header_map, read_rows, template_xlsx

    with hunan.app_context(), time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        rows = read_rows(template_xlsx(), "名单历史.xlsx")
    assert set(_header_map(rows[0])) == set(COLUMNS)
    assert rows[1][:6] == ("省级", 2025, "绿色工厂", "91430100MA4L00000F", "长沙示例绿色制造有限公司", "长沙市")
