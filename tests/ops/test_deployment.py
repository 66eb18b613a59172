"""The README's deployment block, run as written on a fresh PostgreSQL database, instance folder and Redis
database (issue 44): the block is read from README.md at test time, never copied.

Only the places a real server has and a test may not touch are replaced, each asserted present in the block
(so a changed README fails here, not silently): the install prefix, /etc/greenmfg and /var/lib/greenmfg
(temporary folders), the service user and group (this test's own), the role and database names
(GREENMFG_TEST_DB_PREFIX and a unique suffix: roles are global to the server), the PostgreSQL server of
GREENMFG_TEST_PG_URL, the Redis database (the first of GREENMFG_TEST_REDIS_URL's, never 0 where other processes'
workers take jobs) and the port. The owner role made by the block's step 1 may not create roles (NOCREATEROLE), as on a
server where the database administrator is another person.

Then the services block is started as written (gunicorn with 2 workers and its access log, ``greenmfg
worker``), ``/healthz`` and ``/readyz`` answer 200, the ``curl`` line succeeds, ``greenmfg check`` exits 0; the first administrator signs
in, sets up its second factor, opens a round and imports the province's list history through the JSON API;
an instance pointed at a closed Redis port answers ``/readyz`` 503. Every process is stopped at the end.
"""
from __future__ import annotations

import io
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from stdnum.cn import uscc as stdnum_uscc

from ops_kit import redis_url

ROOT = Path(__file__).parents[2]
README = ROOT / "README.md"
PG_URL = os.environ.get("GREENMFG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
#: the first of the operations tests' Redis databases (GREENMFG_TEST_REDIS_URL, tests/ops/ops_kit.py)
REDIS = redis_url(0)
#: the throwaway database and roles are named like the suite's (GREENMFG_TEST_DB_PREFIX)
DB_PREFIX = os.environ.get("GREENMFG_TEST_DB_PREFIX", "greenmfg_test_")
ADMIN_PASSWORD = "部署测试管理员口令-2026-绿色工厂"


def fenced_block(text: str, marker: str) -> str:
    """The first ```sh block after the HTML comment that names ``marker``."""
    at = text.index(f"<!-- {marker}")
    match = re.compile(r"```sh\n(.*?)\n```", re.S).search(text, at)
    assert match, f"no sh block after <!-- {marker}"
    return match.group(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _need(ok: bool, reason: str) -> None:
    if not ok:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def _get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError:
        return 0, b""


def _commands(block: list[str]) -> list[str]:
    """The block's commands, continued lines joined."""
    joined = "\n".join(block).replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.startswith("#")]


def _env_file(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def _uscc(n: int) -> str:
    body = f"91420100{n:09d}"
    return body + stdnum_uscc.calc_check_digit(body)


@pytest.fixture
def server(tmp_path):
    pg = urlsplit(PG_URL.replace("postgresql+psycopg", "postgresql"))
    host, port, superuser = pg.hostname or "127.0.0.1", pg.port or 5432, pg.username or "postgres"
    _need(shutil.which("psql") is not None, "psql is not installed")
    _need(_answers(host, port), f"no PostgreSQL at {host}:{port}")
    _need(_answers("127.0.0.1", 6379), "no Redis at 127.0.0.1:6379")
    suffix = uuid.uuid4().hex[:8]
    names = {"owner": f"{DB_PREFIX}owner_{suffix}", "app": f"{DB_PREFIX}app_{suffix}",
             "db": f"{DB_PREFIX}deploy_{suffix}"}
    psql = ["psql", "-v", "ON_ERROR_STOP=1", "-q", "-h", host, "-p", str(port), "-U", superuser, "-d", "postgres"]
    yield {"host": host, "port": port, "superuser": superuser, "names": names, "psql": psql}
    subprocess.run(psql + ["-c", f"DROP DATABASE IF EXISTS {names['db']} WITH (FORCE)"], check=False,
                   capture_output=True)
    for role in (names["app"], names["owner"]):
        subprocess.run(psql + ["-c", f"DROP ROLE IF EXISTS {role}"], check=False, capture_output=True)


def _adapt(block: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert old in block, f"the README's block no longer has {old!r}: update tests/ops/test_deployment.py"
        block = block.replace(old, new)
    return block


def test_the_readme_deployment_block_runs_as_written(server, tmp_path, monkeypatch):
    text = README.read_text(encoding="utf-8")
    names, etc, instance = server["names"], tmp_path / "etc", tmp_path / "var" / "greenmfg"
    web_port = _free_port()
    import grp
    import pwd

    me, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
    pg_address = f"{server['host']}:{server['port']}"
    replacements = {
        # the service user and group: this test's own (CI runs as root; a developer as themself)
        "getent passwd greenmfg ": f"getent passwd {me} ",
        "-o root -g greenmfg": f"-o {me} -g {group}",
        "-o greenmfg -g greenmfg": f"-o {me} -g {group}",
        "chown root:greenmfg": f"chown {me}:{group}",
        "chown -R greenmfg:greenmfg": f"chown -R {me}:{group}",
        "/opt/greenmfg/bin": str(Path(sys.executable).parent),
        "/etc/greenmfg": str(etc),
        "/var/lib/greenmfg": str(instance),
        "greenmfg_owner": names["owner"],
        "greenmfg_app": names["app"],
        "CREATE DATABASE greenmfg ": f"CREATE DATABASE {names['db']} ",
        "@127.0.0.1/greenmfg": f"@{pg_address}/{names['db']}",
        "-h 127.0.0.1 -U postgres": f"-h {server['host']} -p {server['port']} -U {server['superuser']}",
        "redis://127.0.0.1:6379/0": REDIS,
    }
    setup = _adapt(fenced_block(text, "deployment"), replacements)
    # the database administrator's step 1, with an owner that may not create roles (NOCREATEROLE is the default;
    # the assertion keeps it so)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GREENMFG_", "FLASK_"))}
    env["PYTHONPATH"] = str(ROOT)  # this checkout, as `pip install -e` would
    started = time.monotonic()
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", setup], input=ADMIN_PASSWORD + "\n", env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    setup_seconds = time.monotonic() - started
    print(f"setup block: {setup_seconds:.1f} s", flush=True)
    out = done.stdout
    assert "public key (for the ministry to register)" in out and "configuration valid" in out
    assert re.search(r"administrative units: [1-9]\d* changes", out), out
    assert "administrator created: admin" in out and "second factor" in out
    owner_can_create_roles = subprocess.run(
        server["psql"] + ["-tA", "-c", f"SELECT rolcreaterole FROM pg_roles WHERE rolname = '{names['owner']}'"],
        capture_output=True, text=True, check=True).stdout.strip()
    assert owner_can_create_roles == "f"
    settings = _env_file(etc / "greenmfg.env")
    assert settings["GREENMFG_INSTANCE_PATH"] == str(instance) and instance.is_dir()
    assert names["app"] in settings["GREENMFG_DATABASE_URL"]  # the services run as the application role

    # the services, as written, bounded: started, probed, stopped
    services = _adapt(fenced_block(text, "services"), {"8000": str(web_port)}).splitlines()
    service_env = {**env, **settings}
    logs = {}
    procs = []
    try:
        for line in _commands(services):
            if line.startswith(("gunicorn", "greenmfg worker")):
                name = "worker" if line.startswith("greenmfg worker") else "gunicorn"
                logs[name] = tmp_path / f"{name}.log"
                procs.append(subprocess.Popen(
                    ["bash", "-c", "exec " + line.removesuffix("&")],
                    env={**service_env, "PATH": f"{Path(sys.executable).parent}:" + env.get("PATH", "")},
                    cwd=tmp_path, stdout=logs[name].open("wb"), stderr=subprocess.STDOUT, start_new_session=True))
        assert len(procs) == 2, services
        base = f"http://127.0.0.1:{web_port}"
        status, body = 0, b""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            status, body = _get(base + "/readyz")
            if status == 200:
                break
            time.sleep(1)
        print(f"ready after {time.monotonic() - deadline + 90:.1f} s", flush=True)
        assert status == 200, (status, body, {k: v.read_text()[-2000:] for k, v in logs.items()})
        assert b'"worker"' in body and b'"state":"up"' in body.replace(b" ", b"")
        assert _get(base + "/healthz")[0] == 200
        curl = next(line for line in _commands(services) if line.startswith("curl"))
        assert subprocess.run(shlex.split(curl), capture_output=True, timeout=30).returncode == 0
        access = logs["gunicorn"].read_text()
        # dated and timed, the request id at the end
        assert re.search(r'^\[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] \S+ "GET /readyz HTTP/1\.[01]" 200 \d+ \d+ms '
                         r'req=[0-9a-f]{12}$', access, re.M), access[-2000:]
        check = next(line for line in _commands(services) if line.startswith("greenmfg check"))
        checked = subprocess.run(["bash", "-c", check], capture_output=True, text=True, timeout=120,
                                 env={**service_env, "PATH": f"{Path(sys.executable).parent}:" + env.get("PATH", "")},
                                 cwd=tmp_path)
        assert checked.returncode == 0 and "every check passed" in checked.stdout, checked.stdout + checked.stderr
        # the worker's lines (RQ's too) carry a dated time and the request id (- outside a request)
        worker = logs["worker"].read_text()
        assert re.search(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4} INFO \[\d+\] rq\.worker req=-: ",
                         worker, re.M), worker[-2000:]
    finally:
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)

    # the first administrator signs in (a second factor first), opens a round and imports the list history
    for key in [k for k in os.environ if k.startswith("GREENMFG_")]:
        monkeypatch.delenv(key)
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    from core.app import create_app

    app = create_app({"GREENMFG_RATELIMIT_ENABLED": False, "TESTING": True})
    client = app.test_client()
    base_url = "https://localhost"
    login = client.get("/login", base_url=base_url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    signed_in = client.post("/login", base_url=base_url, headers={"Referer": base_url + "/login"},
                            data={"username": "admin", "password": ADMIN_PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 302
    blocked = client.get("/admin", base_url=base_url)
    assert blocked.status_code == 302 and blocked.headers["Location"].endswith("/account/mfa")
    page = client.get("/account/mfa", base_url=base_url).get_data(as_text=True)
    secret = re.search(r'id="mfa-secret">([A-Z2-7]+)<', page).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    enrolled = client.post("/account/mfa", base_url=base_url, headers={"Referer": base_url + "/account/mfa"},
                           data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert enrolled.status_code == 200 and "<code>" in enrolled.get_data(as_text=True)
    assert client.get("/admin", base_url=base_url).status_code == 200
    issued = client.post("/api/v1/tokens", base_url=base_url, json={
        "username": "admin", "password": ADMIN_PASSWORD, "code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert issued.status_code == 201, issued.get_json()
    bearer = {"Authorization": f"Bearer {issued.get_json()['token']}"}
    opened = client.post("/api/v1/campaigns", base_url=base_url, headers=bearer,
                         json={"year": 2026, "level": "provincial", "unit_types": ["factory"],
                               "closes_at": "2026-12-31T17:00:00+08:00"})
    assert opened.status_code == 201, opened.get_json()
    rows = "\n".join(
        ["层级,年度,类型,统一社会信用代码,名称,市州,文号,发布日期,状态,移出日期,移出原因"]
        + [f"省级,2024,绿色工厂,{_uscc(n)},武汉绿色制造{n}号有限公司,武汉市,鄂经信节能〔2024〕{n}号,2024-12-20,列入,,"
           for n in range(1, 6)])
    imported = client.post("/api/v1/list-history", base_url=base_url, headers=bearer,
                           data={"file": (io.BytesIO(rows.encode("utf-8-sig")), "history.csv")})
    assert imported.status_code == 200, imported.get_json()
    assert imported.get_json()["created"] == 5
    ready = client.get("/readyz")  # the worker stopped with the services: this instance says so
    assert ready.status_code == 503 and ready.get_json()["checks"]["worker"]["state"] == "down"

    # Redis unreachable: the same instance pointed at a closed port is not ready, and says which part is down
    monkeypatch.setenv("GREENMFG_REDIS_URL", f"redis://127.0.0.1:{_free_port()}/0")
    no_redis = create_app({"GREENMFG_RATELIMIT_ENABLED": False, "TESTING": True}).test_client().get("/readyz")
    checks = no_redis.get_json()["checks"]
    assert no_redis.status_code == 503 and checks["redis"]["state"] == "down"
    assert checks["database"]["state"] == "up" and checks["storage"]["state"] == "up"
    assert names["app"] not in no_redis.get_data(as_text=True)  # nothing secret: no address, no role
    print(f"deployment block: {setup_seconds:.1f} s")
