"""SMS through the configured gateway: the built-in ``log`` gateway writes the text in the user's language;
an unknown gateway name stops the start and names the installed ones."""
from __future__ import annotations

import logging

import kit
import pytest
from mail_kit import settle
from sqlalchemy import select

from core.applications import services as applications
from core.config import ConfigurationError
from core.extensions import db
from core.models import ApplicationStatus as S, Notification, Role
from core.notifications import service


def test_the_log_gateway_writes_the_sms_in_the_users_language(mail_app, mailbox, caplog, monkeypatch):
    # the tests' migrations run Alembic's fileConfig (core/migrations/env.py), which disables existing loggers
    monkeypatch.setattr(logging.getLogger("core.notifications.sms"), "disabled", False)
    u, c = kit.unit("national"), kit.campaign("national", level="national")
    org = kit.organization(u, name="洞庭新材料有限公司")
    a = kit.application(c, u, org=org, status=S.SUBMITTED)
    user = kit.user(Role.APPLICANT, organization_id=org.id)
    service.save_setting(user, email=None, phone="13800000001", by_email=False, by_sms=True, language="en")
    db.session.commit()
    with caplog.at_level(logging.INFO, logger="core.notifications.sms"):
        applications.reject(a, "材料不全", "city")
        db.session.commit()
        settle(mail_app)
    sms = [r.getMessage() for r in caplog.records if r.name == "core.notifications.sms"]
    assert sms == ["SMS (gateway log) to 13800000001: The application of 洞庭新材料有限公司 (2025 national) was "
                   "rejected: 材料不全."]
    assert mailbox.received == []
    assert db.session.scalar(select(Notification.texted_at)) is not None


def test_an_unknown_sms_gateway_stops_the_start(make_app):
    with pytest.raises(ConfigurationError, match="no such SMS gateway.*installed: log"):
        make_app("national", GREENMFG_SMS_GATEWAY="nosuch")
