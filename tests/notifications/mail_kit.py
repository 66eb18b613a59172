"""A real SMTP server (aiosmtpd) on a free localhost port, and waiting for the jobs that send to it."""
from __future__ import annotations

import email
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy

from aiosmtpd.controller import Controller

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


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server on a free localhost port; what it receives is in the yielded mailbox (``.port``)."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    try:
        yield box
    finally:
        controller.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]



def settle(app, mailbox: Mailbox | None = None, expected: int = 0) -> None:
    """Wait until the background jobs are done and the server holds ``expected`` e-mails."""
    app.extensions["greenmfg_jobs"].wait(30)
    deadline = time.monotonic() + 5
    while mailbox is not None and len(mailbox.received) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
