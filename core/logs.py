"""One logging set-up for web workers, job workers and commands (issue 44).

Every process builds the app (:func:`core.app.create_app`), which calls :func:`init_app`: one handler on the
root logger writes to standard error at ``GREENMFG_LOG_LEVEL`` (INFO) in ``GREENMFG_LOG_FORMAT``:

* ``plain``: ``2026-11-25T14:03:07.412+0800 INFO [4711] core.notifications.mail req=3f9c0a1b2c4d: …``
* ``json``: one object per line, ``{"time", "level", "logger", "pid", "request_id", "message"[, "exc"]}``

Every line carries its time (with date and offset) and the request id (``-`` outside a request; the same id
the error pages show and the ``X-Request-Id`` answer header carries). gunicorn's own access log is written by
gunicorn (``--access-logfile -``, docs/operations.md); RQ's worker logs through this handler (it adds its own
only when no handler is set). Where the lines go is the service manager's business (journald, a file).
"""
from __future__ import annotations

import json
import logging
import sys
import time
import uuid
from typing import Any, Mapping

from flask import Flask, g, has_request_context

FORMATS = ("plain", "json")
PLAIN = "%(asctime)s %(levelname)s [%(process)d] %(name)s req=%(request_id)s: %(message)s"


class RequestIdFilter(logging.Filter):
    """Puts the current request's id (``g.request_id``) on every record, ``-`` outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            rid = None
            if has_request_context():
                rid = g.get("request_id")
            record.request_id = rid or "-"
        return True


class _Plain(logging.Formatter):
    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return _timestamp(record)


class JsonLines(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {"time": _timestamp(record), "level": record.levelname, "logger": record.name,
                               "pid": record.process, "request_id": getattr(record, "request_id", "-"),
                               "message": record.getMessage()}
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def _timestamp(record: logging.LogRecord) -> str:
    local = time.localtime(record.created)
    return time.strftime("%Y-%m-%dT%H:%M:%S", local) + f".{int(record.msecs):03d}" + time.strftime("%z", local)


def configure(level: str = "INFO", fmt: str = "plain", stream=None) -> logging.Handler:
    """Set the one handler of the root logger (replacing the one set before: a second app, a test)."""
    fmt = str(fmt or "plain").lower()
    if fmt not in FORMATS:
        raise ValueError(f"GREENMFG_LOG_FORMAT must be plain or json (got {fmt!r})")
    level_no = logging.getLevelName(str(level or "INFO").upper())
    if not isinstance(level_no, int):
        raise ValueError(f"GREENMFG_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR (got {level!r})")
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "greenmfg", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.greenmfg = True  # type: ignore[attr-defined]
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonLines() if fmt == "json" else _Plain(PLAIN))
    root.addHandler(handler)
    root.setLevel(level_no)
    return handler


def new_request_id() -> str:
    """A request's id: 12 hexadecimal digits, in the log lines, the ``X-Request-Id`` header and error pages."""
    return uuid.uuid4().hex[:12]


def init_app(app: Flask, config: Mapping[str, Any] | None = None) -> None:
    """Logging from the app's settings; the app's own logger (``core``) writes through the root handler, and
    every answer carries its request id in ``X-Request-Id``."""
    config = config if config is not None else app.config
    from core.config import setting

    if not app.testing:  # the tests keep pytest's own log capture
        configure(setting("GREENMFG_LOG_LEVEL", config), setting("GREENMFG_LOG_FORMAT", config))
    app.logger.handlers.clear()  # Flask's default handler would write each line twice
    app.logger.propagate = True

    # the first of the app's before-request functions (logs are set up before anything else registers one), so a
    # request refused by an earlier one (a missing CSRF token, the forced second factor) has its id too
    @app.before_request
    def _request_id():
        g.request_id = new_request_id()

    @app.after_request
    def _request_id_header(response):
        rid = g.get("request_id")
        if rid:
            response.headers.setdefault("X-Request-Id", rid)
        return response
