"""Migration 0025: negative-list declarations saved under codes the issue-17 fidelity work replaced.

Seed 000_5ae1342e00264ea1.txt 二.1 lists Hunan 2024's own items (未正常生产经营的; 在国务院及有关部委相关督查中被发现存在严重
问题 …), declared in place of national's; seed 002_9c75e1d2ebfbdf50.txt 附件1 二(二) (Hubei's accident item) stands in
for national's accident item only in its own city and provincial rounds of 2022-2025.
"""
from __future__ import annotations

import pytest
import re

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

import factories as f
from helpers import seed_text
from core.extensions import db, init_migrate
from core.models import Application, AuditLog

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases


def _tables():
    """The tables as the database has them now (at an old revision they lack columns the models have since)."""
    meta = sa.MetaData()
    meta.reflect(db.engine, only=["admin_unit", "organization", "campaign", "application"])
    return meta.tables


def _insert(table, **given) -> int:
    """A row of ``table`` with ``given``; every other required column without a default gets a blank value."""
    import datetime as dt

    row = dict(given)
    for col in table.columns:
        if col.name in row or col.nullable or col.primary_key or col.server_default is not None:
            continue
        try:
            kind = col.type.python_type
        except NotImplementedError:  # JSON
            kind = dict
        row[col.name] = {int: 0, str: "", bool: False, dt.datetime: dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
                         dt.date: dt.date(2025, 1, 1)}.get(kind, {})
    return db.session.execute(table.insert().values(row)).inserted_primary_key[0]


def _app(region, year, level, declarations):
    """An application with ``declarations``, written as the schema of its revision has it (no model involved)."""
    import uuid

    t = _tables()
    unit = _insert(t["admin_unit"], region=region, code=f"{region}.u{uuid.uuid4().hex[:8]}", name="长沙市", kind="市",
                   source="test")
    org = _insert(t["organization"], uscc=f.uscc(), name=f"测试企业{uuid.uuid4().hex[:6]}有限公司", admin_unit_id=unit)
    campaign = _insert(t["campaign"], region=region, year=year, level=level, title=f"{year} {level}",
                       unit_types=["factory"])
    return _insert(t["application"], campaign_id=campaign, organization_id=org, admin_unit_id=unit,
                   unit_type="factory", level=level, evaluation_mode="self", status="draft",
                   declarations=declarations)


def test_saved_declarations_move_to_the_codes_in_force(make_app):
    text = re.sub(r"\s+", "", seed_text("000_5ae1342e00264ea1.txt"))
    assert "未正常生产经营的" in text and "在国务院及有关部委相关督查中被发现存在严重问题" in text
    app = make_app("hunan")
    init_migrate(app)
    with app.app_context():
        downgrade(revision="0015_evaluation_review")
        hunan_2024 = _app("hunan", 2024, "provincial", {"not_operating": True, "inspection_problems": False,
                                                        "hunan.env_disclosure": True})
        hunan_2025 = _app("hunan", 2025, "national", {"not_operating": True, "inspection_problems": True})
        hubei_national = _app("hubei", 2025, "national", {"hubei.major_accident_or_incident": False})
        hubei_cleared = _app("hubei", 2025, "national", {"hubei.major_accident_or_incident": True})
        hubei_provincial = _app("hubei", 2024, "provincial", {"hubei.major_accident_or_incident": False})
        db.session.commit()
        ids = [hunan_2024, hunan_2025, hubei_national, hubei_cleared, hubei_provincial]
        db.session.remove()
        upgrade()
        got = {i: db.session.get(Application, i).declarations for i in ids}
        assert got[ids[0]] == {"hunan.not_operating_2024": True, "hunan.inspection_problems_2024": False,
                               "hunan.env_disclosure": True}
        assert got[ids[1]] == {"not_operating": True, "inspection_problems": True}  # 2025 national: national's
        # "applies" carries over to national's broader accident item; "does not apply" must be declared again
        assert got[ids[2]] == {"hubei.major_accident_or_incident": False, "accident_or_tax": False}
        assert got[ids[3]] == {"hubei.major_accident_or_incident": True}
        assert got[ids[4]] == {"hubei.major_accident_or_incident": False}
        audited = {row.object_id for row in db.session.scalars(
            select(AuditLog).where(AuditLog.action == "application.declarations_recoded"))}
        assert audited == {str(ids[0]), str(ids[2])}
        db.session.remove()
        downgrade(revision="0015_evaluation_review")
        application = _tables()["application"]
        assert db.session.execute(sa.select(application.c.declarations).where(application.c.id == ids[0])).scalar() == {
            "not_operating": True, "inspection_problems": False, "hunan.env_disclosure": True}
        db.session.remove()
        upgrade()
