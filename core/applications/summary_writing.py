"""Writing an accepted summary import in batches (:mod:`core.applications.summary_import`): new organizations, new
applications, changed drafts (scored again where their industry changes) and the audit rows."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.errors import Refused
from core.extensions import db
from core.models import Application, Organization
from core.models import ApplicationStatus as S
from core.plugins.types import EvaluationMode, Level
from core.services import audit
from core.services.bulk_writes import among, insert_rows, update_rows

from core.applications.summary_checks import _Checker, _Plan

# ---------------------------------------------------------------- writing --


def _write(plans: list[_Plan], checker: _Checker, actor: str) -> None:
    """Write every accepted row in batches: new organizations, new applications, changed drafts, audit."""
    now = checker.now
    campaign, city, rules = checker.campaign, checker.city, checker.rules
    region = rules.region_code
    audits: list[dict[str, Any]] = []

    def log(action: str, object_type: str, object_id: Any, **data: Any) -> None:
        audits.append({"at": now, "actor": actor, "action": action, "object_type": object_type,
                       "object_id": None if object_id is None else str(object_id), "region": region,
                       "data": data})  # plain already: stored JSON and checked values

    orgs = {p.uscc: p.known.id for p in plans if p.known is not None}
    new_orgs = {}
    for p in plans:
        if p.known is None and p.uscc not in orgs and p.uscc not in new_orgs:
            new_orgs[p.uscc] = {"uscc": p.uscc, "name": p.name, "admin_unit_id": city.id, "created_at": now,
                                "updated_at": now}
    if new_orgs:
        insert_rows(Organization.__table__, list(new_orgs.values()))
        for org_id, code in db.session.execute(select(Organization.id, Organization.uscc)
                                               .where(among(Organization.uscc, list(new_orgs)))):
            orgs[code] = org_id
            log("organization.imported", "organization", org_id, uscc=code, name=new_orgs[code]["name"])
    creates = [p for p in plans if p.app is None]
    if creates:
        rows = []
        default_modes: dict[str, str] = {}
        for p in creates:
            mode = default_modes.get(p.unit_type)
            if mode is None:
                modes = checker.round_rules.evaluation_modes(p.unit_type, Level(campaign.level), campaign.year)
                mode = default_modes[p.unit_type] = str(
                    EvaluationMode.THIRD_PARTY if modes.third_party_required else modes.allowed[0])
            v = p.values
            rows.append({"campaign_id": campaign.id, "organization_id": orgs[p.uscc], "admin_unit_id": city.id,
                         "unit_type": p.unit_type, "level": campaign.level,
                         "evaluation_mode": v.get("evaluation_mode", mode), "status": S.DRAFT,
                         "industry": v.get("industry"), "indicator_values": {},
                         "extension_data": v.get("extension_data", {}),
                         "requested_levels": v.get("requested_levels", [campaign.level]),
                         "contact_name": v.get("contact_name"), "contact_phone": v.get("contact_phone"),
                         "declarations": {}, "version": 1, "created_at": now, "updated_at": now})
        insert_rows(Application.__table__, rows)  # and a SELECT of the ids (module docstring)
        ids = {}
        for app_id, org_id, unit_type in db.session.execute(
                select(Application.id, Application.organization_id, Application.unit_type)
                .where(Application.campaign_id == campaign.id,
                       among(Application.organization_id, sorted({orgs[p.uscc] for p in creates})))):
            ids[(org_id, unit_type)] = app_id
        for p in creates:
            key = (orgs[p.uscc], p.unit_type)  # created with the row's values: one audit row holds both
            log("application.created", "application", ids[key], campaign=campaign.id, organization=p.uscc,
                unit_type=p.unit_type, via="summary_import", diff=p.diff)
    updates = [p for p in plans if p.app is not None and p.diff]
    if updates:
        params = []
        book = None
        indicators = _indicator_values([p.app.id for p in updates if "industry" in p.values])
        for p in updates:
            a, v = p.app, p.values
            score, tier = a.score, a.tier
            if indicators.get(a.id):
                book = book or _reference_book()
                score, tier = _rescore(a, indicators[a.id], v["industry"], checker, book)
            params.append(((a.id, a.version), {  # each draft checked against its version
                "evaluation_mode": v.get("evaluation_mode", a.evaluation_mode),
                "industry": v.get("industry", a.industry),
                "extension_data": v.get("extension_data", a.extension_data or {}), "score": score, "tier": tier,
                "requested_levels": v.get("requested_levels", a.requested_levels),
                "contact_name": v.get("contact_name", a.contact_name),
                "contact_phone": v.get("contact_phone", a.contact_phone), "version": a.version + 1,
                "updated_at": now}))
            log("application.saved", "application", a.id, diff=p.diff, via="summary_import")
        if update_rows(Application.__table__, ("id", "version"), params) not in (-1, len(params)):
            db.session.rollback()  # a draft was saved meanwhile: nothing of the file is written
            raise Refused("Someone changed this application at the same time; reload the page and try again.")
    audit.record_rows(audits)  # in the audit log's hash chain (core/services/audit_chain.py)


def _indicator_values(ids: list[int]) -> dict[int, dict]:
    """The stored indicator values of the drafts whose industry the file changes (one SELECT, none without
    such a draft): the industry selects the reference values they are scored against; other rows keep their
    score and are not read for it."""
    if not ids:
        return {}
    return dict(db.session.execute(select(Application.id, Application.indicator_values)
                                   .where(among(Application.id, ids))).all())


def _reference_book():
    from core.scoring.reference import ReferenceBook

    return ReferenceBook.from_db(db.session)


def _rescore(app: Any, values: dict, industry: str | None, checker: _Checker, book: Any) -> tuple[Any, Any]:
    """The draft's score of its indicator ``values`` under its new industry (the industry selects the reference
    values)."""
    from core.applications.scoring import GENERAL, parse_request, score_request

    campaign = checker.campaign
    request = parse_request({"unit_type": app.unit_type, "year": campaign.year, "level": app.level,
                             "industry": industry or GENERAL,
                             "values": {str(k): v for k, v in values.items()}}, checker.rules)
    result = score_request(request, checker.rules, book)
    if result is None:
        return None, None
    return result["total"], result.get("tier")
