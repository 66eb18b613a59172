"""Realistic demo data for the configured region (``greenmfg demo``).

Names are invented; 统一社会信用代码 carry the area code (GB/T 2260, from python-stdnum's
table) of the region's city the unit sits in, and valid check characters; deadlines, caps,
quotas and tiers all come from the region plugin through the same services the web forms use. Each unit fills
in its form with the region plugin's examples (``FormField.example``), saves it and, unless it is a draft,
submits it through the platform's services, so its page shows the checks made at submission.
The shipped demo 引领值/基准值 (core/scoring/data/demo_reference.csv, illustrative, not MIIT's)
are loaded so live scores are meaningful; pages label them as demo values.

Each step happens on the day the demo says it did (:class:`_Timeline`): a unit creates its application, fills it
in, asks its evaluator, who accepts, visits and files the report, all before the unit submits it on its
submission date, and the city and the province act after; every audit row and record of a step carries that
step's time, so an application's history reads in the order its page's dates tell.

The data come in the order a deployed instance has them: the region's list history first, then its round (a ministry's
instance: the national round, 001_3f04a56fc6693327.txt 二(一)), so the checks stored at each submission see the
listings. Where the round asks a unit to be on its city's list first, the demo also holds the cities' own round (Shanxi
004_7a8ddd82f611ab67.txt 第十二条), open today, for the city to publish its list before the province's round.
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import func, select

from core.applications import services
from core.applications.evidence import SELF_REPORT_SECTION
from core.extensions import db
from core.clock import this_year, today
from core.kernel.rules import region_rules
from core.models import (
    AdminUnit, Application, ApplicationStatus, EvaluatorFirm, EvaluatorSanction, Organization, Role, User,
)
from core.plugins.types import EvaluationMode, Level
from core.review.evaluators import QUALIFICATION_FIELDS
from core.services import audit
from core.services.admin_units import sync_admin_units
from core.services.passwords import hash_password
from core.web import DEMO_REFERENCE_FILE
from core.cli.demo_experts import _assign_demo_expert, _expert_pool, _panel
from core.cli.demo_history import LISTED_ONLY, _load_history  # noqa: F401
from core.cli.demo_material import (  # noqa: F401  (the names tests and ``greenmfg demo`` import from here)
    _PEOPLE, _SUFFIX, _TRADES, ACTOR, DEMO_PASSWORD, _pdf, division_code, history_table, make_uscc, place_name,
)
from core.cli.demo_round import (  # noqa: F401
    DEMO_NOTICE_ARTICLE, DEMO_NOTICE_TITLE, NOTICE_DAYS, PLACED_DAYS, PLACED_REASON, _open_round, _place_steps,
    _record_notice, city_list_first, round_level,
)
from core.cli.demo_steps import (  # noqa: F401
    CITY_OPINION, EVALUATOR_ROOM, RETURN_DAYS, RETURN_REASON, _evaluate, _fill_in, _indicator_values, _industry,
    _no_room, _recommend, _return,
)
from core.cli.demo_timeline import _beijing, _Timeline

#: the shipped illustrative reference values (their header says they are not MIIT's)
DEMO_REFERENCES = Path(__file__).resolve().parents[1] / "scoring" / "data" / DEMO_REFERENCE_FILE


def demo_accounts() -> dict[Role, list[str]]:
    """Every account the demo made, by role in the order of a round's walk (who applies, evaluates, recommends,
    reviews, lists, then administers), each role's names in order: what ``greenmfg demo`` prints."""
    order = (Role.APPLICANT, Role.EVALUATOR, Role.CITY, Role.PROVINCE, Role.EXPERT, Role.MINISTRY, Role.ADMIN)
    found: dict[Role, list[str]] = {role: [] for role in order}
    for username, role in db.session.execute(select(User.username, User.role).order_by(User.id)):
        found.setdefault(Role(role), []).append(username)
    return {role: names for role, names in found.items() if names}


def listed_accounts() -> list[tuple[str, str, int]]:
    """The demo accounts of listed units, each with the level and year of its newest listing: the account that files
    the annual dynamic-management table (办法 第十六条; Shanxi 004 第十八条), which ``greenmfg demo`` names as such."""
    from core.models import ListEntry

    rows = db.session.execute(select(User.username, ListEntry.level, func.max(ListEntry.year))
                              .join(ListEntry, ListEntry.organization_id == User.organization_id)
                              .where(ListEntry.status == "listed")
                              .group_by(User.username, ListEntry.level).order_by(User.username)).all()
    return [(username, level, year) for username, level, year in rows]


def load_demo(seed: int = 2025, progress: Callable[[Iterator], Iterator] = iter,
              import_history: Callable[..., dict] | None = None) -> dict[str, int]:
    """Fill an empty database with demo data. Refuses a database that already has organizations."""
    if db.session.scalar(select(func.count(Organization.id))):
        raise RuntimeError("数据库已有数据，演示数据只装入空库 / the database already has data; demo data loads into an empty one")
    with _Timeline() as timeline:
        return _load(seed, progress, import_history, timeline)


def _load(seed: int, progress: Callable[[Iterator], Iterator], import_history: Callable[..., dict] | None,
          timeline: _Timeline) -> dict[str, int]:
    rng = random.Random(seed)
    rules = region_rules()
    sync_admin_units(ACTOR)
    db.session.flush()
    units = list(db.session.scalars(select(AdminUnit).where(AdminUnit.region == rules.region_code,
                                                            AdminUnit.active)))
    ministry = not units
    if ministry:  # a ministry instance: provinces submit, shown as one pseudo-unit
        units = [AdminUnit(region=rules.region_code, code="national.demo_province", name="示范省",
                           kind="省", source="admin")]
        db.session.add_all(units)
        db.session.flush()
    year = this_year()
    province = rules.region.name
    industries = [i.name for i in rules.industries.values()] or _TRADES
    book, references = _load_references(rules)
    counts = {"organizations": 0, "applications": 0, "list_entries": 0, "firms": 0, "users": 0,
              "demo_reference_values": references}

    level = round_level(rules, ministry)
    types = [t.code for t in rules.unit_types_for(level)]
    named = [("华中绿色低碳评价中心有限公司", "孙立新"), ("中环节能认证咨询有限公司", "钱永刚"), ("绿源工程技术评估有限公司", "孙立新")]
    if any(rules.evaluation_modes(t, level, year).third_party_required for t in types):
        # every unit of the round is evaluated by a third party (Hubei 002 三(三), standing): a firm more, so the
        # firms' yearly caps (15 a legal entity, 附件2 二(三)) hold the demo's 36 projects with room left
        # (a certification body the CNCA approved, so that green products find a firm too: 附件2 二(一))
        named.append(("荆楚绿色产品认证中心有限公司", "周文斌"))
    firms = []
    for i, (name, rep) in enumerate(named):
        # what a region's evaluator requirements read (e.g. 附件2 of a provincial plan): a well-qualified firm
        firm = EvaluatorFirm(uscc=make_uscc(rng, division_code(province)), name=name, legal_representative=rep,
                             qualifications={**{k: True for k, (kind, _) in QUALIFICATION_FIELDS.items()
                                                if kind is bool and (k != "cnca_approved" or i == 3)},
                                             "full_time_midlevel_staff": 12 + i, "senior_staff": 5 + i})
        db.session.add(firm)
        firms.append(firm)
    db.session.flush()
    db.session.add(EvaluatorSanction(firm_id=firms[1].id, reason="评价报告数据造假",
                                     starts_on=dt.date(year - 1, 6, 1), ends_on=dt.date(year + 2, 5, 31)))
    counts["firms"] = len(firms)
    working = [firms[0], firms[2], *firms[3:]]  # the firms without a sanction, the demo evaluator's first
    # the round opened on 1 March (70 days ago when the year is younger): every step of the story lies in the past
    first_day = min(dt.date(year, 3, 1), today() - dt.timedelta(days=70))

    statuses = [ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.SUBMITTED,
                ApplicationStatus.RETURNED, ApplicationStatus.CITY_RECOMMENDED, ApplicationStatus.GRADED]
    orgs = []
    for n in progress(range(36)):
        unit = units[n % len(units)]
        trade = rng.choice(_TRADES)
        suffix = rng.choice(_SUFFIX)
        org = Organization(uscc=make_uscc(rng, division_code(province, unit.name)),
                           name=f"{place_name(unit.name)}{trade}{suffix}"
                           if n % 7 else f"{unit.name}{trade}产业园管理委员会",
                           admin_unit_id=unit.id, industry=rng.choice(industries),
                           legal_representative=rng.choice(_PEOPLE))
        taken = {o.name for o in orgs}
        if org.name in taken:  # another company of the same place and trade: another legal form, else a second one
            org.name = next((f"{place_name(unit.name)}{trade}{other}" for other in _SUFFIX
                             if f"{place_name(unit.name)}{trade}{other}" not in taken),
                            f"{place_name(unit.name)}第二{trade}{suffix}")
        db.session.add(org)
        orgs.append(org)
    db.session.flush()
    counts["organizations"] = len(orgs)
    # the expert pool first: the province grades an application through a panel of the region's size
    expert_account = User(username="expert", display_name="评审专家", role=Role.EXPERT)
    expert_account.password_hash = hash_password(DEMO_PASSWORD)
    db.session.add(expert_account)
    db.session.flush()
    pool = _expert_pool(expert_account, units, types)

    # a park applies through its management committee (the names with 园), never a company; the kinds with an
    # indicator table this year come first, so that the demo enterprise (the second unit) scores itself
    companies = sorted((t for t in types if t != "park"), key=lambda t: rules.indicator_set(t, year) is None) or types
    planned = ["park" if "园" in org.name and "park" in types else companies[(n - 1) % len(companies)]
               for n, org in enumerate(orgs)]
    # the province's lists first, as a deployed instance has them before its round: the checks the platform stores
    # at each submission (a national factory first on the provincial list: 办法 第十一条, 001 二(一); a Shanxi
    # provincial factory first on its city's list: 004 第十二条) see the listings
    counts["organizations"] += _load_history(rules, seed, level, year, units, orgs, planned, companies, types,
                                             industries, import_history, counts)

    with timeline.at(_beijing(first_day, 0)):
        campaign = _open_round(rules, level, year, types, first_day)
        _record_notice(rules, campaign, first_day)
    _place_steps(campaign, timeline)
    if city_list_first(rules, level, year):  # the cities' own round, whose list comes first (Shanxi 004 第十二条)
        with timeline.at(_beijing(first_day, 0)):
            _open_round(rules, Level.CITY, year, [t.code for t in rules.unit_types_for(Level.CITY)], first_day)

    apps: list[Application] = []
    for n, org in enumerate(orgs):
        unit_type = planned[n]
        modes = rules.evaluation_modes(unit_type, level, year)
        status = statuses[n % len(statuses)]
        # the story of one application: created in the round's first ten days, filled in the next day, the
        # evaluator asked two days later, accepting two days after that, visiting and filing its report in the
        # week before the unit submits (day 20 + n), the city or the province acting five days after that
        started = first_day + dt.timedelta(days=n % 10)
        submitted_at = _beijing(first_day + dt.timedelta(days=20 + n), 8)
        draft = status == ApplicationStatus.DRAFT
        with timeline.at(_beijing(started, 9, 30)):
            app = Application(campaign_id=campaign.id, organization_id=org.id, organization_name=org.name,
                              admin_unit_id=org.admin_unit_id,
                              unit_type=unit_type, level=level.value, status=status,
                              industry=_industry(rules, unit_type, year, org),
                              evaluation_mode=(EvaluationMode.THIRD_PARTY if modes.third_party_required or
                                               (n % 3 != 2 and EvaluationMode.THIRD_PARTY in modes.allowed)
                                               else EvaluationMode.SELF).value)
            app.indicator_values = _indicator_values(rules, book, app, year, rng, half=draft)
            app.status = ApplicationStatus.DRAFT  # filled in, evaluated and submitted first, as a real one is
            db.session.add(app)
            db.session.flush()
            audit.record(ACTOR, "application.created", "application", app.id, campaign=campaign.id,
                         unit_type=unit_type)
        with timeline.at(_beijing(started + dt.timedelta(days=1), 10, 15)) as saved:
            _fill_in(app, rules, year, rng, draft=draft, at=saved)
        if app.evaluation_mode == EvaluationMode.THIRD_PARTY.value:
            # the demo evaluator's own work first (one request, then reports to file); where its firm has no place
            # left or does not qualify for the unit, another firm with places, else the unit evaluates itself
            preferred = firms[0 if n % 2 or draft else 2]
            for firm in [preferred, *(f for f in working if f is not preferred)]:
                if _no_room(firm, app, year):  # room left for the trainee under every cap (one can be shared)
                    continue
                app.evaluation_mode = EvaluationMode.THIRD_PARTY.value
                if _evaluate(app, firm, rng, timeline, started, submitted_at, pending=(n == 0), report=not draft):
                    break
            else:
                app.evaluation_mode = EvaluationMode.SELF.value
        if modes.third_party_required and app.evaluation_mode == EvaluationMode.SELF.value:
            # no qualified firm had a place left: a round that requires the third party's evaluation (Hubei 002
            # 三(三), standing) refuses a self-evaluated application, so the unit's draft waits for a firm
            app.evaluation_mode, draft, status = EvaluationMode.THIRD_PARTY.value, True, ApplicationStatus.DRAFT
        if not draft and app.evaluation_mode == EvaluationMode.SELF.value and modes.report_required:
            # a unit evaluating itself attaches its self-evaluation report the day before it submits (a round that
            # asks for it refuses the city's recommendation without it: Jiangxi 2024 一, Shanxi 第十一条)
            with timeline.at(submitted_at - dt.timedelta(days=1)) as at:
                services.add_evidence(app, SELF_REPORT_SECTION, f"{org.name}自评价报告.pdf", _pdf(4), ACTOR, at=at)
        if not draft:  # through the platform's submission: its checks are recorded, as for a unit that applies
            with timeline.at(submitted_at):
                services.submit(app, ACTOR, at=submitted_at)
        if status in (ApplicationStatus.CITY_RECOMMENDED, ApplicationStatus.GRADED):
            # a graded application was recommended by its city first (through the platform's recommendation:
            # its time, levels, consulted departments and quota place recorded), then graded by its panel (below)
            with timeline.at(submitted_at + dt.timedelta(days=5, hours=2)) as at:
                _recommend(app, at)
        elif status == ApplicationStatus.RETURNED:
            _return(app, timeline, submitted_at)
        elif status != ApplicationStatus.SUBMITTED:
            with timeline.at(submitted_at + dt.timedelta(days=5, hours=2)):
                app.status = status
        if status == ApplicationStatus.GRADED and app.status == ApplicationStatus.CITY_RECOMMENDED:
            _panel(app, pool, rng, timeline, submitted_at)
        apps.append(app)
        counts["applications"] += 1

    city = _demo_city(units, apps)
    users = [
        User(username="admin", display_name="系统管理员", role=Role.ADMIN),
        User(username="province", display_name="省厅节能处", role=Role.PROVINCE),
        User(username="city", display_name=f"{city.name}工信局", role=Role.CITY, admin_unit_id=city.id),
        User(username="enterprise", display_name=orgs[1].name, role=Role.APPLICANT, organization_id=orgs[1].id),
        User(username="evaluator", display_name=firms[0].name, role=Role.EVALUATOR, evaluator_firm_id=firms[0].id),
        expert_account,
    ]
    if ministry:  # the ministry's staff: imports the provinces' recommendations, runs the notice, publishes
        users.insert(1, User(username="ministry", display_name="工业和信息化部节能与综合利用司", role=Role.MINISTRY))
    for u in users:
        u.password_hash = hash_password(DEMO_PASSWORD)
        db.session.add(u)
    db.session.flush()
    counts["users"] = len(users)
    counts["experts"] = len(pool)
    _assign_demo_expert(pool[0], campaign)
    audit.record(ACTOR, "demo.loaded", "instance", None, **counts)
    db.session.commit()
    return counts


def _load_references(rules: Any):
    """The demo 引领值/基准值, through the import an administrator uses (``greenmfg reference import``);
    return them as a :class:`~core.scoring.reference.ReferenceBook`, and how many rows were loaded."""
    from core.scoring.files import read_rows
    from core.scoring.reference import ReferenceBook, import_rows

    created = 0
    if rules.indicator_sets:
        header, body = read_rows(DEMO_REFERENCES)
        created = import_rows(db.session, rules, header, body, DEMO_REFERENCES.name, commit=False).created
        audit.record(ACTOR, "reference.imported", "instance", None, file=DEMO_REFERENCES.name, rows=created)
    return ReferenceBook.from_db(db.session), created


def _demo_city(units: list[AdminUnit], apps: list[Application]) -> AdminUnit:
    """The demo ``city`` account's city: the first with submitted applications to review and recommend (the Shanxi
    walk found 长治市 with drafts only), one that has also recommended some when there is such a city."""
    sent: dict[int, set] = {}
    for app in apps:
        sent.setdefault(app.admin_unit_id, set()).add(app.status)
    return max(units, key=lambda u: (ApplicationStatus.SUBMITTED in sent.get(u.id, ()),
                                     bool(sent.get(u.id, set()) - {ApplicationStatus.DRAFT,
                                                                   ApplicationStatus.SUBMITTED})))
