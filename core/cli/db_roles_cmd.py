"""``greenmfg db-roles``: the application's own database role (PostgreSQL), see :mod:`core.services.db_roles`."""
from __future__ import annotations

import os

import click
from flask.cli import with_appcontext

from sqlalchemy.exc import DBAPIError

from core.errors import GreenmfgError
from core.extensions import db
from core.services.db_roles import grant_app_role


@click.group("db-roles")
def db_roles_group() -> None:
    """Database roles for a deployment. 数据库角色。"""


@db_roles_group.command("grant-app")
@click.argument("role")
@click.option("--password-env", default=None, metavar="VAR",
              help="set the role's password from this environment variable (never on the command line)")
@with_appcontext
def grant_app_command(role: str, password_env: str | None) -> None:
    """Create ROLE if needed and grant it what the application needs: read and write every table,
    only SELECT and INSERT on the audit log. Run as the tables' owner after every `greenmfg db upgrade`."""
    password = os.environ.get(password_env) if password_env else None
    if password_env and not password:
        raise click.ClickException(f"环境变量 {password_env} 为空 / the environment variable {password_env} is empty")
    try:
        with db.engine.begin() as conn:
            granted = grant_app_role(conn, role, password=password)
    except GreenmfgError as exc:
        raise click.ClickException(str(exc)) from None
    except DBAPIError as exc:
        if "permission denied" not in str(exc.orig).lower() and "must have" not in str(exc.orig).lower():
            raise
        raise click.ClickException(
            f"数据库拒绝 / the database refused: {str(exc.orig).strip().splitlines()[0]}. The tables' owner may "
            f"not create or change roles: a database administrator creates the role first, with its password "
            f"(CREATE ROLE {role} LOGIN PASSWORD '…'), then run this command without --password-env "
            f"(README, Deployment).") from None
    click.echo(f"{role}: {len(granted['read_write'])} tables read-write; audit_log SELECT, INSERT only")


COMMANDS = [db_roles_group]
