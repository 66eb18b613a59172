"""Issue 42: no one was told when an applicant was graded or put on notice, when an objection was received, or when
a recommendation was withdrawn. Each of these audited changes now reaches the people it concerns, in Chinese and
English: the unit's applicants (and, for an objection, its city; for a withdrawal, the province). A region without
grades (Hubei, seed 002 prescribes none) is told its panel score, never "grade —".
"""
from __future__ import annotations

import datetime as dt

import pytest

import kit
import mgmt_world as world
from flask_babel import force_locale
from mail_kit import settle
from sqlalchemy import select

from core.applications import services as applications
from core.extensions import db
from core.models import ApplicationStatus as S, Notification, NoticeItem, PublicNotice
from core.notifications.messages import render
from core.services import audit


def _texts(user_id: int) -> dict[str, tuple[tuple[str, str], tuple[str, str]]]:
    out = {}
    for n in db.session.scalars(select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)):
        with force_locale("zh"):
            zh = render(n)
        with force_locale("en"):
            en = render(n)
        out.setdefault(n.action, []).append((zh, en))
    return out


def test_graded_in_notice_objection_and_withdrawal_are_told(mail_app):
    u, c = kit.unit("national", name="株洲市"), kit.campaign("national", level="national")
    org = kit.organization(u, name="株洲轨道绿色制造有限公司")
    ent = world.user("applicant", "ent-z", organization_id=org.id)
    city = world.user("city", "city-z", admin_unit_id=u.id)
    province = world.user("province", "prov-z")
    a = kit.application(c, u, org=org, status=S.CITY_RECOMMENDED)
    db.session.commit()
    applications.withdraw_recommendation(a, "材料需补充核实", "city-z")
    audit.record("province", "review.graded", "application", a.id, score=82.5, tier="A")
    audit.record("province", "review.graded", "application", a.id, score=67.0, tier=None)
    notice = PublicNotice(region="national", level="national", year=c.year, title="公示", starts_on=dt.date(2026, 11, 20),
                          ends_on=dt.date(2026, 12, 4), period_days=15, period_count="calendar", period_source="national",
                          opened_by="province")
    db.session.add(notice)
    db.session.flush()
    item = NoticeItem(notice_id=notice.id, application_id=a.id, organization_id=org.id, unit_type="factory")
    db.session.add(item)
    db.session.flush()
    audit.record("province", "notice.application_in_notice", "application", a.id, notice=notice.id)
    audit.record("public:张三", "notice.objection_filed", "public_notice", notice.id, objection=1, item=item.id,
                 application=a.id)
    db.session.commit()
    settle(mail_app)

    mine = _texts(ent.id)
    (zh, en), = mine["application.recommendation_withdrawn"]
    assert zh[0] == "株洲轨道绿色制造有限公司：推荐已撤回" and "材料需补充核实" in zh[1]
    assert en[0] == "株洲轨道绿色制造有限公司: recommendation withdrawn"
    (zh, en), = mine["review.graded"]
    assert "评定等级A" in zh[0] and "82.50" in zh[1] and "grade A" in en[1]
    (zh, en), = mine["review.scored"]
    assert "67.00" in zh[1] and "等级" not in zh[1] and "grade" not in en[1]
    (zh, en), = mine["notice.application_in_notice"]
    assert "2026-12-04 24:00" in zh[1] and "公示" in zh[0] and "public notice" in en[0]
    (zh, en), = mine["notice.objection_received"]
    assert zh[0] == "已收到针对株洲轨道绿色制造有限公司的异议" and "张三" not in zh[1]  # the objector is not named
    assert "objection" in en[0]
    assert "notice.objection_received" in _texts(city.id)
    theirs = _texts(province.id)
    assert "株洲市撤回了对株洲轨道绿色制造有限公司的推荐" == theirs["application.recommendation_withdrawn.province"][0][0][0]
    assert "notice.objection_filed" in theirs


@pytest.mark.region("hunan")
def test_a_creation_unit_is_told_it_is_in_the_plan_and_then_listed(mail_app):
    """Issue 43, Hunan 000 二.4: the 2024 decision makes the unit a 创建单位 of the 创建计划, which is no listing (its
    inbox says so); the province's 认定 (二.2 评价认定) lists it, and the inbox says that as for any listing."""
    from core.lists import cultivation, decisions
    from core.models import ListEntry

    u, c = kit.unit("hunan", name="娄底市"), kit.campaign("hunan", year=2024)
    org = kit.organization(u, name="娄底创建计划钢铁有限公司")
    ent = world.user("applicant", "ent-ld", organization_id=org.id)
    a = kit.application(c, u, org=org, status=S.GRADED)
    db.session.commit()
    decisions.publish_decision("province", level="provincial", year=2024, application_ids=[a.id],
                               document_no="湘工信节能〔2024〕16号", published_on=dt.date(2024, 3, 25))
    db.session.commit()
    entry = db.session.scalar(select(ListEntry).where(ListEntry.organization_id == org.id))
    cultivation.recognize("province", entry_ids=[entry.id], document_no="湘工信节能〔2024〕92号",
                          published_on=dt.date(2024, 12, 20))
    db.session.commit()
    settle(mail_app)
    mine = _texts(ent.id)
    (zh, en), = mine["list.stage_entry_created"]
    assert zh[0] == "娄底创建计划钢铁有限公司 已列入2024年创建计划" and "经省厅认定前不属于名单" in zh[1], zh
    assert "not listed until the province's recognition" in en[1]
    (zh, en), = mine["list.entry_created"]
    assert "湘工信节能〔2024〕92号" in zh[1]
