"""The public pages' tables formatted in Python: the public lists' filters and rows, the notices' rows.

These pages are asked for by anyone, often each for its own filters; a page made for its request spent most of
its time in the template's per-row work (a ``|named`` filter and a locale lookup per cell, an ``escape`` per
value). Here each label is looked up and escaped once a page, each column of names escaped in one call, and a
row is one f-string (:mod:`core.web.rows`); the HTML is what the templates wrote.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from core.kernel.rules import source_name
from core.plugins.types import DayCount
from core.web.dates import day_text
from core.web.rows import Cells, coded_labels, escaped, id_links, local_names, options, translated

NONE = "—"


#: the public lists page's own texts (core.web.rows.texts)
PUBLIC_TEXT = {
    "published_lists": _l("Published lists"), "level": _l("List level"), "all": _l("All"), "year": _l("Year"),
    "region": _l("Region"), "unit_type": _l("Unit type"), "unit_name": _l("Unit name"), "show": _l("Show"),
    "city": _l("City"), "document_no": _l("Document number"), "date": _l("Date"), "empty": _l("No listed units yet."),
    "previous": _l("Previous"), "next": _l("Next"),
}


def filter_options(levels: Mapping[str, Any], unit_types: Mapping[str, Any], years: Sequence[int],
                   regions: Sequence[str], region_names: Mapping[str, str], *, level: str | None, year: int | None,
                   region: str | None, unit_type: str | None) -> dict[str, Markup]:
    """The ``<option>`` elements of the public lists' four filters (after each select's "All")."""
    level_names, type_names = local_names(levels), local_names(unit_types)
    return {
        "level": options(tuple((str(code), level_names[code]) for code, lv in
                               sorted(levels.items(), key=lambda kv: getattr(kv[1], "rank", 0))), level),
        "year": options(tuple((str(y), str(y)) for y in years), None if year is None else str(year)),
        "region": options(tuple((r, region_names.get(r, r)) for r in regions), region),
        "type": options(tuple((str(code), type_names[code]) for code in unit_types), unit_type),
    }


def list_rows(rows: Sequence[Any], levels: Mapping[str, Any], unit_types: Mapping[str, Any],
              region_names: Mapping[str, str]) -> Markup:
    """The public lists' table rows (``notices.LIST_COLUMNS``): year, level, unit type, name, region, city,
    document number and date of publication."""
    if not rows:
        return Markup("")
    level_cells, type_cells = Cells(known=coded_labels(levels)), Cells(known=coded_labels(unit_types))
    region_cells = Cells(lambda code: region_names.get(code, code) if code else NONE)
    city_cells, day_cells = Cells(lambda city: city or NONE), Cells(lambda day: day or "")
    names = escaped([row.name for row in rows])
    numbers = escaped([row.notice_no or "" for row in rows])
    out = []
    for (_id, year, level, unit_type, _no, day, _name, _uscc, region, city, *_counts), name, number in zip(
            rows, names, numbers):
        out.append(f"<tr><td>{year}</td><td>{level_cells[level]}</td>\n<td>{type_cells[unit_type]}</td><td>{name}</td>"
                   f"<td>{region_cells[region]}</td><td>{city_cells[city]}</td><td>{number}</td>"
                   f"<td>{day_cells[day]}</td></tr>")
    return Markup("\n".join(out) + "\n")


_NOTICE_TEXT = {
    "running": _l("Objections accepted until %(day)s, 24:00 Beijing time"),
    "published": _l("List published on %(day)s"), "closed": _l("Closed"),
    "working_days": _l("%(days)d working days"), "days": _l("%(days)d days"),
}


def period_text(texts: Mapping[str, str], count: str, days: int) -> str:
    """:func:`core.lists.notices.period_label` with the page's texts."""
    return texts["working_days" if count == DayCount.WORKING_DAYS else "days"] % {"days": days}


def notice_rows(rows: Sequence[Any], levels: Mapping[str, Any], today: dt.date) -> Markup:
    """The public notices' table rows (``notices.NOTICE_COLUMNS``): title (a link to the notice), level, period
    and its source, the days it runs, and whether it takes objections ``today`` (Beijing) or was published."""
    if not rows:
        return Markup("")
    texts = translated(_NOTICE_TEXT)
    level_cells, source_cells, day_cells = Cells(known=coded_labels(levels)), Cells(source_name), Cells(day_text)
    period_cells = Cells(lambda period: period_text(texts, *period))
    before, after = id_links("lists.public_notice", "notice_id")
    out = []
    for (id_, _title, level, days, count, source, starts_on, ends_on, published_on, _status), title in zip(
            rows, escaped([row.title for row in rows])):
        if starts_on <= today <= ends_on:  # notices.runs_on
            state = texts["running"] % {"day": day_cells[ends_on]}
        elif published_on:
            state = texts["published"] % {"day": day_cells[published_on]}
        else:
            state = texts["closed"]
        out.append(f'<tr><td><a href="{before}{id_:d}{after}">{title}</a></td><td>{level_cells[level]}</td>\n'
                   f'<td>{period_cells[count, days]} <span class="src">{source_cells[source]}</span></td>'
                   f'<td>{day_cells[starts_on]} – <span class="notice-end">{day_cells[ends_on]}</span></td>\n'
                   f'<td>{state}</td></tr>')
    return Markup("\n".join(out) + "\n")


#: the staff's notices table's texts (a mapping of its own, translated once per language: core.web.rows.translated)
_PERIOD_TEXT = {key: _NOTICE_TEXT[key] for key in ("working_days", "days")}


def staff_notice_rows(rows: Sequence[Any], state_label: Callable[[str], str]) -> Markup:
    """The staff's table of notices (``notices.NOTICE_COLUMNS``): title (a link to the notice's staff page), the
    days it runs and its period, and its state."""
    if not rows:
        return Markup("")
    texts = translated(_PERIOD_TEXT)
    state_cells, day_cells = Cells(state_label), Cells(day_text)
    period_cells = Cells(lambda period: period_text(texts, *period))
    before, after = id_links("lists.manage_notice", "notice_id")
    out = []
    for (id_, _title, _level, days, count, _source, starts_on, ends_on, _published_on, status), title in zip(
            rows, escaped([row.title for row in rows])):
        out.append(f'<tr><td><a href="{before}{id_:d}{after}">{title}</a></td><td>{day_cells[starts_on]} – '
                   f'{day_cells[ends_on]} ({period_cells[count, days]})</td><td>{state_cells[status]}</td></tr>')
    return Markup("\n".join(out) + "\n")
