"""Reading a filled summary table back: create or update the city's draft applications in bulk.

Every column of the layout is read. Per row and per field the report says what changes and whether it
is applied or refused, with the reason, in the user's language:

* the row is found by its 统一社会信用代码 and 创建类型 (a new code creates the organization, named by
  the row); ``seq`` is the row number and is ignored;
* columns an application's data feed (contact, industry, levels, plugin fields, cells of a plugin
  table such as Hunan's 2023 revenue, profit and tax) are applied to drafts and to new applications,
  checked by the same rules as the web form and the API (the plugins' marshmallow fields); a change
  to a submitted application is refused (only the city's return for correction reopens it);
* columns the platform keeps (city, third-party firm, score, grade, an existing organization's name)
  are refused when they differ, saying where they are changed.

All or nothing: the file is read and checked in memory; if any row is refused nothing is written and
the report lists every row. Otherwise the writes go in batches whatever the number of rows: one
SELECT for all the credit codes (with their applications and deadline extensions), one INSERT of
the new organizations and one of the new applications (each an executemany, or one COPY on
PostgreSQL; their ids read back with one SELECT), one UPDATE of the changed drafts (an executemany,
each checked against its version), one INSERT of the audit rows (:mod:`core.services.bulk_writes`), in the
audit log's hash chain (its lock, and one SELECT of the chain's tail with the rows' ids).
Drafts whose industry changes are scored again (the industry selects the reference values): their
indicator values are read with one more SELECT, only then. A row the same as its draft writes nothing.
The file is read by :func:`core.services.spreadsheets.read_xlsx` (streamed, bounded, no DTD); the plugins' own
marshmallow fields check the values.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import has_request_context
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from marshmallow import fields as ma_fields
from sqlalchemy import and_, select

from core.applications import listings, services
from core.applications.core_fields import CORE_FIELDS
from core.applications.fields import fields_for, is_upload, jsonable, schema_for
from core.applications.summary_layout import (
    USCC_HEADER,
    USCC_HEADERS,
    USCC_KEY,
    AppView,
    Col,
    LayoutChoice,
    by_label,
    column_message,
    convert,
    display,
    filed_score,
    layout_for,
    normalized,
    number,
    read_ticks,
    resolve_columns,
    same,
    section_types,
    split_contact,
    structural_texts,
    table_row,
    text,
)
from core.declared_fields import api_field
from core.errors import DeadlinePassed, GreenmfgError, InvalidInput, NotFound, Refused
from core.extensions import db
from core.i18n import N_, lazy_list
from core.clock import aware, deadline_text, moment_text, now
from core.kernel.messages import field_message
from core.kernel.names import level_name
from core.kernel.rules import region_rules, rules_of_round
from core.models import AdminUnit, Application, Campaign, DeadlineExtension, EvaluatorFirm, Organization
from core.models import ApplicationStatus as S
from core.plugins.types import EvaluationMode, Level, SummarySection, field_attr, year_text
from core.services import audit
from core.services.bulk_writes import among, insert_rows, update_rows
from core.services.deadlines import check_step_open
from core.services.memory import collector_paused
from core.services.spreadsheets import read_xlsx
from core.services.uscc import normalize_uscc

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
Progress = Callable[[int, int], None]

ACTIONS = {"created": _l("created"), "updated": _l("updated"), "unchanged": _l("unchanged"),
           "rejected": _l("rejected")}
FIELD_STATUS = {"applied": _l("applied"), "accepted": _l("accepted, not written"), "refused": _l("refused")}
_SUBMITTED = N_("The application was already submitted (status: %(status)s); an import cannot change it. The city "
                "can return it for correction so that the applicant changes it.")
_STATUS = {
    S.DRAFT: _l("Draft"), S.SUBMITTED: _l("Submitted"), S.RETURNED: _l("Returned for correction"),
    S.CITY_RECOMMENDED: _l("Recommended by the city"), S.REJECTED: _l("Rejected"),
    S.UNDER_REVIEW: _l("Under provincial review"), S.GRADED: _l("Graded"), S.IN_NOTICE: _l("In public notice"),
    S.LISTED: _l("Listed"), S.WITHDRAWN: _l("Withdrawn"),
}
_NAME = _l("The registered name of an existing organization is not changed by an import; the organization files "
           "a name change instead.")
_WHOLE_TABLE = _l("This column shows a whole table or a file; an import cannot change it.")


# ---------------------------------------------------------------- reading --


@dataclass
class _Table:
    """One section of the layout as the import looks for it."""

    section: SummarySection
    cols: list[Col]
    types: tuple[str, ...]
    headers: dict[str, Col]
    groups: dict[str, list[Col]]


@dataclass
class _Line:
    sheet: str
    row: int
    table: _Table
    cells: dict[str, Any]


def _tables(choice: LayoutChoice, campaign: Campaign) -> list[_Table]:
    out = []
    for sheet in choice.layout.sheets:
        for section in sheet.sections:
            if not section.columns:
                continue
            types = section_types(section, campaign)
            cols = resolve_columns(section, choice.year, types)
            headers = {normalized(c.header): c for c in cols if not c.group}
            headers.update({normalized(h): c for c in cols if c.key == USCC_KEY for h in USCC_HEADERS})
            groups: dict[str, list[Col]] = {}
            for c in cols:
                if c.group:
                    groups.setdefault(normalized(c.group), []).append(c)
            out.append(_Table(section, cols, types, headers, groups))
    return out


def _header(tables: list[_Table], rows: list[tuple], r: int) -> tuple[_Table, dict[int, Col], int] | None:
    """The table whose header row ``rows[r]`` is: (table, {column index: column}, header rows)."""
    best = None
    texts = [normalized(v) for v in rows[r]]
    for table in tables:
        found: dict[int, Col] = {}
        height = 1
        for i, t in enumerate(texts):
            if t in table.headers:
                found[i] = table.headers[t]
            elif t in table.groups and r + 1 < len(rows):
                height = 2
                below = rows[r + 1]
                members = table.groups[t]
                wanted = {normalized(c.header): c for c in members}
                for j in range(i, min(len(below), i + len(members) + 2)):
                    c = wanted.get(normalized(below[j]))
                    if c is not None:
                        found[j] = c
        keys = {c.key for c in found.values()}
        printed = [c for c in table.cols if c.printed]
        if len(keys) >= max(2, (len(printed) + 1) // 2) and (best is None or len(keys) > best[3]):
            best = (table, found, height, len(keys))
    return best[:3] if best else None


def _read(data: bytes, choice: LayoutChoice, campaign: Campaign, city: AdminUnit) -> tuple[list[_Line], list[str]]:
    """Every data row of every sheet, with the table it belongs to; and the sheets with no table."""
    tables = _tables(choice, campaign)
    known = {h for t in tables for h in (*t.headers, *t.groups)}
    exact, prefixes = structural_texts(choice, city.name)
    sheets = read_xlsx(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS + 200, max_cols=60)
    lines: list[_Line] = []
    ignored: list[str] = []
    for title, rows in sheets:
        current: tuple[_Table, dict[int, Col]] | None = None
        seen_table = False
        skip = -1
        for r, values in enumerate(rows):
            if r <= skip or not values:
                continue
            if current is not None and values[0].__class__ is int:  # a numbered row: data
                _add(lines, title, r, current, values)
                continue
            texts = [t for t in (normalized(v) for v in values) if t]
            if not texts:
                continue
            found = _header(tables, rows, r) if sum(t in known for t in texts) >= 2 else None
            if found is not None:
                table, cols, height = found
                if not any(c.key == USCC_KEY for c in cols.values()):
                    raise InvalidInput("The table %(table)s has no column %(column)s, which identifies each row; "
                                       "export the table again and fill that file.", field="file",
                                       table=year_text(table.section.title, choice.year), column=USCC_HEADER)
                current, seen_table, skip = (table, cols), True, r + height - 1
                continue
            if all(t in exact or t.startswith(prefixes) or t.startswith("注") for t in texts):
                continue
            if current is not None:
                _add(lines, title, r, current, values)
        if not seen_table:
            ignored.append(title)
    if len(ignored) == len(sheets):
        raise InvalidInput("No sheet of this file has the columns of the layout %(layout)s.", field="file",
                           layout=choice.title)
    return lines, ignored


def _add(lines: list[_Line], sheet: str, r: int, current: tuple[_Table, dict[int, Col]], values: tuple) -> None:
    """Keep a data row (not an empty one); at most MAX_ROWS."""
    table, cols = current
    cells = {c.key: values[i] if i < len(values) else None for i, c in cols.items()}
    if all(v is None or (v.__class__ is str and not v.strip()) for k, v in cells.items() if k != "seq"):
        return
    if len(lines) >= MAX_ROWS:
        raise InvalidInput("At most %(n)d rows can be imported at once.", field="file", n=MAX_ROWS)
    lines.append(_Line(sheet, r + 1, table, cells))


# ------------------------------------------------------------ the database --


@dataclass
class _Known:
    """An organization the file names, with its applications in the campaign."""

    id: int
    name: str
    admin_unit_id: int | None
    city: str
    extension_until: dt.datetime | None
    apps: dict[str, Any] = field(default_factory=dict)


def _known(campaign: Campaign, codes: list[str]) -> dict[str, _Known]:
    """Every organization of ``codes`` with its applications in the campaign: one SELECT."""
    if not codes:
        return {}
    query = (select(Organization.id.label("org_id"), Organization.uscc, Organization.name.label("org_name"),
                    Organization.admin_unit_id.label("org_unit"), AdminUnit.name.label("org_city"),
                    DeadlineExtension.until, Application.id, Application.unit_type, Application.level,
                    Application.status, Application.version, Application.evaluation_mode,
                    Application.requested_levels, Application.industry, Application.extension_data,
                    Application.score, Application.tier, Application.contact_name,
                    Application.contact_phone, Application.evaluator_firm_id, EvaluatorFirm.name.label("firm"),
                    Application.city_opinion, filed_score())
             .outerjoin(AdminUnit, AdminUnit.id == Organization.admin_unit_id)
             .outerjoin(Application, and_(Application.organization_id == Organization.id,
                                          Application.campaign_id == campaign.id))
             .outerjoin(EvaluatorFirm, EvaluatorFirm.id == Application.evaluator_firm_id)
             .outerjoin(DeadlineExtension, and_(DeadlineExtension.organization_id == Organization.id,
                                                DeadlineExtension.campaign_id == campaign.id))
             .where(among(Organization.uscc, codes)))
    out: dict[str, _Known] = {}
    for row in db.session.execute(query):
        known = out.get(row.uscc)
        if known is None:
            known = out[row.uscc] = _Known(row.org_id, row.org_name, row.org_unit, row.org_city or "", row.until)
        if row.id is not None:
            known.apps[row.unit_type] = row
    return out


# --------------------------------------------------------------- checking --


@dataclass
class _Plan:
    """What one row does: the organization and application it creates or the draft it changes."""

    line: _Line
    entry: dict[str, Any]
    uscc: str = ""
    unit_type: str = ""
    known: _Known | None = None
    app: Any = None
    name: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    diff: dict[str, list[Any]] = field(default_factory=dict)
    refused: bool = False


class _Checker:
    """Checks rows against the rules the web form and the API apply, without touching the database."""

    def __init__(self, city: AdminUnit, campaign: Campaign, choice: LayoutChoice):
        self.city, self.campaign, self.choice = city, campaign, choice
        self.rules = region_rules()
        self.round_rules = rules_of_round(campaign)  # a condition its notice sets (issue 53)
        self.now = now()
        self._fields_of: dict[str, tuple[dict[str, Any], dict[str, str], dict[str, str]]] = {}
        self._fields: dict[int, Any] = {}
        self._whole_cache: dict[int, bool] = {}
        self._memo: dict[tuple, Any] = {}

    def _once(self, key: tuple, make: Callable[[], Any]) -> Any:
        """``make()`` once per import (the rules' answers do not change while the file is checked)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def fields(self, unit_type: str) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
        """A unit type's plugin fields in this round by ``ext_`` attribute, {attribute: code} and {code:
        attribute} (found once per import)."""
        if unit_type not in self._fields_of:
            ffs = [f for f in fields_for(self.rules, unit_type, self.campaign.level, self.campaign.year)
                   if not is_upload(f)]
            self._fields_of[unit_type] = ({field_attr(f.code): f for f in ffs},
                                          {field_attr(f.code): f.code for f in ffs},
                                          {f.code: field_attr(f.code) for f in ffs})
        return self._fields_of[unit_type]

    def schema(self, unit_type: str, attrs: tuple[str, ...]) -> Any:
        """The schema of just these fields (the columns a row changes), made once per import: the plugin fields
        are independent (no schema-wide check), so a row is not looked up against every field of its type."""
        return self._once(("schema", unit_type, attrs),
                          lambda: schema_for([self.fields(unit_type)[0][a] for a in attrs]))

    def window(self, known: _Known | None) -> GreenmfgError | None:
        """The applicant's window the draft is saved in (as :func:`services.check_editable`)."""
        c = self.campaign
        if self.now < aware(c.opens_at):
            return DeadlinePassed("This campaign opens for submissions at %(opens)s (Beijing time).",
                                  opens=moment_text(c.opens_at))
        deadline = aware(c.closes_at)
        if known is not None and known.extension_until is not None:
            deadline = max(deadline, aware(known.extension_until))
        if self.now >= deadline:
            return DeadlinePassed("The deadline passed at %(deadline)s (Beijing time); the application can no "
                                  "longer be changed or submitted.", deadline=deadline_text(deadline))
        return None

    def unit_type(self, table: _Table, cells: dict[str, Any]) -> str:
        if len(table.types) == 1:
            return table.types[0]
        code = self._once(("types", id(table)), lambda: self.type_labels(table)).get(normalized(cells.get("unit_type")))
        if code is None:
            raise InvalidInput("Unknown unit type: %(value)s.", field="unit_type",
                               value=text(cells.get("unit_type")) or "—")
        return code

    def type_labels(self, table: _Table) -> dict[str, str]:
        """{normalized text: unit type} of a table's 创建类型 column: the column's label (also without the
        region's name it may open with: 湖南省绿色工厂 or 绿色工厂), the type's name or code (the first type that a
        text names wins)."""
        col = next((c for c in table.cols if c.key == "unit_type"), None)
        pairs = dict(col.choices) if col else {}
        names = {code: self.rules.unit_types[code].name for code in table.types if code in self.rules.unit_types}
        region = self.rules.region.name
        out: dict[str, str] = {}
        for code in table.types:
            label = pairs.get(code)
            short = label.removeprefix(region) if label and region and label != region else None
            for label in (label, short, names.get(code), code):
                if label is not None:
                    out.setdefault(normalized(label), code)
        return out

    def view(self, plan: _Plan) -> AppView:
        app, known = plan.app, plan.known
        if app is None:
            return AppView(unit_type=plan.unit_type, level=self.campaign.level, name=known.name if known else "",
                           uscc=plan.uscc, city=self.city.name)
        return AppView(unit_type=app.unit_type, evaluation_mode=app.evaluation_mode, level=app.level,
                       requested_levels=app.requested_levels, industry=app.industry, ext=app.extension_data or {},
                       score=app.score, evaluated_score=app.evaluated_score, tier=app.tier,
                       contact_name=app.contact_name, contact_phone=app.contact_phone,
                       name=known.name, uscc=plan.uscc, city=known.city, firm=app.firm,
                       city_opinion=app.city_opinion)

    # -- one row ------------------------------------------------------------

    def check(self, plan: _Plan) -> None:
        """Compare every column of the row with what is stored; collect the values to write."""
        line, app = plan.line, plan.app
        if app is None and plan.known is not None:
            # issue 43: a unit already on the round's list is refused at the start, as services.start_application
            listed = listings.refusal(plan.known.id, plan.known.name, plan.unit_type, self.campaign)
            if listed is not None:
                raise listed
        view = self.view(plan)
        editable = app is None or app.status == S.DRAFT
        ext_now = dict(app.extension_data or {}) if app is not None else {}
        tables: dict[str, list] = {}
        changes: dict[str, tuple[Col, Any]] = {}
        cells = line.cells
        for col, role in self._once(("roles", id(line.table)), lambda: self.roles(line.table)):
            if col.key not in cells:
                continue
            raw = cells[col.key]
            if role == "name":
                if plan.known is not None and text(raw) and normalized(raw) != normalized(plan.known.name):
                    self.refuse(plan, col, plan.known.name, raw, str(_NAME))
                continue
            if role == "kept":
                old = display(col, view)
                if not same(raw, old) and not (app is None and text(raw) == ""):
                    reason = str(_WHOLE_TABLE) if col.kind != "read_only" else str(column_message(col))
                    self.refuse(plan, col, old, raw, reason)
                continue
            if app is None:  # a new application takes every value given (the report names only refusals)
                if raw is not None and (raw.__class__ is not str or raw.strip()):
                    changes[col.key] = (col, raw)
                continue
            old = display(col, view)
            if self.equal(col, raw, view, old):
                continue
            if not editable:
                self.refuse(plan, col, old, raw, gettext(_SUBMITTED, status=str(_STATUS.get(app.status, app.status))))
                continue
            changes[col.key] = (col, raw)
            plan.entry["fields"].append({"column": col.header, "key": col.key, "old": text(old), "new": text(raw),
                                         "status": "applied"})
        if plan.refused or not changes:
            return
        problem = self.window(plan.known) if (app is not None or changes) else None
        if problem is not None:
            for f in plan.entry["fields"]:
                f.update(status="refused", reason=problem.localized())
            plan.refused = True
            return
        self.values(plan, changes, ext_now, tables)

    def roles(self, table: _Table) -> list[tuple[Col, str]]:
        """The columns a row of ``table`` is compared by, in order, each with what it is: ``name`` (the
        organization's), ``kept`` (the platform's, or a whole table or file: refused when changed) or
        ``value`` (applied to drafts); the row number, the credit code and the unit type are left out."""
        out = []
        for col in table.cols:
            if col.kind == "seq" or col.key in (USCC_KEY, "unit_type"):
                continue
            if col.key in ("name", "applicant_name"):
                out.append((col, "name"))
            elif col.kind == "read_only" or (col.form_field is not None and col.cell is None and self._whole(col)):
                out.append((col, "kept"))
            else:
                out.append((col, "value"))
        return out

    def field(self, col: Col) -> Any:
        """The plugin's marshmallow field of a column (made once per import)."""
        if id(col) not in self._fields:
            self._fields[id(col)] = api_field(col.form_field)
        return self._fields[id(col)]

    def _whole(self, col: Col) -> bool:
        """A column of a whole table or a file (not read back)."""
        if id(col) not in self._whole_cache:
            self._whole_cache[id(col)] = is_upload(col.form_field) or isinstance(
                self.field(col), (ma_fields.List, ma_fields.Nested, ma_fields.Dict))
        return self._whole_cache[id(col)]

    def refuse(self, plan: _Plan, col: Col, old: Any, new: Any, reason: str) -> None:
        plan.refused = True
        plan.entry["fields"].append({"column": col.header, "key": col.key, "old": text(old), "new": text(new),
                                     "status": "refused", "reason": reason})

    def equal(self, col: Col, raw: Any, view: AppView, old: Any) -> bool:
        """Whether the cell says what is stored (by meaning: numbers by value, ticks by the boxes ticked);
        ``old`` is what the column shows for ``view``: a cell that reads as exported is unchanged, whatever is
        stored behind the text (an industry kept by its name where the round lists codes, say)."""
        if (raw.__class__ is old.__class__ and raw == old) or same(raw, old):
            return True
        key = col.key
        if key == "contact":
            name, phone = split_contact(text(raw), services.PHONE_RE)
            return (name or "") == (view.contact_name or "") and (phone or "") == (view.contact_phone or "")
        if key == "requested_levels":
            try:
                chosen = self.levels(col, raw)
            except InvalidInput:
                return False
            return sorted(chosen or [self.campaign.level]) == sorted(view.requested_levels or [view.level])
        if key == "industry":
            try:
                return self.industry(col, raw, view.unit_type) == (view.industry or None)
            except InvalidInput:
                return False
        if key == "evaluation_mode":
            try:
                return self.mode(col, raw) in (None, view.evaluation_mode)
            except InvalidInput:
                return False
        if col.form_field is not None and col.cell is None and isinstance(view.ext.get(key), bool):
            new = convert(self.field(col), raw)
            return new is None and not view.ext.get(key) or new == view.ext.get(key)
        return False

    # -- values -------------------------------------------------------------

    def levels(self, col: Col, raw: Any) -> list[str]:
        if col.ticks:
            return read_ticks(raw, col.choices)
        raw_text = text(raw)
        return [code for code, label in col.choices.items() if label and label in raw_text]

    def industry(self, col: Col, raw: Any, unit_type: str = "") -> str | None:
        names = self._once(("industries", id(col)), lambda: {
            **{code: ind.name for code, ind in self.rules.industries.items()}, **col.choices})
        try:
            return by_label(raw, names, "industry", N_("Unknown industry: %(value)s."))
        except InvalidInput:
            # issue 17: a round whose document accepts any industry (IndustryChoices.open) keeps its name
            if not self.rules.industry_choices(unit_type, self.campaign.year).open:
                raise
            return services.round_industry(self.rules, unit_type, self.campaign.year, text(raw))

    def mode(self, col: Col, raw: Any) -> str | None:
        from core.applications.summary_layout import MODE_LABELS

        labels = {**MODE_LABELS, **col.choices}
        return by_label(raw, labels, "evaluation_mode", N_("Unknown evaluation mode: %(value)s."))

    def values(self, plan: _Plan, changes: dict[str, tuple[Col, Any]], ext_now: dict, tables: dict) -> None:
        """Check the changed values as a draft save does and keep what to write; refuse what fails."""
        app = plan.app
        values: dict[str, Any] = {}
        ext_raw: dict[str, Any] = {}
        by_code: dict[str, list[Col]] = {}
        for key, (col, raw) in changes.items():
            try:
                if key == "contact":
                    name, phone = split_contact(text(raw), services.PHONE_RE)
                    longest = {code: CORE_FIELDS[code].max_length for code in ("contact_name", "contact_phone")}
                    values["contact_name"] = services._text(name, "contact_name", longest["contact_name"])
                    values["contact_phone"] = services._text(phone, "contact_phone", longest["contact_phone"],
                                                             services.PHONE_RE)
                elif key == "industry":
                    values["industry"] = self.industry(col, raw, plan.unit_type)
                elif key == "requested_levels":
                    levels = self.levels(col, raw) or [self.campaign.level]
                    allowed = self._once(("levels", plan.unit_type), lambda: services.requested_level_choices(
                        self.campaign, plan.unit_type))
                    if not all(lv in allowed for lv in levels):
                        raise InvalidInput("Requested levels must be among: %(levels)s.", field="requested_levels",
                                           levels=lazy_list(allowed, level_name))
                    values["requested_levels"] = sorted(set(levels))
                elif key == "evaluation_mode":
                    mode = self.mode(col, raw)
                    if mode is not None:
                        services.check_mode(self._once(("modes", plan.unit_type), lambda: self.round_rules.evaluation_modes(
                            plan.unit_type, Level(self.campaign.level), self.campaign.year)), mode)
                        values["evaluation_mode"] = mode
                elif col.cell is not None:
                    code, _, selector, name = col.cell
                    table = tables.get(code)
                    if table is None:
                        current = ext_now.get(code)
                        table = [dict(r) for r in current] if isinstance(current, list) else [
                            dict(r) for r in col.table_rows]
                        tables[code] = table
                    row = table_row(table, col)
                    if row is None:
                        if selector is None:
                            raise InvalidInput("Missing data for required field.", field=code)
                        row = {selector[0]: selector[1]}
                        table.append(row)
                    if raw is None or (raw.__class__ is str and not raw.strip()):
                        row.pop(name, None)
                    elif raw.__class__ in (int, float):
                        row[name] = raw  # the plugin's field checks and converts it
                    else:
                        n = number(raw)
                        row[name] = str(n) if n is not None else text(raw)
                    ext_raw[code] = table
                    by_code.setdefault(code, []).append(col)
                elif col.form_field is not None:
                    ext_raw[key] = convert(self.field(col), raw)
                    by_code.setdefault(key, []).append(col)
                else:
                    raise InvalidInput("Unknown field.", field=key)
            except GreenmfgError as exc:
                _field_refused(plan, [col], exc.localized())
        if ext_raw:
            _, codes, attrs = self.fields(plan.unit_type)
            for code in [c for c in ext_raw if c not in attrs]:
                _field_refused(plan, by_code.get(code, []), field_message("Unknown field."))
                ext_raw.pop(code)
            given = {attrs[k]: v for k, v in ext_raw.items()}
            try:
                typed = self.schema(plan.unit_type, tuple(sorted(given))).load(given, partial=True)
            except ValidationError as exc:
                for attr, messages in exc.messages.items():
                    code = codes.get(attr, attr)
                    _field_refused(plan, by_code.get(code, []), _flatten(messages))
            else:
                values["extension_data"] = {**ext_now, **jsonable({codes[a]: v for a, v in typed.items()})}
        if plan.refused:
            return
        plan.values = values
        plan.diff = _diff(app, values)


def _flatten(messages: Any) -> str:
    """marshmallow's messages (nested for table rows) as one line in the user's language."""
    if isinstance(messages, dict):
        return "; ".join(f"{k}: {_flatten(v)}" if not str(k).isdigit() else f"{int(k) + 1}: {_flatten(v)}"
                         for k, v in messages.items())
    if isinstance(messages, list):
        return "; ".join(_flatten(m) for m in messages)
    return field_message(messages)


def _diff(app: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """The audit diff of a draft save ({field: [before, after]}, extension fields as ``ext.<code>``)."""
    out: dict[str, list[Any]] = {}
    for key, value in values.items():
        if key == "extension_data":
            before = (app.extension_data or {}) if app is not None else {}
            for code in sorted(set(value) | set(before)):
                if before.get(code) != value.get(code):
                    out[f"ext.{code}"] = [before.get(code), value.get(code)]
        else:
            old = getattr(app, key) if app is not None else None
            if old != value:
                out[key] = [old, value]
    return out


def _field_refused(plan: _Plan, cols: list[Col], reason: str) -> None:
    """Mark the fields of ``cols`` refused with ``reason`` (or add one line naming them)."""
    plan.refused = True
    keys = {c.key for c in cols}
    hit = False
    for f in plan.entry["fields"]:
        if f["key"] in keys:
            f.update(status="refused", reason=reason)
            hit = True
    if not hit:
        plan.entry["fields"].append({"column": ", ".join(c.header for c in cols) or "—", "key": "", "old": "",
                                     "new": "", "status": "refused", "reason": reason})


# ---------------------------------------------------------------- writing --


def _write(plans: list[_Plan], checker: _Checker, actor: str) -> None:
    """Write every accepted row in batches: new organizations, new applications, changed drafts, audit."""
    now = checker.now
    campaign, city, rules = checker.campaign, checker.city, checker.rules
    region = rules.region_code
    audits: list[dict[str, Any]] = []

    def log(action: str, object_type: str, object_id: Any, **data: Any) -> None:
        audits.append({"at": now, "actor": actor, "action": action, "object_type": object_type,
                       "object_id": None if object_id is None else str(object_id), "region": region,
                       "data": data})  # plain already: stored JSON and checked values

    orgs = {p.uscc: p.known.id for p in plans if p.known is not None}
    new_orgs = {}
    for p in plans:
        if p.known is None and p.uscc not in orgs and p.uscc not in new_orgs:
            new_orgs[p.uscc] = {"uscc": p.uscc, "name": p.name, "admin_unit_id": city.id, "created_at": now,
                                "updated_at": now}
    if new_orgs:
        insert_rows(Organization.__table__, list(new_orgs.values()))
        for org_id, code in db.session.execute(select(Organization.id, Organization.uscc)
                                               .where(among(Organization.uscc, list(new_orgs)))):
            orgs[code] = org_id
            log("organization.imported", "organization", org_id, uscc=code, name=new_orgs[code]["name"])
    creates = [p for p in plans if p.app is None]
    if creates:
        rows = []
        default_modes: dict[str, str] = {}
        for p in creates:
            mode = default_modes.get(p.unit_type)
            if mode is None:
                modes = checker.round_rules.evaluation_modes(p.unit_type, Level(campaign.level), campaign.year)
                mode = default_modes[p.unit_type] = str(
                    EvaluationMode.THIRD_PARTY if modes.third_party_required else modes.allowed[0])
            v = p.values
            rows.append({"campaign_id": campaign.id, "organization_id": orgs[p.uscc], "admin_unit_id": city.id,
                         "unit_type": p.unit_type, "level": campaign.level,
                         "evaluation_mode": v.get("evaluation_mode", mode), "status": S.DRAFT,
                         "industry": v.get("industry"), "indicator_values": {},
                         "extension_data": v.get("extension_data", {}),
                         "requested_levels": v.get("requested_levels", [campaign.level]),
                         "contact_name": v.get("contact_name"), "contact_phone": v.get("contact_phone"),
                         "declarations": {}, "version": 1, "created_at": now, "updated_at": now})
        insert_rows(Application.__table__, rows)  # and a SELECT of the ids (module docstring)
        ids = {}
        for app_id, org_id, unit_type in db.session.execute(
                select(Application.id, Application.organization_id, Application.unit_type)
                .where(Application.campaign_id == campaign.id,
                       among(Application.organization_id, sorted({orgs[p.uscc] for p in creates})))):
            ids[(org_id, unit_type)] = app_id
        for p in creates:
            key = (orgs[p.uscc], p.unit_type)  # created with the row's values: one audit row holds both
            log("application.created", "application", ids[key], campaign=campaign.id, organization=p.uscc,
                unit_type=p.unit_type, via="summary_import", diff=p.diff)
    updates = [p for p in plans if p.app is not None and p.diff]
    if updates:
        params = []
        book = None
        indicators = _indicator_values([p.app.id for p in updates if "industry" in p.values])
        for p in updates:
            a, v = p.app, p.values
            score, tier = a.score, a.tier
            if indicators.get(a.id):
                book = book or _reference_book()
                score, tier = _rescore(a, indicators[a.id], v["industry"], checker, book)
            params.append(((a.id, a.version), {  # each draft checked against its version
                "evaluation_mode": v.get("evaluation_mode", a.evaluation_mode),
                "industry": v.get("industry", a.industry),
                "extension_data": v.get("extension_data", a.extension_data or {}), "score": score, "tier": tier,
                "requested_levels": v.get("requested_levels", a.requested_levels),
                "contact_name": v.get("contact_name", a.contact_name),
                "contact_phone": v.get("contact_phone", a.contact_phone), "version": a.version + 1,
                "updated_at": now}))
            log("application.saved", "application", a.id, diff=p.diff, via="summary_import")
        if update_rows(Application.__table__, ("id", "version"), params) not in (-1, len(params)):
            db.session.rollback()  # a draft was saved meanwhile: nothing of the file is written
            raise Refused("Someone changed this application at the same time; reload the page and try again.")
    audit.record_rows(audits)  # in the audit log's hash chain (core/services/audit_chain.py)


def _indicator_values(ids: list[int]) -> dict[int, dict]:
    """The stored indicator values of the drafts whose industry the file changes (one SELECT, none without
    such a draft): the industry selects the reference values they are scored against; other rows keep their
    score and are not read for it."""
    if not ids:
        return {}
    return dict(db.session.execute(select(Application.id, Application.indicator_values)
                                   .where(among(Application.id, ids))).all())


def _reference_book():
    from core.scoring.reference import ReferenceBook

    return ReferenceBook.from_db(db.session)


def _rescore(app: Any, values: dict, industry: str | None, checker: _Checker, book: Any) -> tuple[Any, Any]:
    """The draft's score of its indicator ``values`` under its new industry (the industry selects the reference
    values)."""
    from core.applications.scoring import GENERAL, parse_request, score_request

    campaign = checker.campaign
    request = parse_request({"unit_type": app.unit_type, "year": campaign.year, "level": app.level,
                             "industry": industry or GENERAL,
                             "values": {str(k): v for k, v in values.items()}}, checker.rules)
    result = score_request(request, checker.rules, book)
    if result is None:
        return None, None
    return result["total"], result.get("tier")


# ----------------------------------------------------------------- import --


def import_summary(city_id: int, campaign_id: int, data: bytes, actor: str, *, progress: Progress | None = None,
                   locale: str | None = None) -> dict[str, Any]:
    """Create or update the city's draft applications from a filled table (all or nothing).

    :param progress: called with ``(rows checked, rows in all)``.
    :param locale: the language of the report (``zh``/``en``; default: the request's).
    :returns: ``{"ok", "layout", "layout_title", "rows": [...], "created", "updated", "unchanged",
        "rejected", "ignored_sheets"}``; each row ``{"sheet", "row", "uscc", "name", "action",
        "action_label", "reason", "fields": [{"column", "key", "old", "new", "status", "status_label",
        "reason"}]}``. When ``ok`` is False nothing was written. The caller commits.
    """
    city = db.session.get(AdminUnit, city_id)
    campaign = db.session.get(Campaign, campaign_id)
    if city is None or campaign is None:
        raise NotFound("No such campaign.")
    return import_xlsx(city, campaign, data, actor, progress=progress, locale=locale)


def import_xlsx(city: AdminUnit, campaign: Campaign, data: bytes, actor: str, *, progress: Progress | None = None,
                locale: str | None = None) -> dict[str, Any]:
    """:func:`import_summary` for loaded objects (the web page and the API)."""
    if locale is None and not has_request_context():
        locale = "zh"  # a background job: the platform's first language unless told
    with force_locale(locale) if locale else contextlib.nullcontext(), collector_paused():
        return _import(city, campaign, data, actor, progress)


def _import(city: AdminUnit, campaign: Campaign, data: bytes, actor: str, progress: Progress | None) -> dict[str, Any]:
    check_step_open(campaign, "city", admin_unit_id=city.id)  # issue 15: the city's deadline for the round
    choice = layout_for(campaign)
    lines, ignored = _read(data, choice, campaign, city)
    report: dict[str, Any] = {"ok": True, "layout": choice.code, "layout_title": choice.title, "rows": [],
                              "ignored_sheets": ignored, "created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    checker = _Checker(city, campaign, choice)
    plans: list[_Plan] = []
    codes: dict[int, str] = {}
    checked: dict[str, str | GreenmfgError] = {}
    for i, line in enumerate(lines):
        raw = text(line.cells.get(USCC_KEY))
        if raw not in checked:
            try:
                checked[raw] = normalize_uscc(raw) if raw else ""
            except GreenmfgError as exc:
                checked[raw] = exc
        codes[i] = checked[raw] if isinstance(checked[raw], str) else ""
    known = _known(campaign, sorted({c for c in codes.values() if c}))
    seen: set[tuple[str, str]] = set()
    total = len(lines)
    for i, line in enumerate(lines):
        entry = {"sheet": line.sheet, "row": line.row, "uscc": text(line.cells.get(USCC_KEY)),
                 "name": text(line.cells.get("applicant_name") or line.cells.get("name")), "fields": []}
        plan = _Plan(line, entry)
        try:
            raw = text(line.cells.get(USCC_KEY))
            if not raw:
                raise InvalidInput("Missing data for required field.", field=USCC_KEY)
            if isinstance(checked[raw], GreenmfgError):
                raise checked[raw]
            plan.uscc = checked[raw]
            plan.unit_type = checker.unit_type(line.table, line.cells)
            plan.known = known.get(plan.uscc)
            if plan.known is not None and plan.known.admin_unit_id != city.id:
                raise InvalidInput("This organization belongs to another city; only its own city can import it.",
                                   field=USCC_KEY)
            if (plan.uscc, plan.unit_type) in seen:
                raise InvalidInput("This organization and unit type appear twice in the file.", field=USCC_KEY)
            seen.add((plan.uscc, plan.unit_type))
            plan.app = plan.known.apps.get(plan.unit_type) if plan.known else None
            if plan.known is None:
                plan.name = entry["name"]
                if not 2 <= len(plan.name) <= 200:
                    raise InvalidInput("A new organization needs its full registered name.", field="applicant_name")
            checker.check(plan)
        except GreenmfgError as exc:
            plan.refused = True
            entry["field"] = exc.field
            entry["reason"] = exc.localized()
        if plan.refused:
            action = "rejected"
            if "reason" not in entry:
                entry["reason"] = "; ".join(f"{f['column']}: {f['reason']}" for f in entry["fields"]
                                            if f["status"] == "refused")
        elif plan.app is None:
            action = "created"
        elif plan.diff:
            action = "updated"
        else:
            action = "unchanged"
            entry["fields"] = []
        entry["action"] = action
        report[action] += 1
        report["rows"].append(entry)
        plans.append(plan)
        if progress and (i + 1) % 500 == 0:
            progress(i + 1, total)
    report["ok"] = not report["rejected"]
    actions = {k: str(v) for k, v in ACTIONS.items()}  # translated once, not per row
    statuses = {k: str(v) for k, v in FIELD_STATUS.items()}
    for entry in report["rows"]:
        entry["action_label"] = actions[entry["action"]]
        for f in entry["fields"]:
            if f["status"] == "applied" and not report["ok"]:
                f["status"] = "accepted"
            f["status_label"] = statuses[f["status"]]
    if not report["ok"]:
        db.session.rollback()
        return report
    _write([p for p in plans if p.app is None or p.diff], checker, actor)
    audit.record(actor, "summary.imported", "campaign", campaign.id, layout=choice.code, admin_unit=city.code,
                 created=report["created"], updated=report["updated"], unchanged=report["unchanged"])
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, (Application, Organization)):
            db.session.expire(obj)  # written with bulk statements: loaded copies reload when next read
    if progress:
        progress(total, total)
    return report
