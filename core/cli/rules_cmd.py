"""``greenmfg rules``: every effective rule of a region with the plugin it comes from."""
from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from core.cli.app_loader import load_app
from core.cli.output import emit, format_option
from core.clock import this_year
from core.services.rules_export import rules_document


@click.group("rules", invoke_without_command=True)
@click.option("--region", help="Region code (default: the instance's region).")
@click.option("--year", type=int, default=None, help="Rule year (default: this year).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
@with_appcontext
def rules_command(ctx: click.Context, region: str | None, year: int | None, fmt: str) -> None:
    """List every rule a round of the year applies, with its plugin and readable source. 列出当年度批次适用的规则及其来源。

    The same resolver answers the services (core.plugins.applied): a rule whose documents are not in force that
    year is listed as carried from the document it names; the documents and their validity head the listing.
    Platform defaults (the scoring formulas, unnamed notice periods) say so. `greenmfg rules diff A B` compares
    two rounds' rules."""
    if ctx.invoked_subcommand is not None:
        return
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


@rules_command.command("diff")
@click.argument("a")
@click.argument("b")
@format_option
@with_appcontext
def rules_diff_command(a: str, b: str, fmt: str) -> None:
    """比较两个批次适用的规则 / what changed between the rules of A and B: each a year (2026), a region and a year
    (national@2025) or a round (round:12). Lists the rules added, removed and changed, each with its source."""
    from core.errors import GreenmfgError
    from core.services import rules_diff

    try:
        found = rules_diff.compare(rules_diff.side(a), rules_diff.side(b))
    except GreenmfgError as exc:
        click.echo(f"错误 / error: {exc.bilingual()}", err=True)
        sys.exit(2)
    rows = ([{"change": "added", "kind": r["kind"], "key": r["key"], "fields": [], "source": r["source"],
              "cite": r["cite"]} for r in found["added"]]
            + [{"change": "removed", "kind": r["kind"], "key": r["key"], "fields": [], "source": r["source"],
                "cite": r["cite"]} for r in found["removed"]]
            + [{"change": "changed", "kind": c["kind"], "key": c["key"], "fields": rules_diff.shown_fields(c),
                "source": c["b"]["source"], "cite": c["b"]["cite"],
                "before": {f: rules_diff.shown(c["a"], f) for f in rules_diff.shown_fields(c)},
                "after": {f: rules_diff.shown(c["b"], f) for f in rules_diff.shown_fields(c)}}
               for c in found["changed"]])
    if fmt == "text":
        click.echo(f"{found['a']['label']} → {found['b']['label']}: {len(found['added'])} added / 新增, "
                   f"{len(found['removed'])} removed / 删除, {len(found['changed'])} changed / 变更")
        for row in rows:
            click.echo(f"{row['change']}\t{row['kind']}\t{row['key']}\t{row['cite'] or row['source']}")
            for field in row["fields"]:
                click.echo(f"\t{rules_diff.field_name(field)}: {row['before'][field]} → {row['after'][field]}")
        return
    emit(rows, fmt, ["change", "kind", "key", "fields", "source", "cite"])


COMMANDS = [rules_command]
