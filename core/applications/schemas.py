"""marshmallow 4 schemas of the JSON API (documented in /api/openapi.json).

The application update schema is built per instance from the region's form fields
(``ext_<region>__<name>``, each with the plugin's own marshmallow field), so the OpenAPI
document shows exactly what this region's form asks for.
"""
from __future__ import annotations

import copy
from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)

from core.plugins.types import field_attr

_SHORT = validate.Length(max=100)


class ErrorItemSchema(Schema):
    code = fields.String()
    message = fields.String(metadata={"description": "in the request's language"})
    message_zh = fields.String()
    message_en = fields.String()
    field = fields.String()


class MeSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    organization_id = fields.Integer(allow_none=True)
    admin_unit_id = fields.Integer(allow_none=True)
    evaluator_firm_id = fields.Integer(allow_none=True)


class CampaignSchema(Schema):
    id = fields.Integer()
    region = fields.String()
    year = fields.Integer()
    level = fields.String()
    title = fields.String()
    unit_types = fields.List(fields.String())
    opens_at = fields.DateTime()
    closes_at = fields.DateTime(metadata={"description": "the instant submissions close (Asia/Shanghai deadlines)"})
    deadlines = fields.Dict(keys=fields.String(), values=fields.String())
    deadline_reasons = fields.Dict(keys=fields.String(), values=fields.String())


class CampaignCreateSchema(Schema):
    class Meta:
        unknown = RAISE

    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    level = fields.String(required=True, validate=validate.Length(max=20))
    unit_types = fields.List(fields.String(validate=validate.Length(max=40)), required=True,
                             validate=validate.Length(min=1, max=10))
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    opens_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=None)
    closes_at = fields.AwareDateTime(load_default=None, allow_none=True,
                                     metadata={"description": "default: the region's applicants' deadline"})


class DeadlineChangeSchema(Schema):
    class Meta:
        unknown = RAISE

    code = fields.String(required=True, validate=validate.Length(max=100),
                         metadata={"description": '"closes_at" or a code from the campaign\'s deadlines'})
    at = fields.AwareDateTime(load_default=None, allow_none=True, metadata={"description": "for closes_at"})
    date = fields.Date(load_default=None, allow_none=True, metadata={"description": "for a dated deadline"})
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))

    @validates_schema
    def _one_value(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("at") is None and data.get("date") is None:
            raise ValidationError("Missing data for required field.", "date")


class ExtensionSchema(Schema):
    class Meta:
        unknown = RAISE

    uscc = fields.String(required=True, validate=validate.Length(max=40))
    until = fields.AwareDateTime(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))


class StepExtensionSchema(Schema):
    """The province extends one city's deadline for one step of a campaign (issue 15)."""

    class Meta:
        unknown = RAISE

    admin_unit = fields.String(required=True, validate=validate.Length(max=80),
                               metadata={"description": "the city's administrative unit code"})
    step = fields.String(required=True, validate=validate.Length(max=120),
                         metadata={"description": "the deadline code among the campaign's deadlines (actor city)"})
    until = fields.AwareDateTime(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))


class ApplicationCreateSchema(Schema):
    class Meta:
        unknown = RAISE

    campaign_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    unit_type = fields.String(required=True, validate=validate.Length(max=40))


class ApplicationSchema(Schema):
    id = fields.Integer()
    campaign_id = fields.Integer()
    organization = fields.Dict(metadata={"description": "id, name, uscc"})
    admin_unit = fields.Dict(metadata={"description": "code, name"})
    unit_type = fields.String()
    level = fields.String()
    status = fields.String()
    evaluation_mode = fields.String()
    industry = fields.String(allow_none=True)
    requested_levels = fields.List(fields.String())
    contact_name = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    contact_email = fields.String(allow_none=True)
    declarations = fields.Dict(keys=fields.String(), values=fields.Boolean())
    indicator_values = fields.Dict()
    extension = fields.Dict(metadata={"description": "region form values by field code"})
    score = fields.Float(allow_none=True)
    tier = fields.String(allow_none=True)
    deadline = fields.DateTime(allow_none=True, metadata={"description": "until when the applicant may save/submit"})
    submitted_at = fields.DateTime(allow_none=True)
    return_reason = fields.String(allow_none=True)
    return_until = fields.DateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    recommended_at = fields.DateTime(allow_none=True)
    recommended_levels = fields.List(fields.String(), allow_none=True,
                                     metadata={"description": "levels the city recommended (joint rounds)"})
    eligibility = fields.List(fields.Dict(), allow_none=True)
    corrections = fields.List(fields.Dict(), dump_only=True, metadata={
        "description": "changes made after the first submission (detail only): at, actor, diff {field: [before, "
                       "after]}"})


class ApplicationPageSchema(Schema):
    items = fields.List(fields.Nested(ApplicationSchema))
    page = fields.Integer()
    has_next = fields.Boolean()


class ApplicationQuerySchema(Schema):
    status = fields.String(load_default=None, validate=validate.Length(max=32))
    unit_type = fields.String(load_default=None, validate=validate.Length(max=40))
    campaign_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    q = fields.String(load_default=None, validate=validate.Length(max=100),
                      metadata={"description": "part of the name, or the start of the credit code"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))


_CORE_UPDATE = {
    "contact_name": fields.String(allow_none=True, validate=_SHORT),
    "contact_phone": fields.String(allow_none=True, validate=validate.Length(max=40)),
    "contact_email": fields.String(allow_none=True, validate=validate.Length(max=120)),
    "legal_representative": fields.String(allow_none=True, validate=_SHORT),
    "address": fields.String(allow_none=True, validate=validate.Length(max=300)),
    "industry": fields.String(allow_none=True, validate=validate.Length(max=80)),
    "evaluation_mode": fields.String(validate=validate.Length(max=20)),
    "requested_levels": fields.List(fields.String(validate=validate.Length(max=20)), validate=validate.Length(max=3)),
    "declarations": fields.Dict(keys=fields.String(validate=validate.Length(max=100)), values=fields.Boolean(),
                                metadata={"description": "negative-list item code → true when it does not apply"}),
    "indicator_values": fields.Dict(keys=fields.String(validate=validate.Length(max=10)), values=fields.Raw(
        allow_none=True), metadata={"description": "indicator number → value (number, true/false, list, object)"}),
}


class _Strict(Schema):
    class Meta:
        unknown = RAISE


def update_schema(rules: Any) -> type[Schema]:
    """The PATCH body: core fields plus every form field of the region (all optional in a draft)."""
    extra: dict[str, fields.Field] = {}
    for f in rules.form_fields.values():
        field = f.make_schema_field()
        field.metadata = {**field.metadata, "description": f"{f.label} ({f.code}; {f.source}: {f.cite})"}
        field.allow_none = True
        extra[field_attr(f.code)] = field
    core = {k: copy.deepcopy(v) for k, v in _CORE_UPDATE.items()}
    return _Strict.from_dict({**core, **extra}, name=f"ApplicationUpdate{rules.region_code.title()}")


class ReasonSchema(Schema):
    class Meta:
        unknown = RAISE

    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))


class ReturnSchema(ReasonSchema):
    until = fields.AwareDateTime(required=True, metadata={"description": "end of the correction period"})


class RecommendSchema(Schema):
    class Meta:
        unknown = RAISE

    consulted_departments = fields.List(fields.String(validate=validate.OneOf(
        ("ecology_environment", "emergency_management", "market_regulation"))), load_default=list)
    acknowledge_warnings = fields.Boolean(load_default=False)
    levels = fields.List(fields.String(validate=validate.Length(max=20)), validate=validate.Length(max=3),
                         load_default=None, metadata={"description": "joint rounds: the levels recommended among "
                                                                     "the requested ones (default: all of them)"})


class RecommendResultSchema(Schema):
    application = fields.Nested(ApplicationSchema)
    quota = fields.Dict(allow_none=True)
    over_target = fields.Boolean()
    warnings = fields.List(fields.Dict())


class EvidenceSchema(Schema):
    id = fields.Integer()
    section = fields.String()
    original_name = fields.String()
    size = fields.Integer()
    pages = fields.Integer()
    sha256 = fields.String()
    created_at = fields.DateTime()


class EvidenceFormSchema(Schema):
    section = fields.String(required=True, validate=validate.Length(max=80),
                            metadata={"description": '"general", a form section, "indicator.<n>" or an upload field code'})


class FileSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class CampaignQuerySchema(Schema):
    campaign_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class ImportReportSchema(Schema):
    ok = fields.Boolean()
    layout = fields.String()
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    rejected = fields.Integer()
    rows = fields.List(fields.Dict())
    ignored_sheets = fields.List(fields.String())


class QuotaSchema(Schema):
    unit_type = fields.String()
    limit = fields.Integer(allow_none=True)
    used = fields.Integer(allow_none=True)
    binding = fields.Boolean()
    source = fields.String()
    cite = fields.String()
