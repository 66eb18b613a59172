"""Issue 23 (W4): the import compares every cell with the stored draft and checks only what changed, through
the plugins' own fields; what it leaves out must not weaken it. An unchanged file writes nothing but the one
audit row of the import; a changed cell is still checked and refused naming its row (a cell of a table-valued
field, such as Hunan's three-year finances, rechecks its whole table); new units get their own ids in the audit.
"""
from __future__ import annotations

import contextlib
import gc
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlalchemy import select

from summary_kit import CASES, populate, rows_of, save, uscc, world

from core.applications import summary
from core.extensions import db
from core.models import Application, AuditLog, Organization
from core.models import ApplicationStatus as S

REVENUE = "2023年主营业务收入（预计）"


@contextlib.contextmanager
def writes():
    """The INSERT, UPDATE and DELETE statements executed meanwhile (their first words)."""
    seen: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen.append(" ".join(statement.split()[:3]))

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)


def _drafts(n: int):
    case = CASES["hunan-2024"]
    unit, campaign = world(case)
    populate(case, unit, campaign, n, status=S.DRAFT, types=("factory",))
    data = summary.export_summary(unit.id, campaign.id, "city", include_drafts=True)
    db.session.commit()
    return unit, campaign, data


def _factory_rows(wb):
    """The 附件2-1 sheet, its header and the sheet row numbers (1-based) of its data rows."""
    ws = wb["附件2-1"]
    rows = rows_of(ws)
    header = next(r for r in rows if r[0] == "序号")
    return ws, header, [i for i, r in enumerate(rows, start=1) if isinstance(r[0], int)]


def _actions(after: int = 0) -> list[str]:
    return list(db.session.scalars(select(AuditLog.action).where(AuditLog.id > after).order_by(AuditLog.id)))


def _last_audit() -> int:
    return db.session.scalar(select(sa.func.max(AuditLog.id))) or 0


def _versions(campaign) -> dict[int, tuple]:
    return {a.id: (a.version, a.updated_at, a.extension_data) for a in db.session.scalars(
        select(Application).where(Application.campaign_id == campaign.id))}


@pytest.mark.region("hunan")
def test_an_unchanged_file_writes_nothing_but_the_import_audit_row(app):
    unit, campaign, data = _drafts(6)
    before, last = _versions(campaign), _last_audit()
    with writes() as seen:
        report = summary.import_summary(unit.id, campaign.id, data, "city", locale="en")
        db.session.commit()
    assert report["ok"] and report["unchanged"] == 6 and report["updated"] == report["created"] == 0
    assert all(r["fields"] == [] for r in report["rows"])
    assert seen == ["INSERT INTO audit_log"], seen
    db.session.expire_all()
    assert _versions(campaign) == before
    assert _actions(last) == ["summary.imported"]
    assert gc.isenabled()  # the import pauses the cyclic collector only while it runs


@pytest.mark.region("hunan")
@pytest.mark.parametrize("bad, words", [(-5, "Must be at least 0"), ("很多", "Not a valid number")])
def test_a_changed_cell_is_checked_and_refused_naming_its_row(app, bad, words):
    """One draft's revenue made invalid, another's contact changed well: the first row is refused with the
    plugin field's message, naming its sheet row; nothing of the file is written (not the good row either)."""
    unit, campaign, _ = _drafts(4)
    wb = load_workbook(io.BytesIO(summary.export_summary(unit.id, campaign.id, "city", include_drafts=True)))
    ws, header, rows = _factory_rows(wb)
    revenue = header.index(REVENUE) + 1
    contact = next(i for i, h in enumerate(header, start=1) if h and str(h).startswith(("申报单位联系人", "联系人")))
    ws.cell(row=rows[1], column=revenue).value = bad
    ws.cell(row=rows[2], column=contact).value = "赵新 13900001111"
    before, last = _versions(campaign), _last_audit()
    with writes() as seen:
        report = summary.import_summary(unit.id, campaign.id, save(wb), "city", locale="en")
    assert not report["ok"] and report["rejected"] == 1 and report["updated"] == 1 and report["unchanged"] == 2
    (rejected,) = [r for r in report["rows"] if r["action"] == "rejected"]
    assert (rejected["sheet"], rejected["row"]) == ("附件2-1", rows[1])
    (field,) = rejected["fields"]
    assert field["column"] == REVENUE and field["status"] == "refused" and words in field["reason"], field
    assert words in rejected["reason"]
    good = next(r for r in report["rows"] if r["action"] == "updated")
    assert good["row"] == rows[2] and {f["status"] for f in good["fields"]} == {"accepted"}
    assert seen == []
    db.session.rollback()
    assert _versions(campaign) == before
    assert _actions(last) == []


@pytest.mark.region("hunan")
def test_a_changed_table_cell_rechecks_the_whole_table(app):
    """A draft whose three-year finances lack a year: its unchanged row imports as unchanged, but a changed
    revenue cell (a valid number) rechecks the whole table and is refused for the missing years."""
    unit, campaign, _ = _drafts(3)
    draft = db.session.scalars(select(Application).where(Application.campaign_id == campaign.id)
                               .order_by(Application.id)).first()
    code = db.session.get(Organization, draft.organization_id).uscc
    ext = dict(draft.extension_data)
    ext["hunan.finances"] = [r for r in ext["hunan.finances"] if r["year"] == 2023]
    draft.extension_data = ext
    db.session.commit()
    data = summary.export_summary(unit.id, campaign.id, "city", include_drafts=True)
    db.session.commit()
    assert summary.import_summary(unit.id, campaign.id, data, "city", locale="en")["unchanged"] == 3
    db.session.rollback()
    wb = load_workbook(io.BytesIO(data))
    ws, header, rows = _factory_rows(wb)
    uscc_col = next(i for i, h in enumerate(header, start=1) if h and "统一社会信用代码" in str(h))
    (at,) = [r for r in rows if ws.cell(row=r, column=uscc_col).value == code]
    ws.cell(row=at, column=header.index(REVENUE) + 1).value = 4321.5
    report = summary.import_summary(unit.id, campaign.id, save(wb), "city", locale="en")
    assert not report["ok"] and report["rejected"] == 1 and report["unchanged"] == 2
    (rejected,) = [r for r in report["rows"] if r["action"] == "rejected"]
    assert rejected["row"] == at and rejected["uscc"] == code
    assert "Length must be 3" in rejected["reason"] or "three consecutive years" in rejected["reason"], rejected


@pytest.mark.region("hunan")
def test_new_units_are_created_with_their_own_ids_in_the_audit(app):
    """Every new organization and application is written in one INSERT each and its id read back from it:
    each audit row names the application created for its own credit code."""
    case = CASES["hunan-2024"]
    unit, campaign, data = _drafts(5)
    wb = load_workbook(io.BytesIO(data))
    ws, header, rows = _factory_rows(wb)
    uscc_col = next(i for i, h in enumerate(header, start=1) if h and "统一社会信用代码" in str(h))
    name_col = header.index("申报单位") + 1
    new_codes = [uscc(880000 + k) for k in range(len(rows))]
    for k, r in enumerate(rows):  # every row becomes a new organization
        ws.cell(row=r, column=uscc_col).value = new_codes[k]
        ws.cell(row=r, column=name_col).value = f"{case.city}新建第{k + 1}号材料有限公司"
    report = summary.import_summary(unit.id, campaign.id, save(wb), "city", locale="en")
    assert report["ok"], [r["reason"] for r in report["rows"] if r["action"] == "rejected"]
    assert report["created"] == 5
    db.session.commit()
    created = {a.object_id: a.data for a in db.session.scalars(
        select(AuditLog).where(AuditLog.action == "application.created"))}
    assert len(created) == 5
    for app_id, data_ in created.items():
        application = db.session.get(Application, int(app_id))
        assert application.campaign_id == campaign.id and application.status == S.DRAFT
        assert application.organization.uscc == data_["organization"]
        assert application.unit_type == data_["unit_type"] == "factory"
        assert data_["diff"]["ext.hunan.finances"][1]
    imported = {a.object_id: a.data["uscc"] for a in db.session.scalars(
        select(AuditLog).where(AuditLog.action == "organization.imported"))}
    assert sorted(imported.values()) == sorted(new_codes)
    for org_id, code in imported.items():
        assert db.session.get(Organization, int(org_id)).uscc == code


@pytest.mark.region("shanxi")
def test_a_mode_the_round_does_not_allow_is_refused_naming_the_rules_source(app):
    """Shanxi's table has a 评价方式 column (004 第十一条); in the 2025 national round the ministry's notice allows
    self-evaluation only (001_3f04a56fc6693327.txt 附件1 二 (一): 如实自主填报申报表完成自评价). A row asking for
    第三方评价 is refused naming the ministry as the rule's source, as a draft's save does, not the column."""
    import dataclasses

    case = dataclasses.replace(CASES["shanxi-2025"], level="national")
    unit, campaign = world(case)
    populate(case, unit, campaign, 2, status=S.DRAFT, types=("factory",))
    db.session.commit()
    data = summary.export_summary(unit.id, campaign.id, "city", include_drafts=True)  # 评价方式: 第三方评价
    db.session.execute(sa.update(Application).where(Application.campaign_id == campaign.id)
                       .values(evaluation_mode="self"))
    db.session.commit()
    for locale, words in (("zh", "评价方式须为以下之一：自评价（规则来源：工业和信息化部）"),
                          ("en", "Evaluation mode must be one of: Self-evaluation (rule from Ministry of Industry")):
        report = summary.import_summary(unit.id, campaign.id, data, "city", locale=locale)
        db.session.rollback()
        assert not report["ok"] and report["rejected"] == 2, report
        reasons = [f["reason"] for r in report["rows"] for f in r["fields"] if f["status"] == "refused"]
        assert reasons and all(words in reason for reason in reasons), reasons
