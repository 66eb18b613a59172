"""Third-party evaluators: annual caps exact under 20 concurrent acceptances, counted the way each
region's rule says; sanctions with their end date; independence (itself, affiliates, the author
of the self-evaluation); the region's qualification requirements.

Caps: national 15 national projects per legal representative (办法 第二十条, restated by
003_a3fa60aeba77aa34.txt 二（四） for Jiangxi); Hubei 15 projects per legal entity, city and
provincial together (002_9c75e1d2ebfbdf50.txt 附件2 二(三)); Shanxi 10 provincial projects per
legal representative (004_7a8ddd82f611ab67.txt 第二十四条). Fraud: reports refused for 3 years
(001_3f04a56fc6693327.txt 四.2; 004 第二十四条).
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
from types import SimpleNamespace

import pytest

import kit
from core.errors import LimitReached, Refused
from core.extensions import db
from core.models import ApplicationStatus, AuditLog, EvaluationRequest, EvaluatorEngagement, Role
from core.review import evaluators
from core.services import limits


def _requests(region: str, level: str, firms_by_turn, n: int, year: int = 2025):
    """``n`` applications (factories, parks and supply chains in turn), each with a pending request."""
    u = kit.unit(region)
    c = kit.campaign(region, year=year, level=level, types=("factory", "park", "supply_chain"))
    applicant = kit.user(Role.APPLICANT, organization_id=None)
    ids = []
    for i in range(n):
        a = kit.application(c, u, unit_type=("factory", "park", "supply_chain")[i % 3], values={})
        firm = firms_by_turn[i % len(firms_by_turn)]
        row = evaluators.request_evaluation(applicant, a, firm, a.organization.uscc)
        ids.append(row.id)
    db.session.commit()
    return ids


def _race_worker(url, region, request_ids, barrier, results):
    from core import create_app
    from core.errors import LimitReached as Full
    from core.models import EvaluationRequest as Request

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t", "GREENMFG_RULES_YEAR": 2025,
                      "GREENMFG_REGION": region})
    with app.app_context():
        actor = SimpleNamespace(username="race")
        barrier.wait(timeout=120)
        ok = 0
        for request_id in request_ids:
            row = db.session.get(Request, request_id)
            try:
                evaluators.accept_request(actor, row, today=dt.date(2025, 6, 1))
                db.session.commit()
                ok += 1
            except Full:
                db.session.rollback()
        results.put(ok)
        db.engine.dispose()


def _race(url: str, region: str, request_ids: list[int]) -> int:
    """Every request accepted at once by its own process (20 processes released by one barrier).

    A fork server with core preloaded starts the processes (no database connection is inherited)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["core.app", "core.review.evaluators", "plugins.national.plugin",
                                "plugins.hubei.plugin", "plugins.jiangxi.plugin"])
    barrier, results = ctx.Barrier(len(request_ids)), ctx.Queue()
    procs = [ctx.Process(target=_race_worker, args=(url, region, [rid], barrier, results)) for rid in request_ids]
    for p in procs:
        p.start()
    counts = [results.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return sum(counts)


CASES = {
    # region, level, firms sharing the counter, the cap, the seed the cap cites
    "national": ("national", "national", "legal_representative", 15, kit.SEED_JIANGXI),
    "jiangxi": ("jiangxi", "national", "legal_representative", 15, kit.SEED_JIANGXI),
    "hubei": ("hubei", "provincial", "legal_entity", 15, kit.SEED_HUBEI),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_cap_is_exact_under_20_concurrent_acceptances(make_app, database_url, case):
    region, level, basis, cap, seed = CASES[case]
    app = make_app(region)
    with app.app_context():
        if basis == "legal_representative":  # two firms of one legal representative share the counter
            firms = [kit.firm("周强", qualifications=kit.HUBEI_QUALIFIED),
                     kit.firm("周强", qualifications=kit.HUBEI_QUALIFIED)]
        else:  # per legal entity: one firm
            firms = [kit.firm("周强", qualifications=kit.HUBEI_QUALIFIED)]
        ids = _requests(region, level, firms, 20)
        firm_ids = [f.id for f in firms]
    assert _race(database_url, region, ids) == cap
    with app.app_context():
        from core.models import EvaluatorFirm

        firms = [db.session.get(EvaluatorFirm, i) for i in firm_ids]
        assert db.session.query(EvaluatorEngagement).count() == cap
        accepted = db.session.query(EvaluationRequest).filter_by(status="accepted").count()
        assert accepted == cap
        rule = app.extensions["greenmfg"].rules.evaluator_cap("factory", level)
        assert rule.limit == cap and rule.basis == basis and seed in rule.cite
        key = limits.cap_key(firms[0], rule, 2025)
        assert limits.used(key) == cap
        # the refusal names the cap, the person or entity and the rule's source
        late = kit.application(kit.campaign(region, level=level), kit.unit(region), values={})
        with pytest.raises(LimitReached) as info:
            limits.accept_engagement(firms[0], late, "t", dt.date(2025, 6, 1))
        message = str(info.value)
        assert str(cap) in message and rule.source in message
        assert ("周强" if basis == "legal_representative" else firms[0].uscc) in message


@pytest.mark.region("hubei")
def test_hubei_counts_per_legal_entity_city_and_provincial_together(app):
    """Hubei: 15 per legal entity, 城市级 and 省级 together; a second firm of the same person has its own 15."""
    first = kit.firm("陈静", qualifications=kit.HUBEI_QUALIFIED)
    second = kit.firm("陈静", qualifications=kit.HUBEI_QUALIFIED)
    u = kit.unit("hubei")
    city, provincial = kit.campaign("hubei", level="city"), kit.campaign("hubei", level="provincial")
    for i in range(15):
        limits.accept_engagement(first, kit.application(city if i % 2 else provincial, u, values={}), "t")
    with pytest.raises(LimitReached, match="15"):
        limits.accept_engagement(first, kit.application(city, u, values={}), "t")
    limits.accept_engagement(second, kit.application(provincial, u, values={}), "t")
    # national projects are national's cap (per legal representative), a separate counter
    national = kit.campaign("hubei", level="national")
    limits.accept_engagement(first, kit.application(national, u, values={}), "t")


@pytest.mark.region("hubei")
def test_hubei_refuses_an_unqualified_firm_naming_the_requirement(app):
    """002_9c75e1d2ebfbdf50.txt 附件2 一(三): at least 10 mid-level staff of whom at least 5 senior."""
    weak = kit.firm(qualifications={**kit.HUBEI_QUALIFIED, "senior_staff": 4})
    a = kit.application(kit.campaign("hubei"), kit.unit("hubei"), values={})
    with pytest.raises(Refused, match="5") as info:
        limits.accept_engagement(weak, a, "t")
    assert "senior" in str(info.value)
    results = {r["code"]: r for r in evaluators.requirement_results(weak)}
    assert results["hubei.evaluator_staff"]["ok"] is False and results["hubei.evaluator_staff"]["source"] == "hubei"
    assert db.session.query(EvaluatorEngagement).count() == 0


@pytest.mark.region("shanxi")
def test_shanxi_caps_provincial_projects_per_legal_representative_at_10(app):
    c, u = kit.campaign("shanxi"), kit.unit("shanxi")
    firms = [kit.firm("王磊"), kit.firm("王磊")]
    for i in range(10):
        limits.accept_engagement(firms[i % 2], kit.application(c, u, values={}), "t")
    with pytest.raises(LimitReached) as info:
        limits.accept_engagement(firms[0], kit.application(c, u, values={}), "t")
    assert "10" in str(info.value) and kit.SEED_SHANXI in str(info.value)


def test_fraud_sanction_refuses_for_three_years_with_the_end_date(app):
    """National ``fraud`` rule: 3 years; from 2025-03-01 the last refused day is 2028-02-29 (a leap day)."""
    firm = kit.firm()
    sanction = evaluators.sanction_firm("province", firm, reason="评价报告数据造假", starts_on=dt.date(2025, 3, 1),
                                        sanction_code="fraud")
    assert sanction.ends_on == dt.date(2028, 2, 29)
    applicant = kit.user(Role.APPLICANT)
    a = kit.application(kit.campaign("national", level="national"), kit.unit("national"), values={})
    with pytest.raises(Refused, match="2028-02-29"):
        evaluators.request_evaluation(applicant, a, firm, a.organization.uscc, today=dt.date(2025, 6, 1))
    with pytest.raises(Refused, match="2028-02-29"):
        limits.accept_engagement(firm, a, "t", dt.date(2028, 2, 29))
    limits.accept_engagement(firm, a, "t", dt.date(2028, 3, 1))
    audit = db.session.query(AuditLog).filter_by(action="evaluator.sanctioned").one()
    assert audit.data["ends_on"] == "2028-02-29" and audit.data["sanction_code"] == "fraud"


@pytest.mark.region("shanxi")
def test_shanxi_evaluator_fraud_rule_gives_three_years(app):
    """004_7a8ddd82f611ab67.txt 第二十四条: 三年内不予采信其评价结果."""
    rule = app.extensions["greenmfg"].rules.sanctions["shanxi.evaluator_fraud"]
    assert rule.ban_years == 3 and rule.source == "shanxi"
    row = evaluators.sanction_firm("province", kit.firm(), reason="弄虚作假", starts_on=dt.date(2025, 7, 1),
                                   sanction_code="shanxi.evaluator_fraud")
    assert row.ends_on == dt.date(2028, 6, 30)


def test_firm_may_not_evaluate_itself_an_affiliate_or_a_unit_whose_self_evaluation_it_wrote(app):
    u, c = kit.unit("national"), kit.campaign("national", level="national")
    firm = kit.firm("孙立新")
    applicant = kit.user(Role.APPLICANT)
    # an affiliate registered on the firm
    sub = kit.organization(u, "绿评控股子公司")
    evaluators.add_affiliate("province", firm, uscc=sub.uscc, name=sub.name, relation="全资子公司")
    with pytest.raises(Refused, match="全资子公司"):
        limits.accept_engagement(firm, kit.application(c, u, org=sub, values={}), "t")
    # the same legal representative
    same = kit.organization(u, "同一法人企业", legal_representative="孙立新")
    with pytest.raises(Refused, match="affiliated"):
        limits.accept_engagement(firm, kit.application(c, u, org=same, values={}), "t")
    # it wrote the self-evaluation: named by the applicant, refused at once
    a = kit.application(c, u, values={})
    with pytest.raises(Refused, match="self-evaluation"):
        evaluators.request_evaluation(applicant, a, firm, firm.uscc)
    # or declared by the firm when accepting
    row = evaluators.request_evaluation(applicant, a, firm, a.organization.uscc)
    with pytest.raises(Refused, match="self-evaluation"):
        evaluators.accept_request(kit.user(Role.EVALUATOR, evaluator_firm_id=firm.id), row,
                                  wrote_self_evaluation=True)
    db.session.rollback()
    assert db.session.query(EvaluatorEngagement).count() == 0


def test_request_flow_is_audited_and_one_firm_per_application(app):
    u, c = kit.unit("national"), kit.campaign("national", level="national")
    firm, other = kit.firm(), kit.firm("钱永刚")
    applicant = kit.user(Role.APPLICANT)
    a = kit.application(c, u, values={}, status=ApplicationStatus.SUBMITTED)
    row = evaluators.request_evaluation(applicant, a, firm, a.organization.uscc)
    with pytest.raises(Refused, match="waiting"):
        evaluators.request_evaluation(applicant, a, other, a.organization.uscc)
    firm_user = kit.user(Role.EVALUATOR, evaluator_firm_id=firm.id)
    evaluators.accept_request(firm_user, row)
    db.session.commit()
    assert a.evaluator_firm_id == firm.id and row.status == "accepted"
    with pytest.raises(Refused, match="already evaluates"):
        evaluators.request_evaluation(applicant, a, other, a.organization.uscc)
    actions = [x.action for x in db.session.query(AuditLog).order_by(AuditLog.id)]
    assert actions == ["evaluator.requested", "evaluator.engagement_accepted", "evaluator.request_accepted"]
    # a self-evaluation (mode "self") cannot name a firm
    own = kit.application(c, u, values={}, mode="self")
    with pytest.raises(Refused, match="third-party"):
        evaluators.request_evaluation(applicant, own, firm, own.organization.uscc)
