"""Jiangxi's printed summary table carries the seed's title on every page (issue 42 leftovers: its one sheet had no
print titles, where every other region's repeats its header rows).

Seed 003_a3fa60aeba77aa34.txt 附件 (line 77-79): "附件" and "2024 年绿色制造名单推荐汇总表" head the one sheet of three
tables (绿色工厂/绿色园区/绿色供应链管理企业推荐名单). Each page repeats the label and the title as the sheet's print
titles (so they stay on every page when a clerk inserts rows), and each page still starts with its table's caption
(续) and header.
"""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from summary_kit import CASES, populate, rows_of, world

from core.applications import summary


@pytest.mark.region("jiangxi")
def test_every_printed_page_carries_the_seed_s_title(app):
    case = CASES["jiangxi-2024"]
    unit, campaign = world(case)
    populate(case, unit, campaign, 90)
    ws = load_workbook(io.BytesIO(summary.export_summary(unit.id, campaign.id, "city"))).worksheets[0]
    rows = rows_of(ws)
    assert rows[0][0] == "附件" and rows[1][0] == "2024年绿色制造名单推荐汇总表"
    assert ws.print_title_rows == "$1:$2", ws.print_title_rows
    breaks = [b.id for b in ws.row_breaks.brk]
    assert len(breaks) >= 3
    for b in breaks:
        assert rows[b][0].endswith(("推荐名单", "推荐名单（续）")) and rows[b + 1][0] == "序号", rows[b]
