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
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, Iterable, Mapping

from flask import current_app
from flask_babel import LazyString, force_locale, gettext
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from core.applications.levels import is_for, recommended_levels, requested_levels
from core.errors import DeadlinePassed, GreenmfgError, InvalidInput, NotFound, Refused
from core.extensions import db
from core.i18n import N_, bilingual_text, both, english, lazy_list
from core.clock import SHANGHAI, aware, deadline_text, now, today
from core.kernel.rules import region_rules, results_line, rule_of, rules_of_round
from core.lists import recommendation_case
from core.management import rereview_opinion
from core.models import (
    AdminUnit, Application, ApplicationStatus as S, AuditLog, Ban, Campaign, ListEntry, Organization, Recommendation,
    RecommendationImport, RecommendationItem, ReviewResult, UnitScore,
)
from core.kernel.names import level_name, tier_name
from core.plugins.types import Level, Outcome, check_outcome
from core.services import audit
from core.services.deadlines import (RoundDeadline, recommendation_deadline, round_refusal, round_years,
                                     stored_deadline)
from core.services.uscc import normalize_uscc
from core.web.downloads import file_name

#: the file's layout, published as docs/recommendation-file.schema.json (:mod:`core.lists.recommendation_case`);
#: /2 (issue 54) carries each unit's case: evaluation, firm and report, city opinion, panel scores, checks, rules
FORMAT = "greenmfg.recommendation/2"
#: how far a file's export time may run ahead of the importing server's clock
CLOCK_SKEW = dt.timedelta(minutes=10)
MAX_BYTES = 5 * 1024 * 1024


# ---------------------------------------------------------------- deadline --


def deadline(year: int) -> RoundDeadline | None:
    """The deadline of ``year``'s recommendation: the round's (moved by the province, with its reason), else the
    plugin's (:func:`core.services.deadlines.recommendation_deadline`, the one resolver every page reads)."""
    return recommendation_deadline(year)


def check_deadline(year: int, at: dt.datetime | None = None) -> None:
    found = deadline(year)
    at = aware(at or now())
    if found is not None and at >= found.ends:
        # issue 61: a date the province moved or the year's notice set is named with its reason, not 办法's 07-31
        raise round_refusal(found) or DeadlinePassed(
            "The deadline for recommending to the national list passed at %(deadline)s (Beijing time; rule from "
            "%(source)s: %(cite)s).", deadline=found.text, **rule_of(found))


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


# ----------------------------------------------------------------- signing --


def signing_key():
    """This province's private key, Ed25519 or SM2 (:func:`core.services.signing.load_configured`)."""
    from core.services import signing

    try:
        key = signing.load_configured(current_app.config)
    except signing.KeyProblem as exc:
        raise Refused("The signing key cannot be used: %(problem)s.", problem=str(exc)) from None
    if key is None:
        raise Refused("This instance has no signing key for recommendations: an administrator creates one with "
                      "`greenmfg keys generate` and sets GREENMFG_RECOMMENDATION_KEY_FILE; the ministry registers "
                      "the public key it prints.")
    return key


def key_id(key) -> str:
    from core.services import signing

    return signing.key_id(key)


def canonical(document: Mapping[str, Any]) -> bytes:
    body = {k: v for k, v in document.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(document: dict[str, Any], key) -> dict[str, Any]:
    """Sign ``document`` in place with the private ``key`` (Ed25519 or SM2; over everything but the signature)."""
    from core.services import signing

    document.setdefault("document_id", uuid.uuid4().hex)
    document["signature"] = signing.sign(canonical(document), key)
    return document


def digest(document: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(document)).hexdigest()


# ------------------------------------------------------------------ export --


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _tier_label_en(result: ReviewResult | None, application: Application) -> str | None:
    """The grade's English name in this province's grading (``Tier.label_en``: Grade C), which the file carries
    beside the grade's code and label so that the ministry's English pages name it; ``None`` without a grade or
    an English name."""
    stored = (result.tier or result.tier_label) if result is not None else None
    if not stored:
        return None
    with force_locale("en"):
        name = tier_name(stored, application.unit_type, application.level)
    return None if name in (stored, result.tier_label) else name


def sent_tier_name(item: Mapping[str, Any]) -> Any:
    """The grade a province's file gives a unit, named in the language the text is read in (a lazy text, for a
    message kept in Chinese and English): the name of the province's grading the file carries, ``tier_label``
    (C级) in Chinese and ``tier_label_en`` (Grade C) in English; a file without the English name (exported before
    it was carried) names it by the label it sent. The file itself, the evidence, keeps what the province sent."""
    def text(value: Any) -> str | None:
        return None if value is None else (str(value).strip()[:40] or None)

    label, code, label_en = text(item.get("tier_label")), text(item.get("tier")), text(item.get("tier_label_en"))
    return LazyString(lambda: (english() and label_en) or label or code or "—")


def _item_json(seq: int, item: RecommendationItem, rules: Any) -> dict[str, Any]:
    a = item.application
    org, unit = a.organization, a.admin_unit
    provincial = db.session.scalars(select(ListEntry).where(
        ListEntry.organization_id == org.id, ListEntry.unit_type == a.unit_type, ListEntry.level == "provincial",
        ListEntry.status == "listed").order_by(ListEntry.year.desc())).first()
    result = db.session.scalar(select(ReviewResult).where(ReviewResult.application_id == a.id))
    return {
        "seq": seq, "uscc": org.uscc, "name": org.name, "unit_type": a.unit_type, "industry": a.industry,
        "legal_representative": org.legal_representative, "address": org.address,
        "admin_unit": {"code": unit.code, "name": unit.name, "kind": unit.kind},
        "application_level": a.level, "indicator_values": a.indicator_values or {},
        "self_score": _float(a.score), "review_score": _float(result.score) if result else None,
        "tier": result.tier if result else None, "tier_label": result.tier_label if result else None,
        "tier_label_en": _tier_label_en(result, a),
        "recommendable": bool(result.recommendable) if result else False,
        "experts": result.experts if result else 0,
        "requested_levels": requested_levels(a),
        "provincial_list": None if provincial is None else {
            "year": provincial.year, "notice_no": provincial.notice_no,
            "listed_on": provincial.listed_on.isoformat() if provincial.listed_on else None,
            # listed provincially in this same (joint) round: 003 一; 002 三(五)
            "same_round": provincial.year == a.campaign.year},
        # the case (issue 54): evaluation mode, firm and report, the city's opinion, the panel, the checks with
        # their sources ("gates"), the rules applied
        **recommendation_case.case(item, result, rules),
    }


def export(actor: str, rec: Recommendation, at: dt.datetime | None = None) -> dict[str, Any]:
    """Sign and store the recommendation (a new version each time), before the deadline."""
    check_deadline(rec.year, at)
    items = list(rec.items)
    if not items:
        raise Refused("Add at least one unit before exporting the recommendation.")
    at = aware(at or now())
    rules = region_rules()
    found = deadline(rec.year)
    rec.version = (rec.version or 0) + 1
    document = {
        "format": FORMAT, "province": {"code": rules.region_code, "name": rules.region.name,
                                       "name_en": rules.region.name_en},
        "year": rec.year, "level": "national", "version": rec.version,
        "deadline": found.day.isoformat() if found else None, "deadline_at": found.instant if found else None,
        "deadline_source": found.source if found else None,
        "exported_at": at.isoformat(), "exported_by": actor,
        "consulted_departments": list(rec.consulted_departments or []),
        "items": [_item_json(n, item, rules) for n, item in enumerate(items, start=1)],
    }
    re_reviews = rereview_opinion.file_entries(rec.year)
    if re_reviews:  # the province's 复核意见 to MIIT with the year's file (Hubei 002 三(六))
        document["re_reviews"] = re_reviews
    key = signing_key()
    document["document_id"] = uuid.uuid4().hex
    document["signature"] = {"alg": "", "key_id": "", "value": ""}  # checked with the layout, then made
    recommendation_case.validate(document)
    sign(document, key)
    rec.document = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1)
    rec.digest = digest(document)
    rec.status, rec.exported_at, rec.exported_by = "exported", at, actor
    audit.record(actor, "recommendation.exported", "recommendation", rec.id, year=rec.year, version=rec.version,
                 digest=rec.digest, key_id=document["signature"]["key_id"],
                 applications=[i.application_id for i in items])
    return document


def _write_row(ws, r: int, values: Iterable[Any], quoted) -> None:
    """One row of the table by each value's type (:func:`core.services.spreadsheets.write_cell`: a name starting
    like a formula is shown as typed, never computed)."""
    from core.services import spreadsheets

    for c, value in enumerate(values):
        spreadsheets.write_cell(ws, r, c, value, None, lambda: quoted)


def xlsx(document: Mapping[str, Any]) -> bytes:
    """The signed recommendation as a table for people (the JSON is what machines import), written by
    xlsxwriter like the summary tables."""
    # here: loaded by the requests that write or read a workbook only
    from core.services import spreadsheets

    with force_locale("zh"):
        book = spreadsheets.PrintedBook(title=gettext("Recommendation"))
        ws = book.wb.add_worksheet(gettext("Recommendation")[:31])
        quoted = book.wb.add_format({"quote_prefix": True})
        province = document["province"]
        header = [
            (gettext("Province"), f"{province['name']} ({province['code']})"),
            (gettext("Year"), document["year"]), (gettext("Version"), document["version"]),
            # to the minute where the province moved it (2026-12-20 17:00), else the day's end (2024-07-31 24:00)
            (gettext("Deadline"), deadline_text(dt.datetime.fromisoformat(document["deadline_at"]))
             if document.get("deadline_at") else document.get("deadline") or ""),
            (gettext("Exported at"), document["exported_at"]), (gettext("Exported by"), document["exported_by"]),
            ("SHA-256", digest(document)),
            (gettext("Signature"), f"{document['signature']['alg']} {document['signature']['key_id']} "
                                   f"{document['signature']['value']}"),
        ]
        for r, row in enumerate(header):
            _write_row(ws, r, row, quoted)
        r = len(header) + 1  # a blank row, then the table
        _write_row(ws, r, (gettext("No."), gettext("City"), gettext("Unit name"),
                           gettext("Unified social credit code"), gettext("Unit type"), gettext("Industry"),
                           gettext("Self-evaluation score"), gettext("Panel score"), gettext("Tier"),
                           gettext("Provincial list")), quoted)
        types = region_rules().unit_types
        for item in document["items"]:
            r += 1
            listing = item.get("provincial_list") or {}
            _write_row(ws, r, (
                item["seq"], item["admin_unit"]["name"], item["name"], item["uscc"],
                types[item["unit_type"]].name if item["unit_type"] in types else item["unit_type"],
                item.get("industry") or "", item.get("self_score"), item.get("review_score"),
                item.get("tier_label") or item.get("tier") or "",
                " ".join(str(x) for x in (listing.get("notice_no"), listing.get("listed_on"),
                                          gettext("(this round)") if listing.get("same_round") else None) if x)),
                quoted)
    return book.bytes()


# ------------------------------------------------------------------ import --


def _parse(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_BYTES:
        raise InvalidInput("The file is larger than %(mb)d MB.", field="file", mb=MAX_BYTES // (1024 * 1024))
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidInput("This is not a recommendation file (JSON) exported by a province.", field="file") from None
    if isinstance(document, dict) and str(document.get("format", "")).startswith("greenmfg.recommendation/") and \
            document.get("format") != FORMAT:
        raise InvalidInput("This recommendation file is of format %(found)s, not %(format)s: ask the province to export "
                           "it again with a current version.", field="file", found=str(document["format"])[:40],
                           format=FORMAT)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInput("This is not a recommendation file (JSON) exported by a province.", field="file")
    for key, kind in (("province", dict), ("year", int), ("version", int), ("items", list), ("signature", dict),
                      ("exported_at", str)):
        if not isinstance(document.get(key), kind) or isinstance(document.get(key), bool):
            raise InvalidInput("The recommendation file lacks a valid %(key)s.", field="file", key=key)
    return document


def verify(document: Mapping[str, Any], at: dt.datetime | None = None) -> str:
    """Check the file's signature against the key the ministry registered for the province it names, and
    that it is not a replay; returns the key id."""
    from core.lists import keys
    from core.services import signing

    province = str(document["province"].get("code", ""))[:40]
    sig = document["signature"]
    if sig.get("alg") not in signing.ALGORITHMS:
        raise Refused("The file is not signed with Ed25519 or SM2-SM3 (algorithm %(alg)s): ask the province to "
                      "export it again with a current version.", alg=str(sig.get("alg"))[:40])
    registered = keys.by_key_id(str(sig.get("key_id", "")))
    if registered is None:
        raise Refused("The file is signed by key %(key)s, which the ministry has not registered; register the "
                      "province's public key first (Province keys).", key=str(sig.get("key_id", ""))[:40])
    if registered.province != province:
        raise Refused("The file names province %(province)s but is signed by the key of %(owner)s: refused.",
                      province=province, owner=registered.province)
    if registered.revoked_at is not None:
        raise Refused("The file is signed by key %(key)s of %(province)s, revoked on %(when)s.", key=registered.key_id,
                      province=province, when=aware(registered.revoked_at).astimezone(SHANGHAI).strftime("%Y-%m-%d"))
    if (registered.alg or signing.ED25519) != sig.get("alg"):
        raise Refused("The file is signed with %(alg)s but key %(key)s is registered as an %(registered)s key: "
                      "refused.", alg=str(sig.get("alg")), key=registered.key_id, registered=registered.alg)
    if not signing.valid(canonical(document), sig, signing.parse_public(registered.public_key)):
        raise Refused("The signature does not match: the file was changed after export or signed with another key.")
    document_id = document.get("document_id")
    if not isinstance(document_id, str) or not 8 <= len(document_id) <= 40:
        raise Refused("The file carries no document id; ask the province to export it again.")
    if db.session.scalar(select(RecommendationImport.id).where(RecommendationImport.document_id == document_id)):
        raise Refused("This very file (document %(id)s) was already imported: a file is imported once.",
                      id=document_id)
    at = aware(at or now())
    try:
        exported_at = aware(dt.datetime.fromisoformat(document["exported_at"]))
    except ValueError:
        raise InvalidInput("The recommendation file lacks a valid %(key)s.", field="file", key="exported_at") from None
    if exported_at > at + CLOCK_SKEW:
        raise Refused("The file says it was exported at %(when)s, which is in the future: refused.",
                      when=document["exported_at"][:40])
    max_age = int(current_app.config.get("GREENMFG_RECOMMENDATION_MAX_AGE_DAYS") or 0)
    if max_age and at - exported_at > dt.timedelta(days=max_age):
        raise Refused("The file was exported more than %(n)d days ago; ask the province for a fresh export.",
                      n=max_age)
    return registered.key_id


def _rule_problem(rule: Any, message: str) -> str:
    """A plugin rule a recommended unit fails, kept as "中文 / English": its title, message and source by name."""
    result = [{"title": both(rule.title, rule.title_en), "message": message, "source": rule.source}]
    texts = []
    for language in ("zh", "en"):
        with force_locale(language):
            texts.append(str(results_line(result, sources=True)))
    return both(*texts)


def _problems(item: Any, seen: set[str], year: int, at_day: dt.date, consulted: list[str]) -> tuple[list[str], dict]:
    rules = region_rules()
    problems: list[str] = []
    clean: dict[str, Any] = {}
    if not isinstance(item, dict):
        return [bilingual_text(N_("Not a valid mapping type."))], clean
    try:
        clean["uscc"] = normalize_uscc(str(item.get("uscc") or ""))
    except GreenmfgError as exc:
        problems.append(exc.bilingual())
        return problems, clean
    if clean["uscc"] in seen:
        problems.append(bilingual_text(N_("The unit appears twice in the file.")))
    seen.add(clean["uscc"])
    name = str(item.get("name") or "").strip()
    if not 2 <= len(name) <= 200:
        problems.append(bilingual_text(N_("%(name)s must have %(low)d to %(high)d characters."), name="name", low=2,
                                   high=200))
    clean["name"] = name[:200]
    unit_type = item.get("unit_type")
    if unit_type not in rules.unit_types or Level.NATIONAL not in rules.unit_types[unit_type].levels:
        problems.append(bilingual_text(N_("Unknown unit type for the national list: %(type)s."), type=str(unit_type)[:40]))
        return problems, clean
    clean["unit_type"] = unit_type
    unit = item.get("admin_unit")
    if not isinstance(unit, dict) or not unit.get("code") or not unit.get("name"):
        problems.append(bilingual_text(N_("The unit's city is missing.")))
    if item.get("recommendable") is not True:
        problems.append(bilingual_text(N_("The unit's tier does not allow national recommendation (%(tier)s)."),
                                       tier=sent_tier_name(item)))
    org = db.session.scalar(select(Organization).where(Organization.uscc == clean["uscc"]))
    ban = db.session.scalars(select(Ban).where(Ban.uscc == clean["uscc"], Ban.subject == "organization",
                                               Ban.starts_on <= at_day, Ban.ends_on >= at_day)).first()
    if ban is not None:
        problems.append(bilingual_text(N_("The unit is banned from applying until %(until)s (%(reason)s)."),
                              until=ban.ends_on.isoformat(), reason=ban.reason))
    if org is not None:
        if db.session.scalar(select(ListEntry.id).where(ListEntry.organization_id == org.id,
                                                        ListEntry.unit_type == unit_type,
                                                        ListEntry.level == "national", ListEntry.status == "listed")):
            problems.append(bilingual_text(N_("already on the national list")))
        if db.session.scalar(select(Application.id).join(Campaign).where(
                Application.organization_id == org.id, Application.unit_type == unit_type,
                Campaign.region == rules.region_code, Campaign.year == year, Application.level == "national")):
            problems.append(bilingual_text(N_("The unit is already queued for national review this year.")))
    listing = item.get("provincial_list")
    held = [Level.PROVINCIAL] if listing else []
    same_round = [Level.PROVINCIAL] if isinstance(listing, dict) and listing.get("year") == year else []
    data = {"unit_type": unit_type, "level": Level.NATIONAL, "year": year, "as_of": at_day, "held_levels": held,
            "requested_levels": [Level.NATIONAL], "industry": item.get("industry"),
            "consulted_departments": consulted, "stage": "province",
            "evaluation_mode": (item.get("evaluation") or {}).get("mode") or "self",
            "round_listed_levels": same_round, "joint_round": None}
    for rule in rules.eligibility_rules_for(unit_type, Level.NATIONAL, year):
        if not rule.blocking or rule.check is None:
            continue
        try:
            message = rule.check(data)
        except Exception:  # noqa: BLE001 - a rule that cannot run on imported data is left to the reviewers
            continue
        if message and check_outcome(message)[0] is not Outcome.NOT_APPLICABLE:
            problems.append(_rule_problem(rule, message))
    values = item.get("indicator_values") or {}
    if not isinstance(values, dict):
        problems.append(bilingual_text(N_("Indicator values must be given per indicator number.")))
        values = {}
    if values and rules.indicator_set(unit_type, year) is not None:
        from core.applications.scoring import check_values

        stub = SimpleNamespace(unit_type=unit_type, level="national", industry=item.get("industry"),
                               campaign=SimpleNamespace(year=year), indicator_values=values)
        try:
            values = check_values(stub, values)
        except GreenmfgError as exc:
            problems.append(exc.bilingual())
    clean["indicator_values"] = values
    return problems, clean


def import_document(actor: str, raw: bytes, at: dt.datetime | None = None) -> dict[str, Any]:
    """A national instance imports a province's signed recommendation: all or nothing.

    :returns: a report ``{"ok", "province", "year", "rows": [{seq, uscc, name, ok, problems}], ...}``;
        when ``ok`` the units are queued for national review (status under review) and the caller commits.
    """
    from core.applications.scoring import live_score

    rules = region_rules()
    if rules.region.authority != "national":
        raise Refused("Only a national (ministry) instance imports provincial recommendations.")
    at = aware(at or now())
    document = _parse(raw)
    kid = verify(document, at)
    recommendation_case.validate(document)  # signed by the province, then its layout (the published schema)
    province, year = document["province"], document["year"]
    code, pname = str(province.get("code", ""))[:40], str(province.get("name", ""))[:100]
    exported_at = aware(dt.datetime.fromisoformat(document["exported_at"]))
    found = deadline(year)
    if found is not None and exported_at >= found.ends:
        raise DeadlinePassed("The recommendation was exported after the deadline of %(deadline)s (Beijing time; "
                             "rule from %(source)s: %(cite)s).", deadline=found.text, **rule_of(found))
    previous = db.session.scalar(select(RecommendationImport).where(RecommendationImport.province == code,
                                                                    RecommendationImport.year == year))
    if previous is not None:
        raise Refused("The recommendation of %(province)s for %(year)d was already imported (version %(version)d, "
                      "%(when)s).", province=previous.province_name, year=year, version=previous.version,
                      when=aware(previous.created_at).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"))
    at_day = at.astimezone(SHANGHAI).date()
    consulted = [str(d) for d in document.get("consulted_departments") or []]
    seen: set[str] = set()
    rows = []
    for n, item in enumerate(document["items"], start=1):
        problems, clean = _problems(item, seen, year, at_day, consulted)
        uscc = clean.get("uscc") or (str(item.get("uscc", ""))[:18] if isinstance(item, dict) else "")
        rows.append({"seq": n, "uscc": uscc, "name": clean.get("name", ""), "ok": not problems,
                     "problems": problems, "clean": clean, "item": item,
                     "case": recommendation_case.shown(item) if isinstance(item, dict) else {}})
    report = {"ok": bool(rows) and all(r["ok"] for r in rows), "province": code, "province_name": pname,
              "year": year, "version": document["version"], "key_id": kid, "digest": digest(document),
              "rows": [{k: r[k] for k in ("seq", "uscc", "name", "ok", "problems", "case")} for r in rows],
              "queued": 0, "application_ids": []}
    if not rows:
        report["rows"] = []
        report["problems"] = [bilingual_text(N_("Add at least one unit before exporting the recommendation."))]
    period = rules.notice_period(Level.NATIONAL)
    report["notice_period"] = None if period is None else {"days": period.days, "count": str(period.count),
                                                           "source": period.source, "cite": period.cite}
    if not report["ok"]:
        return report
    types = sorted({r["clean"]["unit_type"] for r in rows})
    campaign = Campaign(region=rules.region_code, year=year, level="national",
                        title=f"{year}年度国家级绿色制造名单推荐（{pname}）"[:200], unit_types=types,
                        opens_at=exported_at, closes_at=found.ends if found else exported_at,
                        deadlines={"province_recommendation": stored_deadline(found.ends)} if found else {},
                        deadline_reasons={})
    db.session.add(campaign)
    db.session.flush()
    ids = []
    for r in rows:
        item, clean = r["item"], r["clean"]
        unit_data = item["admin_unit"]
        unit = db.session.scalar(select(AdminUnit).where(AdminUnit.region == code,
                                                         AdminUnit.code == str(unit_data["code"])[:80]))
        if unit is None:
            unit = AdminUnit(region=code, code=str(unit_data["code"])[:80], name=str(unit_data["name"])[:100],
                             kind=str(unit_data.get("kind") or "市")[:20], source="import", active=True)
            db.session.add(unit)
            db.session.flush()
        org = db.session.scalar(select(Organization).where(Organization.uscc == clean["uscc"]))
        if org is None:
            org = Organization(uscc=clean["uscc"], name=clean["name"], admin_unit_id=unit.id,
                               legal_representative=(str(item.get("legal_representative") or "")[:100] or None),
                               address=(str(item.get("address") or "")[:300] or None),
                               industry=(str(item.get("industry") or "")[:80] or None))
            db.session.add(org)
            db.session.flush()
        evaluated = item["evaluation"]
        firm = recommendation_case.firm_of(evaluated.get("firm"))
        application = Application(
            campaign_id=campaign.id, organization_id=org.id, admin_unit_id=unit.id, unit_type=clean["unit_type"],
            level="national", evaluation_mode=evaluated["mode"], evaluator_firm_id=firm.id if firm else None,
            city_opinion=item.get("city_opinion") or None, status=S.UNDER_REVIEW,
            industry=(str(item.get("industry"))[:80] if item.get("industry") and item.get("industry") in
                      rules.industries else None),
            indicator_values=clean["indicator_values"], extension_data={}, requested_levels=["national"],
            declarations={}, submitted_at=exported_at, recommended_at=at)
        db.session.add(application)
        db.session.flush()
        try:
            scored = live_score(application) if application.indicator_values else None
        except GreenmfgError:
            scored = None
        application.score = Decimal(str(scored["total"])) if scored else None
        audit.record(actor, "recommendation.unit_queued", "application", application.id, province=code, year=year,
                     uscc=org.uscc, review_score=item.get("review_score"), tier=item.get("tier"),
                     evaluation_mode=evaluated["mode"], firm=firm.uscc if firm else None,
                     report_sha256=(evaluated.get("report") or {}).get("sha256"))
        ids.append(application.id)
    row = RecommendationImport(province=code, province_name=pname, year=year, version=document["version"],
                               digest=report["digest"], key_id=kid, exported_at=exported_at, imported_by=actor,
                               document_id=document.get("document_id"),
                               campaign_id=campaign.id, application_ids=ids)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "recommendation.imported", "recommendation_import", row.id, province=code, year=year,
                 version=document["version"], digest=report["digest"], key_id=kid, applications=ids)
    report.update(queued=len(ids), application_ids=ids, import_id=row.id, campaign_id=campaign.id)
    return report


def _shown(*columns: Any) -> Select:
    """The imports the ministry's page shows: the last 200, newest first."""
    return select(*columns).order_by(RecommendationImport.id.desc()).limit(200)


def imports() -> list[RecommendationImport]:
    return list(db.session.scalars(_shown(RecommendationImport)))


def province_names() -> tuple[tuple[str, str], ...]:
    """``(province code, its name)`` of the :func:`imports` shown, in their order (plain data: the public lists
    remember it while nothing is written)."""
    return tuple((code, name) for code, name in db.session.execute(
        _shown(RecommendationImport.province, RecommendationImport.province_name)))


def download_name(rec: Any, year: int, suffix: str) -> str:
    """推荐名单-湖南省-2025-v2.json (Recommendation-Hunan-2025-v2.json): the region by its name, never its code
    (a recommendation is the instance's own region's); the page and the JSON API name it alike."""
    return file_name(gettext("Recommendation"), region_rules().region, year, f"v{rec.version}", suffix=suffix)

