"""Facts a later feature provides to an earlier one (core/kernel/facts.py): management answers
``city_unfiled_round_units`` (seed 001_3f04a56fc6693327.txt 四.1, Hunan 2025: 未按要求完成现有国家级绿色工厂、绿色园区
填报任务的市州，将不开展该市州新申报单位的推荐工作) and applications ask for it only when a region rule reads it, so
no other region pays for Hunan's query."""
from __future__ import annotations

import datetime as dt

import pytest

import factories as f
from core.applications import eligibility
from core.extensions import db
from core.kernel import facts


def _counting(app) -> list:
    asked: list = []
    real = app.extensions["greenmfg_facts"]["city_unfiled_round_units"]

    def counted(*args):
        asked.append(args)
        return real(*args)

    app.extensions["greenmfg_facts"]["city_unfiled_round_units"] = counted
    return asked


@pytest.mark.region("hubei")
def test_a_fact_no_rule_of_the_region_reads_is_never_computed(app):
    asked = _counting(app)
    c = f.campaign("hubei", 2025, "national")
    a = f.application(c, f.admin_unit("hubei", "hubei.wuhan", "武汉市"))
    db.session.commit()
    assert eligibility.evaluate(a, dt.date(2025, 10, 20))
    assert asked == []


@pytest.mark.region("hunan")
def test_the_rule_that_reads_it_gets_managements_answer(app):
    asked = _counting(app)
    c = f.campaign("hunan", 2025, "national")
    unit = f.admin_unit("hunan", "hunan.changsha", "长沙市")
    a = f.application(c, unit)
    db.session.commit()
    results = eligibility.evaluate(a, dt.date(2025, 10, 20))
    assert asked == [(unit.id, c)]  # once, for the rule that reads it
    rule = next(r for r in results if r["code"] == "hunan.city_block_unfiled")
    assert rule["ok"] is True  # no listed unit of the city owes a filing


def test_an_unprovided_fact_names_itself_and_two_answers_are_refused(app):
    with pytest.raises(LookupError, match="no_such_fact"):
        facts.ask("no_such_fact")
    with pytest.raises(RuntimeError, match="may_apply"):
        facts.provide(app, "may_apply", lambda *a: None)
