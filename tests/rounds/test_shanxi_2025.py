"""Shanxi 2025: city list first, then the provincial round with A/B/C grading, end to end through the JSON API.

Reference database: PostgreSQL (the test runs on SQLite too; both must pass).

Follows seed 004_7a8ddd82f611ab67.txt (《山西省绿色工厂梯度培育及管理实施细则》, 晋工信节能规字〔2024〕3号):
* 第十一条 (line 57): 可采取自我评价或委托…第三方机构开展评价的方式，编写评价报告后通过管理平台提交 — self-evaluation.
* 第十二条 (line 59-61): 市级工业和信息化主管部门…组织本地区市层面绿色工厂创建，发布市层面绿色工厂名单。省层面绿色工厂
  原则上应先纳入市层面绿色工厂名单 — the city publishes its city list first (no notice named: by decision).
* 第十三条 (line 63): 在充分征求当地生态环境、应急管理、市场监管等主管部门意见后，于每年5月31日前…推荐至省工业和信息化厅
  — the city recommends by 05-31 24:00 Beijing time after consulting the three departments; …公示10个工作日，经公示无异议后
  纳入省级绿色制造名单并予以公告 — a notice opening 2025-09-26 ends 2025-10-15 (National Day 10-01..10-08 is not
  counted, 09-28 and 10-11 are make-up working days), the provincial list is published after it.
* 第十四条 (line 65): 分为A、B、C三级，推荐国家级绿色制造名单评分须达到B级以上 — the province grades A/B/C (cut-offs: the
  plugin's configurable defaults B ≥ 70, A ≥ 85); B or better is recommended to MIIT, C is refused.
* 第十五条 (line 67): 在充分征求生态环境、应急管理、市场监管等主管部门意见后，择优将省级绿色制造名单…推荐至工业和信息化部
  — by the national 2025 date 2025-11-07 (001 附件1 三).
"""
from __future__ import annotations

import pytest
import round_kit as rk
from helpers import new_signing_key
from round_kit import bj, show

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases


#: 第十一条 (line 57): 编写评价报告后通过管理平台提交 — each applicant uploads its self-evaluation report (section
#: evaluation_report), which the city's recommendation waits for


def factory_body(rnd: rk.Round, level: str) -> dict:
    return {"contact_name": "郭强", "contact_phone": "0351-7654321", "evaluation_mode": "self",
            "declarations": rnd.negative_list("factory", level),
            # 第八条 (一): 依法设立并具有独立法人资格…的独立核算单位；从事实际生产的制造型企业
            "extension": {"shanxi.independent_legal_entity": True, "shanxi.actual_manufacturing": True}}


@pytest.fixture
def rnd(make_app, tmp_path):
    app = make_app("shanxi", GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"), GREENMFG_REVIEW_MIN_EXPERTS=3,
                   GREENMFG_RECOMMENDATION_KEY=new_signing_key())
    return rk.Round(app, "shanxi").setup(
        bj(2025, 2, 10, 9),
        cities={"taiyuan": "shanxi.taiyuan"},
        applicants={"grade_a": ("taiyuan", "太原特钢精密制造有限公司"),
                    "grade_b": ("taiyuan", "太原煤机装备有限公司"),
                    "grade_c": ("taiyuan", "太原焦化新材料有限公司"),
                    "late": ("taiyuan", "太原迟报化工有限公司")},
        experts=3, division="140100")


def test_shanxi_2025_city_list_then_provincial_list_and_national_recommendation(rnd):
    applicants = ("grade_a", "grade_b", "grade_c", "late")
    # -- 第十二条: the city's round; the city reviews and publishes its city list (市层面绿色工厂名单)
    r = rnd.post("province", "/api/v1/campaigns", bj(2025, 2, 10, 10),
                 json={"year": 2025, "level": "city", "unit_types": ["factory"],
                       "closes_at": bj(2025, 3, 31, 23, 59).isoformat()})
    assert r.status_code == 201, f"step 1 city round opened: {show(r)}"
    city_round = r.get_json()["id"]
    city_ids = {who: rnd.apply(who, city_round, "factory", factory_body(rnd, "city"), bj(2025, 3, 1),
                               evidence={"evaluation_report": 10}) for who in applicants}
    for who, app_id in city_ids.items():  # 第十二条 审核: the city approves each application for its city list
        r = rnd.post("city_taiyuan", f"/api/v1/applications/{app_id}/recommend", bj(2025, 4, 10),
                     json={"acknowledge_warnings": True, "consulted_departments": rk.CONSULTED})
        assert r.status_code == 200, f"step 2 the city approves {who} for its city list: {show(r)}"
    # the city round speaks of the city list (第十二条): the applicant is told the city publishes it, the province is
    # told nothing (it has no part in the city's list)
    with rnd.app.app_context():
        from core.extensions import db
        from core.models import Notification, User

        actions = {u.username: {n.action for n in db.session.query(Notification).filter_by(user_id=u.id)}
                   for u in db.session.query(User).filter(User.username.in_(["ent_grade_a", "province_staff"]))}
    assert "application.approved_for_city_list" in actions["ent_grade_a"], actions
    assert "application.recommended" not in actions["ent_grade_a"], actions
    assert "application.recommended.province" not in actions["province_staff"], actions
    r = rnd.post("city_taiyuan", "/api/v1/list-decisions", bj(2025, 4, 15, 15),
                 json={"level": "city", "year": 2025, "document_no": "并工信节能〔2025〕12号",
                       "published_on": "2025-04-15", "title": "2025年太原市市层面绿色工厂名单",
                       "application_ids": list(city_ids.values())})
    assert r.status_code == 201, f"step 2 the city publishes its city list (第十二条): {show(r)}"
    entries = rnd.public_list(bj(2025, 4, 16), level="city", year=2025)
    assert {e["uscc"] for e in entries} == {rnd.usccs[w] for w in applicants}, entries
    assert {e["notice_no"] for e in entries} == {"并工信节能〔2025〕12号"}

    # -- the provincial round; city-listed factories apply (第十二条 原则上应先纳入市层面名单)
    r = rnd.post("province", "/api/v1/campaigns", bj(2025, 4, 20, 10),
                 json={"year": 2025, "level": "provincial", "unit_types": ["factory"],
                       "closes_at": bj(2025, 5, 25, 23, 59).isoformat()})
    assert r.status_code == 201, f"step 3 provincial round opened: {show(r)}"
    campaign = r.get_json()
    assert campaign["deadlines"]["shanxi.city_recommendation"] == "2025-05-31", campaign["deadlines"]
    ids = {who: rnd.apply(who, campaign["id"], "factory", factory_body(rnd, "provincial"), bj(2025, 5, 10),
                          evidence={"evaluation_report": 10}) for who in applicants}

    # -- 第十三条: the city recommends after consulting 生态环境/应急管理/市场监管, by 05-31
    # (a warning the city must acknowledge: the plugin gates the consultation as a recorded check, 第十三条)
    r = rnd.post("city_taiyuan", f"/api/v1/applications/{ids['grade_a']}/recommend", bj(2025, 5, 30), json={})
    assert r.status_code == 409 and "征求" in rk.error_text(r), f"step 4 consultation not recorded: {show(r)}"
    for who in ("grade_a", "grade_b", "grade_c"):
        r = rnd.post("city_taiyuan", f"/api/v1/applications/{ids[who]}/recommend", bj(2025, 5, 31, 23, 59),
                     json={"acknowledge_warnings": True, "consulted_departments": rk.CONSULTED})
        assert r.status_code == 200, f"step 4 city recommends {who} by 05-31: {show(r)}"
        checks = {c["code"]: c for c in r.get_json()["application"]["eligibility"]}
        assert checks["shanxi.provincial_needs_city_list"]["ok"] is True, checks["shanxi.provincial_needs_city_list"]
    r = rnd.post("city_taiyuan", f"/api/v1/applications/{ids['late']}/recommend", bj(2025, 6, 1, 0, 0, 30),
                 json={"acknowledge_warnings": True, "consulted_departments": rk.CONSULTED})
    assert r.status_code == 409 and "2025-05-31" in rk.error_text(r), f"step 5 after 05-31 refused: {show(r)}"

    # -- 第十四条: the province's review grades A/B/C
    tiers = {who: rnd.expert_review(ids[who], totals, bj(2025, 7, 15))["tier"]
             for who, totals in (("grade_a", [88, 90, 92]), ("grade_b", [74, 76, 78]), ("grade_c", [58, 60, 62]))}
    assert tiers == {"grade_a": "A", "grade_b": "B", "grade_c": "C"}, tiers

    # -- 第十三条: 10 working days of notice; opening 2025-09-26 it ends 2025-10-15 (across National Day)
    #    (issue 15: a notice is not backdated without a reason, and is not public before it starts)
    on_notice = [ids[w] for w in ("grade_a", "grade_b", "grade_c")]
    r = rnd.post("province", "/api/v1/notices", bj(2025, 9, 25, 9),
                 json={"level": "provincial", "year": 2025, "starts_on": "2025-09-05", "application_ids": on_notice})
    assert r.status_code in (409, 422), f"step 7 a notice backdated 20 days without a reason is refused: {show(r)}"
    r = rnd.post("province", "/api/v1/notices", bj(2025, 9, 25, 9),
                 json={"level": "provincial", "year": 2025, "starts_on": "2025-09-26", "application_ids": on_notice})
    assert r.status_code == 201, f"step 7 provincial notice: {show(r)}"
    notice = r.get_json()
    r = rnd.get(None, "/api/v1/notices", bj(2025, 9, 25, 18))
    assert notice["id"] not in {n["id"] for n in r.get_json()["items"]}, f"step 7 not public before 09-26: {show(r)}"
    r = rnd.get(None, f"/api/v1/notices/{notice['id']}", bj(2025, 9, 26, 8))
    assert r.status_code == 200 and r.get_json()["running"] is True, f"step 7 public and running on 09-26: {show(r)}"
    assert notice["ends_on"] == "2025-10-15", notice
    assert (notice["period"]["days"], notice["period"]["count"], notice["period"]["source"]) == (
        10, "working_days", "shanxi"), notice["period"]
    assert "第十三条" in notice["period"]["cite"]
    r = rnd.post("province", f"/api/v1/notices/{notice['id']}/publish", bj(2025, 10, 15, 17),
                 json={"document_no": "晋工信节能函〔2025〕200号", "published_on": "2025-10-15"})
    assert r.status_code in (409, 422), f"step 8 no publication while the notice runs: {show(r)}"

    # -- 经公示无异议后纳入省级绿色制造名单并予以公告
    r = rnd.post("province", f"/api/v1/notices/{notice['id']}/publish", bj(2025, 10, 16, 10),
                 json={"document_no": "晋工信节能函〔2025〕200号", "published_on": "2025-10-16"})
    assert r.status_code == 200, f"step 8 provincial list published after the notice: {show(r)}"
    entries = rnd.public_list(bj(2025, 10, 17), level="provincial", year=2025)
    assert {e["uscc"] for e in entries} == {rnd.usccs[w] for w in ("grade_a", "grade_b", "grade_c")}, entries

    # -- 第十五条 / 第十四条: consulted departments, then B or better to MIIT; C is refused with the reason
    r = rnd.put("province", "/api/v1/recommendations/2025/consulted", bj(2025, 10, 20),
                json={"consulted_departments": rk.CONSULTED})
    assert r.status_code == 200, show(r)
    for who in ("grade_a", "grade_b"):
        r = rnd.post("province", "/api/v1/recommendations/2025/items", bj(2025, 10, 20),
                     json={"application_id": ids[who], "acknowledge_warnings": True})
        assert r.status_code == 201, f"step 9 {who} recommended to MIIT: {show(r)}"
    r = rnd.post("province", "/api/v1/recommendations/2025/items", bj(2025, 10, 20),
                 json={"application_id": ids["grade_c"], "acknowledge_warnings": True})
    assert r.status_code == 409 and "C级" in rk.error_text(r) and "山西省" in rk.error_text(r), \
        f"step 9 grade C refused with the reason and its source (第十四条): {show(r)}"
    r = rnd.post("province", "/api/v1/recommendations/2025/export", bj(2025, 11, 3))
    assert r.status_code == 200, f"step 10 signed export: {show(r)}"
    document = r.get_json()
    assert sorted(i["tier"] for i in document["items"]) == ["A", "B"], document["items"]
