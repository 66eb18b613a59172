"""Kept list pages (issue 23, core/web/pagecache.py): the same visitor asking the same list again is answered from
Redis without a statement to the database, and never after anything it shows changed, from this process or
another, nor after the visitor's session ended.

Redis database 14 (other test modules use 11-13); each test's keys carry an instance name of its own."""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "applications"))  # app_world.py
from app_world import build_world, make_uscc, open_campaign  # noqa: E402
from helpers import redis_client  # noqa: E402

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

REDIS = "redis://127.0.0.1:6379/14"


@pytest.fixture
def world(make_app, tmp_path, monkeypatch):
    # a loaded machine may take more than a minute between a test's log-in and its last request: the session's
    # once-a-minute "seen" mark and the pages' 60 s would then make a page afresh where the test expects it kept
    monkeypatch.setattr("core.accounts.sessions.REFRESH_SECONDS", 3600)
    # an instance of its own: on PostgreSQL every test uses one database, hence one generation key, and a pooled
    # connection of an earlier test that wrote, collected late, would count as a change to this test's pages
    redis_client(REDIS)  # skips without Redis
    instance = f"page-cache-{uuid.uuid4().hex[:12]}"
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"),
                   GREENMFG_PAGE_CACHE="redis", GREENMFG_REDIS_URL=REDIS, GREENMFG_PAGE_CACHE_SECONDS=3600,
                   GREENMFG_INSTANCE_NAME=instance,
                   # nor may a slow answer from Redis (0.25 s by default) count as Redis down, with pages made
                   GREENMFG_PAGE_CACHE_REDIS_TIMEOUT=5)
    world = build_world(app)
    world.instance = instance
    world.campaign_id = open_campaign(app, level="provincial", unit_types=("factory", "park"))
    world.application = _application(app, world, "长沙保留页测试有限公司")
    gc.collect()  # the same for this world's own connections: each goes back to the pool before a page is kept
    yield world
    # only this test's keys go: a test of this file on another worker (pytest -n without --dist loadfile) keeps its own
    client = redis_client(REDIS)
    for key in client.scan_iter(match=f"greenmfg:{instance}:*", count=1000):
        client.delete(key)


def _application(app, world, name: str) -> int:
    from core.extensions import db
    from core.clock import now
    from core.models import Application, Organization

    with app.app_context():
        at = now()
        org = Organization(uscc=make_uscc(), name=name, admin_unit_id=world.units["changsha"])
        db.session.add(org)
        db.session.flush()
        row = Application(campaign_id=world.campaign_id, organization_id=org.id, admin_unit_id=world.units["changsha"],
                          unit_type="factory", level="provincial", evaluation_mode="self", status="submitted",
                          indicator_values={}, extension_data={}, requested_levels=["provincial"], declarations={},
                          version=1, score=Decimal("71.5"), submitted_at=at)
        db.session.add(row)
        db.session.commit()
        return row.id


@contextlib.contextmanager
def statements(app):
    from core.extensions import db

    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


def _rename(app, application_id: int, name: str) -> None:
    from core.extensions import db
    from core.models import Application, Organization

    with app.app_context():
        org_id = db.session.get(Application, application_id).organization_id
        db.session.execute(sa.update(Organization).where(Organization.id == org_id).values(name=name))
        db.session.commit()


def test_the_same_list_asked_again_is_answered_without_the_database_until_what_it_shows_changes(world):
    client = world.client("city_changsha")
    first = client.get("/city")
    assert first.status_code == 200 and "长沙保留页测试有限公司" in first.get_data(as_text=True)
    with statements(world.app) as seen:
        again = client.get("/city")
    assert again.status_code == 200 and seen == []
    assert again.get_data() == first.get_data()
    assert again.headers["Cache-Control"] == "no-store"  # still never kept by the browser
    assert again.headers["Content-Security-Policy"]
    _rename(world.app, world.application, "长沙改名后有限公司")
    with statements(world.app) as seen:
        changed = client.get("/city")
    assert seen, "a page kept from before the change was served"
    assert "长沙改名后有限公司" in changed.get_data(as_text=True)
    assert "长沙保留页测试有限公司" not in changed.get_data(as_text=True)


def test_a_change_made_by_another_process_ends_the_kept_page_too(world, make_app):
    """Another web worker, a job worker or a command: its own app on the same database and Redis."""
    other = make_app("hunan", GREENMFG_PAGE_CACHE="redis", GREENMFG_REDIS_URL=REDIS, GREENMFG_PAGE_CACHE_SECONDS=3600,
                     GREENMFG_INSTANCE_NAME=world.instance)
    client = world.client("city_changsha")
    client.get("/city")
    _rename(other, world.application, "另一进程改名有限公司")
    assert "另一进程改名有限公司" in client.get("/city").get_data(as_text=True)


def test_a_change_rolled_back_or_shown_nowhere_keeps_the_page(world):
    from core.extensions import db
    from core.kernel.changes import NEUTRAL
    from core.models import Organization, WebSession

    client = world.client("city_changsha")
    client.get("/city")
    with world.app.app_context():
        db.session.execute(sa.update(Organization).values(name="回滚的名称"))
        db.session.rollback()
        db.session.execute(sa.update(WebSession).values(agent="x").execution_options(**NEUTRAL))
        db.session.commit()
    with statements(world.app) as seen:
        client.get("/city")
    assert seen == []


def test_each_session_has_its_own_pages_and_anonymous_visitors_share_theirs(world):
    changsha, zhuzhou = world.client("city_changsha"), world.client("city_zhuzhou")
    assert "长沙保留页测试有限公司" in changsha.get("/city").get_data(as_text=True)
    with statements(world.app) as seen:
        other_city = zhuzhou.get("/city").get_data(as_text=True)
    assert seen and "长沙保留页测试有限公司" not in other_city
    with statements(world.app) as seen:
        second_login = world.client("city_changsha").get("/city")  # a second session of the same user
    assert seen and second_login.status_code == 200
    world.client().get("/public/lists")
    with statements(world.app) as seen:
        assert world.client().get("/public/lists").status_code == 200
    assert seen == []
    with statements(world.app) as seen:  # the language is part of the address
        english = world.client().get("/public/lists?lang=en")
    assert seen and english.status_code == 200


def test_an_anonymous_page_made_for_a_visitor_with_a_session_is_not_shared(world):
    """A visitor who logged out still has a session (its form token): a page made for them could hold it."""
    visitor = world.client("city_changsha")
    visitor.post("/logout")
    with visitor.session_transaction() as session:
        session["csrf_token"] = "a-visitors-own-secret"
    assert visitor.get("/public/lists").status_code == 200
    with statements(world.app) as seen:
        assert world.client().get("/public/lists").status_code == 200  # a visitor without a session
    assert seen, "a page made for a visitor with a session was shared"
    with statements(world.app) as seen:
        assert visitor.get("/public/lists").status_code == 200  # the shared page holds nobody's token
    assert seen == []


def test_the_same_page_under_another_address_is_made_for_it(world):
    """Links follow the address the page was asked at (a proxy's path prefix, another host name)."""
    client = world.client("city_changsha")
    assert 'href="/gm/rules"' in client.get("/city", base_url="http://localhost/gm").get_data(as_text=True)
    direct = client.get("/city").get_data(as_text=True)
    assert 'href="/rules"' in direct and "/gm/" not in direct
    assert "//intranet.example/" not in client.get("/city", base_url="https://intranet.example").get_data(as_text=True)


def test_a_kept_page_is_never_shown_after_its_session_ended(world):
    from core.accounts import sessions
    from core.extensions import db
    from core.models import User

    client = world.client("city_changsha")
    client.get("/city")
    client.post("/logout")
    after = client.get("/city")
    assert after.status_code == 302 and "/login" in after.headers["Location"]

    client = world.client("city_changsha")
    client.get("/city")
    with world.app.app_context():  # "log out everywhere" from another browser
        sessions.end_all(db.session.get(User, world.users["city_changsha"].id), "test")
        db.session.commit()
    after = client.get("/city")
    assert after.status_code == 302 and "/login" in after.headers["Location"]


def test_an_idle_session_still_ends_on_time(world):
    import time_machine

    client = world.client("city_changsha")
    client.get("/city")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=31), tick=False):
        after = client.get("/city")
    assert after.status_code == 302 and "/login" in after.headers["Location"]


def test_a_message_shown_once_is_not_kept(world):
    client = world.client("city_changsha")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "只显示一次的消息")]
    assert "只显示一次的消息" in client.get("/city").get_data(as_text=True)
    assert "只显示一次的消息" not in client.get("/city").get_data(as_text=True)
    with statements(world.app) as seen:
        client.get("/city")
    assert seen == []  # the page after the message is kept


def test_an_api_token_has_its_own_answers_and_revoking_it_ends_them(world):
    from core.accounts import services as accounts
    from core.extensions import db
    from core.models import ApiToken, User

    api = world.api("city_changsha")
    assert api.get("/api/v1/applications").status_code == 200
    with statements(world.app) as seen:
        assert api.get("/api/v1/applications").status_code == 200
    assert seen == []
    with world.app.app_context():
        user = db.session.get(User, world.users["city_changsha"].id)
        for token in db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)).all():
            accounts.revoke_token(user, token.id)
        db.session.commit()
    assert api.get("/api/v1/applications").status_code == 401


def test_without_redis_every_page_is_made_as_before(make_app, database_url):
    app = make_app("hunan", GREENMFG_PAGE_CACHE="auto", GREENMFG_REDIS_URL="redis://127.0.0.1:1/0", TESTING=False)
    assert "greenmfg_generation" not in app.extensions
    client = app.test_client()
    assert client.get("/public/lists").status_code == 200
    with statements(app) as seen:
        assert client.get("/public/lists").status_code == 200
    assert seen


def test_redis_stopping_while_running_only_means_pages_are_made_again(world, monkeypatch):
    from core.kernel import changes

    client = world.client("city_changsha")
    client.get("/city")
    shared = changes.generation(world.app)
    monkeypatch.setattr(shared, "_client", __import__("redis").Redis.from_url("redis://127.0.0.1:1/0",
                                                                               socket_connect_timeout=0.1))
    with statements(world.app) as seen:
        assert client.get("/city").status_code == 200
    assert seen
    _rename(world.app, world.application, "停机期间改名有限公司")  # the change is remembered ...
    assert shared._pending
    monkeypatch.setattr(shared, "_client", __import__("redis").Redis.from_url(REDIS))
    monkeypatch.setattr(shared, "_down_until", 0.0)
    assert "停机期间改名有限公司" in client.get("/city").get_data(as_text=True)  # ... and counted when Redis answers
    assert not shared._pending


@pytest.mark.parametrize("statement, writes", [
    ("SELECT 1", False), ("  select * from x for update", False), ("SAVEPOINT sa_1", False),
    ("INSERT INTO x VALUES (1)", True), ("UPDATE x SET a = 1", True), ("DELETE FROM x", True),
    ("WITH t AS (SELECT 1) SELECT * FROM t", False), ("WITH t AS (SELECT 1) UPDATE x SET a = 1", True),
    ("COPY x FROM STDIN", True), ("TRUNCATE x", True),
])
def test_what_counts_as_a_write(statement, writes):
    from core.kernel.changes import is_write

    assert is_write(statement) is writes


def test_a_write_through_the_drivers_cursor_counts_and_a_read_does_not(world):
    """The score store writes through the driver's cursor (core/scoring/store.py): it says so."""
    from core.extensions import db
    from core.kernel import changes

    shared = changes.generation(world.app)
    before = shared.read()[0]
    with world.app.app_context():
        db.session.execute(sa.text("SELECT 1"))
        db.session.commit()
        assert shared.read()[0] == before
        changes.wrote(db.session.connection())
        db.session.commit()
    assert shared.read()[0] == before + 1


def test_workers_started_alike_share_pages_and_another_configuration_makes_its_own(database_url, tmp_path):
    """Each gunicorn worker builds its own app: the pages' key holds a digest of the version and configuration,
    the same in every process started alike (a set in the configuration prints in another order per process)."""
    import subprocess

    from core import create_app

    root = Path(__file__).resolve().parents[2]
    script = ("from core import create_app\n"
              f"app = create_app({{'SECRET_KEY': 't', 'SQLALCHEMY_DATABASE_URI': {database_url!r}, "
              f"'GREENMFG_REGION': 'hunan', 'GREENMFG_PAGE_CACHE': 'redis', 'GREENMFG_REDIS_URL': {REDIS!r}}})\n"
              "print(app.extensions['greenmfg_page_prefix'])\n")
    prefixes = {subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True,
                               timeout=120, check=True).stdout.split()[-1] for _ in range(2)}
    assert len(prefixes) == 1
    other = create_app({"SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": database_url, "GREENMFG_REGION": "hunan",
                        "GREENMFG_PAGE_CACHE": "redis", "GREENMFG_REDIS_URL": REDIS, "HUNAN_REVIEW_DAYS": 9})
    assert other.extensions["greenmfg_page_prefix"] not in prefixes


# ------------------------------------------------ what pages read, remembered while nothing is written --
# core/kernel/memo.py: a page made (another address, a page not kept) takes the user behind its session and the
# city's deadlines from an earlier request of the process while the instance's generation is the same

def _user_reads(seen: list[str]) -> list[str]:
    return [s for s in seen if "user_account" in s and "web_session" in s]


def test_a_new_page_takes_the_signed_in_user_from_the_last_request_until_something_is_written(world):
    client = world.client("city_changsha")
    assert client.get("/city").status_code == 200
    with statements(world.app) as seen:
        other = client.get("/city?status=returned")  # another address: a page made
    assert other.status_code == 200 and seen and _user_reads(seen) == []
    _rename(world.app, world.application, "写入之后有限公司")
    with statements(world.app) as seen:
        assert client.get("/city?status=rejected").status_code == 200
    assert len(_user_reads(seen)) == 1


def test_a_remembered_user_still_ends_with_a_session_ended_elsewhere(world):
    from core.accounts import sessions
    from core.extensions import db
    from core.models import User

    client = world.client("city_changsha")
    client.get("/city")
    assert client.get("/city?status=returned").status_code == 200
    with world.app.app_context():  # "log out everywhere" from another browser
        sessions.end_all(db.session.get(User, world.users["city_changsha"].id), "test")
        db.session.commit()
    after = client.get("/city?status=rejected")
    assert after.status_code == 302 and "/login" in after.headers["Location"]


def test_a_remembered_user_keeps_no_secret_and_reads_it_when_a_page_uses_it(world):
    from core.accounts.remembered import attached, remembered_columns
    from core.extensions import db
    from core.models import User

    assert not {"password_hash", "totp_secret", "recovery_codes"} & set(remembered_columns())
    with world.app.test_request_context("/city"):
        user = db.session.get(User, world.users["city_changsha"].id)
        columns, expected = {key: getattr(user, key) for key in remembered_columns()}, user.password_hash
        db.session.expunge_all()
        with statements(world.app) as seen:
            again = attached(columns)
            assert again.role == user.role and again.admin_unit_id == user.admin_unit_id
        assert seen == []
        with statements(world.app) as seen:
            assert again.password_hash == expected
        assert seen


def test_remembered_values_follow_the_generation_and_never_serve_a_writing_request(world):
    from core.kernel import changes
    from core.kernel.memo import remembered

    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    for method, expected in (("GET", 1), ("GET", 1), ("POST", 2), ("HEAD", 1)):
        with world.app.test_request_context("/city", method=method):
            assert remembered("test", "key", compute) == expected
    changes.generation(world.app).bump()
    with world.app.test_request_context("/city"):
        assert remembered("test", "key", compute) == 3  # another generation: computed again
    with world.app.app_context():  # outside a request (a job, a command): always computed
        assert remembered("test", "key", compute) == 4


def test_a_citys_deadlines_on_a_new_page_show_an_extension_granted_meanwhile(world):
    """Hunan's 2024 round: cities report by 2023-12-05 (seed 000, 二.3); the province extends Changsha's step."""
    import datetime as dt_

    from core.extensions import db
    from core.clock import now
    from core.models import Campaign
    from core.services.deadlines import grant_step_extension

    campaign_id = open_campaign(world.app, level="provincial", year=2024)
    client = world.client("city_changsha")
    first = client.get(f"/city?campaign={campaign_id}").get_data(as_text=True)
    assert "2023-12-05" in first and "特别延期理由" not in first
    with world.app.app_context():
        grant_step_extension(db.session.get(Campaign, campaign_id), world.units["changsha"],
                             "hunan.city_submission", now() + dt_.timedelta(days=30), "特别延期理由",
                             "province_staff")
        db.session.commit()
    assert "特别延期理由" in client.get(f"/city?campaign={campaign_id}&status=returned").get_data(as_text=True)


def test_an_api_token_is_read_once_until_something_is_written_and_its_last_use_at_most_hourly(world):
    import time_machine

    from core.accounts import services as accounts
    from core.extensions import db
    from core.models import ApiToken, User

    api = world.api("city_changsha")
    assert api.get("/api/v1/applications").status_code == 200
    with statements(world.app) as seen:
        assert api.get("/api/v1/applications?status=returned").status_code == 200  # a new answer, made
    assert seen and not [s for s in seen if "api_token" in s]
    mine = sa.select(ApiToken).where(ApiToken.user_id == world.users["city_changsha"].id)
    with world.app.app_context():
        used = {t.id: t.last_used_at for t in db.session.scalars(mine)}
    assert used and all(used.values())
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        assert api.get("/api/v1/applications?status=rejected").status_code == 200
    with time_machine.travel(later + dt.timedelta(minutes=10), tick=False):  # within the hour: not written again
        assert api.get("/api/v1/applications?status=draft").status_code == 200
    with world.app.app_context():
        again = {t.id: t.last_used_at for t in db.session.scalars(mine)}
    changed = [i for i in used if again[i] != used[i]]
    assert len(changed) == 1 and abs((again[changed[0]].replace(tzinfo=dt.UTC) - later).total_seconds()) < 1
    with world.app.app_context():  # revoked in another browser: the remembered token ends at once
        user = db.session.get(User, world.users["city_changsha"].id)
        for token in db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)).all():
            accounts.revoke_token(user, token.id)
        db.session.commit()
    assert api.get("/api/v1/applications?status=submitted").status_code == 401


def test_the_dashboard_and_its_api_are_kept_until_a_listing_changes_them(world):
    """Issue 57: the management dashboard (its largest read counts every list entry of six years) and its JSON
    answer are made once; asked again they run no statement, and a unit listed meanwhile shows at once."""
    from core.extensions import db
    from core.clock import now, this_year
    from core.models import AdminUnit, Application, ListEntry

    client, api = world.client("province"), world.api("province")
    year = this_year()
    with world.app.app_context():
        code = db.session.get(AdminUnit, world.units["changsha"]).code

    def listed() -> int:
        body = api.get(f"/api/v1/management/dashboard?year={year}").get_json()
        return body["listed"]["by_city"][code][str(year)].get("factory", 0)

    first, before = client.get("/management/dashboard"), listed()
    assert first.status_code == 200
    with statements(world.app) as seen:
        again = client.get("/management/dashboard")
        assert listed() == before
    assert seen == [] and again.get_data() == first.get_data()
    with world.app.app_context():
        org_id = db.session.get(Application, world.application).organization_id
        db.session.execute(sa.insert(ListEntry), [{
            "organization_id": org_id, "unit_type": "factory", "level": "provincial", "year": year,
            "status": "listed", "listed_on": dt.date(year, 3, 1), "notice_no": "湘工信节能〔2024〕1号",
            "source": "import", "created_at": now(), "updated_at": now()}])
        db.session.commit()
    with statements(world.app) as seen:
        assert listed() == before + 1
        changed = client.get("/management/dashboard")
    assert seen and changed.get_data() != first.get_data()
