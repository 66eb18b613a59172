"""Migration 0025: negative-list declarations saved under codes the issue-17 fidelity work replaced.

Seed 000_5ae1342e00264ea1.txt 二.1 lists Hunan 2024's own items (未正常生产经营的; 在国务院及有关部委相关督查中被发现存在严重
问题 …), declared in place of national's; seed 002_9c75e1d2ebfbdf50.txt 附件1 二(二) (Hubei's accident item) stands in
for national's accident item only in its own city and provincial rounds of 2022-2025.
"""
from __future__ import annotations

import pytest
import re

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

import factories as f
from helpers import seed_text
from core.extensions import db, init_migrate
from core.models import Application, AuditLog

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases


def _app(region, year, level, declarations):
    a = f.application(f.campaign(region, year, level), f.admin_unit(region), "factory", level=level)
    a.declarations = declarations
    return a


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
        ids = [a.id for a in (hunan_2024, hunan_2025, hubei_national, hubei_cleared, hubei_provincial)]
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
        assert db.session.get(Application, ids[0]).declarations == {
            "not_operating": True, "inspection_problems": False, "hunan.env_disclosure": True}
        db.session.remove()
        upgrade()
