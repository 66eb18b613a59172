"""Style sheets and scripts a browser keeps: each static file's address carries a digest of its content.

Without this a browser asked again for every style sheet and script on every page (Flask answers a static file
with ``no-cache`` semantics, and a freshly deployed file has no age to earn a heuristic lifetime): three to five
requests a page, 15–45 ms of the page's load on the 2-core machine, on the server's own workers. Now every
address :func:`flask.url_for` builds for a static file (the app's and every blueprint's, the plugins' included)
ends in ``?v=<digest of the file>`` (:func:`add_version`, a URL defaults callback), and the answer to such an
address is kept by the browser for a year (:func:`keep_versioned`): a changed file has another address, so an
upgrade is seen on the next page without anyone emptying a cache. An address with no digest, or a digest that is
not the file's (a page made before an upgrade), is answered as before, to be asked again.

The digests are read once per process and file (a deployment changes files by restarting the workers).
"""
from __future__ import annotations

import hashlib
import os
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

#: how long a browser keeps a file whose address carries its digest (a year: the address changes with the file)
KEEP_SECONDS = 365 * 24 * 3600
_DIGESTS = "greenmfg_static_digests"


def is_static_endpoint(endpoint: str | None) -> bool:
    """Whether ``endpoint`` serves a static file (the app's or a blueprint's)."""
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def _folder(app: Flask, endpoint: str) -> str | None:
    if endpoint == "static":
        return app.static_folder
    blueprint = app.blueprints.get(endpoint.rsplit(".", 1)[0])
    return blueprint.static_folder if blueprint is not None else None


def digest(app: Flask, endpoint: str, filename: str) -> str | None:
    """The first 12 hex digits of the SHA-256 of the static file ``filename`` of ``endpoint``; ``None`` when there
    is no such file (``url_for`` still builds the address; the file answers 404 as before)."""
    digests: dict[tuple[str, str], str | None] = app.extensions.setdefault(_DIGESTS, {})
    key = (endpoint, filename)
    if key not in digests:
        folder = _folder(app, endpoint)
        path = safe_join(folder, filename) if folder else None
        found = None
        if path and os.path.isfile(path):
            with open(path, "rb") as handle:
                found = hashlib.sha256(handle.read()).hexdigest()[:12]
        digests[key] = found
    return digests[key]


def add_version(endpoint: str, values: dict[str, Any]) -> None:
    """URL defaults callback: a static file's address gets ``v=<its digest>``."""
    if is_static_endpoint(endpoint) and "filename" in values and "v" not in values:
        found = digest(current_app, endpoint, values["filename"])
        if found:
            values["v"] = found


def versioned_request() -> bool:
    """This request asks for a static file by the address of its current content."""
    if not is_static_endpoint(request.endpoint) or not request.view_args:
        return False
    wanted = request.args.get("v")
    return bool(wanted) and wanted == digest(current_app, request.endpoint, request.view_args.get("filename", ""))


def keep_versioned(response: Response) -> Response:
    """After a request: a static file asked for by its current digest is kept by the browser for a year."""
    if response.status_code == 200 and versioned_request():
        response.cache_control.public = True
        response.cache_control.max_age = KEEP_SECONDS
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    return response


def init_app(app: Flask) -> None:
    app.url_defaults(add_version)
    app.after_request(keep_versioned)
