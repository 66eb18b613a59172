"""Conditional reads (issue 58): ``304 Not Modified`` to a GET whose ``If-None-Match`` names the answer's ``ETag``.

Every JSON answer of a GET under ``/api/v1/`` carries an ``ETag`` (:mod:`core.api.etags`), and so does the
OpenAPI document. A client that keeps what it read sends the tag back as ``If-None-Match``; when the answer
would be the same it gets a 304 with the tag and no body (RFC 9110, 13.1.2: the weak comparison; ``*`` matches
any answer). The answer is still made, so what the client may see is checked as for a full answer: a 304 says
only "what you hold is still what you would get".

The changes guarded by ``If-Match`` (PATCH, PUT, DELETE) are :mod:`core.api.etags`' and not touched here.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, request
from werkzeug.http import remove_entity_headers

from core.api.etags import tag

#: how the header is declared on every GET whose answers carry an ETag (core.api.blueprint)
PARAMETER = {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
             "description": "The `ETag` of the answer you hold: 304 without a body when it is still the current one."}


def not_modified(response: Response) -> Response:
    """``response`` as a 304 when it is a GET's 200 with an ETag the request's ``If-None-Match`` names."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or not request.if_none_match:
        return response
    etag, _weak = response.get_etag()
    if etag is None:
        return response
    if request.if_none_match.star_tag or request.if_none_match.contains_weak(etag):
        response.status_code = 304
        response.set_data(b"")
        remove_entity_headers(response.headers)
        response.headers.pop("Link", None)
    return response


def answer_text(text: str, mimetype: str) -> Response:
    """A GET's answer of ``text`` with the ETag of its bytes (304 when the client holds them)."""
    response = current_app.response_class(text, mimetype=mimetype)
    response.set_etag(tag(response.get_data()))
    return not_modified(response)


def init_app(app: Flask) -> None:
    """Register before :func:`core.api.etags.init_app`: Flask runs ``after_request`` functions last registered
    first, so this one sees the ETag the API's tagging has just set."""
    @app.after_request
    def _not_modified(response: Response) -> Response:
        if request.path.startswith("/api/v1/"):
            return not_modified(response)
        return response
