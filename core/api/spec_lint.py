"""The last finishing steps of the OpenAPI document (issue 58): what linters and client generators trip on.

Redocly's recommended rules and Spectral's ``oas`` set found, in the document as apispec writes it:

* ``nullable`` without a ``type`` (a ``fields.Raw(allow_none=True)``: any value, null included): OpenAPI 3.0 gives
  ``nullable`` no meaning without a ``type`` beside it, so it is left out (the schema, typeless, already takes
  null); a ``$ref`` or combination that is nullable is typed ``object`` beside it;
* no ``servers``: the API is served under the instance's own address, so the one server is ``/`` (the document's
  own host: a client passes its base URL);
* operations with no ``description`` (a view docstring of one line gives flask-smorest only a ``summary``): the
  summary, else the operation's name in words;
* deprecated parameters with a ``default``: a generated client sends a default on every call, so a deprecated
  parameter is documented without one (the server applies it when the parameter is left out);
* request bodies' optional properties with a ``default``: openapi-typescript's default options make them properties
  the caller must send, so the value the server takes is in the description instead;
* the rate-limit and deprecation headers (:mod:`core.api.policy_headers`) declared where they are sent.

Each step takes and returns the whole document, as the steps of :mod:`core.api.spec` do.
"""
from __future__ import annotations

import json
from typing import Any

#: the one server of the document: relative, the host the document was read from (OpenAPI 3.0.3, 4.7.5)
SERVER = {"url": "/", "description": "this instance (the address the document was read from)"}
_COMBINED = ("$ref", "allOf", "oneOf", "anyOf")


def _nodes(node: Any):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def nullable_with_types(document: dict[str, Any]) -> dict[str, Any]:
    """No ``nullable`` without a ``type`` beside it (Redocly: ``nullable-type-sibling``)."""
    for node in _nodes(document):
        if node.get("nullable") is True and "type" not in node:
            if any(key in node for key in _COMBINED):
                node["type"] = "object"
            else:
                del node["nullable"]
    return document


def with_servers(document: dict[str, Any]) -> dict[str, Any]:
    document.setdefault("servers", [dict(SERVER)])
    return document


def _operations(document: dict[str, Any]):
    for item in document.get("paths", {}).values():
        yield from (operation for operation in item.values() if isinstance(operation, dict))


def described_operations(document: dict[str, Any]) -> dict[str, Any]:
    """Every operation with a ``description``: its summary (the docstring's first line), else its name."""
    for operation in _operations(document):
        if not operation.get("description"):
            summary = operation.get("summary") or operation.get("operationId", "").replace("_", " ").capitalize()
            operation["description"] = summary
    return document


def deprecated_without_defaults(document: dict[str, Any]) -> dict[str, Any]:
    """A deprecated parameter has no ``default`` (a generated client would send it on every call)."""
    for operation in _operations(document):
        for parameter in operation.get("parameters", []):
            if parameter.get("deprecated"):
                parameter.get("schema", {}).pop("default", None)
    return document


def _schema_names(node: Any, schemas: dict[str, Any], found: set[str]) -> set[str]:
    """The component schemas ``node`` reaches through its references."""
    for inner in _nodes(node):
        ref = inner.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[-1]
            if name not in found and name in schemas:
                found.add(name)
                _schema_names(schemas[name], schemas, found)
    return found


def request_defaults_in_descriptions(document: dict[str, Any]) -> dict[str, Any]:
    """A request body's optional property documents the value the server takes when it is left out in its
    description, not as ``default``: openapi-typescript (default options) types a property with a ``default`` as
    one the caller must send, so ``POST /tokens`` with a user name and password did not compile."""
    schemas = document.get("components", {}).get("schemas", {})
    found: set[str] = set()
    for operation in _operations(document):
        _schema_names(operation.get("requestBody", {}), schemas, found)
    bodies = [schemas[name] for name in sorted(found)]
    bodies += [media.get("schema", {}) for operation in _operations(document)
               for media in operation.get("requestBody", {}).get("content", {}).values()]
    for body in bodies:
        for prop in body.get("properties", {}).values():
            if "default" in prop:
                value = json.dumps(prop.pop("default"), ensure_ascii=False)
                described = prop.get("description", "").rstrip()
                prop["description"] = f"{described} (left out: {value})" if described else f"left out: {value}"
    return document


def policy_headers_declared(document: dict[str, Any]) -> dict[str, Any]:
    """The headers of :mod:`core.api.policy_headers` on the answers that carry them: ``RateLimit-*`` on the
    success and 429 answers of an operation counted against an allowance (the ones that declare a 429), and
    ``Deprecation``/``Sunset`` on the success answers of an operation with a deprecated parameter, whose
    description names its sunset and replacement."""
    from core.api.policy_headers import DEPRECATION_HEADERS, RATELIMIT_HEADERS, RETIRED_PARAMETERS, declared

    limited = declared(RATELIMIT_HEADERS)
    too_many = document.get("components", {}).get("responses", {}).get("TOO_MANY_REQUESTS")
    if isinstance(too_many, dict):
        too_many.setdefault("headers", {}).update(limited)
        too_many["headers"]["Retry-After"] = {"description": "seconds to wait before asking again",
                                              "schema": {"type": "integer"}}
    for operation in _operations(document):
        responses = operation.get("responses", {})
        headers: dict[str, Any] = {}
        if "429" in responses:
            headers.update(limited)
        retired = [p for p in operation.get("parameters", []) if p.get("deprecated") and p["name"] in RETIRED_PARAMETERS]
        for parameter in retired:
            policy = RETIRED_PARAMETERS[parameter["name"]]
            parameter["description"] = (f"{parameter.get('description', 'deprecated')} (sunset: refused from "
                                        f"{policy.sunset.isoformat()} at the earliest)")
        if retired:
            headers.update(declared(DEPRECATION_HEADERS))
        for status, answer in responses.items() if headers else ():
            if str(status).startswith("2") and isinstance(answer, dict) and "$ref" not in answer:
                answer.setdefault("headers", {}).update(headers)
    return document


def linted(document: dict[str, Any]) -> dict[str, Any]:
    return policy_headers_declared(request_defaults_in_descriptions(deprecated_without_defaults(
        described_operations(with_servers(nullable_with_types(document))))))
