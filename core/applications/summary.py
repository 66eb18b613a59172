"""Summary tables (汇总表): export a city's recommendations as xlsx in the region's layout, and
import a filled table to create or update draft applications in bulk.

Export: one worksheet per section of the region's :class:`~core.plugins.types.SummaryLayout`
for the campaign's level (e.g. Hunan 附件2-1/2-2, Jiangxi 推荐汇总表), or core's default
layout. Text that starts with ``=``, ``+``, ``-`` or ``@`` is written as text, never as a
formula. A last column carries the 统一社会信用代码, which identifies rows on re-import.

Import: all or nothing. Every row is checked through the same services as the web form; if
any row is rejected nothing is written and the report says, row by row, what and why.
openpyxl parses XML with defusedxml (refused if it is missing).
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from marshmallow import fields as ma_fields
from sqlalchemy import select

from core.applications import services
from core.applications.fields import (
    bilingual_message,
    fields_for,
    is_upload,
    jsonable,
    load_extension,
)
from core.errors import GreenmfgError, InvalidInput
from core.extensions import db
from core.i18n import bilingual
from core.models import AdminUnit, Application, Campaign, EvaluatorFirm, Organization
from core.models import ApplicationStatus as S
from core.plugins.types import Level, SummaryColumn, SummaryLayout, SummarySection
from core.services import audit
from core.services.deadlines import check_step_open
from core.services.uscc import normalize_uscc

USCC_KEY = "uscc"
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_YES = {"是", "√", "✓", "✔", "true", "1", "yes", "y", "t", "x", "☑"}
_NO = {"否", "", "×", "false", "0", "no", "n", "f", "☐"}

#: core's layout for regions that register none (headers rendered in Chinese, matched in both languages)
_DEFAULT_COLUMNS = (
    ("seq", _l("No.")), ("city", _l("City")), ("applicant_name", _l("Applicant")),
    ("unit_type", _l("Unit type")), ("industry", _l("Industry")), ("score", _l("Self-evaluation score")),
    ("evaluation_mode", _l("Evaluation mode")), ("contact", _l("Contact person and phone")),
)
_USCC_HEADER = _l("Unified social credit code")


def _rules():
    return current_app.extensions["greenmfg"].rules


def _both(lazy) -> set[str]:
    return set(bilingual(lazy).values())


def _zh(lazy) -> str:
    with force_locale("zh"):
        return str(lazy)


def layout_for(campaign: Campaign) -> SummaryLayout:
    """The region's layout for the campaign's level (one with columns), else core's default."""
    level = Level(campaign.level)
    for layout in _rules().summary_layouts.values():
        if (not layout.levels or level in layout.levels) and any(s.columns for s in layout.sections):
            return layout
    rules = _rules()
    return SummaryLayout(
        code="core.default_summary", title=f"{campaign.title} 推荐汇总表", source="core",
        sections=(SummarySection(title=f"{rules.region.name}{campaign.year}年度推荐汇总表",
                                 unit_types=tuple(campaign.unit_types or ()),
                                 columns=tuple(SummaryColumn(key=k, header=_zh(h)) for k, h in _DEFAULT_COLUMNS)),))


def _columns(section: SummarySection) -> list[SummaryColumn]:
    cols = list(section.columns)
    if not any(c.key == USCC_KEY for c in cols):
        cols.append(SummaryColumn(key=USCC_KEY, header=_zh(_USCC_HEADER)))
    return cols


def recommended(city: AdminUnit, campaign: Campaign, unit_types: Iterable[str] | None = None) -> list[Application]:
    """The city's recommended applications of a campaign, ranked (score, then submission time)."""
    query = (select(Application).where(Application.admin_unit_id == city.id, Application.campaign_id == campaign.id,
                                       Application.status.in_(services.RECOMMENDED))
             .order_by(Application.score.desc().nulls_last(), Application.submitted_at, Application.id))
    if unit_types is not None:
        query = query.where(Application.unit_type.in_(list(unit_types)))
    return list(db.session.scalars(query))


def _flag(value: Any) -> str:
    return "是" if value else "否"


def cell_value(application: Application, key: str, seq: int) -> Any:
    rules = _rules()
    org = application.organization
    ext = application.extension_data or {}
    if key == "seq":
        return seq
    if key in ("applicant_name", "name"):
        return org.name
    if key == USCC_KEY:
        return org.uscc
    if key == "unit_type":
        t = rules.unit_types.get(application.unit_type)
        return t.name if t else application.unit_type
    if key == "contact":
        return " ".join(x for x in (application.contact_name, application.contact_phone) if x)
    if key == "city":
        return application.admin_unit.name
    if key == "industry":
        ind = rules.industries.get(application.industry or "")
        return ind.name if ind else (application.industry or "")
    if key == "evaluator":
        firm = db.session.get(EvaluatorFirm, application.evaluator_firm_id) if application.evaluator_firm_id else None
        return firm.name if firm else ""
    if key == "evaluation_mode":
        return {"self": "自评价", "third_party": "第三方评价"}.get(application.evaluation_mode, application.evaluation_mode)
    if key == "requested_levels":
        return "、".join(rules.list_levels[lv].name for lv in (application.requested_levels or [application.level])
                        if lv in rules.list_levels)
    if key == "score":
        return None if application.score is None else float(application.score)
    if key == "tier":
        return application.tier or ""
    if key in ext:
        value = ext[key]
        if isinstance(value, bool):
            return _flag(value)
        if isinstance(value, (list, dict)):
            return str(value)
        return value
    row = _ROW_PATH.fullmatch(key)
    if row:  # one entry of a table field: "hunan.finances[-1].revenue" (the last row's revenue)
        table, index, name = ext.get(row["code"]), int(row["index"]), row["name"]
        if isinstance(table, list) and -len(table) <= index < len(table) and isinstance(table[index], dict):
            return table[index].get(name, "")
    return ""


#: a summary column key naming one cell of a table-valued form field
_ROW_PATH = re.compile(r"(?P<code>[\w.]+)\[(?P<index>-?\d+)\]\.(?P<name>\w+)")


def _put(ws, row: int, col: int, value: Any):
    """Write one cell; user text is always text (formula injection), control characters dropped."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
        cell.value = value
        if value.startswith(_FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def _sheet_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", title)[:28] or "Sheet"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:26]}-{n}", n + 1
    used.add(name)
    return name


def export_xlsx(city: AdminUnit, campaign: Campaign, actor: str) -> bytes:
    """The city's recommendation table for ``campaign`` as xlsx bytes (audited)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    layout = layout_for(campaign)
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    rows_total = 0
    stamp = services.beijing(services.now())
    for section in layout.sections:
        if not section.columns and layout.code != "core.default_summary":
            continue
        ws = wb.create_sheet(_sheet_title(section.title, used))
        cols = _columns(section)
        _put(ws, 1, 1, section.title).font = Font(bold=True, size=14)
        _put(ws, 2, 1, f"推荐单位：{city.name}    导出时间：{stamp}（北京时间）    {layout.title}")
        for i, col in enumerate(cols, start=1):
            c = _put(ws, 3, i, col.header)
            c.font = Font(bold=True)
            c.alignment = Alignment(wrap_text=True, vertical="center")
            ws.column_dimensions[c.column_letter].width = max(8, min(40, len(col.header) * 2 + 2))
        types = section.unit_types or tuple(campaign.unit_types or ())
        for seq, application in enumerate(recommended(city, campaign, types), start=1):
            for i, col in enumerate(cols, start=1):
                _put(ws, 3 + seq, i, cell_value(application, col.key, seq))
            rows_total += 1
        ws.freeze_panes = "A4"
    if not wb.worksheets:
        raise InvalidInput("The region's summary layout for this round has no columns yet.")
    buf = io.BytesIO()
    wb.save(buf)
    audit.record(actor, "summary.exported", "campaign", campaign.id, layout=layout.code, admin_unit=city.code,
                 rows=rows_total)
    return buf.getvalue()


# ------------------------------------------------------------------ import --


def _open_workbook(data: bytes):
    from openpyxl import load_workbook
    from openpyxl import xml as openpyxl_xml

    if not openpyxl_xml.DEFUSEDXML:
        raise InvalidInput("Spreadsheet import is disabled: the defusedxml package is missing.")
    if len(data) > MAX_BYTES:
        raise InvalidInput("The file is larger than %(mb)d MB.", field="file", mb=MAX_BYTES // (1024 * 1024))
    if not data.startswith(b"PK\x03\x04"):
        raise InvalidInput("Only .xlsx files are accepted; this file is not one (checked by its content).",
                           field="file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > 50 * MAX_BYTES:
                raise InvalidInput("The spreadsheet unpacks to too much data.", field="file")
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except InvalidInput:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors for damaged files
        raise InvalidInput("The file is damaged or not an .xlsx spreadsheet.", field="file") from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    return str(value).strip()


def _header_map(section: SummarySection) -> dict[str, str]:
    mapping = {}
    for col in _columns(section):
        mapping[col.header.strip()] = col.key
    for key, lazy in _DEFAULT_COLUMNS:
        for text in _both(lazy):
            mapping.setdefault(text, key)
    for text in _both(_USCC_HEADER):
        mapping[text] = USCC_KEY
    return mapping


def _find_section(rows: list[tuple], layout: SummaryLayout):
    """(section, header row index, {column index: key}) of the section whose headers a sheet has."""
    best = None
    for section in layout.sections:
        headers = _header_map(section)
        wanted = {c.key for c in _columns(section)}
        for r, row in enumerate(rows[:10]):
            cols = {i: headers[_text(v)] for i, v in enumerate(row) if _text(v) in headers}
            hits = len(set(cols.values()) & wanted)
            if USCC_KEY in cols.values() and hits >= max(2, len(wanted) // 2) and (best is None or hits > best[3]):
                best = (section, r, cols, hits)
    return best[:3] if best else None


def _convert(field: ma_fields.Field, value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(field, ma_fields.Boolean):
        text = _text(value).lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
        return text
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if isinstance(field, ma_fields.Date) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(field, (ma_fields.String,)) and not isinstance(value, str):
        return _text(value)
    if isinstance(value, float) and value.is_integer() and isinstance(field, ma_fields.Integer):
        return int(value)
    return value.strip() if isinstance(value, str) else value


def _split_contact(text: str) -> tuple[str | None, str | None]:
    parts = text.split()
    if not parts:
        return None, None
    if len(parts) > 1 and services.PHONE_RE.match(parts[-1]):
        return " ".join(parts[:-1]), parts[-1]
    if services.PHONE_RE.match(parts[0]) and len(parts) == 1:
        return None, parts[0]
    return text, None


def _unit_type(section: SummarySection, value: Any, campaign: Campaign) -> str:
    types = [t for t in (section.unit_types or tuple(campaign.unit_types or ())) if t in (campaign.unit_types or [])]
    if len(types) == 1:
        return types[0]
    text = _text(value)
    for code in types:
        t = _rules().unit_types.get(code)
        if text in (code, getattr(t, "name", None), getattr(t, "name_en", None)) or (
                t is not None and text and text in t.name):
            return code
    raise InvalidInput("Unknown unit type: %(value)s.", field="unit_type", value=text or "—")


def _industry(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    for code, ind in _rules().industries.items():
        if text in (code, ind.name):
            return code
    raise InvalidInput("Unknown industry: %(value)s.", field="industry", value=text[:80])


def _row_changes(application: Application | None, campaign: Campaign, unit_type: str,
                 cells: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if "contact" in cells and _text(cells["contact"]):
        name, phone = _split_contact(_text(cells["contact"]))
        if name:
            changes["contact_name"] = name
        if phone:
            changes["contact_phone"] = phone
    if "industry" in cells and _text(cells["industry"]):
        changes["industry"] = _industry(cells["industry"])
    if "requested_levels" in cells and _text(cells["requested_levels"]):
        text = _text(cells["requested_levels"])
        rules = _rules()
        levels = [code for code, lv in rules.list_levels.items() if lv.name in text or code in text]
        changes["requested_levels"] = [lv for lv in levels if lv in services.requested_level_choices(campaign)]
    ffs = {f.code: f for f in fields_for(_rules(), unit_type, campaign.level) if not is_upload(f)}
    ext = {}
    for key, value in cells.items():
        f = ffs.get(key)
        if f is None:
            continue
        field = f.make_schema_field()
        if isinstance(field, (ma_fields.List, ma_fields.Nested, ma_fields.Dict)):
            continue
        converted = _convert(field, value)
        if converted is not None:
            ext[key] = converted
    if ext:
        changes["extension"] = ext
    return changes


def _unchanged(application: Application, changes: dict[str, Any]) -> bool:
    for key, value in changes.items():
        if key == "extension":
            ffs = fields_for(_rules(), application.unit_type, application.level)
            typed = jsonable(load_extension(ffs, value, partial=True))
            stored = application.extension_data or {}
            if any(stored.get(k) != v for k, v in typed.items()):
                return False
        elif key == "requested_levels":
            if sorted(value or [application.level]) != sorted(application.requested_levels or []):
                return False
        elif getattr(application, key) != value:
            return False
    return True


def import_xlsx(city: AdminUnit, campaign: Campaign, data: bytes, actor: str) -> dict[str, Any]:
    """Create or update draft applications of ``city`` from a filled table (all or nothing).

    :returns: a report ``{"ok", "layout", "rows": [...], "created", "updated", "unchanged", "rejected"}``;
        when ``ok`` is False nothing was written. The caller commits (or has nothing to commit).
    """
    check_step_open(campaign, "city", admin_unit_id=city.id)  # issue 15: the city's deadline for the round
    layout = layout_for(campaign)
    wb = _open_workbook(data)
    sheet_count = len(wb.worksheets)
    report: dict[str, Any] = {"ok": True, "layout": layout.code, "rows": [], "ignored_sheets": [],
                              "created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    seen: set[tuple[int, str]] = set()
    try:
        for ws in wb.worksheets:
            try:
                ws.reset_dimensions()
                rows = []
                for row in ws.iter_rows(values_only=True, max_col=60):
                    rows.append(row)
                    if len(rows) > MAX_ROWS + 10:
                        raise InvalidInput("At most %(n)d rows can be imported at once.", field="file", n=MAX_ROWS)
            except InvalidInput:
                raise
            except Exception:  # noqa: BLE001 - as above, while reading rows
                raise InvalidInput("The file is damaged or not an .xlsx spreadsheet.", field="file") from None
            found = _find_section(rows, layout)
            if found is None:
                report["ignored_sheets"].append(ws.title)
                continue
            section, header_row, cols = found
            for r in range(header_row + 1, len(rows)):
                values = rows[r]
                cells = {key: values[i] if i < len(values) else None for i, key in cols.items()}
                if all(_text(v) == "" for k, v in cells.items() if k != "seq"):
                    continue
                entry = {"sheet": ws.title, "row": r + 1, "uscc": _text(cells.get(USCC_KEY)),
                         "name": _text(cells.get("applicant_name") or cells.get("name"))}
                try:
                    entry["action"] = _import_row(city, campaign, section, cells, actor, seen)
                except GreenmfgError as exc:
                    entry["action"] = "rejected"
                    entry["field"] = exc.field
                    errors = getattr(exc, "errors", None)
                    detail = "; ".join(f"{k}: {bilingual_message(v[0]) if isinstance(v, list) and v else v}"
                                       for k, v in errors.items()) if isinstance(errors, dict) else ""
                    entry["reason"] = exc.bilingual() + (f" ({detail})" if detail else "")
                report["rows"].append(entry)
                report[entry["action"]] += 1
    finally:
        wb.close()
    if len(report["ignored_sheets"]) == sheet_count:
        db.session.rollback()
        raise InvalidInput("No sheet of this file has the columns of the layout %(layout)s.", field="file",
                           layout=layout.title)
    if report["rejected"]:
        report["ok"] = False
        db.session.rollback()
        return report
    audit.record(actor, "summary.imported", "campaign", campaign.id, layout=layout.code, admin_unit=city.code,
                 created=report["created"], updated=report["updated"], unchanged=report["unchanged"])
    return report


def _import_row(city: AdminUnit, campaign: Campaign, section: SummarySection, cells: dict[str, Any], actor: str,
                seen: set[tuple[int, str]]) -> str:
    raw_uscc = _text(cells.get(USCC_KEY))
    if not raw_uscc:
        raise InvalidInput("Missing data for required field.", field=USCC_KEY)
    code = normalize_uscc(raw_uscc)
    unit_type = _unit_type(section, cells.get("unit_type"), campaign)
    org = db.session.scalar(select(Organization).where(Organization.uscc == code))
    name = _text(cells.get("applicant_name") or cells.get("name"))
    if org is not None and org.admin_unit_id != city.id:
        raise InvalidInput("This organization belongs to another city; only its own city can import it.",
                           field=USCC_KEY)
    application = None
    if org is not None:
        application = db.session.scalar(select(Application).where(Application.campaign_id == campaign.id,
                                                                  Application.organization_id == org.id,
                                                                  Application.unit_type == unit_type))
    key = (org.id if org is not None else -1, code + unit_type)
    if key in seen:
        raise InvalidInput("This organization and unit type appear twice in the file.", field=USCC_KEY)
    seen.add(key)
    changes = _row_changes(application, campaign, unit_type, cells)
    if application is not None and application.status != S.DRAFT:
        if _unchanged(application, changes):
            return "unchanged"
        raise InvalidInput("The application was already submitted (status %(status)s); an import cannot change "
                           "it.", field=USCC_KEY, status=str(application.status))
    if org is None:
        if not 2 <= len(name) <= 200:
            raise InvalidInput("A new organization needs its full registered name.", field="applicant_name")
        org = Organization(uscc=code, name=name, admin_unit_id=city.id)
        db.session.add(org)
        db.session.flush()
        audit.record(actor, "organization.imported", "organization", org.id, uscc=code, name=name)
    created = application is None
    if created:
        application = services._new_application(campaign, org, unit_type, actor)
    if not created and _unchanged(application, changes):
        return "unchanged"
    services.save_draft(application, changes, actor)
    return "created" if created else "updated"
