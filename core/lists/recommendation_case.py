"""The case a recommendation file carries for each unit (issue 54), and the file's published schema.

Per unit the province's file says how the unit was evaluated (self or third party: the firm by name, credit code and
legal person, and the SHA-256 of its evaluation report), the city's opinion (推荐意见, 002_9c75e1d2ebfbdf50.txt
三(四)), the provincial panel's grade and scores, the checks the province ran with their sources (the gates of
:mod:`core.lists.recommend`), and the rules it applied (the plugins' versions and the round's notice).

The file's layout is the JSON Schema ``docs/recommendation-file.schema.json`` (draft 2020-12; the package's copy,
``recommendation_file.schema.json`` beside this module, is the same bytes): a province validates its file before
signing it, the ministry validates what it imports, and a file that does not follow it is refused naming the path
of its first error.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Mapping

from sqlalchemy import select

from core.errors import InvalidInput
from core.extensions import db
from core.i18n import N_
from core.models import (
    Application, EvaluationReport, EvaluationRequest, EvaluatorFirm, RecommendationItem, ReviewResult,
)

SCHEMA_FILE = Path(__file__).with_name("recommendation_file.schema.json")

#: the JSON types a schema names, in words
_KINDS = {"string": N_("a text"), "number": N_("a number"), "integer": N_("a whole number"),
          "object": N_("a group of fields"), "array": N_("a list"), "boolean": N_("yes or no"), "null": N_("empty")}


@functools.cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@functools.cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


def _pointer(parts: Any) -> str:
    return "/" + "/".join(str(p) for p in parts)


def _kind(kinds: list[str]) -> Any:
    """The JSON types a value may have, in words, in the language the message is read in (a text or empty)."""
    from flask_babel import LazyString, gettext

    from core.i18n import listed

    def text() -> str:
        empty = _KINDS["null"]
        named = listed(gettext(_KINDS.get(k, k)) for k in kinds if k != "null") or gettext(empty)
        return gettext("%(kind)s or empty", kind=named) if "null" in kinds and len(kinds) > 1 else named

    return LazyString(text)


def validate(document: Mapping[str, Any]) -> None:
    """Refuse ``document`` unless it follows the published schema, naming the path of its first error (the first
    by position in the file) in Chinese and English."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        return
    error = errors[0]
    while error.context:  # oneOf: the branch that came nearest
        error = max(error.context, key=lambda e: len(e.absolute_path))
    path = list(error.absolute_path)
    fmt = schema()["properties"]["format"]["const"]
    if error.validator == "required":
        missing = next((name for name in error.validator_value if name not in (error.instance or {})), "")
        raise InvalidInput("The recommendation file lacks %(path)s, which format %(format)s requires.",
                           field="file", path=_pointer(path + [missing]), format=fmt)
    if error.validator == "type":
        kinds = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        raise InvalidInput("The recommendation file has a wrong value at %(path)s: format %(format)s expects "
                           "%(kind)s.", field="file", path=_pointer(path), format=fmt, kind=_kind(kinds))
    raise InvalidInput("The recommendation file has a value at %(path)s that format %(format)s does not allow.",
                       field="file", path=_pointer(path), format=fmt)


# -------------------------------------------------------------------- case --


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def evaluation(application: Application) -> dict[str, Any]:
    """How the unit was evaluated: its mode, the third-party firm it engaged and the firm's report (the latest
    filed)."""
    report = db.session.scalars(select(EvaluationReport).where(EvaluationReport.application_id == application.id)
                                .order_by(EvaluationReport.id.desc())).first()
    firm_id = application.evaluator_firm_id or (report.firm_id if report is not None else None)
    if firm_id is None:
        firm_id = db.session.scalar(select(EvaluationRequest.firm_id).where(
            EvaluationRequest.application_id == application.id, EvaluationRequest.status == "accepted")
            .order_by(EvaluationRequest.id.desc()))
    firm = db.session.get(EvaluatorFirm, firm_id) if firm_id is not None else None
    return {
        "mode": application.evaluation_mode or "self",
        "firm": None if firm is None else {"name": firm.name, "uscc": firm.uscc,
                                           "legal_representative": firm.legal_representative},
        "report": None if report is None else {
            "sha256": report.sha256, "pages": report.pages, "score": _float(report.score),
            "visited_on": report.visited_on.isoformat() if report.visited_on else None},
    }


def expert_review(result: ReviewResult | None) -> dict[str, Any]:
    """The provincial panel's grade and scores: the mean total, the experts, the grade, the mean per indicator."""
    if result is None:
        return {"score": None, "experts": 0, "tier": None, "tier_label": None, "indicator_scores": {},
                "graded_at": None}
    return {"score": _float(result.score), "experts": result.experts, "tier": result.tier,
            "tier_label": result.tier_label,
            "indicator_scores": {str(k): _float(v) for k, v in (result.indicator_means or {}).items()},
            "graded_at": result.graded_at.isoformat() if result.graded_at else None}


def _named(source: str) -> str:
    """Who supplies a rule by name in both languages (江西省 / Jiangxi): the ministry runs no plugin of the province
    to name it by."""
    from flask_babel import force_locale

    from core.i18n import both
    from core.kernel.rules import source_name

    names = []
    for language in ("zh", "en"):
        with force_locale(language):
            names.append(str(source_name(source)))
    return both(names[0], names[1] if names[1] != names[0] else None)


def checks(item: RecommendationItem) -> list[dict[str, Any]]:
    """The gates as the province checked them when it added the unit, each with its source and citation."""
    from core.plugins.citations import readable_cite

    out = []
    for g in item.gates or []:
        row = {k: g.get(k) for k in ("code", "title", "ok", "blocking", "message", "source", "cite", "acknowledged")}
        row["source"] = str(row["source"] or "core")
        row["blocking"] = bool(row["blocking"])
        for key in ("title", "message", "cite"):
            row[key] = None if row[key] in (None, "") else str(row[key])
        if row["cite"]:  # as people cite it (《title》（文号）article), never a file name
            row["cite"] = str(readable_cite(row["cite"]))
        row["source_name"] = _named(row["source"])
        if g.get("applicable") is False:
            row["applicable"] = False
        out.append(row)
    return out


def rules_version(rules: Any, application: Application) -> dict[str, Any]:
    """The rules the province applied: the rules listing's format, the active plugins with their versions, and the
    round (its notice's number where it was opened from one)."""
    from core.services.rules_export import FORMAT

    campaign = application.campaign
    return {"format": FORMAT, "region": rules.region_code,
            "plugins": [{"name": name, "title": _named(name),
                         "version": getattr(rules.identities.get(name), "version", None)}
                        for name, _ in rules.pm.list_name_plugin()],
            "round": {"title": campaign.title, "notice_no": campaign.notice_no}}


def case(item: RecommendationItem, result: ReviewResult | None, rules: Any) -> dict[str, Any]:
    """The case of one recommended unit, as the file carries it beside the unit's identity and scores."""
    application = item.application
    return {"evaluation": evaluation(application), "city_opinion": application.city_opinion or None,
            "expert_review": expert_review(result), "gates": checks(item),
            "rules_version": rules_version(rules, application)}


# ---------------------------------------------------------------- imported --


def shown(item: Mapping[str, Any]) -> dict[str, Any]:
    """What the ministry's import page shows of one row's case (plain values read from the file)."""
    ev = item.get("evaluation") if isinstance(item.get("evaluation"), dict) else {}
    review = item.get("expert_review") if isinstance(item.get("expert_review"), dict) else {}
    version = item.get("rules_version") if isinstance(item.get("rules_version"), dict) else {}
    gates = [g for g in item.get("gates") or [] if isinstance(g, dict)]
    from core.kernel.names import mode_name

    return {
        "mode": ev.get("mode"), "mode_name": mode_name(str(ev.get("mode") or "")) if ev.get("mode") else None,
        "firm": ev.get("firm") if isinstance(ev.get("firm"), dict) else None,
        "report": ev.get("report") if isinstance(ev.get("report"), dict) else None,
        "city_opinion": item.get("city_opinion"),
        "review": {"score": review.get("score"), "experts": review.get("experts"),
                   "indicator_scores": review.get("indicator_scores") or {}},
        "checks": [{"title": g.get("title") or g.get("code"), "ok": g.get("ok"),
                    "source": g.get("source_name") or g.get("source"),
                    "cite": g.get("cite"), "acknowledged": g.get("acknowledged")} for g in gates],
        "plugins": [p for p in version.get("plugins") or [] if isinstance(p, dict)],
        "round": version.get("round") if isinstance(version.get("round"), dict) else None,
    }


def firm_of(firm: Mapping[str, Any] | None) -> EvaluatorFirm | None:
    """The national instance's record of the firm a file names (made on first sight, by credit code), so that the
    imported application names the firm that evaluated it."""
    if not isinstance(firm, Mapping) or not firm.get("uscc"):
        return None
    uscc = str(firm["uscc"])[:18]
    row = db.session.scalar(select(EvaluatorFirm).where(EvaluatorFirm.uscc == uscc))
    if row is None:
        row = EvaluatorFirm(uscc=uscc, name=str(firm.get("name") or uscc)[:200],
                            legal_representative=str(firm.get("legal_representative") or "")[:100], qualifications={})
        db.session.add(row)
        db.session.flush()
    return row
