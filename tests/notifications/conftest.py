"""A real SMTP server (aiosmtpd) on a free localhost port, and an app that sends its e-mails there."""
from __future__ import annotations

import email
import socket
import sys
import time
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "management"))  # mgmt_world.py

BASE_URL = "https://greenmfg.example.cn/"


class Mailbox:
    """What the SMTP server received: ``(envelope recipients, parsed message)``."""

    def __init__(self):
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content,
                                                                                 policy=policy.default)))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for rcpt, m in self.received if address in rcpt]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture
def mail_app(make_app, mailbox, request):
    """The app of the test's region (``@pytest.mark.region``, default national), sending to ``mailbox``."""
    marker = request.node.get_closest_marker("region")
    app = make_app(marker.args[0] if marker else "national", GREENMFG_SMTP_HOST="127.0.0.1",
                   GREENMFG_SMTP_PORT=mailbox.port, GREENMFG_SMTP_FROM="noreply@greenmfg.example.cn",
                   GREENMFG_BASE_URL=BASE_URL)
    with app.app_context():
        yield app


def settle(app, mailbox: Mailbox | None = None, expected: int = 0) -> None:
    """Wait until the background jobs are done and the server holds ``expected`` e-mails."""
    app.extensions["greenmfg_jobs"].wait(30)
    deadline = time.monotonic() + 5
    while mailbox is not None and len(mailbox.received) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
