"""Eligibility of an application: the negative-list declaration per item, automatic checks
against bans and list removals recorded in the database, and the region's rules (hooks).

Every result carries the rule's source plugin and citation and, when it fails, the reason.
Submission is blocked by an incomplete declaration, a ban or a recent removal; the region's
blocking rules block the city's recommendation (some need the city's own input, such as the
departments it consulted); non-blocking ones are warnings the reviewer acknowledges.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask import current_app
from sqlalchemy import select

from core.applications.fields import fields_for, typed_extension
from core.extensions import db
from core.models import Application, Ban, EvaluatorFirm, ListEntry
from core.plugins.types import Level

#: departments a city consults before recommending (domain.md D20; seed 003 三（一）, seed 004 第十三条)
CONSULTED_DEPARTMENTS = ("ecology_environment", "emergency_management", "market_regulation")


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def rule_data(application: Application, as_of: dt.date, city_input: Mapping[str, Any] | None = None) -> dict:
    """The mapping eligibility checks receive (core keys plus each plugin field under its code)."""
    rules = current_app.extensions["greenmfg"].rules
    held = sorted({level for (level,) in db.session.execute(
        select(ListEntry.level).where(ListEntry.organization_id == application.organization_id,
                                      ListEntry.status == "listed"))})
    data: dict[str, Any] = typed_extension(fields_for(rules, application.unit_type, application.level),
                                           application.extension_data or {})
    data.update({
        "unit_type": application.unit_type, "level": application.level, "year": application.campaign.year,
        "as_of": as_of, "held_levels": [Level(x) for x in held if x in set(Level)],
        "requested_levels": [Level(x) for x in (application.requested_levels or [application.level])],
        "industry": application.industry, "evaluation_mode": application.evaluation_mode,
    })
    # issue 6: the city's existing national units that have not filed (Hunan 2025, seed 001 四.1)
    from core.management.filings import unfiled_national_units

    data["city_unfiled_national_units"] = unfiled_national_units(application.admin_unit_id, application.campaign.year)
    if application.evaluator_firm_id:
        firm = db.session.get(EvaluatorFirm, application.evaluator_firm_id)
        # the firm's qualification data, for region rules on the third party (e.g. Hubei 附件2)
        data["evaluator"] = {**(firm.qualifications or {}), "name": firm.name, "uscc": firm.uscc,
                             "legal_representative": firm.legal_representative}
    if city_input:
        consulted = list(city_input.get("consulted_departments") or ())
        data["consulted_departments"] = consulted
    return data


def evaluate(application: Application, as_of: dt.date | None = None,
             city_input: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """All eligibility results for ``application``; ``ok`` is True, False, or None (manual check)."""
    rules = current_app.extensions["greenmfg"].rules
    as_of = as_of or dt.date.today()
    level = Level(application.level)
    org = application.organization
    results: list[dict[str, Any]] = []
    declared = application.declarations or {}
    removal_lookback = 3
    for item in rules.negative_list_for(application.unit_type, level):
        if item.code.endswith("removed_from_list"):
            removal_lookback = item.lookback_years
        ok = declared.get(item.code) is True
        results.append({"kind": "negative_list", "code": item.code, "title": item.title, "source": item.source,
                        "cite": item.cite, "blocking": True, "stage": "submit", "ok": ok,
                        "message": None if ok else "未声明 / not declared"})

    bans = db.session.scalars(select(Ban).where(Ban.uscc == org.uscc, Ban.subject == "organization",
                                                Ban.starts_on <= as_of, Ban.ends_on >= as_of)
                              .order_by(Ban.ends_on.desc())).all()
    for ban in bans:
        results.append({"kind": "ban", "code": f"ban.{ban.sanction_code}", "title": "禁止申报 / ban on applying",
                        "source": "database", "cite": ban.sanction_code, "blocking": True, "stage": "submit",
                        "ok": False, "message": f"{ban.reason}（至 {ban.ends_on.isoformat()} / until "
                                                f"{ban.ends_on.isoformat()}）"})
    cutoff = _years_before(as_of, removal_lookback)
    removals = db.session.scalars(select(ListEntry).where(
        ListEntry.organization_id == org.id, ListEntry.status == "removed", ListEntry.removed_on.is_not(None),
        ListEntry.removed_on >= cutoff, ListEntry.removed_on <= as_of)).all()
    for entry in removals:
        results.append({"kind": "removal", "code": f"removal.{entry.id}",
                        "title": "被动态调整出绿色制造名单 / removed from a green list",
                        "source": "database", "cite": entry.notice_no or "", "blocking": True, "stage": "submit",
                        "ok": False,
                        "message": f"{entry.year} {entry.level} {entry.unit_type}: {entry.removal_reason or ''}"
                                   f"（{entry.removed_on.isoformat()}）"})

    data = rule_data(application, as_of, city_input)
    for rule in rules.eligibility_rules_for(application.unit_type, level):
        result = {"kind": "rule", "code": rule.code, "title": rule.title, "source": rule.source, "cite": rule.cite,
                  "blocking": rule.blocking, "stage": "recommend", "ok": None, "message": None}
        if rule.check is not None:
            try:
                message = rule.check(data)
            except Exception as exc:  # a plugin bug must not break the page; the reviewer decides
                current_app.logger.exception("eligibility rule %s failed", rule.code)
                result["message"] = f"自动检查未能运行，需人工审核 / the automatic check could not run ({type(exc).__name__})"
            else:
                result["ok"] = message is None
                result["message"] = message
        results.append(result)
    return results


def submit_blockers(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in results if r["stage"] == "submit" and r["ok"] is False]


def recommend_blockers(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in results if r["blocking"] and r["ok"] is False]


def warnings(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a reviewer must acknowledge: failed non-blocking rules and rules checked by hand."""
    return [r for r in results if r["ok"] is None or (not r["blocking"] and r["ok"] is False)]


def jsonable_results(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: (str(v) if v is not None and not isinstance(v, (bool, str)) else v) for k, v in r.items()}
            for r in results]
