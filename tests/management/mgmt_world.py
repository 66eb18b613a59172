"""Builders for the dynamic-management tests: listed units, reference values, users, filings.

Numbers come from the seeds: the 04-15 due date (004_7a8ddd82f611ab67.txt 第十八条), the
bottom 5 % over three years (001_3f04a56fc6693327.txt 附件1 二(二)), the 3-year fraud ban
(001 四.2), Hubei's 附件3 targets (002_9c75e1d2ebfbdf50.txt).
"""
from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import select
from stdnum.cn import uscc as stdnum_uscc

PASSWORD = "动态管理-测试口令-2025"
_numbers = itertools.count(1)

#: 引领值/基准值 for the general (通则) column of the 2025 factory table (test values)
REFERENCES = {1: (0.5, 1.5), 2: (1.0, 3.0), 3: (40.0, 10.0), 5: (1.0, 2.0), 6: (2.0, 6.0), 7: (98.0, 80.0),
              8: (95.0, 60.0), 10: (5.0, 1.0), 11: (0.1, 0.5), 14: (2.0, 0.5)}
REVERSE = {1, 2, 5, 6, 11}
FUNCTIONS = ("能耗查询", "能源消费量和强度计算", "能源消费分析与用能策略推荐", "能效对标", "能流分析",
             "能效平衡与优化", "用能与碳排放预算管理", "碳排放")


def make_uscc(division: str = "140100") -> str:
    body = f"91{division}{next(_numbers):08d}6"
    return body + stdnum_uscc.calc_check_digit(body)


def units(app) -> dict[str, int]:
    """Sync the region's admin units; {code suffix: id}."""
    from core.extensions import db
    from core.models import AdminUnit
    from core.services.admin_units import sync_admin_units

    sync_admin_units("test")
    db.session.flush()
    region = app.extensions["greenmfg"].rules.region_code
    return {u.code.split(".", 1)[1]: u.id for u in db.session.scalars(select(AdminUnit).where(
        AdminUnit.region == region))}


def organization(unit_id: int, name: str):
    from core.extensions import db
    from core.models import Organization

    org = Organization(uscc=make_uscc(), name=name, admin_unit_id=unit_id)
    db.session.add(org)
    db.session.flush()
    return org


def listed(org, level: str, year: int, unit_type: str = "factory"):
    from core.extensions import db
    from core.models import ListEntry

    entry = ListEntry(organization_id=org.id, unit_type=unit_type, level=level, year=year, status="listed",
                      listed_on=dt.date(year, 12, 1), notice_no=f"{year}-{level}")
    db.session.add(entry)
    db.session.flush()
    return entry


def references(year: int = 2025) -> None:
    from core.extensions import db
    from core.models import ReferenceValue

    for number, (leading, baseline) in REFERENCES.items():
        db.session.add(ReferenceValue(indicator_set="miit2025.factory", industry="*", number=number, year=year,
                                      leading=leading, baseline=baseline, source="test"))
    db.session.flush()


def factory_values(strength: float) -> dict[str, object]:
    """Indicator values scoring ``strength`` (0..1) of each quantitative indicator's weight."""
    values: dict[str, object] = {}
    for number, (leading, baseline) in REFERENCES.items():
        values[str(number)] = round(baseline + strength * (leading - baseline), 4)
    values["4"] = list(FUNCTIONS[: round(8 * strength)])
    for number in ("9", "12", "13"):
        values[number] = True
    return values


def user(role: str, name: str | None = None, **bindings):
    """An account with a cheap argon2 hash (:func:`helpers.cheap_hashing`)."""
    from helpers import cheap_hashing

    from core.accounts import services as accounts

    with cheap_hashing():
        return accounts.create_user(username=name or f"{role}{next(_numbers)}", password=PASSWORD,
                                    display_name=name or role, role=role, actor="test", **bindings)


def login(client, username: str) -> None:
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]


class _Client:
    """A test client whose requests forget the signed-in user cached in ``flask.g``: the tests run
    inside an app context, which every request of every client would otherwise share."""

    def __init__(self, client):
        self.client = client

    def __getattr__(self, name):
        method = getattr(self.client, name)
        if name not in ("get", "post", "patch", "put", "delete"):
            return method

        def call(*args, **kwargs):
            from flask import g, has_app_context

            if has_app_context():
                g.pop("_login_user", None)
                g.pop("api_user", None)
            return method(*args, **kwargs)
        return call


def web(app, username: str | None = None):
    """A test client without CSRF tokens (CSRF itself is tested in tests/applications), logged in."""
    app.config["WTF_CSRF_ENABLED"] = False
    client = _Client(app.test_client())
    if username:
        login(client, username)
    return client


def filing_of(org, year: int, unit_type: str = "factory"):
    from core.extensions import db
    from core.models import AnnualFiling

    return db.session.scalar(select(AnnualFiling).where(AnnualFiling.organization_id == org.id,
                                                        AnnualFiling.year == year,
                                                        AnnualFiling.unit_type == unit_type))


def file_and_accept(org, year: int, strength: float, on: dt.date, city: str = "city") -> object:
    """The unit files its year (values of ``strength``) on ``on``; the city accepts it."""
    from core.management import filings

    filing = filing_of(org, year)
    filings.save(filing, {"values": factory_values(strength), "key_data": {"output_value": 1000 * strength + 10}},
                 f"ent{org.id}", on)
    filings.submit(filing, f"ent{org.id}", on)
    filings.accept(filing, city, "", on)
    return filing
