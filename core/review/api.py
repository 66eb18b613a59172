"""JSON API for evaluator firms, evaluation requests, the expert pool, assignments and scoring.

Bearer tokens only (see :mod:`core.applications.api`); every endpoint checks its permission
through :mod:`core.accounts.permissions` and calls the same services as the web pages.
Errors: 401 without a token, 403 for a role that may not act, 404 outside the user's scope,
409 for refusals (cap, sanction, avoidance, submitted scores), 422 for invalid input.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask.views import MethodView
from flask_smorest import Api, Blueprint
from marshmallow import Schema, fields

from core.accounts import api_user
from core.applications import services as app_services
from core.applications.api import authed
from core.errors import GreenmfgError, InvalidInput, NotFound
from core.extensions import csrf, db
from core.models import EvaluatorFirm, EvaluatorSanction, ExpertAssignment, ExpertProfile, Role
from core.review import evaluators, experts
from core.review.access import ReviewPerm, staff_application

API_PREFIX = "/api/v1"


class FirmCreateSchema(Schema):
    uscc = fields.String(required=True)
    name = fields.String(required=True)
    legal_representative = fields.String(required=True)
    qualifications = fields.Dict(load_default=dict, metadata={"description": "keys of QUALIFICATION_FIELDS"})


class FirmUpdateSchema(Schema):
    name = fields.String()
    legal_representative = fields.String()
    qualifications = fields.Dict()


class FirmSanctionCreateSchema(Schema):
    reason = fields.String(required=True)
    starts_on = fields.Date(required=True)
    sanction_code = fields.String(load_default=None, metadata={"description": "a region sanction with a ban, "
                                                                              "e.g. fraud: 3 years"})
    ends_on = fields.Date(load_default=None)


class FirmAffiliateCreateSchema(Schema):
    uscc = fields.String(required=True)
    name = fields.String(required=True)
    relation = fields.String(required=True)


class EvaluationRequestCreateSchema(Schema):
    firm_id = fields.Integer(required=True)
    self_evaluation_by = fields.String(required=True, metadata={"description": "USCC of whoever wrote the "
                                                                               "self-evaluation"})


class EngagementAcceptSchema(Schema):
    wrote_self_evaluation = fields.Boolean(load_default=False)
    interested_party = fields.Boolean(load_default=False)


class DeclineReasonSchema(Schema):
    reason = fields.String(required=True)


class ExpertCreateSchema(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)
    name = fields.String(required=True)
    fields_ = fields.List(fields.String(), data_key="fields", load_default=list)
    employer_uscc = fields.String(load_default=None)
    employer_name = fields.String(load_default=None)
    admin_unit_code = fields.String(load_default=None)
    evaluator_firm_id = fields.Integer(load_default=None)


class ExpertAssignSchema(Schema):
    expert_id = fields.Integer(required=True)


class ExpertDrawSchema(Schema):
    count = fields.Integer(required=True)
    field = fields.String(load_default=None)


class ExpertScoresSchema(Schema):
    scores = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True), load_default=dict)
    comment = fields.String(load_default=None, allow_none=True)


def firm_json(firm: EvaluatorFirm, year: int | None = None) -> dict[str, Any]:
    sanction: EvaluatorSanction | None = evaluators.active_sanction(firm)
    out = {"id": firm.id, "uscc": firm.uscc, "name": firm.name, "legal_representative": firm.legal_representative,
           "qualifications": firm.qualifications or {}, "requirements": evaluators.requirement_results(firm),
           "sanction": None if sanction is None else {"reason": sanction.reason,
                                                      "starts_on": sanction.starts_on.isoformat(),
                                                      "ends_on": sanction.ends_on.isoformat()}}
    if year:
        out["caps"] = evaluators.cap_status(firm, year)
    return out


def request_json(row) -> dict[str, Any]:
    return {"id": row.id, "application_id": row.application_id, "firm_id": row.firm_id, "firm": row.firm.name,
            "status": row.status, "self_evaluation_by": row.self_evaluation_by, "reason": row.reason,
            "declarations": row.declarations or {}, "requested_by": row.requested_by, "decided_by": row.decided_by}


def expert_json(e: ExpertProfile) -> dict[str, Any]:
    return {"id": e.id, "name": e.name, "username": e.user.username, "employer_uscc": e.employer_uscc,
            "employer_name": e.employer_name, "admin_unit": e.admin_unit.code if e.admin_unit else None,
            "evaluator_firm_id": e.evaluator_firm_id, "fields": e.fields or [], "active": e.active}


def assignment_json(row: ExpertAssignment, with_scores: bool) -> dict[str, Any]:
    out = {"id": row.id, "application_id": row.application_id, "expert_id": row.expert_id, "expert": row.expert.name,
           "method": row.method, "status": row.status,
           "total": None if row.total is None else float(row.total),
           "submitted_at": app_services.aware(row.submitted_at), "decline_reason": row.decline_reason}
    if with_scores:
        out["scores"] = row.scores or {}
        out["comment"] = row.comment
    return out


def result_json(result) -> dict[str, Any] | None:
    if result is None:
        return None
    return {"score": float(result.score), "tier": result.tier, "tier_label": result.tier_label,
            "recommendable": result.recommendable, "experts": result.experts, "grading_source": result.grading_source,
            "indicator_means": result.indicator_means}


def make_blueprint() -> Blueprint:
    blp = Blueprint("review_api", __name__, url_prefix=API_PREFIX,
                    description="Evaluator firms, evaluation requests, experts, assignments and scoring")

    @blp.errorhandler(GreenmfgError)
    def _domain(exc: GreenmfgError):
        db.session.rollback()
        return {"errors": [exc.to_dict()]}, exc.http_status

    # --------------------------------------------------------- evaluators --

    @blp.route("/evaluators")
    class Firms(MethodView):
        @authed(ReviewPerm.EVALUATOR_REGISTRY)
        def get(self):
            """The registry of evaluator firms with the region's requirements and any sanction."""
            return {"firms": [firm_json(f) for f in evaluators.firms()]}

        @authed(ReviewPerm.EVALUATOR_REGISTRY)
        @blp.arguments(FirmCreateSchema)
        @blp.response(201)
        def post(self, args):
            """Register a firm (USCC, legal representative, qualifications)."""
            firm = evaluators.register_firm(api_user().username, **args)
            app_services.commit()
            return firm_json(firm)

    @blp.route("/evaluators/<int:firm_id>")
    class Firm(MethodView):
        @authed(ReviewPerm.EVALUATOR_REGISTRY)
        def get(self, firm_id):
            """One firm, with its use of each annual cap this year (``?year=``)."""
            year = request.args.get("year", type=int) or app_services.now().year
            firm = evaluators.firm_or_404(firm_id)
            return {**firm_json(firm, year), "affiliates": [
                {"uscc": a.uscc, "name": a.name, "relation": a.relation} for a in evaluators.affiliates(firm)]}

        @authed(ReviewPerm.EVALUATOR_REGISTRY)
        @blp.arguments(FirmUpdateSchema)
        def patch(self, args, firm_id):
            """Change a firm's name, legal representative or qualifications (audited diff)."""
            firm = evaluators.firm_or_404(firm_id)
            diff = evaluators.update_firm(api_user().username, firm, **args)
            app_services.commit()
            return {**firm_json(firm), "diff": diff}

    @blp.route("/evaluators/<int:firm_id>/sanctions")
    class Sanctions(MethodView):
        @authed(ReviewPerm.EVALUATOR_REGISTRY)
        @blp.arguments(FirmSanctionCreateSchema)
        @blp.response(201)
        def post(self, args, firm_id):
            """Sanction a firm; with a rule code the end date follows the rule (fraud: 3 years)."""
            firm = evaluators.firm_or_404(firm_id)
            row = evaluators.sanction_firm(api_user().username, firm, **args)
            app_services.commit()
            return {"firm_id": firm.id, "reason": row.reason, "starts_on": row.starts_on.isoformat(),
                    "ends_on": row.ends_on.isoformat()}

    @blp.route("/evaluators/<int:firm_id>/affiliates")
    class Affiliates(MethodView):
        @authed(ReviewPerm.EVALUATOR_REGISTRY)
        @blp.arguments(FirmAffiliateCreateSchema)
        @blp.response(201)
        def post(self, args, firm_id):
            """Record an affiliate of a firm (the firm may not evaluate it)."""
            firm = evaluators.firm_or_404(firm_id)
            row = evaluators.add_affiliate(api_user().username, firm, **args)
            app_services.commit()
            return {"firm_id": firm.id, "uscc": row.uscc, "name": row.name, "relation": row.relation}

    # ----------------------------------------------------------- requests --

    @blp.route("/applications/<int:app_id>/evaluation-requests")
    class AppRequests(MethodView):
        @authed(ReviewPerm.EVALUATOR_REQUEST)
        def get(self, app_id):
            """The applicant's requests to evaluator firms for one application."""
            from core.accounts.permissions import application_for

            application = application_for(api_user(), app_id)
            return {"requests": [request_json(r) for r in evaluators.requests_for_application(application.id)]}

        @authed(ReviewPerm.EVALUATOR_REQUEST)
        @blp.arguments(EvaluationRequestCreateSchema)
        @blp.response(201)
        def post(self, args, app_id):
            """Name a firm for third-party evaluation (refused at once when it may not evaluate the unit)."""
            from core.accounts.permissions import application_for

            user = api_user()
            application = application_for(user, app_id)
            firm = evaluators.firm_or_404(args["firm_id"])
            row = evaluators.request_evaluation(user, application, firm, args["self_evaluation_by"])
            app_services.commit()
            return request_json(row)

    @blp.route("/evaluation-requests")
    class FirmRequests(MethodView):
        @authed(ReviewPerm.ENGAGEMENT_DECIDE)
        def get(self):
            """Requests addressed to the signed-in firm."""
            user = api_user()
            if user.evaluator_firm_id is None:
                raise NotFound("No such evaluator firm.")
            return {"requests": [request_json(r) for r in evaluators.requests_for_firm(user.evaluator_firm_id)]}

    @blp.route("/evaluation-requests/<int:request_id>/accept")
    class Accept(MethodView):
        @authed(ReviewPerm.ENGAGEMENT_DECIDE)
        @blp.arguments(EngagementAcceptSchema)
        def post(self, args, request_id):
            """Accept: independence is checked with the firm's declaration and a place in its annual cap is taken
            atomically (409 when the cap is full, naming it and its source)."""
            user = api_user()
            row = evaluators.request_or_404(user, request_id)
            if user.role == Role.EVALUATOR and row.firm_id != user.evaluator_firm_id:
                raise NotFound("No such request.")
            engagement = evaluators.accept_request(user, row, **args)
            app_services.commit()
            return {**request_json(row), "cap_key": engagement.cap_key}

    @blp.route("/evaluation-requests/<int:request_id>/report")
    class Report(MethodView):
        @authed(ReviewPerm.ENGAGEMENT_DECIDE)
        def post(self, request_id):
            """The engaged firm files its evaluation report (multipart: ``file``, a PDF; ``score``, its evaluated
            total 0-100). A new filing replaces the previous one; audited."""
            from core.review import reports

            user = api_user()
            row = evaluators.request_or_404(user, request_id)
            upload = request.files.get("file")
            if upload is None:
                raise InvalidInput("Attach the file (multipart field 'file').", field="file")
            report = reports.file_report(user, row, upload.read(), upload.filename, request.form.get("score"))
            app_services.commit()
            return {"id": report.id, "request_id": row.id, "application_id": report.application_id,
                    "pages": report.pages, "sha256": report.sha256,
                    "score": None if report.score is None else float(report.score)}, 201

    @blp.route("/evaluation-requests/<int:request_id>/decline")
    class Decline(MethodView):
        @authed(ReviewPerm.ENGAGEMENT_DECIDE)
        @blp.arguments(DeclineReasonSchema)
        def post(self, args, request_id):
            """Decline a request, with a reason."""
            user = api_user()
            row = evaluators.request_or_404(user, request_id)
            if user.role == Role.EVALUATOR and row.firm_id != user.evaluator_firm_id:
                raise NotFound("No such request.")
            evaluators.decline_request(user, row, args["reason"])
            app_services.commit()
            return request_json(row)

    # ------------------------------------------------------------ experts --

    @blp.route("/experts")
    class Experts(MethodView):
        @authed(ReviewPerm.REVIEW_MANAGE)
        def get(self):
            """The expert pool of this instance."""
            return {"experts": [expert_json(e) for e in experts.pool(active_only=False)]}

        @authed(ReviewPerm.REVIEW_MANAGE)
        @blp.arguments(ExpertCreateSchema)
        @blp.response(201)
        def post(self, args):
            """Add an expert (creates the expert's account)."""
            args["fields"] = args.pop("fields_")
            expert = experts.add_expert(api_user().username, **args)
            app_services.commit()
            return expert_json(expert)

    @blp.route("/review/applications/<int:app_id>")
    class Review(MethodView):
        @authed(ReviewPerm.REVIEW_MANAGE)
        def get(self, app_id):
            """Assignments with scores and deviations, each pool expert's conflicts, the panel result."""
            user = api_user()
            application = staff_application(user, app_id, ReviewPerm.REVIEW_MANAGE)
            rows = experts.assignments(application)
            taken = {r.expert_id for r in rows}
            return {"application_id": application.id, "status": str(application.status),
                    "assignments": [assignment_json(r, True) for r in rows],
                    "table": experts.score_table(application, rows),
                    "pool": [{"expert_id": e.id, "name": e.name, "conflicts": experts.conflicts(e, application)}
                             for e in experts.pool() if e.id not in taken],
                    "result": result_json(experts.result_of(application))}

    @blp.route("/review/applications/<int:app_id>/assignments")
    class Assign(MethodView):
        @authed(ReviewPerm.REVIEW_MANAGE)
        @blp.arguments(ExpertAssignSchema)
        @blp.response(201)
        def post(self, args, app_id):
            """Assign one expert (409 naming the reasons when the expert must avoid the application)."""
            user = api_user()
            application = staff_application(user, app_id, ReviewPerm.REVIEW_MANAGE)
            row = experts.assign(user.username, application, experts.expert_or_404(args["expert_id"]))
            app_services.commit()
            return assignment_json(row, False)

    @blp.route("/review/applications/<int:app_id>/draw")
    class Draw(MethodView):
        @authed(ReviewPerm.REVIEW_MANAGE)
        @blp.arguments(ExpertDrawSchema)
        @blp.response(201)
        def post(self, args, app_id):
            """Draw experts at random from the pool (by field), leaving out those who must avoid it."""
            user = api_user()
            application = staff_application(user, app_id, ReviewPerm.REVIEW_MANAGE)
            rows = experts.draw(user.username, application, args["count"], args["field"])
            app_services.commit()
            return {"assignments": [assignment_json(r, False) for r in rows]}

    @blp.route("/review/applications/<int:app_id>/grade")
    class Grade(MethodView):
        @authed(ReviewPerm.REVIEW_MANAGE)
        def post(self, app_id):
            """Record the panel result: mean of the submitted totals and the region's tier."""
            user = api_user()
            application = staff_application(user, app_id, ReviewPerm.REVIEW_MANAGE)
            result = experts.grade(user.username, application)
            app_services.commit()
            return result_json(result)

    # ---------------------------------------------------------- expert side --

    @blp.route("/assignments")
    class MyAssignments(MethodView):
        @authed(ReviewPerm.EXPERT_SCORE)
        def get(self):
            """The signed-in expert's assignments."""
            return {"assignments": [assignment_json(r, True) for r in experts.my_assignments(api_user())]}

    @blp.route("/assignments/<int:assignment_id>")
    class Assignment(MethodView):
        @authed(ReviewPerm.EXPERT_SCORE)
        def get(self, assignment_id):
            """What to score (self-score per indicator), the expert's scores with deviations, and the other
            experts' scores once the expert's own are submitted (blind until then)."""
            user = api_user()
            row = experts.assignment_for_expert(user, assignment_id)
            visible = experts.visible_assignments(user, row.application)
            others = [r for r in visible if r.id != row.id]
            return {**assignment_json(row, True), "table": experts.score_table(row.application, [row] + others),
                    "others": [assignment_json(r, True) for r in others]}

        @authed(ReviewPerm.EXPERT_SCORE)
        @blp.arguments(ExpertScoresSchema)
        def patch(self, args, assignment_id):
            """Save scores per indicator number (0 to the indicator's weight; null clears one)."""
            user = api_user()
            row = experts.assignment_for_expert(user, assignment_id)
            diff = experts.save_scores(user, row, args["scores"], args["comment"])
            app_services.commit()
            return {**assignment_json(row, True), "diff": diff,
                    "table": experts.score_table(row.application, [row])}

    @blp.route("/assignments/<int:assignment_id>/submit")
    class Submit(MethodView):
        @authed(ReviewPerm.EXPERT_SCORE)
        def post(self, assignment_id):
            """Submit the scores (final); afterwards the other submitted scores become visible."""
            user = api_user()
            row = experts.assignment_for_expert(user, assignment_id)
            experts.submit_scores(user, row)
            app_services.commit()
            return assignment_json(row, True)

    @blp.route("/assignments/<int:assignment_id>/decline")
    class DeclineAssignment(MethodView):
        @authed(ReviewPerm.EXPERT_SCORE)
        @blp.arguments(DeclineReasonSchema)
        def post(self, args, assignment_id):
            """Decline an assignment (e.g. a conflict of interest), with a reason."""
            user = api_user()
            row = experts.assignment_for_expert(user, assignment_id)
            experts.decline(user, row, args["reason"])
            app_services.commit()
            return assignment_json(row, False)

    return blp


def register_api(api: Api, app: Flask) -> None:
    """Called by :func:`core.api.init_api`."""
    blp = make_blueprint()
    api.register_blueprint(blp)
    csrf.exempt(blp)
