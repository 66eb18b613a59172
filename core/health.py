"""Health and readiness probes for a load balancer or a service manager (issue 44).

* ``GET /healthz``: the process answers (200, ``{"status": "ok"}``); nothing else is touched.
* ``GET /readyz``: whether this instance can serve: the database, Redis, the file store and the job workers,
  each with its state (``up``, ``down`` or ``not used``) and a short reason; 200 when none is down, else 503.

Neither needs a log-in, sets a cookie, or says anything secret: no address, no password, no version, only
the kind of a failure (``OperationalError``, ``connection refused``). docs/operations.md says how to probe them.
"""
from __future__ import annotations

import os
import time
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify

bp = Blueprint("health", __name__)

UP, DOWN, NOT_USED = "up", "down", "not used"


def _state(state: str, detail: str, started: float) -> dict[str, Any]:
    return {"state": state, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 1)}


def check_database() -> dict[str, Any]:
    from sqlalchemy import text

    from core.extensions import db

    started = time.perf_counter()
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure is "down", named by its kind only
        return _state(DOWN, type(exc).__name__, started)
    return _state(UP, db.engine.dialect.name, started)


def redis_needed(app: Flask) -> bool:
    """Redis is part of this instance when jobs or kept pages use it, or in production (jobs on Redis)."""
    config = app.config
    backend = app.extensions.get("greenmfg_jobs")
    return bool(getattr(backend, "kind", "") == "redis" or config.get("GREENMFG_PRODUCTION")
                or str(config.get("GREENMFG_JOBS_BACKEND") or "").lower() == "redis"
                or str(config.get("GREENMFG_PAGE_CACHE") or "").lower() == "redis")


def check_redis(app: Flask) -> dict[str, Any]:
    started = time.perf_counter()
    if not redis_needed(app):
        return _state(NOT_USED, "jobs run in the web process; pages are not kept", started)
    try:
        from redis import Redis

        client = Redis.from_url(app.config["GREENMFG_REDIS_URL"], socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:  # noqa: BLE001
        return _state(DOWN, type(exc).__name__, started)
    return _state(UP, "ping", started)


def check_storage(app: Flask) -> dict[str, Any]:
    from core.storage import store
    from core.storage.local import LocalStore

    started = time.perf_counter()
    try:
        files = store()
        if isinstance(files, LocalStore):
            folder = files.root
            while not folder.exists() and folder != folder.parent:  # made at the first upload
                folder = folder.parent
            if not (folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)):
                return _state(DOWN, "local folder not writable", started)
            return _state(UP, "local", started)
        files.exists(".readyz")  # one request to the object store
    except Exception as exc:  # noqa: BLE001
        return _state(DOWN, type(exc).__name__, started)
    return _state(UP, type(files).__name__.removesuffix("Store").lower(), started)


def check_workers(app: Flask, redis_state: str) -> dict[str, Any]:
    started = time.perf_counter()
    backend = app.extensions.get("greenmfg_jobs")
    if getattr(backend, "kind", "") != "redis":
        if app.config.get("GREENMFG_PRODUCTION"):
            return _state(DOWN, "jobs are not on Redis (Redis did not answer at start-up)", started)
        return _state(UP, "jobs run in the web process", started)
    if redis_state == DOWN:
        return _state(DOWN, "Redis does not answer", started)
    count = backend.workers()  # RQ workers whose heartbeat key has not expired
    if count < 1:
        return _state(DOWN, "no greenmfg worker has a live heartbeat", started)
    return _state(UP, f"{count} worker(s)", started)


def readiness(app: Flask) -> tuple[bool, dict[str, Any]]:
    checks = {"database": check_database(), "redis": check_redis(app), "storage": check_storage(app)}
    checks["worker"] = check_workers(app, checks["redis"]["state"])
    ready = all(c["state"] != DOWN for c in checks.values())
    return ready, checks


@bp.get("/healthz")
def healthz():
    response = jsonify({"status": "ok"})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/readyz")
def readyz():
    ready, checks = readiness(current_app._get_current_object())
    response = jsonify({"status": "ready" if ready else "not ready", "checks": checks})
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
