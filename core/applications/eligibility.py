"""Eligibility of an application: the negative-list declaration per item, automatic checks
against bans and list removals recorded in the database, and the region's rules (hooks).

Every result carries the rule's source plugin and citation and, when it fails, the reason.
Submission is blocked by an incomplete declaration, a ban or a recent removal; the region's
blocking rules block the city's recommendation (some need the city's own input, such as the
departments it consulted); non-blocking ones are warnings the reviewer acknowledges.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask import current_app
from sqlalchemy import select

from core.applications.evidence import SELF_REPORT_SECTION
from core.applications.fields import fields_for, typed_extension
from core.applications.levels import requested_levels
from core.applications.priority_results import evaluate as evaluate_priorities
from core.errors import GreenmfgError
from core.extensions import db
from core.i18n import bilingual, bilingual_text, both, halves
from core.kernel import facts
from core.clock import add_years, today
from core.kernel.facts import RuleData
from core.kernel.rules import region_rules, rules_of_round
from core.models import (
    Application, Ban, Campaign, EvaluationReport, EvaluationRequest, EvaluatorFirm, EvaluatorSanction, Evidence,
    ListEntry, Organization,
)
from core.plugins.citations import readable_cite
from core.plugins.types import JudgedCondition, Level, check_outcome
from core.services.limits import LEVEL_LABELS
from core.services.uscc import normalize_uscc


def N_(msgid: str) -> str:
    """Mark a message for extraction (translated by :func:`bilingual_text`)."""
    return msgid


def _removal_message(rules: Any, entry: ListEntry) -> str:
    """"2024年国家级绿色工厂：<reason>（2025-12-20） / 2024 national list (Green factory): <reason> (2025-12-20)": the list
    named by the region's words in each language, the reason's own half of each."""
    level, unit_type = rules.list_levels.get(entry.level), rules.unit_types.get(entry.unit_type)
    level_en = bilingual(LEVEL_LABELS[entry.level])["en"] if entry.level in LEVEL_LABELS else entry.level
    zh, en = halves(entry.removal_reason or "—")
    day = entry.removed_on.isoformat()
    return (f"{entry.year}年{level.name if level else entry.level}{unit_type.name if unit_type else entry.unit_type}"
            f"：{zh}（{day}） / {entry.year} {level_en} list ({unit_type.name_en if unit_type else entry.unit_type}): "
            f"{en} ({day})")


def round_listed_levels(application: Application) -> list[Level]:
    """Levels at which the unit was listed in the application's own round (same year and unit type):
    in a joint round, the provincial listing decided together with the national recommendation."""
    listed = db.session.scalars(select(ListEntry.level).where(
        ListEntry.organization_id == application.organization_id, ListEntry.unit_type == application.unit_type,
        ListEntry.year == application.campaign.year, ListEntry.status == "listed")).all()
    return [Level(x) for x in sorted(set(listed)) if x in set(Level)]


def rule_data(application: Application, as_of: dt.date, city_input: Mapping[str, Any] | None = None,
              level: str | None = None, stage: str = "city") -> RuleData:
    """The mapping eligibility checks receive (core keys plus each plugin field under its code).

    ``level``: the level checked (default the round's); ``stage``: ``city`` (the city recommends) or
    ``province`` (the province's gate to the national list)."""
    rules = region_rules()
    held = sorted({level for (level,) in db.session.execute(
        select(ListEntry.level).where(ListEntry.organization_id == application.organization_id,
                                      ListEntry.status == "listed"))})
    data = RuleData(typed_extension(fields_for(rules, application.unit_type, application.level),
                                    application.extension_data or {}))
    data.update({
        "unit_type": application.unit_type, "level": application.level, "year": application.campaign.year,
        "as_of": as_of, "held_levels": [Level(x) for x in held if x in set(Level)],
        "requested_levels": [Level(x) for x in (application.requested_levels or [application.level])],
        "industry": application.industry, "evaluation_mode": application.evaluation_mode,
    })
    # issue 15: joint rounds (Jiangxi 2024 003 一; Hubei 002 三(五))
    data.update({
        "level": Level(level or application.level), "stage": stage,
        "joint_round": rules.joint_round(application.campaign.level, application.campaign.year, application.unit_type),
        "round_listed_levels": round_listed_levels(application),
    })
    # issue 15: the city's units that owe a filing in this round and have not made it (Hunan 2025, 001 四.1),
    # from the feature that keeps filings, and only when a rule reads it
    data.deferred("city_unfiled_round_units",
                  lambda: facts.ask("city_unfiled_round_units", application.admin_unit_id, application.campaign))
    if application.evaluator_firm_id:
        firm = db.session.get(EvaluatorFirm, application.evaluator_firm_id)
        # the firm's qualification data, for region rules on the third party (e.g. Hubei 附件2)
        data["evaluator"] = {**(firm.qualifications or {}), "name": firm.name, "uscc": firm.uscc,
                             "legal_representative": firm.legal_representative}
        # issue 16: the independence the firm declared when it accepted this engagement (Hubei 附件2 二(三):
        # did not write the self-evaluation, not an interested party) reaches the region's rules
        accepted = db.session.scalars(select(EvaluationRequest).where(
            EvaluationRequest.application_id == application.id, EvaluationRequest.firm_id == firm.id,
            EvaluationRequest.status == "accepted").order_by(EvaluationRequest.id.desc())).first()
        if accepted is not None:
            data["evaluator"].update(accepted.declarations or {})
    if city_input:
        consulted = list(city_input.get("consulted_departments") or ())
        data["consulted_departments"] = consulted
    # the city's 推荐意见 (issue 53): the one it gives as it recommends, else the one it gave (None: not yet)
    data["city_opinion"] = (city_input["city_opinion"] if city_input and "city_opinion" in city_input
                            else application.city_opinion)
    return data


def engaged_report(application: Application) -> EvaluationReport | None:
    """The evaluation report of the firm engaged for ``application`` (its accepted request), if filed."""
    if application.evaluator_firm_id is None:
        return None
    return db.session.scalar(select(EvaluationReport).join(EvaluationRequest, EvaluationRequest.id ==
                                                           EvaluationReport.request_id)
                             .where(EvaluationReport.application_id == application.id,
                                    EvaluationReport.firm_id == application.evaluator_firm_id,
                                    EvaluationRequest.status == "accepted"))


def self_reports(application: Application) -> list[Evidence]:
    """The applicant's own self-evaluation report(s): an evidence section of the application."""
    return list(db.session.scalars(select(Evidence).where(Evidence.application_id == application.id,
                                                          Evidence.section == SELF_REPORT_SECTION)
                                   .order_by(Evidence.id)))


def _evaluation_report(application: Application, rules, as_of: dt.date) -> dict[str, Any] | None:
    """The evaluation report the region requires (issue 16; ``EvaluationModes.report_required``): in third-party
    mode the engaged firm's (with the day of its on-site visit where the region requires one, and not from a
    firm whose reports are refused under a sanction), in self mode the applicant's own self-evaluation report.
    It blocks the step the region names (``report_stage``: submission or the city's recommendation; the city's
    recommendation always waits for it), saying what is missing and the document and article. Where the region
    requires no report, a third-party application without one is a warning the city acknowledges."""
    modes = rules.evaluation_modes(application.unit_type, Level(application.level), application.campaign.year)
    third = application.evaluation_mode == "third_party"
    required = bool(modes.report_required or (third and modes.third_party_required))
    if not third and not required and not modes.third_party_required:
        return None
    message, stage = None, str(modes.report_stage) if required else "recommend"
    if not third and modes.third_party_required:
        # issue 53: the round asks for a third party's evaluation (a region's standing rule, or a condition its
        # notice switches on): a self-evaluated application is not submitted, whatever report it carries
        message, required, stage = bilingual_text(N_("this round requires an evaluation by a qualified third-party "
                                                     "firm; the application is self-evaluated")), True, "submit"
    elif third:
        firm = db.session.get(EvaluatorFirm, application.evaluator_firm_id) if application.evaluator_firm_id else None
        report = engaged_report(application) if firm is not None else None
        banned = None
        if firm is not None:
            banned = db.session.scalars(select(EvaluatorSanction).where(
                EvaluatorSanction.firm_id == firm.id, EvaluatorSanction.starts_on <= as_of,
                EvaluatorSanction.ends_on >= as_of).order_by(EvaluatorSanction.ends_on.desc())).first()
        if firm is None:
            message = bilingual_text(N_("no third-party firm has accepted the engagement yet"))
        elif banned is not None:
            # a reason kept as "中文 / English" reads in each half's own language (the Chinese page read
            # "评价报告数据造假 / falsified report data")
            reason_zh, reason_en = halves(banned.reason)
            text = N_("the reports of %(firm)s are not accepted until %(until)s (%(reason)s)")
            until = banned.ends_on.isoformat()
            zh = bilingual(text, firm=firm.name, until=until, reason=reason_zh)["zh"]
            en = bilingual(text, firm=firm.name, until=until, reason=reason_en)["en"]
            message = en if zh == en else f"{zh} / {en}"
        elif report is None:
            message = bilingual_text(N_("%(firm)s has not filed its evaluation report yet"), firm=firm.name)
        elif modes.on_site_visit and report.visited_on is None:
            message = bilingual_text(N_("the evaluation report of %(firm)s does not give the day of its on-site "
                                        "evaluation"), firm=firm.name)
    elif not self_reports(application):
        message = bilingual_text(N_("the self-evaluation report (PDF) is not uploaded yet"))
    if message is not None and required:
        message = f"{message}（{readable_cite(modes.cite)}）"
    return {"kind": "evaluation_report", "code": "evaluation_report",
            "title": bilingual_text(N_("Evaluation report")), "source": modes.source, "cite": modes.cite,
            "blocking": required, "stage": stage, "ok": message is None, "message": message}


def evaluate(application: Application, as_of: dt.date | None = None,
             city_input: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """All eligibility results for ``application``; ``ok`` is True, False, or None (manual check); a rule whose
    condition does not apply (``NotApplicable``) is ``ok`` True with ``applicable`` False.

    The region's rules are evaluated for every requested level (joint rounds): a rule for all levels
    once, with the round's level; a rule for named levels at each of them. Each result lists the
    ``levels`` it gates (see :func:`recommend_blockers`). A round opened from a notice applies the conditions the
    notice switches on or sets aside (issue 43, :func:`core.kernel.rules.rules_of_round`)."""
    rules = rules_of_round(application.campaign)
    as_of = as_of or today()
    level = Level(application.level)
    org = application.organization
    results: list[dict[str, Any]] = []
    declared = application.declarations or {}
    removal_lookback = 3
    for item in rules.negative_list_for(application.unit_type, level, application.campaign.year):
        if item.code.endswith("removed_from_list"):
            removal_lookback = item.lookback_years
        results.append(_declaration_result(item, declared.get(item.code)))

    bans = db.session.scalars(select(Ban).where(Ban.uscc == org.uscc, Ban.subject == "organization",
                                                Ban.starts_on <= as_of, Ban.ends_on >= as_of)
                              .order_by(Ban.ends_on.desc())).all()
    for ban in bans:
        zh, en = halves(ban.reason)
        until = ban.ends_on.isoformat()
        results.append({"kind": "ban", "code": f"ban.{ban.sanction_code}", "title": "禁止申报 / ban on applying",
                        "source": "database", "cite": ban.sanction_code, "blocking": True, "stage": "submit",
                        "ok": False, "message": f"{zh}（至 {until}） / {en} (until {until})"})
    cutoff = add_years(as_of, -removal_lookback)
    removals = db.session.scalars(select(ListEntry).where(
        ListEntry.organization_id == org.id, ListEntry.status == "removed", ListEntry.removed_on.is_not(None),
        ListEntry.removed_on >= cutoff, ListEntry.removed_on <= as_of)).all()
    for entry in removals:
        results.append({"kind": "removal", "code": f"removal.{entry.id}",
                        "title": "被动态调整出绿色制造名单 / removed from a green list",
                        "source": "database", "cite": entry.notice_no or "", "blocking": True, "stage": "submit",
                        "ok": False, "message": _removal_message(rules, entry)})

    report = _evaluation_report(application, rules, as_of)
    if report is not None:
        results.append(report)

    campaign = application.campaign
    joint = rules.joint_round(campaign.level, campaign.year, application.unit_type)
    asked = [x for x in requested_levels(application) if x == application.level or x in joint.levels]
    seen: dict[str, dict[str, Any]] = {}
    for at_level in asked:
        data = rule_data(application, as_of, city_input, level=at_level)
        for rule in rules.eligibility_rules_for(application.unit_type, Level(at_level), campaign.year):
            if rule.code in seen:  # a rule for every level: evaluated once, with the round's level
                seen[rule.code]["levels"].append(at_level)
                continue
            if rule.members_field:
                data.update(member_records(data.get(rule.members_field), as_of, removal_lookback))
            result = _rule_result(rule, data, at_level)
            if result["ok"] is False and city_input is None and _city_meets(rule, data, rules, at_level):
                result["met_by"] = "city"  # the city's step when it recommends, not the applicant's failure
            seen[rule.code] = result
            results.append(result)
    pending = _pending_provincial(application, data)
    if pending is not None:
        results.append(pending)
    # the region's priorities (优先推荐) flag the application; they never block nor warn
    if rules.priorities_for(application.unit_type, level, campaign.year):
        results.extend(evaluate_priorities(application, rule_data(application, as_of, city_input)))
    return results


def member_records(listed: Any, as_of: dt.date, lookback: int) -> dict[str, list]:
    """What the platform holds against the enterprises a unit answers for (``EligibilityRule.members_field``:
    their 统一社会信用代码, one per line or separated by commas): active bans, removals from a list within
    ``lookback`` years, and negative-list items they declared as applying in a round of those years.
    Returns ``member_records`` and ``member_invalid`` (entries that are not a valid code)."""
    codes, invalid = [], []
    for entry in re.split(r"[\s,，;；、]+", str(listed or "")):
        if not entry:
            continue
        try:
            codes.append(normalize_uscc(entry, field="members"))
        except GreenmfgError as exc:
            invalid.append(f"{entry[:40]}: {exc}")
    records: list[dict[str, Any]] = []
    if not codes:
        return {"member_records": records, "member_invalid": invalid}
    names = dict(db.session.execute(select(Organization.uscc, Organization.name)
                                    .where(Organization.uscc.in_(codes))).all())
    for ban in db.session.scalars(select(Ban).where(Ban.uscc.in_(codes), Ban.subject == "organization",
                                                    Ban.starts_on <= as_of, Ban.ends_on >= as_of)
                                  .order_by(Ban.uscc, Ban.id)):
        records.append({"uscc": ban.uscc, "name": names.get(ban.uscc, ""), "record": "ban",
                        "reason": bilingual_text(N_("banned from applying until %(until)s: %(reason)s"),
                                                 until=ban.ends_on.isoformat(), reason=ban.reason)})
    cutoff = add_years(as_of, -lookback)
    for entry, uscc in db.session.execute(select(ListEntry, Organization.uscc).join(
            Organization, Organization.id == ListEntry.organization_id).where(
            Organization.uscc.in_(codes), ListEntry.status == "removed", ListEntry.removed_on.is_not(None),
            ListEntry.removed_on >= cutoff, ListEntry.removed_on <= as_of).order_by(Organization.uscc, ListEntry.id)):
        records.append({"uscc": uscc, "name": names.get(uscc, ""), "record": "removal",
                        "reason": bilingual_text(N_("removed from a green list on %(day)s %(notice)s: %(reason)s"),
                                                 day=entry.removed_on.isoformat(), notice=entry.notice_no or "",
                                                 reason=entry.removal_reason or "—")})
    rules = region_rules()
    declared = (select(Application.declarations, Organization.uscc, Campaign.year)
                .join(Organization, Organization.id == Application.organization_id)
                .join(Campaign, Campaign.id == Application.campaign_id)
                .where(Organization.uscc.in_(codes), Campaign.year >= as_of.year - lookback, Campaign.year <= as_of.year)
                .order_by(Organization.uscc, Application.id))
    for declarations, uscc, year in db.session.execute(declared):
        for code, answer in sorted((declarations or {}).items()):
            if answer is False:
                item = rules.negative_list_items.get(code)
                records.append({"uscc": uscc, "name": names.get(uscc, ""), "record": "declaration",
                                "reason": bilingual_text(N_("declared as applying in the %(year)s round: %(item)s"),
                                                         year=year, item=item.title if item else code)})
    return {"member_records": records, "member_invalid": invalid}


def _declaration_result(item: Any, answer: Any) -> dict[str, Any]:
    """One negative-list item: ``True`` declared not to apply (passes); ``False`` declared to apply (the
    applicant may not apply: the item's document and article say so); anything else not declared yet."""
    ok = answer is True
    if ok:
        message = None
    elif answer is False:
        message = bilingual_text(N_("the applicant declared that this applies: it may not apply (%(cite)s)"),
                                 cite=readable_cite(item.cite))
    else:
        message = bilingual_text(N_("not declared"))
    return {"kind": "negative_list", "code": item.code, "title": both(item.title, item.title_en), "source": item.source,
            "cite": item.cite, "blocking": True, "stage": "submit", "ok": ok, "message": message}


def _evidence_text(rule: JudgedCondition, data: Mapping[str, Any]) -> str:
    given = [str(data.get(code)).strip() for code in rule.evidence if data.get(code) not in (None, "", False)]
    return "；".join(given)


def _rule_result(rule: Any, data: Mapping[str, Any], level: str) -> dict[str, Any]:
    result = {"kind": "rule", "code": rule.code, "title": both(rule.title, rule.title_en), "source": rule.source,
              "cite": rule.cite, "blocking": rule.blocking, "stage": "recommend", "ok": None, "message": None,
              "levels": [level]}
    if isinstance(rule, JudgedCondition):
        # the reviewer judges it on the applicant's evidence (shown here); the acknowledgement is audited
        result["kind"] = "judged_condition"
        missing = rule.check(data) if rule.check is not None else None
        if missing is not None:
            result.update(ok=False, message=missing)
        else:
            result["message"] = bilingual_text(N_("for the reviewer to judge on the evidence given: %(evidence)s"),
                                               evidence=_evidence_text(rule, data) or "—")
        return result
    if rule.check is not None:
        try:
            message = rule.check(data)
        except Exception as exc:  # a plugin bug must not break the page; the reviewer decides
            current_app.logger.exception("eligibility rule %s failed", rule.code)
            result["message"] = f"自动检查未能运行，需人工审核 / the automatic check could not run ({type(exc).__name__})"
        else:  # met, not met, for the reviewer (ReviewerJudges) or not applicable (NotApplicable: ok, applicable False)
            result.update(check_outcome(message)[1])
    return result


def _city_meets(rule: Any, data: RuleData, rules: Any, level: str) -> bool:
    """A condition only the city can meet: the check that fails on the applicant's data passes once the city has
    done its part (consulted every department the rules name, its other units filed the round's filing), so
    the applicant's page shows it as the city's step when it recommends, not as a failure of the application."""
    if rule.check is None or isinstance(rule, JudgedCondition):
        return False
    offered = rules.consulted_departments(Level(level), data.get("year"))
    probe = RuleData(data, deferred=dict(data._deferred))
    probe.update({"consulted_departments": [d for dep in offered.departments for d in (dep.code, dep.name)],
                  "city_unfiled_round_units": ()})
    try:
        return rule.check(probe) is None
    except Exception:  # noqa: BLE001 - a plugin's check that cannot run on the probe: shown as it was
        return False


def _pending_provincial(application: Application, data: Mapping[str, Any]) -> dict[str, Any] | None:
    """In a joint round where the same round's provincial listing satisfies the national prerequisite,
    an application asking for both levels shows the prerequisite as pending, not as a refusal."""
    joint = data.get("joint_round")
    asked = set(requested_levels(application))
    if (joint is None or not joint.provincial_satisfies_national or not {Level.NATIONAL, Level.PROVINCIAL} <= asked
            or Level.PROVINCIAL in {str(x) for x in data.get("held_levels", ())}):
        return None
    return {"kind": "joint_round", "code": "joint_round.provincial_pending",
            "title": bilingual_text(N_("National prerequisite: on the provincial list")), "source": joint.source,
            "cite": joint.cite, "blocking": True, "stage": "recommend", "ok": True,
            "message": bilingual_text(N_("pending the provincial decision of this round")),
            "levels": [str(Level.NATIONAL)]}


def with_current_report(application: Application, results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The checks recorded at submission with the evaluation report's check as it stands now: the firm files its
    report after the submission, and the city's recommendation reads the report as it is then, so a page that
    showed the submission's "no firm has accepted the engagement yet" beside the filed report was wrong."""
    current = _evaluation_report(application, rules_of_round(application.campaign), today())
    out = []
    for r in results:
        if r.get("code") == "evaluation_report" and current is not None:
            r = {**r, **jsonable_results([current])[0]}
        out.append(r)
    return out


def submit_blockers(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in results if r["stage"] == "submit" and r["ok"] is False]


def recommend_blockers(results: list[dict[str, Any]], levels: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Failed blocking results; with ``levels``, only those gating one of these levels."""
    wanted = None if levels is None else {str(x) for x in levels}
    return [r for r in results if r["blocking"] and r["ok"] is False
            and (wanted is None or not r.get("levels") or wanted & set(r["levels"]))]


def warnings(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a reviewer must acknowledge: failed non-blocking rules and rules checked by hand (judged conditions
    among them); never a priority."""
    return [r for r in results if r["kind"] != "priority"
            and (r["ok"] is None or (not r["blocking"] and r["ok"] is False))]


def _jsonable(value: Any) -> Any:
    """A result's value as stored and answered: texts, booleans and null as they are, a list (``levels``) as a
    list of its values (issue 58: ``str`` of a list was answered as its characters), anything else as its text."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    return str(value)


def jsonable_results(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: _jsonable(v) for k, v in r.items()} for r in results]
