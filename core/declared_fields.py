"""A plugin's form field, built from its one declaration: the web form's WTForms field and the JSON API's
marshmallow field (so its OpenAPI property), both from the same :class:`~core.plugins.types.FormField`.

A field declared with a ``kind`` is built here and nowhere else: the same bounds, options and "required" go to
both sides, so the web form and the API cannot disagree. A field that gives the escape hatch's two factories
(``make_field`` and ``make_schema_field``) is built by them; the contract kit (:mod:`core.testing.contract`)
tries every bound and option either side states on both sides.

Every consumer asks :func:`web_field` and :func:`api_field`, never the factories themselves.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from marshmallow import Schema, ValidationError
from marshmallow import fields as ma
from marshmallow import validate as mv
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    FileField,
    FloatField,
    Form,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import FormField as SubForm
from wtforms import validators as wv
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField

from core.plugins.types import Column, FieldKind, FormField, Input, year_text

#: what an optional drop-down shows for "no answer"
NO_ANSWER = "—"
#: the message for a required text of blanks only (one marshmallow already has, translated for pages and the API)
REQUIRED = "Missing data for required field."

_WEB_CLASSES = {
    FieldKind.TEXT: StringField, FieldKind.LONG_TEXT: TextAreaField, FieldKind.INTEGER: IntegerField,
    FieldKind.DECIMAL: DecimalField, FieldKind.NUMBER: FloatField, FieldKind.YES_NO: BooleanField,
    FieldKind.DATE: DateField, FieldKind.UPLOAD: FileField,
}
_API_CLASSES = {
    FieldKind.TEXT: ma.String, FieldKind.LONG_TEXT: ma.String, FieldKind.INTEGER: ma.Integer,
    FieldKind.DECIMAL: ma.Decimal, FieldKind.NUMBER: ma.Float, FieldKind.YES_NO: ma.Boolean,
    FieldKind.DATE: ma.Date, FieldKind.CHOICE: ma.String, FieldKind.UPLOAD: ma.String,
}


def web_field(ff: FormField) -> UnboundField:
    """The unbound WTForms field of ``ff`` for the web form (its label as declared: :func:`for_year
    <core.applications.fields.for_year>` fills a round's year and the page's language)."""
    if ff.make_field is not None:
        return ff.make_field()
    if ff.kind == FieldKind.TABLE:
        return FieldList(SubForm(_row_form(ff)), label=ff.label, min_entries=max(ff.min_rows, 1),
                         max_entries=ff.max_rows, validators=[_WebRowsCheck(ff.rows_check)] if ff.rows_check else [])
    return _web_input(ff, ff.label, description=ff.help)


def api_field(ff: FormField) -> ma.Field:
    """The marshmallow field of ``ff`` for the JSON API, its OpenAPI property and every write (web form, API,
    summary-table import: :mod:`core.applications.fields`)."""
    if ff.make_schema_field is not None:
        return ff.make_schema_field()
    # a choice's label goes to its description, not its title: client generators name an enum's class after its
    # title, and two choices with one label (Hubei's key industry, per unit type) would claim one class
    label_key = "description" if ff.kind == FieldKind.CHOICE else "title"
    metadata = {"label": ff.label, label_key: year_text(ff.label, None)}
    if ff.help:
        metadata["description"] = f"{metadata['description']}: {ff.help}" if label_key == "description" else ff.help
    metadata.update(ff.api_metadata)
    if ff.kind == FieldKind.TABLE:
        bounds = _rows_bounds(ff)
        checks = ([bounds] if bounds else []) + ([_api_rows_check(ff.rows_check)] if ff.rows_check else [])
        presence = {"required": True} if ff.required else {"load_default": None, "allow_none": True}
        return ma.List(ma.Nested(_row_schema(ff)), validate=checks, metadata=metadata, **presence)
    if ff.kind == FieldKind.UPLOAD:
        metadata["upload"] = True
    return _api_input(ff, metadata, top=True)


# ------------------------------------------------------------------ inputs --


def _web_input(spec: Input, label: str, *, description: str = "") -> UnboundField:
    """One input on the web form (a field, or a table's cell)."""
    kind = spec.kind
    extra = {"description": description} if description else {}
    if kind == FieldKind.YES_NO:
        return BooleanField(label, default=False, **extra)
    numeric = kind in (FieldKind.INTEGER, FieldKind.DECIMAL, FieldKind.NUMBER)
    # a number's 0 is an answer (InputRequired); a text, a date, a file or a choice must not be left blank
    validators: list[Any] = [(wv.InputRequired() if numeric else wv.DataRequired()) if spec.required
                             else wv.Optional()]
    if numeric and (spec.minimum is not None or spec.maximum is not None):
        validators.append(wv.NumberRange(min=spec.minimum, max=spec.maximum))
    if spec.max_length is not None:
        validators.append(wv.Length(max=spec.max_length))
    if spec.pattern is not None:
        validators.append(wv.Regexp(spec.pattern))
    if kind == FieldKind.CHOICE:
        options = [SelectChoice(c.value, c.label) for c in spec.options]
        if spec.radio:
            return RadioField(label, choices=options, validators=validators, **extra)
        blank = [] if spec.required else [SelectChoice("", NO_ANSWER)]
        return SelectField(label, choices=blank + options, validators=validators, **extra)
    return _WEB_CLASSES[kind](label, validators=validators, **extra)


def _api_input(spec: Input, metadata: Mapping[str, Any], *, top: bool) -> ma.Field:
    """One input in the API (a field, or a table's cell). An optional field is ``null`` when left empty; an
    optional cell may be left out of its row (a PATCH sends what it means)."""
    kind = spec.kind
    if kind == FieldKind.YES_NO:
        return ma.Boolean(load_default=False, metadata=dict(metadata)) if top else \
            ma.Boolean(allow_none=True, metadata=dict(metadata))
    checks: list[Any] = []
    if spec.minimum is not None or spec.maximum is not None:
        checks.append(mv.Range(min=spec.minimum, max=spec.maximum))
    text = kind in (FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.UPLOAD)
    if text and spec.required:
        checks.append(mv.Length(min=1, max=spec.max_length))
        checks.append(_not_blank)
    elif spec.max_length is not None:
        checks.append(mv.Length(max=spec.max_length))
    if spec.pattern is not None:
        checks.append(mv.Regexp(spec.pattern) if spec.required else _or_empty(mv.Regexp(spec.pattern)))
    meta = dict(metadata)
    if kind == FieldKind.CHOICE:
        values = [c.value for c in spec.options]
        meta["choices"] = values
        # an optional choice's empty answer is "" on the web form ("—"): the API takes it as well
        checks.append(mv.OneOf(values if spec.required else [*values, ""]))
    if spec.required:
        presence: dict[str, Any] = {"required": True}
    else:
        presence = {"load_default": None, "allow_none": True} if top else {"allow_none": True}
    return _API_CLASSES[kind](validate=checks, metadata=meta, **presence)


def _not_blank(value: str) -> None:
    if isinstance(value, str) and not value.strip():
        raise ValidationError(REQUIRED)


def _or_empty(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``check``, but an optional text left empty (blanks only) passes, as the web form's ``Optional`` lets it."""

    def check_unless_empty(value: Any) -> Any:
        return value if isinstance(value, str) and not value.strip() else check(value)

    return check_unless_empty


# ------------------------------------------------------------------ tables --

_ROW_FORMS: dict[tuple[str, str, tuple[Column, ...]], type] = {}
_ROW_SCHEMAS: dict[tuple[str, str, tuple[Column, ...]], type] = {}


def row_name(ff: FormField) -> str:
    """The name of a table's row in the API's documentation (its OpenAPI component): ``row_name`` as declared,
    else made from the code (``hunan.products`` → ``HunanProductsRow``)."""
    return ff.row_name or "".join(part.title() for part in re.split(r"[._]", ff.code)) + "Row"


def _row_form(ff: FormField) -> type:
    """The WTForms form of one row, made once per table (core's caches of its pages' copies key by it)."""
    key = (ff.code, ff.source, ff.columns)
    if key not in _ROW_FORMS:
        attrs = {c.key: _web_input(c, c.label) for c in ff.columns}  # in order: the row keeps its columns' order
        _ROW_FORMS[key] = type(f"{row_name(ff)}Form", (Form,), attrs)
    return _ROW_FORMS[key]


def _row_schema(ff: FormField) -> type:
    key = (ff.code, ff.source, ff.columns)
    if key not in _ROW_SCHEMAS:
        _ROW_SCHEMAS[key] = Schema.from_dict(
            {c.key: _api_input(c, {"label": c.label}, top=False) for c in ff.columns}, name=f"{row_name(ff)}Schema")
    return _ROW_SCHEMAS[key]


def _rows_bounds(ff: FormField) -> mv.Length | None:
    least = max(ff.min_rows, 1 if ff.required else 0)
    if ff.max_rows is not None and least == ff.max_rows:
        return mv.Length(equal=least)
    if not least and ff.max_rows is None:
        return None
    return mv.Length(min=least or None, max=ff.max_rows)


class _WebRowsCheck:
    """A table's rule across its rows on the web form: the same function the API's field runs."""

    def __init__(self, check: Callable[[Sequence[Mapping[str, Any]]], str | None]):
        self.check = check

    def __call__(self, form: Any, field: Any) -> None:
        message = self.check([entry.data for entry in field.entries])
        if message:
            raise wv.ValidationError(message)


def _api_rows_check(check: Callable[[Sequence[Mapping[str, Any]]], str | None]) -> Callable[[Any], None]:
    def rows_check(rows: Any) -> None:
        message = check(rows)
        if message:
            raise ValidationError(message)

    return rows_check
