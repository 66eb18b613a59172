"""Notification delivery (issue 20): one reminder run for N listed units with two subscribed applicants each,
from the commit of the ``filings.reminded`` audit row to every inbox row written and every e-mail received by
a real SMTP server (aiosmtpd on localhost), with the jobs in the web process's threads; and the navigation's
unread count (one indexed count per page, among all the rows written).

    python bench/bench_notifications.py [--units 200] [--db-prefix greenmfg_] [--ports LOW-HIGH]

On SQLite and, when the server at GREENMFG_TEST_PG_URL answers, a throwaway PostgreSQL database (``--db-prefix`` +
``bench_`` + random). The SMTP server listens on a free port of ``--ports`` (default: one the system hands out),
said when taken. It has no goal: it prints the figures, and the e-mails delivered ÷ expected (1.00 when every one
arrived).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "review"))
PG = os.environ.get("GREENMFG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

from benchdb import Ports, options, with_databases  # noqa: E402


class _Box:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def run(url: str, units: int, ports: Ports) -> dict[str, float]:
    from aiosmtpd.controller import Controller
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    import kit
    from core import create_app
    from core.extensions import db, init_migrate
    from core.management import filings
    from core.models import AnnualFiling, Notification, Role, User
    from core.notifications import service

    box = _Box()
    port = ports.take("the SMTP server (aiosmtpd)")
    smtp = Controller(box, hostname="127.0.0.1", port=port)
    smtp.start()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "b", "GREENMFG_REGION": "shanxi",
                      "GREENMFG_RULES_YEAR": 2025, "GREENMFG_JOBS_BACKEND": "thread", "TESTING": True,
                      "GREENMFG_SMTP_HOST": "127.0.0.1", "GREENMFG_SMTP_PORT": smtp.port})
    init_migrate(app)
    try:
        with app.app_context():
            upgrade()
            u = kit.unit("shanxi")
            for n in range(units):
                org = kit.organization(u)
                db.session.add(AnnualFiling(organization_id=org.id, unit_type="factory", year=2026,
                                            admin_unit_id=u.id, levels=["provincial"], status="due",
                                            due_on=dt.date(2026, 4, 15), values={}, key_data={}))
                for k in range(2):
                    user = kit.user(Role.APPLICANT, organization_id=org.id)
                    service.save_setting(user, email=f"u{n}-{k}@example.cn", phone=None, by_email=True,
                                         by_sms=False, language="en" if k else None)
            db.session.commit()
            start = time.perf_counter()
            filings.send_reminders(dt.date(2026, 4, 14), "scheduler")
            db.session.commit()
            committed = time.perf_counter() - start
            app.extensions["greenmfg_jobs"].wait(600)
            while box.count < 2 * units and time.perf_counter() - start < 600:
                time.sleep(0.05)
            delivered = time.perf_counter() - start
            rows = db.session.scalar(select(func.count(Notification.id)))
            reader = db.session.get(User, db.session.scalar(select(func.min(Notification.user_id))))
            per_count = min(timeit.repeat(lambda: service.unread_count(reader), number=200, repeat=3)) / 200
            db.session.remove()
            db.engine.dispose()
    finally:
        smtp.stop()
        ports.give_back(port)
    return {"units": units, "inbox_rows": rows, "emails": box.count, "commit_s": round(committed, 3),
            "delivered_s": round(delivered, 2), "emails_per_s": round(box.count / delivered, 1),
            "unread_count_ms": round(per_count * 1000, 3)}


def build_parser() -> argparse.ArgumentParser:
    """The bench's options (tests/ops/test_bench_options.py reads them without running the bench)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     parents=[options(databases=True, serves=True)])
    parser.add_argument("--units", type=int, default=200)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    results = with_databases(PG, lambda url: run(url, args.units, args.ports), prefix=args.db_prefix)
    for name, row in results.items():
        print(f"{name:11} " + "  ".join(f"{k}={v}" for k, v in row.items()))
    for name, row in results.items():
        print(f"{name}: e-mails delivered ÷ expected {row['emails'] / (2 * row['units']):.2f} "
              f"({row['emails']} of {2 * row['units']}; no goal, figures only)")


if __name__ == "__main__":
    main()
