"""The kit's form samples: a :class:`~core.plugins.types.FormField` built as a throwaway one-field web form and
API schema, a value guessed inside its bounds for the contract to submit (:func:`_guess`), and that value as the
web form's posted data and the API's JSON. The contract (:mod:`core.testing.contract`) uses them."""
from __future__ import annotations

import datetime as dt
import decimal
import io
from typing import Any

from core.declared_fields import api_field, web_field
from core.plugins.types import field_attr

#: a probe that sends nothing for the field (no form input at all, no key in the API's object)
MISSING = type("Missing", (), {"__repr__": lambda self: "nothing"})()
#: a value no option has
NOT_AN_OPTION = "not-an-option"


class NeedsSample(LookupError):
    """The contract cannot make up a valid value for a form field; the subclass must give one."""


def _bound(f):
    """A bound instance of a FormField's WTForms field (in a throwaway one-field form)."""
    return _single_field_form(f)._fields[field_attr(f.code)]


def _single_field_form(f, formdata=None):
    from wtforms import Form

    form_cls = type("ContractFieldForm", (Form,), {field_attr(f.code): web_field(f)})
    return form_cls(formdata=formdata)


def _single_field_schema(f):
    from marshmallow import Schema

    return Schema.from_dict({field_attr(f.code): api_field(f)}, name="ContractFieldSchema")()


def _number_in_range(field, kind):
    from wtforms.validators import NumberRange

    value: Any = 1
    for v in field.validators:
        if isinstance(v, NumberRange):
            if v.min is not None and value < v.min:
                value = v.min
            if v.max is not None and value > v.max:
                value = v.max
    return kind(str(value)) if kind is decimal.Decimal else kind(value)


def _guess(field, year: int) -> Any:
    """A value the field should accept, as the JSON API would send it (before JSON encoding)."""
    from wtforms import fields as wf
    from wtforms import validators as wv

    if isinstance(field, wf.FieldList):
        template = field.entries[0] if field.entries else field.append_entry()
        return [_guess(template, year) for _ in range(max(field.min_entries, 1))]
    if isinstance(field, wf.FormField):
        return {sub.short_name: _guess(sub, year) for sub in field.form}
    if isinstance(field, (wf.FileField, wf.MultipleFileField)):
        return "sample-upload"
    if isinstance(field, wf.BooleanField):
        return True
    if isinstance(field, (wf.SelectMultipleField,)):
        return [next(iter(field.iter_choices()))[0]]
    if isinstance(field, (wf.SelectField, wf.RadioField)):
        return next(iter(field.iter_choices()))[0]
    if isinstance(field, wf.IntegerField):
        return _number_in_range(field, int)
    if isinstance(field, wf.DecimalField):
        return _number_in_range(field, decimal.Decimal)
    if isinstance(field, wf.FloatField):
        return _number_in_range(field, float)
    if isinstance(field, wf.DateTimeField) and not isinstance(field, wf.DateField):
        return dt.datetime(year, 1, 2, 9, 0)
    if isinstance(field, wf.DateField):
        return dt.date(year, 1, 2)
    if isinstance(field, wf.StringField):
        value = "示例"
        for v in field.validators:
            if isinstance(v, wv.Regexp):
                raise NeedsSample(f"cannot guess a value matching {v.regex.pattern!r}")
            if isinstance(v, wv.Email):
                value = "sample@example.com"
            if isinstance(v, wv.URL):
                value = "https://example.com/"
            if isinstance(v, wv.AnyOf):
                value = v.values[0]
            if isinstance(v, wv.Length) and v.min is not None and v.min > len(value):
                value = value + "x" * (v.min - len(value))
        return value
    raise NeedsSample(f"no rule for {type(field).__name__}")


def _formdata(field, value, name):
    """The POST data a browser sends for ``value`` in ``field`` named ``name``."""
    from werkzeug.datastructures import FileStorage, MultiDict
    from wtforms import fields as wf

    out = MultiDict()

    def add(field, value, name):
        if value is None:  # left empty: a browser sends an empty text box, nothing for a box or a file
            if not isinstance(field, (wf.FieldList, wf.FormField, wf.BooleanField, wf.FileField,
                                      wf.MultipleFileField, wf.SelectMultipleField)):
                out.add(name, "")
            return
        if value is MISSING:
            return
        if isinstance(field, wf.FieldList):
            template = field.entries[0] if field.entries else field.append_entry()
            for i, item in enumerate(value):
                add(template, item, f"{name}-{i}")
        elif isinstance(field, wf.FormField):
            for sub in field.form:
                if sub.short_name in value:
                    add(sub, value[sub.short_name], f"{name}{field.separator}{sub.short_name}")
        elif isinstance(field, wf.BooleanField):
            if value:
                out.add(name, "y")
        elif isinstance(field, (wf.FileField, wf.MultipleFileField)):
            out.add(name, FileStorage(io.BytesIO(b"%PDF-1.4 sample"), filename=f"{value}.pdf"))
        elif isinstance(field, wf.SelectMultipleField):
            for item in value:
                out.add(name, str(item))
        elif isinstance(value, (dt.date, dt.datetime)):
            formats = field.format if isinstance(field.format, (list, tuple)) else [field.format]
            out.add(name, value.strftime(formats[0]))
        else:
            out.add(name, str(value))

    add(field, value, name)
    return out


def _jsonish(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonish(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonish(v) for v in value]
    return value
