"""Evaluator caps and city quotas hold exactly, also with concurrent processes.

National cap: 15 national projects a year per legal representative (003_a3fa60aeba77aa34.txt 二;
办法 第二十条). Shanxi: 10 provincial projects (004_7a8ddd82f611ab67.txt 第二十四条).
"""
from __future__ import annotations

import datetime as dt
import multiprocessing

import pytest

import factories as f
from core.errors import LimitReached, Refused
from core.extensions import db
from core.models import AuditLog, Ban, EvaluatorEngagement, EvaluatorSanction
from core.services import limits

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

QUOTA_PLUGIN = "quota_test=fixtures.quota_plugin"


def test_cap_of_15_per_legal_representative_across_firms(app):
    unit, c = f.admin_unit(), f.campaign()
    same_person = [f.firm("孙立新"), f.firm("孙立新")]
    for n in range(15):
        limits.accept_engagement(same_person[n % 2], f.application(c, unit, "park" if n % 3 else "factory"), "t")
    db.session.commit()
    with pytest.raises(LimitReached) as info:
        limits.accept_engagement(same_person[0], f.application(c, unit), "t")
    message = str(info.value)
    assert "15" in message and "孙立新" in message and "national" in message
    db.session.rollback()
    # another legal representative still has all 15 places
    limits.accept_engagement(f.firm("钱永刚"), f.application(c, unit), "t")


def test_cap_does_not_count_other_levels_or_years(app):
    unit = f.admin_unit()
    firm = f.firm()
    national_2025 = f.campaign()
    for _ in range(15):
        limits.accept_engagement(firm, f.application(national_2025, unit), "t")
    provincial = f.campaign(level="provincial")
    limits.accept_engagement(firm, f.application(provincial, unit), "t")  # national rule: no provincial cap
    next_year = f.campaign(year=2026)
    limits.accept_engagement(firm, f.application(next_year, unit), "t")
    db.session.commit()


@pytest.mark.region("shanxi")
def test_shanxi_caps_provincial_projects_at_10(app):
    """004_7a8ddd82f611ab67.txt 第二十四条: 同一法定代表人 … 每年开展省级评价项目不超过10个."""
    unit, c, firm = f.admin_unit("shanxi"), f.campaign("shanxi", level="provincial"), f.firm()
    for _ in range(10):
        limits.accept_engagement(firm, f.application(c, unit), "t")
    with pytest.raises(LimitReached, match="10"):
        limits.accept_engagement(firm, f.application(c, unit), "t")


def test_sanctioned_firm_refused_with_end_date(app):
    unit, c, firm = f.admin_unit(), f.campaign(), f.firm()
    db.session.add(EvaluatorSanction(firm_id=firm.id, reason="报告造假", starts_on=dt.date(2024, 3, 1),
                                     ends_on=dt.date(2027, 2, 28)))
    with pytest.raises(Refused, match="2027-02-28"):
        limits.accept_engagement(firm, f.application(c, unit), "t", today=dt.date(2025, 6, 1))
    limits.accept_engagement(firm, f.application(c, unit), "t", today=dt.date(2027, 3, 1))


def test_banned_firm_refused_by_uscc(app):
    unit, c, firm = f.admin_unit(), f.campaign(), f.firm()
    db.session.add(Ban(uscc=firm.uscc, subject="evaluator", reason="fraud", sanction_code="fraud",
                       starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2027, 12, 31)))
    with pytest.raises(Refused, match="2027-12-31"):
        limits.accept_engagement(firm, f.application(c, unit), "t", today=dt.date(2025, 6, 1))


def test_firm_cannot_evaluate_itself(app):
    unit, c, firm = f.admin_unit(), f.campaign(), f.firm()
    org = f.organization(unit)
    org.uscc = firm.uscc  # the same legal person
    with pytest.raises(Refused, match="itself"):
        limits.accept_engagement(firm, f.application(c, unit, org=org), "t")


def test_engagement_is_audited(app):
    unit, c, firm = f.admin_unit(), f.campaign(), f.firm()
    a = f.application(c, unit)
    limits.accept_engagement(firm, a, "city:1")
    db.session.commit()
    entry = db.session.query(AuditLog).filter_by(action="evaluator.engagement_accepted").one()
    assert entry.actor == "city:1" and entry.object_id == str(a.id) and entry.data["cap_limit"] == 15


def test_binding_quota_refuses_past_the_limit_naming_it(make_app):
    app = make_app("national", GREENMFG_EXTRA_PLUGINS=[QUOTA_PLUGIN])
    with app.app_context():
        unit, c = f.admin_unit(), f.campaign()
        for _ in range(3):
            limits.reserve_quota(f.application(c, unit), "t")
        with pytest.raises(LimitReached) as info:
            limits.reserve_quota(f.application(c, unit), "t")
        assert "3" in str(info.value) and unit.name in str(info.value) and "quota_test" in str(info.value)
        # the unit type by its name in each language, never its code
        zh, en = str(info.value).split(" / ", 1)
        assert "绿色工厂" in zh and "for Green factory is full" in en, str(info.value)
        # another type has its own quota
        limits.reserve_quota(f.application(c, unit, "park"), "t")


@pytest.mark.region("hubei")
def test_hubei_targets_count_but_never_refuse(app):
    """002_9c75e1d2ebfbdf50.txt 附件3: 鄂州市 factories 3 — 预期目标, not a ceiling."""
    unit, c = f.admin_unit("hubei", code="hubei.ezhou", name="鄂州市"), f.campaign("hubei", level="provincial")
    for _ in range(4):
        quota = limits.reserve_quota(f.application(c, unit), "t")
    assert quota.limit == 3 and not quota.binding
    assert limits.used(limits.quota_key("hubei.ezhou", "factory", quota, 2025)) == 4


# ------------------------------------------------------------------ races --

def _race_worker(url, extra, kind, ids, barrier, results):
    from core import create_app
    from core.errors import LimitReached as Full
    from core.models import Application, EvaluatorFirm

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t", "GREENMFG_RULES_YEAR": 2025,
                      "GREENMFG_EXTRA_PLUGINS": extra})
    with app.app_context():
        barrier.wait(timeout=60)
        ok = 0
        for app_id, firm_id in ids:
            application = db.session.get(Application, app_id)
            try:
                if kind == "cap":
                    limits.accept_engagement(db.session.get(EvaluatorFirm, firm_id), application, "race")
                else:
                    limits.reserve_quota(application, "race")
                db.session.commit()
                ok += 1
            except Full:
                db.session.rollback()
        results.put(ok)
        db.engine.dispose()


def _race(url, extra, kind, ids, processes):
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(processes), ctx.Queue()
    chunks = [ids[i::processes] for i in range(processes)]
    procs = [ctx.Process(target=_race_worker, args=(url, extra, kind, chunk, barrier, results)) for chunk in chunks]
    for p in procs:
        p.start()
    counts = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return sum(counts)


def test_cap_race_between_processes_is_exact(app, database_url):
    """20 concurrent engagements, 4 processes, one legal representative: exactly 15 accepted."""
    unit, c = f.admin_unit(), f.campaign()
    firms = [f.firm("周强"), f.firm("周强")]
    ids = [(f.application(c, unit).id, firms[n % 2].id) for n in range(20)]
    db.session.commit()
    assert _race(database_url, [], "cap", ids, processes=4) == 15
    db.session.expire_all()
    assert db.session.query(EvaluatorEngagement).count() == 15


def test_quota_race_between_processes_is_exact(make_app, database_url):
    app = make_app("national", GREENMFG_EXTRA_PLUGINS=[QUOTA_PLUGIN])
    with app.app_context():
        unit, c = f.admin_unit(), f.campaign()
        ids = [(f.application(c, unit).id, None) for _ in range(12)]
        db.session.commit()
        assert _race(database_url, [QUOTA_PLUGIN], "quota", ids, processes=4) == 3
