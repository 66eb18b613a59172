"""Importing the lists a province already has (issue 15).

A new deployment starts with no list entries, yet many rules read history: the national list needs a
provincial listing first (办法 第十一条), Hunan's park rule and city block read existing units, a unit
removed within three years may not apply (negative list), a unit already listed is not listed twice.
Province staff therefore load their existing city, provincial and national entries, removals included,
from an xlsx or CSV table (web page, JSON API, ``greenmfg lists import-history``).

The import is all or nothing (any bad row, a listing or removal dated after the import day in Beijing
time among them: nothing is written, every problem reported with its row
number in Chinese and English), audited once with the file's SHA-256 and counts, and idempotent: a row
is keyed by its credit code, unit type, level and year (and whether it is the stage before the list, 创建计划 /
培育库, which the status column names: issue 43); an identical row is ``unchanged``, a changed one
(a removal recorded later) ``updated`` with what changed. An unknown credit code creates the
organization in the named city. Rows are checked in memory and written in batches (one query for all
credit codes, one for the existing entries, bulk INSERT and UPDATE), so five years of a province
(10,000 rows) import in seconds (``bench/bench_history_import.py``).
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from typing import Any, Iterable

from sqlalchemy import insert, select, update

from core.errors import GreenmfgError, InvalidInput
from core.extensions import db
from core.i18n import N_, bilingual_text
from core.clock import now, today
from core.kernel.rules import region_rules
from core.models import AdminUnit, ListEntry, Organization
from core.models.lists import STAGE
from core.services import audit, bulk_writes
from core.services.memory import collector_paused
from core.services.uscc import normalize_uscc

MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024
#: columns: key → accepted headers (Chinese first, as the template writes them)
COLUMNS: dict[str, tuple[str, ...]] = {
    "level": ("层级", "名单层级", "level"),
    "year": ("年度", "年份", "year"),
    "unit_type": ("类型", "单位类型", "unit_type", "type"),
    "uscc": ("统一社会信用代码", "信用代码", "uscc"),
    "name": ("名称", "单位名称", "name"),
    "city": ("市州", "所在市州", "city"),
    "document_no": ("文号", "发布文号", "document_no"),
    "listed_on": ("发布日期", "listed_on"),
    "status": ("状态", "status"),
    "removed_on": ("移出日期", "removed_on"),
    "removal_reason": ("移出原因", "removal_reason"),
}
REQUIRED = ("level", "year", "unit_type", "uscc", "name", "city", "document_no", "listed_on")
TEMPLATE_HEADERS = [COLUMNS[k][0] for k in COLUMNS]
_LEVEL_WORDS = {"市级": "city", "市": "city", "city": "city", "省级": "provincial", "省": "provincial",
                "provincial": "provincial", "国家级": "national", "国家": "national", "national": "national"}
_STATUS_WORDS = {"": "listed", "列入": "listed", "在列": "listed", "listed": "listed", "移出": "removed",
                 "已移出": "removed", "removed": "removed",
                 # the stage before a list, where the region has one (issue 43): 创建计划 / 培育库
                 "创建计划": STAGE, "创建单位": STAGE, "培育库": STAGE, "培育对象": STAGE, "培育单位": STAGE,
                 "培育": STAGE, STAGE: STAGE}


# ---------------------------------------------------------------- reading --


def read_rows(raw: bytes, filename: str) -> list[tuple[Any, ...]]:
    """The rows of an xlsx (first sheet) or CSV file (UTF-8, UTF-8 with BOM, or GB18030 as Excel writes)."""
    if len(raw) > MAX_BYTES:
        raise InvalidInput("The file is larger than %(mb)d MB.", field="file", mb=MAX_BYTES // (1024 * 1024))
    if raw[:2] == b"PK" or (filename or "").lower().endswith(".xlsx"):
        return _xlsx_rows(raw)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput("The file is neither an .xlsx spreadsheet nor a CSV table in UTF-8 or GB18030.",
                           field="file")
    return [tuple(row) for row in csv.reader(io.StringIO(text))]


def _xlsx_rows(raw: bytes) -> list[tuple[Any, ...]]:
    """The first sheet's rows (cached values of formulas; an empty row is ``()``, so rows keep their numbers)."""
    # here: loaded by the requests that read a workbook only
    from core.services.spreadsheets import read_xlsx

    ((_, rows),) = read_xlsx(raw, max_bytes=MAX_BYTES, max_rows=MAX_ROWS + 1, max_cols=len(COLUMNS) + 5,
                             data_only=True, first_only=True)
    return rows


def _header_map(header: Iterable[Any]) -> dict[str, int]:
    names = [str(h or "").strip() for h in header]
    found = {}
    for key, aliases in COLUMNS.items():
        for i, name in enumerate(names):
            if name in aliases or name.lower() in aliases:
                found[key] = i
                break
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in found]
    if missing:
        raise InvalidInput("The first row must name the columns; missing: %(columns)s.", field="file",
                           columns="、".join(missing))
    return found


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


# --------------------------------------------------------------- checking --


def _check(rows: list[tuple[Any, ...]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every data row checked in memory: (clean rows, report rows)."""
    rules = region_rules()
    if not rows:
        raise InvalidInput("The file is empty.", field="file")
    cols = _header_map(rows[0])
    types_by_word = {}
    for code, t in rules.unit_types.items():  # the region's names, and their common short forms
        types_by_word.update({code: code, t.name: code, t.name_en.lower(): code, t.name.replace("工业", ""): code,
                              t.name.replace("管理", "管理示范"): code})
    units = {}
    for u in db.session.scalars(select(AdminUnit).where(AdminUnit.region == rules.region_code)):
        units[u.code] = u
        units[u.name] = u
        units[u.name.rstrip("市州")] = u
    import_day = today()  # Beijing's date on the platform clock: no row may record a day still to come
    current_year = import_day.year
    clean, report, seen = [], [], {}
    for number, row in enumerate(rows[1:], start=2):
        cell = {k: (row[i] if i < len(row) else None) for k, i in cols.items()}
        if all(v in (None, "") for v in cell.values()):
            continue
        problems = []
        level = _LEVEL_WORDS.get(str(cell["level"] or "").strip())
        if level is None:
            problems.append(bilingual_text(N_("Unknown list level: %(level)s."), level=str(cell["level"] or "")[:20]))
        try:
            year = int(str(cell["year"]).strip().removesuffix("年"))
            if not 2000 <= year <= current_year + 1:
                raise ValueError
        except (TypeError, ValueError):
            year = None
            problems.append(bilingual_text(N_("The year must lie between 2000 and %(max)d."), max=current_year + 1))
        unit_type = types_by_word.get(str(cell["unit_type"] or "").strip()) or types_by_word.get(
            str(cell["unit_type"] or "").strip().lower())
        if unit_type is None:
            problems.append(bilingual_text(N_("Unknown unit type: %(type)s."), type=str(cell["unit_type"] or "")[:40]))
        try:
            uscc = normalize_uscc(str(cell["uscc"] or ""))
        except GreenmfgError as exc:
            uscc = str(cell["uscc"] or "")[:18]
            problems.append(exc.bilingual())
        name = str(cell["name"] or "").strip()
        if not 2 <= len(name) <= 200:
            problems.append(bilingual_text(N_("%(name)s must have %(low)d to %(high)d characters."), name="名称 name",
                                           low=2, high=200))
        unit = units.get(str(cell["city"] or "").strip())
        if unit is None:
            problems.append(bilingual_text(N_("Unknown city: %(city)s."), city=str(cell["city"] or "")[:40]))
        document_no = str(cell["document_no"] or "").strip()
        if not 2 <= len(document_no) <= 100:
            problems.append(bilingual_text(N_("%(name)s must have %(low)d to %(high)d characters."),
                                           name="文号 document_no", low=2, high=100))
        listed_on = _date(cell["listed_on"])
        if listed_on is None:
            problems.append(bilingual_text(N_("Give the date as YYYY-MM-DD: %(field)s."), field="发布日期 listed_on"))
        status = _STATUS_WORDS.get(str(cell.get("status") or "").strip())
        if status is None:
            problems.append(bilingual_text(N_("The status must be 列入 (listed), 移出 (removed) or the stage before "
                                              "a list (创建计划, 培育库).")))
        elif status == STAGE and level and year and _stage(level, year) is None:
            problems.append(bilingual_text(N_("The region's documents name no stage before the %(level)s list of "
                                              "%(year)d."), level=level, year=year))
        removed_on, reason = _date(cell.get("removed_on")), str(cell.get("removal_reason") or "").strip()[:500] or None
        if status == "removed" and (removed_on is None or not reason):
            problems.append(bilingual_text(N_("A removal needs its date and its reason.")))
        if status in ("listed", STAGE) and (removed_on or reason):
            problems.append(bilingual_text(N_("A removal date or reason is given for a unit still listed.")))
        for day, field in ((listed_on, "发布日期 listed_on"), (removed_on, "移出日期 removed_on")):
            if day and day > import_day:
                problems.append(bilingual_text(N_("%(field)s %(day)s lies after today (%(today)s, Beijing time): "
                                                  "a list records only what has happened."),
                                               field=field, day=day.isoformat(), today=import_day.isoformat()))
        if removed_on and listed_on and removed_on < listed_on:
            problems.append(bilingual_text(N_("The removal date lies before the listing date.")))
        key = (uscc, unit_type, level, year, status == STAGE)
        if key in seen:
            problems.append(bilingual_text(N_("The same unit, type, level and year is already in row %(row)d."),
                                           row=seen[key]))
        seen.setdefault(key, number)
        report.append({"row": number, "uscc": uscc, "name": name[:200], "ok": not problems, "problems": problems})
        if not problems:
            clean.append({"row": number, "uscc": uscc, "name": name, "unit": unit, "unit_type": unit_type,
                          "level": level, "year": year, "document_no": document_no, "listed_on": listed_on,
                          "status": status, "removed_on": removed_on if status == "removed" else None,
                          "removal_reason": reason if status == "removed" else None})
    if not report:
        raise InvalidInput("The file has no data rows.", field="file")
    return clean, report


# ---------------------------------------------------------------- writing --

_FIELDS = ("listed_on", "notice_no", "status", "removed_on", "removal_reason")


def _chunks(items: list, size: int = 900):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def import_history(actor: str, raw: bytes, filename: str = "", *, dry_run: bool = False) -> dict[str, Any]:
    """Check and (unless ``dry_run`` or any row is bad) write the history in ``raw``.

    :returns: ``{"ok", "dry_run", "rows": [{row, uscc, name, ok, problems, action, changes}], "created",
        "updated", "unchanged", "organizations_created", "sha256"}``; nothing is written unless ``ok``
        and not ``dry_run``. The caller commits.
    """
    with collector_paused():  # its rows are freed by reference counting; the collector would only rescan them
        return _import(actor, raw, filename, dry_run=dry_run)


def _import(actor: str, raw: bytes, filename: str, *, dry_run: bool) -> dict[str, Any]:
    digest = hashlib.sha256(raw).hexdigest()
    clean, report = _check(read_rows(raw, filename))
    result: dict[str, Any] = {"ok": all(r["ok"] for r in report), "dry_run": dry_run, "rows": report,
                              "created": 0, "updated": 0, "unchanged": 0, "organizations_created": 0,
                              "sha256": digest}
    if not result["ok"]:
        result["rejected"] = sum(1 for r in report if not r["ok"])
        return result
    by_row = {r["row"]: r for r in report}
    usccs = sorted({c["uscc"] for c in clean})
    orgs: dict[str, int] = {}
    for part in _chunks(usccs):
        orgs.update(dict(db.session.execute(select(Organization.uscc, Organization.id)
                                            .where(Organization.uscc.in_(part))).all()))
    new_orgs = {}
    for c in clean:
        if c["uscc"] not in orgs and c["uscc"] not in new_orgs:
            new_orgs[c["uscc"]] = {"uscc": c["uscc"], "name": c["name"], "admin_unit_id": c["unit"].id}
    result["organizations_created"] = len(new_orgs)
    if new_orgs and not dry_run:
        at = now()
        db.session.execute(insert(Organization), [{**o, "created_at": at, "updated_at": at}
                                                  for o in new_orgs.values()])
        for part in _chunks(list(new_orgs)):
            orgs.update(dict(db.session.execute(select(Organization.uscc, Organization.id)
                                                .where(Organization.uscc.in_(part))).all()))
    existing: dict[tuple, ListEntry] = {}
    ids = sorted({orgs[c["uscc"]] for c in clean if c["uscc"] in orgs})
    for part in _chunks(ids):
        for e in db.session.scalars(select(ListEntry).where(ListEntry.organization_id.in_(part))):
            existing[(e.organization_id, e.unit_type, e.level, e.year, e.status == STAGE)] = e
    creates, updates = [], []
    at = now()
    for c in clean:
        values = {"listed_on": c["listed_on"], "notice_no": c["document_no"], "status": c["status"],
                  "removed_on": c["removed_on"], "removal_reason": c["removal_reason"]}
        org_id = orgs.get(c["uscc"])
        entry = existing.get((org_id, c["unit_type"], c["level"], c["year"], c["status"] == STAGE)) if org_id else None
        line = by_row[c["row"]]
        if entry is None:
            line["action"] = "created"
            creates.append({"organization_id": org_id, "unit_type": c["unit_type"], "level": c["level"],
                            "year": c["year"], "source": "import", "created_at": at, "updated_at": at, **values})
            continue
        changes = {k: [_plain(getattr(entry, k)), _plain(v)] for k, v in values.items() if getattr(entry, k) != v}
        line["action"], line["changes"] = ("updated", changes) if changes else ("unchanged", {})
        if changes:
            updates.append({"id": entry.id, **values, "updated_at": at})
    result.update(created=len(creates), updated=len(updates), unchanged=len(clean) - len(creates) - len(updates))
    if dry_run:
        return result
    if creates:  # one COPY on PostgreSQL: the list counts' triggers (migration 0053) run once, not once per row
        bulk_writes.insert_rows(ListEntry.__table__, creates)
    if updates:
        db.session.execute(update(ListEntry), updates)
    audit.record(actor, "list.history_imported", "list_history", None, file=(filename or "")[:200], sha256=digest,
                 rows=len(clean), created=result["created"], updated=result["updated"],
                 unchanged=result["unchanged"], organizations_created=result["organizations_created"],
                 changes=[{"row": r["row"], "uscc": r["uscc"], "changes": r["changes"]}
                          for r in report if r.get("action") == "updated"][:200])
    db.session.expire_all()
    return result


def _stage(level: str, year: int) -> Any:
    from core.lists.cultivation import stage_of

    return stage_of(level, year)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def template_xlsx() -> bytes:
    """An empty table with the headers and one example row of the instance's region, for clerks (written by xlsxwriter, as the platform
    writes every table; read back by :func:`read_rows`)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("名单历史")
    from core.lists.history_sample import example_row

    example = example_row()  # issue 61: the instance's own region, not one region's row on every instance
    for col, (header, width) in enumerate(zip(TEMPLATE_HEADERS, (8, 8, 16, 22, 30, 10, 26, 12, 8, 12, 30),
                                              strict=True)):
        ws.set_column_pixels(col, col, width * 7)
        ws.write_string(0, col, header)
    for col, value in enumerate(example):
        if isinstance(value, int):
            ws.write_number(1, col, value)
        else:
            ws.write_string(1, col, value)
    wb.close()
    return buf.getvalue()
