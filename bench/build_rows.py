"""Build a Hunan instance with N applications for the benches, fast, on SQLite or PostgreSQL.

    python bench/build_rows.py --applications 500000 --database postgresql+psycopg://postgres@127.0.0.1/bench
    python bench/build_rows.py --applications 5000 --database /tmp/bench.sqlite3 [--keep]

Loads with COPY (psycopg's ``cursor.copy``) on PostgreSQL and executemany on SQLite, in one transaction, the
secondary indexes of the loaded tables dropped before and created again after, then ANALYZE. ``--keep``
(``build(..., keep=True)``) reuses a database already built for the same size and seed at the migrations'
current head (recorded in its table ``bench_built``) and rebuilds it from empty otherwise.

Per application one organization over Hunan's 14 市州, statuses spread like a real round, one deadline extension
in 20; a list entry for two organizations in three (years 2019–2025, three levels), an annual filing for every
fourth, one public notice in 1,000. Accounts: Changsha's city staff, province staff (each with an API token).
Sizes the issue asks for: 5k, 50k and 500k (``--applications``); ``build`` returns what a bench needs to sign in.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CITY, PROVINCE = "changsha_city", "province_staff"  # the accounts built (cookies and tokens under these names)
SECRET = "bench-secret-not-for-production"
PASSWORD = "bench-password-2025"
BATCH = 5000
BUILDER = 3  # bump when the rows change: kept databases (``--keep``) built by an older builder are rebuilt
#: tables the database's triggers keep (migration 0052): rewritten after the load (:func:`_fill`)
COUNTERS = ("application_count",)
STATUSES = ["submitted"] * 5 + ["draft"] * 2 + ["returned", "city_recommended", "rejected"]
LEVELS = ("city", "provincial", "national")
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # GB 32100-2015, as python-stdnum


def _uscc(body: str) -> str:
    """``body`` (17 digits) and its check character: stdnum's, without its per-call cleaning (500k calls)."""
    return body + "0123456789ABCDEFGHJKLMNPQRTUWXY"[-sum(int(c) * w for c, w in zip(body, USCC_WEIGHTS)) % 31]


@dataclass
class Built:
    url: str
    n: int
    campaign_id: int
    cookies: dict[str, str] = field(default_factory=dict)  # username -> session cookie after logging in
    tokens: dict[str, str] = field(default_factory=dict)  # username -> API token
    reused: bool = False  # a kept database's rows (``keep``), not built by this call


def database_url(database: str) -> str:
    return database if "://" in database else f"sqlite:///{database}"


def make_app(url: str, **config):
    from core import create_app

    # no second factor at log-in (it costs nothing per request after it): the benches sign staff in directly
    return create_app({"SECRET_KEY": SECRET, "GREENMFG_REGION": "hunan", "GREENMFG_RULES_YEAR": 2025,
                       "GREENMFG_MFA_ROLES": [], "SQLALCHEMY_DATABASE_URI": url, **config})


def script_head() -> str:
    """The migrations' head revision(s) of this checkout (inside an app context)."""
    from alembic.script import ScriptDirectory

    from core.extensions import MIGRATIONS_DIR

    return ",".join(sorted(ScriptDirectory(MIGRATIONS_DIR).get_heads()))


def _kept(n: int, seed: int) -> dict | None:
    """What a kept database was built with (``bench_built``), if it matches ``n``, ``seed``, this builder and
    the migrations' head; else None."""
    import sqlalchemy as sa

    from core.extensions import db

    if not sa.inspect(db.engine).has_table("bench_built"):
        return None
    with db.engine.connect() as conn:
        info = json.loads(conn.exec_driver_sql("SELECT info FROM bench_built").scalar() or "{}")
    want = {"n": n, "seed": seed, "builder": BUILDER, "head": script_head()}
    return info if all(info.get(k) == v for k, v in want.items()) else None


def _wipe(url: str) -> None:
    """Empty the database at ``url`` (a kept one built for another size, builder or schema head)."""
    import sqlalchemy as sa

    from core.extensions import db

    if not sa.inspect(db.engine).get_table_names():
        return
    db.session.remove()
    db.engine.dispose()  # no pooled connection to a SQLite file about to be unlinked
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    else:
        path = sa.engine.make_url(url).database
        if path and Path(path).exists():
            Path(path).unlink()


@contextlib.contextmanager
def _indexes_after(conn, tables: list[str]):
    """Drop the secondary indexes of ``tables`` for the load and create them again after it (same definitions,
    read from the catalogue): one sort per index instead of 500k insertions into each."""
    if conn.dialect.name == "postgresql":
        rows = conn.exec_driver_sql(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = ANY(%(t)s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            {"t": tables}).all()
    else:
        marks = ", ".join("?" for _ in tables)
        rows = conn.exec_driver_sql(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                                    f"AND tbl_name IN ({marks})", tuple(tables)).all()
    for name, _sql in rows:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _name, sql in rows:
        conn.exec_driver_sql(sql)


def _load(conn, model, rows: list[dict]) -> None:
    """Append ``rows`` to ``model``'s table on ``conn``'s transaction: COPY on PostgreSQL, executemany on SQLite.
    Values go through the columns' own bind processing; missing columns take their Python defaults."""
    table = model.__table__
    dialect = conn.dialect
    columns = [c for c in table.columns if c.key in rows[0] or (c.default is not None and not c.primary_key)]
    fills = {}
    for c in columns:
        if c.key not in rows[0]:
            fills[c.key] = c.default.arg(None) if c.default.is_callable else c.default.arg
    procs = [c.type._cached_bind_processor(dialect) for c in columns]
    keys = [c.key for c in columns]

    def values(row: dict) -> tuple:
        return tuple(p(v) if p else v for p, v in zip(procs, (row.get(k, fills.get(k)) for k in keys)))

    names = ", ".join(f'"{c.name}"' for c in columns)
    raw = conn.connection.driver_connection
    if dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(values(row))
    else:
        marks = ", ".join("?" for _ in columns)
        raw.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', [values(r) for r in rows])


def build(database: str, n: int, seed: int = 1, keep: bool = False) -> Built:
    """Migrate ``database`` (a SQLite path or a URL), fill it with ``n`` applications, sign the bench's users in.

    ``keep``: reuse the rows already there when they were built for the same ``n`` and seed by this builder at
    the migrations' current head (recorded in the table ``bench_built``); otherwise empty the database first."""
    url = database_url(database)
    # a 500k index build or VACUUM takes minutes: no statement deadline, on the server or on the client (as
    # ``greenmfg db upgrade``). The benches sign in again and again (each run, each helper process): the log-in
    # rate limit is not what they measure, and failed log-ins are counted in this process's memory, so a failure
    # elsewhere (another bench, another helper on the same database and Redis) never locks a bench out, while the
    # product's own counting stays as configured
    app = make_app(url, GREENMFG_DB_STATEMENT_TIMEOUT=0, GREENMFG_RATELIMIT_ENABLED=False,
                   GREENMFG_RATELIMIT_STORAGE="memory://")
    with app.app_context():
        from core.extensions import db
        from core.kernel import db_deadline

        if db.engine.dialect.name == "postgresql":  # SQLite has no deadline to lift
            db_deadline.lift(db.engine)
        info = _kept(n, seed) if keep else None
        reused = info is not None
        if not reused:
            if keep:
                _wipe(url)
            info = _fill(n, seed)
        db.engine.dispose()
    built = Built(url=url, n=n, campaign_id=info["campaign_id"], tokens=info["tokens"], reused=reused)
    for name in info["tokens"]:  # each in its own requests, outside the build's app context
        client = app.test_client()
        html = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        r = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 302, f"{name} could not sign in ({r.status_code}): rebuild without --keep"
        built.cookies[name] = client.get_cookie("session").value
    with app.app_context():
        db.engine.dispose()
    return built


def _fill(n: int, seed: int) -> dict:
    """The rows (inside the app context); returns what ``bench_built`` records."""
    from flask import current_app
    from flask_migrate import upgrade
    from sqlalchemy import select
    from stdnum.cn import uscc

    assert uscc.is_valid(_uscc("91430100000000001"))
    from core.accounts import services as accounts
    from core.applications import services
    from core.extensions import db, init_migrate
    from core import clock
    from core.models import (AdminUnit, AnnualFiling, Application, DeadlineExtension, ListEntry, Organization,
                             PublicNotice, Role)
    from core.services.admin_units import sync_admin_units

    t0 = time.perf_counter()
    rng = random.Random(seed)
    init_migrate(current_app)
    upgrade()
    sync_admin_units("bench")
    db.session.flush()
    units = db.session.scalars(select(AdminUnit).where(AdminUnit.region == "hunan").order_by(AdminUnit.code)).all()
    campaign = services.open_campaign(actor="bench", year=2025, level="provincial",
                                      unit_types=["factory", "park", "supply_chain"],
                                      closes_at=clock.now() + dt.timedelta(days=30))
    db.session.flush()
    now, today = clock.now(), clock.today()
    conn = db.session.connection()
    models = (Organization, Application, DeadlineExtension, ListEntry, AnnualFiling)
    with _indexes_after(conn, [m.__table__.name for m in models]):
        for start in range(0, n, BATCH):
            orgs, apps, exts, entries, filings = [], [], [], [], []
            for i in range(start, min(n, start + BATCH)):
                body = f"91{430100 + i % 90:06d}{i:09d}"
                unit = units[i % len(units)]
                orgs.append({"id": i + 1, "uscc": _uscc(body),
                             "name": f"{unit.name}第{i + 1}号绿色制造有限公司", "admin_unit_id": unit.id,
                             "created_at": now, "updated_at": now})
                status = rng.choice(STATUSES)
                apps.append({"campaign_id": campaign.id, "organization_id": i + 1, "admin_unit_id": unit.id,
                             "unit_type": rng.choice(["factory", "factory", "park", "supply_chain"]),
                             "level": "provincial", "evaluation_mode": "self", "status": status,
                             "indicator_values": {}, "extension_data": {}, "requested_levels": ["provincial"],
                             "declarations": {}, "version": 1, "score": round(rng.uniform(40, 95), 2),
                             "submitted_at": None if status == "draft" else now - dt.timedelta(minutes=i),
                             "created_at": now, "updated_at": now})
                if i % 20 == 7:
                    exts.append({"campaign_id": campaign.id, "organization_id": i + 1, "reason": "bench",
                                 "until": now + dt.timedelta(days=40), "granted_by": "bench",
                                 "created_at": now, "updated_at": now})
                if i % 3 != 2:  # two organizations in three, in every city
                    entries.append({"organization_id": i + 1, "unit_type": "factory", "level": LEVELS[i % 3],
                                    "year": 2019 + i % 7, "status": "listed", "listed_on": dt.date(2024, 3, 1),
                                    "notice_no": "湘工信节能〔2024〕1号", "source": "import",
                                    "created_at": now, "updated_at": now})
                if i % 4 == 1:
                    filings.append({"organization_id": i + 1, "unit_type": "factory", "year": today.year,
                                    "admin_unit_id": unit.id, "levels": ["provincial"], "status": "due",
                                    "due_on": today, "values": {}, "key_data": {}, "version": 1,
                                    "created_at": now, "updated_at": now})
            for model, rows in zip(models, (orgs, apps, exts, entries, filings)):
                if rows:
                    _load(conn, model, rows)
    if conn.dialect.name == "postgresql":  # the organizations' ids were given: move their sequence past them
        table = Organization.__table__.name
        conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    _load(conn, PublicNotice, [{"region": "hunan", "level": "provincial", "year": 2025, "title": f"公示{k + 1}",
                                "starts_on": today - dt.timedelta(days=k), "ends_on": today + dt.timedelta(days=9 - k),
                                "period_days": 10, "period_count": "calendar_days", "period_source": "hunan",
                                "status": "open", "opened_by": "bench", "created_at": now, "updated_at": now}
                               for k in range(max(1, n // 1000))])
    changsha = next(u for u in units if u.code == "hunan.changsha")
    users = [accounts.create_user(username=CITY, password=PASSWORD, display_name="长沙市工信局",
                                  role=Role.CITY, actor="bench", admin_unit_id=changsha.id),
             accounts.create_user(username=PROVINCE, password=PASSWORD, display_name="省工信厅",
                                  role=Role.PROVINCE, actor="bench")]
    info = {"n": n, "seed": seed, "builder": BUILDER, "head": script_head(), "campaign_id": campaign.id,
            "tokens": {user.username: accounts.create_token(user, "bench")[0] for user in users},
            "seconds": round(time.perf_counter() - t0, 1)}
    conn.exec_driver_sql("CREATE TABLE bench_built (info TEXT)")
    conn.exec_driver_sql("INSERT INTO bench_built (info) VALUES (%s)" if conn.dialect.name == "postgresql" else
                         "INSERT INTO bench_built (info) VALUES (?)", (json.dumps(info),))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as auto:
            # each COPY of a batch updated the counters once, in one transaction: 100 versions of each of the 70
            # rows at 500,000 (47 pages), which VACUUM frees but does not move. A deployment's counters are
            # written once by the migration and then updated a few rows a transaction (pruned in place): the
            # table is rewritten to what a deployment has
            for table in COUNTERS:
                auto.exec_driver_sql(f"VACUUM FULL {table}")
            auto.exec_driver_sql("VACUUM ANALYZE")
    else:
        with db.engine.connect() as plain:
            plain.exec_driver_sql("ANALYZE")
            plain.commit()
    return info


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=5000, help="5000, 50000 or 500000")
    parser.add_argument("--database", required=True, help="a SQLite file path or a database URL (empty database)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true",
                        help="reuse the database's rows if built for this size and schema head, else rebuild them")
    args = parser.parse_args()
    t0 = time.perf_counter()
    built = build(args.database, args.applications, args.seed, keep=args.keep)
    print(f"{'reused' if built.reused else 'built'} {args.applications:,} applications in "
          f"{time.perf_counter() - t0:.1f} s ({args.database}); load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
