"""The evaluation and review journeys on the web pages (Chinese and English), each next step one link away:
applicant application page → evaluation page (mode, firm picker with places left and qualification) → request;
evaluator log-in → engagements (accept with the declaration) → case file → report; expert log-in → my reviews →
the application beside the score form; the province's review queue with progress per application, bulk draws and
any expert account joining the pool.

Hubei 2025 (002_9c75e1d2ebfbdf50.txt): 三(三) "自主选择委托符合评价资质要求的第三方评价机构…开展现场评价"; 附件2 一(三)
"从事绿色评价的中级职称以上专职人员不少于10人，其中…高级职称人员不少于5人"; 附件2 二(三) "不得参与自评价报告编写…同一法人的
评价机构每年开展的绿色制造体系评价项目总计不得超过15项". MIIT factory table (001_3f04a56fc6693327.txt 附件1): 14 indicators,
#4 weighs 6.
"""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from helpers import DEMO_COPIES
import time_machine

import kit
from core.accounts import services as accounts
from core.extensions import db
from core.models import (
    Application, ApplicationStatus as S, EvaluationReport, EvaluationRequest, ExpertAssignment, ExpertProfile, Role,
    User,
)
from core.review import evaluators, experts


def beijing_today() -> dt.date:
    """Today in Beijing, the day every date of the platform is counted in."""
    from core.clock import SHANGHAI

    return dt.datetime.now(SHANGHAI).date()

PASSWORD = "评价页面测试口令-2025-绿色工厂"


def _pdf(pages: int = 2) -> bytes:
    from pypdf import PdfWriter

    writer, buf = PdfWriter(), io.BytesIO()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    writer.write(buf)
    return buf.getvalue()


def _csrf(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _login(client, username: str):
    r = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": _csrf(client, "/login")})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return r.headers["Location"]


@pytest.fixture
def world(make_app, tmp_path):
    app = make_app("hubei", WTF_CSRF_ENABLED=True, GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"),
                   GREENMFG_REVIEW_MIN_EXPERTS=2)
    with app.app_context():
        from core.applications import evidence
        from core.models import AdminUnit
        from core.services.admin_units import sync_admin_units

        sync_admin_units("test")
        units = {u.code: u for u in db.session.query(AdminUnit)}
        c = kit.campaign("hubei", year=2025)
        draft = kit.application(c, units["hubei.wuhan"], status=S.DRAFT,
                                org=kit.organization(units["hubei.wuhan"], "武汉汽车零部件有限公司"))
        evidence.store(draft, "indicator.4", "能源管控中心.pdf", _pdf(3), "test")
        good = kit.firm("马俊", name="湖北华中绿色评价中心有限公司", qualifications=kit.HUBEI_QUALIFIED)
        weak = kit.firm("田野", name="荆楚节能咨询有限公司", qualifications={**kit.HUBEI_QUALIFIED, "senior_staff": 3})
        # the good firm has 14 of its 15 places taken this year (one legal entity, every level)
        other = kit.campaign("hubei", year=2025, level="city")
        for _ in range(14):
            from core.services import limits

            limits.accept_engagement(good, kit.application(other, units["hubei.xiaogan"], values={}), "t")
        # an application under expert review, evaluated by the good firm, with its report
        reviewed = kit.application(c, units["hubei.yichang"], status=S.CITY_RECOMMENDED,
                                   org=kit.organization(units["hubei.yichang"], "宜昌精细化工有限公司"))
        queued = kit.application(c, units["hubei.jingzhou"], status=S.CITY_RECOMMENDED,
                                 org=kit.organization(units["hubei.jingzhou"], "荆州纺织有限公司"))
        w = {"app": app, "draft": draft.id, "reviewed": reviewed.id, "queued": queued.id, "good": good.id,
             "weak": weak.id}
        for role, name, bind in ((Role.APPLICANT, "ent", {"organization_id": draft.organization_id}),
                                 (Role.EVALUATOR, "firm", {"evaluator_firm_id": good.id}),
                                 (Role.EVALUATOR, "weakfirm", {"evaluator_firm_id": weak.id}),
                                 (Role.PROVINCE, "prov", {}), (Role.CITY, "wuhan", {"admin_unit_id": units["hubei.wuhan"].id})):
            accounts.create_user(username=name, password=PASSWORD, display_name=name, role=role, actor="test", **bind)
        for n, code in ((1, "hubei.shiyan"), (2, "hubei.huangshi"), (3, "hubei.suizhou")):
            experts.add_expert("test", username=f"exp{n}", password=PASSWORD, name=f"专家{n}", fields=["factory"],
                               admin_unit_code=code)
        # an expert account an administrator created, not yet in the pool
        accounts.create_user(username="newexpert", password=PASSWORD, display_name="新专家", role=Role.EXPERT,
                             actor="admin")
        db.session.commit()
    return w


def test_applicant_goes_from_the_application_to_the_firm_picker_and_names_a_qualified_firm(world):
    client = world["app"].test_client()
    assert _login(client, "ent") == "/applications"
    page = client.get(f"/applications/{world['draft']}?lang=zh").get_data(as_text=True)
    assert 'id="evaluation-link"' in page and "选择第三方评价机构" in page
    assert f'href="/applications/{world["draft"]}/evaluation"' in page
    page = client.get(f"/applications/{world['draft']}/evaluation?lang=zh").get_data(as_text=True)
    assert "三(三) (鄂经信办节能〔2022〕8号:" in page and ".txt" not in page
    assert "须提交：申报须附评价报告方可提交" in page and "须开展：第三方评价机构现场评价" in page
    # the good firm: 1 place left (15 - 14), counted per legal entity across the three levels; the weak one cannot
    # be chosen and says why (附件2 一(三))
    good = re.search(rf'<tr class="" id="firm-row-{world["good"]}">(.*?)</tr>', page, re.S).group(1)
    assert "<strong class=\"\">1</strong>" in good and "已用 14 / 15 · 市级 + 省级 + 国家级 · 按法人计" in good
    weak = re.search(rf'<tr class="unavailable" id="firm-row-{world["weak"]}">(.*?)</tr>', page, re.S).group(1)
    assert "disabled" in weak and "高级职称人员不少于5人" in weak
    token = _csrf(client, f"/applications/{world['draft']}/evaluation")
    # the unqualified firm is refused even when posted (nothing saved)
    r = client.post(f"/applications/{world['draft']}/evaluation?lang=zh",
                    data={"csrf_token": token, "firm_id": world["weak"], "self_evaluation_by": kit.uscc()})
    assert r.status_code == 422
    r = client.post(f"/applications/{world['draft']}/evaluation?lang=zh",
                    data={"csrf_token": token, "firm_id": world["good"],
                          "self_evaluation_by": _org_uscc(world)}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "等待湖北华中绿色评价中心有限公司答复" in page and 'id="cancel-request"' in page
    # English
    page = client.get(f"/applications/{world['draft']}/evaluation?lang=en").get_data(as_text=True)
    assert "Waiting for the answer of 湖北华中绿色评价中心有限公司" in page and "What the region asks" in page


def _org_uscc(world) -> str:
    with world["app"].app_context():
        return db.session.get(Application, world["draft"]).organization.uscc


def _request(world) -> int:
    with world["app"].app_context():
        a = db.session.get(Application, world["draft"])
        row = evaluators.request_evaluation(db.session.query(User).filter_by(username="ent").one(), a,
                                            evaluators.firm_or_404(world["good"]), a.organization.uscc)
        db.session.commit()
        return row.id


def test_firm_accepts_with_its_declaration_reads_the_case_file_and_files_the_report(world):
    request_id = _request(world)
    client = world["app"].test_client()
    assert _login(client, "firm") == "/review/engagements"  # the firm lands on its requests
    page = client.get("/review/engagements?lang=zh").get_data(as_text=True)
    assert "武汉汽车零部件有限公司" in page and "不得参与自评价报告编写" in page and "14 / 15" in page
    prefix = f"accept{request_id}-"
    token = re.search(rf'name="{prefix}csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    # one declaration missing: nothing is accepted
    r = client.post(f"/review/requests/{request_id}/accept?lang=zh",
                    data={prefix + "csrf_token": token, prefix + "not_author": "y"}, follow_redirects=True)
    assert "请逐项声明" in r.get_data(as_text=True)
    with world["app"].app_context():
        assert db.session.get(EvaluationRequest, request_id).status == "requested"
    r = client.post(f"/review/requests/{request_id}/accept",
                    data={prefix + "csrf_token": token, prefix + "not_author": "y", prefix + "not_interested": "y"})
    assert r.status_code == 302 and r.headers["Location"] == f"/review/case-files/{world['draft']}"
    with world["app"].app_context():
        row = db.session.get(EvaluationRequest, request_id)
        assert row.status == "accepted" and row.declarations["wrote_self_evaluation"] is False
    # the case file of the draft: organisation, indicators with their evidence, region fields, the report form
    page = client.get(f"/review/case-files/{world['draft']}?lang=zh").get_data(as_text=True)
    assert "武汉汽车零部件有限公司" in page and "能源管控中心.pdf" in page and 'id="report-form"' in page
    assert 'name="score_14"' in page and 'max="6.0"' in page and "本地区要求开展现场评价" in page
    link = re.search(r'href="(/review/case-files/\d+/evidence/\d+)"', page).group(1)
    download = client.get(link)
    assert download.status_code == 200 and download.data[:5] == b"%PDF-"
    # the report: every indicator, the on-site visit; a missing visit keeps what was typed
    scores = {f"score_{k}": str(round(v * 0.9, 2)) for k, v in kit.FACTORY_WEIGHTS.items()}
    token = _csrf(client, f"/review/case-files/{world['draft']}")
    r = client.post(f"/review/case-files/{world['draft']}/report?lang=zh", content_type="multipart/form-data",
                    data={"csrf_token": token, **scores, "file": (io.BytesIO(_pdf(8)), "现场评价报告.pdf")})
    assert r.status_code == 422 and "现场评价日期" in r.get_data(as_text=True)
    assert 'value="5.4"' in r.get_data(as_text=True)  # #4: 6 × 0.9, kept in the form
    r = client.post(f"/review/case-files/{world['draft']}/report?lang=zh", content_type="multipart/form-data",
                    data={"csrf_token": token, **scores, "visited_on": beijing_today().isoformat(),
                          "file": (io.BytesIO(_pdf(8)), "现场评价报告.pdf")}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "评价报告已提交" in page and "总分90.00" in page
    with world["app"].app_context():
        report = db.session.query(EvaluationReport).one()
        assert float(report.score) == 90.0 and report.pages == 8 and report.visited_on == beijing_today()
    # another firm sees neither the case file nor its files
    other = world["app"].test_client()
    _login(other, "weakfirm")
    assert other.get(f"/review/case-files/{world['draft']}").status_code == 404
    assert other.get(link).status_code == 404
    # the applicant's evaluation page and application page show the filed report, one click to download it
    ent = world["app"].test_client()
    _login(ent, "ent")
    page = ent.get(f"/applications/{world['draft']}?lang=zh").get_data(as_text=True)
    assert 'id="evaluation-report-link"' in page and "总分90.00" in page
    assert ent.get(f"/applications/{world['draft']}/evaluation/report").data[:5] == b"%PDF-"


def test_expert_reads_the_whole_application_beside_the_score_form(world):
    with world["app"].app_context():
        a = db.session.get(Application, world["reviewed"])
        firm = evaluators.firm_or_404(world["good"])
        applicant = kit.user(Role.APPLICANT, organization_id=a.organization_id)
        row = evaluators.request_evaluation(applicant, a, firm, a.organization.uscc, today=dt.date(2025, 5, 1))
        a.status = S.DRAFT  # the engagement and the report come before the submission in Hubei (三(三))
        evaluators.accept_request(kit.user(Role.EVALUATOR, evaluator_firm_id=firm.id), row,
                                  wrote_self_evaluation=False, interested_party=False)
        report = kit.firm_report(row, score=77.0)
        report.indicator_scores = {"4": 5.5}
        from core.applications.evidence import storage_dir

        (storage_dir() / report.storage_name).write_bytes(_pdf(6))
        a.status = S.CITY_RECOMMENDED
        for n in (1, 2):
            experts.assign("prov", a, db.session.query(ExpertProfile).filter_by(name=f"专家{n}").one())
        db.session.commit()
        first = db.session.query(ExpertAssignment).join(ExpertProfile).filter(ExpertProfile.name == "专家1").one().id
    client = world["app"].test_client()
    assert _login(client, "exp1") == "/expert"
    page = client.get("/expert?lang=zh").get_data(as_text=True)
    assert f'href="/expert/assignments/{first}"' in page and "查看申报并评分" in page
    page = client.get(f"/expert/assignments/{first}?lang=zh").get_data(as_text=True)
    for part in ('id="case-file"', 'id="score-form"', "宜昌精细化工有限公司", "第三方评价得分", "5.50", "77.00",
                 'id="cf-report-link"', "评审组结果确定前，其他专家的评分不可见"):
        assert part in page, part
    assert client.get(f"/review/case-files/{world['reviewed']}/report").status_code == 200
    page = client.get(f"/expert/assignments/{first}?lang=en").get_data(as_text=True)
    assert "Evaluator&#39;s score" in page or "Evaluator's score" in page
    assert "The application" in page and "Green factory" in page
    # the case file's indicators and the score form name them in English (seed 001 附件1, indicator 4)
    assert page.count("Functions of the energy and carbon management platform in place") >= 2
    assert "能碳管理系统平台功能符合数量" not in page


def test_province_draws_for_many_applications_and_sees_progress_and_an_expert_account_joins_the_pool(world):
    client = world["app"].test_client()
    _login(client, "prov")
    page = client.get("/review/experts?lang=zh").get_data(as_text=True)
    assert "将已有专家账号加入专家库" in page and "新专家（newexpert）" in page
    with world["app"].app_context():
        newcomer = db.session.query(User).filter_by(username="newexpert").one().id
    token = _csrf(client, "/review/experts")
    r = client.post("/review/experts/join?lang=zh", data={"csrf_token": token, "join-user_id": newcomer,
                                                         "join-fields": "factory, park"}, follow_redirects=True)
    assert "专家已加入专家库" in r.get_data(as_text=True) or "已加入" in r.get_data(as_text=True)
    with world["app"].app_context():
        joined = db.session.query(ExpertProfile).filter_by(user_id=newcomer).one()
        assert joined.name == "新专家" and joined.fields == ["factory", "park"]
    page = client.get("/review?lang=zh").get_data(as_text=True)
    assert f'id="pick-{world["reviewed"]}"' in page and "还需2名" in page
    token = _csrf(client, "/review")
    r = client.post("/review/bulk?lang=zh", data={"csrf_token": token, "application_ids": [world["reviewed"],
                                                                                           world["queued"]],
                                                  "action": "draw", "panel_size": "4", "field_from": "unit_type"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="bulk-outcome"' in page and "已处理2个申报中的2个" in page
    with world["app"].app_context():
        counts = {a: db.session.query(ExpertAssignment).filter_by(application_id=a).count()
                  for a in (world["reviewed"], world["queued"])}
    assert counts == {world["reviewed"]: 4, world["queued"]: 4}
    # a fifth expert is not there (four in the field): the application says so, nothing is half done
    r = client.post("/review/bulk?lang=en", data={"csrf_token": token, "application_ids": [world["reviewed"]],
                                                  "action": "draw", "panel_size": "5", "field_from": "unit_type"})
    assert "Only 0 experts" in r.get_data(as_text=True)
    page = client.get("/review?lang=zh").get_data(as_text=True)
    assert "4名中已提交0名" in page


@pytest.mark.parametrize("region", ["hunan", "hubei"])
def test_the_demo_expert_is_in_the_pool_with_work_and_the_demo_evaluator_has_requests(make_app, tmp_path, region):
    """``greenmfg demo``: the demo ``expert`` account is in the pool with applications to review (evaluated by a
    firm that filed its report), and the demo ``evaluator`` firm has a request to answer and engagements whose
    report it still has to file; every engagement went through a request and the declaration."""

    app = make_app(region, GREENMFG_EVIDENCE_DIR=str(tmp_path))
    with app.app_context():
        DEMO_COPIES.load(app)
        user = db.session.query(User).filter_by(username="expert").one()
        profile = experts.profile_of(user)
        assert profile is not None and profile.active and len(experts.pool()) == 5
        work = experts.my_assignments(user)
        assert work and all(r.application.status == S.UNDER_REVIEW for r in work)
        assert any(experts.result_of(r.application) is None and r.application.evaluator_firm_id for r in work)
        evaluated = [r.application for r in work if r.application.evaluator_firm_id]
        from core.review import reports

        assert reports.report_for(evaluated[0]) is not None
        firm_id = db.session.query(User).filter_by(username="evaluator").one().evaluator_firm_id
        mine = evaluators.requests_for_firm(firm_id)
        assert [r.status for r in mine].count("requested") == 1
        assert any(r.status == "accepted" and reports.report_for(r.application) is None for r in mine)
        from core.models import EvaluatorEngagement

        engaged = {e.application_id for e in db.session.query(EvaluatorEngagement)}
        accepted = {r.application_id for r in db.session.query(EvaluationRequest).filter_by(status="accepted")}
        assert engaged == accepted


def test_pool_and_bulk_endpoints_of_the_api(world):
    """Any account with the expert role joins the pool (not twice, not another role); one expert is assigned to
    several applications, an application the expert must avoid is reported and left alone."""
    with world["app"].app_context():
        prov = db.session.query(User).filter_by(username="prov").one()
        token = accounts.create_token(prov, "t")[0]
        newcomer = db.session.query(User).filter_by(username="newexpert").one().id
        city_user = db.session.query(User).filter_by(username="wuhan").one().id
        db.session.commit()
    client = world["app"].test_client()
    headers = {"Authorization": f"Bearer {token}"}
    r = client.post("/api/v1/experts", json={"user_id": newcomer, "fields": ["factory"],
                                             "admin_unit_code": "hubei.yichang"}, headers=headers)
    assert r.status_code == 201 and r.get_json()["username"] == "newexpert" and r.get_json()["name"] == "新专家"
    again = client.post("/api/v1/experts", json={"user_id": newcomer}, headers=headers)
    assert again.status_code == 409 and "already in the expert pool" in again.get_json()["errors"][0]["message_en"]
    wrong = client.post("/api/v1/experts", json={"user_id": city_user}, headers=headers)
    assert wrong.status_code == 409 and "expert role" in wrong.get_json()["errors"][0]["message_en"]
    assert client.post("/api/v1/experts", json={"name": "无账号"}, headers=headers).status_code == 422
    joined = r.get_json()["id"]
    # the newcomer comes from 宜昌: assigned to both, it must avoid the 宜昌 applicant
    r = client.post("/api/v1/review/bulk-assignments", headers=headers,
                    json={"application_ids": [world["reviewed"], world["queued"]], "expert_id": joined})
    outcomes = {o["application_id"]: o for o in r.get_json()["outcomes"]}
    assert r.status_code == 200 and outcomes[world["queued"]]["error"] is None
    assert "宜昌市" in outcomes[world["reviewed"]]["error"]["message_zh"]
    assert outcomes[world["queued"]]["progress"]["assigned"] == 1
    r = client.post("/api/v1/review/draws", headers=headers,
                    json={"application_ids": [world["queued"]], "panel_size": 0})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "panel_size"
    queue = client.get("/api/v1/review/applications", headers=headers).get_json()["items"]
    progress = {a["application_id"]: a["progress"] for a in queue}
    assert (progress[world["reviewed"]]["assigned"], progress[world["queued"]]["assigned"]) == (0, 1)
    assert progress[world["queued"]]["experts"] == ["新专家"] and progress[world["queued"]]["needed"] == 2


def test_an_expert_who_declines_no_longer_reads_the_application(world):
    with world["app"].app_context():
        a = db.session.get(Application, world["queued"])
        row = experts.assign("prov", a, db.session.query(ExpertProfile).filter_by(name="专家2").one())
        db.session.commit()
        assignment = row.id
    client = world["app"].test_client()
    _login(client, "exp2")
    assert client.get(f"/review/case-files/{world['queued']}").status_code == 200
    token = _csrf(client, f"/expert/assignments/{assignment}")
    client.post(f"/expert/assignments/{assignment}/decline", data={"csrf_token": token, "reason": "曾为该企业提供咨询"})
    assert client.get(f"/review/case-files/{world['queued']}").status_code == 404
    page = client.get(f"/expert/assignments/{assignment}?lang=zh").get_data(as_text=True)
    assert 'id="case-file"' not in page and "曾为该企业提供咨询" in page


@pytest.mark.parametrize("region", ["hunan", "hubei", "jiangxi", "shanxi", "national"])
def test_every_indicator_of_every_table_has_an_english_name(make_app, region):
    """The tables are the ministry's (seed 001 附件1 绿色工厂评价要求, 附件2 绿色工业园区评价要求, through
    plugins/national/indicators.py); English pages name each indicator in English (domain: "speak the user's
    language"), the official Chinese name stays in the API's ``name``, the xlsx tables and Chinese pages."""
    from core.kernel.rules import region_rules

    app = make_app(region)
    with app.app_context():
        sets = region_rules().indicator_sets
    assert sets
    for iset in sets.values():
        for ind in iset.indicators:
            assert ind.name_en and ind.name_en.isascii() and ind.name_en != ind.name, (iset.code, ind.number)


def test_indicators_are_named_in_the_page_language_on_the_application_its_form_and_the_api(world):
    """Hubei's factory table is the ministry's 2025 table (seed 001 附件1): indicator 4 is
    能碳管理系统平台功能符合数量, in English "Functions of the energy and carbon management platform in place"."""
    zh_name, en_name = "能碳管理系统平台功能符合数量", "Functions of the energy and carbon management platform in place"
    client = world["app"].test_client()
    _login(client, "ent")
    draft = world["draft"]
    english = client.get(f"/applications/{draft}?lang=en").get_data(as_text=True)
    assert f"4. {en_name}" in english and zh_name not in english
    chinese = client.get(f"/applications/{draft}?lang=zh").get_data(as_text=True)
    assert f"4. {zh_name}" in chinese and en_name not in chinese
    with time_machine.travel(dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC), tick=False):  # the 2025 round is open
        client = world["app"].test_client()
        _login(client, "ent")
        form = client.get(f"/applications/{draft}/edit?lang=en").get_data(as_text=True)
        chinese_form = client.get(f"/applications/{draft}/edit?lang=zh").get_data(as_text=True)
    # the indicator's value field, and the evidence section an applicant uploads its proof to
    assert f"4. {en_name}" in form and "1. Energy consumption intensity" in form and f"Indicator 4 {en_name}" in form
    assert f"4. {zh_name}" in chinese_form and f"指标 4 {zh_name}" in chinese_form and en_name not in chinese_form
    api = world["app"].test_client()
    with world["app"].app_context():
        token, _ = accounts.create_token(db.session.query(User).filter_by(username="ent").one(), "test")
        db.session.commit()
    score = api.get(f"/api/v1/applications/{draft}/score", headers={"Authorization": f"Bearer {token}"}).get_json()
    fourth = next(i for i in score["indicators"] if i["number"] == 4)
    assert fourth["name"] == zh_name and fourth["name_en"] == en_name


@pytest.mark.parametrize("region", ["hunan", "hubei", "jiangxi", "shanxi"])
def test_every_form_field_of_every_province_has_an_english_label(make_app, region):
    """Each province's own application fields (plugins/<region>/forms.py, citing seeds 000, 002, 003 and 004)
    carry a platform translation for English pages, with the same year fields as the official label."""
    import re as _re

    from core.kernel.rules import region_rules

    app = make_app(region)
    with app.app_context():
        fields = region_rules().form_fields.values()
    assert fields
    for f in fields:
        assert f.label_en and not _re.search(r"[\u3400-\u9fff]", f.label_en), f.code
        assert _re.findall(r"\{[^}]*\}", f.label_en) == _re.findall(r"\{[^}]*\}", f.label), f.code


def test_a_hunan_form_reads_its_fields_in_the_page_language_with_the_rounds_years(make_app, tmp_path):
    """Hunan's 2024 factory form (seed 000 附件2-1) asks for 2023年度预计年能耗总量（万吨标煤）; an English page asks
    for the expected total energy use in 2023, a Chinese page as the form prints it."""
    from core.models import AdminUnit
    from core.services.admin_units import sync_admin_units

    app = make_app("hunan", WTF_CSRF_ENABLED=True, GREENMFG_EVIDENCE_DIR=str(tmp_path / "ev"))
    with app.app_context():
        sync_admin_units("test")
        changsha = db.session.query(AdminUnit).filter_by(code="hunan.changsha").one()
        c = kit.campaign("hunan", year=2024)
        draft = kit.application(c, changsha, status=S.DRAFT, org=kit.organization(changsha, "长沙绿色电机有限公司"))
        accounts.create_user(username="hunan_ent", password=PASSWORD, display_name="hunan_ent", role=Role.APPLICANT, actor="test",
                             organization_id=draft.organization_id)
        db.session.commit()
        draft_id, opens = draft.id, c.opens_at
    with time_machine.travel(opens + dt.timedelta(days=1), tick=False):
        client = app.test_client()
        _login(client, "hunan_ent")
        english = client.get(f"/applications/{draft_id}/edit?lang=en").get_data(as_text=True)
        chinese = client.get(f"/applications/{draft_id}/edit?lang=zh").get_data(as_text=True)
    # (the field's citation, shown beside it, quotes the form's own column in Chinese)
    assert "Expected total energy use in 2023 (10,000 tce)" in english and "2023年度预计年能耗总量" not in english
    assert "2023年度预计年能耗总量（万吨标煤）" in chinese and "Expected total energy use" not in chinese
    assert "Type of enterprise" in english and "企业性质" in chinese


def test_an_application_without_a_record_of_its_checks_says_so_instead_of_no_checks(world):
    """Hubei's provincial factories have checks (seed 002 二: conditions every applicant declares), recorded when
    the applicant submits. A unit made outside the platform's submission (kit rows here, the demo's rows) has
    no record: the page says that, never "No checks for this unit type and level"."""
    client = world["app"].test_client()
    _login(client, "prov")
    page = client.get(f"/applications/{world['reviewed']}?lang=en").get_data(as_text=True)
    assert 'id="eligibility-unrecorded"' in page and "did not go through the platform" in page
    assert "No checks for this unit type and level" not in page
    assert "本申报未经平台提交，没有保存资格审查记录" in client.get(
        f"/applications/{world['reviewed']}?lang=zh").get_data(as_text=True)


# ---------------------------------------------------------------- the Hubei walk (defects a tester found) --


def _engaged(world) -> None:
    """The good firm engaged for the draft (the report form open on its case file)."""
    request_id = _request(world)
    with world["app"].app_context():
        evaluators.accept_request(db.session.query(User).filter_by(username="firm").one(),
                                  db.session.get(EvaluationRequest, request_id))
        db.session.commit()


def test_a_report_without_its_pdf_says_so_in_one_line_in_chinese_and_english(world):
    _engaged(world)
    client = world["app"].test_client()
    _login(client, "firm")
    url = f"/review/case-files/{world['draft']}/report"
    for lang, message, broken in (("zh", "请选择PDF文件。", "请; 选"), ("en", "Choose a PDF file.", "C; h; o")):
        token = _csrf(client, f"/review/case-files/{world['draft']}")
        r = client.post(f"{url}?lang={lang}", content_type="multipart/form-data",
                        data={"csrf_token": token, "visited_on": beijing_today().isoformat()})
        page = r.get_data(as_text=True)
        assert r.status_code == 422 and f'<div class="error">{message}</div>' in page and broken not in page


def _scoring(world) -> int:
    """专家1 assigned to the application under review; the assignment's id."""
    with world["app"].app_context():
        a = db.session.get(Application, world["reviewed"])
        row = experts.assign("prov", a, db.session.query(ExpertProfile).filter_by(name="专家1").one())
        db.session.commit()
        return row.id


def _scoring_page(world):
    """专家1 signed in on the page of the assignment :func:`_scoring` makes: (assignment, client, url, token)."""
    assignment = _scoring(world)
    client = world["app"].test_client()
    _login(client, "exp1")
    url = f"/expert/assignments/{assignment}"
    return assignment, client, url, _csrf(client, url)


def test_a_refused_score_keeps_every_score_typed_and_marks_the_one_out_of_range(world):
    assignment, client, url, token = _scoring_page(world)
    typed = {f"score_{k}": str(w - 1) for k, w in kit.FACTORY_WEIGHTS.items()}
    typed["score_3"] = "9"  # indicator 3 weighs 8 (001 附件1)
    r = client.post(f"{url}?lang=zh", data={"csrf_token": token, **typed, "comment": "资料齐全"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "指标3的分值须在0至8之间" in page and "资料齐全" in page
    for name, value in typed.items():  # every box keeps what was typed
        assert re.search(rf'name="{name}" id="{name}"[^>]* value="{value}"', page), name
    marked = re.search(r'<tr class="has-error">.*?</tr>', page, re.S).group(0)
    assert 'name="score_3"' in marked and 'aria-invalid="true"' in marked and "0至8之间" in marked
    assert page.count('aria-invalid="true"') == 1
    with world["app"].app_context():
        assert db.session.get(ExpertAssignment, assignment).scores == {}  # nothing saved
    # a comment too long: the scores typed stay as well
    r = client.post(f"{url}?lang=zh", data={"csrf_token": token, **typed, "comment": "长" * 4001})
    assert r.status_code == 422 and 'name="score_5" id="score_5"' in r.get_data(as_text=True)
    assert re.search(r'name="score_5" id="score_5"[^>]* value="7"', r.get_data(as_text=True))


def test_after_submitting_the_message_and_the_page_agree_when_the_others_scores_show(world):
    assignment, client, url, token = _scoring_page(world)
    client.post(url, data={"csrf_token": token, **{f"score_{k}": v for k, v in kit.scores_for(80).items()}})
    page = client.post(f"{url}/submit?lang=zh", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    # other experts' scores are shown once the panel's result is recorded (experts.visible_assignments)
    assert "评分已提交，不可再修改。评审组结果确定后显示其他专家的评分。" in page and 'id="no-others"' in page
    assert "现在可以查看" not in page


def test_graded_rows_of_the_review_list_show_their_result_not_experts_still_needed(world):
    with world["app"].app_context():
        a = db.session.get(Application, world["reviewed"])
        kit.panel(a, [82, 78], db.session.query(ExpertProfile).order_by(ExpertProfile.id).all()[:2], actor="prov")
        # graded outside the platform's panel (as the demo's data): no result recorded
        b = db.session.get(Application, world["queued"])
        b.status, b.tier = S.GRADED, None
        db.session.commit()
    client = world["app"].test_client()
    _login(client, "prov")
    page = client.get("/review?lang=zh").get_data(as_text=True)
    row = re.search(rf'<tr id="queue-{world["reviewed"]}">.*?</tr>', page, re.S).group(0)
    assert "2名专家的评审结果" in row and "80.00" in row and "还需" not in row and "已评级" in row
    row = re.search(rf'<tr id="queue-{world["queued"]}">.*?</tr>', page, re.S).group(0)
    assert "评级未经本平台专家评审" in row and "还需" not in row and "0名中已提交0名" not in row
    page = client.get("/review?lang=en").get_data(as_text=True)
    row = re.search(rf'<tr id="queue-{world["reviewed"]}">.*?</tr>', page, re.S).group(0)
    assert "Panel result of 2 experts" in row and "more needed" not in row


def test_the_random_draw_names_the_industry_and_still_matches_experts_by_its_code(world):
    with world["app"].app_context():
        a = db.session.get(Application, world["reviewed"])
        a.industry = "electronics.02"  # 锂离子电池 (001 附件3)
        for n, code in ((4, "hubei.ezhou"), (5, "hubei.jingmen")):
            experts.add_expert("test", username=f"battery{n}", password=PASSWORD, name=f"电池专家{n}",
                               fields=["electronics.02"], admin_unit_code=code)
        db.session.commit()
        industry = current_rules(world).industries["electronics.02"]
    client = world["app"].test_client()
    _login(client, "prov")
    url = f"/review/applications/{world['reviewed']}"
    page = client.get(f"{url}?lang=zh").get_data(as_text=True)
    draw_form = re.search(r'<form[^>]*id="draw-form".*?</form>', page, re.S).group(0)
    assert f'value="{industry.name}"' in draw_form and "electronics.02" not in page
    page = client.get(f"{url}?lang=en").get_data(as_text=True)
    assert f'value="{industry.name_en}"' in page and "electronics.02" not in page
    r = client.post(f"{url}/draw?lang=zh", data={"csrf_token": _csrf(client, url), "field": industry.name,
                                                 "count": "2"}, follow_redirects=True)
    assert "已抽取专家" in r.get_data(as_text=True) or r.status_code == 200
    with world["app"].app_context():
        drawn = {r.expert.name for r in experts.assignments(db.session.get(Application, world["reviewed"]))}
    assert drawn == {"电池专家4", "电池专家5"}
    # too few experts in the field: the refusal names the industry, not its code
    r = client.post(f"{url}/draw?lang=zh", data={"csrf_token": _csrf(client, url), "field": industry.name,
                                                 "count": "1"}, follow_redirects=True)
    assert industry.name in r.get_data(as_text=True) and "electronics.02" not in r.get_data(as_text=True)


def current_rules(world):
    return world["app"].extensions["greenmfg"].rules


def test_too_small_a_panel_is_refused_wholly_in_the_page_language_marking_the_platform_default_once(make_app):
    """No seed sets the panel size: the platform's default of 3 (plugins/national REVIEW_PANEL), said once."""
    app = make_app("hubei", WTF_CSRF_ENABLED=True)
    with app.app_context():
        units = [kit.unit("hubei", name=f"测试市{n}") for n in range(2)]
        a = kit.application(kit.campaign("hubei", year=2025), units[0])
        row = experts.assign("prov", a, kit.expert("专家甲", "hubei", unit_=units[1]))
        row.scores, row.status, row.total = kit.scores_for(80), "submitted", 80
        accounts.create_user(username="prov", password=PASSWORD, display_name="prov", role=Role.PROVINCE, actor="test")
        db.session.commit()
        app_id = a.id
    with app.test_request_context("/?lang=zh"):
        from core.errors import Refused

        with pytest.raises(Refused) as refused:
            experts.grade("prov", db.session.get(Application, app_id))
        db.session.rollback()
        zh, en = refused.value.localized("zh"), refused.value.localized("en")
    assert zh.count("平台默认") == 1 and "platform default" not in zh and "至少3名专家" in zh
    assert en.count("platform default") == 1 and not re.search(r"[\u3400-\u9fff]", en)
    client = app.test_client()
    _login(client, "prov")
    url = f"/review/applications/{app_id}"
    for lang, mark, message in (("zh", "平台默认", zh), ("en", "platform default", en)):
        page = client.get(f"{url}?lang={lang}").get_data(as_text=True)
        rule = re.search(r'<span class="src" id="panel-rule">(.*?)</span>', page).group(1)
        assert rule.count(mark) == 1 and (lang == "zh" or not re.search(r"[\u3400-\u9fff]", rule)), rule
        r = client.post(f"{url}/grade?lang={lang}", data={"csrf_token": _csrf(client, url)}, follow_redirects=True)
        assert message in r.get_data(as_text=True).replace("&#39;", "'")
