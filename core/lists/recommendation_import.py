"""A province's recommendation file imported on the national instance: read, verified (signature, key,
replay, age), each unit checked, and the units queued for national review; the imports the ministry's page
shows."""
from __future__ import annotations

import datetime as dt
import functools
import json
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, Mapping

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import Select, select

from core.clock import SHANGHAI, aware, now
from core.errors import DeadlinePassed, GreenmfgError, InvalidInput, Refused
from core.extensions import db
from core.i18n import N_, bilingual_text, both
from core.kernel.rules import region_rules, results_line, rule_of
from core.lists import overview, recommendation_case
from core.lists.recommendation_export import sent_tier_name
from core.lists.recommendation_file import (
    CLOCK_SKEW,
    FORMAT,
    MAX_BYTES,
    canonical,
    deadline,
    digest,
)
from core.models import (
    AdminUnit,
    Application,
    Ban,
    Campaign,
    ListEntry,
    Organization,
    RecommendationImport,
)
from core.models import ApplicationStatus as S
from core.plugins.types import Level, Outcome, check_outcome
from core.services import audit
from core.services.deadlines import stored_deadline
from core.services.uscc import normalize_uscc

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
        queued = db.session.scalar(select(Application.id).join(Campaign).where(
            Application.organization_id == org.id, Application.unit_type == unit_type,
            Campaign.region == rules.region_code, Campaign.year == year, Application.level == "national"))
        if queued:  # named: the province and row of the file that queued it first (issue 54)
            first = overview.queued_from(queued)
            problems.append(bilingual_text(N_("The unit is already queued for national review this year, from the "
                                              "file of %(province)s (row %(row)d)."), province=first[0], row=first[1])
                            if first else bilingual_text(N_("The unit is already queued for national review this "
                                                            "year.")))
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
              "queued": 0, "application_ids": [],
              "re_reviews": list(document.get("re_reviews") or [])}  # the province's 复核意见 (Hubei 002 三(六))
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
            campaign_id=campaign.id, organization_id=org.id, organization_name=org.name, admin_unit_id=unit.id,
            unit_type=clean["unit_type"],
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
    for shown, app_id in zip(report["rows"], ids, strict=True):  # each row names the application it became
        shown["application_id"] = app_id
    return report


def _shown(*columns: Any) -> Select:
    """The imports the ministry's page shows: the last 200, newest first."""
    return select(*columns).order_by(RecommendationImport.id.desc()).limit(200)


def imports() -> list[RecommendationImport]:
    return list(db.session.scalars(_shown(RecommendationImport)))


def province_names() -> tuple[tuple[str, str], ...]:
    """``(province code, its name)`` of the :func:`imports` shown, in their order (plain data: the public lists
    remember it while nothing is written)."""
    return tuple((code, name) for code, name in db.session.execute(_province_names_statement()))


@functools.cache
def _province_names_statement() -> Select:
    """:func:`province_names`' statement, which takes no parameter: built once."""
    return _shown(RecommendationImport.province, RecommendationImport.province_name)
