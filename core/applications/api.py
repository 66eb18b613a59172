"""The JSON API for accounts, campaigns, applications, evidence and summary tables (flask-smorest).

Authentication is by API token only (``Authorization: Bearer gm_…``; tokens are created on the
account page): the API is exempt from CSRF, so it never accepts the session cookie. Every
endpoint goes through :mod:`core.accounts.permissions` and calls the same services as the web
pages. Errors: 401 without a valid token, 403 for a role that may not act, 404 for anything
outside the user's scope, 409 for refusals (deadline, lock, quota), 422 for invalid input with
messages per field in Chinese and English.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, Response, current_app, send_file
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_smorest import Api, Blueprint, abort
from sqlalchemy import select

from core.accounts import api_user
from core.accounts.permissions import Perm, application_for, application_scope, require
from core.applications import eligibility, services, summary
from core.applications import evidence as evidence_service
from core.applications.fields import bilingual_messages
from core.applications.schemas import (
    ApplicationCreateSchema,
    ApplicationPageSchema,
    ApplicationQuerySchema,
    ApplicationSchema,
    CampaignCreateSchema,
    CampaignQuerySchema,
    CampaignSchema,
    DeadlineChangeSchema,
    EvidenceFormSchema,
    EvidenceSchema,
    ExtensionSchema,
    StepExtensionSchema,
    FileSchema,
    ImportReportSchema,
    MeSchema,
    QuotaSchema,
    ReasonSchema,
    RecommendResultSchema,
    RecommendSchema,
    ReturnSchema,
    update_schema,
)
from core.applications.scoring import live_score
from core.errors import GreenmfgError, InvalidInput, NotFound
from core.extensions import csrf, db
from core.i18n import bilingual_text
from core.models import AdminUnit, Application, Campaign, Organization
from core.plugins.types import field_attr
from core.services import deadlines as step_rules
from core.services.uscc import normalize_uscc

API_PREFIX = "/api/v1"


_TOKEN_REQUIRED = _l("A valid API token is required (Authorization: Bearer <token>).")
_INVALID = _l("The input is invalid; see the messages per field.")


def _abort(code: int, lazy: Any, **params: Any):
    abort(code, message=bilingual_text(lazy, **params),
          headers={"WWW-Authenticate": "Bearer"} if code == 401 else None)


def authed(perm: Perm) -> Callable:
    """Outermost decorator: a valid bearer token (401) whose role has ``perm`` (403)."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            user = api_user()
            if user is None:
                _abort(401, _TOKEN_REQUIRED)
            require(user, perm)
            return view(*args, **kwargs)
        return wrapper
    return decorate


def _campaign(campaign_id: Any) -> Campaign:
    rules = current_app.extensions["greenmfg"].rules
    campaign = db.session.get(Campaign, campaign_id) if isinstance(campaign_id, int) and 0 < campaign_id < 2**31 \
        else None
    if campaign is None or campaign.region != rules.region_code:
        raise NotFound("No such campaign.")
    return campaign


def campaign_json(c: Campaign) -> dict[str, Any]:
    return {"id": c.id, "region": c.region, "year": c.year, "level": c.level, "title": c.title,
            "unit_types": c.unit_types, "opens_at": services.aware(c.opens_at), "closes_at": services.aware(c.closes_at),
            "deadlines": c.deadlines or {}, "deadline_reasons": c.deadline_reasons or {}}


def application_json(a: Application) -> dict[str, Any]:
    org = a.organization
    return {
        "id": a.id, "campaign_id": a.campaign_id, "organization": {"id": org.id, "name": org.name, "uscc": org.uscc},
        "admin_unit": {"code": a.admin_unit.code, "name": a.admin_unit.name}, "unit_type": a.unit_type,
        "level": a.level, "status": str(a.status), "evaluation_mode": a.evaluation_mode, "industry": a.industry,
        "requested_levels": a.requested_levels or [], "contact_name": a.contact_name,
        "contact_phone": a.contact_phone, "contact_email": a.contact_email, "declarations": a.declarations or {},
        "indicator_values": a.indicator_values or {}, "extension": a.extension_data or {},
        "score": None if a.score is None else float(a.score), "tier": a.tier,
        "deadline": services.deadline_of(a) if a.status in services.EDITABLE else None,
        "submitted_at": services.aware(a.submitted_at), "return_reason": a.return_reason,
        "return_until": services.aware(a.return_until), "decision_reason": a.decision_reason,
        "recommended_at": services.aware(a.recommended_at), "eligibility": a.eligibility,
        "recommended_levels": a.recommended_levels,
    }


def make_blueprint(app: Flask) -> Blueprint:
    rules = app.extensions["greenmfg"].rules
    update_cls = update_schema(rules)
    codes = {field_attr(f.code): f.code for f in rules.form_fields.values()}
    blp = Blueprint("applications_api", __name__, url_prefix=API_PREFIX,
                    description="Accounts, campaigns, applications, evidence, city review and summary tables")

    @blp.errorhandler(422)
    def _invalid(exc):
        data = getattr(exc, "data", None) or {}
        return {"code": 422, "status": "Unprocessable Entity", "message": bilingual_text(_INVALID),
                "errors": bilingual_messages(data.get("messages") or data.get("errors") or {})}, 422

    @blp.errorhandler(401)
    def _unauthenticated(exc):
        data = getattr(exc, "data", None) or {}
        return ({"code": 401, "status": "Unauthorized", "message": data.get("message") or bilingual_text(_TOKEN_REQUIRED)},
                401, {"WWW-Authenticate": "Bearer"})

    @blp.errorhandler(GreenmfgError)
    def _domain(exc: GreenmfgError):
        db.session.rollback()
        body: dict[str, Any] = {"errors": [exc.to_dict()]}
        if getattr(exc, "errors", None):
            body["fields"] = exc.errors
        return body, exc.http_status

    @blp.route("/me")
    class Me(MethodView):
        @blp.response(200, MeSchema)
        def get(self):
            """The account the token belongs to."""
            user = api_user()
            if user is None:
                _abort(401, _TOKEN_REQUIRED)
            return {"id": user.id, "username": user.username, "display_name": user.display_name,
                    "role": str(user.role), "organization_id": user.organization_id,
                    "admin_unit_id": user.admin_unit_id, "evaluator_firm_id": user.evaluator_firm_id}

    # ------------------------------------------------------------ campaigns --

    @blp.route("/campaigns")
    class Campaigns(MethodView):
        @blp.response(200, CampaignSchema(many=True))
        def get(self):
            """Campaigns of this region, newest first (any signed-in role)."""
            if api_user() is None:
                _abort(401, _TOKEN_REQUIRED)
            rows = db.session.scalars(select(Campaign).where(Campaign.region == rules.region_code)
                                      .order_by(Campaign.year.desc(), Campaign.id.desc()).limit(200))
            return [campaign_json(c) for c in rows]

        @authed(Perm.CAMPAIGN_MANAGE)
        @blp.arguments(CampaignCreateSchema)
        @blp.response(201, CampaignSchema)
        def post(self, args):
            """Open a campaign (province staff). Deadlines come from the region plugin."""
            c = services.open_campaign(actor=api_user().username, **args)
            services.commit()
            return campaign_json(c)

    @blp.route("/campaigns/<int:campaign_id>/deadlines")
    class CampaignDeadline(MethodView):
        @authed(Perm.CAMPAIGN_MANAGE)
        @blp.arguments(DeadlineChangeSchema)
        @blp.response(200, CampaignSchema)
        def post(self, args, campaign_id):
            """Change one deadline of a campaign, with a reason (audited)."""
            c = _campaign(campaign_id)
            value = args["at"] if args["code"] == "closes_at" and args["at"] else args["date"] or args["at"]
            services.change_deadline(c, args["code"], value, args["reason"], api_user().username)
            services.commit()
            return campaign_json(c)

    @blp.route("/campaigns/<int:campaign_id>/extensions")
    class CampaignExtension(MethodView):
        @authed(Perm.EXTENSION_GRANT)
        @blp.arguments(ExtensionSchema)
        @blp.response(201, ExtensionSchema)
        def post(self, args, campaign_id):
            """Let one applicant submit after the campaign deadline (province staff)."""
            c = _campaign(campaign_id)
            org = db.session.scalar(select(Organization).where(Organization.uscc == normalize_uscc(args["uscc"])))
            if org is None:
                raise NotFound("No organization with this credit code is registered.")
            row = services.grant_extension(c, org, args["until"], args["reason"], api_user().username)
            services.commit()
            return {"uscc": org.uscc, "until": services.aware(row.until), "reason": row.reason}

    @blp.route("/campaigns/<int:campaign_id>/step-extensions")
    class CampaignStepExtension(MethodView):
        @authed(Perm.EXTENSION_GRANT)
        @blp.arguments(StepExtensionSchema)
        @blp.response(201, StepExtensionSchema)
        def post(self, args, campaign_id):
            """Let one city act after one step's deadline of the campaign (province staff; audited)."""
            c = _campaign(campaign_id)
            unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == args["admin_unit"],
                                                             AdminUnit.region == c.region))
            if unit is None:
                raise NotFound("No such city.")
            row = step_rules.grant_step_extension(c, unit.id, args["step"], args["until"], args["reason"],
                                                  api_user().username)
            services.commit()
            return {"admin_unit": unit.code, "step": row.step, "until": services.aware(row.until), "reason": row.reason}

    # --------------------------------------------------------- applications --

    @blp.route("/applications")
    class Applications(MethodView):
        @authed(Perm.APPLICATION_VIEW)
        @blp.arguments(ApplicationQuerySchema, location="query")
        @blp.response(200, ApplicationPageSchema)
        def get(self, args):
            """Applications the caller may see (own organization, own city...), filtered, newest first."""
            query = select(Application).where(application_scope(api_user()))
            if args["status"]:
                query = query.where(Application.status == args["status"])
            if args["unit_type"]:
                query = query.where(Application.unit_type == args["unit_type"])
            if args["campaign_id"]:
                query = query.where(Application.campaign_id == args["campaign_id"])
            if args["q"]:
                query = query.join(Organization, Organization.id == Application.organization_id).where(
                    Organization.name.contains(args["q"], autoescape=True)
                    | Organization.uscc.startswith(args["q"].upper(), autoescape=True))
            per = args["per_page"]
            rows = db.session.scalars(query.order_by(Application.id.desc()).limit(per + 1)
                                      .offset((args["page"] - 1) * per)).all()
            return {"items": [application_json(a) for a in rows[:per]], "page": args["page"],
                    "has_next": len(rows) > per}

        @authed(Perm.APPLICATION_CREATE)
        @blp.arguments(ApplicationCreateSchema)
        @blp.response(201, ApplicationSchema)
        def post(self, args):
            """Start a draft (applicants)."""
            a = services.start_application(api_user(), _campaign(args["campaign_id"]), args["unit_type"])
            services.commit()
            return application_json(a)

    @blp.route("/applications/<int:app_id>")
    class OneApplication(MethodView):
        @authed(Perm.APPLICATION_VIEW)
        @blp.response(200, ApplicationSchema)
        def get(self, app_id):
            """One application (404 outside the caller's scope)."""
            a = application_for(api_user(), app_id)
            return {**application_json(a), "corrections": [{**c, "at": c["at"].isoformat()}
                                                           for c in services.corrections(a)]}

        @authed(Perm.APPLICATION_EDIT)
        @blp.arguments(update_cls(partial=True))
        @blp.response(200, ApplicationSchema)
        def patch(self, args, app_id):
            """Save draft data: any subset of the fields; required ones are checked on submission."""
            a = application_for(api_user(), app_id, Perm.APPLICATION_EDIT)
            changes = {k: v for k, v in args.items() if k not in codes}
            ext = {codes[k]: v for k, v in args.items() if k in codes}
            if ext:
                changes["extension"] = _json_ready(ext)
            services.save_draft(a, changes, api_user().username)
            services.commit()
            return application_json(a)

    def _json_ready(values: dict[str, Any]) -> dict[str, Any]:
        from core.applications.fields import jsonable

        return jsonable(values)

    @blp.route("/applications/<int:app_id>/submit")
    class Submit(MethodView):
        @authed(Perm.APPLICATION_EDIT)
        @blp.response(200, ApplicationSchema)
        def post(self, app_id):
            """Submit; afterwards the application is locked until the city returns it."""
            a = application_for(api_user(), app_id, Perm.APPLICATION_EDIT)
            services.submit(a, api_user().username)
            services.commit()
            return application_json(a)

    @blp.route("/applications/<int:app_id>/eligibility")
    class Eligibility(MethodView):
        @authed(Perm.APPLICATION_VIEW)
        def get(self, app_id):
            """Eligibility results now (negative list, bans, removals, the region's rules) with reasons."""
            a = application_for(api_user(), app_id)
            return {"results": eligibility.jsonable_results(eligibility.evaluate(a))}

    @blp.route("/applications/<int:app_id>/score")
    class Score(MethodView):
        @authed(Perm.APPLICATION_VIEW)
        def get(self, app_id):
            """The live self-evaluation score of the stored indicator values (scoring engine)."""
            return live_score(application_for(api_user(), app_id)) or {}

    @blp.route("/applications/<int:app_id>/return")
    class Return(MethodView):
        @authed(Perm.APPLICATION_REVIEW)
        @blp.arguments(ReturnSchema)
        @blp.response(200, ApplicationSchema)
        def post(self, args, app_id):
            """Return for correction with a reason and an end time (city staff)."""
            a = application_for(api_user(), app_id, Perm.APPLICATION_REVIEW)
            services.return_for_correction(a, args["reason"], args["until"], api_user().username)
            services.commit()
            return application_json(a)

    @blp.route("/applications/<int:app_id>/reject")
    class Reject(MethodView):
        @authed(Perm.APPLICATION_REVIEW)
        @blp.arguments(ReasonSchema)
        @blp.response(200, ApplicationSchema)
        def post(self, args, app_id):
            """Reject with a reason (city staff)."""
            a = application_for(api_user(), app_id, Perm.APPLICATION_REVIEW)
            services.reject(a, args["reason"], api_user().username)
            services.commit()
            return application_json(a)

    @blp.route("/applications/<int:app_id>/recommend")
    class Recommend(MethodView):
        @authed(Perm.APPLICATION_REVIEW)
        @blp.arguments(RecommendSchema)
        @blp.response(200, RecommendResultSchema)
        def post(self, args, app_id):
            """Recommend within the city's quota (city staff); 409 naming the quota when it is full."""
            a = application_for(api_user(), app_id, Perm.APPLICATION_REVIEW)
            out = services.recommend(a, api_user().username, **args)
            services.commit()
            q = out["quota"]
            return {"application": application_json(a), "over_target": out["over_target"],
                    "warnings": eligibility.jsonable_results(out["warnings"]),
                    "quota": None if q.unlimited else {"limit": q.limit, "used": out["used"], "binding": q.binding,
                                                       "source": q.source, "cite": q.cite}}

    @blp.route("/applications/<int:app_id>/withdraw")
    class Withdraw(MethodView):
        @authed(Perm.APPLICATION_REVIEW)
        @blp.arguments(ReasonSchema)
        @blp.response(200, ApplicationSchema)
        def post(self, args, app_id):
            """Withdraw a recommendation; its quota place is released (city staff)."""
            a = application_for(api_user(), app_id, Perm.APPLICATION_REVIEW)
            services.withdraw_recommendation(a, args["reason"], api_user().username)
            services.commit()
            return application_json(a)

    # ------------------------------------------------------------- evidence --

    @blp.route("/applications/<int:app_id>/evidence")
    class EvidenceList(MethodView):
        @authed(Perm.APPLICATION_VIEW)
        @blp.response(200, EvidenceSchema(many=True))
        def get(self, app_id):
            """Evidence files of an application."""
            return evidence_service.listing(application_for(api_user(), app_id))

        @authed(Perm.APPLICATION_EDIT)
        @blp.arguments(EvidenceFormSchema, location="form")
        @blp.arguments(FileSchema, location="files")
        @blp.response(201, EvidenceSchema)
        def post(self, form, files, app_id):
            """Upload one PDF (multipart: section, file). Checked by content; at most 10 MB."""
            a = application_for(api_user(), app_id, Perm.APPLICATION_EDIT)
            upload = files["file"]
            if not hasattr(upload, "stream"):
                raise InvalidInput("Missing data for required field.", field="file")
            row = None
            try:
                row = services.add_evidence(a, form["section"], upload.filename,
                                            evidence_service.read_upload(upload.stream), api_user().username)
                services.commit()
            except Exception:
                if row is not None:
                    evidence_service.discard(row)
                raise
            return row

    @blp.route("/applications/<int:app_id>/evidence/<int:evidence_id>")
    class EvidenceFile(MethodView):
        @authed(Perm.APPLICATION_VIEW)
        def get(self, app_id, evidence_id):
            """Download one evidence file (PDF, as an attachment)."""
            a = application_for(api_user(), app_id)
            row = evidence_service.evidence_for(a, evidence_id)
            response = send_file(evidence_service.path_of(row), mimetype="application/pdf", as_attachment=True,
                                 download_name=row.original_name, max_age=0)
            response.headers["X-Content-Type-Options"] = "nosniff"
            return response

        @authed(Perm.APPLICATION_EDIT)
        @blp.response(204)
        def delete(self, app_id, evidence_id):
            """Delete one evidence file of a draft."""
            a = application_for(api_user(), app_id, Perm.APPLICATION_EDIT)
            name = services.remove_evidence(a, evidence_service.evidence_for(a, evidence_id), api_user().username)
            services.commit()
            (evidence_service.storage_dir() / name).unlink(missing_ok=True)

    # -------------------------------------------------------- summary table --

    def _city() -> AdminUnit:
        user = api_user()
        unit = db.session.get(AdminUnit, user.admin_unit_id) if user.admin_unit_id else None
        if unit is None:
            raise NotFound("Your account is not bound to a city.")
        return unit

    @blp.route("/summary")
    class Summary(MethodView):
        @authed(Perm.SUMMARY)
        @blp.arguments(CampaignQuerySchema, location="query")
        def get(self, args):
            """The city's recommendation table in the region's layout (xlsx)."""
            unit, c = _city(), _campaign(args["campaign_id"])
            data = summary.export_xlsx(unit, c, api_user().username)
            db.session.commit()
            return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            headers={"Content-Disposition": f'attachment; filename="summary-{c.year}-{unit.code}.xlsx"',
                                     "X-Content-Type-Options": "nosniff"})

        @authed(Perm.SUMMARY)
        @blp.arguments(CampaignQuerySchema, location="query")
        @blp.arguments(FileSchema, location="files")
        @blp.response(200, ImportReportSchema)
        @blp.alt_response(422, schema=ImportReportSchema, description="rows were rejected; nothing was written")
        def post(self, args, files):
            """Import a filled table: create or update draft applications (all or nothing, row-by-row report)."""
            unit, c = _city(), _campaign(args["campaign_id"])
            upload = files["file"]
            if not hasattr(upload, "stream"):
                raise InvalidInput("Missing data for required field.", field="file")
            report = summary.import_xlsx(unit, c, upload.stream.read(summary.MAX_BYTES + 1), api_user().username)
            if report["ok"]:
                services.commit()
                return report
            return report, 422

    @blp.route("/quotas")
    class Quotas(MethodView):
        @authed(Perm.SUMMARY)
        @blp.arguments(CampaignQuerySchema, location="query")
        @blp.response(200, QuotaSchema(many=True))
        def get(self, args):
            """The city's quota use per unit type for a campaign."""
            unit, c = _city(), _campaign(args["campaign_id"])
            return [services.quota_status(unit, t, c.year) for t in c.unit_types or []]

    return blp


def register_api(api: Api, app: Flask) -> None:
    """Called by :func:`core.api.init_api`: the bearer scheme and this package's blueprint."""
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    blp = make_blueprint(app)
    api.register_blueprint(blp)
    csrf.exempt(blp)
