"""Jiangxi's table as exported, against seed 003 附件 (003_a3fa60aeba77aa34.txt): ONE sheet with the three
tables stacked (绿色工厂推荐名单, 绿色园区推荐名单, 绿色供应链管理企业推荐名单), each with its caption and header
序号 设区市 区县 …名称 第三方机构名称 行业|类型 推荐申报国家级或省级（可同时填报）, tick boxes "☑国家级 ☐省级" (both may be
ticked), and the signature block 推荐单位： / (单位公章) / 年 月 日 under them."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from summary_kit import CASES, populate, rows_of, world

from core.applications import summary
from core.extensions import db
from core.models import Application, Organization

SEED_COLUMNS = ["序号", "设区市", "区县", "{name}", "第三方机构名称", "{category}", "推荐申报国家级或省级（可同时填报）"]


@pytest.mark.region("jiangxi")
def test_one_sheet_three_tables_ticks_and_footer(app):
    case = CASES["jiangxi-2024"]
    unit, campaign = world(case)
    populate(case, unit, campaign, 9)
    wb = load_workbook(io.BytesIO(summary.export_summary(unit.id, campaign.id, "city")))
    assert len(wb.sheetnames) == 1
    ws = wb.worksheets[0]
    rows = rows_of(ws)
    assert rows[0][0] == "附件" and rows[1][0] == "2024年绿色制造名单推荐汇总表"
    captions = [(i, r[0]) for i, r in enumerate(rows) if isinstance(r[0], str) and r[0].endswith("推荐名单")]
    assert [c for _, c in captions] == ["绿色工厂推荐名单", "绿色园区推荐名单", "绿色供应链管理企业推荐名单"]
    names = {"绿色工厂推荐名单": ("工厂名称", "行业"), "绿色园区推荐名单": ("园区名称", "类型"),
             "绿色供应链管理企业推荐名单": ("企业名称", "行业")}
    codes = {}
    for i, caption in captions:
        name, category = names[caption]
        assert rows[i + 1][:7] == [h.format(name=name, category=category) for h in SEED_COLUMNS]
        assert rows[i + 1][7] == "统一社会信用代码"  # the key kept for re-import, outside the print area
        body = []
        for r in rows[i + 2:]:
            if not isinstance(r[0], int):
                break
            body.append(r)
        assert [r[0] for r in body] == [1, 2, 3]
        for r in body:
            assert r[1] == "南昌市" and r[6] in ("☑国家级 ☑省级", "☐国家级 ☑省级", "☑国家级 ☐省级")
            codes[r[7]] = r
    assert ws.print_area.endswith(f"$A$1:$G${ws.max_row}")
    assert [r[3] for r in rows[-3:]] == ["推荐单位：", "(单位公章)", "年　　月　　日"]
    apps = db.session.execute(select(Application, Organization).join(Organization)).all()
    for a, o in apps:
        row = codes[o.uscc]
        ticked = {label for label, code in (("国家级", "national"), ("省级", "provincial")) if code in a.requested_levels}
        assert row[6] == " ".join(("☑" if lbl in ticked else "☐") + lbl for lbl in ("国家级", "省级"))
        assert row[2] == a.extension_data["jiangxi.county"]
        assert row[4] == ("江南绿色低碳评价技术有限公司" if a.evaluator_firm_id else None)
        if a.unit_type == "park":
            assert row[5] == a.extension_data["jiangxi.park_type"]


@pytest.mark.region("jiangxi")
def test_long_tables_repeat_their_caption_and_header_on_each_page(app):
    """A stacked sheet is paginated here: each new page starts with its table's caption (续) and header."""
    case = CASES["jiangxi-2024"]
    unit, campaign = world(case)
    populate(case, unit, campaign, 90)
    ws = load_workbook(io.BytesIO(summary.export_summary(unit.id, campaign.id, "city"))).worksheets[0]
    rows = rows_of(ws)
    breaks = [b.id for b in ws.row_breaks.brk]
    assert len(breaks) >= 3
    for b in breaks:
        after = rows[b]  # the first row of the next page (row b + 1, index b)
        assert isinstance(after[0], str) and after[0].endswith(("推荐名单", "推荐名单（续）")), after
        assert rows[b + 1][0] == "序号"
    assert any(rows[b][0].endswith("（续）") for b in breaks)
