"""The one resolver with a round's notice (issue 43): what the services ask for a round opened from a notice
(:class:`core.plugins.applied.NoticeRules`) is what the listing shows, each rule the notice sets naming it.

Hubei's plan (seed 002_9c75e1d2ebfbdf50.txt 三(三)) asks for a third-party on-site evaluation, a standing rule
(``hubei.third_party_evaluation``, in every round from the plan on, issue 53): a 2027 notice that applies it names
itself and the plan it carries the condition from; one that sets it aside sets aside the evaluation modes that carry
it out (national's stand); a notice's quota and deadline are the round's, not another year's.
"""
from __future__ import annotations

import datetime as dt

from helpers import rules_for, seed_text

from core.plugins.applied import NOTICE, NoticeRule, NoticeRules, RoundNotice, applied_rules
from core.plugins.types import Level

SEED_HUBEI = "002_9c75e1d2ebfbdf50.txt"


def _notice(year: int = 2027) -> RoundNotice:
    return RoundNotice(number="鄂经信节能〔2027〕1号", title="关于开展2027年度绿色制造名单推荐工作的通知",
                       issuer="湖北省经济和信息化厅", issued_on=dt.date(2027, 3, 1), year=year, rules=(
                           NoticeRule("condition", "hubei.third_party_evaluation", True, "三(三)"),
                           NoticeRule("quota", "hubei.wuhan/factory", 4, "附件"),
                           NoticeRule("deadline", "province_recommendation", "2027-08-14", "四")))


def test_a_notice_switches_on_a_condition_of_an_earlier_plan_and_names_it():
    assert "第三方评价机构" in seed_text(SEED_HUBEI)
    rules = rules_for("hubei", 2027)
    code = "hubei.third_party_evaluation"
    assert code in {r.code for r in rules.eligibility_rules_for("factory", Level.PROVINCIAL, 2027)}  # standing
    round_rules = NoticeRules(rules, _notice())
    applied = {r.code: r for r in round_rules.eligibility_rules_for("factory", Level.PROVINCIAL, 2027)}
    assert code in applied and applied[code].check is rules.eligibility_rules[code].check
    assert round_rules.quota("hubei.wuhan", "factory", 2027).limit == 4
    assert round_rules.quota("hubei.wuhan", "factory", 2026).limit != 4  # another year: the region's
    assert round_rules.deadline("province_recommendation", 2027)[0] == dt.date(2027, 8, 14)

    listed = {(a.kind, a.key): a for a in applied_rules(rules, 2027, _notice())}
    switched = listed[("eligibility_rule", code)]
    assert switched.standing == NOTICE and "鄂经信节能〔2027〕1号" in switched.note
    assert "鄂经信办节能〔2022〕8号" in switched.note and "沿用" in switched.note
    assert listed[("quota", "hubei.wuhan/factory/2027")].standing == NOTICE
    assert listed[("deadline", "province_recommendation")].record.for_year(2027) == dt.date(2027, 8, 14)
    assert sum(a.standing == NOTICE for a in listed.values()) == 3
    # the year's listing without the notice: the region's rules only
    assert not [a for a in applied_rules(rules, 2027) if a.standing == NOTICE]
    # a notice of another year changes nothing in 2027
    assert not [a for a in applied_rules(rules, 2027, _notice(2026)) if a.standing == NOTICE]


def test_a_notice_setting_a_condition_aside_sets_aside_the_policy_that_carries_it_out():
    """002 三(三) (third party) and 三(四) (推荐意见, 10–2000 characters): on in 2027 by the plan; a notice that sets
    them aside leaves national's modes (self-evaluation allowed) and national's opinion (optional)."""
    rules = rules_for("hubei", 2027)
    off = RoundNotice(number="鄂经信节能〔2027〕2号", title="关于开展2027年度绿色制造名单推荐工作的通知",
                      issuer="湖北省经济和信息化厅", issued_on=dt.date(2027, 3, 1), year=2027, rules=(
                          NoticeRule("condition", "hubei.third_party_evaluation", False, "三"),
                          NoticeRule("condition", "hubei.city_opinion", False, "四")))
    for level in (Level.PROVINCIAL, Level.NATIONAL):
        on = rules.evaluation_modes("factory", level, 2027)
        assert on.source == "hubei" and on.third_party_required and on.allowed == ("third_party",)
        opinion = rules.city_recommendation(level, 2027)
        assert opinion.source == "hubei" and (opinion.opinion_required, opinion.opinion_min) == (True, 10)
        aside = NoticeRules(rules, off)
        modes = aside.evaluation_modes("factory", level, 2027)
        assert modes.source == "national" and not modes.third_party_required and "self" in modes.allowed
        assert not aside.city_recommendation(level, 2027).opinion_required
        assert aside.evaluation_modes("factory", level, 2028).source == "hubei"  # another year: the region's
        codes = {r.code for r in aside.eligibility_rules_for("factory", level, 2027)}
        assert not codes & {"hubei.third_party_evaluation", "hubei.city_opinion"}
