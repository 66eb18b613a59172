"""Campaigns and applications from draft to city recommendation: the business rules.

The web pages, the JSON API and the summary-table import call these functions, so every
channel obeys the same deadlines, submit lock, scopes and quotas. Callers load applications
through :mod:`core.accounts.permissions` and commit (see :func:`commit`); every state change
is audited here, with a field-level diff for edits.

Concurrency: ``Application.version`` is an optimistic lock, so a save racing a submit or a
review fails cleanly instead of overwriting it; quota places are taken with the atomic
counters of :mod:`core.services.limits` in the same transaction as the status change.

Campaigns are :mod:`core.applications.campaigns`, the list pages' queries :mod:`core.applications.application_lists`;
their public names are importable from here too.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import LazyString
from sqlalchemy import select

from core.accounts.permissions import Perm
from core.applications import eligibility
from core.applications import evidence as evidence_service
from core.applications import city_recommendation
from core.applications import carry
from core.applications import consulted as consulted_rule
from core.applications import listings
from core.applications.actions import OTHER_FIELD, STATUS_NAMES, change_labels
from core.applications.core_fields import core_pattern, text_checks
from core.applications.fields import (
    attach_field_messages,
    fields_for,
    is_upload,
    jsonable,
    load_extension,
    missing_required,
)
from core.applications.levels import requested_levels
from core.applications.scoring import check_values, indicator_set, live_score
from core.errors import DeadlinePassed, GreenmfgError, InvalidInput, Refused
from core.extensions import db
from core.i18n import english, lazy_list
from core.kernel import facts
from core.clock import SHANGHAI, aware, deadline_text, moment_text, now, utc
from core.kernel.permissions import may
from core.kernel.rules import lazy_source_name, region_rules, results_line, rule_of, rules_of_round
from core.models import (
    AdminUnit,
    Application,
    Campaign,
    DeadlineExtension,
    Evidence,
    Organization,
    User,
)
from core.models import (
    ApplicationStatus as S,
)
from core.kernel.names import level_name, mode_name
from core.plugins.types import CorrectionPolicy, EvaluationMode, EvaluationModes, Level
from core.services import audit, limits
from core.services.deadlines import check_step_open
from core.applications.reasons import _reason

# campaigns and the list pages, here too: the pages, the API and the CLI call them as ``services.…``
from core.applications.application_lists import (  # noqa: F401
    API_COLUMNS,
    ListPage,
    api_page,
    list_applications,
)
from core.applications.campaigns import (  # noqa: F401
    KEPT_VERSION,
    campaign_choices,
    campaign_deadlines,
    change_deadline,
    default_closes_at,
    grant_extension,
    open_campaign,
    open_campaigns,
    unit_names,
)

EDITABLE = (S.DRAFT, S.RETURNED)
RECOMMENDED = (S.CITY_RECOMMENDED, S.UNDER_REVIEW, S.GRADED, S.IN_NOTICE, S.LISTED)
PHONE_RE = core_pattern("contact_phone")
EMAIL_RE = core_pattern("contact_email")


# ---------------------------------------------------------------- deadlines --


def extension_for(application: Application) -> DeadlineExtension | None:
    return db.session.scalar(select(DeadlineExtension).where(
        DeadlineExtension.campaign_id == application.campaign_id,
        DeadlineExtension.organization_id == application.organization_id))


_UNKNOWN = object()


def deadline_of(application: Application, extension: Any = _UNKNOWN) -> dt.datetime:
    """Until when the applicant may save and submit: the return window, else the campaign
    deadline or the applicant's extension, whichever is later (``extension``: the applicant's
    :class:`DeadlineExtension` or ``None``; omitted: looked up)."""
    if application.status == S.RETURNED and application.return_until is not None:
        return aware(application.return_until)
    ext = extension_for(application) if extension is _UNKNOWN else extension
    return deadline_from(application.status, None, application.campaign.closes_at,
                         None if ext is None else ext.until)


def deadline_from(status: str, return_until: dt.datetime | None, closes_at: dt.datetime,
                  extension_until: dt.datetime | None) -> dt.datetime:
    """:func:`deadline_of` from the values it reads (a row of :func:`api_page`): the return window, else the
    campaign's deadline or the applicant's extension, whichever is later."""
    if status == S.RETURNED and return_until is not None:
        return aware(return_until)
    closes = aware(closes_at)
    if extension_until is not None and aware(extension_until) > closes:
        closes = aware(extension_until)
    return closes


def last_recommended_campaign(admin_unit_id: int) -> Campaign | None:
    """The round a city last recommended an application in (its latest recommendation), or None."""
    return db.session.scalar(select(Campaign).join(Application, Application.campaign_id == Campaign.id)
                             .where(Application.admin_unit_id == admin_unit_id, Application.recommended_at.is_not(None),
                                    Campaign.region == region_rules().region_code)
                             .order_by(Application.recommended_at.desc(), Application.id.desc()).limit(1))


def check_editable(application: Application, at: dt.datetime | None = None) -> None:
    """Refuse any change by the applicant after submission or after its deadline."""
    at = at or now()
    if application.status not in EDITABLE:
        raise Refused("The application was submitted and can no longer be changed. "
                      "Only the city bureau can return it for correction.")
    if application.status == S.DRAFT and at < aware(application.campaign.opens_at):
        raise DeadlinePassed("This campaign opens for submissions at %(opens)s (Beijing time).",
                             opens=moment_text(application.campaign.opens_at))
    deadline = deadline_of(application)
    if at >= deadline:
        raise DeadlinePassed("The deadline passed at %(deadline)s (Beijing time); the application can no longer "
                             "be changed or submitted.", deadline=deadline_text(deadline))


# ------------------------------------------------------------- applications --


def start_application(user: User, campaign: Campaign, unit_type: str, at: dt.datetime | None = None) -> Application:
    """An applicant starts a draft for one unit type in an open campaign."""
    org = db.session.get(Organization, user.organization_id) if user.organization_id else None
    if not may(user, Perm.APPLICATION_CREATE) or org is None:
        raise Refused("Only an applicant account bound to an organization can apply.")
    if org.admin_unit_id is None:
        raise Refused("Your organization has no city (administrative unit) on file; ask your city bureau.")
    if unit_type not in (campaign.unit_types or []):
        raise InvalidInput("This campaign does not take %(type)s applications.", field="unit_type", type=unit_type)
    at = at or now()
    # issue 6: a credit code banned for fraud may not apply, whatever its name now (bans are kept by management)
    facts.ask("may_apply", org, at.astimezone(SHANGHAI).date())
    ext = db.session.scalar(select(DeadlineExtension).where(DeadlineExtension.campaign_id == campaign.id,
                                                            DeadlineExtension.organization_id == org.id))
    closes = max(aware(campaign.closes_at), aware(ext.until) if ext else aware(campaign.closes_at))
    if not aware(campaign.opens_at) <= at < closes:
        raise DeadlinePassed("This campaign does not accept applications now (open %(opens)s to %(closes)s, "
                             "Beijing time).", opens=moment_text(campaign.opens_at), closes=deadline_text(closes))
    existing = db.session.scalar(select(Application).where(Application.campaign_id == campaign.id,
                                                           Application.organization_id == org.id,
                                                           Application.unit_type == unit_type))
    if existing is not None:
        raise Refused("Your organization already has an application of this type in this campaign (no. %(id)d).",
                      id=existing.id)
    # issue 43: a unit already on this round's list (or, where the region says so, on a higher one) is refused now,
    # not at the province's decision
    listings.check_may_apply(org, unit_type, campaign)
    return _new_application(campaign, org, unit_type, user.username)


def _new_application(campaign: Campaign, org: Organization, unit_type: str, actor: str) -> Application:
    modes = rules_of_round(campaign).evaluation_modes(unit_type, Level(campaign.level), campaign.year)
    mode = EvaluationMode.THIRD_PARTY if modes.third_party_required else modes.allowed[0]
    application = Application(campaign_id=campaign.id, organization_id=org.id, organization_name=org.name,
                              admin_unit_id=org.admin_unit_id,
                              unit_type=unit_type, level=campaign.level, evaluation_mode=str(mode),
                              status=S.DRAFT, industry=None, indicator_values={}, extension_data={},
                              requested_levels=[campaign.level], declarations={})
    db.session.add(application)
    db.session.flush()
    audit.record(actor, "application.created", "application", application.id, campaign=campaign.id,
                 organization=org.uscc, unit_type=unit_type)
    # issue 61: a provincial application starts from the unit's application in the year's city round (Shanxi
    # 004 第十二条: the city list first), not empty; its status, evidence and declarations are not carried
    source = carry.city_round_application(campaign, org.id, unit_type)
    if source is not None:
        filled = carry.carry_from(application, source)
        if filled:
            _rescore(application)
            audit.record(actor, "application.carried", "application", application.id, carried_from=source.id,
                         diff=jsonable(carry.carried_diff(application, filled)))
    return application


def requested_level_choices(campaign: Campaign, unit_type: str | None = None) -> list[str]:
    """Levels an application of ``campaign`` may ask for: the round's level first, then the other levels
    the region's joint-round policy allows (``rules.joint_round``; Jiangxi 2024, Hubei 2022-2025).
    Without ``unit_type``, the levels allowed for any of the round's unit types."""
    rules = region_rules()
    levels = [str(campaign.level)]
    for ut in [unit_type] if unit_type else list(campaign.unit_types or ()):
        offered = rules.unit_types[ut].levels if ut in rules.unit_types else tuple(Level)
        for level in rules.joint_round(Level(campaign.level), campaign.year, ut).levels:
            if level in offered and str(level) not in levels:
                levels.append(str(level))
    return levels


def snapshot(application: Application) -> dict[str, Any]:
    org = application.organization
    snap = {
        "contact_name": application.contact_name, "contact_phone": application.contact_phone,
        "contact_email": application.contact_email, "industry": application.industry,
        "evaluation_mode": application.evaluation_mode, "requested_levels": list(application.requested_levels or []),
        "legal_representative": org.legal_representative, "address": org.address,
    }
    snap.update({f"declarations.{k}": v for k, v in (application.declarations or {}).items()})
    snap.update({f"indicator.{k}": v for k, v in (application.indicator_values or {}).items()})
    snap.update({f"ext.{k}": v for k, v in (application.extension_data or {}).items()})
    return snap


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


def _text(value: Any, field: str, max_len: int, pattern: re.Pattern | None = None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput("Not a valid string.", field=field)
    text = value.strip()
    if len(text) > max_len:
        raise InvalidInput("At most %(n)d characters.", field=field, n=max_len)
    if text and pattern is not None and not pattern.match(text):
        raise InvalidInput("This value is not in a valid format.", field=field)
    return text or None


#: the draft's text fields: (key, longest, the format it must have)
_TEXT_FIELDS = text_checks()  # core_fields: the one declaration the web form and the API read too


def _text_faults(application: Application, faults: list[InvalidInput]) -> InvalidInput:
    """One refusal naming every text field at fault as the form names them; ``errors`` holds each field's own
    refusal (the form marks each field, the JSON API gives one error item per field)."""
    named = change_name(application)
    err = InvalidInput("Some fields are invalid: %(fields)s.", field=faults[0].field,
                       fields=lazy_list([f.field for f in faults], named))
    err.errors = faults
    return err


def round_industry(rules: Any, unit_type: str, year: int, value: Any) -> str | None:
    """The industry an application of ``unit_type`` in the round of ``year`` names: a registered key industry
    the round offers (its code, or its name), or, where the round's document accepts any industry
    (``IndustryChoices.open``), the industry's name as given; nothing for the general requirements (通则)."""
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    choices = rules.industry_choices(unit_type, year)
    offered = rules.round_industries(unit_type, year)  # what the rules listing shows for the round (issue 43)
    if text in offered:
        return text
    by_name = next((code for code, ind in offered.items() if ind.name == text), None)
    if by_name is not None:
        return by_name
    if choices.open and len(text) <= 80:
        return text
    raise InvalidInput("Industry (industry): %(value)s is not one of the industries of the %(year)s round.",
                       field="industry", value=text[:80], year=year)


def save_draft(application: Application, changes: Mapping[str, Any], actor: str,
               at: dt.datetime | None = None) -> dict[str, list[Any]]:
    """Save draft data (any subset of the fields); required fields are checked on submission.

    ``changes`` keys: ``contact_name``, ``contact_phone``, ``contact_email``, ``industry``,
    ``evaluation_mode``, ``requested_levels``, ``declarations`` {item code: bool},
    ``indicator_values`` {number: value}, ``legal_representative``, ``address`` and
    ``extension`` {plugin field code: value}. Returns the field-level diff (also audited).
    """
    check_editable(application, at)
    rules = region_rules()
    campaign = application.campaign
    before = snapshot(application)
    org = application.organization
    unknown = set(changes) - {"contact_name", "contact_phone", "contact_email", "industry", "evaluation_mode",
                              "requested_levels", "declarations", "indicator_values", "legal_representative",
                              "address", "extension"}
    if unknown:
        raise InvalidInput("Unknown fields: %(fields)s.", field=min(unknown), fields=", ".join(sorted(unknown)))
    # every text field at fault is named at once (a bad phone and a bad e-mail in one save)
    texts, faults = {}, []
    for key, max_len, pattern in _TEXT_FIELDS:
        if key in changes:
            try:
                texts[key] = _text(changes[key], key, max_len, pattern)
            except InvalidInput as exc:
                faults.append(exc)
    if faults:
        raise _text_faults(application, faults)
    for key, value in texts.items():
        setattr(org if key in ("legal_representative", "address") else application, key, value)
    if "industry" in changes:
        application.industry = round_industry(rules, application.unit_type, campaign.year, changes["industry"])
    if "evaluation_mode" in changes:
        check_mode(rules_of_round(campaign).evaluation_modes(application.unit_type, Level(application.level),
                                                            campaign.year),
                   changes["evaluation_mode"])
        application.evaluation_mode = changes["evaluation_mode"]
    if "requested_levels" in changes:
        levels = changes["requested_levels"] or [campaign.level]
        choices = requested_level_choices(campaign, application.unit_type)
        if not isinstance(levels, list) or not all(isinstance(x, str) and x in choices for x in levels):
            raise InvalidInput("Requested levels must be among: %(levels)s.", field="requested_levels",
                               levels=lazy_list(choices, level_name))
        application.requested_levels = sorted(set(levels))
    if "declarations" in changes:
        items = {i.code for i in rules.negative_list_for(application.unit_type, Level(application.level), application.campaign.year)}
        given = changes["declarations"] or {}
        if not isinstance(given, Mapping) or not all(k in items and (v is None or isinstance(v, bool))
                                                     for k, v in given.items()):
            raise InvalidInput("Declarations must be given as true or false per negative-list item.",
                               field="declarations")
        merged = {**(application.declarations or {}), **dict(given)}  # None withdraws a declaration
        application.declarations = {k: v for k, v in merged.items() if v is not None}
    if "indicator_values" in changes:
        merged = {**(application.indicator_values or {}), **{str(k): v for k, v in
                                                            (changes["indicator_values"] or {}).items()}}
        application.indicator_values = jsonable(check_values(application, merged))
    if "extension" in changes:
        raw = changes["extension"] or {}
        if not isinstance(raw, Mapping):
            raise InvalidInput("Not a valid mapping type.", field="extension")
        ffs = fields_for(rules, application.unit_type, application.level, application.campaign.year)
        typed = load_extension(ffs, raw, partial=True)
        uploads = {f.code for f in ffs if is_upload(f)}
        for code in uploads & set(typed):
            if typed[code] not in (None, "") and not _evidence_exists(application, typed[code], code):
                raise InvalidInput("%(name)s must name an evidence file of this application uploaded for it.",
                                   field=code, name=code)
        application.extension_data = {**(application.extension_data or {}), **jsonable(typed)}
    _rescore(application)
    changed = diff(before, snapshot(application))
    check_correction(application, changed)  # issue 15: the round's submission lock (the caller rolls back)
    if changed:
        audit.record(actor, "application.saved", "application", application.id, diff=jsonable(changed))
    return changed


def _evidence_exists(application: Application, value: Any, section: str) -> bool:
    try:
        ident = int(value)
    except (TypeError, ValueError):
        return False
    return db.session.scalar(select(Evidence.id).where(Evidence.id == ident, Evidence.application_id == application.id,
                                                       Evidence.section == section)) is not None


def _rescore(application: Application) -> dict[str, Any] | None:
    result = live_score(application) if application.indicator_values else None
    if result is None:
        application.score, application.tier = None, None
        return None
    application.score = result["total"]
    application.tier = result.get("tier")
    return result


def add_evidence(application: Application, section: str, filename: str | None, data: bytes, actor: str,
                 at: dt.datetime | None = None) -> Evidence:
    """Upload one PDF. An upload for a plugin upload field also fills that field with its id."""
    check_editable(application, at)
    check_correction(application, ["evidence"])
    row = evidence_service.store(application, section, filename, data, actor)
    ffs = fields_for(region_rules(), application.unit_type, application.level)
    if any(f.code == section and is_upload(f) for f in ffs):
        before = (application.extension_data or {}).get(section)
        application.extension_data = {**(application.extension_data or {}), section: str(row.id)}
        audit.record(actor, "application.saved", "application", application.id,
                     diff={f"ext.{section}": [before, str(row.id)]})
    return row


def remove_evidence(application: Application, row: Evidence, actor: str, at: dt.datetime | None = None) -> str:
    """Delete one evidence file (returns the storage name to unlink after commit)."""
    check_editable(application, at)
    check_correction(application, ["evidence"])
    data = dict(application.extension_data or {})
    for code, value in list(data.items()):
        if value == str(row.id):
            data[code] = None
            audit.record(actor, "application.saved", "application", application.id,
                         diff={f"ext.{code}": [value, None]})
    application.extension_data = data
    name = row.storage_name
    evidence_service.delete(application, row, actor)
    return name


def completeness(application: Application) -> dict[str, list[str]]:
    """What must be filled before submitting: {field: [message]} (empty when complete); the files the round's notice
    requires among them (its ``attachment`` rules: :func:`core.kernel.rules.rules_of_round`)."""
    rules = rules_of_round(application.campaign)
    problems: dict[str, list[str]] = {}
    if not application.contact_name:
        problems["contact_name"] = ["Missing data for required field."]
    if not application.contact_phone:
        problems["contact_phone"] = ["Missing data for required field."]
    ffs = fields_for(rules, application.unit_type, application.level, application.campaign.year)
    stored = application.extension_data or {}
    problems.update(missing_required(ffs, stored))
    for f in ffs:
        if is_upload(f) and stored.get(f.code) not in (None, "") and not _evidence_exists(application, stored[f.code],
                                                                                          f.code):
            problems[f.code] = ["Missing data for required field."]
    return problems


def check_mode(modes: EvaluationModes, mode: str) -> None:
    """Refuse ``mode`` unless the round's ``modes`` allow it, naming them and the rule's source (a draft's save,
    the summary import, the evaluation page)."""
    allowed = [str(m) for m in modes.allowed]
    if mode not in allowed:
        raise InvalidInput("Evaluation mode must be one of: %(modes)s (rule from %(source)s).",
                           field="evaluation_mode", modes=lazy_list(allowed, mode_name),
                           source=lazy_source_name(modes.source))


def submit(application: Application, actor: str, at: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Submit (or resubmit after a return). Afterwards the application is frozen (seed 001)."""
    at = utc(at) or now()
    check_editable(application, at)
    check_resubmission(application)
    problems = completeness(application)
    if problems:
        err = InvalidInput("Please complete these fields before submitting: %(fields)s.", field=next(iter(problems)),
                           fields=_field_names(application, problems))
        raise attach_field_messages(err, problems)
    results = eligibility.evaluate(application, at.astimezone(SHANGHAI).date())
    blockers = eligibility.submit_blockers(results)
    if blockers:
        raise Refused("The application cannot be submitted: %(reasons)s.",
                      reasons=results_line(blockers))
    _rescore(application)
    before = application.status
    application.status = S.SUBMITTED
    application.submitted_at = at
    application.eligibility = eligibility.jsonable_results(results)
    audit.record(actor, "application.submitted", "application", application.id, before=str(before),
                 score=None if application.score is None else float(application.score),
                 warnings=[r["code"] for r in results if r["ok"] is False])
    return results


def _field_names(application: Application, keys: Iterable[str]):
    """The fields ``keys`` (``contact_name``, a region field's code) by the names the form gives them, in the
    language the message is read in (a refusal is kept in Chinese and English), listed as that language lists
    them (、 or ", ")."""
    named = change_name(application)
    return lazy_list(keys, lambda key: named(key if key.startswith("contact_") else f"ext.{key}"))


# ---------------------------------------------------------- submission lock --
# issue 15: what a return for correction may change is the round's policy (rules.correction); in the
# 2025 national round (001 四.2 提交后无法修改，不能通过修改指标提高评分) only the contact details.


def correction_policy(application: Application) -> CorrectionPolicy:
    campaign = application.campaign
    return region_rules().correction(Level(campaign.level), campaign.year, application.unit_type)


def check_correction(application: Application, fields: Iterable[str]) -> None:
    """Refuse a change to a returned application that the round's correction policy does not allow,
    naming the field, the rule and its source. Drafts never submitted are not concerned."""
    if application.status != S.RETURNED:
        return
    policy = correction_policy(application)
    for name in fields:
        if not policy.allows(name):
            named = change_name(application)
            raise Refused("%(label)s cannot be changed after submission in this round; a correction may change "
                          "only: %(allowed)s (rule from %(source)s: %(cite)s).", field=name,
                          label=LazyString(named, name),
                          allowed=lazy_list(policy.fields, named) if policy.scope == policy.FIELDS else "—",
                          **rule_of(policy))


def change_name(application: Application):
    """A function naming a change's key (``contact_name``, ``ext.<field>``, ``declarations.<item>``,
    ``indicator.<n>``) as the form does, in the language of the page or message it is called for
    (:func:`core.applications.actions.change_labels`): a refusal's fields, the application page's changes."""
    unit_type, level, year = application.unit_type, application.level, application.campaign.year
    rules = region_rules()
    try:
        indicators = getattr(indicator_set(application), "indicators", ()) or ()
    except GreenmfgError:
        indicators = ()

    by_language: dict[bool, dict[str, str]] = {}  # the form's labels, made once for each language they are read in

    def named(key: str) -> str:
        in_english = english()
        if in_english not in by_language:
            by_language[in_english] = change_labels(rules, unit_type, level, year,
                                                    fields_for(rules, unit_type, level, year), indicators)
        if key.isdigit():  # an expert's score of one indicator (review.scores_saved): the indicator's name
            return by_language[in_english].get(f"indicator.{key}") or str(OTHER_FIELD)
        return by_language[in_english].get(key) or str(OTHER_FIELD)
    return named


def corrections(application: Application) -> list[dict[str, Any]]:
    """Every change after the first submission, oldest first: ``{"at", "actor", "diff"}`` with
    ``diff`` {field: [before, after]} (from the audit log; shown to the city)."""
    from core.models import AuditLog

    rows = db.session.scalars(select(AuditLog).where(
        AuditLog.object_type == "application", AuditLog.object_id == str(application.id),
        AuditLog.action.in_(("application.submitted", "application.saved"))).order_by(AuditLog.id)).all()
    out, submitted = [], False
    for row in rows:
        if row.action == "application.submitted":
            submitted = True
        elif submitted and (row.data or {}).get("diff"):
            out.append({"at": aware(row.at), "actor": row.actor, "diff": row.data["diff"]})
    return out


def check_resubmission(application: Application) -> None:
    """Before a returned application is submitted again: every change since the first submission is one
    the round's policy allows, and (under a field-by-field policy) the score has not risen."""
    if application.status != S.RETURNED:
        return
    policy = correction_policy(application)
    if policy.scope == policy.EVERYTHING:
        return
    for change in corrections(application):
        check_correction(application, change["diff"])
    from core.models import AuditLog

    first = db.session.scalar(select(AuditLog).where(
        AuditLog.object_type == "application", AuditLog.object_id == str(application.id),
        AuditLog.action == "application.submitted").order_by(AuditLog.id).limit(1))
    before = None if first is None else (first.data or {}).get("score")
    after = live_score(application) if application.indicator_values else None
    if before is not None and after is not None and float(after["total"]) > float(before) + 1e-9:
        raise Refused("A correction may not raise the score (%(before)s → %(after)s) in this round (rule from "
                      "%(source)s: %(cite)s).", before=before, after=float(after["total"]),
                      **rule_of(policy))


# -------------------------------------------------------------- city review --


def _require_status(application: Application, *allowed: S) -> None:
    if application.status not in allowed:
        raise Refused("This is not possible while the application is %(status)s.",
                      status=STATUS_NAMES.get(application.status, str(application.status)))


def return_for_correction(application: Application, reason: str, until: dt.datetime, actor: str,
                          at: dt.datetime | None = None) -> None:
    """City staff reopen a submitted application for correction until ``until``, with a reason."""
    at = at or now()
    _require_status(application, S.SUBMITTED)
    reason, until = _reason(reason), utc(until)
    if until is None or until <= at:
        raise InvalidInput("The correction period must end in the future.", field="until")
    policy = correction_policy(application)
    if policy.scope == policy.NOTHING:
        raise Refused("In this round submitted data are final; the application cannot be returned for correction "
                      "(rule from %(source)s: %(cite)s).", **rule_of(policy))
    if until > at + dt.timedelta(days=policy.max_days):
        raise InvalidInput("The correction period may last at most %(days)d days (rule from %(source)s: %(cite)s).",
                           field="until", days=policy.max_days, **rule_of(policy))
    application.status = S.RETURNED
    application.return_reason, application.return_until = reason, until
    audit.record(actor, "application.returned", "application", application.id, reason=reason,
                 until=until.isoformat())


def reject(application: Application, reason: str, actor: str) -> None:
    _require_status(application, S.SUBMITTED)
    reason = _reason(reason)
    application.status = S.REJECTED
    application.decision_reason = reason
    audit.record(actor, "application.rejected", "application", application.id, reason=reason)


def recommend(application: Application, actor: str, *, consulted_departments: Iterable[str] = (),
              acknowledge_warnings: bool = False, at: dt.datetime | None = None,
              levels: Iterable[str] | None = None, opinion: str | None = None) -> dict[str, Any]:
    """City staff recommend a submitted application, within the region's quota for the city.

    ``levels``: the levels recommended, among the requested ones (joint rounds; default all of them).
    ``opinion``: the city's 推荐意见, required where the region's rule asks for it
    (:func:`core.applications.city_recommendation.check_opinion`).
    The region's blocking rules for those levels must hold (evaluated now, with the city's input);
    warnings must be acknowledged. The quota place is taken atomically in this transaction.
    :returns: ``{"quota": Quota, "used": n, "over_target": bool, "warnings": [...]}``.
    :raises LimitReached: the quota is full, naming it and its source.
    """
    at = utc(at) or now()
    check_step_open(application.campaign, "city", unit_type=application.unit_type,  # issue 15: the city's deadline
                    admin_unit_id=application.admin_unit_id, at=at)
    _require_status(application, S.SUBMITTED)
    # the departments the region's rule offers (a document's list; "等": others by name)
    consulted = consulted_rule.normalize(
        consulted_rule.offered(application.campaign.level, application.campaign.year), consulted_departments)
    opinion_text = city_recommendation.check_opinion(application.campaign, opinion)
    chosen = _recommended_levels(application, levels)
    results = eligibility.evaluate(application, at.astimezone(SHANGHAI).date(),
                                   {"consulted_departments": consulted, "city_opinion": opinion_text})
    blockers = eligibility.recommend_blockers(results, chosen)
    if blockers:
        raise Refused("The application cannot be recommended: %(reasons)s.",
                      reasons=results_line(blockers, sources=True))
    pending = [r for r in eligibility.warnings(results) if not r.get("levels") or set(chosen) & set(r["levels"])]
    if pending and not acknowledge_warnings:
        raise Refused("Acknowledge these warnings to recommend: %(warnings)s.",
                      warnings=results_line(pending))
    quota = limits.reserve_quota(application, actor)
    key = None
    used = None
    if not quota.unlimited:
        key = limits.quota_key(application.admin_unit.code, application.unit_type, quota, application.campaign.year)
        used = limits.used(key)
    application.status = S.CITY_RECOMMENDED
    application.recommended_at = at
    application.recommended_levels = chosen
    application.city_opinion = opinion_text
    application.quota_key = key
    application.eligibility = eligibility.jsonable_results(results)
    audit.record(actor, "application.recommended", "application", application.id, quota_key=key, quota_used=used,
                 quota_limit=quota.limit, quota_source=quota.source, consulted_departments=consulted,
                 acknowledged=[r["code"] for r in pending], levels=chosen, opinion=opinion_text)
    return {"quota": quota, "used": used, "over_target": bool(used and not quota.binding and used > quota.limit),
            "warnings": pending}


def recommendable_levels(application: Application) -> list[str]:
    """The levels the city may recommend ``application`` at: the requested ones the round allows."""
    allowed = requested_level_choices(application.campaign, application.unit_type)
    return [x for x in requested_levels(application) if x in allowed]


def _recommended_levels(application: Application, levels: Iterable[str] | None) -> list[str]:
    """The levels the city recommends: among the requested ones (default all), the round's order."""
    asked = recommendable_levels(application)
    if levels is None:
        return asked
    given = [str(x) for x in levels]
    if not given or not set(given) <= set(asked):
        raise InvalidInput("Recommend at one or more of the levels applied for: %(levels)s.", field="levels",
                           levels=", ".join(asked))
    return [x for x in asked if x in given]


def withdraw_recommendation(application: Application, reason: str, actor: str) -> None:
    """City staff take back a recommendation before the province acts; the quota place is released."""
    _require_status(application, S.CITY_RECOMMENDED)
    reason = _reason(reason)
    if application.quota_key:
        limits.release(application.quota_key)
    application.status = S.SUBMITTED
    application.recommended_at = None
    application.city_opinion = None
    audit.record(actor, "application.recommendation_withdrawn", "application", application.id, reason=reason,
                 quota_key=application.quota_key)
    application.quota_key = None


#: how many years back a round looks for the region's last quota plan (as the management dashboard does)
QUOTA_LOOKBACK = 10


def quota_status(admin_unit: AdminUnit, unit_type: str, year: int, campaign: Campaign | None = None) -> dict[str, Any]:
    """The city's quota for ``unit_type`` in the round of ``year``: its limit and places used. A round after the
    region's quota plan has ended shows that plan's figure as the dashboard does (Hubei 2026: 附件3's 2021-2025
    targets), marked ``ended``, never "no quota" beside the dashboard's targets. With ``campaign``: the quota its
    notice sets, where it sets one (issue 43)."""
    rules = rules_of_round(campaign)
    quota, ended = rules.quota(admin_unit.code, unit_type, year), False
    if quota.unlimited:
        for earlier in range(year - 1, year - QUOTA_LOOKBACK, -1):
            candidate = rules.quota(admin_unit.code, unit_type, earlier)
            if not candidate.unlimited and candidate.period and candidate.period[1] < year:
                quota, ended, year = candidate, True, earlier
                break
            if candidate.period:  # the plan's own blank cell: no target for this unit and type
                break
    if quota.unlimited:
        return {"unit_type": unit_type, "limit": None, "used": None, "binding": quota.binding, "source": quota.source,
                "cite": quota.cite}
    key = limits.quota_key(admin_unit.code, unit_type, quota, year)
    return {"unit_type": unit_type, "limit": quota.limit, "used": limits.used(key), "binding": quota.binding,
            "source": quota.source, "cite": quota.cite, "period": quota.period, "ended": ended}
