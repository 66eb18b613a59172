"""Background jobs (issue 22) with the in-process back end, on SQLite and PostgreSQL: a large summary
export runs as a job the city's user follows and downloads, only its owner sees it (web and API), a passing
fault is retried after its back-off, a refusal fails at once with its message in both languages, a job whose
worker died is sent again and finished once, and each periodic slot runs once however often the scheduler
ticks. (tests/jobs/test_cluster.py runs the same with Redis workers and gunicorn.)"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from app_world import build_world, open_campaign
from sqlalchemy import func, select, update

from core.errors import Refused
from core.jobs import job
from core import clock
from core.storage.base import StorageError

CALLS: dict[str, int] = {}


@job("test.flaky", "flaky test job", backoff=(0,))
def _flaky(ctx, key: str):
    CALLS[key] = CALLS.get(key, 0) + 1
    ctx.progress(50)
    if CALLS[key] == 1:
        raise StorageError("the object store did not answer")
    return {"calls": CALLS[key]}


@job("test.refused", "refusing test job")
def _refused(ctx):
    raise Refused("This is not possible while the application is %(status)s.", status="draft")


@pytest.fixture
def world(make_app, tmp_path):
    app = make_app("hunan", GREENMFG_JOBS_INLINE_ROWS=-1, WTF_CSRF_ENABLED=False,
                   GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"),
                   GREENMFG_AUDIT_ANCHOR_DIR=str(tmp_path / "anchors"))  # the hourly audit.anchor job writes there
    w = build_world(app)
    w.campaign_id = open_campaign(app)
    return w


def _wait(app):
    app.extensions["greenmfg_jobs"].wait(30)


def test_a_large_export_is_a_job_its_starter_follows_and_downloads(world):
    app = world.app
    client = world.client("city_changsha")
    started = client.get(f"/city/summary.xlsx?campaign={world.campaign_id}")
    assert started.status_code == 302 and "/jobs/" in started.headers["Location"]
    public_id = started.headers["Location"].rsplit("/", 1)[1]
    _wait(app)
    page = client.get(f"/jobs/{public_id}?lang=en").get_data(as_text=True)
    assert 'data-status="done"' in page and "Summary table export" in page and "Download 汇总表-2025-长沙市.xlsx" in page
    assert "Refresh" not in client.get(f"/jobs/{public_id}").headers  # finished: the page stops refreshing
    zh = client.get(f"/jobs/{public_id}?lang=zh").get_data(as_text=True)
    assert "汇总表导出" in zh and "已完成" in zh
    download = client.get(f"/jobs/{public_id}/download")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    # built by the worker in its starter's language (here the platform's first), named for people (download_name)
    assert "%E6%B1%87%E6%80%BB%E8%A1%A8-2025-%E9%95%BF%E6%B2%99%E5%B8%82.xlsx" in download.headers["Content-Disposition"]
    assert public_id in client.get("/jobs").get_data(as_text=True)
    other = world.client("city_zhuzhou")  # another city's user: the job does not exist for them
    assert other.get(f"/jobs/{public_id}").status_code == 404
    assert other.get(f"/jobs/{public_id}/download").status_code == 404
    assert public_id not in other.get("/jobs").get_data(as_text=True)
    mine = world.api("city_changsha").get(f"/api/v1/jobs/{public_id}").get_json()
    assert mine["status"] == "done" and mine["progress"] == 100 and mine["download_url"].endswith("/result")
    assert world.api("city_changsha").get(mine["download_url"]).data[:2] == b"PK"
    assert world.api("city_zhuzhou").get(f"/api/v1/jobs/{public_id}").status_code == 404
    # the API starts the same job: 202 with the job to follow
    started = world.api("city_changsha").get(f"/api/v1/summary?campaign_id={world.campaign_id}")
    assert started.status_code == 202 and started.headers["Location"].endswith(started.get_json()["id"])


def test_retry_after_a_passing_fault_and_a_refusal_fails_at_once(world):
    from core.extensions import db
    from core.jobs import enqueue
    from core.models import Job, User

    app = world.app
    with app.app_context():
        user = db.session.get(User, world.users["province"].id)
        flaky = enqueue("test.flaky", f"k{id(world)}", user=user)
        refused = enqueue("test.refused", user=user)
        db.session.commit()
        flaky_id, refused_id = flaky.id, refused.id
    _wait(app)
    import time

    time.sleep(0.3)  # the retry timer (back-off 0 s) dispatches the second attempt
    _wait(app)
    with app.app_context():
        flaky, refused = db.session.get(Job, flaky_id), db.session.get(Job, refused_id)
        assert (flaky.status, flaky.attempts, flaky.result) == ("done", 2, {"calls": 2})
        assert "object store did not answer" in flaky.detail  # for administrators (greenmfg jobs list --details)
        assert (refused.status, refused.attempts) == ("failed", 1)
        assert refused.error["en"] == "This is not possible while the application is draft."
        assert refused.error["zh"] and refused.error["zh"] != refused.error["en"]
    page = world.client("province").get(f"/jobs/{refused.public_id}?lang=en").get_data(as_text=True)
    assert "This is not possible while the application is draft." in page and 'data-status="failed"' in page


def test_a_job_whose_worker_died_is_sent_again_and_finished_once(world):
    from core.extensions import db
    from core.jobs import enqueue, service
    from core.models import Job, User

    app = world.app
    backend = app.extensions["greenmfg_jobs"]
    with app.app_context():
        user = db.session.get(User, world.users["city_changsha"].id)
        row = enqueue("summary.export", world.units["changsha"], world.campaign_id, user=user)
        db.session.info.pop("greenmfg_jobs_dispatch")  # not sent: a worker will take it by hand below
        db.session.commit()
        job_id = row.id
        token, _ = service.claim(job_id, 60)  # a worker took it ... and was killed (no heartbeat any more)
        db.session.execute(update(Job).where(Job.id == job_id).values(
            heartbeat_at=clock.now() - dt.timedelta(minutes=5)))
        db.session.commit()
        assert service.recover()["requeued"] == 1
    _wait(app)
    with app.app_context():
        done = db.session.get(Job, job_id)
        assert (done.status, done.attempts) == ("done", 2)
        # the killed attempt, were it to come back, can no longer finish the job
        assert service.complete(job_id, token, {"late": True}, []) is False
        db.session.rollback()
        assert db.session.get(Job, job_id).result != {"late": True}
        assert service.recover() == {"requeued": 0, "given_up": 0, "dispatched": 0}
    del backend


def test_each_periodic_slot_runs_once_however_often_the_scheduler_ticks(world):
    from core.extensions import db
    from core.jobs.schedule import tick
    from core.models import AuditLog, Job

    app = world.app
    at = 1_750_000_000.0
    first = tick(app, now=at)
    second = tick(app, now=at + 5)  # the same hour: nothing new
    assert sorted(first["enqueued"]) == sorted(f"{n}@{int(at // p)}" for n, p in
                                               app.config["GREENMFG_JOBS_SCHEDULE"].items())
    assert second["enqueued"] == []
    _wait(app)
    with app.app_context():
        jobs = db.session.scalars(select(Job).order_by(Job.id)).all()
        assert sorted(j.name for j in jobs) == ["audit.anchor", "jobs.prune", "management.run_due", "storage.sweep"]
        assert all(j.status == "done" and j.user_id is None for j in jobs), [(j.name, j.error, j.detail) for j in jobs]
        run_due = next(j for j in jobs if j.name == "management.run_due")
        assert set(run_due.result) >= {"reminders_sent", "overdue_proposals", "rereviews_opened", "notices_ended"}
        anchored = next(j for j in jobs if j.name == "audit.anchor").result["anchored"]  # the chain's tail, signed
        assert anchored is not None and anchored <= db.session.scalar(select(func.max(AuditLog.id)))
    third = tick(app, now=at + 3600)  # the next hour: the hourly ones again, the daily one not
    assert sorted(k.split("@")[0] for k in third["enqueued"]) == ["audit.anchor", "management.run_due",
                                                                  "storage.sweep"]
    _wait(app)


def test_the_api_starts_a_recompute_for_staff_only(world):
    api = world.api("province")
    started = api.post("/api/v1/jobs", json={"name": "scores.recompute", "arguments": {"year": 2025}})
    assert started.status_code == 202, started.get_json()
    _wait(world.app)
    done = api.get(started.headers["Location"]).get_json()
    assert done["status"] == "done" and done["title"] and re.search(r"\d+", done["summary"][0])
    assert world.api("city_changsha").post("/api/v1/jobs", json={"name": "scores.recompute"}).status_code == 403
    bad = api.post("/api/v1/jobs", json={"name": "scores.recompute", "arguments": {"year": "x"}})
    assert bad.status_code == 422
    assert api.post("/api/v1/jobs", json={"name": "no.such"}).status_code == 422
    assert world.api(None).get("/api/v1/jobs").status_code == 401


def test_a_pdf_check_does_not_wait_behind_background_jobs(make_app, tmp_path):
    """An upload's PDF check is a call someone waits on: with every background thread busy (notification
    e-mails, an export), it still answers at once from the calls' own threads, not "could not be checked in time"
    (seen in CI: the check queued behind notification deliveries and timed out)."""
    import io
    import threading

    from pypdf import PdfWriter

    from core.applications.evidence import check_pdf

    app = make_app("hunan", GREENMFG_JOBS_BACKEND="thread", GREENMFG_JOBS_THREADS=1,
                   GREENMFG_PDF_CHECK_SECONDS=5, GREENMFG_EVIDENCE_DIR=str(tmp_path))
    writer, buf = PdfWriter(), io.BytesIO()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"pool {tmp_path.name}"})  # bytes no earlier test uploaded: parsed, not recalled
    writer.write(buf)
    release = threading.Event()
    backend = app.extensions["greenmfg_jobs"]
    busy = backend.pool.submit(release.wait, 60)  # the one background thread is taken
    try:
        with app.app_context():
            assert check_pdf(buf.getvalue()) == 3
    finally:
        release.set()
        busy.result(5)


def test_a_served_instance_starts_its_scheduler_once_and_a_thrown_away_app_ends_it(make_app):
    """A demo instance (in-process jobs) runs its periodic work from the web process: the first request
    starts one scheduler thread. An app that is thrown away ends it (core.jobs.schedule.stop_embedded):
    a CI run once saw a finished test's scheduler propose removals in a later test's database."""
    import threading

    from core.jobs.schedule import stop_embedded

    def schedulers() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "greenmfg-scheduler" and t.is_alive()]

    before = len(schedulers())
    app = make_app("hunan", TESTING=False, GREENMFG_JOBS_EMBEDDED_SCHEDULER=True, GREENMFG_JOBS_TICK_SECONDS="3600")
    client = app.test_client()
    assert len(schedulers()) == before  # nothing runs until the instance serves
    client.get("/login")
    client.get("/login")
    assert len(schedulers()) == before + 1
    stop_embedded(app)
    assert len(schedulers()) == before
    assert make_app("hunan", TESTING=True).test_client().get("/login").status_code == 200
    assert len(schedulers()) == before  # the test configuration starts none


def test_a_young_jobs_page_reloads_every_second_and_an_older_one_every_two(make_app):
    """A summary PDF prints in 0.2-1.5 s: its page, reloading every 2 s, showed it done up to 2 s late. A job of
    less than 20 s is followed every second, an older one every 2 s (core/jobs/views.py)."""
    import datetime as dt
    from types import SimpleNamespace

    from core.clock import now
    from core.jobs.views import QUICK_SECONDS, refresh_seconds

    app = make_app("hunan")
    with app.app_context():
        assert refresh_seconds(SimpleNamespace(created_at=now() - dt.timedelta(seconds=1))) == 1
        assert refresh_seconds(SimpleNamespace(created_at=now() - dt.timedelta(seconds=QUICK_SECONDS - 1))) == 1
        assert refresh_seconds(SimpleNamespace(created_at=now() - dt.timedelta(seconds=QUICK_SECONDS + 1))) == 2
