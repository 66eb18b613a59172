"""A round records its notice (issue 43 "Rules per round"): province staff open the 2027 national-level round from
the year's notice, which changes a deadline, a quota and one condition; the services apply what the notice sets, and
the rules page, the API and ``greenmfg rounds rules`` list it as coming from that notice (文号).

What the 2027 notice changes, in every region (no code change for a new year):

* the deadline of the province's recommendation to the Ministry: 《绿色工厂梯度培育及管理暂行办法》 第十二条 sets
  07-31 (../shared/reference/domain.md B1; ``province_recommendation`` of the national plugin); a year's notice may
  set another day, as the 2025 notice did (seed 001_3f04a56fc6693327.txt 附件1 三: 2025 年 11 月 7 日前). The
  2027 notice sets 2027-08-14;
* a quota: no document sets a city's places for 2027 (Hubei's plan, seed 002 附件3, ran 2021-2025); the notice gives
  the first city 1 place for factories;
* one condition, set aside for the round (:data:`CONDITIONS`, each with the seed that sets it).
"""
from __future__ import annotations

import io
import json

import pytest
import round_kit as rk
from helpers import seed_text
from round_kit import bj, show



#: per region: the condition the 2027 notice sets aside, the seed that sets it and the words it sets it with
CONDITIONS = {
    "hunan": ("hunan.city_block_unfiled", rk.SEED_NATIONAL_2025, "未按要求完成现有国家级绿色工厂、绿色园区填报任务的市州"),
    "hubei": ("hubei.city_opinion", rk.SEED_HUBEI, "市级经信部门负责对本地区申报单位及其申报资料、现场情况等进行初审"),
    "jiangxi": ("jiangxi.city_consultation", rk.SEED_JIANGXI, "积极征求当地生态环境、应急管理、市场监管等主管部门意见"),
    "shanxi": ("shanxi.departments_consulted", rk.SEED_SHANXI, "在充分征求当地生态环境、应急管理、市场监管等主管部门意见后"),
    # the Ministry's own notice sets aside its 办法 第十一条 (restated in seed 001 一.1: 现有省级绿色工厂…自愿申报)
    "national": ("national_needs_provincial", rk.SEED_NATIONAL_2025, "现有省级绿色工厂、绿色园区自愿申报"),
}
REGIONS = list(CONDITIONS)
NUMBER = "绿制办〔2027〕3号"
TITLE = "关于组织开展2027年度绿色制造名单推荐工作的通知"
DEADLINE = "province_recommendation"


@pytest.fixture(params=REGIONS)
def rnd(request, make_app, tmp_path):
    region = request.param
    app = make_app(region, GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"), GREENMFG_RULES_YEAR=2027,
                   WTF_CSRF_ENABLED=False)
    rules = app.extensions["greenmfg"].rules
    cities, counties = {}, {}
    if rules.admin_units:
        cities["city"] = sorted(rules.admin_units)[0]
    else:  # the Ministry's instance: provinces submit, entered by the administrator
        counties["city"] = ("national.demo_province", "示范省")
    return rk.Round(app, region).setup(bj(2027, 3, 1), cities=cities, pilot_counties=counties,
                                       applicants={"ent": ("city", "绿源精密制造有限公司")})


def _notice_form(rnd, rules: list[dict], **extra) -> dict:
    return {"year": "2027", "level": "national", "unit_types": ["factory", "park"], "notice_no": NUMBER,
            "notice_title": TITLE, "notice_issuer": "省工业和信息化厅", "notice_issued_on": "2027-03-10",
            "rules": json.dumps(rules, ensure_ascii=False),
            "file": (io.BytesIO(rk.pdf(2)), "2027年度通知.pdf"), **extra}


def _changes(rnd) -> list[dict]:
    condition = CONDITIONS[rnd.region][0]
    return [{"kind": "deadline", "key": DEADLINE, "value": "2027-08-14", "article": "三"},
            {"kind": "quota", "key": f"{rnd.unit_codes['city']}/factory", "value": 1, "article": "附件3"},
            {"kind": "condition", "key": condition, "value": False, "article": "二(一)"}]


def _results(rnd, campaign_id: int) -> set[str]:
    """The applicant starts a factory draft in the round and reads its eligibility through the API."""
    r = rnd.post("ent", "/api/v1/applications", bj(2027, 3, 20),
                 json={"campaign_id": campaign_id, "unit_type": "factory"})
    assert r.status_code == 201, show(r)
    r = rnd.get("ent", f"/api/v1/applications/{r.get_json()['id']}/eligibility", bj(2027, 3, 20))
    assert r.status_code == 200, show(r)
    return {x["code"] for x in r.get_json()["results"]}


#: the notice's rules are stored JSON and its date a date column: the walk runs on SQLite too (tests/conftest.py
#: BOTH); the refusals and the web form's path store nothing the walk does not
@pytest.mark.both_databases
def test_a_2027_round_opened_from_its_notice_applies_and_names_it(rnd):
    condition, seed, words = CONDITIONS[rnd.region]
    assert words in seed_text(seed)
    assert "2025 年 11 月 7 日前" in seed_text(rk.SEED_NATIONAL_2025)
    rules = rnd.rules()
    assert rules.deadlines[DEADLINE].for_year(2027).isoformat() == "2027-07-31"  # 办法 第十二条
    assert rules.quota(rnd.unit_codes["city"], "factory", 2027).unlimited
    assert condition in {r.code for r in rules.eligibility_rules_for("factory", "national", 2027)}

    # province staff open the round from the notice (multipart: the PDF and what it sets)
    r = rnd.post("province", "/api/v1/campaigns/notice", bj(2027, 3, 15), content_type="multipart/form-data",
                 data=_notice_form(rnd, _changes(rnd), closes_at=bj(2027, 5, 31, 17).isoformat()))
    assert r.status_code == 201, show(r)
    c = r.get_json()
    assert c["notice"]["number"] == NUMBER and c["notice"]["label"] == f"《{TITLE}》（{NUMBER}）"
    assert c["deadlines"][DEADLINE] == "2027-08-14" and NUMBER in c["deadline_reasons"][DEADLINE]
    r = rnd.get("province", f"/api/v1/campaigns/{c['id']}/notice", bj(2027, 3, 15))
    assert r.status_code == 200 and r.data.startswith(b"%PDF"), show(r)

    # a round of the same year opened without the notice keeps the region's rules
    r = rnd.post("province", "/api/v1/campaigns", bj(2027, 3, 15),
                 json={"year": 2027, "level": "national", "unit_types": ["factory"],
                       "closes_at": bj(2027, 5, 31, 17).isoformat()})
    assert r.status_code == 201, show(r)
    plain = r.get_json()
    assert plain["notice"] is None and plain["deadlines"][DEADLINE] == "2027-07-31"

    # the services apply the notice: the condition set aside, the city's quota, the moved step
    assert condition in _results(rnd, plain["id"])
    assert condition not in _results(rnd, c["id"])
    r = rnd.get("city_city", "/api/v1/quotas", bj(2027, 3, 20), query_string={"campaign_id": c["id"]})
    quota = {q["unit_type"]: q for q in r.get_json()["items"]}["factory"]
    assert quota["limit"] == 1 and quota["used"] == 0 and NUMBER in quota["cite"], show(r)
    r = rnd.get("city_city", "/api/v1/quotas", bj(2027, 3, 20), query_string={"campaign_id": plain["id"]})
    before = r.get_json()["items"][0]  # no quota, or (Hubei) the ended plan's target beside it, marked ended
    assert NUMBER not in before["cite"] and (before["limit"] is None or before["ended"]), show(r)
    with rnd.app.app_context():
        from core.services.deadlines import recommendation_deadline

        moved = recommendation_deadline(2027)
        assert moved.day.isoformat() == "2027-08-14" and moved.document_day.isoformat() == "2027-07-31"
        assert NUMBER in moved.reason

    # the API lists the round's rules, each the notice sets naming it
    r = rnd.get("city_city", f"/api/v1/campaigns/{c['id']}/rules", bj(2027, 3, 20))
    assert r.status_code == 200, show(r)
    doc = r.get_json()
    assert doc["year"] == 2027 and doc["round"]["notice"]["number"] == NUMBER
    rows = {(row["kind"], row["key"]): row for row in doc["rules"]}
    deadline = rows[("deadline", DEADLINE)]
    assert deadline["applied_as"] == "notice" and deadline["value"]["date_in_year"] == "2027-08-14"
    assert NUMBER in deadline["cite"] and NUMBER in deadline["value"]["notice"]
    quota_row = rows[("quota", f"{rnd.unit_codes['city']}/factory/2027")]
    assert quota_row["applied_as"] == "notice" and quota_row["value"]["limit"] == 1 and NUMBER in quota_row["cite"]
    set_aside = rows[("eligibility_rule", condition)]
    assert set_aside["applied_as"] == "notice" and set_aside["value"]["applied"] is False
    assert "本轮不适用" in set_aside["value"]["notice"] and NUMBER in set_aside["value"]["notice"]
    # every other rule is the region's (the park's quota among them), and a round without the notice has none
    assert sum(row["applied_as"] == "notice" for row in doc["rules"]) == 3
    r = rnd.get("city_city", f"/api/v1/campaigns/{plain['id']}/rules", bj(2027, 3, 20))
    assert not [row for row in r.get_json()["rules"] if row["applied_as"] == "notice"]

    # the rules page of the round
    with rk.at(bj(2027, 3, 20)):
        page = rnd.app.test_client().get(f"/rules?round={c['id']}").get_data(as_text=True)
    assert f"《{TITLE}》（{NUMBER}）" in page and "2027-08-14" in page
    assert page.count(NUMBER) >= 4, page.count(NUMBER)
    with rk.at(bj(2027, 3, 20)):  # the year's listing leads to the round whose notice changes it
        year_page = rnd.app.test_client().get("/rules?year=2027").get_data(as_text=True)
    assert f'/rules?round={c["id"]}' in year_page and f'/rules?round={plain["id"]}' not in year_page

    # greenmfg rounds rules ID, in JSON and as text
    from core.cli import cli

    runner = rnd.app.test_cli_runner()
    with rk.at(bj(2027, 3, 20)):
        out = runner.invoke(cli, ["rounds", "rules", str(c["id"]), "--format", "json"])
        text = runner.invoke(cli, ["rounds", "rules", str(c["id"])])
    assert out.exit_code == 0, out.output
    listed = {(row["kind"], row["key"]): row for row in json.loads(out.output)}
    moved_row = listed[("deadline", DEADLINE)]
    assert moved_row["applied_as"] == "notice" and NUMBER in moved_row["notice"]
    assert listed[("eligibility_rule", condition)]["value"]["applied"] is False
    assert text.exit_code == 0 and NUMBER in text.output.splitlines()[0], text.output
    assert sum(NUMBER in line for line in text.output.splitlines()[1:]) == 3


def test_a_notice_above_the_rules_it_may_change_is_refused(rnd):
    """The contract checks a round's choices when it opens: a province's notice cannot set aside the Ministry's
    condition (办法 第十一条); a deadline the round does not have, or an unknown city, are refused; nothing opens."""
    city = rnd.unit_codes["city"]
    bad = [[{"kind": "deadline", "key": "no_such_step", "value": "2027-08-14"}],
           [{"kind": "quota", "key": "nowhere/factory", "value": 3}],
           [{"kind": "quota", "key": f"{city}/factory", "value": "many"}]]
    if rnd.region != "national":
        bad.append([{"kind": "condition", "key": "national_needs_provincial", "value": False}])
    for rules in bad:
        r = rnd.post("province", "/api/v1/campaigns/notice", bj(2027, 3, 15), content_type="multipart/form-data",
                     data=_notice_form(rnd, rules, closes_at=bj(2027, 5, 31, 17).isoformat()))
        assert r.status_code == 422, show(r)
    if rnd.region != "national":
        assert "工业和信息化部" in rk.error_text(r) or "Ministry" in rk.error_text(r), rk.error_text(r)
    r = rnd.get("province", "/api/v1/campaigns", bj(2027, 3, 15))
    assert r.get_json()["items"] == []


def test_province_staff_open_the_round_from_its_notice_on_the_web_and_with_the_cli(rnd, tmp_path):
    """The same service behind the page and the command: the page in Chinese, a half-filled row refused in the
    page's language, the round's page naming the notice and linking the next step, its rules."""
    from core.cli import cli

    condition = CONDITIONS[rnd.region][0]
    client = rnd.app.test_client()
    with rk.at(bj(2027, 3, 15)):
        assert client.post("/login", data={"username": "province_staff", "password": rk.PASSWORD}).status_code == 302
        page = client.get("/province/campaigns/notice").get_data(as_text=True)
        assert "从申报通知开启批次" in page and "通知文号" in page, page[:400]
        form = {"notice_no": NUMBER, "notice_title": TITLE, "notice_issuer": "省工业和信息化厅",
                "notice_issued_on": "2027-03-10", "year": "2027", "level": "national", "unit_types": ["factory"],
                "closes_at": "2027-05-31T17:00", "deadline_1": DEADLINE, "deadline_day_1": "2027-08-14",
                "deadline_article_1": "三", "quota_unit_1": rnd.unit_codes["city"], "quota_type_1": "factory",
                "condition_1": condition, "condition_switch_1": "off", "condition_article_1": "二(一)"}
        r = client.post("/province/campaigns/notice", content_type="multipart/form-data",
                        data={**form, "file": (io.BytesIO(rk.pdf()), "通知.pdf")})
        assert r.status_code == 422 and "请选择市州和申报类型并填写名额" in r.get_data(as_text=True), r.status_code
        r = client.post("/province/campaigns/notice", content_type="multipart/form-data",
                        data={**form, "quota_places_1": "1", "file": (io.BytesIO(rk.pdf()), "通知.pdf")})
        assert r.status_code == 302, r.get_data(as_text=True)[:600]
        page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert f"《{TITLE}》（{NUMBER}）" in page and "通知.pdf" in page
    web_id = int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert f"/rules?round={web_id}" in page

    notice = tmp_path / "通知.pdf"
    notice.write_bytes(rk.pdf())
    runner = rnd.app.test_cli_runner()
    with rk.at(bj(2027, 3, 16)):
        out = runner.invoke(cli, [
            "rounds", "open", "--year", "2027", "--level", "national", "--unit-type", "factory",
            "--notice-no", "绿制办〔2027〕4号", "--notice-title", TITLE, "--issuer", "省工业和信息化厅",
            "--issued-on", "2027-03-12", "--file", str(notice), "--closes-at", "2027-05-31T17:00",
            "--deadline", f"{DEADLINE}=2027-08-21@三",
            "--quota", f"{rnd.unit_codes['city']}/factory=2@附件3", "--condition", f"{condition}=off@二(一)",
            "--format", "json"])
        assert out.exit_code == 0, out.output
        cli_id = json.loads(out.output)[0]["id"]
        listed = runner.invoke(cli, ["rounds", "rules", str(cli_id), "--format", "json"])
    rows = {(row["kind"], row["key"]): row for row in json.loads(listed.output)}
    assert rows[("deadline", DEADLINE)]["value"]["date_in_year"] == "2027-08-21"
    assert "绿制办〔2027〕4号" in rows[("quota", f"{rnd.unit_codes['city']}/factory/2027")]["notice"]
    with rnd.app.app_context():
        from sqlalchemy import select

        from core.extensions import db
        from core.models import AuditLog

        recorded = db.session.scalars(select(AuditLog).where(AuditLog.action == "campaign.notice_recorded")
                                      .order_by(AuditLog.id)).all()
    assert [(a.object_id, a.data["notice_no"]) for a in recorded] == [(str(web_id), NUMBER),
                                                                       (str(cli_id), "绿制办〔2027〕4号")]
