"""The ``greenmfg`` command line: ``run``, ``db``, ``demo``, ``plugins``, ``rules``, ``calendar``...

Built on Flask's CLI group, so ``greenmfg run`` and ``greenmfg db upgrade`` are
Flask's and Flask-Migrate's own commands on a greenmfg app. Every command that
changes data goes through the same services as the web forms and the API.
"""
from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup

from core.plugins.errors import PluginError


def load_app(config=None):
    """Build the app for a CLI command; a plugin problem ends with its message, exit code 2."""
    from core.app import create_app

    from core.config import ConfigurationError

    try:
        return create_app(config)
    except (PluginError, ConfigurationError) as exc:
        click.echo(f"错误 / error: {exc}", err=True)
        sys.exit(2)


@click.group(cls=FlaskGroup, create_app=load_app, add_version_option=True,
             help="greenmfg: 绿色制造名单管理平台 / green manufacturing list platform.")
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

    return click.Group("db", commands=db.commands, params=db.params, callback=migrating, help=db.help)


def _register() -> None:
    from core.cli import calendar_cmd, demo, management_cmd, new_region, plugins_cmd, rules_cmd, score, units_cmd

    from core.cli import db_roles_cmd, evidence_cmd, lists_cmd  # issue 5; issue 19
    from core.cli import jobs_cmd, keys_cmd  # issue 22
    from core.cli import audit_cmd  # issue 47

    for module in (calendar_cmd, demo, new_region, plugins_cmd, rules_cmd, score, units_cmd, management_cmd,
                   lists_cmd, db_roles_cmd, evidence_cmd, jobs_cmd, keys_cmd, audit_cmd):
        for command in module.COMMANDS:
            cli.add_command(command)
    cli.add_command(_db_commands())


_register()


def main() -> None:
    cli(prog_name="greenmfg")
