"""Export → edit every editable column → import → the database holds the edits, for every region's table;
a new row keeps every value; edits to submitted applications are refused per field, with the reason, in the
user's language, and nothing is written (all or nothing).

Tables: 000 附件2-1/2-2 (Hunan 2024), 001 附件2 (Hunan 2025), 003 附件 (Jiangxi 2024), the platform tables of
Hubei and Shanxi. The LibreOffice-saved variant of the round trip is in test_summary_print.py.
"""
from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from summary_kit import (
    CASES,
    edit_every_column,
    layout_columns,
    populate,
    rows_of,
    save,
    stored_value,
    uscc,
    world,
)

from core.applications import summary
from core.applications.summary_layout import number, text
from core.extensions import db
from core.models import Application, AuditLog, Organization
from core.models import ApplicationStatus as S

#: SQL that differs between the two databases (tests/conftest.py BOTH): run on SQLite too
pytestmark = pytest.mark.both_databases


def _same(a, b) -> bool:
    na, nb = number(a), number(b)
    if na is not None and nb is not None:
        return abs(na - nb) < 1e-6
    return text(a) == text(b)


def check_edits(campaign, edits: dict) -> None:
    """Every edit is what the database now holds."""
    _, sections = layout_columns(campaign)
    cols = {c.key: c for _, cs in sections for c in cs}
    rows = db.session.execute(select(Application, Organization).join(
        Organization, Organization.id == Application.organization_id).where(Application.campaign_id == campaign.id))
    by_code: dict[str, list] = {}
    for a, o in rows:
        by_code.setdefault(o.uscc, []).append(a)
    assert edits
    for (code, key), value in edits.items():
        stored = [stored_value(cols[key], a, None, campaign) for a in by_code[code]]
        assert any(_same(s, value) for s in stored), (code, key, value, stored)


@pytest.mark.parametrize("case_name", list(CASES))
def test_every_editable_column_round_trips(make_app, case_name):
    """The working copy (drafts included) of each region's table, every editable column edited in openpyxl,
    imports as "updated" row by row, and the database then holds every edit; the audit has each change."""
    case = CASES[case_name]
    app = make_app(case.region)
    with app.app_context():
        unit, campaign = world(case)
        populate(case, unit, campaign, 7, status=S.DRAFT)
        data = summary.export_summary(unit.id, campaign.id, "city", include_drafts=True)
        db.session.commit()
        wb = load_workbook(io.BytesIO(data))
        edits = edit_every_column(wb, campaign)
        report = summary.import_summary(unit.id, campaign.id, save(wb), "city", locale="en")
        assert report["ok"], [(r["row"], r["reason"]) for r in report["rows"] if r["action"] == "rejected"]
        assert report["updated"] == 7 and report["created"] == report["rejected"] == 0
        for row in report["rows"]:
            assert row["fields"] and {f["status"] for f in row["fields"]} == {"applied"}
        db.session.commit()
        check_edits(campaign, edits)
        saved = db.session.scalars(select(AuditLog).where(AuditLog.action == "application.saved")).all()
        assert len(saved) == 7 and all(s.data["via"] == "summary_import" and s.data["diff"] for s in saved)
        # the same file again changes nothing
        again = summary.import_summary(unit.id, campaign.id, save(wb), "city")
        assert again["ok"] and again["unchanged"] == 7 and again["updated"] == 0


@pytest.mark.region("hunan")
def test_an_edited_figure_of_a_submitted_application_is_refused_never_unchanged(app):
    """Issue 21: re-importing an edited 2023年主营业务收入（预计） of a recommended unit was reported "unchanged".
    Now the change is refused with the reason (submitted; the city can return it), per field, in the user's
    language, and nothing of the file is written."""
    case = CASES["hunan-2024"]
    unit, campaign = world(case)
    populate(case, unit, campaign, 3)
    data = summary.export_summary(unit.id, campaign.id, "city")
    wb = load_workbook(io.BytesIO(data))
    ws = wb["附件2-1"]
    rows = rows_of(ws)
    headers = next(r for r in rows if r[0] == "序号")
    first = next(i for i, r in enumerate(rows, start=1) if isinstance(r[0], int))
    revenue = headers.index("2023年主营业务收入（预计）") + 1
    profit = headers.index("2023年利润（预计）") + 1
    before = ws.cell(row=first, column=revenue).value
    ws.cell(row=first, column=revenue).value = before + 1000
    ws.cell(row=first, column=profit).value = 12345.67
    for lang, word, status in (("en", "already submitted", "Recommended by the city"),
                               ("zh", "已提交", "市州已推荐")):
        report = summary.import_summary(unit.id, campaign.id, save(wb), "city", locale=lang)
        assert not report["ok"] and report["rejected"] == 1 and report["unchanged"] == 2
        (rejected,) = [r for r in report["rows"] if r["action"] == "rejected"]
        fields = {f["column"]: f for f in rejected["fields"]}
        assert set(fields) == {"2023年主营业务收入（预计）", "2023年利润（预计）"}
        assert fields["2023年主营业务收入（预计）"]["old"] == text(before)
        assert fields["2023年主营业务收入（预计）"]["new"] == text(before + 1000)
        for f in fields.values():
            assert f["status"] == "refused" and word in f["reason"] and status in f["reason"], f["reason"]
        assert rejected["action_label"] == ("rejected" if lang == "en" else "已拒绝")
    db.session.rollback()
    stored = db.session.scalars(select(Application).where(Application.campaign_id == campaign.id)).all()
    assert all(a.status == S.CITY_RECOMMENDED for a in stored)
    assert not db.session.scalars(select(AuditLog).where(AuditLog.action == "application.saved")).all()


@pytest.mark.region("hunan")
def test_new_rows_keep_every_value(app):
    """Issue 21: a new row's revenue, profit and tax were dropped. Now a new unit in 附件2-1 and one in 附件2-2
    keep every value (the finance row of the year before the round is created with the three years of 附件1)."""
    case = CASES["hunan-2024"]
    unit, campaign = world(case)
    populate(case, unit, campaign, 3)
    wb = load_workbook(io.BytesIO(summary.export_summary(unit.id, campaign.id, "city")))
    factory_code, park_code = uscc(777001), uscc(777002)
    ws = wb["附件2-1"]
    at = max(i for i, r in enumerate(rows_of(ws), start=1) if isinstance(r[0], int)) + 1
    ws.insert_rows(at)
    for col, value in enumerate([9, "湘江绿色新材料股份有限公司", "电子级化学品研发与生产", "绿色供应链管理示范企业", "化工",
                                 "前沿材料", 12345.6, -78.9, 456.78, "刘洋 13912345678", None, factory_code], start=1):
        if col <= 10:
            ws.cell(row=at, column=col).value = value
    ws.cell(row=at, column=11).value = factory_code
    ws2 = wb["附件2-2"]
    at2 = max(i for i, r in enumerate(rows_of(ws2), start=1) if isinstance(r[0], int)) + 1
    ws2.insert_rows(at2)
    for col, value in enumerate([5, "湘潭绿色智造产业园", "先进装备、新能源", 23.45, 680.5, 590.25, "陈静 0731-88888888",
                                 park_code], start=1):
        ws2.cell(row=at2, column=col).value = value
    report = summary.import_summary(unit.id, campaign.id, save(wb), "city", locale="zh")
    assert report["ok"], report["rows"]
    assert report["created"] == 2 and report["unchanged"] == 3
    db.session.commit()
    apps = {o.uscc: a for a, o in db.session.execute(select(Application, Organization).join(
        Organization, Organization.id == Application.organization_id).where(Organization.uscc.in_(
            [factory_code, park_code])))}
    factory, park = apps[factory_code], apps[park_code]
    assert factory.unit_type == "supply_chain" and factory.status == S.DRAFT
    assert factory.organization.name == "湘江绿色新材料股份有限公司"
    assert factory.contact_name == "刘洋" and factory.contact_phone == "13912345678"
    ext = factory.extension_data
    assert (ext["hunan.main_business"], ext["hunan.industry"], ext["hunan.modern_industry"]) == (
        "电子级化学品研发与生产", "化工", "前沿材料")
    assert [r["year"] for r in ext["hunan.finances"]] == [2021, 2022, 2023]
    assert {k: ext["hunan.finances"][2][k] for k in ("revenue", "profit", "tax")} == {
        "revenue": 12345.6, "profit": -78.9, "tax": 456.78}
    assert park.unit_type == "park" and park.contact_phone == "0731-88888888"
    assert {k: park.extension_data[k] for k in ("hunan.leading_industry", "hunan.park_built_area",
                                                "hunan.park_total_output_est", "hunan.park_industrial_output_est")} == {
        "hunan.leading_industry": "先进装备、新能源", "hunan.park_built_area": 23.45,
        "hunan.park_total_output_est": 680.5, "hunan.park_industrial_output_est": 590.25}
    actions = [a.action for a in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert actions.count("organization.imported") == 2 and actions.count("application.created") == 2
    assert actions[-1] == "summary.imported"


@pytest.mark.region("jiangxi")
def test_columns_the_platform_keeps_are_refused_with_where_to_change_them(app):
    """Jiangxi's 设区市 and 第三方机构名称 are the platform's; an existing organization's name is its register's.
    A different value is refused naming where it is changed; the ☑/☐ boxes are read as ticked or not."""
    case = CASES["jiangxi-2024"]
    unit, campaign = world(case)
    populate(case, unit, campaign, 3, status=S.DRAFT)
    wb = load_workbook(io.BytesIO(summary.export_summary(unit.id, campaign.id, "city", include_drafts=True)))
    ws = wb.worksheets[0]
    rows = rows_of(ws)
    first = next(i for i, r in enumerate(rows, start=1) if isinstance(r[0], int))
    ws.cell(row=first, column=2).value = "九江市"
    ws.cell(row=first, column=4).value = "改了名字的有限公司"
    ws.cell(row=first, column=5).value = "另一家评价机构有限公司"
    report = summary.import_summary(unit.id, campaign.id, save(wb), "city", locale="en")
    (row,) = [r for r in report["rows"] if r["action"] == "rejected"]
    reasons = {f["column"]: f["reason"] for f in row["fields"]}
    assert "registered in" in reasons["设区市"]
    assert "name change" in reasons["工厂名称"]
    assert "accepts the engagement" in reasons["第三方机构名称"]
    db.session.rollback()
    # ticks: ☑国家级 ☐省级 → national only
    wb = load_workbook(io.BytesIO(summary.export_summary(unit.id, campaign.id, "city", include_drafts=True)))
    ws = wb.worksheets[0]
    code = ws.cell(row=first, column=8).value
    ws.cell(row=first, column=7).value = "☑国家级 ☐省级"
    report = summary.import_summary(unit.id, campaign.id, save(wb), "city")
    assert report["ok"] and report["updated"] == 1, report["rows"]
    db.session.commit()
    a = db.session.scalar(select(Application).join(Organization).where(Organization.uscc == code))
    assert a.requested_levels == ["national"]


def test_the_report_page_speaks_the_users_language(make_app):
    """The city's page: the working copy downloads, and the import report shows each row's result and each
    field's change and reason in the user's language, with no internal code."""
    from app_world import build_world

    app = make_app("hunan", WTF_CSRF_ENABLED=False)
    w = build_world(app)
    case = CASES["hunan-2024"]
    with app.app_context():  # data only: each request below gets its own context (and language)
        unit, campaign = world(case)
        populate(case, unit, campaign, 2, status=S.DRAFT)
        populate(case, unit, campaign, 1, start=50)
        campaign_id = campaign.id
    _report_page(w, campaign_id)


def _report_page(w, campaign_id):
    city = w.client("city_changsha")
    page = city.get(f"/city/recommended?campaign={campaign_id}").get_data(as_text=True)
    assert "2024年湖南省绿色制造体系申报汇总表" in page and "export-working" in page
    r = city.get(f"/city/summary.xlsx?campaign={campaign_id}&drafts=1")
    # named for people: 汇总表-2024-长沙市-工作底稿.xlsx, as RFC 5987 filename* (tests/web/test_download_names.py)
    assert r.status_code == 200 and quote("工作底稿") in r.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(r.data))
    ws = wb["附件2-1"]
    assert "工作底稿" in ws.cell(row=4, column=1).value
    rows = rows_of(ws)
    headers = next(x for x in rows if x[0] == "序号")
    col = headers.index("2023年利润（预计）") + 1
    for i, row in enumerate(rows, start=1):
        if isinstance(row[0], int):
            ws.cell(row=i, column=col).value = (row[col - 1] or 0) + 1
    for lang, words in (("en", ("rejected", "refused", "accepted, not written", "Recommended by the city")),
                        ("zh", ("已拒绝", "拒绝", "可更新，未写入", "市州已推荐"))):
        r = city.post(f"/city/summary?campaign={campaign_id}&lang={lang}", content_type="multipart/form-data",
                      data={"file": (io.BytesIO(save(wb)), "summary.xlsx")})
        html = r.get_data(as_text=True)
        assert r.status_code == 422, html[:2000]
        for word in words:
            assert word in html, (lang, word)
        assert "city_recommended" not in html and "hunan.finances" not in html


def test_import_report_schema_keeps_the_fields():
    from core.applications.schemas import ImportReportSchema

    out = ImportReportSchema().dump({"ok": False, "layout": "x", "layout_title": "2024年…", "rows": [
        {"row": 6, "fields": [{"column": "c", "status": "refused", "reason": "r"}]}]})
    assert out["layout_title"] == "2024年…" and out["rows"][0]["fields"][0]["reason"] == "r"


def test_export_and_import_run_as_a_background_job_would(make_app):
    """Issue 22 runs large exports and imports as jobs: by ids, outside any request (the report in Chinese
    unless told), reporting progress (rows done, rows in all) until done."""
    case = CASES["hunan-2024"]
    app = make_app(case.region)
    with app.app_context():
        unit, campaign = world(case)
        populate(case, unit, campaign, 1200, status=S.DRAFT)
        ids = unit.id, campaign.id
        db.session.remove()
    with app.app_context():  # no request context, as in a worker
        seen = []
        data = summary.export_summary(*ids, "job", include_drafts=True, progress=lambda done, total: seen.append(
            (done, total)))
        db.session.commit()
        assert seen[-1] == (1200, 1200) and [d for d, _ in seen] == sorted(d for d, _ in seen) and len(seen) >= 3
        wb = load_workbook(io.BytesIO(data))
        ws = wb["附件2-1"]
        first = next(i for i, r in enumerate(rows_of(ws), start=1) if isinstance(r[0], int))
        ws.cell(row=first, column=2).value = "改名有限公司"  # an existing organization's name: refused
        seen.clear()
        report = summary.import_summary(*ids, save(wb), "job", progress=lambda done, total: seen.append(done))
        assert not report["ok"] and seen and seen[-1] <= 1200
        (row,) = [r for r in report["rows"] if r["action"] == "rejected"]
        assert "名称变更" in row["fields"][0]["reason"] and row["action_label"] == "已拒绝"


@pytest.mark.region("shanxi")
def test_a_changed_industry_scores_the_draft_again_as_its_form_does(app):
    """The 引领值/基准值 a factory's quantitative indicators are scored against are its industry's (seed 001, MIIT
    390号 附件: the 53 key industries with their own requirements; domain.md "scoring": keyed by industry,
    indicator and year). A draft whose 所属行业 is changed in the table is scored again against the new industry's
    values: the import stores the score the draft form gives for the same values and industry; a draft whose
    industry stays keeps its score."""
    from core.applications.scoring import indicator_set, live_score
    from core.models import ReferenceValue
    from core.scoring.reference import GENERAL

    case = CASES["shanxi-2025"]
    unit, campaign = world(case)
    populate(case, unit, campaign, 6, status=S.DRAFT, types=("factory",))
    drafts = db.session.scalars(select(Application).where(Application.campaign_id == campaign.id)
                                .order_by(Application.id)).all()
    iset = indicator_set(drafts[0])
    positive = [i.number for i in iset.indicators if i.kind == "positive" and i.unit != "项"]  # measured
    moved, kept = drafts[0], drafts[1]
    new_industry = next(code for code in sorted(app.extensions["greenmfg"].rules.industries)
                        if code not in {moved.industry, kept.industry})
    for industry, (baseline, leading) in ((GENERAL, (10.0, 20.0)), (new_industry, (5.0, 15.0))):
        db.session.add_all(ReferenceValue(indicator_set=iset.code, industry=industry, number=n, year=case.year,
                                          baseline=baseline, leading=leading) for n in positive)
    for a in drafts:
        a.indicator_values = {str(n): 15.0 for n in positive}
        a.score = live_score(a)["total"]
    db.session.commit()
    before = {a.id: a.score for a in drafts}

    wb = load_workbook(io.BytesIO(summary.export_summary(unit.id, campaign.id, "city", include_drafts=True)))
    ws = wb.worksheets[0]
    rows = rows_of(ws)
    headers = next(r for r in rows if r[0] == "序号")
    code_col, industry_col = headers.index("统一社会信用代码") + 1, headers.index("所属行业") + 1
    name = app.extensions["greenmfg"].rules.industries[new_industry].name
    at = next(i for i, r in enumerate(rows, start=1) if r[code_col - 1] == moved.organization.uscc)
    ws.cell(row=at, column=industry_col).value = name
    report = summary.import_summary(unit.id, campaign.id, save(wb), "city", locale="zh")
    assert report["ok"] and report["updated"] == 1 and report["unchanged"] == 5, report["rows"]
    db.session.commit()

    db.session.expire_all()
    moved, kept = db.session.get(Application, moved.id), db.session.get(Application, kept.id)
    assert moved.industry == new_industry
    assert moved.score == live_score(moved)["total"] != before[moved.id]  # the form's score for the new industry
    assert kept.score == before[kept.id]
    (saved,) = db.session.scalars(select(AuditLog).where(AuditLog.action == "application.saved")).all()
    assert saved.object_id == str(moved.id) and saved.data["diff"]["industry"][1] == new_industry


@pytest.mark.region("shanxi")
def test_a_cell_that_reads_as_exported_is_unchanged_whatever_is_stored_behind_it(app):
    """Found walking the Shanxi demo: applications whose 所属行业 was stored by its name (烧碱) where the round
    lists industries by code came back from an untouched table as changed: refused for every submitted unit
    ("该申报已提交…导入不能修改"), "烧碱 → 烧碱 已更新" for drafts. A cell that reads as the export wrote it is
    unchanged."""
    case = CASES["shanxi-2025"]
    unit, campaign = world(case)
    populate(case, unit, campaign, 3, status=S.CITY_RECOMMENDED, types=("factory",))
    populate(case, unit, campaign, 3, status=S.DRAFT, start=10, types=("factory",))
    rules = app.extensions["greenmfg"].rules
    for a in db.session.scalars(select(Application).where(Application.campaign_id == campaign.id)):
        a.industry = rules.industries[a.industry].name  # kept by its name, as older data may be
    db.session.commit()
    data = summary.export_summary(unit.id, campaign.id, "city", include_drafts=True)
    report = summary.import_summary(unit.id, campaign.id, data, "city", locale="zh")
    assert report["ok"] and report["unchanged"] == 6 and report["updated"] == report["rejected"] == 0, [
        (r["row"], r["fields"]) for r in report["rows"] if r["fields"]]


def test_the_city_page_says_the_import_is_closed_before_anyone_uploads(make_app):
    """Found walking the Shanxi demo: after the city's recommendation deadline the page still offered the import,
    and only the upload said the step had closed. Now the page says so (date, rule, who can extend) in the
    user's language and offers no import; the province's extension for the city opens it again. The exports
    stay available."""
    import datetime as dt

    from app_world import build_world

    from core.services.deadlines import grant_step_extension

    app = make_app("hunan", WTF_CSRF_ENABLED=False)
    w = build_world(app)
    case = CASES["hunan-2024"]
    with app.app_context():
        unit, campaign = world(case)
        rules = app.extensions["greenmfg"].rules
        code = next(c for c, d in rules.deadlines.items() if d.actor == "city" and (
            not d.levels or case.level in {str(x) for x in d.levels}))
        campaign.deadlines = {code: (dt.date.today() - dt.timedelta(days=3)).isoformat()}
        db.session.commit()
        campaign_id, unit_id = campaign.id, unit.id
        task, task_en = rules.deadlines[code].title, rules.deadlines[code].title_en
    assert task_en, "the step's task in English (000's deadline, Hunan plugin)"
    city = w.client("city_changsha")
    for lang, words in (("zh", ("导入已填写的汇总表在本轮已关闭", "只有省厅可以延期", task)),
                        ("en", ("Importing a filled table is closed for this round", "Only the province can extend",
                                task_en))):
        page = city.get(f"/city/recommended?campaign={campaign_id}&lang={lang}").get_data(as_text=True)
        assert 'id="import-closed"' in page and 'id="import-form"' not in page, lang
        for word in words:
            assert word in page, (lang, word)
        assert 'id="export-summary"' in page and 'id="export-working"' in page
    with app.app_context():
        from core.models import Campaign

        grant_step_extension(db.session.get(Campaign, campaign_id), unit_id, code,
                             dt.datetime.now(dt.UTC) + dt.timedelta(days=5), "材料补正", "province")
        db.session.commit()
    page = city.get(f"/city/recommended?campaign={campaign_id}").get_data(as_text=True)
    assert 'id="import-form"' in page and 'id="import-closed"' not in page
