"""A real OpenID provider on the loopback for the OIDC tests (issue 60): panva's certified ``oidc-provider`` (npm,
pinned in package.json and package-lock.json), configured by server.js: one static client, the accounts below, and a
log-in form whose "second factor" box decides the ID token's ``amr``.

``npm ci`` runs once (into tests/oidc/node_modules, kept between runs; a lock keeps two workers from running it at
once); node then serves on a free loopback port for the whole session. Without node or npm the tests skip with the
reason; under CI they fail instead.
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "e2e"))  # browser_kit.py
sys.path.insert(0, str(HERE))  # oidc_kit.py

from oidc_kit import ACCOUNTS, CLIENT_ID, CLIENT_SECRET, free_port  # noqa: E402


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the OpenID provider tests: {what}")
    pytest.skip(what)


def _npm_ci() -> None:
    """``npm ci`` once into tests/oidc/node_modules (again only when package-lock.json changed)."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        _missing("node and npm are needed to run the OpenID provider (apt-get install -y nodejs npm)")
    stamp = HERE / "node_modules" / ".greenmfg-lock-copy.json"
    lock = (HERE / "package-lock.json").read_text(encoding="utf-8")
    with open(HERE / ".npm-ci.lock", "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        if stamp.exists() and stamp.read_text(encoding="utf-8") == lock:
            return
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE,
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            pytest.fail(f"npm ci failed in {HERE}:\n{done.stdout}\n{done.stderr}")
        stamp.write_text(lock, encoding="utf-8")


@dataclass
class Provider:
    issuer: str
    #: the port the tests' greenmfg is served on: its callback is the client's registered redirect URI
    app_port: int
    process: subprocess.Popen

    @property
    def app_url(self) -> str:
        return f"http://127.0.0.1:{self.app_port}"

    def settings(self, **extra) -> dict:
        return {"GREENMFG_OIDC_ISSUER": self.issuer, "GREENMFG_OIDC_CLIENT_ID": CLIENT_ID,
                "GREENMFG_OIDC_CLIENT_SECRET": CLIENT_SECRET,
                "GREENMFG_OIDC_SCOPES": ["openid", "profile", "uscc"], **extra}


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    _npm_ci()
    port, app_port = free_port(), free_port()
    env = {**os.environ, "OIDC_PORT": str(port), "OIDC_CLIENT_SECRET": CLIENT_SECRET,
           "OIDC_REDIRECT_URIS": json.dumps([f"http://127.0.0.1:{app_port}/login/oidc/callback"]),
           "OIDC_POST_LOGOUT_URIS": json.dumps([f"http://127.0.0.1:{app_port}/"]),
           "OIDC_ACCOUNTS": json.dumps(ACCOUNTS, ensure_ascii=False), "NODE_ENV": "test"}
    log_path = tmp_path_factory.mktemp("oidc-provider") / "provider.log"
    with open(log_path, "w") as log:  # a file, not a pipe: the provider never blocks on output nobody reads
        process = subprocess.Popen(["node", "server.js"], cwd=HERE, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while "listening " not in log_path.read_text(encoding="utf-8"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the OpenID provider did not start:\n" + log_path.read_text(encoding="utf-8"))
            time.sleep(0.1)
        yield Provider(issuer=f"http://127.0.0.1:{port}", app_port=app_port, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def chromium():
    from browser_kit import session_chromium

    return session_chromium()
