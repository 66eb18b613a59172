"""Three simulated years (2025–2027) of a Shanxi instance, on SQLite and PostgreSQL:

* every listed unit files its 年度动态管理表 by 04-15 (004_7a8ddd82f611ab67.txt 第十八条), reminders
  go out 10 and 3 working days before (the work calendar: Qingming 2026-04-04..06 is skipped);
* the city accepts the filings; the unit sees its score and rank;
* a unit that does not file is proposed for removal the day after the due date
  (004 第二十一条 (二); 001_3f04a56fc6693327.txt 四.1: no score), approved by the province and
  published with the next list;
* the unit whose score is in the bottom 5 % in 2025, 2026 and 2027 is proposed for removal in the
  third year (001 附件1 二(二): 得分连续三年处于后5%的, 将从现有名单中移出) and removed;
* the scheduled job is idempotent and refuses nothing silently (a year without holiday data).
"""
from __future__ import annotations

import datetime as dt

import pytest
from mgmt_world import (
    factory_values,
    file_and_accept,
    filing_of,
    listed,
    organization,
    references,
    units,
    user,
)
from sqlalchemy import func, select

N_NATIONAL = 20  # bottom 5 % of 20 ranked units = the 1 lowest


@pytest.mark.region("shanxi")
def test_three_years_of_filings_missed_filing_and_bottom_five_percent(app):
    from core.extensions import db
    from core.management import filings, jobs, removals
    from core.models import AuditLog, FilingReminder, ListEntry, Removal, UnitScore
    from core.services.calendar import declare_year_entered, set_day

    ids = units(app)
    references(2025)
    taiyuan, datong = ids["taiyuan"], ids["datong"]
    strong = [organization(taiyuan if i % 2 else datong, f"晋绿色工厂{i:02d}有限公司") for i in range(N_NATIONAL - 1)]
    weak = organization(datong, "大同末位制造有限公司")
    missing = organization(taiyuan, "太原未填报化工有限公司")
    provincial = organization(taiyuan, "太原省级绿色工厂有限公司")
    for org in [*strong, weak, missing]:
        listed(org, "national", 2023)
    listed(provincial, "provincial", 2024)
    city = user("city", "taiyuan_city", admin_unit_id=taiyuan)
    db.session.commit()

    # ------------------------------------------------------------------ 2025
    report = jobs.run_due("cron", dt.date(2025, 3, 1))
    assert report["filings_opened"] == N_NATIONAL + 2  # 21 national + 1 provincial
    assert report["reminders_sent"] == 0
    f = filing_of(missing, 2025)
    assert (f.due_on, f.status, f.levels) == (dt.date(2025, 4, 15), "due", ["national"])
    assert filing_of(provincial, 2025).levels == ["provincial"]
    assert jobs.run_due("cron", dt.date(2025, 3, 1))["filings_opened"] == 0  # idempotent

    # reminders: 10 working days before 2025-04-15 is 2025-03-31 (seed 004 第十八条 date)
    assert jobs.run_due("cron", dt.date(2025, 3, 28))["reminders_sent"] == 0
    assert jobs.run_due("cron", dt.date(2025, 3, 31))["reminders_sent"] == N_NATIONAL + 2
    assert jobs.run_due("cron", dt.date(2025, 3, 31))["reminders_sent"] == 0
    assert db.session.scalar(select(func.count(FilingReminder.id))) == N_NATIONAL + 2

    for i, org in enumerate(strong):
        file_and_accept(org, 2025, 0.2 + 0.04 * i, dt.date(2025, 4, 10), city.username)
    file_and_accept(weak, 2025, 0.05, dt.date(2025, 4, 15), city.username)  # on the due day: still in time
    file_and_accept(provincial, 2025, 0.6, dt.date(2025, 4, 12), city.username)
    db.session.commit()

    # the unit sees its score and its rank among the national units
    weak_score = db.session.scalar(select(UnitScore).where(UnitScore.organization_id == weak.id,
                                                           UnitScore.year == 2025))
    assert weak_score.complete and weak_score.rank_national == N_NATIONAL and weak_score.bottom_share
    assert weak_score.bottom_streak == 1 and not weak_score.removal_candidate
    top = db.session.scalar(select(UnitScore).where(UnitScore.organization_id == strong[-1].id,
                                                    UnitScore.year == 2025))
    assert top.rank_national == 1 and top.green_code == "A+"

    # the missed filing: overdue the day after 04-15, a removal proposal, no score
    assert jobs.run_due("cron", dt.date(2025, 4, 15))["overdue_proposals"] == 0
    assert jobs.run_due("cron", dt.date(2025, 4, 16))["overdue_proposals"] == 1
    assert jobs.run_due("cron", dt.date(2025, 4, 17))["overdue_proposals"] == 0
    assert filing_of(missing, 2025).status == "overdue"
    assert db.session.scalar(select(UnitScore.id).where(UnitScore.organization_id == missing.id)) is None
    proposal = db.session.scalar(select(Removal).where(Removal.organization_id == missing.id))
    assert (proposal.sanction_code, proposal.status, proposal.levels) == ("not_filed", "proposed", ["national"])
    assert "2025-04-15" in proposal.reason
    removals.decide(proposal, True, "核实未填报", "shanxi_province", dt.date(2025, 5, 10))
    db.session.commit()
    assert db.session.scalar(select(ListEntry.status).where(ListEntry.organization_id == missing.id)) == "listed"
    published = removals.publish("shanxi_province", dt.date(2025, 12, 20), "晋工信节能函〔2025〕1号")
    db.session.commit()
    assert [r.id for r in published] == [proposal.id]
    entry = db.session.scalar(select(ListEntry).where(ListEntry.organization_id == missing.id))
    assert (entry.status, entry.removed_on) == ("removed", dt.date(2025, 12, 20))
    assert "未按时填报" in entry.removal_reason
    assert (proposal.decided_by, proposal.notice_no) == ("shanxi_province", "晋工信节能函〔2025〕1号")

    # ------------------------------------------------------------------ 2026
    assert jobs.run_due("cron", dt.date(2026, 2, 1))["filings_opened"] == N_NATIONAL + 1  # the removed unit is gone
    assert filing_of(missing, 2026) is None
    # 2026: 3 working days before 04-15 is 04-10; 10 before is 03-31 (Qingming 04-04..06 not counted)
    assert filings.reminder_dates(2026) == {10: dt.date(2026, 3, 31), 3: dt.date(2026, 4, 10)}
    assert jobs.run_due("cron", dt.date(2026, 4, 10))["reminders_sent"] == N_NATIONAL + 1
    for i, org in enumerate(strong):
        file_and_accept(org, 2026, 0.25 + 0.035 * i, dt.date(2026, 4, 13), city.username)
    file_and_accept(weak, 2026, 0.1, dt.date(2026, 4, 14), city.username)
    file_and_accept(provincial, 2026, 0.5, dt.date(2026, 4, 14), city.username)
    db.session.commit()
    assert jobs.run_due("cron", dt.date(2026, 4, 16))["overdue_proposals"] == 0
    weak_2026 = db.session.scalar(select(UnitScore).where(UnitScore.organization_id == weak.id,
                                                          UnitScore.year == 2026))
    assert (weak_2026.bottom_streak, weak_2026.removal_candidate) == (2, False)

    # ------------------------------------------------------------------ 2027
    report = jobs.run_due("cron", dt.date(2027, 3, 31))
    assert report["filings_opened"] == N_NATIONAL + 1
    assert "2027" in str(report["reminders_sent"]) and "skipped" in str(report["reminders_sent"])  # no holidays yet
    declare_year_entered(2027, "admin", "2027 holidays entered")
    db.session.commit()
    assert filings.reminder_dates(2027)[10] == dt.date(2027, 4, 1)  # weekdays only
    set_day(dt.date(2027, 4, 5), False, "清明节", "admin")  # the admin enters Qingming 2027
    db.session.commit()
    assert filings.reminder_dates(2027) == {10: dt.date(2027, 3, 31), 3: dt.date(2027, 4, 12)}
    assert jobs.run_due("cron", dt.date(2027, 3, 31))["reminders_sent"] == N_NATIONAL + 1
    for i, org in enumerate(strong):
        file_and_accept(org, 2027, 0.3 + 0.03 * i, dt.date(2027, 4, 12), city.username)
    file_and_accept(weak, 2027, 0.12, dt.date(2027, 4, 13), city.username)
    file_and_accept(provincial, 2027, 0.5, dt.date(2027, 4, 13), city.username)
    db.session.commit()
    weak_2027 = db.session.scalar(select(UnitScore).where(UnitScore.organization_id == weak.id,
                                                          UnitScore.year == 2027))
    assert (weak_2027.bottom_streak, weak_2027.removal_candidate) == (3, True)
    assert db.session.scalar(select(func.count(UnitScore.id)).where(UnitScore.removal_candidate.is_(True),
                                                                    UnitScore.level == "national")) == 1

    report = jobs.run_due("cron", dt.date(2027, 4, 20))
    assert report["bottom_share_proposals"] == 1 and report["overdue_proposals"] == 0
    assert jobs.run_due("cron", dt.date(2027, 4, 21))["bottom_share_proposals"] == 0
    bottom = db.session.scalar(select(Removal).where(Removal.organization_id == weak.id))
    assert (bottom.sanction_code, bottom.source, bottom.levels) == ("bottom_five_percent", "ranking", ["national"])
    assert "2025–2027" in bottom.reason and "5%" in bottom.reason
    removals.decide(bottom, True, "", "shanxi_province", dt.date(2027, 6, 1))
    removals.publish("shanxi_province", dt.date(2027, 12, 18), "晋工信节能函〔2027〕9号")
    db.session.commit()
    entry = db.session.scalar(select(ListEntry).where(ListEntry.organization_id == weak.id))
    assert (entry.status, entry.removed_on) == ("removed", dt.date(2027, 12, 18))
    assert db.session.scalar(select(func.count(ListEntry.id)).where(ListEntry.status == "listed")) == N_NATIONAL

    # every state change is in the audit log
    actions = {a for (a,) in db.session.execute(select(AuditLog.action).distinct())}
    assert {"filings.opened", "filings.reminded", "filing.saved", "filing.submitted", "filing.accepted",
            "filing.overdue", "removal.proposed", "removal.approved", "removal.published"} <= actions
    assert filing_of(weak, 2025).values == factory_values(0.05)
