"""The same services through the web pages, the JSON API and the CLI: a unit files and sees
its score and rank, the city reviews, a real-name complaint ends in rectification
(004_7a8ddd82f611ab67.txt 第二十五条), a change of name is reported and applied (第二十三条),
the dashboards render their charts, scopes hold (a city sees only its own units).
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import g
from mgmt_world import (
    factory_values,
    listed,
    organization,
    references,
    units,
    user,
    web,
)
from sqlalchemy import select

from core.clock import today as beijing_today


def _world(app):
    from core.extensions import db
    from core.management import filings

    ids = units(app)
    references(2025)
    org = organization(ids["taiyuan"], "太原网页填报有限公司")
    listed(org, "national", 2023)
    listed(org, "provincial", 2022)
    other = organization(ids["datong"], "大同另一工厂有限公司")
    listed(other, "national", 2023)
    people = {
        "ent": user("applicant", "ty_ent", organization_id=org.id),
        "city": user("city", "ty_city", admin_unit_id=ids["taiyuan"]),
        "other_city": user("city", "dt_city", admin_unit_id=ids["datong"]),
        "province": user("province", "sx_province"),
    }
    year = dt.date.today().year
    filings.open_year(year, "test")
    for f in db.session.scalars(select(filings.AnnualFiling)):
        f.due_on = dt.date.today() + dt.timedelta(days=30)  # the simulated due date lies ahead
    db.session.commit()
    return ids, org, other, people, year


@pytest.mark.region("shanxi")
def test_unit_files_on_the_web_city_accepts_and_scopes_hold(app):
    from core.extensions import db
    from core.management import filings
    from core.models import AnnualFiling

    _ids, org, other, _people, _year = _world(app)
    filing = db.session.scalar(select(AnnualFiling).where(AnnualFiling.organization_id == org.id))
    other_filing = db.session.scalar(select(AnnualFiling).where(AnnualFiling.organization_id == other.id))
    assert filing.levels == ["provincial", "national"]

    ent = web(app, "ty_ent")
    html = ent.get("/management/filings").get_data(as_text=True)
    assert "太原网页填报有限公司" in html and "大同另一工厂有限公司" not in html
    assert ent.get(f"/management/filings/{other_filing.id}").status_code == 404
    assert ent.get("/management/dashboard").status_code == 403
    form = {"industry": ""}
    for number, value in factory_values(0.8).items():
        form[f"ind_{number}"] = value if not isinstance(value, bool) else ("yes" if value else "no")
    form["key_output_value"] = "5200"
    r = ent.post(f"/management/filings/{filing.id}", data=form)
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    page = ent.get(f"/management/filings/{filing.id}").get_data(as_text=True)
    live = float(re.search(r'id="live-total">([0-9.]+)<', page).group(1))
    assert live > 70
    assert ent.post(f"/management/filings/{filing.id}/submit").status_code == 302
    listed = ent.get("/management/filings").get_data(as_text=True)  # rows formatted in Python (management.tables)
    assert (f'<tr data-status="submitted"><td>{filing.year}</td><td><a href="/management/filings/{filing.id}">'
            "太原网页填报有限公司</a></td>") in listed
    assert "<td>省级 国家级 </td>" in listed and f"<td>{filing.due_on.isoformat()} 24:00</td>" in listed
    r = ent.post(f"/management/filings/{filing.id}", data=form)
    assert r.status_code == 409 and "不能再修改" in r.get_data(as_text=True)

    # the other city cannot see it; its own city accepts it and the unit sees its rank
    assert web(app, "dt_city").get(f"/management/filings/{filing.id}").status_code == 404
    city = web(app, "ty_city")
    assert city.post(f"/management/filings/{filing.id}/accept", data={"note": "数据核实无误"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(AnnualFiling, filing.id).status == "accepted"
    page = ent.get(f"/management/filings/{filing.id}").get_data(as_text=True)
    national_row = re.search(r'<tr data-level="national">(.*?)</tr>', page, re.DOTALL).group(1)
    assert re.search(r'class="rank">1 / 1<', national_row)
    # the filed key figures by their names and units (national's platform default), never the stored keys
    key_data = page.split('id="key-data"')[1].split("</dl>")[0]
    assert "<dt>工业总产值（万元）</dt><dd>5200.0</dd>" in key_data and "output_value" not in page
    assert filings.standing(db.session.get(AnnualFiling, filing.id))[0].total is not None


@pytest.mark.region("shanxi")
def test_dashboards_render_their_charts_for_city_and_province(app):
    _world(app)
    city = web(app, "ty_city").get("/management/dashboard")
    assert city.status_code == 200
    html = city.get_data(as_text=True)
    assert 'data-chart="filings"' in html and 'data-chart="listed-shanxi.taiyuan"' in html
    assert "shanxi.datong" not in html  # a city sees its own figures only
    # the charts are inline SVG: the only script is the app's own small page helper, nothing comes from outside
    scripts = re.findall(r"<script[^>]*>", html)
    assert len(scripts) == 1 and re.fullmatch(r'<script src="/static/core/greenmfg\.js\?v=[0-9a-f]{12}" defer>', scripts[0])
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    province = web(app, "sx_province").get("/management/dashboard").get_data(as_text=True)
    assert 'data-chart="listed-shanxi.taiyuan"' in province and 'data-chart="listed-shanxi.datong"' in province
    assert '<tr data-city="shanxi.taiyuan">' in province


@pytest.mark.region("shanxi")
def test_public_complaint_ends_in_rectification(app):
    from core.extensions import db
    from core.models import AuditLog, Complaint

    ids, org, _other, _people, _year = _world(app)
    public = web(app)
    r = public.post("/management/complaints/new", data={
        "subject_uscc": org.uscc, "complainant_name": "李四", "complainant_contact": "13812345678",
        "content": "该企业年度动态管理表填报的固废综合利用率与实际不符", "evidence_note": "固废处置合同及转移联单"})
    assert r.status_code == 200 and "complaint-received" in r.get_data(as_text=True)
    complaint = db.session.scalar(select(Complaint))
    assert (complaint.admin_unit_id, complaint.status, complaint.filed_by) == (ids["taiyuan"], "received", "public")
    assert web(app, "dt_city").get(f"/management/complaints/{complaint.id}").status_code == 404
    assert web(app, "ty_ent").get(f"/management/complaints/{complaint.id}").status_code == 404
    city = web(app, "ty_city")
    until = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    r = city.post(f"/management/complaints/{complaint.id}/verify",
                  data={"outcome": "rectification", "finding": "经核实数据有误，限期整改", "rectify_until": until})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.get(Complaint, complaint.id).status == "rectification"
    r = city.post(f"/management/complaints/{complaint.id}/rectification",
                  data={"rectified": "yes", "note": "已更正数据并提交说明"})
    assert r.status_code == 302
    db.session.expire_all()
    done = db.session.get(Complaint, complaint.id)
    # the day is Beijing's (after 16:00 UTC it is already tomorrow there)
    assert (done.status, done.rectified_on, done.removal_id) == ("rectified", beijing_today(), None)
    assert [a.data["outcome"] for a in db.session.scalars(select(AuditLog).where(
        AuditLog.action == "complaint.verified"))] == ["rectification"]


@pytest.mark.region("shanxi")
def test_api_filing_change_and_removal(app):
    from core.accounts import services as accounts
    from core.extensions import db
    from core.models import AnnualFiling, Organization

    _ids, org, other, people, year = _world(app)
    tokens = {k: accounts.create_token(u, "t")[0] for k, u in people.items()}
    db.session.commit()

    def api(who):
        headers = {"Authorization": f"Bearer {tokens[who]}"}
        client = app.test_client()

        def call(method, url, **kw):
            from helpers import with_tag

            g.pop("api_user", None)  # requests share the test's app context, and with it flask.g
            return with_tag(client, method, url, headers=headers, **kw)  # a change sends the tag it read
        return call

    ent, city, province = api("ent"), api("city"), api("province")
    assert app.test_client().get("/api/v1/management/filings").status_code == 401
    g.pop("api_user", None)
    rows = ent("get", "/api/v1/management/filings").get_json()["items"]
    assert [r["organization"]["uscc"] for r in rows] == [org.uscc]
    fid = rows[0]["id"]
    r = ent("patch", f"/api/v1/management/filings/{fid}", json={"values": {"3": 150}})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "values.3"
    r = ent("patch", f"/api/v1/management/filings/{fid}", json={"values": factory_values(0.5)})
    assert r.status_code == 200 and r.get_json()["score"] > 40
    assert ent("post", f"/api/v1/management/filings/{fid}/submit").status_code == 200
    assert api("other_city")("post", f"/api/v1/management/filings/{fid}/review",
                             json={"decision": "accept"}).status_code == 404
    r = city("post", f"/api/v1/management/filings/{fid}/review", json={"decision": "accept"})
    assert r.status_code == 200 and r.get_json()["standing"][0]["rank"] == 1

    # a change of name (art. 23): reported by the unit, accepted by the city, sent up with the recommendation
    r = ent("post", "/api/v1/management/changes", json={"kinds": ["name"], "after": {"name": "太原网页绿色科技有限公司"},
                                                         "description": "公司更名，统一社会信用代码不变"})
    assert r.status_code == 201, r.get_json()
    change = r.get_json()
    assert change["higher_levels"] == ["provincial", "national"]
    # the city's pages say what changed by name, in the page's language, never by the stored code
    from flask_babel import refresh

    for path in ("/management/changes", f"/management/changes/{change['id']}"):
        refresh()  # the requests share the test's app context, where Flask-Babel keeps the language it chose
        zh = web(app, "ty_city").get(path).get_data(as_text=True)
        assert ">名称<" in zh or "名称: 太原网页绿色科技有限公司" in zh, (path, zh[-3000:])
        assert ">name<" not in zh and "name: " not in zh
        refresh()
        en = web(app, "ty_city").get(path + "?lang=en").get_data(as_text=True)
        assert ">Name<" in en, path
    r = city("post", f"/api/v1/management/changes/{change['id']}/review",
             json={"still_compliant": True, "note": "更名不影响绿色工厂条件"})
    assert r.status_code == 200 and r.get_json()["send_up_year"] in (dt.date.today().year, dt.date.today().year + 1)
    db.session.expire_all()
    assert db.session.get(Organization, org.id).name == "太原网页绿色科技有限公司"

    # a removal proposed by the city through the API; the city cannot decide it, the province can
    r = city("post", "/api/v1/management/removals", json={
        "uscc": org.uscc, "sanction": "negative_list_event", "reason": "被列入经营异常名单",
        "evidence_note": "国家企业信用信息公示系统截图", "levels": ["provincial"]})
    assert r.status_code == 201 and r.get_json()["levels"] == ["provincial"]
    rid = r.get_json()["id"]
    assert city("post", f"/api/v1/management/removals/{rid}/decision", json={"approve": True}).status_code == 403
    r = province("post", f"/api/v1/management/removals/{rid}/decision", json={"approve": True, "note": "同意"})
    assert r.status_code == 200 and r.get_json()["status"] == "approved"
    r = province("post", "/api/v1/management/removals/publish", json={"notice_no": "晋工信〔2026〕1号"})
    assert [x["id"] for x in r.get_json()] == [rid]
    summary = province("get", f"/api/v1/management/dashboard?year={year}").get_json()
    assert summary["filings"]["accepted"] == 1 and summary["removals"]["published"] == 1
    assert {c["code"] for c in summary["cities"]} >= {"shanxi.taiyuan", "shanxi.datong"}
    assert city("get", f"/api/v1/management/dashboard?year={year}").get_json()["cities"][0]["code"] == "shanxi.taiyuan"
    # anyone may complain through the API, without a token
    g.pop("api_user", None)
    r = app.test_client().post("/api/v1/management/complaints", json={
        "subject_uscc": other.uscc, "complainant_name": "王五", "complainant_contact": "wang@example.com",
        "content": "该企业实际已停产一年以上仍在名单中", "evidence_note": "停产公告"})
    assert r.status_code == 201 and set(r.get_json()) == {"id", "status", "subject_uscc", "subject_name",
                                                          "subject_kind"}
    assert db.session.scalar(select(AnnualFiling.status).where(AnnualFiling.id == fid)) == "accepted"


@pytest.mark.region("shanxi")
def test_cli_runs_the_due_jobs_with_progress(app):
    from core.cli.management_cmd import filings_group, jobs_group, removals_group
    from core.extensions import db
    from core.models import Removal

    ids = units(app)
    for i in range(3):
        listed(organization(ids["taiyuan"], f"太原命令行企业{i}有限公司"), "provincial", 2024)
    db.session.commit()
    runner = app.test_cli_runner()
    r = runner.invoke(jobs_group, ["run-due", "--on", "2025-03-01"])
    assert r.exit_code == 0, r.output
    assert "filings_opened: 3" in r.output
    r = runner.invoke(filings_group, ["overdue", "--dry-run", "--on", "2025-04-16"])
    assert r.exit_code == 0 and r.output.count("太原命令行企业") == 3
    r = runner.invoke(jobs_group, ["run-due", "--on", "2025-04-16", "--json"])
    assert r.exit_code == 0 and '"overdue_proposals": 3' in r.output
    r = runner.invoke(jobs_group, ["run-due", "--on", "2025-04-16"])
    assert "overdue_proposals: 0" in r.output
    first = db.session.scalar(select(Removal.id).order_by(Removal.id))
    r = runner.invoke(removals_group, ["decide", str(first), "--approve"])
    assert r.exit_code == 0 and "approved" in r.output
    r = runner.invoke(removals_group, ["decide", str(first), "--approve"])
    assert r.exit_code == 2 and "approved" in r.output
    r = runner.invoke(removals_group, ["publish", "--notice", "晋工信〔2025〕9号", "--on", "2025-12-01"])
    assert r.exit_code == 0 and "1" in r.output


@pytest.mark.region("shanxi")
def test_evidence_pdf_is_kept_with_the_removal_and_only_in_scope(app, tmp_path):
    import io

    from pypdf import PdfWriter

    from core.extensions import db
    from core.models import ManagementFile, Removal

    app.config["GREENMFG_EVIDENCE_DIR"] = str(tmp_path / "evidence")
    _ids, org, _other, _people, _year = _world(app)
    buf = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(buf)
    city = web(app, "ty_city")
    r = city.post("/management/removals", content_type="multipart/form-data", data={
        "uscc": org.uscc, "sanction": "negative_list_event", "levels": ["provincial"], "reason": "被列入失信被执行人名单",
        "evidence_note": "信用中国查询结果", "file": (io.BytesIO(buf.getvalue()), "信用中国截图.pdf")})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    removal = db.session.scalar(select(Removal))
    row = db.session.scalar(select(ManagementFile))
    assert (row.record_type, row.record_id, row.original_name, row.pages) == ("removal", removal.id, "信用中国截图.pdf", 1)
    assert city.get(f"/management/files/{row.id}").data == buf.getvalue()
    assert web(app, "dt_city").get(f"/management/files/{row.id}").status_code == 404
    assert web(app, "ty_ent").get(f"/management/files/{row.id}").status_code == 404
    r = city.post(f"/management/removal/{removal.id}/files", content_type="multipart/form-data",
                  data={"file": (io.BytesIO(b"not a pdf"), "x.pdf")})
    assert r.status_code == 422 and "PDF" in r.get_data(as_text=True), r.get_data(as_text=True)[-1500:]
    html = city.get(f"/management/removals/{removal.id}").get_data(as_text=True)
    assert "信用中国截图.pdf" in html and "被列入失信被执行人名单" in html and "ty_city" in html
    # the province decides on the page: 批准 or 驳回 (a removal is not a recommendation: never 不予推荐), and a
    # rejected removal reads 已驳回
    province = web(app, "sx_province")
    page = province.get(f"/management/removals/{removal.id}?lang=zh").get_data(as_text=True)
    decision = page[page.index('id="decide-form"'):]
    assert "批准" in decision and "驳回" in decision and "不予推荐" not in decision
    r = province.post(f"/management/removals/{removal.id}/decide", data={"decision": "reject", "note": "证据不足"})
    assert r.status_code == 302, r.get_data(as_text=True)[:1500]
    page = province.get(f"/management/removals/{removal.id}").get_data(as_text=True)
    assert '<td id="removal-status">已驳回</td>' in page and "不予推荐" not in page


@pytest.mark.region("shanxi")
def test_city_proposes_a_removal_by_picking_a_listed_unit(app):
    """Issue 42: 提出移出建议 needed a credit code typed in, and no page the city reaches shows it. The form now
    offers the listed units of the city's own area by name (004 第二十一条: the city proposes, the province
    decides); another city's unit is not offered, and a unit's page may link with the unit preselected."""
    from core.extensions import db
    from core.models import Removal

    _ids, org, other, _people, _year = _world(app)
    city = web(app, "ty_city")
    page = city.get("/management/removals?lang=zh").get_data(as_text=True)
    form = page[page.index('id="propose-form"'):]
    form = form[:form.index("</form>")]
    picks = re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', form[:form.index('name="uscc"')])
    assert (org.uscc, f"太原网页填报有限公司（{org.uscc}）") in picks
    assert other.uscc not in [code for code, _ in picks]  # 大同's unit is not the 太原 city's to propose
    linked = city.get(f"/management/removals?uscc={org.uscc}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{org.uscc}"|<option value="{org.uscc}" selected', linked)
    r = city.post("/management/removals", data={"unit": org.uscc, "sanction": "negative_list_event",
                                                "levels": ["provincial"], "reason": "被列入失信被执行人名单"})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    removal = db.session.scalar(select(Removal))
    assert removal.organization_id == org.id and removal.status == "proposed"
