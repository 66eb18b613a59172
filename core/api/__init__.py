"""The JSON API (flask-smorest), with its OpenAPI document at /api/openapi.json.

How an endpoint is declared (who may call it, its schemas, its answers) is in docs/api-conventions.md;
the pieces are here: :class:`Blueprint` and the ``authed``/``optional_auth``/``public`` decorators
(:mod:`core.api.blueprint`), the one error format (:mod:`core.api.errors`, RFC 9457 problems), the one paging
shape of every collection (:mod:`core.api.paging`), the request checks every call passes
(:mod:`core.api.validation`) and the schema building blocks (:mod:`core.api.schema`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask
from marshmallow import fields

from core.api.blueprint import Blueprint, authed, documents, limited, optional_auth, public, token_user
from core.api.resource import Resource
from core.api.schema import Out, Query, year
from core.clock import this_year
from core.kernel.rules import region_rules

if TYPE_CHECKING:
    from core.api.spec import Api

#: a file body (PDF, xlsx) in the document
BINARY = {"type": "string", "format": "binary"}


def report_or_error(report: str) -> dict:
    """The 422 of an all-or-nothing import: the report of the rejected rows, or the one error body (a file
    that cannot be read at all). The document offers them as two media types: the report as ``application/json``,
    the error as ``application/problem+json`` (:func:`core.api.spec.errors_as_problems`)."""
    return {"oneOf": [{"$ref": f"#/components/schemas/{report}"}, {"$ref": "#/components/schemas/Error"}]}


__all__ = ["BINARY", "Blueprint", "RoundRulesSchema", "report_or_error", "authed", "documents", "init_api", "limited", "optional_auth", "public",
           "token_user"]

rules_bp = Blueprint("rules", __name__, url_prefix="/api/v1", description="Effective rules with provenance")


class RuleSchema(Out):
    kind = fields.String(required=True)
    key = fields.String(required=True)
    source = fields.String(required=True, metadata={"description": "plugin that supplied the rule"})
    cite = fields.String(required=True, metadata={"description": "the source as people cite it: 《title》（文号） and article"})
    documents = fields.List(fields.String(), required=True,
                            metadata={"description": "codes of the documents the rule cites (see `documents`)"})
    replaced = fields.String(required=True, allow_none=True)
    applied_as = fields.String(required=True, metadata={
        "description": "how the rule stands in the year: in_force (a document it cites is in force), carried (its "
                       "documents expired: the platform carries it on), ahead (its documents came later), default "
                       "(no document: a platform default or this instance's setting) or, in a round's rules, notice "
                       "(the round's notice sets it: value.notice names it, value.applied is false for a condition "
                       "it sets aside)"})
    carried_from = fields.List(fields.String(), required=True, metadata={
        "description": "for a carried or ahead rule: the documents it comes from, as people cite them"})
    value = fields.Dict(required=True, metadata={"description": "the rule's data (docs/rules-json.md)"})


class RulesQuerySchema(Query):
    year = year(load_default=None, metadata={"description": "rule year (default: this year)"})


class RegionSchema(Out):
    code = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(required=True)
    authority = fields.String(required=True)
    version = fields.String(required=True)
    source = fields.String(required=True)
    cite = fields.String(required=True)


class PluginVersionSchema(Out):
    name = fields.String(required=True)
    version = fields.String(required=True, allow_none=True)


class DocumentSchema(Out):
    code = fields.String(required=True)
    label = fields.String(required=True, metadata={"description": "《title》（文号）, as the rules cite it"})
    number = fields.String(required=True, metadata={"description": "document number (文号); empty when none"})
    title = fields.String(required=True)
    title_en = fields.String(required=True)
    issuer = fields.String(required=True)
    issued = fields.String(required=True, allow_none=True, metadata={"description": "date the document bears"})
    valid_from = fields.String(required=True, allow_none=True)
    valid_to = fields.String(required=True, allow_none=True, metadata={"description": "null: no end"})
    in_force = fields.Boolean(required=True, metadata={"description": "in force in the year listed"})
    source = fields.String(required=True)


class RulesDocumentSchema(Out):
    format = fields.String(required=True)
    region = fields.Nested(RegionSchema, required=True)
    year = fields.Integer(required=True)
    plugins = fields.List(fields.Nested(PluginVersionSchema), required=True)
    documents = fields.List(fields.Nested(DocumentSchema), required=True)
    rules = fields.List(fields.Nested(RuleSchema), required=True)


class RoundRulesSchema(RulesDocumentSchema):
    """The rules of one round (issue 43): the year's, with what the round's notice sets."""

    round = fields.Dict(required=True, metadata={
        "description": "the round: id, year, level, title and notice (number (文号), title, issuer, issued_on, label, "
                       "file_name, rules; null: opened without one)"})


@rules_bp.route("/rules")
class RulesView(Resource):
    @public
    @rules_bp.arguments(RulesQuerySchema, location="query")
    @rules_bp.response(200, RulesDocumentSchema)
    def get(self, args):
        """Every rule of this instance's region in force in the year, each with its source plugin and readable
        source; platform defaults (the scoring formulas) and reused tables say so in `value`."""
        from core.services.rules_export import rules_document

        year = args["year"] or this_year()
        return rules_document(region_rules(), year)


def init_api(app: Flask) -> Api:
    from core.api import errors, validation
    from core.api.spec import Api
    from core.errors import GreenmfgError
    from core.extensions import csrf
    from core.plugins import CONTRACT_VERSION

    rules = app.extensions["greenmfg"].rules
    app.config.setdefault("API_TITLE", f"greenmfg API ({rules.region.name_en})")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    # which region's document a client holds: the region's request bodies (ApplicationUpdateHunan...) differ
    app.config.setdefault("API_SPEC_OPTIONS", {"info": {"description": (
        "The JSON API of a greenmfg instance. Ask for a short-lived token with POST /api/v1/tokens and send it "
        "as `Authorization: Bearer <token>`. Every collection answers with one page of the `Page` envelope "
        "(`items`, `next`, `next_after`, `total`), its next page also in the `Link` header (rel=\"next\"); pass "
        "`next_after` back as `after`. Every error answers as `application/problem+json` (RFC 9457) with the "
        "`Error` body, in Chinese and English."),
        "x-greenmfg-region": {"code": rules.region_code, "name": rules.region.name, "name_en": rules.region.name_en},
        "x-greenmfg-plugin-contract": CONTRACT_VERSION}})
    validation.init_app(app)
    from core.api.paging import link_header

    app.after_request(link_header)
    from core.api import conditional, etags

    conditional.init_app(app)  # before etags: it runs after the ETag is set (304 to If-None-Match, issue 58)
    from core.api import policy_headers

    policy_headers.init_app(app)  # RateLimit and Deprecation/Sunset headers (issue 58)
    etags.init_app(app)
    from core.api.blueprint import DateConverter, date_param_schema

    app.url_map.converters["date"] = DateConverter
    api = Api(app)
    api.register_converter(DateConverter, date_param_schema)
    api.later(lambda spec: spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"}))
    app.extensions["greenmfg_api"] = api
    api.register_blueprint(rules_bp)
    csrf.exempt(rules_bp)

    @app.errorhandler(GreenmfgError)
    def _domain_error(exc: GreenmfgError):
        return errors.domain_error_response(exc)

    return api
