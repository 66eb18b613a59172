"""JSON API of issue 54: the province's own signing key (``GET /api/v1/signing-key``) and the ministry's national
overview (``GET /api/v1/ministry/overview``), answering what the pages show (:mod:`core.lists.keys`,
:mod:`core.lists.overview`)."""
from __future__ import annotations

import json

from flask import current_app
from marshmallow import fields

from core.api import Blueprint, authed
from core.api.resource import Resource
from core.api.schema import Out, Query, one_of, year
from core.errors import NotFound
from core.lists import keys, overview
from core.review.access import ReviewPerm

blp = Blueprint("lists_overview_api", __name__, url_prefix="/api/v1",
                description="The province's signing key and the ministry's national overview")

ALGORITHMS = ["Ed25519", "SM2-SM3"]


class SigningKeySchema(Out):
    province = fields.String(required=True, metadata={"description": "the region code the province's files name"})
    province_name = fields.String(required=True)
    province_name_en = fields.String(required=True, allow_none=True)
    alg = one_of(ALGORITHMS, required=True, metadata={"description": "the key's algorithm"})
    key_id = fields.String(required=True, metadata={"description": "the first 16 hex digits of the fingerprint"})
    public_key = fields.String(required=True, metadata={
        "description": "the public key in base64 (32 bytes for Ed25519, the 65-byte point for SM2)"})
    fingerprint = fields.String(required=True, metadata={
        "description": "SHA-256 of the public key's bytes, in groups of four hex digits"})
    file = fields.Dict(required=True, metadata={
        "description": "the key file the ministry registers (its Province signing keys page): the same JSON the "
                       "page's download gives"})


class OverviewQuery(Query):
    year = year(load_default=None, metadata={"description": "the year (default: the newest with a file)"})


class OverviewRowSchema(Out):
    province = fields.String(required=True)
    province_name = fields.String(required=True)
    seq = fields.Integer(required=True, metadata={"description": "the row's number in the province's file"})
    application_id = fields.Integer(required=True, metadata={"description": "the application the import queued"})
    uscc = fields.String(required=True)
    name = fields.String(required=True)
    unit_type = fields.String(required=True)
    city = fields.String(required=True, allow_none=True)
    evaluator = fields.Dict(allow_none=True, metadata={
        "description": "evaluator findings: the firm the row names (name, uscc, legal_representative)"})


class FindingSchema(Out):
    kind = one_of([overview.SAME_CODE, overview.EVALUATOR_OVER_CAP, overview.REMOVED_OR_BANNED], required=True)
    key = fields.String(required=True, metadata={
        "description": "the credit code, or the evaluator's legal representative (or firm credit code)"})
    subject = fields.String(required=True, metadata={"description": "the unit's or the evaluator's name"})
    count = fields.Integer(required=True, metadata={
        "description": "provinces recommending the code; the evaluator's projects; the unit's removals and bans"})
    limit = fields.Integer(required=True)
    source = fields.String(required=True, allow_none=True)
    cite = fields.String(required=True, allow_none=True)
    basis = fields.String(metadata={"description": "evaluator findings: legal_representative or legal_entity"})
    provinces = fields.List(fields.String())
    reasons = fields.List(fields.Dict(), metadata={"description": "removals and bans: what, reason, dates"})
    rows = fields.List(fields.Nested(OverviewRowSchema), required=True,
                       metadata={"description": "the rows that raise the finding"})


class UnitCountSchema(Out):
    unit_type = fields.String(required=True)
    count = fields.Integer(required=True)
    ceiling = fields.Dict(required=True, allow_none=True, metadata={
        "description": "the national ceiling (limit, binding, source, cite), null where none is set"})
    over = fields.Boolean(required=True)


class ProvinceOverviewSchema(Out):
    province = fields.String(required=True)
    province_name = fields.String(required=True)
    province_name_en = fields.String(required=True, allow_none=True)
    received = fields.Boolean(required=True)
    timeliness = one_of([overview.ON_TIME, overview.LATE, overview.MISSING, overview.AWAITED], required=True)
    received_at = fields.DateTime(required=True, allow_none=True)
    exported_at = fields.DateTime(required=True, allow_none=True)
    version = fields.Integer(required=True, allow_none=True)
    digest = fields.String(required=True, allow_none=True)
    key_id = fields.String(required=True, allow_none=True)
    key_alg = fields.String(required=True, allow_none=True)
    key_fingerprint = fields.String(required=True, allow_none=True)
    units = fields.List(fields.Nested(UnitCountSchema), required=True)
    total = fields.Integer(required=True)


class DeadlineSchema(Out):
    ends = fields.DateTime(required=True)
    source = fields.String(required=True)
    cite = fields.String(required=True)


class OverviewSchema(Out):
    year = fields.Integer(required=True)
    years = fields.List(fields.Integer(), required=True)
    deadline = fields.Nested(DeadlineSchema, required=True, allow_none=True)
    provinces = fields.List(fields.Nested(ProvinceOverviewSchema), required=True)
    findings = fields.List(fields.Nested(FindingSchema), required=True)
    rows = fields.Integer(required=True, metadata={"description": "the imported rows of the year"})
    skipped_without_evaluator = fields.Integer(required=True, metadata={
        "description": "third-party evaluated rows that name no evaluator's legal representative: not counted "
                       "against the evaluator limit"})


@blp.route("/signing-key")
class SigningKey(Resource):
    @authed(ReviewPerm.RECOMMEND)
    @blp.response(200, SigningKeySchema)
    def get(self):
        """This province's signing key: algorithm, public key, fingerprint and the key file the ministry registers;
        404 where none is configured, 409 where the configured key cannot be used."""
        key = keys.own_key(current_app.config)
        if key is None:
            raise NotFound("This instance has no signing key for recommendations yet.")
        return {**key, "file": json.loads(keys.key_file(key))}


@blp.route("/ministry/overview")
class MinistryOverview(Resource):
    @authed(ReviewPerm.RECOMMENDATION_IMPORT)
    @blp.arguments(OverviewQuery, location="query")
    @blp.response(200, OverviewSchema)
    def get(self, args):
        """The national overview of a year (national instance): each province's file (received, on time, key,
        units per type against the ceiling) and the findings across provinces with the rows raising each."""
        return overview.overview(args["year"])


def register(api) -> None:
    """Called by :func:`core.lists.api.register_api`."""
    from core.extensions import csrf

    api.register_blueprint(blp)
    csrf.exempt(blp)
