"""What the platform shows is what it applies (issue 43, Done when): for every region and every year 2023-2027,
``greenmfg rules --year Y`` (the rules page and ``GET /api/v1/rules`` serve the same rows) lists exactly the rules
the services consult for a round of Y, rule by rule; a rule whose document has expired is listed as carried from
that document, named.

What the services consult, asked the way each service asks it:

* admin units: ``sync_admin_units`` (core/services/admin_units.py) copies ``rules.admin_units``;
* industries: ``round_industry`` (core/applications/services.py) accepts an industry for a draft of the round;
* conditions, negative list, priorities: ``evaluate`` (core/applications/eligibility.py) asks
  ``eligibility_rules_for`` / ``negative_list_for`` / ``priorities_for`` with the application's unit type, level
  and round year;
* deadlines: ``campaign_deadlines`` (core/applications/services.py) and the home page take ``deadlines_for(Y)``;
* quotas: ``rules.quota(admin unit, unit type, Y)``; indicator tables: ``rules.indicator_set(unit type, Y)``;
  summary layouts: ``layout_for(campaign)`` (core/applications/summary_layout.py).

Seeds behind the issue's measured cases: Hunan's 14 市州 and conditions, 000_5ae1342e00264ea1.txt (the 2024 call,
valid to 2024-12-31) and 001_3f04a56fc6693327.txt (2025); the 53 national industries, 001 附件1 附件3 (390号, a round
notice of 2025); Hubei's 17 units and 2022–2025 conditions, 002_9c75e1d2ebfbdf50.txt (鄂经信办节能〔2022〕8号, to
2025-12-31); Jiangxi's 12 units, 003_a3fa60aeba77aa34.txt (赣工信办节能函〔2024〕20号, the 2024 round).
"""
from __future__ import annotations

import json
from collections import defaultdict
from types import SimpleNamespace

import pytest
from helpers import rules_for

from core.errors import GreenmfgError
from core.plugins.types import Level
from core.services.rules_export import rule_rows

REGIONS = ("national", "hunan", "hubei", "jiangxi", "shanxi")
YEARS = range(2023, 2028)
#: the kinds the services look up per round, compared one by one
ROUND_KINDS = ("admin_unit", "industry", "eligibility_rule", "negative_list_item", "priority", "deadline", "quota",
               "indicator_set", "summary_layout")


def _listed(rows) -> dict[str, set[str]]:
    out = defaultdict(set)
    for row in rows:
        out[row["kind"]].add(row["key"])
    return out


def _consulted(app, rules, year: int) -> dict[str, set[str]]:
    """What the services consult for a round of ``year``, for every unit type and level, asked as they ask."""
    from core.applications.services import round_industry
    from core.applications.summary_layout import layout_for

    combos = [(ut, level) for ut in rules.unit_types for level in Level]
    out: dict[str, set[str]] = defaultdict(set)
    out["admin_unit"] = set(rules.admin_units)
    for ut in rules.unit_types:
        for code in rules.industries:
            try:
                if round_industry(rules, ut, year, code) == code:
                    out["industry"].add(code)
            except GreenmfgError:
                pass
        if rules.indicator_set(ut, year) is not None:
            out["indicator_set"].add(rules.indicator_set(ut, year).code)
        out["quota"] |= {f"{unit}/{ut}/{year}" for unit in rules.admin_units}
    for ut, level in combos:
        out["eligibility_rule"] |= {r.code for r in rules.eligibility_rules_for(ut, level, year)}
        out["negative_list_item"] |= {i.code for i in rules.negative_list_for(ut, level, year)}
        out["priority"] |= {p.code for p in rules.priorities_for(ut, level, year)}
    # the steps dated in the year, and those no document dates, which a round's notice dates (core.services.round_steps)
    out["deadline"] = {d.code for _, d in rules.deadlines_for(year)} | {d.code for d in rules.deadlines.values()
                                                                       if not d.dated}
    with app.app_context():
        for level in rules.list_levels:
            choice = layout_for(SimpleNamespace(level=level, year=year))
            if choice.code in rules.summary_layouts:  # core's default layout is no region's rule
                out["summary_layout"].add(choice.code)
    return out


@pytest.mark.parametrize("region", REGIONS)
def test_the_listing_is_what_the_services_apply_every_year(make_app, region):
    app = make_app(region)
    rules = app.extensions["greenmfg"].rules
    labels = {d.code: d.label for d in rules.documents.values()}
    for year in YEARS:
        rows = rule_rows(rules, year)
        listed, consulted = _listed(rows), _consulted(app, rules, year)
        for kind in ROUND_KINDS:
            assert listed[kind] == consulted[kind], (region, year, kind, listed[kind] ^ consulted[kind])
        for row in rows:  # nothing whose document expired is listed as if in force, nothing unnamed
            if row["applied_as"] in ("carried", "ahead"):
                assert row["carried_from"] == [labels[c] for c in row["documents"]], row["key"]
                assert any(label in row["value"]["reused"] for label in row["carried_from"]), row["key"]


def test_hunan_2026_lists_the_14_cities_the_industries_and_conditions_it_applies(make_app):
    """The issue's measures: Hunan 2026 listed no 市州, no industries, none of 6 conditions, yet applied them all."""
    from core.cli import cli

    app = make_app("hunan")
    result = app.test_cli_runner().invoke(cli, args=["rules", "--region", "hunan", "--year", "2026", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["rules"]
    assert result.output.count('"kind": "admin_unit"') == 14
    units = [r for r in rows if r["kind"] == "admin_unit"]
    assert {r["applied_as"] for r in units} == {"carried"}
    assert all("2026年沿用" in r["value"]["reused"] for r in units)
    assert len([r for r in rows if r["kind"] == "industry"]) == 53
    conditions = {r["key"]: r for r in rows if r["kind"] == "eligibility_rule"}
    for code in ("hunan.park_conditions", "hunan.national_needs_provincial_park", "hunan.city_block_unfiled"):
        assert conditions[code]["applied_as"] == "carried" and conditions[code]["carried_from"], code
    assert any(r["kind"] == "publication" and r["key"] == "provincial/2026" for r in rows)
    page = app.test_client().get("/rules?year=2026&kind=admin_unit").get_data(as_text=True)
    assert page.count('class="hint reused"') == 14 and "长沙市" in page
    api = app.test_client().get("/api/v1/rules?year=2026").get_json()
    assert sorted((r["kind"], r["key"]) for r in api["rules"]) == sorted((r["kind"], r["key"]) for r in rows)


def test_national_2026_lists_the_industry_a_draft_may_name(make_app):
    """A 2026 national draft may name 水泥 (cement, 390号 附件3), as the services accept it: the listing shows it, and
    the other 52 industries of 附件3, as carried from that notice."""
    from core.applications.services import round_industry

    app = make_app("national")
    rules = app.extensions["greenmfg"].rules
    assert round_industry(rules, "factory", 2026, "水泥") == "building.01"
    cement = next(r for r in rule_rows(rules, 2026) if r["kind"] == "industry" and r["key"] == "building.01")
    assert cement["value"]["name"] == "水泥"
    assert cement["applied_as"] == "carried"
    assert cement["carried_from"] == ["《关于开展2025年度绿色工厂推荐工作的通知》（工信厅节函〔2025〕390号）"]


@pytest.mark.parametrize(("region", "year", "units", "conditions"), [
    ("hubei", 2026, 17, 20), ("jiangxi", 2025, 12, 4), ("jiangxi", 2026, 12, 4)])
def test_carried_units_and_conditions_are_listed(region, year, units, conditions):
    rows = rule_rows(rules_for(region), year)
    carried = lambda kind: [r for r in rows if r["kind"] == kind and r["applied_as"] == "carried"]
    assert len(carried("admin_unit")) == units
    assert len(carried("eligibility_rule")) >= conditions
