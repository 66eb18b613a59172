"""``greenmfg rules``: every effective rule of a region with the plugin it comes from."""
from __future__ import annotations

import datetime as dt
import json

import click
from flask import current_app
from flask.cli import with_appcontext

from core.services.rules_export import rules_document


@click.command("rules")
@click.option("--region", help="Region code (default: the instance's region).")
@click.option("--year", type=int, default=None, help="Rule year (default: this year).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@with_appcontext
def rules_command(region: str | None, year: int | None, fmt: str) -> None:
    """List every effective rule with its source plugin and citation. 列出生效规则及其来源。"""
    year = year or dt.date.today().year
    if region and region != current_app.config["GREENMFG_REGION"]:
        from core.cli import load_app

        app = load_app({"GREENMFG_REGION": region})
    else:
        app = current_app
    doc = rules_document(app.extensions["greenmfg"].rules, year)
    if fmt == "json":
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    r = doc["region"]
    click.echo(f"{r['name']} ({r['code']}), {year}")
    for row in doc["rules"]:
        replaced = f" (replaces {row['replaced']})" if row["replaced"] else ""
        click.echo(f"  [{row['source']}{replaced}] {row['kind']} {row['key']}")
        if row["cite"]:
            click.echo(f"      {row['cite']}")


COMMANDS = [rules_command]
