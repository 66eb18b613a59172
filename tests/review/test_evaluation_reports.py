"""The evaluation report each region's document asks for, through the JSON API: the city's recommendation (or
the submission) waits for it, saying why and citing the document (文号) and article; the applicant files its own
self-evaluation report, the engaged firm its report with the evaluated score per indicator.

Seeds, quoted:
* Jiangxi 003_a3fa60aeba77aa34.txt 一 (lines 15-19): "可采取自我评价的方式或委托具备评价能力的第三方机构对照相关标准开展
  评价，评价合格的园区或企业，向所在地工信部门提交评价报告" … "将推荐文件、推荐汇总表、推荐项目评价报告（PDF格式电子件）
  报送省工业和信息化厅"; 三（三） (lines 53-55): "经查实在评价过程中存在弄虚作假或故意隐瞒评价对象问题的第三方机构，
  三年内不予采信其所出具的评价结果".
* Shanxi 004_7a8ddd82f611ab67.txt 第十一条 (line 57): "企业、园区按照自愿原则可采取自我评价或委托具备评价能力的第三方机构开展
  评价的方式，编写评价报告后通过管理平台提交".
* Hunan (national rules, 001_3f04a56fc6693327.txt 附件1 二(一): "不再需要提交第三方评价报告"): no report is required; a
  third-party application without one is a warning the city acknowledges.
"""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest

import kit
from core.accounts import services as accounts
from core.extensions import db
from core.models import Application, ApplicationStatus as S, AuditLog, Role
from core.review import evaluators


def beijing_today() -> dt.date:
    """Today in Beijing, the day every date of the platform is counted in."""
    from core.clock import SHANGHAI

    return dt.datetime.now(SHANGHAI).date()

PASSWORD = "评价报告测试口令-2025-绿色工厂"
CONSULTED = ["ecology_environment", "emergency_management", "market_regulation"]
JIANGXI_RULE = "一 (赣工信办节能函〔2024〕20号: 可采取自我评价的方式"
SHANXI_RULE = "第十一条 (晋工信节能规字〔2024〕3号: 按照自愿原则"


class Api:
    def __init__(self, app, token):
        self.client, self.token = app.test_client(), token

    def __getattr__(self, method):
        def call(url, **kw):
            kw.setdefault("headers", {})["Authorization"] = f"Bearer {self.token}"
            return getattr(self.client, method)(url, **kw)
        return call


def _token(role: Role, name: str, **bind) -> str:
    user = accounts.create_user(username=name, password=PASSWORD, display_name=name, role=role, actor="test", **bind)
    return accounts.create_token(user, "t")[0]


def _world(app, region: str, year: int, level: str, mode: str, city_code: str):
    """One submitted application of ``mode`` (no report yet), its applicant, its city and a qualified firm."""
    with app.app_context():
        from core.services.admin_units import sync_admin_units
        from core.models import AdminUnit

        sync_admin_units("test")
        unit = db.session.query(AdminUnit).filter_by(code=city_code).one()
        c = kit.campaign(region, year=year, level=level, types=("factory",))
        c.deadlines = {}
        a = kit.application(c, unit, status=S.SUBMITTED, mode=mode, report=False)
        a.declarations = {i.code: True for i in app.extensions["greenmfg"].rules.negative_list_for("factory", level, year)}
        a.extension_data = {f"{region}.independent_legal_entity": True, f"{region}.actual_manufacturing": True,
                            f"{region}.county": "青山湖区"}
        a.contact_name, a.contact_phone = "石磊", "0791-86000000"
        firm = kit.firm("胡涛", name="评价报告测试机构有限公司", qualifications=kit.HUBEI_QUALIFIED)
        w = {"a": a.id, "firm": firm.id,
             "applicant": _token(Role.APPLICANT, "ent", organization_id=a.organization_id),
             "city": _token(Role.CITY, "cityuser", admin_unit_id=unit.id),
             "firmuser": _token(Role.EVALUATOR, "firmuser", evaluator_firm_id=firm.id)}
        db.session.commit()
    return w


def _recommend(app, w, levels=None):
    body = {"acknowledge_warnings": True, "consulted_departments": CONSULTED}
    if levels:
        body["levels"] = levels
    return Api(app, w["city"]).post(f"/api/v1/applications/{w['a']}/recommend", json=body)


def _engage(app, w) -> int:
    """The firm is engaged for the (already submitted) application: requested and accepted with the declaration."""
    with app.app_context():
        a = db.session.get(Application, w["a"])
        firm = evaluators.firm_or_404(w["firm"])
        row = evaluators.request_evaluation(kit.user(Role.APPLICANT, organization_id=a.organization_id), a, firm,
                                            a.organization.uscc)
        evaluators.accept_request(kit.user(Role.EVALUATOR, evaluator_firm_id=firm.id), row,
                                  wrote_self_evaluation=False, interested_party=False)
        db.session.commit()
        return row.id


def _message(response) -> str:
    error = response.get_json()["errors"][0]
    return error["message_zh"] + " | " + error["message_en"]


def test_jiangxi_recommendation_waits_for_the_self_evaluation_report(make_app, tmp_path):
    """Jiangxi 2024, self-evaluated: the city cannot recommend before the unit's report is on file (reason and
    article); the city returns it, the applicant uploads its report, submits again, and the city recommends."""
    app = make_app("jiangxi", GREENMFG_EVIDENCE_DIR=str(tmp_path), GREENMFG_RULES_YEAR=2024)
    w = _world(app, "jiangxi", 2024, "provincial", "self", "jiangxi.nanchang")
    refused = _recommend(app, w)
    assert refused.status_code == 409, refused.get_json()
    text = _message(refused)
    assert "自评价报告（PDF）尚未上传" in text and "the self-evaluation report (PDF) is not uploaded yet" in text
    assert JIANGXI_RULE in text and ".txt" not in text
    # the applicant sees the rule and where it stands
    state = Api(app, w["applicant"]).get(f"/api/v1/applications/{w['a']}/evaluation").get_json()
    assert (state["report_required"], state["report_stage"], state["filed"]) == (True, "recommend", False)
    # submitted data are locked: the city returns it for the report
    city = Api(app, w["city"])
    r = city.post(f"/api/v1/applications/{w['a']}/return", json={
        "reason": "请上传自评价报告（PDF）", "until": (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=5)).isoformat()})
    assert r.status_code == 200, r.get_json()
    applicant = Api(app, w["applicant"])
    r = applicant.post(f"/api/v1/applications/{w['a']}/evaluation/self-report", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(b"not a pdf"), "自评价报告.pdf")})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "file"  # checked like all evidence
    r = applicant.post(f"/api/v1/applications/{w['a']}/evaluation/self-report", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(kit_pdf(4)), "自评价报告.pdf")})
    assert r.status_code == 201 and r.get_json()["pages"] == 4, r.get_json()
    r = applicant.post(f"/api/v1/applications/{w['a']}/submit")
    assert r.status_code == 200, r.get_json()
    assert _recommend(app, w).status_code == 200
    with app.app_context():
        assert db.session.query(AuditLog).filter_by(action="evidence.uploaded").one().data["section"] == \
            "evaluation_report"


def test_jiangxi_third_party_recommendation_waits_for_the_firms_report(make_app, tmp_path):
    """Jiangxi 2024, third party: refused without an engaged firm, then until the firm files its report; a report
    of a firm sanctioned since is not accepted (三（三）)."""
    app = make_app("jiangxi", GREENMFG_EVIDENCE_DIR=str(tmp_path), GREENMFG_RULES_YEAR=2024)
    w = _world(app, "jiangxi", 2024, "provincial", "third_party", "jiangxi.jiujiang")
    refused = _recommend(app, w)
    assert refused.status_code == 409 and "尚无接受委托的第三方评价机构" in _message(refused)
    request_id = _engage(app, w)
    refused = _recommend(app, w)
    assert refused.status_code == 409 and "has not filed its evaluation report yet" in _message(refused)
    assert JIANGXI_RULE in _message(refused)
    firm = Api(app, w["firmuser"])
    # no indicator table for factories in 2024: the evaluated total
    r = firm.post(f"/api/v1/evaluation-requests/{request_id}/report", content_type="multipart/form-data",
                  data={"file": (io.BytesIO(kit_pdf(9)), "评价报告.pdf"), "scores": json.dumps({"4": 5})})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "scores"
    r = firm.post(f"/api/v1/evaluation-requests/{request_id}/report", content_type="multipart/form-data",
                  data={"file": (io.BytesIO(kit_pdf(9)), "评价报告.pdf"), "score": "101"})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "score"
    r = firm.post(f"/api/v1/evaluation-requests/{request_id}/report", content_type="multipart/form-data",
                  data={"file": (io.BytesIO(kit_pdf(9)), "评价报告.pdf"), "score": "88.5"})
    assert r.status_code == 201 and r.get_json()["score"] == 88.5 and r.get_json()["pages"] == 9
    # the firm is sanctioned for falsified results: its report is no longer accepted
    with app.app_context():
        evaluators.sanction_firm("province", evaluators.firm_or_404(w["firm"]), reason="评价结果弄虚作假",
                                 starts_on=beijing_today(), sanction_code="jiangxi.evaluator_fraud")
        db.session.commit()
    refused = _recommend(app, w)
    assert refused.status_code == 409 and "are not accepted until" in _message(refused)


@pytest.mark.parametrize("mode, missing", [("self", "自评价报告（PDF）尚未上传"), ("third_party", "尚无接受委托的第三方评价机构")])
def test_shanxi_recommendation_without_the_report_is_refused_with_the_article(make_app, tmp_path, mode, missing):
    """Shanxi 第十一条: either mode writes a report and files it on the platform before the city recommends."""
    app = make_app("shanxi", GREENMFG_EVIDENCE_DIR=str(tmp_path))
    w = _world(app, "shanxi", 2025, "provincial", mode, "shanxi.taiyuan")
    refused = _recommend(app, w)
    assert refused.status_code == 409
    assert missing in _message(refused) and SHANXI_RULE in _message(refused) and ".txt" not in _message(refused)
    with app.app_context():
        assert db.session.get(Application, w["a"]).status == S.SUBMITTED  # nothing changed


def test_hubei_firm_report_needs_every_indicator_and_the_visit(make_app, tmp_path):
    """Hubei 三(三): on-site evaluation with the report; a factory in 2025 is scored per indicator of the MIIT table
    (001 附件1: #4 weighs 6). The total is their sum; a total that differs, a score above the weight, a visit
    before the engagement or in the future are refused; a new filing replaces the previous one (audited)."""
    app = make_app("hubei", GREENMFG_EVIDENCE_DIR=str(tmp_path))
    with app.app_context():
        c = kit.campaign("hubei", year=2025)
        a = kit.application(c, kit.unit("hubei"), status=S.DRAFT, report=False)
        firm = kit.firm("袁航", qualifications=kit.HUBEI_QUALIFIED)
        row = evaluators.request_evaluation(kit.user(Role.APPLICANT, organization_id=a.organization_id), a, firm,
                                            a.organization.uscc)
        evaluators.accept_request(kit.user(Role.EVALUATOR, evaluator_firm_id=firm.id), row,
                                  wrote_self_evaluation=False, interested_party=False)
        token = _token(Role.EVALUATOR, "hubeifirm", evaluator_firm_id=firm.id)
        db.session.commit()
        request_id, today = row.id, beijing_today()
    weights = dict(kit.FACTORY_WEIGHTS)
    scores = {str(k): round(v * 0.8, 2) for k, v in weights.items()}
    api = Api(app, token)

    def post(**form):
        return api.post(f"/api/v1/evaluation-requests/{request_id}/report", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(kit_pdf(5)), "报告.pdf"), **form})

    assert post(scores=json.dumps(scores)).get_json()["errors"][0]["field"] == "visited_on"
    visit = today.isoformat()
    partial = dict(scores)
    del partial["13"]
    r = post(scores=json.dumps(partial), visited_on=visit)
    assert r.status_code == 422 and "13" in r.get_json()["errors"][0]["message_en"]
    r = post(scores=json.dumps({**scores, "4": 6.5}), visited_on=visit)
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "scores.4"
    r = post(scores=json.dumps(scores), score="99", visited_on=visit)
    assert r.status_code == 422 and "differs" in r.get_json()["errors"][0]["message_en"]
    r = post(scores=json.dumps(scores), visited_on=(today - dt.timedelta(days=400)).isoformat())
    assert r.status_code == 422 and "before the firm accepted" in r.get_json()["errors"][0]["message_en"]
    r = post(scores=json.dumps(scores), visited_on=(today + dt.timedelta(days=2)).isoformat())
    assert r.status_code == 422 and "future" in r.get_json()["errors"][0]["message_en"]
    r = post(scores=json.dumps(scores), visited_on=visit)
    assert r.status_code == 201 and r.get_json()["score"] == 80.0 and r.get_json()["indicator_scores"]["4"] == 4.8
    again = post(scores=json.dumps({**scores, "1": 8}), visited_on=visit)
    assert again.status_code == 201 and again.get_json()["id"] == r.get_json()["id"] and again.get_json()["score"] == 81.6
    with app.app_context():
        filed = db.session.query(AuditLog).filter_by(action="evaluator.report_filed").order_by(AuditLog.id).all()
        assert [x.data["score"] for x in filed] == [80.0, 81.6] and filed[1].data["replaced"]["score"] == 80.0
        assert filed[1].data["visited_on"] == visit
    # another firm's account cannot file for this engagement
    with app.app_context():
        other = _token(Role.EVALUATOR, "otherfirm", evaluator_firm_id=kit.firm().id)
        db.session.commit()
    r = Api(app, other).post(f"/api/v1/evaluation-requests/{request_id}/report", content_type="multipart/form-data",
                             data={"file": (io.BytesIO(kit_pdf(1)), "x.pdf"), "scores": json.dumps(scores),
                                   "visited_on": visit})
    assert r.status_code == 404


def test_hunan_third_party_without_a_report_is_a_warning_the_city_acknowledges(make_app, tmp_path):
    """National rules (Hunan): no report required; the city acknowledges the missing report."""
    app = make_app("hunan", GREENMFG_EVIDENCE_DIR=str(tmp_path))
    w = _world(app, "hunan", 2025, "provincial", "third_party", "hunan.changsha")
    _engage(app, w)
    with app.app_context():
        from core.applications import eligibility

        result = next(r for r in eligibility.evaluate(db.session.get(Application, w["a"]))
                      if r["code"] == "evaluation_report")
        assert result["blocking"] is False and result["ok"] is False and result["stage"] == "recommend"
    body = {"consulted_departments": CONSULTED}
    r = Api(app, w["city"]).post(f"/api/v1/applications/{w['a']}/recommend", json=body)
    assert r.status_code == 409 and "Acknowledge" in _message(r)
    assert _recommend(app, w).status_code == 200


def kit_pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    writer, buf = PdfWriter(), io.BytesIO()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    writer.write(buf)
    return buf.getvalue()
