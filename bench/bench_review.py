"""Benchmark: the province draws expert panels for a whole round at once, and an applicant opens the firm picker
(issue 16).

    python bench/bench_review.py [--applications 300] [--experts 60] [--firms 50] [--panel 5]
                                 [--target 30] [--picker-target 2] [--no-fail] [--db-prefix greenmfg_]
                                 [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Builds a Hubei round (the 17 cities of 鄂经信办节能〔2022〕8号 附件3): ``--applications`` recommended applications,
each evaluated by one of ``--firms`` registered firms, and a pool of ``--experts`` experts spread over the cities
and fields, then measures through the services the web pages and the API call:

* the bulk draw (:func:`core.review.experts.draw_many`): every panel brought to ``--panel`` experts by unit type,
  avoidance checked for every expert against every application (city, employer, evaluator firm);
* the firm picker of one application (:func:`core.review.evaluation.firm_choices`): every firm with its places
  left under each cap and whether it qualifies.

Runs on a fresh SQLite file and, when the server answers, a throwaway PostgreSQL database (``--db-prefix`` +
``bench_`` + random); prints seconds and
SQL statements for each, and exits 1 when the draw takes ``--target`` seconds or the picker ``--picker-target``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from stdnum.cn import uscc as stdnum_uscc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchdb import options, with_databases  # noqa: E402

from core import create_app  # noqa: E402
from core.extensions import db, init_migrate  # noqa: E402

QUALIFIED = {"registered_in_china": True, "independent_legal_person": True, "evaluation_experience": True,
             "fixed_office": True, "sound_finances": True, "full_time_midlevel_staff": 12, "senior_staff": 6,
             "staff_compliant": True, "green_record_5y": True, "evidence_in_report": True}


def _uscc(n: int, division: str = "420100") -> str:
    body = f"91{division}{n:08d}7"
    return body + stdnum_uscc.calc_check_digit(body)


def build(app, applications: int, experts: int, firms: int, seed: int = 16) -> int:
    """The round; returns the id of one draft application for the picker."""
    from core.models import (
        AdminUnit, Application, ApplicationStatus as S, Campaign, EvaluatorEngagement, EvaluatorFirm, ExpertProfile,
        Organization, Role, User,
    )
    from core.services.admin_units import sync_admin_units
    from core.clock import end_of_day

    rng = random.Random(seed)
    with app.app_context():
        sync_admin_units("bench")
        db.session.flush()
        units = list(db.session.scalars(sa.select(AdminUnit).where(AdminUnit.region == "hubei")))
        campaign = Campaign(region="hubei", year=2025, level="provincial", title="2025 bench",
                            unit_types=["factory", "park"], opens_at=dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc),
                            closes_at=end_of_day(dt.date(2025, 12, 31)), deadlines={}, deadline_reasons={})
        db.session.add(campaign)
        registry = [EvaluatorFirm(uscc=_uscc(900000 + i, "110000"), name=f"评价机构{i}", legal_representative=f"法人{i % 20}",
                                  qualifications=dict(QUALIFIED)) for i in range(firms)]
        db.session.add_all(registry)
        db.session.flush()
        for i in range(applications + 1):
            unit = units[i % len(units)]
            org = Organization(uscc=_uscc(i), name=f"湖北基准企业{i}有限公司", admin_unit_id=unit.id)
            db.session.add(org)
            db.session.flush()
            firm = registry[i % firms]
            a = Application(campaign_id=campaign.id, organization_id=org.id, admin_unit_id=unit.id,
                            unit_type="factory" if i % 4 else "park", level="provincial", evaluation_mode="third_party",
                            status=S.CITY_RECOMMENDED if i else S.DRAFT, indicator_values={}, extension_data={},
                            requested_levels=["provincial"], declarations={},
                            evaluator_firm_id=None if i == 0 else firm.id)
            db.session.add(a)
            db.session.flush()
            if i:
                db.session.add(EvaluatorEngagement(firm_id=firm.id, application_id=a.id, year=2025, level="provincial",
                                                   unit_type=a.unit_type, cap_key="bench", cap_keys=[]))
            if i == 0:
                draft = a.id
        for i in range(experts):
            user = User(username=f"bench_expert{i}", display_name=f"专家{i}", role=Role.EXPERT, password_hash="!")
            db.session.add(user)
            db.session.flush()
            db.session.add(ExpertProfile(user_id=user.id, region="hubei", name=f"专家{i}",
                                         admin_unit_id=rng.choice(units).id,
                                         evaluator_firm_id=registry[i].id if i < 3 else None,
                                         fields=["factory", "park"] if i % 3 else ["factory"], active=True))
        db.session.commit()
    return draft


def run(url: str, applications: int, experts: int, firms: int, panel: int) -> dict[str, float]:
    from flask_migrate import upgrade

    from core.models import Application, ApplicationStatus as S
    from core.review import evaluation, experts as expert_service

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "GREENMFG_REGION": "hubei",
                      "GREENMFG_RATELIMIT_ENABLED": False, "GREENMFG_RULES_YEAR": 2025})
    init_migrate(app)
    with app.app_context():
        upgrade()
    draft = build(app, applications, experts, firms)
    out = {}
    with app.app_context():
        statements = []
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.append(1))
        batch = list(db.session.scalars(sa.select(Application).where(Application.status == S.CITY_RECOMMENDED)))
        started = time.perf_counter()
        outcomes = expert_service.draw_many("bench", batch, panel, "unit_type", rng=random.Random(1))
        db.session.commit()
        out["bulk draw"] = time.perf_counter() - started
        served = sum(1 for o in outcomes if o["error"] is None)
        print(f"  bulk draw       {out['bulk draw']:6.2f} s  {len(statements):6d} statements  "
              f"{served}/{len(outcomes)} panels of {panel}")
        statements.clear()
        started = time.perf_counter()
        with app.test_request_context("/"):
            rows = evaluation.firm_choices(db.session.get(Application, draft))
        out["firm picker"] = time.perf_counter() - started
        print(f"  firm picker     {out['firm picker']:6.2f} s  {len(statements):6d} statements  {len(rows)} firms")
        db.engine.dispose()
    return out


def build_parser() -> argparse.ArgumentParser:
    """The bench's options (tests/ops/test_bench_options.py reads them without running the bench)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     parents=[options(databases=True, serves=False)])
    parser.add_argument("--applications", type=int, default=300)
    parser.add_argument("--experts", type=int, default=60)
    parser.add_argument("--firms", type=int, default=50)
    parser.add_argument("--panel", type=int, default=5)
    parser.add_argument("--target", type=float, default=30.0)
    parser.add_argument("--picker-target", type=float, default=2.0)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-fail", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    sizes = (args.applications, args.experts, args.firms, args.panel)
    label = f" ({args.applications} applications, {args.experts} experts, {args.firms} firms)"
    results = with_databases(args.pg_url, lambda url: run(url, *sizes), label, prefix=args.db_prefix)
    draw = max(r["bulk draw"] for r in results.values())
    picker = max(r["firm picker"] for r in results.values())
    met = draw < args.target and picker < args.picker_target
    print(f"targets: bulk draw under {args.target:.0f} s, firm picker under {args.picker_target:.0f} s — "
          f"{'met' if met else 'MISSED'} (slowest {draw:.2f} s, {picker:.2f} s)")
    return 0 if met or args.no_fail else 1


if __name__ == "__main__":
    sys.exit(main())
