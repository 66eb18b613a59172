"""Benchmark W3 (issues 23, 46): a 10,000-row summary table exported, beside openpyxl and xlsxwriter writing the same cells.

    python bench/bench_summary_export.py [--rows 10000] [--runs 3] [--goal 0.5] [--no-fail] [--db-prefix greenmfg_]
                                         [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Builds Hunan's 2024 round (000 附件2-1/2-2) with ``--rows`` recommended applications (factories, supply-chain
enterprises and parks with their 附件1 data) in a fresh migrated database: an SQLite file and, when the
server answers, a throwaway PostgreSQL database (``--db-prefix`` + ``bench_`` + random). Each run times
:func:`core.applications.summary.export_summary`
(the service the page, the API and a background job call: one query, xlsxwriter, the audit row) and, in the same
run, right before it so the three share the machine's load: openpyxl in write-only mode writing the same cells
(the exported values, each with its style as a named style, the same row heights, widths and merged cells) — the
peer people use — and xlsxwriter writing the same with nothing around it (the floor). It prints min/median/max of
``--runs`` runs of each, the SQL statements of one export, the ratios export ÷ openpyxl and export ÷ xlsxwriter
(min/median/max) with the load average, and exits 1 when the median export ÷ openpyxl is above ``--goal``
(issue 46: ≤ 0.5×).
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import os
import random
import statistics
import sys
import time
from copy import copy
from pathlib import Path

import sqlalchemy as sa
from stdnum.cn import uscc as stdnum_uscc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchdb import options, with_databases  # noqa: E402

from core import create_app  # noqa: E402
from core.extensions import db, init_migrate  # noqa: E402

TRADES = ("精细化工", "新材料", "装备制造", "电子信息", "食品加工", "生物医药", "有色金属", "建筑材料")
INDUSTRIES = ("有色金属", "冶金", "建材", "化工", "机械", "汽车", "电子", "轻工", "食品", "生物医药", "其它")
MODERN = ("现代石化", "工程机械", "轨道交通", "数字产业", "新能源", "前沿材料")
CONFIG = {"SECRET_KEY": "bench", "GREENMFG_REGION": "hunan", "GREENMFG_RATELIMIT_ENABLED": False,
          "GREENMFG_RATELIMIT_STORAGE": "memory://"}


def uscc(n: int, prefix: str = "91430100") -> str:
    body = f"{prefix}{n:09d}"
    return body + stdnum_uscc.calc_check_digit(body)


def build_round(rows: int, status: str = "city_recommended", seed: int = 23, city=None):
    """Hunan's 2024 provincial round with ``rows`` applications of Changsha: (city, campaign). A second
    round for the same ``city`` gets organizations of its own."""
    from core.models import AdminUnit, Application, Campaign, Organization

    rng = random.Random(seed)
    unit = city or AdminUnit(region="hunan", code="hunan.changsha", name="长沙市", kind="市", source="bench")
    db.session.add(unit)
    offset = 500_000 if city is not None else 0
    now = dt.datetime.now(dt.UTC)
    campaign = Campaign(region="hunan", year=2024, level="provincial", title="2024年湖南省绿色制造体系创建计划",
                        unit_types=["factory", "supply_chain", "park"], opens_at=now - dt.timedelta(days=30),
                        closes_at=now + dt.timedelta(days=300))
    db.session.add(campaign)
    db.session.flush()
    orgs = [{"uscc": uscc(offset + i), "name": f"长沙市第{i}号{TRADES[i % 8]}{'科技股份' if i % 2 else ''}有限公司",
             "admin_unit_id": unit.id, "created_at": now, "updated_at": now} for i in range(1, rows + 1)]
    for part in range(0, rows, 5000):
        db.session.execute(sa.insert(Organization), orgs[part:part + 5000])
    ids = dict(db.session.execute(sa.select(Organization.uscc, Organization.id)
                                  .where(Organization.admin_unit_id == unit.id)).all())
    apps = []
    for i, o in enumerate(orgs, start=1):
        unit_type = ("factory", "supply_chain", "factory", "park")[i % 4]
        if unit_type == "park":
            ext = {"hunan.leading_industry": f"{rng.choice(TRADES)}、{rng.choice(TRADES)}",
                   "hunan.park_built_area": round(rng.uniform(3, 60), 2),
                   "hunan.park_total_output_est": round(rng.uniform(50, 900), 2),
                   "hunan.park_industrial_output_est": round(rng.uniform(40, 800), 2)}
        else:
            ext = {"hunan.main_business": f"{rng.choice(TRADES)}产品的研发、生产与销售",
                   "hunan.industry": rng.choice(INDUSTRIES), "hunan.modern_industry": rng.choice(MODERN),
                   "hunan.finances": [{"year": y, "total_assets": 5000 + i, "debt_ratio": 45.5,
                                       "revenue": round(rng.uniform(1000, 90000), 2),
                                       "profit": round(rng.uniform(-50, 900), 2), "tax": round(rng.uniform(10, 600), 2)}
                                      for y in (2021, 2022, 2023)]}
        apps.append({"campaign_id": campaign.id, "organization_id": ids[o["uscc"]], "admin_unit_id": unit.id,
                     "unit_type": unit_type, "level": "provincial", "evaluation_mode": "self", "status": status,
                     "indicator_values": {}, "extension_data": ext,
                     "score": None if status == "draft" else round(rng.uniform(60, 98), 2),
                     "requested_levels": ["provincial"], "contact_name": rng.choice(("王建国", "李娜", "欧阳晓明")),
                     "contact_phone": f"138{i:08d}", "declarations": {}, "version": 1,
                     "submitted_at": None if status == "draft" else now, "created_at": now, "updated_at": now})
    for part in range(0, rows, 2000):
        db.session.execute(sa.insert(Application), apps[part:part + 2000])
    db.session.commit()
    return unit, campaign


def peer_write(grids) -> bytes:
    """openpyxl write-only writing the same cells: each value with its style (a named style each, the fast way in
    write-only mode), the row heights, column widths and merged cells of the export (``grids``: :func:`capture`)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import NamedStyle

    wb = Workbook(write_only=True)
    for name, (widths, rows, merged) in grids.items():
        ws = wb.create_sheet(name)
        for letter, width in widths.items():
            ws.column_dimensions[letter].width = width
        for r, (height, cells) in enumerate(rows, start=1):
            ws.row_dimensions[r].height = height
            out = []
            for value, style in cells:
                cell = WriteOnlyCell(ws, value=value)
                if style is not None:
                    if style.name not in wb.named_styles:
                        wb.add_named_style(NamedStyle(name=style.name, font=style.font, border=style.border,
                                                      alignment=style.alignment, number_format=style.number_format))
                    cell.style = style.name
                    if style.quoted:
                        cell.data_type = "s"
                        cell.quotePrefix = True
                out.append(cell)
            ws.append(out)
        for ref in merged:
            ws.merged_cells.add(ref)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def bare_xlsxwriter(grids) -> bytes:
    """xlsxwriter writing the same cells, formats, row heights, column widths and merged cells with nothing
    around them: the library's own cost, the least the product's export can take."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    formats = {}
    for name, (widths, rows, merged) in grids.items():
        ws = wb.add_worksheet(name)
        for i, width in enumerate(widths.values()):
            ws.set_column_pixels(i, i, width * 7)
        for ref in merged:
            ws.merge_range(ref, None)
        for r, (height, cells) in enumerate(rows):
            ws.set_row(r, height)
            for c, (value, style) in enumerate(cells):
                fmt = None
                if style is not None:
                    fmt = formats.get(style.name)
                    if fmt is None:
                        fmt = formats[style.name] = wb.add_format(style.xlsxwriter)
                if isinstance(value, str) and value:
                    ws.write_string(r, c, value, fmt)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(r, c, value, fmt)
                elif fmt is not None:
                    ws.write_blank(r, c, None, fmt)
    wb.close()
    return buf.getvalue()


class Style:
    """One cell style of the export as both peers write it."""

    def __init__(self, name: str, cell):
        self.name = name
        self.font, self.border, self.alignment = copy(cell.font), copy(cell.border), copy(cell.alignment)
        self.number_format, self.quoted = cell.number_format, bool(cell.quotePrefix)
        font, al = cell.font, cell.alignment
        self.xlsxwriter = {"font_name": font.name, "font_size": font.sz, "bold": bool(font.b),
                           "align": al.horizontal or "general", "valign": "vcenter", "text_wrap": bool(al.wrap_text),
                           "indent": int(al.indent or 0), "quote_prefix": self.quoted}
        if cell.border.left is not None and cell.border.left.style:
            self.xlsxwriter.update(border=1, border_color="#000000")
        if font.color is not None and font.color.rgb and isinstance(font.color.rgb, str):
            self.xlsxwriter["font_color"] = "#" + font.color.rgb[2:]
        if self.number_format != "General":
            self.xlsxwriter["num_format"] = self.number_format


def capture(data: bytes):
    """The cells of an exported workbook: per sheet (widths, [(row height, [(value, style)])], merged ranges)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    styles: dict = {}
    grids = {}
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows():
            cells = []
            for c in row:
                style = None
                if c.has_style:
                    key = tuple(c._style)
                    style = styles.get(key) or styles.setdefault(key, Style(f"s{len(styles)}", c))
                cells.append((c.value, style))
            rows.append((ws.row_dimensions[row[0].row].height or 15, cells))
        widths = {k: d.width for k, d in ws.column_dimensions.items()}
        grids[ws.title] = (widths, rows, [str(m) for m in ws.merged_cells.ranges])
    return grids


def stats(values: list[float]) -> str:
    return f"min {min(values):6.3f}  median {statistics.median(values):6.3f}  max {max(values):6.3f} s"


def run(url: str, rows: int, runs: int) -> tuple[float, float]:
    from flask_migrate import upgrade

    from core.applications.summary import export_summary

    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    init_migrate(app)
    with app.app_context():
        upgrade()
        unit, campaign = build_round(rows)
        statements: list[int] = []
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.append(1))
        data = export_summary(unit.id, campaign.id, "bench")
        db.session.rollback()
        count = len(statements)
        grids = capture(data)
        cells = sum(len(cells) for _, rows_, _ in grids.values() for _, cells in rows_)
        ours, peer, bare, ratios, floors = [], [], [], [], []
        for _ in range(runs):  # each export right after its peers: the three share the machine's load
            gc.collect()
            started = time.perf_counter()
            peer_write(grids)
            peer.append(time.perf_counter() - started)
            gc.collect()
            started = time.perf_counter()
            bare_xlsxwriter(grids)
            bare.append(time.perf_counter() - started)
            db.session.expire_all()
            gc.collect()
            started = time.perf_counter()
            export_summary(unit.id, campaign.id, "bench")
            db.session.flush()
            ours.append(time.perf_counter() - started)
            ratios.append(ours[-1] / peer[-1])
            floors.append(ours[-1] / bare[-1])
            db.session.rollback()
        db.engine.dispose()
    ratio = statistics.median(ratios)
    print(f"  export_summary        {stats(ours)}  ({count} SQL statements, {len(data) // 1024} KiB)")
    print(f"  openpyxl write-only   {stats(peer)}  ({cells} cells)")
    print(f"  xlsxwriter bare       {stats(bare)}")
    print(f"  export ÷ openpyxl     min {min(ratios):.2f}x  median {ratio:.2f}x  max {max(ratios):.2f}x")
    print(f"  export ÷ xlsxwriter   min {min(floors):.2f}x  median {statistics.median(floors):.2f}x  "
          f"max {max(floors):.2f}x  (load average {os.getloadavg()[0]:.2f})")
    return ratio, statistics.median(floors)


def build_parser() -> argparse.ArgumentParser:
    """The bench's options (tests/ops/test_bench_options.py reads them without running the bench)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     parents=[options(databases=True, serves=False)])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--goal", type=float, default=0.5)
    parser.add_argument("--pg-url", default=os.environ.get("GREENMFG_TEST_PG_URL",
                                                           "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--no-fail", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    print(f"W3: a {args.rows}-row summary export (Hunan 附件2-1/2-2) beside openpyxl write-only and xlsxwriter bare, "
          f"{args.runs} runs; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = with_databases(args.pg_url, lambda url: run(url, args.rows, args.runs), prefix=args.db_prefix)
    worst = max(r[0] for r in results.values())
    verdict = "met" if worst <= args.goal else "MISSED"
    print(f"goal: export ≤ {args.goal}x openpyxl write-only on every database — {verdict} (worst median {worst:.2f}x); "
          f"load average {os.getloadavg()[0]:.2f}")
    return 0 if worst <= args.goal or args.no_fail else 1


if __name__ == "__main__":
    sys.exit(main())
