"""W1's floor (issue 46): for each list page and API collection, the least a Flask app must do to serve it, so a
page made by the product is measured against its own floor rather than a one-route app.

The floor of a page runs **the page's own SQL statements** (captured from the product while it makes the page: a
SQLAlchemy ``before_cursor_execute`` listener; the product's own look-up of the user, its session row or its token
left out) through a pooled SQLAlchemy Core engine, reads the session cookie (Flask's signed cookie, the product's
secret) or the bearer token and selects the user with one statement, and renders the page with one Jinja template:
the product's page as made, its first table body replaced by a loop over the rows of the page's largest result
(every value escaped by Jinja), or for the JSON API the rows written by orjson. The floor's bytes are printed beside
the page's (they are near, not equal: the loop writes every column of the rows in plain cells).

    from floor_app import capture, create_floor   # bench/bench_pages.py --floor measures with them

Under gunicorn (``bench/bench_pages.py --floor --gunicorn``) the pages captured are written with :func:`save` and
the floor is served by ``floor_app:served()`` (``bench/`` on the path: the pages name this module), which reads
them back (``GREENMFG_FLOOR_PAGES``) with the database URL and the secret (``GREENMFG_FLOOR_URL``,
``GREENMFG_FLOOR_SECRET``).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
from dataclasses import dataclass
from typing import Any

#: statements the floor makes itself (the signed-in user) and so leaves out of the page's own
_OWN = re.compile(r"\b(FROM|JOIN)\s+\"?(user_account|web_session|api_token)\b", re.IGNORECASE)


@dataclass
class FloorPage:
    path: str  # the product's path, query string included
    statements: list[tuple[str, Any]]  # (SQL as sent to the driver, its parameters)
    template: str  # Jinja text (HTML pages); "" for the JSON API
    who: str  # "cookie", "token" or "" (anonymous)
    page_bytes: int


@contextlib.contextmanager
def _listening(engine):
    import sqlalchemy as sa

    seen: list[tuple[str, Any]] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if not executemany:
            seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


def capture(app, client, path: str, headers: dict[str, str], who: str) -> FloorPage:
    """Make the page once (warming), then again with the listener: its statements and its bytes."""
    from core.extensions import db

    with app.app_context():
        engine = db.engine
    client.get(path, headers=headers)
    with _listening(engine) as seen:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    body = response.get_data(as_text=True)
    statements = [(sql, params) for sql, params in seen
                  if sql.lstrip().upper().startswith(("SELECT", "WITH")) and not _OWN.search(sql)]
    return FloorPage(path=path, statements=statements, who=who, page_bytes=len(response.get_data()),
                     template="" if response.is_json else _template(body))


def _template(page: str) -> str:
    """The page as a Jinja template: its first ``<tbody>`` (else the end of ``<main>``) a loop over the rows."""
    loop = ("{% for row in rows %}<tr>{% for value in row %}<td>{{ value }}</td>{% endfor %}</tr>{% endfor %}"
            "{{ user.display_name if user else '' }}")
    start, end = page.find("<tbody>"), page.find("</tbody>")
    if start >= 0 and end > start:
        head, tail = page[:start + len("<tbody>")], page[end:]
    else:
        cut = page.rfind("</main>")
        cut = cut if cut >= 0 else len(page)
        head, tail = page[:cut], page[cut:]
    return "{% raw %}" + head + "{% endraw %}" + loop + "{% raw %}" + tail + "{% endraw %}"


def create_floor(url: str, secret: str, pages: list[FloorPage]):
    """The floor app: page ``i`` at ``/floor/<i>`` (the query string is the product's, unread: the statements
    carry their parameters)."""
    import jinja2
    import orjson
    import sqlalchemy as sa
    from flask import Flask, Response, abort, request, session

    app = Flask("floor")
    app.secret_key = secret
    engine = sa.create_engine(url, pool_size=5, pool_pre_ping=False)
    environment = jinja2.Environment(autoescape=True)
    templates = [environment.from_string(p.template) if p.template else None for p in pages]
    by_cookie = sa.text("SELECT * FROM user_account WHERE id = :id")
    by_token = sa.text("SELECT u.* FROM api_token t JOIN user_account u ON u.id = t.user_id "
                       "WHERE t.token_hash = :digest")

    def view(i: int):
        page, template = pages[i], templates[i]
        with engine.connect() as conn:
            user = None
            if page.who == "cookie":
                who = session.get("_user_id")
                if not who:
                    abort(401)
                user = conn.execute(by_cookie, {"id": int(who.split(":", 1)[0])}).first()
            elif page.who == "token":
                token = request.headers.get("Authorization", "")[7:]
                user = conn.execute(by_token, {"digest": hashlib.sha256(token.encode()).hexdigest()}).first()
            if page.who and user is None:
                abort(401)
            results = [conn.exec_driver_sql(sql, params).fetchall() for sql, params in page.statements]
            conn.commit()  # as the product ends a transaction that only read (core.kernel.uow.end_reads)
        rows = max(results, key=len, default=[])
        if template is None:
            return Response(orjson.dumps({"items": [dict(r._mapping) for r in rows]}, default=str),
                            mimetype="application/json")
        return template.render(rows=rows, user=user)

    app.add_url_rule("/floor/<int:i>", view_func=view)
    app.add_url_rule("/up", "up", lambda: "up")  # the bench waits for this before measuring
    app.extensions["floor_engine"] = engine
    return app


def floor_path(i: int, path: str) -> str:
    query = path.partition("?")[2]
    return f"/floor/{i}" + (f"?{query}" if query else "")


def save(pages: list[FloorPage], path) -> None:
    """Write the captured pages for :func:`served` (a file only the bench writes and reads back)."""
    with open(path, "wb") as f:
        pickle.dump(pages, f)


def served():
    """The floor app for gunicorn: the pages :func:`save` wrote (``GREENMFG_FLOOR_PAGES``), the database URL
    (``GREENMFG_FLOOR_URL``) and the product's secret (``GREENMFG_FLOOR_SECRET``) from the environment."""
    with open(os.environ["GREENMFG_FLOOR_PAGES"], "rb") as f:
        pages = pickle.load(f)  # the bench's own file, written by save() a moment before
    return create_floor(os.environ["GREENMFG_FLOOR_URL"], os.environ["GREENMFG_FLOOR_SECRET"], pages)
