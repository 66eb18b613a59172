"""``greenmfg worker`` and ``greenmfg jobs list|tick``: the background job workers (:mod:`core.jobs`)."""
from __future__ import annotations

import multiprocessing
import os
import socket
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from core.cli.management_cmd import jobs_group
from core.cli.output import emit, format_option


def _scheduler_main(parent: int, every: float) -> None:
    """The scheduler beside the worker: ends when its worker does (even one killed with SIGKILL)."""
    import threading

    from core.extensions import db
    from core.jobs.schedule import tick

    app = current_app._get_current_object()
    with app.app_context():
        db.engine.dispose(close=False)
    stop = threading.Event()
    while not stop.is_set():
        if os.getppid() != parent:
            return
        try:
            tick(app)
        except Exception:  # noqa: BLE001 - next tick
            import logging

            logging.getLogger("greenmfg.scheduler").exception("scheduler tick failed")
        stop.wait(every)


@click.command("worker")
@click.option("--no-scheduler", is_flag=True, help="do not run the scheduler beside this worker (another one does)")
@click.option("--burst", is_flag=True, help="stop once the queues are empty (benchmarks, one-off catch-up)")
@click.option("--name", default=None, help="the worker's name (default host and process id)")
@with_appcontext
def worker_command(no_scheduler: bool, burst: bool, name: str | None) -> None:
    """运行后台任务（Redis）/ run background jobs from Redis, with the scheduler of periodic jobs.

    Run one or more on any server that reaches the database, Redis and the file store. Each job runs in
    a process forked for it and is killed at its time limit; a worker killed mid-job loses nothing: the
    scheduler of any worker sends the job again once its heartbeat stops. It keeps one LibreOffice running to
    print summary PDFs (docs/operations.md), stopped with the worker.
    """
    from rq import Worker

    from core.extensions import db
    from core.jobs import runner
    from core.jobs.backends import CALLS, QUEUE

    backend = current_app.extensions["greenmfg_jobs"]
    if backend.kind != "redis":
        click.echo("错误 / error: 任务队列需要 Redis / the job worker needs Redis: it does not answer at "
                   f"{current_app.config['GREENMFG_REDIS_URL']} (GREENMFG_REDIS_URL), or GREENMFG_JOBS_BACKEND is "
                   "'thread' (jobs then run inside the web process)", err=True)
        sys.exit(2)
    runner.WORKER_PID = os.getpid()
    db.session.remove()
    db.engine.dispose()  # the work horses open their own connections
    scheduler = None
    if not no_scheduler and not burst:
        every = float(current_app.config["GREENMFG_JOBS_TICK_SECONDS"])
        scheduler = multiprocessing.get_context("fork").Process(target=_scheduler_main, args=(os.getpid(), every),
                                                                 name="greenmfg-scheduler", daemon=True)
        scheduler.start()
    from core.services import office

    office.start_kept()  # the LibreOffice that prints summary PDFs, kept for every job (logs what prints them)
    worker = Worker([backend.queue(CALLS), backend.queue(QUEUE)], connection=backend.redis,
                    name=name or f"greenmfg-{backend.tag}-{socket.gethostname()}-{os.getpid()}")
    try:
        worker.work(with_scheduler=True, burst=burst, logging_level="INFO")
    finally:
        if scheduler is not None and scheduler.is_alive():
            scheduler.terminate()
        office.stop_kept()


@jobs_group.command("list")
@click.option("--status", default=None, type=click.Choice(["queued", "running", "retrying", "done", "failed"]))
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@click.option("--details", is_flag=True, help="also print the last technical error of each job")
@format_option
@with_appcontext
def jobs_list(status: str | None, limit: int, details: bool, fmt: str) -> None:
    """列出后台任务 / list background jobs, newest first (id, name, status, progress, attempts, who, when)."""
    from sqlalchemy import select

    from core.extensions import db
    from core.models import Job

    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if status:
        query = query.where(Job.status == status)
    jobs = list(db.session.scalars(query))
    rows = [{"id": job.public_id, "name": job.name, "status": job.status, "progress": job.progress,
             "attempts": job.attempts, "max_attempts": job.max_attempts, "actor": job.actor,
             "created_at": job.created_at, "started_at": job.started_at, "finished_at": job.finished_at,
             "error": (job.error or {}).get("zh") or None, **({"detail": job.detail} if details else {})}
            for job in jobs]
    columns = ["id", "name", "status", "progress", "attempts", "max_attempts", "actor", "created_at", "error"]
    if fmt != "text" or not details:
        emit(rows, fmt, columns + (["detail"] if details and fmt == "csv" else []))
        return
    for row in rows:
        emit([row], fmt, columns)
        if row["detail"]:
            click.echo("    " + row["detail"].strip().replace("\n", "\n    "))


@jobs_group.command("tick")
@with_appcontext
def jobs_tick() -> None:
    """运行一次调度 / one scheduler round: send lost jobs again, enqueue the periodic jobs now due (for cron
    where no `greenmfg worker` runs the scheduler)."""
    from core.jobs.schedule import tick

    report = tick(current_app._get_current_object())
    click.echo(f"recovered: {report.get('recovered')}; enqueued: {', '.join(report['enqueued']) or '-'}")


COMMANDS = [worker_command]
