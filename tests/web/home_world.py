"""A Hubei round with something due for every role, for the home-page tests (tests/web/test_home_roles.py) and
the browser journeys (tests/e2e/test_roles_browser.py). Import as ``from home_world import ...``.

Numbers: Wuhan's green-factory target is 21 (002_9c75e1d2ebfbdf50.txt 附件3 武汉市 × 绿色工厂 = 21, 2021-2025);
the national recommendation of 2025 is due 2025-11-07 (001_3f04a56fc6693327.txt 附件1 三), so it is overdue today;
Hubei's third-party evaluation (002 三(三)) needs a qualified firm (附件2, kit.HUBEI_QUALIFIED).
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py

PASSWORD = "首页待办测试口令-2025"
APPLICANT_ORG = "武汉首页待办绿色工厂有限公司"
QUEUED_ORG = "武汉待审核化工有限公司"
NOTICED_ORG = "武汉公示中建材有限公司"
REVIEWED_ORG = "宜昌待评审装备有限公司"
LISTED_ORG = "襄阳已推荐绿色纺织有限公司"
FIRM = "湖北首页评价中心有限公司"
RETURN_REASON = "请补充能源计量器具配备清单"
USERS = {"applicant": "home_qiye", "city": "home_city", "province": "home_province", "expert": "home_expert",
         "evaluator": "home_firm", "ministry": "home_ministry", "admin": "home_admin"}


def seed(app) -> dict:
    """Build the round in ``app``'s database; return the ids and instants the pages must show."""
    import kit
    from sqlalchemy import select

    from core.accounts import services as accounts
    from core.applications import services
    from core.extensions import db
    from core.clock import SHANGHAI, end_of_day, now, today
    from core.lists import notices
    from core.models import AdminUnit, RecommendationImport, Role
    from core.models import ApplicationStatus as S
    from core.review import evaluators, experts
    from core.services.admin_units import sync_admin_units

    with app.app_context():
        sync_admin_units("test")
        unit = {u.code: u for u in db.session.scalars(select(AdminUnit))}
        wuhan = unit["hubei.wuhan"]
        at = now()
        closes = end_of_day(today() + dt.timedelta(days=10))
        c = services.open_campaign(actor="test", year=2025, level="provincial", unit_types=["factory", "park"],
                                   title="2025年度湖北省绿色工厂补充申报", closes_at=closes)
        old = services.open_campaign(actor="test", year=2025, level="provincial", unit_types=["factory"],
                                     title="2025年度湖北省绿色工厂第一批申报", opens_at=at - dt.timedelta(days=60),
                                     closes_at=at + dt.timedelta(days=20))
        org = kit.organization(wuhan, APPLICANT_ORG)
        draft = kit.application(c, wuhan, "factory", org=org, status=S.DRAFT)
        # returned by the city for a 7-day correction window ending 17:00 Beijing time
        returned = kit.application(c, wuhan, "park", org=org, status=S.SUBMITTED)
        until = dt.datetime.combine(today() + dt.timedelta(days=7), dt.time(17, 0), tzinfo=SHANGHAI)
        services.return_for_correction(returned, RETURN_REASON, until, "home_city")
        # returned earlier, its window passed without a correction: overdue
        late = kit.application(old, wuhan, "factory", org=org, status=S.SUBMITTED)
        late_until = at - dt.timedelta(days=3)
        services.return_for_correction(late, "请补充自评价报告", late_until, "home_city", at=at - dt.timedelta(days=5))
        applicant = accounts.create_user(username=USERS["applicant"], password=PASSWORD, display_name=APPLICANT_ORG,
                                         role=Role.APPLICANT, actor="test", organization_id=org.id)
        # the city's queue and a unit of the city on a running notice, with an objection
        queued = kit.application(c, wuhan, org=kit.organization(wuhan, QUEUED_ORG), status=S.SUBMITTED)
        queued.submitted_at = at - dt.timedelta(days=1)
        accounts.create_user(username=USERS["city"], password=PASSWORD, display_name="武汉市经信局", role=Role.CITY,
                             actor="test", admin_unit_id=wuhan.id)
        graded = kit.application(old, wuhan, org=kit.organization(wuhan, NOTICED_ORG), status=S.GRADED)
        notice = notices.open_notice("test", level="provincial", year=2025, starts_on=today(),
                                     application_ids=[graded.id], title="2025年湖北省绿色工厂拟认定名单公示")
        notices.file_objection(notice, item_id=notice.items[0].id, name="赵敏", contact="13900000001",
                               grounds="该企业近三年发生过环境违法行为，请核实。")
        # the province's panels; the expert's assignment
        reviewed = kit.application(c, unit["hubei.yichang"], org=kit.organization(unit["hubei.yichang"], REVIEWED_ORG),
                                   status=S.CITY_RECOMMENDED)
        kit.application(c, unit["hubei.xiangyang"], org=kit.organization(unit["hubei.xiangyang"], LISTED_ORG),
                        status=S.CITY_RECOMMENDED)
        expert = experts.add_expert("test", username=USERS["expert"], password=PASSWORD, name="王首页专家",
                                    admin_unit_code="hubei.shiyan", fields=["factory"])
        assignment = experts.assign("test", reviewed, expert)
        # the evaluator firm: the applicant's draft asks it for the on-site evaluation
        firm = kit.firm("马俊", name=FIRM, qualifications=kit.HUBEI_QUALIFIED)
        accounts.create_user(username=USERS["evaluator"], password=PASSWORD, display_name=FIRM, role=Role.EVALUATOR,
                             actor="test", evaluator_firm_id=firm.id)
        request = evaluators.request_evaluation(applicant, draft, firm, org.uscc)
        # what the ministry imported from the province
        db.session.add(RecommendationImport(
            province="hubei", province_name="湖北省", year=2025, version=1, digest="d" * 64, key_id="hubei-2025",
            exported_at=at, imported_by=USERS["ministry"], campaign_id=old.id, application_ids=[graded.id, queued.id]))
        for role in ("province", "ministry", "admin"):
            accounts.create_user(username=USERS[role], password=PASSWORD, display_name=f"首页{role}",
                                 role=Role(role), actor="test")
        db.session.commit()
        return {"campaign": c.id, "closes": closes, "draft": draft.id, "returned": returned.id, "until": until,
                "late": late.id, "late_until": late_until, "queued": queued.id, "notice": notice.id,
                "notice_ends": notice.ends_on, "reviewed": reviewed.id, "assignment": assignment.id,
                "request": request.id}
