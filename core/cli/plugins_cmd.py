"""``greenmfg plugins``: active plugins, their versions and the hooks each implements."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("plugins")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@with_appcontext
def plugins_command(fmt: str) -> None:
    """Show active plugins and their hooks. 显示已启用插件。"""
    pm = current_app.extensions["greenmfg"].pm
    rules = current_app.extensions["greenmfg"].rules
    out = []
    for name, plugin in pm.list_name_plugin():
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        version = getattr(rules.identities.get(name), "version", None)
        out.append({"name": name, "module": getattr(plugin, "__name__", type(plugin).__name__),
                    "version": version, "hooks": hooks})
    if fmt == "json":
        click.echo(json.dumps({"active_region": rules.region_code, "plugins": out}, ensure_ascii=False, indent=2))
        return
    click.echo(f"active region: {rules.region_code}")
    for p in out:
        click.echo(f"{p['name']} {p['version'] or ''} ({p['module']})")
        for h in p["hooks"]:
            click.echo(f"    {h}")


COMMANDS = [plugins_command]
