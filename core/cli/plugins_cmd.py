"""``greenmfg plugins``: active plugins, their versions and the hooks each implements."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from core.cli.output import emit, format_option
from core.clock import this_year
from core.kernel.rules import region_rules


@click.command("plugins")
@format_option
@click.option("--year", type=int, default=None, help="Year of the rules whose answers are counted (default: this year).")
@with_appcontext
def plugins_command(fmt: str, year: int | None) -> None:
    """Show active plugins, their hooks and how many effective answers each supplies. 显示已启用插件。"""
    pm = current_app.extensions["greenmfg"].pm
    rules = region_rules()
    answered = rules.answered_by(year or this_year())
    out = []
    for name, plugin in pm.list_name_plugin():
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        version = getattr(rules.identities.get(name), "version", None)
        out.append({"name": name, "module": getattr(plugin, "__name__", type(plugin).__name__),
                    "version": version, "hooks": hooks,
                    "answers": {h: c[name] for h, c in answered.items() if name in c}})
    if fmt == "json":
        click.echo(json.dumps({"active_region": rules.region_code, "plugins": out}, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":  # one row per plugin; answers as hook:count
        emit([{**p, "answers": [f"{h}:{c}" for h, c in p["answers"].items()]} for p in out], fmt,
             ["name", "version", "module", "hooks", "answers"])
        return
    click.echo(f"active region: {rules.region_code}")
    for p in out:
        click.echo(f"{p['name']} {p['version'] or ''} ({p['module']})")
        for h in p["hooks"]:
            count = p["answers"].get(h)
            click.echo(f"    {h}" + (f"  (answers in effect: {count})" if count else "  (overridden or no answer)"))


COMMANDS = [plugins_command]
