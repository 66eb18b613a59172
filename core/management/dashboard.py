"""Figures for the city and province dashboards: filing progress, removals, complaints,
changes, re-reviews, listed units by type and year, and progress against the region's
quotas (Hubei's 2021–2025 targets by city, 002_9c75e1d2ebfbdf50.txt 附件3).

The figures of list entries and filings come from the counts the database keeps (:mod:`core.management.counts`,
migration 0053; issue 57): a page reads a few rows per city, year and status, not every entry and filing of the
years shown. Removals, complaints, changes and re-reviews are counted by their status indexes.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from core.errors import InvalidInput
from core.extensions import db
from core.clock import this_year, today
from core.kernel.rules import region_rules
from core.management import complaints, counts, filings, rereviews
from core.models import (
    AdminUnit,
    AnnualFiling,
    ChangeReport,
    Complaint,
    Removal,
    ReReview,
)

QUOTA_LOOKBACK = 10


def cities(admin_unit_id: int | None = None) -> list[AdminUnit]:
    query = select(AdminUnit).where(AdminUnit.region == region_rules().region_code)
    if admin_unit_id is not None:
        query = query.where(AdminUnit.id == admin_unit_id)
    else:
        query = query.where(AdminUnit.active.is_(True))
    return list(db.session.scalars(query.order_by(AdminUnit.id)))


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count(model.id)).where(*where)) or 0


def counters(year: int, admin_unit_id: int | None = None, on: dt.date | None = None) -> dict[str, Any]:
    """The headline figures: filings of ``year`` by status, open removals, complaints, changes, re-reviews."""
    def unit(column):
        return (column == admin_unit_id,) if admin_unit_id is not None else ()

    progress = filings.progress_by_city(year, admin_unit_id, on)
    by_status = {s: sum(p[s] for p in progress.values()) for s in filings.STATUSES}
    try:
        due_on = filings.due_date(year)
    except InvalidInput:  # the region sets no date that year: shown as unknown
        due_on = None
    # a year opened after its due date is filed by the date the province gave (filings.open_year)
    given = counts.latest_due_on(year, admin_unit_id)
    if given is not None and (due_on is None or given > due_on):
        due_on = given
    removals_by = dict(db.session.execute(select(Removal.status, func.count(Removal.id))
                                          .where(*unit(Removal.admin_unit_id)).group_by(Removal.status)).all())
    return {
        "year": year, "due_on": due_on,
        "filings": by_status, "filings_total": sum(by_status.values()),
        "removals": {s: removals_by.get(s, 0) for s in ("proposed", "approved", "published", "rejected")},
        "complaints_open": _count(Complaint, Complaint.status.in_(complaints.OPEN), *unit(Complaint.admin_unit_id)),
        "rectification_overdue": len(complaints.overdue_rectifications(on or today(), admin_unit_id)),
        "changes_open": _count(ChangeReport, ChangeReport.status == "reported", *unit(ChangeReport.admin_unit_id)),
        "rereviews_open": _count(ReReview, ReReview.status.in_((rereviews.DUE, rereviews.SCHEDULED)),
                                 *unit(ReReview.admin_unit_id)),
        "unfiled_national": counts.unfiled_national(admin_unit_id, year) if admin_unit_id else None,
    }


def filing_rows(year: int, admin_unit_id: int | None = None) -> list[dict[str, Any]]:
    """Per city: the year's filings by status."""
    progress = filings.progress_by_city(year, admin_unit_id)
    rows = []
    for unit in cities(admin_unit_id):
        counts = progress.get(unit.id, {s: 0 for s in filings.STATUSES})
        rows.append({"unit": unit, "counts": counts, "total": sum(counts.values())})
    return rows


def listed_by_type_year(admin_unit_id: int | None = None, level: str | None = None,
                        years: int = 6, until: int | None = None) -> dict[str, Any]:
    """{"years": [...], "types": [...], "cities": {admin unit id: {year: {type: n}}}}: list entries
    published each year (units removed later included), by the unit's city."""
    until = until or this_year()
    first = until - years + 1
    data: dict[int | None, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for unit, year, unit_type, count in counts.listed_by_city(first, until, admin_unit_id, level):  # issue 57
        data[unit][year][unit_type] = count
    types = [code for code in region_rules().unit_types]
    return {"years": list(range(first, until + 1)), "types": types, "cities": data}


def quota_year(year: int) -> int | None:
    """``year`` if the region sets a quota then, else the latest earlier year that has one (a plan
    period that has ended), else ``None``."""
    units = [u.code for u in cities()]
    for candidate in range(year, year - QUOTA_LOOKBACK, -1):
        for code in units:
            for unit_type in region_rules().unit_types:
                if not region_rules().quota(code, unit_type, candidate).unlimited:
                    return candidate
    return None


def quota_progress(year: int, admin_unit_id: int | None = None) -> dict[str, Any] | None:
    """Progress of each city against the region's quota per unit type: distinct organizations of the
    city listed at a counted level in a year of the quota's period (targets count listings
    published during the period, 附件3 备注)."""
    chosen = quota_year(year)
    if chosen is None:
        return None
    rows, totals, types, period, binding, cites = [], {}, [], None, True, []
    found: dict[tuple, dict] = {}

    def listed(levels: list[str], start: int, end: int) -> dict:
        """The distinct organizations per city and type, read once per set of levels and period (issue 57)."""
        key = (counts.levels_mask(levels), start, end)
        if key not in found:
            found[key] = counts.listed_organizations(levels, start, end, admin_unit_id)
        return found[key]

    for unit in cities(admin_unit_id if admin_unit_id is not None else None):
        row = {"unit": unit, "types": {}}
        for unit_type in region_rules().unit_types:
            quota = region_rules().quota(unit.code, unit_type, chosen)
            if quota.unlimited:
                row["types"][unit_type] = {"target": None, "count": None}
                continue
            start, end = quota.period or (chosen, chosen)
            period, binding = (start, end), quota.binding
            cites.append(quota.cite or "")
            count = listed([str(lv) for lv in quota.counts_levels], start, end).get((unit.id, unit_type), 0)
            row["types"][unit_type] = {"target": quota.limit, "count": count,
                                       "percent": round(100 * count / quota.limit, 1) if quota.limit else None}
            if unit_type not in types:
                types.append(unit_type)
            total = totals.setdefault(unit_type, {"target": 0, "count": 0})
            total["target"] += quota.limit
            total["count"] += count
        rows.append(row)
    types = [t for t in region_rules().unit_types if t in types]
    for t in totals.values():
        t["percent"] = round(100 * t["count"] / t["target"], 1) if t["target"] else None
    return {"year": chosen, "period": period, "binding": binding, "types": types, "rows": rows, "totals": totals,
            "cite": _common_source(cites)}


def _common_source(cites: list[str]) -> str:
    """What every quota's citation shares (the document and table), e.g. ``002_….txt 附件3``."""
    if not cites:
        return ""
    prefix = cites[0]
    for cite in cites[1:]:
        while not cite.startswith(prefix):
            prefix = prefix[:-1]
    if len(cites) == 1:
        return prefix
    words = prefix.split(" ")[:-1]  # the last word may be cut
    while words and not any(ch.isalnum() for ch in words[-1]):
        words.pop()
    return " ".join(words)


def open_items(admin_unit_id: int | None = None, limit: int = 20, on: dt.date | None = None) -> dict[str, list]:
    """The latest open removals, complaints, changes and overdue filings (an open one past its deadline
    included, :func:`filings.status_of`), for the dashboard lists."""
    def unit(column):
        return (column == admin_unit_id,) if admin_unit_id is not None else ()

    return {
        "removals": list(db.session.scalars(select(Removal).where(Removal.status.in_(("proposed", "approved")),
                                                                  *unit(Removal.admin_unit_id))
                                            .order_by(Removal.id.desc()).limit(limit))),
        "complaints": list(db.session.scalars(select(Complaint).where(Complaint.status.in_(complaints.OPEN),
                                                                      *unit(Complaint.admin_unit_id))
                                              .order_by(Complaint.id.desc()).limit(limit))),
        "changes": list(db.session.scalars(select(ChangeReport).where(ChangeReport.status == "reported",
                                                                      *unit(ChangeReport.admin_unit_id))
                                           .order_by(ChangeReport.id.desc()).limit(limit))),
        "overdue": _filings(counts.latest_overdue(admin_unit_id, on or today(), filings.deadline_column(), limit)),
    }


def _filings(ids: list[int]) -> list[AnnualFiling]:
    """The filings ``ids``, newest first, with their organizations."""
    if not ids:
        return []
    return list(db.session.scalars(select(AnnualFiling).where(AnnualFiling.id.in_(ids))
                                   .options(selectinload(AnnualFiling.organization))
                                   .order_by(AnnualFiling.id.desc())))


def summary(year: int, admin_unit_id: int | None = None) -> dict[str, Any]:
    """Everything the dashboard shows, as plain data (the JSON API returns it)."""
    count = counters(year, admin_unit_id)
    listed = listed_by_type_year(admin_unit_id, until=year)
    quota = quota_progress(year, admin_unit_id)
    return {
        "year": year, "due_on": count["due_on"].isoformat() if count["due_on"] else None,
        "filings": count["filings"], "removals": count["removals"], "complaints_open": count["complaints_open"],
        "changes_open": count["changes_open"], "rereviews_open": count["rereviews_open"],
        "cities": [{"code": r["unit"].code, "name": r["unit"].name, "filings": r["counts"]}
                   for r in filing_rows(year, admin_unit_id)],
        "listed": {"years": listed["years"], "types": listed["types"],
                   "by_city": {u.code: {str(y): dict(listed["cities"].get(u.id, {}).get(y, {}))
                                        for y in listed["years"]} for u in cities(admin_unit_id)}},
        "quota": None if quota is None else {
            "year": quota["year"], "period": list(quota["period"]) if quota["period"] else None,
            "binding": quota["binding"], "types": quota["types"], "totals": quota["totals"],
            "rows": [{"code": r["unit"].code, "name": r["unit"].name, "types": r["types"]} for r in quota["rows"]]},
    }
