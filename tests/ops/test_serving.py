"""A web server whose app is made once in gunicorn's master (``--config python:core.serving``, docs/operations.md;
issue 57, W5): the master warms the app before it forks the workers, and a forked process starts clean of what its
parent's threads held. The same server under twenty requests at once: tests/security/test_races_over_http.py."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/15"


def _redis_or_skip() -> None:
    import os

    from core.ratelimit import redis_answers

    if not redis_answers(REDIS):
        if os.environ.get("CI"):
            pytest.fail("CI must run the serving tests: no Redis on 127.0.0.1:6379")
        pytest.skip("no Redis on 127.0.0.1:6379")


def test_the_master_warms_the_pages_every_worker_serves_first_and_keeps_no_connection(make_app):
    _redis_or_skip()
    from sqlalchemy import func, select

    from core import serving
    from core.extensions import db
    from core.models import AuditLog, WebSession

    app = make_app("hunan", GREENMFG_JOBS_BACKEND="redis", GREENMFG_REDIS_URL=REDIS,
                   GREENMFG_RATELIMIT_STORAGE=REDIS)

    def written() -> tuple[int, int]:
        with app.app_context():
            found = (db.session.scalar(select(func.count()).select_from(AuditLog)),
                     db.session.scalar(select(func.count()).select_from(WebSession)))
            db.session.remove()
            return found

    before = written()
    answered = serving.warm(app)
    assert [path for path, _ in answered] == list(serving.WARM_PATHS)
    assert all(status < 400 for _, status in answered), answered
    with app.app_context():
        assert db.engine.pool.checkedin() == 0  # the workers are not forked holding the master's connections
    assert "argon2" in sys.modules
    assert written() == before  # nothing audited, no session made: the warming only reads


def test_an_app_whose_jobs_run_in_its_own_threads_is_not_warmed(make_app):
    """Its embedded scheduler starts at the first request: a thread in the master would not come along into the
    workers, and a lock it held at the fork would stay held in them."""
    from core import serving
    from core.jobs.schedule import _embedded

    app = make_app("hunan", GREENMFG_JOBS_BACKEND="thread")
    assert serving.warm(app) == []
    assert id(app) not in _embedded


FORK = textwrap.dedent("""
    import os, threading, time
    from core.kernel.db_deadline import WATCHDOG

    held = threading.Event()

    def hold():  # the parent's watchdog thread, caught holding its lock at the moment of the fork
        with WATCHDOG.lock:
            held.set()
            time.sleep(3)

    threading.Thread(target=hold, daemon=True).start()
    held.wait()
    WATCHDOG.armed[1] = (0.0, -1)
    pid = os.fork()
    if pid == 0:
        took = WATCHDOG.lock.acquire(timeout=1)
        os._exit(0 if took and WATCHDOG.armed == {} and WATCHDOG.thread is None else 1)
    _, status = os.waitpid(pid, 0)
    print(os.waitstatus_to_exitcode(status))
""")


def test_a_forked_child_arms_its_database_deadlines_with_a_lock_of_its_own():
    """Without the watchdog's reset after a fork, the child waits forever for a lock its parent's thread held."""
    done = subprocess.run([sys.executable, "-c", FORK], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "0"


def test_a_warming_that_fails_does_not_stop_the_server(monkeypatch, caplog):
    from core import serving

    def fails(app):
        raise ConnectionError("database not answering yet")

    class Server:
        class app:
            @staticmethod
            def wsgi():
                return object()

    monkeypatch.setattr(serving, "warm", fails)
    serving.when_ready(Server())
    assert "could not be warmed" in caplog.text
