"""Headers of the API's contract on its answers (issue 58; docs/api-conventions.md, "Rate limits" and
"Deprecation").

* **Rate limits**: an answer to a request counted against an allowance (:func:`core.ratelimit.limit`: asking for a
  token, a public complaint or objection) says where the caller stands, as the IETF draft *RateLimit header fields
  for HTTP* (draft-ietf-httpapi-ratelimit-headers) names it: ``RateLimit-Limit`` (requests in the tightest
  window), ``RateLimit-Remaining`` (left in it), ``RateLimit-Reset`` (seconds until it frees one) and
  ``RateLimit-Policy`` (every window, ``10;w=60, 60;w=3600``). A 429 carries them too, beside ``Retry-After``.
* **Deprecation**: an answer to a request that used a parameter the contract retires carries ``Deprecation``
  (RFC 9745: ``@`` and the Unix time it was deprecated), ``Sunset`` (RFC 8594: the HTTP date from which the server
  may refuse it) and a ``Link`` to the documentation (``rel="deprecation"``). The parameter stays in the OpenAPI
  document marked ``deprecated``, without a default, until its sunset.
"""
from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass
from email.utils import format_datetime
from typing import Any

from flask import Flask, Response, current_app, g, request


@dataclass(frozen=True)
class Retired:
    """A query parameter the contract retires: deprecated on ``since``, refused from ``sunset`` on, at the
    earliest (at least six months later), ``use`` in its place."""

    since: dt.date
    sunset: dt.date
    use: str

    def deprecation(self) -> str:
        return f"@{int(dt.datetime.combine(self.since, dt.time(), dt.UTC).timestamp())}"

    def sunset_date(self) -> str:
        return format_datetime(dt.datetime.combine(self.sunset, dt.time(), dt.UTC), usegmt=True)


#: the page number and size of the first paging (issue 48, landed 2026-11-25): the keyset cursor replaces them
RETIRED_PARAMETERS: dict[str, Retired] = {
    "page": Retired(dt.date(2026, 11, 25), dt.date(2027, 5, 31), "after"),
    "per_page": Retired(dt.date(2026, 11, 25), dt.date(2027, 5, 31), "limit"),
}
#: where the policy is explained (the served API reference)
DEPRECATION_LINK = '</api/docs>; rel="deprecation"; type="text/html"'

#: how the headers are declared on the answers that carry them (core.api.spec_lint)
RATELIMIT_HEADERS = {
    "RateLimit-Limit": "requests allowed in the tightest window of this operation's allowance",
    "RateLimit-Remaining": "requests left in that window (0: the next is refused with 429 until the reset)",
    "RateLimit-Reset": "seconds until that window frees a request",
    "RateLimit-Policy": "every window of the allowance: <requests>;w=<seconds>, comma-separated",
}
DEPRECATION_HEADERS = {
    "Deprecation": "present when the request used a deprecated parameter: @<Unix time it was deprecated> (RFC 9745)",
    "Sunset": "present with Deprecation: from this date the deprecated parameter may be refused (RFC 8594)",
}


def rate_limit_headers(response: Response) -> Response:
    counted = g.pop("greenmfg_rate_counted", None)
    limits = current_app.extensions.get("greenmfg_limits")
    if counted is None or limits is None:
        return response
    scope, key = counted
    try:
        windows = []
        for item in limits.items(scope):
            stats = limits.strategy.get_window_stats(item, limits.prefix, scope, key)
            windows.append((item.amount, max(0, stats.remaining), max(0, math.ceil(stats.reset_time - time.time())),
                            item.get_expiry()))
    except Exception:  # noqa: BLE001 - the store is gone: the answer goes without the headers, as it was
        return response
    if not windows:
        return response
    amount, remaining, reset, _seconds = min(windows, key=lambda w: (w[1], -w[2]))
    response.headers["RateLimit-Limit"] = str(amount)
    response.headers["RateLimit-Remaining"] = str(remaining)
    response.headers["RateLimit-Reset"] = str(reset)
    response.headers["RateLimit-Policy"] = ", ".join(f"{w[0]};w={w[3]}" for w in windows)
    return response


def deprecation_headers(response: Response) -> Response:
    if not request.path.startswith("/api/v1/") or response.status_code >= 400:
        return response
    used = [RETIRED_PARAMETERS[name] for name in request.args if name in RETIRED_PARAMETERS]
    if used:
        first = min(used, key=lambda r: r.since)
        response.headers["Deprecation"] = first.deprecation()
        response.headers["Sunset"] = min(used, key=lambda r: r.sunset).sunset_date()
        # one Link field (RFC 8288 3: links comma-separated; the paging puts its next link first)
        links = [*response.headers.getlist("Link"), DEPRECATION_LINK]
        response.headers["Link"] = ", ".join(links)
    return response


def init_app(app: Flask) -> None:
    app.after_request(rate_limit_headers)
    app.after_request(deprecation_headers)


def declared(headers: dict[str, str]) -> dict[str, Any]:
    """``headers`` as an answer's OpenAPI ``headers``."""
    return {name: {"description": text, "schema": {"type": "string"}} for name, text in headers.items()}
