"""Web form against API: a plugin's form field tried on both sides with the same values (each bound just inside
and just outside, each option and one that is none, an empty answer and none at all, a table's rows and cells),
and every value one side accepts and the other refuses said in words (:func:`disagreements`)."""
from __future__ import annotations

import decimal
from typing import Any

from core.declared_fields import api_field
from core.plugins.types import field_attr
from core.testing.form_samples import (
    MISSING,
    NOT_AN_OPTION,
    _bound,
    _formdata,
    _jsonish,
    _single_field_form,
    _single_field_schema,
)


def _verdict(accepted: bool) -> str:
    return "accepts" if accepted else "refuses"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def disagreements(f, sample: Any) -> tuple[int, list[str]]:
    """Try ``f``'s web form field and API field on the same values (:func:`_probes`): how many values were tried,
    and each value one side accepts and the other refuses, in words."""
    try:
        probes = _probes(f, sample)
    except Exception as exc:  # noqa: BLE001  (a field the kit cannot read is a finding)
        return 0, [f"{f.code}: cannot list its bounds: {type(exc).__name__}: {exc}"]
    found = []
    for what, value in probes:
        web, api = _web_accepts(f, value), _api_accepts(f, value)
        if web != api:
            found.append(f"{f.code}: {what} {_shown(value)}: the web form {_verdict(web)} it, the API {_verdict(api)} it")
    return len(probes), found


def _web_accepts(f, value) -> bool:
    """Whether the web form takes ``value`` as sent (a table that drops a row refuses it)."""
    from werkzeug.datastructures import MultiDict
    from wtforms import fields as wf

    attr = field_attr(f.code)
    formdata = MultiDict() if value is MISSING else _formdata(_bound(f), value, attr)
    form = _single_field_form(f, formdata=formdata)
    try:
        ok = form.validate()
    except Exception:  # noqa: BLE001  (a crash on a value is a refusal the user sees as an error page)
        return False
    field = form._fields[attr]
    if ok and isinstance(field, wf.FieldList) and isinstance(value, list) and len(field.entries) != len(value):
        return False
    return ok


def _api_accepts(f, value) -> bool:
    from marshmallow import ValidationError

    data = {} if value is MISSING else {field_attr(f.code): _jsonish(value)}
    try:
        _single_field_schema(f).load(data)
    except ValidationError:
        return False
    return True


def _probes(f, sample) -> list[tuple[str, Any]]:
    """What to try on both sides of ``f``: (what it tries, value as the API takes it)."""
    from marshmallow import fields as mf

    web, api = _bound(f), api_field(f)
    probes: list[tuple[str, Any]] = [("nothing sent", MISSING), ("its sample", sample)]
    if not _is_box(web):  # a tick box has no empty answer: unticked is "no"
        probes.append(("an empty answer", None))
    if isinstance(api, mf.List) and isinstance(getattr(api, "inner", None), mf.Nested):
        rows = [dict(r) for r in sample] if isinstance(sample, list) and sample else []
        probes += _row_count_probes(web, api, rows)
        if rows:
            template = web.entries[0] if web.entries else web.append_entry()
            nested = api.inner.schema
            for sub in template.form:
                column = nested.fields.get(sub.short_name)
                if column is None:
                    continue
                empty = [] if _is_box(sub) else [("an empty cell", None)]
                for what, cell in [("nothing in the cell", MISSING), *empty, *_value_probes(sub, column)]:
                    table = [dict(r) for r in rows]
                    if cell is MISSING:
                        table[0].pop(sub.short_name, None)
                    else:
                        table[0][sub.short_name] = cell
                    probes.append((f"column {sub.short_name}: {what}", table))
        return probes
    return probes + _value_probes(web, api)


def _is_box(field) -> bool:
    from wtforms import fields as wf

    return isinstance(field, wf.BooleanField)


def _row_count_probes(web, api, rows: list[dict]) -> list[tuple[str, Any]]:
    """A table's number of rows just inside and just outside each bound either side states."""
    from marshmallow import validate as mv

    counts: set[int] = set()
    for low, high in [(web.min_entries, web.max_entries)] + [
            (v.equal, v.equal) if v.equal is not None else (v.min, v.max)
            for v in api.validators if isinstance(v, mv.Length)]:
        if low:
            counts |= {low - 1, low}
        if high is not None:
            counts |= {high, high + 1}
    if not rows:
        return [(f"{n} rows", []) for n in sorted(counts) if n == 0]
    out = []
    for n in sorted(c for c in counts if c >= 0):
        table = [dict(rows[i % len(rows)]) for i in range(n)]
        out.append((f"{n} rows", table))
    return out


def _value_probes(web, api) -> list[tuple[str, Any]]:
    """One input's bounds and options, as both sides state them, just inside and just outside."""
    from marshmallow import fields as mf
    from marshmallow import validate as mv
    from wtforms import fields as wf
    from wtforms import validators as wv

    out: list[tuple[str, Any]] = []
    if isinstance(web, wf.BooleanField) or isinstance(api, mf.Boolean):
        out += [("yes", True), ("no", False)]
    # options: each one either side offers, and one that is none
    options: list[Any] = []
    if isinstance(web, (wf.SelectField, wf.RadioField)):
        options += [value for value, *_ in web.iter_choices()]
    for v in api.validators:
        if isinstance(v, mv.OneOf):
            options += list(v.choices)
    if options:
        for option in dict.fromkeys(options):
            out.append(("the option" if option != "" else "the empty option", option))
        out.append(("a value no option has", NOT_AN_OPTION))
    # numbers: each minimum and maximum, and one step beyond
    integer = isinstance(web, wf.IntegerField) or isinstance(api, mf.Integer)
    number = integer or isinstance(web, (wf.DecimalField, wf.FloatField)) or isinstance(api, mf.Number)
    if number:
        step = 1 if integer else decimal.Decimal("0.01")
        bounds = [(v.min, v.max) for v in web.validators if isinstance(v, wv.NumberRange)]
        bounds += [(v.min, v.max) for v in api.validators if isinstance(v, mv.Range)]
        for low, high in bounds:
            if low is not None:
                out += [("the minimum", _num(low, 0, integer)), ("just under the minimum", _num(low, -step, integer))]
            if high is not None:
                out += [("the maximum", _num(high, 0, integer)), ("just over the maximum", _num(high, step, integer))]
    # text: each length bound, and one character beyond
    text = isinstance(web, wf.StringField) and isinstance(api, mf.String) and not options
    if text:
        out.append(("blanks only", "   "))
        lengths = [(v.min, v.max) for v in web.validators if isinstance(v, wv.Length)]
        lengths += [(v.min, v.max) for v in api.validators if isinstance(v, mv.Length)]
        for low, high in lengths:
            if low is not None and low > 0:
                out += [(f"{low} characters", "字" * low), (f"{low - 1} characters", "字" * (low - 1))]
            if high is not None and high >= 0:
                out += [(f"{high} characters", "字" * high), (f"{high + 1} characters", "字" * (high + 1))]
    return out


def _num(bound: Any, offset: Any, integer: bool) -> Any:
    if integer:
        return int(bound) + int(offset)
    return decimal.Decimal(str(bound)) + decimal.Decimal(offset)
