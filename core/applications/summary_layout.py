"""Summary-table layouts resolved for one round: which layout a round prints (and which year's it
reuses), its columns with the round's years filled in, how a cell prints an application's value and
how a printed cell reads back on import.

The layouts themselves are the region plugins' (``gm_register_summary_layouts``, records in
:mod:`core.plugins.types`); core's own layout serves a region that registers none. Exports
(:mod:`core.applications.summary`) and imports (:mod:`core.applications.summary_import`) share
everything here, so a table always reads back the way it was printed.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

from flask_babel import lazy_gettext as _l
from marshmallow import fields as ma_fields
from sqlalchemy import select

from core.declared_fields import api_field
from core.errors import InvalidInput
from core.kernel.rules import region_rules
from core.models import Application, EvaluationReport
from core.plugins.types import (
    FormField,
    Level,
    SummaryColumn,
    SummaryLayout,
    SummarySection,
    SummarySheet,
    year_text,
)
from core.services.spreadsheets import PrintColumn

USCC_KEY = "uscc"
#: the header of the credit-code column kept (unprinted) for re-import when a layout has none
USCC_HEADER = "统一社会信用代码"
#: headers the import also accepts for it (a column renamed in English, or with a note)
USCC_HEADERS = {"统一社会信用代码", "unifiedsocialcreditcode", "统一社会信用代码（导入用，不打印）", "uscc"}
TICKED, UNTICKED = "☑", "☐"
_TICK_MARKS = "☑✓✔√■☒✅"
MODE_LABELS = {"self": "自评价", "third_party": "第三方评价"}
#: the readable name of each core key (the import report names the column by its header instead)
READ_ONLY = {"city", "evaluator", "score", "evaluated_score", "tier", "city_opinion"}
#: columns of a score (0-100, two decimals)
SCORES = ("score", "evaluated_score")
IDENTITY = {"uscc", "unit_type", "name", "applicant_name"}


# -------------------------------------------------------------- the layout --


@dataclass(frozen=True)
class LayoutChoice:
    """The layout a round prints: the record, the round's year (fills the year fields) and, when the
    round has no layout of its own, the year of the round the layout was published for."""

    layout: SummaryLayout
    year: int
    reuses: int | None = None

    @property
    def code(self) -> str:
        return self.layout.code

    @property
    def title(self) -> str:
        return year_text(self.layout.title, self.year)

    @property
    def source(self) -> str:
        return self.layout.source

    @property
    def cite(self) -> str:
        return self.layout.cite

    @property
    def platform(self) -> bool:
        return self.layout.platform


def _default_layout(region_name: str) -> SummaryLayout:
    """Core's table for a region that registers none (a platform layout: no document prescribes it)."""
    keys = (("seq", "序号"), ("city", "市州"), ("applicant_name", "申报单位"), (USCC_KEY, USCC_HEADER),
            ("unit_type", "创建类型"), ("industry", "所属行业"), ("score", "自评价得分"),
            ("evaluation_mode", "评价方式"), ("contact", "联系人及电话"))
    section = SummarySection(title="推荐名单", unit_types=(),
                             columns=tuple(SummaryColumn(key=k, header=h) for k, h in keys))
    return SummaryLayout(
        code="core.default_summary", title=f"{region_name}{{year}}年度绿色制造推荐汇总表", source="core", platform=True,
        cite="core: the region's documents prescribe no table (platform layout)",
        sheets=(SummarySheet(name="推荐汇总表", title=f"{region_name}{{year}}年度绿色制造推荐汇总表",
                             lines=("推荐单位（盖章）：{unit}",), sections=(section,),
                             footer=("推荐单位：", "（单位公章）", "年　　月　　日")),))


def layout_for(campaign: Any) -> LayoutChoice:
    """The layout of the campaign's level published for its year; else the newest earlier one (the
    round reuses it and says so), else the earliest later one; else core's default layout."""
    rules = region_rules()
    year = int(campaign.year)
    chosen, published = rules.summary_layout_for(Level(campaign.level), year)  # the resolver's choice (issue 43)
    if chosen is None:
        return LayoutChoice(_default_layout(rules.region.name), year)
    return LayoutChoice(chosen, year, published)


# ------------------------------------------------------------- the columns --

#: ``code[-1].name`` (by position) or ``code[year={year-1}].name`` (by year, filled for the round)
_ROW_PATH = re.compile(r"(?P<code>[\w.]+)\[(?:(?P<index>-?\d+)|(?P<field>\w+)=(?P<value>[^\]]+))\]\.(?P<name>\w+)")
_WIDTHS = {"seq": 5, "name": 26, "applicant_name": 26, USCC_KEY: 21, "city": 10, "unit_type": 12, "industry": 10,
           "evaluator": 22, "evaluation_mode": 10, "requested_levels": 14, "score": 9, "evaluated_score": 9, "tier": 7, "contact": 19}


@dataclass
class Col:
    """A layout column resolved for a round (headers with its years, choices as maps)."""

    key: str
    header: str
    group: str
    width: float
    number_format: str
    align: str
    printed: bool = True
    ticks: bool = False
    choices: dict[str, str] = field(default_factory=dict)
    #: plugin form field (a scalar field or the table a table cell belongs to)
    form_field: FormField | None = None
    #: table cell: (form-field code, position or None, (row field, value) or None, cell name)
    cell: tuple[str, int | None, tuple[str, Any] | None, str] | None = None
    #: the rows a table starts with when an import creates it
    table_rows: tuple[dict[str, Any], ...] = ()
    #: how a cell of this column prints an application (built on first use: :func:`reader`)
    reader: Callable[[AppView, int | None], Any] | None = field(default=None, repr=False, compare=False)

    @property
    def kind(self) -> str:
        """``seq`` (ignored on import), ``identity`` (finds the application), ``read_only`` (the
        platform's) or ``editable``."""
        if self.key == "seq":
            return "seq"
        if self.key in IDENTITY:
            return "identity"
        if self.key in READ_ONLY:
            return "read_only"
        return "editable"

    def print_column(self) -> PrintColumn:
        return PrintColumn(header=self.header, width=self.width, group=self.group, number_format=self.number_format,
                           align=self.align)


def resolve_columns(section: SummarySection, year: int, unit_types: tuple[str, ...]) -> list[Col]:
    """The section's columns for a round of ``year``, with the credit code appended (unprinted)
    when the layout has no such column."""
    rules = region_rules()
    fields_by_code: dict[str, FormField] = {}
    for level in Level:
        for ut in unit_types:
            for f in rules.form_fields_for(ut, level):
                fields_by_code.setdefault(f.code, f)
    cols = []
    for c in section.columns:
        key = c.key
        cell = None
        table_rows: tuple[dict[str, Any], ...] = ()
        match = _ROW_PATH.fullmatch(key)
        form_field = fields_by_code.get(key)
        number = False
        if match:
            form_field = fields_by_code.get(match["code"])
            selector = None
            if match["field"]:
                raw = year_text(match["value"], year)
                selector = (match["field"], int(raw) if raw.lstrip("-").isdigit() else raw)
            cell = (match["code"], int(match["index"]) if match["index"] is not None else None, selector,
                    match["name"])
            table_rows = tuple({"year": int(year_text(y, year))} for y in c.table_years)
            number = True
        elif form_field is not None:
            schema_field = api_field(form_field)
            number = isinstance(schema_field, (ma_fields.Number,))
        if key in SCORES:
            number = True
        width = c.width or _WIDTHS.get(key) or (12 if number else 14)
        if key == "seq":
            align = "center"
        elif number:
            align = "right"
        elif width >= 16:
            align = "left"
        else:
            align = "center"
        choices = dict(c.choices)
        if not choices and key == "requested_levels":
            choices = {code: lv.name for code, lv in rules.list_levels.items()}
        cols.append(Col(key=key, header=year_text(c.header, year), group=year_text(c.group, year), width=width,
                        number_format=c.number_format or ("0.00" if key in SCORES else ""), align=align,
                        ticks=c.ticks, choices=choices, form_field=form_field, cell=cell, table_rows=table_rows))
    if not any(c.key == USCC_KEY for c in cols):
        cols.append(Col(key=USCC_KEY, header=USCC_HEADER, group="", width=_WIDTHS[USCC_KEY], number_format="",
                        align="left", printed=False))
    return cols


# ------------------------------------------------------------ cell values --


@dataclass
class AppView:
    """What a table row shows of one application (from the export's query or from ORM objects)."""

    unit_type: str
    evaluation_mode: str | None = None
    requested_levels: list | None = None
    level: str | None = None
    industry: str | None = None
    ext: Mapping[str, Any] = field(default_factory=dict)
    score: Any = None
    #: the engaged third-party firm's filed score (its evaluation report), None before it files
    evaluated_score: Any = None
    tier: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    name: str = ""
    uscc: str = ""
    city: str = ""
    firm: str | None = None
    #: the city's 推荐意见, written when it recommended (None before, or where none was given)
    city_opinion: str | None = None


def table_row(table: Any, col: Col) -> dict | None:
    """The row of a table-valued field a table-cell column shows (by position or by year)."""
    if not isinstance(table, list):
        return None
    _, index, selector, _ = col.cell
    if selector is not None:
        name, wanted = selector
        for row in table:
            if isinstance(row, dict) and row.get(name) == wanted:
                return row
        return None
    if -len(table) <= index < len(table) and isinstance(table[index], dict):
        return table[index]
    return None


def ticks_text(chosen: list[str], choices: Mapping[str, str]) -> str:
    return " ".join(f"{TICKED if code in chosen else UNTICKED}{label}" for code, label in choices.items())


def display(col: Col, view: AppView, seq: int | None = None) -> Any:
    """The value a cell prints for ``view`` (numbers stay numbers, everything else text)."""
    if col.reader is None:
        col.reader = reader(col)
    return col.reader(view, seq)


def reader(col: Col) -> Callable[[AppView, int | None], Any]:
    """What :func:`display` does for one column, decided once (an export calls it for every cell)."""
    key, choices = col.key, col.choices
    rules = region_rules()
    if key == "seq":
        return lambda view, seq: seq
    if key in ("applicant_name", "name"):
        return lambda view, seq: view.name
    if key == USCC_KEY:
        return lambda view, seq: view.uscc
    if key == "city":
        return lambda view, seq: view.city
    if key == "unit_type":
        names = {code: t.name for code, t in rules.unit_types.items()} | choices
        return lambda view, seq: names.get(view.unit_type, view.unit_type)
    if key == "contact":
        return lambda view, seq: " ".join(x for x in (view.contact_name, view.contact_phone) if x)
    if key == "industry":
        names = {code: ind.name for code, ind in rules.industries.items()} | choices
        return lambda view, seq: names.get(view.industry, view.industry) if view.industry else ""
    if key == "evaluator":
        return lambda view, seq: view.firm or ""
    if key == "evaluation_mode":
        modes = MODE_LABELS | choices
        return lambda view, seq: modes.get(view.evaluation_mode or "", view.evaluation_mode or "")
    if key == "requested_levels":
        def levels(view: AppView, seq: int | None) -> str:
            chosen = list(view.requested_levels or ([view.level] if view.level else []))
            if col.ticks:
                return ticks_text(chosen, choices)
            return "、".join(choices[lv] for lv in choices if lv in chosen)
        return levels
    if key == "score":
        return lambda view, seq: None if view.score is None else float(view.score)
    if key == "evaluated_score":
        return lambda view, seq: None if view.evaluated_score is None else float(view.evaluated_score)
    if key == "tier":
        return lambda view, seq: view.tier or ""
    if key == "city_opinion":
        return lambda view, seq: view.city_opinion or ""
    if col.cell is not None:
        code, name = col.cell[0], col.cell[3]

        def cell(view: AppView, seq: int | None) -> Any:
            row = table_row((view.ext or {}).get(code), col)
            value = row.get(name) if row else None
            return "" if value is None else value
        return cell

    def field_value(view: AppView, seq: int | None) -> Any:
        value = (view.ext or {}).get(key)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "是" if value else "否"
        if choices and isinstance(value, str):
            return choices.get(value, value)
        if isinstance(value, (list, dict)):
            return str(value)
        return value
    return field_value


# --------------------------------------------------------- reading back --

_YES = {"是", "√", "✓", "✔", "true", "1", "yes", "y", "t", "x", "☑"}
_NO = {"否", "", "×", "false", "0", "no", "n", "f", "☐"}


def text(value: Any) -> str:
    """A cell as text: integral floats without ``.0``, dates as ISO dates, stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


_FULL_WIDTH = str.maketrans({"(": "（", ")": "）", ":": "："})


def normalized(value: Any) -> str:
    """Header or label text compared loosely: no whitespace, ASCII brackets and colons as full-width."""
    if value is None:
        return ""
    if value.__class__ is not str:
        return text(value)
    return "".join(value.split()).translate(_FULL_WIDTH).lower()


def same(a: Any, b: Any) -> bool:
    """Whether two cell values are the same (numbers by value, text without surrounding spaces)."""
    na, nb = number(a), number(b)
    if na is not None and nb is not None:
        return abs(na - nb) <= Decimal("0.000001") * max(Decimal(1), abs(na))
    return re.sub(r"\s+", " ", text(a)) == re.sub(r"\s+", " ", text(b))


def number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float, Decimal)):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    raw = text(value).replace(",", "")
    if not raw or not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", raw):
        return None
    return Decimal(raw)


def read_ticks(value: Any, choices: Mapping[str, str]) -> list[str]:
    """The codes ticked in a tick-box cell (☑国家级 ☐省级); plain labels (国家级、省级) count as ticked."""
    raw = text(value)
    if not raw:
        return []
    chosen = []
    for code, label in choices.items():
        at = raw.find(label)
        while at >= 0:
            before = raw[:at].rstrip()
            mark = before[-1:] if before else ""
            if mark in _TICK_MARKS or (mark not in (UNTICKED, "□", "口") and not any(m in raw for m in _TICK_MARKS)):
                chosen.append(code)
                break
            at = raw.find(label, at + len(label))
    return chosen


def by_label(value: Any, choices: Mapping[str, str], field_name: str, message: Any) -> str | None:
    """The code whose label (or code) a cell names; ``None`` for an empty cell."""
    raw = normalized(value)
    if not raw:
        return None
    for code, label in choices.items():
        if raw in (normalized(label), normalized(code)):
            return code
    raise InvalidInput(message, field=field_name, value=text(value)[:80])


def convert(field_obj: ma_fields.Field, value: Any) -> Any:
    """A cell as the value a plugin's marshmallow field loads (``None`` when empty)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(field_obj, ma_fields.Boolean):
        raw = text(value).lower()
        if raw in _YES:
            return True
        if raw in _NO:
            return False
        return raw
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if isinstance(field_obj, ma_fields.Date) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(field_obj, ma_fields.String) and not isinstance(value, str):
        return text(value)
    if isinstance(value, float) and value.is_integer() and isinstance(field_obj, ma_fields.Integer):
        return int(value)
    if isinstance(field_obj, ma_fields.Number) and isinstance(value, str):
        n = number(value)
        return value.strip() if n is None else str(n)
    return value.strip() if isinstance(value, str) else value


def split_contact(raw: str, phone_re: re.Pattern) -> tuple[str | None, str | None]:
    """``王建国 13800138000`` → (name, phone); a lone phone number or a lone name."""
    parts = raw.split()
    if not parts:
        return None, None
    if len(parts) > 1 and phone_re.match(parts[-1]):
        return " ".join(parts[:-1]), parts[-1]
    if len(parts) == 1 and phone_re.match(parts[0]) and any(ch.isdigit() for ch in parts[0]):
        return None, parts[0]
    return raw, None


# ---------------------------------------------------------- sheet texts --


def structural_texts(choice: LayoutChoice, unit: str) -> tuple[set[str], tuple[str, ...]]:
    """Every text a layout prints outside its tables (normalized), and the prefixes of its lines
    before the city's name: rows holding only these are not data rows on import."""
    exact: set[str] = set()
    prefixes: list[str] = []
    for sheet in choice.layout.sheets:
        for t in (sheet.label, sheet.title, sheet.subtitle, *sheet.notes, *sheet.footer):
            if t:
                exact.add(normalized(year_text(t, choice.year, unit=unit)))
        for line in sheet.lines:
            for part in line.split("|"):
                if not part:
                    continue
                exact.add(normalized(year_text(part, choice.year, unit=unit)))
                head = part.split("{unit}")[0]
                if head.strip():
                    prefixes.append(normalized(year_text(head, choice.year, unit="")))
        for section in sheet.sections:
            caption = normalized(year_text(section.title, choice.year))
            exact.update({caption, caption + "（续）"})
    exact.discard("")
    return exact, tuple(prefixes)


def filed_score():
    """The engaged firm's filed score of each application (its evaluation report), a column for a query of
    applications: ``evaluated_score``."""
    return (select(EvaluationReport.score)
            .where(EvaluationReport.application_id == Application.id,
                   EvaluationReport.firm_id == Application.evaluator_firm_id)
            .order_by(EvaluationReport.id.desc()).limit(1)
            .scalar_subquery().label("evaluated_score"))


def section_types(section: SummarySection, campaign: Any) -> tuple[str, ...]:
    """The unit types a section lists in this campaign (a section without types lists every type)."""
    types = tuple(campaign.unit_types or ())
    return tuple(t for t in section.unit_types if t in types) if section.unit_types else types


def column_message(col: Col) -> Any:
    """The readable reason an import refuses to change a column the platform keeps."""
    return {
        "city": _l("The city is the one the organization is registered in; an import cannot change it."),
        "evaluator": _l("The third-party firm is recorded when it accepts the engagement on the platform (its "
                        "annual cap is checked there); an import cannot set it."),
        "score": _l("The score is computed by the platform from the indicator self-evaluation; an import "
                    "cannot set it."),
        "evaluated_score": _l("The evaluated score is the one the third-party firm filed with its report; an "
                              "import cannot set it."),
        "tier": _l("The grade is computed by the platform; an import cannot set it."),
        "city_opinion": _l("The city's recommendation opinion is written when the city recommends the application; "
                           "an import cannot set it."),
    }[col.key]
