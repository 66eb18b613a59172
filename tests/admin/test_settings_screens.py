"""The instance's settings on the web, used as an administrator would (CSRF on; SQLite and PostgreSQL):
administrative units, the holiday table, evaluator firms and reference values, each change audited and
felt where it counts (a deadline, a live score); other roles get 403."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import select

import factories
from core.extensions import db
from core.models import AdminUnit, AuditLog, CalendarDay, EvaluatorFirm
from core.plugins.types import Level
from core.services.admin_units import sync_admin_units


def _audited(app, action: str) -> list[AuditLog]:
    with app.app_context():
        return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def test_units_added_renamed_and_plugin_units_left_to_the_plugin(world, browser):
    admin = browser("admin1")
    bad = admin.post("/admin/units?lang=zh", {"code": "liuyang", "name": "浏阳市", "kind": "省直管试点县"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'aria-describedby="code-error"' in page and "hunan." in page
    added = admin.post("/admin/units?lang=zh", {"code": "hunan.liuyang", "name": "浏阳市", "kind": "省直管试点县"},
                       follow_redirects=True)
    assert "已新增 浏阳市" in added.get_data(as_text=True)
    twice = admin.post("/admin/units?lang=en", {"code": "hunan.liuyang", "name": "浏阳", "kind": "省直管试点县"})
    assert twice.status_code == 422 and "already exists" in twice.get_data(as_text=True)
    with world["app"].app_context():
        unit = db.session.scalar(select(AdminUnit).where(AdminUnit.code == "hunan.liuyang"))
        changsha = db.session.get(AdminUnit, world["changsha"])
        unit_id, plugin_name = unit.id, changsha.name
    assert admin.post(f"/admin/units/{unit_id}/rename", {"name": "浏阳市（试点）"}).status_code == 302
    refused = admin.post(f"/admin/units/{world['changsha']}/rename?lang=zh", {"name": "新长沙"})
    assert refused.status_code == 409 and "随插件" in refused.get_data(as_text=True)
    with world["app"].app_context():
        assert db.session.get(AdminUnit, unit_id).name == "浏阳市（试点）"
        assert db.session.get(AdminUnit, world["changsha"]).name == plugin_name
    assert [r.data["diff"]["name"] for r in _audited(world["app"], "admin_units.changed")] == [
        ["浏阳市", "浏阳市（试点）"]]
    # the new unit can take a city bureau's account at once
    assert "浏阳市（试点）" in admin.get("/admin/users/new").get_data(as_text=True)


@pytest.fixture
def shanxi(make_app, world):
    """Shanxi: its provincial notice runs 10 working days (seed ../shared/seeds/004_7a8ddd82f611ab67.txt, 第十三条)."""
    from core.accounts import services
    from core.models import Role

    app = make_app("shanxi", WTF_CSRF_ENABLED=True)
    with app.app_context():
        sync_admin_units("test")
        services.create_user(username="sx_admin", password=world["password"], display_name="管理员", role=Role.ADMIN,
                             actor="test")
        db.session.commit()
    return app


def test_a_holiday_set_on_the_page_moves_a_working_day_deadline(shanxi, browser):
    from core.kernel.rules import region_rules
    from core.services.calendar import WorkCalendar

    def notice_end() -> dt.date:
        with shanxi.app_context():
            return WorkCalendar().period_end(dt.date(2026, 6, 1), region_rules().notice_period(Level.PROVINCIAL))

    assert notice_end() == dt.date(2026, 6, 12)  # Mon 1 June + 10 working days
    admin = browser("sx_admin", app=shanxi)
    saved = admin.post("/admin/holidays/day?lang=zh", {"day": "2026-06-03", "kind": "holiday", "name": "防汛"},
                       follow_redirects=True)
    page = saved.get_data(as_text=True)
    assert "2026-06-03 已保存" in page and 'id="day-2026-06-03"' in page
    assert notice_end() == dt.date(2026, 6, 15)  # one working day less in the period: it ends a day later
    missing = admin.post("/admin/holidays/day?lang=zh", {"day": "", "kind": "holiday"})
    assert missing.status_code == 422 and 'aria-describedby="day-error"' in missing.get_data(as_text=True)
    admin.post("/admin/holidays/clear", {"day": "2026-06-03"})
    assert notice_end() == dt.date(2026, 6, 12)
    with shanxi.app_context():
        actions = [r.action for r in db.session.scalars(select(AuditLog).where(AuditLog.actor == "sx_admin"))]
    assert actions.count("calendar.set_day") == 1 and actions.count("calendar.clear_day") == 1


def test_a_year_is_copied_from_chinese_calendar_once_the_package_has_it(world, browser):
    admin = browser("admin1")
    refused = admin.post("/admin/holidays/import?lang=zh", {"year": "2099"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "尚无 2099 年" in page and 'id="year-error"' in page
    copied = admin.post("/admin/holidays/import?lang=zh", {"year": "2026"}, follow_redirects=True)
    assert "复制 2026 年" in copied.get_data(as_text=True)
    with world["app"].app_context():
        national_day = db.session.get(CalendarDay, dt.date(2026, 10, 1))
        assert national_day.is_workday is False and national_day.name == "国庆节"
    page = admin.get("/admin/holidays?year=2026&lang=zh").get_data(as_text=True)
    assert 'id="day-2026-10-01"' in page and "国庆节" in page
    assert len(_audited(world["app"], "calendar.declare_year")) == 1


def test_an_evaluator_firm_registered_and_updated(world, browser):
    admin = browser("admin1")
    code = factories.uscc(777)
    bad = admin.post("/admin/firms?lang=zh", {"uscc": "123", "name": "湘江绿色评价有限公司", "legal_representative": "周明"})
    assert bad.status_code == 422 and 'id="uscc-error"' in bad.get_data(as_text=True)
    made = admin.post("/admin/firms", {"uscc": code, "name": "湘江绿色评价有限公司", "legal_representative": "周明"})
    assert made.status_code == 302
    with world["app"].app_context():
        firm = db.session.scalar(select(EvaluatorFirm).where(EvaluatorFirm.uscc == code))
        from core.review.evaluators import sanction_firm

        sanction_firm("test", firm, reason="出具虚假报告", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2028, 12, 31))
        db.session.commit()
        firm_id = firm.id
    assert made.headers["Location"].endswith(f"/admin/firms/{firm_id}")
    page = admin.get(f"/admin/firms/{firm_id}?lang=zh").get_data(as_text=True)
    assert "出具虚假报告" in page and "处罚期至 2028-12-31" in page
    assert "处罚期至 2028-12-31" in admin.get("/admin/firms?lang=zh").get_data(as_text=True)
    again = admin.post("/admin/firms?lang=en", {"uscc": code, "name": "重复", "legal_representative": "周明"})
    assert again.status_code == 409 and "already registered" in again.get_data(as_text=True)
    admin.post(f"/admin/firms/{firm_id}", {"name": "湘江绿色评价中心有限公司", "legal_representative": "李华"})
    with world["app"].app_context():
        assert db.session.get(EvaluatorFirm, firm_id).legal_representative == "李华"
    assert len(_audited(world["app"], "evaluator.registered")) == 1
    assert _audited(world["app"], "evaluator.updated")[0].data["diff"]["legal_representative"] == ["周明", "李华"]


def test_two_officers_editing_one_firm_the_second_sees_the_first_s_change(world, browser):
    """Issue 48: the firm page carries its version; the second officer's save on the older version saves nothing,
    shows the saved legal representative beside what they typed, and a save after seeing it goes through."""
    import re

    code = factories.uscc(778)
    first, second = browser("admin1"), browser("admin1")
    assert first.post("/admin/firms", {"uscc": code, "name": "潇湘评价有限公司", "legal_representative": "周明"}
                      ).status_code == 302
    with world["app"].app_context():
        firm_id = db.session.scalar(select(EvaluatorFirm.id).where(EvaluatorFirm.uscc == code))
    url = f"/admin/firms/{firm_id}"

    def tag(html: str) -> str:
        return re.search(r'<input type="hidden" name="etag" value="([0-9a-f]+)">', html).group(1)

    opened = tag(first.get(url).get_data(as_text=True))
    assert tag(second.get(url).get_data(as_text=True)) == opened
    assert first.post(url, {"name": "潇湘评价有限公司", "legal_representative": "李华", "etag": opened}
                      ).status_code == 302
    r = second.post(f"{url}?lang=zh", {"name": "潇湘评价有限公司", "legal_representative": "王强", "etag": opened})
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert "其他人" in html and 'value="王强"' in html and "李华" in html[html.index('id="conflicts"'):]
    with world["app"].app_context():
        assert db.session.get(EvaluatorFirm, firm_id).legal_representative == "李华"
    assert second.post(url, {"name": "潇湘评价有限公司", "legal_representative": "王强", "etag": tag(html)}
                       ).status_code == 302
    with world["app"].app_context():
        assert db.session.get(EvaluatorFirm, firm_id).legal_representative == "王强"


def _live(app, application_id: int) -> dict:
    from core.applications.scoring import live_score
    from core.models import Application

    with app.app_context():
        result = live_score(db.session.get(Application, application_id))
        return {r["number"]: r for r in result["indicators"]} | {"total": result["total"]}


def test_a_reference_value_edited_changes_a_live_score(world, browser):
    app = world["app"]
    with app.app_context():
        unit = db.session.get(AdminUnit, world["changsha"])
        application = factories.application(factories.campaign("hunan", 2025, "provincial"), unit)
        application.indicator_values = {"14": 55.0}  # 土地产出率, a positive indicator without a printed reference
        db.session.commit()
        application_id = application.id
    before = _live(app, application_id)
    assert before[14]["status"] == "needs_reference" and before[14]["score"] is None
    admin = browser("admin1")
    pair = {"indicator_set": "miit2025.factory", "industry": "*", "number": "14", "year": "2025"}
    wrong = admin.post("/admin/references?lang=zh", {**pair, "leading": "10", "baseline": "100"})
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and 'id="leading-error"' in page and "row 1" not in page
    assert _live(app, application_id)[14]["status"] == "needs_reference"  # nothing saved
    saved = admin.post("/admin/references", {**pair, "leading": "100", "baseline": "10"})
    assert saved.status_code == 302
    after = _live(app, application_id)
    assert after[14]["status"] != "needs_reference" and after[14]["score"] > 0 and after["total"] > before["total"]
    # edited on the page: the live score follows at once
    admin.post("/admin/references", {**pair, "leading": "55", "baseline": "10"})
    assert _live(app, application_id)[14]["score"] > after[14]["score"]
    listing = admin.get("/admin/references?lang=zh").get_data(as_text=True)
    assert "土地产出率" in listing and "通则" in listing
    assert len(_audited(app, "references.saved")) == 2


def test_a_reference_file_is_imported_whole_or_not_at_all(world, browser):
    admin = browser("admin1")
    head = "指标体系,行业,序号,年度,引领值,基准值\n"
    bad = head + "miit2025.factory,*,14,2025,100,10\nmiit2025.factory,*,99,2025,1,2\n"
    refused = admin.post("/admin/references/import?lang=zh",
                         {"file": (io.BytesIO(bad.encode()), "refs.csv")}, content_type="multipart/form-data")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="import-problems"' in page and "第 3 行" in page
    with world["app"].app_context():
        from core.models.scoring import ReferenceValue

        assert db.session.scalar(select(ReferenceValue.id)) is None
    good = head + "miit2025.factory,*,14,2025,100,10\nmiit2025.factory,*,3,2025,60,5\n"
    done = admin.post("/admin/references/import?lang=zh", {"file": (io.BytesIO(good.encode()), "refs.csv")},
                      content_type="multipart/form-data", follow_redirects=True)
    assert "新增 2 条" in done.get_data(as_text=True)
    assert _audited(world["app"], "references.imported")[0].data["created"] == 2


@pytest.mark.parametrize("url", ["/admin/units", "/admin/holidays", "/admin/firms", "/admin/references"])
def test_settings_are_the_administrators(world, browser, url):
    for who in ("province1", "firm_zhuzhou"):
        page = browser(who).get(url + "?lang=en")
        assert page.status_code == 403 and "Your role may not do this." in page.get_data(as_text=True)
    assert browser("admin1").get(url).status_code == 200
