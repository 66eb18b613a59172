"""Deadlines in Asia/Shanghai time. A deadline day ends at 24:00 Beijing time."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import LazyString

from core.errors import DeadlinePassed
from core.i18n import local_text
from core.kernel.clock import SHANGHAI, aware, end_of_day, now
from core.kernel.rules import region_rules, rule_of
from core.models import Campaign


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
    #: the instant the day ends (24:00 Beijing time)
    ends: dt.datetime
    actor: str
    source: str
    cite: str
    #: why province staff changed the campaign's date (None: the plugin's date)
    changed_reason: str | None = None
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
        day = dt.date.fromisoformat(iso)
        ext = extensions.get(code)
        out.append(StepDeadline(code=code, title=record.title, day=day, ends=end_of_day(day), actor=actor,
                                source=record.source, cite=record.cite,
                                changed_reason=(campaign.deadline_reasons or {}).get(code),
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
        if step.extended_until is not None:
            raise DeadlinePassed(
                "The deadline for this step (%(title)s) was %(day)s, 24:00 Beijing time, and the province's "
                "extension ended at %(until)s (Beijing time) (rule from %(source)s: %(cite)s).",
                title=step.local_title, day=step.day.isoformat(), **rule_of(step),
                until=step.extended_until.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"))
        raise DeadlinePassed(
            "The deadline for this step (%(title)s) passed on %(day)s, 24:00 Beijing time (rule from %(source)s: "
            "%(cite)s). Only the province can extend it.",
            title=step.local_title, day=step.day.isoformat(), **rule_of(step))


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
    until = aware(until).astimezone(dt.timezone.utc)
    ends = end_of_day(dt.date.fromisoformat(campaign.deadlines[step]))
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
