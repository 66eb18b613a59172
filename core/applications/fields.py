"""Region plugin form fields: one schema per application, JSON storage, bilingual field errors.

Values are stored in ``Application.extension_data`` keyed by the field's code, as JSON
(dates as ISO strings, decimals as numbers). Every write goes through the plugin's
marshmallow field (:func:`core.declared_fields.api_field`), whichever channel it came from, so the web form,
the JSON API and the summary-table import accept exactly the same values. Drafts are loaded
``partial`` (required fields may stay empty); submission loads the stored data in full.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError

from core.declared_fields import api_field, web_field
from core.errors import InvalidInput
from core.i18n import english
from core.kernel.forms import PageMeta
from core.kernel.messages import bilingual_message
from core.plugins.types import FieldKind, FormField, Level, field_attr, year_text


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

    unbound = web_field(ff)
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


_DATED: dict[tuple[str, str, int, str, bool, str], FormField] = {}


def for_year(ff: FormField, year: int | None, *, in_english: bool = False) -> FormField:
    """``ff`` with its label (the WTForms field's and the API field's too) filled for a round of ``year``, in
    English where asked and the plugin gives one, with its options and table columns in English too
    (``terms_en``; the values sent and stored stay the document's)."""
    text = ff.label_en if in_english and ff.label_en else ff.label
    terms = ff.terms_en if in_english else {}
    hint = ff.help_en if in_english and ff.help_en else ""
    if "{" not in text and text == ff.label and not terms and not hint:
        return ff
    key = (ff.code, ff.source, year if year is not None else -1, text, bool(terms), hint)
    if key not in _DATED:
        label = year_text(text, year)

        def make_field():
            return web_field(ff)

        def make_schema_field():
            return api_field(ff)

        def relabelled_field():
            from wtforms.fields.core import UnboundField

            unbound = make_field()
            if not isinstance(unbound, UnboundField):
                return unbound
            args, kwargs = _in_terms(unbound, terms)
            if hint:
                kwargs["description"] = hint
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


def _row_form(unbound: Any) -> type | None:
    """The row form of a table field (a FieldList of sub-forms, Hunan's products), else ``None``."""
    from wtforms import FieldList
    from wtforms import FormField as SubForm
    from wtforms.fields.core import UnboundField

    if issubclass(unbound.field_class, FieldList) and unbound.args and isinstance(unbound.args[0], UnboundField) \
            and issubclass(unbound.args[0].field_class, SubForm) and unbound.args[0].args:
        return unbound.args[0].args[0]
    return None


_ROWS_IN_LANGUAGE: dict[type, type] = {}


def rows_in_page_language(unbound: Any) -> Any:
    """``unbound`` (a plugin's field), a table's rows checked with messages in the page's language: a table's row
    form is a plain WTForms form, which Flask-WTF does not translate (:class:`core.kernel.forms.PageMeta`)."""
    from wtforms.fields.core import UnboundField

    row = _row_form(unbound) if isinstance(unbound, UnboundField) else None
    if row is None:
        return unbound
    if row not in _ROWS_IN_LANGUAGE:
        _ROWS_IN_LANGUAGE[row] = type(row.__name__, (row,), {"Meta": PageMeta})
    inner = unbound.args[0]
    rows = UnboundField(inner.field_class, _ROWS_IN_LANGUAGE[row], *inner.args[1:], **inner.kwargs)
    return UnboundField(unbound.field_class, rows, *unbound.args[1:], **unbound.kwargs)


def _columns(form_class: type) -> list[tuple[str, Any]]:
    """A row form's unbound fields, ``(name, field)``, in the order the class declares them (its columns)."""
    from wtforms.fields.core import UnboundField

    return sorted(((name, value) for name in dir(form_class)
                   if isinstance(value := getattr(form_class, name), UnboundField)),
                  key=lambda pair: pair[1].creation_counter)


def _choices(unbound: Any) -> list[Any]:
    """An unbound field's fixed ``choices`` (none when it has none, or computes them)."""
    choices = unbound.kwargs.get("choices")
    return [] if choices is None or callable(choices) else list(choices)


def _in_terms(unbound: Any, terms: Mapping[str, str]) -> tuple[list[Any], dict[str, Any]]:
    """An unbound WTForms field's arguments with its label, its options' labels and, for a table (a FieldList
    of sub-forms), its columns' labels put through ``terms``."""
    from wtforms.fields.core import UnboundField

    args, kwargs = list(unbound.args), dict(unbound.kwargs)
    if not terms:
        return args, kwargs
    if "label" in kwargs and isinstance(kwargs["label"], str):
        kwargs["label"] = terms.get(kwargs["label"], kwargs["label"])
    elif args and isinstance(args[0], str):
        args[0] = terms.get(args[0], args[0])
    if choices := _choices(unbound):
        kwargs["choices"] = [_option_in(c, terms) for c in choices]
    if (row := _row_form(unbound)) is not None:
        inner = args[0]
        args[0] = UnboundField(inner.field_class, _form_in(row, terms), *inner.args[1:], **inner.kwargs)
    return args, kwargs


def _option_pair(option: Any) -> tuple[Any, str]:
    """(value, label) of one of a WTForms field's ``choices``: a plain value, a SelectChoice or a tuple."""
    from wtforms.fields.choices import SelectChoice

    if isinstance(option, str):
        return option, option
    if isinstance(option, SelectChoice):
        return option.value, option.label if option.label is not None else option.value
    return option[0], option[1]


def _option_in(option: Any, terms: Mapping[str, str]) -> Any:
    """One option with its label put through ``terms``, as a SelectChoice (what it carries besides kept)."""
    from wtforms.fields.choices import SelectChoice

    value, label = _option_pair(option)
    if isinstance(option, SelectChoice):
        return SelectChoice(value, terms.get(label, label), option.render_kw, option.optgroup)
    render_kw = option[2] if isinstance(option, tuple) and len(option) > 2 else {}
    return SelectChoice(value, terms.get(label, label), render_kw)


_FORMS_IN: dict[tuple[type, tuple[tuple[str, str], ...]], type] = {}


def _form_in(form_class: type, terms: Mapping[str, str]) -> type:
    """A sub-form class (a table's row) with its fields' labels and options put through ``terms``."""
    from wtforms.fields.core import UnboundField

    key = (form_class, tuple(sorted(terms.items())))
    if key not in _FORMS_IN:
        attrs = {}
        for name, unbound in _columns(form_class):  # made in the class's order: the form keeps its columns' order
            args, kwargs = _in_terms(unbound, terms)
            attrs[name] = UnboundField(unbound.field_class, *args, **kwargs)
        _FORMS_IN[key] = type(form_class.__name__, (form_class,), attrs)
    return _FORMS_IN[key]


def inner_texts(ff: FormField) -> list[str]:
    """The texts inside a field a page shows: its options' labels and, for a table, its columns' labels (and
    their options'), as the plugin writes them; what ``terms_en`` translates."""
    from wtforms.fields.core import UnboundField

    def of(unbound: Any) -> list[str]:
        texts = [str(_option_pair(c)[1]) for c in _choices(unbound)]
        if (row := _row_form(unbound)) is not None:
            for _, column in _columns(row):
                label = column.kwargs.get("label", column.args[0] if column.args else None)
                texts += ([label] if isinstance(label, str) else []) + of(column)
        return texts

    unbound = web_field(ff)
    return of(unbound) if isinstance(unbound, UnboundField) else []


#: by the field's maker: a page's copy of a field (:func:`for_year`) names its options in the page's language
_OPTIONS: dict[Any, dict[Any, str]] = {}


def option_labels(ff: FormField) -> dict[Any, str]:
    """``{value: label}`` of a field with options (a select, radio buttons), as the plugin's form names them;
    empty for any other field."""
    key = ff.make_field or ff  # a page's copy has its own maker; a declared field is its own key
    if key not in _OPTIONS:
        unbound = web_field(ff)
        _OPTIONS[key] = dict(_option_pair(o) for o in _choices(unbound)) if hasattr(unbound, "kwargs") else {}
    return _OPTIONS[key]


def shown_value(ff: FormField, value: Any) -> Any:
    """A stored value as a page shows it: an option by its label (Hubei's park level ``provincial`` is 省级), in
    English on English pages where the plugin translates it (``terms_en``); any other value as stored."""
    labels = option_labels(ff)
    if not labels:
        return value

    def one(v: Any) -> Any:
        return term(ff, labels[v]) if isinstance(v, str) and v in labels else v

    return [one(v) for v in value] if isinstance(value, list) else one(value)


def term(ff: FormField, text: str) -> str:
    """A text inside a field (an option's or a table column's label) in the page's language (``terms_en``)."""
    return ff.terms_en.get(text, text) if english() else text


def column_labels(form_fields: Iterable[FormField]) -> dict[str, dict[str, str]]:
    """For a field holding rows (a table of products, of yearly figures): its columns' labels, by key, in the
    page's language."""
    from marshmallow import fields

    out = {}
    for f in form_fields:
        try:
            schema_field = api_field(f)
        except Exception:  # noqa: BLE001 - a field that builds nothing has no columns
            continue
        inner = getattr(schema_field, "inner", None)
        if isinstance(schema_field, fields.List) and isinstance(inner, fields.Nested):
            nested = inner.schema
            out[f.code] = {name: term(f, field.metadata.get("label", name))
                           for name, field in nested.fields.items()}
    return out


def schema_for(ffs: Iterable[FormField], *, draft: bool = False) -> Schema:
    """A marshmallow schema of plugin fields, keyed by ``ext_`` attribute (marshmallow reads a
    dotted key as a nested path, so codes are never used as keys). ``draft``: a table (a list of rows) is
    checked cell by cell only; its checks of itself as a whole (its number of rows, rules across its rows) wait
    for the full load at submission, as its blank cells do."""
    return Schema.from_dict({field_attr(f.code): draft_field(api_field(f)) if draft else api_field(f)
                             for f in ffs})()


def draft_field(schema_field: Any) -> Any:
    """``schema_field`` for a draft: a table's rows without the table's own validators (the rows' cells are
    checked as given, and may be left out where the load is ``partial``)."""
    from marshmallow import fields

    inner = getattr(schema_field, "inner", None)
    if isinstance(schema_field, fields.List) and isinstance(inner, fields.Nested):
        return fields.List(inner, metadata=schema_field.metadata)
    return schema_field


def _entered(value: Any) -> Any:
    """A draft's table without its blank cells (a row of ``None`` and ``""`` is ``{}``); any other value as is."""
    if isinstance(value, list) and all(isinstance(row, Mapping) for row in value):
        return [{k: v for k, v in row.items() if v is not None and v != ""} for row in value]
    return value


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
    given = {k: _entered(v) if partial else v for k, v in raw.items() if k not in cleared}
    try:
        return {**cleared, **_by_code(ffs, schema_for(ffs, draft=partial).load(_by_attr(ffs, given),
                                                                               partial=partial))}
    except ValidationError as exc:
        raise field_errors(_by_code(ffs, exc.messages), {f.code: f.label for f in ffs}) from None


def typed_extension(ffs: list[FormField], stored: Mapping[str, Any]) -> dict[str, Any]:
    """Stored JSON values as Python values (for the web form and eligibility checks).

    Values a plugin no longer accepts are left out rather than failing the page.
    """
    relevant = [f for f in ffs if stored.get(f.code) is not None]
    try:
        return _by_code(ffs, schema_for(relevant, draft=True).load(_by_attr(relevant, stored), partial=True))
    except ValidationError as exc:
        bad = set(_by_code(ffs, exc.messages))
        good = [f for f in relevant if f.code not in bad]
        try:
            return _by_code(ffs, schema_for(good, draft=True).load(_by_attr(good, stored), partial=True))
        except ValidationError:
            return {}


def missing_required(ffs: list[FormField], stored: Mapping[str, Any]) -> dict[str, Any]:
    """Field errors of the stored data loaded in full (what blocks a submission), by code. A tick box never ticked
    (stored as no answer) is left out, which is unticked, ``false`` (:class:`FieldKind` ``YES_NO``): the web form
    cannot answer it otherwise."""
    answered = {code: value for code, value in stored.items()
                if value is not None or not any(f.code == code and f.kind == FieldKind.YES_NO for f in ffs)}
    try:
        schema_for(ffs).load(_by_attr(ffs, answered))
    except ValidationError as exc:
        return _by_code(ffs, exc.messages)
    return {}


#: names of the form sections region plugins use (a section without a name here reads "Further information":
#: a page never shows a section's code); "production" is Hunan's 附件1 heading, whole (seed 000 line 281:
#: 2023年度预计主要产品生产销售及能源资源消费情况; its fields name the round's year)
SECTION_NAMES = {
    "basic": _l("Basic data"), "production": _l("Production and sales of the main products, energy and resource use"), "finances": _l("Finances"),
    "honours": _l("Honours and qualifications"), "bonus": _l("Bonus items"),
    "cleaner_production": _l("Cleaner production"), "work_plan": _l("Work plan"),
    "park_conditions": _l("Park conditions"), "park_status": _l("Green development of the park"),
    "conditions": _l("Basic conditions"), "cultivation": _l("Cultivation priorities"),
}


def section_name(section: str) -> str:
    """A form section's name in the page's language."""
    return str(SECTION_NAMES.get(section, _l("Further information")))
