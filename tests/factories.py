"""Builders for test data (committed through the same session the services use)."""
from __future__ import annotations

import datetime as dt
import itertools

from stdnum.cn import uscc as stdnum_uscc

from core.extensions import db
from core.clock import end_of_day
from core.models import AdminUnit, Application, Campaign, EvaluatorFirm, Organization

_counter = itertools.count(1)


def uscc(n: int | None = None) -> str:
    body = f"91430100{(n or next(_counter)):09d}"
    return body + stdnum_uscc.calc_check_digit(body)


def admin_unit(region: str = "national", code: str | None = None, name: str = "长沙市") -> AdminUnit:
    unit = AdminUnit(region=region, code=code or f"{region}.u{next(_counter)}", name=name, kind="市", source="test")
    db.session.add(unit)
    db.session.flush()
    return unit


def campaign(region: str = "national", year: int = 2025, level: str = "national") -> Campaign:
    c = Campaign(region=region, year=year, level=level, title=f"{year} {level}", unit_types=["factory", "park"],
                 opens_at=dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc), closes_at=end_of_day(dt.date(year, 12, 31)))
    db.session.add(c)
    db.session.flush()
    return c


def organization(unit: AdminUnit, name: str | None = None) -> Organization:
    n = next(_counter)
    org = Organization(uscc=uscc(n), name=name or f"测试企业{n}有限公司", admin_unit_id=unit.id)
    db.session.add(org)
    db.session.flush()
    return org


def application(c: Campaign, unit: AdminUnit, unit_type: str = "factory", org: Organization | None = None,
                level: str | None = None) -> Application:
    org = org or organization(unit)
    a = Application(campaign_id=c.id, organization_id=org.id, admin_unit_id=unit.id, unit_type=unit_type,
                    level=level or c.level, evaluation_mode="third_party")
    db.session.add(a)
    db.session.flush()
    return a


def firm(legal_representative: str = "孙立新", name: str | None = None) -> EvaluatorFirm:
    n = next(_counter)
    f = EvaluatorFirm(uscc=uscc(500000 + n), name=name or f"评价机构{n}有限公司",
                      legal_representative=legal_representative)
    db.session.add(f)
    db.session.flush()
    return f
