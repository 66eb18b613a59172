"""Where jobs run: Redis workers (RQ) or, for the demo and tests, threads of this process.

``GREENMFG_JOBS_BACKEND``:

* ``"auto"`` (default): Redis at ``GREENMFG_REDIS_URL`` when it answers at start-up and the database is
  not SQLite (a single-server instance), else threads;
* ``"redis"``: Redis, always (jobs wait in the queue for ``greenmfg worker``);
* ``"thread"``: the in-process fallback (a pool of ``GREENMFG_JOBS_THREADS`` threads; jobs of a
  process that stops are sent again by the scheduler of the next one).

Why RQ: it needs nothing but the Redis every deployment already has and the ``redis`` client, each job
runs in a forked work horse (a crafted PDF or a runaway export dies alone, killed at the job's time
limit), and its scheduler delays the retries. Job state, progress, retries and results are kept in the
database (:mod:`core.jobs.service`), so the two back ends behave the same and Redis holds nothing that
cannot be rebuilt.
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from functools import cached_property
from typing import Any

from flask import Flask

from core.jobs.runner import run_call, run_job
from core.ratelimit import redis_answers

log = logging.getLogger(__name__)
#: the queue of jobs and, served before it, the queue of calls a request waits for (PDF checks); the Redis
#: queue names carry the instance (:meth:`RedisBackend.queue`), so instances sharing one Redis database never
#: take each other's jobs (issue 47)
QUEUE = "greenmfg"
CALLS = "greenmfg-calls"


class CallFailed(RuntimeError):
    """A waited-for call did not answer (its worker died, hit a limit, or raised)."""


class ThreadBackend:
    kind = "thread"

    def __init__(self, app: Flask, threads: int):
        self.app = app
        self.pool = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="greenmfg-job")
        #: calls someone waits on (a PDF check during an upload) never queue behind background jobs (e-mails,
        #: exports): their own threads, as Redis gives them their own queue
        self.calls = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="greenmfg-call")
        self.in_flight: dict[int, Future] = {}
        self.lock = threading.Lock()

    def _run(self, job_id: int) -> str:
        try:
            with self.app.app_context():
                return run_job(job_id)
        finally:
            with self.lock:
                self.in_flight.pop(job_id, None)

    def dispatch(self, job_id: int, force: bool = False, name: str | None = None) -> bool:
        with self.lock:
            if job_id in self.in_flight and not force:
                return False
            self.in_flight[job_id] = self.pool.submit(self._run, job_id)
        return True

    def dispatch_later(self, job_id: int, delay: float) -> None:
        timer = threading.Timer(delay, self.dispatch, args=(job_id, True))
        timer.daemon = True
        timer.start()

    def call(self, name: str, args: list[Any], kwargs: dict[str, Any], timeout: float) -> Any:
        def work():
            with self.app.app_context():
                return run_call(name, args, kwargs)
        return self.calls.submit(work).result(timeout=timeout + 5)

    def workers(self) -> int:
        return self.pool._max_workers

    def wait(self, timeout: float = 30.0) -> None:
        """Until nothing is in flight (tests and the demo's shutdown)."""
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                pending = list(self.in_flight.values())
            if not pending:
                return
            for future in pending:
                try:
                    future.result(timeout=max(0.01, deadline - time.monotonic()))
                except Exception:  # noqa: BLE001 - the job recorded its own failure
                    pass
        raise TimeoutError("jobs still running")


class RedisBackend:
    kind = "redis"

    def __init__(self, app: Flask, url: str, instance: str):
        import hashlib
        import re

        self.app = app
        self.url = url
        #: the instance's name (:func:`core.ratelimit.instance_name`), in every queue name and job id
        self.instance = instance
        #: the same as a job id may spell it (RQ allows letters, digits, ``-`` and ``_``), with a digest of the
        #: name so that two names spelt alike (``hunan:a`` and ``hunan_a``) stay apart
        self.tag = (re.sub(r"[^A-Za-z0-9_-]", "_", instance)[:40] + "-"
                    + hashlib.sha256(instance.encode()).hexdigest()[:8])

    @cached_property
    def redis(self):
        """The client, made on first use: a web worker that serves pages and starts no job never loads redis
        (and the cryptography it imports), some 7 MB (issue 23, W5)."""
        from redis import Redis

        return Redis.from_url(self.url, socket_connect_timeout=2, socket_timeout=30)

    def queue_name(self, name: str = QUEUE) -> str:
        """The Redis queue of this instance for ``name`` (:data:`QUEUE` or :data:`CALLS`)."""
        return f"{name}:{self.instance}"

    def queue(self, name: str = QUEUE):
        from rq import Queue

        return Queue(self.queue_name(name), connection=self.redis)

    def rq_id(self, job_id: int) -> str:
        return f"greenmfg-{self.tag}-job-{job_id}"

    def dispatch(self, job_id: int, force: bool = False, name: str | None = None) -> bool:
        from rq.exceptions import NoSuchJobError
        from rq.job import Job as RqJob
        from rq.job import JobStatus

        from core.jobs.registry import spec
        from core.models import Job

        rq_id = self.rq_id(job_id)
        if not force:
            try:
                status = RqJob.fetch(rq_id, connection=self.redis).get_status(refresh=False)
                if status in (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.STARTED, JobStatus.DEFERRED):
                    return False
            except NoSuchJobError:
                pass
        from core.extensions import db

        if name is None:  # right after a commit the session may emit no SQL: the caller passes the name
            row = db.session.get(Job, job_id)
            name = row.name if row is not None else None
        timeout = spec(name).timeout if name is not None else 1800
        self.queue().enqueue("core.jobs.runner.run_job", job_id, job_id=rq_id, job_timeout=timeout,
                             result_ttl=3600, failure_ttl=7 * 86400)
        return True

    def dispatch_later(self, job_id: int, delay: float) -> None:
        from core.extensions import db
        from core.jobs.registry import spec
        from core.models import Job

        row = db.session.get(Job, job_id)
        self.queue().enqueue_in(timedelta(seconds=delay), "core.jobs.runner.run_job", job_id,
                                job_id=self.rq_id(job_id) + f"-retry-{row.attempts if row else 0}",
                                job_timeout=spec(row.name).timeout if row else 1800, result_ttl=3600)

    def workers(self) -> int:
        from rq import Worker

        try:
            return Worker.count(connection=self.redis, queue=self.queue(CALLS))
        except Exception:  # noqa: BLE001 - Redis gone: nobody to wait for
            return 0

    def call(self, name: str, args: list[Any], kwargs: dict[str, Any], timeout: float) -> Any:
        from rq.results import Result

        job = self.queue(CALLS).enqueue("core.jobs.runner.run_call", name, args, kwargs,
                                        job_timeout=int(timeout) + 1, result_ttl=60, failure_ttl=300, ttl=int(timeout))
        result = job.latest_result(timeout=int(timeout) + 2)
        if result is None:
            job.cancel()
            raise CallFailed(f"no worker answered {name} within {timeout:.0f} s")
        if result.type != Result.Type.SUCCESSFUL:
            raise CallFailed(f"{name} failed in the worker: {(result.exc_string or '')[-500:]}")
        return result.return_value


def make_backend(app: Flask):
    kind = str(app.config["GREENMFG_JOBS_BACKEND"] or "auto").lower()
    url = app.config["GREENMFG_REDIS_URL"]
    if kind not in ("auto", "redis", "thread"):
        from core.config import ConfigurationError

        raise ConfigurationError(f"GREENMFG_JOBS_BACKEND must be auto, redis or thread (got {kind!r})")
    sqlite = str(app.config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite")
    if kind == "redis" or (kind == "auto" and not sqlite and redis_answers(url)):
        from core.ratelimit import instance_name

        return RedisBackend(app, url, instance_name(app))
    return ThreadBackend(app, int(app.config["GREENMFG_JOBS_THREADS"]))

