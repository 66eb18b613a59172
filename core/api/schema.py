"""Building blocks of the API's marshmallow schemas (docs/api-conventions.md).

* Request schemas bound every value: texts with a maximum length (the column's), ids within the
  database's integer, years within the programme's; PATCH schemas have **no defaults** (``load_default``
  would be documented as ``default`` and a generated client would send it on every call).
* Response schemas derive from :class:`Out`: in tests, a key the view returns that the schema does not
  declare is an error, so an answer never silently loses a value.
* Region-dependent vocabularies (unit types, levels, industries) are enums per instance: :func:`regional`
  derives a schema for this region with those fields replaced.
* A collection of many rows may build its answer as its schema dumps it, straight from the rows, and answer it
  with :func:`dumped_answer` (dumping 50 rows field by field costs more than their query); :func:`dumper` dumps a
  stored JSON value exactly as a field does, at the cost of a type check for the common values. The schema
  stays the documented contract, and under ``TESTING`` each such answer is checked against it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from flask import Response, current_app, has_app_context
from marshmallow import RAISE, Schema, fields, missing, post_dump, post_load, validate

from core.api.cites import readable_cites
from core.kernel.records import ID_MAX


class In(Schema):
    """A request body: unknown keys are refused (422 naming them)."""

    class Meta:
        unknown = RAISE


class Query(Schema):
    """Query parameters: an unknown one is refused (422 naming it: a typo is not silently ignored); ``lang``
    (the answer's language, as on every page) is accepted everywhere."""

    class Meta:
        unknown = RAISE

    lang = fields.String(load_default=None, validate=validate.OneOf(["zh", "en"]),
                         metadata={"description": "the language of messages (default: Accept-Language)"})

    @post_load
    def _without_lang(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data.pop("lang", None)
        return data


class Out(Schema):
    """A response body. Under ``TESTING`` a returned key missing from the schema raises, so the
    documented schema and the answer cannot drift apart silently."""

    #: A schema that declares True dumps a dict of its own fields' values as that dict (no dump hook of its own, no
    #: field renamed or computed): :func:`dumper` may then take such a nested value as it is. Declared, not
    #: found out, since marshmallow keeps a schema's hooks private; tests/api/test_dumped_answers.py checks every
    #: declaration by dumping.
    dumps_dicts_as_given: ClassVar[bool] = False

    @post_dump(pass_original=True)
    def _nothing_dropped(self, data: dict[str, Any], original: Any, **kwargs: Any) -> dict[str, Any]:
        if isinstance(original, Mapping) and has_app_context() and current_app.config.get("TESTING"):
            dropped = set(original) - {f.attribute or name for name, f in self.dump_fields.items()}
            if dropped:
                raise AssertionError(f"{type(self).__name__} does not declare {sorted(dropped)}")
        return data


#: what a record's ``updated_at`` is (issue 58: a collection's ``updated_since`` reads it, :mod:`core.api.sync`)
UPDATED_AT = "when the record last changed (RFC 3339, UTC): pass a time you read before as updated_since"


def text(maximum: int, minimum: int = 0, **kwargs: Any) -> fields.String:
    """A text of at most ``maximum`` characters (and at least ``minimum``)."""
    return fields.String(validate=validate.Length(min=minimum or None, max=maximum), **kwargs)


def ident(**kwargs: Any) -> fields.Integer:
    """A record id (1 … 2**31-1)."""
    return fields.Integer(validate=validate.Range(min=1, max=ID_MAX), **kwargs)


def year(**kwargs: Any) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=2000, max=2100), **kwargs)


def one_of(values: Iterable[str], **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(list(values)), **kwargs)


def date_text(**kwargs: Any) -> fields.String:
    """A date the view already gives as ``YYYY-MM-DD`` (documented as ``format: date``)."""
    metadata = {**kwargs.pop("metadata", {}), "format": "date"}
    return fields.String(metadata=metadata, **kwargs)


def regional(base: type[Schema], region: str, **replaced: fields.Field) -> type[Schema]:
    """``base`` with some fields replaced for one region (its enums), named ``<Base><Region>``."""
    name = base.__name__.removesuffix("Schema") + region.title().replace("_", "")
    return type(name, (base,), dict(replaced))


class Vocabulary:
    """The region's codes, as enum fields: unit types, list levels (industries are per round: a string)."""

    def __init__(self, rules: Any):
        self.region = rules.region_code
        self.unit_types = sorted(rules.unit_types)
        self.levels = sorted(rules.list_levels, key=lambda code: rules.list_levels[code].rank)

    def unit_type(self, **kwargs: Any) -> fields.String:
        return one_of(self.unit_types, **kwargs)

    def level(self, **kwargs: Any) -> fields.String:
        return one_of(self.levels, **kwargs)


# ------------------------------------------------------------ answers built as dumped --


def dumped_answer(schema: type[Schema], data: Any) -> Response:
    """The JSON answer of ``data``, which the view built as ``schema`` dumps it (``@blp.response`` still documents
    the schema): the same bytes as dumping it, without dumping, its citations made readable as in every answer
    (:mod:`core.api.cites`). Under ``TESTING`` the answer is checked: dumping it again (its times and dates read
    back from their ISO text) must give the same JSON, byte for byte (a key the schema lacks raises there too)."""
    provider = current_app.json
    if current_app.config.get("TESTING"):
        instance = schema()
        expected, answered = provider.dumps(instance.dump(_undumped(instance, data))), provider.dumps(data)
        if answered != expected:
            raise AssertionError(f"{schema.__name__}: the answer is not as the schema dumps it:\n"
                                 f"{answered[:2000]}\n!=\n{expected[:2000]}")
    return provider.response(readable_cites(data, schema))  # as flask-smorest's answers (core.api.blueprint)


def _undumped(schema: Schema | fields.Field, value: Any) -> Any:
    """``value`` with the ISO texts of its schema's time and date fields read back (what the schema dumps from)."""
    if value is None:
        return None
    if isinstance(schema, Schema):
        if not isinstance(value, dict) or type(schema).dump is not Schema.dump:  # a schema dumping its own way
            return value  # (core.applications.schemas._Passthrough: the stored JSON, dates as their text)
        named = {field.data_key or name: field for name, field in schema.dump_fields.items()}
        return {key: _undumped(named[key], item) if key in named else item for key, item in value.items()}
    field = schema
    if isinstance(field, fields.DateTime) and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if isinstance(field, fields.Date) and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if isinstance(field, fields.Nested):
        if (field.many or field.schema.many) and isinstance(value, list):
            return [_undumped(field.schema, item) for item in value]
        return _undumped(field.schema, value)
    if isinstance(field, fields.List) and isinstance(value, list):
        return [_undumped(field.inner, item) for item in value]
    if isinstance(field, fields.Dict) and field.value_field is not None and isinstance(value, dict):
        return {key: _undumped(field.value_field, item) for key, item in value.items()}
    return value


def _always(value: Any) -> bool:
    return True


def _itself(field: fields.Field) -> Callable[[Any], bool] | None:
    """A test of the values ``field`` dumps as themselves (an equal value, the same JSON), or ``None`` when no
    value is known to. Only the fields whose dump reads nothing but the value are known."""
    kind = type(field)
    if kind.serialize is not fields.Field.serialize or kind.get_value is not fields.Field.get_value:
        return None
    if kind._serialize is fields.Field._serialize:  # Raw, Boolean: the value as it is
        return _always
    if kind is fields.String:
        return lambda value: value is None or type(value) is str
    if kind in (fields.Integer, fields.Float) and not field.as_string:
        number = field.num_type
        return lambda value: value is None or type(value) is number  # never a bool: int(True) is 1
    if kind is fields.List:
        inner = _itself(field.inner)
        if inner is None:
            return None
        if inner is _always:
            return lambda value: value is None or type(value) is list
        return lambda value: value is None or (type(value) is list and all(map(inner, value)))
    if kind is fields.Dict:
        keys = _always if field.key_field is None else _itself(field.key_field)
        values = _always if field.value_field is None else _itself(field.value_field)
        if keys is None or values is None:
            return None
        return lambda value: value is None or (type(value) is dict and (keys is _always or all(map(keys, value)))
                                               and (values is _always or all(map(values, value.values()))))
    if kind is fields.Nested:
        return _nested_itself(field)
    return None


def _nested_itself(field: fields.Nested) -> Callable[[Any], bool] | None:
    """A nested schema that declares :attr:`Out.dumps_dicts_as_given` dumps a dict as itself when its keys are the
    schema's plain fields (named as the key, no default) and each value dumps as itself; a key the dict lacks is
    skipped, as the schema does."""
    schema = field.schema
    if field.many or schema.many or not getattr(schema, "dumps_dicts_as_given", False) \
            or type(schema).dump is not Schema.dump or type(schema).get_attribute is not Schema.get_attribute:
        return None
    tests: dict[str, Callable[[Any], bool]] = {}
    for name, inner in schema.dump_fields.items():
        test = _itself(inner)
        # a key missing from a dict is looked up as its attribute (dict.items...): only names a dict lacks
        if test is None or inner.data_key not in (None, name) or inner.attribute not in (None, name) \
                or "." in name or hasattr({}, name) or inner.dump_default is not missing:
            return None
        tests[name] = test

    def itself(value: Any) -> bool:
        if value is None:
            return True
        if type(value) is not dict:
            return False
        for key, item in value.items():
            test = tests.get(key)
            if test is None or not test(item):
                return False
        return True
    return itself


def dumper(field: fields.Field) -> Callable[[Any], Any]:
    """How ``field`` (bound in its schema) dumps one value: the value itself where :func:`_itself` knows it dumps
    as itself, else the field's own serialization. For a stored JSON value of a collection built from rows."""
    if isinstance(field, (fields.Method, fields.Function)):
        raise TypeError(f"{type(field).__name__} dumps from the whole object, not from one value")
    itself, serialize = _itself(field), field._serialize
    if itself is None:
        return lambda value: serialize(value, None, None)
    if itself is _always:
        return lambda value: value
    return lambda value: value if itself(value) else serialize(value, None, None)
