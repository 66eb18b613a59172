"""A job enqueued in a transaction reaches Redis when the transaction commits, at once, not minutes later
through the scheduler's recovery pass (core/jobs/service.py). The dispatch runs after the commit, when the
session may no longer read the job's row, so it must not need to (the scheduler's periodic jobs failed so)."""
from __future__ import annotations

import logging

from cluster_kit import redis_url

from core.extensions import db


def test_the_schedulers_periodic_jobs_are_in_the_redis_queue_at_once(make_app, caplog):
    from rq import Queue

    from core.jobs import schedule
    from core.jobs.backends import QUEUE
    from core.jobs.current import backend
    from core.models import Job

    app = make_app("hunan", GREENMFG_JOBS_BACKEND="redis", GREENMFG_REDIS_URL=redis_url(11),
                   GREENMFG_JOBS_EMBEDDED_SCHEDULER=False)
    with caplog.at_level(logging.ERROR):
        report = schedule.tick(app, now=1_000_000.0)
    assert report["enqueued"]
    with app.app_context():
        ids = sorted(backend().rq_id(j.id) for j in db.session.scalars(db.select(Job)))
        assert len(ids) == len(report["enqueued"])
        assert sorted(backend().queue(QUEUE).job_ids) == ids
    assert "not dispatched" not in caplog.text
