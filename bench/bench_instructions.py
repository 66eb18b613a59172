"""W1 counted in instructions (issue 57): each page made, beside its libraries' floor and its floor, under callgrind.

    python bench/bench_instructions.py [--only "city list,notices"] [--requests 50] [--remembered]
                                       [--database postgresql|sqlite|both] [--applications 5000] [--keep DIR]
                                       [--db-prefix greenmfg_] [--ports LOW-HIGH] [--goal 1.3]

W1's goal is worker CPU per request under gunicorn (``bench/bench_pages.py --floor --gunicorn``); on the 2-core
machine that figure moves by a quarter between identical runs, more than most changes to a page. Instructions do
not move with the machine's load: this bench counts them. For each W1 page (bench_pages.PAGES) and database it
builds the rows once (bench/build_rows.py), then runs three processes under valgrind's callgrind, two at a time:
the product making the page in process (as bench_pages ``--floor`` makes it: kept pages off, or with
``--remembered`` as deployed with what pages read remembered), the page's libraries' floor and its floor
(bench/floor_app.py: the same statements and template through Flask-SQLAlchemy, Flask-Login, Flask-Babel,
Flask-WTF and WTForms, or through a Core engine and one template). Each process warms the page with 20 requests,
then counts ``--requests`` requests (collection switched on and off around them with ``callgrind_control``).
It prints instructions per request and the ratios made ÷ floor, libraries' floor ÷ floor and made ÷ libraries'
floor, and exits 1 when a made ÷ floor is above ``--goal``.

Instructions rank two versions of a page reliably; they are not its CPU time (cache misses and memory traffic
are not counted), so the goal's own figure stays bench_pages'. valgrind is installed from Debian's package when
missing and this is root (bench/wrkkit.py ``debian_binary``). ``--ports`` changes nothing (nothing is served).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchdb import options, with_databases  # noqa: E402
from wrkkit import debian_binary  # noqa: E402

MODES = ("made", "libraries", "floor")
WARM = 20


def child(mode: str, page_name: str, url: str, n: int, requests: int, remembered: bool) -> None:
    """In the process callgrind runs: the page's app (``mode``), warmed, then ``requests`` requests counted."""
    import bench_pages
    from build_rows import SECRET, build
    from floor_app import create_floor, create_libraries_floor, floor_path

    page = next(p for p in bench_pages.PAGES if p.name == page_name)
    args = bench_pages.build_parser().parse_args(["--floor", *(["--remembered"] if remembered else [])])
    built = build(url, n, keep=True)  # the parent built them: reused
    _product, clients, specs = bench_pages._captured(built, [page], args)
    client, headers = clients[0]
    path = page.path
    if mode != "made":
        app = (create_libraries_floor if mode == "libraries" else create_floor)(built.url, SECRET, specs)
        client = app.test_client()
        if page.who and not page.api:
            client.set_cookie("session", built.cookies[page.who])
        path = floor_path(0, path)
    for _ in range(WARM):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, (mode, page.name, answer.status_code)
    control = debian_binary("callgrind_control", "valgrind")
    subprocess.run([control, "-i", "on", str(os.getpid())], check=True, stdout=subprocess.DEVNULL)
    for _ in range(requests):
        client.get(path, headers=headers)
    subprocess.run([control, "-i", "off", str(os.getpid())], check=True, stdout=subprocess.DEVNULL)


def count(mode: str, page_name: str, url: str, n: int, requests: int, remembered: bool, folder: Path) -> int:
    """Instructions per request of ``page_name`` made by ``mode``, in a process of its own under callgrind."""
    out = folder / f"{mode}-{abs(hash(page_name))}.callgrind"
    command = [debian_binary("valgrind", "valgrind"), "--tool=callgrind", "--instr-atstart=no",
               f"--callgrind-out-file={out}", sys.executable, __file__, "--child", mode, page_name, url, str(n),
               str(requests), "1" if remembered else "0"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    totals = [line for line in out.read_text().splitlines() if line.startswith("totals:")] if out.exists() else []
    if done.returncode != 0 or not totals:
        raise SystemExit(f"{mode} of {page_name!r} failed under callgrind (exit {done.returncode}):\n"
                         f"{done.stderr[-3000:]}")
    return int(totals[0].split()[1]) // requests


def measure(url: str, args, names: list[str]) -> list[tuple[str, dict[str, int]]]:
    """Each page's instructions per request in every mode, on the database at ``url``."""
    from build_rows import build

    build(url, args.applications, keep=bool(args.keep))
    folder = Path(tempfile.mkdtemp(prefix="greenmfg-instructions-"))
    jobs = [(name, mode) for name in names for mode in MODES]
    with ThreadPoolExecutor(2) as pool:  # instructions do not depend on the load: two at a time on 2 CPUs
        found = list(pool.map(lambda job: count(job[1], job[0], url, args.applications, args.requests,
                                                args.remembered, folder), jobs))
    counts = dict(zip(jobs, found))
    return [(name, {mode: counts[name, mode] for mode in MODES}) for name in names]


def build_parser() -> argparse.ArgumentParser:
    """The bench's options (tests/ops/test_bench_options.py reads them without running the bench)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     parents=[options(databases=True, serves=False)])
    parser.add_argument("--only", default="", help="comma-separated words: pages whose name holds one of them")
    parser.add_argument("--requests", type=int, default=50, help="requests counted per page and mode")
    parser.add_argument("--remembered", action="store_true",
                        help="as deployed: what pages read remembered while nothing is written (kept pages off)")
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--database", choices=("both", "sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("GREENMFG_BENCH_PG_URL",
                                                           "postgresql+psycopg://postgres@127.0.0.1/postgres"))
    parser.add_argument("--keep", metavar="DIR", default="", help="reuse kept databases (bench/benchdb.py)")
    parser.add_argument("--goal", type=float, default=1.3, help="made ÷ floor at most (W1's goal)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        mode, page_name, url, n, requests, remembered = argv[1:7]
        child(mode, page_name, url, int(n), int(requests), remembered == "1")
        return 0
    args = build_parser().parse_args(argv)
    import bench_pages

    words = [w.strip() for w in args.only.split(",") if w.strip()]
    names = [p.name for p in bench_pages.PAGES if not words or any(w in p.name for w in words)]
    debian_binary("valgrind", "valgrind")
    how = "as deployed, what pages read remembered" if args.remembered else "kept pages off, nothing remembered"
    print(f"W1 in instructions (callgrind): {len(names)} pages, {args.applications:,} applications, {how}; "
          f"{args.requests} requests counted per page and app", flush=True)
    found = with_databases(args.pg_url, lambda url: measure(url, args, names), keep=args.keep or None,
                           name=f"rows_{args.applications}", only=args.database, prefix=args.db_prefix)
    print("| Page | Database | Instructions a request: made / libraries' floor / floor | Made ÷ floor | "
          "Libraries' floor ÷ floor | Made ÷ libraries' floor | Goal | Met |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    ok, worst = True, (0.0, "")
    for database, rows in found.items():
        label = "PostgreSQL" if database == "postgresql" else "SQLite"
        for name, c in rows:
            ratio = c["made"] / c["floor"]
            ok &= ratio <= args.goal
            worst = max(worst, (ratio, f"{name}, {label}"))
            print(f"| {name} | {label} | {c['made'] / 1e6:.2f} M / {c['libraries'] / 1e6:.2f} M / "
                  f"{c['floor'] / 1e6:.2f} M | {ratio:.2f}× | {c['libraries'] / c['floor']:.2f}× | "
                  f"{c['made'] / c['libraries']:.2f}× | ≤ {args.goal}× | {'yes' if ratio <= args.goal else '**no**'} |")
    print(f"largest made ÷ floor: {worst[0]:.2f}× ({worst[1]}; goal ≤ {args.goal}×)")
    print("PASS" if ok else "FAIL: a goal was missed")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
