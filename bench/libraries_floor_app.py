"""W5's second peer (issue 57): the product's libraries without the product. What a worker of the product holds
beyond a bare Flask worker is the libraries it imports (SQLAlchemy, psycopg, redis-py, marshmallow, flask-smorest,
Babel, WTForms, …) plus its own code and data (models, mappers, schemas, rules, templates, the URL map). This app
measures the first part alone: it imports every module outside ``core`` and ``plugins`` that a product
process holds after signing in and asking the W1 pages, then serves one page with what every page of the product
does at least: a signed session cookie, a Redis round trip, 50 applications read through Flask-SQLAlchemy and a
Jinja template.

    python bench/libraries_floor_app.py OUT SPEC  # in the product's environment: the module names written to OUT
    GREENMFG_FLOOR_MODULES=OUT GREENMFG_DATABASE_URL=… gunicorn 'bench.libraries_floor_app:served()'
"""
from __future__ import annotations

import importlib
import os
import re
import sys
from pathlib import Path

#: the product's own packages, and this script (run as ``__main__``)
OWN = ("core", "plugins", "__main__")
PAGE = ("<!doctype html><html><body><table>{% for row in rows %}<tr><td>{{ row.id }}</td>"
        "<td>{{ row.organization_name }}</td><td>{{ row.status }}</td></tr>{% endfor %}</table></body></html>")


def served():
    """The floor app for gunicorn: the recorded modules imported, then one page."""
    for name in Path(os.environ["GREENMFG_FLOOR_MODULES"]).read_text().split():
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module that imports only inside its package's own start (a test helper)
            pass
    import redis
    import sqlalchemy as sa
    from flask import Flask, render_template_string, session
    from flask_sqlalchemy import SQLAlchemy

    app = Flask("libraries_floor")
    app.config.update(SQLALCHEMY_DATABASE_URI=os.environ["GREENMFG_DATABASE_URL"],
                      SECRET_KEY=os.environ.get("GREENMFG_SECRET_KEY", "floor"))
    db = SQLAlchemy(app)
    kept = redis.Redis.from_url(os.environ.get("GREENMFG_REDIS_URL", "redis://127.0.0.1:6379/0"))
    query = sa.text("SELECT id, organization_name, status FROM application ORDER BY id LIMIT 50")

    @app.get("/")
    def page():
        session["seen"] = session.get("seen", 0) + 1
        kept.get("greenmfg:floor")
        return render_template_string(PAGE, rows=db.session.execute(query).all())

    return app


def record(out: str, password: str, tokens: dict[str, str], pages: list[tuple[str | None, str, bool]]) -> int:
    """In the product's environment: make the app, sign each page's user in through the form (or give the API its
    token), ask ``pages`` (who, path, with the API token), and write the names of the modules loaded that are not
    the product's own to ``out``; the number of names."""
    from core import create_app

    app = create_app()
    clients = {}
    for who, path, api in pages:
        client = clients.get((who, api))
        if client is None:
            client = clients[(who, api)] = app.test_client()
            if who and not api:
                html = client.get("/login").get_data(as_text=True)
                csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
                answer = client.post("/login", data={"username": who, "password": password, "csrf_token": csrf})
                assert answer.status_code in (302, 303), (who, answer.status_code)
        headers = {"Authorization": f"Bearer {tokens[who]}"} if who and api else {}
        assert client.get(path, headers=headers).status_code == 200, path
    names = sorted(n for n in sys.modules if n.split(".")[0] not in OWN)
    Path(out).write_text("\n".join(names) + "\n")
    return len(names)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import json

    spec = json.loads(sys.argv[2])  # {"password", "tokens", "pages"}: what bench/bench_memory.py asks
    print(record(sys.argv[1], spec["password"], spec["tokens"], [tuple(p) for p in spec["pages"]]))
