"""The one way a JSON API endpoint is declared (docs/api-conventions.md).

``core.api.Blueprint`` is flask-smorest's blueprint with this project's conventions filled in for every
operation it registers, so an endpoint only states what is particular to it:

* **who may call it**: :func:`authed` (a bearer token whose role has a permission), :func:`optional_auth`
  (public; a token shows more) or :func:`public`. The decorator checks the token and documents the
  operation's ``security`` with the 401/403 answers; an operation that declares none fails the tests;
* **path ids are bounded**: ``<int:x>`` becomes ``<int(min=1, max=2147483647):x>`` (``year``: 2000-2100),
  so an out-of-range id is a 404 from routing, never a database overflow;
* **an operationId** from the view class (``OneApplication.patch`` → ``patch_one_application``), unique
  across the document (a clash takes the blueprint's name in front);
* **every error answer typed** with the one :class:`~core.api.errors.ErrorSchema` (an RFC 9457 problem):
  400/413/422 from the request checks, 401/403 for token operations, 404 where the path names a record, 409 for
  state changes, 429 for rate-limited ones, and ``default`` for the rest;
* **uploads** as one ``multipart/form-data`` body: ``@blp.arguments(Schema, location="form_and_files")``.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache, wraps
from http import HTTPStatus
from typing import Any

import flask_smorest
import marshmallow as ma
from flask import Flask, current_app
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.routing import BaseConverter, ValidationError

from core.api.cites import readable_cites
from core.api.errors import abort_json
from core.api.regional import resolve_per_app
from core.kernel.records import ID_MAX

YEAR_MIN, YEAR_MAX = 2000, 2100
_INT_RULE = re.compile(r"<int:(\w+)>")
BEARER = "bearerAuth"


class DateConverter(BaseConverter):
    """``<date:day>``: a ``YYYY-MM-DD`` path segment as a :class:`datetime.date` (anything else: 404)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationError() from None

    def to_url(self, value: Any) -> str:
        return value.isoformat() if isinstance(value, dt.date) else str(value)


def date_param_schema(converter: DateConverter) -> dict[str, str]:
    return {"type": "string", "format": "date"}


class ApiParser(FlaskParser):
    """webargs' Flask parser with one more location: a multipart form's fields and files together."""

    __location_map__ = {**FlaskParser.__location_map__, "form_and_files": "load_form_and_files"}
    #: query parameters follow their schema (core.api.schema.Query refuses unknown ones)
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "querystring": None}

    def load_form_and_files(self, req, schema):
        from webargs.multidictproxy import MultiDictProxy

        return MultiDictProxy(CombinedMultiDict([req.form, req.files]), schema)

    def use_args(self, argmap: Any, *args: Any, **kwargs: Any) -> Callable:
        """webargs' ``use_args``; a schema class parses with one schema, made at the first request that uses it
        (webargs would make one for every request, copying each declared field: 6 % of a collection's request).
        flask-smorest still documents the class."""
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            cls = argmap
            argmap = lambda request: _schema_of(cls)  # noqa: E731 - webargs calls it with the request
        return super().use_args(argmap, *args, **kwargs)


@cache
def _schema_of(cls: type[ma.Schema]) -> ma.Schema:
    """The one schema of ``cls`` the parser loads with."""
    return cls()


parser = ApiParser()


def bounded_rule(rule: str) -> str:
    """Integer path parameters with the range the database holds (years: the programme's)."""
    def bound(match: re.Match) -> str:
        name = match.group(1)
        low, high = (YEAR_MIN, YEAR_MAX) if name == "year" else (1, ID_MAX)
        return f"<int(min={low}, max={high}):{name}>"
    return _INT_RULE.sub(bound, rule)


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _mark(view: Callable, **info: Any) -> Callable:
    """Note ``info`` in ``view``'s documentation. A new dict, the rest shared: ``view`` may be a wrapper whose
    ``_apidoc`` is the wrapped view's (functools.wraps), and flask-smorest copies what it changes."""
    doc = getattr(view, "_apidoc", {})
    view._apidoc = {**doc, "greenmfg": {**doc.get("greenmfg", {}), **info}}
    return view


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = parser
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "form_and_files": "multipart/form-data"}

    def __init__(self, *args: Any, **kwargs: Any):
        #: the routes whose documentation is still to be read (:attr:`_docs`)
        self._unread: list[tuple] = []
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.insert(0, self._resolve_per_app)
        self._prepare_doc_cbks.append(self._prepare_conventions_doc)

    @property
    def _docs(self) -> dict:
        """flask-smorest's documentation of each endpoint, read from the views when it is first needed (the
        OpenAPI document is written at its first ask: core.api.spec), not as each route is declared: its copies
        of every operation's schemas cost each worker 1 MB (issue 23, W5). Read in the routes' order."""
        unread, self._unread = self._unread, []
        for endpoint, obj, parameters, tags, options in unread:
            super()._store_endpoint_docs(endpoint, obj, parameters, tags, **options)
        return self.__dict__["_read_docs"]

    @_docs.setter
    def _docs(self, value: dict) -> None:
        self.__dict__["_read_docs"] = value

    def _store_endpoint_docs(self, endpoint, obj, parameters, tags, **options):
        self._unread.append((endpoint, obj, parameters, tags, options))

    def add_url_rule(self, rule, endpoint=None, view_func=None, provide_automatic_options=None, **options):
        return super().add_url_rule(bounded_rule(rule), endpoint, view_func, provide_automatic_options, **options)

    @staticmethod
    def _prepare_response_content(data: Any) -> Any:
        """Every answer's citations as people read them (:mod:`core.api.cites`), as the pages show them."""
        return readable_cites(data)

    @staticmethod
    def _resolve_per_app(doc: dict, doc_info: dict, *, app: Flask, **kwargs: Any) -> dict:
        """The schemas an app makes for its region (:mod:`core.api.regional`) in place of their slots, before
        flask-smorest documents the arguments and answers."""
        resolve_per_app(doc_info, app)
        return doc

    @staticmethod
    def _prepare_conventions_doc(doc: dict, doc_info: dict, *, method: str, **kwargs: Any) -> dict:
        info = doc_info.get("greenmfg", {})
        auth = info.get("auth")
        responses = doc.setdefault("responses", {})

        def add(status: int) -> None:
            if status not in responses and str(status) not in responses:
                responses[status] = HTTPStatus(status).name  # flask-smorest's component, with the Error body

        if auth == "token":
            doc["security"] = [{BEARER: []}]
            add(401)
            add(403)
        elif auth == "optional":
            doc["security"] = [{}, {BEARER: []}]
        elif auth == "public":
            doc["security"] = []
        for status in (*info.get("statuses", ()), 400, 422):
            add(status)
        if method in ("post", "put", "patch", "delete"):
            add(409)
            add(413)
        if doc.get("requestBody"):
            add(415)  # a body of another type than it takes (core.api.validation.check_media_type)
        if "multipart/form-data" in doc.get("requestBody", {}).get("content", {}):
            add(507)  # a file is stored: the store may be full (core.storage.base.StoreFull, code store_full)
        _retries_and_versions_doc(doc, doc_info, method, add)
        return doc

    def register_views_in_doc(self, api, app, spec, *, name, parameters):
        super().register_views_in_doc(api, app, _NamingSpec(spec, api, name), name=name, parameters=parameters)


def _retries_and_versions_doc(doc: dict, doc_info: dict, method: str, add: Callable[[int], None]) -> None:
    """Issue 48 in the document: ``Idempotency-Key`` on the POSTs that honour it (:mod:`core.api.idempotency`),
    ``If-Match`` with its 412/428 on the changes :func:`core.api.etags.if_match` marks, ``ETag`` on what carries one."""
    from core.api import etags, idempotency

    info = doc_info.get("greenmfg", {})
    if method == "post" and info.get("idempotency", True):
        doc.setdefault("parameters", []).append(dict(idempotency.PARAMETER))
    tagged = method == "get" or info.get("if_match")
    if info.get("if_match"):
        doc.setdefault("parameters", []).append(dict(etags.PARAMETER))
        add(412)
        add(428)
    for status in doc_info.get("success_status_codes", []) if tagged and method != "delete" else ():
        answer = doc["responses"].get(status, doc["responses"].get(str(status)))
        if isinstance(answer, dict) and status != 204:
            answer.setdefault("headers", {})["ETag"] = dict(etags.HEADER)
            if method == "get" and status == 200:  # 304 to If-None-Match (core.api.conditional, issue 58)
                from core.api import conditional

                parameters = doc.setdefault("parameters", [])
                if conditional.PARAMETER not in parameters:
                    parameters.append(dict(conditional.PARAMETER))
                add(304)


class _NamingSpec:
    """The spec as a blueprint registers its paths: each operation gets its operationId and, where the path
    names a record, its 404 answer."""

    def __init__(self, spec: Any, api: Any, blueprint: str):
        self._spec, self._blueprint = spec, blueprint
        self._taken: set[str] = api.__dict__.setdefault("_operation_ids", set())

    def path(self, *, rule, operations, parameters):
        view = _snake(rule.endpoint.rsplit(".", 1)[-1].removesuffix("View"))
        for method, operation in operations.items():
            if "operationId" not in operation:
                ident = f"{method}_{view}"
                if ident in self._taken:
                    ident = f"{self._blueprint.removesuffix('_api')}_{ident}"
                operation["operationId"] = ident
            if operation["operationId"] in self._taken:
                raise ValueError(f"operationId {operation['operationId']!r} is used twice")
            self._taken.add(operation["operationId"])
            if rule.arguments:
                operation.setdefault("responses", {}).setdefault(404, HTTPStatus(404).name)
        return self._spec.path(rule=rule, operations=operations, parameters=parameters)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._spec, name)


# ------------------------------------------------------------------ who may call --


def use_token_authenticator(app: Flask, authenticate: Callable[[], Any]) -> None:
    """Install how a request's bearer token becomes a user (the accounts feature does, at start-up)."""
    app.extensions["greenmfg_token_authenticator"] = authenticate


def token_user():
    """The user of the bearer token, or a 401 refusal."""
    from core.api.errors import _HTTP_MESSAGES

    user = current_app.extensions["greenmfg_token_authenticator"]()
    if user is None:
        abort_json(401, _HTTP_MESSAGES[401])
    return user


def authed(check: Any) -> Callable:
    """A bearer token (401) whose role passes ``check`` (403): a permission code of
    :mod:`core.kernel.permissions` (``Perm``, ``ReviewPerm``, ``ManagementPerm``) or a callable taking the user."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            user = token_user()
            if callable(check):
                check(user)
            else:
                from core.kernel.permissions import require

                require(user, check)
            return view(*args, **kwargs)
        return _mark(wrapper, auth="token")
    return decorate


def optional_auth(view: Callable) -> Callable:
    """Public, and a valid token may show more (staff see every notice)."""
    return _mark(view, auth="optional")


def public(view: Callable) -> Callable:
    """No token needed (the public lists, the rules, asking for a token)."""
    return _mark(view, auth="public")


def limited(scope: str) -> Callable:
    """Counted against the ``scope`` allowance of the client's address (:mod:`core.ratelimit`); 429 past it."""
    from core.ratelimit import limit

    def decorate(view: Callable) -> Callable:
        wrapper = limit(scope)(view)
        info = getattr(wrapper, "_apidoc", {}).get("greenmfg", {})
        return _mark(wrapper, statuses=(*info.get("statuses", ()), 429))
    return decorate


def documents(*statuses: int) -> Callable:
    """Declare more error answers of an operation (e.g. 404 from a body's id, 415)."""
    def decorate(view: Callable) -> Callable:
        info = getattr(view, "_apidoc", {}).get("greenmfg", {})
        return _mark(view, statuses=(*info.get("statuses", ()), *statuses))
    return decorate
