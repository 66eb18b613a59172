"""The demo's round: its level (:func:`round_level`), whether the cities' own round comes first
(:func:`city_list_first`), the round opened from a made-up training notice with the year's calendar, and the steps
whose document date had passed moved ahead so a trainee walks every one."""
from __future__ import annotations

import datetime as dt
from typing import Any

from core.applications import services
from core.extensions import db
from core.clock import end_of_day, today
from core.kernel.rules import region_rules
from core.models import Campaign
from core.plugins.types import Level
from core.services import audit
from core.cli.demo_material import ACTOR, _pdf
from core.cli.demo_timeline import _beijing, _Timeline


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
