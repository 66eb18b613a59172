"""Recommendation upward (省级推荐): a province recommends units to the national list within the
national window, exports the recommendation as a signed file (JSON for machines, xlsx for people),
and a national instance imports it and queues the units for national review.

Gates checked when staff add a unit (each with its source):

* the tier gate: the provincial panel's tier must allow recommendation (Shanxi: B or better,
  004_7a8ddd82f611ab67.txt 第十四条; ``Tier.recommendable``);
* the region's eligibility rules at national level (``rules.eligibility_rules_for(type, national, year)``):
  provincial listing first (办法 第十一条), the 2025 round's unit types, Jiangxi's "apply again"
  (003_a3fa60aeba77aa34.txt 一), the departments consulted...; blocking ones refuse, the others
  are warnings staff acknowledge;
* "in principle not below the average of the province's existing national units" where the round's rule
  has it (``rules.average_gate(year, unit_type)``; national: 001_3f04a56fc6693327.txt 工信厅节函〔2025〕390号
  一, 2025 factories and parks, a warning to acknowledge; a region may make it blocking or drop it);
* not banned, not already on the national list.

The deadline is ``rules.deadline("province_recommendation", year)`` (办法 第十二条 07-31; 2025: 11-07),
ending 24:00 Beijing time. Signing (issue 22): Ed25519, or SM2-SM3 (issue 47, ``GREENMFG_SIGNING_ALGORITHM``),
over the canonical JSON with the province's private key (:mod:`core.services.signing`:
``GREENMFG_RECOMMENDATION_KEY_FILE`` written by ``greenmfg keys generate`` outside the instance folder); the
national instance verifies it with the public key it registered for the province (:mod:`core.lists.keys`) and
refuses a tampered file, a file signed by a key not registered for the province it names, and a replayed file
(each file carries its own id, imported once, and its export time, which may be neither in the future nor older
than ``GREENMFG_RECOMMENDATION_MAX_AGE_DAYS``).

This module holds the gates and the recommendation itself; the file's fixed points and signature are
:mod:`core.lists.recommendation_file`, its export :mod:`core.lists.recommendation_export` and its import
:mod:`core.lists.recommendation_import`, whose public names are importable from here too.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from flask import current_app
from flask_babel import LazyString
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.applications.levels import is_for, recommended_levels, requested_levels
from core.errors import NotFound, Refused
from core.extensions import db
from core.i18n import N_, bilingual_text, both, lazy_list
from core.clock import SHANGHAI, aware, now, today
from core.kernel.rules import region_rules, results_line, rules_of_round
from core.models import (
    Application, ApplicationStatus as S, AuditLog, Ban, Campaign, ListEntry, Recommendation,
    RecommendationItem, ReviewResult, UnitScore,
)
from core.kernel.names import level_name, tier_name
from core.plugins.types import Level, check_outcome
from core.services import audit
from core.services.deadlines import (round_years)
# the file's export, import and signature, here too: the pages, the API, the CLI and the tests call them as
# ``recommend.…``
from core.lists.recommendation_export import download_name, export, sent_tier_name, xlsx  # noqa: F401
from core.lists.recommendation_file import (  # noqa: F401
    CLOCK_SKEW,
    FORMAT,
    MAX_BYTES,
    canonical,
    check_deadline,
    deadline,
    digest,
    key_id,
    sign,
    signing_key,
)
from core.lists.recommendation_import import import_document, imports, province_names, verify  # noqa: F401


# ------------------------------------------------------------------- gates --


def _gate(code: str, ok: bool | None, blocking: bool, title: str, message: str | None = None, source: str = "core",
          cite: str = "") -> dict[str, Any]:
    return {"code": code, "ok": ok, "blocking": blocking, "title": title, "message": message, "source": source,
            "cite": cite}


def province_average(unit_type: str, year: int) -> tuple[float | None, int, int | None]:
    """Mean total of the province's existing national units of ``unit_type`` (latest scored year up to ``year``)."""
    region = region_rules().region_code
    latest = db.session.scalar(select(func.max(UnitScore.year)).where(
        UnitScore.level == "national", UnitScore.province == region, UnitScore.unit_type == unit_type,
        UnitScore.year <= year, UnitScore.total.is_not(None)))
    if latest is None:
        return None, 0, None
    avg, n = db.session.execute(select(func.avg(UnitScore.total), func.count(UnitScore.id)).where(
        UnitScore.level == "national", UnitScore.province == region, UnitScore.unit_type == unit_type,
        UnitScore.year == latest, UnitScore.total.is_not(None))).one()
    return (None if avg is None else round(float(avg), 2)), n, latest


def city_consulted(application: Application) -> set[str]:
    """The departments the city recorded as consulted when it recommended ``application`` (audit log).

    Region rules read one key, ``consulted_departments``, for the city's and the province's
    consultation; the gate gives them the union of both."""
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "application.recommended",
                                                    AuditLog.object_type == "application",
                                                    AuditLog.object_id == str(application.id))
                             .order_by(AuditLog.id.desc())).first()
    return set((row.data or {}).get("consulted_departments") or []) if row is not None else set()


def gates(application: Application, year: int, consulted: Iterable[str] = (),
          as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """Every gate for recommending ``application`` to the national list, with its outcome (the conditions of its
    round: a notice's switched on or set aside, issue 43)."""
    from core.applications.eligibility import rule_data

    rules = rules_of_round(application.campaign)
    as_of = as_of or today()
    out: list[dict[str, Any]] = []
    result = db.session.scalar(select(ReviewResult).where(ReviewResult.application_id == application.id))
    if result is None:
        out.append(_gate("tier", False, True, bilingual_text(N_("Graded by the provincial review")),
                         bilingual_text(N_("not graded yet"))))
    else:
        scheme = rules.grading(application.unit_type, Level(application.level))
        label = LazyString(tier_name, result.tier or result.tier_label, application.unit_type, application.level)
        out.append(_gate("tier", bool(result.recommendable), True,
                         bilingual_text(N_("Tier allows national recommendation")),
                         None if result.recommendable else bilingual_text(N_("tier %(tier)s may not be recommended to the "
                                                                 "national list"), tier=label),
                         result.grading_source or scheme.source or "core", result.grading_cite or scheme.cite or ""))
    departments = sorted(set(consulted) | city_consulted(application))
    # the province's gate: the real requested levels plus the national level checked; in a joint round the
    # same round's provincial listing satisfies "provincial first" (national_needs_provincial, stage province)
    data = rule_data(application, as_of, {"consulted_departments": departments}, level=Level.NATIONAL,
                     stage="province")
    asked = [Level(x) for x in requested_levels(application) if x in set(Level)]
    data.update({"requested_levels": asked + ([] if Level.NATIONAL in asked else [Level.NATIONAL]), "year": year})
    if Level.NATIONAL in asked and not is_for(application, Level.NATIONAL):
        out.append(_gate("city_level", False, True, bilingual_text(N_("Recommended by the city at national level")),
                         bilingual_text(N_("the city recommended this unit only for: %(levels)s"),
                                        levels=lazy_list(recommended_levels(application) or (), level_name))))
    for rule in rules.eligibility_rules_for(application.unit_type, Level.NATIONAL, year):
        if rule.check is None:
            out.append(_gate(rule.code, None, rule.blocking, both(rule.title, rule.title_en), None, rule.source,
                             rule.cite))
            continue
        try:
            message = rule.check(data)
        except Exception as exc:  # a plugin bug must not break the page; staff decide
            current_app.logger.exception("rule %s failed", rule.code)
            out.append(_gate(rule.code, None, rule.blocking, both(rule.title, rule.title_en), type(exc).__name__,
                             rule.source, rule.cite))
            continue
        # a reviewer's judgement asks for an acknowledgement; a condition that does not apply passes, said so
        _outcome, fields = check_outcome(message)
        gate = _gate(rule.code, fields["ok"], rule.blocking, both(rule.title, rule.title_en), fields["message"],
                     rule.source, rule.cite)
        out.append({**gate, **fields})
    average = rules.average_gate(year, application.unit_type)
    if result is not None and average.applies:
        avg, n, avg_year = province_average(application.unit_type, year)
        if avg is None:
            out.append(_gate("province_average", True, average.blocking,
                             bilingual_text(N_("Not below the average of the province's existing national units")),
                             bilingual_text(N_("no scored national units of this type in the province")),
                             average.source, average.cite))
        else:
            ok = float(result.score) >= avg
            out.append(_gate("province_average", ok, average.blocking,
                             bilingual_text(N_("Not below the average of the province's existing national units")),
                             bilingual_text(N_("panel score %(score)s against an average of %(avg)s over %(n)d units "
                                      "(%(year)d)"),
                                   score=f"{float(result.score):.2f}", avg=f"{avg:.2f}", n=n, year=avg_year),
                             average.source, average.cite))
    org = application.organization
    if db.session.scalar(select(ListEntry.id).where(ListEntry.organization_id == org.id,
                                                    ListEntry.unit_type == application.unit_type,
                                                    ListEntry.level == "national", ListEntry.status == "listed")):
        out.append(_gate("already_national", False, True, bilingual_text(N_("Not already on the national list")),
                         bilingual_text(N_("already on the national list"))))
    ban = db.session.scalars(select(Ban).where(Ban.uscc == org.uscc, Ban.subject == "organization",
                                               Ban.starts_on <= as_of, Ban.ends_on >= as_of)
                             .order_by(Ban.ends_on.desc())).first()
    if ban is not None:
        out.append(_gate("ban", False, True, bilingual_text(N_("Not banned from applying")),
                         f"{ban.reason} ({ban.ends_on.isoformat()})", "database", ban.sanction_code))
    return out


def blockers(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [g for g in results if g["blocking"] and g["ok"] is False]


def warnings(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [g for g in results if g["ok"] is None or (not g["blocking"] and g["ok"] is False)]


def candidates(year: int) -> list[Application]:
    """Graded or listed applications of the region's ``year`` campaigns that have a panel result.

    A unit listed provincially in a joint round is a candidate of the same round (Jiangxi 2024
    003_a3fa60aeba77aa34.txt 一; Hubei 002_9c75e1d2ebfbdf50.txt 三(五)); a joint application the city
    recommended at provincial level only is not."""
    rows = db.session.scalars(
        select(Application).join(Campaign).join(ReviewResult, ReviewResult.application_id == Application.id)
        .where(Campaign.region == region_rules().region_code, Campaign.year == year,
               Application.status.in_([S.GRADED, S.LISTED]))
        .order_by(ReviewResult.score.desc(), Application.id))
    return [a for a in rows if Level.NATIONAL not in requested_levels(a) or is_for(a, Level.NATIONAL)]


# ---------------------------------------------------------- recommendation --


def years() -> list[int]:
    """The years a province may recommend for, newest first: every year with a round of the region or a
    recommendation, and this year (the recommendation page's round picker)."""
    region = region_rules().region_code
    found = set(round_years()) | set(db.session.scalars(select(Recommendation.year).where(
        Recommendation.region == region)))
    return sorted(found, reverse=True)


def recommendation_for(year: int, actor: str | None = None, create: bool = False) -> Recommendation | None:
    region = region_rules().region_code
    rec = db.session.scalar(select(Recommendation).where(Recommendation.region == region, Recommendation.year == year))
    if rec is None and create:
        rec = Recommendation(region=region, year=year, level="national", status="draft", created_by=actor or "-",
                             consulted_departments=[], version=0)
        db.session.add(rec)
        db.session.flush()
        audit.record(actor or "-", "recommendation.created", "recommendation", rec.id, year=year)
    return rec


def set_consulted(actor: str, rec: Recommendation, departments: Iterable[str], others: Iterable[str] = ()) -> None:
    """Record the departments the province consulted before recommending to MIIT: codes of the region's rule
    (``rules.consulted_departments``) and, where it allows others, names (``others``)."""
    from core.applications import consulted

    given = consulted.normalize(consulted.offered(Level.NATIONAL, rec.year), departments, others)
    if given != list(rec.consulted_departments or []):
        audit.record(actor, "recommendation.consulted", "recommendation", rec.id,
                     before=rec.consulted_departments, after=given)
        rec.consulted_departments = given


def add(actor: str, rec: Recommendation, application: Application, *, acknowledge_warnings: bool = False,
        at: dt.datetime | None = None) -> RecommendationItem:
    """Add one unit to the recommendation, through every gate (blocking ones refuse; warnings must be
    acknowledged), before the deadline."""
    check_deadline(rec.year, at)
    if application.campaign.region != rec.region or application.campaign.year != rec.year:
        raise Refused("Application %(id)d is not of this recommendation's region and year.", id=application.id)
    if db.session.scalar(select(RecommendationItem.id).where(RecommendationItem.recommendation_id == rec.id,
                                                             RecommendationItem.application_id == application.id)):
        raise Refused("This unit is already in the recommendation.")
    _refuse_unit_twice(rec, application)
    if application.status not in (S.GRADED, S.LISTED):
        from core.applications.actions import STATUS_NAMES

        raise Refused("This is not possible while the application is %(status)s.",
                      status=STATUS_NAMES.get(application.status, str(application.status)))
    as_of = aware(at or now()).astimezone(SHANGHAI).date()
    results = gates(application, rec.year, rec.consulted_departments or [], as_of)
    blocked = blockers(results)
    if blocked:
        raise Refused("The unit cannot be recommended to the national list: %(reasons)s.",
                      reasons=results_line(blocked, sources=True))
    pending = warnings(results)
    if pending and not acknowledge_warnings:
        raise Refused("Acknowledge these warnings to recommend: %(warnings)s.",
                      warnings=results_line(pending))
    result = db.session.scalar(select(ReviewResult).where(ReviewResult.application_id == application.id))
    for g in results:
        g["acknowledged"] = g in pending
    item = RecommendationItem(recommendation_id=rec.id, application_id=application.id,
                              organization_id=application.organization_id, score=result.score, tier=result.tier,
                              gates=results, added_by=actor)
    try:
        # the database refuses the unit a concurrent add put in first (uq_recommendation_item_unit, 0046)
        with db.session.begin_nested():
            db.session.add(item)
            db.session.flush()
    except IntegrityError:
        _refuse_unit_twice(rec, application)
        raise Refused("This unit is already in the recommendation.") from None
    rec.status = "draft"
    db.session.flush()
    audit.record(actor, "recommendation.unit_added", "application", application.id, recommendation=rec.id,
                 score=float(result.score), tier=result.tier, acknowledged=[g["code"] for g in pending])
    return item


def _refuse_unit_twice(rec: Recommendation, application: Application) -> None:
    """One unit, one recommendation per level and year (issue 54): refuse ``application`` when its unit is already
    in ``rec`` (the region's one recommendation of the level and year) from another application, of any round
    (Jiangxi's joint round and its provincial round alike), naming that application."""
    other = db.session.execute(
        select(Application.id, Campaign.title).join(RecommendationItem, RecommendationItem.application_id ==
                                                    Application.id).join(Campaign)
        .where(RecommendationItem.recommendation_id == rec.id, Application.id != application.id,
               Application.organization_id == application.organization_id)
        .order_by(RecommendationItem.id)).first()
    if other is not None:
        raise Refused("%(unit)s is already recommended to the national list for %(year)d from application %(other)d "
                      "(%(round)s): a unit is recommended once per level and year.",
                      unit=application.organization.name, year=rec.year, other=other.id, round=other.title)


def remove(actor: str, rec: Recommendation, item: RecommendationItem, at: dt.datetime | None = None) -> None:
    check_deadline(rec.year, at)
    if item.recommendation_id != rec.id:
        raise NotFound("No such recommended unit.")
    application_id = item.application_id
    db.session.delete(item)
    rec.status = "draft"
    audit.record(actor, "recommendation.unit_removed", "application", application_id, recommendation=rec.id)
