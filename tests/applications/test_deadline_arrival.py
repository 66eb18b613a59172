"""The deadline day (issue 46): a submission is judged by when it arrived, not by when a busy worker finished it.

Notices close a round at 24:00 Beijing time on the deadline day. A submission that arrives at 23:59:59.9 and is
finished at 00:00:01 (a slow worker, a slow commit) is on time, in the web form and the JSON API alike; one that
arrives at 00:00:00.1 is refused with the deadline in Chinese and English. Time is moved inside the request (the
eligibility checks or the commit "take" two seconds) with time-machine, as :mod:`core.clock` says tests do.
"""
from __future__ import annotations

import datetime as dt
import io
import time

import pytest
import time_machine
from app_world import build_world, pdf
from sqlalchemy import event, select

from core import clock
from core.applications import eligibility, services
from core.applications import evidence as evidence_service
from core.clock import SHANGHAI
from core.errors import DeadlinePassed
from core.extensions import db
from core.models import Application, AuditLog, Evidence, User
from core.models import ApplicationStatus as S

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

DAY = dt.date(2025, 12, 31)  # the round's deadline day: submissions close at 2025-12-31 24:00 Beijing time
JUST_BEFORE = dt.datetime(2025, 12, 31, 23, 59, 59, 900000, tzinfo=SHANGHAI)
JUST_AFTER = dt.datetime(2026, 1, 1, 0, 0, 0, 100000, tzinfo=SHANGHAI)
FINISHED = dt.datetime(2026, 1, 1, 0, 0, 1, tzinfo=SHANGHAI)


@pytest.fixture
def hunan(make_app, tmp_path):
    return make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))


def _ready_draft(app, world) -> int:
    """A complete factory draft of the Changsha applicant in a city round that closes at the end of :data:`DAY`."""
    with time_machine.travel(dt.datetime(2025, 12, 31, 10, tzinfo=SHANGHAI), tick=False), app.app_context():
        campaign = services.open_campaign(actor="province_user", year=2025, level="city", unit_types=["factory"],
                                          closes_at=clock.end_of_day(DAY))
        user = db.session.get(User, world.users["applicant_changsha"].id)
        a = services.start_application(user, campaign, "factory")
        rules = app.extensions["greenmfg"].rules
        services.save_draft(a, {"contact_name": "王五", "contact_phone": "13800000000", "declarations": {
            i.code: True for i in rules.negative_list_for("factory", campaign.level)}}, user.username)
        db.session.commit()
        return a.id


def _client(world, channel):
    """The applicant signed in at the moment the clock was moved to (a session from the future is not valid)."""
    return world.client("applicant_changsha") if channel == "form" else world.api("applicant_changsha")


def _slow_checks(monkeypatch, traveller) -> None:
    """The submission's checks finish at :data:`FINISHED`, after midnight."""
    evaluate = eligibility.evaluate

    def slow(*args, **kwargs):
        traveller.move_to(FINISHED)
        return evaluate(*args, **kwargs)
    monkeypatch.setattr(eligibility, "evaluate", slow)


def _submitted(app, app_id):
    with app.app_context():
        a = db.session.get(Application, app_id)
        audits = db.session.scalars(select(AuditLog).where(
            AuditLog.object_type == "application", AuditLog.object_id == str(app_id),
            AuditLog.action == "application.submitted")).all()
        return a.status, clock.aware(a.submitted_at), [clock.aware(r.at) for r in audits]


@pytest.mark.parametrize("channel", ["form", "api"])
def test_arrived_before_midnight_finished_after_is_accepted(hunan, monkeypatch, channel):
    world = build_world(hunan, units=("changsha",))
    app_id = _ready_draft(hunan, world)
    with time_machine.travel(JUST_BEFORE, tick=False) as traveller:
        client = _client(world, channel)
        _slow_checks(monkeypatch, traveller)
        if channel == "form":
            r = client.post(f"/applications/{app_id}/submit", data={"confirm": "y"})
            assert r.status_code == 302 and r.location.endswith(f"/applications/{app_id}"), r.location
        else:
            r = client.post(f"/api/v1/applications/{app_id}/submit")
            assert r.status_code == 200, r.get_json()
    status, submitted_at, audited = _submitted(hunan, app_id)
    assert status == S.SUBMITTED
    assert submitted_at == JUST_BEFORE.astimezone(dt.UTC)  # the arrival is what is recorded and judged
    assert len(audited) == 1 and audited[0] >= FINISHED.astimezone(dt.UTC).replace(microsecond=0)  # done after 24:00


@pytest.mark.parametrize("channel", ["form", "api"])
def test_arrived_after_midnight_is_refused_in_both_languages(hunan, channel):
    world = build_world(hunan, units=("changsha",))
    app_id = _ready_draft(hunan, world)
    with time_machine.travel(JUST_AFTER, tick=False):
        client = _client(world, channel)
        if channel == "form":
            r = client.post(f"/applications/{app_id}/submit", data={"confirm": "y"})
            assert r.status_code == 409
            page = r.get_data(as_text=True)
            assert "截止时间 2025-12-31 24:00（北京时间）已过，申报不能再修改或提交。" in page, page[:3000]
            english = client.post(f"/applications/{app_id}/submit", data={"confirm": "y"},
                                  headers={"Accept-Language": "en"}, query_string={"lang": "en"})
            assert english.status_code == 409
            assert ("The deadline passed at 2025-12-31 24:00 (Beijing time); the application can no longer be changed "
                    "or submitted.") in english.get_data(as_text=True)
        else:
            r = client.post(f"/api/v1/applications/{app_id}/submit")
            assert r.status_code == 409, r.get_json()
            body = r.get_json()
            assert body["message_zh"] == "截止时间 2025-12-31 24:00（北京时间）已过，申报不能再修改或提交。", body
            assert body["message_en"] == ("The deadline passed at 2025-12-31 24:00 (Beijing time); the application "
                                          "can no longer be changed or submitted."), body
    status, submitted_at, audited = _submitted(hunan, app_id)
    assert status == S.DRAFT and submitted_at is None and audited == []


def test_service_judges_the_time_it_is_given(hunan):
    """The service takes the arrival as a parameter (the views pass the request's); without one, it reads the
    clock (a job, a command)."""
    world = build_world(hunan, units=("changsha",))
    app_id = _ready_draft(hunan, world)
    with time_machine.travel(FINISHED, tick=False), hunan.app_context():
        a = db.session.get(Application, app_id)
        assert clock.arrival() == FINISHED.astimezone(dt.UTC)  # no request: now
        with pytest.raises(DeadlinePassed):
            services.submit(a, "ent_changsha")
        db.session.rollback()
        a = db.session.get(Application, app_id)
        services.submit(a, "ent_changsha", at=JUST_BEFORE)
        db.session.commit()
        assert clock.aware(db.session.get(Application, app_id).submitted_at) == JUST_BEFORE.astimezone(dt.UTC)


def test_upload_then_submit_under_a_slow_commit_is_whole(hunan):
    """An applicant uploads a PDF at 23:59:59.5 whose commit takes until 23:59:59.8, then submits at 23:59:59.9 and
    that commit ends after midnight: the saved values, the file, its row and the audit rows are all there."""
    world = build_world(hunan, units=("changsha",))
    app_id = _ready_draft(hunan, world)
    with hunan.app_context():
        section = min(evidence_service.allowed_sections(db.session.get(Application, app_id)))
        engine = db.engine
    finish = []
    with time_machine.travel(JUST_BEFORE - dt.timedelta(milliseconds=400), tick=False) as traveller:
        client = world.client("applicant_changsha")

        def slow_commit(conn):  # a commit ends when the test says (each request's later than its arrival)
            if finish and clock.real_now() < finish[0]:
                traveller.move_to(finish[0])
        event.listen(engine, "commit", slow_commit)
        try:
            data = pdf(3)
            finish.append(JUST_BEFORE - dt.timedelta(milliseconds=100))
            r = client.post(f"/applications/{app_id}/evidence",
                            data={"section": section, "file": (io.BytesIO(data), "佐证.pdf")},
                            content_type="multipart/form-data")
            assert r.status_code == 302 and "/edit" in r.location, (r.status_code, r.location)
            traveller.move_to(JUST_BEFORE)  # the submission arrives before midnight; its commit ends after
            finish[0] = FINISHED
            r = client.post(f"/applications/{app_id}/submit", data={"confirm": "y"})
            assert r.status_code == 302 and r.location.endswith(f"/applications/{app_id}"), r.location
        finally:
            event.remove(engine, "commit", slow_commit)
    status, submitted_at, audited = _submitted(hunan, app_id)
    assert status == S.SUBMITTED and submitted_at == JUST_BEFORE.astimezone(dt.UTC) and len(audited) == 1
    with hunan.app_context():
        a = db.session.get(Application, app_id)
        assert a.contact_name == "王五" and a.contact_phone == "13800000000"  # the saved values
        rows = db.session.scalars(select(Evidence).where(Evidence.application_id == app_id)).all()
        assert len(rows) == 1 and evidence_service.read(rows[0]) == data  # the file, whole
        uploaded = db.session.scalar(select(AuditLog).where(AuditLog.action == "evidence.uploaded",
                                                            AuditLog.object_id == str(app_id)))
        assert uploaded is not None and uploaded.data["sha256"] == rows[0].sha256


def test_a_failed_commit_leaves_no_half_written_submission(hunan, database_url):
    """The commit of a submission fails (the database goes away at that moment): the application stays a draft with
    its saved values, with no submission audited; submitting again then works."""
    if database_url.startswith("sqlite"):
        pytest.skip("simulated by a listener that raises before COMMIT, which leaves pysqlite's transaction open on "
                    "the pooled connection; PostgreSQL, the production database, is the one this is about")
    world = build_world(hunan, units=("changsha",))
    app_id = _ready_draft(hunan, world)
    with hunan.app_context():
        engine = db.engine

    def broken(conn):
        raise RuntimeError("the database went away")
    with time_machine.travel(JUST_BEFORE - dt.timedelta(hours=1), tick=False):
        client = world.client("applicant_changsha")
        event.listen(engine, "commit", broken)
        try:
            r = client.post(f"/applications/{app_id}/submit", data={"confirm": "y"})
            assert r.status_code == 500  # the error page: nothing said to be submitted
        finally:
            event.remove(engine, "commit", broken)
        status, submitted_at, audited = _submitted(hunan, app_id)
        assert status == S.DRAFT and submitted_at is None and audited == []
        with hunan.app_context():
            assert db.session.get(Application, app_id).contact_name == "王五"
        r = client.post(f"/applications/{app_id}/submit", data={"confirm": "y"})
        assert r.status_code == 302 and r.location.endswith(f"/applications/{app_id}"), r.location
    assert _submitted(hunan, app_id)[0] == S.SUBMITTED


def test_a_training_instance_judges_the_arrival_on_its_own_clock(make_app):
    """On a training instance (issue 42) moved 3 days ahead, a request's arrival is the real arrival plus 3 days,
    however long the request then takes."""
    from core.services import training_clock

    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_TRAINING=True)
    real = dt.datetime(2025, 12, 28, 23, 59, 59, 900000, tzinfo=SHANGHAI)
    with time_machine.travel(real, tick=False) as traveller:
        with app.app_context():
            training_clock.move_to(real.date() + dt.timedelta(days=3), "admin_user")
            db.session.commit()
        # what the outermost WSGI layer (core.clock.install) notes as the request comes in
        with app.test_request_context(environ_base={"greenmfg.arrived": time.time()}):
            traveller.move_to(real + dt.timedelta(seconds=2))
            assert clock.arrival() == (real + dt.timedelta(days=3)).astimezone(dt.UTC)
            assert clock.now() == (real + dt.timedelta(days=3, seconds=2)).astimezone(dt.UTC)
