"""Schemas an app makes for its region, behind resources declared once at import.

The API's resources are module-level classes (:mod:`core.api.resource`): no class is made when an app starts.
What does differ between instances is a few schemas: the region's codes as enums and its form fields under
``extension`` (:func:`core.applications.schemas.region_schemas`). A resource names such a schema by a
:class:`PerApp` slot in its ``@blp.arguments`` / ``@blp.response``; the feature provides the app's schemas once,
when it registers its blueprint (:meth:`PerAppSchemas.provide`), and the slot is resolved from the app

* when a request is parsed (webargs takes a callable that returns the schema) and answered (``dump``);
* when the OpenAPI document is written (:meth:`core.api.blueprint.Blueprint._resolve_per_app`), so the
  document names the app's own schemas as an eagerly built blueprint did.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from marshmallow import Schema


class PerAppSchemas:
    """The schemas one feature makes per app, under ``name`` in ``app.extensions``."""

    def __init__(self, name: str):
        self.key = f"greenmfg_schemas.{name}"

    def provide(self, app: Flask, schemas: Any) -> None:
        """Give ``app`` its schemas: an object whose attributes are schema classes (e.g. ``RegionSchemas``)."""
        app.extensions[self.key] = schemas

    def of(self, app: Flask | None = None) -> Any:
        """The schemas of ``app`` (default: the current one)."""
        return (app or current_app).extensions[self.key]

    def __call__(self, attribute: str, *, many: bool = False) -> PerApp:
        """A slot for the schema class ``attribute`` of the app's schemas (``many``: a list of them)."""
        return PerApp(self, attribute, many)


class PerApp:
    """A schema named by slot, resolved from the app: what ``@blp.arguments`` and ``@blp.response`` hold."""

    def __init__(self, owner: PerAppSchemas, attribute: str, many: bool):
        self.owner, self.attribute, self.many = owner, attribute, many

    def schema_class(self, app: Flask | None = None) -> type[Schema]:
        return getattr(self.owner.of(app), self.attribute)

    def resolve(self, app: Flask | None = None) -> type[Schema] | Schema:
        """What the eagerly built blueprint held: the class, or an instance with ``many``. One instance per app,
        as flask-smorest keeps one per operation."""
        cls = self.schema_class(app)
        if not self.many:
            return cls
        cache = (app or current_app).extensions.setdefault(f"{self.owner.key}.many", {})
        if self.attribute not in cache:
            cache[self.attribute] = cls(many=True)
        return cache[self.attribute]

    def instance(self) -> Schema:
        """The app's schema as an instance, made once per app (a schema holds no state of a load or dump)."""
        resolved = self.resolve()
        if not isinstance(resolved, type):
            return resolved
        kept = current_app.extensions.setdefault(f"{self.owner.key}.instances", {})
        if self.attribute not in kept:
            kept[self.attribute] = resolved()
        return kept[self.attribute]

    def __call__(self, request: Any) -> Schema:
        """webargs: the schema that parses this request."""
        return self.instance()

    def dump(self, obj: Any, **kwargs: Any) -> Any:
        """flask-smorest: the answer dumped by the app's schema."""
        return self.instance().dump(obj, **kwargs)

    def __deepcopy__(self, memo: dict) -> PerApp:
        return self  # flask-smorest copies its documentation per app; the slot is the same for all

    def __repr__(self) -> str:
        return f"PerApp({self.owner.key}.{self.attribute}{', many' if self.many else ''})"


def resolve_per_app(value: Any, app: Flask) -> None:
    """Replace, in place, every slot in ``value`` (an operation's documentation) by the app's schema."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in list(items):
        if isinstance(item, PerApp):
            value[key] = item.resolve(app)
        else:
            resolve_per_app(item, app)
