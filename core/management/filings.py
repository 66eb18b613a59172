"""The annual dynamic-management filing (年度动态管理表).

* Every unit on a city, provincial or national list files its key indicators each year by the
  region's ``dynamic_filing`` deadline (04-15 nationally: 004_7a8ddd82f611ab67.txt 第十八条; a
  region plugin may replace it). :func:`open_year` opens one filing per listed unit and type.
* The form reuses the scoring engine: the unit sees its live score while filling it in, and its
  rank once the city has accepted the filing and the year is ranked (:mod:`core.scoring`).
* Reminders go out a configurable number of working days before the due date
  (``GREENMFG_FILING_REMINDER_DAYS``, default 10 and 3), counted with the work calendar.
* Submitted filings are locked (001_3f04a56fc6693327.txt 四.2: 提交后无法修改); the city
  accepts one or returns it for correction until a date.
* A filing not made by the due date becomes a removal proposal (004 第二十一条 (二); 001 四.1:
  an existing national unit that does not file gets no score and is removed). The hourly job stores that
  (:func:`mark_overdue`); until it has run, an open filing whose deadline has passed already counts and shows
  as overdue everywhere (:func:`status_of`, :func:`status_column`: lists, dashboards, the filing's page, API).
* A year opened after its due date (the job opens it only until then) would leave every unit overdue at
  once, before it was asked to file. Seed 004 sets no later date, so the province gives the units a date to
  file by, with a reason (:func:`open_year` ``until``): at most :data:`MAX_RETURN_DAYS` days, the platform
  default it already applies to reopening an overdue filing (:func:`reopen`). The filing a round's
  document asks of listed units (Hunan 2025 by 10-27, which gates the city's recommendations) is
  :mod:`core.management.round_filings`, not this yearly table.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select, update

from core.errors import DeadlinePassed, InvalidInput, Refused
from core.extensions import db
from core.clock import today
from core.kernel.rules import region_rules
from core.management import counts, removals
from core.management.common import (
    level_rank,
    moment,
    optional_text,
    sorted_levels,
    text,
    working_days_before,
)
from core.models import (
    AdminUnit,
    AnnualFiling,
    FilingReminder,
    ListEntry,
    Organization,
    UnitScore,
)
from core.models.management import ACCEPTED, CLOSED, DUE, FILED, OPEN, OVERDUE, RETURNED, SUBMITTED
from core.plugins import indicator_bounds as bounds
from core.plugins.types import Level
from core.services import audit
from core.services.calendar import WorkCalendar

STATUSES = (DUE, SUBMITTED, RETURNED, ACCEPTED, OVERDUE, CLOSED)
#: each status by its name, as the filing pages show it (the management pages' words), never its code
STATUS_LABELS = {DUE: _l("Due"), SUBMITTED: _l("Submitted"), RETURNED: _l("Returned for correction"),
                 ACCEPTED: _l("Accepted"), OVERDUE: _l("Overdue"), CLOSED: _l("Closed")}
#: a removal proposal's status by its name (a reopened filing rejects the proposal it raised)
REMOVAL_STATUS_LABELS = {removals.PROPOSED: _l("Proposed"), removals.APPROVED: _l("Approved"),
                         removals.REJECTED: _l("Rejected by the province"), removals.PUBLISHED: _l("Published")}
DEADLINE_CODE = "dynamic_filing"
DEFAULT_REMINDER_DAYS = (10, 3)
MAX_RETURN_DAYS = 60


# ----------------------------------------------------------------- calendar --


def due_date(year: int) -> dt.date:
    """The region's filing due date in ``year`` (04-15 unless the region replaces it)."""
    try:
        day, _ = region_rules().deadline(DEADLINE_CODE, year)
    except KeyError:
        day = None
    if day is None:
        raise InvalidInput("The region sets no filing due date for %(year)d.", field="year", year=year)
    return day


def due_rule(year: int):
    """The record the region's due date comes from (its document and article), or ``None``."""
    try:
        return region_rules().deadline(DEADLINE_CODE, year)[1]
    except KeyError:
        return None


def reminder_days() -> list[int]:
    """Working days before the due date on which reminders go out (configurable)."""
    raw = current_app.config.get("GREENMFG_FILING_REMINDER_DAYS", DEFAULT_REMINDER_DAYS)
    if isinstance(raw, str):
        raw = [part for part in raw.replace(";", ",").split(",") if part.strip()]
    elif isinstance(raw, int):
        raw = [raw]
    days = sorted({int(x) for x in raw if int(x) > 0}, reverse=True)
    return days


def reminder_dates(year: int, calendar: WorkCalendar | None = None) -> dict[int, dt.date]:
    """{working days before: the day that reminder goes out} for ``year``'s due date."""
    calendar = calendar or WorkCalendar()
    due = due_date(year)
    return {n: working_days_before(calendar, due, n) for n in reminder_days()}


def deadline_of(filing: AnnualFiling) -> dt.date:
    """The last day the unit may save and submit: the due date or, when returned, the correction date."""
    if filing.status == RETURNED and filing.correct_until is not None:
        return max(filing.due_on, filing.correct_until)
    return filing.due_on


def status_of(filing: AnnualFiling, on: dt.date | None = None) -> str:
    """The status the filing shows and counts as on ``on`` (default today): an open one whose deadline has
    passed is overdue, whether or not the hourly job has stored it yet (:func:`mark_overdue`)."""
    if filing.status in OPEN and deadline_of(filing) < (on or today()):
        return OVERDUE
    return filing.status


def status_label(status: str) -> Any:
    """A filing status by its name in the language the text is read in (a lazy text: a refusal names it in
    Chinese and in English); an unknown status as it is."""
    return STATUS_LABELS.get(status, status)


def deadline_column():
    """:func:`deadline_of` as an SQL expression."""
    return case((and_(AnnualFiling.status == RETURNED, AnnualFiling.correct_until.is_not(None),
                      AnnualFiling.correct_until > AnnualFiling.due_on), AnnualFiling.correct_until),
                else_=AnnualFiling.due_on)


def status_column(on: Any = None):
    """:func:`status_of` as an SQL expression (to count, filter and list by), on the day ``on`` (a date, or a bound
    parameter holding one; default today)."""
    return case((and_(AnnualFiling.status.in_(OPEN), deadline_column() < (today() if on is None else on)), OVERDUE),
                else_=AnnualFiling.status)


def is_late(year: int, on: dt.date | None = None) -> bool:
    """Whether ``year``'s due date has passed on ``on`` (default today): opening it now needs a new date."""
    try:
        return due_date(year) < (on or today())
    except InvalidInput:
        return False


# ------------------------------------------------------------------ opening --


def listed_units(year: int, admin_unit_id: int | None = None) -> dict[tuple[int, str], list[str]]:
    """{(organization id, unit type): levels} of units on a list published before ``year``."""
    query = (select(ListEntry.organization_id, ListEntry.unit_type, ListEntry.level)
             .where(ListEntry.status == "listed", ListEntry.year < year))
    if admin_unit_id is not None:
        query = query.join(Organization, Organization.id == ListEntry.organization_id).where(
            Organization.admin_unit_id == admin_unit_id)
    out: dict[tuple[int, str], set] = defaultdict(set)
    for org, unit_type, level in db.session.execute(query):
        out[(org, unit_type)].add(level)
    return {key: sorted_levels(levels) for key, levels in out.items()}


def open_year(year: int, actor: str, progress: Callable[[int], None] | None = None, *,
              until: dt.date | None = None, reason: str | None = None, on: dt.date | None = None) -> int:
    """Open the year's filing for every listed unit that has none yet (idempotent). Returns how many.

    After the year's due date (seed 004 第十八条: 04-15), ``until`` gives the units a date to file by, with a
    ``reason`` (audited): from ``on`` (default today) to at most :data:`MAX_RETURN_DAYS` days later, the
    platform default of a reopened filing. Without it the filings are due on the passed date, so every one is
    overdue at once (the deliberate ``greenmfg filings open``). Before the due date no other date is taken.
    """
    on = on or today()
    due = original = due_date(year)
    if until is not None:
        if due >= on:
            raise InvalidInput("The filings of %(year)d are due by %(due)s (Beijing time); a later date can "
                               "only be given once that date has passed.", field="until", year=year,
                               due=due.isoformat())
        if until < on or until > on + dt.timedelta(days=MAX_RETURN_DAYS):
            raise InvalidInput("The date to file by must be between today and %(days)d days from today.",
                               field="until", days=MAX_RETURN_DAYS)
        reason = text(reason, "reason")
        due = until
    have = set(db.session.execute(select(AnnualFiling.organization_id, AnnualFiling.unit_type)
                                  .where(AnnualFiling.year == year)).all())
    wanted = listed_units(year)
    missing = [key for key in wanted if key not in have]
    if not missing:
        return 0
    orgs = {o.id: o for o in db.session.scalars(select(Organization).where(
        Organization.id.in_({org for org, _ in missing})))}
    for org_id, unit_type in missing:
        org = orgs[org_id]
        db.session.add(AnnualFiling(organization_id=org_id, unit_type=unit_type, year=year,
                                    admin_unit_id=org.admin_unit_id, levels=wanted[(org_id, unit_type)],
                                    status=DUE, due_on=due, industry=org.industry, values={}, key_data={}))
        if progress:
            progress(1)
    db.session.flush()
    extra = {"year_due_on": original.isoformat(), "reason": reason} if due != original else {}
    audit.record(actor, "filings.opened", "annual_filing", None, year=year, due_on=due.isoformat(),
                 created=len(missing), **extra)
    return len(missing)


# ------------------------------------------------------------------ scoring --


def indicator_set(filing: AnnualFiling):
    return region_rules().indicator_set(filing.unit_type, filing.year)


def top_level(filing: AnnualFiling) -> str:
    levels = filing.levels or [str(Level.CITY)]
    return max(levels, key=level_rank)


def live_score(filing: AnnualFiling, values: Mapping[str, Any] | None = None,
               industry: str | None = None) -> dict[str, Any] | None:
    """Score the filing's values as the engine would (``None`` when the type has no indicator table).

    :raises InvalidInput: a malformed value, naming the indicator (``values.3``).
    """
    from core.scoring import GENERAL, parse_request, score_request
    from core.scoring.reference import ReferenceBook

    if indicator_set(filing) is None:
        return None
    values = filing.values if values is None else values
    request = parse_request({"unit_type": filing.unit_type, "year": filing.year, "level": top_level(filing),
                             "industry": industry or filing.industry or GENERAL,
                             "values": {str(k): v for k, v in (values or {}).items()}}, region_rules())
    return score_request(request, region_rules(), ReferenceBook.from_db(db.session))


def standing(filing: AnnualFiling) -> list[UnitScore]:
    """The unit's ranked scores for the filing's year (one per list level), once accepted and ranked."""
    return list(db.session.scalars(select(UnitScore).where(
        UnitScore.organization_id == filing.organization_id, UnitScore.unit_type == filing.unit_type,
        UnitScore.year == filing.year).order_by(UnitScore.level)))


def population(unit_type: str, level: str, year: int) -> int:
    return db.session.scalar(select(func.count(UnitScore.id)).where(
        UnitScore.unit_type == unit_type, UnitScore.level == level, UnitScore.year == year,
        UnitScore.complete.is_(True))) or 0


def _record_scores(filing: AnnualFiling) -> None:
    """Write the accepted values as the unit's scores of the year and re-rank its populations."""
    from core.scoring.recompute import recompute

    if indicator_set(filing) is None:
        return
    org = filing.organization
    unit = db.session.get(AdminUnit, filing.admin_unit_id) if filing.admin_unit_id else None
    province = unit.region if unit is not None else region_rules().region_code
    for level in filing.levels or []:
        row = db.session.scalar(select(UnitScore).where(
            UnitScore.organization_id == org.id, UnitScore.unit_type == filing.unit_type,
            UnitScore.level == level, UnitScore.year == filing.year))
        if row is None:
            row = UnitScore(organization_id=org.id, unit_type=filing.unit_type, level=level, year=filing.year,
                            province=province)
            db.session.add(row)
        row.values = dict(filing.values or {})
        row.industry = filing.industry or "*"
        row.admin_unit_id = filing.admin_unit_id
        row.province = province
    db.session.flush()
    for level in filing.levels or []:
        recompute(db.session, region_rules(), [filing.unit_type], year=filing.year, level=level, commit=False)
    for row in db.session.scalars(select(UnitScore).where(UnitScore.organization_id == org.id,
                                                          UnitScore.year == filing.year)):
        db.session.refresh(row)


# ---------------------------------------------------------------- the unit --


def check_open(filing: AnnualFiling, on: dt.date | None = None) -> None:
    """Refuse changes after submission, and after the due (or correction) date."""
    on = on or today()
    if filing.status not in OPEN:
        raise Refused("This filing was submitted or closed and can no longer be changed.")
    if on > deadline_of(filing):
        raise DeadlinePassed("The filing was due on %(due)s (Beijing time); it can no longer be changed or "
                             "submitted.", due=deadline_of(filing).isoformat())


def key_figures(filing: AnnualFiling):
    """The key figures of the table (numbers, at least 0) the region's rule asks for (``rules.filing_figures``;
    national's platform default: output value, energy use, water use)."""
    return region_rules().filing_figures(filing.year, filing.unit_type)


def _key_data(raw: Any, figures) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise InvalidInput("Not a valid mapping type.", field="key_data")
    out: dict[str, Any] = {}
    known = {f.key for f in figures.figures} | {"remarks"}
    unknown = set(raw) - known
    if unknown:
        raise InvalidInput("Unknown fields: %(fields)s.", field="key_data", fields=", ".join(sorted(unknown)))
    for key in (f.key for f in figures.figures):
        value = raw.get(key)
        if value in (None, ""):
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise InvalidInput("%(field)s: a number is required", field=f"key_data.{key}") from None
        if not (math.isfinite(number) and 0 <= number < 1e13):
            raise InvalidInput("%(field)s: a number is required", field=f"key_data.{key}")
        out[key] = number
    if raw.get("remarks"):
        out["remarks"] = optional_text(raw["remarks"], "key_data.remarks", 2000)
    return out


def values_change(changes: Mapping[str, Any], filing: Any) -> dict[str, Any]:
    """The filing's indicator values after ``changes``: the given ones set, an empty one removed."""
    values = dict(filing.values or {})
    if "values" not in changes:
        return values
    given = changes["values"] or {}
    if not isinstance(given, Mapping):
        raise InvalidInput("Indicator values must be given per indicator number.", field="values")
    bounds.check_values(indicator_set(filing), given)  # each value within its indicator's bound (issue 55)
    for key, value in given.items():
        if value is None or value == "":
            values.pop(str(key), None)
        else:
            values[str(key)] = value
    return values


def industry_change(changes: Mapping[str, Any], current: str | None) -> str | None:
    """The filing's industry after ``changes``: unchanged unless given; a given name or code must be one of
    the region's key industries (stored as its code)."""
    from core.scoring.request import normalise_industry

    if "industry" not in changes:
        return current
    industry = changes["industry"] or None
    if industry is None:
        return None
    code = normalise_industry(region_rules(), industry)
    if code is None:
        raise InvalidInput("Unknown industry: %(value)s.", field="industry", value=str(industry)[:80])
    return code


def save(filing: AnnualFiling, changes: Mapping[str, Any], actor: str, on: dt.date | None = None) -> dict:
    """The unit saves its filing: ``values`` {indicator number: value}, ``key_data``, ``industry``.

    Values are checked by the scoring engine (a malformed value names its indicator). Returns the
    field-level diff (audited).
    """
    check_open(filing, on)
    unknown = set(changes) - {"values", "key_data", "industry"}
    if unknown:
        raise InvalidInput("Unknown fields: %(fields)s.", field=min(unknown), fields=", ".join(sorted(unknown)))
    before = {"values": dict(filing.values or {}), "key_data": dict(filing.key_data or {}),
              "industry": filing.industry}
    industry = industry_change(changes, filing.industry)
    values = values_change(changes, filing)
    if "values" in changes and values and indicator_set(filing) is None:
        raise InvalidInput("This unit type has no indicator table in this round.", field="values")
    result = live_score(filing, values, industry) if values else None
    filing.values, filing.industry = values, industry
    if "key_data" in changes:
        filing.key_data = _key_data(changes["key_data"] or {}, key_figures(filing))
    filing.score = None if result is None else result["total"]
    filing.complete = bool(result and result["complete"])
    after = {"values": dict(filing.values), "key_data": dict(filing.key_data or {}), "industry": filing.industry}
    diff = _diff(before, after)
    if diff:
        audit.record(actor, "filing.saved", "annual_filing", filing.id, diff=diff,
                     score=None if filing.score is None else float(filing.score))
    return diff


def _diff(before: dict, after: dict) -> dict[str, list]:
    out: dict[str, list] = {}
    for part in ("values", "key_data"):
        keys = set(before[part]) | set(after[part])
        for key in sorted(keys, key=str):
            if before[part].get(key) != after[part].get(key):
                out[f"{part}.{key}"] = [before[part].get(key), after[part].get(key)]
    if before["industry"] != after["industry"]:
        out["industry"] = [before["industry"], after["industry"]]
    return out


def missing_indicators(filing: AnnualFiling) -> list[str]:
    iset = indicator_set(filing)
    if iset is None:
        return []
    values = filing.values or {}
    return [f"{i.number}. {i.name}" for i in iset.indicators if values.get(str(i.number)) in (None, "")]


def submit(filing: AnnualFiling, actor: str, on: dt.date | None = None) -> None:
    """Submit the filing; it is locked afterwards (seed 001 四.2)."""
    check_open(filing, on)
    missing = missing_indicators(filing)
    if missing:
        raise InvalidInput("Please complete these fields before submitting: %(fields)s.", field="values",
                           fields="; ".join(missing))
    if indicator_set(filing) is None and not filing.key_data:
        raise InvalidInput("Please enter the key figures of the year before submitting.", field="key_data")
    result = live_score(filing)
    filing.score = None if result is None else result["total"]
    filing.complete = bool(result and result["complete"])
    before = filing.status
    filing.status, filing.submitted_at, filing.submitted_by = SUBMITTED, moment(on), actor
    audit.record(actor, "filing.submitted", "annual_filing", filing.id, before=before, year=filing.year,
                 organization=filing.organization.uscc,
                 score=None if filing.score is None else float(filing.score))


# ---------------------------------------------------------------- the city --


def accept(filing: AnnualFiling, actor: str, note: str = "", on: dt.date | None = None) -> None:
    """The city accepts a submitted filing; its values become the unit's scores of the year, ranked."""
    if filing.status != SUBMITTED:
        raise Refused("This is not possible while the filing is %(status)s.",
                      status=status_label(status_of(filing, on)))
    filing.status, filing.reviewed_by, filing.reviewed_at = ACCEPTED, actor, moment(on)
    filing.review_note = optional_text(note, "note", 500) or None
    _record_scores(filing)
    ranks = {s.level: {"rank": s.rank_national, "of": population(s.unit_type, s.level, s.year),
                       "bottom_share": s.bottom_share, "green_code": s.green_code} for s in standing(filing)}
    audit.record(actor, "filing.accepted", "annual_filing", filing.id, note=filing.review_note,
                 score=None if filing.score is None else float(filing.score), ranks=ranks)


def return_filing(filing: AnnualFiling, reason: str, until: dt.date, actor: str, on: dt.date | None = None) -> None:
    """The city returns a submitted filing for correction until ``until``, with a reason."""
    on = on or today()
    if filing.status != SUBMITTED:
        raise Refused("This is not possible while the filing is %(status)s.",
                      status=status_label(status_of(filing, on)))
    reason = text(reason, "reason")
    if until is None or until < on:
        raise InvalidInput("The correction period must end in the future.", field="until")
    if until > on + dt.timedelta(days=MAX_RETURN_DAYS):
        raise InvalidInput("The correction period may last at most %(days)d days.", field="until",
                           days=MAX_RETURN_DAYS)
    filing.status, filing.correct_until = RETURNED, until
    filing.reviewed_by, filing.reviewed_at, filing.review_note = actor, moment(on), reason
    audit.record(actor, "filing.returned", "annual_filing", filing.id, reason=reason, until=until.isoformat())


def reopen(filing: AnnualFiling, until: dt.date, reason: str, actor: str, on: dt.date | None = None) -> None:
    """Province staff reopen an overdue filing until ``until`` (a justified delay); an open removal
    proposal raised by it is rejected with the same reason."""
    on = on or today()
    if status_of(filing, on) != OVERDUE:
        raise Refused("This is not possible while the filing is %(status)s.",
                      status=status_label(status_of(filing, on)))
    reason = text(reason, "reason")
    if until is None or until < on or until > on + dt.timedelta(days=MAX_RETURN_DAYS):
        raise InvalidInput("The correction period may last at most %(days)d days.", field="until",
                           days=MAX_RETURN_DAYS)
    from core.models import Removal

    proposal = db.session.scalar(select(Removal).where(Removal.source == "filing",
                                                       Removal.source_ref == str(filing.id)))
    if proposal is not None and proposal.status != removals.PROPOSED:
        raise Refused("This is not possible while the removal is %(status)s.",
                      status=REMOVAL_STATUS_LABELS.get(proposal.status, proposal.status))
    if proposal is not None:
        removals.decide(proposal, False, reason, actor, on)
        proposal.source_ref = f"{filing.id}@{proposal.id}"  # a later overdue may propose again
    filing.status, filing.correct_until = RETURNED, until
    audit.record(actor, "filing.reopened", "annual_filing", filing.id, reason=reason, until=until.isoformat())


# -------------------------------------------------------------------- jobs --


def send_reminders(on: dt.date, actor: str, progress: Callable[[int], None] | None = None) -> int:
    """Record a reminder for every open filing whose reminder day (N working days before the due
    date) has come and that has not had it yet. Idempotent; returns the number of filings reminded."""
    calendar = WorkCalendar()
    days = reminder_days()
    if not days:
        return 0
    filings = list(db.session.scalars(select(AnnualFiling).where(
        AnnualFiling.status.in_(OPEN), AnnualFiling.due_on >= on, AnnualFiling.year <= on.year + 1)))
    if not filings:
        return 0
    sent = {(r.filing_id, r.days_before) for r in db.session.scalars(select(FilingReminder).where(
        FilingReminder.filing_id.in_([f.id for f in filings])))}
    schedule: dict[dt.date, dict[int, dt.date]] = {}
    reminded = []
    for filing in filings:
        if filing.due_on not in schedule:
            schedule[filing.due_on] = {n: working_days_before(calendar, filing.due_on, n) for n in days}
        due_now = [n for n, day in schedule[filing.due_on].items() if day <= on and (filing.id, n) not in sent]
        for n in due_now:
            message = (f"请于{filing.due_on.isoformat()}前填报{filing.year}年度绿色制造动态管理表 / please file the "
                       f"{filing.year} dynamic-management table by {filing.due_on.isoformat()}")
            db.session.add(FilingReminder(filing_id=filing.id, days_before=n, remind_on=schedule[filing.due_on][n],
                                          sent_on=on, message=message[:500]))
        if due_now:
            reminded.append(filing.id)
        if progress:
            progress(1)
    if reminded:
        db.session.flush()
        audit.record(actor, "filings.reminded", "annual_filing", None, on=on.isoformat(), count=len(reminded),
                     filings=reminded[:1000])
    return len(reminded)


def mark_overdue(on: dt.date, actor: str, progress: Callable[[int], None] | None = None) -> list:
    """Every open filing whose deadline has passed becomes overdue, with a removal proposal
    (sanction ``not_filed``); a unit no longer on any list has its filing closed instead.

    The statuses are stored by one UPDATE per status and 5,000 filings, not one a filing: the filing counts the
    database keeps (migration 0053) then change once a statement (issue 57)."""
    filings = [f for f in db.session.scalars(select(AnnualFiling).where(
        AnnualFiling.status.in_(OPEN), AnnualFiling.due_on < on).order_by(AnnualFiling.id)) if deadline_of(f) < on]
    made, moved = [], {CLOSED: [], OVERDUE: []}
    for filing in filings:
        held = removals.held_levels(filing.organization_id, filing.unit_type)
        if not held:
            moved[CLOSED].append(filing)
            audit.record(actor, "filing.closed", "annual_filing", filing.id, reason="not listed")
        else:
            moved[OVERDUE].append(filing)
            audit.record(actor, "filing.overdue", "annual_filing", filing.id, due_on=filing.due_on.isoformat(),
                         year=filing.year)
            if removals.NOT_FILED in region_rules().sanctions:
                made.append(removals.propose(
                    filing.organization, removals.NOT_FILED,
                    f"未按时填报{filing.year}年度动态管理表（截止{filing.due_on.isoformat()}） / did not file the "
                    f"{filing.year} dynamic-management table by {filing.due_on.isoformat()}",
                    actor, levels=held, unit_type=filing.unit_type, year=filing.year, source="filing",
                    source_ref=str(filing.id), on=on))
        if progress:
            progress(1)
    for status, rows in moved.items():
        _store_status([f.id for f in rows], status)
        for filing in rows:
            db.session.expire(filing)
    return made


def _store_status(ids: list[int], status: str, chunk: int = 5000) -> None:
    """Set ``status`` on the filings ``ids`` (their versions moved on, as the ORM's own update would)."""
    from core.services.bulk_writes import among

    for start in range(0, len(ids), chunk):
        db.session.execute(update(AnnualFiling).where(among(AnnualFiling.id, ids[start:start + chunk]))
                           .values(status=status, version=AnnualFiling.version + 1)
                           .execution_options(synchronize_session=False))


# ------------------------------------------------------ the national check --


def unfiled_national_units(admin_unit_id: int | None, year: int) -> list[int]:
    """Existing national units of a city that have not filed ``year``'s yearly table (submitted or accepted)."""
    if admin_unit_id is None:
        return []
    national = {(org, ut) for (org, ut), levels in listed_units(year, admin_unit_id).items()
                if str(Level.NATIONAL) in levels}
    if not national:
        return []
    filed = set(db.session.execute(select(AnnualFiling.organization_id, AnnualFiling.unit_type).where(
        AnnualFiling.year == year, AnnualFiling.status.in_(FILED))).all())
    return sorted({org for org, ut in national - filed})


# ---------------------------------------------------------------- progress --


def progress_by_city(year: int, admin_unit_id: int | None = None,
                     on: dt.date | None = None) -> dict[int | None, dict[str, int]]:
    """{admin unit id: {status: count}} of the year's filings, by the status they show on ``on``
    (:func:`status_of`: an open filing past its deadline counts as overdue), from the counts the database keeps
    (:func:`core.management.counts.filings_by_city`; issue 57)."""
    out: dict[int | None, dict[str, int]] = defaultdict(lambda: {s: 0 for s in STATUSES})
    for unit, shown in counts.filings_by_city(year, admin_unit_id, on or today()).items():
        out[unit].update(shown)
    return dict(out)


def filings_for_org(organization_id: int, years: Iterable[int] | None = None) -> list[AnnualFiling]:
    query = select(AnnualFiling).where(AnnualFiling.organization_id == organization_id)
    if years is not None:
        query = query.where(AnnualFiling.year.in_(list(years)))
    return list(db.session.scalars(query.order_by(AnnualFiling.year.desc(), AnnualFiling.unit_type)))
