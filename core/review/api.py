"""JSON API for evaluator firms, evaluation requests, the expert pool, assignments and scoring.

Bearer tokens only (see :mod:`core.applications.api`); every endpoint checks its permission
through :mod:`core.kernel.permissions` and calls the same services as the web pages.
Errors: 401 without a token, 403 for a role that may not act, 404 outside the user's scope,
409 for refusals (cap, sanction, avoidance, submitted scores), 422 for invalid input.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, send_file
from flask_smorest import Api

from core.accounts.permissions import Perm, application_for
from core.api import BINARY, Blueprint, authed
from core.api.paging import Paged, answer, window
from core.api.etags import if_match
from core.api.resource import Resource
from core.applications import evidence as evidence_service
from core.errors import GreenmfgError, InvalidInput, NotFound
from core.extensions import csrf
from flask_babel import gettext
from core.clock import aware, now
from core.kernel.permissions import may
from core.kernel.records import get_record
from core.kernel.uow import commit
from core.models import EvaluatorFirm, EvaluatorSanction, ExpertAssignment, ExpertProfile
from core.review import casefile, evaluation, evaluators, experts, reports
from core.review.access import ReviewPerm, staff_application
from core.review.schemas import (
    AffiliateSchema,
    AssignmentDetailSchema,
    AssignmentListSchema,
    AssignmentSchema,
    DeclineReasonSchema,
    EngagementAcceptSchema,
    EvaluationReportSchema,
    EvaluationRequestCreateSchema,
    EvaluationRequestListSchema,
    EvaluationRequestSchema,
    ExpertAssignSchema,
    ExpertCreateSchema,
    ExpertDrawSchema,
    ExpertListSchema,
    ExpertSchema,
    ExpertScoresSchema,
    FirmAffiliateCreateSchema,
    FirmCreateSchema,
    FirmListSchema,
    FirmQuerySchema,
    FirmSanctionCreateSchema,
    FirmSanctionSchema,
    FirmSchema,
    FirmUpdateSchema,
    ReportUploadSchema,
    ResultSchema,
    BulkAssignSchema,
    BulkDrawSchema,
    CaseFileSchema,
    EvaluationStateSchema,
    FileSchema,
    OutcomeListSchema,
    ReviewQueueQuerySchema,
    ReviewQueueSchema,
    ReviewStateSchema,
    SelfReportUploadSchema,
)

API_PREFIX = "/api/v1"


def _pdf(path, name: str):
    response = send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=name if name.lower().endswith(".pdf") else name + ".pdf", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


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
           "submitted_at": aware(row.submitted_at), "decline_reason": row.decline_reason}
    if with_scores:
        out["scores"] = row.scores or {}
        out["comment"] = row.comment
    return out


def outcome_json(outcome: dict[str, Any]) -> dict[str, Any]:
    """One application's outcome of a bulk draw or assignment, with its panel's progress."""
    application = outcome["application"]
    progress = experts.progress(application)
    return {"application_id": application.id, "field": outcome.get("field"),
            "assignments": [assignment_json(r, False) for r in outcome["drawn"]],
            "error": None if outcome["error"] is None else outcome["error"].to_dict(),
            "progress": progress_json(progress)}


def progress_json(progress: dict[str, Any]) -> dict[str, Any]:
    return {**{k: progress[k] for k in ("assigned", "submitted", "declined", "needed", "experts")},
            "result": result_json(progress["result"])}


def choice_json(row: dict[str, Any]) -> dict[str, Any]:
    firm = row["firm"]
    return {"firm_id": firm.id, "name": firm.name, "uscc": firm.uscc, "legal_representative": firm.legal_representative,
            "qualifies": row["qualifies"], "problems": [p.to_dict() for p in row["problems"]],
            "places_left": row["left"], "caps": row["caps"], "full": row["full"], "selectable": row["selectable"],
            "requirements": row["requirements"]}


def result_json(result) -> dict[str, Any] | None:
    if result is None:
        return None
    return {"score": float(result.score), "tier": result.tier, "tier_label": result.tier_label,
            "recommendable": result.recommendable, "experts": result.experts, "grading_source": result.grading_source,
            "indicator_means": result.indicator_means}


blp = Blueprint("review_api", __name__, url_prefix=API_PREFIX,
                description="Evaluator firms, evaluation requests, experts, assignments and scoring")

# --------------------------------------------------------- evaluators --


@blp.route("/evaluators")
class Firms(Resource):
    @authed(ReviewPerm.EVALUATOR_REGISTRY)
    @blp.arguments(Paged, location="query")
    @blp.response(200, FirmListSchema)
    def get(self, args):
        """The registry of evaluator firms with the region's requirements and any sanction."""
        return window(evaluators.firms(), args, firm_json)

    @authed(ReviewPerm.EVALUATOR_REGISTRY)
    @blp.arguments(FirmCreateSchema)
    @blp.response(201, FirmSchema)
    def post(self, args):
        """Register a firm (USCC, legal representative, qualifications)."""
        firm = evaluators.register_firm(self.user.username, **args)
        return self.done(firm_json, firm)


@blp.route("/evaluators/<int:firm_id>")
class Firm(Resource):

    def guarded(self, firm_id):
        """The firm a change guards (core.api.etags.if_match: its version is the tag)."""
        return evaluators.firm_or_404(firm_id)
    @authed(ReviewPerm.EVALUATOR_REGISTRY)
    @blp.arguments(FirmQuerySchema, location="query")
    @blp.response(200, FirmSchema)
    def get(self, args, firm_id):
        """One firm, with its use of each annual cap this year (``?year=``)."""
        year = args["year"] or now().year
        firm = evaluators.firm_or_404(firm_id)
        return {**firm_json(firm, year), "affiliates": [
            {"uscc": a.uscc, "name": a.name, "relation": a.relation} for a in evaluators.affiliates(firm)]}

    @authed(ReviewPerm.EVALUATOR_REGISTRY)
    @blp.arguments(FirmUpdateSchema)
    @if_match
    @blp.response(200, FirmSchema)
    def patch(self, args, firm_id):
        """Change a firm's name, legal representative or qualifications (audited diff)."""
        firm = evaluators.firm_or_404(firm_id)
        diff = evaluators.update_firm(self.user.username, firm, **args)
        commit()
        return {**firm_json(firm), "diff": diff}


@blp.route("/evaluators/<int:firm_id>/sanctions")
class Sanctions(Resource):
    @authed(ReviewPerm.EVALUATOR_REGISTRY)
    @blp.arguments(FirmSanctionCreateSchema)
    @blp.response(201, FirmSanctionSchema)
    def post(self, args, firm_id):
        """Sanction a firm; with a rule code the end date follows the rule (fraud: 3 years)."""
        firm = evaluators.firm_or_404(firm_id)
        row = evaluators.sanction_firm(self.user.username, firm, **args)
        commit()
        return {"firm_id": firm.id, "reason": row.reason, "starts_on": row.starts_on.isoformat(),
                "ends_on": row.ends_on.isoformat()}


@blp.route("/evaluators/<int:firm_id>/affiliates")
class Affiliates(Resource):
    @authed(ReviewPerm.EVALUATOR_REGISTRY)
    @blp.arguments(FirmAffiliateCreateSchema)
    @blp.response(201, AffiliateSchema)
    def post(self, args, firm_id):
        """Record an affiliate of a firm (the firm may not evaluate it)."""
        firm = evaluators.firm_or_404(firm_id)
        row = evaluators.add_affiliate(self.user.username, firm, **args)
        commit()
        return {"firm_id": firm.id, "uscc": row.uscc, "name": row.name, "relation": row.relation}

# ----------------------------------------------------------- requests --


@blp.route("/applications/<int:app_id>/evaluation-requests")
class AppRequests(Resource):
    loader = application_for

    @authed(ReviewPerm.EVALUATOR_REQUEST)
    @blp.arguments(Paged, location="query")
    @blp.response(200, EvaluationRequestListSchema)
    def get(self, args, app_id):
        """The applicant's requests to evaluator firms for one application."""
        application = self.record(app_id)
        return window(evaluators.requests_for_application(application.id), args, request_json)

    @authed(ReviewPerm.EVALUATOR_REQUEST)
    @blp.arguments(EvaluationRequestCreateSchema)
    @blp.response(201, EvaluationRequestSchema)
    def post(self, args, app_id):
        """Name a firm for third-party evaluation (refused at once when it may not evaluate the unit)."""
        user = self.user
        application = self.record(app_id)
        firm = evaluators.firm_or_404(args["firm_id"])
        row = evaluators.request_evaluation(user, application, firm, args["self_evaluation_by"])
        return self.done(request_json, row)


@blp.route("/applications/<int:app_id>/evaluation")
class AppEvaluation(Resource):
    loader = application_for

    @authed(Perm.APPLICATION_VIEW)
    @blp.response(200, EvaluationStateSchema)
    def get(self, app_id):
        """The evaluation of one application: the region's rule (modes, whether a report is required and which
        step waits for it, the on-site visit, the document and article), the mode, the engaged firm and its
        report, the requests, and for the applicant every firm with its places left and whether it qualifies."""
        user = self.user
        application = self.record(app_id)
        state = reports.status(application)
        engaged = evaluation.engagement(application)
        own = [{"id": e.id, "name": e.original_name, "pages": e.pages, "sha256": e.sha256}
               for e in state["self_reports"]]
        out = {"application_id": application.id, "mode": state["mode"], "allowed": state["allowed"],
               "third_party_required": state["third_party_required"],
               "report_required": state["report_required"], "report_stage": state["report_stage"],
               "on_site_visit": state["on_site_visit"], "source": state["source"], "cite": state["cite"],
               "rule": state["rule"], "filed": state["filed"], "report": reports.report_json(state["report"]),
               "self_reports": own, "engaged_firm_id": engaged.firm_id if engaged else None,
               "requests": [request_json(r) for r in evaluators.requests_for_application(application.id)]}
        if may(user, ReviewPerm.EVALUATOR_REQUEST):  # the applicant chooses among the firms
            out["firms"] = [choice_json(row) for row in evaluation.firm_choices(application)]
        return out


@blp.route("/applications/<int:app_id>/evaluation/self-report")
class SelfReport(Resource):
    loader = application_for

    @authed(Perm.APPLICATION_EDIT)
    @blp.arguments(SelfReportUploadSchema, location="form_and_files")
    @blp.response(201, FileSchema)
    def post(self, form, app_id):
        """The applicant's own self-evaluation report (multipart ``file``, a PDF), where the region requires a
        report and the application is self-evaluated; the round's submission lock applies."""
        user = self.user
        application = self.record(app_id, Perm.APPLICATION_EDIT)
        upload = form["file"]
        row = None
        try:
            row = evaluation.upload_self_report(user, application, upload.filename,
                                                evidence_service.read_upload(upload.stream))
            commit()
        except GreenmfgError:
            if row is not None:
                evidence_service.discard(row)
            raise
        return {"id": row.id, "section": row.section, "name": row.original_name, "pages": row.pages,
                "sha256": row.sha256}


@blp.route("/evaluation-requests")
class FirmRequests(Resource):
    @authed(ReviewPerm.ENGAGEMENT_DECIDE)
    @blp.arguments(Paged, location="query")
    @blp.response(200, EvaluationRequestListSchema)
    def get(self, args):
        """Requests addressed to the signed-in firm."""
        user = self.user
        if user.evaluator_firm_id is None:
            raise NotFound("No such evaluator firm.")
        return window(evaluators.requests_for_firm(user.evaluator_firm_id), args, request_json)


@blp.route("/evaluation-requests/<int:request_id>/accept")
class Accept(Resource):
    loader = evaluators.request_or_404

    @authed(ReviewPerm.ENGAGEMENT_DECIDE)
    @blp.arguments(EngagementAcceptSchema)
    @blp.response(200, EvaluationRequestSchema)
    def post(self, args, request_id):
        """Accept: independence is checked with the firm's declaration and a place in its annual cap is taken
        atomically (409 when the cap is full, naming it and its source)."""
        user = self.user
        row = self.record(request_id)  # an evaluator: its own firm's requests only
        engagement = evaluators.accept_request(user, row, **args)
        commit()
        return {**request_json(row), "cap_key": engagement.cap_key}


@blp.route("/evaluation-requests/<int:request_id>/report")
class Report(Resource):
    loader = evaluators.request_or_404

    @authed(ReviewPerm.ENGAGEMENT_DECIDE)
    @blp.arguments(ReportUploadSchema, location="form_and_files")
    @blp.response(201, EvaluationReportSchema)
    def post(self, form, request_id):
        """The engaged firm files its evaluation report (multipart: ``file``, a PDF checked like evidence;
        ``scores``, a JSON object of the evaluated score per indicator number, each 0 to its weight, where the
        region has an indicator table; ``score``, the evaluated total 0-100, required without a table and
        otherwise equal to the sum; ``visited_on``, the day of the on-site evaluation, ISO date, required where
        the region requires one). A new filing replaces the previous one; audited."""
        import json

        user = self.user
        row = self.record(request_id)
        upload = form["file"]
        raw = form.get("scores")
        try:
            scores = json.loads(raw) if raw else None
        except ValueError:
            raise InvalidInput("Scores must be given per indicator number.", field="scores") from None
        report = reports.file_report(user, row, evidence_service.read_upload(upload.stream), upload.filename,
                                     score=form.get("score"), scores=scores, visited_on=form.get("visited_on"))
        return self.done(reports.report_json, report)


@blp.route("/evaluation-requests/<int:request_id>/decline")
class Decline(Resource):
    loader = evaluators.request_or_404

    @authed(ReviewPerm.ENGAGEMENT_DECIDE)
    @blp.arguments(DeclineReasonSchema)
    @blp.response(200, EvaluationRequestSchema)
    def post(self, args, request_id):
        """Decline a request, with a reason."""
        user = self.user
        row = self.record(request_id)  # an evaluator: its own firm's requests only
        evaluators.decline_request(user, row, args["reason"])
        return self.done(request_json, row)

# ------------------------------------------------------------ experts --


@blp.route("/experts")
class Experts(Resource):
    @authed(ReviewPerm.REVIEW_MANAGE)
    @blp.arguments(Paged, location="query")
    @blp.response(200, ExpertListSchema)
    def get(self, args):
        """The expert pool of this instance."""
        return window(experts.pool(active_only=False), args, expert_json)

    @authed(ReviewPerm.REVIEW_MANAGE)
    @blp.arguments(ExpertCreateSchema)
    @blp.response(201, ExpertSchema)
    def post(self, args):
        """Add an expert: a new account (``username``, ``password``, ``name``), or an existing account with the
        expert role (``user_id``)."""
        from core.models import User

        args["fields"] = args.pop("fields_")
        user_id = args.pop("user_id")
        actor = self.user.username
        if user_id is not None:
            account = get_record(User, user_id)
            if account is None:
                raise NotFound("No such user.")
            args.pop("username"), args.pop("password")
            expert = experts.join_pool(actor, account, **args)
        else:
            for name in ("username", "password", "name"):
                if not args.get(name):
                    raise InvalidInput("Missing data for required field.", field=name)
            expert = experts.add_expert(actor, **args)
        return self.done(expert_json, expert)


@blp.route("/review/applications")
class ReviewQueue(Resource):
    @authed(ReviewPerm.REVIEW_MANAGE)
    @blp.arguments(ReviewQueueQuerySchema, location="query")
    @blp.response(200, ReviewQueueSchema)
    def get(self, args):
        """The applications under provincial review (``?year=``), 50 a page oldest first (keyset paging:
        ``?after=`` the page's ``next_after``), each with its panel's progress."""
        queue, next_after, _prev = experts.review_queue(year=args["year"], after=args["after"],
                                                        per_page=args["limit"])
        progress = experts.progress_many(queue)
        return answer([
            {"application_id": a.id, "organization": a.organization_name, "unit_type": a.unit_type,
             "level": a.level, "year": a.campaign.year, "status": str(a.status),
             "progress": progress_json(progress[a.id])} for a in queue], next_after)


@blp.route("/review/draws")
class Draws(Resource):
    loader = staff_application

    @authed(ReviewPerm.REVIEW_MANAGE)
    @blp.arguments(BulkDrawSchema)
    @blp.response(200, OutcomeListSchema)
    def post(self, args):
        """Draw experts for many applications at once: each panel brought to ``panel_size``, by one field or each
        application's own (``field_from``: unit_type, industry or any), avoidance as for one. Each application's
        outcome: the experts drawn, or the reason none could be (the others are served regardless)."""
        user = self.user
        applications = [self.record(i, ReviewPerm.REVIEW_MANAGE) for i in args["application_ids"]]
        outcomes = experts.draw_many(user.username, applications, args["panel_size"], args["field_from"],
                                     args["field"])
        commit()
        return {"outcomes": [outcome_json(o) for o in outcomes]}


@blp.route("/review/bulk-assignments")
class BulkAssign(Resource):
    loader = staff_application

    @authed(ReviewPerm.REVIEW_MANAGE)
    @blp.arguments(BulkAssignSchema)
    @blp.response(200, OutcomeListSchema)
    def post(self, args):
        """Assign one expert to many applications; an application the expert must avoid is reported with the
        reasons and left alone."""
        user = self.user
        applications = [self.record(i, ReviewPerm.REVIEW_MANAGE) for i in args["application_ids"]]
        outcomes = experts.assign_many(user.username, applications, experts.expert_or_404(args["expert_id"]))
        commit()
        return {"outcomes": [outcome_json(o) for o in outcomes]}


@blp.route("/review/case-files/<int:app_id>")
class CaseFile(Resource):
    @authed(Perm.TOKENS)
    @blp.response(200, CaseFileSchema)
    def get(self, app_id):
        """The whole application, read-only, for the engaged firm, an assigned expert or review staff: the
        organisation, the region's fields, the negative-list declaration, indicator values with the self-score,
        the evaluator's score and their evidence, every evidence file, the evaluation and its report. Files are
        downloaded from ``/evidence/{evidence_id}`` and ``/report`` below this address. 404 for anyone else."""
        application, capacity = casefile.access(self.user, app_id)
        return {"capacity": capacity, **casefile.build(application, gettext)}


@blp.route("/review/case-files/<int:app_id>/evidence/<int:evidence_id>")
class CaseFileEvidence(Resource):
    @authed(Perm.TOKENS)
    @blp.response(200, BINARY, content_type="application/pdf", description="the PDF, as an attachment")
    def get(self, app_id, evidence_id):
        """One evidence file of the case file (PDF)."""
        application, _capacity = casefile.access(self.user, app_id)
        row = casefile.evidence_file(application, evidence_id)
        return _pdf(evidence_service.open_file(row), row.original_name)


@blp.route("/review/case-files/<int:app_id>/report")
class CaseFileReport(Resource):
    @authed(Perm.TOKENS)
    @blp.response(200, BINARY, content_type="application/pdf", description="the PDF, as an attachment")
    def get(self, app_id):
        """The engaged firm's evaluation report (PDF)."""
        application, _capacity = casefile.access(self.user, app_id)
        report = reports.report_for(application)
        if report is None:
            raise NotFound("No such file.")
        return _pdf(reports.report_file(report), report.original_name)


@blp.route("/review/applications/<int:app_id>")
class Review(Resource):
    loader = staff_application

    @authed(ReviewPerm.REVIEW_MANAGE)
    @blp.response(200, ReviewStateSchema)
    def get(self, app_id):
        """Assignments with scores and deviations, each pool expert's conflicts, the panel result."""
        application = self.record(app_id, ReviewPerm.REVIEW_MANAGE)
        rows = experts.assignments(application)
        taken = {r.expert_id for r in rows}
        return {"application_id": application.id, "status": str(application.status),
                "assignments": [assignment_json(r, True) for r in rows],
                "table": experts.score_table(application, rows),
                "pool": [{"expert_id": e.id, "name": e.name, "conflicts": experts.conflicts(e, application)}
                         for e in experts.pool() if e.id not in taken],
                "result": result_json(experts.result_of(application))}


@blp.route("/review/applications/<int:app_id>/assignments")
class Assign(Resource):
    loader = staff_application

    @authed(ReviewPerm.REVIEW_MANAGE)
    @blp.arguments(ExpertAssignSchema)
    @blp.response(201, AssignmentSchema)
    def post(self, args, app_id):
        """Assign one expert (409 naming the reasons when the expert must avoid the application)."""
        user = self.user
        application = self.record(app_id, ReviewPerm.REVIEW_MANAGE)
        row = experts.assign(user.username, application, experts.expert_or_404(args["expert_id"]))
        return self.done(assignment_json, row, False)


@blp.route("/review/applications/<int:app_id>/draw")
class Draw(Resource):
    loader = staff_application

    @authed(ReviewPerm.REVIEW_MANAGE)
    @blp.arguments(ExpertDrawSchema)
    @blp.response(201, AssignmentListSchema)
    def post(self, args, app_id):
        """Draw experts at random from the pool (by field), leaving out those who must avoid it."""
        user = self.user
        application = self.record(app_id, ReviewPerm.REVIEW_MANAGE)
        rows = experts.draw(user.username, application, args["count"], args["field"])
        commit()
        return {"assignments": [assignment_json(r, False) for r in rows]}


@blp.route("/review/applications/<int:app_id>/grade")
class Grade(Resource):
    loader = staff_application

    @authed(ReviewPerm.REVIEW_MANAGE)
    @blp.response(200, ResultSchema)
    def post(self, app_id):
        """Record the panel result: mean of the submitted totals and the region's tier."""
        user = self.user
        application = self.record(app_id, ReviewPerm.REVIEW_MANAGE)
        result = experts.grade(user.username, application)
        return self.done(result_json, result)

# ---------------------------------------------------------- expert side --


@blp.route("/assignments")
class MyAssignments(Resource):
    @authed(ReviewPerm.EXPERT_SCORE)
    @blp.arguments(Paged, location="query")
    @blp.response(200, AssignmentListSchema)
    def get(self, args):
        """The signed-in expert's assignments."""
        return window(experts.my_assignments(self.user), args, lambda r: assignment_json(r, True))


@blp.route("/assignments/<int:assignment_id>")
class Assignment(Resource):
    loader = experts.assignment_for_expert

    def guarded(self, assignment_id):
        """The assignment a change guards (core.api.etags.if_match: its version is the tag)."""
        return self.record(assignment_id)

    @authed(ReviewPerm.EXPERT_SCORE)
    @blp.response(200, AssignmentDetailSchema)
    def get(self, assignment_id):
        """What to score (self-score per indicator), the expert's scores with deviations, the whole application
        (``case_file``, as ``/review/case-files/{id}``), and the other experts' scores once the panel's result
        is recorded (blind until then)."""
        user = self.user
        row = self.record(assignment_id)
        visible = experts.visible_assignments(user, row.application)
        others = [r for r in visible if r.id != row.id]
        return {**assignment_json(row, True), "table": experts.score_table(row.application, [row] + others),
                "others": [assignment_json(r, True) for r in others],
                "panel_closed": experts.panel_closed(row.application),
                "case_file": casefile.build(row.application, gettext) if row.status != "declined" else None}

    @authed(ReviewPerm.EXPERT_SCORE)
    @blp.arguments(ExpertScoresSchema)
    @if_match
    @blp.response(200, AssignmentDetailSchema)
    def patch(self, args, assignment_id):
        """Save scores per indicator number (0 to the indicator's weight; null clears one); what is not
        sent stays."""
        user = self.user
        row = self.record(assignment_id)
        diff = experts.save_scores(user, row, args.get("scores", {}), args.get("comment"))
        commit()
        return {**assignment_json(row, True), "diff": diff,
                "table": experts.score_table(row.application, [row])}


@blp.route("/assignments/<int:assignment_id>/submit")
class Submit(Resource):
    loader = experts.assignment_for_expert

    @authed(ReviewPerm.EXPERT_SCORE)
    @blp.response(200, AssignmentSchema)
    def post(self, assignment_id):
        """Submit the scores (final); the other experts' scores become visible once the panel's result is
        recorded."""
        user = self.user
        row = self.record(assignment_id)
        experts.submit_scores(user, row)
        return self.done(assignment_json, row, True)


@blp.route("/assignments/<int:assignment_id>/decline")
class DeclineAssignment(Resource):
    loader = experts.assignment_for_expert

    @authed(ReviewPerm.EXPERT_SCORE)
    @blp.arguments(DeclineReasonSchema)
    @blp.response(200, AssignmentSchema)
    def post(self, args, assignment_id):
        """Decline an assignment (e.g. a conflict of interest), with a reason."""
        user = self.user
        row = self.record(assignment_id)
        experts.decline(user, row, args["reason"])
        return self.done(assignment_json, row, False)


def register_api(api: Api, app: Flask) -> None:
    """Called by :func:`core.api.init_api`."""
    api.register_blueprint(blp)
    csrf.exempt(blp)
