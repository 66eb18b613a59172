"""W1 (issue 23): every list page and JSON API collection beside a truly bare Flask app, in one run.

    python bench/bench_pages.py [--applications 5000,50000,500000] [--duration 10] [--repetitions 3]
                                [--only city,api] [--database both|sqlite|postgresql] [--keep DIR]
                                [--markdown FILE] [--pg-url postgresql+psycopg://postgres@127.0.0.1/postgres]
                                [--db-prefix greenmfg_] [--ports LOW-HIGH]

For each size and database (SQLite, then a throwaway PostgreSQL database: bench/benchdb.py; with ``--keep DIR``
kept ones, reused while the schema head stays the same) it builds N applications with bench/build_rows.py, counts
the SQL statements of one request to each page (the engine's ``before_cursor_execute`` event, in process), then
serves the product and bench/bare_app.py under gunicorn (bench/wrkkit.py: 2 sync workers, as the README runs
it) and measures with wrk (loopback) in ``--repetitions`` rounds; in each round, one after the other: the bare
route, the page asked again and again ("same"), and the page's successive pages in turn ("rotating": a wrk Lua
script walks the next-page links collected beforehand), and the same pages each made for its request ("new
page": a second server of the product keeping pages for 0 seconds, so every request makes its page, with what
pages read remembered while nothing is written: core/kernel/memo.py; what a visitor opening a page nobody asked
for in the last minute waits for). The ratio is page req/s ÷ bare req/s of the same round,
so load from other processes falls on both alike; printed as min / median / max over the rounds, with p99
latency and the load average at start and end. ``--markdown FILE`` writes the same figures as the README's
table rows. The product runs as deployed: list pages kept in Redis until the data they show changes
(core/web/pagecache.py); ``--page-cache off`` makes every page on every request. The statements printed are
those of a page made (a kept page runs none).

Goals (issue 23): city list same page ≥ 40 %, every other list, rotating pages and new pages ≥ 30 %, API
collections ≥ 25 % and ≤ 4 statements. Exits 1 when a goal is missed (or a page answers other than 200).

``--buffers`` (issue 46, Scaling; PostgreSQL only, no server): per page and size, the PostgreSQL buffers (shared
hit + read) of one request made afresh, for every page and JSON API collection a crawl as each of the built
accounts (anonymous, city, province) finds (core/testing/crawl.py, the statement guard's crawl; issue 57), named
by role and address pattern, and the pages above: each statement the page ran (after a warming request) is run again under
``EXPLAIN (ANALYZE, BUFFERS)`` with its own parameters, the buffers of every statement summed. Goal: at the
largest size ÷ at the smallest ≤ 1.5× for every page; a page that shows more rows at the larger size (the notices,
built one in 1,000 applications) is compared per row it shows (:func:`scaled`). ``--name`` names the kept
databases (``greenmfg_NAME_N``: ``--db-prefix`` + ``NAME_N``).

``--db-prefix PREFIX`` names the PostgreSQL databases (``PREFIX`` + ``bench_`` + random, or kept ``PREFIX`` +
``NAME_N``) and ``--ports LOW-HIGH`` the ports of the gunicorn servers (the product, the bare app, the second
product server; a port in use is skipped and each server's port is printed), so that two people bench side by
side (bench/benchdb.py).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchdb import options, with_databases  # noqa: E402
from build_rows import CITY, PROVINCE, SECRET, build, make_app  # noqa: E402
from wrkkit import Ratios, compare, serving, settled_cookie, wrk_binary  # noqa: E402

API_STATEMENTS = 4


@dataclass
class Page:
    name: str
    who: str | None  # username; None: anonymous
    path: str
    goal: float  # page req/s ÷ bare req/s, same page and rotating
    api: bool = False
    follow: str = "link"  # how the next page is found: "link" (the page's id="next-page" link), "after" (API), "none"


PAGES = [
    Page("city list", CITY, "/city?status=submitted&unit_type=factory&campaign=1", 0.40),
    Page("province list", PROVINCE, "/province/applications?status=submitted", 0.30),
    Page("public lists", None, "/public/lists", 0.30),
    Page("public lists, name search", None, "/public/lists?q=%E9%95%BF%E6%B2%99", 0.30),  # 长沙
    Page("public notices", None, "/notices", 0.30, follow="none"),
    Page("province notices", PROVINCE, "/province/notices", 0.30, follow="none"),
    Page("management filings", PROVINCE, "/management/filings", 0.30),
    Page("API applications", CITY, "/api/v1/applications?per_page=50", 0.25, api=True, follow="after"),
    Page("API lists", None, "/api/v1/lists", 0.25, api=True, follow="after"),
]


@contextlib.contextmanager
def counting(engine):
    import sqlalchemy as sa

    contexts: dict = {}

    def listener(conn, cursor, statement, parameters, context, executemany):
        contexts.setdefault(id(context), context)

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield contexts
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


BUFFERS_GOAL = 1.5
PAGE_ROWS = 200  # the most rows a page shows (the province's notices)


def buffers(built, pages: list[Page]) -> dict[str, tuple[int, int, int]]:
    """Per page: the buffers of the statements of one request made afresh, the rows its statements returned in
    all (what it shows: a page of several lists, such as the city's recommended units by unit type, shows the
    rows of each), and the most rows one statement returned (module docstring, ``--buffers``)."""
    import sqlalchemy as sa

    from core.extensions import db

    app = make_app(built.url, GREENMFG_PAGE_CACHE="off")
    with app.app_context():
        engine = db.engine
    out = {}
    pages = crawled(app, built) + pages
    for page in pages:
        client, headers = _client(app, built, page), _headers(built, page)
        path = page.path.replace("campaign=1", f"campaign={built.campaign_id}")  # a database built after a failed try
        client.get(path, headers=headers)
        ran: list = []

        def listener(conn, cursor, statement, parameters, context, executemany):
            ran.append((statement, parameters))

        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        total = shown = most = 0
        with engine.connect() as conn:
            raw = conn.connection.driver_connection
            for statement, parameters in ran:
                if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue  # a write (a session marked as seen): not the page's reading
                with raw.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters)
                    plan = cursor.fetchone()[0][0]["Plan"]
                total += plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
                shown += int(plan.get("Actual Rows", 0))
                most = max(most, int(plan.get("Actual Rows", 0)))
            raw.rollback()
        out[page.name] = total, shown, most
    with app.app_context():
        db.engine.dispose()
    return out


#: who crawls for ``--buffers`` (the accounts build_rows makes; ``None``: an anonymous visitor)
CRAWLERS = (None, CITY, PROVINCE)


def crawled(app, built) -> list[Page]:
    """Every page and JSON API collection a crawl of each role finds (core/testing/crawl.py, the crawl of the
    statement guard tests/perf/test_crawl_statements.py), named by role and address pattern (the numbers in an
    address, record ids and cursors, differ between the sizes)."""
    from core.testing.crawl import api_collections, crawl, pattern

    found: list[Page] = []
    for who in CRAWLERS:
        page = Page("", who, "/", 0)
        client = _client(app, built, page)
        found += [Page(f"{who or 'anonymous'} {pattern(path)}", who, path, 0) for path in crawl(client)]
        api = Page("", who, "/", 0, api=True)
        found += [Page(f"{who or 'anonymous'} {path}", who, path, 0, api=True)
                  for path in api_collections(app, app.test_client(), _headers(built, api))]
    return found


def scaling(args, sizes: list[int], pages: list[Page]) -> int:
    """``--buffers``: each page's buffers at every size, and the largest size's ÷ the smallest's."""
    found: dict[int, dict[str, tuple[int, int, int]]] = {}
    for n in sizes:
        def measure(url, n=n):
            t0 = time.perf_counter()
            built = build(url, n, args.seed, keep=bool(args.keep))
            print(f"  {'reused' if built.reused else 'built'} {n:,} applications in {time.perf_counter() - t0:.1f} s; "
                  f"load average {os.getloadavg()[0]:.2f}")
            return buffers(built, pages)
        found[n] = with_databases(args.pg_url, measure, f", {n:,} applications", keep=args.keep or None,
                                  name=f"{args.name}_{n}", only="postgresql",
                                  prefix=args.db_prefix).get("postgresql", {})
    if not all(found.values()):
        print("PostgreSQL did not answer")
        return 2
    small, large = min(sizes), max(sizes)
    names = list(dict.fromkeys(name for n in sizes for name in found[n]))  # the crawls' pages, in order
    width = max(28, *(len(name) for name in names))
    print(f"  {'page':{width}} " + " ".join(f"{n:>15,}" for n in sizes) + f"  {large:,} ÷ {small:,}  goal"
          + "  (buffers / rows shown)")
    ok, missed, ratios = True, [], {}
    for name in names:
        if not all(name in found[n] for n in sizes):  # a crawl found it at one size only: say so, not a pass
            print(f"  {name:{width}} found at " + ", ".join(f"{n:,}" for n in sizes if name in found[n]) + " only")
            continue
        ratio, per_row = scaled(found[small][name], found[large][name])
        ratios[name] = ratio
        ok &= ratio <= BUFFERS_GOAL
        if ratio > BUFFERS_GOAL:
            missed.append(name)
        print(f"  {name:{width}} " + " ".join(f"{found[n][name][0]:>9,} / {found[n][name][1]:>3}" for n in sizes)
              + f"  {ratio:>9.2f}×{' per row' if per_row else ''}  ≤ {BUFFERS_GOAL}× "
              + ("ok" if ratio <= BUFFERS_GOAL else "MISSED"))
    print(f"{len(names)} pages and collections; over {BUFFERS_GOAL}×: {', '.join(missed) or 'none'}")
    worst = max(ratios, key=ratios.get, default=None)
    if worst:
        print(f"largest ratio {large:,} ÷ {small:,}: {ratios[worst]:.2f}× ({worst}; goal ≤ {BUFFERS_GOAL}×)")
    print(f"load average {os.getloadavg()[0]:.2f}")
    print("PASS" if ok else "FAIL: a goal was missed")
    return 0 if ok else 1


def scaled(small: tuple[int, int, int], large: tuple[int, int, int]) -> tuple[float, bool]:
    """The larger database's buffers ÷ the smaller's for one page, and whether per row shown: a page that shows
    more rows at the larger size (the notices: build_rows makes one in 1,000 applications, so 5 at 5k and 500 at
    500k, and the pages show 5 against 50 or 200) is compared per row it shows, else its growth would be the rows
    added, not the cost of finding them. The rows shown are those all its statements returned: the city's
    recommended units are three lists, one per unit type (23, 6 and 8 rows at 5k; 51 each at 500k), and dividing by
    the longest list alone counted 37 rows' reading as 23's."""
    (small_buffers, small_rows, small_most), (large_buffers, large_rows, large_most) = small, large
    # a page's lists are longer at the larger size when its longest one is (a count of 1 more session or history
    # row elsewhere does not make it a list page); a statement returning more rows than a page shows is reading
    # them, not showing them (a dashboard's aggregation, a list that is not paged): compared whole
    if small_most and small_most < large_most <= PAGE_ROWS:
        return (large_buffers / large_rows) / (small_buffers / small_rows), True
    return large_buffers / max(1, small_buffers), False


def _client(app, built, page: Page):
    client = app.test_client()
    if page.who and not page.api:
        client.set_cookie("session", built.cookies[page.who])
    return client


def _headers(built, page: Page) -> dict[str, str]:
    return {"Authorization": f"Bearer {built.tokens[page.who]}"} if page.api and page.who else {}


def survey(built, pages: list[Page], rotate: int) -> dict[str, dict]:
    """Per page: statements of one request (after a warming one) and the paths of up to ``rotate`` pages."""
    from core.extensions import db

    app = make_app(built.url, GREENMFG_PAGE_CACHE="off")  # the statements of a page made, not of one kept
    with app.app_context():
        engine = db.engine
    out = {}
    for page in pages:
        client, headers = _client(app, built, page), _headers(built, page)
        client.get(page.path, headers=headers)
        with counting(engine) as seen:
            response = client.get(page.path, headers=headers)
        assert response.status_code == 200, (page.path, response.status_code)
        paths, path = [page.path], page.path
        while len(paths) < rotate and page.follow != "none":
            response = client.get(path, headers=headers)
            if page.follow == "link":
                match = re.search(r'id="next-page" href="([^"]+)"', response.get_data(as_text=True))
                nxt = match.group(1).replace("&amp;", "&") if match else None
            else:
                after = response.get_json().get("next_after")
                nxt = None if after is None else re.sub(r"[?&]after=[^&]*", "", page.path) + f"&after={after}"
            if not nxt:
                break
            paths.append(nxt if "?" in nxt else nxt.replace("&", "?", 1))
            path = paths[-1]
        out[page.name] = {"statements": len(seen), "paths": paths}
    with app.app_context():
        db.engine.dispose()
    return out


@dataclass
class Row:
    """One page's figures on one database at one size (a line of the table and of ``--markdown``)."""
    database: str
    n: int
    page: Page
    statements: int
    pages: int
    same: Ratios
    rotating: Ratios | None
    new: Ratios | None  # every page made for its request
    met: bool


def _met(page: Page, statements: int, same: Ratios, rotating: Ratios | None, new: Ratios | None) -> bool:
    others = [r for r in (rotating, new) if r is not None]
    return (not same.failed and not any(r.failed for r in others) and min(same.ratios) >= page.goal
            and all(min(r.ratios) >= min(page.goal, 0.30) for r in others)
            and (not page.api or statements <= API_STATEMENTS))


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def _spread(ratios: Ratios | None) -> str:
    return " / ".join(f"{v:.1%}" for v in ratios.spread()) if ratios else "—"


def _browser(path: str, cookie: str):
    """The headers of a browser on ``path`` of the server at a base address, before each wrk run: a browser keeps
    the cookie each answer sends (the session is marked as seen once a minute; a page with a form stores its
    CSRF secret at the first visit), wrk replays one, so the cookie is settled anew on the page itself, and
    marked as seen that second, before each run of a few seconds."""
    kept = [cookie]

    def headers(base: str) -> dict[str, str]:
        kept[0] = settled_cookie(base + path, kept[0], SECRET)
        return {"Cookie": f"session={kept[0]}", "User-Agent": ""}
    return headers


def run(url: str, n: int, args, pages: list[Page]) -> list[Row]:
    database = "postgresql" if url.startswith("postgresql") else "sqlite"
    t0 = time.perf_counter()
    built = build(url, n, args.seed, keep=bool(args.keep))
    print(f"  {'reused' if built.reused else 'built'} {n:,} applications in {time.perf_counter() - t0:.1f} s")
    info = survey(built, pages, args.rotate)
    env = {"GREENMFG_REGION": "hunan", "GREENMFG_DATABASE_URL": built.url, "GREENMFG_SECRET_KEY": SECRET,
           "FLASK_GREENMFG_RULES_YEAR": "2025", "FLASK_GREENMFG_MFA_ROLES": "[]",
           "FLASK_GREENMFG_PAGE_CACHE": args.page_cache}
    rows = []
    # every page made for its request: kept for 0 seconds (what pages read is still remembered: core/kernel/memo.py)
    made = {"made": {"FLASK_GREENMFG_PAGE_CACHE_SECONDS": "0"}} if args.page_cache == "auto" else {}
    with serving(env, others=made, ports=args.ports) as servers:
        print(f"  {'page':28} {'stmts':>5}  {'same: ratio min / median / max':>28}  {'p99 ms':>7}  "
              f"{'rotating: ratio':>24} ({'pages':>5})  {'p99 ms':>7}  {'new page: ratio':>24}  {'p99 ms':>7}  goal")
        for page in pages:
            headers = _headers(built, page)
            if page.who and not page.api:
                headers = _browser(page.path, built.cookies[page.who])
            paths = info[page.name]["paths"]
            variants = {"same": paths[:1], **({"rotating": paths} if len(paths) > 1 else {}),
                        **({"new": (servers.others["made"], paths)} if made else {})}
            found = compare(servers, variants, headers, duration=args.duration, connections=args.connections,
                            repetitions=args.repetitions)
            same, rotating, new = found["same"], found.get("rotating"), found.get("new")
            statements = info[page.name]["statements"]
            row = Row(database, n, page, statements, len(paths), same, rotating, new,
                      _met(page, statements, same, rotating, new))
            rows.append(row)
            rot = (f"{_spread(rotating):>24} ({len(paths):5d})  {max(rotating.p99_ms):7.1f}" if rotating
                   else f"{'—':>24} {'':7}  {'':7}")
            fresh = f"{_spread(new):>24}  {max(new.p99_ms):7.1f}" if new else f"{'—':>24}  {'':7}"
            failed = same.failed + sum(r.failed for r in (rotating, new) if r)
            print(f"  {page.name:28} {statements:5d}  {_spread(same):>28}  {max(same.p99_ms):7.1f}  {rot}  {fresh}  "
                  f"≥{page.goal:.0%}{' ≤4 stmts' if page.api else ''} {'ok' if row.met else 'MISSED'}"
                  f"{f' failed (non-2xx or timed out) {failed}' if failed else ''}")
    return rows


def lowest(rows: list[Row]) -> str:
    """The line naming the run furthest below (or closest to) its goal: its page, database, size, kind and
    lowest ratio over the rounds (the figure :func:`_met` checks)."""
    found = []
    for row in rows:
        for kind, ratios in (("same page", row.same), ("rotating pages", row.rotating), ("new page", row.new)):
            if ratios:
                goal = row.page.goal if kind == "same page" else min(row.page.goal, 0.30)
                database = "PostgreSQL" if row.database == "postgresql" else "SQLite"
                where = f"{row.page.name}, {database}, {row.n:,}, {kind}"
                found.append((min(ratios.ratios) / goal, min(ratios.ratios), goal, where))
    _, ratio, goal, where = min(found)
    return f"lowest ratio page ÷ bare beside its goal: {ratio:.1%} ({where}; goal ≥ {goal:.0%})"


def _failed(row: Row) -> str:
    failed = row.same.failed + sum(r.failed for r in (row.rotating, row.new) if r)
    return f" ({failed:,} requests failed or timed out)" if failed else ""


def markdown(rows: list[Row], loads: tuple[float, float], args) -> str:
    """The README's table rows: one line per page, database and size."""
    out = [f"<!-- bench/bench_pages.py --duration {args.duration} --repetitions {args.repetitions} "
           f"--connections {args.connections} --page-cache {args.page_cache}; load average {loads[0]:.2f} at start, "
           f"{loads[1]:.2f} at end, "
           f"{os.cpu_count()} CPUs -->",
           "| Page | Database | Applications | SQL statements | Same page: ratio min / median / max | p99 ms "
           "| Rotating pages: ratio min / median / max | p99 ms | New page each request: ratio min / median / max "
           "| p99 ms | Goal | Met |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        goal = f"≥ {r.page.goal:.0%}" + (f", ≤ {API_STATEMENTS} statements" if r.page.api else "")
        rot_p99 = f"{max(r.rotating.p99_ms):.1f}" if r.rotating else "—"
        out.append(f"| {r.page.name} | {'PostgreSQL' if r.database == 'postgresql' else 'SQLite'} | {r.n:,} "
                   f"| {r.statements} | {_spread(r.same)} | {max(r.same.p99_ms):.1f} "
                   f"| {_spread(r.rotating)}{f' ({r.pages} pages)' if r.rotating else ''} | {rot_p99} "
                   f"| {_spread(r.new)} | {f'{max(r.new.p99_ms):.1f}' if r.new else '—'} | {goal} | {'yes' if r.met else '**no**'}{_failed(r)} |")
    return "\n".join(out) + "\n"


FLOOR_GOAL = 1.4  # issue 46: a page made in process ÷ its own signed-in floor (bench/floor_app.py)
FLOOR_GOAL_SERVED = 1.3  # the same under gunicorn: worker CPU per request, and the floor's req/s ÷ the page's


def _made(args) -> dict[str, str | int]:
    """How the product makes each page for the floor runs: ``--remembered``, as deployed with every page made for
    its request (kept 0 seconds, Redis on: what pages read is remembered while nothing is written,
    core/kernel/memo.py); else nothing kept and nothing remembered (kept pages off)."""
    if args.remembered:
        return {"GREENMFG_PAGE_CACHE": "redis", "GREENMFG_PAGE_CACHE_SECONDS": 0}
    return {"GREENMFG_PAGE_CACHE": "off"}


def _captured(built, pages: list[Page], args):
    """The product in process (pages made as :func:`_made` says), a test client and headers per page, and each
    page's floor (its statements and template, bench/floor_app.py): the statements of a page made after a first
    request (so, with ``--remembered``, those of a page made while nothing was written since)."""
    from floor_app import capture

    product = make_app(built.url, GREENMFG_RATELIMIT_ENABLED=False, **_made(args))
    clients, specs = [], []
    for page in pages:
        client, headers = _client(product, built, page), _headers(built, page)
        who = "" if page.who is None else ("token" if page.api else "cookie")
        specs.append(capture(product, client, page.path, headers, who))
        clients.append((client, headers))
    return product, clients, specs


def interleaved(made: Callable[[], object], floor: Callable[[], object], requests: int,
                rounds: int) -> tuple[list[float], list[float]]:
    """``--floor --interleaved``: the made page and its floor asked in turn, one request each, ``requests`` times a
    round; per round, the median CPU milliseconds of this process for one request of each (``made``, ``floor``:
    one request each). Asked in turn, both meet the machine as it is at that moment, so the ratio of the medians
    repeats from run to run where rounds of hundreds of requests one after the other did not."""
    clock = time.process_time_ns
    made_ms, floor_ms = [], []
    for _ in range(rounds):
        a, b = [], []
        for _ in range(requests):
            began = clock()
            made()
            middle = clock()
            floor()
            a.append(middle - began)
            b.append(clock() - middle)
        made_ms.append(statistics.median(a) / 1e6)
        floor_ms.append(statistics.median(b) / 1e6)
    return made_ms, floor_ms


def floor_run(url: str, n: int, args, pages: list[Page]) -> list[tuple]:
    """``--floor``: each page made in process (as :func:`_made` says) beside its own floor (bench/floor_app.py),
    CPU time of this process per request, ``args.requests`` requests of each, alternated over
    ``args.repetitions`` rounds (``--interleaved``: asked in turn, one request each, medians: :func:`interleaved`); rows (page, statements, page bytes, floor bytes, product ms, floor ms, ratios)
    for the table."""
    from floor_app import create_floor, floor_path

    from core.extensions import db

    built = build(url, n, keep=bool(args.keep))
    product, clients, specs = _captured(built, pages, args)
    floor = create_floor(built.url, SECRET, specs)
    floor_clients = []
    for i, (page, spec) in enumerate(zip(pages, specs)):
        client = floor.test_client()
        if page.who and not page.api:
            client.set_cookie("session", built.cookies[page.who])
        r = client.get(floor_path(i, page.path), headers=clients[i][1])
        assert r.status_code == 200, (page.name, r.status_code, r.get_data(as_text=True)[:300])
        floor_clients.append((client, len(r.get_data())))

    def cpu(client, path, headers) -> float:
        t0 = time.process_time()
        for _ in range(args.requests):
            client.get(path, headers=headers)
        return (time.process_time() - t0) / args.requests * 1000

    if args.profile_page:  # what stands between a made page and its floor: cProfile of the page made
        import cProfile
        import pstats

        i = next(k for k, p in enumerate(pages) if args.profile_page in p.name)
        profiler = cProfile.Profile()
        profiler.enable()
        cpu(clients[i][0], pages[i].path, clients[i][1])
        profiler.disable()
        stats = pstats.Stats(profiler)
        total = sum(row[2] for row in stats.stats.values())
        by_file: dict[str, float] = {}
        for (file, _, _), row in stats.stats.items():
            where = re.sub(r".*/site-packages/([^/]+)/.*", r"\1", file) if "site-packages" in file else \
                re.sub(r".*/(core|plugins)/", r"\1/", file)
            by_file[where] = by_file.get(where, 0) + row[2]
        print(f"  {pages[i].name}, made: self time by package or module ({args.requests} requests)")
        for where, t in sorted(by_file.items(), key=lambda kv: -kv[1])[:15]:
            print(f"    {100 * t / total:5.1f}%  {where}")
        stats.sort_stats("tottime").print_stats(15)
        stats.print_callers(r"werkzeug/local.py:\d+\(__get__\)")  # who asks the context-local proxies
    out = []
    for i, page in enumerate(pages):
        made, least, ratios = [], [], []
        if args.interleaved:
            client, headers = clients[i]
            made, least = interleaved(partial(client.get, page.path, headers=headers),
                                      partial(floor_clients[i][0].get, floor_path(i, page.path), headers=headers),
                                      args.requests, args.repetitions)
            ratios = [a / b for a, b in zip(made, least)]
        for _ in range(0 if args.interleaved else args.repetitions):
            a = cpu(clients[i][0], page.path, clients[i][1])
            b = cpu(floor_clients[i][0], floor_path(i, page.path), clients[i][1])
            made.append(a), least.append(b), ratios.append(a / b)
        ratios.sort()
        out.append((page, len(specs[i].statements), specs[i].page_bytes, floor_clients[i][1], min(made), min(least),
                    ratios))
        print(f"  {page.name}: {min(made):.2f} ms ÷ floor {min(least):.2f} ms = {ratios[len(ratios) // 2]:.2f}× "
              f"(min {ratios[0]:.2f}, max {ratios[-1]:.2f}); {len(specs[i].statements)} statements; "
              f"{specs[i].page_bytes:,} B, floor {floor_clients[i][1]:,} B; load average {os.getloadavg()[0]:.2f}")
    with product.app_context():
        db.engine.dispose()
    floor.extensions["floor_engine"].dispose()
    return out


def floor_served(url: str, n: int, args, pages: list[Page]) -> list[tuple]:
    """``--floor --gunicorn``: the product (pages made as :func:`_made` says, otherwise as deployed) and the floor app
    (floor_app:served()), each under the README's gunicorn (2 sync workers), driven by wrk on loopback for
    ``args.duration`` seconds a run, one after the other, over ``args.repetitions`` rounds; per page the worker
    CPU per request (the workers' user + system time over the run ÷ answers, /proc) and req/s. Rows (page,
    statements, page bytes, floor bytes, product CPU ms, floor CPU ms, CPU ratios, req/s ratios floor ÷ product)."""
    import tempfile
    import urllib.request

    from floor_app import floor_path, save
    from wrkkit import gunicorn, wait_until_up, workers_cpu, wrk

    from core.extensions import db

    built = build(url, n, keep=bool(args.keep))
    product, _clients, specs = _captured(built, pages, args)
    with product.app_context():
        db.engine.dispose()
    tmp = Path(tempfile.mkdtemp(prefix="greenmfg-floor-"))
    save(specs, tmp / "pages.pickle")
    env = {**os.environ, "GREENMFG_INSTANCE_PATH": str(tmp / "instance"), "GREENMFG_REGION": "hunan",
           "GREENMFG_DATABASE_URL": built.url, "GREENMFG_SECRET_KEY": SECRET, "FLASK_GREENMFG_RULES_YEAR": "2025",
           "FLASK_GREENMFG_MFA_ROLES": "[]", **{f"FLASK_{k}": str(v) for k, v in _made(args).items()}}
    floor_env = {**os.environ, "PYTHONPATH": str(ROOT / "bench"), "GREENMFG_FLOOR_PAGES": str(tmp / "pages.pickle"),
                 "GREENMFG_FLOOR_URL": built.url, "GREENMFG_FLOOR_SECRET": SECRET}
    port, floor_port = args.ports.take("the product (gunicorn)"), args.ports.take("the floor app (gunicorn)")
    servers = [gunicorn("core:create_app()", env, port), gunicorn("floor_app:served()", floor_env, floor_port)]
    base, floor_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{floor_port}"
    ports = [port, floor_port]
    if args.libraries:  # the third: the same floor made through the mandated libraries (bench/floor_app.py)
        ports.append(args.ports.take("the libraries' floor app (gunicorn)"))
        servers.append(gunicorn("floor_app:served()", {**floor_env, "GREENMFG_FLOOR_LIBRARIES": "1"}, ports[2]))
    libraries_base = f"http://127.0.0.1:{ports[-1]}"
    where = SimpleNamespace(tmp=tmp)
    out = []
    try:
        wait_until_up(base + "/public/lists")
        wait_until_up(floor_base + "/up")
        if args.libraries:
            wait_until_up(libraries_base + "/up")

        def measured(server, address: str, path: str, headers: dict[str, str], seconds: int):
            before = workers_cpu(server)
            run = wrk(where, address, [path], seconds, args.connections, headers)
            assert run.failed == 0 and run.requests, (address + path, run)
            return (workers_cpu(server) - before) / run.requests * 1000, run.rps

        for i, page in enumerate(pages):
            headers = _headers(built, page)
            browser = _browser(page.path, built.cookies[page.who]) if page.who and not page.api else None
            made, least, cpu, rps, libraries = [], [], [], [], []
            for rnd in range(args.repetitions + 1):  # the first round warms them all and is not counted
                seconds = 2 if rnd == 0 else args.duration
                if browser:
                    headers = browser(base)
                a = measured(servers[0], base, page.path, headers, seconds)
                b = measured(servers[1], floor_base, floor_path(i, page.path), headers, seconds)
                c = measured(servers[2], libraries_base, floor_path(i, page.path), headers, seconds) \
                    if args.libraries else None
                if rnd:
                    made.append(a[0]), least.append(b[0]), cpu.append(a[0] / b[0]), rps.append(b[1] / a[1])
                    if c:
                        libraries.append((c[0], c[0] / b[0], a[0] / c[0]))
            cpu.sort(), rps.sort()
            request = urllib.request.Request(floor_base + floor_path(i, page.path), headers=headers)
            floor_bytes = len(urllib.request.urlopen(request, timeout=30).read())
            out.append((page, len(specs[i].statements), specs[i].page_bytes, floor_bytes, min(made), min(least), cpu,
                        rps, libraries))
            print(f"  {page.name}: worker CPU {min(made):.2f} ms ÷ floor {min(least):.2f} ms = "
                  f"{cpu[len(cpu) // 2]:.2f}× (min {cpu[0]:.2f}, max {cpu[-1]:.2f}); req/s floor ÷ made "
                  f"{rps[len(rps) // 2]:.2f}× (min {rps[0]:.2f}, max {rps[-1]:.2f}); load average "
                  f"{os.getloadavg()[0]:.2f}")
            if libraries:
                print(f"    the libraries' floor: worker CPU {min(x[0] for x in libraries):.2f} ms, "
                      f"{_median([x[1] for x in libraries]):.2f}× the floor; made ÷ the libraries' floor "
                      f"{_median([x[2] for x in libraries]):.2f}×")
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        for taken in ports:
            args.ports.give_back(taken)
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def floor_main(args, pages: list[Page], sizes: list[int]) -> int:
    start = os.getloadavg()[0]
    served = args.gunicorn
    how = (f"under gunicorn (2 sync workers), wrk -c{args.connections} for {args.duration} s a run" if served
           else f"in process, {args.requests} requests a page" + (", asked in turn with its floor, medians"
                                                                   if args.interleaved else ""))
    print(f"W1 floor, {how}: {', '.join(f'{n:,}' for n in sizes)} applications; {args.repetitions} rounds; "
          f"load average {start:.2f} on {os.cpu_count()} CPUs")
    goal = FLOOR_GOAL_SERVED if served else FLOOR_GOAL
    if served:
        wrk_binary()  # before the builds: a missing wrk is installed, or the bench stops saying how
    measure = floor_served if served else floor_run
    lines, ok, medians = [], True, []
    for n in sizes:
        found = with_databases(args.pg_url, lambda url, n=n: measure(url, n, args, pages), f", {n:,} applications",
                               keep=args.keep or None, name=f"rows_{n}", only=args.database, prefix=args.db_prefix)
        for database in ("sqlite", "postgresql"):
            for page, statements, page_bytes, second, made, least, ratios, *rps in found.get(database, []):
                median = ratios[len(ratios) // 2]
                medians.append((median, f"{page.name}, {'SQLite' if database == 'sqlite' else 'PostgreSQL'}, {n:,}"))
                met = median <= goal and (not rps or rps[0][len(rps[0]) // 2] <= goal)
                ok &= met
                spread = f"{ratios[0]:.2f}× / {median:.2f}× / {ratios[-1]:.2f}×"
                if rps:
                    r = rps[0]
                    spread += f" | {r[0]:.2f}× / {r[len(r) // 2]:.2f}× / {r[-1]:.2f}×"
                libraries = rps[1] if len(rps) > 1 else []
                if args.libraries:
                    spread += (f" | {min(x[0] for x in libraries):.2f} | {_median([x[1] for x in libraries]):.2f}× | "
                               f"{_median([x[2] for x in libraries]):.2f}×")
                lines.append(f"| {page.name} | {'SQLite' if database == 'sqlite' else 'PostgreSQL'} | {n:,} | "
                             f"{statements} | {page_bytes:,} / {second:,} | {made:.2f} / {least:.2f} | {spread} | "
                             f"≤ {goal}× | {'yes' if met else '**no**'} |")
    end = os.getloadavg()[0]
    command = (f"--floor --gunicorn --duration {args.duration} --repetitions {args.repetitions}" if served
               else f"--floor --requests {args.requests} --repetitions {args.repetitions}")
    command += " --remembered" if args.remembered else ""
    command += " --interleaved" if args.interleaved else ""
    command += " --libraries" if args.libraries else ""
    libraries = (" | Libraries' floor: worker CPU ms | Libraries' floor ÷ floor, median | "
                 "Made ÷ libraries' floor, median" if args.libraries else "")
    header = ("| Page | Database | Applications | Statements | Bytes: page / floor | "
              "Worker CPU ms a request: made / floor | CPU ratio min / median / max | "
              f"req/s floor ÷ made min / median / max{libraries} | Goal | Met |" if served else
              "| Page | Database | Applications | Statements | Bytes: page / floor | CPU ms a request: made / floor | "
              "Ratio min / median / max | Goal | Met |")
    table = [f"<!-- bench/bench_pages.py {command}; load average {start:.2f} at start, {end:.2f} at end, "
             f"{os.cpu_count()} CPUs -->", header, "| --- " * header.count(" | ") + "| --- |", *lines]
    print("\n".join(table))
    if args.markdown:
        Path(args.markdown).write_text("\n".join(table) + "\n", encoding="utf-8")
    if medians:
        median, where = max(medians)
        print(f"largest median ratio made ÷ floor: {median:.2f}× ({where}; goal ≤ {goal}×)")
    print("PASS" if ok else "FAIL: a goal was missed")
    return 0 if ok and lines else 1


def build_parser() -> argparse.ArgumentParser:
    """The bench's options (tests/ops/test_bench_options.py reads them without running the bench)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     parents=[options(databases=True, serves=True)])
    parser.add_argument("--applications", default="5000", help="sizes, comma-separated: 5000,50000,500000")
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--rotate", type=int, default=20, help="pages walked by the rotating runs")
    parser.add_argument("--only", default="", help="comma-separated words: pages whose name holds one of them")
    parser.add_argument("--database", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument("--pg-url", default=os.environ.get("GREENMFG_BENCH_PG_URL",
                                                           "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--keep", metavar="DIR", default="",
                        help="keep the built databases (SQLite files in DIR, PostgreSQL databases PREFIX + NAME_N) "
                             "and reuse them in later runs; rebuilt when the schema head changes")
    parser.add_argument("--markdown", metavar="FILE", default="", help="write the README's table rows to FILE")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--buffers", action="store_true",
                        help="PostgreSQL buffers per page at each size, and the largest ÷ the smallest (no server)")
    parser.add_argument("--name", default="rows", help="kept databases are PREFIX + NAME_N (with --keep)")
    parser.add_argument("--page-cache", choices=("auto", "off"), default="auto",
                        help="auto: list pages kept in Redis as deployed (core/web/pagecache.py), and a second server "
                             "making every page (the new-page figures); off: no Redis pages at all, every request "
                             "makes its page")
    parser.add_argument("--floor", action="store_true",
                        help="issue 46: each page made in process beside its own floor (bench/floor_app.py)")
    parser.add_argument("--requests", type=int, default=200, help="--floor: requests of each page a round")
    parser.add_argument("--remembered", action="store_true",
                        help="--floor: pages made as deployed (kept 0 s, what they read remembered while nothing is "
                             "written) rather than with kept pages off")
    parser.add_argument("--libraries", action="store_true",
                        help="--floor --gunicorn: a third app, each page's floor made through the libraries the "
                             "product must use (Flask-SQLAlchemy, Flask-Login, Flask-Babel, Flask-WTF and WTForms' "
                             "widgets: bench/floor_app.py), measured beside the two")
    parser.add_argument("--gunicorn", action="store_true",
                        help="--floor: both under gunicorn, driven by wrk (worker CPU per request and req/s)")
    parser.add_argument("--interleaved", action="store_true",
                        help="--floor in process: the page and its floor asked in turn, one request each, and the "
                             "medians of their CPU time compared (repeats from run to run on a busy machine)")
    parser.add_argument("--profile-page", default="", help="--floor: cProfile the page whose name holds this")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.libraries and not (args.floor and args.gunicorn):
        parser.error("--libraries measures a third app under gunicorn: give it with --floor --gunicorn")
    if args.interleaved and (args.gunicorn or not args.floor):
        parser.error("--interleaved asks the page and its floor in turn in this process: give it with --floor, "
                     "without --gunicorn")
    if args.floor:
        sizes = [int(size.replace("_", "")) for size in args.applications.split(",") if size.strip()]
        words = [w.strip() for w in args.only.split(",") if w.strip()]
        return floor_main(args, [p for p in PAGES if not words or any(w in p.name for w in words)], sizes)
    sizes = [int(size.replace("_", "")) for size in args.applications.split(",") if size.strip()]
    words = [w.strip() for w in args.only.split(",") if w.strip()]
    pages = [p for p in PAGES if not words or any(w in p.name for w in words)]
    if args.buffers:
        print(f"Scaling: PostgreSQL buffers per request, {', '.join(f'{n:,}' for n in sizes)} applications; "
              f"load average {os.getloadavg()[0]:.2f}")
        return scaling(args, sizes, pages)
    wrk_binary()  # before the builds: a missing wrk is installed, or the bench stops saying how
    start = os.getloadavg()[0]
    print(f"W1: {', '.join(f'{n:,}' for n in sizes)} applications; gunicorn 2 sync workers; wrk -t2 "
          f"-c{args.connections}, {args.duration} s a run, {args.repetitions} rounds; load average {start:.2f} "
          f"on {os.cpu_count()} CPUs")
    rows: list[Row] = []
    for n in sizes:
        found = with_databases(args.pg_url, lambda url, n=n: run(url, n, args, pages), f", {n:,} applications",
                               keep=args.keep or None, name=f"{args.name}_{n}", only=args.database,
                               prefix=args.db_prefix)
        rows += [row for database in ("sqlite", "postgresql") for row in found.get(database, [])]
    end = os.getloadavg()[0]
    print(f"load average {start:.2f} at start, {end:.2f} at end")
    if args.markdown:
        Path(args.markdown).write_text(markdown(rows, (start, end), args), encoding="utf-8")
        print(f"table rows written to {args.markdown}")
    ok = bool(rows) and all(row.met for row in rows)
    if rows:
        print(lowest(rows))
    print("PASS" if ok else "FAIL: a goal was missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
