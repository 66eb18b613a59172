"""``greenmfg audit verify|anchor``: check the audit log's hash chain and sign anchors of it (issue 47,
:mod:`core.services.audit_chain`)."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from core.cli.output import emit_record, format_option


@click.group("audit")
def audit_group() -> None:
    """审计日志 / the audit log: verify its hash chain, sign an anchor of it."""


@audit_group.command("verify")
@format_option
@with_appcontext
def audit_verify(fmt: str) -> None:
    """校验审计日志 / read the whole audit log in order and report the first entry that breaks the hash chain or a
    signed anchor (exit status 1); the result is shown on the administrator's page."""
    from dataclasses import asdict

    from core.services import audit_chain

    result = audit_chain.verify()
    emit_record({**asdict(result), "message_zh": result.describe("zh"), "message_en": result.describe("en")}, fmt,
                lambda: click.echo(f"{result.describe('zh')}\n{result.describe('en')}"))
    if not result.ok:
        sys.exit(1)


@audit_group.command("anchor")
@with_appcontext
def audit_anchor() -> None:
    """签名锚点 / sign the chain's last entry with the instance's key into the anchor file (in GREENMFG_AUDIT_ANCHOR_DIR,
    else the instance folder; the workers' scheduler does this hourly: run it from cron where none runs)."""
    from core.services import audit_chain

    record = audit_chain.anchor()
    if record is None:
        click.echo("无需新锚点 / nothing new to anchor")
    else:
        click.echo(f"锚点 / anchored: #{record['id']} {record['hash'][:16]}… ({record['entries']} entries)")


COMMANDS = [audit_group]
