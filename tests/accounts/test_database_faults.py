"""A database that does not answer does not take the site down (issue 19, ASVS 4.0.3 1.14, 11.1.4).

A PostgreSQL address that accepts TCP connections but never answers (a listening socket nobody
accepts from: a black hole) makes each request wait at most the configured connect timeout, then
answer 503 with Retry-After, in Chinese and English, on the web and the API; when the database
answers again, so does the site, without a restart. A statement that runs past the statement
timeout is cancelled the same way.
"""
from __future__ import annotations

import socket
import time

import pytest
import sqlalchemy as sa


@pytest.fixture
def black_hole():
    """A TCP port that completes the handshake (the kernel does) but never says a word."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    yield sock.getsockname()[1]
    sock.close()


def test_a_black_holed_database_answers_503_within_the_timeout(black_hole, pg_database):
    from core import create_app

    pg_database.reset()
    url = sa.engine.make_url(pg_database.url)
    dead = url.set(host="127.0.0.1", port=black_hole).render_as_string(hide_password=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": dead, "SECRET_KEY": "x", "TESTING": True,
                      "GREENMFG_REGION": "hubei", "GREENMFG_DB_CONNECT_TIMEOUT": 1,
                      "GREENMFG_RATELIMIT_ENABLED": False})
    client = app.test_client()
    started = time.monotonic()
    page = client.get("/lists", follow_redirects=True)
    web_seconds = time.monotonic() - started
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    text = page.get_data(as_text=True)
    assert "数据库暂时没有响应" in text and "The database is not answering" in text
    started = time.monotonic()
    api = client.get("/api/v1/lists")
    assert api.status_code == 503 and time.monotonic() - started < 5 and web_seconds < 5
    body = api.get_json()
    assert "数据库暂时没有响应" in body["message"] and "not answering" in body["message"]

    # the database comes back (same app, no restart): the site answers again
    app.config["SQLALCHEMY_DATABASE_URI"] = pg_database.url
    with app.app_context():
        from core.extensions import db

        db.engine.dispose()
    app2 = create_app({"SQLALCHEMY_DATABASE_URI": pg_database.url, "SECRET_KEY": "x", "TESTING": True,
                       "GREENMFG_REGION": "hubei", "GREENMFG_RATELIMIT_ENABLED": False})
    assert app2.test_client().get("/lists", follow_redirects=True).status_code == 200


def test_a_statement_past_the_statement_timeout_is_cancelled(pg_database):
    from core import create_app
    from core.extensions import db

    pg_database.reset()
    app = create_app({"SQLALCHEMY_DATABASE_URI": pg_database.url, "SECRET_KEY": "x", "TESTING": True,
                      "GREENMFG_REGION": "hubei", "GREENMFG_DB_STATEMENT_TIMEOUT": 0.5})
    with app.app_context():
        started = time.monotonic()
        with pytest.raises(sa.exc.OperationalError, match="statement timeout"):
            db.session.execute(sa.text("SELECT pg_sleep(5)"))
        assert time.monotonic() - started < 3
        db.session.rollback()
        db.engine.dispose()
