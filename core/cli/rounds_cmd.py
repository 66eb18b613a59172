"""``greenmfg rounds``: open a round from its notice, list a round's rules with where each comes from (issue 43)."""
from __future__ import annotations

import datetime as dt
import getpass
from pathlib import Path

import click
from flask.cli import with_appcontext

from core.cli.output import emit, format_option
from core.clock import SHANGHAI
from core.errors import GreenmfgError
from core.extensions import db

#: what ``rounds rules`` shows of each rule, in the API's field names
RULE_COLUMNS = ("kind", "key", "applied_as", "source", "cite", "notice")
ROUND_COLUMNS = ("id", "year", "level", "title", "notice_no", "closes_at")


def _pairs(values: tuple[str, ...], kind: str, value_of) -> list[dict]:
    """``KEY=VALUE`` or ``KEY=VALUE@ARTICLE`` options as the notice's rules."""
    out = []
    for text in values:
        key, sep, rest = text.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{text!r}: KEY=VALUE[@ARTICLE]", param_hint=f"--{kind}")
        value, _, article = rest.partition("@")
        out.append({"kind": kind, "key": key.strip(), "value": value_of(value.strip(), text),
                    "article": article.strip()})
    return out


def _either(yes: tuple[str, ...], no: tuple[str, ...], words: str, option: str):
    """A ``KEY=VALUE`` option's value read as true (one of ``yes``) or false (one of ``no``), else refused naming the
    words it takes."""
    def read(value: str, text: str) -> bool:
        if value.lower() in yes:
            return True
        if value.lower() in no:
            return False
        raise click.BadParameter(f"{text!r}: {words}", param_hint=option)
    return read


_switch = _either(("on", "yes", "true", "1", "适用"), ("off", "no", "false", "0", "不适用"),
                  "on 或 off / on or off", "--condition")
_required = _either(("required", "on", "true", "必须提交"), ("optional", "off", "false", "可选"),
                    "required 或 optional / required or optional", "--attachment")


@click.group("rounds")
def rounds_group() -> None:
    """Rounds (申报批次) opened from their notice, and the rules each applies. 申报批次及其适用的规则。"""


@rounds_group.command("open")
@click.option("--year", type=int, required=True, help="The round's year.")
@click.option("--level", required=True, help="List level (city, provincial, national).")
@click.option("--unit-type", "unit_types", multiple=True, required=True, help="A unit type of the round (repeat).")
@click.option("--notice-no", required=True, help="The notice's number (文号).")
@click.option("--notice-title", required=True, help="The notice's title.")
@click.option("--issuer", required=True, help="Who issued the notice.")
@click.option("--issued-on", required=True, help="The notice's date (YYYY-MM-DD).")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="The notice itself (PDF).")
@click.option("--title", default=None, help="The round's title (default: the notice's).")
@click.option("--closes-at", default=None,
              help="Applicants' deadline, Beijing time (YYYY-MM-DDTHH:MM; default: the notice's or the region's).")
@click.option("--deadline", "deadlines", multiple=True,
              help="CODE=YYYY-MM-DD[@ARTICLE]: a step deadline the notice sets (repeat).")
@click.option("--quota", "quotas", multiple=True,
              help="UNIT/TYPE=N[@ARTICLE]: a city's places for a unit type in the round (repeat).")
@click.option("--condition", "conditions", multiple=True,
              help="CODE=on|off[@ARTICLE]: a condition the notice applies or sets aside (repeat).")
@click.option("--evaluator-cap", "caps", multiple=True,
              help="LEVEL=N[@ARTICLE]: evaluation projects one evaluator may take in the year at LEVEL.")
@click.option("--notice-period", "periods", multiple=True,
              help="LEVEL=DAYS[@ARTICLE]: the public notice of the LEVEL list, in working days.")
@click.option("--attachment", "attachments", multiple=True,
              help="FIELD=required|optional[@ARTICLE]: a file of the region's form the notice requires or leaves optional.")
@format_option
@with_appcontext
def open_command(year, level, unit_types, notice_no, notice_title, issuer, issued_on, path, title, closes_at,
                 deadlines, quotas, conditions, caps, periods, attachments, fmt) -> None:
    """Open a round from its notice, with what the notice sets against the region's rules; audited.
    从申报通知开启批次。"""
    from core.applications import round_notice

    def whole(value: str, text: str) -> str:
        return value

    closes = None
    if closes_at:
        try:
            closes = dt.datetime.fromisoformat(closes_at)
        except ValueError:
            raise click.BadParameter(f"{closes_at!r}: YYYY-MM-DDTHH:MM", param_hint="--closes-at") from None
        closes = closes if closes.tzinfo else closes.replace(tzinfo=SHANGHAI)
    rules = (_pairs(deadlines, "deadline", whole) + _pairs(quotas, "quota", whole)
             + _pairs(conditions, "condition", _switch) + _pairs(caps, "evaluator_cap", whole)
             + _pairs(periods, "notice_period", whole) + _pairs(attachments, "attachment", _required))
    try:
        campaign = round_notice.open_round(
            actor=f"cli:{getpass.getuser()}", year=year, level=level, unit_types=unit_types, notice_no=notice_no,
            notice_title=notice_title, notice_issuer=issuer, notice_issued_on=issued_on, file=path.read_bytes(),
            filename=path.name, rules=rules, title=title, closes_at=closes)
        db.session.commit()
    except GreenmfgError as exc:
        db.session.rollback()
        raise click.ClickException(exc.bilingual())
    emit([{"id": campaign.id, "year": campaign.year, "level": campaign.level, "title": campaign.title,
           "notice_no": campaign.notice_no, "closes_at": campaign.closes_at, "deadlines": campaign.deadlines,
           "notice_rules": campaign.notice_rules}], fmt, ROUND_COLUMNS)


@rounds_group.command("rules")
@click.argument("campaign_id", type=int)
@format_option
@with_appcontext
def rules_command(campaign_id: int, fmt: str) -> None:
    """List every rule round ID applies, with where it comes from: its notice (文号), a document, carried from an
    earlier one, or a platform default. 列出批次适用的规则及其来源。"""
    from core.applications import round_notice
    from core.kernel.rules import region_rules
    from core.models import Campaign

    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.region != region_rules().region_code:
        raise click.ClickException(f"没有该批次 / no round {campaign_id} in this region")
    doc = round_notice.round_rules_document(campaign)
    rows = [{**row, "notice": row["value"].get("notice") or ""} for row in doc["rules"]]
    if fmt == "text":
        notice = doc["round"]["notice"]
        click.echo(f"{campaign.title} ({campaign.year})" + (f"：{notice['label']} {notice['issuer']} "
                                                           f"{notice['issued_on']}" if notice else ""))
    emit(rows, fmt, RULE_COLUMNS)


STEP_COLUMNS = ("code", "title", "actor", "default_date", "origin", "dated_by")


@rounds_group.command("steps")
@click.option("--year", type=int, required=True, help="The round's year.")
@click.option("--level", required=True, help="List level (city, provincial, national).")
@click.option("--unit-type", "unit_types", multiple=True, help="A unit type of the round (repeat; default: any).")
@format_option
@with_appcontext
def steps_command(year: int, level: str, unit_types: tuple[str, ...], fmt: str) -> None:
    """List the steps of a round that its notice may date, each with its default date and where it comes from:
    a document (and article), another round's notice, or not set. 列出通知可规定日期的批次步骤及其默认日期和来源。"""
    from core.kernel.rules import region_rules
    from core.services.round_steps import round_steps

    rules = region_rules()
    if level not in rules.list_levels:
        raise click.BadParameter(f"{level!r}: {', '.join(rules.list_levels)}", param_hint="--level")
    unknown = sorted(set(unit_types) - set(rules.unit_types))
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)}: {', '.join(rules.unit_types)}", param_hint="--unit-type")
    if not 2000 <= year <= 2100:
        raise click.BadParameter(f"{year}: 2000-2100", param_hint="--year")
    emit([step.json() for step in round_steps(year, level, unit_types)], fmt, STEP_COLUMNS)


COMMANDS = [rounds_group]
