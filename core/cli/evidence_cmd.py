"""``greenmfg evidence``: the stored evidence files (:mod:`core.applications.orphans`)."""
from __future__ import annotations

import datetime as dt
import getpass

import click
from flask.cli import with_appcontext

from core.extensions import db


@click.group("evidence")
def evidence_group() -> None:
    """Stored evidence files. 证明材料文件。"""


@evidence_group.command("sweep")
@click.option("--grace-minutes", default=60, show_default=True, type=click.IntRange(0, 7 * 24 * 60),
              help="leave files younger than this (an upload may still be committing)")
@click.option("--dry-run", is_flag=True, help="list what would be removed, remove nothing")
@with_appcontext
def sweep_command(grace_minutes: int, dry_run: bool) -> None:
    """Remove stored files that no evidence or management-file row names (left by a worker killed
    between writing the file and committing its row)."""
    from core.applications.orphans import sweep

    report = sweep(f"cli:{getpass.getuser()}", dt.timedelta(minutes=grace_minutes), dry_run=dry_run)
    db.session.commit()
    verb = "would remove" if dry_run else "removed"
    click.echo(f"{verb} {len(report['removed'])} files; {len(report['kept_recent'])} recent files left alone")
    for name in report["removed"]:
        click.echo(f"  {name}")


COMMANDS = [evidence_group]
