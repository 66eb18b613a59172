"""``greenmfg users link-identity USER VALUE`` and ``greenmfg users unlink-identity USER`` (issue 60): the server's
operator records a staff account's unified identity (the value of ``GREENMFG_OIDC_CLAIM_STAFF``) or removes an
account's link, as an administrator does on ``/admin/identity-links`` (:mod:`core.accounts.oidc`). Audited with the
operator's login name (``cli:<user>``)."""
from __future__ import annotations

import getpass
import sys

import click
from flask.cli import with_appcontext

from core.cli.ops_cmd import users_group


def _run(action) -> None:
    from flask import current_app

    from core.accounts import oidc
    from core.accounts.operator import _account
    from core.errors import GreenmfgError
    from core.extensions import db

    if not oidc.configured(current_app.config):
        click.echo("错误 / error: 未配置统一身份认证 / GREENMFG_OIDC_ISSUER and GREENMFG_OIDC_CLIENT_ID are not set",
                   err=True)
        sys.exit(2)
    try:
        done = action(_account, f"cli:{getpass.getuser()}")
        db.session.commit()
    except GreenmfgError as exc:
        db.session.rollback()
        click.echo(f"错误 / error: {exc.bilingual()}", err=True)
        sys.exit(2)
    click.echo(done)


@users_group.command("link-identity")
@click.argument("username")
@click.argument("value")
@with_appcontext
def link_identity_command(username: str, value: str) -> None:
    """Record VALUE (the staff member's GREENMFG_OIDC_CLAIM_STAFF claim, e.g. a staff id) on the staff account
    USERNAME: its first sign-in through the unified identity service completes the link. Audited."""
    from core.accounts import oidc

    def action(account, actor):
        target = account(username)
        oidc.record_staff_link(target, value, actor)
        return f"已登记 / recorded: {target.username} ← {value.strip()} (linked at its first sign-in)"

    _run(action)


@users_group.command("unlink-identity")
@click.argument("username")
@with_appcontext
def unlink_identity_command(username: str) -> None:
    """Remove USERNAME's link to a unified identity. Audited."""
    from core.accounts import oidc

    def action(account, actor):
        target = account(username)
        oidc.remove_link(target, actor)
        return f"已解除关联 / unlinked: {target.username}"

    _run(action)


COMMANDS: list = []  # the commands join ``greenmfg users`` (core.cli.ops_cmd)
