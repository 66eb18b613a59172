"""Benchmark W6 (issue 46): the city's summary table as PDF through the product's job, beside a warm conversion of
the same xlsx by the kept LibreOffice.

    python bench/bench_summary_pdf.py [--rows 200] [--rounds 5] [--goal 1.2] [--ports LOW-HIGH | --port 5714]
                                      [--db-prefix greenmfg_] [--no-fail] [--only sqlite|postgresql|both]
                                      [--pg-url postgresql+psycopg://…]

Builds Hunan's 2024 round with ``--rows`` recommended applications of one city (bench_summary_export.build_round)
in a fresh migrated database (SQLite, then a throwaway PostgreSQL database when the server answers), with the
in-process job back end and the kept LibreOffice on two consecutive free ports of ``--ports LOW-HIGH`` (unoserver
and LibreOffice itself; ``--port PORT``: PORT and PORT + 1; default: ports the system hands out; a pair in use, such
as another bench's kept LibreOffice, is skipped and the pair taken is printed), started once, before the rounds
(loopback only). The throwaway PostgreSQL database is named ``--db-prefix`` + ``bench_`` + random.
Each round times, one right after the other so the pair shares the machine's load:

* the floor: the kept LibreOffice converting the table's xlsx (made once by the export service) to PDF, warm
  (:meth:`core.services.office.Kept.convert`: the xlsx written to a folder, unoserver's client, the PDF read back);
* the product: what the city's user waits for, through the web pages (Flask's test client): ``POST
  /city/summary.pdf`` (the job is queued), the job (the table written again from the database, printed by the
  kept LibreOffice, stored, the job finished and audited), then ``GET /jobs/<id>/download``;
It prints min/median/max of each and of the ratio product/floor, and where the product's time goes (the job's
writing of the xlsx and its printing, timed inside the job; the rest: the pages, the job's bookkeeping, the file
store), the one-shot soffice's time for the same xlsx
(what each PDF cost before), and the load average; it exits 1 when the median ratio is above ``--goal`` (≤ 1.2×)
on any database.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_summary_export import build_round  # noqa: E402
from benchdb import Ports, options, port_alias, with_databases  # noqa: E402

from core import create_app  # noqa: E402
from core.extensions import db, init_migrate  # noqa: E402

PASSWORD = "Bench-pdf-2026!x"
#: how often the bench reads the job's row to see it done (as the job's page would, without its 1-s reload)
POLL_SECONDS = 0.002


def stats(values: list[float], unit: str = " s") -> str:
    return f"min {min(values):6.3f}  median {statistics.median(values):6.3f}  max {max(values):6.3f}{unit}"


def run(url: str, rows: int, rounds: int, ports: Ports, oneshot: bool) -> float:
    """The rounds on the database at ``url`` (module docstring); the median ratio product ÷ floor."""
    port = ports.take("the kept LibreOffice (unoserver, then LibreOffice)", span=2)
    try:
        return _rounds(url, rows, rounds, port, oneshot)
    finally:
        ports.give_back(port, span=2)


def _rounds(url: str, rows: int, rounds: int, port: int, oneshot: bool) -> float:
    from flask_migrate import upgrade

    from core.accounts import services as accounts
    from core.applications import summary
    from core.models import Role
    from core.services import office

    storage = tempfile.mkdtemp(prefix="greenmfg-bench-pdf-")
    app = create_app({"SECRET_KEY": "bench", "GREENMFG_REGION": "hunan", "SQLALCHEMY_DATABASE_URI": url,
                      "GREENMFG_RATELIMIT_ENABLED": False, "GREENMFG_RATELIMIT_STORAGE": "memory://",
                      "GREENMFG_MFA_ROLES": [], "WTF_CSRF_ENABLED": False, "GREENMFG_JOBS_BACKEND": "thread",
                      "GREENMFG_JOBS_EMBEDDED_SCHEDULER": False, "GREENMFG_EVIDENCE_DIR": storage,
                      "GREENMFG_AUDIT_ANCHOR_DIR": storage, "GREENMFG_PDF_PORT": port})
    init_migrate(app)
    with app.app_context():
        upgrade()
        unit, campaign = build_round(rows)
        campaign_id = campaign.id
        accounts.create_user(username="bench_city", password=PASSWORD, display_name="长沙市工信局", role=Role.CITY,
                             actor="bench", admin_unit_id=unit.id)
        xlsx = summary.export_xlsx(unit, campaign, "bench")
        db.session.commit()
        settings = office.Settings.of_app()
    kept = office.Kept(settings)
    started = time.perf_counter()
    if not kept.ensure():
        raise SystemExit(f"the kept LibreOffice did not start (see {kept.log_path})")
    print(f"  kept LibreOffice started in {time.perf_counter() - started:.1f} s (port {port})")
    client = app.test_client()
    answer = client.post("/login", data={"username": "bench_city", "password": PASSWORD})
    assert answer.status_code in (302, 303), answer.status_code
    backend = app.extensions["greenmfg_jobs"]

    watch = sa.create_engine(url, pool_size=1)  # how the job's page sees it: its row (one kept connection)

    def done(public_id: str) -> bool:
        with watch.connect() as conn:
            status = conn.execute(sa.text("SELECT status FROM job WHERE public_id = :p"), {"p": public_id}).scalar()
        assert status != "failed", "the job failed"
        return status == "done"

    def product() -> tuple[float, bytes]:
        """Until the user has the file: the job's row says done (the thread then gives memory back to the system,
        which the user does not wait for), then the download."""
        began = time.perf_counter()
        answer = client.post(f"/city/summary.pdf?campaign={campaign_id}")
        inside["post"].append(time.perf_counter() - began)
        assert answer.status_code == 302 and "/jobs/" in answer.headers["Location"], answer.status_code
        public_id = answer.headers["Location"].rsplit("/", 1)[1]
        while not done(public_id):
            time.sleep(POLL_SECONDS)
        asked = time.perf_counter()
        download = client.get(answer.headers["Location"] + "/download")
        inside["download"].append(time.perf_counter() - asked)
        seconds = time.perf_counter() - began
        assert download.status_code == 200 and download.data[:5] == b"%PDF-", download.status_code
        backend.wait(600)  # the job's thread has ended before the next round
        return seconds, download.data

    # what the job itself spends on writing and printing, and the two requests around it
    inside: dict[str, list[float]] = {"xlsx": [], "print": [], "post": [], "download": []}

    def timed(name: str, func):
        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                inside[name].append(time.perf_counter() - began)
        return wrapper

    summary.export_xlsx = timed("xlsx", summary.export_xlsx)
    summary.print_pdf = timed("print", summary.print_pdf)
    kept.convert(xlsx)  # warm: the first conversion loads Calc's libraries
    product()
    floors, products, ratios = [], [], []
    for times in inside.values():
        times.clear()
    for _ in range(rounds):
        began = time.perf_counter()
        floor_pdf = kept.convert(xlsx)
        floors.append(time.perf_counter() - began)
        seconds, pdf = product()
        products.append(seconds)
        ratios.append(products[-1] / floors[-1])
    exports, prints = inside["xlsx"], inside["print"]
    rest = [p - x - q for p, x, q in zip(products, exports, prints)]
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    print(f"  floor: kept LibreOffice, xlsx → PDF   {stats(floors)}  ({len(xlsx) // 1024} KiB xlsx, "
          f"{len(floor_pdf) // 1024} KiB PDF)")
    print(f"  product: start → job → download      {stats(products)}  ({pages} pages)")
    print(f"  ratio product/floor                  min {min(ratios):.2f}x  median {statistics.median(ratios):.2f}x  "
          f"max {max(ratios):.2f}x")
    print(f"  in the job: writing the xlsx         {stats(exports)}  (core.applications.summary.export_xlsx)")
    print(f"  in the job: printing it              {stats(prints)}  (core.services.office.print_pdf)")
    print(f"  the rest: pages, job, file store     {stats(rest)}  (product − the two)")
    print(f"    of it, the POST that queues the job {stats(inside['post'])}")
    print(f"    of it, the download                {stats(inside['download'])}")
    if oneshot:
        began = time.perf_counter()
        office.oneshot(xlsx)
        print(f"  (one-shot soffice for the same xlsx, the PDF before: {time.perf_counter() - began:.2f} s)")
    watch.dispose()
    with app.app_context():
        db.engine.dispose()
    office.stop_kept(settings)
    return statistics.median(ratios)


def build_parser() -> argparse.ArgumentParser:
    """The bench's options (tests/ops/test_bench_options.py reads them without running the bench)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     parents=[options(databases=True, serves=True)])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--goal", type=float, default=1.2)
    port_alias(parser, 2, "the kept LibreOffice's port and the next one")
    parser.add_argument("--only", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--no-oneshot", action="store_true", help="do not time the one-shot soffice")
    parser.add_argument("--pg-url", default=os.environ.get("GREENMFG_TEST_PG_URL",
                                                           "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--no-fail", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    print(f"W6: the summary PDF ({args.rows} rows, Hunan 附件2-1/2-2) through the job ÷ a warm conversion by the kept "
          f"LibreOffice, {args.rounds} rounds; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = with_databases(args.pg_url,
                             lambda url: run(url, args.rows, args.rounds, args.ports, not args.no_oneshot),
                             only=args.only, prefix=args.db_prefix)
    worst = max(results.values())
    verdict = "met" if worst <= args.goal else "MISSED"
    print(f"goal: PDF through the job ≤ {args.goal}x a warm conversion on every database — {verdict} "
          f"(worst median {worst:.2f}x); load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if worst <= args.goal or args.no_fail else 1


if __name__ == "__main__":
    sys.exit(main())
