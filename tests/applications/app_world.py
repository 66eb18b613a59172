"""Builders for the application tests: a region with users of every role, PDFs, log-in helpers.

Import as ``from app_world import ...`` (conftest.py is not importable as a module once other
test folders have their own).
"""
from __future__ import annotations

import datetime as dt
import io
import itertools
from dataclasses import dataclass, field
from typing import Any

from stdnum.cn import uscc as stdnum_uscc

PASSWORD = "绿色制造-测试口令-2025"
QUOTA_PLUGIN = "quota_test=fixtures.quota_plugin"
_numbers = itertools.count(1)


def make_uscc(division: str = "430100") -> str:
    body = f"91{division}{next(_numbers):08d}1"
    return body + stdnum_uscc.calc_check_digit(body)


def pdf(pages: int = 1, text: str = "") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if text:
        writer.add_metadata({"/Title": text})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def beijing_local(delta: dt.timedelta) -> str:
    """A datetime-local form value, ``delta`` from now, in Beijing time."""
    from core.clock import SHANGHAI

    return (dt.datetime.now(SHANGHAI) + delta).strftime("%Y-%m-%dT%H:%M")


@dataclass
class World:
    """Users of every role in one region, two cities, one applicant organization per city."""

    app: Any
    units: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    orgs: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, who: str | None = None):
        client = self.app.test_client()
        if who is not None:
            login(client, self.users[who].username)
        return client

    def api(self, who: str | None):
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return ApiClient(self.app.test_client(), headers)


class ApiClient:
    def __init__(self, client, headers):
        self.client, self.headers = client, headers

    def __getattr__(self, method):
        def call(url, **kwargs):
            from helpers import with_tag

            kwargs.setdefault("headers", {}).update(self.headers)
            return with_tag(self.client, method, url, **kwargs)  # a change sends the tag it read (issue 48)
        return call


def login(client, username: str, password: str = PASSWORD):
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def build_world(app, units=("changsha", "zhuzhou")) -> World:
    from sqlalchemy import select

    from core.accounts import services as accounts
    from core.extensions import db
    from core.models import AdminUnit, EvaluatorFirm, Organization, Role
    from core.services.admin_units import sync_admin_units

    world = World(app=app)
    with app.app_context():
        region = app.extensions["greenmfg"].rules.region_code
        sync_admin_units("test")
        db.session.flush()
        for name in units:
            code = f"{region}.{name}"
            unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == code))
            if unit is None:
                unit = AdminUnit(region=region, code=code, name=name, kind="市", source="test")
                db.session.add(unit)
                db.session.flush()
            world.units[name] = unit.id
        firm = EvaluatorFirm(uscc=make_uscc("110000"), name="评价机构有限公司", legal_representative="孙立新")
        db.session.add(firm)
        db.session.flush()
        for i, name in enumerate(units):
            org = Organization(uscc=make_uscc(), name=f"{name}绿色制造测试有限公司", admin_unit_id=world.units[name])
            db.session.add(org)
            db.session.flush()
            world.orgs[name] = org.id
            world.users[f"applicant_{name}"] = accounts.create_user(
                username=f"ent_{name}", password=PASSWORD, display_name=org.name, role=Role.APPLICANT, actor="test",
                organization_id=org.id)
            world.users[f"city_{name}"] = accounts.create_user(
                username=f"city_{name}", password=PASSWORD, display_name=f"{name}工信局", role=Role.CITY, actor="test",
                admin_unit_id=world.units[name])
        for role in (Role.PROVINCE, Role.ADMIN, Role.EXPERT, Role.MINISTRY):
            world.users[role.value] = accounts.create_user(username=f"{role.value}_user", password=PASSWORD,
                                                           display_name=role.value, role=role, actor="test")
        world.users["evaluator"] = accounts.create_user(username="evaluator_user", password=PASSWORD,
                                                        display_name="evaluator", role=Role.EVALUATOR, actor="test",
                                                        evaluator_firm_id=firm.id)
        for key, user in world.users.items():
            world.tokens[key], _ = accounts.create_token(user, "test")
        world.users = {k: _Ref(u.id, u.username) for k, u in world.users.items()}
        db.session.commit()
    return world


@dataclass
class _Ref:
    id: int
    username: str


def open_campaign(app, level="provincial", unit_types=("factory",), year=2025, days=30):
    from core.applications import services
    from core.extensions import db
    from core import clock

    with app.app_context():
        c = services.open_campaign(actor="province_user", year=year, level=level, unit_types=list(unit_types),
                                   closes_at=clock.now() + dt.timedelta(days=days))
        db.session.commit()
        return c.id


def start_draft(world: World, campaign_id: int, unit_type: str = "factory",
                username: str = "applicant_changsha") -> int:
    """The applicant starts a draft through the JSON API; its id."""
    r = world.api(username).post("/api/v1/applications", json={"campaign_id": campaign_id, "unit_type": unit_type})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def submitted_applications(app, world: World, campaign_id: int, count: int, name: str = "竞争测试",
                           unit: str = "changsha", login: str = "race") -> list[int]:
    """``count`` units of ``unit``, each with an applicant account, whose factory applications are filled in (the
    contact and every negative-list declaration) and submitted through the services; their ids."""
    from core.accounts import services as accounts
    from core.applications import services
    from core.extensions import db
    from core.models import Campaign, Organization, Role

    ids = []
    with app.app_context():
        rules = app.extensions["greenmfg"].rules
        campaign = db.session.get(Campaign, campaign_id)
        for n in range(count):
            org = Organization(uscc=make_uscc(), name=f"{name}{n}有限公司", admin_unit_id=world.units[unit])
            db.session.add(org)
            db.session.flush()
            user = accounts.create_user(username=f"{login}{n}", password=PASSWORD, display_name="x",
                                        role=Role.APPLICANT, actor="t", organization_id=org.id)
            a = services.start_application(user, campaign, "factory")
            services.save_draft(a, {"contact_name": "王", "contact_phone": "13800000000", "declarations": {
                i.code: True for i in rules.negative_list_for("factory", campaign.level)}}, user.username)
            services.submit(a, user.username)
            ids.append(a.id)
        db.session.commit()
        db.session.remove()
    return ids
