"""A comparison of rules (:func:`core.services.rules_diff.compare`) as the rows people read (issue 53): one row per
rule, in the page's language, with both values and both sources (the document's 文号 and the article).
``greenmfg rules diff`` prints these rows and the page /rules/diff shows them: one function feeds both."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

#: fields of a rule's value as people name them; another field is "another value"
FIELD_NAMES = {"limit": _l("Limit"), "days": _l("Days"), "count": _l("Counted in"), "basis": _l("Counted per"),
               "date_in_year": _l("Date"), "month_day": _l("Date"), "rounds": _l("Dates of particular rounds"),
               "title": _l("Title"), "name": _l("Name"), "label": _l("Label"), "choices": _l("Choices"),
               "levels": _l("Levels"), "binding": _l("Binding"), "applied": _l("Applied"),
               "required": _l("Required"), "tiers": _l("Tiers"), "source": _l("Source"), "cite": _l("Citation"),
               "applied_as": _l("How it applies"), "counted_together": _l("Levels counted together"),
               "period": _l("Years"), "allowed": _l("Evaluation modes allowed"),
               "third_party_required": _l("Third-party evaluation required"),
               "report_required": _l("Evaluation report required"), "report_stage": _l("Report due"),
               "on_site_visit": _l("On-site evaluation"), "applies": _l("Applies"),
               "platform_default": _l("Platform default"), "file_required": _l("Document required"),
               "provincial_satisfies_national": _l("Provincial listing in the same round counts for the national"),
               "scope": _l("What may be corrected"), "fields": _l("Fields that may be corrected"),
               "max_days": _l("Days to correct"), "blocking": _l("Blocking"),
               "stage": _l("Stage")}
#: how a rule applies, as people read it
APPLIED_AS = {"in_force": _l("in force"), "carried": _l("carried from an expired document"),
              "ahead": _l("applied ahead of its document"), "default": _l("platform default or this instance's setting"),
              "notice": _l("set by the round's notice")}
#: values that are codes, as people name them
_CODES = {"report_stage": {"submit": _l("with the application"), "recommend": _l("before the city recommends")},
          "scope": {"everything": _l("any part of the application"), "fields": _l("the named fields only")}}
#: the kinds of rule a notice sets (core.plugins.applied.NoticeRule) by the listing's kind
_NOTICE_KINDS = {"eligibility_rule": "condition"}
_UNREADABLE = _l("changed (see the rules of each side)")
#: the application's own fields a correction policy names (core.plugins.types.CorrectionPolicy), as the forms do
_APPLICATION_FIELDS = {"contact_name": _l("Contact person"), "contact_phone": _l("Contact phone"),
                       "contact_email": _l("Contact e-mail"), "legal_representative": _l("Legal representative"),
                       "address": _l("Address"), "industry": _l("Industry"), "evaluation_mode": _l("Evaluation mode"),
                       "requested_levels": _l("Levels applied for"), "evidence": _l("Evidence")}


def field_name(field: str) -> str:
    """A compared field as people name it."""
    return str(FIELD_NAMES.get(field, _l("Another value")))


def shown_fields(fields: list[str]) -> list[str]:
    """The changed fields as a page names them: an English twin (``label_en``) folds into its field."""
    return sorted({f.removesuffix("_en") for f in fields})


def shown(row: dict[str, Any], field: str, rules: Any = None) -> str:
    """A field of a rule's value as a page shows it, in the page's language (a field's English twin on English
    pages); a value that does not read as text (a table's layout) is said to have changed, never shown as code."""
    from core.i18n import listed, local_text
    from core.kernel.names import level_name, mode_name

    value = row["value"].get(field, True if field == "applied" else None)
    value = local_text(value, row["value"].get(f"{field}_en")) if isinstance(value, str) else value
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if field == "allowed" and isinstance(value, list):
        return listed(mode_name(v) for v in value) or "—"
    if field in ("levels", "counted_together") and isinstance(value, list):
        return listed(level_name(v) for v in value) or "—"
    if field == "fields" and isinstance(value, list):
        labels = {**{f"ext.{code}": local_text(f.label, getattr(f, "label_en", None))
                     for code, f in getattr(rules, "form_fields", {}).items()}, **_APPLICATION_FIELDS}
        return listed(labels.get(v, _l("Application data")) for v in value) or "—"
    if field in _CODES:
        return str(_CODES[field].get(value, _UNREADABLE))
    if field == "condition" and isinstance(value, str) and value:  # the condition a policy carries out, by its title
        record = getattr(rules, "eligibility_rules", {}).get(value)
        return str(local_text(record.title, record.title_en)) if record is not None else str(_UNREADABLE)
    if isinstance(value, dict) and isinstance(value.get("name"), str):  # a stage, a level: by its name
        return local_text(value["name"], value.get("name_en"))
    if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value)):
        return str(_UNREADABLE)
    if isinstance(value, list):
        value = listed(value)
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= 160 else text[:159] + "…"


def status_name(row: dict[str, Any]) -> str:
    return str(APPLIED_AS.get(row["applied_as"], _l("Another value")))


def _names(rules: Any) -> dict[str, str]:
    from core.kernel.names import local_name

    if rules is None:
        return {}
    return {**{c: local_name(t) for c, t in rules.unit_types.items()},
            **{c: local_name(v) for c, v in rules.list_levels.items()},
            **{u.code: u.name for u in rules.admin_units.values()}}


def rule_name(row: dict[str, Any], key: str, names: dict[str, str]) -> str:
    """What a rule is called: its title, name or label in the page's language, else whom it concerns (绿色工厂 ·
    国家级, 长沙市 · 绿色工厂); never its code."""
    from core.i18n import local_text

    value = row["value"]
    for name in ("title", "name", "label"):
        if isinstance(value.get(name), str) and value[name]:
            return local_text(value[name], value.get(f"{name}_en"))
    parts = [names[p] for p in key.split("/") if p in names]
    return " · ".join(parts) or "—"


def _source(row: dict[str, Any] | None, about: dict[str, Any]) -> tuple[str, str]:
    """A rule's source on one side: the documents' 文号 (the notice's for what a notice sets), and the citation
    with the article (``《…》（文号）二 (一)``)."""
    from core.kernel.rules import source_name

    if row is None:
        return "", ""
    rules, numbers, cite = about["rules"], [], row["cite"] or ""
    notice = about.get("set")
    if row["applied_as"] == "notice" and notice is not None:
        numbers.append(notice.number)
        if notice.number not in cite:  # a condition set aside keeps its own citation: the notice's article first
            kind = _NOTICE_KINDS.get(row["kind"], row["kind"])
            rule = next((r for r in notice.of_kind(kind) if row["key"] in (r.key, f"{r.key}/{notice.year}")), None)
            cite = "；".join(c for c in (notice.cite(rule.article if rule else ""), cite) if c)
    for code in row.get("documents") or ():
        doc = rules.documents.get(code) if rules is not None else None
        text = (doc.number or doc.label) if doc is not None else code
        if text not in numbers:
            numbers.append(text)
    if not numbers:  # no document: a platform default (or this instance's setting), said so
        return source_name("core" if row["applied_as"] == "default" else row["source"]), cite
    return "、".join(numbers), cite


#: what an added or removed rule's row shows of its value (a quota's places, a deadline's day)
_MAIN = ("limit", "date_in_year", "days")


def _main(row: dict[str, Any] | None) -> list[str]:
    return [] if row is None else [f for f in _MAIN if row["value"].get(f) is not None]


def _row(change: str, key: tuple[str, str], before: dict | None, after: dict | None, fields: list[str],
         found: dict[str, Any], names: dict[str, str], b_about: dict[str, Any]) -> dict[str, Any]:
    a_about = found["a"]
    shown_as = shown_fields(fields)
    both = before is not None and after is not None
    before_doc, before_cite = _source(before, a_about)
    after_doc, after_cite = _source(after, b_about)
    latest = after if after is not None else before
    return {"change": change, "kind": key[0], "key": key[1], "rule": rule_name(latest, key[1], names),
            "fields": shown_as,
            "changes": [{"field": field_name(f), "before": shown(before, f, a_about["rules"]),
                         "after": shown(after, f, b_about["rules"])} for f in shown_as] if both else [],
            "before": {f: shown(before, f, a_about["rules"]) for f in (shown_as if both else _main(before))},
            "after": {f: shown(after, f, b_about["rules"]) for f in (shown_as if both else _main(after))},
            "source": latest["source"], "cite": after_cite or before_cite,
            "before_document": before_doc, "before_cite": before_cite,
            "after_document": after_doc, "after_cite": after_cite,
            "before_status": status_name(before) if before is not None else "",
            "after_status": status_name(after) if after is not None else "",
            "notice": b_about.get("notice") if b_about is not found["b"] else None,
            "round": b_about.get("round"), "round_id": b_about.get("round_id")}


def diff_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    """Every row of a comparison, in the page's language: the rules added, removed and changed between the two
    sides, those whose status alone differs (``change`` "status"), then per round of the second year opened from a
    notice, each rule the notice sets (``notice``: its 文号; ``round``: the round's title)."""
    names = {**_names(found["a"]["rules"]), **_names(found["b"]["rules"])}
    b = found["b"]
    rows = [_row("added", (r["kind"], r["key"]), None, r, [], found, names, b) for r in found["added"]]
    rows += [_row("removed", (r["kind"], r["key"]), r, None, [], found, names, b) for r in found["removed"]]
    for change in ("changed", "status"):
        rows += [_row(change, (c["kind"], c["key"]), c["a"], c["b"], c["fields"], found, names, b)
                 for c in found[change]]
    for by_notice in found["notices"]:
        about = {**b, "notice": by_notice["notice"]["number"], "set": by_notice["notice"]["set"],
                 "round": by_notice["round"]["title"],
                 "round_id": by_notice["round"]["id"]}
        rows += [_row("added", (r["kind"], r["key"]), None, r, [], found, names, about) for r in by_notice["added"]]
        rows += [_row("changed", (c["kind"], c["key"]), c["a"], c["b"], c["fields"], found, names, about)
                 for c in by_notice["changed"]]
    return rows


def summary(rows: list[dict[str, Any]]) -> dict[str, int]:
    """How many rules of each change the comparison lists (a notice's rules apart, under ``notice``)."""
    counts = {"added": 0, "removed": 0, "changed": 0, "status": 0, "notice": 0}
    for row in rows:
        counts["notice" if row["notice"] else row["change"]] += 1
    return counts
