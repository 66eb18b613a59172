"""What a listing command prints: ``--format text`` (tab-separated, for people and ``cut``), ``json`` (an array of
objects with the API's field names) or ``csv`` (a header row, then one row per record, for a spreadsheet: UTF-8
with a byte-order mark, so that Excel on a Chinese Windows opens ``greenmfg ... --format csv > file.csv`` in the
right characters, issue 58; Python reads it with the ``utf-8-sig`` codec).

Times are Beijing time with its offset in every format (``2026-11-25T09:30:00+08:00``), as pages show them and
as the API's clients read them; the database keeps UTC.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import click

from core.clock import SHANGHAI, aware

FORMATS = ("text", "json", "csv")
#: the byte-order mark a CSV starts with (U+FEFF, EF BB BF in UTF-8): how Excel tells UTF-8 from the ANSI code page
BOM = "\ufeff"


def format_option(command: Callable) -> Callable:
    """The ``--format`` option of a listing command."""
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
                        help="输出格式 / output: text (tab-separated), json or csv")(command)


def cell(value: Any) -> Any:
    """A value as JSON carries it: an instant in Beijing time with the offset, a date as YYYY-MM-DD."""
    if isinstance(value, dt.datetime):
        return aware(value).astimezone(SHANGHAI).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def emit(rows: Iterable[Mapping[str, Any]], fmt: str, columns: Sequence[str]) -> None:
    """Print ``rows`` (dicts with at least ``columns``, in the API's field names) in ``fmt``; text and csv show
    ``columns`` in order, json every key."""
    records = [{k: cell(v) for k, v in row.items()} for row in rows]
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_plain(r.get(c)) for c in columns] for r in records)
        click.echo(BOM + out.getvalue(), nl=False)
        return
    for record in records:
        click.echo("\t".join(_plain(record.get(c)) or "-" for c in columns))


def emit_record(record: Mapping[str, Any], fmt: str, text: Callable[[], None]) -> None:
    """Print one record (``greenmfg clock show``): ``json`` the object, ``csv`` a header and one row, ``text`` as
    ``text`` prints it for people."""
    if fmt == "text":
        text()
        return
    if fmt == "json":
        click.echo(json.dumps({k: cell(v) for k, v in record.items()}, ensure_ascii=False, indent=2))
        return
    emit([record], fmt, list(record))


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
