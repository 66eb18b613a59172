"""Issue 48: registration never asked for an e-mail address, so no applicant got mail unless it found the settings
page. The form now asks for one (optional) and for the applicant's notification choices; the address receives a
signed, expiring link (itsdangerous) and is used once the link is opened. An expired or altered link is refused, in
Chinese and English. A withdrawn recommendation then reaches the applicant by e-mail too (the rule of issue 42)."""
from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "notifications"))  # mail_kit.py
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py

import kit  # noqa: E402
from mail_kit import BASE_URL, settle, smtp_server  # noqa: E402

from core.extensions import db  # noqa: E402
from core.models import ApplicationStatus as S, AuditLog, NotificationSetting, Organization, User  # noqa: E402

PASSWORD = "橘子洲头的晚霞-2025-绿色"


@pytest.fixture
def mailbox():
    with smtp_server() as box:
        yield box


@pytest.fixture
def mail_app(make_app, mailbox):
    app = make_app("national", GREENMFG_SMTP_HOST="127.0.0.1", GREENMFG_SMTP_PORT=mailbox.port,
                   GREENMFG_SMTP_FROM="noreply@greenmfg.example.cn", GREENMFG_BASE_URL=BASE_URL,
                   WTF_CSRF_ENABLED=False)
    with app.app_context():  # each request gets its own context (and so its own language)
        app.unit_code = kit.unit("national", name="长沙市").code
        db.session.commit()
    return app


def _register(app, username: str, path: str = "/register", **extra):
    form = {"uscc": kit.uscc(), "org_name": f"{username}绿色制造有限公司", "admin_unit": app.unit_code,
            "display_name": "周敏", "username": username, "password": PASSWORD, "password2": PASSWORD, **extra}
    return app.test_client().post(path, data=form), form


def _setting(app, username: str) -> dict | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        row = db.session.scalar(select(NotificationSetting).where(NotificationSetting.user_id == user.id))
        return None if row is None else {"email": row.email, "by_email": row.by_email, "language": row.language}


def _link(message) -> str:
    found = re.search(re.escape(BASE_URL) + r"(inbox/verify/\S+)", message.get_content())
    assert found, message.get_content()
    return "/" + found.group(1)


def test_registration_without_an_address_sends_nothing(mail_app, mailbox):
    r, _ = _register(mail_app, "firm_plain")
    assert r.status_code == 302, re.findall(r'class="error[^>]*>([^<]*)', r.get_data(as_text=True))
    settle(mail_app)
    assert mailbox.received == [] and _setting(mail_app, "firm_plain") is None


def test_a_malformed_address_refuses_the_registration_in_both_languages(mail_app, mailbox):
    zh, _ = _register(mail_app, "firm_typo", email="zhou@@example")
    en, _ = _register(mail_app, "firm_typo", path="/register?lang=en", email="zhou@@example")
    assert zh.status_code == en.status_code == 422
    assert "这不是有效的电子邮箱地址" in zh.get_data(as_text=True)
    assert "This is not an e-mail address." in en.get_data(as_text=True)
    with mail_app.app_context():
        assert db.session.scalar(select(User).where(User.username == "firm_typo")) is None  # nothing was kept
    settle(mail_app)
    assert mailbox.received == []


def test_the_link_verifies_the_address_and_the_withdrawal_then_reaches_it(mail_app, mailbox):
    r, form = _register(mail_app, "firm_mail", email="zhou@example.cn", by_email="y", language="en")
    assert r.status_code == 302
    settle(mail_app, mailbox, 1)
    message, = mailbox.to("zhou@example.cn")
    assert message["Subject"] == "Confirm your e-mail address"  # in the language chosen
    assert "firm_mail绿色制造有限公司" in message.get_content() and "72 hours" in message.get_content()
    pending = _setting(mail_app, "firm_mail")
    assert pending["language"] == "en" and pending["email"] is None  # nothing is sent there before the link is opened

    page = mail_app.test_client().get(_link(message))
    assert page.status_code == 200 and "zhou@example.cn" in page.get_data(as_text=True)
    assert _setting(mail_app, "firm_mail") == {"email": "zhou@example.cn", "by_email": True, "language": "en"}
    from core.applications import services as applications

    with mail_app.app_context():
        assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "notification.email_verified"))
        org = db.session.scalar(select(Organization).where(Organization.uscc == form["uscc"]))
        a = kit.application(kit.campaign("national", level="national"), org.admin_unit, org=org,
                            status=S.CITY_RECOMMENDED)
        db.session.commit()
        applications.withdraw_recommendation(a, "材料需补充核实", "city")
        db.session.commit()
    settle(mail_app, mailbox, 2)
    told = [m for m in mailbox.to("zhou@example.cn") if "withdrawn" in m["Subject"]]
    assert len(told) == 1 and told[0]["Subject"] == "firm_mail绿色制造有限公司: recommendation withdrawn"
    assert "材料需补充核实" in told[0].get_content()


def test_an_unchecked_choice_keeps_the_address_without_mail(mail_app, mailbox):
    r, _ = _register(mail_app, "firm_quiet", email="quiet@example.cn")  # the box left unticked
    assert r.status_code == 302
    settle(mail_app, mailbox, 1)
    message, = mailbox.to("quiet@example.cn")
    assert message["Subject"] == "请确认您的电子邮箱地址"  # the account's language
    assert mail_app.test_client().get(_link(message)).status_code == 200
    assert _setting(mail_app, "firm_quiet") == {"email": "quiet@example.cn", "by_email": False, "language": None}


def test_an_expired_or_altered_link_is_refused_in_both_languages(mail_app, mailbox):
    r, _ = _register(mail_app, "firm_late", email="late@example.cn", by_email="y")
    assert r.status_code == 302
    settle(mail_app, mailbox, 1)
    link = _link(mailbox.to("late@example.cn")[0])
    client = mail_app.test_client()
    forged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    zh, en = client.get(forged + "?lang=zh"), client.get(forged + "?lang=en")
    assert zh.status_code == en.status_code == 400
    assert "此链接无效" in zh.get_data(as_text=True) and "This link is not valid." in en.get_data(as_text=True)
    with time_machine.travel(dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=73), tick=False):
        zh, en = client.get(link + "?lang=zh"), client.get(link + "?lang=en")
    assert zh.status_code == en.status_code == 400
    assert "此链接已过期" in zh.get_data(as_text=True) and "This link has expired." in en.get_data(as_text=True)
    assert _setting(mail_app, "firm_late") is None  # never verified: no address on file
    with time_machine.travel(dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=71), tick=False):
        assert client.get(link).status_code == 200  # within 72 hours it still works


def test_a_link_works_once_and_only_the_newest_one(mail_app, mailbox):
    """Issue 55: the link could be replayed for 72 hours and set the address it names back after the applicant
    had changed it. Now its first use is its last (the audit log's ``notification.email_verified`` names it),
    and a newer link sent to the account stops the older ones; refused in Chinese and English, the address kept."""
    from core.notifications import service

    r, _ = _register(mail_app, "firm_once", email="old@example.cn", by_email="y")
    assert r.status_code == 302
    settle(mail_app, mailbox, 1)
    link = _link(mailbox.to("old@example.cn")[0])
    client = mail_app.test_client()
    assert client.get(link).status_code == 200
    assert _setting(mail_app, "firm_once")["email"] == "old@example.cn"
    with mail_app.app_context():  # the applicant then gives another address in its settings
        user = db.session.scalar(select(User).where(User.username == "firm_once"))
        service.save_setting(user, email="new@example.cn", phone=None, by_email=True, by_sms=False, language=None)
        db.session.commit()
    zh, en = client.get(link + "?lang=zh"), client.get(link + "?lang=en")  # the old mail's link, replayed
    assert zh.status_code == en.status_code == 400
    assert "此链接已使用过" in zh.get_data(as_text=True)
    assert "This link has already been used." in en.get_data(as_text=True)
    assert _setting(mail_app, "firm_once")["email"] == "new@example.cn"  # not set back

    with mail_app.app_context():  # two links sent one after the other: the first stops working
        user = db.session.scalar(select(User).where(User.username == "firm_once"))
        service.registered(user, {"email": "first@example.cn", "by_email": True})
        db.session.commit()
    settle(mail_app, mailbox, 2)
    with mail_app.app_context():
        user = db.session.scalar(select(User).where(User.username == "firm_once"))
        service.registered(user, {"email": "second@example.cn", "by_email": True})
        db.session.commit()
    settle(mail_app, mailbox, 3)
    first, second = _link(mailbox.to("first@example.cn")[0]), _link(mailbox.to("second@example.cn")[0])
    r = client.get(first + "?lang=zh")
    assert r.status_code == 400 and "只有最新的链接有效" in r.get_data(as_text=True)
    assert client.get(second).status_code == 200
    assert _setting(mail_app, "firm_once")["email"] == "second@example.cn"
    with mail_app.app_context():
        used = db.session.scalars(select(AuditLog).where(AuditLog.action == "notification.email_verified")).all()
        assert len(used) == 2 and all(second.split("/")[-1] not in str(a.data) for a in used)  # digests only
