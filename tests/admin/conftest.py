"""An instance for the administrators' screens (Hunan, CSRF on), its people, and a browser-like client."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.accounts import services
from core.extensions import db
from core.models import AdminUnit, Role
from core.services.admin_units import sync_admin_units
import factories

PASSWORD = "管理界面测试口令-2026-绿色工厂"


class Browser:
    """A test client that posts forms as a browser does: with the page's CSRF token."""

    def __init__(self, app):
        self.client = app.test_client()
        self._token = None

    def get(self, url: str, **kw):
        return self.client.get(url, **kw)

    def token(self) -> str:
        if self._token is None:
            page = self.client.get("/login")  # signed in: the log-out page's form
            page = (self.client.get("/logout") if page.status_code == 302 else page).get_data(as_text=True)
            self._token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        return self._token

    def post(self, url: str, data: dict | None = None, **kw):
        return self.client.post(url, data={"csrf_token": self.token(), **(data or {})}, **kw)

    def login(self, username: str, password: str = PASSWORD):
        self._token = None
        response = self.post("/login", {"username": username, "password": password})
        self._token = None  # a log-in starts a new session
        return response


@pytest.fixture
def world(make_app):
    app = make_app("hunan", WTF_CSRF_ENABLED=True)
    with app.app_context():
        sync_admin_units("test")
        units = {u.code: u for u in db.session.scalars(select(AdminUnit))}
        orgs = {}
        for code in ("hunan.changsha", "hunan.zhuzhou"):
            orgs[code] = factories.organization(units[code], name=f"{units[code].name}绿色工厂有限公司")
            db.session.add(orgs[code])
        db.session.flush()
        services.create_user(username="firm_zhuzhou", password=PASSWORD, display_name="株洲联系人",
                             role=Role.APPLICANT, actor="test", organization_id=orgs["hunan.zhuzhou"].id)
        services.create_user(username="admin1", password=PASSWORD, display_name="管理员", role=Role.ADMIN,
                             actor="test")
        services.create_user(username="province1", password=PASSWORD, display_name="省厅", role=Role.PROVINCE,
                             actor="test")
        db.session.commit()
        ids = {"changsha": units["hunan.changsha"].id, "zhuzhou": units["hunan.zhuzhou"].id,
               "org_changsha": orgs["hunan.changsha"].uscc, "org_zhuzhou": orgs["hunan.zhuzhou"].uscc}
    return {"app": app, "password": PASSWORD, **ids}


@pytest.fixture
def browser(world):
    """``browser(username)``: a new browser on the Hunan instance (or ``app``), logged in as ``username`` when
    given."""
    def open_one(username: str | None = None, app=None) -> Browser:
        one = Browser(app or world["app"])
        if username:
            assert one.login(username).status_code == 302, username
        return one
    return open_one
