"""The scheduler: periodic jobs, once per slot across every server, and the recovery of lost jobs.

``GREENMFG_JOBS_SCHEDULE`` maps a registered job name to its period in seconds (0 turns it off). Each
period is a *slot* (``floor(epoch / period)``); the scheduler enqueues the job with the dedupe key
``<name>@<slot>``, which the ``job`` table holds once, so however many schedulers run (one per
``greenmfg worker``, on every server) each slot runs once. Every job it runs is idempotent anyway
(:mod:`core.management.jobs`, :func:`core.storage.sweep.sweep`).

The scheduler runs inside ``greenmfg worker`` (a process beside the RQ worker), or, with the
in-process back end, as a thread of the web process (``GREENMFG_JOBS_EMBEDDED_SCHEDULER``).
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

from flask import Flask
from sqlalchemy.exc import IntegrityError

from core.extensions import db

log = logging.getLogger(__name__)

DEFAULT_SCHEDULE = {
    #: openings, reminders, overdue filings, removals by ranking, re-reviews, ended notices (idempotent steps):
    #: every five minutes, so what opens at a date's minute opens within five minutes of it, not up to an hour late
    "management.run_due": 300,
    #: files no row names, and committed uploads still pending
    "storage.sweep": 3600,
    #: finished jobs older than GREENMFG_JOBS_KEEP_DAYS, with their files
    "jobs.prune": 86400,
    #: the audit log's chain signed into the anchor file (GREENMFG_AUDIT_ANCHOR_DIR) (core/services/audit_chain.py)
    "audit.anchor": 3600,
}


def due(now: float, schedule: dict[str, int]) -> list[tuple[str, str]]:
    """``[(name, dedupe key)]`` of the slot each periodic job is in at ``now``."""
    out = []
    for name, period in sorted(schedule.items()):
        if period and int(period) > 0:
            out.append((name, f"{name}@{int(now // int(period))}"))
    return out


def tick(app: Flask, now: float | None = None) -> dict[str, Any]:
    """One round: recover lost jobs, enqueue the periodic jobs of the current slots."""
    from core.jobs import service

    report: dict[str, Any] = {"enqueued": []}
    with app.app_context():
        try:
            report["recovered"] = service.recover()
            for name, key in due(now if now is not None else time.time(), app.config["GREENMFG_JOBS_SCHEDULE"]):
                try:
                    service.enqueue(name, dedupe_key=key, actor="scheduler")
                    db.session.commit()
                    report["enqueued"].append(key)
                except IntegrityError:
                    db.session.rollback()  # this slot's run exists already (another scheduler, or earlier)
        finally:
            db.session.remove()
    return report


def loop(app: Flask, stop: threading.Event, every: float) -> None:
    while not stop.is_set():
        try:
            tick(app)
        except Exception:  # noqa: BLE001 - a database or Redis hiccup: next tick
            log.exception("scheduler tick failed")
        stop.wait(every)


_embedded: dict[int, tuple[threading.Thread, threading.Event]] = {}


def start_embedded(app: Flask) -> None:
    """The in-process scheduler thread (once per app and process)."""
    if id(app) in _embedded:
        return
    stop = threading.Event()
    thread = threading.Thread(target=loop, args=(app, stop, float(app.config["GREENMFG_JOBS_TICK_SECONDS"])),
                              daemon=True, name="greenmfg-scheduler")
    _embedded[id(app)] = (thread, stop)
    thread.start()


def stop_embedded(app: Flask, timeout: float = 10.0) -> None:
    """End ``app``'s in-process scheduler thread, if it has one, after its current tick. An app that is
    thrown away (a test's, a reloaded worker's) must not go on running scheduled work on its database."""
    entry = _embedded.pop(id(app), None)
    if entry is not None:
        thread, stop = entry
        stop.set()
        thread.join(timeout)
