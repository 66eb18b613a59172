"""One answer to "does this record concern this unit type, level and round" (``applies`` on the records) and one
"N years later, 29 February included" (``add_years`` in the clock, offered to plugins by ``core.plugins``)."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import core.plugins
from core import clock
from core.plugins.types import (
    Deadline,
    EligibilityRule,
    EvaluatorRequirement,
    IndicatorSet,
    Level,
    NegativeListItem,
    Priority,
    SummaryLayout,
)

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize("record_type", [EligibilityRule, NegativeListItem, Priority])
def test_a_round_record_applies_to_its_unit_types_levels_and_years(record_type):
    # Hunan's 2024 scope conditions (seed 000_5ae1342e00264ea1.txt 一.1) concern the provincial round of 2024
    record = record_type(code="hunan.x", title="x", unit_types=("park",), levels=(Level.PROVINCIAL,), years=(2024,))
    assert record.applies("park", Level.PROVINCIAL, 2024)
    assert record.applies("park", "provincial", 2024)  # a level as stored
    assert not record.applies("factory", Level.PROVINCIAL, 2024)
    assert not record.applies("park", Level.NATIONAL, 2024)
    assert not record.applies("park", Level.PROVINCIAL, 2025)
    assert record.applies("park", Level.PROVINCIAL)  # a year not asked: any round
    everywhere = record_type(code="x", title="x")
    assert everywhere.applies("factory", Level.CITY, 2031)


def test_records_without_years_apply_in_every_round():
    deadline = Deadline(code="d", title="d", unit_types=("factory",), levels=(Level.NATIONAL,))
    assert deadline.applies("factory", "national", 2030) and not deadline.applies("park", "national")
    assert deadline.applies(level=Level.NATIONAL) and not deadline.applies(level=Level.CITY)
    requirement = EvaluatorRequirement(code="r", title="r", unit_types=("product",))
    assert requirement.applies("product") and not requirement.applies("factory") and requirement.applies()
    layout = SummaryLayout(code="s", title="s", levels=(Level.CITY,))
    assert layout.applies(level=Level.CITY) and not layout.applies(level=Level.PROVINCIAL)


def test_an_indicator_table_applies_to_its_unit_type_and_years_in_force():
    table = IndicatorSet(code="t", title="t", unit_type="factory", year_from=2025, year_to=2027)
    assert table.applies("factory", year=2025) and table.applies("factory", Level.NATIONAL, 2027)
    assert not table.applies("park", year=2025) and not table.applies("factory", year=2024)
    assert not table.applies("factory", year=2028) and table.applies_to("factory", 2026)


def test_add_years_keeps_the_day_and_makes_29_february_the_28th():
    assert clock.add_years(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)  # a 3-year ban from a leap day
    assert clock.add_years(dt.date(2027, 2, 28), -3) == dt.date(2024, 2, 28)  # a 3-year look-back
    assert clock.add_years(dt.date(2028, 2, 29), -4) == dt.date(2024, 2, 29)
    assert clock.add_years(dt.date(2026, 11, 25), 1) == dt.date(2027, 11, 25)
    assert core.plugins.add_years is clock.add_years  # plugins reach it through the public plugin API


def test_nobody_else_shifts_a_date_by_years():
    """The 29 February fallback is written once: no other module of core or the plugins moves a date's year."""
    found = [f"{path.relative_to(ROOT)}:{number}" for folder in ("core", "plugins")
             for path in sorted((ROOT / folder).rglob("*.py")) if path != ROOT / "core/clock.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if re.search(r"\.replace\(year=", line)]
    assert found == []
