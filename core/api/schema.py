"""Building blocks of the API's marshmallow schemas (docs/api-conventions.md).

* Request schemas bound every value: texts with a maximum length (the column's), ids within the
  database's integer, years within the programme's; PATCH schemas have **no defaults** (``load_default``
  would be documented as ``default`` and a generated client would send it on every call).
* Response schemas derive from :class:`Out`: in tests, a key the view returns that the schema does not
  declare is an error, so an answer never silently loses a value.
* Region-dependent vocabularies (unit types, levels, industries) are enums per instance: :func:`regional`
  derives a schema for this region with those fields replaced.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import current_app, has_app_context
from marshmallow import RAISE, Schema, fields, post_dump, post_load, validate
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

    @post_dump(pass_original=True)
    def _nothing_dropped(self, data: dict[str, Any], original: Any, **kwargs: Any) -> dict[str, Any]:
        if isinstance(original, Mapping) and has_app_context() and current_app.config.get("TESTING"):
            dropped = set(original) - {f.attribute or name for name, f in self.dump_fields.items()}
            if dropped:
                raise AssertionError(f"{type(self).__name__} does not declare {sorted(dropped)}")
        return data


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
