"""Public pages: the instance home, the effective rules with their sources, the lists."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.errors import GreenmfgError
from core.extensions import db, login_manager
from core.clock import this_year, today
from core.kernel.names import local_name
from core.kernel.rules import region_rules, source_name
from core.models import AdminUnit, ReferenceValue, User
from core.plugins.types import Level
from core.services.calendar import WorkCalendar
from core.services.deadlines import year_deadlines
from core.services.rules_export import document_rows, indicator_table_notes, own_documents, rule_rows
from core.web import dates, downloads, names
from core.web.nav import NavLink, fixed_url, nav_links, page_chrome
from core.web.todo import sections_for
from core.web.cites import as_written, cite_text
from core.web.training import training_banner

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/core")
bp.add_app_template_global(nav_links, "nav_links")
bp.add_app_template_global(fixed_url, "fixed_url")
bp.add_app_template_global(page_chrome, "page_chrome")
bp.add_app_template_global(training_banner, "training_banner")
bp.add_app_template_filter(cite_text, "cite")  # readable, in the page's language, dated as the document
bp.add_app_template_filter(as_written, "written")  # a readable cite (a rules row's) as the page writes it
bp.add_app_template_filter(source_name, "source")
bp.record_once(lambda state: dates.register(state.app))
bp.record_once(lambda state: names.register(state.app))
bp.record_once(lambda state: downloads.register(state.app))  # names every attachment for curl -OJ (issue 58)


#: the file name of the shipped illustrative 引领值/基准值 (core/scoring/data); values imported from it are
#: labelled as demo values wherever a score is shown
DEMO_REFERENCE_FILE = "demo_reference.csv"


@bp.app_template_global("score_sources")
def _score_sources(indicator_set, year: int) -> dict:
    """What a score of ``year`` rests on, for the score shown to users: the indicator table's readable source,
    a reused table, the platform's formulas (:func:`core.services.rules_export.indicator_table_notes`), and
    whether its reference values are the demo ones."""
    defaults, table = indicator_table_notes(region_rules(), indicator_set, year)
    demo = indicator_set is not None and db.session.scalar(select(ReferenceValue.id).where(
        ReferenceValue.indicator_set == indicator_set.code, ReferenceValue.source == DEMO_REFERENCE_FILE).limit(1))
    return {"platform_defaults": defaults, "indicator_table": table, "demo_references": bool(demo)}


def rule_source(record) -> str:
    """Where a rule a page applies comes from, as people read it: the document (文号) and article, or, for
    a rule no document sets (``platform_default``), that it is the platform's default, with why."""
    from flask_babel import gettext

    cite = cite_text(getattr(record, "cite", ""))
    if getattr(record, "platform_default", False):
        if cite.casefold().startswith(gettext("platform default").casefold()):
            return cite  # the plugin's own words say it already ("平台默认：… / platform default: …")
        return gettext("platform default (no document sets it): %(why)s", why=cite)
    return cite


bp.add_app_template_global(rule_source, "rule_source")

NAV = (
    NavLink(endpoint="web.home", label=_l("Home"), audience="everyone", order=10),
    NavLink(endpoint="web.rules_page", label=_l("Rules"), audience="everyone", order=20),
    NavLink(endpoint="lists.public_lists", label=_l("Lists"), audience="everyone", order=30),
)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


_ACTORS = {"applicant": _l("Applicants"), "listed_unit": _l("Listed units"), "city": _l("City bureaus"),
           "province": _l("Provincial department"), "ministry": _l("Ministry"), "evaluator": _l("Evaluators")}


@bp.app_template_filter("actor")
def _actor(code: str) -> str:
    """Who must act by a deadline, in the user's language."""
    return str(_ACTORS.get(code, code))


def _year() -> int:
    try:
        return int(request.args.get("year", this_year()))
    except ValueError:
        return this_year()


@bp.get("/")
def home():
    """Signed in: what is due for the user's role, each item linked to where to act; then, for everyone, the
    region's deadlines and rules."""
    rules, year = region_rules(), _year()
    todo = sections_for(current_user) if current_user.is_authenticated else None
    units = db.session.scalars(
        select(AdminUnit).where(AdminUnit.region == rules.region_code, AdminUnit.active).order_by(AdminUnit.id)
    ).all()
    return render_template("home.html", region=rules.region, year=year, deadlines=year_deadlines(year),
                           unit_types=list(rules.unit_types.values()), units=units,
                           notices=_notice_examples(rules), gradings=_gradings(rules),
                           rounds=_round_deadlines(rules, year), todo=todo)


def _round_deadlines(rules, year: int) -> list[tuple[int, dt.date, object]]:
    """Deadlines the region's annual notices set for particular rounds, other than this year's."""
    rows = [(round_year, day, d) for d in rules.deadlines.values() for round_year, day in d.rounds.items()
            if round_year != year]
    return sorted(rows, key=lambda r: (r[0], r[1], r[2].code), reverse=True)


def _notice_examples(rules) -> list[dict]:
    """Each level's notice period with the end date of a notice opening today."""
    day, calendar, out = today(), WorkCalendar(), []
    for code, level in sorted(rules.list_levels.items(), key=lambda kv: kv[1].rank):
        period = rules.notice_period(Level(code))
        if period is None:
            continue
        try:
            end, problem = calendar.period_end(day, period), None
        except GreenmfgError as exc:
            end, problem = None, exc.localized()
        out.append({"level": level, "period": period, "start": day, "end": end, "problem": problem})
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


_KINDS = {"region": _l("Region"), "list_level": _l("List level"), "unit_type": _l("Unit type"),
          "admin_unit": _l("Submitting unit"), "industry": _l("Key industry"), "deadline": _l("Deadline"),
          "negative_list_item": _l("Negative-list item"), "eligibility_rule": _l("Eligibility condition"),
          "sanction": _l("Sanction"), "form_field": _l("Form field"), "summary_layout": _l("Summary table"),
          "indicator_set": _l("Indicator table"), "evaluator_requirement": _l("Evaluator requirement"),
          "provision": _l("Provision"), "shared_evaluator_cap": _l("Evaluator cap"), "evaluator_cap": _l("Evaluator cap"),
          "grading": _l("Grading"), "evaluation_modes": _l("Evaluation modes"), "joint_round": _l("Joint round"),
          "correction": _l("Correction"), "quota": _l("Quota"), "notice_period": _l("Public notice period"),
          "publication": _l("Publication"), "average_gate": _l("Average score threshold"),
          "review_panel": _l("Expert panel"), "green_code_bands": _l("Green code bands"),
          "filing_figures": _l("Annual filing figures"), "evaluator_ban": _l("Evaluator ban"),
          "city_recommendation": _l("City's recommendation: opinion and document")}


@bp.app_template_filter("rule_kind")
def _rule_kind(code: str) -> str:
    """A rule kind of the rules listing in the user's language."""
    return str(_KINDS.get(code, _l("Other rule")))


def _applies_to(rules, key: str) -> str:
    """A policy row's key (``factory/provincial/2025``) as names: 绿色工厂 · 省级 · 2025."""
    names = {**{c: local_name(t) for c, t in rules.unit_types.items()},
             **{c: local_name(v) for c, v in rules.list_levels.items()},
             **{u.code: u.name for u in rules.admin_units.values()}}
    return " · ".join(names.get(part, part) for part in key.split("/"))


@bp.get("/rules")
def rules_page():
    """The rules a round of the year applies; with ``round``, the rules of that round: its year's, with what the
    notice it was opened from sets (issue 43), each naming the notice."""
    from core.kernel.records import get_record
    from core.models import Campaign
    from core.plugins.applied import RoundNotice

    year, rules, notice, campaign = _year(), region_rules(), None, None
    if request.args.get("round"):
        campaign = get_record(Campaign, request.args.get("round"))
        if campaign is None or campaign.region != rules.region_code:
            from core.errors import NotFound

            raise NotFound("No such campaign.")
        year, notice = campaign.year, RoundNotice.of(campaign)
    rows = rule_rows(rules, year, notice)
    # the year's rounds opened from a notice: what each notice sets is listed with that round's rules
    noticed = [] if campaign is not None else db.session.execute(
        select(Campaign.id, Campaign.title, Campaign.notice_no).where(
            Campaign.region == rules.region_code, Campaign.year == year, Campaign.notice_no.is_not(None))
        .order_by(Campaign.id)).all()
    for row in rows:
        row["applies_to"] = _applies_to(rules, row["key"]) if "/" in row["key"] or row["kind"] == "notice_period" else ""
    kind = request.args.get("kind")
    kinds = sorted({r["kind"] for r in rows})
    if kind:
        rows = [r for r in rows if r["kind"] == kind]
    return render_template("rules.html", rows=rows, year=year, kinds=kinds, kind=kind,
                           documents=own_documents(rules, document_rows(rules, year)), campaign=campaign, notice=notice,
                           noticed=noticed)


@bp.get("/rules/diff")
def rules_diff_page():
    """What changed between the rules of two rounds, two years, or the region and the national rules (issue 43):
    the same comparison as ``greenmfg rules diff``."""
    from core.models import Campaign
    from core.services import rules_diff
    from core.services.rules_diff_rows import diff_rows, summary

    rules, year = region_rules(), this_year()
    a, b = request.args.get("a") or str(year - 1), request.args.get("b") or str(year)
    sides = [(str(y), f"{local_name(rules.region)} {y}") for y in range(year - 3, year + 2)]
    if rules.region.authority != "national":
        sides += [(f"national@{y}", f"{source_name('national')} {y}") for y in range(year - 3, year + 2)]
    sides += [(f"round:{c.id}", c.title + (f"（{c.notice_no}）" if c.notice_no else "")) for c in db.session.scalars(
        select(Campaign).where(Campaign.region == rules.region_code).order_by(Campaign.year.desc(), Campaign.id))]
    found = rules_diff.compare(rules_diff.side(a), rules_diff.side(b))
    rows = diff_rows(found)
    notices = [(n["notice"]["label"], n["round"]["title"], [r for r in rows if r["round_id"] == n["round"]["id"]])
               for n in found["notices"]]
    return render_template("rules_diff.html", found=found, a=a, b=b, sides=sides, rows=rows, notices=notices,
                           counts=summary(rows))


@bp.get("/lists")
def lists_page():
    """The public lists live in the lists module; this address stays for old links."""
    return redirect(url_for("lists.public_lists", **request.args))
