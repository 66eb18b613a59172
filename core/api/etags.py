"""Concurrent edits (issue 48): ``ETag`` on what a GET answers, ``If-Match`` on a change to it.

Two clerks open one record; the first saves; the second's save must not silently undo the first's. So:

* every JSON answer of a GET carries an ``ETag``, a strong tag of the representation (a hash of the answer's
  bytes: any change a reader could see changes it; an evidence file's is its SHA-256);
* a PATCH, PUT or DELETE of a resource that has one (a GET on the same path; :func:`if_match` marks the
  operation) must send the tag it last read as ``If-Match``: without it, 428 ``precondition_required`` naming the
  header; with a tag that is no longer the record's, 412 ``precondition_failed`` and nothing changes: read the
  record again, apply the change to what is there now, send it with the new tag. ``If-Match: *`` is
  "whatever it is now", for a client that means to overwrite;
* the answer to a successful change carries the record's new tag, so a client editing in steps chains them.

Changes to what has no representation of its own (a holiday of the calendar, the consulted departments of a
year's recommendation, a token) take no tag. The web forms carry the same guard as a hidden field
(:func:`form_tag`, :func:`stale_form`).
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, Response, current_app, request
from flask_babel import lazy_gettext as _l

from core.api.errors import abort_json

REQUIRED = _l("This change needs the If-Match header: send the ETag of your last GET of this record, so that a "
              "change someone made since is not overwritten.")
STALE = _l("Someone else changed this record since you read it (If-Match no longer matches its ETag). Nothing "
           "was saved: GET the record again and apply your change to the current version.")

#: how the header is declared on the operations :func:`if_match` marks (core.api.blueprint)
PARAMETER = {"name": "If-Match", "in": "header", "required": True,
             "schema": {"type": "string", "pattern": r'^(\*|(W/)?"[\x21\x23-\x7e]*"(, ?(W/)?"[\x21\x23-\x7e]*")*)$'},
             "description": "The `ETag` of your last GET of this record (or of your last change to it). 412 when "
                            "the record changed since; `*` changes whatever version is current."}
#: how the tag is declared on the answers that carry it
HEADER = {"description": "Tag of this version of the record: send it as `If-Match` to change the record",
          "schema": {"type": "string"}}


def tag(data: bytes) -> str:
    """The tag of a representation (unquoted)."""
    return hashlib.sha256(data).hexdigest()[:40]


def tag_of(response: Response) -> str:
    """The tag an answer carries, else the one of its bytes."""
    given, _weak = response.get_etag()
    if given:
        return given
    return tag(response.get_data())


def init_app(app: Flask) -> None:
    @app.after_request
    def _tag_reads(response: Response) -> Response:
        if (request.method in ("GET", "HEAD") and response.status_code == 200 and request.path.startswith("/api/v1/")
                and response.mimetype == "application/json" and "ETag" not in response.headers):
            row = _guarded_record()
            response.set_etag(version_tag(row) if row is not None else tag(response.get_data()))
        return response


def _guarded_record() -> Any:
    """The versioned record the request's path names, when its resource guards changes (``guarded``)."""
    view = current_app.view_functions.get(request.endpoint or "")
    cls = getattr(view, "view_class", None)
    if cls is None or not hasattr(cls, "guarded"):
        return None
    return cls().guarded(**(request.view_args or {}))


def version_tag(row: Any) -> str:
    """The tag of a versioned record: derived from its version (and which record it is), so a change of the record
    changes it and no representation is made to compare a tag. An evidence file, never changed, has its
    SHA-256."""
    version = getattr(row, "version", None)
    if version is None:
        return row.sha256[:40]
    return tag(f"{row.__tablename__}:{row.id}:{version}".encode())


def claim(row: Any, seen: int | None) -> bool:
    """Compare-and-set (issue 55): ``UPDATE <table> SET version = version + 1 WHERE id = ? AND version = ?``
    with the version ``seen`` the caller's tag or form was checked against (``None``: whatever it is now, the
    row still there). True when the row matched: this transaction then holds the row until it commits, and the
    session's copy carries the new version; False when someone changed (or removed) it since, and nothing is
    written. An evidence file (no version) is claimed by ``UPDATE ... SET id = id WHERE id = ?``."""
    from sqlalchemy import update
    from sqlalchemy.orm.attributes import set_committed_value

    from core.extensions import db

    table = type(row).__table__
    versioned = "version" in table.c
    statement = update(table).where(table.c.id == row.id)
    if versioned:  # the new version comes back with the UPDATE (RETURNING): no second statement to read it
        statement = statement.values(version=table.c.version + 1).returning(table.c.version)
        if seen is not None:
            statement = statement.where(table.c.version == seen)
        matched = db.session.execute(statement).all()
        if len(matched) != 1:
            return False
        set_committed_value(row, "version", matched[0].version)
    elif db.session.execute(statement.values(id=table.c.id)).rowcount != 1:
        return False
    if seen is None:  # read before the row was held: read it again
        db.session.expire(row, [a for a in db.inspect(row).mapper.column_attrs.keys() if a != "version"])
    return True


def refuse_stale() -> None:
    """End the request with 412: nothing of it is kept."""
    from core.extensions import db

    db.session.rollback()
    abort_json(412, STALE)


def if_match(view: Callable | None = None, *, answers_as_get: bool = False) -> Callable:
    """A PATCH, PUT or DELETE of a resource with a GET: the caller's ``If-Match`` must be the record's tag (428
    without one, 412 when stale); the answer carries the new tag. Put it right above the ``response`` line: the
    token and the body are checked first.

    A resource whose record has a version says which record the path names (``guarded(**view_args)``, scope
    checked: 404 outside it). Its tag derives from the version (:func:`version_tag`), and the change is a
    compare-and-set (:func:`claim`, issue 55): the version the tag was compared with is the one the UPDATE
    requires, so of clients sending one tag at once exactly one changes the record and the others get 412,
    never a lost update nor a 409. Without one (the clock before its first move, a notification setting not yet
    made) the tag is the hash of what a GET answers, compared and written in one transaction as before.

    ``answers_as_get`` (an unversioned record): the change answers the record exactly as its GET does, so the
    new tag is its own answer's instead of one more GET made for it (issue 46, W-rush)."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(resource: Any, *args: Any, **kwargs: Any):
            row = resource.guarded(**kwargs) if hasattr(resource, "guarded") else None  # a 404 comes first
            if row is None:
                return _by_representation(view, answers_as_get, resource, *args, **kwargs)
            if not request.if_match:
                abort_json(428, REQUIRED)
            seen = getattr(row, "version", None)
            if not request.if_match.star_tag:
                if not request.if_match.contains(version_tag(row)):
                    abort_json(412, STALE)
            if not claim(row, None if request.if_match.star_tag else seen):
                refuse_stale()
            response = current_app.make_response(view(resource, *args, **kwargs))
            if 200 <= response.status_code < 300 and request.method != "DELETE":
                response.set_etag(version_tag(row))
            return response
        doc = getattr(wrapper, "_apidoc", {})  # core.api.blueprint documents If-Match, 412 and 428 from this mark
        wrapper._apidoc = {**doc, "greenmfg": {**doc.get("greenmfg", {}), "if_match": True}}
        return wrapper
    return decorate(view) if view is not None else decorate


def current_tag(resource: Any) -> str:
    """The tag a GET of the request's path would answer now (the resource's own GET, in this request)."""
    get = type(resource).get
    response = current_app.make_response(get(resource, **(request.view_args or {})))
    try:
        return tag_of(response)
    finally:
        response.close()


def _by_representation(view: Callable, answers_as_get: bool, resource: Any, *args: Any, **kwargs: Any):
    current = current_tag(resource)
    if not request.if_match:
        abort_json(428, REQUIRED)
    if not request.if_match.star_tag and not request.if_match.contains(current):
        abort_json(412, STALE)
    response = current_app.make_response(view(resource, *args, **kwargs))
    if 200 <= response.status_code < 300 and request.method != "DELETE":
        response.set_etag(tag_of(response) if answers_as_get else current_tag(resource))
    return response


# ------------------------------------------------------------------ web forms --

#: the hidden field a web form that edits a record carries
FORM_FIELD = "etag"


def form_tag(data: Any) -> str:
    """The tag of a record as a page shows it for editing (``data``: what the page shows, JSON-able)."""
    import json

    return tag(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode())


def stale_form(data: Any) -> bool:
    """Whether the submitted form was filled in on another version of the record than ``data``, the current one.
    Every edit page carries the field; a post without it (a script posting the form) is not checked."""
    posted = request.form.get(FORM_FIELD)
    return bool(posted) and posted != form_tag(data)


def claim_form(row: Any) -> bool:
    """The web form's compare-and-set (issue 55), once :func:`stale_form` found the page's version current: the
    save requires the version that check read (:func:`claim`), so of two browsers saving one page at once one
    saves and the other is told, with what it typed kept. False (rolled back, the session reads afresh) when
    someone saved in between; a post without the field (a script) is not checked, as :func:`stale_form`."""
    from core.extensions import db

    if not request.form.get(FORM_FIELD) or claim(row, row.version):
        return True
    db.session.rollback()
    return False


def flash_stale() -> None:
    """Tell the user their save was refused for an older version of the record: nothing saved, nothing typed lost
    (the page shows the saved values that differ, :func:`form_conflicts`)."""
    from flask import flash
    from flask_babel import gettext

    flash(gettext("Someone else saved this record after you opened it; nothing was saved. What you typed is still "
                  "in the form, and the saved values that differ from it are shown above. Save again to replace "
                  "them with yours."), "error")


def form_conflicts(form, saved: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, saved value as the page shows it) of each field whose saved value differs from what was typed."""
    out = []
    for field in form:
        if field.name not in saved or field.name == "csrf_token":
            continue
        value = saved[field.name]
        if _same_value(field.data, value):
            continue
        choices = getattr(field, "choices", None)
        choices = {str(c[0]): c[1] for c in choices if isinstance(c, (list, tuple)) and len(c) >= 2} \
            if isinstance(choices, (list, tuple)) else {}
        values = value if isinstance(value, (list, tuple)) else [value]
        shown = [str(choices.get(str(v), v)) for v in values if v not in (None, "")]
        out.append((str(field.label.text), "、".join(shown) or "—"))
    return out


def _same_value(typed: Any, saved: Any) -> bool:
    def plain(v: Any) -> Any:
        if v in (None, "", []):
            return None
        if isinstance(v, (list, tuple)):
            return [plain(i) for i in v]
        try:
            return float(v) if not isinstance(v, bool) and not isinstance(v, str) else str(v).strip()
        except (TypeError, ValueError):
            return str(v)
    return plain(typed) == plain(saved)
