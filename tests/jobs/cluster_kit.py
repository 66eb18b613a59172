"""Starting the platform as it is deployed, for the tests of tests/jobs: gunicorn servers and ``greenmfg worker``
processes against the test's PostgreSQL database and a Redis database of the test's own, each logging to a file
in the test's folder and stopped (with everything it started) at the end.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{what} did not listen on {port}")


def redis_url(number: int) -> str:
    """Redis database ``number`` on 127.0.0.1, emptied; skips (fails under CI) when no Redis answers. Each test
    module uses a number of its own, so modules running at once never share a queue."""
    import redis

    from core.ratelimit import redis_answers

    url = f"redis://127.0.0.1:6379/{number}"
    if not redis_answers(url):
        if os.environ.get("CI"):
            pytest.fail("CI must run the cluster tests: no Redis on 127.0.0.1:6379")
        pytest.skip("no Redis on 127.0.0.1:6379")
    redis.Redis.from_url(url).flushdb()
    return url


def base_env(database_url: str, redis: str, instance: Path, **settings: str) -> dict[str, str]:
    """The environment of a deployed server and worker: PostgreSQL, jobs on Redis, Hunan, and ``settings``."""
    env = {**os.environ, "GREENMFG_DATABASE_URL": database_url, "GREENMFG_REGION": "hunan",
           "GREENMFG_SECRET_KEY": "c" * 40, "GREENMFG_INSTANCE_PATH": str(instance),
           "GREENMFG_INSTANCE_NAME": f"cluster-{uuid.uuid4().hex}", "GREENMFG_RULES_YEAR": "2025",
           "GREENMFG_MFA_ROLES": "[]", "GREENMFG_REDIS_URL": redis, "GREENMFG_JOBS_BACKEND": "redis",
           "GREENMFG_RATELIMIT_STORAGE": redis,
           # no kept LibreOffice started by each worker these tests start and kill (its own tests are
           # tests/applications/test_summary_pdf_job.py)
           "GREENMFG_PDF_RENDERER": "oneshot", **settings}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "tests"), str(ROOT)])
    env.pop("GREENMFG_TEST_PG_URL", None)
    return env


class Processes:
    """The processes a test started, each in a session of its own (so a stop reaches everything it started)."""

    def __init__(self, env: dict[str, str], logs: Path):
        self.env, self.logs, self.procs = env, logs, []

    def start(self, args: list[str], name: str) -> subprocess.Popen:
        proc = subprocess.Popen(args, env=self.env, stdout=open(self.logs / f"{name}.log", "wb"),
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def gunicorn(self, name: str, *options: str) -> str:
        """A server started as the README's deployment does (2 sync workers); its base URL."""
        port = free_port()
        server = self.start([str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                             "--no-control-socket", *options, "core:create_app()"], f"gunicorn-{name}")
        wait_port(port, server, f"gunicorn {name}")
        return f"http://127.0.0.1:{port}"

    def worker(self) -> subprocess.Popen:
        return self.start([str(BIN / "greenmfg"), "worker"], f"worker-{len(self.procs)}")

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for proc in self.procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def follow_json(base: str, headers: dict, location: str, until=("done", "failed"), seconds: float = 60) -> dict:
    """Poll a job's JSON (``GET /api/v1/jobs/<id>``) until its status is one of ``until``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = requests.get(base + location, headers=headers, timeout=10).json()
        if job["status"] in until:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job still {job['status']} after {seconds} s: {job}")
