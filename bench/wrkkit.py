"""The web benches' loop: the product and the truly bare Flask app (bench/bare_app.py) under the same gunicorn
settings (2 sync workers, as the README runs it), wrk on loopback, and the two measured one after the other in
each round so that load from other processes falls on both alike (a ratio is page req/s ÷ bare req/s of the
same round).

wrk itself: :func:`wrk_binary` finds it, and installs Debian's package when it is missing and this is root with
apt-get (``apt-get install -y wrk``); elsewhere it stops with the command to run.
"""
from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchdb import Ports

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Run:
    rps: float
    p99_ms: float
    failed: int  # answers other than 2xx/3xx, and requests wrk gave up on (socket timeouts: 2 s)
    requests: int = 0  # answers wrk received in the run


@dataclass
class Servers:
    base: str  # the product, http://127.0.0.1:port
    bare: str  # bench/bare_app.py
    tmp: Path  # for wrk's scripts
    #: the product again under other settings (``serving(..., others=)``): name -> http://127.0.0.1:port
    others: dict[str, str] = field(default_factory=dict)


@functools.cache
def wrk_binary() -> str:
    """wrk's path (:func:`debian_binary`)."""
    return debian_binary("wrk", "wrk")


def debian_binary(command: str, package: str) -> str:
    """``command``'s path. When it is missing and this is root with apt-get (Debian), it installs Debian's
    ``package`` itself (``apt-get install -y PACKAGE``, after ``apt-get update`` when the package lists do not know
    it yet); otherwise, or when that fails, SystemExit naming the command to run."""
    found = shutil.which(command)
    if found:
        return found
    install = f"apt-get install -y {package}"
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"{command} is missing: installing Debian's package ({install})", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for step in ([], ["apt-get", "update", "-qq"]):  # the second time after fetching the package lists
            if step:
                subprocess.run(step, env=env, check=False, stdout=subprocess.DEVNULL)
            subprocess.run(["apt-get", "install", "-y", "-qq", package], env=env, check=False,
                           stdout=subprocess.DEVNULL)
            found = shutil.which(command)
            if found:
                return found
        raise SystemExit(f"{command} is missing and `{install}` did not install it (see apt-get's messages above)")
    raise SystemExit(f"{command} is missing: install it (Debian/Ubuntu: `sudo {install}`; elsewhere the {package} "
                     "package of the system) and run the bench again")


def gunicorn(app_spec: str, env: dict, port: int) -> subprocess.Popen:
    """``app_spec`` under gunicorn as the README runs it (2 sync workers) on 127.0.0.1:``port``, in its own
    process group (stop it with ``os.killpg``)."""
    binary = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen([str(binary), "--workers", "2", "--worker-class", "sync", "--no-control-socket",
                             "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app_spec],
                            cwd=ROOT, env=env, start_new_session=True)


def wait_until_up(url: str) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {url}")


@contextlib.contextmanager
def serving(env: dict, ready: str = "/public/lists", others: dict[str, dict] | None = None,
            ports: Ports | None = None) -> Iterator[Servers]:
    """The product (``core:create_app()`` with ``env``) and the bare app, each under its own gunicorn; stopped
    (their process groups) on leaving. ``ready``: a product path that answers once it is up. ``others``: the
    product again, under its own gunicorn, with each name's settings on top of ``env``. ``ports``: where they
    listen (``--ports``; default: ports the system hands out)."""
    ports = ports or Ports()
    wrk_binary()  # before anything starts: a missing wrk is installed, or the bench stops saying how
    tmp = Path(tempfile.mkdtemp(prefix="greenmfg-wrk-"))
    port, bare_port = ports.take("the product (gunicorn)"), ports.take("the bare app (gunicorn)")
    other_ports = {name: ports.take(f"the product, {name} (gunicorn)") for name in others or {}}
    env = {**os.environ, "GREENMFG_INSTANCE_PATH": str(tmp / "instance"), **env}
    servers = [gunicorn("core:create_app()", env, port), gunicorn("bench.bare_app:app", dict(os.environ), bare_port)]
    servers += [gunicorn("core:create_app()", {**env, **(others or {})[name]}, other_port)
                for name, other_port in other_ports.items()]
    try:
        found = Servers(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}", tmp,
                        {name: f"http://127.0.0.1:{other_port}" for name, other_port in other_ports.items()})
        for base in (found.base, *found.others.values()):
            wait_until_up(base + ready)
        wait_until_up(found.bare + "/")
        wrk(found, found.bare, ["/"], 2, 10)  # warm both workers of the bare app
        yield found
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        for taken in (port, bare_port, *other_ports.values()):
            ports.give_back(taken)
        shutil.rmtree(tmp, ignore_errors=True)


def workers_cpu(server: subprocess.Popen) -> float:
    """CPU seconds (user + system) spent so far by the worker processes of the gunicorn ``server`` (its master's
    children, read from /proc: Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    total = 0
    for pid in children:
        with contextlib.suppress(FileNotFoundError):  # a worker that has just gone
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / tick


def session_cookie(headers: list[str]) -> str | None:
    for header in headers:
        name, _, rest = header.partition("=")
        if name.strip() == "session":
            return rest.split(";", 1)[0]
    return None


def seen_now(cookie: str, secret: str) -> str:
    """``cookie`` as the server sends it back when it marks the session as seen (``_seen``: now), signed with the
    instance's ``secret`` by Flask's own session serializer. A browser keeps that cookie; wrk replays one, so a
    cookie last marked 50 seconds before a run would be due again 10 seconds into it, and from then on every
    request of the run would mark the session (an UPDATE and a commit: core/accounts/sessions.py) and measure
    that instead of the page."""
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    app = Flask("bench")
    app.secret_key = secret
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    data = serializer.loads(cookie)
    data["_seen"] = int(time.time())
    return serializer.dumps(data)


def settled_cookie(url: str, cookie: str, secret: str | None = None) -> str:
    """The session cookie a browser keeps after its first visit to ``url``. wrk sends no User-Agent: the first
    visit marks the session not fresh (Flask-Login's basic protection) and stores the log-out form's CSRF secret;
    a browser keeps the cookie it gets back, so wrk replays that one rather than the log-in cookie (which would
    make the server rewrite and re-sign the session on every request). With the instance's ``secret``, the
    session is also marked as seen this second (:func:`seen_now`), so that it stays settled for the minute after.
    Checked: a second visit changes nothing."""
    def visit(value: str):
        request = urllib.request.Request(url, headers={"Cookie": f"session={value}", "User-Agent": ""})
        return urllib.request.urlopen(request, timeout=30)

    settled = session_cookie(visit(cookie).headers.get_all("Set-Cookie") or []) or cookie
    if secret:
        settled = seen_now(settled, secret)
    assert session_cookie(visit(settled).headers.get_all("Set-Cookie") or []) is None, "the session still changes"
    return settled


def wrk(servers: Servers, base: str, paths: list[str], duration: int, connections: int,
        headers: dict[str, str] | None = None) -> Run:
    """wrk -t2 on ``base + paths[0]`` alone, or on every path in turn (a Lua script) when there are several."""
    extra = []
    if len(paths) > 1:
        script = servers.tmp / "rotate.lua"
        quoted = ", ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
        script.write_text(f"local paths = {{{quoted}}}\nlocal i = 0\n"
                          "request = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n")
        extra = ["-s", str(script)]
    cmd = [wrk_binary(), "-t2", f"-c{connections}", f"-d{duration}s", "--latency", *extra]
    for key, value in (headers or {}).items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run([*cmd, base + paths[0]], capture_output=True, text=True, timeout=duration + 60,
                         check=True).stdout
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
    return Run(rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
               p99_ms=float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)],
               failed=(int(non2xx.group(1)) if non2xx else 0) + (int(timeouts.group(1)) if timeouts else 0),
               requests=int(re.search(r"(\d+) requests in", out).group(1)))


@dataclass
class Ratios:
    """A page's rounds: page req/s ÷ bare req/s of the same round, the page's p99 and its failed requests."""
    ratios: list[float]
    p99_ms: list[float]
    failed: int

    def spread(self) -> tuple[float, float, float]:
        return min(self.ratios), statistics.median(self.ratios), max(self.ratios)


def compare(servers: Servers, variants: dict[str, list[str] | tuple[str, list[str]]],
            headers: dict[str, str] | Callable[[str], dict[str, str]],
            *, duration: int, connections: int, repetitions: int) -> dict[str, Ratios]:
    """Each variant (a name and its paths: one path asked again and again, or several in turn; or ``(base,
    paths)`` on another of the product's servers) against the bare app: per round the bare app, then each
    variant; after a 2-second warming run of each variant. ``headers`` may be a function of the server's base
    address, called before each run of the product (a session cookie settled anew: a browser keeps the cookie
    each answer sends, wrk replays one)."""
    def now(base: str) -> dict[str, str]:
        return headers(base) if callable(headers) else headers

    where = {name: value if isinstance(value, tuple) else (servers.base, value) for name, value in variants.items()}
    for base, paths in where.values():
        wrk(servers, base, paths, 2, connections, now(base))
    out = {name: Ratios([], [], 0) for name in variants}
    for _ in range(repetitions):
        peer = wrk(servers, servers.bare, ["/"], duration, connections)
        for name, (base, paths) in where.items():
            run = wrk(servers, base, paths, duration, connections, now(base))
            out[name].ratios.append(run.rps / peer.rps)
            out[name].p99_ms.append(run.p99_ms)
            out[name].failed += run.failed
    return out
