"""Schemas of the lists API: notices, objections, decisions, the public lists, the national
recommendation and its import (documented in /api/openapi.json; conventions in docs/api-conventions.md)."""
from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import fields, validate

from core.api.paging import page_of
from core.api.schema import In, Out, Query, date_text, ident, one_of, text, year
from core.plugins.types import Level

LEVELS = [level.value for level in Level]
NOTICE_STATUSES = ["open", "published", "partly_published"]
ITEM_STATUSES = ["in_notice", "listed", "removed"]


# ------------------------------------------------------------------ requests --


class PublicNoticeCreateSchema(In):
    level = one_of(LEVELS, required=True)
    year = year(required=True)
    starts_on = fields.Date(required=True)
    application_ids = fields.List(ident(), required=True, validate=validate.Length(min=1, max=2000))
    title = text(200, allow_none=True)
    start_reason = text(500, allow_none=True, metadata={
        "description": "why the notice starts before the day it is opened (required then; shown publicly)"})


class ListDecisionCreateSchema(In):
    level = one_of(LEVELS, required=True, metadata={"description": "a level whose list is published by decision"})
    year = year(required=True)
    application_ids = fields.List(ident(), required=True, validate=validate.Length(min=1, max=2000))
    document_no = text(100, 2, required=True, metadata={"description": "the decision's document number (文号)"})
    published_on = fields.Date(required=True)
    title = text(200, allow_none=True)


class RecognitionCreateSchema(In):
    """The province's 认定 of units in the stage before a list (issue 43)."""
    entry_ids = fields.List(ident(), required=True, validate=validate.Length(min=1, max=2000),
                            metadata={"description": "stage entries (GET /list-stage) the decision lists"})
    year = year(allow_none=True, metadata={"description": "the list's year (default: the decision's year)"})
    document_no = text(100, 2, required=True, metadata={"description": "the decision's document number (文号)"})
    published_on = fields.Date(required=True)
    title = text(200, allow_none=True)


class StageEntrySchema(Out):
    list_entry = fields.Integer(required=True)
    year = fields.Integer(required=True)
    level = one_of(LEVELS, required=True, metadata={"description": "the list the stage leads to"})
    stage = fields.String(required=True, allow_none=True, metadata={"description": "the stage's name (创建计划, 培育库)"})
    member = fields.String(required=True, allow_none=True, metadata={"description": "its units' name (创建单位, 培育对象)"})
    cite = fields.String(required=True, allow_none=True)
    unit_type = fields.String(required=True)
    name = fields.String(required=True)
    uscc = fields.String(required=True)
    document_no = fields.String(required=True, allow_none=True)
    published_on = date_text(required=True, allow_none=True)
    recognized = fields.Dict(required=True, allow_none=True, metadata={
        "description": "the listing that followed (year, document_no, list_entry); null: not listed yet"})
    complete_by = date_text(allow_none=True, metadata={
        "description": "the day the unit is to complete its creation by (null: not set)"})
    complete_by_source = fields.String(allow_none=True, metadata={
        "description": "document (the stage's document gives the time) or decision (the decision that put it in)"})
    overdue = fields.Boolean(metadata={"description": "the day has passed and the unit is still in the stage"})


class StageAddSchema(In):
    """Put one unit into the stage before a list (issue 53), by the stage's publisher."""
    uscc = text(18, 18, required=True, metadata={"description": "the unit's unified social credit code"})
    unit_type = text(40, 1, required=True, metadata={"description": "factory, park, supply_chain…"})
    level = one_of(LEVELS, required=True, metadata={"description": "the list the stage leads to"})
    year = year(required=True)
    placed_on = fields.Date(load_default=None, metadata={"description": "the decision's date (default today)"})
    document_no = text(100, allow_none=True, metadata={"description": "the decision's document number, if any"})
    complete_by = fields.Date(load_default=None, metadata={
        "description": "the day to complete creation, as the decision sets it (required where the document leaves "
                       "it to the decision, as 000 二.4 does)"})


class StageWithdrawSchema(In):
    reason = text(500, 2, required=True)


class StageCompletionSchema(In):
    complete_by = fields.Date(required=True, metadata={"description": "the day to complete creation"})




class ObjectionCreateSchema(In):
    item_id = ident(required=True, metadata={"description": "the unit on the notice objected to"})
    name = text(100, 2, required=True, metadata={"description": "real name (实名)"})
    contact = text(120, 5, required=True, metadata={"description": "a telephone number or e-mail address"})
    grounds = text(4000, 10, required=True)
    evidence = text(4000, allow_none=True)
    objector_unit = text(200, allow_none=True)


class ObjectionResolveSchema(In):
    outcome = one_of(["dismissed", "upheld"], required=True)
    resolution = text(2000, 2, required=True)


class ListPublishSchema(In):
    document_no = text(100, 2, required=True)
    published_on = fields.Date(required=True)


class ListQuerySchema(Query):
    level = one_of(LEVELS, load_default=None)
    year = year(load_default=None)
    region = text(40, load_default=None)
    unit_type = text(40, load_default=None)
    q = text(100, load_default=None, metadata={"description": "part of the unit's name"})
    after = text(20, load_default=None, metadata={"description": "the page after this cursor: next_after of the page "
                                                                "before (the first page: leave out)"})
    before = text(20, load_default=None, metadata={"description": "the page before this cursor (the cursor of a "
                                                                 "page's first entry)"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=100),
                           metadata={"description": "items per page (default 100)"})


class RecommendationAddSchema(In):
    application_id = ident(required=True)
    acknowledge_warnings = fields.Boolean(load_default=False)


class ConsultedDepartmentsSchema(In):
    consulted_departments = fields.List(
        fields.String(validate=validate.Length(min=1, max=60)), required=True, validate=validate.Length(max=20),
        metadata={"description": "departments consulted: the codes the region's rule names and, where it allows "
                                 "others, other departments by name"})


class ExportQuerySchema(Query):
    format = one_of(["json", "xlsx"], load_default="json",
                    metadata={"description": "json: the signed document; xlsx: the same as a table for people"})


class HistoryUploadSchema(In):
    file = Upload(required=True, metadata={"description": "xlsx or CSV, in the template's columns"})
    dry_run = fields.Boolean(load_default=False, metadata={"description": "check only, write nothing"})


# ----------------------------------------------------------------- answers --


class NoticePeriodSchema(Out):
    days = fields.Integer(required=True)
    count = fields.String(required=True, metadata={"description": "calendar_days or working_days"})
    source = fields.String(required=True)
    cite = fields.String(required=True)


class NoticeItemSchema(Out):
    id = fields.Integer(required=True)
    application_id = fields.Integer(required=True)
    name = fields.String(required=True)
    uscc = fields.String(required=True)
    unit_type = fields.String(required=True)
    tier = fields.String(required=True, allow_none=True)
    score = fields.Float(required=True, allow_none=True)
    status = one_of(ITEM_STATUSES, required=True)
    open_objections = fields.Integer(metadata={"description": "staff only"})


class NoticeSchema(Out):
    id = fields.Integer(required=True)
    region = fields.String(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    starts_on = date_text(required=True)
    ends_on = date_text(required=True)
    period = fields.Nested(NoticePeriodSchema, required=True)
    running = fields.Boolean(required=True)
    status = one_of(NOTICE_STATUSES, required=True)
    document_no = fields.String(required=True, allow_none=True)
    published_on = date_text(required=True, allow_none=True)
    admin_unit_id = fields.Integer(required=True, allow_none=True)
    start_reason = fields.String(required=True, allow_none=True)
    items = fields.List(fields.Nested(NoticeItemSchema), required=True)


NoticeListSchema = page_of(NoticeSchema)


class DecisionRuleSchema(Out):
    source = fields.String(required=True)
    cite = fields.String(required=True)


class DecisionEntrySchema(Out):
    list_entry = fields.Integer(required=True)
    application_id = fields.Integer(required=True, allow_none=True)
    name = fields.String(required=True)
    uscc = fields.String(required=True)
    unit_type = fields.String(required=True)
    status = one_of(["listed", "removed", "cultivation"], metadata={
        "description": "listed (or removed since); cultivation: put into the stage before the list (a 创建计划, "
                       "a 培育库), not listed until the province's 认定"})


class BlockedSchema(Out):
    item = fields.Integer(metadata={"description": "the notice item (publication after a notice)"})
    list_entry = fields.Integer(metadata={"description": "the stage entry (a 认定 of the stage before a list)"})
    application = fields.Integer(required=True, allow_none=True)
    name = fields.String(required=True)
    reason = fields.String(required=True, metadata={
        "description": "open_objection, banned, already_listed, in_stage (already in the stage), recognized…"})
    open_objections = fields.Integer()


class ListedSchema(Out):
    item = fields.Integer()
    application = fields.Integer(required=True)
    name = fields.String(required=True)
    list_entry = fields.Integer(required=True)


class DecisionSchema(Out):
    id = fields.Integer(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    document_no = fields.String(required=True)
    published_on = date_text(required=True)
    admin_unit_id = fields.Integer(required=True, allow_none=True)
    rule = fields.Nested(DecisionRuleSchema, required=True)
    entries = fields.List(fields.Nested(DecisionEntrySchema), required=True)


class DecisionPublishedSchema(DecisionSchema):
    blocked = fields.List(fields.Nested(BlockedSchema), required=True)


DecisionListSchema = page_of(DecisionSchema)


class PublicationSchema(Out):
    listed = fields.List(fields.Nested(ListedSchema), required=True)
    blocked = fields.List(fields.Nested(BlockedSchema), required=True)


class ObjectionSchema(Out):
    id = fields.Integer(required=True)
    notice_id = fields.Integer(required=True)
    item_id = fields.Integer(required=True)
    unit = fields.String(required=True)
    name = fields.String(required=True)
    contact = fields.String(required=True)
    objector_unit = fields.String(required=True, allow_none=True)
    grounds = fields.String(required=True)
    evidence = fields.String(required=True, allow_none=True)
    filed_at = fields.DateTime(required=True)
    status = one_of(["open", "dismissed", "upheld"], required=True)
    resolution = fields.String(required=True, allow_none=True)
    resolved_by = fields.String(required=True, allow_none=True)


ObjectionListSchema = page_of(ObjectionSchema)


class ObjectionFiledSchema(Out):
    id = fields.Integer(required=True)
    notice_id = fields.Integer(required=True)
    item_id = fields.Integer(required=True)
    status = fields.String(required=True)


class ListEntrySchema(Out):
    year = fields.Integer(required=True)
    level = one_of(LEVELS, required=True)
    unit_type = fields.String(required=True)
    name = fields.String(required=True)
    uscc = fields.String(required=True)
    region = fields.String(required=True, allow_none=True)
    city = fields.String(required=True, allow_none=True)
    notice_no = fields.String(required=True, allow_none=True)
    listed_on = date_text(required=True, allow_none=True)


#: ``total``: the matching entries when there are at most 1,000 (more: null)
ListPageSchema = page_of(ListEntrySchema, "ListPage")


class GateSchema(Out):
    code = fields.String(required=True)
    ok = fields.Boolean(required=True, allow_none=True)
    applicable = fields.Boolean(metadata={"description": "false: the condition does not apply to this unit (neither "
                                                         "met nor failed; ok is true and message says why); absent: "
                                                         "it applies"})
    blocking = fields.Boolean(required=True)
    title = fields.String()
    message = fields.String(required=True, allow_none=True)
    source = fields.String(required=True)
    cite = fields.String()
    acknowledged = fields.Boolean(allow_none=True)


class RecommendationItemSchema(Out):
    id = fields.Integer(required=True)
    application_id = fields.Integer(required=True)
    name = fields.String(required=True)
    score = fields.Float(required=True, allow_none=True)
    tier = fields.String(required=True, allow_none=True)
    gates = fields.List(fields.Nested(GateSchema), required=True)


#: the recommendation's deadline (办法 第十二条; moved by the province on the round, at the time it entered)
_DEADLINE_DAY = "the Beijing day the recommendation's deadline falls on (a deadline at 24:00 is its own day's)"
_DEADLINE_AT = ("the instant the recommendation's deadline passes, in Beijing time with its offset: "
                "2026-12-20T17:00:00+08:00 where the province moved it to 17:00, the next day's 00:00 for one at 24:00")


class RecommendationSchema(Out):
    year = fields.Integer(required=True)
    status = one_of(["draft", "exported"], required=True)
    version = fields.Integer(required=True, allow_none=True)
    digest = fields.String(required=True, allow_none=True)
    deadline = date_text(required=True, allow_none=True, metadata={"description": _DEADLINE_DAY})
    deadline_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time",
                                                                          "description": _DEADLINE_AT})
    deadline_source = fields.String(required=True, allow_none=True)
    consulted_departments = fields.List(fields.String(), required=True)
    items = fields.List(fields.Nested(RecommendationItemSchema), required=True)


class CandidateSchema(Out):
    application_id = fields.Integer(required=True)
    name = fields.String(required=True)
    unit_type = fields.String(required=True)
    gates = fields.List(fields.Nested(GateSchema), required=True)


class RecommendationStateSchema(Out):
    recommendation = fields.Nested(RecommendationSchema, required=True, allow_none=True)
    candidates = fields.List(fields.Nested(CandidateSchema), required=True)


class SignatureSchema(Out):
    alg = one_of(["Ed25519", "SM2-SM3"], required=True)
    key_id = fields.String(required=True, metadata={"description": "the province's public key, as the ministry "
                                                                   "registered it"})
    value = fields.String(required=True, metadata={"description": "base64 signature (Ed25519, or SM2-SM3: r || s, "
                                                                  "64 bytes) over the canonical JSON of every other "
                                                                  "key"})


class FileReReviewSchema(Out):
    """One re-review the province's file carries with its opinion (Hubei 002 三(六): 复核意见反馈工信部)."""

    uscc = fields.String(required=True)
    name = fields.String()
    unit_type = fields.String()
    cycle_year = fields.Integer()
    city_result = one_of(["passed", "failed"], required=True,
                         metadata={"description": "the city's on-site result: the unit still qualifies or not"})
    city_note = fields.String()
    opinion = one_of(["passed", "rectify", "fail"], required=True,
                     metadata={"description": "the experts' opinion: passed, rectify (整改) or fail"})
    opinion_note = fields.String(required=True)
    experts = fields.Integer(required=True)
    reviewed_on = date_text(allow_none=True, metadata={"description": "the day the city recorded its result"})
    opinion_on = date_text(allow_none=True, metadata={"description": "the day the province recorded the opinion"})


class RecommendationDocumentSchema(Out):
    """The signed national recommendation (the file the ministry imports); items as the province exported
    them: credit code, name, unit type, unit, scores, tier, gates."""

    class Meta:
        name = "RecommendationDocument"

    format = fields.String(required=True)
    province = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    year = fields.Integer(required=True)
    level = fields.String(required=True)
    version = fields.Integer(required=True)
    deadline = date_text(required=True, allow_none=True, metadata={"description": _DEADLINE_DAY})
    deadline_at = fields.String(allow_none=True, metadata={"format": "date-time", "description": _DEADLINE_AT + (
        "; absent from a file exported before it was added, which gives the day only")})
    deadline_source = fields.String(required=True, allow_none=True)
    exported_at = fields.String(required=True, metadata={"format": "date-time"})
    exported_by = fields.String(required=True)
    consulted_departments = fields.List(fields.String(), required=True)
    items = fields.List(fields.Dict(), required=True)
    re_reviews = fields.List(fields.Nested(FileReReviewSchema), metadata={
        "description": "the year's re-reviews with the province's opinion, where the region re-reviews its units"})
    document_id = fields.String(required=True, metadata={"description": "unique per export: a file is imported "
                                                                        "once (replays are refused)"})
    signature = fields.Nested(SignatureSchema, required=True)


class ImportedRowSchema(Out):
    seq = fields.Integer(required=True)
    uscc = fields.String(required=True)
    name = fields.String(required=True)
    ok = fields.Boolean(required=True, metadata={"description": "accepted (true) or refused (false)"})
    problems = fields.List(fields.String(), required=True, metadata={
        "description": "why the row is refused, each in Chinese and English; empty when accepted"})
    application_id = fields.Integer(metadata={
        "description": "the application the row was queued as for national review (an imported file only)"})
    case = fields.Dict(metadata={
        "description": "the unit's case as the file carries it and the import page shows it: evaluation mode, "
                       "firm, report (SHA-256), city opinion, provincial panel, checks with their sources, rules"})


class RecommendationImportReportSchema(Out):
    ok = fields.Boolean(required=True)
    province = fields.String(required=True, allow_none=True)
    province_name = fields.String(required=True, allow_none=True)
    year = fields.Integer(required=True, allow_none=True)
    version = fields.Integer(required=True, allow_none=True)
    key_id = fields.String(required=True, allow_none=True)
    digest = fields.String(required=True, allow_none=True)
    rows = fields.List(fields.Nested(ImportedRowSchema), required=True)
    queued = fields.Integer(required=True)
    application_ids = fields.List(fields.Integer(), required=True)
    problems = fields.List(fields.String())
    notice_period = fields.Nested(NoticePeriodSchema, required=True, allow_none=True)
    import_id = fields.Integer()
    campaign_id = fields.Integer()
    re_reviews = fields.List(fields.Nested(FileReReviewSchema), required=True,
                             metadata={"description": "the re-review opinions the file carries"})


class RecommendationImportSchema(Out):
    id = fields.Integer(required=True)
    province = fields.String(required=True)
    province_name = fields.String(required=True)
    year = fields.Integer(required=True)
    version = fields.Integer(required=True)
    digest = fields.String(required=True)
    application_ids = fields.List(fields.Integer(), required=True)


RecommendationImportListSchema = page_of(RecommendationImportSchema)


class HistoryRowSchema(Out):
    row = fields.Integer(required=True)
    uscc = fields.String(required=True)
    name = fields.String(required=True)
    ok = fields.Boolean(required=True)
    problems = fields.List(fields.String(), required=True)
    action = one_of(["created", "updated", "unchanged"])
    changes = fields.Dict(keys=fields.String(), values=fields.List(fields.Raw(allow_none=True)),
                          metadata={"description": "field → [before, after]"})


class HistoryReportSchema(Out):
    ok = fields.Boolean(required=True)
    dry_run = fields.Boolean(required=True)
    rows = fields.List(fields.Nested(HistoryRowSchema), required=True)
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    organizations_created = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    rejected = fields.Integer()


# ------------------------------------------------------- province keys (issue 22) --


class ProvinceKeyCreateSchema(In):
    province = text(40, 2, required=True, metadata={
        "description": "the province's region code, as its recommendation files name it (province.code)"})
    public_key = text(200, 40, required=True, metadata={
        "description": "the public key in base64, as `greenmfg keys show` prints it: Ed25519 (32 bytes) or SM2 (the "
                       "65-byte uncompressed point); the algorithm is told from it"})
    note = text(300, load_default="", metadata={"description": "how the key reached the ministry"})


class ProvinceKeySchema(Out):
    province = fields.String(required=True)
    province_name = fields.String(required=True, metadata={"description": "the province's name, where known"})
    key_id = fields.String(required=True)
    alg = one_of(["Ed25519", "SM2-SM3"], required=True, metadata={"description": "the key's algorithm"})
    public_key = fields.String(required=True)
    note = fields.String(required=True, allow_none=True)
    registered_by = fields.String(required=True)
    registered_at = fields.DateTime(required=True)
    revoked_at = fields.DateTime(required=True, allow_none=True)
    revoked_by = fields.String(required=True, allow_none=True)


ProvinceKeyListSchema = page_of(ProvinceKeySchema)
