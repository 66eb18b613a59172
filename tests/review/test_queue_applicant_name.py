"""The province's review queue names each applicant from the name the database keeps on the application (issue 57,
migration 0055), so a page of the queue reads its rows in the index seek that finds them and no organization: the
name is there however the application was written (the services, the summary import's bulk insert, a statement by
hand), follows a rename of the organization, and the migration fills it for the applications already there.
"""
from __future__ import annotations

import datetime as dt
import re

import kit
import pytest
from sqlalchemy import event, select, update

from core.extensions import db
from core.models import Application, Organization, Role
from core.models import ApplicationStatus as S

#: triggers differ between the two databases (tests/conftest.py BOTH)
pytestmark = pytest.mark.both_databases

PASSWORD = "绿色制造-测试口令-2025"


@pytest.fixture
def world(make_app):
    from core.accounts import services as accounts
    from core.models import AdminUnit
    from core.services.admin_units import sync_admin_units

    app = make_app("hubei", WTF_CSRF_ENABLED=False)
    with app.app_context():
        sync_admin_units("test")
        units = {u.code: u for u in db.session.query(AdminUnit)}
        c = kit.campaign("hubei", year=2025)
        yichang = kit.organization(units["hubei.yichang"], "宜昌精细化工有限公司")
        apps = {status: kit.application(c, units["hubei.yichang"], status=status,
                                         org=kit.organization(units["hubei.yichang"], f"宜昌{status.value}有限公司"))
                for status in (S.CITY_RECOMMENDED, S.UNDER_REVIEW, S.GRADED)}
        renamed = kit.application(c, units["hubei.yichang"], status=S.CITY_RECOMMENDED, org=yichang)
        province = accounts.create_user(username="prov", password=PASSWORD, display_name="省厅", role=Role.PROVINCE,
                                        actor="t")
        token, _ = accounts.create_token(province, "t")
        db.session.commit()
        w = {"app": app, "apps": {s: a.id for s, a in apps.items()}, "renamed": renamed.id, "org": yichang.id,
             "campaign": c.id, "unit": units["hubei.yichang"].id, "token": token}
    client = app.test_client()
    assert client.post("/login", data={"username": "prov", "password": PASSWORD}).status_code == 302
    w["client"] = client
    return w


def _names() -> dict[int, tuple[str | None, str]]:
    """Each application's kept name and its organization's name."""
    db.session.expire_all()
    return {i: (kept, name) for i, kept, name in db.session.execute(
        select(Application.id, Application.organization_name, Organization.name).join(Organization))}


def _row(html: str, app_id: int) -> str:
    return re.search(rf'<tr id="queue-{app_id}">.*?</tr>', html, re.S).group(0)


def test_every_way_of_writing_an_application_keeps_its_applicants_name(world):
    from core.services.bulk_writes import insert_rows

    with world["app"].app_context():
        # the ORM without the name (tests/review/kit.py writes none): the database sets it
        names = _names()
        assert names and all(kept == name for kept, name in names.values()), names
        # the summary import's bulk insert (COPY on PostgreSQL), which names no applicant either
        now = dt.datetime.now(dt.UTC)
        org = kit.organization(db.session.get(Organization, world["org"]).admin_unit, "导入的企业有限公司")
        insert_rows(Application.__table__, [
            {"campaign_id": world["campaign"], "organization_id": org.id, "admin_unit_id": world["unit"],
             "unit_type": "park", "level": "provincial", "status": "draft", "indicator_values": {},
             "extension_data": {}, "requested_levels": [], "declarations": {}, "created_at": now, "updated_at": now}])
        db.session.commit()
        imported = db.session.scalar(select(Application).where(Application.organization_id == org.id))
        assert imported.organization_name == "导入的企业有限公司"
        # an application moved to another organization by a statement takes that one's name
        db.session.execute(update(Application).where(Application.id == imported.id)
                           .values(organization_id=world["org"]))
        db.session.commit()
        assert _names()[imported.id] == ("宜昌精细化工有限公司", "宜昌精细化工有限公司")


def test_the_queue_and_its_api_show_the_organizations_new_name_after_a_rename(world):
    client, app_id = world["client"], world["renamed"]
    assert "宜昌精细化工有限公司" in _row(client.get("/review?lang=zh").get_data(as_text=True), app_id)
    with world["app"].app_context():
        db.session.get(Organization, world["org"]).name = "宜昌绿色化工股份有限公司"
        db.session.commit()
        assert _names()[app_id] == ("宜昌绿色化工股份有限公司", "宜昌绿色化工股份有限公司")
    row = _row(client.get("/review?lang=zh").get_data(as_text=True), app_id)
    assert "宜昌绿色化工股份有限公司" in row and "宜昌精细化工有限公司" not in row
    items = client.get("/api/v1/review/applications", headers={"Authorization": f"Bearer {world['token']}"}
                       ).get_json()["items"]
    assert {i["application_id"]: i["organization"] for i in items}[app_id] == "宜昌绿色化工股份有限公司"
    # every application of the queue, each status once, with its own applicant
    assert {i["application_id"] for i in items} == {app_id, *world["apps"].values()}
    for status, other in world["apps"].items():
        assert {i["application_id"]: i["organization"] for i in items}[other] == f"宜昌{status.value}有限公司"


def test_a_page_of_the_queue_reads_no_organization(world):
    with world["app"].app_context():
        engine = db.engine
    seen: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    world["client"].get("/review")  # the layout's first-request work out of the way
    event.listen(engine, "before_cursor_execute", listener)
    try:
        page = world["client"].get("/review?lang=zh")
        api = world["client"].get("/api/v1/review/applications",
                                  headers={"Authorization": f"Bearer {world['token']}"})
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert page.status_code == 200 and api.status_code == 200
    assert "宜昌under_review有限公司" in page.get_data(as_text=True)
    assert seen and not [s for s in seen if re.search(r"\bFROM organization\b|\bJOIN organization\b", s)], seen


def test_the_migration_names_the_applications_already_there(world):
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from core.extensions import init_migrate

    app = world["app"]
    init_migrate(app)
    with app.app_context():
        before = _names()
        db.session.remove()
        downgrade(revision="0054_notice_open_order")
        assert "organization_name" not in {c["name"] for c in sa.inspect(db.engine).get_columns("application")}
        upgrade()
        assert _names() == before
        # and the triggers are back: a rename reaches the applications
        db.session.execute(update(Organization).where(Organization.id == world["org"]).values(name="改名后有限公司"))
        db.session.commit()
        assert _names()[world["renamed"]] == ("改名后有限公司", "改名后有限公司")
