"""A database that does not answer does not take the site down (issue 19), on PostgreSQL.

The app talks to PostgreSQL through a small TCP relay on this machine. While the relay black-holes
(it accepts connections and forwards nothing, as a dead network path does), each request waits at
most the configured connect timeout, then answers 503 with Retry-After, in Chinese and English, on the
web and the API. When the relay forwards again, the same running app answers normally at the next
request, without a restart (the pool checks connections before use). A statement that runs past the
statement timeout is cancelled the same way.
"""
from __future__ import annotations

import socket
import threading
import time

import pytest
import sqlalchemy as sa


class Relay:
    """Forwards 127.0.0.1:<port> to the database; ``blocked`` holds new connections without a word."""

    def __init__(self, target: tuple[str, int]):
        self.target, self.blocked, self.held = target, False, []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.open = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self.open:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            if self.blocked:
                self.held.append(client)  # never answered: the black hole
                continue
            upstream = socket.create_connection(self.target)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.open = False
        self.sock.close()
        for s in self.held:
            s.close()


@pytest.fixture
def relay(pg_database):
    pg_database.reset()
    url = sa.engine.make_url(pg_database.url)
    r = Relay((url.host or "127.0.0.1", url.port or 5432))
    yield r, url.set(host="127.0.0.1", port=r.port).render_as_string(hide_password=False)
    r.close()


def test_a_black_holed_database_answers_503_within_the_timeout_and_the_site_recovers(relay):
    from core import create_app

    r, url = relay
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True,
                      "GREENMFG_REGION": "hubei", "GREENMFG_DB_CONNECT_TIMEOUT": 1,
                      "GREENMFG_RATELIMIT_ENABLED": False, "GREENMFG_MFA_ROLES": []})
    client = app.test_client()
    assert client.get("/lists", follow_redirects=True).status_code == 200  # the database answers
    with app.app_context():
        from core.extensions import db

        db.engine.dispose()  # the open connections die with the path, as after a network failure
    r.blocked = True
    started = time.monotonic()
    page = client.get("/lists", follow_redirects=True)
    web_seconds = time.monotonic() - started
    assert page.status_code == 503 and page.headers["Retry-After"] == "30" and web_seconds < 5
    text = page.get_data(as_text=True)
    assert "数据库暂时没有响应" in text and "The database is not answering" in text
    started = time.monotonic()
    api = client.get("/api/v1/lists")
    assert api.status_code == 503 and time.monotonic() - started < 5
    body = api.get_json()
    assert body["code"] == "service_unavailable" and api.headers["Retry-After"] == "30"
    assert "数据库暂时没有响应" in body["message_zh"] and "not answering" in body["message_en"]

    r.blocked = False  # the path comes back: the same app answers again, no restart
    assert client.get("/lists", follow_redirects=True).status_code == 200
    assert client.get("/api/v1/lists").status_code == 200
    with app.app_context():
        db.engine.dispose()


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
