"""A round opened from its notice (issue 43): the notice's 文号, title, issuer, date and file, and what it sets for
the round against the region's standing rules.

Province staff open a round from the notice on the web, through the API and with ``greenmfg rounds open``; all
three call :func:`open_round`, which opens the round as :func:`core.applications.services.open_campaign` does (the
region's deadlines, unit types and levels) and records the notice on it, audited. What a notice may set:

* ``deadline``: a step deadline of the round moved to the notice's date (the round's calendar keeps it, with the
  notice as the reason, beside the document's date: :func:`core.services.deadlines.round_deadlines`);
* ``quota``: a city's places for a unit type in the round (``<admin unit code>/<unit type>``), never above the
  national ceiling (:meth:`core.plugins.rules.RegionRules.national_quota`);
* ``condition``: an eligibility condition of the region set aside for the round (a province's notice cannot set
  aside the Ministry's), or one the plugins offer switched on (a one-round condition of an earlier notice).

The services read the round's rules through :func:`core.kernel.rules.rules_of_round` (quotas, eligibility, the
national gate); :func:`round_rules_document` lists the very same answers (the rules page, ``GET
/api/v1/campaigns/{id}/rules``, ``greenmfg rounds rules ID``), each rule the notice sets naming it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from collections.abc import Iterable, Mapping
from typing import IO, Any

from sqlalchemy import select

from flask_babel import LazyString, gettext

from core.applications import services
from core.applications.evidence import _clean_name, check_pdf
from core.errors import InvalidInput, NotFound
from core.i18n import N_, lazy_list
from core.extensions import db
from core.clock import end_of_day, today as today_in_beijing
from core.kernel.rules import region_rules
from core.models import AdminUnit, Campaign
from core.plugins.applied import NOTICE_KINDS, NoticeRule, RoundNotice
from core.plugins.manager import NATIONAL
from core.plugins.types import Level, PublicationProcedure
from core.kernel.names import level_name
from core.services import audit
from core.services.round_steps import APPLICANTS, step_codes
from core.services.rules_export import rules_document
from core.storage import staging

#: where a notice's file is kept in the store (``notices/<32 hex>``; the clean-up job keeps what a round names)
FILE_PREFIX = "notices/"
MAX_RULES = 100


#: what each text of the notice is called in its refusal (no field codes on pages)
_TEXTS = {
    "notice_no": N_("Please enter the notice's number (文号), %(low)d to %(high)d characters."),
    "notice_title": N_("Please enter the notice's title, %(low)d to %(high)d characters."),
    "notice_issuer": N_("Please enter who issued the notice, %(low)d to %(high)d characters."),
}


def _text(value: Any, field: str, low: int, high: int) -> str:
    text = str(value or "").strip()
    if not low <= len(text) <= high:
        raise InvalidInput(_TEXTS[field], field=field, low=low, high=high)
    return text


def _day(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "")[:10])
    except ValueError:
        raise InvalidInput("Not a valid date (YYYY-MM-DD): %(value)s.", field=field, value=str(value)[:40]) from None


#: what each kind of a notice's rule is called in a refusal that names its row
_KIND_NAMES = {"deadline": N_("step date"), "quota": N_("quota"), "condition": N_("condition"),
               "evaluator_cap": N_("evaluator cap"), "notice_period": N_("notice period"),
               "attachment": N_("attachment")}


def notice_rules(year: int, level: str, unit_types: Iterable[str],
                 entries: Iterable[Mapping[str, Any]], *, today: dt.date | None = None) -> list[NoticeRule]:
    """The rules a notice sets for a round of ``year`` at ``level`` for ``unit_types``, checked against the plugin
    contract and the national ceilings before the round opens. A date may be given to any step of the round
    (:func:`core.services.round_steps.round_steps`, dated by a document or not), never to one already past on
    ``today``. The first rule that cannot apply is refused (:class:`~core.errors.InvalidInput`) naming its row: the
    entry's ``field`` (the web form's row) where it has one, else ``rules[i]``."""
    rules, types = region_rules(), sorted(set(unit_types or ()))
    steps = step_codes(year, level, types)
    today = today or today_in_beijing()
    out: list[NoticeRule] = []
    for index, entry in enumerate(entries):
        kind = str(entry.get("kind") or "")
        field = str(entry.get("field") or f"rules[{index}]")
        try:
            rule = _notice_rule(rules, steps, year, level, types, kind, entry, today)
            if any(r.kind == rule.kind and r.key == rule.key for r in out):
                raise InvalidInput("The notice sets this twice.")
        except InvalidInput as refused:
            raise InvalidInput("Row %(row)d of the %(kind)s: %(reason)s", field=field,
                               row=int(entry.get("row") or index + 1),
                               kind=LazyString(gettext, _KIND_NAMES.get(kind, N_("rules"))),
                               reason=LazyString(refused.localized)) from None
        out.append(rule)
        if len(out) > MAX_RULES:
            raise InvalidInput("A notice sets at most %(n)d rules here.", field="rules", n=MAX_RULES)
    return out


def _notice_rule(rules, steps, year: int, level: str, types: list[str], kind: str, entry: Mapping[str, Any],
                 today: dt.date) -> NoticeRule:
    key, value = str(entry.get("key") or "").strip(), entry.get("value")
    article = str(entry.get("article") or "").strip()[:80]
    if kind not in NOTICE_KINDS:
        raise InvalidInput("A notice sets step dates, quotas, conditions, evaluator caps, notice periods and "
                           "required attachments; this row is none of them.")
    if kind == "quota":
        return NoticeRule(kind, key, _quota(rules, year, types, key, value), article)
    if kind == "condition":
        return NoticeRule(kind, key, _condition(rules, level, types, key, value), article)
    if kind == "evaluator_cap":
        return NoticeRule(kind, key, _cap(rules, types, key, value), article)
    if kind == "notice_period":
        return NoticeRule(kind, key, _period(rules, year, key, value), article)
    if kind == "attachment":
        return NoticeRule(kind, key, _attachment(rules, level, types, key, value), article)
    step = steps.get(key)
    if step is None:
        raise InvalidInput("This round has no such step; a notice may date: %(known)s.",
                           known=lazy_list(steps.values(), lambda s: s.local_title))
    day = _day(value, "rules")
    if not year - 1 <= day.year <= year + 1:
        raise InvalidInput("A date of the %(year)d round falls between %(first)d and %(last)d.",
                           year=year, first=year - 1, last=year + 1)
    if day < today:
        raise InvalidInput("%(step)s: the notice's date %(day)s has already passed (today is %(today)s); a round "
                           "cannot open with a step already closed. Check the date, or open the round and let the "
                           "province extend the step with its reason.", step=step.local_title,
                           day=day.isoformat(), today=today.isoformat())
    return NoticeRule(kind, key, day.isoformat(), article)


def _quota(rules, year: int, types: list[str], key: str, value: Any) -> int:
    unit, _, unit_type = key.partition("/")
    known = db.session.scalar(select(AdminUnit.id).where(AdminUnit.region == rules.region_code,
                                                         AdminUnit.code == unit))
    if known is None and unit not in rules.admin_units:
        raise InvalidInput("Unknown administrative unit: %(unit)s.", field="rules", unit=unit[:80])
    if unit_type not in types:
        raise InvalidInput("The round has no unit type %(type)s.", field="rules", type=unit_type[:40])
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
        raise InvalidInput("A quota is a whole number of places.", field="rules")
    limit = int(value)
    if not 0 <= limit <= 10000:
        raise InvalidInput("A quota is a whole number of places.", field="rules")
    ceiling = rules.national_quota(unit, unit_type, year) if rules.region_code != NATIONAL else None
    if ceiling is not None and not ceiling.unlimited and limit > ceiling.limit:
        raise InvalidInput("The notice's quota of %(limit)d is above the national ceiling of %(ceiling)d (%(cite)s).",
                           field="rules", limit=limit, ceiling=ceiling.limit, cite=rules.readable(ceiling.cite))
    return limit


def _whole(value: Any, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
        return None
    number = int(value)
    return number if low <= number <= high else None


def _level_of(rules, key: str) -> Level:
    if key not in rules.list_levels:
        raise InvalidInput("Choose one of the region's list levels.")
    return Level(key)


def _cap(rules, types: list[str], key: str, value: Any) -> int:
    """An evaluator cap the notice sets for the projects of one level: a whole number of projects a year, never
    above the Ministry's cap for that level (001 附件1 三: 15 国家级项目 per 法定代表人)."""
    level = _level_of(rules, key)
    limit = _whole(value, 1, 1000)
    if limit is None:
        raise InvalidInput("An evaluator cap is a whole number of projects a year, from 1 to 1000.")
    if rules.region_code != NATIONAL:
        for unit_type in types:
            national = rules.policy_without("gm_policy_evaluator_cap", rules.region_code, unit_type=unit_type,
                                            level=level)
            if national is not None and not national.unlimited and level in national.levels and limit > national.limit:
                raise InvalidInput("The notice's cap of %(limit)d projects is above the Ministry's cap of %(ceiling)d "
                                   "(%(cite)s).", limit=limit, ceiling=national.limit,
                                   cite=rules.readable(national.cite))
    return limit


def _period(rules, year: int, key: str, value: Any) -> int:
    """The public notice's length the notice sets for one level's list, in working days (1 to 60); a list the
    region publishes by a decision has no public notice (e.g. Hunan 000 二.4, Jiangxi 003 一)."""
    level = _level_of(rules, key)
    how = rules.publication(level, year)
    if how.procedure != PublicationProcedure.NOTICE:
        raise InvalidInput("The %(level)s list is published by a decision, without a public notice (%(cite)s); "
                           "there is no notice period to set.", level=LazyString(level_name, str(level)),
                           cite=rules.readable(how.cite))
    days = _whole(value, 1, 60)
    if days is None:
        raise InvalidInput("A notice period is a whole number of working days, from 1 to 60.")
    return days


def _attachment(rules, level: str, types: list[str], key: str, value: Any) -> bool:
    """An attachment (a file field of the region's form) the notice requires in its round (True) or leaves optional
    (False)."""
    from core.plugins.types import FieldKind

    fields = {f.code: f for t in types for f in rules.form_fields_for(t, Level(level)) if f.kind == FieldKind.UPLOAD}
    if key not in fields:
        raise InvalidInput("Choose one of the files the round's form asks for: %(known)s.",
                           known=lazy_list(fields.values(), lambda f: f.label) if fields else "—")
    if not isinstance(value, bool):
        raise InvalidInput("Say whether the round requires the file (true) or leaves it optional (false).")
    return value


def _condition(rules, level: str, types: list[str], key: str, value: Any) -> bool:
    record = rules.eligibility_rules.get(key)
    if record is None:
        raise InvalidInput("Unknown condition: %(key)s.", field="rules", key=key[:120])
    if not isinstance(value, bool):
        raise InvalidInput("Say whether the round applies the condition (true) or sets it aside (false).",
                           field="rules")
    if not any(record.applies(t, Level(level)) for t in types):
        raise InvalidInput("The condition %(title)s does not concern this round's level and unit types.",
                           field="rules", title=record.title)
    if value is False and record.source == NATIONAL and rules.region_code != NATIONAL:
        raise InvalidInput("The condition %(title)s is the Ministry's (%(cite)s); a province's notice cannot set it "
                           "aside.", field="rules", title=record.title, cite=rules.readable(record.cite))
    return value


def open_round(*, actor: str, year: int, level: str, unit_types: Iterable[str], notice_no: str, notice_title: str,
               notice_issuer: str, notice_issued_on: Any, file: bytes | None, filename: str | None = None,
               rules: Iterable[Mapping[str, Any]] = (), title: str | None = None,
               opens_at: dt.datetime | None = None, closes_at: dt.datetime | None = None) -> Campaign:
    """Province staff open a round from its notice: the round as :func:`services.open_campaign` opens it, with the
    notice recorded on it (its file kept in the store) and what the notice sets for the round applied (module
    docstring). Audited (``campaign.opened``, then ``campaign.notice_recorded``). The caller commits."""
    number = _text(notice_no, "notice_no", 2, 80)
    notice_title = _text(notice_title, "notice_title", 2, 300)
    issuer = _text(notice_issuer, "notice_issuer", 2, 200)
    issued_on = _day(notice_issued_on, "notice_issued_on")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput("The year must lie between 2000 and 2100.", field="year")
    if not year - 1 <= issued_on.year <= year:
        raise InvalidInput("The notice of the %(year)d round is dated in %(first)d or %(year)d.",
                           field="notice_issued_on", year=year, first=year - 1)
    if issued_on > today_in_beijing():
        raise InvalidInput("The notice is dated %(day)s, after today (%(today)s): a round opens from a notice "
                           "already issued.", field="notice_issued_on", day=issued_on.isoformat(),
                           today=today_in_beijing().isoformat())
    if not file:
        raise InvalidInput("Attach the notice itself (PDF).", field="file")
    pages = check_pdf(file)
    region = region_rules()
    if level not in region.list_levels:
        raise InvalidInput("Unknown list level: %(level)s.", field="level", level=level)
    types = sorted(set(unit_types or ()))
    chosen = notice_rules(year, level, types, rules)
    moved = {r.key: r for r in chosen if r.kind == "deadline" and r.key != APPLICANTS}
    if closes_at is None:  # the applicants' closing the notice dates, else its applicants' steps, else the region's
        closing = next((r for r in chosen if r.kind == "deadline" and r.key == APPLICANTS), None)
        days = [dt.date.fromisoformat(r.value) for code, r in moved.items()
                if region.deadlines[code].actor == "applicant"]
        if closing is not None:
            closes_at = end_of_day(dt.date.fromisoformat(closing.value))
        elif days:
            closes_at = end_of_day(min(days))
    campaign = services.open_campaign(actor=actor, year=year, level=level, unit_types=types,
                                      title=title or notice_title[:200], opens_at=opens_at, closes_at=closes_at)
    notice = RoundNotice(number=number, title=notice_title, issuer=issuer, issued_on=issued_on, year=year,
                         rules=tuple(chosen))
    key = f"{FILE_PREFIX}{uuid.uuid4().hex}"
    staging.stage(key, file)  # promoted when the round commits (core.storage.staging)
    campaign.notice_no, campaign.notice_title, campaign.notice_issuer = number, notice_title, issuer
    campaign.notice_issued_on, campaign.notice_file = issued_on, key
    campaign.notice_file_name = _clean_name(filename or f"{number}.pdf")
    campaign.notice_rules = [{"kind": r.kind, "key": r.key, "value": r.value, "article": r.article} for r in chosen]
    if moved:  # the round's calendar keeps the notice's dates, the notice as the reason (beside the document's)
        campaign.deadlines = {**campaign.deadlines, **{code: r.value for code, r in moved.items()}}
        campaign.deadline_reasons = {**(campaign.deadline_reasons or {}),
                                     **{code: notice.cite(r.article) for code, r in moved.items()}}
    closing = notice.find("deadline", APPLICANTS)
    if closing is not None:
        campaign.deadline_reasons = {**(campaign.deadline_reasons or {}), APPLICANTS: notice.cite(closing.article)}
    db.session.flush()
    audit.record(actor, "campaign.notice_recorded", "campaign", campaign.id, notice_no=number, title=notice_title,
                 issuer=issuer, issued_on=issued_on.isoformat(), file=campaign.notice_file_name,
                 sha256=hashlib.sha256(file).hexdigest(), pages=pages, rules=campaign.notice_rules)
    return campaign


def round_rules_document(campaign: Campaign) -> dict[str, Any]:
    """Every rule the round applies (:func:`core.services.rules_export.rules_document` for its year, through the
    resolver with its notice), and the round with its notice."""
    notice = RoundNotice.of(campaign)
    doc = rules_document(region_rules(), campaign.year, notice=notice)
    doc["round"] = round_json(campaign)
    return doc


def round_json(campaign: Campaign) -> dict[str, Any]:
    """The round and the notice it records (None: opened without one)."""
    notice = None
    if campaign.notice_no:
        notice = {"number": campaign.notice_no, "title": campaign.notice_title, "issuer": campaign.notice_issuer,
                  "issued_on": campaign.notice_issued_on.isoformat() if campaign.notice_issued_on else None,
                  "label": RoundNotice.of(campaign).label, "file_name": campaign.notice_file_name,
                  "rules": list(campaign.notice_rules or [])}
    return {"id": campaign.id, "year": campaign.year, "level": campaign.level, "title": campaign.title,
            "notice": notice}


def notice_file(campaign: Campaign) -> IO[bytes]:
    """The notice's file as a stream (for ``send_file``), from whichever store the instance uses."""
    if not campaign.notice_file:
        raise NotFound("No such record.")
    try:
        return io.BytesIO(staging.read(campaign.notice_file))
    except FileNotFoundError:
        raise NotFound("No such record.") from None


