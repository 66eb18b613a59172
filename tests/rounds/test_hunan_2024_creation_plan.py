"""Hunan 2024 provincial round (2024年湖南省绿色制造体系创建计划征集), end to end through the JSON API.

Reference database: PostgreSQL (the test runs on SQLite too; both must pass).

Follows seed 000_5ae1342e00264ea1.txt (湖南省工业和信息化厅, 2023-10-20):
* 抬头 (line 1): addressed to 各市州工信局、省直管试点县（市）工信部门 — a city and a pilot county submit.
* 二.3 (lines 97-108): 申请创建的单位…制定本单位创建工作方案（提纲详见附件1），向所在地市州工信局或省直管试点县（市）
  工信部门提出申请 … 于2023年12月5日前正式行文将…申报汇总表（附件2）…报送我厅 — the city / pilot county
  recommends by 2023-12-05 24:00 Beijing time; 2023-12-06 00:00:30 is refused.
* 二.4 (lines 112-120): 我厅…进行审核，筛选…确定为…创建单位，并发布2024年度湖南省绿色制造体系创建计划 — the province
  reviews (expert panel) and publishes the plan; the seed names no public notice, so the plan is published by
  DECISION with its document number (issue 15 "Lists at every level"). The plan is the stage before the list
  (issue 43): 列入创建计划的单位应…于规定时间内完成创建工作, the 评价认定 comes later (二.2), so its units are shown
  under the plan's name, not on the provincial list, until the province's 认定.
* 附件1 (创建工作方案提纲) and 附件2-1 (汇总表 columns: 主营业务, 所属行业, 现代产业体系, 经营情况…): the form fields.
"""
from __future__ import annotations


import pytest
import round_kit as rk
from round_kit import bj, show

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

FINANCES = [(2020, 5000, 40, 8000, 600, 200), (2021, 5500, 41, 8800, 650, 210), (2022, 6000, 39, 9500, 700, 230)]


def factory_body(rnd: rk.Round, main_business: str) -> dict:
    """附件1/附件2-1 fields of a factory in the 2024 creation plan (hunan plugin's provincial form)."""
    return {
        "contact_name": "赵磊", "contact_phone": "0731-88886666", "evaluation_mode": "self",
        "declarations": rnd.negative_list("factory", "provincial"),  # 二.1 negative list, declared item by item
        "extension": {
            "hunan.industry": "机械", "hunan.modern_industry": "现代石化",
            "hunan.main_business": main_business, "hunan.enterprise_nature": "民营企业",
            "hunan.founded_on": "2005-03-15", "hunan.cp_mandatory_status": "已完成",
            "hunan.cp_voluntary_status": "已完成", "hunan.energy_diagnosis_status": "已完成",
            "hunan.cp_audit_date": "2022-06-30",
            "hunan.above_designated_size": True,  # 000 一.1: 规模以上工业企业 (the city judges the claim)
            "hunan.products": [{"name": "液压件", "capacity": "10万件", "output": "8万件"}],
            "hunan.energy_total": 0.8, "hunan.water_total": 12,
            "hunan.finances": [dict(zip(("year", "total_assets", "debt_ratio", "revenue", "profit", "tax"), row))
                               for row in FINANCES],
        },
    }


@pytest.fixture
def rnd(make_app, tmp_path):
    app = make_app("hunan", GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"), GREENMFG_REVIEW_MIN_EXPERTS=3,
                   GREENMFG_RULES_YEAR=2024)
    return rk.Round(app, "hunan").setup(
        bj(2023, 10, 20, 9),
        cities={"changsha": "hunan.changsha"},
        pilot_counties={"youxian": ("hunan.youxian", "攸县")},
        applicants={"changsha_a": ("changsha", "长沙液压件制造有限公司"),
                    "changsha_b": ("changsha", "长沙精密铸造有限公司"),
                    "youxian_a": ("youxian", "攸县新材料有限公司")},
        experts=3)


def test_hunan_2024_creation_plan_from_call_to_published_plan(rnd):
    # -- 2023-10-20: the province opens the 2024 provincial round (创建计划征集). The seed names no date for the
    #    applicants; they apply to their city before the city's 12-05 deadline (二.3), so the call closes then.
    r = rnd.post("province", "/api/v1/campaigns", bj(2023, 10, 20, 10),
                 json={"year": 2024, "level": "provincial", "unit_types": ["factory", "park"],
                       "closes_at": bj(2023, 12, 5, 23, 59, 59).isoformat()})
    assert r.status_code == 201, f"step 1 province opens the round: {show(r)}"
    campaign = r.get_json()
    assert campaign["deadlines"].get("hunan.city_submission") == "2023-12-05", campaign["deadlines"]

    # -- 2023-11: enterprises in the city and in the pilot county apply with the 附件1 fields and work plan
    ids = {}
    for n, (who, business) in enumerate((("changsha_a", "工程机械液压件"), ("changsha_b", "精密铸件"),
                                         ("youxian_a", "高性能复合材料"))):
        ids[who] = rnd.apply(who, campaign["id"], "factory", factory_body(rnd, business), bj(2023, 11, 10 + n),
                             evidence={"hunan.work_plan": 3})
    # the work plan (附件1 创建工作方案提纲) is required: without it the application cannot be submitted
    late = rnd.apply("changsha_b", campaign["id"], "park", {"contact_name": "钱伟"}, bj(2023, 11, 20), submit=False)
    r = rnd.post("changsha_b", f"/api/v1/applications/{late}/submit", bj(2023, 11, 20))
    assert r.status_code == 422 and "hunan.work_plan" in [e["field"] for e in r.get_json()["errors"]], show(r)

    # -- the city and the pilot county recommend by 2023-12-05 (二.3), the last second still counts
    r = rnd.post("city_changsha", f"/api/v1/applications/{ids['changsha_a']}/recommend", bj(2023, 12, 5, 23, 59, 30),
                 json={"acknowledge_warnings": True})
    assert r.status_code == 200, f"step 3 city recommends on 12-05 23:59:30: {show(r)}"
    r = rnd.post("city_youxian", f"/api/v1/applications/{ids['youxian_a']}/recommend", bj(2023, 12, 4, 16),
                 json={"acknowledge_warnings": True})
    assert r.status_code == 200, f"step 3 pilot county recommends: {show(r)}"
    # ... a recommendation at 2023-12-06 00:00:30 Beijing time is refused, naming the deadline
    r = rnd.post("city_changsha", f"/api/v1/applications/{ids['changsha_b']}/recommend", bj(2023, 12, 6, 0, 0, 30),
                 json={"acknowledge_warnings": True})
    assert r.status_code == 409, f"step 4 a recommendation after 12-05 24:00 is refused: {show(r)}"
    assert "2023-12-05" in rk.error_text(r), rk.error_text(r)
    assert rnd.status(ids["changsha_b"]) == "submitted"

    # -- the province reviews the work plans with an expert panel (二.4 审核，筛选)
    for who in ("changsha_a", "youxian_a"):
        result = rnd.expert_review(ids[who], [86, 88, 90], bj(2023, 12, 15))
        assert result["score"] == pytest.approx(88), result

    # -- the province publishes the 2024 creation plan by DECISION with its document number (二.4 发布创建计划;
    #    no public notice is named for it)
    decision = {"level": "provincial", "year": 2024, "document_no": "湘工信节能〔2023〕120号",
                "published_on": "2023-12-28", "title": "2024年度湖南省绿色制造体系创建计划",
                "application_ids": [ids["changsha_a"], ids["youxian_a"]]}
    r = rnd.post("province", "/api/v1/notices", bj(2023, 12, 20),
                 json={"level": "provincial", "year": 2024, "starts_on": "2023-12-20",
                       "application_ids": decision["application_ids"]})
    assert r.status_code == 409, f"step 6 the plan is not put on a public notice (二.4 names none): {show(r)}"
    r = rnd.post("province", "/api/v1/list-decisions", bj(2023, 12, 28, 15),
                 json={**decision, "application_ids": [*decision["application_ids"], ids["changsha_b"]]})
    assert r.status_code == 409 and str(ids["changsha_b"]) in rk.error_text(r), \
        f"step 6 a unit the city did not recommend cannot be put on the plan: {show(r)}"
    r = rnd.post("province", "/api/v1/list-decisions", bj(2023, 12, 28, 15), json=decision)
    assert r.status_code == 201, f"step 6 province publishes the creation plan by decision: {show(r)}"
    # the plan is no listing (issue 43): the applications wait for the 认定
    assert rnd.status(ids["changsha_a"]) == "graded" and rnd.status(ids["youxian_a"]) == "graded"
    r = rnd.get(None, "/api/v1/list-decisions", bj(2023, 12, 29))  # public: the decision and the rule it follows
    published = r.get_json()["items"]
    assert [(d["document_no"], d["published_on"]) for d in published] == [("湘工信节能〔2023〕120号", "2023-12-28")]
    assert published[0]["rule"]["source"] == "hunan" and "二.4" in published[0]["rule"]["cite"], published[0]["rule"]

    # -- the public 创建计划 shows both units with the document number under the plan's name; the provincial list
    #    shows none of them until the 认定 (issue 43)
    assert rnd.public_list(bj(2023, 12, 29), level="provincial", year=2024) == []
    r = rnd.get(None, "/api/v1/list-stage", bj(2023, 12, 29), query_string={"year": 2024})
    by_uscc = {e["uscc"]: e for e in r.get_json()["items"]}
    assert set(by_uscc) == {rnd.usccs["changsha_a"], rnd.usccs["youxian_a"]}, by_uscc
    assert by_uscc[rnd.usccs["changsha_a"]]["document_no"] == "湘工信节能〔2023〕120号"
    assert by_uscc[rnd.usccs["changsha_a"]]["published_on"] == "2023-12-28"
    assert {e["stage"] for e in by_uscc.values()} == {"创建计划"} and {e["recognized"] for e in by_uscc.values()} == {None}
    assert rnd.usccs["changsha_b"] not in by_uscc  # never recommended: not on the plan
