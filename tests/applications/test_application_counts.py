"""The counts the home pages, the campaigns and a round's cities show come from ``application_count``, which the
database's triggers keep in the transaction that changes an application (issue 57, migration 0052): after
applications are made, submitted, returned, resubmitted, recommended, withdrawn, rejected, deleted, moved by a
bulk statement and written by the summary import's bulk insert (COPY on PostgreSQL), every counter equals a plain
COUNT over ``application``, and so does every figure the pages show. The migration counts the rows already there.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from app_world import QUOTA_PLUGIN, build_world, open_campaign
from sqlalchemy import delete, func, select, update

from core.extensions import db
from core.models import Application, Campaign, Organization
from core.models import ApplicationStatus as S
from core.models.counters import ApplicationCount

#: SQL that differs between the two databases (tests/conftest.py BOTH): triggers, upserts, COPY: run on SQLite too
pytestmark = pytest.mark.both_databases


def _counted() -> dict[tuple[int, int, str], int]:
    """What a plain COUNT over the applications gives, by round, city and status."""
    rows = db.session.execute(select(Application.campaign_id, Application.admin_unit_id, Application.status,
                                     func.count()).group_by(Application.campaign_id, Application.admin_unit_id,
                                                            Application.status)).all()
    return {(c, u, str(s)): n for c, u, s, n in rows}


def _kept() -> dict[tuple[int, int, str], int]:
    """What the counters hold (a row left at 0 counts nothing)."""
    return {(r.campaign_id, r.admin_unit_id, r.status): r.n for r in db.session.scalars(select(ApplicationCount))
            if r.n}


def _assert_counts_right() -> None:
    db.session.expire_all()
    assert _kept() == _counted()


def _round(app, world, campaign_id: int, unit: str, login: str, submitted: int, drafts: int,
           ready: int = 0) -> list[int]:
    """``submitted`` applications of ``unit`` filled in and submitted through the services, ``ready`` filled in
    and left to submit, then ``drafts`` started only; their ids, in that order."""
    from app_world import PASSWORD, make_uscc

    from core.accounts import services as accounts
    from core.applications import services
    from core.models import Role
    from core.plugins.types import Level

    ids = []
    with app.app_context():
        rules = app.extensions["greenmfg"].rules
        campaign = db.session.get(Campaign, campaign_id)
        declared = {i.code: True for i in rules.negative_list_for("factory", Level(campaign.level), campaign.year)}
        for n in range(submitted + ready + drafts):
            org = Organization(uscc=make_uscc(), name=f"{login}{n}有限公司", admin_unit_id=world.units[unit])
            db.session.add(org)
            db.session.flush()
            user = accounts.create_user(username=f"{login}{n}", password=PASSWORD, display_name="x",
                                        role=Role.APPLICANT, actor="t", organization_id=org.id)
            a = services.start_application(user, campaign, "factory")
            if n < submitted + ready:
                services.save_draft(a, {"contact_name": "王", "contact_phone": "13800000000",
                                        "declarations": declared}, user.username)
            if n < submitted:
                services.submit(a, user.username)
            ids.append(a.id)
        db.session.commit()
    return ids


@pytest.fixture
def rounds(make_app):
    """Two rounds, two cities, applications in several statuses, every move made through the services."""
    from core.applications import services
    from core.kernel import uow

    app = make_app("hunan", GREENMFG_EXTRA_PLUGINS=[QUOTA_PLUGIN], WTF_CSRF_ENABLED=False)
    world = build_world(app)
    city_round, second = open_campaign(app, level="city"), open_campaign(app, level="city", days=20)
    changsha = _round(app, world, city_round, "changsha", "cs", submitted=8, drafts=2)
    zhuzhou = _round(app, world, city_round, "zhuzhou", "zz", submitted=3, drafts=1)
    other = _round(app, world, second, "changsha", "pv", submitted=2, drafts=1)
    with app.app_context():
        _assert_counts_right()
        def get(app_id: int) -> Application:
            return db.session.get(Application, app_id)

        until = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
        services.return_for_correction(get(changsha[0]), "补充材料", until, "city_changsha")
        services.return_for_correction(get(changsha[1]), "补充材料", until, "city_changsha")
        uow.commit()
        services.submit(get(changsha[1]), "cs1")  # resubmitted after its return
        services.recommend(get(changsha[2]), "city_changsha", acknowledge_warnings=True)
        services.recommend(get(changsha[3]), "city_changsha", acknowledge_warnings=True)
        services.recommend(get(zhuzhou[0]), "city_zhuzhou", acknowledge_warnings=True)
        uow.commit()
        services.withdraw_recommendation(get(changsha[3]), "重新审核", "city_changsha")
        services.reject(get(zhuzhou[1]), "不符合条件", "city_zhuzhou")
        uow.commit()
        _assert_counts_right()
        db.session.delete(get(changsha[-1]))  # a draft deleted (no service deletes one; the trigger follows)
        db.session.commit()
        _assert_counts_right()
    return app, world, {"city": city_round, "second": second}, changsha, zhuzhou, other


def test_counters_follow_every_change_made_through_the_services(rounds):
    app, world, campaigns, *_ = rounds
    with app.app_context():
        kept = _kept()
        c, cs, zz = campaigns["city"], world.units["changsha"], world.units["zhuzhou"]
        # 8 submitted, 2 returned (1 resubmitted), 2 recommended (1 withdrawn), 2 drafts (1 deleted)
        assert kept[(c, cs, "submitted")] == 6 and kept[(c, cs, "returned")] == 1
        assert kept[(c, cs, "city_recommended")] == 1 and kept[(c, cs, "draft")] == 1
        assert kept[(c, zz, "submitted")] == 1 and kept[(c, zz, "city_recommended")] == 1
        assert kept[(c, zz, "rejected")] == 1 and kept[(c, zz, "draft")] == 1
        assert kept[(campaigns["second"], cs, "submitted")] == 2


def test_bulk_statements_and_the_imports_bulk_insert_keep_the_counters(rounds):
    from core.services.bulk_writes import insert_rows, update_rows

    app, world, campaigns, _changsha, _zhuzhou, other = rounds
    with app.app_context():
        c, cs, zz = campaigns["city"], world.units["changsha"], world.units["zhuzhou"]
        # one UPDATE statement over many rows (every submitted application of Changsha's round returned)
        db.session.execute(update(Application).where(Application.campaign_id == c, Application.admin_unit_id == cs,
                                                     Application.status == S.SUBMITTED).values(status=S.RETURNED))
        # an application moved to another city and round at once
        db.session.execute(update(Application).where(Application.id == other[0])
                           .values(admin_unit_id=zz, campaign_id=c))
        db.session.commit()
        _assert_counts_right()
        # the row of a key none is left in stays, at 0 (what _kept leaves out, as the pages do)
        assert db.session.get(ApplicationCount, (c, cs, "submitted")).n == 0
        # the summary import's writer: new drafts in one bulk insert (COPY on PostgreSQL, executemany on SQLite),
        # changed ones in one executemany UPDATE (here their status)
        from app_world import make_uscc

        now = dt.datetime.now(dt.UTC)
        orgs = [{"uscc": make_uscc(), "name": f"导入{n}有限公司", "admin_unit_id": zz, "created_at": now,
                 "updated_at": now} for n in range(5)]
        insert_rows(Organization.__table__, orgs)
        org_ids = db.session.scalars(select(Organization.id).where(Organization.name.like("导入%"))).all()
        insert_rows(Application.__table__, [
            {"campaign_id": c, "organization_id": o, "admin_unit_id": zz, "unit_type": "factory", "level": "city",
             "status": "draft" if k % 2 else "submitted", "indicator_values": {}, "extension_data": {},
             "requested_levels": [], "declarations": {}, "created_at": now, "updated_at": now}
            for k, o in enumerate(org_ids)])
        db.session.commit()
        _assert_counts_right()
        imported = db.session.execute(select(Application.id, Application.version).where(
            Application.organization_id.in_(org_ids), Application.status == S.DRAFT)).all()
        update_rows(Application.__table__, ("id", "version"),
                    [((i, v), {"status": "submitted", "version": v + 1}) for i, v in imported])
        db.session.commit()
        _assert_counts_right()
        # and one DELETE statement over many rows
        db.session.execute(delete(Application).where(Application.organization_id.in_(org_ids)))
        db.session.commit()
        _assert_counts_right()
        # a change rolled back leaves the counters as they were
        before = _kept()
        db.session.execute(update(Application).where(Application.campaign_id == c).values(status=S.LISTED))
        db.session.rollback()
        assert _kept() == before


def test_the_pages_figures_equal_a_plain_count(rounds):
    from core.applications import city_recommendation, todo
    from core.applications.city_recommendation import RECOMMENDED
    from core.clock import now
    from core.models import User
    from core.review import todo as review_todo

    app, world, campaigns, *_ = rounds
    with app.test_request_context("/"):
        counted = _counted()
        province = db.session.get(User, world.users["province"].id)
        items = {i.url.rsplit("/", 1)[-1]: i for i in todo.province_items(province, now())}
        for campaign_id in campaigns.values():
            shown = sum(n for (c, _u, s), n in counted.items() if c == campaign_id and s != "draft")
            assert items[str(campaign_id)].count == shown
        # the city's queue: 6 submitted in Changsha's city round and 2 in the second round, 5 shown
        city = db.session.get(User, world.users["city_changsha"].id)
        waiting = sum(n for (_c, u, s), n in counted.items() if u == world.units["changsha"] and s == "submitted")
        assert waiting == 8
        assert [i.count for i in todo.city_items(city, now()) if i.count == waiting]
        # the province's panels: recommended by the cities, in the region's rounds
        panels = review_todo.panel_items(province, now())
        recommended = sum(n for (_c, _u, s), n in counted.items() if s == "city_recommended")
        assert [i.count for i in panels] == [recommended] == [2]
        # the round's cities: how many each recommended
        campaign = db.session.get(Campaign, campaigns["city"])
        by_city = {r["unit"].id: r["recommended"] for r in city_recommendation.round_files(campaign)}
        assert by_city == {u: sum(n for (c, uu, s), n in counted.items() if c == campaign.id and uu == u
                                  and s in {x.value for x in RECOMMENDED})
                           for u in (world.units["changsha"], world.units["zhuzhou"])} == {
            world.units["changsha"]: 1, world.units["zhuzhou"]: 1}
    # /province/campaigns: each round's applications, of every status
    client = world.client("province")
    html = client.get("/province/campaigns").get_data(as_text=True)
    with app.app_context():
        for campaign_id in campaigns.values():
            row = re.search(rf'href="/province/campaigns/{campaign_id}".*?</tr>', html, re.DOTALL).group(0)
            total = sum(n for (c, _u, _s), n in _counted().items() if c == campaign_id)
            assert re.search(r"<td>(\d+)</td></tr>$", row).group(1) == str(total), row


def test_the_migration_counts_the_applications_already_there(rounds):
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from core.extensions import init_migrate

    app, *_ = rounds
    init_migrate(app)
    with app.app_context():
        counted = _counted()
        db.session.remove()
        downgrade(revision="0051_recommended_order")
        assert not sa.inspect(db.engine).has_table("application_count")
        upgrade()
        assert _kept() == counted
        # and the triggers are back
        db.session.execute(update(Application).values(status=S.WITHDRAWN))
        db.session.commit()
        _assert_counts_right()


def test_the_triggers_take_the_audit_logs_append_lock():
    """The PostgreSQL triggers take the lock every audited change takes (core.services.audit_chain), so that
    counter rows are never waited on in two orders (migration 0052's docstring)."""
    import importlib.util
    from pathlib import Path

    from core.extensions import MIGRATIONS_DIR
    from core.services import audit_chain

    spec = importlib.util.spec_from_file_location(
        "migration_0052", Path(MIGRATIONS_DIR) / "versions" / "0052_application_counts.py")
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.LOCK_KEY == audit_chain.LOCK_KEY
    assert all(f"pg_advisory_xact_lock({audit_chain.LOCK_KEY})" in body for body in migration.PG_FUNCTIONS.values())
