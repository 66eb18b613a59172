"""gunicorn's settings for a web server whose app is made once, in gunicorn's master (issue 57, W5):

    gunicorn --config python:core.serving --workers 2 --bind 127.0.0.1:8000 … 'core:create_app()'

``preload_app``: the master makes the app and each worker is forked from it, sharing the master's memory until it
writes to it. Before the first worker is forked, :func:`when_ready` warms the app in the master (:func:`warm`): it
asks the pages every worker serves first and loads what a first log-in loads, so that the code they run, their
compiled templates, their statements and the libraries they load are made once and shared instead of once in every
worker. Measured under gunicorn on 50,000 applications (docs/benchmarks.md, W5): each worker's own memory after
log-ins and the list pages 34–37 MiB, against 49 MiB preloaded unwarmed and 92 MiB without ``--preload``.

Each worker opens its own database connections after the fork (:mod:`core.kernel.forks`). A HUP (``systemctl
reload``) forks new workers from the master's app as it was made: new code or settings need a restart
(docs/operations.md).
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask

log = logging.getLogger(__name__)

preload_app = True

#: what every worker serves first, asked once in the master: anonymous pages only (no account is read or written)
WARM_PATHS = ("/login", "/", "/public/lists", "/api/v1/lists")


def when_ready(server: Any) -> None:
    """gunicorn's hook in the master, after the app is made and before the first worker is forked. A warming that
    fails (a database not answering yet) never stops the server: the workers make what they need themselves."""
    try:
        warm(server.app.wsgi())
    except Exception:  # noqa: BLE001 - the server starts unwarmed
        log.exception("the app could not be warmed before the workers are forked; they start without it")


def warm(app: Flask) -> list[tuple[str, int]]:
    """Ask ``app``'s :data:`WARM_PATHS`, load the password hasher and the failed-log-in counters' store, close the
    connections that opened, and set what was made aside from the collector; the paths and their status codes.
    Nothing is warmed where the jobs run in this process's threads (no Redis): a thread a fork would not carry (the
    embedded scheduler starts at the first request) must not start in the master."""
    from core.extensions import db
    from core.ratelimit import login_failures
    from core.services import memory, passwords

    if app.extensions["greenmfg_jobs"].kind == "thread":
        log.info("the app is not warmed before the workers are forked: its jobs run in its own threads")
        return []
    client = app.test_client()
    answered = []
    for path in WARM_PATHS:
        status = client.get(path, environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code
        answered.append((path, status))
        if status >= 500:
            log.warning("warming %s answered %s (the workers will make it themselves)", path, status)
    passwords.load()
    with app.test_request_context():
        counters = login_failures()
        if counters is not None:
            counters.wait("login_failures_per_address", "127.0.0.1")  # reads, counts nothing
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # the master needs no connection of its own; each worker opens its own
    memory.settle_warmed(app)
    log.info("app warmed before the workers are forked: %s", ", ".join(f"{p} {s}" for p, s in answered))
    return answered
