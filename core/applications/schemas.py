"""marshmallow 4 schemas of the applications API (documented in /api/openapi.json).

Request schemas bound every value (texts to their column's length, ids and years to their ranges);
response schemas derive from :class:`core.api.schema.Out`. What depends on the region is built per
instance by :func:`region_schemas`: the enums (unit types, levels) and the region's form
fields as one typed object, ``extension``, keyed by the field's code (``hunan.work_plan``) both in a
PATCH and in every answer. The industry is a string: the industries an application may name are the
round's (``gm_policy_industries``, some rounds accept any industry by name), checked by the service.
"""
from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError, fields, missing, validate, validates_schema

from flask_smorest.fields import Upload

from core.api.paging import id_cursor, page_of
from core.api.schema import In, Out, Query, Vocabulary, date_text, ident, one_of, regional, text, year
from core.applications.core_fields import APPLICATION_FIELDS, core_api_field
from core.applications.fields import draft_field
from core.declared_fields import api_field
from core.models import ApplicationStatus
from core.plugins.types import field_attr, year_text

STATUSES = [s.value for s in ApplicationStatus]
EVALUATION_MODES = ["self", "third_party"]


# ----------------------------------------------------------------- account --


#: the industry of an application: the round's choices (``gm_policy_industries``), checked by the service
INDUSTRY_OUT = ("the industry: a code of the region's industries, or, in a round whose document accepts any industry "
                "(e.g. one evaluated against the general requirements, 通则), its name as given; null: none named")
INDUSTRY_IN = (INDUSTRY_OUT + ". A code or name outside the industries of the application's round is refused "
               "(422, field ``industry``)")

class MeSchema(Out):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    display_name = fields.String(required=True)
    role = one_of(["applicant", "city", "province", "expert", "evaluator", "ministry", "admin"], required=True)
    organization_id = fields.Integer(required=True, allow_none=True)
    admin_unit_id = fields.Integer(required=True, allow_none=True)
    evaluator_firm_id = fields.Integer(required=True, allow_none=True)


# --------------------------------------------------------------- campaigns --


class CampaignSchema(Out):
    id = fields.Integer(required=True)
    region = fields.String(required=True)
    year = fields.Integer(required=True)
    level = fields.String(required=True)
    title = fields.String(required=True)
    unit_types = fields.List(fields.String(), required=True)
    opens_at = fields.DateTime(required=True)
    closes_at = fields.DateTime(required=True, metadata={
        "description": "the instant submissions close (Asia/Shanghai deadlines)"})
    deadlines = fields.Dict(keys=fields.String(), values=fields.String(metadata={"format": "date"}), required=True,
                            metadata={"description": "deadline code → the day it ends (24:00 Beijing time)"})
    deadline_reasons = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                                   metadata={"description": "deadline code → why it was changed"})
    notice = fields.Dict(required=True, allow_none=True, metadata={
        "description": "the notice the round was opened from (issue 43): number (文号), title, issuer, issued_on, "
                       "label (《title》（文号）), file_name, and the rules it sets for the round (kind deadline, quota "
                       "or condition, key, value, article); null: opened without one"})


class CampaignCreateSchema(In):
    year = year(required=True)
    level = fields.String(required=True, validate=validate.Length(max=20))
    unit_types = fields.List(fields.String(validate=validate.Length(max=40)), required=True,
                             validate=validate.Length(min=1, max=10))
    title = text(200, allow_none=True)
    opens_at = fields.AwareDateTime(allow_none=True, metadata={"description": "default: now"})
    closes_at = fields.AwareDateTime(allow_none=True,
                                     metadata={"description": "default: the region's applicants' deadline"})


class _JsonList(fields.Field):
    """A JSON array sent as one text field of a multipart form (the notice's rules beside its file)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list:
        import json

        try:
            loaded = json.loads(value) if isinstance(value, str) else value
        except ValueError:
            raise ValidationError("Not valid JSON.") from None
        if not isinstance(loaded, list) or not all(isinstance(x, dict) for x in loaded) or len(loaded) > 100:
            raise ValidationError("A JSON array of at most 100 objects.")
        return loaded


NOTICE_RULES = ('the rules the notice sets for the round, a JSON array of objects {"kind": "deadline" | "quota" | '
                '"condition" | "evaluator_cap" | "notice_period", "key": a step code from GET /api/v1/round-steps '
                '("closes_at" for the applicants\' closing) | "<admin unit code>/<unit type>" | a condition code | a '
                'list level, "value": the date (YYYY-MM-DD, not before today) | the number of places | true (applied) '
                'or false (set aside) | projects a year | working days, "article": the notice\'s article}; checked '
                'against the plugin contract and the national ceilings')


class RoundNoticeCreateSchema(In):
    """Open a round from its notice (multipart, issue 43)."""

    year = year(required=True)
    level = fields.String(required=True, validate=validate.Length(max=20))
    unit_types = fields.List(fields.String(validate=validate.Length(max=40)), required=True,
                             validate=validate.Length(min=1, max=10))
    title = text(200, allow_none=True, metadata={"description": "default: the notice's title"})
    notice_no = text(80, 2, required=True, metadata={"description": "the notice's number (文号)"})
    notice_title = text(300, 2, required=True)
    notice_issuer = text(200, 2, required=True)
    notice_issued_on = fields.Date(required=True)
    closes_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "default: the applicants' deadline the notice sets, else the region's"})
    rules = _JsonList(load_default=list, metadata={"type": "string", "description": NOTICE_RULES})
    file = Upload(required=True, metadata={"description": "the notice itself: one PDF, at most 10 MB"})


class RoundStepsQuery(Query):
    year = year(required=True)
    level = fields.String(required=True, validate=validate.Length(max=20))
    unit_type = fields.List(fields.String(validate=validate.Length(max=40)), load_default=list,
                            validate=validate.Length(max=10), metadata={"description": "repeat; default: any"})


class RoundStepSchema(Out):
    dumps_dicts_as_given = True
    code = fields.String(required=True, metadata={"description": 'the step; "closes_at": the applicants\' closing'})
    title = fields.String(required=True)
    title_en = fields.String(allow_none=True)
    actor = fields.String(required=True)
    source = fields.String(required=True)
    cite = fields.String(required=True)
    default_date = date_text(allow_none=True, metadata={"description": "null: no document or notice dates it"})
    origin = one_of(("document", "notice", "unset"), required=True)
    dated_by = fields.String(required=True, metadata={"description": "the document (文号, article) or notice"})


class RoundStepsSchema(Out):
    year = fields.Integer(required=True)
    level = fields.String(required=True)
    steps = fields.List(fields.Nested(RoundStepSchema), required=True)


class DeadlineChangeSchema(In):
    code = text(100, required=True, metadata={
        "description": '"closes_at", a code from the campaign\'s deadlines, or a step of the round no document '
                       'dates yet (GET /api/v1/round-steps)'})
    at = fields.AwareDateTime(allow_none=True, metadata={"description": "for closes_at"})
    date = fields.Date(allow_none=True, metadata={"description": "for a dated deadline"})
    reason = text(500, 2, required=True)

    @validates_schema
    def _one_value(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("at") is None and data.get("date") is None:
            raise ValidationError("Missing data for required field.", "date")


class ExtensionSchema(In):
    uscc = text(40, required=True, metadata={"description": "the applicant's 统一社会信用代码"})
    until = fields.AwareDateTime(required=True)
    reason = text(500, 2, required=True)


class ExtensionOutSchema(Out):
    class Meta:
        name = "ExtensionGranted"

    uscc = fields.String(required=True)
    until = fields.DateTime(required=True)
    reason = fields.String(required=True)


class StepExtensionSchema(In):
    """The province extends one city's deadline for one step of a campaign (issue 15)."""

    admin_unit = text(80, required=True, metadata={"description": "the city's administrative unit code"})
    step = text(120, required=True,
                metadata={"description": "the deadline code among the campaign's deadlines (actor city)"})
    until = fields.AwareDateTime(required=True)
    reason = text(500, 2, required=True)


class StepExtensionOutSchema(Out):
    admin_unit = fields.String(required=True)
    step = fields.String(required=True)
    until = fields.DateTime(required=True)
    reason = fields.String(required=True)


# ------------------------------------------------------------ applications --


class OrganizationRefSchema(Out):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    uscc = fields.String(required=True, metadata={"description": "统一社会信用代码"})


class AdminUnitRefSchema(Out):
    code = fields.String(required=True)
    name = fields.String(required=True)


class EligibilityResultSchema(Out):
    dumps_dicts_as_given = True  # the API's collection takes stored results as they are (core.api.schema.dumper)
    kind = one_of(["negative_list", "ban", "removal", "evaluation_report", "rule", "joint_round",
                   "judged_condition", "priority"], required=True)
    code = fields.String(required=True)
    title = fields.String(required=True)
    source = fields.String(required=True, metadata={"description": "the plugin (or record) the rule comes from"})
    cite = fields.String(required=True, metadata={"description": "document number and article"})
    blocking = fields.Boolean(required=True)
    stage = one_of(["submit", "recommend"], required=True)
    ok = fields.Boolean(required=True, allow_none=True, metadata={"description": "null: checked by a person"})
    applicable = fields.Boolean(metadata={"description": "false: the condition does not apply to this application "
                                                         "(neither met nor failed; ok is true and message says why); "
                                                         "absent: it applies"})
    message = fields.String(required=True, allow_none=True)
    levels = fields.List(fields.String(), metadata={"description": "levels the rule gates (joint rounds)"})
    met_by = one_of(["city"], metadata={"description": "who meets the condition where the applicant cannot: "
                                                      "\"city\", the city's step when it recommends (e.g. consulting "
                                                      "the departments its rule names); absent: the applicant"})


class EligibilitySchema(Out):
    results = fields.List(fields.Nested(EligibilityResultSchema), required=True)


class CorrectionSchema(Out):
    at = fields.DateTime(required=True)
    actor = fields.String(required=True)
    diff = fields.Dict(keys=fields.String(), values=fields.List(fields.Raw(allow_none=True)), required=True,
                       metadata={"description": "field → [before, after]"})


class ApplicationSchema(Out):
    id = fields.Integer(required=True)
    campaign_id = fields.Integer(required=True)
    organization = fields.Nested(OrganizationRefSchema, required=True)
    admin_unit = fields.Nested(AdminUnitRefSchema, required=True)
    unit_type = fields.String(required=True)
    level = fields.String(required=True)
    status = one_of(STATUSES, required=True)
    evaluation_mode = one_of(EVALUATION_MODES, required=True)
    industry = fields.String(required=True, allow_none=True, metadata={"description": INDUSTRY_OUT})
    requested_levels = fields.List(fields.String(), required=True)
    contact_name = fields.String(required=True, allow_none=True)
    contact_phone = fields.String(required=True, allow_none=True)
    contact_email = fields.String(required=True, allow_none=True)
    legal_representative = fields.String(required=True, allow_none=True)
    address = fields.String(required=True, allow_none=True)
    declarations = fields.Dict(keys=fields.String(), values=fields.Boolean(), required=True,
                               metadata={"description": "negative-list item code → true when it does not apply"})
    indicator_values = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True,
                                   metadata={"description": "indicator number → value"})
    extension = fields.Dict(required=True)  # replaced per region by the typed form fields
    score = fields.Float(required=True, allow_none=True)
    tier = fields.String(required=True, allow_none=True)
    deadline = fields.DateTime(required=True, allow_none=True,
                               metadata={"description": "until when the applicant may save/submit"})
    submitted_at = fields.DateTime(required=True, allow_none=True)
    return_reason = fields.String(required=True, allow_none=True)
    return_until = fields.DateTime(required=True, allow_none=True)
    decision_reason = fields.String(required=True, allow_none=True)
    recommended_at = fields.DateTime(required=True, allow_none=True)
    recommended_levels = fields.List(fields.String(), required=True, allow_none=True,
                                     metadata={"description": "levels the city recommended (joint rounds)"})
    eligibility = fields.List(fields.Nested(EligibilityResultSchema), required=True, allow_none=True,
                              metadata={"description": "as recorded at submission"})
    corrections = fields.List(fields.Nested(CorrectionSchema), metadata={
        "description": "changes made after the first submission (detail only)"})




class ApplicationCreateSchema(In):
    campaign_id = ident(required=True)
    unit_type = text(40, required=True)


class ApplicationQuerySchema(Query):
    status = one_of(STATUSES, load_default=None)
    unit_type = text(40, load_default=None)
    campaign_id = ident(load_default=None)
    q = text(100, load_default=None, metadata={"description": "part of the name, or the start of the credit code"})
    after = id_cursor()
    limit = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100),
                           metadata={"description": "items per page (default 50)"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000), metadata={
        "description": "deprecated (issue 48): the page by its number; use after", "deprecated": True})
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100),
                              metadata={"description": "deprecated (issue 48): use limit", "deprecated": True})


_CORE_UPDATE = {
    **{f.code: core_api_field(f.code) for f in APPLICATION_FIELDS},  # the declaration the web form reads too
    "industry": text(80, allow_none=True, metadata={"description": INDUSTRY_IN}),
    "evaluation_mode": one_of(EVALUATION_MODES),
    "requested_levels": fields.List(fields.String(validate=validate.Length(max=20)), validate=validate.Length(max=3)),
    "declarations": fields.Dict(keys=fields.String(validate=validate.Length(max=100)), values=fields.Boolean(),
                                metadata={"description": "negative-list item code → true when it does not apply; "
                                                         "the items sent are changed, the others kept"}),
    "indicator_values": fields.Dict(keys=fields.String(validate=validate.Length(max=10)), values=fields.Raw(
        allow_none=True), metadata={"description": "indicator number → value (number, true/false, list, object); "
                                                   "the numbers sent are changed, the others kept"}),
}


class ReasonSchema(In):
    reason = text(500, 2, required=True)


class ReturnSchema(ReasonSchema):
    until = fields.AwareDateTime(required=True, metadata={"description": "end of the correction period"})


class RecommendSchema(In):
    consulted_departments = fields.List(
        fields.String(validate=validate.Length(min=1, max=60)), validate=validate.Length(max=20), load_default=list,
        metadata={"description": "departments consulted: the codes the region's rule names (``GET /api/v1/rules``, "
                                 "kind consulted_departments) and, where it allows others, other departments by name"})
    acknowledge_warnings = fields.Boolean(load_default=False)
    opinion = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000),
                            metadata={"description": "the city's 推荐意见; required where the region's rule asks for "
                                                     "one (``GET /api/v1/rules``, kind city_recommendation): 422 "
                                                     "when missing or out of length"})
    levels = fields.List(fields.String(validate=validate.Length(max=20)), validate=validate.Length(max=3),
                         load_default=None, allow_none=True,
                         metadata={"description": "joint rounds: the levels recommended among the requested ones "
                                                  "(default: all of them)"})


class QuotaUseSchema(Out):
    class Meta:
        name = "QuotaUse"

    limit = fields.Integer(required=True)
    used = fields.Integer(required=True)
    binding = fields.Boolean(required=True, metadata={"description": "false: a target (预期目标), not a cap"})
    source = fields.String(required=True)
    cite = fields.String(required=True)


class RecommendResultSchema(Out):
    application = fields.Nested(ApplicationSchema, required=True)
    quota = fields.Nested(QuotaUseSchema, required=True, allow_none=True)
    over_target = fields.Boolean(required=True)
    warnings = fields.List(fields.Nested(EligibilityResultSchema), required=True)
    #: the city's 推荐意见 as recorded (None when none was given)
    opinion = fields.String(required=True, allow_none=True)


class EvidenceSchema(Out):
    id = fields.Integer(required=True)
    section = fields.String(required=True)
    original_name = fields.String(required=True)
    size = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class EvidenceUploadSchema(In):
    section = text(80, 1, required=True, metadata={
        "description": '"general", a form section, "indicator.<n>" or an upload field code'})
    file = Upload(required=True, metadata={"description": "one PDF, at most 10 MB"})


class SummaryUploadSchema(In):
    file = Upload(required=True, metadata={"description": "the filled table (xlsx) in the region's layout"})


class CampaignQuerySchema(Query):
    campaign_id = ident(required=True)


class RecommendationFileUploadSchema(In):
    file = Upload(required=True, metadata={"description": "the city's 推荐文件 for the round: one PDF, at most 10 MB; "
                                                          "a new upload replaces the previous one"})


class RecommendationFileSchema(Out):
    id = fields.Integer(required=True)
    campaign_id = fields.Integer(required=True)
    original_name = fields.String(required=True)
    size = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    uploaded_by = fields.String(required=True)
    uploaded_at = fields.DateTime(required=True, attribute="updated_at")


class CityRecommendationFilesSchema(Out):
    """One city of the round: how many it recommended, its 推荐文件 (or null), and ``missing`` where the
    region's rule requires the file and the city has not uploaded it."""

    city = fields.String(required=True, metadata={"description": "the city's code"})
    city_name = fields.String(required=True)
    recommended = fields.Integer(required=True)
    file = fields.Nested(RecommendationFileSchema, required=True, allow_none=True)
    missing = fields.Boolean(required=True)


class SummaryQuerySchema(CampaignQuerySchema):
    include_drafts = fields.Boolean(load_default=False, metadata={
        "description": "a working copy: every application of the city but rejected and withdrawn ones (drafts "
                       "included), to correct drafts in bulk and import again"})


class ImportFieldSchema(Out):
    column = fields.String(required=True, metadata={"description": "the column's printed header"})
    key = fields.String(required=True)
    old = fields.String(required=True, metadata={"description": "the stored value, as printed"})
    new = fields.String(required=True, metadata={"description": "the value in the file"})
    status = one_of(["applied", "accepted", "refused"], required=True, metadata={
        "description": "applied: written; accepted: would be written but another row was rejected; refused"})
    status_label = fields.String(required=True, metadata={"description": "the status in the request's language"})
    reason = fields.String(metadata={"description": "why the value was refused (the request's language)"})


class ImportRowSchema(Out):
    sheet = fields.String(required=True)
    row = fields.Integer(required=True)
    uscc = fields.String(required=True)
    name = fields.String(required=True)
    action = one_of(["created", "updated", "unchanged", "rejected"], required=True)
    action_label = fields.String(required=True, metadata={"description": "the action in the request's language"})
    changes = fields.List(fields.Nested(ImportFieldSchema), required=True, data_key="fields", attribute="fields",
                          metadata={
        "description": "each changed or refused value of the row"})
    field = fields.String(allow_none=True)
    reason = fields.String(metadata={"description": "why the row was rejected (the request's language)"})


class ImportReportSchema(Out):
    ok = fields.Boolean(required=True)
    layout = fields.String(required=True)
    layout_title = fields.String(required=True, metadata={"description": "the printed table's title"})
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    rejected = fields.Integer(required=True)
    rows = fields.List(fields.Nested(ImportRowSchema), required=True)
    ignored_sheets = fields.List(fields.String(), required=True)


class QuotaSchema(Out):
    unit_type = fields.String(required=True)
    limit = fields.Integer(required=True, allow_none=True, metadata={"description": "null: no quota"})
    used = fields.Integer(required=True, allow_none=True)
    binding = fields.Boolean(required=True)
    source = fields.String(required=True)
    cite = fields.String(required=True)
    period = fields.List(fields.Integer(), allow_none=True,
                         metadata={"description": "first and last year the quota counts"})
    ended = fields.Boolean(metadata={"description": "true: the region's quota plan ended before this round; its last "
                                                    "figure is shown as a target"})


class ScoreIndicatorSchema(Out):
    number = fields.Raw(required=True, metadata={"description": "the indicator's number in the table"})
    name = fields.String(required=True, metadata={"description": "the name in the indicator table (Chinese)"})
    name_en = fields.String(required=True, metadata={
        "description": "the platform's English translation of the name, or empty where the plugin gives none"})
    weight = fields.Float(required=True)
    kind = fields.String(required=True)
    value = fields.Raw(required=True, allow_none=True)
    score = fields.Float(required=True, allow_none=True)
    status = fields.String(required=True)
    inputs = fields.Dict(required=True, metadata={"description": "what the formula used (reference values...)"})


class GradingSchema(Out):
    level = fields.String(required=True)
    source = fields.String(required=True)
    tier_label = fields.String(required=True, allow_none=True)
    recommendable = fields.Boolean(required=True, allow_none=True)


class PlatformDefaultSchema(Out):
    rule = fields.String(required=True, metadata={"description": "linear or elasticity"})
    text = fields.String(required=True, metadata={"description": "what the platform assumes, in Chinese and English"})


class IndicatorTableSourceSchema(Out):
    code = fields.String(required=True)
    title = fields.String(required=True)
    year_from = fields.Integer(required=True)
    cite = fields.String(required=True, metadata={"description": "the table's source: 《title》（文号） and attachment"})
    reused = fields.String(required=True, allow_none=True,
                           metadata={"description": "set when the round reuses another year's table"})


class ScoreSchema(Out):
    """The live self-evaluation score; empty when the unit type has no indicator table this round."""

    unit_type = fields.String()
    industry = fields.String()
    year = fields.Integer()
    indicator_set = fields.String()
    total = fields.Float()
    complete = fields.Boolean()
    indicators = fields.List(fields.Nested(ScoreIndicatorSchema))
    tier = fields.String(allow_none=True)
    grading = fields.Nested(GradingSchema)
    platform_defaults = fields.List(fields.Nested(PlatformDefaultSchema), metadata={
        "description": "formulas the score rests on that are the platform's, not a document's (the official "
                       "formula is unpublished): linear scoring between 基准值 and 引领值, the park elasticity rule"})
    indicator_table = fields.Nested(IndicatorTableSourceSchema)


# ------------------------------------------------------------ per region --


class _Passthrough(Schema):
    """The region's form fields: documented with the plugin's fields, answered with the stored JSON
    (dates as ``YYYY-MM-DD``, decimals as numbers), keyed by field code."""

    def dump(self, obj: Any, *, many: bool | None = None):
        if many:
            return [self.dump(o) for o in obj]
        keys = self.codes
        return {k: v for k, v in (obj or {}).items() if k in keys}

    @functools.cached_property
    def codes(self) -> frozenset[str]:
        """The field codes answered (the others stored are left out)."""
        return frozenset(f.data_key or name for name, f in self.fields.items())


def _extension_fields(rules: Any, *, draft: bool = False) -> dict[str, fields.Field]:
    """The region's form fields by code. ``draft``: as a draft takes them (:func:`draft_field`: a table is checked
    cell by cell, its rules as a whole at submission)."""
    out: dict[str, fields.Field] = {}
    for f in rules.form_fields.values():
        field = _rows_in_part(draft_field(api_field(f)) if draft else api_field(f))
        field.data_key = f.code
        field.required = False
        field.load_default = missing  # PATCH: nothing sent, nothing changed (never a default)
        field.dump_default = missing
        field.allow_none = True
        scope = ", ".join(f.unit_types) if f.unit_types else "all unit types"
        label = year_text(f.label, None)  # year fields read N-1… (N: the round's year)
        region = rules.identities.get(f.source)
        source = (region.name_en or region.name) if region is not None else f.source
        field.metadata = {**field.metadata, "description": (
            f"{label} ({f.code}; {scope}; rule from {source}: {rules.readable(f.cite)})")}
        out[field_attr(f.code)] = field
    return out


def _rows_in_part(field: fields.Field) -> fields.Field:
    """A table's rows documented with no cell required: a draft saves a table filled in part (and answers it so),
    a submission checks every cell."""
    inner = getattr(field, "inner", None)
    if not isinstance(field, fields.List) or not isinstance(inner, fields.Nested):
        return field
    nested = inner.nested if isinstance(inner.nested, type) else type(inner.nested)
    rows = fields.List(fields.Nested(nested(partial=True)), metadata=field.metadata)
    rows.validators = list(field.validators)  # the table's own bounds (its rows) stay documented
    return rows


@dataclass(frozen=True)
class RegionSchemas:
    vocabulary: Vocabulary
    campaign: type[Schema]
    campaign_create: type[Schema]
    round_notice_create: type[Schema]
    application: type[Schema]
    application_page: type[Schema]
    campaign_page: type[Schema]
    application_create: type[Schema]
    application_query: type[Schema]
    update: type[Schema]
    recommend_result: type[Schema]
    quota: type[Schema]
    quota_page: type[Schema]
    #: PATCH attribute (``ext_hunan__x``) → field code (``hunan.x``)
    codes: dict[str, str]


def region_schemas(rules: Any) -> RegionSchemas:
    """This instance's schemas: enums of its codes and its form fields under ``extension``."""
    vocab = Vocabulary(rules)
    region = rules.region_code
    suffix = region.title().replace("_", "")
    extension_in = type(f"ApplicationExtension{suffix}", (In,), _extension_fields(rules, draft=True))
    extension_out = type(f"ApplicationExtensionOut{suffix}", (_Passthrough,), _extension_fields(rules))
    campaign = regional(CampaignSchema, region, level=vocab.level(required=True),
                        unit_types=fields.List(vocab.unit_type(), required=True))
    quota = regional(QuotaSchema, region, unit_type=vocab.unit_type(required=True))
    application = regional(
        ApplicationSchema, region, unit_type=vocab.unit_type(required=True), level=vocab.level(required=True),
        requested_levels=fields.List(vocab.level(), required=True),
        recommended_levels=fields.List(vocab.level(), required=True, allow_none=True),
        extension=fields.Nested(extension_out, required=True,
                                metadata={"description": "the region's form fields, by field code"}))
    core = {k: copy.deepcopy(v) for k, v in _CORE_UPDATE.items()}
    core["requested_levels"] = fields.List(vocab.level(), validate=validate.Length(max=3))
    # partial: a draft may leave any cell of a table blank (submission checks the stored data in full)
    core["extension"] = fields.Nested(extension_in(partial=True), metadata={
        "description": "the region's form fields by code; the fields sent are changed, the others kept; a "
                       "table's cells may be left out in a draft"})
    update = type(f"ApplicationUpdate{suffix}", (In,), core)
    return RegionSchemas(
        vocabulary=vocab,
        campaign=campaign,
        campaign_create=regional(CampaignCreateSchema, region, level=vocab.level(required=True),
                                 unit_types=fields.List(vocab.unit_type(), required=True,
                                                        validate=validate.Length(min=1, max=10))),
        round_notice_create=regional(RoundNoticeCreateSchema, region, level=vocab.level(required=True),
                                     unit_types=fields.List(vocab.unit_type(), required=True,
                                                            validate=validate.Length(min=1, max=10))),
        application=application,
        application_page=page_of(application, f"ApplicationPage{suffix}"),
        campaign_page=page_of(campaign),
        application_create=regional(ApplicationCreateSchema, region, unit_type=vocab.unit_type(required=True)),
        application_query=regional(ApplicationQuerySchema, region, unit_type=vocab.unit_type(load_default=None)),
        update=update,
        recommend_result=regional(RecommendResultSchema, region, application=fields.Nested(application,
                                                                                           required=True)),
        quota=quota,
        quota_page=page_of(quota),
        codes={field_attr(f.code): f.code for f in rules.form_fields.values()},
    )

