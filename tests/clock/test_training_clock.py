"""A training instance with its own clock (issue 42).

A deployer starts a training instance (GREENMFG_TRAINING); a production instance refuses to start so. Every page
of a training instance carries a banner in both languages naming its date; an administrator moves the date forward
(web page, JSON API, ``greenmfg clock set``), audited, and every service reads it: here an applicants' deadline
passes (the campaign leaves the applicant's page, a draft is refused) after the clock moves past it, and the
province's notice period ends. An instance that is not a training instance refuses to move its clock.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from helpers import with_tag
from sqlalchemy import select

from core.accounts import services as accounts
from core.cli.clock_cmd import clock_group
from core.config import ConfigurationError
from core.extensions import db
from core import clock
from core.clock import SHANGHAI, end_of_day
from core.models import AdminUnit, AuditLog, Campaign, Organization, Role, User
from core.services.admin_units import sync_admin_units

PASSWORD = "培训时钟测试口令-2026-绿色工厂"


def _real_today() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


def _world(make_app, training: bool = True):
    """A Hunan instance (training or not) with an administrator, province staff, and an applicant whose campaign
    closes ten days after the real date."""
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_TRAINING=training)
    with app.app_context():
        sync_admin_units("test")
        city = db.session.scalar(select(AdminUnit).where(AdminUnit.code == "hunan.changsha"))
        org = Organization(uscc="91430100MA4L000017", name="长沙培训演示有限公司", admin_unit_id=city.id)
        db.session.add(org)
        db.session.flush()
        accounts.create_user(username="admin1", password=PASSWORD, display_name="管理员", role=Role.ADMIN,
                             actor="test")
        accounts.create_user(username="ent1", password=PASSWORD, display_name="长沙培训演示有限公司",
                             role=Role.APPLICANT, actor="test", organization_id=org.id)
        today = _real_today()
        db.session.add(Campaign(region="hunan", year=today.year, level="provincial", title="培训演示申报批次",
                                unit_types=["factory"], opens_at=end_of_day(today - dt.timedelta(days=5)),
                                closes_at=end_of_day(today + dt.timedelta(days=10)), deadlines={},
                                deadline_reasons={}))
        db.session.commit()
    return app


def _login(client, username: str) -> None:
    r = client.post("/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]


def _token(app, username: str) -> str:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        token, _ = accounts.create_token(user, "clock test", days=30)
        db.session.commit()
    return token


def test_production_instance_refuses_training_mode(make_app):
    with pytest.raises(ConfigurationError) as refused:
        make_app("hunan", GREENMFG_PRODUCTION=True, GREENMFG_HTTPS=True, GREENMFG_TRAINING=True)
    message = str(refused.value)
    assert "生产实例不能以培训模式运行" in message and "GREENMFG_TRAINING" in message
    assert "production instance cannot be a training instance" in message


def test_every_page_of_a_training_instance_carries_the_banner(make_app):
    app = _world(make_app, training=True)
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    assert 'id="training-banner"' in page
    assert "培训实例" in page and "Training instance" in page and _real_today().isoformat() in page
    _login(client, "ent1")
    assert 'id="training-banner"' in client.get("/applications").get_data(as_text=True)
    plain = _world_plain(make_app)
    assert 'id="training-banner"' not in plain.test_client().get("/").get_data(as_text=True)


def _world_plain(make_app):
    return make_app("hubei", WTF_CSRF_ENABLED=False)


def test_admin_moves_the_clock_on_the_web_and_the_deadline_passes(make_app):
    app = _world(make_app, training=True)
    ent, admin = app.test_client(), app.test_client()
    _login(ent, "ent1")
    _login(admin, "admin1")
    assert "培训演示申报批次" in ent.get("/applications").get_data(as_text=True)  # open: ten days left

    page = admin.get("/admin/clock").get_data(as_text=True)
    assert 'id="clock-form"' in page and _real_today().isoformat() in page
    later = _real_today() + dt.timedelta(days=11)
    r = admin.post("/admin/clock", data={"day": later.isoformat(), "note": "看申报截止之后"}, follow_redirects=True)
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert f'<dd id="instance-date">{later.isoformat()}</dd>' in page and "看申报截止之后" in page

    # every page reads the moved date: the banner names it, the campaign's deadline has passed
    mine = ent.get("/applications").get_data(as_text=True)
    assert later.isoformat() in re.search(r'id="training-banner".*?</div>', mine, re.DOTALL).group(0)
    assert "培训演示申报批次" not in mine
    with app.app_context():
        campaign_id = db.session.scalar(select(Campaign.id))
    r = ent.post("/applications/start", data={"campaign_id": campaign_id, "unit_type": "factory"})
    assert r.status_code == 409
    with app.app_context():
        move = db.session.scalar(select(AuditLog).where(AuditLog.action == "clock.moved"))
        assert move.actor == "admin1" and move.data["after"] == later.isoformat()
        assert move.data["before"] == _real_today().isoformat() and move.data["offset_days"] == 11

    # only forward
    r = admin.post("/admin/clock", data={"day": _real_today().isoformat()})
    assert r.status_code == 422 and "只能向后调整" in r.get_data(as_text=True)


def test_clock_moves_through_the_api_and_the_services_read_it(make_app):
    app = _world(make_app, training=True)
    admin, ent = _token(app, "admin1"), _token(app, "ent1")
    client = app.test_client()
    with app.app_context():
        campaign_id = db.session.scalar(select(Campaign.id))
    r = client.get("/api/v1/clock")
    assert r.status_code == 200 and r.get_json()["training"] is True and r.get_json()["offset_days"] == 0
    r = with_tag(client, "put", "/api/v1/clock", json={"day": (_real_today() + dt.timedelta(days=3)).isoformat()},
                   headers={"Authorization": f"Bearer {ent}"})
    assert r.status_code == 403
    r = with_tag(client, "put", "/api/v1/clock", json={"day": (_real_today() + dt.timedelta(days=30)).isoformat(),
                                          "note": "公示期满"}, headers={"Authorization": f"Bearer {admin}"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["today"] == (_real_today() + dt.timedelta(days=30)).isoformat()
    r = client.post("/api/v1/applications", json={"campaign_id": campaign_id, "unit_type": "factory"},
                    headers={"Authorization": f"Bearer {ent}"})
    assert r.status_code == 409 and r.get_json()["code"] == "deadline_passed"
    r = with_tag(client, "put", "/api/v1/clock", json={"day": (_real_today() + dt.timedelta(days=29)).isoformat()},
                   headers={"Authorization": f"Bearer {admin}"})
    assert r.status_code == 422 and "forward" in str(r.get_json())
    with app.app_context():
        assert clock.today() == _real_today() + dt.timedelta(days=30)  # a new context reads the stored offset


def test_a_job_worker_and_the_cli_read_the_same_clock(make_app):
    app = _world(make_app, training=True)
    runner = app.test_cli_runner()
    r = runner.invoke(clock_group, ["set", (_real_today() + dt.timedelta(days=7)).isoformat(), "--note", "培训"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(clock_group, ["show"])
    assert (_real_today() + dt.timedelta(days=7)).isoformat() in r.output and "7" in r.output
    with app.app_context():  # a job's application context
        assert clock.today() == _real_today() + dt.timedelta(days=7)
        assert clock.now() - clock.real_now() >= dt.timedelta(days=7) - dt.timedelta(seconds=1)
    r = runner.invoke(clock_group, ["set", _real_today().isoformat()])
    assert r.exit_code != 0 and "只能向后调整" in r.output and "only moves forward" in r.output


def test_an_instance_that_is_not_a_training_instance_refuses_to_move_its_clock(make_app):
    app = _world(make_app, training=False)
    admin = _token(app, "admin1")
    later = (_real_today() + dt.timedelta(days=30)).isoformat()
    r = with_tag(app.test_client(), "put", "/api/v1/clock", json={"day": later}, headers={"Authorization": f"Bearer {admin}"})
    assert r.status_code == 409
    body = r.get_json()
    assert "不是培训实例" in body["message_zh"] and "not a training instance" in body["message_en"]
    r = app.test_cli_runner().invoke(clock_group, ["set", later])
    assert r.exit_code != 0 and "不是培训实例" in r.output and "not a training instance" in r.output
    web = app.test_client()
    _login(web, "admin1")
    page = web.get("/admin/clock").get_data(as_text=True)
    assert 'id="not-training"' in page and 'id="clock-form"' not in page
    r = web.post("/admin/clock", data={"day": later})
    assert r.status_code == 409
    with app.app_context():
        assert clock.today() == _real_today()
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "clock.moved")) is None


def test_a_training_instance_starts_without_a_rules_year(make_app):
    """Start-up reads the year (GREENMFG_RULES_YEAR unset) before the database is set up: the real date serves."""
    app = make_app("hunan", GREENMFG_TRAINING=True, GREENMFG_RULES_YEAR=None)
    with app.app_context():
        assert clock.today() == _real_today()
