"""Request checks every JSON API call passes before any view runs (one layer for all blueprints).

What a schema cannot say, or says too late, is refused here with a 4xx in the one error format
(:mod:`core.api.errors`), before anything is read from or written to the database; a hostile query string first,
then the routing's 405 and a token operation's 401 without a token come before the body is judged (issue 55):

* a JSON body larger than ``GREENMFG_API_MAX_JSON_BYTES`` (default 5 MiB, a signed recommendation; uploads are multipart and
  limited by ``MAX_CONTENT_LENGTH``) → 413;
* a body whose ``Content-Type`` the operation does not take (text, a form or no type where it takes JSON) → 415;
* a body that is not JSON by RFC 8259 (NaN, an infinite number, a lone surrogate, bad UTF-8) or is nested
  deeper than ``GREENMFG_API_MAX_JSON_DEPTH`` (default 32) → 400;
* a NUL character anywhere in a text (query, form field, file name, JSON key or string; PostgreSQL
  cannot store one) → 422 naming the field;
* a single text longer than ``GREENMFG_API_MAX_TEXT`` (default 100,000 characters) → 422;
* a query string no page takes (another control character, a value over 500 characters, a whole number beyond
  64 bits, over 16 KB or 600 parameters: :mod:`core.web.query_guard`, which answers the web pages' 400) → 422
  naming the parameter (``null``: the query string as a whole).

Schemas then check each field's type, range and length (every text field has a maximum); a value the
database still refuses (:class:`sqlalchemy.exc.DataError`) is a 422 and a conflicting write
(:class:`sqlalchemy.exc.IntegrityError`) a 409, each with the transaction rolled back.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
from flask import Flask, current_app, g, request
from werkzeug.exceptions import MethodNotAllowed
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DataError, IntegrityError

from core.api.errors import error_body, error_response, texts
from core.web import query_guard

DEFAULTS = {"GREENMFG_API_MAX_JSON_BYTES": 5 * 1024 * 1024, "GREENMFG_API_MAX_JSON_DEPTH": 32,
            "GREENMFG_API_MAX_TEXT": 100_000}
_NOT_JSON = _l("The request body is not valid JSON (RFC 8259: UTF-8, no NaN or infinite numbers, no lone "
               "surrogates).")
_TOO_DEEP = _l("The JSON body is nested more than %(n)d levels deep.")
_TOO_LARGE = _l("The request body is too large: at most %(kb)s KB of JSON.")
_NOT_TAKEN = _l("This operation takes a body of type %(takes)s, not %(type)s: nothing was read or saved. Send "
               "it with the header Content-Type: %(takes)s.")
_NUL = _l("A text may not contain NUL characters.")
_LONG = _l("A text may not be longer than %(n)d characters.")
_DATABASE_CONFLICT = _l("This conflicts with data saved at the same time, or names a record that does not exist; "
                        "nothing was saved. Reload and try again.")
_DATABASE_REFUSED = _l("A value is out of the range the database holds (too long, too large or malformed); "
                       "nothing was saved.")


class Refusal(Exception):
    def __init__(self, status: int, code: str, lazy: Any, field: str | None = None, **params: Any):
        super().__init__(status)
        self.status, self.code, self.lazy, self.field, self.params = status, code, lazy, field, params


def _is_json() -> bool:
    mimetype = request.mimetype or ""
    return mimetype == "application/json" or mimetype.endswith("+json")


def _strings(value: Any, path: str, depth: int, limit: int) -> Iterator[tuple[str, str]]:
    """Every (path, text) of a parsed JSON value, keys included; refuses nesting past ``limit``."""
    stack = [(value, path, depth)]
    while stack:
        node, where, level = stack.pop()
        if level > limit:
            raise Refusal(400, "bad_request", _TOO_DEEP, n=limit)
        if isinstance(node, str):
            yield where, node
        elif isinstance(node, dict):
            for key, item in node.items():
                inner = f"{where}.{key}" if where else str(key)
                yield inner, key
                stack.append((item, inner, level + 1))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                stack.append((item, f"{where}.{index}" if where else str(index), level + 1))


def _check_text(field: str, value: str) -> None:
    if "\x00" in value:
        raise Refusal(422, "invalid_input", _NUL, field=field)
    limit = current_app.config["GREENMFG_API_MAX_TEXT"]
    if len(value) > limit:
        raise Refusal(422, "invalid_input", _LONG, field=field, n=limit)


def check_query() -> None:
    """Raise :class:`Refusal` for a query string no API view may receive (NUL, control characters, overlong)."""
    for key, value in request.args.items(multi=True):
        _check_text(key, key)
        _check_text(key, value)
    hostile = query_guard.fault()
    if hostile is not None:
        raise Refusal(422, "invalid_input", query_guard.MESSAGE, field=hostile or None)


def check_request() -> None:
    """Raise :class:`Refusal` for what no API view may receive: its query (:func:`check_query`), then its body."""
    check_query()
    if _is_json():
        limit = current_app.config["GREENMFG_API_MAX_JSON_BYTES"]
        if (request.content_length or 0) > limit:
            raise Refusal(413, "payload_too_large", _TOO_LARGE, kb=limit // 1024)
        raw = request.get_data(cache=True)
        if len(raw) > limit:
            raise Refusal(413, "payload_too_large", _TOO_LARGE, kb=limit // 1024)
        if raw.strip():
            try:
                parsed = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                if "depth" in str(exc):
                    raise Refusal(400, "bad_request", _TOO_DEEP,
                                  n=current_app.config["GREENMFG_API_MAX_JSON_DEPTH"]) from None
                raise Refusal(400, "bad_request", _NOT_JSON) from None
            for field, value in _strings(parsed, "", 1, current_app.config["GREENMFG_API_MAX_JSON_DEPTH"]):
                _check_text(field, value)
    elif request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for key, value in request.form.items(multi=True):
            _check_text(key, key)
            _check_text(key, value)
        for key, upload in request.files.items(multi=True):
            _check_text(key, key)
            _check_text(key, upload.filename or "")


def _operation() -> Any:
    """The view method the request's route and method name (``None`` for a plain view)."""
    view = current_app.view_functions.get(request.endpoint or "")
    cls = getattr(view, "view_class", None)
    return getattr(cls, request.method.lower(), None) if cls is not None else None


def _marks(operation: Any) -> dict:
    return getattr(operation, "_apidoc", {}).get("greenmfg", {})


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def check_media_type(operation: Any) -> None:
    """415 (issue 55) for a body whose Content-Type the operation does not take: a JSON body's operation sent
    text, a form or a body without a type (which it read as no change, answering 200 and saving nothing), an
    upload sent as JSON. An operation that reads no body ignores whatever is sent, as before."""
    takes = {p.get("in") for p in getattr(operation, "_apidoc", {}).get("arguments", {}).get("parameters", [])}
    if not _has_body():
        return
    if "json" in takes and not _is_json():
        raise Refusal(415, "unsupported_media_type", _NOT_TAKEN, type=request.mimetype or "—",
                      takes="application/json")
    if takes & {"files", "form", "form_and_files"} and request.mimetype not in ("multipart/form-data",
                                                              "application/x-www-form-urlencoded"):
        raise Refusal(415, "unsupported_media_type", _NOT_TAKEN, type=request.mimetype or "—",
                      takes="multipart/form-data")


def refusal_response(exc: Refusal):
    message = texts(exc.lazy, **exc.params)
    items = [{"code": exc.code, "field": exc.field, **message}]
    return error_response(exc.status, error_body(exc.status, exc.code, message, items))


def database_refusal_response(exc: DataError):
    """A value the schemas let through but the database refuses: 422, nothing saved."""
    from core.extensions import db

    db.session.rollback()
    current_app.logger.warning("database refused a value, request %s: %s", g.get("request_id"), exc.orig)
    message = texts(_DATABASE_REFUSED)
    return error_response(422, error_body(422, "invalid_input", message))


def database_conflict_response(exc: IntegrityError):
    """A write the database refuses as a conflict (a record saved at the same time, a reference to a record
    that is gone): 409, nothing saved."""
    from core.extensions import db

    db.session.rollback()
    current_app.logger.warning("database conflict, request %s: %s", g.get("request_id"), exc.orig)
    message = texts(_DATABASE_CONFLICT)
    return error_response(409, error_body(409, "conflict", message))


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)

    @app.before_request
    def _check_api_request():
        if not request.path.startswith("/api/"):
            return None
        if "request_id" not in g:
            import uuid

            g.request_id = uuid.uuid4().hex[:12]
        try:
            check_query()  # a hostile query first, as the app's first hook refuses it on every page
            if isinstance(request.routing_exception, MethodNotAllowed):
                return None  # 405 with its Allow header, answered by the routing before the body is read
            operation = _operation()
            if _marks(operation).get("auth") == "token" and not request.headers.get("Authorization"):
                return None  # no token: the operation's 401 comes before its body is judged, nothing read
            check_media_type(operation)
            check_request()
        except Refusal as exc:
            return refusal_response(exc)
        return None

    @app.errorhandler(DataError)
    def _data_error(exc: DataError):
        if request.path.startswith("/api/"):
            return database_refusal_response(exc)
        raise exc

    @app.errorhandler(IntegrityError)
    def _integrity_error(exc: IntegrityError):
        if request.path.startswith("/api/"):
            return database_conflict_response(exc)
        raise exc
