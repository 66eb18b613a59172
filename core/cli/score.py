"""``greenmfg score FILE.json`` and ``greenmfg reference import FILE``.

The commands only read arguments and print; the work is done in :mod:`core.scoring`.
Bad input ends with exit code 2 and a message naming the field, in Chinese and English.
"""
from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path

import click
from flask import Flask, current_app, has_app_context
from flask.cli import ScriptInfo
from sqlalchemy.exc import OperationalError, ProgrammingError

from core.scoring import ScoringInputError, parse_request, score_request


def _fail(exc: ScoringInputError) -> None:
    click.echo(f"错误 / error: {exc.bilingual()}", err=True)
    sys.exit(2)


def _app(region: str | None) -> Flask:
    if region:
        from core.cli import load_app

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
    from core.scoring.reference import ReferenceImportError, import_rows, read_rows

    app = _app(region)
    with app.app_context() if not has_app_context() else nullcontext():
        try:
            header, body = read_rows(file)
            with click.progressbar(length=len(body), label="检查 / checking", file=sys.stderr) as bar:
                report = import_rows(db.session, app.extensions["greenmfg"].rules, header, body,
                                     Path(file).name, progress=bar.update)
        except ReferenceImportError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
        except ScoringInputError as exc:
            _fail(exc)
    click.echo(f"已导入 / imported: {report.created} 新增 / created, {report.updated} 更新 / updated")


COMMANDS = [score, reference_group]
