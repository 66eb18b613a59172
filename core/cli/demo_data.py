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
import io
import random
from functools import cache
from pathlib import Path
from typing import Any, Callable, Iterator

import stdnum
from sqlalchemy import event, func, select
from stdnum.cn import uscc as stdnum_uscc
from wtforms import BooleanField

from core.applications import services
from core.applications.evidence import SELF_REPORT_SECTION
from core.declared_fields import web_field
from core.extensions import db
from core.clock import SHANGHAI, end_of_day, this_year, today
from core.kernel.rules import region_rules
from core.models import (
    AdminUnit, Application, ApplicationStatus, AuditLog, Campaign, EvaluatorFirm, EvaluatorSanction, ExpertProfile,
    Organization, Role, User,
)
from core.plugins.types import EvaluationMode, IndicatorKind, Level, dated_example
from core.review.evaluators import QUALIFICATION_FIELDS
from core.services import audit
from core.services.admin_units import sync_admin_units
from core.services.passwords import hash_password
from core.web import DEMO_REFERENCE_FILE

#: who the demo data says acted where no demo account did (a colon: never an account's name); pages name it in words
ACTOR = "demo:data"
_TRADES = ["新材料", "精密机械", "电子科技", "化工", "食品", "建材", "汽车零部件", "生物医药", "有色金属", "纺织"]
_SUFFIX = ["股份有限公司", "有限公司", "集团有限公司"]
_PEOPLE = ["王建国", "李红梅", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周强", "吴敏"]


#: the shipped illustrative reference values (their header says they are not MIIT's)
DEMO_REFERENCES = Path(__file__).resolve().parents[1] / "scoring" / "data" / DEMO_REFERENCE_FILE


@cache
def _divisions() -> dict[str, dict[str, str]]:
    """Current area codes by province name, then by city name (python-stdnum's GB/T 2260 table)."""
    out: dict[str, dict[str, str]] = {}
    province: dict[str, str] = {}
    for line in (Path(stdnum.__file__).parent / "cn" / "loc.dat").read_text(encoding="utf-8").splitlines():
        if line[:1].isdigit():
            code, _, rest = line.partition(" ")
            province = out.setdefault(rest.split('"')[1], {"": code + "0000"})
        elif line.startswith("  ") and line[2:3].isdigit():
            code, _, rest = line.strip().partition(" ")
            name = rest.split('"')[1].split(",")[-1]
            if name.startswith("[") and not name.split("]")[0].endswith("-"):
                continue  # a former name: "[1983-1998]…"
            province[name.split("]")[-1]] = province[""][:2] + code
    return out


def division_code(province: str, unit: str = "") -> str:
    """The 6-digit area code of ``unit`` (a city's name) in ``province``; the province's own when not found,
    Beijing's for an instance that is no province (the ministry)."""
    codes = _divisions().get(province)
    if not codes:
        return "110000"
    return codes.get(unit) or codes[""]


def place_name(unit: str) -> str:
    """How a company's name says where it is: a city without 市 (长沙市 → 长沙, 郴州市 → 郴州), an autonomous
    prefecture by its first two characters (湘西土家族苗族自治州 → 湘西), any other unit as it is (赣江新区)."""
    if unit.endswith("自治州"):
        return unit[:2]
    if unit.endswith("市") and len(unit) > 2:
        return unit[:-1]
    return unit


def make_uscc(rng: random.Random, division: str = "110000") -> str:
    body = "91" + division + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    body += rng.choice("0123456789")
    return body + stdnum_uscc.calc_check_digit(body)


def history_table(rows: list[list]) -> bytes:
    """The rows as the CSV a clerk uploads (headers of :mod:`core.lists.history`)."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["层级", "年度", "类型", "统一社会信用代码", "名称", "市州", "文号", "发布日期", "状态", "移出日期", "移出原因"])
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


class _Timeline:
    """Steps of the demo dated as the demo tells them: ``with timeline.at(moment):`` every row written in the
    block (an audit row, a record's ``created_at`` and ``updated_at``) carries ``moment``, as if the step had been
    taken then. The records a service dates itself (an engagement's acceptance) are set by the step."""

    def __init__(self) -> None:
        self.moments: list[dt.datetime] = []

    def _stamp(self, _mapper, _connection, target) -> None:
        if not self.moments:
            return
        moment = self.moments[-1]
        if isinstance(target, AuditLog):
            target.at = moment
        if hasattr(target, "created_at") and getattr(target, "created_at", None) is None:
            target.created_at = moment
        if hasattr(target, "updated_at"):
            target.updated_at = moment

    def __enter__(self) -> "_Timeline":
        # first: the audit log's chain hashes an entry's time after the demo dated it (core/services/audit_chain.py)
        event.listen(db.Model, "before_insert", self._stamp, propagate=True, insert=True)
        event.listen(db.Model, "before_update", self._stamp, propagate=True)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(db.Model, "before_insert", self._stamp)
        event.remove(db.Model, "before_update", self._stamp)

    class _At:
        def __init__(self, timeline: "_Timeline", moment: dt.datetime) -> None:
            self.timeline, self.moment = timeline, moment

        def __enter__(self) -> dt.datetime:
            db.session.flush()  # what earlier steps wrote keeps their times
            self.timeline.moments.append(self.moment)
            return self.moment

        def __exit__(self, *exc) -> None:
            try:
                if exc[0] is None:
                    db.session.flush()
            finally:
                self.timeline.moments.pop()

    def at(self, moment: dt.datetime) -> "_Timeline._At":
        return self._At(self, moment)


def _beijing(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An instant of the demo's story: ``day`` at ``hour``:``minute`` Beijing time, in UTC."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI).astimezone(dt.timezone.utc)


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


def round_level(rules: Any, ministry: bool) -> Level:
    """The level of the demo's round: the national round in a ministry's instance (办法 第十二条; 001 二(一): the
    provinces recommend, the ministry reviews, puts on notice and publishes), else the province's own."""
    if ministry:
        return Level.NATIONAL
    return next((lv for lv in (Level.PROVINCIAL, Level.CITY) if rules.unit_types_for(lv)), Level.NATIONAL)


def city_list_first(rules: Any, level: Level, year: int) -> bool:
    """Whether the round of ``level`` asks a unit to be on its city's list first, so the demo holds the cities' own
    round beside it: a rule of the round that a factory with no city listing fails and one on its city's list
    passes (Shanxi 004_7a8ddd82f611ab67.txt 第十二条: 省层面绿色工厂原则上应先纳入市层面绿色工厂名单, published by the
    city bureau itself)."""
    if level == Level.CITY or Level.CITY.value not in rules.list_levels or not rules.unit_types_for(Level.CITY) \
            or rules.publication(Level.CITY, year).publisher != "city":
        return False
    base = {"unit_type": "factory", "level": level, "year": year, "as_of": today()}
    return any(_answer(rule, {**base, "held_levels": ()}) and not _answer(rule, {**base, "held_levels": (Level.CITY,)})
               for rule in rules.eligibility_rules_for("factory", level, year) if rule.check is not None)


def _answer(rule: Any, data: dict[str, Any]) -> str | None:
    """What ``rule`` answers a factory of which ``data`` says only its level, year and listings (a rule that reads
    more of an application answers nothing here)."""
    try:
        return rule.check(data)
    except (KeyError, TypeError, AttributeError, ValueError):
        return None


def _open_round(rules: Any, level: Level, year: int, types: list[str], first_day: dt.date) -> Campaign:
    """The demo's round of ``level``, open from ``first_day`` to the year's end, audited. The province's round holds
    the year's calendar up to its report to the Ministry (:func:`_round_calendar`); a city round (Shanxi 004 第十二条:
    the city publishes its own list, by no date the 细则 names) holds the steps the region sets for its level, as a
    round the province opens does (``services.open_campaign``)."""
    from core.applications.services import campaign_deadlines

    opens = _beijing(first_day, 0)
    campaign = Campaign(region=rules.region_code, year=year, level=level.value,
                        title=f"{year}年度{rules.region.name}绿色制造名单申报（{rules.list_levels[level.value].name}）",
                        unit_types=types, opens_at=opens, closes_at=end_of_day(dt.date(year, 12, 31)),
                        deadlines=campaign_deadlines(year, level.value, types) if level == Level.CITY
                        else _round_calendar(rules, year))
    db.session.add(campaign)
    db.session.flush()
    audit.record(ACTOR, "campaign.opened", "campaign", campaign.id, year=year, level=level.value)
    return campaign


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
            app = Application(campaign_id=campaign.id, organization_id=org.id, admin_unit_id=org.admin_unit_id,
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


def _load_history(rules: Any, seed: int, level: Level, year: int, units: list[AdminUnit], orgs: list[Organization],
                  planned: list[str], companies: list[str], types: list[str], industries: list[str],
                  import_history: Callable[..., dict] | None, counts: dict[str, int]) -> int:
    """The lists the region already has, imported before its round as a deployment imports them (``planned``: the
    kind each of ``orgs`` applies for in the round); returns how many listed units that do not apply it adds."""
    # the province's existing lists, loaded as a deployment loads them: a table through the history import. Units
    # climb the ladder, as in a deployed province: a unit on a list does not apply to that list's round again, one on
    # the list below does (city list → provincial round). So the first half of this round's applicants were on the
    # list just below the round's, of the kind they apply for (the demo enterprise among them, which files for it),
    # and the units of the lists at the round's level and above (their annual filings, the unit removed for a missed
    # filing) are others, which do not apply this year
    history_rows = []
    filing = rules.deadlines.get("dynamic_filing")
    unit_names = {u.id: u.name for u in units}

    def removal_day(listed: int) -> dt.date:
        """A unit listed in ``listed`` (on 12-20) that did not file its first annual dynamic-management table, due
        the next year by the region's deadline (办法 第十六条: 04-15), removed with the list a fortnight later."""
        due = (filing.for_year(listed + 1) if filing is not None else None) or dt.date(listed + 1, 4, 15)
        return due + dt.timedelta(days=16)

    def history_row(lv: Level, y: int, unit_type: str, org: Organization, number: int, removed: bool = False) -> list:
        return [rules.list_levels[lv.value].name, y, rules.unit_types[unit_type].name, org.uscc, org.name,
                unit_names[org.admin_unit_id], f"示范公告〔{y}〕{number}号", dt.date(y, 12, 20).isoformat(),
                "移出" if removed else "列入", removal_day(y).isoformat() if removed else "",
                "未按时填报年度动态管理表" if removed else ""]

    def stage_row(stage: Any, lv: Level, y: int, unit_type: str, org: Organization, number: int) -> list:
        """The unit's entry in the stage before the ``lv`` list of ``y`` (a 创建计划, a 培育库), published in March;
        the province's 认定 lists it on 12-20."""
        return [rules.list_levels[lv.value].name, y, rules.unit_types[unit_type].name, org.uscc, org.name,
                unit_names[org.admin_unit_id], f"{stage.name}〔{y}〕{number}号", dt.date(y, 3, 20).isoformat(),
                stage.name, "", ""]

    rank = {lv: rules.list_levels[lv].rank for lv in rules.list_levels}
    below = max((lv for lv in rules.list_levels if rank[lv] < rank[level.value]), key=rank.get, default=None)
    if below is not None:
        for n, (org, unit_type) in enumerate(list(zip(orgs, planned))[: len(orgs) // 2]):
            if unit_type in {t.code for t in rules.unit_types_for(Level(below))}:
                y = year - 2 - n % 2
                history_rows.append(history_row(Level(below), y, unit_type, org, n + 1))
    # the listed units that do not apply this year: a random generator of their own, so that the applicants' data
    # stays what it was
    others_rng = random.Random(seed + 1)
    others = []
    taken = {o.name for o in orgs}
    for n in range(LISTED_ONLY):
        unit = units[n % len(units)]
        trade = others_rng.choice(_TRADES)
        # another company of the same place and trade: another legal form, else a second (third…) one
        name = next(candidate for candidate in (f"{place_name(unit.name)}{nth}{trade}{suffix}"
                                                for nth in ("", "第二", "第三", "第四", "第五") for suffix in _SUFFIX)
                    if candidate not in taken)
        taken.add(name)
        org = Organization(uscc=make_uscc(others_rng, division_code(rules.region.name, unit.name)), name=name,
                           admin_unit_id=unit.id, industry=others_rng.choice(industries),
                           legal_representative=others_rng.choice(_PEOPLE))
        db.session.add(org)
        others.append(org)
    db.session.flush()
    listed_type = next((t for t in companies if t in rules.unit_types), types[0])
    # built before last year's national units' removal day has come, the removed unit's story is a year older
    earlier = 0 if removal_day(year - 1) <= today() else 1
    for n, org in enumerate(others):
        back = earlier if n == 4 else 0
        for lv, y in ((Level.CITY, year - 3 - back), (Level.PROVINCIAL, year - 2 - back),
                      (Level.NATIONAL, year - 1 - back)):
            if (n % 3 == 2 and lv == Level.NATIONAL) or lv.value not in rules.list_levels:
                continue
            stage = rules.publication(lv, y).stage
            if stage is not None and stage.round_publishes:  # the round's stage first (Hunan 000 二.4: the 2024
                # 创建计划), then the province's 认定 lists the unit
                history_rows.append(stage_row(stage, lv, y, listed_type, org, 100 + n + 1))
            history_rows.append(history_row(lv, y, listed_type, org, 100 + n + 1,
                                            removed=n == 4 and lv == Level.NATIONAL))
    if import_history is not None:
        db.session.flush()
        report = import_history(ACTOR, history_table(history_rows), "demo-history.csv")
        if not report["ok"]:
            raise RuntimeError("demo history rejected: " + "; ".join(
                p for r in report["rows"] for p in r["problems"])[:500])
        counts["list_entries"] = report["created"]
    return len(others)



#: what the demo's notice is called: made up for training, and labelled so on every page that names it
DEMO_NOTICE_TITLE = "关于开展{year}年度{region}绿色制造名单申报工作的通知（培训演示通知，非真实文件）"
#: the article of the demo notice that dates the steps no document of the region dates in the year
DEMO_NOTICE_ARTICLE = "三（演示）"


def _record_notice(rules: Any, campaign: Campaign, first_day: dt.date) -> None:
    """The demo's round is opened from the year's notice, as a province opens its round (issue 53): a made-up notice
    of the region's issuer (labelled as a training notice), its PDF, and the dates it gives the round's steps that
    no document of the region dates in the year (the cities' step in Hunan, Hubei and Jiangxi after their
    documents' rounds), so that next year's round can be opened by copying it."""
    from core.applications.round_notice import FILE_PREFIX
    from core.plugins.applied import RoundNotice
    from core.services.round_steps import unset_steps
    from core.storage import staging

    own = sorted((d for d in rules.documents.values() if d.issuer.startswith(rules.region.name)),
                 key=lambda d: (d.issued or dt.date.min, bool(d.number)))  # the region's own authority's
    issuer = own[-1].issuer if own else rules.region.name
    numbered = [d.number for d in own if d.number]
    prefix = numbered[-1].split("〔")[0] if numbered else f"{rules.region.name[:1]}工信节能"
    day = (today() + dt.timedelta(days=NOTICE_DAYS)).isoformat()
    steps = [s for s in unset_steps(campaign) if s.actor == "city"]
    notice_rules = [{"kind": "deadline", "key": s.code, "value": day, "article": DEMO_NOTICE_ARTICLE} for s in steps]
    campaign.notice_no, campaign.notice_issuer = f"{prefix}〔{campaign.year}〕1号", issuer
    campaign.notice_title = DEMO_NOTICE_TITLE.format(year=campaign.year, region=rules.region.name)
    campaign.notice_issued_on, campaign.notice_rules = first_day, notice_rules
    campaign.notice_file, campaign.notice_file_name = f"{FILE_PREFIX}{_hex(campaign)}", "培训演示通知.pdf"
    staging.stage(campaign.notice_file, _pdf(2))
    notice = RoundNotice.of(campaign)
    campaign.deadlines = {**campaign.deadlines, **{r["key"]: day for r in notice_rules}}
    campaign.deadline_reasons = {**(campaign.deadline_reasons or {}),
                                 **{r["key"]: notice.cite(DEMO_NOTICE_ARTICLE) for r in notice_rules}}
    db.session.flush()
    audit.record(ACTOR, "campaign.notice_recorded", "campaign", campaign.id, notice_no=campaign.notice_no,
                 title=campaign.notice_title, issuer=issuer, issued_on=first_day.isoformat(),
                 file=campaign.notice_file_name, rules=notice_rules)


def _hex(campaign: Campaign) -> str:
    import hashlib

    return hashlib.sha256(f"demo-notice-{campaign.region}-{campaign.year}-{campaign.id}".encode()).hexdigest()[:32]


def _round_calendar(rules: Any, year: int) -> dict[str, str]:
    """The demo round's steps: the year's deadlines up to the province's report to the Ministry (the step after its
    list), but the listed units' yearly table (办法 第十六条 04-15), which is no filing of the round
    (``services.campaign_deadlines``): copied in, it made every Hunan city owe a round filing no one could open,
    and 001 四.1 then refused every unit the province recommended to MIIT (issue 42's walk)."""
    return {d.code: day.isoformat() for day, d in rules.deadlines_for(year)
            if d.actor != "listed_unit" or year in d.rounds}


#: why the demo moved a step whose document date had passed when the demo was made (a demo value, not a document's)
PLACED_REASON = ("演示数据：文件规定的日期在演示数据装入时已过，培训演示将此环节顺延至今后，以便逐步演练"
                 "（演示设定，非文件日期）")
#: how many days after the demo's day the first of those steps falls (the walk moves the clock through a
#: notice period of 15 days and the province's review before the recommendation to the Ministry)
PLACED_DAYS = 30
#: how many days after the demo's day the demo notice dates the steps no document dates (before those
#: :func:`_place_steps` moves)
NOTICE_DAYS = PLACED_DAYS - 5


def _place_steps(campaign: Campaign, timeline: _Timeline) -> None:
    """A training demo walks every step of its round today: each step whose document date has already passed
    (the city's step, the province's recommendation to the Ministry: 办法 第十二条 07-31) is moved as a province
    moves one, audited with its reason, to :data:`PLACED_DAYS` days from today and after, in the order of the
    document's dates; the page shows the document's date beside the moved one. The annual filing (a listed
    unit's, 办法 第十六条 04-15) is no step of the round and keeps its date."""
    from core.services.deadlines import deadline_end

    records = region_rules().deadlines
    passed = sorted((deadline_end(value), code) for code, value in (campaign.deadlines or {}).items()
                    if deadline_end(value) <= end_of_day(today())
                    and getattr(records.get(code), "actor", None) in ("city", "province"))
    with timeline.at(_beijing(today(), 8)):
        for n, (_, code) in enumerate(passed):
            services.change_deadline(campaign, code, today() + dt.timedelta(days=PLACED_DAYS + n), PLACED_REASON,
                                     ACTOR)


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


def _indicator_values(rules: Any, book: Any, app: Application, year: int, rng: random.Random, *,
                      half: bool) -> dict:
    """What a unit types into its self-evaluation: each quantitative value between its 基准值 and 引领值 (or a
    little past the 引领值), most qualitative items met; a draft has filled in half of them."""
    from core.scoring import GENERAL
    from core.scoring.engine import fixed_reference

    iset = rules.indicator_set(app.unit_type, year)
    if iset is None:
        return {}
    refs = book.lookup(iset.code, GENERAL, year)
    values: dict[str, Any] = {}
    for ind in iset.indicators[: len(iset.indicators) // 2] if half else iset.indicators:
        ref = fixed_reference(ind) or refs.get(ind.number)
        if ind.kind == IndicatorKind.QUALITATIVE:
            values[str(ind.number)] = rng.random() < 0.85
        elif ind.kind == IndicatorKind.ELASTICITY:
            values[str(ind.number)] = {"elasticity": round(rng.uniform(0.2, 0.9), 2),
                                       "value_added_growth": round(rng.uniform(3, 12), 1)}
        elif ref is not None:
            x = ref.baseline + rng.uniform(0.3, 1.05) * (ref.leading - ref.baseline)
            x = min(max(x, 0.0), 100.0) if ind.percent else x
            values[str(ind.number)] = round(x) if ind.unit == "项" else round(x, 2)
    return values


#: listed units of the demo's list history that do not apply in this year's round
LISTED_ONLY = 12

#: printed by ``greenmfg demo``; demo instances only
DEMO_PASSWORD = "greenmfg-demo-2025"


def _pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    writer, buf = PdfWriter(), io.BytesIO()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.write(buf)
    return buf.getvalue()


def _fill_in(app: Application, rules: Any, year: int, rng: random.Random, *, draft: bool,
             at: dt.datetime | None = None) -> None:
    """What the unit types into its form, saved as a draft save saves it (the same checks, audited): the contact,
    the negative-list declaration, the region form with its plugin's examples (a yes/no or an option the plugin
    gives none for is picked here) and a PDF for each of its file fields; a draft has filled in half of the
    region form and attached nothing yet."""
    from core.applications.fields import fields_for, is_upload, option_labels

    ffs = fields_for(rules, app.unit_type, app.level, year)
    extension: dict[str, Any] = {}
    for i, f in enumerate(ffs):
        if is_upload(f) or (draft and i % 2):
            continue
        if f.example is not None:
            extension[f.code] = dated_example(f.example, year)
        elif options := [value for value in option_labels(f) if value not in ("", None)]:
            extension[f.code] = rng.choice(options)
        elif getattr(web_field(f), "field_class", None) is BooleanField:
            extension[f.code] = rng.random() < 0.5
    items = rules.negative_list_for(app.unit_type, Level(app.level), year)
    unit = app.organization.name
    services.save_draft(app, {
        "contact_name": rng.choice(_PEOPLE), "contact_phone": f"1{rng.choice('3589')}{rng.randrange(10 ** 9):09d}",
        "contact_email": f"greenmfg{app.organization_id}@example.com",
        # True: declared not to apply (the unit answers every item of its negative list before submitting)
        "declarations": {} if draft else {item.code: True for item in items},
        "extension": extension}, ACTOR, at=at)
    if not draft:
        for f in ffs:
            if is_upload(f):
                services.add_evidence(app, f.code, f"{unit}{f.label}.pdf", _pdf(2), ACTOR, at=at)


#: places the demo evaluator's firm keeps in its year's cap, for the requests a trainee sends it: the Hubei walk
#: found 华中 (its legal representative's firms together) at 15 / 15, so no new request could be sent to it
EVALUATOR_ROOM = 3


def _no_room(firm: EvaluatorFirm, app: Application, year: int) -> bool:
    """Whether ``firm`` would leave less than :data:`EVALUATOR_ROOM` places of its year's cap (the unit then
    evaluates itself, where its round allows): a cap per legal representative counts the demo evaluator's firm and
    another of the same person together (Shanxi 004 第二十四条), so every firm keeps the trainee's room."""
    from core.services.limits import places_left

    left, _ = places_left(firm, app.unit_type, app.level, year, app.campaign)
    return left is not None and left <= EVALUATOR_ROOM


def _evaluate(app: Application, firm: EvaluatorFirm, rng: random.Random, timeline: _Timeline, started: dt.date,
              submitted_at: dt.datetime, *, pending: bool, report: bool) -> bool:
    """The demo's third-party evaluations, as the services record them: the applicant names the firm (two days
    after it started); the firm accepts with its declaration of independence two days later, visits the unit and
    files its report (per-indicator scores, the on-site visit) in the days before the submission; one request is
    left for the demo ``evaluator`` account to answer."""
    from types import SimpleNamespace

    from core.review import evaluators, reports

    from core.errors import GreenmfgError

    someone = SimpleNamespace(username=ACTOR)
    asked, accepted = started + dt.timedelta(days=2), started + dt.timedelta(days=4)
    filed = submitted_at.astimezone(SHANGHAI).date() - dt.timedelta(days=3)
    with timeline.at(_beijing(asked, 14)):
        try:
            request = evaluators.request_evaluation(someone, app, firm, app.organization.uscc, today=asked)
        except GreenmfgError:  # a firm the region would not accept: the demo unit evaluates itself
            app.evaluation_mode = EvaluationMode.SELF.value
            return False
    if pending:
        return True
    with timeline.at(_beijing(accepted, 11)) as moment:
        try:
            evaluators.accept_request(someone, request, wrote_self_evaluation=False, interested_party=False,
                                      today=accepted)
        except GreenmfgError:  # a cap reached in the demo: the firm declines and the unit evaluates itself
            evaluators.decline_request(someone, request, "年度评价项目已满 / annual cap reached")
            app.evaluation_mode = EvaluationMode.SELF.value
            request.decided_at = moment
            return False
        # the acceptance as the firm declared it then (the service dates it by the clock): the declaration, still
        # unwritten, is the one its audit row holds
        request.decided_at = moment
        request.declarations["declared_at"] = moment.isoformat(timespec="seconds")
    if not report:
        return True  # an engagement whose report the demo evaluator still has to file
    # the firm as the demo's actor: an evaluator account of the firm, never stored (the service checks the binding)
    firm_user = User(username=ACTOR, role=Role.EVALUATOR, evaluator_firm_id=firm.id, active=True)
    items = reports.indicator_items(app)
    share = rng.uniform(0.72, 0.93)
    scores = {str(i["number"]): round(i["weight"] * share, 2) for i in items} or None
    with timeline.at(_beijing(filed, 16)):  # the on-site visit the day before the report
        reports.file_report(firm_user, request, _pdf(3), "第三方评价报告.pdf", scores=scores,
                            score=None if items else round(100 * share, 1),
                            visited_on=filed - dt.timedelta(days=1), today=filed)
    return True


#: the demo city's 推荐意见 (written where the round asks for one: Hubei 三(四) 出具推荐意见)
CITY_OPINION = "经初审，该单位申报资料齐全，现场情况属实，未发现国家文件规定不得申报的情形，同意推荐。"


def _recommend(app: Application, at: dt.datetime) -> None:
    """The city recommends ``app`` as a city bureau does, having consulted every department the round's rule
    names; a refusal (a full quota, a report still missing) leaves it submitted, as on the platform."""
    from core.applications import consulted
    from core.errors import GreenmfgError

    policy = consulted.offered(app.campaign.level, app.campaign.year)
    try:
        with db.session.begin_nested():
            services.recommend(app, ACTOR, consulted_departments=list(policy.codes), acknowledge_warnings=True, at=at,
                               opinion=CITY_OPINION)
    except GreenmfgError:
        db.session.refresh(app)


#: why the demo city returned an application, and for how long it may be corrected
RETURN_REASON = "请补充能源计量器具配备清单及近三年能源利用状况报告"
RETURN_DAYS = 7


def _return(app: Application, timeline: _Timeline, submitted_at: dt.datetime) -> None:
    """The city returns ``app`` for correction with its reason, yesterday, for the days the round allows
    (a round where nothing may change after submission keeps it submitted)."""
    from core.errors import GreenmfgError

    day = max(today() - dt.timedelta(days=1), submitted_at.astimezone(SHANGHAI).date() + dt.timedelta(days=5))
    with timeline.at(_beijing(day, 10)) as at:
        days = min(RETURN_DAYS, services.correction_policy(app).max_days)
        try:
            with db.session.begin_nested():
                services.return_for_correction(app, RETURN_REASON, at + dt.timedelta(days=days), ACTOR, at=at)
        except GreenmfgError:
            db.session.refresh(app)


def _industry(rules: Any, unit_type: str, year: int, org: Organization) -> str | None:
    """What the application form stores for the unit's industry (:func:`services.round_industry`): the code of a
    registered industry the round offers, or the name as given where the round takes any industry. A unit whose
    industry the round does not offer its kind of application takes the first one it does (its record follows)."""
    from core.errors import GreenmfgError

    try:
        return services.round_industry(rules, unit_type, year, org.industry)
    except GreenmfgError:
        choices = rules.industry_choices(unit_type, year)
        code = next((c for c in rules.industries if not choices.codes or c in choices.codes), None)
        if code is None:
            return None
        org.industry = rules.industries[code].name
        return code


def _demo_city(units: list[AdminUnit], apps: list[Application]) -> AdminUnit:
    """The demo ``city`` account's city: the first with submitted applications to review and recommend (the Shanxi
    walk found 长治市 with drafts only), one that has also recommended some when there is such a city."""
    sent: dict[int, set] = {}
    for app in apps:
        sent.setdefault(app.admin_unit_id, set()).add(app.status)
    return max(units, key=lambda u: (ApplicationStatus.SUBMITTED in sent.get(u.id, ()),
                                     bool(sent.get(u.id, set()) - {ApplicationStatus.DRAFT,
                                                                   ApplicationStatus.SUBMITTED})))


_COLLEAGUES = ("林志远", "高明", "何静", "宋立", "郑海涛", "冯雪", "韩松", "曹颖", "彭博", "蒋慧", "罗成", "唐宁")


def _expert_pool(account: User, units: list[AdminUnit], types: list[str]) -> list[ExpertProfile]:
    """The demo ``expert`` account and its colleagues in the pool: enough of them for the largest panel the
    region's rounds need (``experts.min_experts``) after each avoids the applications of its own city; the
    first four come from cities of the region, the others from none of them."""
    from core.review import experts

    pool = [experts.join_pool(ACTOR, account, name="评审专家", fields=types)]
    colleagues = max(4, experts.min_experts() + 1)
    for i, name in enumerate((_COLLEAGUES * 2)[:colleagues]):
        colleague = User(username=f"expert{i + 2}", display_name=name if i < len(_COLLEAGUES) else f"{name}{i}",
                         role=Role.EXPERT, password_hash=hash_password(DEMO_PASSWORD))
        db.session.add(colleague)
        db.session.flush()
        pool.append(experts.join_pool(ACTOR, colleague, fields=types,
                                      admin_unit_code=units[(i + 1) % len(units)].code
                                      if len(units) > 1 and i < 4 else None))
    return pool


def _panel(app: Application, pool: list[ExpertProfile], rng: random.Random, timeline: _Timeline,
           submitted_at: dt.datetime) -> None:
    """Grade ``app`` as the province does: a panel of the region's size (``experts.min_experts``) from the demo
    expert's colleagues, each free of conflicts, assigned the day after the city's recommendation; each expert
    scores every item near the applicant's self-score (or, without one, between 60 % and 95 % of its weight) and
    submits; the province records the panel's result. The applicant's self-score stays its own."""
    from core.review import experts

    day = submitted_at.astimezone(SHANGHAI).date()
    needed = experts.min_experts(app)
    free = [p for p in pool[1:] if not experts.conflicts(p, app)]
    if len(free) < needed:
        raise RuntimeError(f"demo expert pool too small for application {app.id}: {len(free)} < {needed}")
    members = rng.sample(free, needed)
    with timeline.at(_beijing(day + dt.timedelta(days=6), 9)):
        rows = [experts.assign(ACTOR, app, member) for member in members]
    items = experts.score_items(app)
    for k, (member, row) in enumerate(zip(members, rows)):
        share = rng.uniform(0.6, 0.95)
        scores = {}
        for item in items:
            base = item["self_score"] if item["self_score"] is not None else item["weight"] * share
            scores[str(item["number"])] = round(min(item["weight"], max(0.0, base * rng.uniform(0.9, 1.05))), 2)
        with timeline.at(_beijing(day + dt.timedelta(days=8), 10 + k)) as moment:
            experts.save_scores(member.user, row, scores, comment="材料齐全，现场核查情况与自评价基本一致。")
            experts.submit_scores(member.user, row)
            row.submitted_at = moment
    with timeline.at(_beijing(day + dt.timedelta(days=9), 15)) as moment:
        result = experts.grade(ACTOR, app)
        result.graded_at = moment


def _assign_demo_expert(expert: ExpertProfile, campaign: Campaign) -> None:
    """The demo ``expert`` account reviews two recommended applications."""
    from core.review import experts

    waiting = db.session.scalars(select(Application).where(
        Application.campaign_id == campaign.id, Application.status == ApplicationStatus.CITY_RECOMMENDED)
        .order_by(Application.id)).all()
    for app in waiting[:2]:
        experts.assign(ACTOR, app, expert)
