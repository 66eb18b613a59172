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
@format_option
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
    if fmt == "csv":  # one row per rule, its value as JSON
        emit([{**row, "value": json.dumps(row["value"], ensure_ascii=False)} for row in doc["rules"]], fmt,
             ["kind", "key", "source", "applied_as", "replaced", "carried_from", "cite", "value"])
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
    (national@2025) or a round (round:12). One row per rule: added, removed, changed (both values, both sources),
    status only (in force, carried, …), and what each notice of B's rounds sets, with its 文号."""
    from core.errors import GreenmfgError
    from core.services import rules_diff
    from core.services.rules_diff_rows import diff_rows, summary

    try:
        found = rules_diff.compare(rules_diff.side(a), rules_diff.side(b))
    except GreenmfgError as exc:
        click.echo(f"错误 / error: {exc.bilingual()}", err=True)
        sys.exit(2)
    rows = diff_rows(found)
    if fmt == "text":
        n = summary(rows)
        click.echo(f"{found['a']['label']} → {found['b']['label']}: {n['added']} added / 新增, "
                   f"{n['removed']} removed / 删除, {n['changed']} changed / 变更, {n['status']} status only / "
                   f"仅适用状态不同, {n['notice']} set by notices / 通知规定")
        for row in rows:
            where = f"\t[{row['notice']}]" if row["notice"] else ""
            click.echo(f"{row['change']}\t{row['kind']}\t{row['key']}\t{row['rule']}{where}")
            for change in row["changes"]:
                click.echo(f"\t{change['field']}: {change['before']} → {change['after']}")
            if row["change"] == "status":
                click.echo(f"\t{row['before_status']} → {row['after_status']}")
            if row["before_cite"] and row["after_cite"] and row["before_cite"] != row["after_cite"]:
                click.echo(f"\t{row['before_cite']} → {row['after_cite']}")
            else:
                click.echo(f"\t{row['after_cite'] or row['before_cite']}")
        return
    emit(rows, fmt, ["change", "kind", "key", "rule", "before_document", "after_document", "notice", "cite"])


COMMANDS = [rules_command]
