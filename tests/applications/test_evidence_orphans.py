"""No evidence file outlives its row (issue 19; staged writes, issue 22), on SQLite and PostgreSQL.

A worker is killed (SIGKILL) while an upload is pinned at its commit: the file is staged under
``pending/``, its row never committed, so no download can ever see it. Five such kills leave five
pending files that no row names; ``greenmfg evidence sweep`` removes them after the grace period and
never touches a committed upload's file, nor one younger than the grace period (an upload may still be
committing). A process killed after its commit but before promoting its file leaves a committed row whose
file is still pending: the download promotes it, and so does the sweep.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal

import pytest
from app_world import QUOTA_PLUGIN, build_world, open_campaign, pdf
from sqlalchemy import func, select

#: workers killed at the commit; each is a fresh process (spawned: 1.5-3 s to import the app), so five, not the
#: twenty of before, show that every kill leaves one pending file and no row
RUNS = 5


def _upload_then_hang(url, evidence_dir, app_id, ready):
    from core import create_app
    from core.applications import evidence
    from core.extensions import db
    from core.models import Application

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t", "GREENMFG_RULES_YEAR": 2025,
                      "GREENMFG_REGION": "hunan", "GREENMFG_EXTRA_PLUGINS": [QUOTA_PLUGIN],
                      "GREENMFG_EVIDENCE_DIR": evidence_dir})
    with app.app_context():
        application = db.session.get(Application, app_id)
        evidence.store(application, "indicator.3", "能耗.pdf", pdf(1), "applicant")
        ready.set()  # the file is written, the row flushed: pinned right before the commit
        signal.pause()


@pytest.fixture
def world(make_app, tmp_path):
    app = make_app("hunan", GREENMFG_EXTRA_PLUGINS=[QUOTA_PLUGIN], GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"))
    w = build_world(app)
    campaign_id = open_campaign(app)
    with app.app_context():
        from core.applications import services
        from core.extensions import db
        from core.models import Campaign, Organization, User

        campaign = db.session.get(Campaign, campaign_id)
        user = db.session.scalar(select(User).where(User.username == "ent_changsha"))
        application = services.start_application(user, campaign, "factory")
        db.session.commit()
        w.app_id = application.id
        assert db.session.get(Organization, user.organization_id)
    w.evidence_dir = tmp_path / "evidence"
    return w


def test_killed_uploads_leave_files_the_sweep_removes(world):
    from core.applications import evidence
    from core.applications.orphans import sweep
    from core.extensions import db
    from core.models import Application, AuditLog, Evidence

    app = world.app
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():  # one upload that commits: it must survive every sweep
        kept = evidence.store(db.session.get(Application, world.app_id), "indicator.3", "保留.pdf", pdf(2),
                              "applicant")
        db.session.commit()
        kept_name = kept.storage_name
        db.engine.dispose()  # no connection shared with the children
    context = multiprocessing.get_context("spawn")
    for _ in range(RUNS):
        ready = context.Event()
        child = context.Process(target=_upload_then_hang, args=(url, str(world.evidence_dir), world.app_id, ready))
        child.start()
        assert ready.wait(60), "the upload did not reach its commit"
        os.kill(child.pid, signal.SIGKILL)
        child.join(30)
        assert child.exitcode == -signal.SIGKILL
    files = {p.name for p in world.evidence_dir.iterdir() if p.is_file()}
    assert files == {kept_name}  # nothing uncommitted is ever visible under a final name
    pending = {p.name for p in (world.evidence_dir / "pending").iterdir() if p.is_file()}
    assert len(pending) == RUNS
    with app.app_context():
        assert db.session.scalar(select(func.count(Evidence.id))) == 1  # no killed upload committed its row
        young = sweep("test")  # default grace: an hour; these are seconds old
        assert young["removed"] == [] and len(young["kept_recent"]) == RUNS
        report = sweep("test", dt.timedelta(0))
        db.session.commit()
        assert len(report["removed"]) == RUNS
        assert {p.name for p in world.evidence_dir.iterdir() if p.is_file()} == {kept_name}
        assert not any((world.evidence_dir / "pending").iterdir())
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "evidence.orphans_removed")).data[
            "count"] == RUNS


def test_the_sweep_command(world):
    from core.cli.evidence_cmd import evidence_group

    orphan = world.evidence_dir / ("0" * 32)
    world.evidence_dir.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"%PDF-1.4 left behind")
    old = (dt.datetime.now() - dt.timedelta(hours=2)).timestamp()
    os.utime(orphan, (old, old))
    (world.evidence_dir / "README.txt").write_text("not an upload")  # other files are never touched
    runner = world.app.test_cli_runner()
    dry = runner.invoke(evidence_group, ["sweep", "--dry-run"])
    assert dry.exit_code == 0 and "would remove 1 files" in dry.output and orphan.exists()
    done = runner.invoke(evidence_group, ["sweep"])
    assert done.exit_code == 0 and "removed 1 files" in done.output and not orphan.exists()
    assert (world.evidence_dir / "README.txt").exists()


def test_a_committed_upload_whose_promotion_was_lost_is_promoted(world):
    """Killed between the commit and the promotion: the row is committed, the file still pending. The
    download finds it (and promotes it); the sweep promotes such files too."""
    from core.applications import evidence
    from core.applications.orphans import sweep
    from core.extensions import db
    from core.models import Application
    from core.storage import staging

    app = world.app
    with app.app_context():
        row = evidence.store(db.session.get(Application, world.app_id), "indicator.3", "a.pdf", pdf(1), "applicant")
        name = row.storage_name
        db.session.info.pop("greenmfg_staged_files")  # as if the process died right after its COMMIT
        db.session.commit()
        assert (world.evidence_dir / "pending" / name).is_file() and not (world.evidence_dir / name).exists()
        assert evidence.read(row) == pdf(1)  # the download promotes it
        assert (world.evidence_dir / name).is_file() and not (world.evidence_dir / "pending" / name).exists()
        second = evidence.store(db.session.get(Application, world.app_id), "indicator.3", "b.pdf", pdf(2),
                                "applicant")
        db.session.info.pop("greenmfg_staged_files")
        db.session.commit()
        report = sweep("test", dt.timedelta(0))
        db.session.commit()
        assert report["promoted"] == [second.storage_name] and report["removed"] == []
        assert staging.read(second.storage_name) == pdf(2)


def test_a_rolled_back_upload_leaves_no_file(world):
    from core.applications import evidence
    from core.extensions import db
    from core.models import Application

    with world.app.app_context():
        evidence.store(db.session.get(Application, world.app_id), "indicator.3", "a.pdf", pdf(1), "applicant")
        db.session.rollback()
        assert [p for p in world.evidence_dir.rglob("*") if p.is_file()] == []
