"""Schemas of the dynamic-management API (/api/v1/management; conventions in docs/api-conventions.md).
Every text is bounded as its service and column bound it; PATCH bodies have no defaults."""
from __future__ import annotations

from marshmallow import fields, validate

from core.api.schema import UPDATED_AT, In, Out, Query, date_text, ident, one_of, text, year
from core.management import changes, complaints, removals, rereview_opinion, rereviews, round_filings
from core.management.filings import STATUSES as FILING_STATUSES
from core.plugins.types import Level

LEVELS = [level.value for level in Level]
REMOVAL_STATUSES = [removals.PROPOSED, removals.APPROVED, removals.REJECTED, removals.PUBLISHED]
COMPLAINT_STATUSES = [complaints.RECEIVED, complaints.DISMISSED, complaints.RECTIFICATION, complaints.RECTIFIED,
                      complaints.REMOVAL, complaints.BANNED]
CHANGE_STATUSES = [changes.REPORTED, changes.ACCEPTED, changes.REMOVAL_PROPOSED]
REREVIEW_STATUSES = [rereviews.DUE, rereviews.SCHEDULED, rereviews.PASSED, rereviews.FAILED]

# ------------------------------------------------------------------ requests --


class YearQuery(Query):
    year = year(load_default=None)
    status = text(20, load_default=None, metadata={"description": "a filing's or a removal's status"})
    city = text(80, load_default=None, metadata={"description": "admin unit code (province staff)"})


class FilingUpdate(In):
    values = fields.Dict(keys=fields.String(validate=validate.Length(max=10)), values=fields.Raw(allow_none=True),
                         metadata={"description": "indicator values by table number; the numbers sent change"})
    key_data = fields.Dict(keys=fields.String(validate=validate.Length(max=40)), values=fields.Raw(allow_none=True),
                           metadata={"description": "the key data of the year (remarks at most 2,000 characters)"})
    industry = text(80, allow_none=True)


class RoundFilingQuery(Query):
    campaign_id = ident(load_default=None)


class RoundFilingOpen(In):
    campaign_id = ident(required=True)


class RoundFilingUpdate(In):
    values = fields.Dict(keys=fields.String(validate=validate.Length(max=10)), values=fields.Raw(allow_none=True),
                         metadata={"description": "indicator values by table number; the numbers sent change"})
    industry = text(80, allow_none=True)


class FilingReview(In):
    decision = one_of(["accept", "return"], required=True)
    note = text(500, load_default="")
    until = fields.Date(load_default=None, allow_none=True, metadata={"description": "correction deadline (return)"})


class RemovalCreate(In):
    uscc = text(40, required=True)
    sanction = text(80, required=True, metadata={"description": "a sanction code of the region's rules"})
    reason = text(2000, 2, required=True)
    evidence_note = text(4000, load_default="")
    unit_type = text(40, load_default=None, allow_none=True)
    levels = fields.List(one_of(LEVELS), load_default=None, allow_none=True, validate=validate.Length(max=3))
    immediate = fields.Boolean(load_default=False, metadata={"description": "重大 accident: remove at once (province)"})
    notice_no = text(100, load_default=None, allow_none=True)


class RemovalDecision(In):
    approve = fields.Boolean(required=True)
    note = text(500, load_default="")
    notice_no = text(100, load_default=None, allow_none=True)


class PublishBody(In):
    notice_no = text(100, 2, required=True)
    on = fields.Date(load_default=None, allow_none=True)


class ComplaintCreate(In):
    subject_uscc = text(40, required=True)
    complainant_name = text(100, 2, required=True)
    complainant_contact = text(120, 5, required=True)
    content = text(5000, 10, required=True)
    evidence_note = text(4000, 2, required=True)
    admin_unit = text(80, load_default=None, allow_none=True,
                      metadata={"description": "city code, for a third-party firm"})


class ComplaintVerify(In):
    outcome = one_of(complaints.OUTCOMES, required=True)
    finding = text(4000, 2, required=True)
    rectify_until = fields.Date(load_default=None, allow_none=True)
    sanction = text(80, load_default=None, allow_none=True)


class RectificationBody(In):
    rectified = fields.Boolean(required=True)
    note = text(2000, 2, required=True)
    sanction = text(80, load_default=None, allow_none=True)


class ChangeCreate(In):
    kinds = fields.List(one_of(changes.KINDS), required=True, validate=validate.Length(min=1, max=4))
    after = fields.Dict(keys=one_of(changes.KINDS), values=text(2000), required=True,
                        metadata={"description": "kind → the new value"})
    description = text(4000, 2, required=True)
    effective_on = fields.Date(load_default=None, allow_none=True)


class ChangeReviewBody(In):
    still_compliant = fields.Boolean(required=True)
    note = text(500, 2, required=True)
    sanction = text(80, load_default=None, allow_none=True)


class ReReviewBody(In):
    scheduled_on = fields.Date(load_default=None, allow_none=True)
    passed = fields.Boolean(load_default=None, allow_none=True)
    note = text(4000, load_default="")


class ReReviewYearQuery(Query):
    year = year(load_default=None, metadata={"description": "the re-reviews of this year (default: every year)"})


class ReReviewExpertDraw(In):
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=20),
                           metadata={"description": "how many experts to draw from the region's pool (1 to 20)"})


class ReReviewOpinionBody(In):
    opinion = one_of(rereview_opinion.OPINIONS, required=True,
                     metadata={"description": "the experts' opinion: passed, rectify (整改) or fail"})
    note = text(rereview_opinion.NOTE_MAX, rereview_opinion.NOTE_MIN, required=True,
                metadata={"description": "the re-review opinion (复核意见) as it goes to MIIT"})


class BanCreate(In):
    subject = one_of(["organization", "evaluator"], required=True,
                     metadata={"description": "an applicant organization, or a third-party evaluation firm"})
    uscc = text(40, required=True)
    sanction = text(80, load_default=None, allow_none=True, metadata={
        "description": "the sanction (with a ban) of the region's rules; required for an organization"})
    reason = text(500, 2, required=True)
    evidence_note = text(2000, load_default="")


class BanLift(In):
    reason = text(500, 2, required=True)


class BanQuery(Query):
    uscc = text(40, load_default=None)
    active = fields.Boolean(load_default=None, metadata={"description": "only bans in force today (or not)"})


# ----------------------------------------------------------------- answers --


class OrgRef(Out):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    uscc = fields.String(required=True)


class StandingSchema(Out):
    level = fields.String(required=True)
    total = fields.Float(required=True, allow_none=True)
    rank = fields.Integer(required=True, allow_none=True)
    of = fields.Integer(required=True, allow_none=True)
    rank_province = fields.Integer(required=True, allow_none=True)
    green_code = fields.String(required=True, allow_none=True)
    bottom_share = fields.Float(required=True, allow_none=True)
    bottom_streak = fields.Integer(required=True, allow_none=True)


class FilingSchema(Out):
    id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    organization = fields.Nested(OrgRef, required=True)
    unit_type = fields.String(required=True)
    levels = fields.List(fields.String(), required=True)
    status = one_of(FILING_STATUSES, required=True)
    due_on = date_text(required=True, allow_none=True)
    deadline = date_text(required=True, allow_none=True)
    industry = fields.String(required=True, allow_none=True)
    values = fields.Dict(required=True)
    key_data = fields.Dict(required=True)
    score = fields.Float(required=True, allow_none=True)
    complete = fields.Boolean(required=True, allow_none=True)
    review_note = fields.String(required=True, allow_none=True)
    standing = fields.List(fields.Nested(StandingSchema), required=True)
    updated_at = fields.AwareDateTime(required=True, metadata={"description": UPDATED_AT})


class RoundFilingSchema(Out):
    id = fields.Integer(required=True)
    campaign_id = fields.Integer(required=True)
    organization = fields.Nested(OrgRef, required=True)
    unit_type = fields.String(required=True)
    step = fields.String(required=True)
    levels = fields.List(fields.String(), required=True)
    status = one_of([round_filings.DUE, round_filings.SUBMITTED], required=True)
    due_on = date_text(required=True, allow_none=True)
    deadline_source = fields.String(required=True, allow_none=True, metadata={
        "description": "who sets the deadline: the region code of the plugin the rule comes from"})
    deadline_cite = fields.String(required=True, allow_none=True, metadata={
        "description": "the document and article the deadline comes from: 《title》（文号）article"})
    industry = fields.String(required=True, allow_none=True)
    values = fields.Dict(required=True)
    score = fields.Float(required=True, allow_none=True)
    submitted_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    updated_at = fields.AwareDateTime(required=True, metadata={"description": UPDATED_AT})


class RoundFilingsOpened(Out):
    created = fields.Integer(required=True)


class RemovalSchema(Out):
    id = fields.Integer(required=True)
    organization = fields.Nested(OrgRef, required=True)
    unit_type = fields.String(required=True, allow_none=True)
    levels = fields.List(fields.String(), required=True)
    sanction = fields.String(required=True)
    sanction_title = fields.String(required=True)
    sanction_source = fields.String(required=True)
    cite = fields.String(required=True)
    immediate = fields.Boolean(required=True)
    reason = fields.String(required=True)
    evidence_note = fields.String(required=True)
    status = one_of(REMOVAL_STATUSES, required=True)
    source = fields.String(required=True)
    proposed_by = fields.String(required=True)
    decided_by = fields.String(required=True, allow_none=True)
    decision_note = fields.String(required=True, allow_none=True)
    published_on = date_text(required=True, allow_none=True)
    notice_no = fields.String(required=True, allow_none=True)
    entries = fields.List(fields.Raw(), required=True, metadata={"description": "list entries removed"})
    ban_id = fields.Integer(required=True, allow_none=True)
    updated_at = fields.AwareDateTime(required=True, metadata={"description": UPDATED_AT})


class ComplaintSchema(Out):
    id = fields.Integer(required=True)
    status = one_of(COMPLAINT_STATUSES, required=True)
    subject_uscc = fields.String(required=True)
    subject_name = fields.String(required=True)
    subject_kind = fields.String(required=True)
    complainant_name = fields.String(metadata={"description": "staff only"})
    complainant_contact = fields.String(metadata={"description": "staff only"})
    content = fields.String()
    evidence_note = fields.String()
    finding = fields.String(allow_none=True)
    rectify_until = date_text(allow_none=True)
    rectified_on = date_text(allow_none=True)
    removal_id = fields.Integer(allow_none=True)
    ban_id = fields.Integer(allow_none=True)
    updated_at = fields.AwareDateTime(metadata={"description": f"{UPDATED_AT} (absent from a public complaint's answer)"})


class ChangeSchema(Out):
    id = fields.Integer(required=True)
    organization_id = fields.Integer(required=True)
    kinds = fields.List(fields.String(), required=True)
    before = fields.Dict(required=True)
    after = fields.Dict(required=True)
    description = fields.String(required=True)
    status = one_of(CHANGE_STATUSES, required=True)
    review_note = fields.String(required=True, allow_none=True)
    higher_levels = fields.List(fields.String(), required=True)
    send_up_year = fields.Integer(required=True, allow_none=True)
    removal_id = fields.Integer(required=True, allow_none=True)
    updated_at = fields.AwareDateTime(required=True, metadata={"description": UPDATED_AT})


class DrawnExpertSchema(Out):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class ReReviewSchema(Out):
    id = fields.Integer(required=True)
    organization_id = fields.Integer(required=True)
    unit_type = fields.String(required=True)
    cycle_year = fields.Integer(required=True)
    listed_year = fields.Integer(required=True)
    status = one_of(REREVIEW_STATUSES, required=True)
    scheduled_on = date_text(required=True, allow_none=True)
    result_note = fields.String(required=True, allow_none=True)
    removal_id = fields.Integer(required=True, allow_none=True)
    basis = fields.String(required=True)
    reviewed_at = fields.AwareDateTime(required=True, allow_none=True,
                                       metadata={"description": "when the city recorded its on-site result"})
    opinion_experts = fields.List(fields.Nested(DrawnExpertSchema), required=True, allow_none=True, metadata={
        "description": "the experts the province drew for the city's re-review material (null: none yet)"})
    opinion = one_of(rereview_opinion.OPINIONS, required=True, allow_none=True,
                     metadata={"description": "the experts' opinion (null: not recorded yet)"})
    opinion_note = fields.String(required=True, allow_none=True)
    opinion_at = fields.AwareDateTime(required=True, allow_none=True,
                                      metadata={"description": "when the province recorded the opinion"})
    updated_at = fields.AwareDateTime(required=True, metadata={"description": UPDATED_AT})


class BanSchema(Out):
    id = fields.Integer(required=True)
    uscc = fields.String(required=True)
    name = fields.String(required=True, allow_none=True)
    subject = one_of(["organization", "evaluator"], required=True)
    reason = fields.String(required=True)
    sanction_code = fields.String(required=True)
    starts_on = date_text(required=True)
    ends_on = date_text(required=True)
    active = fields.Boolean(required=True, metadata={"description": "in force today (Beijing time)"})


class CityFilingsSchema(Out):
    code = fields.String(required=True)
    name = fields.String(required=True)
    filings = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                          metadata={"description": "filing status → count"})


class ListedCountsSchema(Out):
    years = fields.List(fields.Integer(), required=True)
    types = fields.List(fields.String(), required=True)
    by_city = fields.Dict(required=True, metadata={"description": "city code → year → unit type → count"})


class QuotaRowSchema(Out):
    code = fields.String(required=True)
    name = fields.String(required=True)
    types = fields.Dict(required=True)


class QuotaProgressSchema(Out):
    year = fields.Integer(required=True)
    period = fields.List(fields.Integer(), required=True, allow_none=True)
    binding = fields.Boolean(required=True)
    types = fields.List(fields.String(), required=True)
    totals = fields.Dict(required=True)
    rows = fields.List(fields.Nested(QuotaRowSchema), required=True)


class DashboardSchema(Out):
    year = fields.Integer(required=True)
    due_on = date_text(required=True, allow_none=True)
    filings = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    removals = fields.Dict(required=True)
    complaints_open = fields.Integer(required=True)
    changes_open = fields.Integer(required=True)
    rereviews_open = fields.Integer(required=True)
    cities = fields.List(fields.Nested(CityFilingsSchema), required=True)
    listed = fields.Nested(ListedCountsSchema, required=True)
    quota = fields.Nested(QuotaProgressSchema, required=True, allow_none=True)
