"""A Hubei re-review awaiting the province (002_9c75e1d2ebfbdf50.txt 三(六)): 按照“三年一复核”原则……市级经信部门
组织对本地区复核单位开展现场复核，将复核结果……报送省经信厅。省经信厅组织专家……对市州上报的复核资料进行技术评审，并将
复核意见反馈工信部.

A factory of 襄阳市 first listed in 2022 is due in 2025 (three years on); the pool holds experts of its city, one
employed by the unit itself, one inactive, one of another region and two who may review it (of 武汉市 and 宜昌市).
"""
from __future__ import annotations

import datetime as dt

from mgmt_world import listed, organization, units, user
from sqlalchemy import select

ORG_NAME = "襄阳2022年省级绿色工厂复核有限公司"
CITY_NOTE = "现场复核通过：主要生产线运行正常，能源台账完整"
OPINION = "专家组技术评审：现场复核资料齐全，能耗与排放指标持续满足绿色工厂评价要求，同意复核通过。"
SCHEDULED, RESULT, OPINION_DAY = dt.date(2025, 6, 10), dt.date(2025, 6, 10), dt.date(2025, 7, 15)


def expert(name: str, unit_id: int | None, *, employer: str | None = None, active: bool = True,
           region: str = "hubei"):
    from core.extensions import db
    from core.models import ExpertProfile

    account = user("expert")
    profile = ExpertProfile(user_id=account.id, region=region, name=name, employer_uscc=employer,
                            admin_unit_id=unit_id, fields=["factory"], active=active)
    db.session.add(profile)
    db.session.flush()
    return profile


def world(app) -> dict:
    """The unit, its 2025 re-review (``due``), the pool, the people; committed."""
    from core.extensions import db
    from core.management import rereviews
    from core.models import ReReview

    ids = units(app)
    org = organization(ids["xiangyang"], ORG_NAME)
    listed(org, "provincial", 2022)
    pool = {
        "same_city": expert("襄阳专家甲", ids["xiangyang"]),
        "same_city_2": expert("襄阳专家乙", ids["xiangyang"]),
        "employee": expert("本企业专家", ids["wuhan"], employer=org.uscc),
        "inactive": expert("停用专家", ids["wuhan"], active=False),
        "other_region": expert("外省专家", None, region="hunan"),
        "wuhan": expert("武汉专家", ids["wuhan"]),
        "yichang": expert("宜昌专家", ids["yichang"]),
    }
    people = {
        "province": user("province", "hb_province"),
        "city": user("city", "xy_city", admin_unit_id=ids["xiangyang"]),
        "other_city": user("city", "wh_city", admin_unit_id=ids["wuhan"]),
        "ministry": user("ministry", "hb_ministry"),
        "admin": user("admin", "hb_admin"),
        "ent": user("applicant", "xy_ent", organization_id=org.id),
    }
    assert rereviews.open_cycle(2025, "hb_province") == 1
    review = db.session.scalar(select(ReReview).where(ReReview.organization_id == org.id))
    db.session.commit()
    return {"org": org, "review": review, "pool": pool, "people": people, "ids": ids}


def city_records(review, passed: bool = True) -> None:
    """The city schedules the on-site review and records its result (2025-06-10)."""
    from core.extensions import db
    from core.management import rereviews

    rereviews.schedule(review, SCHEDULED, "xy_city", dt.date(2025, 5, 20))
    rereviews.record_result(review, passed, CITY_NOTE if passed else "现场复核：主要生产线已停产，不再符合要求",
                            "xy_city", RESULT)
    db.session.commit()
