"""Everything an instance keeps in Redis goes to the Redis its ``GREENMFG_REDIS_URL`` names (issue 56): the rate
limits and failed log-ins (which counted in the local Redis's database 0 before), the kept list pages and the job
queue, each key prefixed with the instance's name. Two instances given two Redis databases write only their own;
no key of either lands in the other's, nor in database 0 or any other database of the server."""
from __future__ import annotations

import uuid

import pytest
from redis import Redis

from ops_kit import redis_address, redis_url


def _redis(url: str) -> Redis:
    client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except Exception:  # noqa: BLE001
        import os

        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no Redis at {url}")
    return client


def _instance(make_app, url: str):
    name = f"redis-test-{uuid.uuid4().hex[:8]}"
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_INSTANCE_NAME=name, GREENMFG_REDIS_URL=url,
                   GREENMFG_RATELIMIT_ENABLED=True, GREENMFG_RATELIMIT_STORAGE=None, GREENMFG_PAGE_CACHE="redis",
                   GREENMFG_JOBS_BACKEND="redis")
    return app, name


def _use(app) -> None:
    """What puts keys in Redis: failed log-ins (counted), a kept public page, a job sent to the workers."""
    from core.extensions import db
    from core.jobs import enqueue

    client = app.test_client()
    for _ in range(2):
        assert client.post("/login", data={"username": "nobody", "password": "wrong-password-1"}).status_code == 401
    assert client.get("/notices").status_code == 200
    assert client.get("/notices").status_code == 200
    with app.app_context():
        enqueue("jobs.prune", actor="test")
        db.session.commit()


def _names(client: Redis) -> list[str]:
    return [k.decode() for k in client.scan_iter(count=1000)]


def test_two_instances_write_only_to_their_own_redis_database(make_app):
    first, second = redis_url(2), redis_url(3)
    a_db, b_db = _redis(first), _redis(second)
    a_db.flushdb()
    b_db.flushdb()
    app_a, name_a = _instance(make_app, first)
    app_b, name_b = _instance(make_app, second)
    assert app_a.extensions["greenmfg_limits"].uri == first  # the instance's Redis, not the local database 0
    assert app_a.extensions["greenmfg_jobs"].kind == "redis"
    _use(app_a)
    _use(app_b)
    tags = {name_a: app_a.extensions["greenmfg_jobs"].tag, name_b: app_b.extensions["greenmfg_jobs"].tag}

    def mine(key: str, name: str) -> bool:
        return name in key or tags[name] in key

    for client, own, other in ((a_db, name_a, name_b), (b_db, name_b, name_a)):
        keys = _names(client)
        # rate limits and failed log-ins, kept pages, the job queue and its job: each prefixed by the instance
        assert any(k.startswith(f"LIMITS:LIMITER/greenmfg:{own}:auth/login_failures_per_account/") for k in keys)
        assert any(k.startswith(f"LIMITS:LIMITER/greenmfg:{own}/login/") for k in keys), keys
        assert any(k.startswith(f"greenmfg:{own}:") and ":page:" in k for k in keys), keys
        assert f"rq:queue:greenmfg:{own}" in keys and any(k.startswith("rq:job:") and mine(k, own) for k in keys)
        assert not [k for k in keys if mine(k, other)], [k for k in keys if mine(k, other)]
        # what is not RQ's own bookkeeping (rq:queues, rq:workers…) names its instance
        assert [k for k in keys if not mine(k, own) and not k.startswith("rq:")] == []
    host, port = redis_address()
    databases = int(Redis(host=host, port=port).config_get("databases")["databases"])
    for number in range(databases):
        url = f"redis://{host}:{port}/{number}"
        if url in (first, second):
            continue
        strays = [k for k in _names(Redis.from_url(url)) if mine(k, name_a) or mine(k, name_b)]
        assert strays == [], (number, strays)  # database 0 included
    a_db.flushdb()
    b_db.flushdb()
