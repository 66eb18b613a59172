"""Benchmark: a province imports five years of its lists, 10,000 entries, from xlsx (issue 15).

    python bench/bench_history_import.py [--rows 10000] [--region hunan] [--target 30] [--no-fail]
                                         [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Builds a realistic table (the region's cities, five years, city/provincial/national levels, a few
removals, valid credit codes) and imports it through :func:`core.lists.history.import_history`, the
service the web page, the API and the CLI call, into a fresh migrated database: an SQLite file in a
temporary folder and, when the server answers, a throwaway PostgreSQL database (created and dropped).
For each database it prints the seconds for the first import (every entry and organization created),
for a re-import of the same file (all unchanged) and the SQL statements each ran, and exits 1 when an
import takes ``--target`` seconds or more (issue 15: under 30 s).
"""
from __future__ import annotations

import argparse
import io
import random
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from openpyxl import Workbook
from stdnum.cn import uscc as stdnum_uscc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchdb import with_databases  # noqa: E402

from core import create_app  # noqa: E402
from core.extensions import db, init_migrate  # noqa: E402

HEADER = ["层级", "年度", "类型", "统一社会信用代码", "名称", "市州", "文号", "发布日期", "状态", "移出日期", "移出原因"]
TRADES = ("机械", "化工", "建材", "电子", "纺织", "食品", "冶金", "医药", "汽车零部件", "新材料", "造纸", "家具")


def build_table(app, rows: int, seed: int = 15) -> bytes:
    from core.models import AdminUnit
    from core.services.admin_units import sync_admin_units

    rng = random.Random(seed)
    with app.app_context():
        rules = app.extensions["greenmfg"].rules
        sync_admin_units("bench")
        db.session.commit()
        units = [u.name for u in db.session.scalars(sa.select(AdminUnit).where(AdminUnit.region == rules.region_code))]
        types = [t.name for t in rules.unit_types.values() if t.code in ("factory", "park", "supply_chain")]
        levels = [rules.list_levels[lv].name for lv in ("city", "provincial", "national")]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("名单历史")
    ws.append(HEADER)
    last_year = 2025
    n = 0
    while n < rows:
        body = f"91430{rng.randrange(100, 999)}{n:08d}7"
        code = body + stdnum_uscc.calc_check_digit(body)
        city = rng.choice(units)
        name = f"{city.rstrip('市州')}{rng.choice(TRADES)}绿色制造{n}号有限公司"
        unit_type = types[0] if rng.random() < 0.85 else rng.choice(types)
        for lv_index, level in enumerate(levels):  # a unit climbs: city, then provincial, then national
            if n >= rows:
                break
            year = last_year - 4 + min(4, lv_index + rng.randrange(0, 3))
            removed = rng.random() < 0.03
            ws.append([level, year, unit_type, code, name, city, f"示例〔{year}〕{n % 300 + 1}号", f"{year}-12-{rng.randrange(1, 28):02d}",
                       "移出" if removed else "列入", f"{year + 1}-06-30" if removed else None,
                       "未按时填报年度动态管理表" if removed else None])
            n += 1
            if rng.random() < 0.5:
                break
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(url: str, region: str, rows: int) -> dict[str, float]:
    from flask_migrate import upgrade

    from core.lists.history import import_history

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "GREENMFG_REGION": region,
                      "GREENMFG_RATELIMIT_ENABLED": False})
    init_migrate(app)
    with app.app_context():
        upgrade()
    table = build_table(app, rows)
    out = {}
    with app.app_context():
        statements = []
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.append(1))
        for label in ("first import", "re-import (unchanged)"):
            statements.clear()
            started = time.perf_counter()
            report = import_history("bench", table, "history.xlsx")
            db.session.commit()
            seconds = time.perf_counter() - started
            assert report["ok"], [r for r in report["rows"] if not r["ok"]][:3]
            out[label] = seconds
            print(f"  {label:24s} {seconds:6.2f} s  {len(statements):5d} statements  created {report['created']:5d} "
                  f"unchanged {report['unchanged']:5d} organizations created {report['organizations_created']}")
        db.engine.dispose()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--region", default="hunan")
    parser.add_argument("--target", type=float, default=30.0)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-fail", action="store_true")
    args = parser.parse_args()
    results = with_databases(args.pg_url, lambda url: run(url, args.region, args.rows),
                             f" ({args.rows} rows, region {args.region})")
    slowest = max(s for r in results.values() for s in r.values())
    verdict = "met" if slowest < args.target else "MISSED"
    print(f"target: every import under {args.target:.0f} s — {verdict} (slowest {slowest:.2f} s)")
    return 0 if slowest < args.target or args.no_fail else 1


if __name__ == "__main__":
    sys.exit(main())
