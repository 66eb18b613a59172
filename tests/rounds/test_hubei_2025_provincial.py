"""Hubei 2025 provincial round, end to end through the JSON API, as the applicant, the evaluator firm, the city,
the province and the experts do it.

Reference database: PostgreSQL (the test runs on SQLite too; both must pass).

Follows seed 002_9c75e1d2ebfbdf50.txt (鄂经信办节能〔2022〕8号, 湖北省绿色制造体系建设实施方案 2022-2025):
* 三(三) (line 51): "申报主体根据申报方向要求，自主选择委托符合评价资质要求的第三方评价机构依据相应评价标准开展现场评价。
  申报主体根据每年申报通知要求向所在地经信部门提交申报材料" — the applicant chooses a qualified firm from the registry
  (places left and qualification shown), the firm evaluates on site and files its report before the application goes
  to the city: no submission without it.
* 附件2 一 (lines 125-131): the firm's qualifications (一(三): ≥10 mid-level staff, ≥5 senior) — an unqualified
  firm is shown as such and refused.
* 附件2 二(三) (line 140): "评价机构应与申报主体自评价活动保持独立性，不得为利益相关方实施评价，不得参与自评价报告编写" —
  the firm accepts with its declaration of independence; a firm that wrote the self-evaluation is refused.
  "同一法人的评价机构每年开展的绿色制造体系评价项目总计不得超过 15 项" — the 16th project of one legal entity across
  levels, 50 processes at once: tests/review/test_evaluator_caps.py (both databases).
* 附件2 二(二) (line 136): "第三方评价机构应在评价报告中如实提供资质符合性…" — the report (PDF), with the evaluated score
  per indicator of the MIIT factory table (001 附件1) and the day of the on-site visit.
* 三(四) (line 53): "市级经信部门负责对本地区申报单位及其申报资料、现场情况等进行初审，并出具推荐意见…择优向省厅推荐" —
  the city recommends.
* 附件3 (lines 148-170) 绿色制造体系预期目标任务分解表 (仙桃市 绿色工厂 1), 备注: 十四五期间…发布的 — expected targets,
  not ceilings: shown to the city, a recommendation past the figure is warned, never refused.
* 三(五) (line 55): "省经信厅组织专家或委托专业机构进行技术评审…经评审合格、公示无异议的申报单位，确认为省级绿色制造单位" —
  the province draws experts for both applications at once; each expert reads the whole application and the firm's
  report beside the score form, blind to the others until the panel closes; a public notice (the plan names no
  period: the deployer-configured platform default applies, labelled as such), objections, the provincial list.
"""
from __future__ import annotations

import io

import pytest
import round_kit as rk
from round_kit import bj, show

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

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
            "extension": {f"hubei.{key}": True for key in BASIC_CONDITIONS}}


@pytest.fixture
def rnd(make_app, tmp_path):
    app = make_app("hubei", GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"), GREENMFG_REVIEW_MIN_EXPERTS=3,
                   GREENMFG_NOTICE_PERIODS={"provincial": [NOTICE_DAYS, "calendar_days"]})
    return rk.Round(app, "hubei").setup(
        bj(2025, 4, 1, 9),
        cities={"xiantao": "hubei.xiantao"},
        applicants={"xiantao_a": ("xiantao", "仙桃无纺布制品有限公司"),
                    "xiantao_b": ("xiantao", "仙桃食品加工有限公司")},
        firms={"qualified": {"name": "湖北绿评咨询有限公司", "qualifications": QUALIFIED},
               "understaffed": {"name": "楚天节能评估有限公司", "legal_representative": "钱立",
                                "qualifications": {**QUALIFIED, "senior_staff": 4}},
               "consultant": {"name": "江汉绿色咨询有限公司", "legal_representative": "赵敏",
                              "qualifications": QUALIFIED}},
        experts=3, division="429004")


def _report(rnd: rk.Round, firm: str, request_id: int, weights: dict[str, float], when, **form):
    scores = {number: round(weight * 0.86, 2) for number, weight in weights.items()}
    data = {"scores": rk.json.dumps(scores), "file": (io.BytesIO(rk.pdf(12)), "第三方评价报告.pdf"), **form}
    return rnd.post(firm, f"/api/v1/evaluation-requests/{request_id}/report", when,
                    content_type="multipart/form-data", data=data), scores


def test_hubei_2025_provincial_round_with_third_party_evaluation_targets_and_notice(rnd):
    # -- the province opens the 2025 provincial round
    r = rnd.post("province", "/api/v1/campaigns", bj(2025, 4, 1, 10),
                 json={"year": 2025, "level": "provincial", "unit_types": ["factory"],
                       "closes_at": bj(2025, 6, 30, 23, 59).isoformat()})
    assert r.status_code == 201, f"step 1 open the round: {show(r)}"
    campaign_id = r.get_json()["id"]

    # -- 三(三): each applicant self-evaluates and looks at the registry: places left and qualification per firm
    ids = {who: rnd.apply(who, campaign_id, "factory", factory_body(rnd), bj(2025, 5, 6), submit=False)
           for who in ("xiantao_a", "xiantao_b")}
    r = rnd.get("xiantao_a", f"/api/v1/applications/{ids['xiantao_a']}/evaluation", bj(2025, 5, 6))
    assert r.status_code == 200, show(r)
    rule = r.get_json()
    assert (rule["report_required"], rule["report_stage"], rule["on_site_visit"], rule["allowed"]) == (
        True, "submit", True, ["third_party"]), rule
    # the document as people read it, then the article (issue 17), never a file name
    assert rule["rule"].startswith("《湖北省绿色制造体系建设实施方案（2022—2025年）》（鄂经信办节能〔2022〕8号）三(三)")
    assert ".txt" not in rule["rule"]
    firms = {f["name"]: f for f in rule["firms"]}
    good, weak = firms["湖北绿评咨询有限公司"], firms["楚天节能评估有限公司"]
    assert good["selectable"] and good["qualifies"] and good["places_left"] == 15, good
    assert [c["levels"] for c in good["caps"]] == [["city", "provincial", "national"]]  # one count across levels
    assert not weak["selectable"] and "5" in weak["problems"][0]["message_en"], weak  # 附件2 一(三): ≥5 senior

    # refused: the unqualified firm (附件2 一(三)), and a firm named as author of the self-evaluation (附件2 二(三))
    r = rnd.post("xiantao_a", f"/api/v1/applications/{ids['xiantao_a']}/evaluation-requests", bj(2025, 5, 6),
                 json={"firm_id": rnd.firms["understaffed"], "self_evaluation_by": rnd.usccs["xiantao_a"]})
    assert r.status_code == 409 and "senior" in rk.error_text(r), f"step 2 unqualified firm refused: {show(r)}"
    with rnd.app.app_context():
        from core.extensions import db
        from core.models import EvaluatorFirm

        consultant_uscc = db.session.get(EvaluatorFirm, rnd.firms["consultant"]).uscc
    r = rnd.post("xiantao_b", f"/api/v1/applications/{ids['xiantao_b']}/evaluation-requests", bj(2025, 5, 6),
                 json={"firm_id": rnd.firms["consultant"], "self_evaluation_by": consultant_uscc})
    assert r.status_code == 409 and "自评价" in rk.error_text(r), f"step 2 the author of the self-evaluation: {show(r)}"
    # ... or one that declares it wrote it when it accepts: refused, and it declines
    r = rnd.post("xiantao_b", f"/api/v1/applications/{ids['xiantao_b']}/evaluation-requests", bj(2025, 5, 6),
                 json={"firm_id": rnd.firms["consultant"], "self_evaluation_by": rnd.usccs["xiantao_b"]})
    assert r.status_code == 201, show(r)
    consultant_request = r.get_json()["id"]
    r = rnd.post("firm_consultant", f"/api/v1/evaluation-requests/{consultant_request}/accept", bj(2025, 5, 7),
                 json={"wrote_self_evaluation": True, "interested_party": False})
    assert r.status_code == 409 and "自评价" in rk.error_text(r), f"step 2 declared author refused: {show(r)}"
    r = rnd.post("firm_consultant", f"/api/v1/evaluation-requests/{consultant_request}/decline", bj(2025, 5, 7),
                 json={"reason": "本机构参与了该企业自评价报告的编写"})
    assert r.status_code == 200, show(r)

    # the applicants choose the qualified firm
    requests = {}
    for who in ("xiantao_a", "xiantao_b"):
        r = rnd.post(who, f"/api/v1/applications/{ids[who]}/evaluation-requests", bj(2025, 5, 8),
                     json={"firm_id": good["firm_id"], "self_evaluation_by": rnd.usccs[who]})
        assert r.status_code == 201, f"step 2 {who} chooses the qualified firm: {show(r)}"
        requests[who] = r.get_json()["id"]
    # without the firm's report the application cannot be submitted (三(三): the evaluation comes first)
    r = rnd.post("xiantao_a", f"/api/v1/applications/{ids['xiantao_a']}/submit", bj(2025, 5, 9))
    assert r.status_code == 409 and "三(三)" in rk.error_text(r), f"step 2 no submission before the report: {show(r)}"

    # -- 附件2 二(三): the firm accepts with its declaration, reads the case file (the draft is shared with it) and
    #    files its on-site evaluation report with a score per indicator
    for who in ("xiantao_a", "xiantao_b"):
        r = rnd.post("firm_qualified", f"/api/v1/evaluation-requests/{requests[who]}/accept", bj(2025, 5, 10),
                     json={"wrote_self_evaluation": False, "interested_party": False})
        assert r.status_code == 200, f"step 3 firm accepts with its declaration: {show(r)}"
        assert r.get_json()["declarations"]["wrote_self_evaluation"] is False
    r = rnd.get("firm_qualified", f"/api/v1/review/case-files/{ids['xiantao_a']}", bj(2025, 5, 20))
    assert r.status_code == 200, f"step 3 the firm reads the case file: {show(r)}"
    case = r.get_json()
    assert case["capacity"] == "firm" and case["organization"]["name"] == "仙桃无纺布制品有限公司"
    assert case["application"]["status"] == "draft" and len(case["indicators"]) == 14
    assert {f["code"]: f["value"] for f in case["region_fields"]}["hubei.independent_legal_person"] is True
    weights = {str(i["number"]): i["weight"] for i in case["indicators"]}
    # a firm not engaged for the unit does not see it
    assert rnd.get("firm_consultant", f"/api/v1/review/case-files/{ids['xiantao_a']}", bj(2025, 5, 20)).status_code \
        == 404
    r, _ = _report(rnd, "firm_qualified", requests["xiantao_a"], weights, bj(2025, 6, 1))
    assert r.status_code == 422 and "visited_on" in show(r), f"step 3 the on-site visit is required: {show(r)}"
    for who in ("xiantao_a", "xiantao_b"):
        r, scores = _report(rnd, "firm_qualified", requests[who], weights, bj(2025, 6, 1), visited_on="2025-05-28")
        assert r.status_code == 201, f"step 3 firm files its on-site report: {show(r)}"
        filed = r.get_json()
        assert filed["visited_on"] == "2025-05-28" and filed["score"] == round(sum(scores.values()), 2)
        r = rnd.post(who, f"/api/v1/applications/{ids[who]}/submit", bj(2025, 6, 5))
        assert r.status_code == 200, f"step 3 {who} submits with the report: {show(r)}"
    r = rnd.post("firm_qualified", f"/api/v1/evaluation-requests/{requests['xiantao_a']}/report", bj(2025, 6, 6),
                 content_type="multipart/form-data", data={"file": (io.BytesIO(rk.pdf(1)), "x.pdf")})
    assert r.status_code == 409, f"step 3 the submitted report is final: {show(r)}"

    # -- 附件3: the city sees its target (仙桃市 绿色工厂 1, a non-binding 预期目标) and recommends past it with a warning
    r = rnd.get("city_xiantao", "/api/v1/quotas", bj(2025, 7, 1), query_string={"campaign_id": campaign_id})
    assert r.status_code == 200, show(r)
    target = next(q for q in r.get_json()["items"] if q["unit_type"] == "factory")
    assert (target["limit"], target["binding"], target["source"]) == (1, False, "hubei"), target
    assert "附件3" in target["cite"], target
    # 三(四) 出具推荐意见: the city writes its opinion; without it the recommendation is refused (422)
    r = rnd.post("city_xiantao", f"/api/v1/applications/{ids['xiantao_a']}/recommend", bj(2025, 7, 2),
                 json={"acknowledge_warnings": True})
    assert r.status_code == 422 and "推荐意见" in r.get_json()["message_zh"], f"step 4 without the opinion: {show(r)}"
    opinion = {"acknowledge_warnings": True, "opinion": "经初审，申报资料齐全、现场情况属实，无不得申报情形，同意推荐。"}
    r = rnd.post("city_xiantao", f"/api/v1/applications/{ids['xiantao_a']}/recommend", bj(2025, 7, 2), json=opinion)
    assert r.status_code == 200 and r.get_json()["over_target"] is False, f"step 4 first recommendation: {show(r)}"
    r = rnd.post("city_xiantao", f"/api/v1/applications/{ids['xiantao_b']}/recommend", bj(2025, 7, 2), json=opinion)
    assert r.status_code == 200 and r.get_json()["over_target"] is True, f"step 4 past the target: warned: {show(r)}"

    # -- 三(五): the province draws a panel of three for both applications at once, by unit type
    r = rnd.post("province", "/api/v1/review/draws", bj(2025, 7, 15),
                 json={"application_ids": [ids["xiantao_a"], ids["xiantao_b"]], "panel_size": 3,
                       "field_from": "unit_type"})
    assert r.status_code == 200, f"step 5 experts drawn for both: {show(r)}"
    assert [(o["error"], len(o["assignments"]), o["progress"]["assigned"]) for o in r.get_json()["outcomes"]] == [
        (None, 3, 3), (None, 3, 3)]
    r = rnd.get("province", f"/api/v1/review/case-files/{ids['xiantao_b']}", bj(2025, 7, 15))
    assert r.status_code == 200 and r.get_json()["capacity"] == "staff", show(r)
    r = rnd.get("province", "/api/v1/review/applications", bj(2025, 7, 15))
    assert {a["application_id"]: a["progress"]["submitted"] for a in r.get_json()["items"]} == {
        ids["xiantao_a"]: 0, ids["xiantao_b"]: 0}

    # each expert reads the whole application and the firm's report beside the score form, and scores blind
    for app_key, totals in (("xiantao_a", [82, 84, 86]), ("xiantao_b", [78, 80, 82])):
        for n, (expert, total) in enumerate(zip(("expert1", "expert2", "expert3"), totals)):
            mine = [a for a in rnd.get(expert, "/api/v1/assignments", bj(2025, 7, 20)).get_json()["items"]
                    if a["application_id"] == ids[app_key]]
            assert len(mine) == 1, f"step 6 {expert} has the {app_key} assignment"
            r = rnd.get(expert, f"/api/v1/assignments/{mine[0]['id']}", bj(2025, 7, 20))
            body = r.get_json()
            report = body["case_file"]["evaluation"]["report"]
            assert report["visited_on"] == "2025-05-28" and report["indicator_scores"]["4"] == round(6 * 0.86, 2)
            assert body["case_file"]["indicators"][3]["evaluator_score"] == round(6 * 0.86, 2)
            assert body["others"] == [], f"step 6 {expert} sees no other expert's scores before the panel closes"
            r = rnd.get(expert, f"/api/v1/review/case-files/{ids[app_key]}/report", bj(2025, 7, 20))
            assert r.status_code == 200 and r.data[:5] == b"%PDF-", f"step 6 {expert} opens the report"
            scores = {k: round(w * total / 100, 2) for k, w in weights.items()}
            scores["1"] = round(scores["1"] + round(total - sum(scores.values()), 2), 2)
            assert rnd.patch(expert, f"/api/v1/assignments/{mine[0]['id']}", bj(2025, 7, 20),
                             json={"scores": scores}).status_code == 200
            assert rnd.post(expert, f"/api/v1/assignments/{mine[0]['id']}/submit", bj(2025, 7, 20)).status_code == 200
        r = rnd.post("province", f"/api/v1/review/applications/{ids[app_key]}/grade", bj(2025, 7, 21))
        assert r.status_code == 200 and r.get_json()["score"] == sum(totals) / 3, f"step 6 panel result: {show(r)}"
    body = rnd.get("expert3", f"/api/v1/assignments/{mine[0]['id']}", bj(2025, 7, 22)).get_json()
    assert sorted(o["total"] for o in body["others"]) == [78.0, 80.0] and body["panel_closed"], \
        "after the panel closes the others' scores are shown"

    # -- 三(五) 公示: a provincial notice; the plan names no period → the configured platform default, labelled so
    r = rnd.post("province", "/api/v1/notices", bj(2025, 8, 1, 9),
                 json={"level": "provincial", "year": 2025, "starts_on": "2025-08-01",
                       "application_ids": [ids["xiantao_a"], ids["xiantao_b"]]})
    assert r.status_code == 201, f"step 6 provincial notice opened: {show(r)}"
    notice = r.get_json()
    assert notice["period"]["days"] == NOTICE_DAYS and notice["ends_on"] == "2025-08-07", notice["period"]
    assert notice["period"]["source"] == "config" and "部署单位设定" in notice["period"]["cite"], \
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
                 json={"item_id": item["id"], "name": "吴某", "contact": "13700000001",
                       "grounds": "公示结束后才发现该企业存在环保处罚记录"})
    assert r.status_code == 409, f"step 7 no objection after the notice: {show(r)}"

    # -- the provincial list: units without objections (公示无异议) are confirmed provincial
    r = rnd.post("province", f"/api/v1/notices/{notice['id']}/publish", bj(2025, 8, 11),
                 json={"document_no": "鄂经信节能〔2025〕60号", "published_on": "2025-08-11"})
    assert r.status_code == 200, f"step 8 provincial list published: {show(r)}"
    entries = rnd.public_list(bj(2025, 8, 12), level="provincial", year=2025)
    assert [e["uscc"] for e in entries] == [rnd.usccs["xiantao_a"]], entries
    assert entries[0]["notice_no"] == "鄂经信节能〔2025〕60号" and entries[0]["city"] == "仙桃市"
    assert rnd.status(ids["xiantao_a"]) == "listed" and rnd.status(ids["xiantao_b"]) != "listed"
