"""The national overview (issue 54): what the ministry sees across the provinces' signed recommendation files of a
year, one function behind the page (``/ministry/overview``), the API (``GET /api/v1/ministry/overview``) and the
command line (``greenmfg ministry overview``).

Per province: whether its file was received (when, signed by which key and its fingerprint), on time or late
against the deadline of the recommendation to the ministry (:func:`core.services.deadlines.recommendation_deadline`:
办法 第十二条, or the year's notice), and its units per unit type against the national ceiling where the rules set
one (:meth:`RegionRules.quota` of the province; the national rules set none, so the ceiling shows only where a
notice or a rule sets one).

Findings only a national view can make, each with the rows (province, row of its file, application) that raise it:

* the same unified social credit code recommended by two provinces;
* one evaluator over the national limit of projects a year, summed across the provinces' files: the national
  evaluator cap of the rules (《绿色工厂梯度培育及管理暂行办法》工信部节〔2024〕13号 第二十条; 001 附件1 三; 003 二（四）:
  同一法定代表人的第三方机构每年度开展的国家级评价项目…总计不得超过15项), counted per legal representative (or per
  firm where a cap counts per legal entity). A row whose file names no evaluator's legal representative is left
  out of this count and said so (``skipped``);
* a unit on a removal list (a listing taken off) or banned from applying on the day of the overview.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from core.clock import SHANGHAI, aware, now, this_year
from core.errors import Refused
from core.extensions import db
from core.kernel.rules import region_rules
from core.lists import keys
from core.models import Application, Ban, EvaluatorFirm, ListEntry, ProvinceKey, RecommendationImport
from core.plugins.types import CapBasis, EvaluationMode, Level
from core.services.deadlines import recommendation_deadline

#: a province's file: received before the deadline, received after it, not received with the deadline passed,
#: not received yet with time left (or no deadline known)
ON_TIME, LATE, MISSING, AWAITED = "on_time", "late", "missing", "awaited"
#: the kinds of finding
SAME_CODE, EVALUATOR_OVER_CAP, REMOVED_OR_BANNED = "same_credit_code", "evaluator_over_cap", "removed_or_banned"


def _national() -> None:
    if region_rules().region.authority != "national":
        raise Refused("Only a national (ministry) instance has the national overview.")


def years() -> list[int]:
    """The years with an imported file, and this year; newest first (the page's year picker)."""
    found = set(db.session.scalars(select(RecommendationImport.year).distinct())) | {this_year()}
    return sorted(found, reverse=True)


def _text(value: Any, limit: int = 200) -> str | None:
    text = str(value).strip()[:limit] if value is not None else ""
    return text or None


def evaluator_of(application: Application) -> dict[str, str | None] | None:
    """The third-party evaluator of an imported row as its province's file gave it: the firm the import linked
    (``evaluator_firm_id``), else the firm the row carries (``extension_data``: ``evaluation.firm`` or
    ``evaluator``, with ``legal_representative`` or ``legal_person``). ``None`` where the row names none."""
    if application.evaluator_firm_id:
        firm = db.session.get(EvaluatorFirm, application.evaluator_firm_id)
        if firm is not None:
            return {"name": firm.name, "uscc": firm.uscc, "legal_representative": _text(firm.legal_representative)}
    data = application.extension_data if isinstance(application.extension_data, Mapping) else {}
    evaluation = data.get("evaluation") if isinstance(data.get("evaluation"), Mapping) else {}
    for firm in (evaluation.get("firm"), data.get("evaluator"), data.get("evaluator_firm")):
        if isinstance(firm, Mapping):
            return {"name": _text(firm.get("name")), "uscc": _text(firm.get("uscc") or firm.get("credit_code"), 18),
                    "legal_representative": _text(firm.get("legal_representative") or firm.get("legal_person"),
                                                  100)}
    return None


def queued_from(application_id: int) -> tuple[str, int] | None:
    """The province whose file queued ``application_id`` for national review, and the row of that file (the
    import's refusal of the same unit in another province's file names them), or ``None``."""
    campaign_id = db.session.scalar(select(Application.campaign_id).where(Application.id == application_id))
    imp = db.session.scalar(select(RecommendationImport).where(RecommendationImport.campaign_id == campaign_id))
    ids = list(imp.application_ids or []) if imp is not None else []
    return (imp.province_name, ids.index(application_id) + 1) if application_id in ids else None


def _rows(imports: list[RecommendationImport]) -> list[dict[str, Any]]:
    """Every imported row of the year: its province, its number in the province's file, its application."""
    ids = [i for imp in imports for i in (imp.application_ids or [])]
    apps = {a.id: a for a in db.session.scalars(select(Application).where(Application.id.in_(ids)).options(
        joinedload(Application.organization), joinedload(Application.admin_unit)))} if ids else {}
    out = []
    for imp in imports:
        for seq, app_id in enumerate(imp.application_ids or [], start=1):
            a = apps.get(app_id)
            if a is None:
                continue
            out.append({"province": imp.province, "province_name": imp.province_name, "seq": seq,
                        "application_id": a.id, "uscc": a.organization.uscc, "name": a.organization.name,
                        "unit_type": a.unit_type, "city": a.admin_unit.name if a.admin_unit else None,
                        "_application": a})
    return out


def _public(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def _ceiling(province: str, unit_type: str, year: int) -> dict[str, Any] | None:
    quota = region_rules().quota(province, unit_type, year)
    if quota is None or quota.unlimited:
        return None
    return {"limit": quota.limit, "binding": quota.binding, "source": quota.source, "cite": quota.cite}


def _province(code: str, name: str, name_en: str | None, imp: RecommendationImport | None, rows: list[dict[str, Any]], year: int,
              ends: dt.datetime | None, at: dt.datetime) -> dict[str, Any]:
    if imp is None:
        timeliness = MISSING if ends is not None and at >= ends else AWAITED
    else:
        timeliness = LATE if ends is not None and aware(imp.exported_at) >= ends else ON_TIME
    key = db.session.scalar(select(ProvinceKey).where(ProvinceKey.key_id == imp.key_id)) if imp else None
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r["unit_type"]] += 1
    units = []
    for unit_type in sorted(counts):
        ceiling = _ceiling(code, unit_type, year)
        units.append({"unit_type": unit_type, "count": counts[unit_type], "ceiling": ceiling,
                      "over": bool(ceiling and counts[unit_type] > ceiling["limit"])})
    return {"province": code, "province_name": name, "province_name_en": name_en, "received": imp is not None, "timeliness": timeliness,
            "received_at": aware(imp.created_at) if imp else None,
            "exported_at": aware(imp.exported_at) if imp else None,
            "version": imp.version if imp else None, "digest": imp.digest if imp else None,
            "key_id": imp.key_id if imp else None, "key_alg": key.alg if key else None,
            "key_fingerprint": keys.fingerprint(key.public_key) if key else None,
            "units": units, "total": len(rows)}


def _same_code(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_code[r["uscc"]].append(r)
    out = []
    for code, found in sorted(by_code.items()):
        provinces = sorted({r["province"] for r in found})
        if len(provinces) > 1:
            out.append({"kind": SAME_CODE, "key": code, "subject": found[0]["name"], "count": len(provinces),
                        "limit": 1, "source": None, "cite": None, "rows": [_public(r) for r in found]})
    return out


def _national_cap(unit_type: str):
    caps = [c for c in region_rules().evaluator_caps(unit_type, Level.NATIONAL) if Level.NATIONAL in c.levels]
    return min(caps, key=lambda c: c.limit) if caps else None


def _evaluators(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Evaluators over the national cap summed across provinces, and how many rows named no legal representative
    (left out of the count)."""
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    caps: dict[tuple, Any] = {}
    skipped = 0
    for r in rows:
        a = r["_application"]
        firm = evaluator_of(a)
        if firm is None and a.evaluation_mode != EvaluationMode.THIRD_PARTY:
            continue  # a self-evaluated unit is no evaluator's project
        cap = _national_cap(r["unit_type"])
        if cap is None:
            continue
        ident = (firm or {}).get("uscc") if cap.basis == CapBasis.LEGAL_ENTITY else \
            (firm or {}).get("legal_representative")
        if not ident:
            skipped += 1
            continue
        group = (str(cap.basis), ident)
        groups[group].append({**_public(r), "evaluator": firm})
        caps[group] = cap
    out = []
    for (basis, ident), found in sorted(groups.items()):
        cap = caps[(basis, ident)]
        if len(found) > cap.limit:
            out.append({"kind": EVALUATOR_OVER_CAP, "key": ident, "subject": ident, "basis": basis,
                        "count": len(found), "limit": cap.limit, "source": cap.source, "cite": cap.cite,
                        "provinces": sorted({r["province"] for r in found}), "rows": found})
    return out, skipped


def _removed_or_banned(rows: list[dict[str, Any]], day: dt.date) -> list[dict[str, Any]]:
    codes = sorted({r["uscc"] for r in rows})
    if not codes:
        return []
    bans = defaultdict(list)
    for ban in db.session.scalars(select(Ban).where(Ban.uscc.in_(codes), Ban.subject == "organization",
                                                    Ban.starts_on <= day, Ban.ends_on >= day)):
        bans[ban.uscc].append({"what": "ban", "reason": ban.reason, "until": ban.ends_on.isoformat(),
                               "cite": ban.sanction_code})
    orgs = {r["_application"].organization_id: r["uscc"] for r in rows}
    for entry in db.session.scalars(select(ListEntry).where(ListEntry.organization_id.in_(list(orgs)),
                                                            ListEntry.status == "removed")):
        bans[orgs[entry.organization_id]].append({
            "what": "removal", "reason": entry.removal_reason, "level": entry.level, "unit_type": entry.unit_type,
            "on": entry.removed_on.isoformat() if entry.removed_on else None, "cite": None})
    out = []
    for code in codes:
        if code in bans:
            found = [_public(r) for r in rows if r["uscc"] == code]
            out.append({"kind": REMOVED_OR_BANNED, "key": code, "subject": found[0]["name"],
                        "count": len(bans[code]), "limit": 0, "source": None, "cite": None,
                        "reasons": bans[code], "rows": found})
    return out


def overview(year: int | None = None, at: dt.datetime | None = None) -> dict[str, Any]:
    """The national overview of ``year`` (default: the newest year with an imported file, else this year)."""
    _national()
    at = aware(at or now())
    known = years()
    imported = db.session.scalar(select(func.max(RecommendationImport.year)))
    year = year or imported or this_year()  # January: last year's files, not an empty new year
    imports = list(db.session.scalars(select(RecommendationImport).where(RecommendationImport.year == year)
                                      .order_by(RecommendationImport.province)))
    by_code = {imp.province: imp for imp in imports}
    installed = {code: (name, name_en) for code, name, name_en in keys.provinces()}
    names = {imp.province: (imp.province_name, None) for imp in imports}
    names.update(installed)
    found = recommendation_deadline(year)
    ends = found.ends if found is not None else None
    rows = _rows(imports)
    per_province = defaultdict(list)
    for r in rows:
        per_province[r["province"]].append(r)
    provinces = [_province(code, *names[code], by_code.get(code), per_province[code], year, ends, at)
                 for code in sorted(names)]
    evaluators, skipped = _evaluators(rows)
    findings = _same_code(rows) + evaluators + _removed_or_banned(rows, at.astimezone(SHANGHAI).date())
    return {"year": year, "years": known,
            "deadline": None if found is None else {"ends": aware(found.ends), "source": found.source,
                                                    "cite": found.cite},
            "provinces": provinces, "findings": findings, "rows": len(rows),
            "skipped_without_evaluator": skipped}
