"""Removals and bans:

* fraud (001_3f04a56fc6693327.txt 四.2; 004_7a8ddd82f611ab67.txt 第二十二条): removal from every
  level and no application for 3 years, keyed on the credit code, so the company renamed
  afterwards is still refused, with the end date;
* a 重大 accident or level II incident (004 第十九条–第二十一条): removal from every level at once;
* a third-party firm found at fault after a complaint (004 第二十四条): reports refused for 3 years.
"""
from __future__ import annotations

import datetime as dt

import pytest
from mgmt_world import listed, organization, units, user
from sqlalchemy import select


@pytest.mark.region("shanxi")
def test_fraud_ban_refuses_the_renamed_company_with_the_end_date(app):
    from core.applications import eligibility, services
    from core.errors import Refused
    from core.extensions import db
    from core.management import bans, removals
    from core.models import Application, AuditLog, Ban, ListEntry

    ids = units(app)
    org = organization(ids["taiyuan"], "太原造假化工有限公司")
    listed(org, "city", 2022)
    listed(org, "provincial", 2023)
    applicant = user("applicant", "fraud_ent", organization_id=org.id)
    utc = dt.UTC
    # on the provincial list already, it applies to the national round (the provincial one would refuse it at once)
    old_round = services.open_campaign(actor="province", year=2026, level="national", unit_types=["factory"],
                                       opens_at=dt.datetime(2026, 3, 1, tzinfo=utc),
                                       closes_at=dt.datetime(2026, 6, 30, tzinfo=utc))
    draft = services.start_application(applicant, old_round, "factory", at=dt.datetime(2026, 4, 1, tzinfo=utc))
    db.session.commit()

    # the city proposes (sanction "fraud" covers every level), the province approves on 2026-05-10
    proposal = removals.propose(org, "fraud", "年度动态管理表能耗数据造假", "taiyuan_city", levels=["city"],
                                evidence_note="省节能监察中心核查报告", on=dt.date(2026, 5, 8))
    assert proposal.levels == ["city", "provincial", "national"] and proposal.unit_type is None
    assert proposal.ban_years == 3 and not proposal.immediate
    removals.decide(proposal, True, "查实", "shanxi_province", dt.date(2026, 5, 10))
    db.session.commit()
    ban = db.session.get(Ban, proposal.ban_id)
    assert (ban.uscc, ban.starts_on, ban.ends_on) == (org.uscc, dt.date(2026, 5, 10), dt.date(2029, 5, 9))
    # not yet off the lists: published with the next list
    assert {e.status for e in db.session.scalars(select(ListEntry))} == {"listed"}
    removals.publish("shanxi_province", dt.date(2026, 12, 1), "晋工信节能函〔2026〕3号")
    db.session.commit()
    assert {e.status for e in db.session.scalars(select(ListEntry))} == {"removed"}

    # the draft from before the ban can no longer be submitted: the ban names its end date
    results = eligibility.evaluate(db.session.get(Application, draft.id), dt.date(2026, 5, 20))
    blocked = [r for r in eligibility.submit_blockers(results) if r["kind"] == "ban"]
    assert blocked and "2029-05-09" in blocked[0]["message"]

    # the company renames itself; same credit code, new name: a new application is refused
    org.name = "太原新绿化工科技有限公司"
    db.session.commit()
    new_round = services.open_campaign(actor="province", year=2027, level="provincial", unit_types=["factory"],
                                       opens_at=dt.datetime(2027, 3, 1, tzinfo=utc),
                                       closes_at=dt.datetime(2027, 6, 30, tzinfo=utc))
    db.session.commit()
    with pytest.raises(Refused) as caught:
        services.start_application(applicant, new_round, "factory", at=dt.datetime(2027, 3, 15, tzinfo=utc))
    message = str(caught.value)
    assert "2029-05-09" in message and "太原新绿化工科技有限公司" in message and org.uscc in message
    db.session.rollback()
    # the day after the ban ends the same company may apply again
    assert bans.active_ban(org.uscc, dt.date(2029, 5, 10)) is None
    assert bans.active_ban(org.uscc, dt.date(2029, 5, 9)).id == ban.id
    actions = [a for (a,) in db.session.execute(select(AuditLog.action).order_by(AuditLog.id))]
    assert {"removal.proposed", "ban.imposed", "removal.approved", "removal.published"} <= set(actions)


@pytest.mark.region("shanxi")
def test_major_accident_removes_from_every_level_at_once(app):
    from core.errors import Refused
    from core.extensions import db
    from core.management import removals
    from core.models import ListEntry

    ids = units(app)
    org = organization(ids["datong"], "大同事故钢铁有限公司")
    for level, year in (("city", 2021), ("provincial", 2022), ("national", 2023)):
        listed(org, level, year)
    other = organization(ids["datong"], "大同其他制造有限公司")
    listed(other, "provincial", 2023)
    db.session.commit()
    with pytest.raises(Refused):  # other reasons are proposed and published with the next list
        removals.remove_immediately(other, "negative_list_event", "被列入失信被执行人", "核查", "province")
    db.session.rollback()
    removal = removals.remove_immediately(org, "major_accident", "2026-06-02 发生重大生产安全事故",
                                          "应急管理部门事故调查报告", "shanxi_province", dt.date(2026, 6, 3),
                                          "晋工信节能函〔2026〕7号")
    db.session.commit()
    assert (removal.status, removal.immediate, removal.published_on) == ("published", True, dt.date(2026, 6, 3))
    assert removal.decided_by == "shanxi_province" and removal.evidence_note == "应急管理部门事故调查报告"
    entries = db.session.scalars(select(ListEntry).where(ListEntry.organization_id == org.id)).all()
    assert {e.level: e.status for e in entries} == {"city": "removed", "provincial": "removed", "national": "removed"}
    assert db.session.scalar(select(ListEntry.status).where(ListEntry.organization_id == other.id)) == "listed"


@pytest.mark.region("shanxi")
def test_complaint_about_a_firm_refuses_its_reports_for_three_years(app):
    from mgmt_world import make_uscc

    from core.errors import Refused
    from core.extensions import db
    from core.management import complaints
    from core.models import Application, Campaign, EvaluatorFirm
    from core.services import limits

    ids = units(app)
    firm = EvaluatorFirm(uscc=make_uscc("140100"), name="太原某评价咨询有限公司", legal_representative="赵六")
    db.session.add(firm)
    client_org = organization(ids["taiyuan"], "太原申报企业有限公司")
    db.session.flush()
    c = complaints.file_complaint(firm.uscc, "张三", "13900001111", "该机构出具的评价报告与企业实际能耗数据严重不符",
                                  "现场照片及能耗台账复印件", admin_unit_code="shanxi.taiyuan",
                                  on=dt.date(2026, 3, 2))
    complaints.verify(c, "removal", "经核实评价报告数据造假", "taiyuan_city", on=dt.date(2026, 3, 20))
    db.session.commit()
    assert c.status == "banned" and c.admin_unit_id == ids["taiyuan"]
    campaign = Campaign(region="shanxi", year=2026, level="provincial", title="t", unit_types=["factory"],
                        opens_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                        closes_at=dt.datetime(2026, 12, 31, tzinfo=dt.UTC))
    db.session.add(campaign)
    db.session.flush()
    application = Application(campaign_id=campaign.id, organization_id=client_org.id, admin_unit_id=ids["taiyuan"],
                              unit_type="factory", level="provincial", evaluation_mode="third_party")
    db.session.add(application)
    db.session.flush()
    with pytest.raises(Refused) as caught:
        limits.check_firm_allowed(firm, application, dt.date(2027, 1, 5))
    assert "2029-03-19" in str(caught.value)
