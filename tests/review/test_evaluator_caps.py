"""Third-party evaluators: annual caps exact under concurrent acceptances (one process per request), counted the
way each document counts them, several caps on one project each with its own counter; sanctions with their end
date; independence (itself, affiliates, the author of the self-evaluation); the region's qualification
requirements.

Caps (each quoted from its seed):
* national: 《办法》 第二十条, restated by 003_a3fa60aeba77aa34.txt 二（四） (line 39): "同一法定代表人的第三方机构每年度
  开展的国家级绿色制造评价项目（包括绿色工厂、绿色园区、绿色供应链管理企业）总计不得超过15项" — national projects, per
  legal representative; the same for Jiangxi.
* Hubei: 002_9c75e1d2ebfbdf50.txt 附件2 二(三) (line 140): "同一法人的评价机构每年开展的绿色制造体系评价项目总计不得超过
  15 项" — every project of the year whatever its level, per legal entity, beside national's cap.
* Shanxi: 004_7a8ddd82f611ab67.txt 第二十四条 (line 111): "同一法定代表人的第三方机构每年度开展的省级绿色制造评价项目
  （包括绿色工厂、绿色工业园区、绿色供应链管理企业）总计不得超过10项".
Fraud: reports refused for 3 years (001_3f04a56fc6693327.txt 四.2; 004 第二十四条).
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
from types import SimpleNamespace

import pytest

import kit
from core.errors import LimitReached, Refused
from core.extensions import db
from core.models import ApplicationStatus, AuditLog, EvaluationRequest, EvaluatorEngagement, EvaluatorFirm, Role
from core.plugins import PolicyViolation, hookimpl
from core.plugins.manager import build_plugin_manager
from core.plugins.rules import RegionRules
from core.plugins.types import CapBasis, Level, Region, SharedEvaluatorCap
from core.review import evaluators
from core.services import limits

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

HUBEI_RULE = "《湖北省绿色制造体系建设实施方案（2022—2025年）》（鄂经信办节能〔2022〕8号）附件2 二(三) (鄂经信办节能〔2022〕8号: 同一法人的评价机构每年开展的绿色制造体系评价项目总计不得超过15项)"
LEVELS = ("city", "provincial", "national")


def _requests(region: str, plan: list[tuple[EvaluatorFirm, str]], year: int = 2025) -> list[int]:
    """One application and one pending request per ``(firm, level)`` of ``plan`` (types in turn)."""
    u = kit.unit(region)
    campaigns = {lv: kit.campaign(region, year=year, level=lv, types=("factory", "park", "supply_chain"))
                 for lv in {lv for _, lv in plan}}
    applicant = kit.user(Role.APPLICANT, organization_id=None)
    ids = []
    for i, (firm, level) in enumerate(plan):
        a = kit.application(campaigns[level], u, unit_type=("factory", "park", "supply_chain")[i % 3], values={})
        ids.append(evaluators.request_evaluation(applicant, a, firm, a.organization.uscc).id)
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
        barrier.wait(timeout=300)
        ok = 0
        for request_id in request_ids:
            row = db.session.get(Request, request_id)
            try:
                evaluators.accept_request(actor, row, wrote_self_evaluation=False, interested_party=False,
                                          today=dt.date(2025, 6, 1))
                db.session.commit()
                ok += 1
            except Full:
                db.session.rollback()
        results.put(ok)
        db.engine.dispose()


#: processes accepting at once; each starts an app (0.3-0.4 s of CPU on the 2-core machine), so fifty requests
#: go to ten processes, five each, released together: ten transactions contend for each counter row at a time
RACERS = 10


def _race(url: str, region: str, request_ids: list[int]) -> int:
    """The requests accepted at once by :data:`RACERS` processes (all released by one barrier), each taking its
    share in turn.

    A fork server with core preloaded starts the processes (no database connection is inherited)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["core.app", "core.review.evaluators", "plugins.national.plugin",
                                "plugins.hubei.plugin", "plugins.jiangxi.plugin"])
    shares = [request_ids[i::RACERS] for i in range(min(RACERS, len(request_ids)))]
    barrier, results = ctx.Barrier(len(shares)), ctx.Queue()
    procs = [ctx.Process(target=_race_worker, args=(url, region, share, barrier, results)) for share in shares]
    for p in procs:
        p.start()
    counts = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    return sum(counts)


@pytest.mark.parametrize("region", ["national"])
def test_national_cap_is_exact_under_20_concurrent_acceptances(make_app, database_url, region):
    """Two firms of one legal representative share the national counter: exactly 15 of 20 national projects
    (Jiangxi's cap is national's record: tests/plugins/test_jiangxi.py)."""
    app = make_app(region)
    with app.app_context():
        firms = [kit.firm("周强"), kit.firm("周强")]
        ids = _requests(region, [(firms[i % 2], "national") for i in range(20)])
        firm = firms[0]
    assert _race(database_url, region, ids) == 15
    with app.app_context():
        assert db.session.query(EvaluatorEngagement).count() == 15
        assert db.session.query(EvaluationRequest).filter_by(status="accepted").count() == 15
        rule = app.extensions["greenmfg"].rules.evaluator_cap("factory", "national")
        assert (rule.limit, rule.basis, rule.source) == (15, "legal_representative", "national")
        assert f"{kit.SEED_JIANGXI} 二（四）" in rule.cite
        assert limits.used(limits.cap_key(db.session.merge(firm), rule, 2025)) == 15


def test_hubei_16th_project_of_one_legal_entity_across_levels_under_50_concurrent_acceptances(make_app,
                                                                                               database_url):
    """002 附件2 二(三): 50 requests to one firm, city, provincial and national mixed, accepted at once by ten
    processes: exactly 15 engagements; the national ones also took their place under national's own cap."""
    app = make_app("hubei")
    with app.app_context():
        firm = kit.firm("周强", qualifications=kit.HUBEI_QUALIFIED)
        ids = _requests("hubei", [(firm, LEVELS[i % 3]) for i in range(50)])
        firm_id = firm.id
    assert _race(database_url, "hubei", ids) == 15
    with app.app_context():
        rules = app.extensions["greenmfg"].rules
        firm = db.session.get(EvaluatorFirm, firm_id)
        engagements = db.session.query(EvaluatorEngagement).all()
        assert len(engagements) == 15 and {e.level for e in engagements} <= set(LEVELS)
        shared = rules.shared_evaluator_caps["hubei.evaluator_cap"]
        assert limits.used(limits.cap_key(firm, shared, 2025)) == 15
        national = [e for e in engagements if e.level == "national"]
        national_cap = rules.evaluator_cap("factory", "national")
        assert limits.used(limits.cap_key(firm, national_cap, 2025)) == len(national)
        assert all(len(e.cap_keys) == 2 for e in national) and all(len(e.cap_keys) == 1 for e in engagements
                                                                    if e.level != "national")


def test_hubei_national_cap_per_legal_representative_binds_beside_the_entity_caps(make_app, database_url):
    """Three firms (three legal entities, each far below its own 15) of one legal representative take 21
    national projects at once: national's 15 per legal representative binds (办法 第二十条)."""
    app = make_app("hubei")
    with app.app_context():
        firms = [kit.firm("吴刚", qualifications=kit.HUBEI_QUALIFIED) for _ in range(3)]
        ids = _requests("hubei", [(firms[i % 3], "national") for i in range(21)])
        firm_ids = [f.id for f in firms]
    assert _race(database_url, "hubei", ids) == 15
    with app.app_context():
        rules = app.extensions["greenmfg"].rules
        firms = [db.session.get(EvaluatorFirm, i) for i in firm_ids]
        per_entity = [limits.used(limits.cap_key(f, rules.shared_evaluator_caps["hubei.evaluator_cap"], 2025))
                      for f in firms]
        assert sum(per_entity) == 15 and max(per_entity) <= 7
        assert limits.used(limits.cap_key(firms[0], rules.evaluator_cap("park", "national"), 2025)) == 15


@pytest.mark.region("hubei")
def test_hubei_refuses_the_16th_project_naming_the_rule_and_both_caps_count(app):
    """One legal entity, 5 projects at each level: the 16th (any level) is refused, naming the cap, the levels
    counted together, the entity and the document and article; a second entity of the same person has its own 15."""
    firm = kit.firm("陈静", qualifications=kit.HUBEI_QUALIFIED)
    u = kit.unit("hubei")
    campaigns = {lv: kit.campaign("hubei", level=lv, types=("factory", "park", "product")) for lv in LEVELS}
    for i in range(15):
        limits.accept_engagement(firm, kit.application(campaigns[LEVELS[i % 3]], u, values={}), "t")
    for level in LEVELS:
        with pytest.raises(LimitReached) as info:
            limits.accept_engagement(firm, kit.application(campaigns[level], u, unit_type="park", values={}), "t")
        message = str(info.value)
        assert "15" in message and firm.uscc in message and HUBEI_RULE in message
        assert "市级 + 省级 + 国家级" in message and "city + provincial + national" in message and "法人" in message
        assert ".txt" not in message  # the document's number and article, never a file name
    # a refusal gives back at once any place it took under another cap (here national's, for the national project)
    national_cap = app.extensions["greenmfg"].rules.evaluator_cap("factory", "national")
    assert limits.used(limits.cap_key(firm, national_cap, 2025)) == 5
    second = kit.firm("陈静", qualifications=kit.HUBEI_QUALIFIED)
    limits.accept_engagement(second, kit.application(campaigns["city"], u, values={}), "t")
    # green design products count too (ALL_TYPES of 附件3)
    rules = app.extensions["greenmfg"].rules
    caps = rules.evaluator_caps("product", "provincial")
    assert [c.code for c in caps] == ["hubei.evaluator_cap"]
    assert [(c.source, c.limit) for c in rules.evaluator_caps("factory", "national")] == [("hubei", 15), ("national", 15)]


@pytest.mark.region("hubei")
def test_a_refusal_gives_back_the_places_it_took_under_the_other_caps(app):
    """Three firms of one legal representative, 5 national projects each: national's 15 per legal representative
    is full. A 16th national project takes firm A's entity place first (its counter comes first), is refused by
    national's cap, and gives the entity place back in the same transaction."""
    rules = app.extensions["greenmfg"].rules
    firms = [kit.firm("罗斌", qualifications=kit.HUBEI_QUALIFIED) for _ in range(3)]
    u, national = kit.unit("hubei"), kit.campaign("hubei", level="national")
    for i in range(15):
        limits.accept_engagement(firms[i % 3], kit.application(national, u, values={}), "t")
    entity = limits.cap_key(firms[0], rules.shared_evaluator_caps["hubei.evaluator_cap"], 2025)
    with pytest.raises(LimitReached) as info:
        limits.accept_engagement(firms[0], kit.application(national, u, values={}), "t")
    assert "罗斌" in str(info.value) and "《绿色工厂梯度培育及管理暂行办法》(工信部节〔2024〕13号) 第二十条" in str(info.value)
    assert limits.used(entity) == 5
    # the firm still has 10 places for city and provincial projects
    assert limits.places_left(firms[0], "factory", "provincial", 2025)[0] == 10
    assert limits.places_left(firms[0], "factory", "national", 2025)[0] == 0


@pytest.mark.region("hubei")
def test_counters_start_from_the_engagements_already_recorded(app):
    """A cap a plugin adds or widens counts what the firm already took that year (engagements recorded under the
    earlier rule, e.g. Hubei's cap before it counted national projects): 14 recorded, one place left."""
    firm = kit.firm("郑华", qualifications=kit.HUBEI_QUALIFIED)
    u = kit.unit("hubei")
    national = kit.campaign("hubei", level="national")
    for _ in range(14):
        a = kit.application(national, u, values={})
        db.session.add(EvaluatorEngagement(firm_id=firm.id, application_id=a.id, year=2025, level="national",
                                           unit_type="factory", cap_key="cap:legal_representative:郑华:national:2025"))
    db.session.flush()
    left, rows = limits.places_left(firm, "factory", "provincial", 2025)
    assert left == 1 and rows[0]["used"] == 14 and rows[0]["rule"] == HUBEI_RULE
    limits.accept_engagement(firm, kit.application(kit.campaign("hubei"), u, values={}), "t")
    with pytest.raises(LimitReached):
        limits.accept_engagement(firm, kit.application(kit.campaign("hubei", level="city"), u, values={}), "t")


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
    message = str(info.value)
    assert "10" in message and "第二十四条 (晋工信节能规字〔2024〕3号:" in message and "王磊" in message


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
    sub = kit.organization(u, "绿评控股子公司")
    evaluators.add_affiliate("province", firm, uscc=sub.uscc, name=sub.name, relation="全资子公司")
    with pytest.raises(Refused, match="全资子公司"):
        limits.accept_engagement(firm, kit.application(c, u, org=sub, values={}), "t")
    same = kit.organization(u, "同一法人企业", legal_representative="孙立新")
    with pytest.raises(Refused, match="affiliated"):
        limits.accept_engagement(firm, kit.application(c, u, org=same, values={}), "t")
    a = kit.application(c, u, values={})
    with pytest.raises(Refused, match="self-evaluation"):
        evaluators.request_evaluation(applicant, a, firm, firm.uscc)
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
    assert row.declarations["wrote_self_evaluation"] is False and row.declarations["declared_by"] == firm_user.username
    with pytest.raises(Refused, match="already evaluates"):
        evaluators.request_evaluation(applicant, a, other, a.organization.uscc)
    actions = [x.action for x in db.session.query(AuditLog).order_by(AuditLog.id)]
    assert actions == ["evaluator.requested", "evaluator.engagement_accepted", "evaluator.request_accepted"]
    own = kit.application(c, u, values={}, mode="self")
    with pytest.raises(Refused, match="third-party"):
        evaluators.request_evaluation(applicant, own, firm, own.organization.uscc)


# ----------------------------------------------------------- the contract --

NAME = "capland"


class Capland:
    @hookimpl
    def gm_region(self):
        return Region(code=NAME, name="测试省", name_en="Capland")


def _rules(*caps, national_caps=(), monkeypatch=None):
    class Plugin(Capland):
        @hookimpl
        def gm_register_evaluator_caps(self):
            return list(caps)

    if national_caps:
        from plugins.national import plugin as national

        monkeypatch.setattr(national, "gm_register_evaluator_caps",
                            hookimpl(lambda: list(national_caps)), raising=False)
    rules = RegionRules(build_plugin_manager("national", [(NAME, Plugin())]))
    rules.validate(2025)
    return rules


def _cap(**kw):
    base = {"code": f"{NAME}.all_levels", "title": "三级合计", "limit": 12, "basis": CapBasis.LEGAL_ENTITY,
            "levels": (Level.CITY, Level.PROVINCIAL, Level.NATIONAL), "unit_types": ("factory", "park"),
            "cite": "test"}
    return SharedEvaluatorCap(**{**base, **kw})


def test_hook_gm_register_evaluator_caps(monkeypatch):
    """A region registers a cap counting three levels together; it applies beside the level's own cap (national's
    15 at national level), keeps its provenance and is listed by ``greenmfg rules``; start-up refuses a cap that
    is not a whole number above 0, names unknown levels or types, loosens a national cap it replaces, or would
    share one counter with another cap for different projects."""
    rules = _rules(_cap())
    caps = rules.evaluator_caps("factory", Level.NATIONAL)
    assert [(c.source, c.limit, str(c.basis)) for c in caps] == [(NAME, 12, "legal_entity"),
                                                                  ("national", 15, "legal_representative")]
    assert [c.source for c in rules.evaluator_caps("park", Level.CITY)] == [NAME]
    assert rules.evaluator_caps("supply_chain", Level.CITY) == []
    listed = {key: rec for kind, key, rec in rules.effective_rules(2025) if kind == "shared_evaluator_cap"}
    assert listed[f"{NAME}.all_levels"].source == NAME
    for bad, message in ((_cap(limit=0), "whole number"), (_cap(limit=True), "whole number"),
                         (_cap(levels=("county",)), "levels"), (_cap(unit_types=("spaceport",)), "unit types"),
                         (_cap(basis="brand"), "basis")):
        with pytest.raises(PolicyViolation, match=message):
            _rules(bad)
    clash = _cap(code=f"{NAME}.other", levels=(Level.NATIONAL,), basis=CapBasis.LEGAL_REPRESENTATIVE,
                 unit_types=("factory",))
    with pytest.raises(PolicyViolation, match="one counter"):
        _rules(clash)
    # a national shared cap may be replaced by a tighter one, never a looser one
    base = _cap(code="all_levels", limit=15, unit_types=("factory", "park"))
    tighter = _cap(code=f"{NAME}.tighter", replaces="all_levels", limit=10)
    assert _rules(tighter, national_caps=(base,), monkeypatch=monkeypatch).shared_evaluator_caps[
        "all_levels"].limit == 10
    for looser in (_cap(code=f"{NAME}.looser", replaces="all_levels", limit=16),
                   _cap(code=f"{NAME}.looser", replaces="all_levels", levels=(Level.CITY,)),
                   _cap(code=f"{NAME}.looser", replaces="all_levels", basis=CapBasis.LEGAL_REPRESENTATIVE)):
        with pytest.raises(PolicyViolation, match="looser"):
            _rules(looser, national_caps=(base,), monkeypatch=monkeypatch)


def test_the_rules_listing_shows_which_levels_count_together(make_app):
    """``greenmfg rules`` and the rules page name the levels a cap counts together and the document."""
    from core.cli.rules_cmd import rules_command

    app = make_app("hubei")
    runner = app.test_cli_runner()
    out = runner.invoke(rules_command, ["--year", "2025"]).output
    assert "shared_evaluator_cap hubei.evaluator_cap" in out
    assert "15 per legal_entity; counted together: city + provincial + national" in out
    page = app.test_client().get("/rules?kind=shared_evaluator_cap&year=2025&lang=zh").get_data(as_text=True)
    assert "市级 + 省级 + 国家级" in page and "同一法人的评价机构每年开展的绿色制造体系评价项目总计不得超过15项" in page
