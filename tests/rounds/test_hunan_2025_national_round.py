"""Hunan 2025 national round (2025年度国家级绿色制造单位推荐), end to end through the JSON API.

Reference database: PostgreSQL (the test runs on SQLite too; both must pass).

Follows seed 001_3f04a56fc6693327.txt (湖南省工业和信息化厅, enclosing 工信厅节函〔2025〕390号):
* 一.1 (line 11): 新申报单位。现有省级绿色工厂、绿色园区自愿申报 — the applicants' provincial listings come from the
  province's history (issue 15 "Importing history"), as do the city's existing national units.
* 一.2 (line 15): 现有单位。现有国家级绿色工厂、绿色园区均须完成填报; 三 (line 25): 10月27日（周一）前完成申报填报 —
  the round filing by existing national units, due 2025-10-27.
* 四.1 (line 31): 未按要求完成现有国家级绿色工厂、绿色园区填报任务的市州，将不开展该市州新申报单位的推荐工作 — a city
  whose existing national unit has not filed cannot recommend.
* 二.1 (line 19) and 附件1 二(一) (line 57): 不要求新申报单位编制第三方评价报告 / 不再需要提交第三方评价报告 — self-evaluation
  only in 2025.
* 四.2 (line 33): 各单位申报填报信息在系统提交后无法修改，不能通过修改指标提高评分 — a return for correction cannot
  raise the indicator values (only contact details may be fixed).
* 三 (line 25): 10月30日（周四）前提交新申报单位信息汇总表 — the city's summary / recommendation by 2025-10-30.
* 附件1 三 (line 67): 于2025年11月7日前将推荐名单…报送工业和信息化部 — province → MIIT by 2025-11-07 (the signed
  export); after 11-07 24:00 Beijing time refused.
"""
from __future__ import annotations

import csv
import io

import pytest
import round_kit as rk
from helpers import new_signing_key
from round_kit import bj, show

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

#: MIIT 2025 factory self-evaluation (001 附件1 绿色工厂评价要求, 14 indicators; #4 eight platform functions):
#: every indicator of the table filled in (quantitative ones as measured values; #13 not done)
SELF_VALUES = {"1": 0.9, "2": 2.0, "3": 20.0, "4": 8, "5": 1.5, "6": 4.0, "7": 90.0, "8": 80.0, "9": True,
               "10": 3.0, "11": 0.3, "12": True, "13": False, "14": 1.0}
RAISED = {**SELF_VALUES, "13": True}


def national_body(rnd: rk.Round) -> dict:
    return {"contact_name": "刘洋", "contact_phone": "13912345678", "evaluation_mode": "self",
            "declarations": rnd.negative_list("factory", "national"), "indicator_values": dict(SELF_VALUES)}


def history_csv(rnd: rk.Round) -> bytes:
    """The province's existing list entries, as its own table (the import template's Chinese headers): each
    city's national green factory (2022) and the applicants' provincial listings (2023)."""
    rows = [("国家级", 2022, "绿色工厂", "changsha_nat", "长沙市", "工信厅节函〔2022〕300号", "2022-12-30"),
            ("国家级", 2022, "绿色工厂", "zhuzhou_nat", "株洲市", "工信厅节函〔2022〕300号", "2022-12-30"),
            ("省级", 2023, "绿色工厂", "changsha_new", "长沙市", "湘工信节能〔2023〕50号", "2023-06-30"),
            ("省级", 2023, "绿色工厂", "changsha_late", "长沙市", "湘工信节能〔2023〕50号", "2023-06-30"),
            ("省级", 2023, "绿色工厂", "zhuzhou_new", "株洲市", "湘工信节能〔2023〕50号", "2023-06-30")]
    names = {"changsha_nat": "长沙老牌绿色工厂有限公司", "zhuzhou_nat": "株洲老牌绿色工厂有限公司",
             "changsha_new": "长沙新申报电子有限公司", "changsha_late": "长沙迟报材料有限公司",
             "zhuzhou_new": "株洲新申报轨道交通有限公司"}
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["层级", "年度", "类型", "统一社会信用代码", "名称", "市州", "文号", "发布日期"])  # the import template
    for level, year, unit_type, key, city, doc, day in rows:
        writer.writerow([level, year, unit_type, rnd.usccs[key], names[key], city, doc, day])
    return buf.getvalue().encode("utf-8")


@pytest.fixture
def rnd(make_app, tmp_path):
    app = make_app("hunan", GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"), GREENMFG_REVIEW_MIN_EXPERTS=3,
                   GREENMFG_RECOMMENDATION_KEY=new_signing_key())
    return rk.Round(app, "hunan").setup(
        bj(2025, 9, 28, 9),
        cities={"changsha": "hunan.changsha", "zhuzhou": "hunan.zhuzhou"},
        applicants={"changsha_nat": ("changsha", "长沙老牌绿色工厂有限公司"),
                    "zhuzhou_nat": ("zhuzhou", "株洲老牌绿色工厂有限公司"),
                    "changsha_new": ("changsha", "长沙新申报电子有限公司"),
                    "changsha_late": ("changsha", "长沙迟报材料有限公司"),
                    "zhuzhou_new": ("zhuzhou", "株洲新申报轨道交通有限公司")},
        experts=3)


def test_hunan_2025_national_round_from_history_to_signed_recommendation(rnd):
    # -- 2025-09-29: the province imports its history (issue 15): existing national units and provincial listings
    r = rnd.post("province", "/api/v1/list-history", bj(2025, 9, 29), content_type="multipart/form-data",
                 data={"file": (io.BytesIO(history_csv(rnd)), "history.csv")})
    assert r.status_code in (200, 201), f"step 1 history import: {show(r)}"
    national = {e["uscc"] for e in rnd.public_list(bj(2025, 9, 29), level="national")}
    assert {rnd.usccs["changsha_nat"], rnd.usccs["zhuzhou_nat"]} <= national

    # -- 2025-09-30: the province opens the national round; the applicants' date is 10-27 (三)
    r = rnd.post("province", "/api/v1/campaigns", bj(2025, 9, 30),
                 json={"year": 2025, "level": "national", "unit_types": ["factory"]})
    assert r.status_code == 201, f"step 2 open the round: {show(r)}"
    campaign = r.get_json()
    assert campaign["closes_at"].startswith("2025-10-27T15:59:59") or campaign["closes_at"].startswith(
        "2025-10-27T16:00"), campaign["closes_at"]
    assert campaign["deadlines"]["hunan.listed_unit_filing"] == "2025-10-27"
    assert campaign["deadlines"]["hunan.city_summary"] == "2025-10-30"

    # -- the round filing of the existing national units (一.2): opened by the province, due 10-27
    r = rnd.post("province", "/api/v1/management/round-filings", bj(2025, 9, 30), json={"campaign_id": campaign["id"]})
    assert r.status_code == 201 and r.get_json()["created"] == 2, f"step 3 round filings opened: {show(r)}"
    r = rnd.get("changsha_nat", "/api/v1/management/round-filings", bj(2025, 10, 10),
                query_string={"campaign_id": campaign["id"]})
    assert r.status_code == 200 and len(r.get_json()["items"]) == 1, show(r)
    filing = r.get_json()["items"][0]
    assert filing["due_on"] == "2025-10-27" and filing["deadline_source"] == "hunan", filing
    assert "三 (10月27日" in filing["deadline_cite"] and rk.SEED_NATIONAL_2025 not in filing["deadline_cite"], filing
    r = rnd.patch("changsha_nat", f"/api/v1/management/round-filings/{filing['id']}", bj(2025, 10, 20),
                  json={"values": SELF_VALUES})
    assert r.status_code == 200, f"step 3 existing unit saves its self-evaluation: {show(r)}"
    r = rnd.post("changsha_nat", f"/api/v1/management/round-filings/{filing['id']}/submit", bj(2025, 10, 27, 23, 59))
    assert r.status_code == 200 and r.get_json()["status"] == "submitted", f"step 3 files on 10-27: {show(r)}"
    # Zhuzhou's existing unit is late: after 10-27 24:00 its filing is refused
    r = rnd.get("zhuzhou_nat", "/api/v1/management/round-filings", bj(2025, 10, 28),
                query_string={"campaign_id": campaign["id"]})
    late_filing = r.get_json()["items"][0]["id"]
    r = rnd.patch("zhuzhou_nat", f"/api/v1/management/round-filings/{late_filing}", bj(2025, 10, 28, 0, 0, 30),
                  json={"values": SELF_VALUES})
    assert r.status_code == 409 and "2025-10-27" in rk.error_text(r), f"step 3 late round filing refused: {show(r)}"

    # -- applicants (provincial units) submit a self-evaluation; a third-party mode is not offered in 2025
    ids = {who: rnd.apply(who, campaign["id"], "factory", national_body(rnd), bj(2025, 10, 15))
           for who in ("changsha_new", "zhuzhou_new")}
    ids["changsha_late"] = rnd.apply("changsha_late", campaign["id"], "factory", national_body(rnd), bj(2025, 10, 15),
                                     submit=False)
    r = rnd.patch("changsha_late", f"/api/v1/applications/{ids['changsha_late']}", bj(2025, 10, 15),
                  json={"evaluation_mode": "third_party"})
    assert r.status_code == 422, f"step 4 no third-party evaluation in 2025 (二.1): {show(r)}"
    r = rnd.post("changsha_late", f"/api/v1/applications/{ids['changsha_late']}/submit", bj(2025, 10, 16))
    assert r.status_code == 200, show(r)

    # -- 四.2: after submission nothing raises the score; a return lets the unit fix its contact details only
    r = rnd.post("city_changsha", f"/api/v1/applications/{ids['changsha_new']}/return", bj(2025, 10, 20),
                 json={"reason": "联系电话有误，请更正", "until": bj(2025, 10, 24, 18).isoformat()})
    assert r.status_code == 200, f"step 5 city returns for correction: {show(r)}"
    r = rnd.patch("changsha_new", f"/api/v1/applications/{ids['changsha_new']}", bj(2025, 10, 21),
                  json={"indicator_values": RAISED})
    assert r.status_code in (409, 422), f"step 5 indicator values stay frozen (四.2): {show(r)}"
    assert "四.2" in rk.error_text(r) or "indicator" in rk.error_text(r), rk.error_text(r)
    r = rnd.patch("changsha_new", f"/api/v1/applications/{ids['changsha_new']}", bj(2025, 10, 21),
                  json={"contact_phone": "13800001111"})
    assert r.status_code == 200, f"step 5 contact details may be fixed: {show(r)}"
    r = rnd.post("changsha_new", f"/api/v1/applications/{ids['changsha_new']}/submit", bj(2025, 10, 21))
    assert r.status_code == 200, show(r)
    r = rnd.get("changsha_new", f"/api/v1/applications/{ids['changsha_new']}", bj(2025, 10, 21))
    assert r.get_json()["indicator_values"] == {k: v for k, v in SELF_VALUES.items()}, r.get_json()["indicator_values"]

    # -- 四.1: Zhuzhou's existing national unit has not filed: the city cannot recommend its new units
    r = rnd.post("city_zhuzhou", f"/api/v1/applications/{ids['zhuzhou_new']}/recommend", bj(2025, 10, 29),
                 json={"acknowledge_warnings": True})
    assert r.status_code == 409 and "未完成填报" in rk.error_text(r), f"step 6 city block (四.1): {show(r)}"
    # Changsha's has filed: the city recommends by 10-30 (三) ...
    r = rnd.post("city_changsha", f"/api/v1/applications/{ids['changsha_new']}/recommend", bj(2025, 10, 30, 23, 59),
                 json={"acknowledge_warnings": True})
    assert r.status_code == 200, f"step 7 city recommends by 10-30: {show(r)}"
    # ... and not after 10-30 24:00 Beijing time
    r = rnd.post("city_changsha", f"/api/v1/applications/{ids['changsha_late']}/recommend", bj(2025, 10, 31, 0, 0, 30),
                 json={"acknowledge_warnings": True})
    assert r.status_code == 409 and "2025-10-30" in rk.error_text(r), f"step 7 after 10-30 refused: {show(r)}"

    # -- the province reviews (expert panel) and sends the signed recommendation to MIIT by 11-07
    rnd.expert_review(ids["changsha_new"], [84, 86, 85], bj(2025, 11, 3))
    r = rnd.put("province", "/api/v1/recommendations/2025/consulted", bj(2025, 11, 5),
                json={"consulted_departments": rk.CONSULTED})
    assert r.status_code == 200, show(r)
    r = rnd.post("province", "/api/v1/recommendations/2025/items", bj(2025, 11, 5),
                 json={"application_id": ids["changsha_new"], "acknowledge_warnings": True})
    assert r.status_code == 201, f"step 8 province adds the unit (provincial listing from history): {show(r)}"
    gates = {g["code"]: g for g in r.get_json()["items"][0]["gates"]}
    assert gates["national_needs_provincial"]["ok"] is True, gates
    r = rnd.post("province", "/api/v1/recommendations/2025/export", bj(2025, 11, 7, 23, 59))
    assert r.status_code == 200, f"step 8 signed export on 11-07: {show(r)}"
    document = r.get_json()
    assert document["deadline"] == "2025-11-07" and document["signature"]
    assert [i["uscc"] for i in document["items"]] == [rnd.usccs["changsha_new"]], document["items"]
    r = rnd.get("province", "/api/v1/recommendations/2025/export", bj(2025, 11, 8), query_string={"format": "xlsx"})
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet"), show(r)
    # after 11-07 24:00 Beijing time the recommendation can no longer be sent or changed
    r = rnd.post("province", "/api/v1/recommendations/2025/export", bj(2025, 11, 8, 0, 0, 30))
    assert r.status_code == 409 and "2025-11-07" in rk.error_text(r), f"step 9 export after 11-07 refused: {show(r)}"
