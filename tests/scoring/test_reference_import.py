"""Reference values (引领值/基准值): import from xlsx/CSV, all or nothing, and lookup.

Seed: 001_3f04a56fc6693327.txt 附件1 (引领值 = 行业先进水平, 基准值 = 行业平均水平; 第3项 is a
percentage and 正向, 第1项 逆向, 第4项 prints 8/0, 第9项 定性) and 附件3 (重点行业清单: 水泥 is
building.01); domain.md C1 (keyed by industry, indicator and year; never hard-coded).
"""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from core.cli.score import reference_group
from core.models import ReferenceValue
from core.scoring.files import FileRefused
from core.scoring.reference import ReferenceBook, import_references

DEMO = Path(__file__).resolve().parents[2] / "core" / "scoring" / "data" / "demo_reference.csv"
HEADER = "indicator_set,industry,number,year,leading,baseline\n"


def rules_of(app):
    return app.extensions["greenmfg"].rules


def count(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(ReferenceValue))


def write(tmp_path: Path, text: str, name: str = "refs.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_demo_set_imports_and_says_it_is_illustrative(app, scoring_db):
    """The shipped demo set (28 rows) loads cleanly; its header says the numbers are not MIIT's.
    Re-importing updates in place (unique on set, industry, number, year)."""
    assert "not MIIT values" in DEMO.read_text(encoding="utf-8")
    report = import_references(scoring_db, rules_of(app), DEMO)
    assert (report.created, report.updated, count(scoring_db)) == (28, 0, 28)
    report = import_references(scoring_db, rules_of(app), DEMO)
    assert (report.created, report.updated, count(scoring_db)) == (0, 28, 28)


def test_xlsx_with_chinese_headers(app, scoring_db, tmp_path):
    """An admin's xlsx with 指标体系/行业/序号/年度/引领值/基准值; 行业 may be the name (水泥)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["指标体系", "行业", "序号", "年度", "引领值", "基准值"])
    ws.append(["miit2025.factory", "水泥", 1, 2025, 100, 107])
    ws.append(["miit2025.factory", "*", 3, 2025, 30, 10])
    wb.save(tmp_path / "refs.xlsx")
    assert import_references(scoring_db, rules_of(app), tmp_path / "refs.xlsx").created == 2
    stored = scoring_db.scalars(sa.select(ReferenceValue).order_by(ReferenceValue.number)).all()
    assert [(r.industry, r.number, r.leading, r.baseline) for r in stored] == [
        ("building.01", 1, 100.0, 107.0), ("*", 3, 30.0, 10.0)]


def test_bad_rows_are_all_reported_and_nothing_is_written(app, scoring_db, tmp_path):
    """All or nothing: one clean row and seven bad ones → every bad row named with its row
    number and column, in Chinese and English, and no row stored."""
    path = write(tmp_path, HEADER + "\n".join([
        "miit2025.factory,*,1,2025,0.40,0.60",     # row 2: fine (逆向, L < B)
        "miit2025.factory,*,2,2025,0.5,0.5",       # row 3: leading == baseline
        "miit2025.factory,*,3,2025,20,40",         # row 4: 正向 needs L > B
        "miit2025.factory,*,7,2025,120,85",        # row 5: percentage above 100
        "miit2025.factory,*,9,2025,1,0",           # row 6: 定性 takes no reference
        "miit2025.factory,*,4,2025,8,0",           # row 7: printed in the table
        "miit2025.factory,水泥厂,1,2025,1,2",        # row 8: unknown industry
        "miit2025.factory,*,1,2025,0.30,0.60",     # row 9: duplicate of row 2
        "miit2025.factory,*,1,2019,0.30,0.60",     # row 10: before the set applies
    ]))
    with pytest.raises(FileRefused) as err:
        import_references(scoring_db, rules_of(app), path)
    fields = [e.field for e in err.value.errors]
    assert fields == ["row 3: leading", "row 4: leading", "row 5: leading", "row 6: number", "row 7: number",
                      "row 8: industry", "row 9", "row 10: year"]
    text = str(err.value)
    assert "row 3: leading：引领值与基准值相同（0.5） / row 3: leading: leading value equals baseline value (0.5)" in text
    assert "与第2行重复" in text
    assert count(scoring_db) == 0


@pytest.mark.parametrize("text, message", [
    ("indicator_set,industry,number,year,leading\n", "missing column baseline"),
    (HEADER, "holds no rows"),
    ("", "holds no rows"),
])
def test_unusable_files(app, scoring_db, tmp_path, text, message):
    """A file without the 基准值 column, or without rows, is refused as a whole."""
    with pytest.raises(Exception, match=message):
        import_references(scoring_db, rules_of(app), write(tmp_path, text))


def test_unsupported_file_type(app, scoring_db, tmp_path):
    with pytest.raises(Exception, match="use .xlsx or .csv"):
        import_references(scoring_db, rules_of(app), write(tmp_path, HEADER, "refs.xls"))


def test_cli_import_with_progress_and_errors(runner, scoring_db, tmp_path):
    """``greenmfg reference import FILE``: the demo loads (exit 0); a file with leading == baseline
    is refused with exit 2 and the row named."""
    result = runner.invoke(reference_group, ["import", str(DEMO)])
    assert result.exit_code == 0, result.output
    assert "28 新增 / created" in result.stdout
    bad = write(tmp_path, HEADER + "miit2025.factory,*,2,2025,0.5,0.5\n")
    result = runner.invoke(reference_group, ["import", str(bad)])
    assert result.exit_code == 2 and "row 2: leading" in result.stderr and "引领值与基准值相同" in result.stderr


def test_lookup_newest_year_and_general_fallback():
    """A unit uses its industry's values, else the general ``*`` ones, from the newest year not
    after its own; before the first year there are none (needs_reference)."""
    book = ReferenceBook([
        ("miit2025.factory", "*", 1, 2025, 0.40, 0.60, "a.csv"),
        ("miit2025.factory", "*", 1, 2027, 0.35, 0.55, "b.csv"),
        ("miit2025.factory", "building.01", 1, 2026, 100, 107, "c.csv"),
        ("miit2025.factory", "*", 3, 2025, 40, 20, "a.csv"),
    ])
    assert book.lookup("miit2025.factory", "steel.01", 2026)[1].leading == 0.40
    assert book.lookup("miit2025.factory", "steel.01", 2028)[1].year == 2027
    assert book.lookup("miit2025.factory", "building.01", 2026)[1].leading == 100
    assert book.lookup("miit2025.factory", "building.01", 2025)[1].leading == 0.40
    assert book.lookup("miit2025.factory", "building.01", 2026)[3].leading == 40
    assert book.lookup("miit2025.factory", "*", 2024) == {}
    assert book.lookup("miit2025.park", "*", 2025) == {}
