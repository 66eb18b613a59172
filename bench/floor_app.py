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

**The libraries' floor** (:func:`create_libraries_floor`, ``--libraries``): the same page, its statements and its
template, made through the libraries the guide mandates for every page of the product, each used as its own
documentation shows: Flask-SQLAlchemy's session runs the statements and ends the transaction; Flask-Login loads
the signed-in user through its ``user_loader`` (one keyed read) or the API's token through its
``request_loader``; Flask-Babel selects the page's language and translates one string; Flask-WTF protects the app
from cross-site requests and, where the product's page holds a form that posts, that form is a ``FlaskForm`` of
the same controls (a select with as many options, a list of as many checkboxes, a text box, a date…), rendered by
WTForms' own widgets with its CSRF token. What the product adds above this floor is its own code; what this floor
adds above the first is what the mandated libraries cost a page.

Under gunicorn (``bench/bench_pages.py --floor --gunicorn``) the pages captured are written with :func:`save` and
the floor is served by ``floor_app:served()`` (``bench/`` on the path: the pages name this module), which reads
them back (``GREENMFG_FLOOR_PAGES``) with the database URL and the secret (``GREENMFG_FLOOR_URL``,
``GREENMFG_FLOOR_SECRET``); with ``GREENMFG_FLOOR_LIBRARIES=1``, the libraries' floor.
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


#: the signed-in user, by the session's user id or by the API token's digest (:func:`_digest`)
_USER_BY_ID = "SELECT * FROM user_account WHERE id = :id"
_USER_BY_TOKEN = "SELECT u.* FROM api_token t JOIN user_account u ON u.id = t.user_id WHERE t.token_hash = :digest"


def _digest(authorization: str) -> str:
    """The digest the product keeps of the bearer token in an ``Authorization`` header."""
    return hashlib.sha256(authorization[7:].encode()).hexdigest()


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
    by_cookie, by_token = sa.text(_USER_BY_ID), sa.text(_USER_BY_TOKEN)

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
                user = conn.execute(by_token, {"digest": _digest(request.headers.get("Authorization", ""))}).first()
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


#: a form that posts, in a captured page (the first is the page's form; a log-out button's form has no control)
_POST_FORM = re.compile(r'(<form\b[^>]*method="post"[^>]*>)(.*?)(</form>)', re.IGNORECASE | re.DOTALL)
_CONTROL = re.compile(r'<(select|textarea|input)\b([^>]*)>', re.IGNORECASE)
_ATTRIBUTE = re.compile(r'\b(name|type)="([^"]*)"')


def _form_controls(html: str) -> tuple[int, int, list[tuple[str, str, int]]] | None:
    """The first form of ``html`` that posts and has controls besides its CSRF token: its place (start, end of
    its inner HTML) and its controls in order, each (name, kind, options): kind ``select`` (options: how many),
    ``checkboxes`` (a list of boxes of one name: how many), ``textarea``, or the input's type."""
    for form in _POST_FORM.finditer(html):
        controls: list[tuple[str, str, int]] = []
        for tag, attributes in _CONTROL.findall(form.group(2)):
            found = dict(_ATTRIBUTE.findall(attributes))
            name, kind = found.get("name", ""), tag.lower() if tag.lower() != "input" else found.get("type", "text")
            if not name or name == "csrf_token" or kind in ("hidden", "submit", "button"):
                continue
            if kind == "checkbox" and controls and controls[-1][0] == name:
                controls[-1] = (name, "checkboxes", controls[-1][2] + 1)
                continue
            if kind == "select":
                select = re.search(rf'<select\b[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', form.group(2),
                                   re.IGNORECASE | re.DOTALL)
                controls.append((name, "select", select.group(1).count("<option") if select else 0))
                continue
            controls.append((name, "checkboxes" if kind == "checkbox" else kind, 1))
        if controls:
            return form.start(2), form.end(2), controls
    return None


def _form_class(controls: list[tuple[str, str, int]]):
    """A ``FlaskForm`` with ``controls``, as a form of the product would declare them (each field required)."""
    from flask_wtf import FlaskForm
    from wtforms import (BooleanField, DateField, FileField, IntegerField, PasswordField, SelectField,
                         SelectMultipleField, StringField, TextAreaField, widgets)
    from wtforms.fields import SelectChoice
    from wtforms.validators import DataRequired

    fields = {}
    for i, (name, kind, options) in enumerate(controls):
        choices = [SelectChoice(str(k), f"option {k}") for k in range(1, options + 1)]
        label = f"Field {i + 1}"
        if kind == "select":
            field = SelectField(label, choices=choices, validators=[DataRequired()])
        elif kind == "checkboxes" and options > 1:
            field = SelectMultipleField(label, choices=choices, widget=widgets.ListWidget(prefix_label=False),
                                        option_widget=widgets.CheckboxInput())
        elif kind == "checkboxes":
            field = BooleanField(label)
        else:
            field = {"textarea": TextAreaField, "date": DateField, "number": IntegerField, "file": FileField,
                     "password": PasswordField}.get(kind, StringField)(label, validators=[DataRequired()])
        fields[name.replace("-", "_")] = field
    return type("PageForm", (FlaskForm,), fields)


#: the form's controls in the libraries' floor: WTForms' label and widget of each field
_FORM_BODY = ("{{ form.csrf_token }}{% for field in form %}{% if field.type != 'CSRFTokenField' %}"
              "<div class=\"field\">{{ field.label }}{{ field() }}</div>{% endif %}{% endfor %}"
              "<button type=\"submit\">{{ _('Submit') }}</button>")


def create_libraries_floor(url: str, secret: str, pages: list[FloorPage]):
    """The libraries' floor (module docstring): page ``i`` at ``/floor/<i>``, as :func:`create_floor`."""
    import orjson
    import sqlalchemy as sa
    from flask import Flask, Response, abort, render_template, request
    from flask_babel import Babel, gettext
    from flask_login import LoginManager, UserMixin, current_user
    from flask_sqlalchemy import SQLAlchemy
    from flask_wtf import CSRFProtect

    app = Flask("libraries_floor")
    app.config.update(SECRET_KEY=secret, SQLALCHEMY_DATABASE_URI=url,
                      SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 5, "pool_pre_ping": False})
    db = SQLAlchemy(app)
    logins = LoginManager(app)
    Babel(app, locale_selector=lambda: request.accept_languages.best_match(["zh", "en"]) or "zh")
    CSRFProtect(app)
    by_cookie, by_token = sa.text(_USER_BY_ID), sa.text(_USER_BY_TOKEN)

    class User(UserMixin):
        def __init__(self, row):
            self.row, self.id, self.display_name = row, row.id, row.display_name

    @logins.user_loader
    def load_user(user_id: str):
        row = db.session.execute(by_cookie, {"id": int(user_id.split(":", 1)[0])}).first()
        return User(row) if row else None

    @logins.request_loader
    def load_token(asked):
        authorization = asked.headers.get("Authorization", "")
        if not authorization[7:]:
            return None
        row = db.session.execute(by_token, {"digest": _digest(authorization)}).first()
        return User(row) if row else None

    made = []
    for page in pages:
        text, form = page.template, None
        found = _form_controls(text) if text else None
        if found:
            start, end, controls = found
            text = text[:start] + "{% endraw %}" + _FORM_BODY + "{% raw %}" + text[end:]
            form = _form_class(controls)
        made.append((app.jinja_env.from_string(text) if text else None, form))

    def view(i: int):
        page, (template, form) = pages[i], made[i]
        if not current_user.is_authenticated and page.who:  # every page asks who is there, as the layout does
            abort(401)
        connection = db.session.connection()
        results = [connection.exec_driver_sql(sql, params).fetchall() for sql, params in page.statements]
        db.session.commit()  # as the product ends a transaction that only read
        rows = max(results, key=len, default=[])
        title = gettext("Home")
        if template is None:
            return Response(orjson.dumps({"items": [dict(r._mapping) for r in rows], "title": title}, default=str),
                            mimetype="application/json")
        user = current_user if page.who else None
        return render_template(template, rows=rows, user=user, form=form() if form else None, title=title)

    app.add_url_rule("/floor/<int:i>", view_func=view)
    app.add_url_rule("/up", "up", lambda: "up")
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
    make = create_libraries_floor if os.environ.get("GREENMFG_FLOOR_LIBRARIES") == "1" else create_floor
    return make(os.environ["GREENMFG_FLOOR_URL"], os.environ["GREENMFG_FLOOR_SECRET"], pages)
