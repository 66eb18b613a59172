"""The steps of a round and who dates them (issue 53): steps belong to the workflow, dates to documents.

Every step of a region's workflow has one code without a year: the applicants' closing (``closes_at``, the round's
own submission deadline) and each :class:`~core.plugins.types.Deadline` a plugin registers (the city's submission,
the province's recommendation to the Ministry, a listed unit's filing, …). For a round of year Y at level L, a
step's default date comes from, in this order:

* ``notice``: the notice of another round of Y at L that dated it (the province opened that round from its notice);
* ``document``: the plugin's document for Y (``rounds`` for that year's notice, else the standing ``month_day``);
* ``unset``: nothing dates it; the round shows it as not set, and the province dates it from the year's notice
  (when it opens the round, or afterwards on the round's page, audited).

:func:`round_steps` answers ``greenmfg rounds steps``, ``GET /api/v1/round-steps`` and the notice form;
:func:`unset_steps` the round's page; the notice's validation (:mod:`core.applications.round_notice`) accepts a
date for any step :func:`round_steps` lists.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import LazyString

from core.i18n import local_text
from core.kernel.rules import region_rules
from core.models import Campaign
from core.plugins.types import Level

#: the applicants' closing: the round's own submission deadline (Campaign.closes_at)
APPLICANTS = "closes_at"
#: who acts at a step the round's notice may date (a listed unit's yearly table is dated by its own filing round)
ROUND_ACTORS = ("applicant", "city", "province", "listed_unit", "ministry")
DOCUMENT, NOTICE, UNSET = "document", "notice", "unset"

_APPLICANTS_TITLE = ("申报单位提交申报（申报截止）", "Applicants submit their applications (applications close)")


@dataclass(frozen=True)
class RoundStep:
    """One step of a round of ``year``: who acts, its default date and where that date comes from."""

    code: str
    title: str
    title_en: str | None
    actor: str
    #: the plugin that names the step (``core`` for the applicants' closing)
    source: str
    #: the document that names the step, as the plugin cites it (empty for the applicants' closing)
    cite: str
    #: the default date for the year (None: not set)
    day: dt.date | None
    #: where ``day`` comes from: ``document``, ``notice`` or ``unset``
    origin: str
    #: the notice (《title》（文号）article) or the document (its cite) that dates it; empty when not set
    dated_by: str = ""

    @property
    def local_title(self) -> LazyString:
        return LazyString(local_text, self.title, self.title_en)

    @property
    def is_set(self) -> bool:
        return self.day is not None

    def json(self) -> dict:
        from core.plugins.citations import readable_cite

        return {"code": self.code, "title": self.title, "title_en": self.title_en, "actor": self.actor,
                "source": self.source, "cite": readable_cite(self.cite) if self.cite else "",
                "default_date": self.day.isoformat() if self.day else None, "origin": self.origin,
                "dated_by": readable_cite(self.dated_by) if self.origin == DOCUMENT else self.dated_by}


def _noticed(year: int, level: str) -> dict[str, tuple[dt.date, str]]:
    """{step: (date, 《notice》article)} the notices of the region's rounds of ``year`` at ``level`` dated."""
    from sqlalchemy import select

    from core.extensions import db
    from core.plugins.applied import RoundNotice

    out: dict[str, tuple[dt.date, str]] = {}
    rounds = db.session.scalars(select(Campaign).where(Campaign.region == region_rules().region_code,
                                                       Campaign.year == year, Campaign.level == str(level),
                                                       Campaign.notice_no.is_not(None)).order_by(Campaign.id))
    for campaign in rounds:
        notice = RoundNotice.of(campaign)
        for rule in notice.of_kind("deadline"):
            out[rule.key] = (dt.date.fromisoformat(str(rule.value)[:10]), notice.cite(rule.article))
    return out


def round_steps(year: int, level: str, unit_types: Iterable[str] = (), *,
                with_notices: bool = True) -> list[RoundStep]:
    """The steps of a round of ``year`` at ``level`` for ``unit_types`` (empty: any of the region's), each with its
    default date and where it comes from (module docstring): the applicants' closing first, then the plugins'
    steps by date (the unset last)."""
    rules = region_rules()
    types = tuple(sorted(set(unit_types or ()))) or (None,)
    noticed = _noticed(year, level) if with_notices else {}
    steps: list[RoundStep] = []
    applicants: list[tuple[dt.date, RoundStep]] = []
    for record in rules.deadlines.values():
        if record.actor not in ROUND_ACTORS or not any(_step_of(record, t, level) for t in types):
            continue
        if record.actor == "listed_unit" and not record.rounds and record.code not in noticed:
            continue  # the listed units' yearly table (dynamic filing) is not a step of an application round
        day, origin, dated_by = record.for_year(year), DOCUMENT, record.cite
        if record.code in noticed:
            (day, dated_by), origin = noticed[record.code], NOTICE
        elif day is None:
            origin, dated_by = UNSET, ""
        step = RoundStep(code=record.code, title=record.title, title_en=record.title_en, actor=record.actor,
                         source=record.source, cite=record.cite, day=day, origin=origin, dated_by=dated_by)
        if record.actor == "applicant" and day is not None:
            applicants.append((day, step))
        steps.append(step)
    closing = _applicants_closing(applicants, noticed)
    steps.sort(key=lambda s: (s.day is None, s.day or dt.date.max, s.code))
    return [closing, *steps]


def _step_of(record, unit_type: str | None, level: str) -> bool:
    """Whether ``record`` is a step of a round at ``level``: it applies there, or it is the province's report to the
    Ministry that closes a provincial round (national candidates come from the provincial list: 办法 第十一条, 第十二条;
    Hubei 002 三(五), Jiangxi 003 一)."""
    if record.applies(unit_type, level):
        return True
    return (record.actor == "province" and str(level) == Level.PROVINCIAL.value
            and record.applies(unit_type, Level.NATIONAL))


def _applicants_closing(applicants: list[tuple[dt.date, RoundStep]],
                        noticed: dict[str, tuple[dt.date, str]]) -> RoundStep:
    """The applicants' closing: the earliest applicants' step the year has (as the round opens with it), else the
    date another round's notice gave it, else not set."""
    title, title_en = _APPLICANTS_TITLE
    if applicants:
        day, first = min(applicants, key=lambda pair: (pair[0], pair[1].code))
        return RoundStep(code=APPLICANTS, title=title, title_en=title_en, actor="applicant", source=first.source,
                         cite=first.cite, day=day, origin=first.origin, dated_by=first.dated_by)
    if APPLICANTS in noticed:
        day, dated_by = noticed[APPLICANTS]
        return RoundStep(code=APPLICANTS, title=title, title_en=title_en, actor="applicant", source="core", cite="",
                         day=day, origin=NOTICE, dated_by=dated_by)
    return RoundStep(code=APPLICANTS, title=title, title_en=title_en, actor="applicant", source="core", cite="",
                     day=None, origin=UNSET)


def step_codes(year: int, level: str, unit_types: Iterable[str] = ()) -> dict[str, RoundStep]:
    """{code: step} of a round (:func:`round_steps`), the notice's own dates not yet counted."""
    return {s.code: s for s in round_steps(year, level, unit_types, with_notices=False)}


def unset_steps(campaign: Campaign) -> list[RoundStep]:
    """The steps of ``campaign`` no document or notice dated: the round's page lists them as not set, and the
    province dates them (:func:`core.applications.services.change_deadline`)."""
    dated = set(campaign.deadlines or {}) | {APPLICANTS}
    return [s for s in round_steps(campaign.year, str(campaign.level), campaign.unit_types or (),
                                   with_notices=False) if s.code not in dated and s.day is None]


def document_dates(year: int, level: str, unit_types: Iterable[str]) -> dict[str, str]:
    """{step: ISO date} of the steps of a round that the region's documents date in ``year`` (what a round opens
    with, before its notice): :func:`round_steps` without the applicants' closing (the round's own ``closes_at``)."""
    return {s.code: s.day.isoformat() for s in round_steps(year, level, unit_types, with_notices=False)
            if s.code != APPLICANTS and s.day is not None and s.origin == DOCUMENT}
