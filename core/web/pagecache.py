"""Whole list pages kept in Redis, per visitor and address, until the data they show changes.

A view marked :func:`kept` (the lists and their JSON collections) is made once; the same visitor asking the same
address again gets the same bytes from Redis without a statement to the database, while

* nothing was written to the database since (:mod:`core.kernel.changes`: every committed write, from any
  process, job or command, changes the instance's generation, which is read before the page is made);
* the page is younger than its seconds (60 by default) and today is the same day in Beijing, so a deadline's
  "days left" is never a day old;
* the visitor is the same: the key holds the log-in session (or API token) and what chooses the language, and
  the accounts feature says whether that session may still be served without a look at the database
  (:func:`identify_with`: not when it expired or is due to be marked as seen).

Only ``GET`` answers with status 200 are kept; never a page that changed the visitor's session (a message
shown once, a new form token) or set a cookie. An anonymous page is shared by every anonymous visitor with the
same language, so only one made for a visitor without any session is kept (it can hold no form token); a
signed-in one belongs to its session alone.

A kept page is answered by the WSGI layer under Flask (:class:`_KeptPages`): the address is matched to its view,
the session cookie read and Redis asked once, before any request context, user or hook is made; a page not kept
(or no longer current) goes on to Flask with what was looked up, and is made and kept there.

``GREENMFG_PAGE_CACHE``: ``"auto"`` (default: Redis at ``GREENMFG_REDIS_URL`` when it answers at start-up;
off in tests), ``"redis"`` or ``"off"``. ``GREENMFG_PAGE_CACHE_SECONDS``: the longest a page is kept (60; 0
keeps no page, while what pages read is still remembered between writes: :mod:`core.kernel.memo`).
``GREENMFG_PAGE_CACHE_REDIS_TIMEOUT``: seconds Redis may take to answer before pages are made as if it were
down (0.25).
"""
from __future__ import annotations

import hashlib
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import orjson
from flask import Flask, Request, Response, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from werkzeug.exceptions import HTTPException

from core.config import ConfigurationError
from core.kernel import changes, memo
from core.clock import today, training
from core.ratelimit import LOCAL_REDIS, instance_name, redis_answers

_ATTRIBUTE = "_greenmfg_kept_seconds"
_PENDING = "greenmfg_page_pending"
#: an answer larger than this is made every time (a list page is 30-150 KB)
MAX_BYTES = 1024 * 1024
#: response headers never kept (each answer sets its own)
_NOT_KEPT = frozenset({"set-cookie", "content-length", "date", "x-request-id"})

#: who asks, from the request and its session alone: ``(key, good until)`` or ``None`` (made afresh)
Identity = Callable[[Request, Mapping[str, Any]], "tuple[str, float] | None"]
#: who an anonymous visitor is: their pages are shared, so only a page made for a visitor without a session is kept
ANONYMOUS = "anonymous"
#: what the WSGI layer found for a request it did not answer, for the request's own hooks: ``_Lookup``
_LOOKED = "greenmfg.kept_lookup"
#: the session the WSGI layer read from the cookie, for Flask to use rather than read it again
_SESSION = "greenmfg.session"


def kept(seconds: int | None = None) -> Callable:
    """Mark a view (a function, or a ``MethodView``'s ``get``) as kept for at most ``seconds`` (default:
    ``GREENMFG_PAGE_CACHE_SECONDS``)."""
    def mark(view: Callable) -> Callable:
        setattr(view, _ATTRIBUTE, seconds or 0)
        return view
    return mark


def identify_with(app: Flask, identity: Identity) -> None:
    """Who is asking, without the database: ``identity(request, session)`` answers ``(key, good until)`` (epoch
    seconds), or ``None`` when this request must be made afresh (an expired session...). Set once, by the
    accounts feature."""
    app.extensions["greenmfg_page_identity"] = identity


def valid_until(moment: float) -> None:
    """This answer's visitor stops being valid at ``moment`` (epoch seconds: an API token's expiry); the
    kept page expires then too."""
    g.greenmfg_page_until = min(moment, g.get("greenmfg_page_until", moment))


def _seconds_of(app: Flask, endpoint: str | None) -> int | None:
    view = app.view_functions.get(endpoint) if endpoint else None
    if view is None:
        return None
    owner = getattr(view, "view_class", None)
    marked = getattr(getattr(owner, "get", None), _ATTRIBUTE, None) if owner is not None \
        else getattr(view, _ATTRIBUTE, None)
    if marked is None:
        return None
    return int(marked or app.config["GREENMFG_PAGE_CACHE_SECONDS"])


def _key(prefix: str, who: str, request: Request) -> str:
    environ, headers = request.environ, request.headers
    # the address as asked: scheme, host, script root (the page's links), path and query
    address = (f"{environ.get('wsgi.url_scheme', 'http')}://{request.host}{environ.get('SCRIPT_NAME', '')}"
               f"{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}")
    parts = (who, address, request.cookies.get("lang", ""), headers.get("Accept-Language", ""),
             headers.get("Accept", ""), today().isoformat())
    return f"{prefix}:page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


@dataclass(frozen=True)
class _Lookup:
    """A kept view's request looked up: its key, the generation read with it, the page kept there (if still
    current), who asks and until when the answer may be kept."""
    key: str
    number: int
    page: tuple[bytes, list[tuple[str, str]]] | None
    who: str
    until: float


def _look_up(app: Flask, request: Request, session: Mapping[str, Any]) -> _Lookup | None:
    """The kept page for a ``GET`` of a kept view, with the generation, in one round trip to Redis; ``None``
    when this request is not one to keep (a message shown once, an expired session, Redis not answering)."""
    shared = changes.generation(app)
    if shared is None or session.get("_flashes"):
        return None
    identity: Identity | None = app.extensions.get("greenmfg_page_identity")
    found = identity(request, session) if identity is not None else (ANONYMOUS, float("inf"))
    if found is None:
        return None
    who, until = found
    key = _key(app.extensions["greenmfg_page_prefix"], who, request)
    read = shared.read(key)
    if read is None:
        return None
    number, (entry,) = read
    page = None
    if entry is not None:
        head, _, body = entry.partition(b"\n")
        stored_number, headers = orjson.loads(head)
        if stored_number == number:
            page = (body, [(name, value) for name, value in headers])
    return _Lookup(key, number, page, who, until)


class _KeptPages:
    """The WSGI layer under Flask: a kept page is answered from Redis before a request context, the user or any
    hook is made (a kept page is the same bytes whatever they would do: it was made by them, and kept only while
    nothing they read changed). Anything else goes on to Flask, with what was looked up."""

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app, self.wsgi_app = app, wsgi_app
        #: the first request of each process goes through Flask (its first-request hooks: the embedded scheduler)
        self.started = False

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        if self.started and environ.get("REQUEST_METHOD") == "GET":
            found = self._look_up(environ)
            if found is not None and found.page is not None:
                body, headers = found.page
                # every answer has its own request id, a kept one too (as core.logs.new_request_id makes them)
                start_response("200 OK", [*headers, ("Content-Length", str(len(body))),
                                          ("X-Request-Id", uuid.uuid4().hex[:12])])
                return [body]
            if found is not None:
                environ[_LOOKED] = found
        self.started = True
        return self.wsgi_app(environ, start_response)

    def _look_up(self, environ: dict) -> _Lookup | None:
        app = self.app
        request = app.request_class(environ)
        try:
            endpoint = app.create_url_adapter(request).match(return_rule=True)[0].endpoint
        except HTTPException:  # not found, a redirect to the canonical address...: Flask answers
            return None
        if _seconds_of(app, endpoint) is None:
            return None
        session = app.session_interface.open_session(app, request)
        if session is None:
            return None
        environ[_SESSION] = session
        return _look_up(app, request, session)


class _SessionReadOnce(SecureCookieSessionInterface):
    """Flask's signed-cookie session, read once a request: what the WSGI layer read is the request's session."""

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        read = request.environ.pop(_SESSION, None)
        return read if read is not None else super().open_session(app, request)


def _serve() -> None:
    """Before the view: note what the page will be kept under (the WSGI layer looked it up, or the first
    request of the process looks it up now) and the generation the page is made from."""
    if request.method != "GET":
        return None
    app = current_app._get_current_object()
    seconds = _seconds_of(app, request.endpoint)
    if seconds is None:
        return None
    found = request.environ.pop(_LOOKED, None) or _look_up(app, request, session)
    if found is None:
        return None
    memo.read_as(found.number)  # what the page is made from (core.kernel.memo)
    if found.page is not None:  # the first request of a process, asking a kept page
        body, headers = found.page
        return Response(body, status=200, headers=headers)
    setattr(g, _PENDING, (found.key, found.number, min(seconds, found.until - time.time()), found.who == ANONYMOUS))
    return None


def _keep(response: Response) -> Response:
    pending = g.pop(_PENDING, None)
    if pending is None or response.status_code != 200 or response.is_streamed or response.direct_passthrough \
            or session.modified:
        return response
    key, number, seconds, shared = pending
    if shared and len(session):  # made for a visitor with a session (a form's token...): not for everyone
        return response
    seconds = min(seconds, g.get("greenmfg_page_until", float("inf")) - time.time())
    if "set-cookie" in response.headers or seconds < 1:
        return response
    body = response.get_data()
    if len(body) > MAX_BYTES:
        return response
    headers = [(name, value) for name, value in response.headers.items() if name.lower() not in _NOT_KEPT]
    changes.generation().put(key, orjson.dumps([number, headers]) + b"\n" + body, int(seconds))
    return response


def _release(app: Flask) -> str:
    """What the pages were made with besides the data: the platform's version and the configuration (a region's
    thresholds, the languages...). A restart with another of either makes its pages anew, while every worker
    started alike shares them."""
    try:
        version = metadata.version("greenmfg")
    except metadata.PackageNotFoundError:
        version = "source"
    settings = sorted((key, _stable(value)) for key, value in app.config.items() if key.isupper())
    return hashlib.sha256(repr((version, settings)).encode()).hexdigest()[:12]


def _stable(value: Any) -> str:
    """A setting as every process started alike writes it: a set's members sorted (their order varies by
    process), an object such as a function without the address its repr holds (the engine options' JSON writer)."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key!r}: {_stable(v)}" for key, v in value.items()) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(_stable(v) for v in value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_stable(v) for v in value) + "]"
    return _ADDRESS.sub("", repr(value))


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def init_app(app: Flask, engine: Any) -> None:
    app.config.setdefault("GREENMFG_PAGE_CACHE", "auto")
    app.config.setdefault("GREENMFG_PAGE_CACHE_SECONDS", 60)
    app.config.setdefault("GREENMFG_PAGE_CACHE_REDIS_TIMEOUT", 0.25)
    mode = str(app.config["GREENMFG_PAGE_CACHE"] or "off").lower()
    if mode not in ("auto", "redis", "off"):
        raise ConfigurationError(f"GREENMFG_PAGE_CACHE must be auto, redis or off (got {mode!r})")
    url = app.config.get("GREENMFG_REDIS_URL") or LOCAL_REDIS  # the instance's Redis, the jobs' default else
    if mode == "off" or (mode == "auto" and (app.testing or not redis_answers(url))):
        return
    with app.app_context():
        if training():  # issue 42: a page kept before the training clock moved would show the old date
            return
    prefix = f"greenmfg:{instance_name(app)}"
    app.extensions["greenmfg_page_prefix"] = f"{prefix}:{_release(app)}"
    changes.install(app, engine, url, prefix, float(app.config["GREENMFG_PAGE_CACHE_REDIS_TIMEOUT"]))
    # first of the hooks: a kept page is answered before anything loads the user; last of the after-hooks,
    # so what is kept carries every header the others set
    app.before_request_funcs.setdefault(None, []).insert(0, _serve)
    app.after_request_funcs.setdefault(None, []).insert(0, _keep)
    app.wsgi_app = _KeptPages(app, app.wsgi_app)  # type: ignore[method-assign]
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = _SessionReadOnce()
