"""The inbox and the settings pages: a user's own messages in Chinese and English, the unread count in the
navigation, reading and marking read, someone else's message is 404, settings checked and kept per user."""
from __future__ import annotations

import re

import kit
import mgmt_world as world
from mail_kit import settle
from flask import g
from sqlalchemy import select

from core.applications import services as applications
from core.extensions import db
from core.models import ApplicationStatus as S, AuditLog, Notification, NotificationSetting


def _web(app, username: str):
    """A signed-in client whose requests also forget the language Flask-Babel keeps in ``g`` (the test's
    app context is shared by its requests)."""
    client = world.web(app, username)
    inner = client.client

    class _Fresh:
        def __getattr__(self, name):
            def call(*args, **kwargs):
                g.pop("_flask_babel", None)
                return getattr(inner, name)(*args, **kwargs)
            return call
    client.client = _Fresh()
    return client


def _visible(page: str) -> str:
    return re.sub(r"<[^>]+>", " ", page.split("<main>")[1].split("</main>")[0])


def _two_messages(app):
    """The city rejects two applications of one unit (two messages for its applicant) and one of another."""
    u, c = kit.unit("national", name="株洲市"), kit.campaign("national", level="national")
    org = kit.organization(u, name="株洲轨道绿色制造有限公司")
    mine = world.user("applicant", "ent-a", organization_id=org.id)
    their_org = kit.organization(u, name="另一家企业有限公司")
    theirs = world.user("applicant", "ent-b", organization_id=their_org.id)
    first = kit.application(c, u, org=org, status=S.SUBMITTED)
    second = kit.application(c, u, org=org, unit_type="park", status=S.SUBMITTED)
    other = kit.application(c, u, org=their_org, status=S.SUBMITTED)
    db.session.commit()
    for a in (first, second, other):
        applications.reject(a, "申报材料不全", "city")
    db.session.commit()
    settle(app)
    return mine, theirs, first


def test_inbox_in_chinese_and_english_with_the_unread_count(mail_app):
    mine, theirs, first = _two_messages(mail_app)
    client = _web(mail_app, "ent-a")
    page = client.get("/inbox?lang=zh").get_data(as_text=True)
    assert page.count("株洲轨道绿色制造有限公司：申报未予通过") == 2 and "申报材料不全" in page
    assert 'id="nav-inbox">消息中心 <span class="count">2</span></a>' in page
    assert not re.search(r"[A-Za-z]{3,}", _visible(page))  # no English word on the Chinese page
    english = client.get("/inbox?lang=en").get_data(as_text=True)
    assert english.count("株洲轨道绿色制造有限公司: application rejected") == 2
    assert 'id="nav-inbox">Inbox <span class="count">2</span></a>' in english
    assert not re.search(r"[\u4e00-\u9fff]", _visible(english).replace("株洲轨道绿色制造有限公司", "")
                         .replace("申报材料不全", ""))  # only the unit's name and the city's reason stay Chinese

    row = db.session.scalars(select(Notification).where(Notification.user_id == mine.id)
                             .order_by(Notification.id)).first()
    shown = client.get(f"/inbox/{row.id}?lang=en").get_data(as_text=True)
    assert f'href="/applications/{first.id}"' in shown and "Go to the page" in shown
    assert '<span class="count">1</span>' in shown  # reading it marked it read
    assert client.post("/inbox/read-all").status_code == 302
    page = client.get("/inbox?lang=zh").get_data(as_text=True)
    assert 'id="nav-inbox">消息中心</a>' in page and "全部标为已读" not in page
    assert db.session.scalar(select(AuditLog.data).where(AuditLog.action == "notification.all_read")) == {"count": 1}


def test_someone_elses_message_is_404(mail_app):
    mine, theirs, _ = _two_messages(mail_app)
    theirs_row = db.session.scalar(select(Notification).where(Notification.user_id == theirs.id))
    client = _web(mail_app, "ent-a")
    assert client.get(f"/inbox/{theirs_row.id}").status_code == 404
    assert client.post(f"/inbox/{theirs_row.id}/read").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, theirs_row.id).read_at is None
    assert "另一家企业有限公司" not in client.get("/inbox").get_data(as_text=True)


def test_settings_are_the_users_own_and_checked(mail_app):
    u = kit.unit("national")
    world.user("applicant", "ent-c", organization_id=kit.organization(u).id)
    db.session.commit()
    client = _web(mail_app, "ent-c")
    page = client.get("/inbox/settings?lang=en").get_data(as_text=True)
    assert "Send me each message by e-mail" in page
    refused = client.post("/inbox/settings?lang=en", data={"email": "", "by_email": "y", "language": ""})
    assert refused.status_code == 422 and "Give an e-mail address" in refused.get_data(as_text=True)
    refused = client.post("/inbox/settings?lang=zh", data={"email": "不是邮箱", "language": ""})
    assert refused.status_code == 422 and "这不是有效的电子邮箱地址。" in refused.get_data(as_text=True)
    assert db.session.scalar(select(NotificationSetting)) is None  # nothing saved on a refusal
    saved = client.post("/inbox/settings", data={"email": "c@example.cn", "by_email": "y", "language": "en"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/inbox")
    row = db.session.scalar(select(NotificationSetting))
    assert (row.email, row.by_email, row.by_sms, row.language) == ("c@example.cn", True, False, "en")
