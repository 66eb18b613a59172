"""Build a Hunan instance with N applications for the benches, fast (SQLAlchemy Core bulk inserts, 5,000 rows a
statement), on SQLite or PostgreSQL.

    python bench/build_rows.py --applications 500000 --database postgresql+psycopg://postgres@127.0.0.1/bench
    python bench/build_rows.py --applications 5000 --database /tmp/bench.sqlite3

Per application one organization over Hunan's 14 市州, statuses spread like a real round, one deadline extension
in 20; a list entry for two organizations in three (years 2019–2025, three levels), an annual filing for every
fourth, one public notice in 1,000. Accounts: Changsha's city staff, province staff (each with an API token).
Sizes the issue asks for: 5k, 50k and 500k (``--applications``); ``build`` returns what a bench needs to sign in.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "bench-secret-not-for-production"
PASSWORD = "bench-password-2025"
BATCH = 5000
STATUSES = ["submitted"] * 5 + ["draft"] * 2 + ["returned", "city_recommended", "rejected"]
LEVELS = ("city", "provincial", "national")


@dataclass
class Built:
    url: str
    n: int
    campaign_id: int
    cookies: dict[str, str] = field(default_factory=dict)  # username -> session cookie after logging in
    tokens: dict[str, str] = field(default_factory=dict)  # username -> API token


def database_url(database: str) -> str:
    return database if "://" in database else f"sqlite:///{database}"


def make_app(url: str):
    from core import create_app

    # no second factor at log-in (it costs nothing per request after it): the benches sign staff in directly
    return create_app({"SECRET_KEY": SECRET, "GREENMFG_REGION": "hunan", "GREENMFG_RULES_YEAR": 2025,
                       "GREENMFG_MFA_ROLES": [], "SQLALCHEMY_DATABASE_URI": url})


def _insert(model, rows: list[dict]) -> None:
    from sqlalchemy import insert

    from core.extensions import db

    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start:start + BATCH])


def build(database: str, n: int, seed: int = 1) -> Built:
    """Migrate ``database`` (a SQLite path or a URL), fill it with ``n`` applications, sign the bench's users in."""
    from flask_migrate import upgrade
    from sqlalchemy import select
    from stdnum.cn import uscc

    from core.accounts import services as accounts
    from core.applications import services
    from core.extensions import db
    from core.kernel import clock
    from core.models import (AdminUnit, AnnualFiling, Application, DeadlineExtension, ListEntry, Organization,
                             PublicNotice, Role)
    from core.services.admin_units import sync_admin_units

    url = database_url(database)
    app = make_app(url)
    rng = random.Random(seed)
    with app.app_context():
        upgrade()
        sync_admin_units("bench")
        db.session.flush()
        units = db.session.scalars(select(AdminUnit).where(AdminUnit.region == "hunan").order_by(AdminUnit.code)).all()
        campaign = services.open_campaign(actor="bench", year=2025, level="provincial",
                                          unit_types=["factory", "park", "supply_chain"],
                                          closes_at=clock.now() + dt.timedelta(days=30))
        db.session.flush()
        now, today = clock.now(), clock.today()
        for start in range(0, n, BATCH):
            orgs, apps, exts, entries, filings = [], [], [], [], []
            for i in range(start, min(n, start + BATCH)):
                body = f"91{430100 + i % 90:06d}{i:09d}"
                unit = units[i % len(units)]
                orgs.append({"id": i + 1, "uscc": body + uscc.calc_check_digit(body),
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
            for model, rows in ((Organization, orgs), (Application, apps), (DeadlineExtension, exts),
                                (ListEntry, entries), (AnnualFiling, filings)):
                if rows:
                    _insert(model, rows)
        _insert(PublicNotice, [{"region": "hunan", "level": "provincial", "year": 2025, "title": f"公示{k + 1}",
                                "starts_on": today - dt.timedelta(days=k), "ends_on": today + dt.timedelta(days=9 - k),
                                "period_days": 10, "period_count": "calendar_days", "period_source": "hunan",
                                "status": "open", "opened_by": "bench", "created_at": now, "updated_at": now}
                               for k in range(max(1, n // 1000))])
        changsha = next(u for u in units if u.code == "hunan.changsha")
        users = [accounts.create_user(username="changsha_city", password=PASSWORD, display_name="长沙市工信局",
                                      role=Role.CITY, actor="bench", admin_unit_id=changsha.id),
                 accounts.create_user(username="province_staff", password=PASSWORD, display_name="省工信厅",
                                      role=Role.PROVINCE, actor="bench")]
        built = Built(url=url, n=n, campaign_id=campaign.id)
        for user in users:
            built.tokens[user.username], _ = accounts.create_token(user, "bench")
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        names = [user.username for user in users]
    for name in names:  # each in its own requests, outside the build's app context
        client = app.test_client()
        html = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        r = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 302, (name, r.status_code)
        built.cookies[name] = client.get_cookie("session").value
    with app.app_context():
        db.engine.dispose()
    return built


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=5000, help="5000, 50000 or 500000")
    parser.add_argument("--database", required=True, help="a SQLite file path or a database URL (empty database)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    t0 = time.perf_counter()
    build(args.database, args.applications, args.seed)
    print(f"built {args.applications:,} applications in {time.perf_counter() - t0:.1f} s ({args.database})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
