"""Hubei 2025 provincial round, end to end through the JSON API.

Reference database: PostgreSQL (the test runs on SQLite too; both must pass).

Follows seed 002_9c75e1d2ebfbdf50.txt (鄂经信办节能〔2022〕8号, 湖北省绿色制造体系建设实施方案 2022-2025):
* 三(三) (line 51): 申报主体…开展自评价…自主选择委托符合评价资质要求的第三方评价机构…开展现场评价 — the applicant
  names a qualified firm; 附件2 一 (lines 125-131: ≥10 mid-level staff, ≥5 senior…) the firm's qualifications;
  附件2 二(三) (line 140): 评价机构应与申报主体自评价活动保持独立性，不得为利益相关方实施评价，不得参与自评价报告编写 —
  the firm accepts with its independence declaration and files its evaluation report.
* 三(四) (line 53): 市级经信部门…初审，并出具推荐意见…择优向省厅推荐 — the city recommends.
* 附件3 (lines 148-170) 绿色制造体系预期目标任务分解表 (仙桃市 绿色工厂 1), 备注: 十四五期间…发布的 — expected targets,
  not ceilings: shown to the city, a recommendation past the figure is warned, never refused.
* 三(五) (line 55): 省经信厅组织专家…进行技术评审…经评审合格、公示无异议的申报单位，确认为省级绿色制造单位 — expert
  review, a public notice (the plan names no period: the deployer-configured platform default applies, labelled
  as such, issue 15 "Lists at every level"), objections while it runs, then the provincial list.
"""
from __future__ import annotations

import io

import pytest
import round_kit as rk
from round_kit import bj, show

#: 附件2 一: full qualifications of a firm (≥10 mid-level staff, ≥5 senior)
QUALIFIED = {"registered_in_china": True, "independent_legal_person": True, "evaluation_experience": True,
             "fixed_office": True, "sound_finances": True, "full_time_midlevel_staff": 12, "senior_staff": 6,
             "staff_compliant": True, "green_record_5y": True, "evidence_in_report": True}
SELF_VALUES = {"1": 0.9, "2": 2.0, "3": 20.0, "4": 8, "5": 1.5, "6": 4.0, "7": 90.0, "8": 80.0, "9": True,
               "10": 3.0, "11": 0.3, "12": True, "13": False, "14": 1.0}
#: 附件1 一(二) 绿色工厂基本条件, declared by the applicant
BASIC_CONDITIONS = ("independent_legal_person", "actual_manufacturing", "complies_with_laws",
                    "factory_leading_performance", "factory_management_systems", "meets_type_standard")
#: the plan names no notice period (三(五) 公示无异议); the deployer configures it (GREENMFG_NOTICE_PERIODS)
NOTICE_DAYS = 7


def factory_body(rnd: rk.Round) -> dict:
    return {"contact_name": "陈晨", "contact_phone": "027-87654321", "evaluation_mode": "third_party",
            "declarations": rnd.negative_list("factory", "provincial"), "indicator_values": dict(SELF_VALUES),
            **{f"ext_hubei__{key}": True for key in BASIC_CONDITIONS}}


@pytest.fixture
def rnd(make_app, tmp_path):
    app = make_app("hubei", GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"), GREENMFG_REVIEW_MIN_EXPERTS=3,
                   GREENMFG_NOTICE_PERIODS={"provincial": [NOTICE_DAYS, "calendar_days"]})
    return rk.Round(app, "hubei").setup(
        bj(2025, 4, 1, 9),
        cities={"xiantao": "hubei.xiantao"},
        applicants={"xiantao_a": ("xiantao", "仙桃无纺布制品有限公司"),
                    "xiantao_b": ("xiantao", "仙桃食品加工有限公司")},
        firms={"qualified": {"name": "湖北绿评咨询有限公司", "qualifications": QUALIFIED}},
        experts=3, division="429004")


def test_hubei_2025_provincial_round_with_third_party_evaluation_targets_and_notice(rnd):
    # -- the province opens the 2025 provincial round
    r = rnd.post("province", "/api/v1/campaigns", bj(2025, 4, 1, 10),
                 json={"year": 2025, "level": "provincial", "unit_types": ["factory"],
                       "closes_at": bj(2025, 6, 30, 23, 59).isoformat()})
    assert r.status_code == 201, f"step 1 open the round: {show(r)}"
    campaign_id = r.get_json()["id"]

    # -- 三(三): each applicant self-evaluates and names a qualified third-party firm for the on-site evaluation
    ids, requests = {}, {}
    for who in ("xiantao_a", "xiantao_b"):
        ids[who] = rnd.apply(who, campaign_id, "factory", factory_body(rnd), bj(2025, 5, 6), submit=False)
        r = rnd.post(who, f"/api/v1/applications/{ids[who]}/evaluation-requests", bj(2025, 5, 6),
                     json={"firm_id": rnd.firms["qualified"], "self_evaluation_by": rnd.usccs[who]})
        assert r.status_code == 201, f"step 2 {who} names the firm: {show(r)}"
        requests[who] = r.get_json()["id"]
    # without the firm's report the application cannot be submitted (三(三) 现场评价 is part of the application)
    r = rnd.post("xiantao_a", f"/api/v1/applications/{ids['xiantao_a']}/submit", bj(2025, 5, 7))
    assert r.status_code in (409, 422), f"step 2 no submission before the evaluation report: {show(r)}"

    # -- 附件2 二(三): the firm accepts with its independence declaration (did not write the self-evaluation, no
    #    interest in the unit) and files its evaluation report
    for who in ("xiantao_a", "xiantao_b"):
        r = rnd.post("firm_qualified", f"/api/v1/evaluation-requests/{requests[who]}/accept", bj(2025, 5, 10),
                     json={"wrote_self_evaluation": False, "interested_party": False})
        assert r.status_code == 200, f"step 3 firm accepts with its declaration: {show(r)}"
        assert r.get_json()["declarations"], r.get_json()
        r = rnd.post("firm_qualified", f"/api/v1/evaluation-requests/{requests[who]}/report", bj(2025, 6, 1),
                     content_type="multipart/form-data",
                     data={"score": "86", "file": (io.BytesIO(rk.pdf(12)), "第三方评价报告.pdf")})
        assert r.status_code == 201, f"step 3 firm files its evaluation report: {show(r)}"
        r = rnd.post(who, f"/api/v1/applications/{ids[who]}/submit", bj(2025, 6, 5))
        assert r.status_code == 200, f"step 3 {who} submits with the report: {show(r)}"

    # -- 附件3: the city sees its target (仙桃市 绿色工厂 1, a non-binding 预期目标) and recommends past it with a warning
    r = rnd.get("city_xiantao", "/api/v1/quotas", bj(2025, 7, 1), query_string={"campaign_id": campaign_id})
    assert r.status_code == 200, show(r)
    target = next(q for q in r.get_json() if q["unit_type"] == "factory")
    assert (target["limit"], target["binding"], target["source"]) == (1, False, "hubei"), target
    assert "附件3" in target["cite"], target
    r = rnd.post("city_xiantao", f"/api/v1/applications/{ids['xiantao_a']}/recommend", bj(2025, 7, 2),
                 json={"acknowledge_warnings": True})
    assert r.status_code == 200 and r.get_json()["over_target"] is False, f"step 4 first recommendation: {show(r)}"
    r = rnd.post("city_xiantao", f"/api/v1/applications/{ids['xiantao_b']}/recommend", bj(2025, 7, 2),
                 json={"acknowledge_warnings": True})
    assert r.status_code == 200 and r.get_json()["over_target"] is True, f"step 4 past the target: warned: {show(r)}"

    # -- 三(五): the province's expert panel (technical review)
    rnd.expert_review(ids["xiantao_a"], [82, 84, 86], bj(2025, 7, 20))
    rnd.expert_review(ids["xiantao_b"], [78, 80, 82], bj(2025, 7, 20))

    # -- 三(五) 公示: a provincial notice; the plan names no period → the configured platform default, labelled so
    r = rnd.post("province", "/api/v1/notices", bj(2025, 8, 1, 9),
                 json={"level": "provincial", "year": 2025, "starts_on": "2025-08-01",
                       "application_ids": [ids["xiantao_a"], ids["xiantao_b"]]})
    assert r.status_code == 201, f"step 6 provincial notice opened: {show(r)}"
    notice = r.get_json()
    assert notice["period"]["days"] == NOTICE_DAYS and notice["ends_on"] == "2025-08-07", notice["period"]
    assert notice["period"]["source"] == "config" and "GREENMFG_NOTICE_PERIODS" in notice["period"]["cite"], \
        notice["period"]  # labelled as the deployer's setting, not a rule of the document

    # -- objections while the notice runs (public, real name); the province resolves them
    item = next(i for i in notice["items"] if i["application_id"] == ids["xiantao_b"])
    r = rnd.post(None, f"/api/v1/notices/{notice['id']}/objections", bj(2025, 8, 3),
                 json={"item_id": item["id"], "name": "周某", "contact": "13700000000",
                       "grounds": "该企业2024年曾被责令停产整改，未如实申报"})
    assert r.status_code == 201, f"step 7 objection filed while the notice runs: {show(r)}"
    objection = r.get_json()["id"]
    r = rnd.post("province", f"/api/v1/notices/{notice['id']}/publish", bj(2025, 8, 6),
                 json={"document_no": "鄂经信节能〔2025〕60号", "published_on": "2025-08-06"})
    assert r.status_code in (409, 422), f"step 7 no publication before the notice ends: {show(r)}"
    r = rnd.post("province", f"/api/v1/objections/{objection}/resolve", bj(2025, 8, 8),
                 json={"outcome": "upheld", "resolution": "经核实，该企业2024年存在环保处罚，不予确认"})
    assert r.status_code == 200, f"step 7 objection upheld: {show(r)}"
    r = rnd.post(None, f"/api/v1/notices/{notice['id']}/objections", bj(2025, 8, 9),
                 json={"item_id": item["id"], "name": "吴某", "contact": "13700000001", "grounds": "公示结束后"})
    assert r.status_code == 409, f"step 7 no objection after the notice: {show(r)}"

    # -- the provincial list: units without objections (公示无异议) are confirmed provincial
    r = rnd.post("province", f"/api/v1/notices/{notice['id']}/publish", bj(2025, 8, 11),
                 json={"document_no": "鄂经信节能〔2025〕60号", "published_on": "2025-08-11"})
    assert r.status_code == 200, f"step 8 provincial list published: {show(r)}"
    entries = rnd.public_list(bj(2025, 8, 12), level="provincial", year=2025)
    assert [e["uscc"] for e in entries] == [rnd.usccs["xiantao_a"]], entries
    assert entries[0]["notice_no"] == "鄂经信节能〔2025〕60号" and entries[0]["city"] == "仙桃市"
    assert rnd.status(ids["xiantao_a"]) == "listed" and rnd.status(ids["xiantao_b"]) != "listed"
