"""City recommendations racing in separate processes never exceed the quota nor count one twice.

The quota place is taken with an atomic conditional UPDATE in the same transaction as the status
change; the application's version column refuses a second, concurrent recommendation of the
same application (its place is rolled back with it).
"""
from __future__ import annotations

import pytest
import multiprocessing

from app_world import QUOTA_PLUGIN, build_world, open_campaign, submitted_applications
from sqlalchemy import func, select

from core.kernel import uow

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases


def _worker(url, ids, barrier, results):
    from core import create_app
    from core.applications import services
    from core.errors import LimitReached, Refused
    from core.extensions import db
    from core.models import Application

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t", "GREENMFG_RULES_YEAR": 2025,
                      "GREENMFG_REGION": "hunan", "GREENMFG_EXTRA_PLUGINS": [QUOTA_PLUGIN]})
    outcome = {"ok": 0, "full": 0, "refused": 0}
    with app.app_context():
        barrier.wait(timeout=60)
        for app_id in ids:
            application = db.session.get(Application, app_id)
            try:
                services.recommend(application, "race", acknowledge_warnings=True)
                uow.commit()
                outcome["ok"] += 1
            except LimitReached:
                db.session.rollback()
                outcome["full"] += 1
            except Refused:
                db.session.rollback()
                outcome["refused"] += 1
            db.session.expire_all()
        results.put(outcome)
        db.engine.dispose()


def test_concurrent_recommendations_respect_the_quota(make_app, database_url):
    app = make_app("hunan", GREENMFG_EXTRA_PLUGINS=[QUOTA_PLUGIN])
    world = build_world(app, units=("changsha",))
    campaign_id = open_campaign(app, level="city")
    from core.extensions import db
    from core.models import Application, LimitCounter

    ids = submitted_applications(app, world, campaign_id, 5)
    with app.app_context():
        db.engine.dispose()  # no connection shared with the processes

    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(3), ctx.Queue()
    # every process tries every application, in a different order
    orders = [ids, ids[::-1], ids[2:] + ids[:2]]
    procs = [ctx.Process(target=_worker, args=(database_url, order, barrier, results)) for order in orders]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert sum(o["ok"] for o in outcomes) == 3
    with app.app_context():
        statuses = db.session.execute(select(Application.status, func.count()).group_by(Application.status)).all()
        assert {s.value: n for s, n in statuses} == {"city_recommended": 3, "submitted": 2}
        assert db.session.scalar(select(LimitCounter.used).where(LimitCounter.key.like("quota:%"))) == 3
