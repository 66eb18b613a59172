"""Yearly filings of listed units (core.scoring.filings) and ``greenmfg scores import``.

Seed 001_3f04a56fc6693327.txt 附件1 二(二): 组织现有国家绿色工厂、绿色工业园区登录管理平台, 对照新的
评价要求开展自评价对标 (existing units file every year); 附件1 of the MIIT notice (factory: 第3项
可再生能源利用率 is a percentage, 第9项 定性) and 附件2 (park: 第15项, 第17项 弹性系数).
"""
from __future__ import annotations

from pathlib import Path

import factories
import pytest
import sqlalchemy as sa

from core.cli.score import scores_group
from core.extensions import db
from core.models import AuditLog, ListEntry, ReferenceValue, UnitScore
from core.scoring.files import FileRefused, read_rows
from core.scoring.filings import cell_value, import_filings

REFS = {1: (0.40, 0.60), 2: (1.0, 2.0), 3: (40, 20), 5: (1.0, 1.2), 6: (2.0, 4.0), 7: (95, 85), 8: (95, 80),
        10: (3, 1), 11: (0.05, 0.10), 14: (2.0, 1.0)}
#: 附件1 at the leading values, but 第1项 at its midpoint (4 of 8) → 96
FULL = ["0.50", "1.0", "40", "8", "1.0", "2.0", "95", "95", "是", "3", "0.05", "true", "yes", "2.0"]
HEADER = "uscc,企业名称,year," + ",".join(str(n) for n in range(1, 15)) + "\n"


def rules_of(app):
    return app.extensions["greenmfg"].rules


def listed(unit, year=2023, unit_type="factory", level="national", status="listed"):
    org = factories.organization(unit)
    db.session.add(ListEntry(organization_id=org.id, unit_type=unit_type, level=level, year=year, status=status))
    db.session.flush()
    return org


def write(tmp_path: Path, text: str, name: str = "filings.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_import(app, path: Path, level: str = "national"):
    header, body = read_rows(path)
    return import_filings(rules_of(app), header, body, path.name, level=level, actor="test")


def audits(action: str) -> list[AuditLog]:
    return db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)).all()


def test_cells_take_numbers_words_and_json():
    """是/否 for qualitative indicators (附件1 第9项), numbers, JSON for a list of products; empty is missing."""
    assert [cell_value(c, "x") for c in ("是", "否", "TRUE", "no", " 8 ", "0.52", "", None, 3.5, True)] == [
        True, False, True, False, 8, 0.52, None, None, 3.5, True]
    assert cell_value('[{"value": 1, "energy_use": 2}]', "x") == [{"value": 1, "energy_use": 2}]


def test_import_creates_rows_for_listed_units_and_is_audited(app, tmp_path):
    """Two national factories file 2025; re-importing replaces their values (updated, not duplicated)."""
    unit = factories.admin_unit("hunan")
    a, b = listed(unit), listed(unit, year=2025)
    db.session.commit()
    text = HEADER + f"{a.uscc},甲,2025,{','.join(FULL)}\n{b.uscc},乙,2025,{','.join(FULL[:3])}\n"
    report = run_import(app, write(tmp_path, text))
    assert (report.created, report.updated, report.years) == (2, 0, [2025])
    rows = db.session.scalars(sa.select(UnitScore).order_by(UnitScore.organization_id)).all()
    assert [(r.unit_type, r.level, r.year, r.province) for r in rows] == [("factory", "national", 2025, "hunan")] * 2
    assert rows[0].values["9"] is True and rows[0].values["3"] == 40 and rows[1].values == {"1": 0.5, "2": 1.0, "3": 40}
    assert rows[0].total is None  # scores wait for recompute
    report = run_import(app, write(tmp_path, text))
    assert (report.created, report.updated) == (0, 2)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UnitScore)) == 2
    assert [a.data["created"] for a in audits("scores.imported")] == [2, 0]


def test_park_elasticity_parts_and_unit_type_column(app, tmp_path):
    """附件2 第15项 弹性系数 from two part columns; a unit listed as factory and park names its type."""
    unit = factories.admin_unit("hubei")
    org = listed(unit, unit_type="park")
    db.session.add(ListEntry(organization_id=org.id, unit_type="factory", level="national", year=2023,
                             status="listed"))
    db.session.commit()
    text = f"统一社会信用代码,年度,类型,15.elasticity,15.value_added_growth,12\n{org.uscc},2025,park,0.4,6.5,是\n"
    run_import(app, write(tmp_path, text))
    row = db.session.scalars(sa.select(UnitScore)).one()
    assert row.unit_type == "park" and row.values == {"15": {"elasticity": 0.4, "value_added_growth": 6.5},
                                                      "12": True}


def test_bad_rows_are_all_reported_and_nothing_is_written(app, tmp_path):
    """All or nothing, every row named in Chinese and English: unknown code, not listed at the level,
    listed only after the year, removed, a percentage above 100 (附件1 第3项), an indicator the
    factory table does not have (第17项), a duplicate, both listed types without unit_type."""
    unit = factories.admin_unit("hunan")
    good, later = listed(unit), listed(unit, year=2026)
    provincial, removed = listed(unit, level="provincial"), listed(unit, status="removed")
    both = listed(unit)
    db.session.add(ListEntry(organization_id=both.id, unit_type="park", level="national", year=2023, status="listed"))
    db.session.commit()
    text = "uscc,year,3,17\n" + "\n".join([
        f"{good.uscc},2025,35,",                 # row 2: fine
        f"{factories.uscc(999999)},2025,35,",    # row 3: no such organization
        f"{later.uscc},2025,35,",                # row 4: listed in 2026 only
        f"{provincial.uscc},2025,35,",           # row 5: provincial list, not national
        f"{removed.uscc},2025,35,",              # row 6: removed from the list
        f"{good.uscc},2026,135,",                # row 7: percentage above 100
        f"{good.uscc},2027,,0.3",                # row 8: no 第17项 in 附件1
        f"{good.uscc},2025,30,",                 # row 9: duplicate of row 2
        f"{both.uscc},2025,30,",                 # row 10: factory and park
        f"{good.uscc},二〇二五,30,",              # row 11: year not a number
    ]) + "\n"
    with pytest.raises(FileRefused) as err:
        run_import(app, write(tmp_path, text))
    assert [e.field for e in err.value.errors] == [
        "row 3: uscc", "row 4: uscc", "row 5: uscc", "row 6: uscc", "row 7: values.3", "row 8: values.17",
        "row 9", "row 10: unit_type", "row 11: year"]
    message = str(err.value)
    assert "row 3: uscc：没有使用该统一社会信用代码的单位 / row 3: uscc: no organization has this" in message
    assert "row 4: uscc：该单位2025年不在名单内（级别：national）" in message
    assert "135 超出指标 3. 可再生能源利用率 的取值范围：0 至 100 %" in message and "与第2行重复" in message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UnitScore)) == 0
    assert audits("scores.imported") == []


def test_file_without_the_year_column_is_refused(app, tmp_path):
    with pytest.raises(Exception, match="missing column year"):
        run_import(app, write(tmp_path, "uscc,1\n91430100000000001X,0.5\n"))


def _refs():
    db.session.add_all(ReferenceValue(indicator_set="miit2025.factory", industry="*", number=n, year=2025,
                                      leading=lead, baseline=base) for n, (lead, base) in REFS.items())


def test_cli_import_then_recompute(app, tmp_path):
    """``greenmfg scores import FILE`` stores the filings (xlsx), then recomputes the year: totals,
    national ranks; both steps audited."""
    from openpyxl import Workbook

    _refs()
    unit = factories.admin_unit("hunan")
    orgs = [listed(unit) for _ in range(3)]
    db.session.commit()
    wb = Workbook()
    ws = wb.active
    ws.append(["uscc", "year", *range(1, 15)])
    for i, org in enumerate(orgs):
        ws.append([org.uscc, 2025, 0.50 + 0.05 * i, *FULL[1:]])  # 第1项 (L 0.40, B 0.60): 4, 2, 0 of 8
    wb.save(tmp_path / "filings.xlsx")
    result = app.test_cli_runner().invoke(scores_group, ["import", str(tmp_path / "filings.xlsx")])
    assert result.exit_code == 0, result.output
    assert "3 新增 / created" in result.stdout and "已重算 / recomputed 2025: 3 行 / rows" in result.stdout
    db.session.expire_all()
    rows = db.session.scalars(sa.select(UnitScore).order_by(UnitScore.organization_id)).all()
    assert [float(r.total) for r in rows] == [96.0, 94.0, 92.0]
    assert [r.rank_national for r in rows] == [1, 2, 3] and rows[0].scores["1"] == 4.0
    assert len(audits("scores.imported")) == 1 and audits("scores.recomputed")[0].data["written"] == 3


def test_cli_import_refused_exits_2_bilingual(app, tmp_path):
    result = app.test_cli_runner().invoke(scores_group, ["import", str(write(tmp_path, "uscc,year,1\nX,2025,1\n"))])
    assert result.exit_code == 2
    assert "row 2: uscc：没有使用该统一社会信用代码的单位" in result.stderr
    assert "file refused, nothing imported" in result.stderr
