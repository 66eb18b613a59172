"""``greenmfg clock``: show a training instance's date, and move it forward (issue 42)."""
from __future__ import annotations

import datetime as dt
import getpass

import click
from flask.cli import with_appcontext

from core.errors import GreenmfgError
from core.extensions import db
from core.cli.output import emit_record, format_option
from core.clock import beijing
from core.services import training_clock


def _show(state: training_clock.ClockState) -> None:
    mode = "培训实例 / training instance" if state.training else "正式实例 / not a training instance (real time)"
    click.echo(f"{mode}")
    click.echo(f"实例日期 / instance date: {state.today.isoformat()} (北京时间 / Beijing time {beijing(state.now)})")
    click.echo(f"实际日期 / real date:     {state.real_today.isoformat()}")
    if state.training:
        click.echo(f"超前天数 / days ahead:    {state.offset_days}")
        if state.moved_by:
            click.echo(f"最近调整 / last moved:    {beijing(state.moved_at)} by {state.moved_by}")


@click.group("clock")
def clock_group() -> None:
    """The instance's clock: show it; move a training instance's date forward. 实例时钟。"""


@clock_group.command("show")
@format_option
@with_appcontext
def show_command(fmt: str) -> None:
    """Show the instance's date and the real date."""
    state = training_clock.state()
    emit_record(state.as_dict(), fmt, lambda: _show(state))


@clock_group.command("set")
@click.argument("day")
@click.option("--note", default="", help="Why (audited), e.g. 公示期满 / the notice period ends.")
@with_appcontext
def set_command(day: str, note: str) -> None:
    """Move a training instance's date forward to DAY (YYYY-MM-DD); audited."""
    try:
        when = dt.date.fromisoformat(day)
    except ValueError:
        raise click.BadParameter(f"{day!r} 不是 YYYY-MM-DD 日期 / is not a YYYY-MM-DD date", param_hint="DAY")
    try:
        state = training_clock.move_to(when, f"cli:{getpass.getuser()}", note)
    except GreenmfgError as exc:
        db.session.rollback()
        raise click.ClickException(exc.bilingual())
    db.session.commit()
    _show(state)


COMMANDS = [clock_group]
