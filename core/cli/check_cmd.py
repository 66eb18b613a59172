"""``greenmfg check`` (everything an instance needs, :mod:`core.checkup`) and ``greenmfg mail test ADDRESS``:
the operator's own commands (issue 56)."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import ScriptInfo, with_appcontext

from core.cli.output import emit, format_option

_MARK = {"ok": "ok  ", "failed": "FAIL", "skipped": "-   "}


@click.command("check")
@format_option
@click.pass_context
def check_command(ctx: click.Context, fmt: str) -> None:
    """Check everything this instance needs: the database and the application role's grants, the migrations,
    Redis, the file store, the signing key's file and mode, a job worker's heartbeat, the SMTP server and
    LibreOffice. Exit 1 when any check failed (each named, with what was found)."""
    from core import checkup
    from core.app import create_app
    from core.cli.app_loader import load_app
    from core.config import ConfigurationError
    from core.plugins.errors import PluginError

    info = ctx.ensure_object(ScriptInfo)
    try:
        # the command line's own app is built here, so that a start that fails is a finding, not exit 2
        app = create_app() if info.create_app is load_app else info.load_app()
    except (ConfigurationError, PluginError, ValueError) as exc:
        found = checkup.start_failed(exc)
    else:
        with app.app_context():
            found = checkup.run(app)
    failed = [c for c in found if c.state == checkup.FAILED]
    if fmt == "json":
        click.echo(json.dumps({"ok": not failed, "checks": [c.as_dict() for c in found]}, ensure_ascii=False,
                              indent=2))
    elif fmt == "csv":
        emit([c.as_dict() for c in found], fmt, ["name", "state", "detail", "ms"])
    else:
        width = max(len(c.name) for c in found)
        for c in found:
            click.echo(f"{_MARK[c.state]} {c.name:<{width}}  {c.detail}")
        if failed:
            click.echo(f"失败 / failed: {', '.join(c.name for c in failed)}", err=True)
        else:
            click.echo("全部通过 / every check passed")
    if failed:
        sys.exit(1)


@click.group("mail")
def mail_group() -> None:
    """E-mail through the configured SMTP server. 电子邮件。"""


@mail_group.command("test")
@click.argument("address")
@with_appcontext
def mail_test(address: str) -> None:
    """Send a test e-mail to ADDRESS through GREENMFG_SMTP_HOST; exit 1 naming the failure."""
    from flask import current_app

    from core.errors import GreenmfgError
    from core.notifications import mail

    config = current_app.config
    server = f"{config.get('GREENMFG_SMTP_HOST')}:{config.get('GREENMFG_SMTP_PORT') or 25}"
    try:
        mail.send_test(address)
    except GreenmfgError as exc:
        click.echo(f"错误 / error: {exc.bilingual()}", err=True)
        sys.exit(1)
    except OSError as exc:  # smtplib's errors are OSErrors: refused, timed out, rejected, TLS
        click.echo(f"错误 / error: 邮件未能发送 / the e-mail was not sent through {server}: "
                   f"{type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
    click.echo(f"已发送 / sent to {address.strip()} through {server}")


COMMANDS = [check_command, mail_group]
