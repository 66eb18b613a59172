"""The issue's walk, on SQLite and PostgreSQL, through the web UI and the JSON API:

province opens a campaign → an enterprise registers (USCC validated), fills the Hunan form
(附件1, seed 000) with evidence and submits → editing is refused (seed 001: 提交后无法修改) →
the city returns it → the enterprise corrects and resubmits → the city recommends until the
quota (3, test plugin) is full → the next recommendation is refused naming the quota → the
city exports the summary table (附件2-1 layout) and re-imports it.
"""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from helpers import with_tag
from app_world import (
    PASSWORD,
    QUOTA_PLUGIN,
    beijing_local,
    build_world,
    make_uscc,
    pdf,
)
from sqlalchemy import func, select

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases

#: 附件1 企业近三年经营情况 of the 2025 round: 2022, 2023 and 2024 (预计), the year before the round last
HUNAN_FINANCES = [(2022, "5000", "40", "8000", "600", "200"), (2023, "5500", "41", "8800", "650", "210"),
                  (2024, "6000", "39", "9500", "700", "230")]


def hunan_web_form(app, main_business="精细化工产品的研发与生产") -> dict:
    rules = app.extensions["greenmfg"].rules
    data = {
        "contact_name": "王建国", "contact_phone": "13800138000", "contact_email": "wang@example.com",
        "legal_representative": "李红梅", "address": "长沙市岳麓区麓谷大道1号", "industry": "",
        "evaluation_mode": "self",
        "ext_hunan__industry": "化工", "ext_hunan__modern_industry": "现代石化",
        "ext_hunan__main_business": main_business, "ext_hunan__enterprise_nature": "民营企业",
        "ext_hunan__founded_on": "2010-05-01", "ext_hunan__cp_mandatory_status": "已完成",
        "ext_hunan__cp_voluntary_status": "未完成", "ext_hunan__energy_diagnosis_status": "已完成",
        "ext_hunan__cp_audit_date": "2024-06-30",
        "ext_hunan__products-0-name": "环氧树脂", "ext_hunan__products-0-capacity": "5万吨",
        "ext_hunan__products-0-output": "4万吨", "ext_hunan__products-0-sales_rate": "98",
        "ext_hunan__products-0-market_share": "3",
        "ext_hunan__energy_total": "1.2", "ext_hunan__water_total": "30",
        "ext_hunan__honour_green_unit": "y",
        "ind_1": "0.8", "ind_3": "12.5", "ind_4": ["能耗查询", "能效对标", "碳排放"], "ind_9": "yes",
    }
    for i, row in enumerate(HUNAN_FINANCES):
        for key, value in zip(("year", "total_assets", "debt_ratio", "revenue", "profit", "tax"), row):
            data[f"ext_hunan__finances-{i}-{key}"] = str(value)
    for i, _item in enumerate(rules.negative_list_for("factory", "provincial", 2025)):
        data[f"neg_{i}"] = "no"  # 否: the item does not apply
    return data


def hunan_api_body(app) -> dict:
    rules = app.extensions["greenmfg"].rules
    return {
        "contact_name": "赵磊", "contact_phone": "0731-88886666",
        "declarations": {i.code: True for i in rules.negative_list_for("factory", "provincial", 2025)},
        "indicator_values": {"1": 0.6, "9": True},
        "extension": {  # the region's form fields, by code (the same keys the API answers with)
            "hunan.industry": "机械", "hunan.modern_industry": "现代石化",
            "hunan.main_business": "工程机械零部件", "hunan.enterprise_nature": "国有企业",
            "hunan.founded_on": "2005-03-15", "hunan.cp_mandatory_status": "已完成",
            "hunan.cp_voluntary_status": "已完成", "hunan.energy_diagnosis_status": "未完成",
            "hunan.products": [{"name": "液压件", "capacity": "10万件"}],
            "hunan.energy_total": 0.8, "hunan.water_total": 12,
            "hunan.finances": [dict(zip(("year", "total_assets", "debt_ratio", "revenue", "profit", "tax"),
                                        (y, *map(float, rest)))) for y, *rest in HUNAN_FINANCES],
        },
    }


@pytest.fixture
def hunan(make_app, tmp_path):
    return make_app("hunan", GREENMFG_EXTRA_PLUGINS=[QUOTA_PLUGIN], WTF_CSRF_ENABLED=False,
                    GREENMFG_EVIDENCE_DIR=str(tmp_path / "evidence"))


def _status(app, app_id):
    from core.extensions import db
    from core.models import Application

    with app.app_context():
        return db.session.get(Application, app_id).status.value


def test_walk_from_campaign_to_summary_table(hunan, tmp_path):
    from core.extensions import db
    from core.models import Application, AuditLog, Campaign, Evidence, Organization

    app = hunan
    world = build_world(app)

    # -- province opens a campaign (deadline given: Hunan sets no applicants' date for 2025 provincial)
    province = world.client("province")
    r = province.post("/province/campaigns", data={"year": "2025", "level": "provincial", "unit_types": ["factory"],
                                                   "title": "", "closes_at": beijing_local(dt.timedelta(days=20))})
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    with app.app_context():
        campaign = db.session.scalars(select(Campaign)).one()
        campaign_id = campaign.id
        assert campaign.title == "2025年度湖南省省级绿色制造名单申报" and campaign.unit_types == ["factory"]
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "campaign.opened")).actor == "province_user"

    # -- an enterprise registers; a mistyped credit code is refused with the expected check character
    ent = app.test_client()
    good = make_uscc()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    form = {"uscc": bad, "org_name": "长沙示范化工有限公司", "admin_unit": "hunan.changsha", "display_name": "王建国",
            "username": "shifan", "password": PASSWORD, "password2": PASSWORD}
    r = ent.post("/register", data=form)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "校验码" in html and good[-1] in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Organization.id)).where(Organization.name == form["org_name"])) == 0
    r = ent.post("/register", data={**form, "uscc": good.lower()[:6] + " " + good.lower()[6:]})
    assert r.status_code == 302 and r.headers["Location"].endswith("/applications")

    # -- starts a draft and fills the Hunan form with the work plan as PDF evidence
    r = ent.post("/applications/start", data={"campaign_id": campaign_id, "unit_type": "factory"})
    assert r.status_code == 302
    app_id = int(r.headers["Location"].split("/")[-2])
    # the open round now links to the draft instead of offering a second factory application (it would be
    # refused)
    mine = ent.get("/applications").get_data(as_text=True)
    assert 'data-start="factory"' not in mine
    assert f'data-started="factory" href="/applications/{app_id}"' in mine and f"（编号 {app_id}，草稿）" in mine
    r = ent.get(f"/applications/{app_id}/edit")
    assert r.status_code == 200 and "ext_hunan__main_business" in r.get_data(as_text=True)
    data = hunan_web_form(app)
    data["ext_hunan__work_plan"] = (io.BytesIO(pdf(3)), "创建工作方案.pdf")
    r = ent.post(f"/applications/{app_id}/edit", data=data, content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:5000]
    r = ent.post(f"/applications/{app_id}/evidence", content_type="multipart/form-data",
                 data={"section": "indicator.1", "file": (io.BytesIO(pdf(1)), "能耗统计表.pdf")})
    assert r.status_code == 302
    with app.app_context():
        a = db.session.get(Application, app_id)
        work_plan = db.session.scalars(select(Evidence).where(Evidence.section == "hunan.work_plan")).one()
        assert a.extension_data["hunan.work_plan"] == str(work_plan.id) and work_plan.pages == 3
        assert a.extension_data.get("hunan.finances", [0, 0, {}])[2].get("revenue") == 9500, sorted(a.extension_data)
        assert a.score is not None and a.organization.legal_representative == "李红梅"

    r = ent.post(f"/applications/{app_id}/submit", data={"confirm": "y"})
    assert r.status_code == 302, r.get_data(as_text=True)
    assert _status(app, app_id) == "submitted"

    # -- after submit: no edits (web and API), no uploads
    r = ent.post(f"/applications/{app_id}/edit", data=hunan_web_form(app, "改过的主营业务"))
    assert r.status_code == 409 and "不能再修改" in r.get_data(as_text=True)
    r = world.client().post
    with app.app_context():
        from core.accounts import services as accounts
        from core.models import User

        user = db.session.scalar(select(User).where(User.username == "shifan"))
        token, _ = accounts.create_token(user, "t")
        db.session.commit()
    r = with_tag(app.test_client(), "patch", f"/api/v1/applications/{app_id}",
                 json={"extension": {"hunan.main_business": "x"}},
                 headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 409 and r.get_json()["errors"][0]["code"] == "refused", r.get_json()
    assert "submitted" in r.get_json()["errors"][0]["message_en"]
    r = ent.post(f"/applications/{app_id}/evidence", content_type="multipart/form-data",
                 data={"section": "general", "file": (io.BytesIO(pdf(1)), "late.pdf")})
    assert r.status_code == 409

    # -- the city returns it with a reason and an end time; the enterprise corrects and resubmits
    city = world.client("city_changsha")
    r = city.post(f"/applications/{app_id}/return", data={"reason": "主营业务描述不完整，请补充",
                                                          "until": beijing_local(dt.timedelta(days=3)), "confirm": "y"})
    assert r.status_code == 302
    assert _status(app, app_id) == "returned"
    html = ent.get(f"/applications/{app_id}").get_data(as_text=True)
    assert "主营业务描述不完整" in html
    r = ent.post(f"/applications/{app_id}/edit", data=hunan_web_form(app, "精细化工产品及环氧树脂的研发与生产"))
    assert r.status_code == 302
    assert ent.post(f"/applications/{app_id}/submit", data={"confirm": "y"}).status_code == 302
    with app.app_context():
        assert db.session.get(Application, app_id).status.value == "submitted"
        saved = [e.data["diff"] for e in db.session.scalars(select(AuditLog).where(
            AuditLog.action == "application.saved", AuditLog.object_id == str(app_id)))]
        assert ["精细化工产品的研发与生产", "精细化工产品及环氧树脂的研发与生产"] in [
            d.get("ext.hunan.main_business") for d in saved]
        actions = [e.action for e in db.session.scalars(select(AuditLog).where(AuditLog.object_id == str(app_id))
                                                        .order_by(AuditLog.id))]
        assert actions.count("application.submitted") == 2 and "application.returned" in actions

    # -- three more applicants of the same city, one of them entirely through the API
    ids = [app_id]
    api_user = world.api("applicant_changsha")
    r = api_user.post("/api/v1/applications", json={"campaign_id": campaign_id, "unit_type": "factory"})
    assert r.status_code == 201, r.get_json()
    api_id = r.get_json()["id"]
    r = api_user.patch(f"/api/v1/applications/{api_id}", json=hunan_api_body(app))
    assert r.status_code == 200, r.get_json()
    r = api_user.post(f"/api/v1/applications/{api_id}/submit")
    assert r.status_code == 422 and "hunan.work_plan" in [e["field"] for e in r.get_json()["errors"]]
    assert "创建工作方案" in r.get_json()["message_zh"]
    r = api_user.post(f"/api/v1/applications/{api_id}/evidence", content_type="multipart/form-data",
                      data={"section": "hunan.work_plan", "file": (io.BytesIO(pdf(2)), "plan.pdf")})
    assert r.status_code == 201, r.get_json()
    r = api_user.post(f"/api/v1/applications/{api_id}/submit")
    assert r.status_code == 200 and r.get_json()["status"] == "submitted"
    ids.append(api_id)
    for n in range(2):
        ids.append(_submitted_application(app, world, campaign_id, f"长沙第{n + 2}化工有限公司"))

    # -- the city recommends until the quota is full; the next one is refused naming the quota
    for n, target in enumerate(ids[:3]):
        r = city.post(f"/applications/{target}/recommend", data={"acknowledge_warnings": "y", "confirm": "y"})
        assert r.status_code == 302, r.get_data(as_text=True)[:3000]
        assert _status(app, target) == "city_recommended"
    r = city.post(f"/applications/{ids[3]}/recommend", data={"acknowledge_warnings": "y", "confirm": "y"})
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert "3" in html and "quota_test" in html and "长沙市" in html
    assert _status(app, ids[3]) == "submitted"
    r = world.api("city_changsha").post(f"/api/v1/applications/{ids[3]}/recommend", json={"acknowledge_warnings": True})
    assert r.status_code == 409 and r.get_json()["errors"][0]["code"] == "limit_reached"
    assert "quota" in r.get_json()["errors"][0]["message_en"] and "3" in r.get_json()["errors"][0]["message_en"]

    # -- the city exports the summary table in Hunan's 附件2-1 layout ...
    r = city.get(f"/city/summary.xlsx?campaign={campaign_id}")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    wb = openpyxl.load_workbook(io.BytesIO(r.data))
    ws = wb.worksheets[0]
    assert ws["A1"].value == "附件2-1" and ws["A2"].value == "2025年湖南省绿色制造体系申报汇总表"
    headers = next([c.value for c in row] for row in ws.iter_rows() if row[0].value == "序号")
    assert headers[:4] == ["序号", "申报单位", "主营业务", "创建类型"] and headers[-1] == "统一社会信用代码"
    rows = [[c.value for c in row] for row in ws.iter_rows() if isinstance(row[0].value, int)]
    assert len(rows) == 3 and [r[0] for r in rows] == [1, 2, 3]
    first = next(r for r in rows if r[-1] == good)
    assert first[1] == "长沙示范化工有限公司" and first[2] == "精细化工产品及环氧树脂的研发与生产"
    assert first[headers.index("2024年主营业务收入（预计）")] == 9500 and first[headers.index("所属行业")] == "化工"
    assert first[headers.index("申报单位联系人及手机")] == "王建国 13800138000"

    # -- ... and re-imports it unchanged, then with a new enterprise (and first with a bad row: nothing written)
    r = city.post(f"/city/summary?campaign={campaign_id}", content_type="multipart/form-data",
                  data={"file": (io.BytesIO(r.data), "summary.xlsx")})
    assert r.status_code == 200, r.get_data(as_text=True)[:3000]
    assert "3 unchanged" in r.get_data(as_text=True) or "未变 3" in r.get_data(as_text=True)
    new_uscc = make_uscc()
    ws.append([4, "长沙新申报材料有限公司", "新材料", "绿色工厂", "建材", "前沿材料", None, None, None, "刘洋 13912345678",
               new_uscc])
    ws.append([5, "错误代码有限公司", "x", "绿色工厂", "化工", "现代石化", None, None, None, "", "91430100MA4L0000X1"])
    buf = io.BytesIO()
    wb.save(buf)
    r = world.api("city_changsha").post(f"/api/v1/summary?campaign_id={campaign_id}", content_type="multipart/form-data",
                                        data={"file": (io.BytesIO(buf.getvalue()), "summary.xlsx")})
    report = r.get_json()
    assert r.status_code == 422 and report["ok"] is False and report["rejected"] == 1
    rejected = [row for row in report["rows"] if row["action"] == "rejected"]
    assert rejected[0]["row"] == ws.max_row and "校验码" in rejected[0]["reason"]
    with app.app_context():
        assert db.session.scalar(select(Organization).where(Organization.uscc == new_uscc)) is None
    ws.delete_rows(ws.max_row)
    buf = io.BytesIO()
    wb.save(buf)
    r = world.api("city_changsha").post(f"/api/v1/summary?campaign_id={campaign_id}", content_type="multipart/form-data",
                                        data={"file": (io.BytesIO(buf.getvalue()), "summary.xlsx")})
    report = r.get_json()
    assert r.status_code == 200 and (report["created"], report["unchanged"], report["rejected"]) == (1, 3, 0)
    with app.app_context():
        org = db.session.scalar(select(Organization).where(Organization.uscc == new_uscc))
        draft = db.session.scalar(select(Application).where(Application.organization_id == org.id))
        assert org.admin_unit.code == "hunan.changsha" and draft.status.value == "draft"
        assert draft.extension_data["hunan.main_business"] == "新材料" and draft.contact_phone == "13912345678"


def _submitted_application(app, world, campaign_id, name) -> int:
    """Another applicant of Changsha with a complete, submitted application (through the services)."""
    from core.accounts import services as accounts
    from core.applications import services
    from core.extensions import db
    from core.models import Campaign, Organization, Role

    with app.app_context():
        org = Organization(uscc=make_uscc(), name=name, admin_unit_id=world.units["changsha"])
        db.session.add(org)
        db.session.flush()
        user = accounts.create_user(username=f"user{org.id}", password=PASSWORD, display_name=name, role=Role.APPLICANT,
                                    actor="test", organization_id=org.id)
        a = services.start_application(user, db.session.get(Campaign, campaign_id), "factory")
        services.save_draft(a, hunan_api_body(app), user.username)
        services.add_evidence(a, "hunan.work_plan", "plan.pdf", pdf(1), user.username)
        services.submit(a, user.username)
        db.session.commit()
        return a.id
