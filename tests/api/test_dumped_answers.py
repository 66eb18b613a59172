"""core.api.schema.dumper and dumped_answer: a collection built straight from rows answers what its schema dumps.

``dumper(field)`` must dump every value exactly as the field does (the same JSON, byte for byte), whether it takes
the shortcut (the value is already what the field gives) or not; ``dumped_answer`` checks each answer against its
schema under TESTING and refuses one the schema would dump otherwise.
"""
from __future__ import annotations

import datetime as dt
import itertools

import pytest
from flask import Flask
from marshmallow import Schema, fields, post_dump

from core.api.schema import Out, dumped_answer, dumper

SCALARS = [None, True, False, 0, 1, -7, 2**63, 0.0, -0.0, 1.5, 1e-05, 1e16, "", "文本", "1", "true", "😀"]
VALUES = SCALARS + [[], [1, "a"], ["a", "b"], [None], [True], {}, {"a": 1}, {"a": True, "b": False}, {"a": None},
                    {"a": "x"}, {1: True}, {"a": [1, {"b": None}]}, [{"a": 1}], ("t",)]


class Inner(Out):
    dumps_dicts_as_given = True
    kind = fields.String(required=True)
    ok = fields.Boolean(required=True, allow_none=True)
    n = fields.Integer()
    levels = fields.List(fields.String())


class Hooked(Out):
    """A schema with a dump hook of its own: it does not declare that it dumps a dict as given."""
    kind = fields.String(required=True)

    @post_dump
    def _upper(self, data, **kwargs):
        return {**data, "kind": data["kind"].upper()}


class Holder(Schema):
    text = fields.String(allow_none=True)
    number = fields.Integer(allow_none=True)
    ratio = fields.Float(allow_none=True)
    flag = fields.Boolean(allow_none=True)
    raw = fields.Raw(allow_none=True)
    texts = fields.List(fields.String(), allow_none=True)
    flags = fields.Dict(keys=fields.String(), values=fields.Boolean())
    anything = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True))
    plain = fields.Dict()
    inner = fields.Nested(Inner, allow_none=True)
    inners = fields.List(fields.Nested(Inner), allow_none=True)
    undeclared = fields.Nested(type("Undeclared", (Out,), {"kind": fields.String()}), allow_none=True)
    hooked = fields.List(fields.Nested(Hooked), allow_none=True)
    renamed = fields.Nested(type("Renamed", (Schema,), {"x": fields.String(data_key="y")}))


def _inner_values():
    base = {"kind": "rule", "ok": None}
    yield from (base, {**base, "n": 3}, {**base, "levels": ["a"]}, {**base, "levels": [1]}, {**base, "extra": 1},
                {**base, "kind": 5}, {**base, "n": True}, {**base, "n": 2.0}, {"kind": "k"}, {}, None, "text", [base])


@pytest.fixture
def app():
    app = Flask(__name__)
    app.config["TESTING"] = True
    with app.app_context():
        yield app


def _same(app, field, value) -> None:
    try:
        expected = app.json.dumps(field._serialize(value, None, None))
    except Exception as exc:  # noqa: BLE001 - the field refuses the value: the dumper must too
        with pytest.raises(type(exc)):
            dumper(field)(value)
        return
    assert app.json.dumps(dumper(field)(value)) == expected, (field, value)


def test_every_value_dumps_as_the_field_dumps_it(app):
    schema = Holder()
    for name, field in schema.dump_fields.items():
        values = list(_inner_values()) if "inner" in name or name == "undeclared" else VALUES
        if name == "hooked":
            values = [None, [], [{"kind": "rule"}], [{"kind": "x"}, {"kind": "y"}]]
        if name == "inners":
            values = [None, []] + [[v] for v in _inner_values()] + [list(pair) for pair in
                                                                    itertools.combinations(_inner_values(), 2)]
        for value in values:
            _same(app, field, value)


def test_a_whole_object_field_is_refused():
    with pytest.raises(TypeError):
        dumper(fields.Method("whatever"))


class Page(Out):
    at = fields.DateTime(required=True, allow_none=True)
    ratio = fields.Float(required=True)
    items = fields.List(fields.Nested(Inner), required=True)


def test_an_answer_as_the_schema_dumps_it_is_answered_as_it_is(app):
    data = {"at": dt.datetime(2025, 3, 1, 8, 30, 0, 123, tzinfo=dt.UTC).isoformat(), "ratio": 0.5,
            "items": [{"kind": "rule", "ok": True, "levels": ["city"]}]}
    response = dumped_answer(Page, data)
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_data() == app.json.response(Page().dump({**data, "at": dt.datetime.fromisoformat(data["at"])
                                                                  })).get_data()


@pytest.mark.parametrize("data", [
    {"at": None, "ratio": 1, "items": []},  # the schema dumps 1.0
    {"at": None, "ratio": 0.5, "items": [{"kind": "rule", "ok": True, "extra": 1}]},  # a key the schema lacks
    {"at": None, "ratio": 0.5, "items": [{"kind": 5, "ok": True}]},  # the schema dumps "5"
    {"at": "2025-03-01T08:30:00", "ratio": 0.5, "items": [], "more": 1},
])
def test_under_testing_an_answer_the_schema_would_dump_otherwise_is_an_error(app, data):
    with pytest.raises(AssertionError):
        dumped_answer(Page, data)


def _sample(field: fields.Field):
    """A value ``field`` dumps as it is, for the declaration check (None when the kind has none here)."""
    if isinstance(field, fields.Boolean):
        return True
    if isinstance(field, fields.String):
        return field.validate.choices[0] if hasattr(field.validate, "choices") else "文本"
    if isinstance(field, fields.Integer):
        return 3
    if isinstance(field, fields.Float):
        return 1.5
    if isinstance(field, fields.List):
        inner = _sample(field.inner)
        return None if inner is None else [inner]
    return None


def test_every_schema_that_declares_it_dumps_a_dict_as_given_does(app):
    """Out.dumps_dicts_as_given is declared by each schema (marshmallow keeps its hooks private), so each
    declaration is checked here: a dict of the schema's fields, every field filled, dumps as itself."""
    import core.api  # noqa: F401 - every API schema, as the app loads them
    from core import create_app

    create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    declared = [c for c in subclasses(Out) if c.__dict__.get("dumps_dicts_as_given") and c is not Inner]
    assert any(c.__name__ == "EligibilityResultSchema" for c in declared)
    for cls in declared:
        schema = cls()
        sample = {name: _sample(f) for name, f in schema.dump_fields.items()}
        assert None not in sample.values(), (cls, sample)
        assert schema.dump(sample) == sample, cls
    assert Hooked().dump({"kind": "a"}) != {"kind": "a"}  # what the declaration would hide
