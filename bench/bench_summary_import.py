"""Benchmark W4 (issues 23, 46, 57): a filled summary table imported beside python-calamine's read + the plugins' loads.

    python bench/bench_summary_import.py [--rows 1000] [--runs 3] [--goal 1.3] [--no-fail] [--database both]
                                         [--db-prefix greenmfg_]
                                         [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

The file is Hunan's 2024 table (000 附件2-1/2-2) as a city exports it and saves it again in a spreadsheet program
(:func:`_saved`), ``--rows`` units long. Each run times :func:`core.applications.summary.import_summary` (the service
the page, the API and a background job call: the file read, every column checked in memory with the plugins' own
fields, one SELECT for all the credit codes, bulk INSERTs and UPDATEs, the audit rows in one INSERT) three times:

* **new units**: into a database that has the round but none of the units (every organization and
  application created);
* **unchanged**: the same file into the database it was exported from (every row compared, nothing written);
* **drafts changed**: the working copy of ``--rows`` drafts with a figure and the contact of every row
  edited (every draft updated: one UPDATE, the audit rows);

and, right before each, its peer (issue 57): python-calamine reading every cell of the same file
(``CalamineWorkbook`` and each sheet's ``to_python``, nothing around it) plus the plugins' marshmallow loads of
the file's values, the checks the draft form and the JSON API apply to the same values (issue 17: one set of rules
for every channel). The loads are the ones the import itself makes, recorded in an untimed import of the same
file before the runs (the outermost ``Schema.load`` calls, their schema and arguments) and replayed as they were
made; an unchanged file has none. The pair shares the machine's load; both run with the cyclic collector paused,
as the import does (:func:`core.services.memory.collector_paused`). Each import is rolled back after it is timed,
so every run starts from the same data.

It prints, per database and case, min/median/max of ``--runs`` runs, the SQL statements of one import, the ratio
import ÷ peer of each pair (min/median/max), and beside them calamine's read alone, the platform's reader
(:func:`core.services.spreadsheets.read_xlsx`, which reads a plain file with python-calamine after a look at its
XML) ÷ calamine, and the loads' share of the peer. Issue 57's goal is import ÷ (calamine's read + the loads) ≤ 1.3×
in every case on both databases; the bench exits 1 when a median misses it (unless ``--no-fail``).

Databases: a fresh SQLite file (two, in a temporary folder) and, when the server at ``--pg-url`` answers, two
throwaway PostgreSQL databases named ``--db-prefix`` + ``bench_`` + a random suffix (the second one + ``_empty``),
dropped at the end (issue 57: benches take a database-name prefix; bench/benchdb.py). The bench serves nothing:
``--ports`` changes nothing here.
"""
from __future__ import annotations

import argparse
import gc
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_summary_export import CONFIG, build_round, stats  # noqa: E402
from benchdb import options, postgresql, server, throwaway_name  # noqa: E402

from core import create_app  # noqa: E402
from core.extensions import db, init_migrate  # noqa: E402
from core.applications.summary_import import MAX_BYTES, MAX_ROWS  # noqa: E402
from core.services.memory import collector_paused  # noqa: E402
from core.services.spreadsheets import read_xlsx  # noqa: E402


def calamine_read(data: bytes) -> int:
    """python-calamine reading every cell of every sheet of the file (the read any import has to do)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    cells = 0
    for i in range(len(book.sheet_names)):
        cells += sum(len(row) for row in book.get_sheet_by_index(i).to_python(skip_empty_area=False))
    return cells


class Loads:
    """The outermost ``marshmallow.Schema.load`` calls made while it is installed (their schema and arguments), to be
    replayed by :meth:`replay`: the plugins' loads of an import's values."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, tuple, dict]] = []
        self._depth = 0

    def __enter__(self) -> Loads:
        from marshmallow import Schema

        self._load = load = Schema.load
        loads = self

        def recorded(schema, *args, **kwargs):
            if not loads._depth:
                loads.calls.append((schema, args, kwargs))
            loads._depth += 1
            try:
                return load(schema, *args, **kwargs)
            finally:
                loads._depth -= 1

        Schema.load = recorded
        return self

    def __exit__(self, *exc: object) -> None:
        from marshmallow import Schema

        Schema.load = self._load

    def replay(self) -> None:
        """Each load again, as it was made (a refusal is the load's own outcome, as in the import)."""
        from marshmallow import ValidationError

        for schema, args, kwargs in self.calls:
            try:
                schema.load(*args, **kwargs)
            except ValidationError:
                pass


def _saved(data: bytes) -> bytes:
    """The file as a city sends it back: opened and saved by a spreadsheet program (openpyxl's normal mode here,
    which like Excel and WPS writes each sheet's ``<dimension>``)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _edited(data: bytes) -> bytes:
    """The working copy with the 2023 revenue and the contact of every row changed (as a clerk would)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        header = None
        for row in ws.iter_rows():
            if row[0].value == "序号":
                header = [c.value for c in row]
            elif header and isinstance(row[0].value, int):
                row[header.index("2023年主营业务收入（预计）") if "2023年主营业务收入（预计）" in header else 3].value = 1234.5
                contact = next(i for i, h in enumerate(header) if h and str(h).startswith(("申报单位联系人", "联系人")))
                row[contact].value = f"赵新 139{row[0].value:08d}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _app(url: str):
    from flask_migrate import upgrade

    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    init_migrate(app)
    with app.app_context():
        upgrade()
    return app


def run(url: str, second_url: str, rows: int, runs: int) -> dict[str, float]:
    """The three cases on one database (and a second one for the new units and the drafts): {case: median ratio}."""
    from core.applications.summary import export_summary, import_summary
    from core.models import AdminUnit

    app = _app(url)
    with app.app_context():
        unit, campaign = build_round(rows)
        data = export_summary(unit.id, campaign.id, "bench")
        db.session.commit()
        ids = unit.id, campaign.id
    empty_app = _app(second_url)
    with empty_app.app_context():  # the round without its units; and the round as drafts, in another round
        empty_unit, empty_campaign = build_round(0)
        empty_ids = empty_unit.id, empty_campaign.id
        drafts_unit, drafts_campaign = build_round(rows, status="draft",
                                                   city=db.session.get(AdminUnit, empty_ids[0]))
        drafts_ids = drafts_unit.id, drafts_campaign.id
        edited = _edited(export_summary(*drafts_ids, "bench", include_drafts=True))
        db.session.commit()
    saved = _saved(data)
    cases = {"new units": (saved, empty_app, empty_ids, "created"), "unchanged": (saved, app, ids, "unchanged"),
             "drafts changed": (edited, empty_app, drafts_ids, "updated")}
    loads: dict[str, Loads] = {}
    for label, (raw, target, (city_id, campaign_id), _) in cases.items():  # each case's loads, recorded once
        with target.app_context(), Loads() as loads[label]:
            import_summary(city_id, campaign_id, raw, "bench", locale="zh")
            db.session.rollback()
    times: dict[str, list[float]] = {label: [] for label in (*cases, "calamine", "reader")}
    peers: dict[str, list[float]] = {label: [] for label in cases}
    shares: dict[str, list[float]] = {label: [] for label in cases}
    ratios: dict[str, list[float]] = {label: [] for label in cases}
    readers: list[float] = []
    counts: dict[str, int] = {}
    cells = 0
    for _ in range(runs):
        for label, (raw, target, (city_id, campaign_id), expected) in cases.items():
            with target.app_context():
                gc.collect()
                with collector_paused():  # the peer right before the import: the two share the machine's load
                    started = time.perf_counter()
                    cells = calamine_read(raw)
                    read = time.perf_counter() - started
                    loads[label].replay()
                    peer = time.perf_counter() - started
                    started = time.perf_counter()
                    read_xlsx(raw, max_bytes=MAX_BYTES, max_rows=MAX_ROWS + 200)
                    times["reader"].append(time.perf_counter() - started)
                times["calamine"].append(read)
                readers.append(times["reader"][-1] / read)
                statements: list[int] = []
                listener: Callable[..., None] = lambda *a, **k: statements.append(1)  # noqa: E731
                sa.event.listen(db.engine, "before_cursor_execute", listener)
                gc.collect()
                with collector_paused():
                    started = time.perf_counter()
                    report = import_summary(city_id, campaign_id, raw, "bench", locale="zh")
                    db.session.flush()
                    took = time.perf_counter() - started
                sa.event.remove(db.engine, "before_cursor_execute", listener)
                assert report["ok"], [r for r in report["rows"] if r["action"] == "rejected"][:3]
                assert report[expected] == rows, (label, {k: report[k] for k in ("created", "updated", "unchanged")})
                counts[label] = len(statements)
                db.session.rollback()
            times[label].append(took)
            peers[label].append(peer)
            shares[label].append((peer - read) / peer)
            ratios[label].append(took / peer)
    for target in (app, empty_app):
        with target.app_context():
            db.engine.dispose()
    print(f"  python-calamine read   {stats(times['calamine'])}  ({cells} cells, {len(saved) // 1024} KiB)")
    print(f"  read_xlsx              {stats(times['reader'])}  ÷ calamine min {min(readers):.2f}x "
          f"median {statistics.median(readers):.2f}x max {max(readers):.2f}x")
    medians = {}
    for label in cases:
        medians[label] = ratio = statistics.median(ratios[label])
        print(f"  import, {label:14s} {stats(times[label])}  ({counts[label]} SQL statements, "
              f"{len(loads[label].calls)} loads)")
        share = statistics.median(shares[label])
        print(f"    {'':22s} peer (calamine + loads) {stats(peers[label])}, loads {share:.0%} of it;  "
              f"import ÷ peer min {min(ratios[label]):.2f}x median {ratio:.2f}x max {max(ratios[label]):.2f}x")
    print(f"  load average {os.getloadavg()[0]:.2f}")
    return medians


def _pg_databases(pg_url: str, prefix: str, body: Callable[[str, str], Any]) -> Any:
    """``body(url, second url)`` on two throwaway PostgreSQL databases named ``prefix`` + ``bench_`` + a random
    suffix (the second + ``_empty``), or None when no server answers."""
    admin = server(pg_url)
    if admin is None:
        return None
    name = throwaway_name(prefix)
    names = [name, f"{name}_empty"]
    try:
        with postgresql(admin, pg_url, names) as urls:
            print(f"PostgreSQL ({', '.join(names)})")
            return body(*urls)
    finally:
        admin.dispose()


def build_parser() -> argparse.ArgumentParser:
    """The bench's options (tests/ops/test_bench_options.py reads them without running the bench)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     parents=[options(databases=True, serves=False)])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--goal", type=float, default=1.3, help="import ÷ (python-calamine's read + the plugins' "
                                                                 "loads), the median of every case")
    parser.add_argument("--database", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument("--pg-url", default=os.environ.get("GREENMFG_TEST_PG_URL",
                                                           "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--no-fail", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    print(f"W4: a {args.rows}-row summary import (Hunan 附件2-1/2-2) beside python-calamine's read + the plugins' "
          f"loads, {args.runs} runs; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results: dict[str, dict[str, float]] = {}
    if args.database in ("both", "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            print("SQLite")
            results["SQLite"] = run(f"sqlite:///{tmp}/{args.db_prefix}a.sqlite3",
                                    f"sqlite:///{tmp}/{args.db_prefix}b.sqlite3", args.rows, args.runs)
    if args.database in ("both", "postgresql"):
        found = _pg_databases(args.pg_url, args.db_prefix, lambda url, second: run(url, second, args.rows, args.runs))
        if found is not None:
            results["PostgreSQL"] = found
    missed = [f"{database} {label} {ratio:.2f}x" for database, medians in results.items()
              for label, ratio in medians.items() if ratio > args.goal]
    worst = max((r for medians in results.values() for r in medians.values()), default=0.0)
    verdict = f"MISSED ({'; '.join(missed)})" if missed else "met"
    print(f"goal: import ≤ {args.goal}x (python-calamine's read + the plugins' loads) in every case — {verdict} "
          f"(worst median {worst:.2f}x); load average {os.getloadavg()[0]:.2f}")
    return 0 if not missed or args.no_fail else 1


if __name__ == "__main__":
    sys.exit(main())
