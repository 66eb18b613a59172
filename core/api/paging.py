"""One paging shape for every collection of the API (issue 48; docs/api.md, "Collections").

Every ``GET`` of a collection answers with the same envelope, documented as ``<Item>Page`` (the shared ``Page``
component of the OpenAPI document with its items typed)::

    {"items": [...],                       # one page, in the collection's order
     "next": "https://…/api/v1/x?after=…", # the next page (null: this is the last)
     "next_after": "…",                    # the next page's cursor, to pass as ?after= (null: the last page)
     "total": 12}                          # how many there are in all, or null where the collection does not count

and, when there is a next page, the same URL in a ``Link: <…>; rel="next"`` header (RFC 8288). ``?limit=`` sets
the page's size (1-200, default 50; some collections keep their own default). A cursor is opaque: a client passes
back what it was given (a malformed one is a 422 naming ``after``).

A collection pages in one of two ways:

* :func:`seek`: keyset paging on whole-number columns of a query (the row id last): the next page starts after
  the last row shown, so any page costs one index seek and rows written meanwhile neither repeat nor go missing;
* :func:`window`: a short list the view already holds (a city's quotas, an account's tokens, a firm's requests),
  or a query ordered by a non-numeric key: the cursor is the position.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from flask import g, request
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import tuple_

from core.api.schema import Out, Query
from core.errors import InvalidInput
from core.kernel import paging

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
CURSOR = re.compile(r"\d{1,16}(\.\d{1,12}){0,3}")
#: a cursor that is a record id (:class:`IdCursor`)
ID_CURSOR = re.compile(r"^[1-9]\d{0,9}$")
#: ``g`` attribute of the request's next page, written as the ``Link`` header (:func:`link_header`)
_NEXT = "api_next_page"
_NEXT_DOC = "the next page's URL, also sent as the Link header with rel=\"next\" (null: this is the last page)"
_CURSOR_DOC = "the next page's cursor, to pass as ?after= (null: this is the last page)"
_TOTAL_DOC = "how many items the collection has in all (null: this collection does not count them)"


def page_query(default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT) -> dict[str, fields.Field]:
    """The paging parameters every collection takes (``after``, ``limit``), for a query schema's class body."""
    return {
        "after": fields.String(load_default=None, validate=validate.Regexp(CURSOR), metadata={
            "description": "the page after this cursor: next_after of the page before (the first page: leave out)"}),
        "limit": fields.Integer(load_default=default, validate=validate.Range(min=1, max=maximum), metadata={
            "description": f"items per page (default {default})"}),
    }


class IdCursor(fields.String):
    """The cursor of a collection that pages by record id: a string in the document and on the wire, as every
    cursor is (issue 58: a client generator typed it integer on two collections), loaded as the id."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"pattern": ID_CURSOR.pattern, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        from core.kernel.records import ID_MAX

        text = super()._deserialize(value, attr, data, **kwargs)
        if not ID_CURSOR.fullmatch(text) or int(text) > ID_MAX:
            raise ValidationError("Not a cursor of this list: pass back the next_after of the page before.")
        return int(text)


def id_cursor() -> IdCursor:
    """``after`` of a collection whose cursor is a record id (``next_after`` is the last id of the page)."""
    return IdCursor(load_default=None, metadata={
        "description": "the page after this cursor: next_after of the page before (the first page: leave out)"})


def paged_query(name: str, base: type[Schema] = Query, default: int = DEFAULT_LIMIT,
                maximum: int = MAX_LIMIT) -> type[Schema]:
    """``base`` (a collection's own query schema) with the paging parameters it does not declare itself (a
    collection whose cursor is a record id declares ``after`` as one)."""
    return type(name, (base,), {key: value for key, value in page_query(default, maximum).items()
                                if key not in base._declared_fields})


class PageSchema(Out):
    """The envelope of every collection (documented once as ``Page``; each collection's ``<Item>Page`` types its
    items)."""

    items = fields.List(fields.Dict(), required=True, metadata={"description": "one page, in the collection's order"})
    next = fields.String(required=True, allow_none=True, metadata={"format": "uri", "description": _NEXT_DOC})
    next_after = fields.String(required=True, allow_none=True, metadata={"description": _CURSOR_DOC})
    total = fields.Integer(required=True, allow_none=True, metadata={"description": _TOTAL_DOC})


def page_of(item: type[Schema], name: str | None = None) -> type[Schema]:
    """The envelope of a collection of ``item`` (``<Item>Page`` in the document, or ``name``)."""
    name = name or item.__name__.removesuffix("Schema") + "Page"
    return type(f"{name}Schema", (PageSchema,), {
        "items": fields.List(fields.Nested(item), required=True,
                             metadata={"description": "one page, in the collection's order"})})


#: the query of a collection that takes nothing but the paging parameters
Paged = paged_query("PagedQuerySchema")


# ----------------------------------------------------------------- answering --


def _cursor(after: str | None, size: int) -> tuple[int, ...] | None:
    if after is None:
        return None
    values = tuple(int(v) for v in after.split(".")) if CURSOR.fullmatch(after) else ()
    if len(values) != size:
        raise InvalidInput("Not a cursor of this list: pass back the next_after of the page before.", field="after")
    return values


def next_url(cursor: str) -> str:
    """This request's URL with ``after`` set to ``cursor`` (its other parameters kept)."""
    kept = [(key, value) for key, value in request.args.items(multi=True) if key != "after"]
    return f"{request.base_url}?{urlencode([*kept, ('after', cursor)])}"


def answer(items: list[Any], next_after: Any, total: int | None = None) -> dict[str, Any]:
    """The envelope of one page; its next page is also the request's ``Link`` header."""
    cursor = None if next_after is None else str(next_after)
    link = None if cursor is None else next_url(cursor)
    setattr(g, _NEXT, link)
    return {"items": items, "next": link, "next_after": cursor, "total": total}


def seek(query: Any, *key: Any, args: dict[str, Any], descending: bool = False, plain: bool = False,
         json: Callable[[Any], Any] | None = None, total: int | None = None) -> dict[str, Any]:
    """One page of ``query`` in the order of ``key`` (whole-number columns, the row id last), from ``args``'
    ``after`` and ``limit``; each row as ``json(row)``. ``plain``: the query selects columns (rows as they come)."""
    from core.extensions import db

    limit, start = args["limit"], _cursor(args.get("after"), len(key))
    if start is not None:
        row_key = tuple_(*key) if len(key) > 1 else key[0]
        bound = tuple_(*start) if len(key) > 1 else start[0]
        query = query.where(row_key < bound if descending else row_key > bound)
    query = query.order_by(*(k.desc() if descending else k for k in key)).limit(limit + 1)
    rows = db.session.execute(query).all() if plain else db.session.scalars(query).all()
    shown = paging.page(rows, limit, "first" if start is None else "after",
                        lambda row: ".".join(str(getattr(row, k.key)) for k in key))
    return answer([json(r) for r in shown.rows] if json else shown.rows, shown.next, total)


def window(rows: Sequence[Any] | Any, args: dict[str, Any], json: Callable[[Any], Any] | None = None,
           count: bool = True) -> dict[str, Any]:
    """One page of ``rows`` (a list, or a query, read from the cursor's position) from ``args``' ``after`` and
    ``limit``, each as ``json(row)``; ``total`` is the list's length (a query's: ``null``)."""
    limit, start = args["limit"], _cursor(args.get("after"), 1)
    offset = start[0] if start else 0
    if isinstance(rows, Sequence):
        part, total = list(rows[offset:offset + limit + 1]), len(rows) if count else None
    else:
        from core.extensions import db

        part, total = db.session.scalars(rows.offset(offset).limit(limit + 1)).all(), None
    more = len(part) > limit
    part = part[:limit]
    return answer([json(r) for r in part] if json else part, offset + limit if more else None, total)


def link_header(response: Any) -> Any:
    """``after_request``: the next page of a collection's answer as its ``Link`` header (RFC 8288)."""
    link = g.pop(_NEXT, None)
    if link and response.status_code == 200:
        # one Link field (RFC 8288 3), the next page first (a deprecated parameter's documentation may follow)
        response.headers["Link"] = ", ".join([f'<{link}>; rel="next"', *response.headers.getlist("Link")])
    return response
