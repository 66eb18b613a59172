"""Issue 55: a job queued by a command run as the tables' owner is run by the workers within a minute.

The deployment runs ``greenmfg worker`` and the web servers as the application's role (greenmfg.env) and the
owner's commands with ``owner.env``: the same database as another role, with another password
(docs/operations.md). The instance's name, which every job queue is named by, was a digest of the whole database
address, password included: a job the owner's ``greenmfg jobs tick`` queued went to a queue no worker listened to,
and ran only when the scheduler sent lost jobs again ten minutes later. Now the name comes from
``GREENMFG_INSTANCE_NAME`` or the region and which database it is (host, port, name), never the credentials.
"""
from __future__ import annotations

import subprocess
import time
import uuid

import pytest
import sqlalchemy as sa
from cluster_kit import BIN, Processes, base_env, redis_url


@pytest.fixture
def roles(pg_database):
    """The database's owner's address and the application role's (grants as ``greenmfg db-roles grant-app``),
    each with a password of its own (the test server trusts local connections: the addresses differ as the two
    env files' do)."""
    from core import create_app
    from core.cli.db_roles_cmd import db_roles_group

    pg_database.reset()
    role = f"greenmfg_app_{uuid.uuid4().hex[:8]}"
    owner_url = sa.engine.make_url(pg_database.url).set(password="owner-secret-1")
    app = create_app({"SQLALCHEMY_DATABASE_URI": pg_database.url, "SECRET_KEY": "x", "TESTING": True,
                      "GREENMFG_REGION": "hunan"})
    granted = app.test_cli_runner().invoke(db_roles_group, ["grant-app", role])
    assert granted.exit_code == 0, granted.output
    with app.app_context():
        from core.extensions import db

        db.engine.dispose()
    app_url = owner_url.set(username=role, password="app-secret-2")
    yield owner_url.render_as_string(hide_password=False), app_url.render_as_string(hide_password=False)
    owner = sa.create_engine(pg_database.url, poolclass=sa.pool.NullPool)
    with owner.begin() as conn:
        conn.execute(sa.text(f'DROP OWNED BY "{role}"'))
        conn.execute(sa.text(f'DROP ROLE "{role}"'))
    owner.dispose()


def test_a_job_the_owner_queues_is_run_by_the_worker_within_a_minute(roles, tmp_path):
    owner_url, app_url = roles
    env = base_env(app_url, redis_url(15), tmp_path / "instance")
    env.pop("GREENMFG_INSTANCE_NAME")  # as deployed: the name is derived, the same for both env files
    procs = Processes(env, tmp_path)
    try:
        owner_env = {**env, "GREENMFG_DATABASE_URL": owner_url}
        tick = subprocess.run([str(BIN / "greenmfg"), "jobs", "tick"], env=owner_env, capture_output=True,
                              text=True, timeout=120, check=False)
        assert tick.returncode == 0, tick.stderr[-2000:]
        assert "enqueued: audit.anchor" in tick.stdout or "audit.anchor" in tick.stdout, tick.stdout
        queued_at = time.monotonic()
        procs.worker()  # as the application's role
        engine = sa.create_engine(owner_url, poolclass=sa.pool.NullPool)
        try:
            while True:
                with engine.connect() as conn:
                    jobs = conn.execute(sa.text("SELECT name, status, actor FROM job ORDER BY id")).all()
                assert jobs and all(j.actor == "scheduler" for j in jobs)
                if all(j.status == "done" for j in jobs):
                    break
                assert time.monotonic() - queued_at < 60, (jobs, (tmp_path / "worker-0.log").read_text()[-3000:])
                time.sleep(0.5)
        finally:
            engine.dispose()
    finally:
        procs.stop()
