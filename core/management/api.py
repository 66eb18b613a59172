"""JSON API of dynamic management (flask-smorest, under /api/v1/management).

Bearer tokens only (the API is exempt from CSRF); the same services and the same scoping as
the web pages. Complaints may be filed without a token (anyone may complain, under their
real name). Errors: 401 without a token, 403 for a role that may not act, 404 outside the
user's scope, 409 for refusals, 422 for invalid input, each in Chinese and English.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask_smorest import Api
from sqlalchemy import select

from core.accounts import api_user
from core.api import Blueprint, authed, documents, limited, optional_auth
from core.api.paging import page_of, paged_query, window
from core.api.sync import synced, synced_query
from core.api.etags import if_match
from core.api.resource import Resource
from core.errors import InvalidInput, NotFound
from core.extensions import csrf, db
from core.clock import today
from core.kernel.permissions import require
from core.kernel.uow import commit
from core.management import (
    access,
    bans,
    changes,
    complaints,
    dashboard,
    filings,
    removals,
    rereview_opinion,
    rereviews,
    round_filings,
)
from core.management.access import ManagementPerm
from core.management.schemas import (
    BanCreate,
    BanLift,
    BanQuery,
    BanSchema,
    ChangeCreate,
    ChangeReviewBody,
    ChangeSchema,
    ComplaintCreate,
    ComplaintSchema,
    ComplaintVerify,
    DashboardSchema,
    FilingReview,
    FilingSchema,
    FilingUpdate,
    PublishBody,
    RectificationBody,
    RemovalCreate,
    RemovalDecision,
    RemovalSchema,
    ReReviewBody,
    ReReviewExpertDraw,
    ReReviewOpinionBody,
    ReReviewSchema,
    ReReviewYearQuery,
    RoundFilingOpen,
    RoundFilingQuery,
    RoundFilingSchema,
    RoundFilingsOpened,
    RoundFilingUpdate,
    YearQuery,
)
from core.models import (
    AnnualFiling,
    Ban,
    Campaign,
    ChangeReport,
    Complaint,
    EvaluatorFirm,
    Organization,
    Removal,
    ReReview,
    RoundFiling,
)
from core.services.uscc import normalize_uscc
from core.web.pagecache import kept

# ----------------------------------------------------------------- output --


def _d(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def filing_json(f: AnnualFiling) -> dict[str, Any]:
    return {"id": f.id, "year": f.year, "organization": {"id": f.organization_id, "name": f.organization.name,
                                                         "uscc": f.organization.uscc},
            "unit_type": f.unit_type, "levels": f.levels, "status": filings.status_of(f), "due_on": _d(f.due_on),
            "deadline": _d(filings.deadline_of(f)), "industry": f.industry, "values": f.values or {},
            "key_data": f.key_data or {}, "score": None if f.score is None else float(f.score),
            "complete": f.complete, "review_note": f.review_note,
            "standing": [{"level": s.level, "total": None if s.total is None else float(s.total),
                          "rank": s.rank_national, "of": filings.population(s.unit_type, s.level, s.year),
                          "rank_province": s.rank_province, "green_code": s.green_code,
                          "bottom_share": s.bottom_share, "bottom_streak": s.bottom_streak}
                         for s in filings.standing(f)], "updated_at": f.updated_at}


def removal_json(r: Removal) -> dict[str, Any]:
    return {"id": r.id, "organization": {"id": r.organization_id, "name": r.org_name, "uscc": r.uscc},
            "unit_type": r.unit_type, "levels": r.levels, "sanction": r.sanction_code,
            "sanction_title": r.sanction_title, "sanction_source": r.sanction_source, "cite": r.cite,
            "immediate": r.immediate, "reason": r.reason, "evidence_note": r.evidence_note, "status": r.status,
            "source": r.source, "proposed_by": r.proposed_by, "decided_by": r.decided_by,
            "decision_note": r.decision_note, "published_on": _d(r.published_on), "notice_no": r.notice_no,
            "entries": r.entries or [], "ban_id": r.ban_id, "updated_at": r.updated_at}


def complaint_json(c: Complaint, full: bool = True) -> dict[str, Any]:
    out = {"id": c.id, "status": c.status, "subject_uscc": c.subject_uscc, "subject_name": c.subject_name,
           "subject_kind": c.subject_kind}
    if full:
        out.update({"updated_at": c.updated_at, "complainant_name": c.complainant_name, "complainant_contact": c.complainant_contact,
                    "content": c.content, "evidence_note": c.evidence_note, "finding": c.finding,
                    "rectify_until": _d(c.rectify_until), "rectified_on": _d(c.rectified_on),
                    "removal_id": c.removal_id, "ban_id": c.ban_id})
    return out


def change_json(c: ChangeReport) -> dict[str, Any]:
    return {"id": c.id, "organization_id": c.organization_id, "kinds": c.kinds, "before": c.before,
            "after": c.after, "description": c.description, "status": c.status, "review_note": c.review_note,
            "higher_levels": c.higher_levels, "send_up_year": c.send_up_year, "removal_id": c.removal_id,
            "updated_at": c.updated_at}


def rereview_json(r: ReReview) -> dict[str, Any]:
    return {"id": r.id, "organization_id": r.organization_id, "unit_type": r.unit_type, "cycle_year": r.cycle_year,
            "listed_year": r.listed_year, "status": r.status, "scheduled_on": _d(r.scheduled_on),
            "result_note": r.result_note, "removal_id": r.removal_id, "basis": r.basis, "reviewed_at": r.reviewed_at,
            "opinion_experts": r.opinion_experts, "opinion": r.opinion, "opinion_note": r.opinion_note,
            "opinion_at": r.opinion_at, "updated_at": r.updated_at}


def ban_json(b: Ban, names: dict[str, str] | None = None) -> dict[str, Any]:
    on = today()
    return {"id": b.id, "uscc": b.uscc, "name": (names or {}).get(b.uscc), "subject": b.subject, "reason": b.reason,
            "sanction_code": b.sanction_code, "starts_on": _d(b.starts_on), "ends_on": _d(b.ends_on),
            "active": b.starts_on <= on <= b.ends_on}


def _ban_names(rows: list[Ban]) -> dict[str, str]:
    codes = {b.uscc for b in rows}
    names = {o.uscc: o.name for o in db.session.scalars(select(Organization).where(Organization.uscc.in_(codes)))}
    names.update({f.uscc: f.name for f in db.session.scalars(select(EvaluatorFirm).where(
        EvaluatorFirm.uscc.in_(codes)))})
    return names


def _org(uscc: str) -> Organization:
    user = api_user()
    code = normalize_uscc(uscc)
    org = db.session.scalar(select(Organization).where(
        Organization.uscc == code, access.scope(user, Organization.admin_unit_id, Organization.id)))
    if org is None:
        raise InvalidInput("No organization with this credit code in your area.", field="uscc")
    return org


def scoped(model: Any, **options: Any) -> Callable[..., Any]:
    """The load-or-404 of a ``model`` row under the user's scope (:func:`core.management.access.load`)."""
    def load(user: Any, ident: Any, perm: str = ManagementPerm.VIEW) -> Any:
        return access.load(user, model, ident, perm=perm, **options)
    return load


blp = Blueprint("management_api", __name__, url_prefix="/api/v1/management",
                description="Listed units over the years: filings, removals, bans, complaints, changes, "
                            "re-reviews, dashboards")

#: the collections' queries: their filters and the paging parameters (core.api.paging)
#: the collections a system around the platform keeps in step: updated_since and sort (core.api.sync, issue 58)
FilingPage = synced_query("FilingPageQuery", YearQuery, ("id", "updated_at", "year"))
RemovalPage = synced_query("RemovalPageQuery", YearQuery)
ReReviewPage = synced_query("ReReviewPageQuery", YearQuery, ("id", "updated_at", "cycle_year"))
AwaitingOpinionPage = synced_query("AwaitingOpinionPageQuery", ReReviewYearQuery, ("id", "updated_at", "cycle_year"))
ComplaintPage = synced_query("ComplaintPageQuery")
ChangePage = synced_query("ChangePageQuery")
RoundFilingPage = synced_query("RoundFilingPageQuery", RoundFilingQuery)
BanPage = paged_query("BanPageQuery", BanQuery)

# ------------------------------------------------------------ filings --


@blp.route("/filings")
class Filings(Resource):
    @authed(ManagementPerm.VIEW)
    @blp.arguments(FilingPage, location="query")
    @blp.response(200, page_of(FilingSchema))
    def get(self, args):
        """Filings the user may see (a unit: its own; a city: its units'; the province: all), oldest first."""
        user = self.user
        query = select(AnnualFiling).where(access.scope(user, AnnualFiling.admin_unit_id,
                                                        AnnualFiling.organization_id))
        if args["year"]:
            query = query.where(AnnualFiling.year == args["year"])
        if args["status"]:
            query = query.where(filings.status_column() == args["status"])  # past its deadline: overdue
        return synced(query, AnnualFiling, args, filing_json)


@blp.route("/filings/<int:ident>")
class Filing(Resource):
    loader = scoped(AnnualFiling)

    def guarded(self, ident):
        """The filing a change guards (core.api.etags.if_match: its version is the tag)."""
        return self.record(ident)

    @authed(ManagementPerm.VIEW)
    @blp.response(200, FilingSchema)
    def get(self, ident):
        """One filing with its live score and, once accepted, its rank."""
        return filing_json(self.record(ident))

    @authed(ManagementPerm.FILE)
    @blp.arguments(FilingUpdate)
    @if_match
    @blp.response(200, FilingSchema)
    def patch(self, args, ident):
        """Save values (the unit, until the due date; not after submission); only the fields sent change."""
        f = self.record(ident, ManagementPerm.FILE)
        filings.save(f, args, self.user.username)
        return self.done(filing_json, f)


@blp.route("/filings/<int:ident>/submit")
class FilingSubmit(Resource):
    loader = scoped(AnnualFiling)

    @authed(ManagementPerm.FILE)
    @blp.response(200, FilingSchema)
    def post(self, ident):
        """Submit the filing; it is locked afterwards."""
        f = self.record(ident, ManagementPerm.FILE)
        filings.submit(f, self.user.username)
        return self.done(filing_json, f)


@blp.route("/filings/<int:ident>/review")
class FilingReviewView(Resource):
    loader = scoped(AnnualFiling)

    @authed(ManagementPerm.REVIEW)
    @blp.arguments(FilingReview)
    @blp.response(200, FilingSchema)
    def post(self, args, ident):
        """The city accepts a filing (it is then ranked) or returns it for correction until a date."""
        f = self.record(ident, ManagementPerm.REVIEW)
        if args["decision"] == "accept":
            filings.accept(f, self.user.username, args["note"])
        else:
            filings.return_filing(f, args["note"], args["until"], self.user.username)
        return self.done(filing_json, f)

# ------------------------------------------------------ round filings --
# issue 15: the filing a round's document asks of listed units (Hunan 2025: existing national units by 10-27)


@blp.route("/round-filings")
class RoundFilings(Resource):
    @authed(ManagementPerm.VIEW)
    @blp.arguments(RoundFilingPage, location="query")
    @blp.response(200, page_of(RoundFilingSchema))
    def get(self, args):
        """Round filings the user may see (a unit: its own; a city: its units'; the province: all)."""
        user = self.user
        query = select(RoundFiling).where(access.scope(user, RoundFiling.admin_unit_id,
                                                       RoundFiling.organization_id))
        if args["campaign_id"]:
            query = query.where(RoundFiling.campaign_id == args["campaign_id"])
        return synced(query, RoundFiling, args, round_filings.filing_json)

    @authed(ManagementPerm.DECIDE)
    @blp.arguments(RoundFilingOpen)
    @blp.response(201, RoundFilingsOpened)
    def post(self, args):
        """Open the round's filings for every unit that owes one (province staff; idempotent)."""
        campaign = db.session.get(Campaign, args["campaign_id"])
        if campaign is None:
            raise NotFound("No such campaign.")
        created = round_filings.open_round(campaign, self.user.username)
        commit()
        return {"created": created}


@blp.route("/round-filings/<int:ident>")
class OneRoundFiling(Resource):
    loader = scoped(RoundFiling)

    def guarded(self, ident):
        """The round filing a change guards (core.api.etags.if_match: its version is the tag)."""
        return self.record(ident)

    @authed(ManagementPerm.VIEW)
    @blp.response(200, RoundFilingSchema)
    def get(self, ident):
        """One round filing with its due date and the rule it comes from."""
        return round_filings.filing_json(self.record(ident))

    @authed(ManagementPerm.FILE)
    @blp.arguments(RoundFilingUpdate)
    @if_match
    @blp.response(200, RoundFilingSchema)
    def patch(self, args, ident):
        """Save the self-evaluation (the unit, until 24:00 Beijing time of the round's date)."""
        f = self.record(ident, ManagementPerm.FILE)
        round_filings.save(f, args, self.user.username)
        return self.done(round_filings.filing_json, f)


@blp.route("/round-filings/<int:ident>/submit")
class RoundFilingSubmit(Resource):
    loader = scoped(RoundFiling)

    @authed(ManagementPerm.FILE)
    @blp.response(200, RoundFilingSchema)
    def post(self, ident):
        """Submit the round filing by its date; it is locked afterwards."""
        f = self.record(ident, ManagementPerm.FILE)
        round_filings.submit(f, self.user.username)
        return self.done(round_filings.filing_json, f)

# ----------------------------------------------------------- removals --


@blp.route("/removals")
class Removals(Resource):
    @authed(ManagementPerm.PROPOSE)
    @blp.arguments(RemovalPage, location="query")
    @blp.response(200, page_of(RemovalSchema))
    def get(self, args):
        """Removals in the user's scope."""
        query = removals.visible(select(Removal), self.user)
        if args["status"]:
            query = query.where(Removal.status == args["status"])
        return synced(query, Removal, args, removal_json)

    @authed(ManagementPerm.PROPOSE)
    @blp.arguments(RemovalCreate)
    @blp.response(201, RemovalSchema)
    def post(self, args):
        """Propose a removal (or, for province staff and a 重大 accident, remove at once)."""
        org, actor = _org(args["uscc"]), self.user.username
        if args["immediate"]:
            require(self.user, ManagementPerm.DECIDE)
            r = removals.remove_immediately(org, args["sanction"], args["reason"], args["evidence_note"], actor,
                                            notice_no=args["notice_no"])
        else:
            r = removals.propose(org, args["sanction"], args["reason"], actor, levels=args["levels"],
                                 unit_type=args["unit_type"], evidence_note=args["evidence_note"])
        return self.done(removal_json, r)


@blp.route("/removals/<int:ident>/decision")
class RemovalDecisionView(Resource):
    loader = scoped(Removal)

    @authed(ManagementPerm.DECIDE)
    @blp.arguments(RemovalDecision)
    @blp.response(200, RemovalSchema)
    def post(self, args, ident):
        """The province approves or rejects a proposal."""
        r = self.record(ident, ManagementPerm.DECIDE)
        removals.decide(r, args["approve"], args["note"], self.user.username, notice_no=args["notice_no"])
        return self.done(removal_json, r)


@blp.route("/removals/publish")
class RemovalPublish(Resource):
    @authed(ManagementPerm.DECIDE)
    @blp.arguments(PublishBody)
    @blp.response(200, RemovalSchema(many=True))
    def post(self, args):
        """Publish every approved removal with the list (notice number)."""
        done = removals.publish(self.user.username, args["on"], args["notice_no"])
        commit()
        return [removal_json(r) for r in done]

# --------------------------------------------------------- complaints --


@blp.route("/complaints")
class Complaints(Resource):
    @authed(ManagementPerm.VERIFY)
    @blp.arguments(ComplaintPage, location="query")
    @blp.response(200, page_of(ComplaintSchema))
    def get(self, args):
        """Complaints to the user's city (province: all), oldest first."""
        return synced(select(Complaint).where(access.scope(self.user, Complaint.admin_unit_id)), Complaint, args,
                      complaint_json)

    @optional_auth
    @limited("public_report")
    @blp.arguments(ComplaintCreate)
    @blp.response(201, ComplaintSchema)
    def post(self, args):
        """File a real-name complaint with evidence (no token needed)."""
        user = self.user
        c = complaints.file_complaint(args["subject_uscc"], args["complainant_name"], args["complainant_contact"],
                                      args["content"], args["evidence_note"], actor=access.actor(user),
                                      admin_unit_code=args["admin_unit"])
        return self.done(complaint_json, c, full=False)


@blp.route("/complaints/<int:ident>/verify")
class ComplaintVerifyView(Resource):
    loader = scoped(Complaint, by_organization=False)

    @authed(ManagementPerm.VERIFY)
    @blp.arguments(ComplaintVerify)
    @blp.response(200, ComplaintSchema)
    def post(self, args, ident):
        """The city records its verification: dismissed, rectification with a deadline, or removal."""
        c = self.record(ident, ManagementPerm.VERIFY)
        complaints.verify(c, args["outcome"], args["finding"], self.user.username,
                          rectify_until=args["rectify_until"], sanction_code=args["sanction"])
        return self.done(complaint_json, c)


@blp.route("/complaints/<int:ident>/rectification")
class ComplaintRectification(Resource):
    loader = scoped(Complaint, by_organization=False)

    @authed(ManagementPerm.VERIFY)
    @blp.arguments(RectificationBody)
    @blp.response(200, ComplaintSchema)
    def post(self, args, ident):
        """The city checks the rectification: done, or not done (removal)."""
        c = self.record(ident, ManagementPerm.VERIFY)
        complaints.close_rectification(c, args["rectified"], args["note"], self.user.username,
                                       sanction_code=args["sanction"])
        return self.done(complaint_json, c)

# ------------------------------------------------------------ changes --


@blp.route("/changes")
class Changes(Resource):
    @authed(ManagementPerm.VIEW)
    @blp.arguments(ChangePage, location="query")
    @blp.response(200, page_of(ChangeSchema))
    def get(self, args):
        """Change reports in the user's scope, oldest first."""
        return synced(select(ChangeReport).where(access.scope(
            self.user, ChangeReport.admin_unit_id, ChangeReport.organization_id)), ChangeReport, args, change_json)

    @authed(ManagementPerm.FILE)
    @blp.arguments(ChangeCreate)
    @blp.response(201, ChangeSchema)
    def post(self, args):
        """A listed unit reports a change of name, scope, address or boundary to its city."""
        user = self.user
        org = db.session.get(Organization, user.organization_id)
        c = changes.report(org, args["kinds"], args["after"], args["description"], user.username,
                           effective_on=args["effective_on"])
        return self.done(change_json, c)


@blp.route("/changes/<int:ident>/review")
class ChangeReviewView(Resource):
    loader = scoped(ChangeReport)

    @authed(ManagementPerm.REVIEW)
    @blp.arguments(ChangeReviewBody)
    @blp.response(200, ChangeSchema)
    def post(self, args, ident):
        """The city reviews a change: accepted (applied) or a removal proposal."""
        c = self.record(ident, ManagementPerm.REVIEW)
        changes.review(c, args["still_compliant"], args["note"], self.user.username,
                       sanction_code=args["sanction"])
        return self.done(change_json, c)

# --------------------------------------------------------- re-reviews --


@blp.route("/rereviews")
class ReReviews(Resource):
    @authed(ManagementPerm.VERIFY)
    @blp.arguments(ReReviewPage, location="query")
    @blp.response(200, page_of(ReReviewSchema))
    def get(self, args):
        """Re-reviews of a year in the user's scope."""
        return _rereviews_page(self.user, args, select(ReReview))


def _rereviews_page(user, args, query):
    """A page of the re-reviews of ``query`` in ``user``'s scope, of ``args["year"]`` where given."""
    query = query.where(access.scope(user, ReReview.admin_unit_id))
    if args["year"]:
        query = query.where(ReReview.cycle_year == args["year"])
    return synced(query, ReReview, args, rereview_json)


@blp.route("/rereviews/<int:ident>")
class ReReviewView(Resource):
    loader = scoped(ReReview)

    @authed(ManagementPerm.REVIEW)
    @blp.arguments(ReReviewBody)
    @blp.response(200, ReReviewSchema)
    def post(self, args, ident):
        """Schedule the on-site review (``scheduled_on``) or record its result (``passed``, ``note``)."""
        r = self.record(ident, ManagementPerm.REVIEW)
        if args["scheduled_on"] is not None:
            rereviews.schedule(r, args["scheduled_on"], self.user.username)
        if args["passed"] is not None:
            rereviews.record_result(r, args["passed"], args["note"], self.user.username)
        return self.done(rereview_json, r)

# the province's technical review of the cities' re-review material (Hubei 002_9c75e1d2ebfbdf50.txt 三(六):
# 省经信厅组织专家……对市州上报的复核资料进行技术评审，并将复核意见反馈工信部): the services of the web page


@blp.route("/rereviews/awaiting-opinion")
class ReReviewsAwaitingOpinion(Resource):
    @authed(ManagementPerm.DECIDE)
    @blp.arguments(AwaitingOpinionPage, location="query")
    @blp.response(200, page_of(ReReviewSchema, "AwaitingOpinionPage"))
    def get(self, args):
        """Re-reviews whose on-site result the city has recorded and on which the province has recorded no
        opinion yet (province staff), oldest first."""
        return _rereviews_page(self.user, args, rereview_opinion.awaiting(select(ReReview)))


@blp.route("/rereviews/<int:ident>/experts")
class ReReviewExperts(Resource):
    loader = scoped(ReReview)

    @authed(ManagementPerm.DECIDE)
    @blp.arguments(ReReviewExpertDraw)
    @blp.response(200, ReReviewSchema)
    def post(self, args, ident):
        """Draw experts at random from the region's pool for the city's re-review material (none from the
        unit's city or employed by the unit); once per re-review, after the city's on-site result. Audited."""
        r = self.record(ident, ManagementPerm.DECIDE)
        rereview_opinion.draw_experts(r, args["count"], self.user.username)
        return self.done(rereview_json, r)


@blp.route("/rereviews/<int:ident>/opinion")
class ReReviewOpinion(Resource):
    loader = scoped(ReReview)

    @authed(ManagementPerm.DECIDE)
    @blp.arguments(ReReviewOpinionBody)
    @blp.response(200, ReReviewSchema)
    def post(self, args, ident):
        """Record the drawn experts' opinion (复核意见: passed, rectify or fail, with its text); once per
        re-review. It goes with the year's recommendation file to MIIT. Audited."""
        r = self.record(ident, ManagementPerm.DECIDE)
        rereview_opinion.record_opinion(r, args["opinion"], args["note"], self.user.username)
        return self.done(rereview_json, r)

# ---------------------------------------------------------------- bans --


@blp.route("/bans")
class Bans(Resource):
    @authed(ManagementPerm.DECIDE)
    @blp.arguments(BanPage, location="query")
    @blp.response(200, page_of(BanSchema))
    def get(self, args):
        """Bans on applying (organizations) and on reports (evaluation firms), longest-running first."""
        query = select(Ban)
        if args["uscc"]:
            query = query.where(Ban.uscc == args["uscc"].strip().upper())
        if args["active"] is not None:
            on = today()
            in_force = (Ban.starts_on <= on) & (Ban.ends_on >= on)
            query = query.where(in_force if args["active"] else ~in_force)
        page = window(query.order_by(Ban.ends_on.desc(), Ban.id.desc()), args)
        names = _ban_names(page["items"])
        return {**page, "items": [ban_json(b, names) for b in page["items"]]}

    @authed(ManagementPerm.DECIDE)
    @documents(404)
    @blp.arguments(BanCreate)
    @blp.response(201, BanSchema)
    def post(self, args):
        """Ban a credit code (province staff; audited): an organization for its sanction's years (fraud: 3),
        or a third-party firm's reports for 3 years (or its sanction's)."""
        user, code = self.user, normalize_uscc(args["uscc"])
        if args["subject"] == "evaluator":
            firm = db.session.scalar(select(EvaluatorFirm).where(EvaluatorFirm.uscc == code))
            if firm is None:
                raise NotFound("No third-party firm has this credit code.")
            ban = bans.ban_evaluator(firm, args["reason"], access.actor(user), evidence_note=args["evidence_note"],
                                     sanction_code=args["sanction"] or None)
        else:
            org = db.session.scalar(select(Organization).where(Organization.uscc == code))
            if org is None:
                raise NotFound("No organization with this credit code is registered.")
            if not args["sanction"]:
                raise InvalidInput("Choose the removal reason (sanction).", field="sanction")
            ban = bans.ban_organization(org, args["sanction"], args["reason"], access.actor(user),
                                        evidence_note=args["evidence_note"])
        return self.done(ban_json, ban, _ban_names([ban]))


@blp.route("/bans/<int:ident>/lift")
class BanLiftView(Resource):
    @authed(ManagementPerm.DECIDE)
    @blp.arguments(BanLift)
    @blp.response(200, BanSchema)
    def post(self, args, ident):
        """End a ban early (a decision overturned), with the reason; the row stays. Audited."""
        ban = db.session.get(Ban, ident)
        if ban is None:
            raise NotFound("No such ban.")
        bans.lift(ban, args["reason"], self.user.username)
        return self.done(ban_json, ban, _ban_names([ban]))

# ---------------------------------------------------------- dashboard --


@blp.route("/dashboard")
class Dashboard(Resource):
    @kept()  # issue 57: made once until the next write, as the page
    @authed(ManagementPerm.DASHBOARD)
    @blp.arguments(YearQuery, location="query")
    @blp.response(200, DashboardSchema)
    def get(self, args):
        """The dashboard's figures: filings by status and city, removals, complaints, listed units
        by type and year, quota progress."""
        user = self.user
        city = access.city_of(user)
        if city is None and args["city"]:
            unit = next((u for u in dashboard.cities() if u.code == args["city"]), None)
            if unit is None:
                raise InvalidInput("Unknown fields: %(fields)s.", field="city", fields=args["city"])
            city = unit.id
        return dashboard.summary(args["year"] or today().year, city)


def register_api(api: Api, app: Flask) -> None:
    """Called from :func:`core.api.init_api`."""
    api.register_blueprint(blp)
    csrf.exempt(blp)
