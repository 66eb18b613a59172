"""Hunan's filing in the 2025 national round (issue 15), separate from the yearly 04-15 table.

Sources (001_3f04a56fc6693327.txt):
* 一.2 现有单位。现有国家级绿色工厂、绿色园区均须完成填报.
* 三 请各市州工信局组织辖区内相关单位于10月27日（周一）前完成申报填报.
* 四.1 未按要求完成现有国家级绿色工厂、绿色园区填报任务的市州，将不开展该市州新申报单位的推荐工作.
No document of another round (2026) asks this filing: no city is blocked then.
"""
from __future__ import annotations

import datetime as dt

import pytest
from mgmt_world import factory_values, listed, organization, units, user, web
from sqlalchemy import select

from core.clock import SHANGHAI

SEED = "001_3f04a56fc6693327.txt"


def _bj(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=SHANGHAI)


def _campaign(year: int):
    from core.applications import services

    return services.open_campaign(actor="province", year=year, level="national", unit_types=["factory"],
                                  opens_at=_bj(year, 9, 28), closes_at=_bj(year, 10, 28))


def _new_application(campaign, unit_id: int, name: str):
    from core.extensions import db
    from core.models import Application, ApplicationStatus

    org = organization(unit_id, name)
    listed(org, "provincial", campaign.year - 1)  # new national applicants are existing provincial units (一.1)
    a = Application(campaign_id=campaign.id, organization_id=org.id, admin_unit_id=unit_id, unit_type="factory",
                    level="national", evaluation_mode="self", status=ApplicationStatus.SUBMITTED,
                    declarations={}, indicator_values={}, extension_data={}, requested_levels=["national"])
    db.session.add(a)
    db.session.flush()
    return a


def _city_block(a, day: dt.date):
    from core.applications import eligibility

    return next(r for r in eligibility.evaluate(a, day) if r["code"] == "hunan.city_block_unfiled")


def _filing(campaign, org):
    from core.extensions import db
    from core.models import RoundFiling

    return db.session.scalar(select(RoundFiling).where(RoundFiling.campaign_id == campaign.id,
                                                       RoundFiling.organization_id == org.id))


@pytest.mark.region("hunan")
def test_hunan_2025_city_blocked_until_its_national_units_file_in_the_round(app):
    """一.2, 三, 四.1: Changsha's two existing national factories must file in the round by 10-27; until both
    have, Changsha cannot recommend new units (Zhuzhou, with none unfiled, can); a filing after 10-27 is
    refused; the yearly 04-15 table plays no part."""
    from core.applications import services
    from core.errors import DeadlinePassed, Refused
    from core.extensions import db
    from core.management import round_filings

    ids = units(app)
    changsha, zhuzhou, xiangtan = ids["changsha"], ids["zhuzhou"], ids["xiangtan"]
    first = organization(changsha, "长沙国家绿色工厂甲有限公司")
    second = organization(changsha, "长沙国家绿色工厂乙有限公司")
    late = organization(xiangtan, "湘潭国家绿色工厂有限公司")
    for org in (first, second, late):
        listed(org, "national", 2023)
    campaign = _campaign(2025)
    assert campaign.deadlines["hunan.listed_unit_filing"] == "2025-10-27"
    step = round_filings.steps(campaign)[0]
    assert (step.code, step.source, step.day) == ("hunan.listed_unit_filing", "hunan", dt.date(2025, 10, 27))
    assert round_filings.open_round(campaign, "province") == 3
    assert round_filings.open_round(campaign, "province") == 0  # idempotent
    new_changsha = _new_application(campaign, changsha, "长沙新申报国家绿色工厂有限公司")
    new_zhuzhou = _new_application(campaign, zhuzhou, "株洲新申报国家绿色工厂有限公司")
    db.session.commit()

    blocked = _city_block(new_changsha, dt.date(2025, 10, 20))
    assert blocked["ok"] is False and blocked["blocking"] and "2家" in blocked["message"]
    assert blocked["source"] == "hunan" and blocked["cite"].startswith(f"{SEED} 四.1")
    assert _city_block(new_zhuzhou, dt.date(2025, 10, 20))["ok"] is True

    f = _filing(campaign, first)
    round_filings.save(f, {"values": factory_values(0.7)}, "first", _bj(2025, 10, 20, 9))
    round_filings.submit(f, "first", _bj(2025, 10, 20, 9))
    db.session.commit()
    assert "1家" in _city_block(new_changsha, dt.date(2025, 10, 21))["message"]
    with pytest.raises(Refused, match="未完成填报"):
        services.recommend(new_changsha, "changsha_city", acknowledge_warnings=True, at=_bj(2025, 10, 21, 10))
    db.session.rollback()
    with pytest.raises(Refused, match="no longer be changed"):  # locked once submitted
        round_filings.save(_filing(campaign, first), {"values": {"3": 99}}, "first", _bj(2025, 10, 21, 9))
    db.session.rollback()

    g = _filing(campaign, second)
    round_filings.save(g, {"values": factory_values(0.6)}, "second", _bj(2025, 10, 27, 23, 59))
    round_filings.submit(g, "second", _bj(2025, 10, 27, 23, 59, 59))  # 24:00 Beijing time on the 27th: in time
    db.session.commit()
    assert _city_block(db.session.get(type(new_changsha), new_changsha.id), dt.date(2025, 10, 28))["ok"] is True

    h = _filing(campaign, late)
    round_filings.save(h, {"values": factory_values(0.6)}, "late", _bj(2025, 10, 27, 12))
    with pytest.raises(DeadlinePassed) as info:
        round_filings.submit(h, "late", _bj(2025, 10, 28, 0, 0, 30))
    text = str(info.value)  # the rule's document by its title and article (seed 001 三), never its file name
    assert "2025-10-27" in text and "24:00" in text and "《关于开展2025年度国家级绿色制造单位推荐工作的通知》" in text
    assert ".txt" not in text, text
    db.session.rollback()
    assert round_filings.unfiled_round_units(xiangtan, campaign) == [late.id]


@pytest.mark.region("hunan")
def test_hunan_2026_round_has_no_round_filing_and_no_block(app):
    """No 2026 document asks existing units to file in the round: an unfiled national unit blocks nothing."""
    from core.extensions import db
    from core.management import round_filings

    ids = units(app)
    listed(organization(ids["changsha"], "长沙国家绿色工厂有限公司"), "national", 2023)
    campaign = _campaign(2026)
    assert "hunan.listed_unit_filing" not in campaign.deadlines
    assert round_filings.steps(campaign) == [] and round_filings.open_round(campaign, "province") == 0
    a = _new_application(campaign, ids["changsha"], "长沙2026新申报国家绿色工厂有限公司")
    db.session.commit()
    assert round_filings.unfiled_round_units(ids["changsha"], campaign) == []
    assert _city_block(a, dt.date(2026, 10, 20))["ok"] is True


@pytest.mark.region("hunan")
def test_the_unit_files_through_the_api(app):
    """The unit sees and files its round filing through /api/v1/round-filings; the city sees its units'."""
    from core.accounts import services as accounts
    from core.extensions import db
    from core.management import round_filings

    ids = units(app)
    org = organization(ids["changsha"], "长沙国家绿色工厂有限公司")
    listed(org, "national", 2023)
    campaign = _campaign(2025)
    unit_user = user("applicant", "changsha_unit", organization_id=org.id)
    city_user = user("city", "changsha_city", admin_unit_id=ids["changsha"])
    province_user = user("province", "hunan_province")
    tokens = {k: accounts.create_token(u, "t")[0] for k, u in
              {"unit": unit_user, "city": city_user, "province": province_user}.items()}
    db.session.commit()
    client = web(app)

    def call(method, who, url, **kw):
        from helpers import with_tag

        return with_tag(client, method, url, headers={"Authorization": f"Bearer {tokens[who]}"}, **kw)

    assert call("post", "unit", "/api/v1/management/round-filings", json={"campaign_id": campaign.id}).status_code == 403
    opened = call("post", "province", "/api/v1/management/round-filings", json={"campaign_id": campaign.id})
    assert opened.status_code == 201 and opened.get_json() == {"created": 1}
    mine = call("get", "unit", f"/api/v1/management/round-filings?campaign_id={campaign.id}").get_json()["items"]
    assert len(mine) == 1 and mine[0]["due_on"] == "2025-10-27" and mine[0]["deadline_source"] == "hunan"
    # SEED 三 (10月27日前完成申报填报), cited by the document's title, never its file name
    assert mine[0]["deadline_cite"].startswith("《关于开展2025年度国家级绿色制造单位推荐工作的通知》") and "三 (10月27日" in \
        mine[0]["deadline_cite"] and ".txt" not in mine[0]["deadline_cite"], mine[0]
    ident = mine[0]["id"]
    refused = call("patch", "unit", f"/api/v1/management/round-filings/{ident}", json={"values": factory_values(0.5)})
    assert refused.status_code == 409 and "2025-10-27" in refused.get_json()["errors"][0]["message_en"]
    # province staff move the campaign's date (audited, with a reason): the filing follows the campaign's copy
    from core.applications import services

    services.change_deadline(campaign, "hunan.listed_unit_filing", dt.date.today() + dt.timedelta(days=2),
                             "平台故障，顺延填报", "hunan_province")
    db.session.commit()
    saved = call("patch", "unit", f"/api/v1/management/round-filings/{ident}", json={"values": factory_values(0.5)})
    assert saved.status_code == 200 and saved.get_json()["score"] is not None
    assert call("post", "unit", f"/api/v1/management/round-filings/{ident}/submit").status_code == 200
    assert [f["id"] for f in call("get", "city", "/api/v1/management/round-filings").get_json()["items"]] == [ident]
    assert round_filings.unfiled_round_units(ids["changsha"], db.session.get(type(campaign), campaign.id)) == []


@pytest.mark.region("hunan")
def test_the_unit_files_on_the_web_page(app):
    """The province opens the round's filings on the web; the unit sees its due date (10-27, 24:00) with the rule
    and, after it (today), can no longer save."""
    from core.extensions import db

    ids = units(app)
    org = organization(ids["changsha"], "长沙国家绿色工厂有限公司")
    listed(org, "national", 2023)
    campaign = _campaign(2025)
    unit_user = user("applicant", "changsha_unit_web", organization_id=org.id)
    user("province", "hunan_province_web")
    db.session.commit()
    province = web(app, "hunan_province_web")
    page = province.get("/management/round-filings").get_data(as_text=True)
    assert "2025-10-27 24:00" in page and SEED not in page and "《" in page  # the document, not its file (issue 17)
    assert province.post(f"/management/round-filings/open/{campaign.id}").status_code == 302
    unit = web(app, unit_user.username)
    listing = unit.get("/management/round-filings").get_data(as_text=True)
    ident = int(listing.split("/management/round-filings/")[1].split('"')[0])
    filing_page = unit.get(f"/management/round-filings/{ident}").get_data(as_text=True)
    assert "2025-10-27 24:00" in filing_page and 'id="round-filing-form"' in filing_page
    refused = unit.post(f"/management/round-filings/{ident}", data={"industry": ""})
    assert refused.status_code == 409 and "2025-10-27" in refused.get_data(as_text=True)
