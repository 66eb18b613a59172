"""The ministry's import page shows the re-review opinions a province's file carries (Hubei 三年一复核,
002_9c75e1d2ebfbdf50.txt 三(六): 市级经信部门组织……现场复核，将复核结果……报送省经信厅。省经信厅组织专家……进行技术评审，
并将复核意见反馈工信部).

Hubei's 2025 file (exported 2025-10-20, before the national deadline 2025-11-07: 001_3f04a56fc6693327.txt 附件1 三)
carries one graded factory and the re-review of a factory first listed in 2022: 襄阳's on-site result recorded on
2025-06-10 (仍符合), the experts' opinion (限期整改) on 2025-07-15. The national instance imports it; its page names the
unit, the city's result with its date and note, the experts' opinion with its text and panel size, and the day of
the opinion.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit
from helpers import new_signing_key, register_province_key

from core.accounts import services as accounts
from core.extensions import db
from core.lists import recommend
from core.models import ApplicationStatus as S
from core.models import EvaluationRequest, ListEntry, Organization, ReReview, Role

KEY = new_signing_key()
PASSWORD = "复核意见导入测试口令-2025-绿色工厂"
UNIT = "襄阳2022年省级绿色工厂复核导入有限公司"
CITY_NOTE = "现场复核通过：主要生产线运行正常，能源台账完整"
OPINION = "专家组技术评审：能源管理体系认证将于年内到期，须限期整改并补充认证材料。"
HUBEI_DECLARATIONS = ("meets_type_standard", "independent_legal_person", "actual_manufacturing",
                      "complies_with_laws", "factory_leading_performance", "factory_management_systems")


def _graded_factory():
    """A factory evaluated by a third party, recommended by its city, graded by the provincial panel, listed."""
    c = kit.campaign("hubei", year=2025, types=("factory",))
    a = kit.application(c, kit.unit("hubei"), mode="third_party")
    a.extension_data = {f"hubei.{key}": True for key in HUBEI_DECLARATIONS}  # 002 附件1 一(二) 基本条件
    firm = kit.firm("周评价", name="鄂绿评价技术有限公司")
    request = EvaluationRequest(application_id=a.id, firm_id=firm.id, status="accepted", self_evaluation_by="self",
                                requested_by="t")
    db.session.add(request)
    db.session.flush()
    kit.firm_report(request, score=86.5).sha256 = hashlib.sha256(b"report").hexdigest()
    a.evaluator_firm_id, a.city_opinion = firm.id, "经市经信局会同有关部门审核，同意推荐。"
    kit.panel(a, [90], [kit.expert(f"专家{a.id}", "hubei", unit_=kit.unit("hubei"))])
    db.session.add(ListEntry(organization_id=a.organization_id, unit_type="factory", level="provincial", year=2025,
                             status="listed", listed_on=dt.date(2025, 6, 30), notice_no="省级名单文号",
                             application_id=a.id))
    a.status = S.LISTED
    db.session.flush()
    return a


def _hubei_file(make_app) -> bytes:
    from core.management import rereview_opinion, rereviews

    app = make_app("hubei", GREENMFG_REVIEW_MIN_EXPERTS=1, GREENMFG_RECOMMENDATION_KEY=KEY)
    with app.app_context():
        city = kit.unit("hubei", "hubei.xiangyang", "襄阳市")
        org = Organization(uscc=kit.uscc("420600"), name=UNIT, admin_unit_id=city.id)
        db.session.add(org)
        db.session.flush()
        db.session.add(ListEntry(organization_id=org.id, unit_type="factory", level="provincial", year=2022,
                                 status="listed", listed_on=dt.date(2022, 12, 1), notice_no="2022年省级名单"))
        kit.expert("宜昌专家", "hubei", unit_=kit.unit("hubei", "hubei.yichang", "宜昌市"))
        assert rereviews.open_cycle(2025, "province") == 1
        review = db.session.query(ReReview).one()
        rereviews.schedule(review, dt.date(2025, 6, 10), "city", dt.date(2025, 5, 20))
        rereviews.record_result(review, True, CITY_NOTE, "city", dt.date(2025, 6, 10))
        rereview_opinion.draw_experts(review, 1, "province")
        rereview_opinion.record_opinion(review, "rectify", OPINION, "province", dt.date(2025, 7, 15))
        rec = recommend.recommendation_for(2025, "province", create=True)
        recommend.set_consulted("province", rec, ["ecology_environment", "emergency_management",
                                                  "market_regulation"])
        at = kit.beijing(dt.date(2025, 10, 20))
        recommend.add("province", rec, _graded_factory(), acknowledge_warnings=True, at=at)
        document = recommend.export("province", rec, at=at)
        db.session.commit()
        assert [r["uscc"] for r in document["re_reviews"]] == [org.uscc]
        return recommend.recommendation_for(2025).document.encode(), org.uscc


def _token(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_the_ministry_import_page_shows_the_re_review_opinions_hubeis_file_carries(make_app, national_url):
    raw, uscc = _hubei_file(make_app)
    ministry = make_app("national", SQLALCHEMY_DATABASE_URI=national_url, GREENMFG_RECOMMENDATION_MAX_AGE_DAYS=0)
    register_province_key(ministry, "hubei", KEY)
    with ministry.app_context():
        accounts.create_user(username="miit", password=PASSWORD, display_name="miit", role=Role.MINISTRY, actor="t")
        db.session.commit()
    client = ministry.test_client()
    assert client.post("/login", data={"username": "miit", "password": PASSWORD,
                                       "csrf_token": _token(client, "/login")}).status_code == 302
    response = client.post("/ministry/imports?lang=zh", data={
        "csrf_token": _token(client, "/ministry/imports"), "file": (io.BytesIO(raw), "hubei-2025.json")},
        content_type="multipart/form-data")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "1家单位进入国家级评审队列" in text, text[-3000:]
    table = text.split('id="import-rereviews"')[1].split("</table>")[0]
    assert "文件所附复核意见" in text.split('id="import-rereviews"')[0][-200:]
    rows = table.split('class="rereview-row"')[1:]
    assert len(rows) == 1
    row = rows[0]
    assert f'data-uscc="{uscc}"' in row and f'<td class="unit">{UNIT}</td>' in row
    assert "<td>绿色工厂</td>" in row and "<td>2025</td>" in row  # the unit type by name, never its code
    assert f'<td class="city">仍符合 (2025-06-10)<br>{CITY_NOTE}</td>' in row
    assert f'<td class="opinion">限期整改 · {OPINION} (1名专家)</td>' in row
    assert '<td class="opinion-on">2025-07-15</td>' in row
    assert "rectify" not in row and "factory" not in row


def test_a_file_without_re_reviews_shows_no_re_review_table(make_app):
    """What the page shows comes from the file: the report of a file without re-reviews has none (a Hunan file)."""
    from flask import render_template
    from flask_babel import force_locale

    app = make_app("national")
    with app.test_request_context("/ministry/imports"):
        report = {"ok": True, "province_name": "湖南省", "year": 2025, "version": 1, "queued": 0, "rows": [],
                  "notice_period": None, "re_reviews": []}
        assert 'id="import-rereviews"' not in render_template("lists/_import_rereviews.html", report=report)
        report["re_reviews"] = [{"uscc": "91420600MA0000000X", "name": UNIT, "unit_type": "factory",
                                 "cycle_year": 2025, "city_result": "failed", "city_note": "停产", "opinion": "fail",
                                 "opinion_note": OPINION, "experts": 3, "reviewed_on": None, "opinion_on": None}]
        html = render_template("lists/_import_rereviews.html", report=report)
        assert '<td class="city">不再符合<br>停产</td>' in html and "复核不通过 · " in html
        assert '<td class="opinion-on">—</td>' in html  # a file exported before the dates were carried
        with force_locale("en"):
            english = render_template("lists/_import_rereviews.html", report=report)
        assert "Re-review opinions in the file" in english and ">The city's on-site result<" in english
        assert '<td class="city">No longer qualifies<br>停产</td>' in english and "Fail · " in english
