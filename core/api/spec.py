"""The flask-smorest ``Api`` of an instance and the OpenAPI document it serves.

The document is generated from the endpoints' declarations (:mod:`core.api.blueprint`) and finished
here: the one error body (``Error``, an RFC 9457 problem: ``application/problem+json``) for every error answer,
the envelope of every collection (``Page``: :mod:`core.api.paging`), the bearer scheme, numbers as numbers (a
plugin's ``Decimal`` bounds would otherwise be written as strings) and the region in the title.

It is written when it is first needed (``/api/openapi.json``, ``/api/docs``, ``flask openapi``, ``api.spec``),
not at start-up: its paths and schemas cost every web worker about 2 MB that serving the API never reads
(issue 23, W5). Until then each blueprint's part, and what a feature adds with :meth:`Api.later`, waits in
the order it was registered, so the document is the one an eager start would have written.
"""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import http
import json

from flask_smorest import Api as SmorestApi
from flask_smorest.utils import prepare_response

from core.api.errors import PROBLEM_JSON, ErrorSchema, http_error_response
from core.api.paging import PageSchema


def plain_numbers(value: Any) -> Any:
    """The document with every ``Decimal`` as a JSON number."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain_numbers(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_numbers(v) for v in value]
    return value


def _operations(document: dict[str, Any]):
    """Every operation object of the document (a path item's ``parameters`` list is not one)."""
    for item in document.get("paths", {}).values():
        yield from (operation for operation in item.values() if isinstance(operation, dict))


def query_parameters_without_null(document: dict[str, Any]) -> dict[str, Any]:
    """A query string has no ``null``: an optional query parameter is left out, never sent as null. marshmallow's
    ``load_default=None`` makes apispec write ``nullable``, ``default: null`` and ``null`` among an enum's values,
    and a client generator then makes three enum classes of one parameter; the document says what a client sends."""
    for operation in _operations(document):
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            if parameter.get("in") != "query" or not schema.get("nullable"):
                continue
            del schema["nullable"]
            if "enum" in schema:
                schema["enum"] = [v for v in schema["enum"] if v is not None]
            if "default" in schema and schema["default"] is None:
                del schema["default"]
    return document


#: what a client generator that knows no office or PDF media type reads a file answer as (openapi-python-client
#: returns ``File`` for it, and fell into its error branch on the xlsx before)
OCTET_STREAM = "application/octet-stream"


def files_also_as_octet_streams(document: dict[str, Any]) -> dict[str, Any]:
    """Every file answer (a ``format: binary`` string: PDF, xlsx) also offered as ``application/octet-stream``, the
    media type every client reads as bytes; the server still names the file's own type."""
    for operation in _operations(document):
        for response in operation.get("responses", {}).values():
            content = response.get("content", {}) if isinstance(response, dict) else {}
            binary = [m for m, media in content.items() if media.get("schema", {}).get("format") == "binary"]
            if binary and OCTET_STREAM not in content:
                content[OCTET_STREAM] = {"schema": dict(content[binary[0]]["schema"])}
    return document


ERROR_REF = {"$ref": "#/components/schemas/Error"}


def errors_as_problems(document: dict[str, Any]) -> dict[str, Any]:
    """Every ``Error`` answer an operation declares itself under ``application/problem+json``, the media type the
    server sends it as (RFC 9457). An all-or-nothing import's 422 (:func:`core.api.report_or_error`) is its report
    (``application/json``) or the ``Error`` of a file that cannot be read (``application/problem+json``): both media
    types are offered, and ``application/json`` keeps its ``oneOf``, since a generated client reads the first media
    type of an answer whatever the server names (openapi-python-client: the report, else the Error)."""
    for operation in _operations(document):
        for response in operation.get("responses", {}).values():
            content = response.get("content", {}) if isinstance(response, dict) else {}
            schema = content.get("application/json", {}).get("schema", {})
            if schema == ERROR_REF:
                content[PROBLEM_JSON] = content.pop("application/json")
            elif ERROR_REF in schema.get("oneOf", []):
                content[PROBLEM_JSON] = {"schema": dict(ERROR_REF)}
    return document


#: the ``Link`` header of a collection's page (:mod:`core.api.paging`)
LINK_HEADER = {"description": 'the next page, as next: <URL>; rel="next" (RFC 8288); absent on the last page',
               "schema": {"type": "string"}}


def collections_with_link_headers(document: dict[str, Any]) -> dict[str, Any]:
    """The ``Link`` header declared on the 200 answer of every collection (an answer of a ``Page`` envelope)."""
    schemas = document.get("components", {}).get("schemas", {})
    envelope = set(schemas.get("Page", {}).get("properties", {}))
    for operation in _operations(document):
        answer = operation.get("responses", {}).get("200")
        if not isinstance(answer, dict):
            continue
        ref = answer.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
        if envelope and set(schemas.get(ref.split("/")[-1], {}).get("properties", {})) == envelope:
            answer.setdefault("headers", {})["Link"] = dict(LINK_HEADER)
    return document


class Api(SmorestApi):
    ERROR_SCHEMA = ErrorSchema

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        #: what is still to be written into the document, in order
        self._unwritten: list[Callable[[Any], None]] = []
        self._writing = False
        super().__init__(*args, **kwargs)

    @property
    def spec(self) -> Any:
        """The apispec document, every part registered so far written into it."""
        if self._unwritten and not self._writing:
            self._writing = True  # a part that reads ``api.spec`` gets the document as far as it is written
            try:
                while self._unwritten:
                    self._unwritten[0](self._spec)
                    self._unwritten.pop(0)
            finally:
                self._writing = False
        return self._spec

    @spec.setter
    def spec(self, value: Any) -> None:
        self._spec = value

    @property
    def written(self) -> bool:
        """Whether every part registered so far is in the document."""
        return not self._unwritten

    def later(self, part: Callable[[Any], None]) -> None:
        """``part(spec)`` when the document is written, after the parts registered before it."""
        self._unwritten.append(part)

    def register_blueprint(self, blp: Any, *, parameters: Any = None, **options: Any) -> None:
        """flask-smorest's, with the blueprint's paths and tag written into the document later."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)

        def document(spec: Any) -> None:
            blp.register_views_in_doc(self, self._app, spec, name=name, parameters=parameters)
            spec.tag({"name": name, "description": blp.description})

        self.later(document)

    def _register_responses(self) -> None:
        """flask-smorest's error answers (one per status, and ``default``), typed as RFC 9457 problems: the
        ``Error`` body as ``application/problem+json``; and the ``Page`` envelope every collection answers with."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)
        self.spec.components.schema("Page", schema=PageSchema)

    def handle_http_exception(self, error):
        return http_error_response(error)

    def init_app(self, app: Any, *args: Any, **kwargs: Any) -> None:
        """flask-smorest's, with its ``openapi print|write`` replaced by ours (:mod:`core.api.openapi_cli`): they
        write :meth:`document_text`, the served document, not apispec's unfinished one (issue 58)."""
        super().init_app(app, *args, **kwargs)
        from core.api.openapi_cli import openapi_cli

        app.cli.add_command(openapi_cli)

    def document(self) -> dict[str, Any]:
        """The OpenAPI document as served at ``/api/openapi.json`` and written by ``greenmfg openapi``."""
        from core.api.spec_lint import linted

        return linted(collections_with_link_headers(errors_as_problems(files_also_as_octet_streams(
            query_parameters_without_null(plain_numbers(self.spec.to_dict()))))))

    def document_text(self) -> str:
        """The document's JSON text, the one byte sequence both ``/api/openapi.json`` and ``greenmfg openapi
        print|write`` give (compact, keys sorted, a final newline: what Flask's JSON answer was)."""
        return json.dumps(self.document(), sort_keys=True, separators=(",", ":")) + "\n"

    def _openapi_json(self):
        from core.api.conditional import answer_text

        return answer_text(self.document_text(), "application/json")
