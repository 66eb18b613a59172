"""/healthz and /readyz for a load balancer (issue 44; docs/operations.md "Health probes"), on SQLite and
PostgreSQL: no log-in, no cookie, nothing secret; /readyz names each part's state and answers 503 when one
is down (the database, Redis, the file store, the job workers)."""
from __future__ import annotations

import socket


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_answers_without_a_log_in_or_a_cookie(app):
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 200 and answer.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in answer.headers and answer.headers["Cache-Control"] == "no-store"


def test_readyz_names_each_part_and_is_ready_when_none_is_down(app):
    answer = app.test_client().get("/readyz")
    body = answer.get_json()
    assert answer.status_code == 200 and body["status"] == "ready", body
    assert set(body["checks"]) == {"database", "redis", "storage", "worker"}
    assert body["checks"]["database"]["state"] == "up"
    assert body["checks"]["storage"]["state"] == "up"
    assert "Set-Cookie" not in answer.headers


def test_readyz_is_503_when_redis_does_not_answer_and_says_nothing_secret(make_app):
    url = f"redis://:very-secret@127.0.0.1:{_closed_port()}/0"
    app = make_app("hubei", GREENMFG_PAGE_CACHE="redis", GREENMFG_REDIS_URL=url)
    answer = app.test_client().get("/readyz")
    body = answer.get_json()
    assert answer.status_code == 503 and body["status"] == "not ready"
    assert body["checks"]["redis"]["state"] == "down" and body["checks"]["database"]["state"] == "up"
    text = answer.get_data(as_text=True)
    assert "very-secret" not in text and str(app.config["SQLALCHEMY_DATABASE_URI"]) not in text


def test_readyz_is_503_when_the_database_does_not_answer(make_app):
    app = make_app("national", SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://nobody@127.0.0.1:{_closed_port()}/x",
                   GREENMFG_DB_CONNECT_TIMEOUT=1)
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["checks"]["database"] == {**answer.get_json()["checks"]["database"], "state": "down"}


def test_readyz_is_503_when_the_file_store_cannot_be_written(make_app, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the store's folder should be made")
    app = make_app("national", GREENMFG_EVIDENCE_DIR=str(blocked / "evidence"))
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503 and answer.get_json()["checks"]["storage"]["state"] == "down"


def test_readyz_in_production_needs_a_worker_on_redis(make_app):
    """Jobs on Redis with no `greenmfg worker` alive: nothing would run the queue, so the instance says so."""
    from helpers import redis_client

    redis_client("redis://127.0.0.1:6379/5")
    app = make_app("national", GREENMFG_JOBS_BACKEND="redis", GREENMFG_REDIS_URL="redis://127.0.0.1:6379/5")
    answer = app.test_client().get("/readyz")
    checks = answer.get_json()["checks"]
    assert checks["redis"]["state"] == "up"
    assert checks["worker"]["state"] == "down" and answer.status_code == 503
