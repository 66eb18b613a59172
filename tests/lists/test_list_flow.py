"""The whole chain on SQLite and PostgreSQL: city recommendation → third-party engagement within
the cap → expert draw with avoidance and grading → a Shanxi public notice from 2025-09-26 across
National Day → objections (one blocks a unit) → list publication → recommendation to the national
list → import by a national (ministry) instance, national review and its 15-day notice.

Numbers from the seeds: Shanxi notice 10 working days (004_7a8ddd82f611ab67.txt 第十三条), so a
notice opening Friday 2025-09-26 counts 9-26, the make-up working Sunday 9-28, 9-29, 9-30, then
(after the 10-01..10-08 holiday) 10-09, 10-10, the make-up Saturday 10-11, 10-13, 10-14 and ends
on 10-15; grades A/B/C with B or better for national recommendation (第十四条); the cap of 10
provincial projects per legal representative (第二十四条); the national deadline 2025-11-07
(001_3f04a56fc6693327.txt 附件1 三) and the national notice of 15 days (办法 第十二条).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import random
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402
from helpers import new_signing_key, register_province_key  # noqa: E402
from core.applications import services as app_services
from core.errors import DeadlinePassed, Refused
from core.extensions import db
from core.kernel import uow
from core.lists import notices, recommend
from core.models import (
    AdminUnit, Application, ApplicationStatus as S, AuditLog, ListEntry, PublicNotice, Role,
)
from core.review import evaluators, experts
from core.services import limits
from core.services.admin_units import sync_admin_units

KEY = new_signing_key()
CONSULTED = ["ecology_environment", "emergency_management", "market_regulation"]
#: panel totals per unit → mean → Shanxi tier
PLAN = {"A": ("太原绿色钢铁有限公司", "shanxi.taiyuan", [92, 88], "90.00", "A"),
        "B": ("大同绿色建材有限公司", "shanxi.datong", [76, 74], "75.00", "B"),
        "C": ("晋中绿色化工有限公司", "shanxi.jinzhong", [62, 58], "60.00", "C"),
        "D": ("长治绿色装备有限公司", "shanxi.changzhi", [82, 78], "80.00", "B")}


def _unit(code: str) -> AdminUnit:
    return db.session.scalar(select(AdminUnit).where(AdminUnit.code == code))


def _submitted(c, code: str, name: str, rules) -> Application:
    a = kit.application(c, _unit(code), org=kit.organization(_unit(code), name), status=S.SUBMITTED)
    a.declarations = {i.code: True for i in rules.negative_list_for("factory", "provincial")}
    a.extension_data = {"shanxi.independent_legal_entity": True, "shanxi.actual_manufacturing": True}
    a.contact_name, a.contact_phone = "王建国", "0351-1234567"
    return a


def test_from_city_recommendation_to_the_national_list(make_app, national_url):
    province = make_app("shanxi", GREENMFG_REVIEW_MIN_EXPERTS=2, GREENMFG_RECOMMENDATION_KEY=KEY)
    with province.app_context():
        rules = province.extensions["greenmfg"].rules
        sync_admin_units("test")
        c = kit.campaign("shanxi", year=2025, level="provincial", types=("factory",))
        apps = {k: _submitted(c, code, name, rules) for k, (name, code, *_rest) in PLAN.items()}

        # -- each names the same third-party firm; it accepts within Shanxi's cap of 10 (第二十四条) and files its
        #    report (第十一条: 编写评价报告后通过管理平台提交), which the city's recommendation waits for
        firm = kit.firm("王磊", name="山西晋绿评价咨询有限公司", division="140100")
        firm_user = kit.user(Role.EVALUATOR, evaluator_firm_id=firm.id)
        for a in apps.values():
            row = evaluators.request_evaluation(kit.user(Role.APPLICANT, organization_id=a.organization_id), a, firm,
                                                a.organization.uscc, today=dt.date(2025, 5, 1))
            evaluators.accept_request(firm_user, row, today=dt.date(2025, 5, 2))
            kit.firm_report(row)
        cap = rules.evaluator_cap("factory", "provincial")
        assert (cap.limit, limits.used(limits.cap_key(firm, cap, 2025))) == (10, 4)
        uow.commit()

        # -- the cities recommend (issue 4's service: consultation recorded, warnings acknowledged)
        for a in apps.values():
            app_services.recommend(a, f"city:{a.admin_unit.code}", consulted_departments=CONSULTED,
                                   acknowledge_warnings=True, at=kit.beijing(dt.date(2025, 5, 20)))
        assert {a.status for a in apps.values()} == {S.CITY_RECOMMENDED}

        # -- the pool: two independent experts per city pair, plus experts every rule keeps out
        pool = [kit.expert(f"独立专家{i}", "shanxi", unit_=_unit(code), fields=("factory",))
                for i, code in enumerate(("shanxi.yuncheng", "shanxi.linfen", "shanxi.xinzhou", "shanxi.lvliang"))]
        local = kit.expert("太原本地专家", "shanxi", unit_=_unit("shanxi.taiyuan"), fields=("factory",))
        firm_expert = kit.expert("评价机构专家", "shanxi", unit_=_unit("shanxi.shuozhou"), firm_=firm,
                                 fields=("factory",))
        rng = random.Random(2025)
        for key, a in apps.items():
            drawn = experts.draw("province", a, 2, "factory", rng=rng)
            chosen = {r.expert_id for r in drawn}
            assert firm_expert.id not in chosen and (key != "A" or local.id not in chosen)
            for row, total in zip(drawn, PLAN[key][2], strict=True):
                experts.save_scores(row.expert.user, row, kit.scores_for(total))
                experts.submit_scores(row.expert.user, row)
            result = experts.grade("province", a)
            assert (f"{result.score:.2f}", result.tier) == PLAN[key][3:]
        assert [x["code"] for x in experts.conflicts(firm_expert, apps["B"])] == [
            "evaluator_firm", "shanxi.reviewer_independence"]
        assert [x["code"] for x in experts.conflicts(local, apps["A"])] == ["city"]
        uow.commit()
        assert len({e.id for e in pool}) == 4

        # -- the public notice: 10 working days from Friday 2025-09-26 ends on 2025-10-15
        notice = notices.open_notice("province", level="provincial", year=2025, starts_on=dt.date(2025, 9, 26),
                                     application_ids=[a.id for a in apps.values()],
                                     at=kit.beijing(dt.date(2025, 9, 25), 16))
        uow.commit()
        assert notice.ends_on == dt.date(2025, 10, 15)
        assert (notice.period_days, notice.period_count, notice.period_source) == (10, "working_days", "shanxi")
        items = {i.organization.name: i for i in notice.items}
        d_item, c_item, b_item = (items[PLAN[k][0]] for k in "DCB")

        # -- objections: one on a holiday inside the notice, one at 23:30 on its last day, none after 24:00
        on_c = notices.file_objection(notice, item_id=c_item.id, name="赵敏", contact="13900000001",
                                      grounds="该企业近三年发生过一般安全生产事故，请核实。",
                                      at=kit.beijing(dt.date(2025, 10, 1)))
        on_d = notices.file_objection(notice, item_id=d_item.id, name="钱进", contact="qian@example.com",
                                      grounds="该企业2024年被列入工业节能监察整改名单且未完成整改。",
                                      evidence="省工信厅2024年节能监察通报第12号",
                                      at=kit.beijing(dt.date(2025, 10, 15), 23, 30))
        with pytest.raises(DeadlinePassed, match="2025-10-15"):
            notices.file_objection(notice, item_id=b_item.id, name="孙磊", contact="13900000002",
                                   grounds="迟到的异议，公示期已经结束。", at=kit.beijing(dt.date(2025, 10, 16), 0, 0))
        notices.resolve_objection("province", on_c, "dismissed", "经核实，该事故不属于较大及以上事故，不影响入选。")
        uow.commit()

        # -- publication: not before the notice ends; then everyone but the unit under objection
        with pytest.raises(Refused, match="2025-10-15"):
            notices.publish("province", notice, document_no="晋工信节能函〔2025〕88号", published_on=dt.date(2025, 10, 20),
                            at=kit.beijing(dt.date(2025, 10, 15), 20))
        outcome = notices.publish("province", notice, document_no="晋工信节能函〔2025〕88号",
                                  published_on=dt.date(2025, 10, 20), at=kit.beijing(dt.date(2025, 10, 16), 9))
        uow.commit()
        assert sorted(x["name"] for x in outcome["listed"]) == sorted(PLAN[k][0] for k in "ABC")
        assert [(x["name"], x["reason"], x["open_objections"]) for x in outcome["blocked"]] == [
            (PLAN["D"][0], "open_objection", 1)]
        entries = db.session.scalars(select(ListEntry).order_by(ListEntry.id)).all()
        assert [(e.level, e.year, e.notice_no, e.listed_on) for e in entries] == [
            ("provincial", 2025, "晋工信节能函〔2025〕88号", dt.date(2025, 10, 20))] * 3
        assert apps["D"].status == S.IN_NOTICE and notice.status == "partly_published"
        notices.resolve_objection("province", on_d, "upheld", "经核实，该企业未完成节能监察整改，不予列入名单。")
        uow.commit()
        assert apps["D"].status == S.REJECTED and notice.status == "published"

        # -- recommendation to MIIT: C is below B (第十四条); A and B pass every gate
        rec = recommend.recommendation_for(2025, "province", create=True)
        recommend.set_consulted("province", rec, CONSULTED)
        before = kit.beijing(dt.date(2025, 10, 28))
        with pytest.raises(Refused, match="C级"):
            recommend.add("province", rec, apps["C"], at=before)
        for key in "AB":
            item = recommend.add("province", rec, apps[key], at=before)
            gates = {g["code"]: g for g in item.gates}
            assert gates["tier"]["ok"] and gates["national_needs_provincial"]["ok"]
            assert gates["shanxi.departments_consulted"]["ok"] and gates["round2025_unit_types"]["ok"]
        with pytest.raises(DeadlinePassed, match="2025-11-07"):
            recommend.export("province", rec, at=kit.beijing(dt.date(2025, 11, 8), 0, 0))
        document = recommend.export("province", rec, at=kit.beijing(dt.date(2025, 11, 7), 23, 59))
        uow.commit()
        assert document["province"]["code"] == "shanxi" and document["version"] == 1
        assert document["deadline"] == "2025-11-07" and document["deadline_source"] == "national"
        assert [(i["name"], i["review_score"], i["tier"]) for i in document["items"]] == [
            (PLAN["A"][0], 90.0, "A"), (PLAN["B"][0], 75.0, "B")]
        assert document["items"][0]["provincial_list"]["notice_no"] == "晋工信节能函〔2025〕88号"
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(recommend.xlsx(document))).active
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        assert rows[6][:2] == ["SHA-256", rec.digest] and rows[9][2] == "单位名称"
        assert [r[2] for r in rows[10:]] == [PLAN["A"][0], PLAN["B"][0]]
        raw = rec.document.encode("utf-8")
        actions = {x.action for x in db.session.query(AuditLog)}
        assert {"application.recommended", "evaluator.engagement_accepted", "review.experts_drawn", "review.graded",
                "notice.opened", "notice.objection_filed", "notice.objection_resolved", "list.published",
                "recommendation.unit_added", "recommendation.exported"} <= actions

    # -- a national (ministry) instance imports the signed file and queues the units
    ministry = make_app("national", SQLALCHEMY_DATABASE_URI=national_url, GREENMFG_REVIEW_MIN_EXPERTS=1)
    register_province_key(ministry, "shanxi", KEY)
    with ministry.app_context():
        tampered = json.loads(raw)
        tampered["items"][1]["review_score"] = 95.0
        with pytest.raises(Refused, match="signature"):
            recommend.import_document("ministry", json.dumps(tampered).encode())
        report = recommend.import_document("ministry", raw, at=kit.beijing(dt.date(2025, 11, 10)))
        uow.commit()
        assert report["ok"] and report["queued"] == 2 and report["notice_period"]["days"] == 15
        queued = db.session.scalars(select(Application).order_by(Application.id)).all()
        assert [(a.organization.name, a.level, a.status, a.admin_unit.region) for a in queued] == [
            (PLAN["A"][0], "national", S.UNDER_REVIEW, "shanxi"), (PLAN["B"][0], "national", S.UNDER_REVIEW, "shanxi")]
        with pytest.raises(Refused, match="already imported"):
            recommend.import_document("ministry", raw)
        db.session.rollback()

        # national review (no tiers), the 15-day notice and the national list
        reviewer = kit.expert("部专家", "national", unit_=kit.unit("national"))
        for a in queued:
            kit.panel(a, [88], [reviewer], actor="ministry")
        national_notice = notices.open_notice("ministry", level="national", year=2025, starts_on=dt.date(2025, 12, 1),
                                              application_ids=[a.id for a in queued],
                                              at=kit.beijing(dt.date(2025, 12, 1), 9))
        assert national_notice.ends_on == dt.date(2025, 12, 15) and national_notice.period_source == "national"
        notices.publish("ministry", national_notice, document_no="工信厅节函〔2026〕1号", published_on=dt.date(2026, 1, 5),
                        at=kit.beijing(dt.date(2025, 12, 16)))
        uow.commit()
        page = notices.browse(level="national", region="shanxi")
        assert page.total == 2 and {r.name for r in page.rows} == {PLAN["A"][0], PLAN["B"][0]}
        assert db.session.query(PublicNotice).count() == 1
