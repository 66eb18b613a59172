"""Expert review: avoidance (applicant, its evaluator firm, its city; Shanxi's reviewer independence,
004_7a8ddd82f611ab67.txt 第十三条), random draw by field, blind per-indicator scoring against the
self-score with the deviation, and the panel result mapped to the region's tiers (Shanxi A/B/C,
第十四条: national recommendation needs B or better; default cut-offs B ≥ 70, A ≥ 85, configurable).
"""
from __future__ import annotations

import random

import pytest

import kit
from core.errors import InvalidInput, Refused
from core.extensions import db
from core.models import ApplicationStatus as S, AuditLog, Role
from core.review import experts
from core.services import limits


def _setup(region: str):
    home, other = kit.unit(region, name="太原市"), kit.unit(region, name="大同市")
    c = kit.campaign(region)
    firm = kit.firm()
    a = kit.application(c, home)
    limits.accept_engagement(firm, a, "t")
    return home, other, c, firm, a


@pytest.mark.region("shanxi")
def test_avoidance_names_each_reason(app):
    home, other, c, firm, a = _setup("shanxi")
    insider = kit.expert("申请单位员工", "shanxi", unit_=other, employer=a.organization.uscc)
    firm_staff = kit.expert("评价机构专家", "shanxi", unit_=other, firm_=firm)
    local = kit.expert("同城专家", "shanxi", unit_=home)
    clean = kit.expert("独立专家", "shanxi", unit_=other)
    codes = {e.name: [x["code"] for x in experts.conflicts(e, a)] for e in (insider, firm_staff, local, clean)}
    assert codes["申请单位员工"] == ["applicant"]
    # its evaluator firm evaluated applicants in Shanxi: the firm rule and Shanxi's independence rule both apply
    assert codes["评价机构专家"] == ["evaluator_firm", "shanxi.reviewer_independence"]
    assert codes["同城专家"] == ["city"]
    assert codes["独立专家"] == []
    for e in (insider, firm_staff, local):
        with pytest.raises(Refused, match="must avoid"):
            experts.assign("province", a, e)
    experts.assign("province", a, clean)
    assert a.status == S.UNDER_REVIEW


@pytest.mark.region("shanxi")
def test_shanxi_excludes_a_reviewer_whose_firm_evaluated_another_applicant_in_the_province(app):
    """第十三条: 委托第三方机构（未参与本省企业评价工作）: any applicant of the province, not only this one."""
    home, other, c, firm, a = _setup("shanxi")
    other_firm = kit.firm("李强")
    b = kit.application(c, other)  # evaluated by other_firm, not by a's firm
    limits.accept_engagement(other_firm, b, "t")
    reviewer = kit.expert("机构审核员", "shanxi", unit_=kit.unit("shanxi"), firm_=other_firm)
    found = experts.conflicts(reviewer, a)
    assert [x["code"] for x in found] == ["shanxi.reviewer_independence"]
    assert found[0]["source"] == "shanxi" and kit.SEED_SHANXI in found[0]["cite"]
    assert other_firm.uscc in found[0]["message"]


def test_national_has_no_province_wide_independence_rule(app):
    home, other, c, firm, a = _setup("national")
    other_firm = kit.firm("李强")
    limits.accept_engagement(other_firm, kit.application(c, other), "t")
    reviewer = kit.expert("机构审核员", "national", unit_=kit.unit("national"), firm_=other_firm)
    assert experts.conflicts(reviewer, a) == []


@pytest.mark.region("shanxi")
def test_random_draw_by_field_leaves_out_conflicts_and_is_audited(app):
    home, other, c, firm, a = _setup("shanxi")
    a.industry = "steel.01"
    eligible = [kit.expert(f"钢铁专家{i}", "shanxi", unit_=other, fields=("steel.01",)) for i in range(4)]
    kit.expert("同城钢铁专家", "shanxi", unit_=home, fields=("steel.01",))
    kit.expert("机构钢铁专家", "shanxi", unit_=other, firm_=firm, fields=("steel.01",))
    kit.expert("化工专家", "shanxi", unit_=other, fields=("chemical.01",))
    rows = experts.draw("province", a, 3, "steel.01", rng=random.Random(7))
    drawn = {r.expert_id for r in rows}
    assert len(drawn) == 3 and drawn <= {e.id for e in eligible}
    entry = db.session.query(AuditLog).filter_by(action="review.experts_drawn").one()
    assert sorted(entry.data["eligible"]) == sorted(e.id for e in eligible)
    assert sorted(entry.data["drawn"]) == sorted(drawn) and len(entry.data["excluded"]) == 2
    # one eligible steel expert is left; two more cannot be drawn
    with pytest.raises(Refused, match="Only 1 experts"):
        experts.draw("province", a, 2, "steel.01")


@pytest.mark.region("shanxi")
def test_blind_scoring_with_deviation_from_the_self_score(app):
    home, other, c, firm, a = _setup("shanxi")
    e1, e2 = kit.expert("专家甲", "shanxi", unit_=other), kit.expert("专家乙", "shanxi", unit_=other)
    r1, r2 = experts.assign("province", a, e1), experts.assign("province", a, e2)
    items = {i["number"]: i for i in experts.score_items(a)}
    assert len(items) == 14 and items[4]["weight"] == 6 and items[4]["self_score"] == 6.0
    assert items[13]["self_score"] == 0.0 and items[1]["self_score"] is None
    experts.save_scores(e1.user, r1, {"4": 4.5, "13": 2})
    table = {row["number"]: row for row in experts.score_table(a, [r1])}
    assert table[4]["cells"][0]["deviation"] == -1.5 and table[13]["cells"][0]["deviation"] == 2.0
    # a score above the indicator's weight is refused, naming it
    with pytest.raises(InvalidInput, match="between 0 and 6") as info:
        experts.save_scores(e1.user, r1, {"4": 6.5})
    assert info.value.field == "scores.4"
    # each expert sees only their own scores until the panel closes, submitted or not
    experts.save_scores(e1.user, r1, kit.scores_for(80))
    experts.submit_scores(e1.user, r1)
    assert experts.visible_assignments(e2.user, a) == [r2]
    with pytest.raises(InvalidInput, match="missing"):
        experts.submit_scores(e2.user, r2)
    experts.save_scores(e2.user, r2, kit.scores_for(90))
    assert experts.submit_scores(e2.user, r2) == 90
    assert experts.visible_assignments(e2.user, a) == [r2] and experts.visible_assignments(e1.user, a) == [r1]
    with pytest.raises(Refused, match="already submitted"):
        experts.save_scores(e1.user, r1, {"4": 1})
    # the panel closes (its result recorded): now each sees the others' scores; staff always saw all
    assert experts.visible_assignments(kit.user(Role.PROVINCE), a) == [r1, r2]
    app.config["GREENMFG_REVIEW_MIN_EXPERTS"] = 2
    experts.grade("province", a)
    assert experts.visible_assignments(e2.user, a) == [r2, r1]
    assert experts.visible_assignments(e1.user, a) == [r1, r2]


@pytest.mark.region("shanxi")
@pytest.mark.parametrize("totals, score, tier, recommendable", [
    ([90, 85, 80], "85.00", "A", True),
    ([80, 75, 70], "75.00", "B", True),
    ([70, 70, 70], "70.00", "B", True),      # B from 70 inclusive
    ([69.99, 69.99, 69.99], "69.99", "C", False),
    ([60, 65, 70], "65.00", "C", False),
])
def test_panel_maps_to_shanxi_tiers(app, totals, score, tier, recommendable):
    home, other, c, firm, a = _setup("shanxi")
    panel = [kit.expert(f"专家{i}", "shanxi", unit_=other) for i in range(3)]
    result = kit.panel(a, totals, panel)
    assert f"{result.score:.2f}" == score and result.tier == tier and result.recommendable is recommendable
    assert a.status == S.GRADED and a.tier == tier and result.grading_source == "shanxi"
    assert kit.SEED_SHANXI in result.grading_cite


@pytest.mark.region("shanxi")
def test_grading_waits_for_every_expert_and_the_minimum_panel(app):
    home, other, c, firm, a = _setup("shanxi")
    e1, e2 = kit.expert("专家甲", "shanxi", unit_=other), kit.expert("专家乙", "shanxi", unit_=other)
    r1 = experts.assign("province", a, e1)
    experts.assign("province", a, e2)
    experts.save_scores(e1.user, r1, kit.scores_for(80))
    experts.submit_scores(e1.user, r1)
    with pytest.raises(Refused, match="专家乙"):
        experts.grade("province", a)
    e3 = kit.expert("专家丙", "shanxi", unit_=other)
    experts.assign("province", a, e3)
    with pytest.raises(Refused) as waiting:
        experts.grade("province", a)
    assert waiting.value.localized("zh") == "尚待以下专家提交评分：专家乙、专家丙。"  # listed as Chinese lists
    assert waiting.value.localized("en") == "Waiting for the scores of: 专家乙, 专家丙."
    experts.decline(e3.user, experts.assignments(a)[2], "与申报单位存在合作关系")
    experts.decline(e2.user, experts.assignments(a)[1], "与申报单位存在合作关系")
    with pytest.raises(Refused, match="at least 3"):
        experts.grade("province", a)


def test_national_level_has_no_tiers(make_app):
    app = make_app("national", GREENMFG_REVIEW_MIN_EXPERTS=1)
    with app.app_context():
        c = kit.campaign("national", level="national")
        a = kit.application(c, kit.unit("national"))
        result = kit.panel(a, [55], [kit.expert("专家", "national", unit_=kit.unit("national"))])
        assert result.tier is None and result.recommendable is True
        assert db.session.query(AuditLog).filter_by(action="review.graded").one().data["score"] == 55.0


@pytest.mark.region("shanxi")
def test_expert_sees_only_own_assignments(app):
    home, other, c, firm, a = _setup("shanxi")
    e1, e2 = kit.expert("专家甲", "shanxi", unit_=other), kit.expert("专家乙", "shanxi", unit_=other)
    r1 = experts.assign("province", a, e1)
    from core.errors import NotFound

    with pytest.raises(NotFound):
        experts.assignment_for_expert(e2.user, r1.id)
    assert experts.assignment_for_expert(e1.user, r1.id) is r1
    assert kit.user(Role.PROVINCE).role == Role.PROVINCE
