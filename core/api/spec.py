"""The flask-smorest ``Api`` of an instance and the OpenAPI document it serves.

The document is generated from the endpoints' declarations (:mod:`core.api.blueprint`) and finished
here: the one error body (``Error``) for every error answer, the bearer scheme, numbers as numbers (a
plugin's ``Decimal`` bounds would otherwise be written as strings) and the region in the title.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import current_app
from flask_smorest import Api as SmorestApi

from core.api.errors import ErrorSchema, http_error_response


def plain_numbers(value: Any) -> Any:
    """The document with every ``Decimal`` as a JSON number."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain_numbers(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_numbers(v) for v in value]
    return value


class Api(SmorestApi):
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        return http_error_response(error)

    def document(self) -> dict[str, Any]:
        """The OpenAPI document as served at ``/api/openapi.json``."""
        return plain_numbers(self.spec.to_dict())

    def _openapi_json(self):
        return current_app.json.response(self.document())
