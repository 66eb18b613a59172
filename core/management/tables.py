"""The annual filings list's rows formatted in Python (the list staff page through every day).

A page made for its request spent most of its time in the template's per-row work: a ``|mstatus`` and a
``|named`` per row (a flask_babel lookup each), an ``escape`` per value, a ``url_for`` per row. Here each label
is translated and escaped once a page, the names escaped in one call, and a row is one f-string
(:mod:`core.web.rows`); the HTML is what the template wrote.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from core.models import AnnualFiling, Organization
from core.web.dates import deadline_text
from core.web.rows import Cells, coded_labels, escaped, id_links, options, translated


def filing_columns(status) -> tuple:
    """What the filings list shows of a filing (plain rows, no ORM objects); ``status``: the status column it
    shows (:func:`core.management.filings.status_column`: an open filing past its deadline is overdue) and the
    date it is due by (a returned one's correction date)."""
    from core.management.filings import deadline_column

    return (AnnualFiling.id, AnnualFiling.year, status.label("status"), AnnualFiling.unit_type,
            AnnualFiling.levels, deadline_column().label("due_on"), AnnualFiling.score, Organization.name)


def status_options(statuses: Sequence[str], lazy: Mapping[str, Any], selected: str) -> Markup:
    """The status filter's ``<option>`` elements (after its "—"); ``lazy``: the ``|mstatus`` filter's labels."""
    names = translated(lazy)
    return options(tuple((s, names.get(s, s)) for s in statuses), selected)


def filing_rows(rows: Sequence[Any], unit_types: Mapping[str, Any], levels: Mapping[str, Any],
                lazy_statuses: Mapping[str, Any]) -> Markup:
    """The filings table's rows (:func:`filing_columns`): year, unit (a link to its filing), unit type, the
    list levels it is on, status, due date and score."""
    if not rows:
        return Markup("")
    type_cells = Cells(known=coded_labels(unit_types))
    level_names = coded_labels(levels)
    # the levels a unit is on, as the template wrote them: each name and a space
    on_cells = Cells(lambda on: Markup("".join(f"{level_names.get(lv) or escape(lv)} " for lv in on)))
    labels_of = translated(lazy_statuses)
    status_cells, label_cells = Cells(), Cells(lambda status: labels_of.get(status, status))
    due_cells = Cells(deadline_text)
    before, after = id_links("management.filing_page", "ident")
    out = []
    names = escaped([row.name for row in rows])
    for (id_, year, status, unit_type, on, due_on, score, _name), name in zip(rows, names):
        out.append(f'<tr data-status="{status_cells[status]}"><td>{year}</td><td><a href="{before}{id_:d}{after}">'
                   f'{name}</a></td>\n  <td>{type_cells[unit_type]}</td><td>{on_cells[tuple(on or ())]}</td>\n  '
                   f'<td>{label_cells[status]}</td><td>{due_cells[due_on]}</td>'
                   f'<td>{"—" if score is None else f"{float(score):.2f}"}</td></tr>')  # as the application prints it
    return Markup("\n  ".join(out) + "\n  ")
