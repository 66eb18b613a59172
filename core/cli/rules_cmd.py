"""``greenmfg rules``: every effective rule of a region with the plugin it comes from."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from core.cli.app_loader import load_app
from core.clock import this_year
from core.services.rules_export import rules_document


@click.command("rules")
@click.option("--region", help="Region code (default: the instance's region).")
@click.option("--year", type=int, default=None, help="Rule year (default: this year).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@with_appcontext
def rules_command(region: str | None, year: int | None, fmt: str) -> None:
    """List every rule a round of the year applies, with its plugin and readable source. 列出当年度批次适用的规则及其来源。

    The same resolver answers the services (core.plugins.applied): a rule whose documents are not in force that
    year is listed as carried from the document it names; the documents and their validity head the listing.
    Platform defaults (the scoring formulas, unnamed notice periods) say so."""
    year = year or this_year()
    if region and region != current_app.config["GREENMFG_REGION"]:
        app = load_app({"GREENMFG_REGION": region})
    else:
        app = current_app
    doc = rules_document(app.extensions["greenmfg"].rules, year)
    if fmt == "json":
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    r = doc["region"]
    click.echo(f"{r['name']} ({r['code']}), {year}")
    click.echo("文件 / documents:")
    for d in doc["documents"]:
        validity = f"{d['valid_from'] or '?'} – {d['valid_to'] or '…'}"
        state = "有效 / in force" if d["in_force"] else "不在有效期 / not in force"
        click.echo(f"  {d['label']} {d['issuer']}  {validity}  [{state} {year}]")
    click.echo("规则 / rules:")
    for row in doc["rules"]:
        replaced = f" (replaces {row['replaced']})" if row["replaced"] else ""
        carried = {"carried": " 沿用 / carried", "ahead": " 先行适用 / ahead"}.get(row["applied_as"], "")
        click.echo(f"  [{row['source']}{replaced}{carried}] {row['kind']} {row['key']}")
        if "counted_together" in row["value"]:
            click.echo(f"      {row['value']['limit']} per {row['value']['basis']}; counted together: "
                       + " + ".join(row["value"]["counted_together"]))
        if row["value"].get("choices"):
            click.echo(f"      选项 / choices: {'、'.join(row['value']['choices'])}")
        for note in [row["value"].get("reused"), *row["value"].get("inferences", ())]:
            if note:
                click.echo(f"      {note}")
        if row["cite"]:
            click.echo(f"      {row['cite']}")


COMMANDS = [rules_command]
