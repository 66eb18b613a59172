"""Conditions a notice switches on are enforced in any year; none is a plan-year window (issue 53).

Hubei's plan (seed 002_9c75e1d2ebfbdf50.txt, 鄂经信办节能〔2022〕8号) sets standing rules, applied in every later round
unless a round's notice sets them aside:

* 三(三) (line 51): "自主选择委托符合评价资质要求的第三方评价机构依据相应评价标准开展现场评价" — condition
  ``hubei.third_party_evaluation``: switched on in 2027, a self-evaluated application is refused (the mode at the
  draft, 422; the submission, 409); set aside, the unit self-evaluates and submits (national's 办法 第十条 modes);
* 三(四) (line 53): "市级经信部门负责对本地区申报单位…进行初审，并出具推荐意见" — condition ``hubei.city_opinion``: on, the
  city's opinion of 9 characters is refused and one of 10 accepted (10–2000: the platform's bounds); set aside, 9 pass.

Jiangxi's joint round (seed 003_a3fa60aeba77aa34.txt 一: 遴选确定…省级绿色制造名单，同时择优向工信部推荐; 附件: 推荐申报国家级
或省级（可同时填报）) stands from 003 on: in 2027 a unit on no list asks for both levels at once, as in 2024; the 2025
national round is the Ministry's own (seed 001 一、1: 现有省级绿色工厂、绿色园区自愿申报), where it may not.
"""
from __future__ import annotations

import io
import json

import pytest
import round_kit as rk
from helpers import seed_text
from round_kit import bj, show

TP, OPINION = "hubei.third_party_evaluation", "hubei.city_opinion"
#: 附件1 一(二) 绿色工厂基本条件, declared by the applicant (as tests/rounds/test_hubei_2025_provincial.py)
BASIC_CONDITIONS = ("independent_legal_person", "actual_manufacturing", "complies_with_laws",
                    "factory_leading_performance", "factory_management_systems", "meets_type_standard")
NINE, TEN = "初审合格，同意推荐", "初审合格，同意推荐。"


@pytest.fixture
def hubei(make_app, tmp_path):
    app = make_app("hubei", GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"), GREENMFG_RULES_YEAR=2027)
    return rk.Round(app, "hubei").setup(
        bj(2027, 3, 1), cities={"xiantao": "hubei.xiantao"},
        applicants={who: ("xiantao", name) for who, name in (("on", "仙桃无纺布制品有限公司"),
                                                              ("off", "仙桃食品加工有限公司"),
                                                              ("nine", "仙桃纸业有限公司"))})


def _open(rnd: rk.Round, number: str, conditions: dict[str, bool], level: str = "provincial") -> int:
    rules = [{"kind": "condition", "key": key, "value": value, "article": "三"} for key, value in conditions.items()]
    r = rnd.post("province", "/api/v1/campaigns/notice", bj(2027, 3, 15), content_type="multipart/form-data", data={
        "year": "2027", "level": level, "unit_types": ["factory"], "notice_no": number,
        "notice_title": "关于开展2027年度省级绿色制造名单遴选工作的通知", "notice_issuer": "湖北省经济和信息化厅",
        "notice_issued_on": "2027-03-10", "rules": json.dumps(rules, ensure_ascii=False),
        "closes_at": bj(2027, 5, 31, 17).isoformat(), "file": (io.BytesIO(rk.pdf(2)), "通知.pdf")})
    assert r.status_code == 201, show(r)
    return r.get_json()["id"]


def _body(rnd: rk.Round, mode: str) -> dict:
    return {"contact_name": "陈晨", "contact_phone": "027-87654321", "evaluation_mode": mode,
            "declarations": {i.code: True for i in rnd.rules().negative_list_for("factory", "provincial", 2027)},
            "extension": {f"hubei.{key}": True for key in BASIC_CONDITIONS}}


def test_hubei_2027_third_party_evaluation_on_and_off(hubei):
    rnd = hubei
    assert "自主选择委托符合评价资质要求的第三方评价机构依据相应评价标准开展现场评价" in seed_text(rk.SEED_HUBEI)
    on = _open(rnd, "鄂经信节能〔2027〕1号", {TP: True})
    off = _open(rnd, "鄂经信节能〔2027〕2号", {TP: False, OPINION: False})

    # on: the round asks for the third party; self-evaluation is refused at the draft and at the submission
    app_id = rnd.apply("on", on, "factory", _body(rnd, "third_party"), bj(2027, 4, 1), submit=False)
    rule = rnd.get("on", f"/api/v1/applications/{app_id}/evaluation", bj(2027, 4, 1)).get_json()
    assert rule["allowed"] == ["third_party"] and rule["report_required"] and rule["report_stage"] == "submit", rule
    r = rnd.patch("on", f"/api/v1/applications/{app_id}", bj(2027, 4, 1), json={"evaluation_mode": "self"})
    assert r.status_code == 422, show(r)
    with rnd.app.app_context():  # a draft left self-evaluated (e.g. saved before) is not submitted either
        from core.extensions import db
        from core.models import Application

        db.session.get(Application, app_id).evaluation_mode = "self"
        db.session.commit()
    r = rnd.post("on", f"/api/v1/applications/{app_id}/submit", bj(2027, 4, 2))
    assert r.status_code == 409 and "本轮须委托符合资质要求的第三方评价机构" in rk.error_text(r), show(r)
    assert "三(三)" in rk.error_text(r), show(r)
    assert rnd.status(app_id) == "draft"
    rows = {(x["kind"], x["key"]): x for x in rnd.get("province", f"/api/v1/campaigns/{on}/rules",
                                                       bj(2027, 4, 2)).get_json()["rules"]}
    assert rows[("eligibility_rule", TP)]["applied_as"] == "notice"
    assert "鄂经信节能〔2027〕1号" in rows[("eligibility_rule", TP)]["value"]["notice"]

    # off: the unit self-evaluates (办法 第十条) and submits
    app_id = rnd.apply("off", off, "factory", _body(rnd, "self"), bj(2027, 4, 1))
    assert rnd.status(app_id) == "submitted"
    rule = rnd.get("off", f"/api/v1/applications/{app_id}/evaluation", bj(2027, 4, 2)).get_json()
    assert set(rule["allowed"]) == {"self", "third_party"}, rule
    results = rnd.get("off", f"/api/v1/applications/{app_id}/eligibility", bj(2027, 4, 2)).get_json()["results"]
    assert not {TP, OPINION} & {x["code"] for x in results}


def test_hubei_2027_city_opinion_on_and_off(hubei):
    """三(四) 出具推荐意见: 10 characters pass and 9 are refused where the condition is on; set aside, 9 pass."""
    rnd = hubei
    assert "并出具推荐意见" in seed_text(rk.SEED_HUBEI) and (len(NINE), len(TEN)) == (9, 10)
    on = _open(rnd, "鄂经信节能〔2027〕3号", {TP: False, OPINION: True})
    off = _open(rnd, "鄂经信节能〔2027〕4号", {TP: False, OPINION: False})
    ids = {who: rnd.apply(who, campaign, "factory", _body(rnd, "self"), bj(2027, 4, 1))
           for who, campaign in (("on", on), ("nine", off))}
    url = f"/api/v1/applications/{ids['on']}/recommend"
    for text in (None, NINE):
        r = rnd.post("city_xiantao", url, bj(2027, 6, 1), json={"acknowledge_warnings": True, "opinion": text})
        assert r.status_code == 422 and "推荐意见" in r.get_json()["message_zh"], show(r)
        assert rnd.status(ids["on"]) == "submitted"
    r = rnd.post("city_xiantao", url, bj(2027, 6, 1), json={"acknowledge_warnings": True, "opinion": TEN})
    assert r.status_code == 200 and r.get_json()["opinion"] == TEN, show(r)
    r = rnd.post("city_xiantao", f"/api/v1/applications/{ids['nine']}/recommend", bj(2027, 6, 1),
                 json={"acknowledge_warnings": True, "opinion": NINE})
    assert r.status_code == 200 and r.get_json()["opinion"] == NINE, show(r)


@pytest.fixture(params=[2025, 2027])
def jiangxi(request, make_app, tmp_path):
    year = request.param
    app = make_app("jiangxi", GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"), GREENMFG_RULES_YEAR=year)
    return year, rk.Round(app, "jiangxi").setup(bj(year, 3, 1), cities={"nanchang": "jiangxi.nanchang"},
                                                applicants={"new": ("nanchang", "南昌新能源电池有限公司")})


def test_jiangxi_joint_round_takes_a_new_unit_for_both_levels_in_any_year(jiangxi):
    year, rnd = jiangxi
    assert "推荐申报国家级 或省级 (可同时填报)" in seed_text(rk.SEED_JIANGXI)
    assert "现有省级绿色工厂、绿色园区自愿申报" in seed_text(rk.SEED_NATIONAL_2025)
    both = {"contact_name": "黄磊", "contact_phone": "0791-86543210", "evaluation_mode": "self",
            "requested_levels": ["national", "provincial"], "extension": {"jiangxi.county": "青山湖区"},
            "declarations": {i.code: True for i in rnd.rules().negative_list_for("factory", "national", year)}}
    r = rnd.post("province", "/api/v1/campaigns", bj(year, 4, 1), json={
        "year": year, "level": "national", "unit_types": ["factory"],
        "closes_at": bj(year, 5, 20, 23, 59).isoformat()})
    assert r.status_code == 201, show(r)
    campaign_id = r.get_json()["id"]
    if year == 2025:  # the Ministry's round takes existing provincial units only: no 申报层级 choice
        r = rnd.post("new", "/api/v1/applications", bj(2025, 4, 2), json={"campaign_id": campaign_id,
                                                                            "unit_type": "factory"})
        assert r.status_code == 201, show(r)
        r = rnd.patch("new", f"/api/v1/applications/{r.get_json()['id']}", bj(2025, 4, 2), json=both)
        assert r.status_code == 422 and "requested_levels" in json.dumps(r.get_json()), show(r)
        return
    # 2027: 003's joint round stands: the new unit asks for both, and national's "provincial first" waits for
    # the provincial decision of the same round instead of refusing it
    app_id = rnd.apply("new", campaign_id, "factory", both, bj(2027, 4, 2), submit=False)
    application = rnd.get("new", f"/api/v1/applications/{app_id}", bj(2027, 4, 2)).get_json()
    assert sorted(application["requested_levels"]) == ["national", "provincial"], application
    with rnd.app.app_context(), rk.at(bj(2027, 4, 2)):
        from core.applications.eligibility import evaluate
        from core.extensions import db
        from core.models import Application

        results = {x["code"]: x for x in evaluate(db.session.get(Application, app_id))}
    assert results["joint_round.provincial_pending"]["ok"] is True
    assert results["national_needs_provincial"]["ok"] is not False, results["national_needs_provincial"]
