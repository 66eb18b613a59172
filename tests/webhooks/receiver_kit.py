"""A real webhook receiver for the tests: an HTTP server on a free loopback port, in a thread, that keeps every
request (headers and raw body) and answers 500 to the first delivery of the kinds it is told to fail once."""
from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int

    @property
    def kind(self) -> str:
        return json.loads(self.body)["kind"]


@dataclass
class Receiver:
    url: str
    fail_once: set[str] = field(default_factory=set)
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextlib.contextmanager
def receiver(fail_once: set[str] | None = None) -> Iterator[Receiver]:
    box = Receiver(url="", fail_once=set(fail_once or ()))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            kind = json.loads(body).get("kind")
            with box.lock:
                code = 500 if kind in box.fail_once else 200
                box.fail_once.discard(kind)
                box.requests.append(Received({k.lower(): v for k, v in self.headers.items()}, body, code))
            self.send_response(code)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if code == 200 else b"receiver busy")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box.url = f"http://127.0.0.1:{server.server_address[1]}/greenmfg-events"
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="webhook-receiver")
    thread.start()
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()
