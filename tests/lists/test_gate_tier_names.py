"""The national-recommendation gate that a grade blocks names the grade in each language of its message: C级 in
Chinese, Grade C in English (晋工信节能规字〔2024〕3号 第十四条: only B or better goes on to the national list;
004_7a8ddd82f611ab67.txt). It read "tier C级 may not be recommended" in English."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from factories import admin_unit, application, campaign

from core.extensions import db
from core.lists import recommend
from core.models import ReviewResult


@pytest.mark.region("shanxi")
def test_a_blocking_grade_is_named_in_each_language_of_the_gate(app):
    unit = admin_unit("shanxi", "shanxi.taiyuan", "太原市")
    a = application(campaign("shanxi", 2026, "provincial"), unit)
    db.session.add(ReviewResult(application_id=a.id, score=Decimal("62.00"), tier="C", tier_label="C级",
                                recommendable=False, experts=3, graded_by="sx_prov",
                                graded_at=dt.datetime(2026, 6, 20, tzinfo=dt.UTC)))
    db.session.flush()
    (gate,) = [g for g in recommend.gates(a, 2026) if g["code"] == "tier"]
    zh, en = gate["message"].split(" / ")
    assert gate["ok"] is False and "C级" in zh and "Grade C" in en and "C级" not in en
