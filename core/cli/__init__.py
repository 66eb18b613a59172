"""The ``greenmfg`` command line: ``run``, ``db``, ``demo``, ``plugins``, ``rules``, ``calendar``...

Built on Flask's CLI group, so ``greenmfg run`` and ``greenmfg db upgrade`` are
Flask's and Flask-Migrate's own commands on a greenmfg app. Every command that
changes data goes through the same services as the web forms and the API.
"""
from __future__ import annotations

import click
from flask.cli import FlaskGroup

from core.cli.app_loader import load_app


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: the package's version and the migration head this code brings (:mod:`core.release`)."""
    if not value or ctx.resilient_parsing:
        return
    from core.release import describe

    click.echo(describe())
    ctx.exit()


@click.group(cls=FlaskGroup, create_app=load_app, add_version_option=False,
             help="greenmfg: 绿色制造名单管理平台 / green manufacturing list platform.")
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="the version and the migration head, then exit")
def cli() -> None:
    pass


def _db_commands() -> click.Group:
    """Flask-Migrate's ``db`` commands, with Flask-Migrate set up on the app first (:func:`init_migrate`):
    only these commands load alembic, never a web worker."""
    from flask import current_app
    from flask.cli import with_appcontext
    from flask_migrate.cli import db

    @with_appcontext
    def migrating(**options):
        from core.extensions import db as database, init_migrate
        from core.kernel import db_deadline

        init_migrate(current_app)
        if database.engine.dialect.name == "postgresql":
            db_deadline.lift(database.engine)  # an index on a large table may take minutes
        return click.get_current_context().invoke(db.callback, **options)

    commands = dict(db.commands)
    commands["upgrade"] = _upgrade_with_units(db.commands["upgrade"])
    return click.Group("db", commands=commands, params=db.params, callback=migrating, help=db.help)


def _upgrade_with_units(upgrade: click.Command) -> click.Command:
    """``db upgrade`` to the head also loads the region plugin's administrative units (市州 and peers), so a
    new database can take applications and its list history at once (``greenmfg units sync`` does the same)."""
    from flask.cli import with_appcontext

    @with_appcontext
    def callback(**options):
        click.get_current_context().invoke(upgrade.callback, **options)
        if options.get("sql") or options.get("revision") not in (None, "head", "heads"):
            return
        from core.extensions import db
        from core.services.admin_units import sync_admin_units

        changes = sync_admin_units("cli:db-upgrade")
        db.session.commit()
        click.echo(f"行政单位 / administrative units: {changes} changes")

    return click.Command("upgrade", params=upgrade.params, callback=callback, help=upgrade.help,
                         short_help=upgrade.short_help)


def _register() -> None:
    from core.cli import calendar_cmd, demo, management_cmd, new_region, plugins_cmd, rules_cmd, score, units_cmd

    from core.cli import db_roles_cmd, evidence_cmd, lists_cmd  # issue 5; issue 19
    from core.cli import jobs_cmd, keys_cmd  # issue 22
    from core.cli import ops_cmd  # issue 44
    from core.cli import clock_cmd  # issue 42
    from core.cli import audit_cmd  # issue 47
    from core.cli import rounds_cmd  # issue 43
    from core.cli import check_cmd  # issue 56
    from core.cli import ministry_cmd  # issue 54
    from core.cli import identity_cmd  # noqa: F401  (issue 60: adds link-identity, unlink-identity to `users`)
    from core.cli import webhooks_cmd  # issue 58

    for module in (calendar_cmd, demo, new_region, plugins_cmd, rules_cmd, score, units_cmd, management_cmd,
                   lists_cmd, db_roles_cmd, evidence_cmd, jobs_cmd, keys_cmd, ops_cmd, clock_cmd, audit_cmd, rounds_cmd,
                   check_cmd, ministry_cmd, webhooks_cmd):
        for command in module.COMMANDS:
            cli.add_command(command)
    cli.add_command(_db_commands())


_register()


def main() -> None:
    cli(prog_name="greenmfg")
