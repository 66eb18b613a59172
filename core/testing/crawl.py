"""The pages and JSON API collections a role reaches, found by crawling, not from a list (issue 57).

Used by the statement guard (tests/perf/test_crawl_statements.py) and the buffers bench (bench/bench_pages.py
``--buffers``), so both measure the same pages: a new page or collection is measured without being named.

- :func:`crawl`: from the home page, every link followed (one address per pattern: numbers generalised), the
  addresses answering 200 with HTML.
- :func:`api_collections`: every ``GET`` route of the app under ``/api/`` that takes no path parameter (a
  collection or a single resource of the caller), asked with the caller's headers, those answering 200 with JSON.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_PAGES = 80  # address patterns a role's crawl reads
HREF = re.compile(r'href="([^"#]+)"')
#: not a page: files, downloads, the API, signing out, the language switch
SKIP = re.compile(r"^/(api|static|logout)\b|\.(pdf|xlsx|csv|json|xls|js|css|png|svg|ico)$|/download$|/evidence/|"
                  r"/files/|/report$")
#: not a collection: the API's own description and documents
API_SKIP = re.compile(r"/(openapi|docs|spec|swagger|redoc)\b|\.(json|yaml|yml)$")


def pattern(url: str) -> str:
    """A page's address with its numbers (record ids, cursors) generalised: one page of each is read."""
    return re.sub(r"\d+", "N", url)


def crawl(client, headers: dict[str, str] | None = None, start: str = "/", limit: int = MAX_PAGES) -> list[str]:
    """The pages (addresses answering 200 with HTML) reached from ``start``, one per address pattern."""
    queue, patterns, pages = [start], set(), []
    while queue and len(patterns) < limit:
        url = queue.pop(0)
        if pattern(url) in patterns:
            continue
        patterns.add(pattern(url))
        response = client.get(url, headers=headers or {})
        if response.status_code in (301, 302, 303) and response.location.startswith("/"):  # a menu's entry page
            queue.insert(0, response.location)
        if response.status_code != 200 or not response.content_type.startswith("text/html"):
            continue
        pages.append(url)
        for href in HREF.findall(response.get_data(as_text=True)):
            link = urlsplit(href.replace("&amp;", "&"))
            if link.netloc or not link.path.startswith("/") or "lang=" in link.query or SKIP.search(link.path):
                continue
            queue.append(link.path + (f"?{link.query}" if link.query else ""))
    return pages


def api_collections(app, client, headers: dict[str, str] | None = None) -> list[str]:
    """The app's ``GET`` API routes without path parameters that answer the caller 200 with JSON, sorted."""
    found = []
    for rule in sorted({r.rule for r in app.url_map.iter_rules()
                        if r.rule.startswith("/api/") and "GET" in (r.methods or ()) and not r.arguments}):
        if API_SKIP.search(rule):
            continue
        response = client.get(rule, headers=headers or {})
        if response.status_code == 200 and response.is_json:
            found.append(rule)
    return found
