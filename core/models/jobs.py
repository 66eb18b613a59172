"""Background jobs (issue 22): the database holds each job's truth (state, progress, result); the queue
(Redis, or the in-process fallback) only carries job ids to the workers."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.clock import now
from core.models.base import JSONType, UTCDateTime


class JobStatus:
    QUEUED = "queued"
    RUNNING = "running"
    #: failed on a passing fault (database, storage, network); runs again at ``not_before``
    RETRYING = "retrying"
    DONE = "done"
    FAILED = "failed"
    OPEN = (QUEUED, RUNNING, RETRYING)


class Job(db.Model):
    __tablename__ = "job"
    __table_args__ = (Index("ix_job_status_not_before", "status", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: what the user's URLs carry (random, so ids cannot be walked)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    #: the registered job name (``summary.export``, ``evidence.sweep``...)
    name: Mapped[str] = mapped_column(String(80))
    args: Mapped[list] = mapped_column(JSONType, default=list)
    kwargs: Mapped[dict] = mapped_column(JSONType, default=dict)
    #: the user who started it (None: the scheduler or the command line); only they see it
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    #: a periodic run's slot (``jobs.run_due:2025-06-01``): one job per key, whoever enqueues it
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.QUEUED)
    progress: Mapped[int] = mapped_column(default=0)
    #: what the job is doing now, as a message id and its parameters (shown translated)
    stage: Mapped[dict] = mapped_column(JSONType, default=dict)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    #: the current run's claim: a run whose token is no longer the job's writes nothing
    run_token: Mapped[str | None] = mapped_column(String(32))
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    not_before: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=now)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: the job's report (JSON) and its file, stored through the file store
    result: Mapped[dict | None] = mapped_column(JSONType)
    result_key: Mapped[str | None] = mapped_column(String(200))
    result_name: Mapped[str | None] = mapped_column(String(200))
    result_type: Mapped[str | None] = mapped_column(String(120))
    #: why it failed: {"zh": ..., "en": ..., "code": ...}
    error: Mapped[dict | None] = mapped_column(JSONType)
    #: the last passing fault's technical text (for administrators, never shown to users)
    detail: Mapped[str | None] = mapped_column(Text)
