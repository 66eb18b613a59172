"""Hunan's tables as exported, against seed 000 附件2-1/附件2-2 (000_5ae1342e00264ea1.txt) and 001 附件2.

附件2-1: "2024年湖南省绿色制造体系申报汇总表（绿色工厂、绿色供应链管理示范企业）推荐单位（盖章）：… 单位：万元", columns
序号 … 2023年主营业务收入（预计） 2023年利润（预计） 2023年税收（预计） 申报单位联系人及手机, then the 注. The 2023 figures are
the 预计 row of 附件1 企业近三年经营情况 (the year before the round).
"""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from summary_kit import CASES, data_rows, header_row, populate, rows_of, world

from core.applications import summary
from core.extensions import db
from core.services import audit_chain
from core.models import Application, AuditLog
from core.models import ApplicationStatus as S
from sqlalchemy import select


def _export(case_name: str, n: int = 3, year: int | None = None, start: int = 1):
    case = CASES[case_name]
    if year is not None:
        from dataclasses import replace

        case = replace(case, year=year)
    unit, campaign = world(case)
    populate(case, unit, campaign, n, start=start)
    data = summary.export_summary(unit.id, campaign.id, "city")
    db.session.commit()
    return campaign, load_workbook(io.BytesIO(data))


@pytest.mark.region("hunan")
def test_2024_tables_print_as_attachments_2_1_and_2_2(app):
    campaign, wb = _export("hunan-2024", 6)
    assert wb.sheetnames == ["附件2-1", "附件2-2"]
    ws = wb["附件2-1"]
    rows = rows_of(ws)
    assert [r[0] for r in rows[:4]] == ["附件2-1", "2024年湖南省绿色制造体系申报汇总表", "（绿色工厂、绿色供应链管理示范企业）",
                                         "推荐单位（盖章）：长沙市"]
    assert "单位：万元" in rows[3]
    h = header_row(rows)
    assert rows[h] == ["序号", "申报单位", "主营业务", "创建类型", "所属行业", "所属体系分类", "2023年主营业务收入（预计）",
                       "2023年利润（预计）", "2023年税收（预计）", "申报单位联系人及手机", "统一社会信用代码"]
    body = data_rows(rows)
    assert [r[0] for r in body] == [1, 2, 3, 4]  # factories and supply-chain enterprises (4 of 6)
    assert {r[3] for r in body} == {"湖南省绿色工厂", "湖南省绿色供应链管理示范企业"}  # 000 附件2-1 注2
    notes = [r[0] for r in rows[h + 1 + len(body):]]
    assert notes[0] == "注：1、此表由市州工信局、省直管试点县（市）工信部门填写。" and notes[1].startswith("2、创建类型是指")
    # the merged title spans the printed columns; the credit code is outside the print area, the header repeats
    assert "A2:J2" in {str(m) for m in ws.merged_cells.ranges}
    assert ws.print_area == "'附件2-1'!$A$1:$J$" + str(ws.max_row)
    assert ws.print_title_rows == f"${h + 1}:${h + 1}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    # one page wide (fitToWidth absent is the schema's default, 1, as xlsxwriter writes it), as many pages tall as needed
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.cell(row=2, column=1).font.name == "宋体" and ws.cell(row=h + 2, column=2).font.name == "仿宋"
    assert ws.cell(row=h + 2, column=2).border.left.style == "thin"
    assert ws.cell(row=h + 2, column=7).number_format == "#,##0.00"
    park = rows_of(wb["附件2-2"])
    assert park[2][0] == "（绿色园区）" and "单位：平方公里、亿元" in park[3]
    assert [r[0] for r in data_rows(park)] == [1, 2]


@pytest.mark.region("hunan")
def test_figures_come_from_the_finance_row_of_the_year_before_the_round(app):
    """2023年主营业务收入（预计） is the 2023 row of 附件1's three years, wherever it sits; a 2026 round prints 2025."""
    campaign, wb = _export("hunan-2024", 1)
    (a,) = db.session.scalars(select(Application).where(Application.campaign_id == campaign.id)).all()
    rows = rows_of(wb["附件2-1"])
    finances = {r["year"]: r for r in a.extension_data["hunan.finances"]}
    body = data_rows(rows)[0]
    assert body[6:9] == [finances[2023]["revenue"], finances[2023]["profit"], finances[2023]["tax"]]
    later, wb = _export("hunan-2024", 1, year=2026, start=100)
    rows = rows_of(wb["附件2-1"])
    assert rows[1][0] == "2026年湖南省绿色制造体系申报汇总表"
    assert rows[header_row(rows)][6] == "2025年主营业务收入（预计）"
    (a,) = db.session.scalars(select(Application).where(Application.campaign_id == later.id)).all()
    assert data_rows(rows)[0][6] == next(r["revenue"] for r in a.extension_data["hunan.finances"] if r["year"] == 2025)
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "summary.exported")).all()[-1]
    assert audit.data["reuses"] == 2024 and audit.data["year"] == 2026
    footer = wb["附件2-1"].HeaderFooter.oddFooter
    assert "本表沿用2024年度版式" in footer.left.text and "&P" in footer.center.text


@pytest.mark.region("hunan")
def test_2025_national_table_has_the_seed_heading_and_platform_columns(app):
    """001 附件2: 新申报国家级绿色制造单位信息汇总表, 填报市州（盖章）, 填报人, 联系电话; its columns are marked the platform's."""
    campaign, wb = _export("hunan-2025", 4)
    assert wb.sheetnames == ["附件2"]
    rows = rows_of(wb["附件2"])
    assert [r[0] for r in rows[:5]] == ["附件2", "新申报国家级绿色制造单位信息汇总表", "填报市州（盖章）：株洲市", "填报人：",
                                         "联系电话："]
    assert rows[header_row(rows)][:4] == ["序号", "单位名称", "统一社会信用代码", "申报类型"]
    assert len(data_rows(rows)) == 4
    assert "平台版式" in wb["附件2"].HeaderFooter.oddFooter.left.text


@pytest.mark.region("hunan")
def test_export_is_one_query_and_streams(app):
    """Issue 23: the rows, their organization, city and firm come from one SELECT (no lazy load per row)."""
    import sqlalchemy as sa

    case = CASES["hunan-2024"]
    unit, campaign = world(case)
    populate(case, unit, campaign, 30)
    statements = []
    listener = lambda conn, cursor, statement, *a: statements.append(statement)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        db.session.expire_all()
        summary.export_summary(unit.id, campaign.id, "city")
        db.session.flush()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert sum("FROM application" in s for s in selects) == 1, selects
    # the unit, the campaign, the rows, the audit row; and the audit chain's lock and tail read (issue 47)
    assert len(statements) <= 4 + audit_chain.STATEMENTS, statements


@pytest.mark.region("hunan")
def test_formula_text_stays_text(app):
    case = CASES["hunan-2024"]
    unit, campaign = world(case)
    populate(case, unit, campaign, 1)
    a = db.session.scalars(select(Application).where(Application.campaign_id == campaign.id)).first()
    a.extension_data = {**a.extension_data, "hunan.main_business": "=HYPERLINK(\"http://x\")"}
    a.status = S.CITY_RECOMMENDED
    db.session.commit()
    ws = load_workbook(io.BytesIO(summary.export_summary(unit.id, campaign.id, "city")))["附件2-1"]
    cell = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert cell.data_type == "s" and cell.quotePrefix
