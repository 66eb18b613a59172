"""Recommendation to the national list: the gates (tier, provincial listing first, the 2025 round's
unit types, the province's average, Jiangxi's "apply again"), the deadline, the signed export, and
the national instance's all-or-nothing import; the CLI and the API do the same.

Sources: 004_7a8ddd82f611ab67.txt 第十四条 (B or better); 办法 第十一条 and 001_3f04a56fc6693327.txt
(new national applicants are provincial units; 2025 covers factories and parks; "原则上不低于本地区现有
国家级…平均水平"; deadline 2025-11-07); 003_a3fa60aeba77aa34.txt 一 (provincial units apply again).
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "review"))  # kit.py, shared with tests/review
import kit  # noqa: E402
from helpers import new_signing_key, register_province_key  # noqa: E402
from core.errors import DeadlinePassed, InvalidInput, Refused
from core.extensions import db
from core.lists import recommend
from core.models import ApplicationStatus as S, Ban, ListEntry, UnitScore

BEFORE = kit.beijing(dt.date(2025, 10, 20))
KEY = new_signing_key()


def _graded(region: str, total: float, *, listed: bool = True, unit_type: str = "factory", c=None, u=None):
    u = u or kit.unit(region)
    c = c or kit.campaign(region, types=("factory", "park", "supply_chain"))
    a = kit.application(c, u, unit_type=unit_type)
    reviewer = kit.expert(f"专家{a.id}", region, unit_=kit.unit(region))
    kit.panel(a, [total], [reviewer])
    if listed:
        db.session.add(ListEntry(organization_id=a.organization_id, unit_type=unit_type, level="provincial", year=2025,
                                 status="listed", listed_on=dt.date(2025, 10, 20), notice_no="省级名单文号",
                                 application_id=a.id))
        a.status = S.LISTED
    db.session.flush()
    return a


@pytest.fixture
def shanxi(make_app):
    app = make_app("shanxi", GREENMFG_REVIEW_MIN_EXPERTS=1, GREENMFG_RECOMMENDATION_KEY=KEY)
    with app.app_context():
        yield app


def test_gates_tier_listing_round_types_and_average(shanxi):
    rec = recommend.recommendation_for(2025, "province", create=True)
    recommend.set_consulted("province", rec, ["ecology_environment", "emergency_management", "market_regulation"])
    graded_c = _graded("shanxi", 65)
    with pytest.raises(Refused, match="C级") as info:
        recommend.add("province", rec, graded_c, at=BEFORE)
    assert "山西省)" in str(info.value) and "Shanxi)" in str(info.value)  # the rule's source, by its name
    not_listed = _graded("shanxi", 88, listed=False)
    with pytest.raises(Refused, match="provincial list"):
        recommend.add("province", rec, not_listed, at=BEFORE)
    chain = _graded("shanxi", 88, unit_type="supply_chain")
    with pytest.raises(Refused, match="2025"):
        recommend.add("province", rec, chain, at=BEFORE)
    # existing national units of the province average 86: a unit at 80 needs an acknowledgement
    for total in (84, 88):
        db.session.add(UnitScore(organization_id=kit.organization(kit.unit("shanxi")).id, unit_type="factory",
                                 level="national", province="shanxi", year=2024, total=Decimal(total), values={}))
    below = _graded("shanxi", 80)
    with pytest.raises(Refused, match="86.00"):
        recommend.add("province", rec, below, at=BEFORE)
    item = recommend.add("province", rec, below, acknowledge_warnings=True, at=BEFORE)
    average = next(g for g in item.gates if g["code"] == "province_average")
    assert average["ok"] is False and average["acknowledged"] is True and kit.SEED_NATIONAL in average["cite"]
    with pytest.raises(Refused, match="already in"):
        recommend.add("province", rec, below, acknowledge_warnings=True, at=BEFORE)
    with pytest.raises(DeadlinePassed, match="2025-11-07"):
        recommend.add("province", rec, _graded("shanxi", 90), at=kit.beijing(dt.date(2025, 11, 8), 0, 1))


def test_a_banned_or_already_national_unit_is_refused(shanxi):
    rec = recommend.recommendation_for(2025, "province", create=True)
    banned = _graded("shanxi", 90)
    db.session.add(Ban(uscc=banned.organization.uscc, subject="organization", reason="数据造假", sanction_code="fraud",
                       starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2026, 12, 31)))
    with pytest.raises(Refused, match="2026-12-31"):
        recommend.add("province", rec, banned, acknowledge_warnings=True, at=BEFORE)
    national = _graded("shanxi", 90)
    db.session.add(ListEntry(organization_id=national.organization_id, unit_type="factory", level="national",
                             year=2024, status="listed"))
    with pytest.raises(Refused, match="national list"):
        recommend.add("province", rec, national, acknowledge_warnings=True, at=BEFORE)


def test_jiangxi_provincial_units_must_apply_again_is_a_warning(make_app):
    """003_a3fa60aeba77aa34.txt 一: a non-blocking rule, so staff acknowledge it."""
    app = make_app("jiangxi", GREENMFG_REVIEW_MIN_EXPERTS=1)
    with app.app_context():
        rec = recommend.recommendation_for(2025, "province", create=True)
        recommend.set_consulted("province", rec, ["ecology_environment", "emergency_management", "market_regulation"])
        a = _graded("jiangxi", 90)
        with pytest.raises(Refused, match="apply again"):
            recommend.add("province", rec, a, at=BEFORE)
        item = recommend.add("province", rec, a, acknowledge_warnings=True, at=BEFORE)
        again = next(g for g in item.gates if g["code"] == "jiangxi.provincial_reapply_for_national")
        assert again["ok"] is False and again["acknowledged"] and again["source"] == "jiangxi"


def _exported(app) -> bytes:
    rec = recommend.recommendation_for(2025, "province", create=True)
    recommend.set_consulted("province", rec, ["ecology_environment", "emergency_management", "market_regulation"])
    for total in (90, 80):
        recommend.add("province", rec, _graded("shanxi", total), at=BEFORE)
    recommend.export("province", rec, at=BEFORE)
    db.session.commit()
    return rec.document.encode()


def test_import_checks_signature_key_deadline_and_rows(shanxi, make_app, national_url):
    raw = _exported(shanxi)
    document = json.loads(raw)
    signer = recommend.signing_key()
    assert document["signature"]["key_id"] == recommend.key_id(signer) and document["version"] == 1
    assert document["signature"]["alg"] == "Ed25519"
    ministry = make_app("national", SQLALCHEMY_DATABASE_URI=national_url)
    register_province_key(ministry, "shanxi", KEY)
    with ministry.app_context():
        with pytest.raises(InvalidInput, match="not a recommendation file"):
            recommend.import_document("ministry", b"not json")
        unknown = json.loads(raw)
        unknown["province"]["code"] = "hunan"
        with pytest.raises(Refused, match="names province hunan but is signed by the key of shanxi"):
            recommend.import_document("ministry", json.dumps(unknown).encode())
        # a late file, signed properly, is refused on its export time
        late = recommend.sign({**json.loads(raw), "exported_at": "2025-11-08T00:00:00+08:00",
                               "document_id": "late-file-0001"}, signer)
        with pytest.raises(DeadlinePassed, match="2025-11-07"):
            recommend.import_document("ministry", json.dumps(late).encode(), at=kit.beijing(dt.date(2025, 11, 9)))
        # a row that fails: a C-tier unit, re-signed → nothing is imported, the row says why
        bad = json.loads(raw)
        bad["items"][1].update(recommendable=False, tier="C", tier_label="C级")
        report = recommend.import_document("ministry", json.dumps(recommend.sign(bad, signer)).encode(),
                                          at=BEFORE)
        assert not report["ok"] and report["rows"][0]["ok"] and "C级" in report["rows"][1]["problems"][0]
        db.session.rollback()
        # a unit the file does not show on the provincial list fails the ministry's rule (办法 第十一条), named in
        # both languages with its source by name, never by the plugin's code
        unlisted = json.loads(raw)
        unlisted["items"][1]["provincial_list"] = None
        report = recommend.import_document("ministry", json.dumps(recommend.sign(unlisted, signer)).encode(),
                                          at=BEFORE)
        problem = report["rows"][1]["problems"][0]
        assert problem == ("国家级绿色工厂须先列入省级名单 (新申报国家级单位须为现有省级绿色制造单位; 工业和信息化部) / "
                           "A national green factory must first be on the provincial list (a new national applicant "
                           "must already be on the provincial list; Ministry of Industry and Information Technology)")
        db.session.rollback()
        from core.models import Application

        assert db.session.query(Application).count() == 0
        report = recommend.import_document("ministry", raw, at=BEFORE)
        db.session.commit()
        assert report["ok"] and report["queued"] == 2
    with shanxi.app_context():
        with pytest.raises(Refused, match="national"):
            recommend.import_document("province", raw)


def test_cli_exports_and_a_national_cli_imports(shanxi, make_app, national_url, tmp_path):
    from core.cli import cli

    _exported(shanxi)
    runner = shanxi.test_cli_runner()
    out = tmp_path / "rec.json"
    result = runner.invoke(cli, ["lists", "export", "--year", "2025", "--json", str(out), "--xlsx",
                                 str(tmp_path / "rec.xlsx"), "--actor", "cli-test"])
    # the real clock is past 2025-11-07: the CLI refuses like the web page
    assert result.exit_code == 1 and "2025-11-07" in result.output
    result = runner.invoke(cli, ["lists", "notice-end", "--level", "provincial", "--start", "2025-09-26"])
    assert result.exit_code == 0 and result.output.startswith("2025-09-26\t2025-10-15\t10 working_days\tshanxi")
    assert "晋工信节能规字〔2024〕3号" in result.output and ".txt" not in result.output, result.output
    out.write_bytes(recommend.recommendation_for(2025).document.encode())
    ministry = make_app("national", SQLALCHEMY_DATABASE_URI=national_url, GREENMFG_RECOMMENDATION_MAX_AGE_DAYS=0)
    register_province_key(ministry, "shanxi", KEY)
    with ministry.app_context():  # the command runs in the current app: the ministry's
        result = ministry.test_cli_runner().invoke(cli, ["lists", "import", str(out), "--actor", "cli-test"])
    assert result.exit_code == 0, result.output
    assert "2 units queued" in result.output


def test_the_table_for_people_keeps_types_and_never_computes_a_name(shanxi):
    """The xlsx beside the signed JSON (written by xlsxwriter, like the summary tables): scores are numbers, a unit
    name that starts like a formula is text shown as typed, and no cell is a formula."""
    import io

    from openpyxl import load_workbook

    document = json.loads(_exported(shanxi))
    document["items"][0]["name"] = "=HYPERLINK(\"http://x\")绿色工厂"
    book = load_workbook(io.BytesIO(recommend.xlsx(document)))
    sheet = book.active
    assert sheet.title == "推荐名单" and book.properties.title == "推荐名单"
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == ["省份", "山西省 (shanxi)"] and rows[1][:2] == ["年度", 2025] and not any(rows[8])
    assert rows[9][:3] == ["序号", "市州", "单位名称"]
    first = rows[10]
    assert first[0] == 1 and first[2] == "=HYPERLINK(\"http://x\")绿色工厂" and first[7] == 90
    assert sheet.cell(11, 3).data_type == "s" and sheet.cell(11, 3).quotePrefix
    assert [r[7] for r in rows[10:]] == [90, 80]
