"""``greenmfg units``: the submitting administrative units of the instance."""
from __future__ import annotations

import getpass

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from core.cli.output import emit, format_option
from core.errors import GreenmfgError
from core.extensions import db
from core.kernel.rules import region_rules
from core.models import AdminUnit
from core.services.admin_units import add_configurable_unit, sync_admin_units


@click.group("units")
def units_group() -> None:
    """Administrative units (市州 and peers). 行政单位。"""


@units_group.command("sync")
@with_appcontext
def sync_command() -> None:
    """Copy the region plugin's units into the database (run after db upgrade)."""
    changes = sync_admin_units(f"cli:{getpass.getuser()}")
    db.session.commit()
    click.echo(f"{changes} changes")


@units_group.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--kind", required=True, help="e.g. 省直管试点县")
@with_appcontext
def add_command(code: str, name: str, kind: str) -> None:
    """Add a unit an admin maintains (e.g. a Hunan 省直管试点县)."""
    try:
        add_configurable_unit(code, name, kind, f"cli:{getpass.getuser()}")
        db.session.commit()
    except GreenmfgError as exc:
        db.session.rollback()
        raise click.UsageError(str(exc))
    click.echo(f"added {code} {name}")


@units_group.command("list")
@format_option
@with_appcontext
def list_command(fmt: str) -> None:
    """List the instance's units with their id, code, kind, source and whether in use."""
    region = region_rules().region_code
    units = db.session.scalars(select(AdminUnit).where(AdminUnit.region == region).order_by(AdminUnit.id))
    emit([{"id": u.id, "code": u.code, "name": u.name, "kind": u.kind, "source": u.source, "active": u.active}
          for u in units], fmt, ["id", "code", "name", "kind", "source", "active"])


COMMANDS = [units_group]
