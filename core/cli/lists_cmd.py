"""``greenmfg lists``: notice end dates, the province's signed recommendation export, and the
national instance's import of a province's file. Same services as the web pages and the API."""
from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from core.errors import GreenmfgError
from core.extensions import db


@click.group("lists")
def lists_group() -> None:
    """Notices, lists and recommendations. 公示、名单与推荐。"""


def _actor(actor: str | None) -> str:
    return actor or f"cli:{getpass.getuser()}"


@lists_group.command("notice-end")
@click.option("--level", required=True, help="list level: city, provincial or national")
@click.option("--start", "start", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="first day of the notice (YYYY-MM-DD)")
@with_appcontext
def notice_end_command(level: str, start: dt.datetime) -> None:
    """The last day of a notice opening on START, by the region's period and the working-day calendar."""
    from core.lists import notices

    try:
        end, period = notices.notice_end(level, start.date())
    except GreenmfgError as exc:
        raise click.ClickException(str(exc)) from None
    from core.plugins.citations import readable_cite

    click.echo(f"{start.date().isoformat()}\t{end.isoformat()}\t{period.days} {period.count}\t{period.source}\t"
               f"{readable_cite(period.cite)}")  # the document by its title and 文号, then the article


@lists_group.command("export")
@click.option("--year", required=True, type=int)
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="write the signed JSON document here (for the ministry's import)")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path),
              help="write the table for people here")
@click.option("--actor", default=None, help="name recorded in the audit log")
@with_appcontext
def export_command(year: int, json_path: Path | None, xlsx_path: Path | None, actor: str | None) -> None:
    """Sign and export the province's national recommendation of YEAR (a new version, audited)."""
    from core.lists import recommend

    rec = recommend.recommendation_for(year)
    if rec is None:
        raise click.ClickException(f"没有{year}年度的推荐 / no recommendation for {year}")
    try:
        document = recommend.export(_actor(actor), rec)
        db.session.commit()
    except GreenmfgError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1)
    if json_path:
        json_path.write_text(text, encoding="utf-8")
    if xlsx_path:
        xlsx_path.write_bytes(recommend.xlsx(document))
    if not json_path and not xlsx_path:
        click.echo(text)
    click.echo(f"version {document['version']} sha256 {recommend.digest(document)} "
               f"key {document['signature']['key_id']} units {len(document['items'])}", err=True)


@lists_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--actor", default=None, help="name recorded in the audit log")
@with_appcontext
def import_command(file: Path, actor: str | None) -> None:
    """National instance: check a province's signed recommendation FILE and queue its units for review."""
    from core.lists import recommend

    try:
        report = recommend.import_document(_actor(actor), file.read_bytes())
    except GreenmfgError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    for row in report["rows"]:
        mark = "ok" if row["ok"] else "REJECTED"
        click.echo(f"{row['seq']}\t{row['uscc']}\t{row['name']}\t{mark}\t{'; '.join(row['problems'])}")
    if not report["ok"]:
        db.session.rollback()
        raise click.ClickException("未导入任何单位 / nothing was imported")
    db.session.commit()
    period = report.get("notice_period") or {}
    click.echo(f"{report['province_name']} {report['year']} v{report['version']}: {report['queued']} units queued "
               f"for national review (notice {period.get('days')} {period.get('count')})")


@lists_group.command("key")
@with_appcontext
def key_command() -> None:
    """The key id and public key this province signs its recommendations with (``greenmfg keys show``)."""
    from core.lists import recommend
    from core.services import signing

    key = recommend.signing_key()
    click.echo(f"{signing.key_id(key)}\t{signing.public_text(key)}")


COMMANDS = [lists_group]


def _city_id(city: str | None) -> int | None:
    """The city (an administrative unit of this region, by its code or name) a command acts for; None: the
    province."""
    if not city:
        return None
    from sqlalchemy import or_, select

    from core.kernel.rules import region_rules
    from core.models import AdminUnit

    unit = db.session.scalars(select(AdminUnit).where(AdminUnit.region == region_rules().region_code,
                                                      or_(AdminUnit.code == city, AdminUnit.name == city))).first()
    if unit is None:
        raise click.ClickException(f"没有这个市州 / no such city: {city}")
    return unit.id


@lists_group.command("stage-add")
@click.option("--uscc", required=True, help="the unit's unified social credit code")
@click.option("--type", "unit_type", required=True, help="unit type: factory, park, supply_chain…")
@click.option("--level", required=True, help="the list the stage leads to (provincial…)")
@click.option("--year", required=True, type=int)
@click.option("--date", "placed_on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="the decision's date (YYYY-MM-DD, default today)")
@click.option("--document-no", default=None, help="the decision's document number, if any")
@click.option("--complete-by", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="the day to complete creation, as the decision sets it (YYYY-MM-DD)")
@click.option("--city", default=None, help="the city bureau that fills the stage (code or name), where each city "
                                           "fills its own")
@click.option("--actor", default=None, help="name recorded in the audit log")
@with_appcontext
def stage_add_command(uscc, unit_type, level, year, placed_on, document_no, complete_by, city, actor) -> None:
    """Put a unit into the stage before a list (培育库, 创建计划): the same service as the page and the API."""
    from core.lists import stage_members

    try:
        entry = stage_members.add_to_stage(_actor(actor), uscc=uscc, unit_type=unit_type, level=level, year=year,
                                           placed_on=placed_on.date() if placed_on else None,
                                           document_no=document_no,
                                           complete_by=complete_by.date() if complete_by else None,
                                           admin_unit_id=_city_id(city))
        db.session.commit()
    except GreenmfgError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    click.echo(f"{entry.id}\t{entry.organization.uscc}\t{entry.organization.name}\t{entry.level}\t{entry.year}\t"
               f"{entry.complete_by.isoformat() if entry.complete_by else '-'}")


@lists_group.command("stage-withdraw")
@click.argument("entry_id", type=int)
@click.option("--reason", required=True)
@click.option("--city", default=None, help="the city bureau that fills the stage (code or name)")
@click.option("--actor", default=None, help="name recorded in the audit log")
@with_appcontext
def stage_withdraw_command(entry_id: int, reason: str, city: str | None, actor: str | None) -> None:
    """Take a unit out of the stage before a list (ENTRY_ID as `stage-add` printed it), with the reason."""
    from core.lists import stage_members

    try:
        entry = stage_members.withdraw(_actor(actor), entry_id=entry_id, reason=reason, admin_unit_id=_city_id(city))
        db.session.commit()
    except GreenmfgError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    click.echo(f"{entry.id}\twithdrawn\t{entry.removed_on.isoformat()}")


@lists_group.command("import-history")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="check every row and report, write nothing")
@click.option("--actor", default=None, help="name recorded in the audit log")
@with_appcontext
def import_history_command(file: Path, dry_run: bool, actor: str | None) -> None:
    """Load the province's existing list entries (city, provincial, national; removals too) from an xlsx
    or CSV FILE: all or nothing, idempotent on re-import (see core.lists.history)."""
    from core.lists.history import import_history

    try:
        report = import_history(_actor(actor), file.read_bytes(), file.name, dry_run=dry_run)
    except GreenmfgError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    if not report["ok"]:
        db.session.rollback()
        for row in report["rows"]:
            if not row["ok"]:
                click.echo(f"第{row['row']}行 / row {row['row']} {row['uscc']} {row['name']}: "
                           + "; ".join(row["problems"]), err=True)
        raise click.ClickException(f"未导入 / nothing imported: {report['rejected']} 行有误 / rows with problems")
    if not dry_run:
        db.session.commit()
    verb = "would import" if dry_run else "imported"
    click.echo(f"{verb}: {report['created']} created, {report['updated']} updated, {report['unchanged']} unchanged, "
               f"{report['organizations_created']} organizations created (sha256 {report['sha256'][:16]})")
