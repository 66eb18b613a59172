"""``greenmfg demo``: an instance with realistic demo data for the configured region."""
from __future__ import annotations

import contextlib
import io
import sys

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
@click.option("--served", is_flag=True,
              help="The caller serves the instance next (scripts/demo): say nothing of how to start it.")
@with_appcontext
def demo_command(seed: int, port: int, served: bool) -> None:
    """Create the database and load demo data. 创建数据库并装入演示数据。

    The console shows what a user needs (issue 61): the region, the accounts and where to open it; the
    migrations' log lines are shown only when they fail."""
    init_migrate(current_app)
    _quiet_upgrade()
    region = region_rules().region
    try:
        from core.lists.history import import_history

        if sys.stdout.isatty():  # a bar where someone watches; nothing in a log
            with click.progressbar(length=36, label="正在装入演示数据 / loading the demo data") as bar:
                def progress(items):
                    for item in items:
                        bar.update(1)
                        yield item

                counts = load_demo(seed, progress, import_history)
        else:
            counts = load_demo(seed, lambda items: items, import_history)
    except RuntimeError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"演示实例 / demo instance: {region.name} ({region.name_en})")
    click.echo(f"演示账号，密码均为 {DEMO_PASSWORD} / demo accounts, password {DEMO_PASSWORD}:")
    for role, names in demo_accounts().items():
        click.echo(f"  {ROLE_LABELS[role]} ({role.value}): {', '.join(names)}")
    levels = region_rules().list_levels
    for username, level, year in listed_accounts():
        # the listed unit that files its annual table (办法 第十六条), also an applicant of this year's round
        click.echo(f"  名单内单位 (listed unit, annual filing): {username} "
                   f"({year}年{levels[level].name}名单 / the {level} list of {year})")
    if counts.get("demo_reference_values"):
        click.echo("引领值/基准值为演示值，非政策数值 / the 引领值 and 基准值 are demo values, not MIIT's")
    if not served:
        click.echo(f"start it with: greenmfg run --port {port}   (then open http://127.0.0.1:{port}/)")


def _quiet_upgrade() -> None:
    """The migrations, their log (alembic's INFO lines, one per migration) kept unless one fails."""
    log = io.StringIO()
    try:
        with contextlib.redirect_stderr(log):
            upgrade()
    except BaseException:
        sys.stderr.write(log.getvalue())
        raise


COMMANDS = [demo_command]
