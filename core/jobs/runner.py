"""Running one attempt of a job, the same way in a Redis worker and in the in-process fallback.

:func:`run_job` is what a queue message names. It claims the job, starts a heartbeat thread that
writes the job's progress to its row every ``GREENMFG_JOBS_HEARTBEAT_SECONDS`` (through its own
connection: the job's transaction stays open and unblocked), runs the registered function, and commits
the function's work with ``status = done``. A refusal (:class:`~core.errors.GreenmfgError`) fails the
job with its message; a passing fault (database, storage, network) is retried after the spec's
back-off; anything else is retried too and, after the last attempt, fails with a message that sends
the user to the administrators. A job that asked for it (:func:`core.services.memory.trim_after_request`)
gives its memory back to the system when it ends.

:func:`run_call` runs a registered function for a caller that waits for the answer (the PDF check of
an upload): no job row, the answer goes back through the queue.
"""
from __future__ import annotations

import contextlib
import logging
import os
import threading
import traceback
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy.exc import DBAPIError, OperationalError

from core.errors import GreenmfgError
from core.extensions import db
from core.i18n import bilingual
from core.jobs import service
from core.jobs.context import JobContext
from core.jobs.current import backend
from core.jobs.registry import spec
from core.services import memory
from core.storage.base import StorageError

log = logging.getLogger(__name__)
#: faults that pass: retried after the back-off
TRANSIENT = (OperationalError, DBAPIError, StorageError, ConnectionError, TimeoutError)
#: the pid of ``greenmfg worker``'s main process (set by the command); its forked work horses differ
WORKER_PID: int | None = None


def isolated() -> bool:
    """Whether this process exists for the current job alone (a Redis worker's forked work horse)."""
    return WORKER_PID is not None and os.getpid() != WORKER_PID


def _heartbeat(ctx: JobContext, stop: threading.Event, every: float, app) -> None:
    with app.app_context():
        while not stop.wait(every):
            percent, stage = ctx.snapshot()
            try:
                if not service.beat(ctx.job_id, ctx.token, percent, stage):
                    return
            except Exception:  # noqa: BLE001 - the next beat tries again; the job itself goes on
                log.warning("job %s: heartbeat not written", ctx.job_id, exc_info=True)
            finally:
                db.session.remove()


def run_job(job_id: int) -> str:
    """One attempt of job ``job_id``; returns what happened (``done``, ``failed``, ``retrying``, ``skipped``)."""
    app = current_app._get_current_object()
    claimed = service.claim(job_id, float(app.config["GREENMFG_JOBS_STALE_SECONDS"]))
    if claimed is None:
        db.session.remove()
        return "skipped"
    token, job = claimed
    ctx = JobContext(job_id=job.id, public_id=job.public_id, token=token, actor=job.actor, user_id=job.user_id,
                     attempt=job.attempts)
    args, kwargs = list(job.args or []), {k: v for k, v in (job.kwargs or {}).items() if not k.startswith("_")}
    try:
        job_spec = spec(job.name)
    except LookupError:
        service.fail(job_id, token, {"zh": f"未知任务 {job.name}", "en": f"Unknown job {job.name}"})
        return "failed"
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(ctx, stop, float(app.config["GREENMFG_JOBS_HEARTBEAT_SECONDS"]),
                                                     app), daemon=True, name=f"job-{job_id}-heartbeat")
    beat.start()
    language = (job.kwargs or {}).get(service.LANGUAGE_KEY)
    try:
        with force_locale(language) if language else contextlib.nullcontext():  # the starter's language
            result = job_spec.func(ctx, *args, **kwargs)
        if not service.complete(job_id, token, result, ctx.files):
            db.session.rollback()  # another attempt took the job over: this one commits nothing
            return "skipped"
        db.session.commit()
        return "done"
    except GreenmfgError as exc:
        db.session.rollback()
        service.fail(job_id, token, {"zh": exc.localized("zh"), "en": exc.localized("en"), "code": exc.code})
        return "failed"
    except Exception as exc:  # noqa: BLE001 - retried, then reported
        db.session.rollback()
        detail = traceback.format_exc()
        if _timed_out(exc):
            service.fail(job_id, token, bilingual(service.TIMED_OUT, n=max(1, job_spec.timeout // 60)), detail)
            return "failed"
        if ctx.attempt < job_spec.max_attempts:
            service.retry_later(job_id, token, job_spec.delay(ctx.attempt), detail)
            log.warning("job %s (%s) attempt %d failed; retrying", job_id, job.name, ctx.attempt, exc_info=True)
            backend().dispatch_later(job_id, job_spec.delay(ctx.attempt))
            return "retrying"
        log.error("job %s (%s) failed after %d attempts", job_id, job.name, ctx.attempt, exc_info=True)
        service.fail(job_id, token, bilingual(service.FAILED_UNEXPECTEDLY, n=ctx.attempt), detail)
        return "failed"
    finally:
        stop.set()
        beat.join(5)
        db.session.remove()
        _give_back_memory()


def _timed_out(exc: BaseException) -> bool:
    return type(exc).__name__ == "JobTimeoutException"


def run_call(name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """Run registered function ``name`` for a waiting caller (no job row); its answer is returned."""
    try:
        return spec(name).func(None, *args, **kwargs)
    finally:
        db.session.remove()
        _give_back_memory()


def _give_back_memory() -> None:
    """A job that built or read a large workbook leaves its memory to the process: a long-lived one (a web
    worker's job threads) gives it back to the system; a work horse exits and gives back everything."""
    if not isolated():
        memory.trim_if_asked()
