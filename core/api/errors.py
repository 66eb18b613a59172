"""One error body for every JSON API blueprint, in Chinese and English (documented as ``Error``): a problem
details object of RFC 9457, answered as ``application/problem+json`` (issue 48).

Every refusal under ``/api/`` (a domain error raised by a service, a webargs validation error, an
HTTP error from routing, a rate limit, the request checks of :mod:`core.api.validation`, the
database being away, an unexpected fault) leaves through :func:`error_response`::

    {"type": "urn:greenmfg:problem:invalid_input", "title": "…the code's title, in the request's language",
     "status": 422, "detail": "…in the request's language", "instance": "/api/v1/applications/7",
     "code": "invalid_input",
     "message": "…in the request's language", "message_zh": "…", "message_en": "…",
     "errors": [{"code": "invalid_input", "field": "reason", "message": "…", "message_zh": "…",
                 "message_en": "…"}],
     "request_id": "3f9c…"}

``type``, ``title``, ``status``, ``detail`` and ``instance`` are RFC 9457's members: ``type`` is
``urn:greenmfg:problem:<code>`` (a stable URI naming the reason, not a page to fetch), ``detail`` the message in
the request's language and ``instance`` the path of the request refused. The rest are this API's extension
members, as before RFC 9457: ``errors`` always holds at least one item, one per field at fault when fields are,
else the refusal itself. ``code`` is one of :data:`ERROR_CODES` (stable; clients branch on it or on ``type``,
never on the text).
Nothing is half-written: the session is rolled back before the body is built.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import Response, g, has_request_context, jsonify, request
from flask_babel import get_locale, lazy_gettext as _l
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import HTTPException

from core.errors import GreenmfgError
from core.i18n import bilingual

#: every ``code`` an error body or item may carry
ERROR_CODES = (
    "bad_request", "unauthorized", "forbidden", "not_found", "method_not_allowed", "not_acceptable",
    "conflict", "payload_too_large", "unsupported_media_type", "invalid_input", "rate_limited",
    "server_error", "service_unavailable", "error", "refused", "limit_reached", "deadline_passed",
    "calendar_data_missing", "login_throttled", "bulk_refused", "store_full",
    "precondition_failed", "precondition_required", "idempotency_key_reused", "request_in_progress",
    "oidc_refused", "oidc_unavailable",
)
_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "payload_too_large",
               415: "unsupported_media_type", 422: "invalid_input", 429: "rate_limited", 500: "server_error",
               503: "service_unavailable", 507: "store_full", 412: "precondition_failed", 428: "precondition_required"}
_HTTP_MESSAGES = {
    400: _l("The request could not be read: the body is not valid JSON, or a value is in the wrong form."),
    401: _l("A valid API token is required (Authorization: Bearer <token>)."),
    403: _l("Your role may not do this."),
    404: _l("No such resource, or not one you may see."),
    405: _l("This method is not allowed here; the Allow header lists the methods that are."),
    406: _l("This resource cannot answer in the requested format."),
    409: _l("This conflicts with the current state of the record."),
    413: _l("The request is too large: at most %(kb)s KB."),
    415: _l("Unsupported content type for this request."),
    422: _l("The input is invalid; see the messages per field."),
    429: _l("Too many attempts from your address. Please wait %(n)s seconds and try again."),
    500: _l("Something went wrong on our side; nothing was saved. Please try again; if it happens again, "
            "give the administrator this reference: %(ref)s"),
}
_OTHER = _l("The request was refused (HTTP %(status)s).")
#: the media type of every error answer (RFC 9457)
PROBLEM_JSON = "application/problem+json"
#: ``type`` of a problem: this prefix and its code
PROBLEM_TYPE = "urn:greenmfg:problem:"
#: ``title`` of each code: the same for every problem of the code (RFC 9457 §3.1.4), in the request's language
TITLES = {
    "bad_request": _l("Bad request"), "unauthorized": _l("Not signed in"), "forbidden": _l("Not allowed"),
    "not_found": _l("Not found"), "method_not_allowed": _l("Method not allowed"),
    "not_acceptable": _l("Format not available"), "conflict": _l("Conflict with the current state"),
    "payload_too_large": _l("Request too large"), "unsupported_media_type": _l("Unsupported content type"),
    "invalid_input": _l("Invalid input"), "rate_limited": _l("Too many requests"),
    "server_error": _l("Server error"), "service_unavailable": _l("Service unavailable"),
    "error": _l("Request refused"), "refused": _l("Request refused"), "limit_reached": _l("Limit reached"),
    "deadline_passed": _l("Deadline passed"), "calendar_data_missing": _l("Calendar data missing"),
    "login_throttled": _l("Too many failed sign-ins"), "bulk_refused": _l("Batch refused"),
    "store_full": _l("File store full"),
    "idempotency_key_reused": _l("Idempotency key used for another request"),
    "request_in_progress": _l("The same request is still in progress"),
    "precondition_failed": _l("Changed since it was read"), "precondition_required": _l("If-Match required"),
    "oidc_refused": _l("Sign-in through the unified identity service refused"),
    "oidc_unavailable": _l("Unified identity service unavailable"),
}
_LOCATIONS = {"json", "query", "querystring", "form", "files", "form_and_files", "view_args", "path", "headers",
              "cookies"}


class ErrorItemSchema(Schema):
    """One problem: a field at fault (``field``, a dotted path into the request) or the refusal itself."""

    code = fields.String(required=True, validate=validate.OneOf(ERROR_CODES))
    field = fields.String(required=True, allow_none=True,
                          metadata={"description": "dotted path of the field at fault (null: the request)"})
    message = fields.String(required=True, metadata={"description": "in the request's language"})
    message_zh = fields.String(required=True)
    message_en = fields.String(required=True)


class ErrorSchema(Schema):
    """The body of every 4xx and 5xx answer of the API: an RFC 9457 problem (``application/problem+json``) whose
    extension members keep the messages in both languages and one item per field at fault."""

    class Meta:
        name = "Error"

    type = fields.String(required=True, metadata={
        "format": "uri", "description": "the problem's type: urn:greenmfg:problem: and its code (RFC 9457)"})
    title = fields.String(required=True, metadata={
        "description": "the problem type's short title, in the request's language (RFC 9457)"})
    status = fields.Integer(required=True, metadata={"description": "the HTTP status"})
    detail = fields.String(required=True, metadata={
        "description": "this occurrence explained, in the request's language (as message) (RFC 9457)"})
    instance = fields.String(required=True, metadata={
        "format": "uri-reference", "description": "the path of the request refused (RFC 9457)"})
    code = fields.String(required=True, validate=validate.OneOf(ERROR_CODES),
                         metadata={"description": "stable machine-readable reason (extension)"})
    message = fields.String(required=True, metadata={"description": "in the request's language"})
    message_zh = fields.String(required=True)
    message_en = fields.String(required=True)
    errors = fields.List(fields.Nested(ErrorItemSchema), required=True,
                         metadata={"description": "one item per field at fault, else the refusal itself"})
    request_id = fields.String(required=True, allow_none=True,
                               metadata={"description": "quote it when reporting a problem"})


def _texts(pair: Mapping[str, str]) -> dict[str, str]:
    current = "en" if str(get_locale() or "zh").startswith("en") else "zh"
    return {"message": pair[current], "message_zh": pair["zh"], "message_en": pair["en"]}


def texts(lazy: Any, **params: Any) -> dict[str, str]:
    """``message`` (the request's language), ``message_zh`` and ``message_en`` of a translatable text."""
    return _texts(bilingual(lazy, **params))


def error_body(status: int, code: str, message: Mapping[str, str],
               items: Iterable[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    items = list(items or [])
    if not items:
        items = [{"code": code, "field": None, **message}]
    title = TITLES.get(code, TITLES["error"])
    return {"type": PROBLEM_TYPE + code, "title": str(title), "status": status, "detail": message["message"],
            "instance": request.path if has_request_context() else None, "code": code, **message, "errors": items,
            "request_id": g.get("request_id")}


def error_response(status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> Response:
    """``body`` (:func:`error_body`) as an ``application/problem+json`` answer."""
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


# -------------------------------------------------------------------- fields --


def field_items(messages: Any, code: str = "invalid_input") -> list[dict[str, Any]]:
    """marshmallow/webargs messages (nested by location, field, list index) as one item per message."""
    from core.kernel.messages import message_translations

    items: list[dict[str, Any]] = []

    def walk(node: Any, path: list[str]) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                key = str(key)
                if not path and key in _LOCATIONS:
                    walk(value, path)
                elif key == "_schema":
                    walk(value, path)
                else:
                    walk(value, [*path, key])
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value, path)
        elif node is not None:
            items.append({"code": code, "field": ".".join(path) or None,
                          **_texts(message_translations(str(node)))})

    walk(messages, [])
    return items


# ---------------------------------------------------------------- conversions --


def domain_error_response(exc: GreenmfgError) -> Response:
    """A refusal raised by a service: the transaction is rolled back, nothing is written."""
    from core.extensions import db

    db.session.rollback()
    message = {"message": exc.localized(), "message_zh": exc.localized("zh"), "message_en": exc.localized("en")}
    items: list[dict[str, Any]] = []
    per_field = getattr(exc, "field_messages", None)
    nested = getattr(exc, "errors", None)
    if per_field:
        items = field_items(per_field, exc.code)
    elif isinstance(nested, list) and all(isinstance(e, GreenmfgError) for e in nested):
        items = [{**e.to_dict(), "field": e.field} for e in nested]
    if not items:
        items = [{"code": exc.code, "field": exc.field, **message}]
    headers = {"Retry-After": str(exc.retry_after)} if getattr(exc, "retry_after", None) else None
    return error_response(exc.http_status, error_body(exc.http_status, exc.code, message, items), headers)


def abort_json(status: int, lazy: Any, **params: Any):
    """Refuse the request with the HTTP error ``status`` and a translatable message (raises)."""
    exc = _http_class(status)()
    exc.data = {"greenmfg_message": (lazy, params)}
    raise exc


def _http_class(status: int) -> type[HTTPException]:
    from werkzeug.exceptions import default_exceptions

    return default_exceptions[status]


def http_error_response(exc: HTTPException) -> Response:
    """Routing errors, ``abort`` and webargs validation in the one format (405 keeps its Allow header)."""
    from core.extensions import db

    db.session.rollback()
    status = exc.code or 500
    code = _HTTP_CODES.get(status, "error")
    data = getattr(exc, "data", None) or {}
    headers = dict(data.get("headers") or {})
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    if status == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    custom = data.get("greenmfg_message")
    if custom is not None:
        message = texts(custom[0], **custom[1])
    elif status == 429:
        message = texts(_HTTP_MESSAGES[429], n=retry_after or 60)
    elif status == 413:
        from flask import current_app

        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        message = texts(_HTTP_MESSAGES[413], kb=limit // 1024)
    elif status == 500:
        message = texts(_HTTP_MESSAGES[500], ref=g.get("request_id") or "-")
    elif status in _HTTP_MESSAGES:
        message = texts(_HTTP_MESSAGES[status])
    else:
        message = texts(_OTHER, status=status)
    items = field_items(data["messages"], code) if data.get("messages") else []
    return error_response(status, error_body(status, code, message, items), headers)


def server_error_response() -> Response:
    status = 500
    return error_response(status, error_body(status, "server_error",
                                             texts(_HTTP_MESSAGES[500], ref=g.get("request_id") or "-")))


def unavailable_response(lazy: Any, retry: int) -> Response:
    return error_response(503, error_body(503, "service_unavailable", texts(lazy, n=retry)),
                          {"Retry-After": str(retry)})
