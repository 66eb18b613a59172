"""The staff pages for notices, publication, the recommendation and the ministry's import, through
the browser's forms (CSRF included), in Chinese; and who may open them.

Numbers: Shanxi 10 working days from 2025-09-26 → 2025-10-15 (004_7a8ddd82f611ab67.txt 第十三条);
national deadline 2025-11-07 (001_3f04a56fc6693327.txt 附件1 三).
"""
from __future__ import annotations

import datetime as dt
import io
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402
from helpers import new_signing_key, register_province_key  # noqa: E402
from core.accounts import services as accounts
from core.extensions import db
from core.lists import notices, recommend
from core.models import ApplicationStatus as S, ListEntry, PublicNotice, Role

KEY = new_signing_key()

PASSWORD = "名单测试口令-2025-绿色工厂"


def _token(client, url: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def _login(client, username: str):
    assert client.post("/login", data={"username": username, "password": PASSWORD,
                                       "csrf_token": _token(client, "/login")}).status_code == 302


@pytest.fixture
def province(make_app):
    app = make_app("shanxi", GREENMFG_REVIEW_MIN_EXPERTS=1, GREENMFG_RECOMMENDATION_KEY=KEY)
    with app.app_context():
        c = kit.campaign("shanxi")
        apps = []
        for total in (90, 60):
            a = kit.application(c, kit.unit("shanxi"))
            kit.panel(a, [total], [kit.expert(f"专家{total}", "shanxi", unit_=kit.unit("shanxi"))])
            apps.append(a.id)
        for role, name in ((Role.PROVINCE, "prov"), (Role.APPLICANT, "ent"), (Role.MINISTRY, "mof")):
            accounts.create_user(username=name, password=PASSWORD, display_name=name, role=role, actor="t",
                                 organization_id=a.organization_id if role == Role.APPLICANT else None)
        db.session.commit()
    return app, apps


def test_staff_open_a_notice_resolve_and_publish_through_forms(province):
    app, (good, weak) = province
    client = app.test_client()
    _login(client, "prov")
    page = client.get("/province/notices?level=provincial&year=2025&lang=zh").get_data(as_text=True)
    assert "10 个工作日" in page or "10个工作日" in page
    token = _token(client, "/province/notices?level=provincial&year=2025")
    # 10 working days from 2026-12-21 reach 2027, for which there is no holiday data: refused, input kept
    refused = client.post("/province/notices?lang=zh", data={
        "csrf_token": token, "level": "provincial", "year": "2025", "starts_on": "2026-12-21",
        "application_ids": [str(good)]})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "2027" in text and 'value="2026-12-21"' in text
    import time_machine

    with time_machine.travel(kit.beijing(dt.date(2025, 9, 28), 10), tick=False):  # two days into the notice
        _login(client, "prov")
        token = _token(client, "/province/notices?level=provincial&year=2025")
        backdated = client.post("/province/notices?lang=zh", data={  # a start before today needs a reason
            "csrf_token": token, "level": "provincial", "year": "2025", "starts_on": "2025-09-26",
            "application_ids": [str(good), str(weak)]})
        assert backdated.status_code == 422 and "记录原因" in backdated.get_data(as_text=True)
        response = client.post("/province/notices?lang=zh", data={
            "csrf_token": token, "level": "provincial", "year": "2025", "starts_on": "2025-09-26",
            "start_reason": "纸质公示已于2025年9月26日在厅网站发布，现补录到平台。",
            "application_ids": [str(good), str(weak)]}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "2025-09-26至2025-10-15" in text
    _login(client, "prov")  # back in the present: a session signed in 2025 has long expired
    with app.app_context():
        notice = db.session.query(PublicNotice).one()
        item = notice.items[0]
        row = notices.file_objection(notice, item_id=item.id, name="赵敏", contact="13900000001",
                                     grounds="请核实该企业的节能监察整改情况。", at=kit.beijing(dt.date(2025, 10, 9)))
        db.session.commit()
        notice_id, objection_id = notice.id, row.id
    page = client.get(f"/province/notices/{notice_id}?lang=zh").get_data(as_text=True)
    assert "赵敏" in page and "13900000001" in page  # staff see the contact; the public page does not
    assert "异议人: 赵敏" in page and "起始日" not in page  # issue 42: the objector was labelled 起始日 (From)
    assert "13900000001" not in app.test_client().get(f"/notices/{notice_id}").get_data(as_text=True)
    token = _token(client, f"/province/notices/{notice_id}")
    client.post(f"/province/objections/{objection_id}/resolve",
                data={"csrf_token": token, "outcome": "dismissed", "resolution": "经核实，已按期完成整改。"})
    response = client.post(f"/province/notices/{notice_id}/publish?lang=zh", data={
        "csrf_token": token, "document_no": "晋工信节能函〔2025〕88号", "published_on": "2025-10-20", "confirm": "y"},
        follow_redirects=True)
    assert "已列入名单2家单位" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(ListEntry).count() == 2


def test_recommendation_page_refuses_tier_c_and_exports_files(province):
    app, (good, weak) = province
    with app.app_context():  # listed provincially first (national_needs_provincial)
        from core.models import Application

        for ident in (good, weak):
            a = db.session.get(Application, ident)
            db.session.add(ListEntry(organization_id=a.organization_id, unit_type="factory", level="provincial",
                                     year=2025, status="listed", listed_on=dt.date(2025, 10, 20)))
            a.status = S.LISTED
        rec = recommend.recommendation_for(2025, "prov", create=True)
        recommend.set_consulted("prov", rec, ["ecology_environment", "emergency_management", "market_regulation"])
        recommend.add("prov", rec, db.session.get(Application, good), at=kit.beijing(dt.date(2025, 10, 25)))
        recommend.export("prov", rec, at=kit.beijing(dt.date(2025, 10, 25)))
        db.session.commit()
    client = app.test_client()
    _login(client, "prov")
    page = client.get("/province/recommendation?year=2025&lang=zh").get_data(as_text=True)
    assert "2025-11-07" in page and "C级不得推荐至国家级名单" in page
    token = _token(client, "/province/recommendation?year=2025")
    # the real clock is past the 2025 deadline: adding is refused with the date and its source
    response = client.post("/province/recommendation/add?year=2025&lang=zh",
                           data={"csrf_token": token, "application_id": str(weak)}, follow_redirects=True)
    assert "2025-11-07" in response.get_data(as_text=True)
    document = client.get("/province/recommendation/2025.json")
    assert document.status_code == 200 and document.get_json()["items"][0]["tier"] == "A"
    sheet = client.get("/province/recommendation/2025.xlsx")
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(sheet.data)).active["A1"].value == "省份"
    # the ministry's page belongs to the ministry
    assert client.get("/ministry/imports").status_code == 403
    applicant = app.test_client()
    _login(applicant, "ent")
    assert applicant.get("/province/recommendation").status_code == 403
    assert applicant.get("/province/notices").status_code == 403


def test_ministry_uploads_a_file_through_the_form(make_app, national_url, province):
    app, (good, _weak) = province
    with app.app_context():
        from core.models import Application

        a = db.session.get(Application, good)
        db.session.add(ListEntry(organization_id=a.organization_id, unit_type="factory", level="provincial", year=2025,
                                 status="listed", listed_on=dt.date(2025, 10, 20)))
        a.status = S.LISTED
        rec = recommend.recommendation_for(2025, "prov", create=True)
        recommend.set_consulted("prov", rec, ["ecology_environment", "emergency_management", "market_regulation"])
        recommend.add("prov", rec, a, at=kit.beijing(dt.date(2025, 10, 25)))
        recommend.export("prov", rec, at=kit.beijing(dt.date(2025, 10, 25)))
        db.session.commit()
        raw = rec.document.encode()
    ministry = make_app("national", SQLALCHEMY_DATABASE_URI=national_url, GREENMFG_RECOMMENDATION_MAX_AGE_DAYS=0)
    register_province_key(ministry, "shanxi", KEY)
    with ministry.app_context():
        accounts.create_user(username="miit", password=PASSWORD, display_name="miit", role=Role.MINISTRY, actor="t")
        db.session.commit()
    client = ministry.test_client()
    _login(client, "miit")
    token = _token(client, "/ministry/imports")
    response = client.post("/ministry/imports?lang=zh", data={"csrf_token": token,
                                                              "file": (io.BytesIO(raw), "shanxi-2025.json")},
                           content_type="multipart/form-data")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "1家单位进入国家级评审队列" in text and "15日" in text
    again = client.post("/ministry/imports?lang=zh", data={"csrf_token": token,
                                                           "file": (io.BytesIO(raw), "shanxi-2025.json")},
                        content_type="multipart/form-data")
    assert again.status_code == 409 and "已导入" in again.get_data(as_text=True)
    with ministry.app_context():
        token, _ = accounts.create_token(db.session.query(accounts.User).filter_by(username="miit").one(), "t")
        db.session.commit()
    api = ministry.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert api.post("/api/v1/recommendation-imports", data=raw, headers=headers).status_code == 415
    body = api.post("/api/v1/recommendation-imports", data=raw, headers=headers, content_type="application/json")
    assert body.status_code == 409 and "already imported" in body.get_json()["errors"][0]["message_en"]


def test_publishing_before_the_notice_ends_says_when_and_keeps_what_was_typed(province):
    """Shanxi walk 15: 发布 before the notice ended showed the refusal but emptied 文号 (the view redirected), and
    the form looked as if it could succeed; the public notices' period badge read "shanxi" (walk 3)."""
    import time_machine

    app, (good, weak) = province
    client = app.test_client()
    with time_machine.travel(kit.beijing(dt.date(2025, 9, 28), 10), tick=False):  # the notice runs to 10-15
        _login(client, "prov")
        token = _token(client, "/province/notices?level=provincial&year=2025")
        client.post("/province/notices?lang=zh", data={
            "csrf_token": token, "level": "provincial", "year": "2025", "starts_on": "2025-09-26",
            "start_reason": "纸质公示已于2025年9月26日在厅网站发布，现补录到平台。",
            "application_ids": [str(good), str(weak)]})
        with app.app_context():
            notice_id = db.session.query(PublicNotice).one().id
        page = client.get(f"/province/notices/{notice_id}?lang=zh").get_data(as_text=True)
        assert "公示至2025-10-15结束，结束后方可发布名单。" in page
        assert re.search(r'<button type="submit" id="publish" disabled', page)
        refused = client.post(f"/province/notices/{notice_id}/publish?lang=zh", data={
            "csrf_token": token, "document_no": "晋工信节能函〔2025〕88号", "published_on": "2025-10-20",
            "confirm": "y"})
        text = refused.get_data(as_text=True)
        assert refused.status_code == 409, refused.status_code
        assert "公示至2025-10-15结束" in text and 'value="晋工信节能函〔2025〕88号"' in text
        assert re.search(r'id="confirm"[^>]*checked|checked[^>]*id="confirm"', text)
        public = app.test_client()
        for lang, region in (("zh", "山西省"), ("en", "Shanxi")):
            notices_page = public.get(f"/notices?lang={lang}").get_data(as_text=True)
            badge = re.search(r'<span class="src">([^<]*)</span>', notices_page).group(1)
            assert badge == region, (lang, badge)
    _login(client, "prov")  # after the notice: the form is open again
    page = client.get(f"/province/notices/{notice_id}?lang=zh").get_data(as_text=True)
    assert re.search(r'<button type="submit" id="publish">', page) and "结束后方可发布名单" not in page
