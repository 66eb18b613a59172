"""Hubei's 2025 national round: the plan's third-party condition reads "不适用 / not applicable" for a self-evaluated
unit, not "✓ 符合", and blocks nothing.

鄂经信办节能〔2022〕8号 三(三) (002_9c75e1d2ebfbdf50.txt) asks every applicant of the plan's rounds for an on-site
evaluation by a qualified third party (自主选择委托符合评价资质要求的第三方评价机构依据相应评价标准开展现场评价);
MIIT's 2025 round asks for the platform self-evaluation only: 如实自主填报申报表完成自评价 … 不再需要提交第三方评价报告
(工信厅节函〔2025〕390号 附件1 二(一), 001_3f04a56fc6693327.txt). The provincial round of the same year still needs it.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent))  # app_world.py
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py
import kit  # noqa: E402
from app_world import build_world, open_campaign  # noqa: E402
from helpers import seed_text  # noqa: E402

RULE = "hubei.third_party_evaluation"
CONSULTED = ["ecology_environment", "emergency_management", "market_regulation"]


def test_the_seeds_say_so():
    assert "自主选择委托符合评价资质要求的第三方评价机构依据相应评价标准开展现场评价" in seed_text("002_9c75e1d2ebfbdf50.txt")
    assert "不再需要提交第三方评价报告" in seed_text("001_3f04a56fc6693327.txt")


def _row(page: str) -> str:
    return next(r for r in re.findall(r"<tr>(.*?)</tr>", page, re.DOTALL) if "第三方评价机构开展现场评价" in r
                or "third-party" in r.lower() and "on-site" in r.lower())


def test_a_self_evaluated_unit_of_the_2025_national_round_reads_not_applicable(make_app):
    from core.applications import eligibility
    from core.extensions import db
    from core.models import Application

    app = make_app("hubei", WTF_CSRF_ENABLED=False)
    world = build_world(app, units=("wuhan", "yichang"))
    campaign = open_campaign(app, level="national", year=2025)
    answer = world.api("applicant_wuhan").post("/api/v1/applications", json={"campaign_id": campaign,
                                                                              "unit_type": "factory"})
    assert answer.status_code == 201, answer.get_json()
    ident = answer.get_json()["id"]
    with app.app_context():
        a = db.session.get(Application, ident)
        assert a.evaluation_mode == "self"
        results = eligibility.evaluate(a, dt.date(2025, 10, 1), {"consulted_departments": CONSULTED})
        (rule,) = [r for r in results if r["code"] == RULE]
        assert rule["ok"] is True and rule["applicable"] is False and "390号" in rule["message"], rule
        # neither a blocker nor a warning to acknowledge, at submission or at the city's recommendation
        for picked in (eligibility.submit_blockers(results), eligibility.recommend_blockers(results),
                       eligibility.warnings(results)):
            assert RULE not in {r["code"] for r in picked}
        # the provincial round of the plan still asks for the third party: a self-evaluated unit fails it there
        provincial = kit.application(kit.campaign("hubei", year=2025, level="provincial", types=("factory",)),
                                     kit.unit("hubei", "hubei.wuhan"), mode="self")
        (there,) = [r for r in eligibility.evaluate(provincial, dt.date(2025, 6, 1)) if r["code"] == RULE]
        assert there["ok"] is False and "applicable" not in there
        db.session.rollback()

    ent = world.client("applicant_wuhan")
    for lang, shown, other in (("zh", "– 不适用", "符合"), ("en", "– not applicable", "met")):
        row = _row(ent.get(f"/applications/{ident}?lang={lang}").get_data(as_text=True))
        assert shown in row and "✓" not in row and "✗" not in row, row
        assert f"✓ {other}" not in row and "390号" in row
    body = world.api("applicant_wuhan").get(f"/api/v1/applications/{ident}/eligibility").get_json()
    (rule,) = [r for r in body["results"] if r["code"] == RULE]
    assert rule["ok"] is True and rule["applicable"] is False


def test_the_provinces_national_gate_reads_not_applicable(make_app):
    from core.extensions import db
    from core.lists import recommend
    from core.models import ApplicationStatus as S, ListEntry

    app = make_app("hubei", GREENMFG_REVIEW_MIN_EXPERTS=1)
    with app.app_context():
        c = kit.campaign("hubei", year=2025, level="national", types=("factory",))
        a = kit.application(c, kit.unit("hubei", "hubei.wuhan"), status=S.CITY_RECOMMENDED, mode="self")
        db.session.add(ListEntry(organization_id=a.organization_id, unit_type="factory", level="provincial",
                                 year=2024, status="listed", listed_on=dt.date(2024, 12, 20), notice_no="鄂经信节能〔2024〕1号"))
        db.session.flush()
        gates = recommend.gates(a, 2025, CONSULTED, dt.date(2025, 10, 25))
        (gate,) = [g for g in gates if g["code"] == RULE]
        assert gate["ok"] is True and gate["applicable"] is False and "390号" in gate["message"]
        assert gate not in recommend.blockers(gates) and gate not in recommend.warnings(gates)
