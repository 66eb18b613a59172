"""Deadlines in Asia/Shanghai time. A deadline day ends at 24:00 Beijing time.

A round carries its own calendar (issue 42): ``Campaign.deadlines`` holds every step deadline of the round,
copied from the region plugin when the round opens (the document's date) and moved by the province (audited,
with a reason, at the time entered: "2026-12-20T17:00+08:00", where a bare day "2024-07-31" ends at 24:00).
:func:`round_deadlines` is the one resolver every step's service and page reads: the round's deadline, shown
as moved with the document's date beside it, else the plugin's; :func:`recommendation_deadline` answers for the
province → MIIT recommendation of a year.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import LazyString

from core.errors import DeadlinePassed
from core.i18n import local_text
from core.clock import SHANGHAI, aware, deadline_text, end_of_day, now
from core.kernel.rules import region_rules, rule_of
from core.models import Campaign

#: the deadline code of the province's recommendation to the Ministry (办法 第十二条; national plugin)
RECOMMENDATION = "province_recommendation"


def deadline_end(value: str) -> dt.datetime:
    """A round's stored deadline as the instant it passes: a day ("2024-07-31") at 24:00 Beijing time, an instant
    entered with its time ("2026-12-20T17:00+08:00") at that time."""
    if "T" in value:
        return aware(dt.datetime.fromisoformat(value)).astimezone(dt.UTC)
    return end_of_day(dt.date.fromisoformat(value))


def stored_deadline(value: dt.date | dt.datetime) -> str:
    """How a round stores a deadline: a day, or an instant in Beijing time to the minute (midnight is the end of
    the day before, as notices write "24:00")."""
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    local = aware(value).astimezone(SHANGHAI)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return (local.date() - dt.timedelta(days=1)).isoformat()
    return local.replace(second=0, microsecond=0).isoformat(timespec="minutes")


def deadline_day(ends: dt.datetime) -> dt.date:
    """The Beijing day a deadline falls on (24:00 belongs to the day it ends)."""
    return (aware(ends) - dt.timedelta(microseconds=1)).astimezone(SHANGHAI).date()


@dataclass(frozen=True)
class RoundDeadline:
    """One deadline of a round as every page and service of its step reads it."""

    code: str
    title: str
    title_en: str | None
    actor: str
    source: str
    cite: str
    #: the instant it passes
    ends: dt.datetime
    #: the document's (the plugin's) date for the round's year; None: the document sets none that year
    document_day: dt.date | None
    #: the province's move: why, who, when (None: the document's date)
    reason: str | None = None
    moved_by: str | None = None
    moved_at: dt.datetime | None = None
    campaign_id: int | None = None
    #: where no document dates it (an applicants' deadline the province entered): the date the round opened with
    opened_with: dt.datetime | None = None

    @property
    def moved(self) -> bool:
        if self.reason is None or self.dated_by_notice:
            return False
        if self.document_day is not None:
            return self.ends != end_of_day(self.document_day)
        return self.opened_with is None or self.ends != self.opened_with

    @property
    def dated_by_notice(self) -> bool:
        """A step no document dates, dated by the round's notice when it opened (issue 53; ``reason`` names it):
        not a move."""
        return (self.reason is not None and self.document_day is None and self.opened_with is None
                and self.moved_by is None and self.code != APPLICANTS)

    @property
    def original(self) -> dt.datetime | None:
        """The date it had before the province moved it: the document's, else the round's first."""
        return end_of_day(self.document_day) if self.document_day is not None else self.opened_with

    @property
    def text(self) -> str:
        return deadline_text(self.ends)

    @property
    def day(self) -> dt.date:
        return deadline_day(self.ends)

    @property
    def instant(self) -> str:
        """The instant it passes as a client reads it, in Beijing time with its offset: a moved deadline keeps its
        time of day ("2026-12-20T17:00:00+08:00"), a day's end is the next day's 00:00 ("2024-08-01T00:00:00+08:00")."""
        return self.ends.astimezone(SHANGHAI).isoformat()

    @property
    def document_text(self) -> str:
        return "" if self.document_day is None else deadline_text(self.document_day)

    @property
    def local_title(self) -> LazyString:
        return LazyString(local_text, self.title, self.title_en)


def deadline_moves(campaign: Campaign) -> dict[str, tuple[str, dt.datetime]]:
    """{code: (who, when)} of the province's last move of each deadline of ``campaign`` (the audit log)."""
    from sqlalchemy import select

    from core.extensions import db
    from core.models import AuditLog

    rows = db.session.execute(select(AuditLog.actor, AuditLog.at, AuditLog.data).where(
        AuditLog.action == "campaign.deadline_changed", AuditLog.object_type == "campaign",
        AuditLog.object_id == str(campaign.id)).order_by(AuditLog.id)).all()
    # moves logged under a step's former code (one that carried a year, migration 0042) are the step's
    current = {old: d.code for d in region_rules().deadlines.values() for old in d.formerly}
    code = lambda data: current.get((data or {}).get("code"), (data or {}).get("code"))  # noqa: E731
    return {code(data): (actor, aware(at)) for actor, at, data in rows}


def round_deadlines(campaign: Campaign) -> list[RoundDeadline]:
    """Every step deadline of ``campaign`` (the round's own calendar), by the instant it passes: the round's date,
    with the province's move, beside the document's date; the province's report to the Ministry as the year's
    rounds hold it (:func:`recommendation_deadline`: once a year, whichever round's notice moved it)."""
    out = _own_deadlines(campaign)
    year_step = recommendation_deadline(campaign.year) if RECOMMENDATION in (campaign.deadlines or {}) else None
    if year_step is not None and year_step.campaign_id not in (None, campaign.id):
        out = sorted((year_step if d.code == RECOMMENDATION and d.ends != year_step.ends else d for d in out),
                     key=lambda d: (d.ends, d.code))
    return out


def _own_deadlines(campaign: Campaign) -> list[RoundDeadline]:
    """The round's own calendar (:func:`round_deadlines` before the year's report to the Ministry)."""
    rules = region_rules()
    reasons = campaign.deadline_reasons or {}
    moves = deadline_moves(campaign) if reasons else {}
    out = []
    for code, value in (campaign.deadlines or {}).items():
        record = rules.deadlines.get(code)
        who, when = moves.get(code, (None, None))
        out.append(RoundDeadline(
            code=code, title=record.title if record else code, title_en=record.title_en if record else None,
            actor=record.actor if record else "", source=record.source if record else "",
            cite=record.cite if record else "", ends=deadline_end(value),
            document_day=record.for_year(campaign.year) if record else None, reason=reasons.get(code),
            moved_by=who, moved_at=when, campaign_id=campaign.id))
    return sorted(out, key=lambda d: (d.ends, d.code))


def round_deadline(campaign: Campaign, code: str) -> RoundDeadline | None:
    """One deadline of ``campaign``'s calendar (None: the round has no such step)."""
    return next((d for d in round_deadlines(campaign) if d.code == code), None)


#: the code under which a round keeps the province's move of the applicants' deadline (Campaign.closes_at)
APPLICANTS = "closes_at"


def applicants_deadline(campaign: Campaign) -> RoundDeadline:
    """The applicants' submission deadline of ``campaign`` (its ``closes_at``) as the round's other deadlines read:
    where the province moved it, with the document's date beside it (the region's applicants' deadline for the
    round, its source and article) or, where no document dates it, the date the round opened with."""
    rules = region_rules()
    types = tuple(campaign.unit_types or ()) or (None,)
    dated = [(day, d) for day, d in rules.deadlines_for(campaign.year)
             if d.actor == "applicant" and any(d.applies(t, str(campaign.level)) for t in types)]
    day, record = min(dated, key=lambda pair: pair[0]) if dated else (None, None)
    reason = (campaign.deadline_reasons or {}).get(APPLICANTS)
    who, when = deadline_moves(campaign).get(APPLICANTS, (None, None)) if reason else (None, None)
    opened = None
    if reason and day is None:
        opened = _opened_with(campaign)
    return RoundDeadline(
        code=APPLICANTS, title=record.title if record else "", title_en=record.title_en if record else None,
        actor="applicant", source=record.source if record else "", cite=record.cite if record else "",
        ends=aware(campaign.closes_at), document_day=day, reason=reason, moved_by=who, moved_at=when,
        campaign_id=campaign.id, opened_with=opened)


def _opened_with(campaign: Campaign) -> dt.datetime | None:
    """The applicants' deadline ``campaign`` was opened with (the audit log's campaign.opened)."""
    from sqlalchemy import select

    from core.extensions import db
    from core.models import AuditLog

    data = db.session.scalar(select(AuditLog.data).where(
        AuditLog.action == "campaign.opened", AuditLog.object_type == "campaign",
        AuditLog.object_id == str(campaign.id)).order_by(AuditLog.id).limit(1))
    value = (data or {}).get("closes_at")
    return aware(dt.datetime.fromisoformat(value)) if value else None


def round_years() -> list[int]:
    """The years of the region's rounds, newest first, and this year (the pages' round pickers)."""
    from sqlalchemy import select

    from core.extensions import db
    from core.clock import this_year

    found = set(db.session.scalars(select(Campaign.year).where(Campaign.region == region_rules().region_code)
                                   .distinct()))
    return sorted(found | {this_year()}, reverse=True)


def year_deadlines(year: int) -> list[RoundDeadline]:
    """The region's deadlines of ``year`` as its rounds apply them (the home page's table): where the province moved
    one on a round of that year, the move (the latest, where it moved it on several rounds), with the document's
    date beside it; else the document's date. What the pages list is what the steps enforce."""
    from sqlalchemy import select

    from core.extensions import db

    rules = region_rules()
    moved: dict[str, RoundDeadline] = {}
    for campaign in db.session.scalars(select(Campaign).where(Campaign.region == rules.region_code,
                                                              Campaign.year == year)):
        for d in _own_deadlines(campaign) if campaign.deadline_reasons else ():
            if d.moved and (d.code not in moved or d.ends > moved[d.code].ends):
                moved[d.code] = d
    out = [moved.get(record.code) or RoundDeadline(
        code=record.code, title=record.title, title_en=record.title_en, actor=record.actor, source=record.source,
        cite=record.cite, ends=end_of_day(day), document_day=day) for day, record in rules.deadlines_for(year)]
    return sorted(out, key=lambda d: (d.ends, d.code))


def recommendation_deadline(year: int) -> RoundDeadline | None:
    """The deadline of the province's recommendation to the Ministry for ``year``: the one the province moved on a
    round of that year (the latest, where it moved several), else the round's, else the plugin's (办法 第十二条
    07-31; the year's notice may set another). None: no such deadline in the region."""
    from sqlalchemy import select

    from core.extensions import db

    rules = region_rules()
    record = rules.deadlines.get(RECOMMENDATION)
    if record is None:
        return None
    rounds = db.session.scalars(select(Campaign).where(Campaign.region == rules.region_code,
                                                       Campaign.year == year)).all()
    found = [d for c in rounds if RECOMMENDATION in (c.deadlines or {})
             for d in _own_deadlines(c) if d.code == RECOMMENDATION]
    moved = [d for d in found if d.moved]
    if moved:
        return max(moved, key=lambda d: d.ends)
    if found:
        return found[0]
    day = record.for_year(year)
    if day is None:
        return None
    return RoundDeadline(code=RECOMMENDATION, title=record.title, title_en=record.title_en, actor=record.actor,
                         source=record.source, cite=record.cite, ends=end_of_day(day), document_day=day)


def check_submission_open(campaign: Campaign, at: dt.datetime | None = None) -> None:
    """Raise :class:`DeadlinePassed` unless ``campaign`` accepts submissions at ``at``."""
    at = aware(at or now())
    opens, closes = aware(campaign.opens_at), aware(campaign.closes_at)
    if at < opens:
        raise DeadlinePassed(
            "This campaign opens for submissions at %(opens)s (Beijing time).",
            opens=opens.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        )
    if at >= closes:
        raise DeadlinePassed(
            "The submission deadline passed at %(closes)s (Beijing time); submissions are closed.",
            closes=closes.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        )


# ------------------------------------------------------------- step deadlines --
# issue 15: every deadline a region plugin sets for a step of a round (a city's recommendation, a
# listed unit's round filing...) is enforced by the service of that step, with the campaign's copy
# of the date (province staff may have changed it, audited) and the plugin record's actor, levels
# and unit types. Only the province extends a city's step, by an audited StepExtension.


@dataclass(frozen=True)
class StepDeadline:
    """One deadline of a campaign for one actor's step, as it applies to one city."""

    code: str
    title: str
    day: dt.date
    #: the instant it passes (24:00 Beijing time of the day, or the time the province entered when it moved it)
    ends: dt.datetime
    actor: str
    source: str
    cite: str
    #: why province staff changed the campaign's date (None: the plugin's date)
    changed_reason: str | None = None
    #: the document's (the plugin's) date for the round's year
    document_day: dt.date | None = None
    #: the province's extension for the city (None: none)
    extended_until: dt.datetime | None = None
    extension_reason: str | None = None
    #: the task in English where the plugin gives it (:attr:`core.plugins.types.Deadline.title_en`)
    title_en: str | None = None

    @property
    def local_title(self) -> LazyString:
        """The task in the language of the page or message it is shown in."""
        return LazyString(local_text, self.title, self.title_en)

    @property
    def effective(self) -> dt.datetime:
        """Until when the step is open: the deadline or the city's extension, whichever is later."""
        if self.extended_until is not None and self.extended_until > self.ends:
            return self.extended_until
        return self.ends


def step_deadlines(campaign: Campaign, actor: str, *, unit_type: str | None = None, level: str | None = None,
                   admin_unit_id: int | None = None) -> list[StepDeadline]:
    """The campaign's deadlines for ``actor``'s step (``city``, ``listed_unit``...) that apply to
    ``unit_type`` at ``level`` (default the round's level), with ``admin_unit_id``'s extension."""
    from sqlalchemy import select

    from core.extensions import db
    from core.models import StepExtension

    rules = region_rules()
    level = str(level or campaign.level)
    out: list[StepDeadline] = []
    extensions: dict[str, StepExtension] = {}
    if admin_unit_id is not None:
        extensions = {row.step: row for row in db.session.scalars(select(StepExtension).where(
            StepExtension.campaign_id == campaign.id, StepExtension.admin_unit_id == admin_unit_id))}
    for code, iso in sorted((campaign.deadlines or {}).items()):
        record = rules.deadlines.get(code)
        if record is None or record.actor != actor:
            continue
        if not record.applies(unit_type, level):
            continue
        ends = deadline_end(iso)
        ext = extensions.get(code)
        out.append(StepDeadline(code=code, title=record.title, day=deadline_day(ends), ends=ends, actor=actor,
                                source=record.source, cite=record.cite,
                                changed_reason=(campaign.deadline_reasons or {}).get(code),
                                document_day=record.for_year(campaign.year),
                                extended_until=None if ext is None else aware(ext.until),
                                extension_reason=None if ext is None else ext.reason, title_en=record.title_en))
    return out


def check_step_open(campaign: Campaign, actor: str, *, unit_type: str | None = None, level: str | None = None,
                    admin_unit_id: int | None = None, at: dt.datetime | None = None) -> None:
    """Raise :class:`DeadlinePassed` when a deadline of ``actor``'s step has passed at ``at`` (and no
    extension of the province for ``admin_unit_id`` still runs), naming the date, the rule's source
    plugin and its citation."""
    at = aware(at or now())
    for step in step_deadlines(campaign, actor, unit_type=unit_type, level=level, admin_unit_id=admin_unit_id):
        if at < step.effective:
            continue
        # issue 61: a date the province moved or the round's notice set is named with its reason, not the
        # document's yearly date ("每年7月31日前")
        refusal = moved_refusal(step.local_title, step.ends, step.document_day, step.changed_reason,
                                by_notice=_by_notice(campaign, step.code) if step.changed_reason else False)
        if refusal is not None and step.extended_until is None:
            raise refusal
        if step.extended_until is not None:
            raise DeadlinePassed(
                "The deadline for this step (%(title)s) was %(deadline)s (Beijing time), and the province's "
                "extension ended at %(until)s (Beijing time) (rule from %(source)s: %(cite)s).",
                title=step.local_title, deadline=deadline_text(step.ends), **rule_of(step),
                until=step.extended_until.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"))
        raise DeadlinePassed(
            "The deadline for this step (%(title)s) passed at %(deadline)s (Beijing time; rule from %(source)s: "
            "%(cite)s). Only the province can extend it.",
            title=step.local_title, deadline=deadline_text(step.ends), **rule_of(step))


def _by_notice(campaign: Campaign, code: str) -> bool:
    """Whether ``campaign``'s date of ``code`` is the one its notice set (no move of the province since)."""
    return bool(campaign.notice_no) and code not in deadline_moves(campaign)


def moved_refusal(title: LazyString | str, ends: dt.datetime, document_day: dt.date | None, reason: str | None,
                  *, by_notice: bool) -> DeadlinePassed | None:
    """The refusal after a deadline the province moved (``reason``: its reason) or the round's notice set
    (``by_notice``; ``reason``: the notice and its article), naming that date and why; None where the round keeps
    the document's date (no reason, or moved back onto it): the caller cites the document."""
    if not reason or (document_day is not None and ends == end_of_day(document_day)):
        return None
    if by_notice:
        return DeadlinePassed("The deadline for this step (%(title)s) passed at %(deadline)s (Beijing time), the "
                              "date the round's notice sets (%(reason)s). Only the province can extend it.",
                              title=title, deadline=deadline_text(ends), reason=reason)
    if document_day is not None:
        return DeadlinePassed("The deadline for this step (%(title)s) passed at %(deadline)s (Beijing time), as the "
                              "province moved it from %(document)s (reason: %(reason)s). Only the province can "
                              "extend it.", title=title, deadline=deadline_text(ends),
                              document=deadline_text(document_day), reason=reason)
    return DeadlinePassed("The deadline for this step (%(title)s) passed at %(deadline)s (Beijing time), as the "
                          "province set it (reason: %(reason)s). Only the province can extend it.",
                          title=title, deadline=deadline_text(ends), reason=reason)


def round_refusal(found: RoundDeadline) -> DeadlinePassed | None:
    """:func:`moved_refusal` of one of a round's deadlines (the year's report to the Ministry, its applicants')."""
    if not found.reason:
        return None
    by_notice = found.moved_by is None and found.campaign_id is not None and _campaign_has_notice(found.campaign_id)
    return moved_refusal(found.local_title, found.ends, found.document_day, found.reason, by_notice=by_notice)


def _campaign_has_notice(campaign_id: int) -> bool:
    from core.extensions import db

    campaign = db.session.get(Campaign, campaign_id)
    return bool(campaign is not None and campaign.notice_no)


def grant_step_extension(campaign: Campaign, admin_unit_id: int, step: str, until: dt.datetime, reason: str,
                         actor: str):
    """The province lets one city act after the deadline ``step`` of ``campaign`` until ``until``, with a
    reason (audited with the previous extension). Returns the :class:`~core.models.StepExtension`."""
    from sqlalchemy import select

    from core.errors import InvalidInput
    from core.extensions import db
    from core.models import AdminUnit, StepExtension
    from core.services import audit

    text = (reason or "").strip()
    if not 2 <= len(text) <= 500:
        raise InvalidInput("Please give a reason (2 to 500 characters).", field="reason")
    unit = db.session.get(AdminUnit, admin_unit_id)
    if unit is None:
        raise InvalidInput("Unknown city.", field="admin_unit_id")
    record = region_rules().deadlines.get(step)
    if step not in (campaign.deadlines or {}) or record is None or record.actor != "city":
        raise InvalidInput("Unknown deadline: %(code)s.", field="step", code=step)
    if until is None:
        raise InvalidInput("Missing data for required field.", field="until")
    until = aware(until).astimezone(dt.UTC)
    ends = deadline_end(campaign.deadlines[step])
    if until <= ends:
        raise InvalidInput("An extension must end after the campaign deadline (%(closes)s).", field="until",
                           closes=ends.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"))
    row = db.session.scalar(select(StepExtension).where(StepExtension.campaign_id == campaign.id,
                                                        StepExtension.admin_unit_id == unit.id,
                                                        StepExtension.step == step))
    before = None if row is None else aware(row.until).isoformat()
    if row is None:
        row = StepExtension(campaign_id=campaign.id, admin_unit_id=unit.id, step=step, until=until, reason=text,
                            granted_by=actor)
        db.session.add(row)
    else:
        row.until, row.reason, row.granted_by = until, text, actor
    db.session.flush()
    audit.record(actor, "campaign.step_extension_granted", "campaign", campaign.id, admin_unit=unit.code, step=step,
                 before=before, until=until.isoformat(), reason=text)
    return row


def step_extensions(campaign: Campaign) -> list:
    """The province's extensions of the campaign's steps, by city and step."""
    from sqlalchemy import select

    from core.extensions import db
    from core.models import StepExtension

    return list(db.session.scalars(select(StepExtension).where(StepExtension.campaign_id == campaign.id)
                                   .order_by(StepExtension.admin_unit_id, StepExtension.step)))
