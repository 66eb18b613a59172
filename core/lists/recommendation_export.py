"""A province's recommendation exported: the signed JSON file (for the national instance), its table for
people (xlsx), and the file's download name."""
from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any, Iterable, Mapping

from flask_babel import LazyString, force_locale, gettext
from sqlalchemy import select

from core.applications.levels import requested_levels
from core.clock import aware, deadline_text, now
from core.errors import Refused
from core.extensions import db
from core.i18n import english
from core.kernel.names import tier_name
from core.kernel.rules import region_rules
from core.lists import recommendation_case
from core.lists.recommendation_file import (
    FORMAT,
    check_deadline,
    deadline,
    digest,
    sign,
    signing_key,
)
from core.management import rereview_opinion
from core.models import (
    Application,
    ListEntry,
    Recommendation,
    RecommendationItem,
    ReviewResult,
)
from core.services import audit
from core.web.downloads import file_name

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


def download_name(rec: Any, year: int, suffix: str) -> str:
    """推荐名单-湖南省-2025-v2.json (Recommendation-Hunan-2025-v2.json): the region by its name, never its code
    (a recommendation is the instance's own region's); the page and the JSON API name it alike."""
    return file_name(gettext("Recommendation"), region_rules().region, year, f"v{rec.version}", suffix=suffix)
