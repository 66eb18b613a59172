"""The demo's list history climbs the ladder as a deployed province's data does (Hunan and Jiangxi walks): half the
demo's applicants were on the city, provincial and national lists of the unit type they applied for in this year's
provincial round, so the province could not publish the demo's graded units (the decision page said "cannot be listed:
already on a list of this level" beside them). A unit on a list does not apply to that list's round again; a unit on
a lower list does (city list → provincial round). The history still gives the management features their data: listed
units that do not apply this year (their annual filings, the unit removed for a missed filing), the demo enterprise
with its application in this round and the city listing it files for.
"""
from __future__ import annotations

import datetime as dt

import pytest
from helpers import DEMO_COPIES
from sqlalchemy import select

from core.extensions import db
from core.models import Application, ApplicationStatus, Campaign, ListEntry, User

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

REGIONS = ["hunan", "hubei", "jiangxi", "shanxi", "national"]


def _load(make_app, tmp_path, region):
    app = make_app(region, GREENMFG_EVIDENCE_DIR=str(tmp_path), WTF_CSRF_ENABLED=False)
    with app.app_context():
        counts = DEMO_COPIES.load(app)
    return app, counts


@pytest.mark.parametrize("region", REGIONS)
def test_no_demo_applicant_is_already_on_the_list_it_applies_for(make_app, tmp_path, region):
    from core.management.common import level_rank

    app, counts = _load(make_app, tmp_path, region)
    with app.app_context():
        campaign = db.session.scalar(select(Campaign))
        rank = level_rank(campaign.level)
        apps = db.session.scalars(select(Application).order_by(Application.id)).all()
        listed = db.session.scalars(select(ListEntry).where(ListEntry.status == "listed")).all()
        held: dict[tuple[int, str], set[str]] = {}
        for entry in listed:
            held.setdefault((entry.organization_id, entry.unit_type), set()).add(entry.level)
        clashes = [(a.organization.name, a.unit_type, sorted(held[(a.organization_id, a.unit_type)]))
                   for a in apps if any(level_rank(lv) >= rank for lv in held.get((a.organization_id, a.unit_type), ()))]
        assert not clashes, clashes
        # the ladder: some applicants were on a lower list of the kind they apply for (where there is one)
        lower = [lv for lv in campaign_levels() if level_rank(lv) < rank]
        if lower:
            climbing = [a for a in apps if held.get((a.organization_id, a.unit_type))]
            assert len(climbing) >= 6, [a.organization.name for a in climbing]
        # the history's data for the management features: listed units that do not apply this year, at every level
        applying = {a.organization_id for a in apps}
        others = [e for e in listed if e.organization_id not in applying]
        assert {e.level for e in others} >= {"city", "provincial", "national"} & set(campaign_levels())
        removed = db.session.scalars(select(ListEntry).where(ListEntry.status == "removed")).all()
        assert removed and all(e.organization_id not in applying for e in removed)
        # the stage before a list (issue 43): Hunan's 2024 创建计划 (000 二.4) is in the history before its 认定, as
        # a stage entry that no rule counts; every demo unit of the plan was recognized the same year
        stage = db.session.scalars(select(ListEntry).where(ListEntry.status == "cultivation")).all()
        assert counts["organizations"] == 48 and counts["list_entries"] == len(listed) + len(removed) + len(stage)
        from core.lists.cultivation import recognition_of, stage_of

        assert all(stage_of(e.level, e.year).round_publishes and recognition_of(e) is not None for e in stage)
        if region == "hunan" and campaign.year - 2 == 2024:
            assert {(e.level, e.year) for e in stage} == {("provincial", 2024)}
        # the demo enterprise still has its application in this round and a listing it files for
        enterprise = db.session.scalar(select(User).where(User.username == "enterprise"))
        assert [a for a in apps if a.organization_id == enterprise.organization_id]
        assert [e for e in listed if e.organization_id == enterprise.organization_id]


def campaign_levels() -> list[str]:
    from core.kernel.rules import region_rules

    return list(region_rules().list_levels)


@pytest.mark.parametrize("region", REGIONS)
def test_the_province_publishes_the_demos_graded_units(make_app, tmp_path, region):
    """By the region's publication procedure for the round's level (Hunan, Jiangxi: a decision; Hubei, Shanxi: a
    public notice, then the list): every graded unit is listed, none refused for being already listed."""
    from core.clock import SHANGHAI, today
    from core.lists import decisions, notices
    from core.plugins.types import PublicationProcedure

    app, _ = _load(make_app, tmp_path, region)
    with app.app_context():
        campaign = db.session.scalar(select(Campaign))
        graded = db.session.scalars(select(Application).where(
            Application.status == ApplicationStatus.GRADED).order_by(Application.id)).all()
        assert graded
        ids = [a.id for a in graded]
        how = notices.publication(campaign.level, campaign.year)
        assert how.publisher != "city"
        if how.procedure == PublicationProcedure.DECISION:
            result = decisions.publish_decision("province", level=campaign.level, year=campaign.year,
                                                application_ids=ids, document_no="示范公告〔2099〕1号",
                                                published_on=today())
        else:
            notice = notices.open_notice("province", level=campaign.level, year=campaign.year, starts_on=today(),
                                         application_ids=ids)
            day = notice.ends_on + dt.timedelta(days=1)
            result = notices.publish("province", notice, document_no="示范公告〔2099〕1号", published_on=day,
                                     at=dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI))
        assert not result["blocked"], result["blocked"]
        assert sorted(x["application"] for x in result["listed"]) == ids
