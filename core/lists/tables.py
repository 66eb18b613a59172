"""The public pages' tables formatted in Python: the public lists' filters and rows, the notices' rows.

These pages are asked for by anyone, often each for its own filters; a page made for its request spent most of
its time in the template's per-row work (a ``|named`` filter and a locale lookup per cell, an ``escape`` per
value). Here each label is looked up and escaped once a page, each column of names escaped in one call, and a
row is one f-string (:mod:`core.web.rows`); the HTML is what the templates wrote.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from core.i18n import msgid, translations
from core.plugins.types import DayCount
from core.web.dates import day_text
from core.web.names import local_name
from core.web.rows import escaped, id_links, labels, options

NONE = "—"


def coded_labels(records: Mapping[str, Any]) -> dict[str, str]:
    """``{code: escaped local name}`` of a rule's records (list levels, unit types): ``|named`` once a page."""
    return labels((code, local_name(record)) for code, record in records.items())


def filter_options(levels: Mapping[str, Any], unit_types: Mapping[str, Any], years: Sequence[int],
                   regions: Sequence[str], region_names: Mapping[str, str], *, level: str | None, year: int | None,
                   region: str | None, unit_type: str | None) -> dict[str, Markup]:
    """The ``<option>`` elements of the public lists' four filters (after each select's "All")."""
    return {
        "level": options(tuple((str(code), lv.name) for code, lv in levels.items()), level),
        "year": options(tuple((str(y), str(y)) for y in years), None if year is None else str(year)),
        "region": options(tuple((r, region_names.get(r, r)) for r in regions), region),
        "type": options(tuple((str(code), local_name(t)) for code, t in unit_types.items()), unit_type),
    }


def list_rows(rows: Sequence[Any], levels: Mapping[str, Any], unit_types: Mapping[str, Any],
              region_names: Mapping[str, str]) -> Markup:
    """The public lists' table rows (``notices.LIST_COLUMNS``): year, level, unit type, name, region, city,
    document number and date of publication."""
    if not rows:
        return Markup("")
    level_names, type_names = coded_labels(levels), coded_labels(unit_types)
    regions: dict[str | None, str] = {None: NONE, "": NONE}
    cities: dict[str | None, str] = {None: NONE, "": NONE}
    out = []
    names = escaped([row.name for row in rows])
    numbers = escaped([row.notice_no or "" for row in rows])
    for row, name, number in zip(rows, names, numbers):
        region = regions.get(row.region)
        if region is None:
            region = regions[row.region] = str(escape(region_names.get(row.region, row.region)))
        city = cities.get(row.city)
        if city is None:
            city = cities[row.city] = str(escape(row.city))
        level = level_names.get(row.level)
        if level is None:
            level = str(escape(row.level))
        kind = type_names.get(row.unit_type)
        if kind is None:
            kind = str(escape(row.unit_type))
        day = row.listed_on
        out.append(f"<tr><td>{row.year}</td><td>{level}</td>\n<td>{kind}</td><td>{name}</td><td>{region}</td>"
                   f"<td>{city}</td><td>{number}</td><td>{escape(day) if day else ''}</td></tr>")
    return Markup("\n".join(out) + "\n")


_NOTICE_TEXT = {
    "running": _l("Objections accepted until %(day)s, 24:00 Beijing time"),
    "published": _l("List published on %(day)s"), "closed": _l("Closed"),
    "working_days": _l("%(days)d working days"), "days": _l("%(days)d days"),
}


def _texts(lazy: Mapping[str, Any]) -> dict[str, str]:
    tr = translations()
    return {key: tr.ugettext(msgid(value)) for key, value in lazy.items()}


def period_text(texts: Mapping[str, str], count: str, days: int) -> str:
    """:func:`core.lists.notices.period_label` with the page's texts."""
    return texts["working_days" if count == DayCount.WORKING_DAYS else "days"] % {"days": days}


def notice_rows(rows: Sequence[Any], levels: Mapping[str, Any], running: Callable[[Any], bool]) -> Markup:
    """The public notices' table rows (``notices.NOTICE_COLUMNS``): title (a link to the notice), level, period
    and its source, the days it runs, and whether it takes objections or was published."""
    if not rows:
        return Markup("")
    texts = _texts(_NOTICE_TEXT)
    level_names = coded_labels(levels)
    before, after = id_links("lists.public_notice", "notice_id")
    out = []
    for row, title in zip(rows, escaped([row.title for row in rows])):
        level = level_names.get(row.level)
        if level is None:
            level = str(escape(row.level))
        if running(row):
            state = Markup(texts["running"]) % {"day": row.ends_on}
        elif row.published_on:
            state = Markup(texts["published"]) % {"day": row.published_on}
        else:
            state = texts["closed"]
        out.append(f'<tr><td><a href="{before}{row.id:d}{after}">{title}</a></td><td>{level}</td>\n'
                   f'<td>{escape(period_text(texts, row.period_count, row.period_days))} <span class="src">'
                   f'{escape(row.period_source)}</span></td><td>{day_text(row.starts_on)} – <span class="notice-end">'
                   f'{day_text(row.ends_on)}</span></td>\n<td>{state}</td></tr>')
    return Markup("\n".join(out) + "\n")


def staff_notice_rows(rows: Sequence[Any], state_label: Callable[[str], str]) -> Markup:
    """The staff's table of notices (``notices.NOTICE_COLUMNS``): title (a link to the notice's staff page), the
    days it runs and its period, and its state."""
    texts = _texts({key: _NOTICE_TEXT[key] for key in ("working_days", "days")})
    states: dict[str, str] = {}
    before, after = id_links("lists.manage_notice", "notice_id")
    out = []
    for row, title in zip(rows, escaped([row.title for row in rows])):
        state = states.get(row.status)
        if state is None:
            state = states[row.status] = str(escape(state_label(row.status)))
        out.append(f'<tr><td><a href="{before}{row.id:d}{after}">{title}</a></td><td>{day_text(row.starts_on)} – '
                   f'{day_text(row.ends_on)} ({escape(period_text(texts, row.period_count, row.period_days))})</td>'
                   f'<td>{state}</td></tr>')
    return Markup("\n".join(out) + "\n") if out else Markup("")
