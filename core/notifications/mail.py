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


def probe(timeout: float = 10.0) -> str:
    """Connect to the configured SMTP server, greet it, start TLS and sign in as the settings say, send nothing
    (``greenmfg check``); the server's greeting. Raises what the connection raised."""
    config = current_app.config
    with smtplib.SMTP(config["GREENMFG_SMTP_HOST"], int(config.get("GREENMFG_SMTP_PORT") or 25),
                      timeout=timeout) as smtp:
        code, greeting = smtp.ehlo()
        if config.get("GREENMFG_SMTP_STARTTLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("GREENMFG_SMTP_USER"):
            smtp.login(config["GREENMFG_SMTP_USER"], config.get("GREENMFG_SMTP_PASSWORD") or "")
    return f"{config['GREENMFG_SMTP_HOST']}:{int(config.get('GREENMFG_SMTP_PORT') or 25)} answers ({code})"


def send_test(to: str) -> None:
    """One e-mail that says it is a test, through the configured SMTP server (``greenmfg mail test``): what a
    deployer sends once the settings are in place. Raises what sending raised; refuses without a server."""
    from core.errors import InvalidInput, Refused

    address = (to or "").strip()
    if "@" not in address or any(c.isspace() for c in address) or len(address) > 254:
        raise InvalidInput("Give an e-mail address.", field="address")
    if not configured():
        raise Refused("No SMTP server is configured (GREENMFG_SMTP_HOST): e-mails go to the log.")
    base = current_app.config.get("GREENMFG_BASE_URL") or ""
    send(address, "greenmfg 测试邮件 / test e-mail",
         "这是绿色制造名单管理平台发出的测试邮件，无需回复。\n"
         "This is a test e-mail from the green manufacturing list platform; no reply is needed.\n\n" + base)
