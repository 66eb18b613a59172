"""Hostile query strings are refused before any page reads them (issue 47; ASVS 4.0.3 5.1.3, 5.1.4; GB/T 22239-2019
8.1.4.4 入侵防范): a NUL or another control character, a value longer than any page takes, a whole number beyond 64
bits, a query string longer than any link the platform makes or more parameters than any page reads. A page answers
400 in its language; the JSON API answers its documented 422 ``invalid_input`` in its one error format, naming the
parameter (:func:`core.api.validation.check_request` asks :func:`fault`). Before, ``GET /public/lists?q=a%00b``
reached PostgreSQL and answered 500 ("系统内部出错"). Malformed numbers and dates are each page's to judge (ignored
or refused where the page reads them), never a server error."""
from __future__ import annotations

import re

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

#: the longest value of one parameter (a search text, a name) and of the whole query string, the most parameters (a
#: city's bulk page takes up to 500 ticked applications as ``application_ids``)
VALUE_CHARS = 500
QUERY_BYTES = 16 * 1024
PARAMETERS = 600
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: a whole number no column holds (beyond 64 bits): refused before a page converts it (OverflowError)
_HUGE_NUMBER = re.compile(r"\s*[+-]?0*\d{19,}\s*")
#: the answer of :func:`fault` for what is wrong with the whole query string, not one parameter
WHOLE = ""

MESSAGE = _l("This address carries characters or values this site does not accept (control characters, a value "
             "that is too long or a number too large). Please check the link or the search text.")


class HostileQuery(BadRequest):
    """400 with :data:`MESSAGE` (the page shows it)."""

    def __init__(self) -> None:
        super().__init__(description=str(MESSAGE))
        self.data = {"greenmfg_message": (MESSAGE, {})}
        self.greenmfg_message = MESSAGE


def fault() -> str | None:
    """The parameter of the request's query string no page takes (:data:`WHOLE` when the query string as a whole is
    too long or has too many parameters); ``None`` when nothing is wrong."""
    if len(request.query_string) > QUERY_BYTES:
        return WHOLE
    args = request.args
    if len(args) > PARAMETERS:
        return WHOLE
    for key, value in args.items(multi=True):
        if len(key) > 100 or _CONTROL.search(key):
            return key[:100]
        if len(value) > VALUE_CHARS or _CONTROL.search(value) or _HUGE_NUMBER.fullmatch(value):
            return key
    return None


def check() -> None:
    if request.path.startswith("/api/"):
        return  # the API's own request checks answer in its format (core.api.validation)
    if fault() is not None:
        raise HostileQuery()


def install(app: Flask) -> None:
    # first of the hooks: before a kept page is looked up, a user is loaded or anything reads the database
    app.before_request_funcs.setdefault(None, []).insert(0, check)
