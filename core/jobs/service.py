"""Job rows: enqueue (dispatched after the caller commits), claim, finish, fail, recover, and what a
user may see. The database is the truth; a queue message only says "run job N".

Exactly once: an attempt *claims* the job with a conditional UPDATE that stores a fresh token, and its
work is committed in the same transaction as ``status = done WHERE run_token = <its token>``. An attempt
whose worker was killed commits nothing; the recovery (:func:`recover`, run by the scheduler) sees its
heartbeat stop, puts the job back in the queue, and the next attempt claims it with a new token, so an
old attempt that comes back to life can no longer finish it.
"""
from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from flask import current_app
from flask_babel import get_locale, gettext, lazy_gettext as _l
from sqlalchemy import and_, event, or_, select, update
from sqlalchemy.orm import Session

from core.errors import NotFound
from core.extensions import db
from core.i18n import bilingual, msgid
from core.jobs.current import backend
from core.jobs.registry import spec
from core.clock import now
from core.models import Job, JobStatus as S
from core.storage import staging

log = logging.getLogger(__name__)
_DISPATCH = "greenmfg_jobs_dispatch"


def _config(key: str) -> Any:
    return current_app.config[key]


def enqueue(name: str, *args: Any, user: Any = None, actor: str | None = None, dedupe_key: str | None = None,
            **kwargs: Any) -> Job:
    """Add job ``name`` to the caller's transaction; it is sent to a worker once the caller commits.

    :param user: the user who started it (they alone see it); ``None`` for the scheduler and the CLI
    :param actor: the name the audit log records (default: the user's name)
    :param dedupe_key: a key that makes a second enqueue of the same key fail at commit (periodic slots)

    The job runs in the starter's language (:func:`starter_language`): the names of its files and the text of its
    report are theirs.
    """
    job_spec = spec(name)
    language = starter_language(user)
    if language:
        kwargs = {**kwargs, LANGUAGE_KEY: language}
    job = Job(public_id=uuid.uuid4().hex, name=name, args=list(args), kwargs=dict(kwargs),
              user_id=getattr(user, "id", None), actor=(actor or getattr(user, "username", None) or "system")[:120],
              dedupe_key=dedupe_key, status=S.QUEUED, progress=0, stage={}, attempts=0,
              max_attempts=job_spec.max_attempts, created_at=now())
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault(_DISPATCH, []).append((job.id, name))  # the name: no read after the commit
    return job


#: the job's hidden argument (the runner passes no ``_`` argument on) naming the language it runs in
LANGUAGE_KEY = "_locale"


def starter_language(user: Any) -> str | None:
    """The language of whoever starts a job: the page's or the API request's (``?lang``, the cookie, the account's,
    the browser's), else the account's; ``None`` for the scheduler (a job then runs in the platform's first)."""
    from flask import has_request_context

    if has_request_context():
        return str(get_locale() or "") or None
    return getattr(user, "locale", None) or None


def _after_commit(session: Session) -> None:
    ids = session.info.pop(_DISPATCH, None)
    if not ids:
        return
    for job_id, name in ids:
        try:
            backend().dispatch(job_id, name=name)
        except Exception:  # noqa: BLE001 - the job is committed; recover() sends it again
            log.exception("job %s committed but not dispatched; the scheduler will dispatch it", job_id)


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_DISPATCH, None)  # rolled back: those jobs never existed


_installed = False


def install() -> None:
    global _installed
    if not _installed:
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_transaction_end", _after_transaction_end)
        _installed = True


# ------------------------------------------------------------- the runner --


def claim(job_id: int, stale_seconds: float) -> tuple[str, Job] | None:
    """Claim ``job_id`` for one attempt (its own short transaction); ``None`` if it is not runnable now."""
    token = uuid.uuid4().hex
    at = now()
    with db.engine.begin() as conn:
        done = conn.execute(
            update(Job).where(Job.id == job_id, Job.attempts < Job.max_attempts, or_(
                and_(Job.status.in_([S.QUEUED, S.RETRYING]), or_(Job.not_before.is_(None), Job.not_before <= at)),
                and_(Job.status == S.RUNNING, Job.heartbeat_at < at - dt.timedelta(seconds=stale_seconds))))
            .values(status=S.RUNNING, run_token=token, attempts=Job.attempts + 1, heartbeat_at=at, not_before=None,
                    started_at=at, progress=0))
        if done.rowcount != 1:
            return None
    job = db.session.get(Job, job_id, populate_existing=True)
    return token, job


def beat(job_id: int, token: str, percent: int, stage: dict[str, Any]) -> bool:
    """The heartbeat of a running attempt (its own connection); ``False`` once the job is no longer its."""
    with db.engine.begin() as conn:
        done = conn.execute(update(Job).where(Job.id == job_id, Job.run_token == token, Job.status == S.RUNNING)
                            .values(heartbeat_at=now(), progress=percent, stage=stage))
        return done.rowcount == 1


def complete(job_id: int, token: str, result: Any, files: list[tuple[str, str, str]]) -> bool:
    """Mark done in the session's transaction (with the job's own work); the caller commits."""
    key, name, kind = files[-1] if files else (None, None, None)
    done = db.session.execute(
        update(Job).where(Job.id == job_id, Job.run_token == token, Job.status == S.RUNNING)
        .values(status=S.DONE, progress=100, result=result, result_key=key, result_name=name, result_type=kind,
                finished_at=now(), run_token=None, error=None, stage={})
        .execution_options(synchronize_session=False))
    return done.rowcount == 1


def fail(job_id: int, token: str, message: dict[str, str], detail: str | None = None) -> None:
    """Give up (its own transaction): the user reads ``message`` ({"zh", "en"})."""
    with db.engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == job_id, Job.run_token == token)
                     .values(status=S.FAILED, error=message, detail=(detail or "")[-4000:] or None,
                             finished_at=now(), run_token=None))


def retry_later(job_id: int, token: str, delay: int, detail: str) -> dt.datetime:
    """A passing fault: run again after ``delay`` seconds (its own transaction)."""
    when = now() + dt.timedelta(seconds=delay)
    with db.engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == job_id, Job.run_token == token)
                     .values(status=S.RETRYING, not_before=when, run_token=None, detail=detail[-4000:],
                             error=bilingual(_RETRYING)))
    return when


_RETRYING = _l("A passing fault interrupted the job; it will run again shortly.")
LOST = _l("The worker running this job stopped %(n)d times; the job was given up. Start it again, or ask the "
          "administrators to check the job workers.")
FAILED_UNEXPECTEDLY = _l("The job failed unexpectedly %(n)d times and was given up; the administrators can read the "
                         "details in the job list (greenmfg jobs list).")
TIMED_OUT = _l("The job took longer than the %(n)d minutes allowed and was stopped.")


def recover(limit: int = 200) -> dict[str, int]:
    """Send again what a lost worker, a lost queue or a due retry left waiting (run by the scheduler).

    * running with a stopped heartbeat: back to the queue, or failed after its last attempt;
    * retrying whose time has come: dispatched;
    * queued for longer than ``GREENMFG_JOBS_REQUEUE_SECONDS`` (the queue lost it): dispatched again.
    """
    at = now()
    stale = at - dt.timedelta(seconds=float(_config("GREENMFG_JOBS_STALE_SECONDS")))
    out = {"requeued": 0, "given_up": 0, "dispatched": 0}
    lost = db.session.execute(select(Job.id, Job.attempts, Job.max_attempts, Job.run_token).where(
        Job.status == S.RUNNING, Job.heartbeat_at < stale).limit(limit)).all()
    for job_id, attempts, max_attempts, token in lost:
        with db.engine.begin() as conn:
            if attempts >= max_attempts:
                changed = conn.execute(update(Job).where(Job.id == job_id, Job.run_token == token,
                                                         Job.status == S.RUNNING)
                                       .values(status=S.FAILED, run_token=None, finished_at=at,
                                               error=bilingual(LOST, n=attempts))).rowcount
                out["given_up"] += changed
                continue
            changed = conn.execute(update(Job).where(Job.id == job_id, Job.run_token == token, Job.status == S.RUNNING)
                                   .values(status=S.QUEUED, run_token=None, not_before=None)).rowcount
        if changed:
            out["requeued"] += 1
            backend().dispatch(job_id, force=True)
    requeue = at - dt.timedelta(seconds=float(_config("GREENMFG_JOBS_REQUEUE_SECONDS")))
    waiting = db.session.scalars(select(Job.id).where(or_(
        and_(Job.status == S.RETRYING, Job.not_before <= at),
        and_(Job.status == S.QUEUED, Job.created_at < requeue))).limit(limit)).all()
    for job_id in waiting:
        if backend().dispatch(job_id):
            out["dispatched"] += 1
    db.session.rollback()
    return out


# ------------------------------------------------------------ what users see --


def job_for(user: Any, public_id: Any) -> Job:
    """The user's own job (404 for anyone else's, and for a malformed id)."""
    text = str(public_id or "")
    job = None
    if len(text) == 32 and all(c in "0123456789abcdef" for c in text):
        job = db.session.scalar(select(Job).where(Job.public_id == text))
    if job is None or user is None or job.user_id is None or job.user_id != getattr(user, "id", None):
        raise NotFound("No such job.")
    return job


def jobs_of(user: Any, limit: int = 50) -> list[Job]:
    return list(db.session.scalars(select(Job).where(Job.user_id == user.id).order_by(Job.id.desc()).limit(limit)))


def title(job: Job) -> str:
    try:
        return gettext(msgid(spec(job.name).title))
    except LookupError:
        return job.name


def stage_text(job: Job) -> str:
    stage = job.stage or {}
    text = stage.get("msgid")
    if not text:
        return ""
    return gettext(text, **(stage.get("params") or {}))


def error_text(job: Job) -> str:
    error = job.error or {}
    lang = str(get_locale() or "zh")[:2]
    return error.get(lang) or error.get("zh") or error.get("en") or ""


def read_result(job: Job) -> bytes:
    if job.status != S.DONE or not job.result_key:
        raise NotFound("No such file.")
    try:
        return staging.read(job.result_key)
    except FileNotFoundError:
        raise NotFound("No such file.") from None


def prune(days: int) -> int:
    """Remove finished jobs older than ``days`` (their files after the commit)."""
    cutoff = now() - dt.timedelta(days=days)
    old = list(db.session.scalars(select(Job).where(Job.status.in_([S.DONE, S.FAILED]), Job.finished_at < cutoff)
                                  .limit(5000)))
    for job in old:
        if job.result_key:
            staging.delete_after_commit(job.result_key)
        for key in (job.kwargs or {}).get("_input_keys", []):
            staging.delete_after_commit(key)
        db.session.delete(job)
    return len(old)


def referenced_keys() -> set[str]:
    """Result files and stored inputs of the jobs still kept (the storage sweep keeps these)."""
    keys = set(db.session.scalars(select(Job.result_key).where(Job.result_key.is_not(None))))
    for kwargs in db.session.scalars(select(Job.kwargs).where(Job.status.in_(S.OPEN))):
        keys.update((kwargs or {}).get("_input_keys", []))
    return keys
