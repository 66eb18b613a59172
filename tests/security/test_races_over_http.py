"""Limits that must hold under concurrency hold over HTTP (issue 47): gunicorn with several worker processes, as
the README deploys it, on PostgreSQL, sent the same actions at once from many connections.

- A binding city quota of 3 (the test plugin tests/fixtures/quota_plugin.py): five submitted applications, each
  recommended by three clients at once (15 requests) → exactly three recommended, the others answered 409
  naming the quota, and the counter at 3.
- A firm's national evaluation cap of 15 projects a year per legal representative (seed 003, 赣工信办节能函〔2024〕20号
  二（四）, the national record): twenty requests accepted at once by the firm's evaluator → exactly fifteen 200s,
  five 409s naming the cap, fifteen engagements.

tests/applications/test_race.py and tests/review/test_evaluator_caps.py race the services in processes; this file
goes through the whole request: token, loader, the API's transaction and its answer.
"""
from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "jobs"))  # cluster_kit.py
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py
from cluster_kit import Processes, base_env, redis_url  # noqa: E402

from core.extensions import db  # noqa: E402

QUOTA_PLUGIN = "quota_test=fixtures.quota_plugin"


@pytest.fixture
def served(pg_database, tmp_path):
    """gunicorn with four sync workers on the test's PostgreSQL database, for the region and plugins asked (and
    gunicorn's ``options``)."""
    procs: list[Processes] = []

    def start(region: str, extra: list[str], *options: str) -> str:
        import json

        env = base_env(pg_database.url, redis_url(14), tmp_path / "instance", GREENMFG_REGION=region,
                       GREENMFG_EXTRA_PLUGINS=json.dumps(extra), GREENMFG_RATELIMIT_ENABLED="false")
        p = Processes(env, tmp_path)
        procs.append(p)
        return p.gunicorn("race", "--workers", "4", "--timeout", "60", *options)

    yield start
    for p in procs:
        p.stop()


def _at_once(calls: list[tuple[str, dict, dict]]) -> list[requests.Response]:
    """Every call sent at the same moment, each on its own connection (released together by a barrier)."""
    barrier = threading.Barrier(len(calls))

    def send(call):
        url, headers, body = call
        with requests.Session() as session:
            barrier.wait(timeout=60)
            return session.post(url, headers=headers, json=body, timeout=60)

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(send, calls))


def test_a_binding_quota_holds_when_three_clients_recommend_five_applications_at_once(make_app, served):
    from app_world import build_world, open_campaign, submitted_applications

    from core.models import Application, LimitCounter

    app = make_app("hunan", GREENMFG_EXTRA_PLUGINS=[QUOTA_PLUGIN])
    world = build_world(app, units=("changsha",))
    ids = submitted_applications(app, world, open_campaign(app, level="city"), 5, name="并发推荐",
                                 login="http_race")
    base = served("hunan", [QUOTA_PLUGIN])
    city = {"Authorization": f"Bearer {world.tokens['city_changsha']}"}
    orders = [ids, ids[::-1], ids[2:] + ids[:2]]  # three clients, every application, each in another order
    answers = _at_once([(f"{base}/api/v1/applications/{i}/recommend", city, {"acknowledge_warnings": True})
                        for order in orders for i in order])
    codes = sorted(r.status_code for r in answers)
    # the others: 409, the quota full (naming it, its limit and where it comes from) or the application recommended
    # already by a client that was quicker
    assert codes.count(200) == 3 and codes.count(409) == 12, codes
    full = [str(r.json()) for r in answers if r.status_code == 409 and "quota_test" in str(r.json())]
    assert full and all("长沙市的绿色工厂名额已满" in body and "共3个" in body for body in full), full[:1]
    with app.app_context():
        recommended = db.session.scalar(select(func.count()).select_from(Application).where(
            Application.status == "city_recommended"))
        assert recommended == 3
        assert db.session.scalar(select(LimitCounter.used).where(LimitCounter.key.like("quota:%"))) == 3
        db.session.remove()


#: a gunicorn configuration whose master, once it has made the app (``--preload``), reads through the app's pool
#: before it forks the workers: every worker is born holding that pooled connection (issue 57)
MASTER_READS = """
def when_ready(server):
    from sqlalchemy import text

    from core.extensions import db

    app = server.app.wsgi()
    with app.app_context():
        server.log.warning("master's database session %s", db.session.scalar(text("SELECT pg_backend_pid()")))
        db.session.remove()
"""


@pytest.mark.parametrize("made", ["in-each-worker", "in-the-master-which-reads", "in-the-master-warmed"])
def test_a_national_evaluation_cap_holds_when_twenty_requests_are_accepted_at_once(make_app, served, made,
                                                                                   tmp_path):
    """Also with the app made once in gunicorn's master (``--preload``): a master whose pool holds a connection
    when the workers are forked (each worker drops it and opens its own, core/kernel/forks.py: four workers sharing
    one socket answer with 500s and wrong counts), and the documented set-up, warmed before the fork
    (``--config python:core.serving``, docs/operations.md)."""
    import kit

    from core.accounts import services as accounts
    from core.clock import this_year
    from core.models import EvaluationRequest, EvaluatorEngagement, Role
    from core.review import evaluators

    app = make_app("national")
    with app.app_context():
        firm = kit.firm("周强")
        staff = kit.user(Role.EVALUATOR, evaluator_firm_id=firm.id)
        token, _ = accounts.create_token(staff, "race")
        u = kit.unit("national")
        year = this_year()
        c = kit.campaign("national", year=year, level="national", types=("factory", "park"))
        applicant = kit.user(Role.APPLICANT, organization_id=None)
        ids = []
        for i in range(20):
            a = kit.application(c, u, unit_type=("factory", "park")[i % 2], values={})
            ids.append(evaluators.request_evaluation(applicant, a, firm, a.organization.uscc).id)
        db.session.commit()
        db.session.remove()
    options = {"in-each-worker": [], "in-the-master-warmed": ["--config", "python:core.serving"],
               "in-the-master-which-reads": ["--preload", "--config", str(tmp_path / "master_reads.py")]}[made]
    (tmp_path / "master_reads.py").write_text(MASTER_READS)
    base = served("national", [], *options)
    headers = {"Authorization": f"Bearer {token}"}
    declared = {"wrote_self_evaluation": False, "interested_party": False}
    answers = _at_once([(f"{base}/api/v1/evaluation-requests/{i}/accept", headers, declared) for i in ids])
    codes = sorted(r.status_code for r in answers)
    assert codes.count(200) == 15 and codes.count(409) == 5, codes
    said = (tmp_path / "gunicorn-race.log").read_text()
    assert made != "in-the-master-which-reads" or "master's database session" in said
    assert made != "in-the-master-warmed" or "app warmed before the workers are forked" in said
    refusals = [r.json() for r in answers if r.status_code == 409]
    assert all("15" in str(body) for body in refusals), refusals[0]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EvaluatorEngagement)) == 15
        assert db.session.scalar(select(func.count()).select_from(EvaluationRequest).where(
            EvaluationRequest.status == "accepted")) == 15
        db.session.remove()
