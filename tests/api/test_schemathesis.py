"""schemathesis, every check, against every operation of the served document, with tokens for four roles
(applicant, city, province, admin), positive and negative data (issue 18): no server error, no answer that
violates its documented schema, no failed check.

A bounded run for CI (``GREENMFG_FUZZ_EXAMPLES``, default 3 cases per operation and mode, each sent as every role:
tests/api/fuzz_kit.py) on
PostgreSQL, where a NUL or an out-of-range integer used to end in a 500, for Hunan (the richest form) and
the national instance (the recommendation import). The long run, every region on both databases, is in
docs/api-fuzzing.md.
"""
from __future__ import annotations

import os

import pytest

import api_kit as kit
import fuzz_kit

EXAMPLES = int(os.environ.get("GREENMFG_FUZZ_EXAMPLES", "3"))
REGIONS = os.environ.get("GREENMFG_FUZZ_REGIONS", "hunan,national").split(",")
DATABASES = os.environ.get("GREENMFG_FUZZ_DATABASES", "postgresql").split(",")


@pytest.fixture(autouse=True)
def _quiet_unhandled_logging(caplog):
    caplog.set_level("CRITICAL", logger="core")  # a 500 is counted by the report, not printed 1,000 times


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("region", REGIONS)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(region, database, request, tmp_path):
    from flask_migrate import upgrade

    from core import create_app
    from core.extensions import db, init_migrate

    if database == "postgresql":
        pg = request.getfixturevalue("pg_database")
        pg.reset()
        url = pg.url
    else:
        url = f"sqlite:///{tmp_path / 'fuzz.sqlite3'}"
    app = create_app({"SECRET_KEY": "t", "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "GREENMFG_REGION": region,
                      "GREENMFG_RULES_YEAR": 2025, "GREENMFG_RATELIMIT_ENABLED": False,
                      "GREENMFG_RATELIMIT_STORAGE": "memory://", "GREENMFG_MFA_ROLES": [],
                      "GREENMFG_EVIDENCE_DIR": str(tmp_path / "evidence")})
    if database != "postgresql":
        init_migrate(app)
        with app.app_context():
            upgrade()
    try:
        people = kit.people(app, experts=2)
        fuzz_kit.seed_world(app, people)
        report = fuzz_kit.fuzz(app, people, examples=EXAMPLES)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    print(f"schemathesis {region} {database}: {report.summary()}")
    assert report.operations >= 110 and report.cases >= report.operations * len(fuzz_kit.ROLES) * 2
    assert report.server_errors == 0 and report.schema_violations == 0
    assert report.failures == [], "\n\n".join(report.failures[:10])
    assert sum(n for status, n in report.by_status.items() if status < 300) > report.operations, \
        "the run reaches past the refusals"
