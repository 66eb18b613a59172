"""The effective rules of a region as plain data (``greenmfg rules``, the rules page, the API).

The layout is documented in docs/rules-json.md; change both together.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Any

from core.plugins.rules import RegionRules

FORMAT = "greenmfg.rules/1"
_PROVENANCE = {"cite", "source", "replaced", "code", "replaces"}


def plain(value: Any) -> Any:
    """Turn record values into JSON-ready data; callables become their documented absence."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in _PROVENANCE and not callable(getattr(value, f.name))
        }
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    return value


def rule_rows(rules: RegionRules, year: int) -> list[dict[str, Any]]:
    rows = []
    for kind, key, record in rules.effective_rules(year):
        value = plain(record)
        if kind == "deadline":
            day = record.for_year(year)
            value["date_in_year"] = day.isoformat() if day else None
        if kind in ("eligibility_rule", "evaluator_requirement"):
            value["automatic_check"] = record.check is not None
        rows.append({
            "kind": kind,
            "key": key,
            "source": record.source,
            "cite": record.cite,
            "replaced": record.replaced,
            "value": value,
        })
    return rows


def rules_document(rules: RegionRules, year: int) -> dict[str, Any]:
    plugins = [
        {"name": name, "version": getattr(rules.identities.get(name), "version", None)}
        for name, _ in rules.pm.list_name_plugin()
    ]
    return {
        "format": FORMAT,
        "region": {"code": rules.region.code, **plain(rules.region), "source": rules.region.source,
                   "cite": rules.region.cite},
        "year": year,
        "plugins": plugins,
        "rules": rule_rows(rules, year),
    }
