"""The documents' blocks run as written, by root and by the service user they name (issue 56): the README's
deployment block (as root, which makes the system user ``greenmfg``), its services block (as ``greenmfg``: gunicorn
and the worker in the background, ``/readyz``, ``greenmfg check``), then docs/operations.md's blocks in the order
an operator meets them: the units started, the signing key rotated, a back-up, a restore after the loss of the
database and the instance folder, an upgrade. ``greenmfg check`` (run as ``greenmfg``) exits 0 at the end, and 1
naming the part when PostgreSQL is unreachable, the signing key is world-readable, the worker is stopped or Redis
is stopped.

Each block is read from the document at test time (by the ``<!-- name: ... -->`` comment before it) and run
with ``bash -euo pipefail``; only what a test must change is replaced, each replacement asserted present: the
folders (``/etc/greenmfg``, ``/var/lib``, ``/var/backups``, ``/var/log``, ``/opt/greenmfg/bin``) under a
temporary folder, the role and database names (``GREENMFG_TEST_DB_PREFIX``), the PostgreSQL server of
``GREENMFG_TEST_PG_URL``, the Redis (a ``redis-server`` of this test's own, which it stops), the web port, the
back-up's date, ``GREENMFG_PDF_PORT`` (a free port: the shared 2003 may be another test's) with
``GREENMFG_PDF_RENDERER=oneshot`` (no LibreOffice kept at each of the worker's starts: time) and the upgrade's
package index (``--no-index``: the installed version again). ``/opt/greenmfg`` is this checkout's virtualenv, or,
where its Python lives under /root (pyenv), a virtualenv of a copy of that Python that the service user may run,
reading the same site-packages. There is no systemd in a container: ``systemctl``
is a stand-in that starts and stops the two commands docs/operations.md gives *Without systemd* (asserted to be
what the units' ``ExecStart`` run, as their ``User``, in their ``WorkingDirectory``, with their
``EnvironmentFile``).

Needs root (``runuser``, ``useradd``, ``chown``): CI runs as root; elsewhere the test skips and says why.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from ops_kit import free_port

ROOT = Path(__file__).parents[2]
PG_URL = os.environ.get("GREENMFG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DB_PREFIX = os.environ.get("GREENMFG_TEST_DB_PREFIX", "greenmfg_test_")
USER = "greenmfg"  # the service user the documents name (README step 0, the units' User=)
ADMIN_PASSWORD = "文档块测试管理员口令-2026-绿色工厂"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"  # what systemd gives a unit

#: the stand-in for systemctl: starts each unit's plain command (docs/operations.md, *Without systemd*) in a
#: process group of its own and stops the group with SIGTERM (the worker's warm stop), as KillMode=mixed would
SYSTEMCTL = r'''#!{python}
import json, os, signal, subprocess, sys, time
from pathlib import Path
state = Path({state!r})
units = json.loads((state / "units.json").read_text())

def members(pgid):
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found

def pid(unit):
    path = state / (unit + ".pid")
    return int(path.read_text()) if path.exists() else None

def start(unit):
    if pid(unit) and members(pid(unit)):
        return
    spec = units[unit]
    proc = subprocess.Popen(["bash", "-c", spec["preamble"] + " && exec " + spec["command"]], env=spec["env"],
                            stdin=subprocess.DEVNULL, start_new_session=True)
    (state / (unit + ".pid")).write_text(str(proc.pid))

def stop(unit):
    group = pid(unit)
    if not group:
        return
    for sig, seconds in ((signal.SIGTERM, 60), (signal.SIGKILL, 10)):
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + seconds
        while members(group) and time.monotonic() < deadline:
            time.sleep(0.2)
        if not members(group):
            break
    (state / (unit + ".pid")).unlink()

verb, names = sys.argv[1], [a.removesuffix(".service") for a in sys.argv[2:] if not a.startswith("-")]
if verb == "daemon-reload":
    sys.exit(0)
for name in names:
    if name not in units:
        sys.exit(f"systemctl stand-in: no unit {{name}}")
    if verb in ("stop", "restart"):
        stop(name)
    if verb in ("start", "restart", "enable"):
        start(name)
'''


def block(text: str, marker: str) -> str:
    """The first ```sh block after the HTML comment ``<!-- marker: ...``."""
    at = text.index(f"<!-- {marker}:")
    found = re.compile(r"```sh\n(.*?)\n```", re.S).search(text, at)
    assert found, f"no sh block after <!-- {marker}:"
    return found.group(1)


def unit_file(text: str, name: str) -> dict[str, str]:
    found = re.search(rf"```ini\n# /etc/systemd/system/{name}\.service\n(.*?)\n```", text, re.S)
    assert found, name
    joined = found.group(1).replace("\\\n", " ")
    return dict(re.match(r"(\w+)=(.*)", line).groups() for line in joined.splitlines() if re.match(r"\w+=", line))


def _joined(code: str) -> list[str]:
    return [line.strip() for line in code.replace("\\\n", " ").splitlines() if line.strip()]


def _adapt(code: str, replacements: dict[str, str]) -> str:
    """``replacements`` in one pass (a replaced text is not replaced again); each must be in ``code``."""
    for old in replacements:
        assert old in code, f"the documents' block no longer has {old!r}: update {Path(__file__).name}"
    pattern = re.compile("|".join(re.escape(old) for old in sorted(replacements, key=len, reverse=True)))
    return pattern.sub(lambda m: replacements[m.group(0)], code)


def _need(ok: bool, reason: str) -> None:
    if not ok:
        pytest.skip(reason)


def _reachable(path: Path) -> bool:
    """Whether any user may run ``path`` (every folder above it searchable by others)."""
    return path.exists() and all(part.stat().st_mode & 0o001 for part in [path, *path.parents])


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _python_for_the_service_user(real: Path, base: Path) -> Path:
    """The same Python where the service user may run it: a pyenv under /root is not (its folder is root's
    alone). Its standard library linked into ``base/py`` and its binary copied, the binary's run path to its
    libpython pointed at the copy (the same length, padded with slashes)."""
    home, version = real.parents[1], f"python{sys.version_info.major}.{sys.version_info.minor}"
    dest = base / "py"
    old, new = str(home / "lib").encode(), str(dest / "lib").encode()
    binary = real.read_bytes()
    _need(len(new) <= len(old), f"the copy's library folder {new!r} is longer than the original's {old!r}")
    (dest / "bin").mkdir(parents=True)
    (dest / "bin" / real.name).write_bytes(binary.replace(old + b"\0", b"/" * (len(old) - len(new)) + new + b"\0"))
    (dest / "bin" / real.name).chmod(0o755)
    (dest / "lib").mkdir()
    for lib in (home / "lib").glob("libpython*"):
        _link_or_copy(os.path.realpath(lib), str(dest / "lib" / lib.name))
    shutil.copytree(home / "lib" / version, dest / "lib" / version, copy_function=_link_or_copy,
                    ignore=shutil.ignore_patterns("site-packages", "test", "idlelib", "tkinter", "turtledemo"))
    return dest / "bin" / real.name


def _prefix(base: Path) -> Path:
    """``/opt/greenmfg/bin`` for the service user: this checkout's virtualenv where the service user may run its
    Python; else a virtualenv of the same Python, copied where it may (:func:`_python_for_the_service_user`),
    that reads this checkout's site-packages (the same packages: ``pip install -e`` of this checkout)."""
    venv = Path(sys.executable).parent
    real = Path(os.path.realpath(sys.executable))
    if _reachable(real):
        return venv
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    python = _python_for_the_service_user(real, base)
    prefix = base / "opt" / "greenmfg"
    subprocess.run([str(python), "-m", "venv", "--without-pip", str(prefix)], check=True, timeout=120)
    site = prefix / "lib" / version / "site-packages"
    packages = venv.parent / "lib" / version / "site-packages"
    (site / "greenmfg-checkout.pth").write_text(f"import site; site.addsitedir({str(packages)!r})\n")
    for name in ("greenmfg", "gunicorn", "pip"):
        script = (venv / name).read_text().split("\n", 1)[1]
        (prefix / "bin" / name).write_text(f"#!{prefix}/bin/python\n{script}")
        (prefix / "bin" / name).chmod(0o755)
    return prefix / "bin"


class Stage:
    """The temporary server: folders, names, its own Redis, the systemctl stand-in; every block run here."""

    def __init__(self, base: Path, names: dict[str, str], pg: tuple[str, int, str], redis_port: int):
        self.base, self.names, self.pg, self.redis_port = base, names, pg, redis_port
        self.web_port = free_port()
        self.bin = _prefix(base)
        host, port, _ = pg
        self.common = {
            "/opt/greenmfg/bin": str(self.bin), "/etc/greenmfg": f"{base}/etc/greenmfg", "-C /etc ": f"-C {base}/etc ",
            "/var/lib": f"{base}/var/lib", "/var/backups": f"{base}/var/backups", "/var/log": f"{base}/var/log",
            "greenmfg_owner": names["owner"], "greenmfg_app": names["app"],
            "127.0.0.1:8000": f"127.0.0.1:{self.web_port}", "@127.0.0.1/greenmfg": f"@{host}:{port}/{names['db']}",
            "CREATE DATABASE greenmfg ": f"CREATE DATABASE {names['db']} ",
            "-h 127.0.0.1 -U postgres": f"-h {host} -p {port} -U {pg[2]}",
            "redis://127.0.0.1:6379/0": f"redis://127.0.0.1:{redis_port}/0"}
        self.env = {"PATH": f"{base}/bin:{SYSTEM_PATH}", "LANG": "C.UTF-8", "HOME": "/root"}

    def adapt(self, code: str, *needed: str, extra: dict[str, str] | None = None) -> str:
        """The block with the replacements it holds; ``needed``: those it must hold."""
        present = {old: new for old, new in self.common.items() if old in code or old in needed}
        return _adapt(code, {**present, **(extra or {})})

    def run(self, code: str, name: str, user: str = "root", stdin: str = "", env: dict | None = None,
            timeout: float = 600) -> subprocess.CompletedProcess:
        started = time.monotonic()
        argv = ["bash", "-euo", "pipefail", "-c", code]
        if user != "root":
            argv = ["runuser", "-u", user, "--"] + argv
        # root's blocks start in a folder of root's alone, as root's home is: the service user may not enter it
        cwd = self.base if user != "root" else self.base / "root"
        done = subprocess.run(argv, input=stdin, env={**self.env, **(env or {})}, cwd=cwd, capture_output=True,
                              text=True, timeout=timeout, start_new_session=True, check=False)
        print(f"{name}: exit {done.returncode} in {time.monotonic() - started:.1f} s", flush=True)
        return done

    def check(self, overrides: str = "") -> tuple[int, dict[str, dict], str]:
        """``greenmfg check --format json`` as the service user, with the services' settings (and ``overrides``)."""
        code = (f"set -a; . {self.base}/etc/greenmfg/greenmfg.env; {overrides} set +a; "
                f"cd {self.base}/var/lib/greenmfg; "
                f"exec runuser -u {USER} -- {self.bin}/greenmfg check --format json")
        done = self.run(code, "greenmfg check" + (f" ({overrides.strip()})" if overrides else ""), timeout=180)
        try:
            checks = {c["name"]: c for c in json.loads(done.stdout)["checks"]}
        except ValueError:
            checks = {}
        return done.returncode, checks, done.stdout + done.stderr

    def ok(self, done: subprocess.CompletedProcess) -> str:
        """``done``'s output, which must have exited 0 (else its output and the services' logs)."""
        assert done.returncode == 0, (done.stdout[-4000:], done.stderr[-4000:], self.logs())
        return done.stdout

    def logs(self) -> str:
        """The tails of the services' logs, for a failure's message."""
        return "".join(f"\n--- {log.name}\n" + log.read_text(errors="replace")[-3000:]
                       for log in sorted((self.base / "var" / "log").glob("*.log")))

    def systemctl(self, *args: str) -> None:
        subprocess.run([str(self.base / "bin" / "systemctl"), *args], check=True, timeout=120)


@pytest.fixture
def stage():
    _need(os.geteuid() == 0, "runs the documents' blocks as root and as the greenmfg user (runuser, useradd): "
                             "run as root, as CI does")
    for tool in ("runuser", "useradd", "psql", "pg_dump", "pg_restore", "redis-server", "redis-cli", "curl"):
        _need(shutil.which(tool) is not None, f"{tool} is not installed")
    pg = urlsplit(PG_URL.replace("postgresql+psycopg", "postgresql"))
    host, port, superuser = pg.hostname or "127.0.0.1", pg.port or 5432, pg.username or "postgres"
    base = Path(tempfile.mkdtemp(prefix="gmblocks-", dir="/tmp"))  # short: see _python_for_the_service_user
    base.chmod(0o755)  # the service user reaches its folders through it
    suffix = uuid.uuid4().hex[:8]
    names = {"owner": f"{DB_PREFIX}owner_{suffix}", "app": f"{DB_PREFIX}app_{suffix}",
             "db": f"{DB_PREFIX}blocks_{suffix}"}
    psql = ["psql", "-q", "-h", host, "-p", str(port), "-U", superuser, "-d", "postgres"]
    redis_port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no"], stdout=subprocess.DEVNULL, start_new_session=True)
    for _ in range(50):
        pong = subprocess.run(["redis-cli", "-p", str(redis_port), "ping"], capture_output=True, check=False)
        if pong.stdout.strip() == b"PONG":
            break
        time.sleep(0.1)
    (base / "bin").mkdir()
    (base / "root").mkdir(mode=0o700)
    (base / "systemd").mkdir()
    shim = base / "bin" / "systemctl"
    shim.write_text(SYSTEMCTL.format(python=sys.executable, state=str(base / "systemd")))
    shim.chmod(0o755)
    try:
        the_stage = Stage(base, names, (host, port, superuser), redis_port)
        the_stage.redis = redis
        yield the_stage
    finally:
        for unit in ("greenmfg-web", "greenmfg-worker"):
            subprocess.run([str(shim), "stop", unit], timeout=120, check=False)
        if redis.poll() is None:
            redis.terminate()
            redis.wait(10)
        subprocess.run(psql + ["-c", f"DROP DATABASE IF EXISTS {names['db']} WITH (FORCE)"], capture_output=True,
                       check=False)
        for role in (names["app"], names["owner"]):
            subprocess.run(psql + ["-c", f"DROP ROLE IF EXISTS {role}"], capture_output=True, check=False)
        if not os.environ.get("GREENMFG_TEST_KEEP_BLOCKS"):  # set: the folders stay, to read after a failure
            shutil.rmtree(base, ignore_errors=True)


def _units(stage: Stage, ops: str) -> None:
    """The systemctl stand-in's units: the *Without systemd* commands, checked against the units' own lines."""
    plain = block(ops, "without-systemd")
    lines = _joined(plain)
    preamble = lines[0]
    assert preamble == "cd /var/lib/greenmfg && set -a && . /etc/greenmfg/greenmfg.env && set +a", preamble
    units = {}
    for name, start in (("greenmfg-web", "gunicorn"), ("greenmfg-worker", "greenmfg worker")):
        unit = unit_file(ops, name)
        command = next(line for line in lines[1:] if start in line)
        assert unit["User"] == USER and unit["Group"] == USER
        assert unit["WorkingDirectory"] == "/var/lib/greenmfg"
        assert unit["EnvironmentFile"] == "/etc/greenmfg/greenmfg.env"
        # what the unit runs (systemd's %% is a %), as its user: the plain command without its log and &
        bare = re.sub(r"\s*>>\S+ 2>&1 &$", "", command)
        assert shlex.split(bare) == ["runuser", "-u", unit["User"], "--"] + shlex.split(
            unit["ExecStart"].replace("%%", "%")), (bare, unit["ExecStart"])
        units[name] = {"preamble": stage.adapt(preamble), "command": stage.adapt(command.removesuffix("&")),
                       "env": {"PATH": SYSTEM_PATH, "LANG": "C.UTF-8"}}
    (stage.base / "var" / "log").mkdir(parents=True, exist_ok=True)
    (stage.base / "systemd" / "units.json").write_text(json.dumps(units))


def test_the_documents_blocks_run_as_written_by_root_and_the_service_user(stage):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ops = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    base, etc, instance = stage.base, stage.base / "etc" / "greenmfg", stage.base / "var" / "lib" / "greenmfg"

    # the README's deployment block, as root: the system user, the folders, the database, the key, the admin
    out = stage.ok(stage.run(stage.adapt(block(readme, "deployment"), "/var/lib", "/etc/greenmfg", "/opt/greenmfg/bin",
                                    "CREATE DATABASE greenmfg ", "redis://127.0.0.1:6379/0"),
                        "deployment block", stdin=ADMIN_PASSWORD + "\n"))
    assert "configuration valid" in out and "administrator created: admin" in out
    import grp
    import pwd

    service = pwd.getpwnam(USER)
    assert service.pw_uid != 0 and grp.getgrgid(service.pw_gid).gr_name == USER
    assert (etc.stat().st_uid, etc.stat().st_gid, etc.stat().st_mode & 0o777) == (0, service.pw_gid, 0o750)
    assert (instance.stat().st_uid, instance.stat().st_mode & 0o777) == (service.pw_uid, 0o750)
    key = etc / "recommendation.key"
    assert (key.stat().st_gid, key.stat().st_mode & 0o777) == (service.pw_gid, 0o640)
    with (etc / "greenmfg.env").open("a") as settings:
        # a port of this test's own (the default may be another test's); and LibreOffice started per PDF: the kept
        # one would start with each of the worker's six starts (tests/applications print with it)
        settings.write(f"GREENMFG_PDF_PORT={free_port()}\nGREENMFG_PDF_RENDERER=oneshot\n")

    # the README's services block, as the service user: both in the background, /readyz, check, stopped
    services = stage.adapt(block(readme, "services"), "127.0.0.1:8000")
    out = stage.ok(stage.run(services, "services block", user=USER, timeout=300))
    assert '"status":"ready"' in out.replace(" ", "") and "every check passed" in out, out[-3000:]
    old_key_id = re.search(r"recommendation\.key \(mode 0640\), key id (\w+)", out).group(1)

    # operations.md: the units (their plain commands, as the units' User), then the key rotation
    _units(stage, ops)
    stage.ok(stage.run(stage.adapt(block(ops, "units"), "127.0.0.1:8000"), "units block", timeout=300))
    # the worker's scheduler anchors the audit chain (the admin's creation) with the old key at its start
    for _ in range(60):
        if (instance / "audit-anchors.jsonl").exists():
            break
        time.sleep(0.5)
    else:
        stage.ok(stage.run(f"set -a; . {etc}/greenmfg.env; set +a; cd {instance}; "
                           f"runuser -u {USER} -- {stage.bin}/greenmfg audit anchor", "audit anchor (the old key's)"))
    assert (instance / "audit-anchors.jsonl").read_text().strip()
    rotated = stage.ok(stage.run(stage.adapt(block(ops, "key-rotation"), "/etc/greenmfg", "/var/lib", "/var/backups"),
                            "key-rotation block", timeout=300))
    assert "recommendation-2027.key" in (etc / "greenmfg.env").read_text()
    new_key_id = re.search(r"key id: (\w+)", rotated).group(1)
    assert new_key_id != old_key_id and re.search(rf"^{new_key_id}\t", rotated, re.M)  # keys show: the new key
    assert "anchors" in rotated  # audit verify's line, exit 0
    assert (base / "var/backups/greenmfg/anchors-2026/audit-anchors.jsonl").exists()

    # the back-up, then the loss of the database and the instance folder, then the restore
    stage.ok(stage.run(stage.adapt(block(ops, "back-up"), "/var/backups", "/var/lib", "-C /etc "), "back-up block"))
    dumps = sorted((base / "var/backups/greenmfg").glob("greenmfg-*.dump"))
    assert len(dumps) == 1 and (base / "var/backups/greenmfg" / dumps[0].name.replace("greenmfg-", "etc-")
                                .replace(".dump", ".tar.gz")).exists()
    stamp = dumps[0].name.removeprefix("greenmfg-").removesuffix(".dump")
    stage.systemctl("stop", "greenmfg-web", "greenmfg-worker")
    host, port, superuser = stage.pg
    subprocess.run(["psql", "-q", "-h", host, "-p", str(port), "-U", superuser, "-d", "postgres", "-c",
                    f"DROP DATABASE {stage.names['db']} WITH (FORCE)"], check=True, capture_output=True)
    shutil.rmtree(instance)
    restore = stage.adapt(block(ops, "restore"), "/var/backups", "/var/lib", "CREATE DATABASE greenmfg ",
                          extra={"stamp=2026-11-25-0200": f"stamp={stamp}"})
    out = stage.ok(stage.run(restore, "restore block", timeout=300))
    assert "every check passed" in out, out[-3000:]
    assert instance.stat().st_uid == service.pw_uid

    # the upgrade (the installed version again: a test reaches no package index)
    upgrade = stage.adapt(block(ops, "upgrade"), "/opt/greenmfg/bin",
                          extra={"pip install -U 'greenmfg[deploy]'": "pip install -U --no-index 'greenmfg[deploy]'"})
    out = stage.ok(stage.run(upgrade, "upgrade block", timeout=300))
    assert re.search(r"greenmfg \d+\.\d+\.\d+ \(migrations \d{4}_\w+\)", out), out[-3000:]
    assert "every check passed" in out, out[-3000:]

    # greenmfg check as the service user: 0 at the end of the upgrade (above), with the new key; 1 naming the part
    # when one is down
    assert re.search(r"^ok +signing key +\S+recommendation-2027\.key \(mode 0640\)", out, re.M), out[-3000:]

    # the worker stopped; PostgreSQL unreachable (both at once: they are independent)
    stage.systemctl("stop", "greenmfg-worker")
    closed = (f"GREENMFG_DATABASE_URL=postgresql+psycopg://{stage.names['app']}@127.0.0.1:{free_port()}/"
              f"{stage.names['db']}; GREENMFG_DB_CONNECT_TIMEOUT=2;")
    with ThreadPoolExecutor(2) as pool:
        no_worker, no_database = pool.map(stage.check, ["", closed])
    code, checks, text = no_worker
    assert code == 1 and [name for name, c in checks.items() if c["state"] == "failed"] == ["worker"], text[-3000:]
    assert "no greenmfg worker" in checks["worker"]["detail"]
    code, checks, text = no_database
    assert code == 1 and checks["database"]["state"] == "failed", text[-3000:]
    assert "PostgreSQL unreachable" in checks["database"]["detail"] and checks["redis"]["state"] == "ok"

    # the key world-readable: the application refuses it, naming the file and its mode
    new_key = etc / "recommendation-2027.key"
    new_key.chmod(0o644)
    code, checks, text = stage.check()
    new_key.chmod(0o640)
    failed = [c["detail"] for c in checks.values() if c["state"] == "failed"]
    assert code == 1 and len(failed) == 1 and "mode 0644" in failed[0] and str(new_key) in failed[0], text[-3000:]

    # Redis stopped (this test's own)
    stage.redis.send_signal(signal.SIGTERM)
    stage.redis.wait(10)
    code, checks, text = stage.check()
    assert code == 1 and checks["redis"]["state"] == "failed", text[-3000:]
    assert "Redis unreachable" in checks["redis"]["detail"] and checks["database"]["state"] == "ok"
