"""``greenmfg filings …``, ``greenmfg removals …``, ``greenmfg rereviews …`` and ``greenmfg jobs run-due``: listed
units over the years.

The commands only read arguments and print; the work is done in :mod:`core.management`.
Refusals end with exit code 2 and the message in Chinese and English. Long jobs show their
progress on stderr.
"""
from __future__ import annotations

import datetime as dt
import getpass
import sys
from collections.abc import Callable

import click
from flask.cli import with_appcontext

from core.cli.output import emit, emit_record, format_option
from core.errors import GreenmfgError


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _fail(exc: GreenmfgError) -> None:
    from core.extensions import db

    db.session.rollback()
    click.echo(f"错误 / error: {exc.bilingual()}", err=True)
    sys.exit(2)


def _counter(label: str) -> Callable[[int], None]:
    """A progress line on stderr: ``label: n`` updated in place."""
    state = {"n": 0}

    def advance(n: int = 1) -> None:
        state["n"] += n
        if state["n"] % 50 == 0 or n > 1:
            click.echo(f"\r{label}: {state['n']}", nl=False, err=True)
    return advance


def _done(advance) -> None:
    click.echo("", err=True)


_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


# ----------------------------------------------------------------- filings --


@click.group("filings")
def filings_group() -> None:
    """年度动态管理表 / annual dynamic-management filings."""


@filings_group.command("open")
@click.option("--year", type=int, required=True)
@click.option("--until", type=_DATE, default=None,
              help="截止日期已过时给出的填报日期 / after the due date: the date to file by (at most 60 days ahead)")
@click.option("--reason", default=None, help="给出该日期的理由 / why that date (audited; required with --until)")
@with_appcontext
def filings_open(year: int, until: dt.datetime | None, reason: str | None) -> None:
    """为名单单位开启年度填报 / open the year's filing for every listed unit (idempotent)."""
    from core.clock import today
    from core.kernel.uow import commit
    from core.management import filings

    try:
        made = filings.open_year(year, _actor(), _counter("开启 / opening"), until=_day(until), reason=reason)
        commit()
    except GreenmfgError as exc:
        _fail(exc)
    due = _day(until) or filings.due_date(year)
    click.echo(f"\n已开启 / opened: {made} ({year}, 截止 / due {due.isoformat()})")
    if made and due < today():
        click.echo(f"注意：截止日期{due.isoformat()}已过，这些单位即刻逾期；可用 --until 与 --reason 给出填报日期。 / "
                   f"Note: the due date {due.isoformat()} has passed, so these units are overdue at once; give a "
                   "date to file by with --until and --reason.", err=True)


@filings_group.command("remind")
@click.option("--on", "on", type=_DATE, default=None, help="日期 / day (default: today, Beijing time)")
@with_appcontext
def filings_remind(on) -> None:
    """发送到期提醒 / send the reminders due (N working days before the due date)."""
    from core.management import filings
    from core.kernel.uow import commit
    from core.clock import today

    try:
        count = filings.send_reminders(_day(on) or today(), _actor(), _counter("提醒 / reminding"))
        commit()
    except GreenmfgError as exc:
        _fail(exc)
    click.echo(f"\n已提醒 / reminded: {count}")


@filings_group.command("overdue")
@click.option("--year", type=int, default=None, help="只列出该年度 / only list this year's")
@click.option("--on", "on", type=_DATE, default=None, help="日期 / day (default: today, Beijing time)")
@click.option("--dry-run", is_flag=True, help="只列出，不提出移出 / list only, propose nothing")
@format_option
@with_appcontext
def filings_overdue(year: int | None, on, dry_run: bool, fmt: str) -> None:
    """逾期未填报转为移出建议 / overdue filings become removal proposals."""
    from sqlalchemy import select

    from core.extensions import db
    from core.management import filings
    from core.kernel.uow import commit
    from core.clock import today
    from core.models import AnnualFiling

    day = _day(on) or today()
    if dry_run:
        query = select(AnnualFiling).where(AnnualFiling.status.in_(filings.OPEN), AnnualFiling.due_on < day)
        if year:
            query = query.where(AnnualFiling.year == year)
        emit([{"year": f.year, "uscc": f.organization.uscc, "organization": f.organization.name,
               "unit_type": f.unit_type, "due_on": f.due_on} for f in db.session.scalars(query)
              if filings.deadline_of(f) < day], fmt, ["year", "uscc", "organization", "unit_type", "due_on"])
        return
    try:
        made = filings.mark_overdue(day, _actor(), _counter("检查 / checking"))
        commit()
    except GreenmfgError as exc:
        _fail(exc)
    made = [r for r in made if year is None or r.year == year]
    if fmt == "text":
        click.echo(f"\n移出建议 / removal proposals: {len(made)}")
    emit([{"id": r.id, "uscc": r.uscc, "organization": r.org_name, "reason": r.reason} for r in made], fmt,
         ["id", "uscc", "organization", "reason"])


# ---------------------------------------------------------------- removals --


@click.group("removals")
def removals_group() -> None:
    """移出名单 / removals from the lists."""


@removals_group.command("list")
@click.option("--status", default=None)
@format_option
@with_appcontext
def removals_list(status: str | None, fmt: str) -> None:
    """列出移出记录 / list removals (id, status, unit, reason, approver)."""
    from sqlalchemy import select

    from core.extensions import db
    from core.models import Removal

    query = select(Removal).order_by(Removal.id)
    if status:
        query = query.where(Removal.status == status)
    rows = [{"id": r.id, "status": r.status, "uscc": r.uscc, "organization": r.org_name, "sanction": r.sanction_code,
             "levels": r.levels, "decided_by": r.decided_by, "published_on": r.published_on}
            for r in db.session.scalars(query)]
    emit(rows, fmt, ["id", "status", "uscc", "organization", "sanction", "levels", "decided_by"])


@removals_group.command("bottom-share")
@click.option("--year", type=int, required=True)
@with_appcontext
def removals_bottom(year: int) -> None:
    """连续三年后5%转为移出建议 / propose removals for units in the bottom 5 % three years running."""
    from core.management import removals
    from core.kernel.uow import commit

    try:
        made = removals.propose_bottom_share(year, _actor(), progress=_counter("检查 / checking"))
        commit()
    except GreenmfgError as exc:
        _fail(exc)
    click.echo(f"\n移出建议 / removal proposals: {len(made)}")


@removals_group.command("decide")
@click.argument("removal_id", type=int)
@click.option("--approve/--reject", required=True)
@click.option("--note", default="")
@with_appcontext
def removals_decide(removal_id: int, approve: bool, note: str) -> None:
    """省级审批移出建议 / the province approves or rejects a proposal."""
    from core.extensions import db
    from core.management import removals
    from core.kernel.uow import commit
    from core.models import Removal

    removal = db.session.get(Removal, removal_id)
    if removal is None:
        click.echo(f"错误 / error: 无此记录 / no removal {removal_id}", err=True)
        sys.exit(2)
    try:
        removals.decide(removal, approve, note, _actor())
        commit()
    except GreenmfgError as exc:
        _fail(exc)
    click.echo(f"{removal.id}\t{removal.status}")


@removals_group.command("publish")
@click.option("--notice", "notice_no", required=True, help="公告文号 / notice number of the list")
@click.option("--on", "on", type=_DATE, default=None)
@with_appcontext
def removals_publish(notice_no: str, on) -> None:
    """随名单发布已批准的移出 / publish the approved removals with a list."""
    from core.management import removals
    from core.kernel.uow import commit

    try:
        done = removals.publish(_actor(), _day(on), notice_no, _counter("发布 / publishing"))
        commit()
    except GreenmfgError as exc:
        _fail(exc)
    click.echo(f"\n已发布 / published: {len(done)}")


# -------------------------------------------------------------- re-reviews --
# the province's technical review of the cities' re-review material (Hubei 002_9c75e1d2ebfbdf50.txt 三(六)):
# the services of the web page and the API (core.management.rereview_opinion)


@click.group("rereviews")
def rereviews_group() -> None:
    """复核的省级技术评审 / the province's technical review of re-reviews (where the region sets a cycle)."""


def _rereview(review_id: int):
    from core.extensions import db
    from core.models import ReReview

    review = db.session.get(ReReview, review_id)
    if review is None:
        click.echo(f"错误 / error: 无此复核 / no re-review {review_id}", err=True)
        sys.exit(2)
    return review


@rereviews_group.command("awaiting")
@click.option("--year", type=int, default=None, help="只列出该年度 / only list this year's")
@format_option
@with_appcontext
def rereviews_awaiting(year: int | None, fmt: str) -> None:
    """列出待省级技术评审的复核 / list the re-reviews whose on-site result the city has recorded and that await
    the province's opinion (id, year, unit, the city's result, the experts drawn)."""
    from sqlalchemy import select

    from core.extensions import db
    from core.management import rereview_opinion
    from core.models import ReReview

    query = rereview_opinion.awaiting(select(ReReview).order_by(ReReview.id))
    if year:
        query = query.where(ReReview.cycle_year == year)
    rows = [{"id": r.id, "cycle_year": r.cycle_year, "uscc": r.organization.uscc, "organization": r.organization.name,
             "unit_type": r.unit_type, "city_result": r.status, "city_note": r.result_note,
             "experts": "、".join(e["name"] for e in r.opinion_experts or [])} for r in db.session.scalars(query)]
    emit(rows, fmt, ["id", "cycle_year", "uscc", "organization", "city_result", "experts"])


@rereviews_group.command("draw")
@click.argument("review_id", type=int)
@click.option("--count", type=int, required=True, help="抽取专家人数（1–20）/ how many experts to draw (1 to 20)")
@with_appcontext
def rereviews_draw(review_id: int, count: int) -> None:
    """从专家库随机抽取专家 / draw experts at random for the city's re-review material (audited)."""
    from core.kernel.uow import commit
    from core.management import rereview_opinion

    review = _rereview(review_id)
    try:
        panel = rereview_opinion.draw_experts(review, count, _actor())
        commit()
    except GreenmfgError as exc:
        _fail(exc)
    click.echo(f"{review.id}\t" + "、".join(e["name"] for e in panel))


@rereviews_group.command("opinion")
@click.argument("review_id", type=int)
@click.option("--opinion", required=True,
              help="专家意见：passed（复核通过）、rectify（限期整改）或 fail（复核不通过）/ the experts' opinion")
@click.option("--note", required=True, help="复核意见（10–2000字）/ the re-review opinion (10 to 2,000 characters)")
@with_appcontext
def rereviews_opinion(review_id: int, opinion: str, note: str) -> None:
    """记录专家的复核意见（随年度推荐文件报工信部）/ record the experts' opinion; it goes to MIIT with the year's
    recommendation file (audited)."""
    from core.kernel.uow import commit
    from core.management import rereview_opinion

    review = _rereview(review_id)
    try:
        rereview_opinion.record_opinion(review, opinion, note, _actor())
        commit()
    except GreenmfgError as exc:
        _fail(exc)
    click.echo(f"{review.id}\t{review.opinion}")


# -------------------------------------------------------------------- jobs --


@click.group("jobs")
def jobs_group() -> None:
    """定时任务 / scheduled jobs."""


@jobs_group.command("run-due")
@click.option("--on", "on", type=_DATE, default=None, help="日期 / day (default: today, Beijing time)")
@click.option("--json", "as_json", is_flag=True, hidden=True, help="the same as --format json (kept for crontabs)")
@format_option
@with_appcontext
def jobs_run_due(on, as_json: bool, fmt: str) -> None:
    """运行到期任务（可由 cron 每几分钟运行，可重复运行）/ run the due jobs; idempotent, cron-safe.

    Opens the year's filings, sends reminders, turns overdue filings and bottom-5 % units into
    removal proposals, opens re-reviews where the region sets a cycle.
    """
    from core.management import jobs

    labels = {"open": "开启填报 / opening filings", "remind": "提醒 / reminders", "overdue": "逾期 / overdue",
              "rereview": "复核 / re-reviews"}

    def progress(name: str, total: int):
        return _counter(labels.get(name, name))

    report = jobs.run_due(_actor(), _day(on), progress)
    click.echo("", err=True)
    emit_record(report, "json" if as_json else fmt,
                lambda: [click.echo(f"{key}: {value}") for key, value in report.items()])


COMMANDS = [filings_group, removals_group, rereviews_group, jobs_group]
