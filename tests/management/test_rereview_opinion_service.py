"""The province's side of Hubei's 三年一复核 in its services (002_9c75e1d2ebfbdf50.txt 三(六): 市级经信部门组织……现场复核，
将复核结果……报送省经信厅。省经信厅组织专家……对市州上报的复核资料进行技术评审，并将复核意见反馈工信部), the rules the web
page, the JSON API and the CLI share (core/management/rereview_opinion.py):

* no experts and no opinion before the city has recorded its on-site result;
* experts from the unit's city or employed by the unit are never drawn (the avoidance of the application review),
  nor inactive ones or another region's; too few left is a refusal naming how many;
* one draw and one opinion per re-review; a text of 10 to 2,000 characters; one of the three opinions;
* only the province's staff (and the instance's admin) act on it: the cities, the ministry and the unit are refused
  (the loader the page and the API call);
* every step audited; the opinion, with the city's result and both dates, goes in the year's file to MIIT.
"""
from __future__ import annotations

import datetime as dt
import random

import pytest
from rereview_world import (
    CITY_NOTE,
    OPINION,
    OPINION_DAY,
    ORG_NAME,
    RESULT,
    city_records,
    world,
)
from sqlalchemy import select


def _audit(action: str) -> list:
    from core.extensions import db
    from core.models import AuditLog

    return db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)).all()


@pytest.mark.region("hubei")
def test_nothing_is_drawn_or_recorded_before_the_city_has_recorded_its_on_site_result(app):
    from core.errors import Refused
    from core.extensions import db
    from core.management import rereview_opinion, rereviews

    w = world(app)
    review = w["review"]
    for step in ("due", "scheduled"):
        if step == "scheduled":
            rereviews.schedule(review, dt.date(2025, 6, 10), "xy_city", dt.date(2025, 5, 20))
            db.session.commit()
        assert review.status == step
        with pytest.raises(Refused) as refused:
            rereview_opinion.draw_experts(review, 2, "hb_province")
        assert refused.value.localized("zh") == "市州尚未记录此复核的现场复核结果。"
        assert refused.value.localized("en") == "The city has not recorded the on-site result of this re-review yet."
        with pytest.raises(Refused) as refused:
            rereview_opinion.record_opinion(review, "passed", OPINION, "hb_province")
        assert "现场复核结果" in refused.value.localized("zh")
        db.session.rollback()
    assert review.opinion_experts is None and review.opinion is None
    assert _audit("rereview.experts_drawn") == [] and _audit("rereview.opinion_recorded") == []
    # nothing awaits the province until the city's result is in
    assert db.session.scalars(rereview_opinion.awaiting()).all() == []
    city_records(review)
    assert db.session.scalars(rereview_opinion.awaiting()).all() == [review]


@pytest.mark.region("hubei")
def test_experts_of_the_units_city_or_employed_by_it_are_never_drawn(app):
    from core.errors import Refused
    from core.extensions import db
    from core.management import rereview_opinion

    w = world(app)
    review, pool = w["review"], w["pool"]
    city_records(review)
    # of seven in the pool, two may review: not 襄阳's two, the unit's employee, the inactive one, Hunan's
    with pytest.raises(Refused) as refused:
        rereview_opinion.draw_experts(review, 3, "hb_province")
    assert refused.value.localized("zh") == "专家库中只有2名专家可评审此复核，需要3名。"
    db.session.rollback()
    for seed in range(5):  # whatever the draw, the same two
        panel = rereview_opinion.draw_experts(review, 2, "hb_province", rng=random.Random(seed))
        assert {e["name"] for e in panel} == {"武汉专家", "宜昌专家"}
        db.session.rollback()
    panel = rereview_opinion.draw_experts(review, 2, "hb_province")
    db.session.commit()
    assert review.opinion_experts == panel == [{"id": pool["wuhan"].id, "name": "武汉专家"},
                                                {"id": pool["yichang"].id, "name": "宜昌专家"}]
    [entry] = _audit("rereview.experts_drawn")
    assert entry.actor == "hb_province" and entry.object_id == str(review.id)
    assert entry.data["eligible"] == [pool["wuhan"].id, pool["yichang"].id]
    assert entry.data["drawn"] == [pool["wuhan"].id, pool["yichang"].id]


@pytest.mark.region("hubei")
def test_one_draw_and_one_opinion_per_re_review(app):
    from core.errors import InvalidInput, Refused
    from core.extensions import db
    from core.management import rereview_opinion

    w = world(app)
    review = w["review"]
    city_records(review)
    with pytest.raises(Refused) as refused:  # the opinion is the drawn experts'
        rereview_opinion.record_opinion(review, "passed", OPINION, "hb_province")
    assert refused.value.localized("zh") == "请先抽取专家，再记录其意见。"
    db.session.rollback()
    for count in (0, 21):
        with pytest.raises(InvalidInput) as invalid:
            rereview_opinion.draw_experts(review, count, "hb_province")
        assert invalid.value.localized("zh") == "请抽取1至20名专家。"
        db.session.rollback()
    rereview_opinion.draw_experts(review, 1, "hb_province")
    db.session.commit()
    with pytest.raises(Refused) as refused:
        rereview_opinion.draw_experts(review, 1, "hb_province")
    assert refused.value.localized("zh") == "此复核已抽取专家。"
    db.session.rollback()
    with pytest.raises(InvalidInput) as invalid:
        rereview_opinion.record_opinion(review, "approve", OPINION, "hb_province")
    assert invalid.value.localized("zh") == "请选择专家意见。"
    db.session.rollback()
    for note in ("", "太短", "同意复核通过意见书"):  # 0, 2 and 9 characters: at least 10
        with pytest.raises(InvalidInput) as invalid:
            rereview_opinion.record_opinion(review, "passed", note, "hb_province")
        assert "10" in invalid.value.localized("zh") and "2000" in invalid.value.localized("zh")
        db.session.rollback()
    rereview_opinion.record_opinion(review, "passed", OPINION, "hb_province", OPINION_DAY)
    db.session.commit()
    with pytest.raises(Refused) as refused:
        rereview_opinion.record_opinion(review, "fail", "专家组改变意见：复核不通过，建议移出名单。", "hb_province")
    assert refused.value.localized("zh") == "此复核的专家意见已记录。"
    assert refused.value.localized("en") == "The experts' opinion on this re-review was already recorded."
    db.session.rollback()
    db.session.expire_all()
    assert (review.opinion, review.opinion_note, review.opinion_by) == ("passed", OPINION, "hb_province")
    [entry] = _audit("rereview.opinion_recorded")
    assert entry.actor == "hb_province" and entry.data["opinion"] == "passed" and entry.data["note"] == OPINION
    assert entry.data["experts"] == [e["id"] for e in review.opinion_experts]
    assert db.session.scalars(rereview_opinion.awaiting()).all() == []


@pytest.mark.region("hubei")
def test_only_the_province_acts_on_the_re_review(app):
    """The loader the web page and the API call (core.management.access.load with management.decide)."""
    from core.errors import AccessDenied, NotFound
    from core.management import access
    from core.management.access import ManagementPerm
    from core.models import ReReview

    w = world(app)
    review, people = w["review"], w["people"]
    city_records(review)
    for who in ("city", "ministry", "ent"):  # the unit's city too: it reports, the province decides
        with pytest.raises(AccessDenied) as denied:
            access.load(people[who], ReReview, review.id, perm=ManagementPerm.DECIDE)
        assert denied.value.localized("zh") == "您的角色无权执行此操作。"
    with pytest.raises(NotFound):  # another city: outside its scope, the re-review does not exist for it
        access.load(people["other_city"], ReReview, review.id, perm=ManagementPerm.DECIDE)
    for who in ("province", "admin"):
        assert access.load(people[who], ReReview, review.id, perm=ManagementPerm.DECIDE) is review


@pytest.mark.region("hubei")
def test_the_opinion_goes_in_the_years_file_to_miit_with_the_citys_result_and_both_dates(app):
    from core.extensions import db
    from core.management import rereview_opinion

    w = world(app)
    review = w["review"]
    assert rereview_opinion.file_entries(2025) == []
    city_records(review)
    rereview_opinion.draw_experts(review, 2, "hb_province")
    db.session.commit()
    assert rereview_opinion.file_entries(2025) == []  # drawn, no opinion yet: nothing to send
    rereview_opinion.record_opinion(review, "rectify", OPINION, "hb_province", OPINION_DAY)
    db.session.commit()
    assert rereview_opinion.file_entries(2025) == [{
        "uscc": w["org"].uscc, "name": ORG_NAME, "unit_type": "factory", "cycle_year": 2025,
        "city_result": "passed", "city_note": CITY_NOTE, "opinion": "rectify", "opinion_note": OPINION,
        "experts": 2, "reviewed_on": RESULT.isoformat(), "opinion_on": OPINION_DAY.isoformat()}]
    assert rereview_opinion.file_entries(2026) == []  # the year's file carries the year's re-reviews
