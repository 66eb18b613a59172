"""City recommendations racing in separate processes never exceed the quota nor count one twice.

The quota place is taken with an atomic conditional UPDATE in the same transaction as the status
change; the application's version column refuses a second, concurrent recommendation of the
same application (its place is rolled back with it).
"""
from __future__ import annotations

import pytest
import multiprocessing

from app_world import PASSWORD, QUOTA_PLUGIN, build_world, make_uscc, open_campaign, submitted_applications
from sqlalchemy import func, select

from core.kernel import uow

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases


def _worker(url, ids, barrier, results):
    from core import create_app
    from core.applications import services
    from core.errors import LimitReached, Refused
    from core.extensions import db
    from core.models import Application

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t", "GREENMFG_RULES_YEAR": 2025,
                      "GREENMFG_REGION": "hunan", "GREENMFG_EXTRA_PLUGINS": [QUOTA_PLUGIN]})
    outcome = {"ok": 0, "full": 0, "refused": 0}
    with app.app_context():
        barrier.wait(timeout=60)
        for app_id in ids:
            application = db.session.get(Application, app_id)
            try:
                services.recommend(application, "race", acknowledge_warnings=True)
                uow.commit()
                outcome["ok"] += 1
            except LimitReached:
                db.session.rollback()
                outcome["full"] += 1
            except Refused:
                db.session.rollback()
                outcome["refused"] += 1
            db.session.expire_all()
        results.put(outcome)
        db.engine.dispose()


def test_concurrent_recommendations_respect_the_quota(make_app, database_url):
    app = make_app("hunan", GREENMFG_EXTRA_PLUGINS=[QUOTA_PLUGIN])
    world = build_world(app, units=("changsha",))
    campaign_id = open_campaign(app, level="city")
    from core.extensions import db
    from core.models import Application, LimitCounter

    ids = submitted_applications(app, world, campaign_id, 5)
    with app.app_context():
        db.engine.dispose()  # no connection shared with the processes

    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(3), ctx.Queue()
    # every process tries every application, in a different order
    orders = [ids, ids[::-1], ids[2:] + ids[:2]]
    procs = [ctx.Process(target=_worker, args=(database_url, order, barrier, results)) for order in orders]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert sum(o["ok"] for o in outcomes) == 3
    with app.app_context():
        statuses = db.session.execute(select(Application.status, func.count()).group_by(Application.status)).all()
        assert {s.value: n for s, n in statuses} == {"city_recommended": 3, "submitted": 2}
        assert db.session.scalar(select(LimitCounter.used).where(LimitCounter.key.like("quota:%"))) == 3


def test_applicants_submitting_at_once_are_all_submitted(make_app, tmp_path):
    """Twelve applicants submit at the same moment through the JSON API, each request in its own thread of one
    process (as the demo's server and a threaded worker serve them): every submission is accepted and the audit log
    verifies. On SQLite, two submissions could read the same last audit entry and take the same id for theirs; the
    second was then answered 409, "This conflicts with data saved at the same time" (35 of 48 in a probe before the
    fix, core/services/audit_chain.py)."""
    import threading

    from core.accounts import services as accounts
    from core.applications import services
    from core.extensions import db
    from core.models import Application, Campaign, Organization, Role
    from core.services import audit_chain

    # the log's anchors are the test's own: an instance folder that earlier tests share holds anchors of theirs
    app = make_app("hunan", GREENMFG_AUDIT_ANCHOR_DIR=str(tmp_path / "anchors"))
    world = build_world(app, units=("changsha",))
    campaign_id = open_campaign(app, level="city")
    drafts = []
    with app.app_context():
        rules = app.extensions["greenmfg"].rules
        campaign = db.session.get(Campaign, campaign_id)
        for n in range(12):
            org = Organization(uscc=make_uscc(), name=f"同时提交测试{n}有限公司", admin_unit_id=world.units["changsha"])
            db.session.add(org)
            db.session.flush()
            user = accounts.create_user(username=f"at_once{n}", password=PASSWORD, display_name=org.name,
                                        role=Role.APPLICANT, actor="test", organization_id=org.id)
            a = services.start_application(user, campaign, "factory")
            services.save_draft(a, {"contact_name": "王", "contact_phone": "13800000000", "declarations": {
                i.code: True for i in rules.negative_list_for("factory", campaign.level)}}, user.username)
            drafts.append((a.id, accounts.create_token(user, "test")[0]))
        db.session.commit()
        db.session.remove()

    barrier, answers = threading.Barrier(len(drafts)), {}

    def submit(app_id: int, token: str) -> None:
        client = app.test_client()
        barrier.wait(timeout=60)
        r = client.post(f"/api/v1/applications/{app_id}/submit", headers={"Authorization": f"Bearer {token}"})
        answers[app_id] = (r.status_code, r.get_json())

    threads = [threading.Thread(target=submit, args=draft) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    refused = {k: v for k, v in answers.items() if v[0] != 200}
    assert len(answers) == len(drafts) and refused == {}
    with app.app_context():
        statuses = db.session.scalars(select(Application.status).where(Application.id.in_([d[0] for d in drafts])))
        assert {s.value for s in statuses} == {"submitted"}
        assert audit_chain.verify().ok
