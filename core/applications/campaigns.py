"""Campaigns (the province's calls for applications): opening one with the region's deadlines, changing a
deadline, an applicant's extension, the open ones, and the campaign and unit names every worker keeps."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import bindparam, func, select

from core.applications.reasons import _reason
from core.clock import aware, deadline_text, end_of_day, now, utc
from core.errors import InvalidInput
from core.extensions import db
from core.i18n import lazy_list
from core.kernel.names import unit_type_name
from core.kernel.rules import region_rules
from core.models import AdminUnit, Campaign, DeadlineExtension, Organization
from core.plugins.types import Level
from core.services import audit
from core.services.deadlines import stored_deadline
from core.services.round_steps import document_dates, unset_steps

# ---------------------------------------------------------------- campaigns --


def campaign_deadlines(year: int, level: str, unit_types: Iterable[str]) -> dict[str, str]:
    """The region's deadlines that apply to a round: {code: ISO date}."""
    # the steps of the round the documents date (issue 53: core.services.round_steps, the one resolver of steps)
    return document_dates(year, level, unit_types)


def default_closes_at(year: int, level: str, unit_types: Iterable[str]) -> dt.datetime | None:
    """The applicants' deadline the region sets for the round, as the instant it passes."""
    rules, types = region_rules(), tuple(unit_types) or (None,)
    days = [day for day, d in rules.deadlines_for(year)
            if d.actor == "applicant" and any(d.applies(unit_type, level) for unit_type in types)]
    return end_of_day(min(days)) if days else None


def open_campaign(*, actor: str, year: int, level: str, unit_types: Iterable[str], title: str | None = None,
                  opens_at: dt.datetime | None = None, closes_at: dt.datetime | None = None) -> Campaign:
    """Province staff open a call for applications; deadlines come from the region plugin."""
    rules = region_rules()
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput("The year must lie between 2000 and 2100.", field="year")
    if level not in rules.list_levels:
        raise InvalidInput("Unknown list level: %(level)s.", field="level", level=level)
    offered = {t.code for t in rules.unit_types_for(Level(level))}
    types = sorted(set(unit_types or ()))
    if not types or not set(types) <= offered:
        raise InvalidInput("Choose unit types this region runs at this level: %(types)s.", field="unit_types",
                           types=lazy_list(sorted(offered), unit_type_name))
    opens_at = utc(opens_at) or now()
    closes_at = utc(closes_at or default_closes_at(year, level, types))
    if closes_at is None:
        raise InvalidInput("The region sets no applicants' deadline for this round; please enter one.",
                           field="closes_at")
    if closes_at <= opens_at:
        raise InvalidInput("The deadline must come after the opening time.", field="closes_at")
    level_name = rules.list_levels[level].name
    title = (title or "").strip()[:200] or f"{year}年度{rules.region.name}{level_name}绿色制造名单申报"
    campaign = Campaign(region=rules.region_code, year=year, level=level, title=title, unit_types=types,
                        opens_at=opens_at, closes_at=closes_at, deadlines=campaign_deadlines(year, level, types),
                        deadline_reasons={})
    db.session.add(campaign)
    db.session.flush()
    audit.record(actor, "campaign.opened", "campaign", campaign.id, year=year, level=level, unit_types=types,
                 opens_at=opens_at.isoformat(), closes_at=closes_at.isoformat(), deadlines=campaign.deadlines)
    _forget_kept(_CHOICES_KEY)  # this worker's filters show it at once
    return campaign


#: list pages show the region's campaigns (in the filter) and city names (in the rows); each worker keeps
#: them, checked once a request against the database (:data:`KEPT_VERSION`: how many campaigns and units
#: there are and the newest of each, one small statement), so what any worker or server wrote shows at once
_CAMPAIGN_CHOICES = (select(Campaign.id, Campaign.title).where(Campaign.region == bindparam("region"))
                     .order_by(Campaign.year.desc(), Campaign.id.desc()))
_UNIT_NAMES = select(AdminUnit.id, AdminUnit.name)
#: how many campaigns and units there are and the newest of each: the version of what each worker keeps of them
KEPT_VERSION = select(select(func.count(Campaign.id)).scalar_subquery(),
                      select(func.max(Campaign.id)).scalar_subquery(),
                      select(func.count(AdminUnit.id)).scalar_subquery(),
                      select(func.max(AdminUnit.id)).scalar_subquery())


def _kept_version() -> tuple:
    """The version of the kept lists in the database, read once a request (campaigns are opened, never
    renamed; units are added by the region plugin's sync)."""
    if has_request_context():
        if "greenmfg_kept_version" not in g:
            g.greenmfg_kept_version = tuple(db.session.execute(KEPT_VERSION).one())
        return g.greenmfg_kept_version
    return tuple(db.session.execute(KEPT_VERSION).one())


def _kept(key: str, load, missing) -> Any:
    """``load()``, kept in this app while the database's version of the kept lists is the one it was read
    at, and read again at once when ``missing(kept)`` says what is asked for is not in it."""
    kept = current_app.extensions.get(key)
    version = _kept_version()
    if kept is None or kept[0] != version or missing(kept[1]):
        kept = current_app.extensions[key] = (version, load())
    return kept[1]


def _forget_kept(key: str) -> None:
    current_app.extensions.pop(key, None)
    if has_request_context():
        g.pop("greenmfg_kept_version", None)


def campaign_choices(region: str, including: int | None = None) -> list[tuple[int, str]]:
    """``(id, title)`` of the region's campaigns, newest first, for list filters (kept, see
    :func:`_kept`; read again when ``including``, a campaign asked for by id, is not among them)."""
    def load():
        rows = [(row.id, row.title) for row in db.session.execute(_CAMPAIGN_CHOICES, {"region": region})]
        return region, rows, {row[0] for row in rows}
    kept = _kept(_CHOICES_KEY, load, lambda k: k[0] != region or (including is not None and including not in k[2]))
    return kept[1]


def unit_names(ids: Iterable[int]) -> dict[int, str]:
    """Administrative unit names by id (kept, see :func:`_kept`; read again for an unknown id)."""
    wanted = set(ids)
    return _kept(_UNITS_KEY, lambda: dict(db.session.execute(_UNIT_NAMES).all()), lambda names: not wanted <= names.keys())


_CHOICES_KEY = "greenmfg_campaign_choices"
_UNITS_KEY = "greenmfg_unit_names"


def change_deadline(campaign: Campaign, code: str, value: dt.date | dt.datetime, reason: str, actor: str) -> None:
    """Change one deadline of one campaign, with a reason (audited with the old and new value).

    ``code`` "closes_at" is the applicants' submission deadline (an instant; a date means the
    end of that day in Beijing time); any other code is one of the campaign's dated deadlines.
    """
    reason = _reason(reason)
    if code == "closes_at":
        new = utc(value if isinstance(value, dt.datetime) else end_of_day(value))
        if new <= aware(campaign.opens_at):
            raise InvalidInput("The deadline must come after the opening time.", field="closes_at")
        before = aware(campaign.closes_at).isoformat()
        campaign.closes_at = new
        after = new.isoformat()
    else:
        if code not in (campaign.deadlines or {}) and code not in {s.code for s in unset_steps(campaign)}:
            raise InvalidInput("This round has no such step.", field="code")
        # issue 42: the time entered is kept (17:00 stays 17:00); a bare day ends at 24:00 Beijing time;
        # issue 53: a step no document dated is dated here from the year's notice (before: None)
        before, after = (campaign.deadlines or {}).get(code), stored_deadline(value)
        campaign.deadlines = {**campaign.deadlines, code: after}
    campaign.deadline_reasons = {**(campaign.deadline_reasons or {}), code: reason}
    audit.record(actor, "campaign.deadline_changed", "campaign", campaign.id, code=code, before=before, after=after,
                 reason=reason)


def grant_extension(campaign: Campaign, organization: Organization, until: dt.datetime, reason: str,
                    actor: str) -> DeadlineExtension:
    """Let one applicant submit after the campaign deadline, until ``until`` (province staff)."""
    reason, until = _reason(reason), utc(until)
    if until <= aware(campaign.closes_at):
        raise InvalidInput("An extension must end after the campaign deadline (%(closes)s).", field="until",
                           closes=deadline_text(campaign.closes_at))
    row = db.session.scalar(select(DeadlineExtension).where(DeadlineExtension.campaign_id == campaign.id,
                                                            DeadlineExtension.organization_id == organization.id))
    before = None if row is None else aware(row.until).isoformat()
    if row is None:
        row = DeadlineExtension(campaign_id=campaign.id, organization_id=organization.id, until=until,
                                reason=reason, granted_by=actor)
        db.session.add(row)
    else:
        row.until, row.reason, row.granted_by = until, reason, actor
    db.session.flush()
    audit.record(actor, "campaign.extension_granted", "campaign", campaign.id, organization=organization.uscc,
                 before=before, until=until.isoformat(), reason=reason)
    return row


def open_campaigns(at: dt.datetime | None = None) -> list[Campaign]:
    at = at or now()
    rows = db.session.scalars(select(Campaign).where(Campaign.region == region_rules().region_code)
                              .order_by(Campaign.year.desc(), Campaign.id.desc())).all()
    return [c for c in rows if aware(c.opens_at) <= at < aware(c.closes_at)]
