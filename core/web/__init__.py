"""Public pages: the instance home, the effective rules with their sources, the lists."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.errors import GreenmfgError
from core.extensions import db, login_manager
from core.models import AdminUnit, User
from core.plugins.types import Level
from core.services.calendar import WorkCalendar
from core.services.deadlines import SHANGHAI
from core.services.rules_export import rule_rows
from core.web.nav import NavLink, fixed_url, nav_links, page_chrome

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/core")
bp.add_app_template_global(nav_links, "nav_links")
bp.add_app_template_global(fixed_url, "fixed_url")
bp.add_app_template_global(page_chrome, "page_chrome")

NAV = (
    NavLink(endpoint="web.home", label=_l("Home"), audience="everyone", order=10),
    NavLink(endpoint="web.rules_page", label=_l("Rules"), audience="everyone", order=20),
    NavLink(endpoint="lists.public_lists", label=_l("Lists"), audience="everyone", order=30),
)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def _rules():
    return current_app.extensions["greenmfg"].rules


@bp.app_template_filter("bjdeadline")
def _bj_deadline(moment: dt.datetime | None) -> str:
    """A deadline instant in Beijing time; midnight reads as 24:00 of the day before, as notices write it."""
    if moment is None:
        return "—"
    local = (moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)).astimezone(SHANGHAI)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return f"{(local.date() - dt.timedelta(days=1)).isoformat()} 24:00"
    return local.strftime("%Y-%m-%d %H:%M")


_ACTORS = {"applicant": _l("Applicants"), "listed_unit": _l("Listed units"), "city": _l("City bureaus"),
           "province": _l("Provincial department"), "ministry": _l("Ministry"), "evaluator": _l("Evaluators")}


@bp.app_template_filter("actor")
def _actor(code: str) -> str:
    """Who must act by a deadline, in the user's language."""
    return str(_ACTORS.get(code, code))


def _year() -> int:
    try:
        return int(request.args.get("year", dt.date.today().year))
    except ValueError:
        return dt.date.today().year


@bp.get("/")
def home():
    rules, year = _rules(), _year()
    units = db.session.scalars(
        select(AdminUnit).where(AdminUnit.region == rules.region_code, AdminUnit.active).order_by(AdminUnit.id)
    ).all()
    return render_template("home.html", region=rules.region, year=year, deadlines=rules.deadlines_for(year),
                           unit_types=list(rules.unit_types.values()), units=units,
                           notices=_notice_examples(rules), gradings=_gradings(rules),
                           rounds=_round_deadlines(rules, year))


def _round_deadlines(rules, year: int) -> list[tuple[int, dt.date, object]]:
    """Deadlines the region's annual notices set for particular rounds, other than this year's."""
    rows = [(round_year, day, d) for d in rules.deadlines.values() for round_year, day in d.rounds.items()
            if round_year != year]
    return sorted(rows, key=lambda r: (r[0], r[1], r[2].code), reverse=True)


def _notice_examples(rules) -> list[dict]:
    """Each level's notice period with the end date of a notice opening today."""
    today, calendar, out = dt.date.today(), WorkCalendar(), []
    for code, level in sorted(rules.list_levels.items(), key=lambda kv: kv[1].rank):
        period = rules.notice_period(Level(code))
        if period is None:
            continue
        try:
            end, problem = calendar.period_end(today, period), None
        except GreenmfgError as exc:
            end, problem = None, exc.localized()
        out.append({"level": level, "period": period, "start": today, "end": end, "problem": problem})
    return out


def _gradings(rules) -> list[dict]:
    """Grading schemes in force, one row per level and unit type that grades."""
    out = []
    for code, level in sorted(rules.list_levels.items(), key=lambda kv: kv[1].rank):
        for unit_type in rules.unit_types.values():
            scheme = rules.grading(unit_type.code, Level(code))
            if scheme.tiers:
                out.append({"level": level, "unit_type": unit_type, "scheme": scheme})
    return out


@bp.get("/rules")
def rules_page():
    year = _year()
    rows = rule_rows(_rules(), year)
    kind = request.args.get("kind")
    kinds = sorted({r["kind"] for r in rows})
    if kind:
        rows = [r for r in rows if r["kind"] == kind]
    return render_template("rules.html", rows=rows, year=year, kinds=kinds, kind=kind)


@bp.get("/lists")
def lists_page():
    """The public lists live in the lists module; this address stays for old links."""
    return redirect(url_for("lists.public_lists", **request.args))
