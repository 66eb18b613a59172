"""The JSON API for accounts, campaigns, applications, evidence and summary tables (flask-smorest).

Authentication is by API token only (``Authorization: Bearer gm_…``; asked for with ``POST /api/v1/tokens``
or created on the account page): the API is exempt from CSRF, so it never accepts the session cookie.
Every endpoint goes through :mod:`core.accounts.permissions` and calls the same services as the web
pages. Errors (the one body of :mod:`core.api.errors`): 401 without a valid token, 403 for a role that may
not act, 404 for anything outside the user's scope, 409 for refusals (deadline, lock, quota), 422 for
invalid input with messages per field in Chinese and English. The region's form fields are the
``extension`` object, keyed by field code, in a PATCH and in every answer.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import Flask, current_app, send_file
from flask_smorest import Api
from marshmallow import Schema
from sqlalchemy import select

from core.accounts import api_user
from core.accounts.permissions import Perm, application_for, application_scope
from core.api import BINARY, Blueprint, RoundRulesSchema, authed, report_or_error
from core.api.paging import Paged, answer, page_of, paged_query, seek, window
from core.api.etags import if_match
from core.api.regional import PerAppSchemas
from core.api.resource import Resource
from core.api.schema import dumped_answer, dumper
from core.applications import city_recommendation, eligibility, round_notice, services
from core.applications import evidence as evidence_service
from core.applications.fields import jsonable
from core.applications.schemas import (
    CampaignQuerySchema,
    CityRecommendationFilesSchema,
    RecommendationFileSchema,
    RecommendationFileUploadSchema,
    SummaryQuerySchema,
    DeadlineChangeSchema,
    EligibilitySchema,
    EvidenceSchema,
    EvidenceUploadSchema,
    ExtensionOutSchema,
    ExtensionSchema,
    ImportReportSchema,
    MeSchema,
    ReasonSchema,
    RecommendSchema,
    ReturnSchema,
    RoundStepsQuery,
    RoundStepsSchema,
    ScoreSchema,
    StepExtensionOutSchema,
    StepExtensionSchema,
    SummaryUploadSchema,
    region_schemas,
)
from core.applications.scoring import live_score
from core.errors import InvalidInput, NotFound
from core.extensions import csrf, db
from core.jobs.api import JobSchema, job_accepted
from core.clock import arrival, aware
from core.kernel.records import get_record
from core.kernel.rules import region_rules
from core.kernel.uow import commit
from core.services.round_steps import round_steps
from core.models import AdminUnit, Application, Campaign, Organization
from core.services import deadlines as step_rules
from core.services.uscc import normalize_uscc
from core.web.downloads import attachment
from core.web.pagecache import kept

API_PREFIX = "/api/v1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _campaign(campaign_id: Any) -> Campaign:
    rules = region_rules()
    campaign = get_record(Campaign, campaign_id)  # ids in a body are bounded by the schemas too
    if campaign is None or campaign.region != rules.region_code:
        raise NotFound("No such campaign.")
    return campaign


def campaign_json(c: Campaign) -> dict[str, Any]:
    return {"id": c.id, "region": c.region, "year": c.year, "level": c.level, "title": c.title,
            "unit_types": c.unit_types, "opens_at": aware(c.opens_at), "closes_at": aware(c.closes_at),
            "deadlines": c.deadlines or {}, "deadline_reasons": c.deadline_reasons or {},
            "notice": round_notice.round_json(c)["notice"]}


def application_json(a: Application) -> dict[str, Any]:
    org = a.organization
    return {
        "id": a.id, "campaign_id": a.campaign_id, "organization": {"id": org.id, "name": org.name, "uscc": org.uscc},
        "admin_unit": {"code": a.admin_unit.code, "name": a.admin_unit.name}, "unit_type": a.unit_type,
        "level": a.level, "status": str(a.status), "evaluation_mode": a.evaluation_mode, "industry": a.industry,
        "requested_levels": a.requested_levels or [], "contact_name": a.contact_name,
        "contact_phone": a.contact_phone, "contact_email": a.contact_email,
        "legal_representative": org.legal_representative, "address": org.address,
        "declarations": a.declarations or {},
        "indicator_values": a.indicator_values or {}, "extension": a.extension_data or {},
        "score": None if a.score is None else float(a.score), "tier": a.tier,
        "deadline": services.deadline_of(a) if a.status in services.EDITABLE else None,
        "submitted_at": aware(a.submitted_at), "return_reason": a.return_reason,
        "return_until": aware(a.return_until), "decision_reason": a.decision_reason,
        "recommended_at": aware(a.recommended_at), "eligibility": a.eligibility,
        "recommended_levels": a.recommended_levels,
    }


#: the columns of services.api_page, in the order application_items reads them
_ITEM_COLUMNS = ("id", "campaign_id", "organization_id", "org_name", "uscc", "unit_code", "unit_name", "unit_type",
                 "level", "status", "evaluation_mode", "industry", "requested_levels", "contact_name",
                 "contact_phone", "contact_email", "legal_representative", "address", "declarations",
                 "indicator_values", "extension_data", "score", "tier", "submitted_at", "return_reason",
                 "return_until", "decision_reason", "recommended_at", "eligibility", "recommended_levels",
                 "closes_at", "extension_until")


def application_items(schema: type[Schema]) -> Callable[[Sequence[Any]], list[dict[str, Any]]]:
    """The collection's items straight from rows of :func:`services.api_page`, as ``schema`` dumps
    :func:`application_json` of the same applications: the same values and types (times as ISO text, the score as a
    float), the stored JSON values dumped by the schema's own fields where they are not already what it gives
    (:func:`core.api.schema.dumper`), the region's form fields it does not declare left out. Checked against the
    schema over generated rows (tests/applications/test_api_collection.py) and, under ``TESTING``, on every answer
    (:func:`core.api.schema.dumped_answer`)."""
    if tuple(select(*services.API_COLUMNS).selected_columns.keys()) != _ITEM_COLUMNS:
        raise RuntimeError("services.API_COLUMNS changed: application_items reads its rows by position")
    declared = schema().dump_fields
    if any(declared[name].format != "iso" for name in ("deadline", "submitted_at", "return_until", "recommended_at")):
        raise RuntimeError("application_items writes times as ISO text, as the schema did")
    requested, declarations, indicators, eligibility, recommended = (dumper(declared[name]) for name in (
        "requested_levels", "declarations", "indicator_values", "eligibility", "recommended_levels"))
    extension = declared["extension"].schema.dump  # the region's form fields (schemas._Passthrough)
    editable = frozenset(str(status) for status in services.EDITABLE)
    deadline_from = services.deadline_from

    def items(rows: Sequence[Any]) -> list[dict[str, Any]]:
        out = []
        for (id_, campaign_id, organization_id, org_name, uscc, unit_code, unit_name, unit_type, level, status,
             evaluation_mode, industry, requested_levels, contact_name, contact_phone, contact_email, legal, address,
             declared_values, indicator_values, extension_data, score, tier, submitted_at, return_reason,
             return_until, decision_reason, recommended_at, results, recommended_levels, closes_at,
             extension_until) in rows:
            out.append({
                "id": id_, "campaign_id": campaign_id,
                "organization": {"id": organization_id, "name": org_name, "uscc": uscc},
                "admin_unit": {"code": unit_code, "name": unit_name}, "unit_type": unit_type, "level": level,
                "status": status, "evaluation_mode": evaluation_mode, "industry": industry,
                "requested_levels": requested(requested_levels or []), "contact_name": contact_name,
                "contact_phone": contact_phone, "contact_email": contact_email, "legal_representative": legal,
                "address": address, "declarations": declarations(declared_values or {}),
                "indicator_values": indicators(indicator_values or {}), "extension": extension(extension_data or {}),
                "score": None if score is None else float(score), "tier": tier,
                "deadline": deadline_from(status, return_until, closes_at, extension_until).isoformat()
                if status in editable else None,
                "submitted_at": None if submitted_at is None else submitted_at.isoformat(),
                "return_reason": return_reason,
                "return_until": None if return_until is None else return_until.isoformat(),
                "decision_reason": decision_reason,
                "recommended_at": None if recommended_at is None else recommended_at.isoformat(),
                "eligibility": eligibility(results), "recommended_levels": recommended(recommended_levels),
            })
        return out
    return items


#: the region's schemas (its codes as enums, its form fields under ``extension``), made once per app at
#: :func:`register_api`; the resources below name them by slot (:mod:`core.api.regional`)
REGION = PerAppSchemas("applications")
ITEMS = "greenmfg_application_items"

blp = Blueprint("applications_api", __name__, url_prefix=API_PREFIX,
                description="Accounts, campaigns, applications, evidence, city review and summary tables")


@blp.route("/me")
class Me(Resource):
    @authed(Perm.TOKENS)
    @blp.response(200, MeSchema)
    def get(self):
        """The account the token belongs to."""
        user = self.user
        return {"id": user.id, "username": user.username, "display_name": user.display_name,
                "role": str(user.role), "organization_id": user.organization_id,
                "admin_unit_id": user.admin_unit_id, "evaluator_firm_id": user.evaluator_firm_id}

# ------------------------------------------------------------ campaigns --


@blp.route("/campaigns")
class Campaigns(Resource):
    @authed(lambda user: user)
    @blp.arguments(Paged, location="query")
    @blp.response(200, REGION("campaign_page"))
    def get(self, args):
        """Campaigns of this region, newest first (any signed-in role)."""
        return seek(select(Campaign).where(Campaign.region == region_rules().region_code), Campaign.year,
                    Campaign.id, args=args, descending=True, json=campaign_json)

    @authed(Perm.CAMPAIGN_MANAGE)
    @blp.arguments(REGION("campaign_create"))
    @blp.response(201, REGION("campaign"))
    def post(self, args):
        """Open a campaign (province staff). Deadlines come from the region plugin."""
        c = services.open_campaign(actor=self.user.username, **args)
        return self.done(campaign_json, c)


@blp.route("/campaigns/notice")
class RoundFromNotice(Resource):
    @authed(Perm.CAMPAIGN_MANAGE)
    @blp.arguments(REGION("round_notice_create"), location="form_and_files")
    @blp.response(201, REGION("campaign"))
    def post(self, form):
        """Open a round from its notice (province staff; multipart: the notice's 文号, title, issuer and date, the
        PDF as ``file``, and ``rules``: what the notice sets for the round against the region's standing rules,
        checked against the plugin contract and the national ceilings). Audited."""
        upload = form.pop("file")
        data = evidence_service.read_upload(upload.stream)
        c = round_notice.open_round(actor=self.user.username, file=data, filename=upload.filename, **form)
        return self.done(campaign_json, c)


@blp.route("/campaigns/<int:campaign_id>/rules")
class RoundRules(Resource):
    @authed(lambda user: user)
    @blp.response(200, RoundRulesSchema)
    def get(self, campaign_id):
        """Every rule the round applies, each with where it comes from: the round's notice (naming its 文号), a
        document in force, carried from an earlier document (named), or a platform default; ``round`` is the round
        with its notice (any signed-in role)."""
        return round_notice.round_rules_document(_campaign(campaign_id))


@blp.route("/round-steps")
class RoundSteps(Resource):
    @authed(Perm.CAMPAIGN_MANAGE)
    @blp.arguments(RoundStepsQuery, location="query")
    @blp.response(200, RoundStepsSchema)
    def get(self, query):
        """The steps of a round of ``year`` at ``level`` that its notice may date (``greenmfg rounds steps``), each
        with its default date and where it comes from: a document (文号 and article), another round's notice of the
        year, or not set (province staff)."""
        rules = region_rules()
        if query["level"] not in rules.list_levels:
            raise InvalidInput("Unknown list level: %(level)s.", field="level", level=query["level"][:20])
        unknown = sorted(set(query["unit_type"]) - set(rules.unit_types))
        if unknown:
            raise InvalidInput("Unknown unit type: %(type)s.", field="unit_type", type=unknown[0][:40])
        steps = round_steps(query["year"], query["level"], query["unit_type"])
        return {"year": query["year"], "level": query["level"], "steps": [s.json() for s in steps]}


@blp.route("/campaigns/<int:campaign_id>/notice")
class RoundNoticeFile(Resource):
    @authed(lambda user: user)
    @blp.response(200, BINARY, content_type="application/pdf", description="the notice's PDF, as an attachment")
    def get(self, campaign_id):
        """Download the notice a round was opened from (any signed-in role)."""
        c = _campaign(campaign_id)
        response = send_file(round_notice.notice_file(c), mimetype="application/pdf", as_attachment=True,
                             download_name=c.notice_file_name or "notice.pdf", max_age=0)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


@blp.route("/campaigns/<int:campaign_id>/deadlines")
class CampaignDeadline(Resource):
    @authed(Perm.CAMPAIGN_MANAGE)
    @blp.arguments(DeadlineChangeSchema)
    @blp.response(200, REGION("campaign"))
    def post(self, args, campaign_id):
        """Change one deadline of a campaign, with a reason (audited)."""
        c = _campaign(campaign_id)
        at, date = args.get("at"), args.get("date")
        value = at if args["code"] == "closes_at" and at else date or at
        services.change_deadline(c, args["code"], value, args["reason"], self.user.username)
        return self.done(campaign_json, c)


@blp.route("/campaigns/<int:campaign_id>/extensions")
class CampaignExtension(Resource):
    @authed(Perm.EXTENSION_GRANT)
    @blp.arguments(ExtensionSchema)
    @blp.response(201, ExtensionOutSchema)
    def post(self, args, campaign_id):
        """Let one applicant submit after the campaign deadline (province staff)."""
        c = _campaign(campaign_id)
        org = db.session.scalar(select(Organization).where(Organization.uscc == normalize_uscc(args["uscc"])))
        if org is None:
            raise NotFound("No organization with this credit code is registered.")
        row = services.grant_extension(c, org, args["until"], args["reason"], self.user.username)
        commit()
        return {"uscc": org.uscc, "until": aware(row.until), "reason": row.reason}


@blp.route("/campaigns/<int:campaign_id>/step-extensions")
class CampaignStepExtension(Resource):
    @authed(Perm.EXTENSION_GRANT)
    @blp.arguments(StepExtensionSchema)
    @blp.response(201, StepExtensionOutSchema)
    def post(self, args, campaign_id):
        """Let one city act after one step's deadline of the campaign (province staff; audited)."""
        c = _campaign(campaign_id)
        unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == args["admin_unit"],
                                                         AdminUnit.region == c.region))
        if unit is None:
            raise NotFound("No such city.")
        row = step_rules.grant_step_extension(c, unit.id, args["step"], args["until"], args["reason"],
                                              self.user.username)
        commit()
        return {"admin_unit": unit.code, "step": row.step, "until": aware(row.until), "reason": row.reason}

# --------------------------------------------------------- applications --


@blp.route("/applications")
class Applications(Resource):
    @kept()
    @authed(Perm.APPLICATION_VIEW)
    @blp.arguments(REGION("application_query"), location="query")
    @blp.response(200, REGION("application_page"))
    def get(self, args):
        """Applications the caller may see (own organization, own city...), filtered, newest first.

        Pages by keyset: ``after`` = ``next_after`` of the page before (the deprecated ``page`` still works, a
        deferred join over the index). Organizations, cities, campaigns and deadline extensions load with the
        page: the same few statements for any page size and any number of applications."""
        per = args["limit"] or args["per_page"]
        rows = services.api_page(application_scope(self.user), status=args["status"], unit_type=args["unit_type"],
                                 campaign_id=args["campaign_id"], q=args["q"], after=args["after"],
                                 page=args["page"], per_page=per)
        more = len(rows) > per
        return dumped_answer(REGION.of().application_page, answer(
            current_app.extensions[ITEMS](rows[:per]), rows[per - 1].id if more else None))

    @authed(Perm.APPLICATION_CREATE)
    @blp.arguments(REGION("application_create"))
    @blp.response(201, REGION("application"))
    def post(self, args):
        """Start a draft (applicants)."""
        a = services.start_application(self.user, _campaign(args["campaign_id"]), args["unit_type"])
        return self.done(application_json, a)


def _with_corrections(a) -> dict:
    """An application as its GET answers it: with the changes made after its first submission."""
    return {**application_json(a), "corrections": services.corrections(a)}


@blp.route("/applications/<int:app_id>")
class OneApplication(Resource):
    loader = application_for

    def guarded(self, app_id):
        """The application a change guards (core.api.etags.if_match: its version is the tag)."""
        return self.record(app_id)

    @authed(Perm.APPLICATION_VIEW)
    @blp.response(200, REGION("application"))
    def get(self, app_id):
        """One application (404 outside the caller's scope), with the changes made after its first
        submission."""
        return _with_corrections(self.record(app_id))

    @authed(Perm.APPLICATION_EDIT)
    @blp.arguments(REGION("update"))
    @if_match(answers_as_get=True)
    @blp.response(200, REGION("application"))
    def patch(self, args, app_id):
        """Save draft data: only the fields sent change (within ``declarations``, ``indicator_values`` and
        ``extension``, only the keys sent); required ones are checked on submission. Answers the application as
        its GET does, with its new ``ETag``."""
        a = self.record(app_id, Perm.APPLICATION_EDIT)
        changes = {k: v for k, v in args.items() if k != "extension"}
        if "extension" in args:
            codes = REGION.of().codes
            changes["extension"] = jsonable({codes[k]: v for k, v in args["extension"].items()})
        services.save_draft(a, changes, self.user.username, at=arrival())
        return self.done(_with_corrections, a)


@blp.route("/applications/<int:app_id>/submit")
class SubmitApplication(Resource):
    loader = application_for

    @authed(Perm.APPLICATION_EDIT)
    @blp.response(200, REGION("application"))
    def post(self, app_id):
        """Submit; afterwards the application is locked until the city returns it."""
        a = self.record(app_id, Perm.APPLICATION_EDIT)
        services.submit(a, self.user.username, at=arrival())  # issue 46: judged by when it arrived
        return self.done(application_json, a)


@blp.route("/applications/<int:app_id>/eligibility")
class Eligibility(Resource):
    loader = application_for

    @authed(Perm.APPLICATION_VIEW)
    @blp.response(200, EligibilitySchema)
    def get(self, app_id):
        """Eligibility results now (negative list, bans, removals, the region's rules) with reasons."""
        a = self.record(app_id)
        return {"results": eligibility.jsonable_results(eligibility.evaluate(a))}


@blp.route("/applications/<int:app_id>/score")
class Score(Resource):
    loader = application_for

    @authed(Perm.APPLICATION_VIEW)
    @blp.response(200, ScoreSchema)
    def get(self, app_id):
        """The live self-evaluation score of the stored indicator values (scoring engine); an empty
        object when the unit type has no indicator table this round."""
        return live_score(self.record(app_id)) or {}


@blp.route("/applications/<int:app_id>/return")
class ReturnApplication(Resource):
    loader = application_for

    @authed(Perm.APPLICATION_REVIEW)
    @blp.arguments(ReturnSchema)
    @blp.response(200, REGION("application"))
    def post(self, args, app_id):
        """Return for correction with a reason and an end time (city staff)."""
        a = self.record(app_id, Perm.APPLICATION_REVIEW)
        services.return_for_correction(a, args["reason"], args["until"], self.user.username)
        return self.done(application_json, a)


@blp.route("/applications/<int:app_id>/reject")
class RejectApplication(Resource):
    loader = application_for

    @authed(Perm.APPLICATION_REVIEW)
    @blp.arguments(ReasonSchema)
    @blp.response(200, REGION("application"))
    def post(self, args, app_id):
        """Reject with a reason (city staff)."""
        a = self.record(app_id, Perm.APPLICATION_REVIEW)
        services.reject(a, args["reason"], self.user.username)
        return self.done(application_json, a)


@blp.route("/applications/<int:app_id>/recommend")
class RecommendApplication(Resource):
    loader = application_for

    @authed(Perm.APPLICATION_REVIEW)
    @blp.arguments(RecommendSchema)
    @blp.response(200, REGION("recommend_result"))
    def post(self, args, app_id):
        """Recommend within the city's quota (city staff); 409 naming the quota when it is full."""
        a = self.record(app_id, Perm.APPLICATION_REVIEW)
        out = services.recommend(a, self.user.username, **args)
        commit()
        q = out["quota"]
        return {"application": application_json(a), "over_target": out["over_target"], "opinion": a.city_opinion,
                "warnings": eligibility.jsonable_results(out["warnings"]),
                "quota": None if q.unlimited else {"limit": q.limit, "used": out["used"], "binding": q.binding,
                                                   "source": q.source, "cite": q.cite}}


@blp.route("/applications/<int:app_id>/withdraw")
class WithdrawRecommendation(Resource):
    loader = application_for

    @authed(Perm.APPLICATION_REVIEW)
    @blp.arguments(ReasonSchema)
    @blp.response(200, REGION("application"))
    def post(self, args, app_id):
        """Withdraw a recommendation; its quota place is released (city staff)."""
        a = self.record(app_id, Perm.APPLICATION_REVIEW)
        services.withdraw_recommendation(a, args["reason"], self.user.username)
        return self.done(application_json, a)

# ------------------------------------------------------------- evidence --


@blp.route("/applications/<int:app_id>/evidence")
class EvidenceList(Resource):
    loader = application_for

    @authed(Perm.APPLICATION_VIEW)
    @blp.arguments(Paged, location="query")
    @blp.response(200, page_of(EvidenceSchema))
    def get(self, args, app_id):
        """Evidence files of an application, by section."""
        return window(evidence_service.listing(self.record(app_id)), args)

    @authed(Perm.APPLICATION_EDIT)
    @blp.arguments(EvidenceUploadSchema, location="form_and_files")
    @blp.response(201, EvidenceSchema)
    def post(self, form, app_id):
        """Upload one PDF (multipart: ``section``, ``file``). Checked by content; at most 10 MB."""
        a = self.record(app_id, Perm.APPLICATION_EDIT)
        upload = form["file"]
        row = None
        try:
            row = services.add_evidence(a, form["section"], upload.filename,
                                        evidence_service.read_upload(upload.stream), self.user.username,
                                        at=arrival())
            commit()
        except Exception:
            if row is not None:
                evidence_service.discard(row)
            raise
        return row


@blp.route("/applications/<int:app_id>/evidence/<int:evidence_id>")
class EvidenceFile(Resource):
    loader = application_for

    def guarded(self, app_id, evidence_id):
        """The evidence file a DELETE guards (its SHA-256 is the tag; claimed, so of two DELETEs one is made)."""
        return evidence_service.evidence_for(self.record(app_id), evidence_id)

    @authed(Perm.APPLICATION_VIEW)
    @blp.response(200, BINARY, content_type="application/pdf", description="the PDF, as an attachment")
    def get(self, app_id, evidence_id):
        """Download one evidence file (PDF, as an attachment)."""
        a = self.record(app_id)
        row = evidence_service.evidence_for(a, evidence_id)
        response = send_file(evidence_service.open_file(row), mimetype="application/pdf", as_attachment=True,
                             download_name=row.original_name, max_age=0)
        response.set_etag(row.sha256[:40])  # the file's own tag: the If-Match of its DELETE (issue 48)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @authed(Perm.APPLICATION_EDIT)
    @if_match
    @blp.response(204)
    def delete(self, app_id, evidence_id):
        """Delete one evidence file of a draft."""
        a = self.record(app_id, Perm.APPLICATION_EDIT)
        services.remove_evidence(a, evidence_service.evidence_for(a, evidence_id), self.user.username)
        commit()  # the file goes with the commit (core.storage.staging)

# -------------------------------------------------------- summary table --


def _city() -> AdminUnit:
    user = api_user()
    unit = db.session.get(AdminUnit, user.admin_unit_id) if user.admin_unit_id else None
    if unit is None:
        raise NotFound("Your account is not bound to a city.")
    return unit


@blp.route("/summary")
class Summary(Resource):
    @authed(Perm.SUMMARY)
    @blp.arguments(SummaryQuerySchema, location="query")
    @blp.response(200, BINARY, content_type=XLSX, description="the table in the region's layout (xlsx)")
    @blp.alt_response(202, schema=JobSchema, description="a large table: the background job that builds it")
    def get(self, args):
        """The city's recommendation table in the region's layout, print-ready (xlsx); with
        ``include_drafts`` a working copy of every application of the city to correct drafts in bulk.
        For more than GREENMFG_JOBS_INLINE_ROWS applications, 202 with a background job that builds it
        (follow ``Location``; the job's ``download_url`` gives the file)."""
        unit, c = _city(), _campaign(args["campaign_id"])
        drafts = args["include_drafts"]
        from core.applications import jobs as app_jobs  # issue 22: a large table is built by a job
        # here: the summary table's code loads with its requests only
        from core.applications import summary

        if app_jobs.export_in_background(unit, c, include_drafts=drafts):
            job = app_jobs.start_export(unit, c, self.user, include_drafts=drafts)
            return job_accepted(job)
        data = summary.export_xlsx(unit, c, self.user.username, include_drafts=drafts)
        db.session.commit()
        return attachment(data, summary.download_name(unit, c, include_drafts=drafts), XLSX)

    @authed(Perm.SUMMARY)
    @blp.arguments(CampaignQuerySchema, location="query")
    @blp.arguments(SummaryUploadSchema, location="files")
    @blp.response(200, ImportReportSchema)
    @blp.alt_response(202, schema=JobSchema, description="a large file: the background job that imports it")
    @blp.alt_response(422, schema=report_or_error("ImportReport"),
                      description="rows were rejected (the report), or the file cannot be read (Error); nothing "
                                  "was written")
    def post(self, args, files):
        """Import a filled table (multipart ``file``): create or update draft applications, all or nothing,
        with a report per row (422 with the report when a row is rejected)."""
        # here: the summary table's code loads with its requests only
        from core.applications import summary

        unit, c = _city(), _campaign(args["campaign_id"])
        data = files["file"].stream.read(summary.MAX_BYTES + 1)
        from core.applications import jobs as app_jobs  # issue 22: a large file is imported by a job

        if app_jobs.import_in_background(data):
            job = app_jobs.start_import(unit, c, data, self.user)
            return job_accepted(job)
        report = summary.import_xlsx(unit, c, data, self.user.username)
        if report["ok"]:
            commit()
            return report
        return report, 422


@blp.route("/recommendation-files")
class RecommendationFiles(Resource):
    @authed(Perm.CAMPAIGN_MANAGE)
    @blp.arguments(paged_query("CityFilesQuery", CampaignQuerySchema), location="query")
    @blp.response(200, page_of(CityRecommendationFilesSchema))
    def get(self, args):
        """The cities of a round with their 推荐文件 (province staff): ``missing`` marks a city without it where
        the region's rule requires it (Jiangxi 2024: 推荐文件、推荐汇总表…报送省工业和信息化厅)."""
        return window(city_recommendation.round_files_json(_campaign(args["campaign_id"])), args)

    @authed(Perm.SUMMARY)
    @blp.arguments(CampaignQuerySchema, location="query")
    @blp.arguments(RecommendationFileUploadSchema, location="files")
    @blp.response(201, RecommendationFileSchema)
    def post(self, args, files):
        """Upload the city's 推荐文件 for the round (multipart ``file``, a PDF checked by content; city staff); a
        new upload replaces the previous one."""
        unit, c = _city(), _campaign(args["campaign_id"])
        upload = files["file"]
        row = city_recommendation.upload_file(c, unit, upload.filename, evidence_service.read_upload(upload.stream),
                                              self.user.username)
        commit()
        return row


@blp.route("/recommendation-files/<int:file_id>")
class RecommendationFile(Resource):
    @authed(city_recommendation.may_read_files)
    @blp.response(200, BINARY, content_type="application/pdf", description="the PDF, as an attachment")
    def get(self, file_id):
        """Download a city's 推荐文件: the province any city's, a city its own (403 for another city's)."""
        row = city_recommendation.file_for(self.user, file_id)
        return attachment(city_recommendation.open_file(row).read(), city_recommendation.download_name(row),
                          "application/pdf")


@blp.route("/quotas")
class Quotas(Resource):
    @authed(Perm.SUMMARY)
    @blp.arguments(paged_query("CampaignPageQuery", CampaignQuerySchema), location="query")
    @blp.response(200, REGION("quota_page"))
    def get(self, args):
        """The city's quota use per unit type for a campaign."""
        unit, c = _city(), _campaign(args["campaign_id"])
        return window(c.unit_types or [], args, lambda t: services.quota_status(unit, t, c.year, c))


def register_api(api: Api, app: Flask) -> None:
    """Called by :func:`core.api.init_api`: the app's region schemas, then the blueprint declared once."""
    schemas = region_schemas(app.extensions["greenmfg"].rules)
    REGION.provide(app, schemas)
    app.extensions[ITEMS] = application_items(schemas.application)
    api.register_blueprint(blp)
    csrf.exempt(blp)
