"""The effective rules of a region as plain data (``greenmfg rules``, the rules page, the API).

The layout is documented in docs/rules-json.md; change both together.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Any

from core.declared_fields import web_field
from core.plugins.applied import AHEAD, CARRIED, NOTICE, RoundNotice, applied_rules
from core.plugins.rules import RegionRules
from core.plugins.types import year_text

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


def rule_rows(rules: RegionRules, year: int, notice: RoundNotice | None = None) -> list[dict[str, Any]]:
    """Every rule a round of ``year`` applies (:func:`core.plugins.applied.applied_rules`, the resolver the
    services' lookups go through), each with its readable source (``readable_cite``) and where it stands:
    ``applied_as`` is ``in_force`` (a document it cites is in force in ``year``), ``carried`` (its documents
    expired: ``carried_from`` names them and ``value.reused`` says so), ``ahead`` (its documents came later)
    or ``default`` (no document: a platform default or this instance's setting). With the ``notice`` a round was
    opened from (issue 43), what the notice sets is ``notice`` (``value.notice`` says what it does, naming its 文号;
    ``value.applied`` is False for a condition it sets aside; a condition it switches on is ``carried_from`` the
    earlier notice)."""
    rows = []
    for rule in applied_rules(rules, year, notice):
        kind, key, record, documents = rule.kind, rule.key, rule.record, list(rule.documents)
        value = plain(record)
        if rule.standing in (CARRIED, AHEAD):
            value["reused"] = _reused(rules, kind, record, year, documents) or rule.note
        if rule.standing == NOTICE:
            value["notice"], value["applied"] = rule.note, rule.applied
        for note in _inferences(kind, record):
            value.setdefault("inferences", []).append(note)
        if kind == "form_field":
            choices = field_choices(record)
            if choices:
                value["choices"] = choices
        if kind in ("summary_layout", "form_field"):  # texts with year fields read for the year listed
            value = _filled(value, year)
        if kind == "deadline":
            day = record.for_year(year)
            value["date_in_year"] = day.isoformat() if day else None
        if kind in ("eligibility_rule", "evaluator_requirement", "priority"):
            value["automatic_check"] = record.check is not None
        if kind in ("evaluator_cap", "shared_evaluator_cap") and record.limit is not None:
            # the levels whose projects count against one counter (a cap may count several together)
            order = {"city": 0, "provincial": 1, "national": 2}
            value["counted_together"] = sorted((str(x) for x in record.levels), key=lambda x: order.get(x, 9))
        rows.append({
            "kind": kind,
            "key": key,
            "source": record.source,
            "cite": rules.readable(record.cite),
            "documents": [d.code for d in documents],
            "replaced": record.replaced,
            "applied_as": rule.standing,
            "carried_from": [d.label for d in documents] if rule.standing in (CARRIED, AHEAD)
            or (rule.standing == NOTICE and kind == "eligibility_rule") else [],
            "value": value,
        })
    return rows


#: what users are told about scoring rules the platform infers (the official formulas are unpublished)
LINEAR_INFERENCE = ("平台默认（官方计分公式未公布）：定量指标在基准值与引领值之间按线性插值计分 / platform default "
                    "(the official formula is unpublished): a quantitative indicator scores linearly between its "
                    "baseline (基准值) and leading value (引领值)")
ELASTICITY_INFERENCE = ("平台默认（官方计分公式未公布）：园区弹性系数指标的计分规则由平台设定 / platform default (the "
                        "official formula is unpublished): the platform sets how the park's elasticity indicators score")


def scoring_inferences(indicator_set: Any) -> list[str]:
    """The platform defaults an indicator table's scores rest on: linear interpolation between 基准值 and 引领值
    and, where the table has elasticity indicators, the elasticity rule."""
    notes = []
    kinds = {str(i.kind) for i in indicator_set.indicators}
    if kinds & {"positive", "reverse"} and indicator_set.params.get("interpolation", "linear") == "linear":
        notes.append(LINEAR_INFERENCE)
    if "elasticity" in kinds:
        notes.append(ELASTICITY_INFERENCE)
    return notes


def _inferences(kind: str, record: Any) -> list[str]:
    return scoring_inferences(record) if kind == "indicator_set" else []


def _reused(rules: RegionRules, kind: str, record: Any, year: int, documents: list) -> str | None:
    """What a round of ``year`` reuses, said the way a clerk knows it (an earlier year's indicator table, form or
    summary layout); ``None`` for other rules (the resolver's note says which document they are carried from)."""
    if any(d.starts is not None and d.starts.year > year for d in documents):
        return None  # not issued yet: nothing reused
    source = "；".join(d.label for d in documents)
    if kind == "indicator_set" and rules.indicator_set(record.unit_type, year) is record:
        return f"{year}年沿用{record.year_from}年度指标表：{source} / {year} reuses the {record.year_from} table"
    if kind == "form_field":  # the forms stay offered until a newer document replaces them
        return f"{year}年沿用以下文件的申报表：{source} / {year} reuses the form of that document"
    if kind == "summary_layout" and record.years and max(record.years) < year:
        same = [lay for lay in rules.summary_layouts.values()
                if set(lay.levels) == set(record.levels) and lay.years and max(lay.years) < year]
        if max(same, key=lambda lay: max(lay.years)) is record:
            return (f"{year}年沿用{max(record.years)}年度汇总表格式：{source} / {year} reuses the "
                    f"{max(record.years)} layout")
    return None


def field_choices(form_field: Any) -> list[str]:
    """The labels of the choices a plugin's form field offers (Hunan's 11 industries), in order; empty for a
    field without a fixed list."""
    try:
        unbound = web_field(form_field)
    except Exception:  # noqa: BLE001 - a field needing an app context lists no choices here
        return []
    choices = getattr(unbound, "kwargs", {}).get("choices")
    if not choices or callable(choices):
        return []
    out = []
    for choice in choices:
        label = getattr(choice, "label", None)
        if label is None:
            label = choice[1] if isinstance(choice, (tuple, list)) and len(choice) > 1 else choice
        out.append(str(label))
    return out


def document_rows(rules: RegionRules, year: int) -> list[dict[str, Any]]:
    """The documents of the active plugins with their validity and whether they are in force in ``year``."""
    return [{"code": d.code, "label": d.label, "number": d.number, "title": d.title, "title_en": d.title_en,
             "issuer": d.issuer, "issued": d.issued.isoformat() if d.issued else None,
             "valid_from": d.starts.isoformat() if d.starts else None,
             "valid_to": d.valid_to.isoformat() if d.valid_to else None,
             "in_force": d.in_force_in(year), "source": d.source}
            for d in sorted(rules.documents.values(), key=lambda d: (d.starts or dt.date.min, d.code))]


def own_documents(rules: RegionRules, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Of :func:`document_rows`, the documents of the instance's own authorities: the ones the region's plugin
    registers and the ones issued by the authority of a plugin it runs (the ministry, the region's department).
    Another province's document the national plugin registers because a platform default cites its practice is
    not one of this region's documents; the rule citing it still names it in full."""
    own = {name for name, _ in rules.pm.list_name_plugin() if name != "national"}
    issuers = tuple(identity.name for identity in rules.identities.values() if identity.name)
    return [row for row in rows if row["source"] in own or str(row["issuer"]).startswith(issuers)]


def _filled(value: Any, year: int) -> Any:
    """``value`` with every text's year fields ({year}, {year-1}) filled for ``year`` ({unit} stays)."""
    if isinstance(value, str) and "{" in value:
        try:
            return year_text(value, year, unit="{unit}")
        except (KeyError, ValueError, IndexError):
            return value
    if isinstance(value, dict):
        return {k: _filled(v, year) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, year) for v in value]
    return value


def rules_document(rules: RegionRules, year: int, notice: RoundNotice | None = None) -> dict[str, Any]:
    plugins = [
        {"name": name, "version": getattr(rules.identities.get(name), "version", None)}
        for name, _ in rules.pm.list_name_plugin()
    ]
    return {
        "format": FORMAT,
        "region": {"code": rules.region.code, **plain(rules.region), "source": rules.region.source,
                   "cite": rules.readable(rules.region.cite)},
        "year": year,
        "plugins": plugins,
        "documents": document_rows(rules, year),
        "rules": rule_rows(rules, year, notice),
    }


def indicator_table_notes(rules: RegionRules, indicator_set: Any, year: int) -> tuple[list[str], dict[str, Any]]:
    """What a score of ``year`` rests on: the platform defaults of its formulas (:func:`scoring_inferences`) and
    the indicator table with its readable source, saying when the round reuses another year's table."""
    documents = rules.cited_documents(indicator_set.cite)
    table = {"code": indicator_set.code, "title": indicator_set.title, "year_from": indicator_set.year_from,
             "cite": rules.readable(indicator_set.cite), "reused": None}
    if documents and not any(d.in_force_in(year) for d in documents) and indicator_set.year_from < year:
        table["reused"] = (f"{year}年沿用{indicator_set.year_from}年度指标表：" + "；".join(d.label for d in documents)
                           + f" / {year} reuses the {indicator_set.year_from} table")
    notes = scoring_inferences(indicator_set)
    return [{"rule": "linear" if note == LINEAR_INFERENCE else "elasticity", "text": note} for note in notes], table
