"""Reading a city's summary table (汇总表) for import (:mod:`core.applications.summary_import`): each sheet's tables
found by their headers as the region's layout prints them, each row's cells by column, at most :data:`MAX_ROWS`
rows of a file of at most :data:`MAX_BYTES`."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.applications.summary_layout import (
    USCC_HEADER,
    USCC_HEADERS,
    USCC_KEY,
    Col,
    LayoutChoice,
    normalized,
    resolve_columns,
    section_types,
    structural_texts,
)
from core.errors import InvalidInput
from core.models import AdminUnit, Campaign
from core.plugins.types import SummarySection, year_text
from core.services.spreadsheets import read_xlsx

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
Progress = Callable[[int, int], None]

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
