"""``greenmfg calendar``: the admin-editable holiday table."""
from __future__ import annotations

import csv
import datetime as dt
import getpass

import click
from flask.cli import with_appcontext

from core.cli.output import emit, format_option
from core.errors import GreenmfgError
from core.extensions import db
from core.services.calendar import WorkCalendar, declare_year_entered, library_covers, set_day


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _date(value: str, field: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} 不是 YYYY-MM-DD 日期 / is not a YYYY-MM-DD date", param_hint=field)


@click.group("calendar")
def calendar_group() -> None:
    """Holidays and make-up working days. 节假日与调休。"""


@calendar_group.command("set")
@click.argument("day")
@click.option("--workday/--holiday", required=True, help="A make-up working day (调休) or a holiday.")
@click.option("--name", default="", help="e.g. 春节")
@with_appcontext
def set_command(day: str, workday: bool, name: str) -> None:
    """Rule on one DAY (YYYY-MM-DD)."""
    set_day(_date(day), workday, name, _actor())
    db.session.commit()
    click.echo(f"{day}: {'workday' if workday else 'holiday'} {name}")


@calendar_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--complete-year", type=int, multiple=True,
              help="Also declare these years' holidays completely entered.")
@with_appcontext
def import_command(path: str, complete_year: tuple[int, ...]) -> None:
    """Import a CSV with columns date,is_workday,name (all rows or none)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    try:
        with click.progressbar(rows, label="importing") as bar:
            for n, row in enumerate(bar, start=2):
                flag = (row.get("is_workday") or "").strip().lower()
                if flag not in {"0", "1", "true", "false", "yes", "no"}:
                    raise click.BadParameter(
                        f"第{n}行 is_workday 应为 0/1 / line {n}: is_workday must be 0 or 1, got {flag!r}")
                set_day(_date(row.get("date", "").strip(), f"line {n} date"), flag in {"1", "true", "yes"},
                        (row.get("name") or "").strip(), _actor())
        for year in complete_year:
            declare_year_entered(year, _actor(), note=f"imported from {path}")
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(f"{len(rows)} days imported")


@calendar_group.command("complete-year")
@click.argument("year", type=int)
@click.option("--note", default="")
@with_appcontext
def complete_year_command(year: int, note: str) -> None:
    """Declare YEAR's holidays completely entered, so working days can be counted."""
    declare_year_entered(year, _actor(), note)
    db.session.commit()
    click.echo(f"{year}: declared complete")


@calendar_group.command("show")
@click.argument("year", type=int)
@format_option
@with_appcontext
def show_command(year: int, fmt: str) -> None:
    """List YEAR's non-working weekdays and working weekend days."""
    cal = WorkCalendar()
    source = "chinese-calendar + admin table" if library_covers(year) else "admin table"
    day, rows = dt.date(year, 1, 1), []
    try:
        while day.year == year:
            workday = cal.is_workday(day)
            if workday != (day.weekday() < 5):
                rows.append({"date": day, "workday": workday, "source": source})
            day += dt.timedelta(days=1)
    except GreenmfgError as exc:
        raise click.ClickException(str(exc))
    if fmt != "text":
        emit(rows, fmt, ["date", "workday", "source"])
        return
    for row in rows:
        click.echo(f"{row['date']} {'调休上班 workday' if row['workday'] else '放假 holiday'}")
    click.echo(f"source: {source}")


COMMANDS = [calendar_group]
