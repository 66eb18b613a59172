"""Notifications (issue 20): an in-app inbox, e-mail and SMS for every state change that concerns a user.

A feature above all others that no feature imports: it listens to the audit log. The rules
(:mod:`core.notifications.rules`) say who each audited action concerns and what they are told; the
service (:mod:`core.notifications.service`) turns committed audit rows into inbox rows in a background
job and queues the e-mails (:mod:`core.notifications.mail`) and SMS (:mod:`core.notifications.sms`, a
plugin point) in each recipient's language.
"""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

CONFIG_DEFAULTS: dict[str, Any] = {
    #: where the links in e-mails point (the instance's public address)
    "GREENMFG_BASE_URL": "http://127.0.0.1:5000/",
    "GREENMFG_SMTP_HOST": None,
    "GREENMFG_SMTP_PORT": 25,
    "GREENMFG_SMTP_USER": None,
    "GREENMFG_SMTP_PASSWORD": None,
    "GREENMFG_SMTP_STARTTLS": False,
    "GREENMFG_SMTP_FROM": "greenmfg@localhost",
    "GREENMFG_SMTP_TIMEOUT": 30,
    "GREENMFG_SMS_GATEWAY": "log",
}


def init_app(app: Flask) -> None:
    """Register the jobs, the audit-log listener, the pages and the inbox link (before ``jobs.init_app``)."""
    from core.accounts import read_with_user
    from core.accounts.registration import on_registration
    from core.notifications import jobs, service, sms, views  # noqa: F401  (jobs registers the delivery jobs)
    from core.web.nav import NavLink, register

    for key, value in CONFIG_DEFAULTS.items():
        app.config.setdefault(key, value)
    app.extensions["greenmfg_sms"] = sms.load(str(app.config["GREENMFG_SMS_GATEWAY"]), app.config)
    service.install()
    on_registration(app, service.registered)  # issue 48: the address and choices a registration gives
    read_with_user(app, "unread", lambda user_id: [service.unread_of(user_id)])  # the header's number
    app.register_blueprint(views.bp)
    register(app, NavLink(endpoint="notifications.inbox", label=_l("Inbox"), order=85, element_id="nav-inbox",
                          count=service.unread_count))
