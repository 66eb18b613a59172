"""``greenmfg check``: everything an instance needs, checked from the server in one command (issue 56), as
``gitlab:check`` does for GitLab: the database and the application role's grants, the migrations, Redis, the
file store, the signing key, a job worker's heartbeat, the SMTP server and LibreOffice.

Each check is ``ok``, ``failed`` or ``skipped`` (not used by this instance) with a detail for the operator; any
``failed`` makes the command exit 1. Unlike ``/readyz`` (core/health.py), which answers anyone and says nothing
secret, this runs on the server for its operator and names what it found (a role, a file, a mode).
"""
from __future__ import annotations

import stat
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import Flask

OK, FAILED, SKIPPED = "ok", "failed", "skipped"


@dataclass
class Check:
    name: str
    state: str
    detail: str
    ms: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _database_kind(app: Flask) -> str:
    uri = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
    return "PostgreSQL" if uri.startswith("postgresql") else "SQLite" if uri.startswith("sqlite") else "database"


def check_database(app: Flask) -> Check:
    from sqlalchemy import text

    from core.extensions import db

    kind = _database_kind(app)
    try:
        with db.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                server = conn.execute(text("SHOW server_version")).scalar()
                role = conn.execute(text("SELECT current_user")).scalar()
                return Check("database", OK, f"PostgreSQL {server}, signed in as {role}")
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - the failure is the finding
        return Check("database", FAILED, f"{kind} unreachable: {_first_line(exc)}")
    return Check("database", OK, f"{kind} answers")


def check_grants(database_ok: bool) -> Check:
    from core.extensions import db
    from core.services.db_roles import app_role_problems

    if db.engine.dialect.name != "postgresql":
        return Check("grants", SKIPPED, "SQLite has no roles")
    if not database_ok:
        return Check("grants", FAILED, "the database does not answer")
    with db.engine.connect() as conn:
        role, problems = app_role_problems(conn)
    if problems:
        return Check("grants", FAILED, "; ".join(problems))
    return Check("grants", OK, f"{role} reads and writes every table; audit_log SELECT, INSERT only")


def check_migrations(database_ok: bool) -> Check:
    from sqlalchemy import text

    from core.extensions import db
    from core.release import migration_heads

    heads = migration_heads()
    if not database_ok:
        return Check("migrations", FAILED, "the database does not answer")
    try:
        with db.engine.connect() as conn:
            current = sorted(r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version")))
    except Exception as exc:  # noqa: BLE001 - no table: never migrated
        return Check("migrations", FAILED, f"no migration applied ({_first_line(exc)}): run greenmfg db upgrade")
    if current != heads:
        return Check("migrations", FAILED, f"the database is at {', '.join(current) or 'nothing'}, this code at "
                                           f"{', '.join(heads)}: run greenmfg db upgrade as the owner")
    return Check("migrations", OK, f"at the head, {', '.join(heads)}")


def check_redis(app: Flask) -> Check:
    from core.health import redis_needed

    if not redis_needed(app):
        return Check("redis", SKIPPED, "jobs run in the web process and pages are not kept")
    from redis import Redis

    url = app.config["GREENMFG_REDIS_URL"]
    client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    where = f"{client.connection_pool.connection_kwargs.get('host', '?')}:" \
            f"{client.connection_pool.connection_kwargs.get('port', '?')} database " \
            f"{client.connection_pool.connection_kwargs.get('db', 0)}"
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001
        return Check("redis", FAILED, f"Redis unreachable at {where}: {_first_line(exc)}")
    finally:
        client.close()
    return Check("redis", OK, f"Redis answers at {where}")


def check_storage() -> Check:
    from core.storage import store

    files = store()
    key = f"check/{uuid.uuid4().hex}.probe"
    try:
        files.put(key, b"greenmfg check")
        if files.get(key) != b"greenmfg check":
            return Check("storage", FAILED, f"{files.describe()}: a file written reads back differently")
        files.delete(key)
    except Exception as exc:  # noqa: BLE001
        return Check("storage", FAILED, f"{files.describe()} not writable: {_first_line(exc)}")
    return Check("storage", OK, f"{files.describe()} writable")


def check_signing_key(app: Flask) -> Check:
    from core.services import signing

    path = app.config.get("GREENMFG_RECOMMENDATION_KEY_FILE")
    if not path:
        if app.config.get("GREENMFG_RECOMMENDATION_KEY"):
            return Check("signing key", OK, "given in GREENMFG_RECOMMENDATION_KEY")
        return Check("signing key", SKIPPED, "GREENMFG_RECOMMENDATION_KEY_FILE is not set")
    file = Path(str(path)).expanduser()
    try:
        mode = file.stat().st_mode
        problem = signing.mode_problem(file, mode)
        if problem:
            return Check("signing key", FAILED, problem)
        key = signing.load_configured(app.config)
    except (OSError, signing.KeyProblem) as exc:
        return Check("signing key", FAILED, str(exc))
    return Check("signing key", OK, f"{file} (mode {stat.S_IMODE(mode):04o}), key id {signing.key_id(key)}")


def check_worker(app: Flask, redis: Check) -> Check:
    from core.health import DOWN, check_workers

    found = check_workers(app, DOWN if redis.state == FAILED else "up")
    if found["state"] == DOWN:
        return Check("worker", FAILED, found["detail"] + " (is greenmfg worker running?)")
    if getattr(app.extensions.get("greenmfg_jobs"), "kind", "") != "redis":
        return Check("worker", SKIPPED, found["detail"])
    return Check("worker", OK, found["detail"] + " with a live heartbeat")


def check_smtp(app: Flask) -> Check:
    from core.notifications import mail

    if not mail.configured():
        return Check("smtp", SKIPPED, "GREENMFG_SMTP_HOST is not set: e-mails go to the log")
    try:
        return Check("smtp", OK, mail.probe())
    except Exception as exc:  # noqa: BLE001
        return Check("smtp", FAILED, f"SMTP server {app.config['GREENMFG_SMTP_HOST']}:"
                                     f"{app.config.get('GREENMFG_SMTP_PORT') or 25} unreachable: {_first_line(exc)}")


def check_office() -> Check:
    from core.services.office import probe

    answers, detail = probe()
    return Check("libreoffice", SKIPPED if answers is None else OK if answers else FAILED, detail)


def check_oidc(app: Flask) -> Check:
    """The unified identity service's discovery document (issue 60), when sign-in through it is configured."""
    from core.accounts import oidc

    if not oidc.configured(app.config):
        return Check("oidc", SKIPPED, "GREENMFG_OIDC_ISSUER is not set: no sign-in through the unified identity service")
    try:
        return Check("oidc", OK, oidc.probe(app))
    except Exception as exc:  # noqa: BLE001 - the failure is the finding
        return Check("oidc", FAILED, f"{app.config['GREENMFG_OIDC_ISSUER']} unreachable: {_first_line(exc)}")


def _timed(make) -> Check:
    started = time.perf_counter()
    found = make()
    found.ms = round((time.perf_counter() - started) * 1000, 1)
    return found


def run(app: Flask) -> list[Check]:
    """Every check, in the order an operator would fix them (inside ``app``'s context)."""
    database = _timed(lambda: check_database(app))
    up = database.state == OK
    redis = _timed(lambda: check_redis(app))
    return [database, _timed(lambda: check_grants(up)), _timed(lambda: check_migrations(up)), redis,
            _timed(check_storage), _timed(lambda: check_signing_key(app)), _timed(lambda: check_worker(app, redis)),
            _timed(lambda: check_smtp(app)), _timed(check_office), _timed(lambda: check_oidc(app))]


def start_failed(exc: BaseException) -> list[Check]:
    """The one finding when the application does not even start (a setting, a plugin, the key's mode)."""
    return [Check("start", FAILED, str(exc))]

