"""Background jobs (issue 22): long work runs in a worker, with progress the user who started it sees.

The public API other features use::

    from core.jobs import job, enqueue

    @job("mail.send", _l("E-mail"), max_attempts=5, backoff=(30, 300, 1800))
    def send_mail(ctx, to, subject, body):
        ...                                   # ctx.progress(n, total), ctx.save_file(name, data, type)
        return {"sent": 1}

    enqueue("mail.send", "a@example.cn", "主题", "正文", user=current_user)   # sent once the caller commits

* :func:`job` registers a function by name (:mod:`core.jobs.registry`); :func:`enqueue` adds a job to
  the caller's transaction and hands it to a worker after the commit (:mod:`core.jobs.service`);
  :func:`call` runs a function in the worker pool and waits for its answer (the upload's PDF check).
* Workers: ``greenmfg worker`` (RQ on Redis, :mod:`core.jobs.backends`), or threads of the web
  process when Redis does not answer or ``GREENMFG_JOBS_BACKEND = "thread"`` (the demo, the tests).
* The scheduler (:mod:`core.jobs.schedule`) runs the periodic jobs and sends lost jobs again.
* Users follow their jobs at ``/jobs`` and ``GET /api/v1/jobs`` (:mod:`core.jobs.views`, :mod:`core.jobs.api`).
"""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from core.jobs.context import JobContext
from core.jobs.registry import JobSpec, job, spec, specs
from core.jobs.service import enqueue

__all__ = ["CONFIG_DEFAULTS", "JobContext", "JobSpec", "call", "enqueue", "init_app", "job", "spec", "specs"]

CONFIG_DEFAULTS: dict[str, Any] = {
    "GREENMFG_JOBS_BACKEND": "auto",
    "GREENMFG_REDIS_URL": "redis://127.0.0.1:6379/0",
    "GREENMFG_JOBS_THREADS": 2,
    #: a running job writes its progress this often; silent for the stale period, it is sent again
    "GREENMFG_JOBS_HEARTBEAT_SECONDS": 5,
    "GREENMFG_JOBS_STALE_SECONDS": 60,
    #: a queued job nobody took for this long is sent to the queue again (Redis lost it)
    "GREENMFG_JOBS_REQUEUE_SECONDS": 600,
    "GREENMFG_JOBS_TICK_SECONDS": 30,
    "GREENMFG_JOBS_SCHEDULE": None,
    #: with the in-process back end, run the scheduler as a thread of the web process
    "GREENMFG_JOBS_EMBEDDED_SCHEDULER": True,
    "GREENMFG_JOBS_KEEP_DAYS": 30,
    #: exports of more applications, and imports of larger files, run as jobs (smaller ones at once)
    "GREENMFG_JOBS_INLINE_ROWS": 300,
    "GREENMFG_JOBS_INLINE_BYTES": 256 * 1024,
}


def init_app(app: Flask) -> None:
    from core.jobs import backends, builtin, service  # noqa: F401  (builtin registers the platform's own jobs)
    from core.storage import sweep

    for key, value in CONFIG_DEFAULTS.items():
        app.config.setdefault(key, value)
    if app.config["GREENMFG_JOBS_SCHEDULE"] is None:
        from core.jobs.schedule import DEFAULT_SCHEDULE

        app.config["GREENMFG_JOBS_SCHEDULE"] = dict(DEFAULT_SCHEDULE)
    unknown = sorted(set(app.config["GREENMFG_JOBS_SCHEDULE"]) - set(specs()))
    if unknown:
        from core.config import ConfigurationError

        raise ConfigurationError("GREENMFG_JOBS_SCHEDULE 含未知任务 / names jobs that do not exist: "
                                 + ", ".join(unknown) + "; known: " + ", ".join(sorted(specs())))
    app.extensions["greenmfg_jobs"] = backends.make_backend(app)
    from core.jobs.access import permissions as start_permissions
    from core.kernel import permissions

    permissions.registry(app).register(*start_permissions())  # who may start a job by name (POST /api/v1/jobs)
    service.install()
    sweep.register(service.referenced_keys)
    from core.jobs import api, views

    views.init_app(app)
    app.extensions["greenmfg_jobs_api"] = api
    backend = app.extensions["greenmfg_jobs"]
    if backend.kind == "thread" and app.config["GREENMFG_JOBS_EMBEDDED_SCHEDULER"] and not app.testing:
        def _start_scheduler():
            from core.jobs.schedule import start_embedded

            start_embedded(app)

        # first of the hooks, so a worker whose requests are all answered from kept pages starts it too
        app.before_request_funcs.setdefault(None, []).insert(0, _start_scheduler)


def call(name: str, *args: Any, timeout: float = 30.0, **kwargs: Any) -> Any:
    """Run registered function ``name`` in the worker pool and return its answer (raises
    :class:`core.jobs.backends.CallFailed` if the worker died or hit a limit). With no Redis worker
    running it runs here, so an instance without workers still answers."""
    backend = current_app.extensions["greenmfg_jobs"]
    if backend.kind == "thread" or backend.workers() > 0:
        return backend.call(name, list(args), kwargs, timeout)
    return spec(name).func(None, *args, **kwargs)
