"""``greenmfg ministry``: the ministry's commands on a national instance (issue 54): ``overview``, the same answer
as the *National overview* page and ``GET /api/v1/ministry/overview`` (:mod:`core.lists.overview`)."""
from __future__ import annotations

import sys
from typing import Any

import click
from flask.cli import with_appcontext

from core.cli.output import cell, emit, emit_record, format_option
from core.errors import GreenmfgError


def _plain(value: Any) -> Any:
    """``value`` with every instant in Beijing time with its offset, nested ones too (as the API gives them)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return cell(value)


@click.group("ministry")
def ministry_group() -> None:
    """部级：全国汇总 / the ministry's national view (national instance)."""


@ministry_group.command("overview")
@click.option("--year", type=click.IntRange(2000, 2100), default=None,
              help="the year (default: the newest with an imported file)")
@format_option
@with_appcontext
def ministry_overview(year: int | None, fmt: str) -> None:
    """全国汇总 / per province: file received, on time or late, units per type against the ceiling; then the
    findings across provinces (a credit code in two provinces, an evaluator over the limit, a unit on a removal or
    ban list) with the rows raising each. Text and csv print one line per province, then one per finding."""
    from core.lists import overview

    try:
        data = _plain(overview.overview(year))
    except GreenmfgError as exc:
        click.echo(f"错误 / error: {exc.bilingual()}", err=True)
        sys.exit(2)

    def text() -> None:
        click.echo(f"{data['year']}\t{(data['deadline'] or {}).get('ends') or '-'}")
        emit([{**p, "units": [f"{u['unit_type']}:{u['count']}" + (f"/{u['ceiling']['limit']}" if u['ceiling']
                                                                      else "") for u in p["units"]]}
              for p in data["provinces"]], "text",
             ["province", "province_name", "timeliness", "received_at", "key_fingerprint", "units"])
        emit([{**f, "rows": [f"{r['province']}#{r['seq']}" for r in f["rows"]]} for f in data["findings"]], "text",
             ["kind", "key", "subject", "count", "limit", "rows"])

    if fmt == "csv":
        emit(data["provinces"], fmt, ["province", "province_name", "received", "timeliness", "received_at",
                                      "exported_at", "key_id", "key_fingerprint", "total"])
        return
    emit_record(data, fmt, text)


COMMANDS = [ministry_group]
