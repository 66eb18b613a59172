"""What start-up and the declarations refuse (issue 59), each naming the record: a form field's example outside its
own bounds, and a province's evaluator cap that leaves a unit type or level without the national cap (seed 003 and
national 15 a year per legal representative for national projects: plugins/national/rules.py)."""
from __future__ import annotations

import pytest

from core.plugins import PolicyViolation, hookimpl
from core.plugins.manager import build_plugin_manager
from core.plugins.rules import RegionRules
from core.plugins.types import Column, EvaluatorCap, FieldKind, FormField, Level, Region


@pytest.mark.parametrize("declared, problem", [
    (dict(kind=FieldKind.INTEGER, minimum=10, maximum=500, example=600), "600 is above the maximum 500"),
    (dict(kind=FieldKind.DECIMAL, minimum=0, example="-1.5"), "'-1.5' is below the minimum 0"),
    (dict(kind=FieldKind.INTEGER, example="二十"), "'二十' is not a number"),
    (dict(kind=FieldKind.TEXT, max_length=4, example="绿色制造体系"), "longer than max_length 4"),
    (dict(kind=FieldKind.TEXT, pattern=r"^[0-9]{4}$", example="12a4"), "does not match the pattern"),
    (dict(kind=FieldKind.CHOICE, choices=("a", "b"), example="c"), "'c' is not one of the choices"),
    (dict(kind=FieldKind.TABLE, max_rows=1, columns=(Column(key="n", label="数量", kind=FieldKind.INTEGER),),
          example=[{"n": 1}, {"n": 2}]), "has 2 rows"),
    (dict(kind=FieldKind.TABLE, columns=(Column(key="share", label="占比", kind=FieldKind.DECIMAL, maximum=100),),
          example=[{"share": "120"}]), "row 1, column 'share': '120' is above the maximum 100"),
])
def test_an_example_outside_its_own_bounds_is_refused_at_declaration(declared, problem):
    with pytest.raises(ValueError, match="form field 't.staff': its example") as info:
        FormField(code="t.staff", label="专职人员", cite="test", **declared)
    assert problem in str(info.value)


def test_an_example_within_its_bounds_and_one_with_year_fields_are_declared():
    FormField(code="t.staff", label="专职人员", cite="test", kind=FieldKind.INTEGER, minimum=10, maximum=500, example=500)
    FormField(code="t.year", label="年度", cite="test", kind=FieldKind.TEXT, max_length=4, example="{year-1}")


class _Testland:
    @hookimpl
    def gm_region(self):
        return Region(code="extra0", name="测试省", name_en="Testland")


def _rules_with(cap: EvaluatorCap) -> RegionRules:
    class Capping(_Testland):
        @hookimpl
        def gm_policy_evaluator_cap(self, level):
            return cap if level == Level.NATIONAL else None

    return RegionRules(build_plugin_manager("national", [("extra0", Capping())]))


def test_a_cap_for_factories_only_is_refused_for_parks_naming_the_plugin_and_the_national_cap():
    rules = _rules_with(EvaluatorCap(limit=10, unit_types=("factory",), cite="test"))
    assert rules.evaluator_cap("factory", Level.NATIONAL).limit == 10
    with pytest.raises(PolicyViolation) as info:
        rules.evaluator_cap("park", Level.NATIONAL)
    message = str(info.value)
    assert "'extra0'" in message and "park" in message and "national cap of 15" in message


def test_a_cap_for_another_level_than_asked_is_refused_and_a_covering_one_stands():
    with pytest.raises(PolicyViolation, match="without the national cap of 15"):
        _rules_with(EvaluatorCap(limit=10, levels=(Level.PROVINCIAL,), cite="test")).evaluator_cap(
            "factory", Level.NATIONAL)
    rules = _rules_with(EvaluatorCap(limit=10, cite="test"))
    assert [c.limit for c in rules.evaluator_caps("park", Level.NATIONAL)] == [10]
