"""Safe retries of a POST (issue 48): the ``Idempotency-Key`` request header.

A client that did not hear the answer to a create or an action (a timeout, a dropped connection) sends the same
request again with the same key. The first answer is kept (:class:`core.models.IdempotencyKey`, in the database, so
a retry after a worker restart is answered too) and a retry gets it again, with ``Idempotent-Replayed: true``,
instead of a second record or a 409 from the business rule the first one now trips:

* the key is the caller's (a token's account; on a public operation called without one, the client's address) and
  the operation's (method and path): the same key on another path is another key;
* the same key with another body (or query) is a 422 ``idempotency_key_reused``: a key names one request;
* while the first request still runs, a second one with its key is a 409 ``request_in_progress`` (the insert of
  the key meets the table's unique constraint inside the database, however many workers run);
* only a successful answer (2xx) is kept: after a refusal the key is free again, so the corrected request may use it;
* keys are kept ``GREENMFG_IDEMPOTENCY_HOURS`` (24) hours; after that the same key starts a new request (the
  expired ones are deleted as new keys come).

Every POST honours the header except the ones whose answer holds a credential (:func:`not_replayable`: a token,
a temporary password), which must never be stored. Without the header a POST behaves as before.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from core.api.errors import error_body, error_response, texts
from core.clock import now

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
#: visible ASCII, as the IETF draft's keys (a UUID fits)
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
#: the answer's headers a replay gives again (the rest are the server's of the moment)
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Location", "ETag", "X-Content-Type-Options")

BAD_KEY = _l("The Idempotency-Key header must be 1 to 255 visible ASCII characters (a UUID, say).")
REUSED = _l("This Idempotency-Key was already used for a different request on this operation. A key names one "
            "request: send a new key for a new request.")
IN_PROGRESS = _l("A request with this Idempotency-Key is still being processed. Wait a moment and send it again "
                 "to receive its answer.")

#: how the header is declared on every operation that honours it (core.api.blueprint)
PARAMETER = {
    "name": HEADER, "in": "header", "required": False, "schema": {"type": "string", "pattern": _KEY.pattern},
    "description": "Makes a retry safe: the same key with the same body within the instance's keeping time (24 "
                   "hours unless configured) receives the first "
                   "(successful) answer again, with `Idempotent-Replayed: true`, instead of doing the work twice; the "
                   "same key with another body is a 422 `idempotency_key_reused`; while the first request runs, 409 "
                   "`request_in_progress`. Keys are per account and operation."}


def not_replayable(view: Callable) -> Callable:
    """The operation ignores ``Idempotency-Key``: its answer holds a credential, which is never stored."""
    doc = getattr(view, "_apidoc", {})  # core.api.blueprint leaves the header out of its document on this mark
    view._apidoc = {**doc, "greenmfg": {**doc.get("greenmfg", {}), "idempotency": False}}
    return view


def honours(view: Callable | None) -> bool:
    """Whether an operation (a view method) honours the header."""
    return view is not None and getattr(view, "_apidoc", {}).get("greenmfg", {}).get("idempotency", True)


def replayable(resource: Any, dispatch: Callable[..., Any], kwargs: dict) -> Any:
    """``dispatch(**kwargs)`` (a resource's request, :meth:`core.api.resource.Resource.dispatch_request`) with the
    header honoured on a POST."""
    post = getattr(type(resource), "post", None)
    if request.method != "POST" or HEADER not in request.headers or not honours(post):
        return dispatch(**kwargs)
    return _once(dispatch, post, (), kwargs)


def _refusal(status: int, code: str, message: Any) -> Response:
    body = error_body(status, code, texts(message))
    body["errors"][0]["field"] = HEADER
    return error_response(status, body)


def _scope(post: Callable) -> str | None:
    user = current_app.extensions["greenmfg_token_authenticator"]()
    if user is not None:
        return f"user:{user.id}"
    if getattr(post, "_apidoc", {}).get("greenmfg", {}).get("auth") in ("public", "optional"):
        return f"address:{request.remote_addr}"
    return None  # a token operation called without a valid token: its 401 is the view's


def request_digest() -> str:
    """A keyed hash of what the request asks: its query and its body as parsed (JSON whatever its spacing, a form's
    fields and files whatever the multipart boundary)."""
    parts: list[Any] = [sorted(request.args.items(multi=True)), request.mimetype]
    if request.is_json:
        parsed = request.get_json(silent=True)
        parts.append(parsed if parsed is not None else request.get_data(cache=True).decode("utf-8", "replace"))
    elif request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        parts.append(sorted(request.form.items(multi=True)))
        files = []
        for name, storage in request.files.items(multi=True):
            content = storage.stream.read()
            storage.stream.seek(0)
            files.append([name, storage.filename, hashlib.sha256(content).hexdigest()])
        parts.append(sorted(files))
    else:
        parts.append(hashlib.sha256(request.get_data(cache=True)).hexdigest())
    data = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode()
    secret = str(current_app.config.get("SECRET_KEY") or "").encode()
    return hmac.new(secret, data, hashlib.sha256).hexdigest()


def _once(view_func: Callable, post: Callable, args: tuple, kwargs: dict) -> Response:
    from core.config import setting

    key = request.headers[HEADER]
    if not _KEY.match(key):
        return _refusal(400, "bad_request", BAD_KEY)
    scope = _scope(post)
    if scope is None:
        return view_func(*args, **kwargs)
    digest, at = request_digest(), now()
    claimed = _claim(scope, key, digest, at, at + dt.timedelta(hours=setting("GREENMFG_IDEMPOTENCY_HOURS")))
    if not isinstance(claimed, int):
        if claimed is None or claimed.status is None:
            return _refusal(409, "request_in_progress", IN_PROGRESS)
        if not hmac.compare_digest(claimed.request_hash, digest):
            return _refusal(422, "idempotency_key_reused", REUSED)
        return replay(claimed)
    try:
        response = current_app.make_response(view_func(*args, **kwargs))
    except BaseException:
        _release(claimed)
        raise
    if 200 <= response.status_code < 300:
        _keep(claimed, response)
    else:
        _release(claimed)
    return response


def _claim(scope: str, key: str, digest: str, at: dt.datetime, until: dt.datetime) -> Any:
    """The new key's row id (this request does the work), else the row of the key's first request (``None``: it
    went between our insert and our read)."""
    from core.extensions import db
    from core.models import IdempotencyKey

    where = (IdempotencyKey.scope == scope, IdempotencyKey.method == request.method,
             IdempotencyKey.path == request.path, IdempotencyKey.key == key)
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= at))  # the table keeps itself small
    row = IdempotencyKey(scope=scope, method=request.method, path=request.path, key=key, request_hash=digest,
                         created_at=at, expires_at=until)
    db.session.add(row)
    try:
        db.session.commit()  # seen by every other request from here on: a second insert fails on the constraint
        return row.id
    except IntegrityError:
        db.session.rollback()
    return db.session.scalar(select(IdempotencyKey).where(*where))


def _keep(row_id: int, response: Response) -> None:
    from core.extensions import db
    from core.models import IdempotencyKey

    response.direct_passthrough = False  # a file answer is read once here and kept
    headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    db.session.rollback()  # the operation committed its work; nothing of it is left to write
    db.session.execute(update(IdempotencyKey).where(IdempotencyKey.id == row_id).values(
        status=response.status_code, headers=headers, body=response.get_data()))
    db.session.commit()


def _release(row_id: int) -> None:
    """The first request was refused or failed: its key is free again."""
    from core.extensions import db
    from core.models import IdempotencyKey

    db.session.rollback()
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row_id))
    db.session.commit()


def replay(row: Any) -> Response:
    response = Response(row.body, status=row.status, headers=dict(row.headers or {}))
    response.headers[REPLAYED] = "true"
    return response

