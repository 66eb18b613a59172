"""``greenmfg check`` (issue 56) on an instance set up as the README deploys one: PostgreSQL signed in as the
application role that ``db-roles grant-app`` made, Redis, a local file store, a signing key read by the service's
group (0640), a job worker's heartbeat, an SMTP server (aiosmtpd) and LibreOffice where installed. Exit 0 when all
is well; exit 1 naming what is not: Redis or PostgreSQL at a closed port, the worker gone, the key world-readable,
the services signed in as the tables' owner. ``config check`` fails on an unreachable database or Redis.

The command is run as an operator runs it: the app built from the environment (``GREENMFG_*``), not a test app.
"""
from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from ops_kit import free_port, redis_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "notifications"))
from mail_kit import smtp_server  # noqa: E402

REDIS = redis_url(1)


@pytest.fixture
def app_role(pg_database):
    """The application role (``greenmfg db-roles grant-app``) on the worker's migrated test database."""
    from core.services.db_roles import grant_app_role

    pg_database.reset()
    role = f"gm_check_{uuid.uuid4().hex[:8]}"
    with pg_database.engine.begin() as conn:
        grant_app_role(conn, role)
    yield sa.engine.make_url(pg_database.url).set(username=role, password=None).render_as_string(hide_password=False)
    with pg_database.engine.begin() as conn:
        conn.execute(sa.text(f"DROP OWNED BY {role}"))
        conn.execute(sa.text(f"DROP ROLE {role}"))


@pytest.fixture
def instance(app_role, tmp_path, monkeypatch):
    """The environment of a provincial instance as the README writes it (Hubei), and a worker's heartbeat."""
    from core.services import signing

    for key in [k for k in os.environ if k.startswith("GREENMFG_")]:
        monkeypatch.delenv(key)
    key_file = tmp_path / "etc" / "recommendation.key"
    signing.write_private(signing.generate(), key_file)  # what `greenmfg keys generate` writes (mode 0600)
    key_file.chmod(0o640)  # docs/operations.md: chown root:greenmfg … && chmod 0640
    with smtp_server() as mailbox:
        env = {"GREENMFG_DATABASE_URL": app_role, "GREENMFG_REGION": "hubei",
               "GREENMFG_INSTANCE_PATH": str(tmp_path / "var"), "GREENMFG_SECRET_KEY": "check-" + "x" * 40,
               "GREENMFG_RECOMMENDATION_KEY_FILE": str(key_file), "GREENMFG_REDIS_URL": REDIS,
               "GREENMFG_JOBS_BACKEND": "redis", "GREENMFG_INSTANCE_NAME": f"check-{uuid.uuid4().hex[:8]}",
               "GREENMFG_RATELIMIT_STORAGE": "memory://", "GREENMFG_SMTP_HOST": "127.0.0.1",
               "GREENMFG_SMTP_PORT": str(mailbox.port), "GREENMFG_SMTP_FROM": "noreply@greenmfg.example.cn"}
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        from core.app import create_app
        from core.jobs.backends import CALLS, QUEUE
        from rq import Worker

        backend = create_app().extensions["greenmfg_jobs"]
        assert backend.kind == "redis"
        worker = Worker([backend.queue(QUEUE), backend.queue(CALLS)], connection=backend.redis,
                        name=f"check-{uuid.uuid4().hex[:8]}")
        worker.register_birth()  # RQ's worker key with its heartbeat, as `greenmfg worker` writes it
        worker.heartbeat()
        try:
            yield {"env": env, "key": key_file, "worker": worker, "mailbox": mailbox}
        finally:
            worker.register_death()


def _check(*args):
    from core.cli import cli

    result = CliRunner().invoke(cli, ["check", *args])
    return result


def _states(result) -> dict[str, dict]:
    found = json.loads(result.stdout)
    return {c["name"]: c for c in found["checks"]}


def test_a_good_instance_passes_every_check(instance):
    text = _check()
    assert text.exit_code == 0, text.output
    assert "every check passed" in text.output
    result = _check("--format", "json")
    assert result.exit_code == 0, result.output
    checks = _states(result)
    assert json.loads(result.stdout)["ok"] is True
    assert list(checks) == ["database", "grants", "migrations", "redis", "storage", "signing key", "worker", "smtp",
                            "libreoffice", "oidc"]
    assert checks["oidc"]["state"] == "skipped"  # no unified identity service configured (tests/oidc checks one)
    for name in ("database", "grants", "migrations", "redis", "storage", "signing key", "worker", "smtp"):
        assert checks[name]["state"] == "ok", checks[name]
    role = instance["env"]["GREENMFG_DATABASE_URL"].split("://")[1].split("@")[0]
    assert checks["database"]["detail"].startswith("PostgreSQL") and role in checks["database"]["detail"]
    assert "audit_log SELECT, INSERT only" in checks["grants"]["detail"]
    assert "0042_year_free_steps" in checks["migrations"]["detail"] or "at the head" in checks["migrations"]["detail"]
    assert "mode 0640" in checks["signing key"]["detail"]
    assert "1 worker(s)" in checks["worker"]["detail"]
    assert checks["libreoffice"]["state"] in ("ok", "skipped")
    assert instance["mailbox"].received == []  # the SMTP check greets the server and sends nothing
    # as a spreadsheet: the byte-order mark Excel reads, then a row per check (issue 58)
    table = _check("--format", "csv")
    assert table.exit_code == 0, table.output
    assert table.stdout_bytes.startswith(b"\xef\xbb\xbf")
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(table.stdout_bytes.decode("utf-8-sig"))))
    assert [(r["name"], r["state"]) for r in rows] == [(c["name"], c["state"]) for c in checks.values()]


def test_redis_at_a_closed_port_fails_naming_redis_and_the_worker(instance, monkeypatch):
    monkeypatch.setenv("GREENMFG_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    result = _check("--format", "json")
    assert result.exit_code == 1, result.output
    checks = _states(result)
    assert checks["redis"]["state"] == "failed" and "Redis unreachable" in checks["redis"]["detail"]
    assert checks["worker"]["state"] == "failed"
    assert checks["database"]["state"] == "ok" and checks["storage"]["state"] == "ok"
    text = _check()
    assert text.exit_code == 1 and "failed: redis, worker" in text.output, text.output


def test_postgresql_at_a_closed_port_fails_naming_it(instance, monkeypatch):
    url = sa.engine.make_url(instance["env"]["GREENMFG_DATABASE_URL"]).set(host="127.0.0.1", port=free_port())
    monkeypatch.setenv("GREENMFG_DATABASE_URL", url.render_as_string(hide_password=False))
    monkeypatch.setenv("GREENMFG_DB_CONNECT_TIMEOUT", "2")
    result = _check("--format", "json")
    assert result.exit_code == 1, result.output
    checks = _states(result)
    assert checks["database"]["state"] == "failed" and "PostgreSQL unreachable" in checks["database"]["detail"]
    assert checks["grants"]["state"] == checks["migrations"]["state"] == "failed"
    assert checks["redis"]["state"] == "ok"


def test_a_stopped_worker_fails(instance):
    instance["worker"].register_death()
    result = _check("--format", "json")
    assert result.exit_code == 1
    assert _states(result)["worker"]["state"] == "failed"
    assert "no greenmfg worker" in _states(result)["worker"]["detail"]


def test_a_world_readable_key_fails_naming_the_key_and_its_mode(instance):
    instance["key"].chmod(0o644)
    result = _check()
    assert result.exit_code == 1
    assert "signing key file" in result.output and "mode 0644" in result.output, result.output
    assert str(instance["key"]) in result.output


def test_the_services_signed_in_as_the_tables_owner_fail_the_grants(instance, monkeypatch, pg_database):
    monkeypatch.setenv("GREENMFG_DATABASE_URL", pg_database.url)  # the suite's superuser owns the tables
    result = _check("--format", "json")
    assert result.exit_code == 1
    grants = _states(result)["grants"]
    assert grants["state"] == "failed" and "superuser" in grants["detail"] and "owns the tables" in grants["detail"]


def test_config_check_fails_on_an_unreachable_database_or_redis(instance, monkeypatch):
    from core.cli import cli

    valid = CliRunner().invoke(cli, ["config", "check"])
    assert valid.exit_code == 0 and "configuration valid" in valid.output, valid.output
    monkeypatch.setenv("GREENMFG_REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    no_redis = CliRunner().invoke(cli, ["config", "check"])
    assert no_redis.exit_code == 1 and "Redis unreachable" in no_redis.output, no_redis.output
    monkeypatch.setenv("GREENMFG_REDIS_URL", REDIS)
    url = sa.engine.make_url(instance["env"]["GREENMFG_DATABASE_URL"]).set(port=free_port())
    monkeypatch.setenv("GREENMFG_DATABASE_URL", url.render_as_string(hide_password=False))
    no_database = CliRunner().invoke(cli, ["config", "check"])
    assert no_database.exit_code == 1 and "PostgreSQL unreachable" in no_database.output, no_database.output
