"""Every rule's citation in a JSON answer as people read it: a ``cite`` (or ``…_cite``) value anywhere in the
answer, in a schema's field or in a stored result dumped as it is, names its document by title and 文号 and then
the article (``《关于开展2025年度绿色工厂推荐工作的通知》（工信厅节函〔2025〕390号）二 (二)``), as the pages do
(:func:`core.plugins.rules.readable_cite`), never a plugin's seed file or a developer's note.

Answers are not changed in place: a part holding a citation is copied, the rest shared (a stored result or a
remembered value is never written to). Each citation is made readable once per process and region. An answer
whose schema is known (:func:`core.api.schema.dumped_answer`, the busiest collections) is read only where that
schema lets a citation be (:func:`plan_of`); any other answer is read whole.
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from marshmallow import Schema, fields

from core.plugins.citations import readable_cite

_MEMO = "greenmfg_readable_cites"
#: citations remembered per process; past this many the memo starts again (citations come from the plugins'
#: rules and a few stored records: a few hundred)
MAX_CITES = 4096


def _namer():
    memo = current_app.extensions.get(_MEMO)
    if memo is None or len(memo) >= MAX_CITES:
        memo = current_app.extensions[_MEMO] = {}

    def readable(cite: str) -> str:
        found = memo.get(cite)
        if found is None:
            text = readable_cite(cite)  # a citation with nothing a reader reads (no document, no Chinese) stays
            found = memo[cite] = text if text != cite else ""  # as given, rather than answered empty ("")
        return found or cite  # the very value given when it stays: its dict is not copied
    return readable


def _walk(value: Any, readable) -> Any:
    kind = type(value)
    if kind is dict:
        out = None
        for key, item in value.items():
            if type(item) is str:
                if key != "cite" and not (type(key) is str and key.endswith("_cite")):
                    continue
                new = readable(item)
            elif type(item) is dict or type(item) is list:
                new = _walk(item, readable)
            else:
                continue
            if new is not item:
                if out is None:
                    out = dict(value)
                out[key] = new
        return value if out is None else out
    if kind is list:
        return _each(value, lambda item: _walk(item, readable) if type(item) is dict or type(item) is list else item)
    return value


def _each(items: list, change) -> list:
    """``items`` with each changed by ``change``: the list itself when none changed, else a copy."""
    out = None
    for i, item in enumerate(items):
        new = change(item)
        if new is not item:
            if out is None:
                out = list(items)
            out[i] = new
    return items if out is None else out


#: in a plan: a value that may hold anything (read whole)
ANY = "any"
_PLANS = "greenmfg_cite_plans"
_UNKNOWN = object()


def plan_of(schema: type[Schema], _making: frozenset = frozenset()) -> dict[str, Any] | None:
    """Where the answers ``schema`` dumps may hold a citation: ``{key: True}`` for a citation, ``{key: ANY}`` for
    a value that may hold anything, ``{key: plan}`` for a nested schema's (of each item of a list), ``{key:
    ("values", plan)}`` for each value of a dict; ``None``: nowhere. Made once per schema and process (stored
    when whole: a thread never reads a plan being made)."""
    plans = current_app.extensions.setdefault(_PLANS, {})
    plan = plans.get(schema, _UNKNOWN)
    if plan is _UNKNOWN:
        if schema in _making:
            return ANY  # a schema nested in itself: read whole below its first level
        plan = plans[schema] = _schema_plan(schema(), _making | {schema})
    return plan


def _schema_plan(schema: Schema, making: frozenset) -> dict[str, Any] | None:
    plan = {}
    for name, field in schema.dump_fields.items():
        key = field.data_key or name
        found = _field_plan(key, field, making)
        if found is not None:
            plan[key] = found
    return plan or None


def _field_plan(key: str, field: fields.Field, making: frozenset) -> Any:
    if isinstance(field, fields.String):
        return True if key == "cite" or key.endswith("_cite") else None
    if isinstance(field, fields.Nested):
        return plan_of(type(field.schema), making)
    if isinstance(field, fields.List):
        return None if isinstance(field.inner, fields.String) else _field_plan("", field.inner, making)
    if isinstance(field, fields.Dict):
        if field.value_field is None:
            return ANY
        inner = _field_plan("", field.value_field, making)
        return None if inner is None else ("values", inner)
    if isinstance(field, (fields.Number, fields.Boolean, fields.DateTime, fields.Date, fields.Time)):
        return None
    return ANY  # Raw, Method, Function and the like: anything


def _planned(value: Any, plan: Any, readable) -> Any:
    if plan is ANY:
        return _walk(value, readable)
    kind = type(value)
    if kind is list:
        return _each(value, lambda item: _planned(item, plan, readable))
    if kind is not dict:
        return value
    if type(plan) is tuple:  # each value of a dict
        changed = {key: new for key, item in value.items() if (new := _planned(item, plan[1], readable)) is not item}
        return {**value, **changed} if changed else value
    out = None
    for key, inner in plan.items():
        item = value.get(key)
        if item is None:
            continue
        if inner is True:
            new = readable(item) if type(item) is str else item
        else:
            new = _planned(item, inner, readable)
        if new is not item:
            if out is None:
                out = dict(value)
            out[key] = new
    return value if out is None else out


def readable_cites(answer: Any, schema: type[Schema] | None = None) -> Any:
    """``answer`` with every citation in it made readable (a copy where one changed); read only where ``schema``
    lets a citation be, when it is given."""
    if type(answer) is not dict and type(answer) is not list:
        return answer
    if schema is None:
        return _walk(answer, _namer())
    plan = plan_of(schema)
    return answer if plan is None else _planned(answer, plan, _namer())
