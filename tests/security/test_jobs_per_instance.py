"""Jobs per instance (issue 47): two instances on one Redis database each run only their own jobs. Before, the
RQ queue was always ``greenmfg`` and job ids ``greenmfg-job-<row id>``: instance A's worker ran B's jobs against A's
database (A's row with the same id ran twice) and B's rows stayed queued.

Redis database 13 with instance names of this test's own; the test removes its keys afterwards."""
from __future__ import annotations

import shutil
import uuid

import pytest

from core.extensions import db
from core.jobs import job

RUNS: list[tuple[str, str]] = []


@job("test.sec.mark", "marking test job")
def _mark(ctx, who: str):
    RUNS.append((who, ctx.public_id))
    return {"who": who}


REDIS = "redis://127.0.0.1:6379/13"


@pytest.fixture
def redis_13():
    from core.ratelimit import redis_answers

    if not redis_answers(REDIS):
        pytest.skip("no Redis on 127.0.0.1:6379")
    import redis

    client = redis.Redis.from_url(REDIS)
    tag = f"sec47-{uuid.uuid4().hex[:8]}"
    yield client, tag
    for key in client.scan_iter(match=f"*{tag}*"):
        client.delete(key)
    for key in client.scan_iter(match="rq:*"):  # RQ's own indexes name our queues and workers inside them
        if client.type(key) == b"set":
            for member in client.smembers(key):
                if tag.encode() in member:
                    client.srem(key, member)


def test_two_instances_on_one_redis_database_run_only_their_own_jobs(make_app, sqlite_template, tmp_path, redis_13):
    from rq import SimpleWorker

    from core.jobs import enqueue
    from core.jobs.backends import CALLS, QUEUE
    from core.models import Job

    client, tag = redis_13
    other_db = tmp_path / "b.sqlite3"
    shutil.copy(sqlite_template, other_db)
    settings = {"GREENMFG_JOBS_BACKEND": "redis", "GREENMFG_REDIS_URL": REDIS}
    app_a = make_app("hunan", GREENMFG_INSTANCE_NAME=f"{tag}:a", **settings)
    app_b = make_app("hunan", GREENMFG_INSTANCE_NAME=f"{tag}:b", SQLALCHEMY_DATABASE_URI=f"sqlite:///{other_db}",
                     **settings)
    for app, who in ((app_a, "a"), (app_b, "b")):
        with app.app_context():
            for _ in range(3):
                enqueue("test.sec.mark", who, actor="test")
            db.session.commit()
    backend_a, backend_b = app_a.extensions["greenmfg_jobs"], app_b.extensions["greenmfg_jobs"]
    assert backend_a.rq_id(1) != backend_b.rq_id(1)
    assert backend_a.queue().name != backend_b.queue().name
    assert len(backend_b.queue().job_ids) == 3

    RUNS.clear()
    with app_a.app_context():
        worker = SimpleWorker([backend_a.queue(CALLS), backend_a.queue(QUEUE)], connection=backend_a.redis,
                              name=f"{tag}-worker-a")
        worker.work(burst=True)
        db.session.remove()
        statuses_a = sorted(j.status for j in db.session.scalars(db.select(Job)))
    assert sorted(who for who, _ in RUNS) == ["a", "a", "a"]  # each of A's jobs once, none of B's
    assert statuses_a == ["done"] * 3
    with app_b.app_context():
        assert sorted(j.status for j in db.session.scalars(db.select(Job))) == ["queued"] * 3
    assert len(backend_b.queue().job_ids) == 3  # B's jobs wait for B's worker
    with app_b.app_context():
        SimpleWorker([backend_b.queue(QUEUE)], connection=backend_b.redis, name=f"{tag}-worker-b").work(burst=True)
        db.session.remove()
        assert sorted(j.status for j in db.session.scalars(db.select(Job))) == ["done"] * 3
    assert sorted(who for who, _ in RUNS) == ["a", "a", "a", "b", "b", "b"]
    # every key RQ wrote for the two instances names its instance
    keys = [k.decode() for k in client.scan_iter(match="rq:*") if b"sec47" in k]
    assert keys and all(tag in k for k in keys)
