"""A plugin's form field is declared once (issue 45): core builds the web form's field and the API's from the
declaration, so the two cannot disagree; the escape hatch's two factories are held to the same by the kit, which
tries every bound and option of a field on both sides (core.testing.contract.disagreements)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from marshmallow import fields, validate
from wtforms import IntegerField, SelectField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from core.declared_fields import api_field, web_field
from core.plugins.types import Column, FieldKind, FormField
from core.testing.contract import disagreements

ROOT = Path(__file__).parents[2]


def _hatch(make_field, make_schema_field, **kw) -> FormField:
    return FormField(code="t.x", label="人数", cite="test", make_field=make_field, make_schema_field=make_schema_field,
                     **kw)


def test_the_kit_catches_the_escape_hatchs_planted_minimum():
    """The issue's plant: web form minimum 0, API minimum 10, example 20 (which both take)."""
    f = _hatch(lambda: IntegerField("人数", validators=[InputRequired(), NumberRange(min=0)]),
               lambda: fields.Integer(required=True, validate=validate.Range(min=10)), example=20)
    _, found = disagreements(f, 20)
    assert found == ["t.x: the minimum 0: the web form accepts it, the API refuses it",
                     "t.x: just under the minimum 9: the web form accepts it, the API refuses it"]


def test_the_kit_catches_an_option_only_one_side_has():
    f = _hatch(lambda: SelectField("级别", choices=["a", "b"], validators=[DataRequired()]),
               lambda: fields.String(required=True, validate=validate.OneOf(["a", "b", "c"])))
    _, found = disagreements(f, "a")
    assert found == ["t.x: the option 'c': the web form refuses it, the API accepts it"]


def test_the_kit_catches_a_cell_bound_only_one_side_has():
    """A table's cells are tried too: the row form caps a share at 100, the row schema does not."""
    from marshmallow import Schema
    from wtforms import DecimalField, FieldList, Form
    from wtforms import FormField as SubForm
    from wtforms.validators import Optional

    class Row(Form):
        share = DecimalField("占比", validators=[Optional(), NumberRange(min=0, max=100)])

    class RowSchema(Schema):
        share = fields.Decimal(allow_none=True, validate=validate.Range(min=0))

    f = _hatch(lambda: FieldList(SubForm(Row), min_entries=1),
               lambda: fields.List(fields.Nested(RowSchema), required=True, validate=validate.Length(min=1)))
    _, found = disagreements(f, [{"share": "20"}])
    assert "t.x: column share: just over the maximum [{'share': Decimal('100.01')}]: the web form refuses it, the " \
           "API accepts it" in found


@pytest.mark.parametrize("declared", [
    dict(kind=FieldKind.INTEGER, required=True, minimum=10, maximum=500),
    dict(kind=FieldKind.DECIMAL, minimum=0),
    dict(kind=FieldKind.NUMBER, required=True, minimum=-5, maximum=100),
    dict(kind=FieldKind.TEXT, required=True, max_length=20),
    dict(kind=FieldKind.TEXT, pattern=r"^[0-9]{4}$"),
    dict(kind=FieldKind.LONG_TEXT, max_length=200),
    dict(kind=FieldKind.YES_NO),
    dict(kind=FieldKind.DATE, required=True),
    dict(kind=FieldKind.CHOICE, required=True, choices=(("a", "甲"), ("b", "乙")), radio=True),
    dict(kind=FieldKind.CHOICE, choices=("x", "y")),
    dict(kind=FieldKind.UPLOAD, required=True),
    dict(kind=FieldKind.TABLE, required=True, min_rows=2, max_rows=3, columns=(
        Column(key="year", label="年度", kind=FieldKind.INTEGER, required=True, minimum=2000),
        Column(key="value", label="产值", kind=FieldKind.DECIMAL, minimum=0, maximum=1000),
        Column(key="kind", label="类型", kind=FieldKind.CHOICE, choices=("甲", "乙")))),
])
def test_a_declared_field_cannot_disagree(declared):
    samples = {FieldKind.INTEGER: 12, FieldKind.DECIMAL: "3.5", FieldKind.NUMBER: 7.5, FieldKind.TEXT: "1234",
               FieldKind.LONG_TEXT: "说明", FieldKind.YES_NO: True, FieldKind.DATE: "2025-05-01",
               FieldKind.CHOICE: "a" if declared.get("radio") else "x", FieldKind.UPLOAD: "upload-1",
               FieldKind.TABLE: [{"year": 2023, "value": "10", "kind": "甲"}, {"year": 2024, "value": "12"}]}
    f = FormField(code="t.x", label="字段", cite="test", **declared)
    tried, found = disagreements(f, samples[declared["kind"]])
    assert tried >= 3 and found == []


def test_both_sides_carry_the_declared_bounds():
    f = FormField(code="t.staff", label="人数", cite="test", kind=FieldKind.INTEGER, required=True, minimum=10)
    [_, web_range] = web_field(f).kwargs["validators"]
    [api_range] = api_field(f).validators
    assert (web_range.min, web_range.max) == (api_range.min, api_range.max) == (10, None)
    assert api_field(f).required and api_field(f).metadata["label"] == "人数"


def test_a_table_checks_its_rows_alike_on_both_sides():
    """Hunan's 企业近三年经营情况: three consecutive years, the same function on the web form and in the API."""
    from marshmallow import ValidationError
    from werkzeug.datastructures import MultiDict
    from wtforms import Form

    from plugins.hunan.forms import FINANCES, YEARS_MESSAGE

    row = {"total_assets": "1", "debt_ratio": "1", "revenue": "1", "profit": "1", "tax": "1"}
    rows = [{"year": y, **row} for y in (2022, 2024, 2025)]
    with pytest.raises(ValidationError) as err:
        api_field(FINANCES).deserialize(rows)
    assert err.value.messages == [YEARS_MESSAGE]
    form = type("F", (Form,), {"t": web_field(FINANCES)})(formdata=MultiDict(
        {f"t-{i}-{k}": str(v) for i, r in enumerate(rows) for k, v in r.items()}))
    assert not form.validate() and YEARS_MESSAGE in form.t.errors
    assert len(api_field(FINANCES).deserialize([{**r, "year": 2023 + i} for i, r in enumerate(rows)])) == 3


@pytest.mark.parametrize("bad, why", [
    (dict(), "declare its kind"),
    (dict(make_field=lambda: None), "declare its kind"),
    (dict(kind=FieldKind.TEXT, minimum=0), "minimum/maximum apply to numbers only"),
    (dict(kind=FieldKind.INTEGER, minimum=10, maximum=0), "minimum 10 above maximum 0"),
    (dict(kind=FieldKind.INTEGER, choices=("a",)), "only a choice has them"),
    (dict(kind=FieldKind.CHOICE), "a choice needs choices"),
    (dict(kind=FieldKind.CHOICE, choices=("a", "a")), "repeat a value"),
    (dict(kind=FieldKind.YES_NO, required=True), "cannot be required"),
    (dict(kind=FieldKind.TABLE), "a table needs columns"),
    (dict(kind=FieldKind.TEXT, min_rows=1), "rows apply to a table only"),
])
def test_a_declaration_that_says_nothing_sensible_is_refused(bad, why):
    with pytest.raises(ValueError, match=why):
        FormField(code="t.x", label="字段", cite="test", **bad)


def test_plugin_form_modules_import_neither_wtforms_nor_marshmallow():
    found = []
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            found += [f"{path.relative_to(ROOT)}:{node.lineno} {n}" for n in names
                      if n.split(".")[0] in ("wtforms", "marshmallow", "flask_wtf")]
    assert found == []
