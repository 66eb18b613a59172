"""Sending one plain-text e-mail through SMTP (stdlib ``smtplib``), configured by ``GREENMFG_SMTP_HOST``,
``_PORT``, ``_USER``, ``_PASSWORD``, ``_STARTTLS`` and ``_FROM``. Without a host (the demo) the message is
logged instead. A failure raises: the e-mail job retries it with back-off."""
from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

log = logging.getLogger(__name__)


def configured() -> bool:
    return bool(current_app.config.get("GREENMFG_SMTP_HOST"))


def send(to: str, subject: str, text: str) -> bool:
    """Send; ``False`` when no SMTP server is configured (the message went to the log)."""
    config = current_app.config
    if not configured():
        log.info("e-mail (no GREENMFG_SMTP_HOST) to %s: %s\n%s", to, subject, text)
        return False
    message = EmailMessage()
    sender = config.get("GREENMFG_SMTP_FROM") or "greenmfg@localhost"
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"], message["Message-ID"] = formatdate(localtime=True), make_msgid(domain=sender.rpartition("@")[2])
    message.set_content(text)
    with smtplib.SMTP(config["GREENMFG_SMTP_HOST"], int(config.get("GREENMFG_SMTP_PORT") or 25),
                      timeout=float(config.get("GREENMFG_SMTP_TIMEOUT") or 30)) as smtp:
        if config.get("GREENMFG_SMTP_STARTTLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("GREENMFG_SMTP_USER"):
            smtp.login(config["GREENMFG_SMTP_USER"], config.get("GREENMFG_SMTP_PASSWORD") or "")
        smtp.send_message(message)
    return True
