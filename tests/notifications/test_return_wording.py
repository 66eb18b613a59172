"""What an applicant reads after a city returns its application (issue 42, words found on the walk):

* a reason the city ends with its own full stop was stopped twice in the message that quotes it
  ("…请修改：请补充能源审计报告。。请于…");
* 操作记录 named the people who acted by their log-in names (city_ezhou) instead of their names (鄂州市经信局); an
  administrator, who looks after the accounts, sees the log-in name beside the name.

Hubei (seed 002_9c75e1d2ebfbdf50.txt 三(四): 市级经信部门…进行初审，并出具推荐意见), a city's return for correction.
"""
from __future__ import annotations

import datetime as dt
import re

import kit
import pytest
from mail_kit import settle
from sqlalchemy import select

from core.accounts import services as accounts
from core.applications import services as applications
from core.clock import now
from core.extensions import db
from core.models import ApplicationStatus as S, Notification, Role, User

PASSWORD = "退回修改测试口令-2026-鄂州"
REASON = "请补充能源审计报告。"


def _client(app, username: str):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return client


def _text(page: str) -> str:
    return re.sub(r"<[^>]+>", "", page.split("<main>")[1].split("</main>")[0])


@pytest.mark.region("hubei")
def test_a_returned_applicant_reads_one_stop_and_the_city_s_name(mail_app):
    app = mail_app
    app.config["WTF_CSRF_ENABLED"] = False
    u, c = kit.unit("hubei", name="鄂州市"), kit.campaign("hubei", year=2026, level="provincial")
    org = kit.organization(u, name="鄂州绿色电机有限公司")
    a = kit.application(c, u, org=org, status=S.SUBMITTED)
    for username, name, role, bind in (("ent_ezhou", org.name, Role.APPLICANT, {"organization_id": org.id}),
                                       ("city_ezhou", "鄂州市经信局", Role.CITY, {"admin_unit_id": u.id}),
                                       ("admin_hb", "系统管理员", Role.ADMIN, {})):
        accounts.create_user(username=username, password=PASSWORD, display_name=name, role=role, actor="test", **bind)
    db.session.commit()
    applications.return_for_correction(a, REASON, now() + dt.timedelta(days=7), "city_ezhou")
    db.session.commit()
    settle(app)
    app_id = a.id
    applicant_id = db.session.scalar(select(User.id).where(User.username == "ent_ezhou"))
    message = db.session.scalar(select(Notification).where(Notification.user_id == applicant_id))

    applicant = _client(app, "ent_ezhou")
    for url in (f"/inbox/{message.id}?lang=zh", "/inbox?lang=zh", f"/applications/{app_id}?lang=zh"):
        page = _text(applicant.get(url).get_data(as_text=True))
        assert "请补充能源审计报告" in page, url
        assert "。。" not in page, (url, page[page.find("。。") - 80:page.find("。。") + 20])
    shown = _text(applicant.get(f"/inbox/{message.id}?lang=zh").get_data(as_text=True))
    assert "请修改：请补充能源审计报告。请于" in shown, shown

    # 操作记录: the city by its name; only the administrator sees the log-in name beside it
    history = applicant.get(f"/applications/{app_id}?lang=zh").get_data(as_text=True)
    rows = re.search(r"<h2>操作记录</h2>.*?</table>", history, re.DOTALL).group(0)
    assert "鄂州市经信局" in rows and "city_ezhou" not in rows, rows

    from flask_login import login_user

    from core.web.names import recorded_by

    with app.test_request_context("/?lang=zh"):
        login_user(db.session.scalar(select(User).where(User.username == "admin_hb")))
        assert recorded_by("city_ezhou") == "鄂州市经信局（city_ezhou）"
    with app.test_request_context("/?lang=zh"):
        login_user(db.session.scalar(select(User).where(User.username == "ent_ezhou")))
        assert recorded_by("city_ezhou") == "鄂州市经信局"
