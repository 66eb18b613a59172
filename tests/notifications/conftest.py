"""A real SMTP server (aiosmtpd) on a free localhost port, and an app that sends its e-mails there."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # mail_kit.py
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "management"))  # mgmt_world.py

from mail_kit import BASE_URL, smtp_server  # noqa: E402


@pytest.fixture
def mailbox():
    with smtp_server() as box:
        yield box


@pytest.fixture
def mail_app(make_app, mailbox, request):
    """The app of the test's region (``@pytest.mark.region``, default national), sending to ``mailbox``."""
    marker = request.node.get_closest_marker("region")
    app = make_app(marker.args[0] if marker else "national", GREENMFG_SMTP_HOST="127.0.0.1",
                   GREENMFG_SMTP_PORT=mailbox.port, GREENMFG_SMTP_FROM="noreply@greenmfg.example.cn",
                   GREENMFG_BASE_URL=BASE_URL)
    with app.app_context():
        yield app
