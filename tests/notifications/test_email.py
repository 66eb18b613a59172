"""Notifications by e-mail through a real SMTP server: who receives what, in which language, with which
deadline and link; nothing for a rolled-back change; the inbox row alone when e-mail is off."""
from __future__ import annotations

import datetime as dt

import kit
import pytest
from mail_kit import BASE_URL, settle
from sqlalchemy import func, select

from core.applications import services as applications
from core.extensions import db
from core.clock import SHANGHAI, today
from core.lists import notices
from core.management import filings
from core.models import AnnualFiling, ApplicationStatus as S, Job, Notification, Role
from core.notifications import service
from core.review import experts


def _subscribe(user, address: str, language: str | None = None, by_email: bool = True):
    service.save_setting(user, email=address, phone=None, by_email=by_email, by_sms=False, language=language)


def _applicants(org, **locales):
    """One applicant account per address, its language from the account (``locale``)."""
    out = {}
    for address, locale in locales.items():
        user = kit.user(Role.APPLICANT, organization_id=org.id)
        user.locale = locale
        _subscribe(user, f"{address}@example.cn")
        out[address] = user
    return out


def _rejected_for(**locales):
    """A national application rejected by the city, committed: its applicants (``_applicants``) are notified."""
    u, c = kit.unit("national"), kit.campaign("national", level="national")
    org = kit.organization(u)
    a = kit.application(c, u, org=org, status=S.SUBMITTED)
    _applicants(org, **locales)
    db.session.commit()
    applications.reject(a, "材料不全", "city")
    db.session.commit()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_city_return_reaches_each_applicant_in_their_language_with_the_deadline(mail_app, mailbox):
    u, c = kit.unit("national", name="长沙市"), kit.campaign("national", level="national")
    org = kit.organization(u, name="湘江绿色科技有限公司")
    a = kit.application(c, u, org=org, status=S.SUBMITTED)
    users = _applicants(org, zhang="zh", smith="en")
    other = kit.user(Role.APPLICANT, organization_id=kit.organization(u).id)  # another unit: not concerned
    _subscribe(other, "other@example.cn")
    db.session.commit()
    day = today() + dt.timedelta(days=5)
    until = dt.datetime.combine(day, dt.time(17, 0), tzinfo=SHANGHAI)
    applications.return_for_correction(a, "请补充能源管理体系认证证书", until, "city")
    db.session.commit()
    settle(mail_app, mailbox, 2)

    assert len(mailbox.received) == 2
    zh, = mailbox.to("zhang@example.cn")
    en, = mailbox.to("smith@example.cn")
    assert zh["Subject"] == "湘江绿色科技有限公司：申报被退回修改"
    assert en["Subject"] == "湘江绿色科技有限公司: application returned for correction"
    zh_text, en_text = zh.get_content(), en.get_content()
    assert f"{day.isoformat()} 17:00" in zh_text and "北京时间" in zh_text and "请补充能源管理体系认证证书" in zh_text
    assert f"{day.isoformat()} 17:00 (Beijing time)" in en_text
    assert f"{BASE_URL}applications/{a.id}" in zh_text and f"{BASE_URL}applications/{a.id}" in en_text
    assert zh["From"] == "noreply@greenmfg.example.cn"
    rows = db.session.scalars(select(Notification).order_by(Notification.user_id)).all()
    assert [n.user_id for n in rows] == sorted(u.id for u in users.values())
    assert all(n.emailed_at is not None and n.read_at is None for n in rows)


@pytest.mark.region("shanxi")
def test_a_province_rejecting_after_an_objection_tells_the_unit_and_the_objection_tells_the_province(
        mail_app, mailbox):
    """Shanxi's 10-working-day notice (004_7a8ddd82f611ab67.txt 第十三条): an objection during it reaches
    province staff; upheld, the application is rejected and the unit is told why."""
    u, c = kit.unit("shanxi", name="太原市"), kit.campaign("shanxi")
    org = kit.organization(u, name="晋阳节能材料有限公司")
    a = kit.application(c, u, org=org, status=S.GRADED)
    users = _applicants(org, wang="zh")
    province = kit.user(Role.PROVINCE)
    province.locale = "en"
    _subscribe(province, "province@example.cn")
    start = dt.date(2025, 9, 26)
    notice = notices.open_notice("province", level=c.level, year=2025, starts_on=start, application_ids=[a.id],
                                 at=kit.beijing(start, 9))
    db.session.commit()
    row = notices.file_objection(notice, item_id=notice.items[0].id, name="赵敏", contact="13900000001",
                                 grounds="该企业存在未整改的节能监察问题。", at=kit.beijing(dt.date(2025, 9, 29)))
    db.session.commit()
    settle(mail_app, mailbox, 1)
    objection, = mailbox.to("province@example.cn")
    assert objection["Subject"] == "Objection against 晋阳节能材料有限公司"
    assert f"{BASE_URL}province/notices/{notice.id}" in objection.get_content()

    notices.resolve_objection("province", row, "upheld", "经核实，该企业未完成节能监察整改。")
    db.session.commit()
    # the unit was also told it went on notice and that an objection was received (issue 42), then the rejection
    settle(mail_app, mailbox, 4)
    assert len(mailbox.received) == 4 and len(mailbox.to("wang@example.cn")) == 3
    rejected, = [m for m in mailbox.to("wang@example.cn") if "异议成立" in m["Subject"]]
    assert rejected["Subject"] == "晋阳节能材料有限公司：异议成立，申报未予通过"
    assert "经核实，该企业未完成节能监察整改。" in rejected.get_content()
    assert db.session.scalar(select(Notification.user_id).where(Notification.action == "notice.application_removed")) \
        == users["wang"].id


@pytest.mark.region("shanxi")
def test_an_assigned_expert_is_told_with_a_link_to_the_score_page(mail_app, mailbox):
    u, c = kit.unit("shanxi", name="大同市"), kit.campaign("shanxi")
    a = kit.application(c, u, org=kit.organization(u, name="云冈再生资源有限公司"))
    expert = kit.expert("李工", "shanxi")
    _subscribe(expert.user, "expert@example.cn")
    db.session.commit()
    row = experts.assign("province", a, expert)
    db.session.commit()
    settle(mail_app, mailbox, 1)
    mail, = [m for _, m in mailbox.received]
    assert mail["To"] == "expert@example.cn"
    assert mail["Subject"] == "评审任务：云冈再生资源有限公司"
    assert f"{BASE_URL}expert/assignments/{row.id}" in mail.get_content()


@pytest.mark.region("shanxi")
def test_a_listed_unit_is_reminded_to_file_by_the_due_date(mail_app, mailbox):
    """The annual table is due by 04-15 (004_7a8ddd82f611ab67.txt 第十八条)."""
    u = kit.unit("shanxi", name="长治市")
    org = kit.organization(u, name="上党绿色铸造有限公司")
    filing = AnnualFiling(organization_id=org.id, unit_type="factory", year=2026, admin_unit_id=u.id,
                          levels=["provincial"], status="due", due_on=dt.date(2026, 4, 15), values={}, key_data={})
    db.session.add(filing)
    _applicants(org, chen="zh", brown="en")
    db.session.commit()
    assert filings.send_reminders(dt.date(2026, 4, 14), "scheduler") == 1
    db.session.commit()
    settle(mail_app, mailbox, 2)
    assert len(mailbox.received) == 2
    zh, = mailbox.to("chen@example.cn")
    en, = mailbox.to("brown@example.cn")
    assert zh["Subject"] == "上党绿色铸造有限公司：年度动态管理表请于2026-04-15 24:00前填报"
    assert en["Subject"] == "上党绿色铸造有限公司: annual filing due by 2026-04-15 24:00"
    assert f"{BASE_URL}management/filings/{filing.id}" in en.get_content()


def test_a_rolled_back_change_sends_nothing(mail_app, mailbox):
    u, c = kit.unit("national"), kit.campaign("national", level="national")
    org = kit.organization(u)
    a = kit.application(c, u, org=org, status=S.SUBMITTED)
    _applicants(org, zhao="zh")
    db.session.commit()
    jobs_before = _count(Job)
    applications.reject(a, "材料不全", "city")
    db.session.flush()
    db.session.rollback()
    settle(mail_app, mailbox)
    assert mailbox.received == [] and _count(Notification) == 0 and _count(Job) == jobs_before
    applications.reject(db.session.merge(a), "材料不全", "city")  # committed this time: one e-mail
    db.session.commit()
    settle(mail_app, mailbox, 1)
    assert len(mailbox.received) == 1 and _count(Notification) == 1


def test_a_user_who_turned_email_off_gets_the_inbox_row_only(mail_app, mailbox):
    u, c = kit.unit("national"), kit.campaign("national", level="national")
    org = kit.organization(u, name="岳麓低碳包装有限公司")
    a = kit.application(c, u, org=org, status=S.SUBMITTED)
    quiet = kit.user(Role.APPLICANT, organization_id=org.id)
    _subscribe(quiet, "quiet@example.cn", by_email=False)
    db.session.commit()
    applications.reject(a, "不符合申报条件", "city")
    db.session.commit()
    settle(mail_app, mailbox)
    assert mailbox.received == []
    row, = db.session.scalars(select(Notification)).all()
    assert (row.user_id, row.action, row.emailed_at) == (quiet.id, "application.rejected", None)
    assert row.link == f"/applications/{a.id}"


def test_the_same_mail_job_run_twice_at_once_sends_one_mail(mail_app, mailbox, monkeypatch):
    """A job is sent again when a busy worker's heartbeat is late (core/jobs/runner.py), so two runs of one
    notification's mail can overlap: the second waits for the first's commit and finds the mail sent."""
    import threading
    import time

    from core.notifications import jobs, mail

    _rejected_for(wang="zh")
    settle(mail_app, mailbox, 1)
    n = db.session.scalar(select(Notification))
    n.emailed_at = None  # as if the job had not run yet
    db.session.commit()
    notification_id = n.id
    mailbox.received.clear()
    sent = mail.send

    def slow_send(*args, **kwargs):  # a slow SMTP server: the second run starts while the first is sending
        time.sleep(0.5)
        return sent(*args, **kwargs)

    monkeypatch.setattr(mail, "send", slow_send)

    def run():
        with mail_app.app_context():
            jobs.email(None, notification_id)
            db.session.commit()

    runs = [threading.Thread(target=run) for _ in range(2)]
    for t in runs:
        t.start()
    for t in runs:
        t.join(30)
    settle(mail_app, mailbox, 1)
    time.sleep(0.3)
    assert [rcpt for rcpt, _ in mailbox.received] == [["wang@example.cn"]]


def test_an_unreachable_smtp_server_keeps_the_inbox_row_and_retries(make_app, mailbox):
    from mail_kit import free_port

    app = make_app("national", GREENMFG_SMTP_HOST="127.0.0.1", GREENMFG_SMTP_PORT=free_port(),
                   GREENMFG_SMTP_TIMEOUT=2)
    with app.app_context():
        _rejected_for(liu="zh")
        settle(app)
        assert _count(Notification) == 1
        mail_job = db.session.scalar(select(Job).where(Job.name == "notifications.email"))
        assert (mail_job.status, mail_job.attempts) == ("retrying", 1) and mail_job.not_before is not None
        mail_job.status = "failed"  # the retry timer (30 s) then finds nothing to run after this test
        db.session.commit()


@pytest.mark.region("shanxi")
def test_an_overdue_filing_tells_the_unit_its_city_and_the_province_of_the_removal_proposed(mail_app, mailbox):
    """Due by 04-15 (004_7a8ddd82f611ab67.txt 第十八条); not filed, a removal is proposed (第二十一条 (二))."""
    import mgmt_world
    from flask_babel import force_locale

    from core.notifications import messages

    u = kit.unit("shanxi", name="晋中市")
    org = kit.organization(u, name="榆次节水装备有限公司")
    mgmt_world.listed(org, "provincial", 2025)
    filing = AnnualFiling(organization_id=org.id, unit_type="factory", year=2026, admin_unit_id=u.id,
                          levels=["provincial"], status="due", due_on=dt.date(2026, 4, 15), values={}, key_data={})
    db.session.add(filing)
    unit_user, city, province = (kit.user(Role.APPLICANT, organization_id=org.id),
                                 kit.user(Role.CITY, admin_unit_id=u.id), kit.user(Role.PROVINCE))
    kit.user(Role.CITY, admin_unit_id=kit.unit("shanxi").id)  # another city: not concerned
    db.session.commit()
    removal, = filings.mark_overdue(dt.date(2026, 4, 16), "scheduler")
    db.session.commit()
    settle(mail_app)
    got = {(n.user_id, n.action): n for n in db.session.scalars(select(Notification))}
    assert set(got) == {(unit_user.id, "filing.overdue"), (unit_user.id, "removal.proposed"),
                        (city.id, "filing.overdue.city"), (province.id, "removal.proposed.province")}
    with force_locale("zh"):
        subject, text = messages.render(got[city.id, "filing.overdue.city"])
    assert subject == "榆次节水装备有限公司未填报年度动态管理表"
    assert "2026-04-15 24:00（北京时间）" in text
    assert got[province.id, "removal.proposed.province"].link == f"/management/removals/{removal.id}"
    # the reason the platform wrote in both languages reads in the message's language only (a CI crawl saw both)
    proposed = got[province.id, "removal.proposed.province"]
    with force_locale("zh"):
        _, text = messages.render(proposed)
    assert "未按时填报2026年度动态管理表（截止2026-04-15）" in text and "did not file" not in text
    with force_locale("en"):
        _, text = messages.render(proposed)
    assert "did not file the 2026 dynamic-management table by 2026-04-15" in text and "未按时" not in text
