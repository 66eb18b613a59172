"""Every region's summary tables through a renderer we did not write: LibreOffice headless (xlsx → PDF), read
back with poppler (pdfinfo, pdftotext), page 1 of each table saved as a PNG under test-artifacts/summary/.

For each table (Hunan 附件2-1, 附件2-2 and 001 附件2; Jiangxi's three stacked tables; Hubei's and Shanxi's
platform tables) with 1, 20 and 200 rows: A4 landscape; every column fits the page width (each page
repeats the header from 序号 to the last column, and every row's last-column value is on the page of its
row number); title and seal line on page 1; each row printed once; the page count as expected (no page
split sideways; exactly the page breaks core set, every page holding rows). And the round trip once saved by
LibreOffice: the edited working copy, re-saved by LibreOffice, imports with every edit.

One soffice run converts every table to PDF, one more re-saves the edited files. Without LibreOffice or
poppler the tests skip with the reason (under CI they fail: .ci/run installs both).
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from summary_kit import CASES, edit_every_column, populate, save, world

ARTIFACTS = Path(os.environ.get("GREENMFG_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))
SIZES = (1, 20, 200)
TOOLS = ("soffice", "pdfinfo", "pdftotext", "pdftoppm")
#: the loopback port of the kept LibreOffice the city-page PDF test prints with
KEPT_PORT = 5717
CONFIG = {"SECRET_KEY": "test-secret", "TESTING": True, "GREENMFG_RATELIMIT_ENABLED": False,
          "GREENMFG_RATELIMIT_STORAGE": "memory://", "GREENMFG_MFA_ROLES": []}
#: what page 1 of each table prints above it: (sheet, title, seal line)
HEADS = {
    ("hunan-2024", "附件2-1"): ("2024年湖南省绿色制造体系申报汇总表", "推荐单位（盖章）：长沙市"),
    ("hunan-2024", "附件2-2"): ("2024年湖南省绿色制造体系申报汇总表", "推荐单位（盖章）：长沙市"),
    ("hunan-2025", "附件2"): ("新申报国家级绿色制造单位信息汇总表", "填报市州（盖章）：株洲市"),
    ("jiangxi-2024", "推荐汇总表"): ("2024年绿色制造名单推荐汇总表", ""),  # its seal is the footer (推荐单位：…)
    ("hubei-2025", "推荐汇总表"): ("2025年湖北省绿色制造体系建设市州推荐汇总表", "推荐单位（盖章）：武汉市"),
    ("shanxi-2025", "推荐汇总表"): ("2025年山西省绿色制造名单市级推荐汇总表", "推荐单位（盖章）：太原市"),
}
#: the unit types each table lists (n rows of each)
TABLE_TYPES = {
    ("hunan-2024", "附件2-1"): ("factory", "supply_chain"), ("hunan-2024", "附件2-2"): ("park",),
    ("hunan-2025", "附件2"): ("factory", "park"),
    ("jiangxi-2024", "推荐汇总表"): ("factory", "park", "supply_chain"),
    ("hubei-2025", "推荐汇总表"): ("factory", "park", "supply_chain", "product"),
    ("shanxi-2025", "推荐汇总表"): ("factory", "park", "supply_chain"),
}


def _require_tools() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        reason = f"{', '.join(missing)} not installed (apt-get install -y libreoffice-calc-nogui poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must render the summary tables: {reason}")
        pytest.skip(reason)


def _soffice(args: list[str], outdir: Path, profile: Path, files: list[Path]) -> None:
    """One LibreOffice run over many files (its own profile: parallel runs never share one)."""
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", *args,
           "--outdir", str(outdir), *map(str, files)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]


class Rendered:
    """The exported tables, their PDFs and the LibreOffice-saved round-trip files."""

    def __init__(self):
        self.xlsx: dict[tuple[str, int], Path] = {}
        self.rows: dict[tuple[str, int], dict[str, list[list]]] = {}
        self.breaks: dict[tuple[str, int], dict[str, int]] = {}
        self.roundtrip: dict[str, dict] = {}
        self.apps: dict[str, object] = {}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, sqlite_template):
    _require_tools()
    from core import create_app
    from core.applications import summary
    from core.extensions import db
    from core.models import ApplicationStatus as S

    tmp = tmp_path_factory.mktemp("print")
    out = Rendered()
    for name, case in CASES.items():
        path = tmp / f"{name}.sqlite3"
        shutil.copy(sqlite_template, path)
        app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "GREENMFG_REGION": case.region})
        out.apps[name] = app
        with app.app_context():
            start = 1
            for n in SIZES:
                unit, campaign = world(case)
                for (case_name, _), types in TABLE_TYPES.items():
                    if case_name == name:
                        populate(case, unit, campaign, n * len(types), start=start, types=types)
                        start += n * len(types)
                data = summary.export_summary(unit.id, campaign.id, "test")
                db.session.commit()
                target = tmp / "xlsx" / f"{name}-{n}.xlsx"
                target.parent.mkdir(exist_ok=True)
                target.write_bytes(data)
                out.xlsx[(name, n)] = target
                wb = load_workbook(io.BytesIO(data))
                out.rows[(name, n)] = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
                                       for ws in wb.worksheets}
                out.breaks[(name, n)] = {ws.title: len(ws.row_breaks.brk) for ws in wb.worksheets}
            # the round trip: the working copy of 7 drafts, every editable column edited in openpyxl
            unit, campaign = world(case)
            populate(case, unit, campaign, 7, start=start, status=S.DRAFT)
            wb = load_workbook(io.BytesIO(summary.export_summary(unit.id, campaign.id, "test", include_drafts=True)))
            db.session.commit()
            edits = edit_every_column(wb, campaign)
            edited = tmp / "edited" / f"rt-{name}.xlsx"
            edited.parent.mkdir(exist_ok=True)
            edited.write_bytes(save(wb))
            out.roundtrip[name] = {"campaign": campaign.id, "unit": unit.id, "edits": edits, "edited": edited}
            db.session.remove()
    profile = tmp / "lo-profile"
    _soffice(["--convert-to", "pdf"], tmp / "pdf", profile, list(out.xlsx.values()))
    _soffice(["--convert-to", "xlsx:Calc MS Excel 2007 XML"], tmp / "resaved", profile,
             [r["edited"] for r in out.roundtrip.values()])
    out.pdf = {key: tmp / "pdf" / f"{path.stem}.pdf" for key, path in out.xlsx.items()}
    for r in out.roundtrip.values():
        r["resaved"] = tmp / "resaved" / r["edited"].name
    return out


# ----------------------------------------------------------------- reading PDFs --


def _pdfinfo(path: Path) -> dict[str, str]:
    text = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def _pages(path: Path) -> list[list[tuple[float, float, float, str]]]:
    """Each page's words as (x min, x max, y min, text), from ``pdftotext -bbox``."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        words = [(float(a), float(c), float(b), w) for a, b, c, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', page)]
        pages.append(words)
    return pages


def _squeezed(words) -> str:
    return "".join(w for *_, w in words)


def _tables(rows: dict[str, list[list]]) -> dict[str, dict]:
    """Per sheet: its data rows ({seq: last printed value}) for each stacked table, and its last header."""
    out = {}
    for sheet, grid in rows.items():
        tables, current = [], None
        for r in grid:
            if r[0] == "序号":
                if tables and tables[-1]["header_row"] == r:  # the header repeated on a new page
                    current = tables[-1]
                    continue
                last = max(i for i, v in enumerate(r) if v not in (None, ""))
                if r[last] == "统一社会信用代码" and "统一社会信用代码" not in r[:last]:
                    last -= 1  # the credit code kept for re-import is not printed
                current = {"header_row": r, "last": last, "header": r[last], "rows": {}}
                tables.append(current)
            elif current is not None and isinstance(r[0], int):
                current["rows"][r[0]] = r
        out[sheet] = tables
    return out


def _probe(row: list, last: int) -> str:
    """A word of the row's last printed cell that identifies it (its longest token)."""
    value = str(row[last] or "")
    return max(value.split(), key=len, default="")


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", list(CASES))
def test_tables_print_on_a4_landscape_fitted_to_width(rendered, name, n):
    pdf = rendered.pdf[(name, n)]
    info = _pdfinfo(pdf)
    width, height = (float(x) for x in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert (round(width), round(height)) == (842, 595), info["Page size"]
    pages = _pages(pdf)
    assert len(pages) == int(info["Pages"])
    sheets = rendered.rows[(name, n)]
    tables = _tables(sheets)
    # split the pages by sheet: a sheet starts on the page that prints its label or title first
    starts = []
    for sheet in sheets:
        title, seal = HEADS[(name, sheet)]
        label = sheets[sheet][0][0]
        first = next(i for i, words in enumerate(pages) if i >= (starts[-1] + 1 if starts else 0)
                     and _squeezed(words).startswith(re.sub(r"\s", "", str(label))))
        starts.append(first)
    bounds = list(zip(starts, starts[1:] + [len(pages)]))
    for (sheet, (lo, hi)) in zip(sheets, bounds):
        title, seal = HEADS[(name, sheet)]
        sheet_pages = pages[lo:hi]
        page_one = _squeezed(sheet_pages[0])
        assert title in page_one and seal in page_one, (sheet, page_one[:200])
        if not seal:  # the signature block (推荐单位： (单位公章) 年 月 日) closes the last page
            assert "推荐单位：" in _squeezed(sheet_pages[-1]) and "单位公章" in _squeezed(sheet_pages[-1])
        seen: dict[int, list[int]] = {}
        per_page = []
        for p, words in enumerate(sheet_pages):
            text = _squeezed(words)
            # every page repeats the header from 序号 to the last printed column: nothing went to a side page
            assert "序号" in text, (sheet, p)
            for t in tables[sheet]:
                assert re.sub(r"\s", "", str(t["header"]))[:4] in text, (sheet, p, t["header"])
            heads = [w for w in words if w[3] == "序号"]
            x0, x1 = min(w[0] for w in heads) - 12, max(w[1] for w in heads) + 12
            numbers = [int(w[3]) for w in words if w[3].isdigit() and x0 <= (w[0] + w[1]) / 2 <= x1]
            per_page.append(len(numbers))
            for number in numbers:
                seen.setdefault(number, []).append(lo + p)
            # each row's last printed value is on the page of its row number (columns fit the width)
            for t in tables[sheet]:
                for number in numbers:
                    row = t["rows"].get(number)
                    probe = _probe(row, t["last"]) if row else ""
                    if probe and len(tables[sheet]) == 1:
                        assert probe in text, (sheet, p, number, probe)
        expected_rows = {seq: len([t for t in tables[sheet] if seq in t["rows"]]) for t in tables[sheet]
                         for seq in t["rows"]}
        assert {k: len(v) for k, v in seen.items()} == expected_rows, (sheet, "each row printed once")
        count = len(sheet_pages)
        # core breaks the pages (the same count whatever renders it): exactly its breaks, no automatic one
        # (nothing overflows), and every page holds rows of the table (no page of notes or a scrap alone)
        assert count == rendered.breaks[(name, n)][sheet] + 1, (sheet, count, per_page)
        assert all(k >= 1 for k in per_page), (sheet, per_page)
        if n == 1:
            assert count == 1, (sheet, count)
    # page 1 of each table, as the clerk sees it
    ARTIFACTS.joinpath("summary").mkdir(parents=True, exist_ok=True)
    for sheet, (lo, _) in zip(sheets, bounds):
        slug = re.sub(r"[^0-9A-Za-z-]", "", sheet.replace("附件", "attachment")) or "table"
        stem = ARTIFACTS / "summary" / f"{name}-{slug}-{n}rows"
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(lo + 1), "-l", str(lo + 1), "-singlefile", str(pdf),
                        str(stem)], check=True, capture_output=True)
        assert stem.with_suffix(".png").stat().st_size > 5000


@pytest.mark.parametrize("name", list(CASES))
def test_round_trip_once_saved_by_libreoffice(rendered, name):
    """The working copy, every editable column edited in openpyxl, then opened and saved by LibreOffice,
    imports with every edit (and the same values read back)."""
    from core.applications import summary
    from core.extensions import db

    from test_summary_roundtrip import check_edits

    rt = rendered.roundtrip[name]
    app = rendered.apps[name]
    with app.app_context():
        from core.models import Campaign

        report = summary.import_summary(rt["unit"], rt["campaign"], rt["resaved"].read_bytes(), "city", locale="en")
        assert report["ok"], [(r["row"], r.get("reason")) for r in report["rows"] if r["action"] == "rejected"]
        assert report["updated"] == 7 and report["created"] == 0
        db.session.commit()
        check_edits(db.session.get(Campaign, rt["campaign"]), rt["edits"])
        db.session.remove()


def test_the_same_table_as_pdf_from_the_city_page(make_app, tmp_path):
    """Optional PDF: the city page starts the same table as PDF (a job: printed from the same layout by the kept
    LibreOffice on the server): A4 landscape, the title, the seal line and the rows."""
    _require_tools()
    from app_world import build_world

    from core.extensions import db

    # a kept LibreOffice of this test's own (tests/applications/test_summary_pdf_job.py, on another worker, kills its)
    app = make_app("hunan", WTF_CSRF_ENABLED=False, GREENMFG_PDF_PORT=KEPT_PORT)
    w = build_world(app)
    case = CASES["hunan-2024"]
    with app.app_context():
        unit, campaign = world(case)
        populate(case, unit, campaign, 4, types=("factory",))
        campaign_id = campaign.id
        from sqlalchemy import select

        from core.models import Application, Organization

        names = list(db.session.scalars(select(Organization.name).join(
            Application, Application.organization_id == Organization.id).where(Application.campaign_id == campaign_id)))
        assert len(names) == 4
    city = w.client("city_changsha")
    assert "export-pdf" in city.get(f"/city/recommended?campaign={campaign_id}").get_data(as_text=True)
    started = city.post(f"/city/summary.pdf?campaign={campaign_id}")  # a job (issue 46 W6): start, follow, download
    assert started.status_code == 302 and "/jobs/" in started.headers["Location"]
    app.extensions["greenmfg_jobs"].wait(180)
    assert 'id="job-download"' in city.get(started.headers["Location"]).get_data(as_text=True)
    r = city.get(started.headers["Location"] + "/download")
    from core.services import office

    office.stop_kept(office.Settings(port=KEPT_PORT))
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    pdf = tmp_path / "table.pdf"
    pdf.write_bytes(r.data)
    assert "842 x 595" in re.sub(r"(\d+)\.\d+", r"\1", _pdfinfo(pdf)["Page size"]).replace("841", "842")
    text = _squeezed([w for page in _pages(pdf) for w in page])
    assert "2024年湖南省绿色制造体系申报汇总表" in text and "推荐单位（盖章）：长沙市" in text
    assert all(re.sub(r"\s", "", n)[:6] in text for n in names)
