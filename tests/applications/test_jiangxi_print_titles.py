"""Jiangxi's printed summary table: each page starts with its table's column header, the title prints once (issue 42
leftovers; issue 61: the pages repeated the title rows as print titles, not the column header row).

Seed 003_a3fa60aeba77aa34.txt 附件 (line 77-79): "附件" and "2024 年绿色制造名单推荐汇总表" head the one sheet of three
tables (绿色工厂/绿色园区/绿色供应链管理企业推荐名单), each with its own column header (工厂名称 / 园区名称 / 企业名称, 行业 /
类型). The title prints on the first page, as the seed prints it; every later page starts with its table's caption
(续) and that table's header row (序号 … 推荐申报国家级或省级), so no sheet-wide print titles repeat (one range of rows
cannot be three tables' headers). Rendered by LibreOffice where it is installed (tests/applications/
test_summary_print.py renders every region's tables).
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook
from summary_kit import CASES, populate, rows_of, world

from core.applications import summary

TITLE = "2024年绿色制造名单推荐汇总表"


@pytest.mark.region("jiangxi")
def test_every_printed_page_starts_with_its_tables_column_header(app, tmp_path):
    case = CASES["jiangxi-2024"]
    unit, campaign = world(case)
    populate(case, unit, campaign, 90)
    data = summary.export_summary(unit.id, campaign.id, "city")
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = rows_of(ws)
    assert rows[0][0] == "附件" and rows[1][0] == TITLE
    assert ws.print_title_rows is None, ws.print_title_rows  # not the title rows on every page
    assert sum(1 for r in rows if r[0] == TITLE) == 1
    breaks = [b.id for b in ws.row_breaks.brk]
    assert len(breaks) >= 3
    for b in breaks:  # the page after each break: its table's caption (续), then its column header
        assert rows[b][0].endswith(("推荐名单", "推荐名单（续）")) and rows[b + 1][0] == "序号", rows[b]
        assert rows[b + 1][3] in ("工厂名称", "园区名称", "企业名称"), rows[b + 1]

    tools = [t for t in ("soffice", "pdftotext") if shutil.which(t) is None]
    if tools:
        pytest.skip(f"{', '.join(tools)} not installed: the workbook's rows are checked above")
    xlsx = tmp_path / "jiangxi.xlsx"
    xlsx.write_bytes(data)
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)], check=True, capture_output=True,
                   timeout=600)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "jiangxi.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = [[re.sub(r"\s", "", line) for line in p.splitlines() if line.strip()] for p in text.split("\f")
             if p.strip()]
    assert len(pages) == len(breaks) + 1, len(pages)
    assert TITLE in "".join(pages[0]) and not any(TITLE in "".join(p) for p in pages[1:])
    for n, lines in enumerate(pages[1:], start=2):  # each page begins with a caption, then its header row
        assert re.fullmatch(r"绿色(工厂|园区|供应链管理企业)推荐名单(（续）)?", lines[0]), (n, lines[:4])
        header = next(i for i, line in enumerate(lines) if "序号" in line)
        assert header <= 3 and "设区市" in lines[header], (n, lines[:6])
        assert not any(re.match(r"^\d+南昌市", line) for line in lines[:header]), (n, lines[:header])
