"""Jiangxi 2024 joint round (国家级绿色制造名单推荐暨省级绿色制造名单遴选), end to end through the JSON API.

Reference database: PostgreSQL (the test runs on SQLite too; both must pass).

Follows seed 003_a3fa60aeba77aa34.txt (赣工信办节能函〔2024〕20号, 2024-04-02):
* 一 (line 15-17): 可采取自我评价的方式或委托具备评价能力的第三方机构…开展评价，评价合格的园区或企业，向所在地工信部门
  提交评价报告 — a new factory self-evaluates and submits its evaluation report.
* 附件 (line 82): 推荐申报国家级或省级（可同时填报） — one application asks for national and provincial.
* 一 (line 19): 各地市…于2024年5月27日前将推荐文件、推荐汇总表、推荐项目评价报告…报送省工业和信息化厅 — the city
  recommends (both levels) by 2024-05-27 24:00 Beijing time; 2024-05-28 00:00:30 is refused.
* 一 (line 19): 我厅将依据相关评价标准组织专家进行评审，遴选确定2024年度省级绿色制造名单，同时择优向工信部推荐 — the
  province reviews, lists the factory provincially (by decision; the notice names no 公示) and recommends it to MIIT
  in the same round: the national prerequisite (办法 第十一条, existing provincial listing) is satisfied by the
  same-round provincial listing; a factory the province did not list provincially is refused at the MIIT gate with
  the reason and its source.
* 二(五) / 办法 第十二条: national recommendation by 07-31 (national plugin) — the province acts on 2024-07-10.
"""
from __future__ import annotations

import pytest
import round_kit as rk
from helpers import new_signing_key
from round_kit import bj, show

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

BOTH = ["national", "provincial"]


def factory_body(rnd: rk.Round) -> dict:
    return {"contact_name": "黄磊", "contact_phone": "0791-86543210", "evaluation_mode": "self",
            "requested_levels": BOTH, "declarations": rnd.negative_list("factory", "national"),
            "extension": {"jiangxi.county": "青山湖区"}}


@pytest.fixture
def rnd(make_app, tmp_path):
    app = make_app("jiangxi", GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"), GREENMFG_REVIEW_MIN_EXPERTS=3,
                   GREENMFG_RECOMMENDATION_KEY=new_signing_key(), GREENMFG_RULES_YEAR=2024)
    return rk.Round(app, "jiangxi").setup(
        bj(2024, 4, 2, 9),
        cities={"nanchang": "jiangxi.nanchang"},
        applicants={"new_a": ("nanchang", "南昌新能源电池有限公司"),
                    "new_b": ("nanchang", "南昌光电材料有限公司"),
                    "late_c": ("nanchang", "南昌迟报机械有限公司")},
        experts=3, division="360100")


def test_jiangxi_2024_new_factory_listed_provincially_and_recommended_nationally(rnd):
    # -- the province opens the 2024 national round, run together with the provincial selection
    r = rnd.post("province", "/api/v1/campaigns", bj(2024, 4, 2, 10),
                 json={"year": 2024, "level": "national", "unit_types": ["factory"],
                       "closes_at": bj(2024, 5, 20, 23, 59).isoformat()})
    assert r.status_code == 201, f"step 1 open the joint round: {show(r)}"
    campaign = r.get_json()
    assert campaign["deadlines"]["jiangxi.city_submission"] == "2024-05-27"

    # -- new factories (no listing anywhere) ask for both levels and submit their self-evaluation report
    ids = {}
    for who in ("new_a", "new_b", "late_c"):
        ids[who] = rnd.apply(who, campaign["id"], "factory", factory_body(rnd), bj(2024, 5, 10),
                             evidence={"evaluation_report": 20})  # 一: 向所在地工信部门提交评价报告
        r = rnd.get(who, f"/api/v1/applications/{ids[who]}", bj(2024, 5, 10))
        assert sorted(r.get_json()["requested_levels"]) == BOTH, f"step 2 both levels requested: {show(r)}"

    # -- the city recommends both levels by 2024-05-27 (the national prerequisite pends this round's decision)
    for who in ("new_a", "new_b"):
        r = rnd.post("city_nanchang", f"/api/v1/applications/{ids[who]}/recommend", bj(2024, 5, 27, 23, 59),
                     json={"acknowledge_warnings": True, "consulted_departments": rk.CONSULTED, "levels": BOTH})
        assert r.status_code == 200, f"step 3 city recommends {who} at both levels: {show(r)}"
        assert sorted(r.get_json()["application"]["recommended_levels"]) == BOTH
    # ... a recommendation at 2024-05-28 00:00:30 Beijing time is refused, naming the deadline
    r = rnd.post("city_nanchang", f"/api/v1/applications/{ids['late_c']}/recommend", bj(2024, 5, 28, 0, 0, 30),
                 json={"acknowledge_warnings": True, "consulted_departments": rk.CONSULTED, "levels": BOTH})
    assert r.status_code == 409 and "2024-05-27" in rk.error_text(r), f"step 4 after 05-27 refused: {show(r)}"
    assert rnd.status(ids["late_c"]) == "submitted"

    # -- the province's expert review (一: 组织专家进行评审)
    rnd.expert_review(ids["new_a"], [88, 90, 92], bj(2024, 6, 15))
    rnd.expert_review(ids["new_b"], [80, 82, 84], bj(2024, 6, 15))

    # -- the province decides the 2024 provincial list (new_a only) and publishes it by decision
    r = rnd.post("province", "/api/v1/list-decisions", bj(2024, 6, 28, 15),
                 json={"level": "provincial", "year": 2024, "document_no": "赣工信节能字〔2024〕88号",
                       "published_on": "2024-06-28", "title": "2024年度省级绿色制造名单",
                       "application_ids": [ids["new_a"]]})
    assert r.status_code == 201, f"step 6 provincial list by decision: {show(r)}"
    entries = rnd.public_list(bj(2024, 6, 29), level="provincial", year=2024)
    assert [e["uscc"] for e in entries] == [rnd.usccs["new_a"]], entries
    assert entries[0]["notice_no"] == "赣工信节能字〔2024〕88号"

    # -- in the same round the province recommends it to MIIT: the same-round provincial listing satisfies the
    #    national prerequisite (003 一)
    r = rnd.put("province", "/api/v1/recommendations/2024/consulted", bj(2024, 7, 10),
                json={"consulted_departments": rk.CONSULTED})
    assert r.status_code == 200, show(r)
    r = rnd.post("province", "/api/v1/recommendations/2024/items", bj(2024, 7, 10),
                 json={"application_id": ids["new_a"], "acknowledge_warnings": True})
    assert r.status_code == 201, f"step 7 same-round listing satisfies the national prerequisite: {show(r)}"
    gates = {g["code"]: g for g in r.get_json()["items"][0]["gates"]}
    assert gates["national_needs_provincial"]["ok"] is True, gates
    # ... the factory the province did not list provincially is refused at the MIIT gate, with reason and source
    r = rnd.post("province", "/api/v1/recommendations/2024/items", bj(2024, 7, 10),
                 json={"application_id": ids["new_b"], "acknowledge_warnings": True})
    assert r.status_code == 409, f"step 8 unlisted factory refused at the MIIT gate: {show(r)}"
    text = rk.error_text(r)  # the rule in English, the joint round's document by its 文号 (003 一), never a file name
    assert "A national green factory must first be on the provincial list (not on the provincial list" in text, text
    assert "赣工信办节能函〔2024〕20号）一" in text and rk.SEED_JIANGXI not in text, text

    # -- the signed recommendation names the same-round provincial listing
    r = rnd.post("province", "/api/v1/recommendations/2024/export", bj(2024, 7, 10, 16))
    assert r.status_code == 200, f"step 9 signed export: {show(r)}"
    document = r.get_json()
    assert [i["uscc"] for i in document["items"]] == [rnd.usccs["new_a"]]
    listing = document["items"][0]["provincial_list"]
    assert listing["same_round"] is True and listing["year"] == 2024, listing
    assert document["items"][0]["requested_levels"] == BOTH
    r = rnd.get("province", "/api/v1/recommendations/2024/export", bj(2024, 7, 11), query_string={"format": "xlsx"})
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet"), show(r)
    assert rnd.status(ids["new_a"]) == "listed"
