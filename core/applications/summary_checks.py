"""Checking each row of an imported summary table against what the platform holds
(:mod:`core.applications.summary_import`): the applications already known by credit code, and per row and per field
what changes and whether it is applied or refused, with the reason (:class:`_Checker`)."""
from __future__ import annotations

import datetime as dt
import functools
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from marshmallow import fields as ma_fields
from sqlalchemy import and_, select

from core.applications import listings, services
from core.applications.core_fields import CORE_FIELDS
from core.applications.fields import fields_for, is_upload, jsonable, schema_for
from core.applications.summary_layout import (
    USCC_KEY,
    AppView,
    Col,
    LayoutChoice,
    column_message,
    convert,
    display,
    filed_score,
    normalized,
    number,
    read_ticks,
    same,
    split_contact,
    table_row,
    text,
)
from core.declared_fields import api_field
from core.errors import DeadlinePassed, GreenmfgError, InvalidInput
from core.extensions import db
from core.i18n import N_, lazy_list
from core.clock import aware, deadline_text, moment_text, now
from core.kernel.messages import field_message
from core.kernel.names import level_name
from core.kernel.rules import region_rules, rules_of_round
from core.models import AdminUnit, Application, Campaign, DeadlineExtension, EvaluatorFirm, Organization
from core.models import ApplicationStatus as S
from core.plugins.types import Level, field_attr
from core.services.bulk_writes import among

from core.applications.summary_reading import _Line, _Table

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
    result = db.session.execute(query)
    stored = _stored_row(tuple(result.keys()))
    for row in result:
        row = stored(row)  # a named tuple: SQLAlchemy's Row finds each attribute by name, 1 µs a look-up (W4)
        known = out.get(row.uscc)
        if known is None:
            known = out[row.uscc] = _Known(row.org_id, row.org_name, row.org_unit, row.org_city or "", row.until)
        if row.id is not None:
            known.apps[row.unit_type] = row
    return out


@functools.lru_cache(maxsize=8)
def _stored_row(keys: tuple[str, ...]) -> Callable[[Any], Any]:
    """A row of :func:`_known`'s query as a named tuple of its columns."""
    return namedtuple("StoredApplication", keys)._make


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
        self._roles: dict[int, list[tuple[Col, str]]] = {}  # by table (:meth:`roles`)
        self._schemas: dict[tuple, Any] = {}  # by unit type and attributes (:meth:`schema`)
        self._windows: dict[Any, GreenmfgError | None] = {}  # by deadline extension (:meth:`window`)

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
        key = (unit_type, attrs)
        made = self._schemas.get(key)
        if made is None:
            made = self._schemas[key] = schema_for([self.fields(unit_type)[0][a] for a in attrs])
        return made

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
        roles = self._roles.get(id(line.table))
        if roles is None:
            roles = self._roles[id(line.table)] = self.roles(line.table)
        for col, role in roles:
            if col.key not in cells:
                continue
            raw = cells[col.key]
            if role == "name":
                if plan.known is not None and text(raw) and normalized(raw) != normalized(plan.known.name):
                    self.refuse(plan, col, plan.known.name, raw, str(_NAME))
                continue
            if role == "kept":
                if app is None and (raw is None or text(raw) == ""):
                    continue  # nothing given for a new application: nothing to compare
                old = display(col, view)
                if not (raw.__class__ is old.__class__ and raw == old) and not same(raw, old):
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
        until = plan.known.extension_until if plan.known is not None else None
        if until not in self._windows:
            self._windows[until] = self.window(plan.known)  # the clock is read once per import (self.now)
        problem = self._windows[until]
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
        names = self._once(("industries", id(col)), lambda: _labels({
            **{code: ind.name for code, ind in self.rules.industries.items()}, **col.choices}))
        try:
            return _by_label(raw, names, "industry", N_("Unknown industry: %(value)s."))
        except InvalidInput:
            # issue 17: a round whose document accepts any industry (IndustryChoices.open) keeps its name
            if not self.rules.industry_choices(unit_type, self.campaign.year).open:
                raise
            return services.round_industry(self.rules, unit_type, self.campaign.year, text(raw))

    def mode(self, col: Col, raw: Any) -> str | None:
        from core.applications.summary_layout import MODE_LABELS

        labels = self._once(("mode labels", id(col)), lambda: _labels({**MODE_LABELS, **col.choices}))
        return _by_label(raw, labels, "evaluation_mode", N_("Unknown evaluation mode: %(value)s."))

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
                    values["contact_name"] = services._text(name, "contact_name",
                                                            CORE_FIELDS["contact_name"].max_length)
                    values["contact_phone"] = services._text(phone, "contact_phone",
                                                             CORE_FIELDS["contact_phone"].max_length, services.PHONE_RE)
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


def _labels(choices: dict[str, str]) -> dict[str, str]:
    """{normalized label or code: code} of ``choices``, the first code winning (as :func:`by_label` reads them)."""
    out: dict[str, str] = {}
    for code, label in choices.items():
        out.setdefault(normalized(label), code)
        out.setdefault(normalized(code), code)
    return out


def _by_label(value: Any, labels: dict[str, str], field_name: str, message: Any) -> str | None:
    """:func:`core.applications.summary_layout.by_label` with its labels read once (:func:`_labels`)."""
    raw = normalized(value)
    if not raw:
        return None
    code = labels.get(raw)
    if code is None:
        raise InvalidInput(message, field=field_name, value=text(value)[:80])
    return code


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
