"""``greenmfg score FILE.json``, ``greenmfg reference import FILE`` and ``greenmfg scores …``.

The commands only read arguments and print; the work is done in :mod:`core.scoring`.
Bad input ends with exit code 2 and a message naming the field, in Chinese and English.
"""
from __future__ import annotations

import getpass
import json
import sys
from contextlib import nullcontext
from pathlib import Path

import click
from flask import Flask, current_app, has_app_context
from flask.cli import ScriptInfo
from sqlalchemy.exc import OperationalError, ProgrammingError

from core.cli.app_loader import load_app
from core.plugins.types import Level
from core.scoring import ScoringInputError, parse_request, score_request


def _fail(exc: ScoringInputError) -> None:
    click.echo(f"错误 / error: {exc.bilingual()}", err=True)
    sys.exit(2)


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _app(region: str | None) -> Flask:
    if region:
        return load_app({"GREENMFG_REGION": region})
    if has_app_context():
        return current_app._get_current_object()
    return click.get_current_context().ensure_object(ScriptInfo).load_app()


def _book(app: Flask):
    """Stored reference values, or ``None`` when the database has no table for them yet."""
    from core.extensions import db
    from core.scoring.reference import ReferenceBook

    try:
        return ReferenceBook.from_db(db.session)
    except (OperationalError, ProgrammingError):
        db.session.rollback()
        return None


@click.command("score")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--region", help="地区插件 / region plugin (default: the instance's GREENMFG_REGION)")
def score(file: str, region: str | None) -> None:
    """按工信部评价要求计算得分 / score a unit against the MIIT indicator tables; prints JSON.

    FILE: {"unit_type", "industry", "year", "values", "reference", "qualitative"}; indicator
    keys are MIIT table numbers as strings. Without "reference", stored values are used.
    """
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        _fail(ScoringInputError("%(field)s: the file cannot be read: %(reason)s", field=file,
                                reason=exc.strerror or str(exc)))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(ScoringInputError("%(field)s: invalid JSON: %(reason)s", field=file, reason=str(exc)))
    app = _app(region)
    rules = app.extensions["greenmfg"].rules
    with app.app_context() if not has_app_context() else nullcontext():
        try:
            request = parse_request(data, rules)
            needs_book = any(i.number not in request.references for i in request.iset.indicators)
            result = score_request(request, rules, _book(app) if needs_book else None)
        except ScoringInputError as exc:
            _fail(exc)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@click.group("reference")
def reference_group() -> None:
    """引领值/基准值 / reference values."""


@reference_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--region", help="地区插件 / region plugin (default: the instance's GREENMFG_REGION)")
def reference_import(file: str, region: str | None) -> None:
    """从 xlsx 或 CSV 导入引领值/基准值（全部通过才写入）/ import reference values, all or nothing.

    Columns: indicator_set, industry, number, year, leading, baseline (or 指标体系, 行业,
    序号, 年度, 引领值, 基准值).
    """
    from core.extensions import db
    from core.scoring.files import FileRefused, read_rows
    from core.scoring.reference import import_audited

    app = _app(region)
    with app.app_context() if not has_app_context() else nullcontext():
        try:
            header, body = read_rows(file)
            with click.progressbar(length=len(body), label="检查 / checking", file=sys.stderr) as bar:
                report = import_audited(db.session, app.extensions["greenmfg"].rules, header, body,
                                        Path(file).name, _actor(), progress=bar.update)
            db.session.commit()
        except FileRefused as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
        except ScoringInputError as exc:
            _fail(exc)
    click.echo(f"已导入 / imported: {report.created} 新增 / created, {report.updated} 更新 / updated")


@click.group("scores")
def scores_group() -> None:
    """已有名单单位的年度得分、排名与后5% / yearly scores, ranks and bottom 5% of listed units."""


_LEVEL = click.Choice([str(level) for level in Level])


def _recompute(year: int | None, level: str | None) -> None:
    """Recompute with a progress bar and print what was done (inside an app context)."""
    from core.extensions import db
    from core.scoring.recompute import later_years, recompute_scores, row_count

    total = row_count(db.session, year=year, level=level)
    which = f" {year}" if year is not None else ""
    label = f"计算 / scoring{which}"
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        report = recompute_scores(_actor(), year=year, level=level, progress=bar.update)
    click.echo(f"已重算 / recomputed{which}: {report.rows} 行 / rows, {report.complete} 完整 / complete, "
               f"{report.written} 行已更新 / written, {report.removal_candidates} 拟移出 / removal candidates "
               f"({report.seconds:.2f} s)")
    later = later_years(db.session, year, level) if year is not None else []
    if later:
        click.echo(f"注意 / note: {', '.join(map(str, later))} 的连续后5%年数取决于本年度，请一并重算 / "
                   f"bottom-5% streaks of {', '.join(map(str, later))} build on this year: recompute them too",
                   err=True)


@scores_group.command("recompute")
@click.option("--year", type=int, help="年度 / only this year (streaks continue from the stored year before)")
@click.option("--level", type=_LEVEL, help="名单级别 / only this list level")
@click.option("--region", help="地区插件 / region plugin (default: the instance's GREENMFG_REGION)")
def scores_recompute(year: int | None, level: str | None, region: str | None) -> None:
    """重算得分、排名、后5%与拟移出标记 / recompute scores, ranks, bottom-5% and removal flags.

    Seed 001 附件1 二(二): 得分连续三年处于后5%的, 将从现有名单中移出.
    """
    app = _app(region)
    with app.app_context() if not has_app_context() else nullcontext():
        _recompute(year, level)


@scores_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--level", type=_LEVEL, default=str(Level.NATIONAL), show_default=True,
              help="名单级别 / list level the units are listed at")
@click.option("--region", help="地区插件 / region plugin (default: the instance's GREENMFG_REGION)")
def scores_import(file: str, level: str, region: str | None) -> None:
    """导入已有名单单位的年度自评价数据（全部通过才写入）并重算 / import yearly filings, all or nothing.

    Columns: uscc (统一社会信用代码), year (年度), optional unit_type (类型), and one column per
    indicator headed by its MIIT table number (1, 2, … or 15.elasticity for a part).
    The years imported are recomputed afterwards.
    """
    from core.scoring.files import FileRefused, read_rows
    from core.scoring.filings import import_filings

    app = _app(region)
    with app.app_context() if not has_app_context() else nullcontext():
        try:
            header, body = read_rows(file)
            with click.progressbar(length=len(body), label="检查 / checking", file=sys.stderr) as bar:
                report = import_filings(app.extensions["greenmfg"].rules, header, body, Path(file).name,
                                        level=level, actor=_actor(), progress=bar.update)
        except FileRefused as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
        except ScoringInputError as exc:
            _fail(exc)
        click.echo(f"已导入 / imported: {report.created} 新增 / created, {report.updated} 更新 / updated")
        for year in report.years:
            _recompute(year, level)


COMMANDS = [score, reference_group, scores_group]
