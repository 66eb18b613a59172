"""``greenmfg demo``: an instance with realistic demo data for the configured region."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from core.admin.users import ROLE_LABELS
from core.cli.demo_data import DEMO_PASSWORD, demo_accounts, listed_accounts, load_demo
from core.extensions import init_migrate
from core.kernel.rules import region_rules


@click.command("demo")
@click.option("--seed", type=int, default=2025, help="Random seed for the invented names.")
@click.option("--port", type=int, default=5000, show_default=True,
              help="The port the instance will be served on (for the address printed at the end).")
@with_appcontext
def demo_command(seed: int, port: int) -> None:
    """Create the database and load demo data. 创建数据库并装入演示数据。"""
    init_migrate(current_app)
    upgrade()
    region = region_rules().region
    try:
        with click.progressbar(length=36, label="organizations") as bar:
            def progress(items):
                for item in items:
                    bar.update(1)
                    yield item

            from core.lists.history import import_history

            counts = load_demo(seed, progress, import_history)
    except RuntimeError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"{region.name} ({region.code}): " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if counts.get("demo_reference_values"):
        click.echo("引领值/基准值 are demo values, not MIIT's (演示值，非政策数值); "
                   "load the real ones with: greenmfg reference import FILE")
    click.echo(f"demo accounts (password {DEMO_PASSWORD}):")
    for role, names in demo_accounts().items():
        click.echo(f"  {ROLE_LABELS[role]} ({role.value}): {', '.join(names)}")
    levels = region_rules().list_levels
    for username, level, year in listed_accounts():
        # the listed unit that files its annual table (办法 第十六条), also an applicant of this year's round
        click.echo(f"  名单内单位 (listed unit, annual filing): {username} "
                   f"({year}年{levels[level].name}名单 / the {level} list of {year})")
    click.echo(f"start it with: greenmfg run --port {port}   (then open http://127.0.0.1:{port}/)")


COMMANDS = [demo_command]
