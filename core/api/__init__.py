"""The JSON API (flask-smorest), with its OpenAPI document at /api/openapi.json."""
from __future__ import annotations

import datetime as dt

from flask import Flask, current_app
from flask.views import MethodView
from flask_smorest import Api, Blueprint
from marshmallow import Schema, fields

from core.errors import GreenmfgError
from core.extensions import csrf
from core.services.rules_export import FORMAT, rules_document

rules_bp = Blueprint("rules", __name__, url_prefix="/api/v1", description="Effective rules with provenance")


class RuleSchema(Schema):
    kind = fields.String(required=True)
    key = fields.String(required=True)
    source = fields.String(required=True, metadata={"description": "plugin that supplied the rule"})
    cite = fields.String(metadata={"description": "seed document and article"})
    replaced = fields.String(allow_none=True)
    value = fields.Dict()


class RulesQuerySchema(Schema):
    year = fields.Integer(load_default=None, metadata={"description": "rule year (default: this year)"})


class RulesDocumentSchema(Schema):
    format = fields.String(metadata={"example": FORMAT})
    region = fields.Dict()
    year = fields.Integer()
    plugins = fields.List(fields.Dict())
    rules = fields.List(fields.Nested(RuleSchema))


@rules_bp.route("/rules")
class RulesView(MethodView):
    @rules_bp.arguments(RulesQuerySchema, location="query")
    @rules_bp.response(200, RulesDocumentSchema)
    def get(self, args):
        """Every effective rule of this instance's region, each with its source plugin."""
        year = args["year"] or dt.date.today().year
        return rules_document(current_app.extensions["greenmfg"].rules, year)


def init_api(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "greenmfg API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = Api(app)
    api.register_blueprint(rules_bp)
    csrf.exempt(rules_bp)
    from core.applications.api import register_api

    register_api(api, app)
    from core.lists.api import register_api as register_lists_api  # issue 5
    from core.review.api import register_api as register_review_api  # issue 5

    register_review_api(api, app)
    register_lists_api(api, app)
    from core.management.api import register_api as register_management_api  # issue 6

    register_management_api(api, app)
    from core.accounts.api import register_api as register_accounts_api  # issue 19: one's own account

    register_accounts_api(api)

    @app.errorhandler(GreenmfgError)
    def _domain_error(exc: GreenmfgError):
        return {"errors": [exc.to_dict()]}, exc.http_status
