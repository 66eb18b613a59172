"""Schemas of the review API: evaluator firms, evaluation requests, experts, assignments and scoring
(conventions in docs/api-conventions.md). Request texts are bounded as their columns; the expert's PATCH
has no defaults (what is not sent stays)."""
from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import fields, validate

from core.api.paging import id_cursor, page_of
from core.api.schema import In, Out, Query, date_text, ident, one_of, text

_QUALIFICATIONS = {"description": "keys of the firm's qualifications (registered_in_china, senior_staff…): "
                                  "true/false or a number"}


# ------------------------------------------------------------------ requests --


class FirmCreateSchema(In):
    uscc = text(40, required=True)
    name = text(200, 2, required=True)
    legal_representative = text(100, 2, required=True)
    qualifications = fields.Dict(keys=fields.String(validate=validate.Length(max=80)), values=fields.Raw(
        allow_none=True), load_default=dict, metadata=_QUALIFICATIONS)


class FirmUpdateSchema(In):
    name = text(200, 2)
    legal_representative = text(100, 2)
    qualifications = fields.Dict(keys=fields.String(validate=validate.Length(max=80)),
                                 values=fields.Raw(allow_none=True), metadata=_QUALIFICATIONS)


class FirmSanctionCreateSchema(In):
    reason = text(500, 2, required=True)
    starts_on = fields.Date(required=True)
    sanction_code = text(80, load_default=None, allow_none=True,
                         metadata={"description": "a region sanction with a ban, e.g. fraud: 3 years"})
    ends_on = fields.Date(load_default=None, allow_none=True)


class FirmAffiliateCreateSchema(In):
    uscc = text(40, required=True)
    name = text(200, 2, required=True)
    relation = text(100, 2, required=True)


class EvaluationRequestCreateSchema(In):
    firm_id = ident(required=True)
    self_evaluation_by = text(40, required=True,
                              metadata={"description": "USCC of whoever wrote the self-evaluation"})


class EngagementAcceptSchema(In):
    wrote_self_evaluation = fields.Boolean(required=True, metadata={
        "description": "the firm declares whether it wrote the applicant's self-evaluation report (it must not)"})
    interested_party = fields.Boolean(required=True, metadata={
        "description": "the firm declares whether it has an interest in the applicant (it must not)"})


class DeclineReasonSchema(In):
    reason = text(500, 2, required=True)


class ExpertCreateSchema(In):
    """A new expert account (``username``, ``password``, ``name``), or an existing account with the expert role
    joining the pool (``user_id``; ``name`` defaults to the account's)."""

    user_id = ident(load_default=None, allow_none=True)
    username = text(80, 3, load_default=None, allow_none=True)
    password = text(128, 1, load_default=None, allow_none=True, load_only=True)
    name = text(100, 2, load_default=None, allow_none=True)
    fields_ = fields.List(text(40), data_key="fields", load_default=list, validate=validate.Length(max=20))
    employer_uscc = text(40, load_default=None, allow_none=True)
    employer_name = text(200, load_default=None, allow_none=True)
    admin_unit_code = text(80, load_default=None, allow_none=True)
    evaluator_firm_id = ident(load_default=None, allow_none=True)


class ExpertAssignSchema(In):
    expert_id = ident(required=True)


class ExpertDrawSchema(In):
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=50))
    field = text(40, load_default=None, allow_none=True)


class BulkDrawSchema(In):
    application_ids = fields.List(ident(), required=True, validate=validate.Length(min=1, max=500))
    panel_size = fields.Integer(required=True, validate=validate.Range(min=1, max=50),
                                metadata={"description": "experts each panel should have"})
    field_from = one_of(["any", "unit_type", "industry"], load_default="any",
                        metadata={"description": "where each panel's field comes from"})
    field = text(40, load_default=None, allow_none=True,
                 metadata={"description": "one field for all (overrides field_from)"})


class BulkAssignSchema(In):
    application_ids = fields.List(ident(), required=True, validate=validate.Length(min=1, max=500))
    expert_id = ident(required=True)


class ExpertScoresSchema(In):
    """What is not sent stays: ``scores`` changes the indicators it names (null clears one), ``comment``
    replaces the comment ("" clears it)."""

    scores = fields.Dict(keys=fields.String(validate=validate.Length(max=10)), values=fields.Float(allow_none=True))
    comment = text(4000, allow_none=True)


class FirmQuerySchema(Query):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100),
                          metadata={"description": "the year whose cap use is shown (default: this year)"})


# ----------------------------------------------------------------- answers --


class FirmSanctionStateSchema(Out):
    reason = fields.String(required=True)
    starts_on = date_text(required=True)
    ends_on = date_text(required=True)


class FirmSchema(Out):
    id = fields.Integer(required=True)
    uscc = fields.String(required=True)
    name = fields.String(required=True)
    legal_representative = fields.String(required=True)
    qualifications = fields.Dict(required=True, metadata=_QUALIFICATIONS)
    requirements = fields.List(fields.Dict(), required=True, metadata={
        "description": "the region's requirements on the firm: code, title, source, cite, ok, message"})
    sanction = fields.Nested(FirmSanctionStateSchema, required=True, allow_none=True)
    caps = fields.List(fields.Dict(), metadata={
        "description": "use of each annual cap: key, limit, used, basis, levels, unit_types, source, cite"})
    affiliates = fields.List(fields.Dict(), metadata={"description": "uscc, name, relation"})
    diff = fields.Dict(metadata={"description": "field → [before, after] (after a change)"})


FirmListSchema = page_of(FirmSchema)


class FirmSanctionSchema(Out):
    firm_id = fields.Integer(required=True)
    reason = fields.String(required=True)
    starts_on = date_text(required=True)
    ends_on = date_text(required=True)


class AffiliateSchema(Out):
    firm_id = fields.Integer(required=True)
    uscc = fields.String(required=True)
    name = fields.String(required=True)
    relation = fields.String(required=True)


class EvaluationRequestSchema(Out):
    id = fields.Integer(required=True)
    application_id = fields.Integer(required=True)
    firm_id = fields.Integer(required=True)
    firm = fields.String(required=True)
    status = fields.String(required=True)
    self_evaluation_by = fields.String(required=True)
    reason = fields.String(required=True, allow_none=True)
    declarations = fields.Dict(required=True)
    requested_by = fields.String(required=True)
    decided_by = fields.String(required=True, allow_none=True)
    cap_key = fields.String(metadata={"description": "the annual cap the engagement counts against"})


EvaluationRequestListSchema = page_of(EvaluationRequestSchema)


class EvaluationReportSchema(Out):
    id = fields.Integer(required=True)
    request_id = fields.Integer(required=True)
    application_id = fields.Integer(required=True)
    firm_id = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"description": "the file name as uploaded"})
    pages = fields.Integer(required=True)
    size = fields.Integer(required=True, metadata={"description": "bytes"})
    sha256 = fields.String(required=True)
    score = fields.Float(required=True, allow_none=True)
    indicator_scores = fields.Dict(keys=fields.String(), values=fields.Float(), required=True, metadata={
        "description": "indicator number → evaluated score"})
    visited_on = date_text(required=True, allow_none=True)
    filed_by = fields.String(required=True)
    filed_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})


class FileSchema(Out):
    id = fields.Integer(required=True)
    section = fields.String(metadata={"description": "where in the application the file belongs"})
    section_label = fields.String()
    name = fields.String(required=True)
    pages = fields.Integer(required=True, allow_none=True)
    size = fields.Integer()
    sha256 = fields.String(required=True)


class FirmChoiceSchema(Out):
    firm_id = fields.Integer(required=True)
    name = fields.String(required=True)
    uscc = fields.String(required=True)
    legal_representative = fields.String(required=True)
    qualifies = fields.Boolean(required=True)
    problems = fields.List(fields.Dict(), required=True, metadata={
        "description": "why the firm may not evaluate this application: code, message, message_zh, message_en"})
    places_left = fields.Integer(required=True, allow_none=True, metadata={
        "description": "projects the firm may still take this year (null: no cap)"})
    caps = fields.List(fields.Dict(), required=True)
    full = fields.Boolean(required=True)
    selectable = fields.Boolean(required=True)
    requirements = fields.List(fields.Dict(), required=True)


class EvaluationStateSchema(Out):
    application_id = fields.Integer(required=True)
    mode = fields.String(required=True, allow_none=True, metadata={"description": "self or third_party"})
    allowed = fields.List(fields.String(), required=True)
    third_party_required = fields.Boolean(required=True)
    report_required = fields.Boolean(required=True)
    report_stage = fields.String(required=True)
    on_site_visit = fields.Boolean(required=True)
    source = fields.String(required=True, metadata={"description": "the plugin the rule comes from"})
    cite = fields.String(required=True, allow_none=True)
    rule = fields.String(required=True, allow_none=True, metadata={"description": "the document and article"})
    filed = fields.Boolean(required=True)
    report = fields.Nested(EvaluationReportSchema, required=True, allow_none=True)
    self_reports = fields.List(fields.Nested(FileSchema), required=True)
    engaged_firm_id = fields.Integer(required=True, allow_none=True)
    requests = fields.List(fields.Nested(EvaluationRequestSchema), required=True)
    firms = fields.List(fields.Nested(FirmChoiceSchema), metadata={"description": "for the applicant only"})


class ProgressSchema(Out):
    assigned = fields.Integer(required=True)
    submitted = fields.Integer(required=True)
    declined = fields.Integer(required=True)
    needed = fields.Integer(required=True)
    experts = fields.List(fields.String(), required=True, metadata={"description": "the panel's experts"})
    result = fields.Nested("ResultSchema", required=True, allow_none=True)


class QueueEntrySchema(Out):
    application_id = fields.Integer(required=True)
    organization = fields.String(required=True)
    unit_type = fields.String(required=True)
    level = fields.String(required=True)
    year = fields.Integer(required=True)
    status = fields.String(required=True)
    progress = fields.Nested(ProgressSchema, required=True)


ReviewQueueSchema = page_of(QueueEntrySchema, "ReviewQueue")


class ReviewQueueQuerySchema(Query):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100),
                          metadata={"description": "only this round year"})
    after = id_cursor()
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200),
                           metadata={"description": "items per page (default 50)"})


class OutcomeSchema(Out):
    application_id = fields.Integer(required=True)
    field = fields.String(required=True, allow_none=True)
    assignments = fields.List(fields.Nested("AssignmentSchema"), required=True)
    error = fields.Dict(required=True, allow_none=True, metadata={
        "description": "why nothing was done for this application: code, message, message_zh, message_en"})
    progress = fields.Nested(ProgressSchema, required=True)


class OutcomeListSchema(Out):
    outcomes = fields.List(fields.Nested(OutcomeSchema), required=True)


class CaseFileBodySchema(Out):
    application = fields.Dict(required=True)
    organization = fields.Dict(required=True)
    region_fields = fields.List(fields.Dict(), required=True)
    declarations = fields.List(fields.Dict(), required=True)
    indicators = fields.List(fields.Dict(), required=True)
    self_total = fields.Float(required=True, allow_none=True)
    evaluator_total = fields.Float(required=True, allow_none=True)
    evidence = fields.List(fields.Nested(FileSchema), required=True)
    evaluation = fields.Dict(required=True)


class ExpertSchema(Out):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    username = fields.String(required=True)
    employer_uscc = fields.String(required=True, allow_none=True)
    employer_name = fields.String(required=True, allow_none=True)
    admin_unit = fields.String(required=True, allow_none=True)
    evaluator_firm_id = fields.Integer(required=True, allow_none=True)
    fields_ = fields.List(fields.String(), required=True, data_key="fields", attribute="fields")
    active = fields.Boolean(required=True)


ExpertListSchema = page_of(ExpertSchema)


class AssignmentSchema(Out):
    id = fields.Integer(required=True)
    application_id = fields.Integer(required=True)
    expert_id = fields.Integer(required=True)
    expert = fields.String(required=True)
    method = fields.String(required=True)
    status = fields.String(required=True)
    total = fields.Float(required=True, allow_none=True)
    submitted_at = fields.DateTime(required=True, allow_none=True)
    decline_reason = fields.String(required=True, allow_none=True)
    scores = fields.Dict(keys=fields.String(), values=fields.Float(), metadata={
        "description": "indicator number → score (the expert and, after submission, staff)"})
    comment = fields.String(allow_none=True)


class AssignmentDetailSchema(AssignmentSchema):
    table = fields.List(fields.Dict(), required=True, metadata={
        "description": "per indicator: number, name, weight, self_score and each assignment's score with its "
                       "deviation (cells)"})
    others = fields.List(fields.Nested(AssignmentSchema), metadata={
        "description": "the other experts' submitted scores, once the panel's result is recorded"})
    diff = fields.Dict(metadata={"description": "what this save changed"})
    panel_closed = fields.Boolean(metadata={"description": "the panel's result is recorded"})
    case_file = fields.Nested("CaseFileBodySchema", allow_none=True, metadata={
        "description": "the whole application, read-only (as /review/case-files/{id}); null once declined"})


AssignmentListSchema = page_of(AssignmentSchema)


class ResultSchema(Out):
    score = fields.Float(required=True)
    tier = fields.String(required=True, allow_none=True)
    tier_label = fields.String(required=True, allow_none=True)
    recommendable = fields.Boolean(required=True, allow_none=True)
    experts = fields.Integer(required=True)
    grading_source = fields.String(required=True, allow_none=True)
    indicator_means = fields.Dict(required=True)


class PoolEntrySchema(Out):
    expert_id = fields.Integer(required=True)
    name = fields.String(required=True)
    conflicts = fields.List(fields.Dict(), required=True, metadata={
        "description": "why the expert must avoid the application: code, message, source, cite"})


class ReviewStateSchema(Out):
    application_id = fields.Integer(required=True)
    status = fields.String(required=True)
    assignments = fields.List(fields.Nested(AssignmentSchema), required=True)
    table = fields.List(fields.Dict(), required=True)
    pool = fields.List(fields.Nested(PoolEntrySchema), required=True)
    result = fields.Nested(ResultSchema, required=True, allow_none=True)


class ReportUploadSchema(In):
    file = Upload(required=True, metadata={"description": "the evaluation report, a PDF"})
    score = text(20, load_default=None, allow_none=True, metadata={
        "description": "the evaluated total, 0 to 100 (required without an indicator table; otherwise it must equal "
                       "the sum of the indicator scores)"})
    scores = text(4000, load_default=None, allow_none=True, metadata={
        "description": "a JSON object: indicator number → evaluated score (0 to the indicator's weight)"})
    visited_on = text(10, load_default=None, allow_none=True, metadata={
        "format": "date", "description": "the day of the on-site evaluation, where the region requires one"})


class SelfReportUploadSchema(In):
    file = Upload(required=True, metadata={"description": "the self-evaluation report, a PDF"})


class CaseFileSchema(CaseFileBodySchema):
    capacity = fields.String(required=True, metadata={"description": "evaluator, expert or staff"})
