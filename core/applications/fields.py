"""Region plugin form fields: one schema per application, JSON storage, bilingual field errors.

Values are stored in ``Application.extension_data`` keyed by the field's code, as JSON
(dates as ISO strings, decimals as numbers). Every write goes through the plugin's
marshmallow field (``make_schema_field``), whichever channel it came from, so the web form,
the JSON API and the summary-table import accept exactly the same values. Drafts are loaded
``partial`` (required fields may stay empty); submission loads the stored data in full.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError

from core.errors import InvalidInput
from core.i18n import english
from core.kernel.messages import bilingual_message
from core.plugins.types import FormField, Level, field_attr, year_text

def bilingual_messages(messages: Any) -> Any:
    if isinstance(messages, dict):
        return {k: bilingual_messages(v) for k, v in messages.items()}
    if isinstance(messages, list):
        return [bilingual_messages(m) for m in messages]
    return bilingual_message(messages)


def field_errors(messages: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> InvalidInput:
    """An :class:`InvalidInput` listing the fields at fault, with ``errors`` per field."""
    labels = labels or {}
    names = ", ".join(str(labels.get(k, k)) for k in messages)
    err = InvalidInput("Some fields are invalid: %(fields)s.", field=next(iter(messages), None), fields=names)
    return attach_field_messages(err, messages)


def attach_field_messages(err: InvalidInput, messages: Mapping[str, Any]) -> InvalidInput:
    """Give ``err`` its messages per field: ``errors`` (``中文 / English`` text, for pages and reports) and
    ``field_messages`` (marshmallow's own, which the JSON API turns into one error item per field)."""
    err.errors = bilingual_messages(dict(messages))
    err.field_messages = dict(messages)
    return err


# ------------------------------------------------------------------ JSON --


def jsonable(value: Any) -> Any:
    """Python values from WTForms or marshmallow as JSON (dates ISO, decimals as numbers)."""
    kind = value.__class__  # the common exact types first (an import converts every value of every row)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is dict:
        return {str(k): jsonable(v) for k, v in value.items() if k != "csrf_token"}
    if kind is list:
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidInput("Not a valid number.")
        return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)
    if isinstance(value, (int, str, float)):  # their subclasses (a str enum, bool) as they are
        return value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items() if k != "csrf_token"}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "filename"):  # an upload: stored as evidence, never as data
        return None
    return str(value)


# --------------------------------------------------------------- fields --


def is_upload(ff: FormField) -> bool:
    """A field whose value is the id of an evidence upload (a file in the web form)."""
    from wtforms import FileField

    unbound = ff.make_field()
    field_class = getattr(unbound, "field_class", None)
    return bool(field_class and issubclass(field_class, FileField))


def fields_for(rules: Any, unit_type: str, level: str, year: int | None = None) -> list[FormField]:
    """The plugin fields of a unit type and level; with ``year``, as a page shows them: labels holding year
    fields read for that round (Hunan's ``{year-1}年度预计…`` is 2023年度预计… in the 2024 round, 2025年度… in
    2026), and on an English page the plugin's English label (``label_en``) where it gives one."""
    ffs = rules.form_fields_for(unit_type, Level(level))
    if year is None:
        return ffs
    in_english = english()
    if not in_english and not any("{" in f.label for f in ffs):
        return ffs
    return [for_year(f, year, in_english=in_english) for f in ffs]


_DATED: dict[tuple[str, str, int, str], FormField] = {}


def for_year(ff: FormField, year: int | None, *, in_english: bool = False) -> FormField:
    """``ff`` with its label (the WTForms field's and the API field's too) filled for a round of ``year``, in
    English where asked and the plugin gives one."""
    text = ff.label_en if in_english and ff.label_en else ff.label
    if "{" not in text and text == ff.label:
        return ff
    key = (ff.code, ff.source, year if year is not None else -1, text)
    if key not in _DATED:
        label = year_text(text, year)
        make_field, make_schema_field = ff.make_field, ff.make_schema_field

        def relabelled_field():
            from wtforms.fields.core import UnboundField

            unbound = make_field()
            if not isinstance(unbound, UnboundField):
                return unbound
            args, kwargs = list(unbound.args), dict(unbound.kwargs)
            if "label" in kwargs or not (args and isinstance(args[0], str)):
                kwargs["label"] = label
            else:
                args[0] = label
            return UnboundField(unbound.field_class, *args, **kwargs)

        def relabelled_schema_field():
            field = make_schema_field()
            if "label" in field.metadata:
                field.metadata = {**field.metadata, "label": label}
            return field

        _DATED[key] = dataclasses.replace(ff, label=label, make_field=relabelled_field,
                                          make_schema_field=relabelled_schema_field)
    return _DATED[key]


def schema_for(ffs: Iterable[FormField]) -> Schema:
    """A marshmallow schema of plugin fields, keyed by ``ext_`` attribute (marshmallow reads a
    dotted key as a nested path, so codes are never used as keys)."""
    return Schema.from_dict({field_attr(f.code): f.make_schema_field() for f in ffs})()


def _by_attr(ffs: Iterable[FormField], values: Mapping[str, Any]) -> dict[str, Any]:
    return {field_attr(f.code): values[f.code] for f in ffs if f.code in values}


def _by_code(ffs: Iterable[FormField], values: Mapping[str, Any]) -> dict[str, Any]:
    codes = {field_attr(f.code): f.code for f in ffs}
    return {codes.get(k, k): v for k, v in values.items()}


def load_extension(ffs: list[FormField], raw: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validate plugin values keyed by code; return them typed. Unknown codes are refused.

    :raises InvalidInput: with ``errors`` per field code, messages in Chinese and English.
    """
    known = {f.code for f in ffs}
    unknown = [k for k in raw if k not in known]
    if unknown:
        raise field_errors({k: ["Unknown field."] for k in unknown})
    # a draft may leave any field blank: an empty value clears it (the full load at submission asks again)
    cleared = {k: None for k, v in raw.items() if v is None or v == ""} if partial else {}
    given = {k: v for k, v in raw.items() if k not in cleared}
    try:
        return {**cleared, **_by_code(ffs, schema_for(ffs).load(_by_attr(ffs, given), partial=partial))}
    except ValidationError as exc:
        raise field_errors(_by_code(ffs, exc.messages), {f.code: f.label for f in ffs}) from None


def typed_extension(ffs: list[FormField], stored: Mapping[str, Any]) -> dict[str, Any]:
    """Stored JSON values as Python values (for the web form and eligibility checks).

    Values a plugin no longer accepts are left out rather than failing the page.
    """
    relevant = [f for f in ffs if stored.get(f.code) is not None]
    try:
        return _by_code(ffs, schema_for(relevant).load(_by_attr(relevant, stored), partial=True))
    except ValidationError as exc:
        bad = set(_by_code(ffs, exc.messages))
        good = [f for f in relevant if f.code not in bad]
        try:
            return _by_code(ffs, schema_for(good).load(_by_attr(good, stored), partial=True))
        except ValidationError:
            return {}


def missing_required(ffs: list[FormField], stored: Mapping[str, Any]) -> dict[str, Any]:
    """Field errors of the stored data loaded in full (what blocks a submission), by code."""
    try:
        schema_for(ffs).load(_by_attr(ffs, stored))
    except ValidationError as exc:
        return _by_code(ffs, exc.messages)
    return {}
