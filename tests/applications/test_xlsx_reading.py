"""Uploaded spreadsheets read by core.services.spreadsheets.read_xlsx (issue 46, W4 and W7): the values openpyxl
would read, and hostile files refused before anything large is made: a crafted dimension with a cell at
XFD1048576, zip bombs (an honest zip directory and a lying one) and a million-row sheet. The files are made
here byte by byte, as an attacker would, not by a spreadsheet library."""
from __future__ import annotations

import datetime as dt
import io
import re
import struct
import time
import tracemalloc
import warnings
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InvalidInput
from core.services.spreadsheets import read_xlsx

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: the least a tracemalloc peak may be in these tests: what the parser and a few rows take, far below any
#: allocation proportional to a million rows or to the inflated bomb
SMALL = 16 * 1024 * 1024


def package(sheet, *, shared: str | None = None, styles: str | None = None, book_pr: str = "",
            level: int = 6) -> bytes:
    """A minimal .xlsx: one worksheet whose XML is ``sheet`` (bytes, or an iterable of bytes written as it
    comes), and optionally shared strings and styles."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"/>')
        zf.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">{book_pr}<sheets>'
                    '<sheet name="名单历史" sheetId="1" r:id="rId1"/></sheets></workbook>')
        rels = f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        if shared is not None:
            rels += f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            zf.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{shared}</sst>')
        if styles is not None:
            rels += f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/>'
            zf.writestr("xl/styles.xml", f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>')
        zf.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                    f'2006/relationships">{rels}</Relationships>')
        if isinstance(sheet, bytes):
            zf.writestr("xl/worksheets/sheet1.xml", sheet)
        else:
            with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
                for part in sheet:
                    fh.write(part)
    return buf.getvalue()


def worksheet(rows: str, head: str = "") -> bytes:
    return f'<worksheet xmlns="{MAIN}">{head}<sheetData>{rows}</sheetData></worksheet>'.encode()


def peak_of(call) -> tuple[int, Exception | None, float]:
    """The tracemalloc peak of ``call()`` (the file itself made before), what it raised, and its seconds."""
    tracemalloc.start()
    started = time.perf_counter()
    raised = None
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - returned to the test
        raised = exc
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, raised, took


# ------------------------------------------------------------------ values --


def test_values_read_as_openpyxl_reads_them():
    shared = ('<si><t>申报单位</t></si><si><r><t>长沙</t></r><r><rPr><b/></rPr><t>市</t></r>'
              '<rPh sb="0" eb="1"><t>チョウサ</t></rPh></si><si><t xml:space="preserve"> 空格 </t></si>')
    styles = ('<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
              '</numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs>')
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
            '<row r="3"><c r="A3"><v>7</v></c><c r="B3"><v>2.5</v></c><c r="C3" s="1"><v>45292</v></c>'
            '<c r="D3" s="2"><v>45293</v></c><c r="E3" t="b"><v>1</v></c><c r="F3" t="e"><v>#N/A</v></c>'
            '<c r="G3" t="inlineStr"><is><t>A&amp;B &lt;公司&gt;</t></is></c>'
            '<c r="H3"><f>SUM(A3:B3)</f><v>9.5</v></c><c r="J3" t="str"><f>"x"&amp;"y"</f><v>xy</v></c></row>'
            '<row><c><v>1</v></c><c><v>2</v></c></row>')
    data = package(worksheet(rows), shared=shared, styles=styles)
    ((name, read),) = read_xlsx(data, max_bytes=1 << 20, max_rows=100)
    assert name == "名单历史"
    assert read[0] == ("申报单位", "长沙市", " 空格 ")  # rich text runs joined, the phonetic run left out
    assert read[1] == ()  # an empty row keeps the numbering of those after it
    assert read[2] == (7, 2.5, dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2), True, "#N/A", "A&B <公司>",
                       "=SUM(A3:B3)", None, '="x"&"y"')
    assert read[3] == (1, 2)  # a row and cells without their r attributes follow the ones before
    ((_, cached),) = read_xlsx(data, max_bytes=1 << 20, max_rows=100, data_only=True)
    assert cached[2][7:] == (9.5, None, "xy")
    ((_, narrow),) = read_xlsx(data, max_bytes=1 << 20, max_rows=100, max_cols=2)
    assert narrow[2] == (7, 2.5)


def test_the_1904_date_system_is_honoured():
    styles = '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'
    data = package(worksheet('<row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="1"><v>1</v></c></row>'),
                   styles=styles, book_pr='<workbookPr date1904="1"/>')
    ((_, rows),) = read_xlsx(data, max_bytes=1 << 20, max_rows=10)
    assert rows[0][1] == dt.datetime(1904, 1, 2)


@pytest.mark.parametrize("prolog", [
    '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE worksheet SYSTEM "file:///etc/passwd">',
])
def test_a_dtd_is_refused_so_no_entity_is_expanded_or_fetched(prolog):
    data = package((prolog + worksheet('<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row>')
                    .decode()).encode())
    with pytest.raises(InvalidInput) as caught:
        read_xlsx(data, max_bytes=1 << 20, max_rows=10)
    assert "damaged" in str(caught.value.msgid)


def test_not_a_zip_or_too_large_or_damaged_is_the_files_fault():
    with pytest.raises(InvalidInput, match="Only .xlsx"):
        read_xlsx(b"%PDF-1.7", max_bytes=1 << 20, max_rows=10)
    with pytest.raises(InvalidInput, match="larger than"):
        read_xlsx(b"PK\x03\x04" + b"0" * (2 << 20), max_bytes=1 << 20, max_rows=10)
    with pytest.raises(InvalidInput, match="damaged"):
        read_xlsx(package(b"<worksheet><sheetData><row>"), max_bytes=1 << 20, max_rows=10)


# -------------------------------------------------------------- hostile files --


def test_a_crafted_dimension_and_a_cell_at_xfd1048576_are_refused_before_anything_large():
    """python-calamine allocates the dimension's 2^34 cells (512 GB) and aborts; here the dimension is never read and
    the far cell's row is refused as it is met."""
    head = '<dimension ref="A1:XFD1048576"/>'
    alone = package(worksheet('<row r="1"><c r="A1"><v>1</v></c></row>', head))
    ((_, rows),) = read_xlsx(alone, max_bytes=1 << 20, max_rows=100)
    assert rows == [(1,)]  # the dimension alone makes nothing
    far = package(worksheet('<row r="1"><c r="A1"><v>1</v></c></row>'
                            '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', head))
    peak, raised, _ = peak_of(lambda: read_xlsx(far, max_bytes=1 << 20, max_rows=100))
    assert isinstance(raised, InvalidInput) and "At most" in raised.msgid, raised
    assert peak < SMALL, peak
    # a far cell within the rows but past the columns read makes nothing either
    wide = package(worksheet('<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>', head))
    assert read_xlsx(wide, max_bytes=1 << 20, max_rows=100)[0][1] == [(1,)]


def test_an_honest_zip_bomb_is_refused_from_the_zip_directory_before_inflating():
    bomb = package(iter([b'<worksheet xmlns="' + MAIN.encode() + b'"><sheetData>'] + [b" " * (1 << 20)] * 80
                        + [b"</sheetData></worksheet>"]), level=9)
    assert len(bomb) < 200_000  # 80 MB of XML in a file of a few hundred KB
    peak, raised, _ = peak_of(lambda: read_xlsx(bomb, max_bytes=1 << 20, max_rows=100))
    assert isinstance(raised, InvalidInput) and "too much data" in raised.msgid, raised
    assert peak < SMALL, peak


def _lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with ``name``'s uncompressed size declared as ``size`` in its local header and the directory."""
    out = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    struct.pack_into("<I", out, info.header_offset + 22, size)
    at = out.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", out, at + 28)[0]
        if bytes(out[at + 46:at + 46 + name_len]) == name.encode():
            struct.pack_into("<I", out, at + 24, size)
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


def test_a_zip_bomb_that_lies_in_its_directory_is_refused_while_inflating():
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 50))
    bomb = package(iter([b'<worksheet xmlns="' + MAIN.encode() + b'"><sheetData>', rows] + [b" " * (1 << 20)] * 80
                        + [b"</sheetData></worksheet>"]), level=9)
    liar = _lie_about_size(bomb, "xl/worksheets/sheet1.xml", 4096)
    peak, raised, _ = peak_of(lambda: read_xlsx(liar, max_bytes=1 << 20, max_rows=100))
    assert isinstance(raised, InvalidInput) and "damaged" in raised.msgid, raised  # zipfile's CRC check
    assert peak < SMALL, peak


def test_a_million_row_sheet_is_refused_at_the_limit_not_read_to_its_end():
    def rows():
        yield b'<worksheet xmlns="' + MAIN.encode() + b'"><sheetData>'
        for start in range(1, 1_000_001, 10_000):
            yield b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i)
                           for i in range(start, start + 10_000))
        yield b"</sheetData></worksheet>"

    million = package(rows(), level=1)
    assert len(million) < 20 << 20
    peak, raised, _ = peak_of(lambda: read_xlsx(million, max_bytes=20 << 20, max_rows=5200))
    assert isinstance(raised, InvalidInput) and "At most 5200 rows" in raised.msgid % raised.params, raised
    assert peak < SMALL, peak
    # the summary import's own limit, through the history import's reader too (50,000 rows)
    from core.lists.history import read_rows

    peak, raised, _ = peak_of(lambda: read_rows(million, "history.xlsx"))
    assert isinstance(raised, InvalidInput) and "At most" in raised.msgid, raised
    assert peak < 4 * SMALL, peak  # 50,000 rows of one number each are read before the refusal


def test_a_row_of_a_million_cells_is_refused_before_its_cells_are_kept():
    def rows():
        yield b'<worksheet xmlns="' + MAIN.encode() + b'"><sheetData><row r="1">'
        for _ in range(100):
            yield b'<c r="A1"><v>1</v></c>' * 10_000
        yield b"</row></sheetData></worksheet>"

    wide = package(rows(), level=1)
    peak, raised, _ = peak_of(lambda: read_xlsx(wide, max_bytes=20 << 20, max_rows=100))
    assert isinstance(raised, InvalidInput) and "too much data" in raised.msgid, raised
    assert peak < 4 * SMALL, peak


# ------------------------------------------------- python-calamine (issue 57) --
# read_xlsx reads a plain file with python-calamine (core/services/xlsx_calamine.py) and any other with the streamed
# reader above; either way the values and the refusals are the streamed reader's.

PLAIN_SHARED = ('<si><t>申报单位</t></si><si><r><t>长沙</t></r><r><rPr><b/></rPr><t>市</t></r>'
                '<rPh sb="0" eb="1"><t>チョウサ</t></rPh></si><si><t xml:space="preserve"> 空格 </t></si><si><t></t></si>')
PLAIN_ROWS = ('<row r="1" spans="1:4" ht="20" customHeight="1"><c r="A1" s="1" t="s"><v>0</v></c>'
              '<c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
              '<row r="3"><c r="A3"><v>7</v></c><c r="B3"><v>2.5</v></c><c r="C3" t="n"><v>-0.125</v></c>'
              '<c r="D3" t="b"><v>1</v></c><c r="E3" t="inlineStr"><is><t>A&amp;B &lt;公司&gt;</t></is></c>'
              '<c r="F3" s="1"/><c r="H3" t="inlineStr"><is><t></t></is></c><c r="BZ3"><v>3</v></c></row>'
              '<row r="4"><c r="A4" t="s"><v>3</v></c></row><row r="9999"><c r="A9999"><v>12345678</v></c></row>')


class Seen:
    """Which files python-calamine was given (it must never see one the look refused)."""

    def __init__(self, monkeypatch):
        import python_calamine

        self.files = []
        real = python_calamine.CalamineWorkbook
        seen = self

        class Spy:
            @staticmethod
            def from_filelike(fh, *args, **kwargs):
                seen.files.append(fh.getvalue())
                return real.from_filelike(fh, *args, **kwargs)

        monkeypatch.setattr(python_calamine, "CalamineWorkbook", Spy)


def streamed(data: bytes, **kw):
    """The streamed reader alone (what read_xlsx gave before python-calamine)."""
    from core.services import xlsx_calamine

    real, xlsx_calamine.read = xlsx_calamine.read, lambda *a, **k: None
    try:
        return read_xlsx(data, **kw)
    finally:
        xlsx_calamine.read = real


def test_a_plain_file_is_read_by_calamine_with_the_streamed_readers_values(monkeypatch):
    seen = Seen(monkeypatch)
    styles = '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="4"/></cellXfs>'
    data = package(worksheet(PLAIN_ROWS, '<dimension ref="A1:BZ9999"/>'), shared=PLAIN_SHARED, styles=styles)
    fast = read_xlsx(data, max_bytes=1 << 20, max_rows=10_000, max_cols=100)
    assert seen.files == [data]
    assert fast == streamed(data, max_bytes=1 << 20, max_rows=10_000, max_cols=100)
    # a sheet that says it spans more than calamine is given is not looked at (what it says is never trusted)
    wide = package(worksheet(PLAIN_ROWS, '<dimension ref="A1:XFD1048576"/>'), shared=PLAIN_SHARED, styles=styles)
    assert read_xlsx(wide, max_bytes=1 << 20, max_rows=10_000, max_cols=100) == fast
    assert seen.files == [data]
    rows = fast[0][1]
    assert rows[0] == ("申报单位", "长沙市", " 空格 ")  # an empty text is an empty cell, in both readers
    assert rows[1] == () and rows[3] == () and len(rows) == 9999
    assert rows[2][:5] == (7, 2.5, -0.125, True, "A&B <公司>") and rows[2][5:] == (None,) * 72 + (3,)
    assert type(rows[2][0]) is int and type(rows[9998][0]) is int  # as written, not calamine's float
    # the first columns only, and a value beyond max_rows is the streamed reader's to refuse, with its message
    assert read_xlsx(data, max_bytes=1 << 20, max_rows=10_000, max_cols=2)[0][1][2] == (7, 2.5)
    with pytest.raises(InvalidInput) as caught:
        read_xlsx(data, max_bytes=1 << 20, max_rows=9998)
    assert "At most" in caught.value.msgid


def test_the_summary_tables_as_exported_and_saved_are_read_by_calamine(monkeypatch):
    """The files a city sends back (written by xlsxwriter, saved again by openpyxl as a spreadsheet program does)."""
    import xlsxwriter
    from openpyxl import load_workbook

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("附件2-1")
    ws.write_row(0, 0, ["序号", "申报单位名称", "2023年主营业务收入（预计）", "联系人及电话", "统一社会信用代码"])
    for i in range(1, 40):
        ws.write_row(i, 0, [i, f"长沙市第{i}号有限公司", 1234.5 + i, f"王建国 138{i:08d}", f"91430100{i:09d}X"])
    wb.add_worksheet("空表")
    wb.close()
    saved = io.BytesIO()
    load_workbook(io.BytesIO(buf.getvalue())).save(saved)
    for data in (buf.getvalue(), saved.getvalue()):
        seen = Seen(monkeypatch)
        assert read_xlsx(data, max_bytes=1 << 20, max_rows=100) == streamed(data, max_bytes=1 << 20, max_rows=100)
        assert seen.files == [data]


@pytest.mark.parametrize("cells, expected", [
    ('<c r="A1"><f>SUM(B1:C1)</f><v>9.5</v></c>', ("=SUM(B1:C1)",)),  # a formula is refused by the import, not taken
    ('<c r="A1" t="e"><v>#N/A</v></c>', ("#N/A",)),  # calamine reads an error as empty
    ('<c r="A1" t=\'e\'><v>#N/A</v></c>', ("#N/A",)),
    ('<c r="A1" t = "e"><v>#N/A</v></c>', ("#N/A",)),
    ('<c r="A1" s="1"><v>45292</v></c>', (dt.datetime(2024, 1, 1),)),  # a date by openpyxl's rules
    ('<c r="A1"><v> 12 </v></c>', (12,)),  # calamine would read text
    ('<c r="a1"><v>1</v></c>', None),  # calamine reads a lower-case reference as upper case; the streamed reader not
    ('<c r="A1" t="b"><v>2</v></c>', (True,)),  # calamine: not a boolean
    ('<c r="A1"><v>5.0</v></c><c r="B1"><v>1E3</v></c>', (5.0, 1000.0)),  # floats, as written
    ('<c r="A1"><v>12345678901234567890</v></c>', (12345678901234567890,)),  # beyond a float's digits
    ('<c r="A1" t="d"><v>2024-01-02T03:04:05</v></c>', (dt.datetime(2024, 1, 2, 3, 4, 5),)),
    ('<c r="A1" t="s"><is><t>x</t></is></c>', None),  # calamine reads the text whatever the type
    ('<c r="A1" t="inlineStr"><is><t>x</t></is><v>7</v></c>', ("x",)),  # calamine reads nothing
    ('<c r="A1" t="inlineStr"><is><t>a\r\nb</t></is></c>', ("a\nb",)),  # the XML's line end, as XML reads it
    ('<c r="A1" t="inlineStr"><is><t>a_x000D_b</t></is></c>', ("a_x000D_b",)),  # calamine: "a\rb"
    ('<c r="A1" t="inlineStr"><is><t> a b </t></is></c>', (" a b ",)),  # calamine: "a b"
])
def test_what_calamine_reads_otherwise_is_read_by_the_streamed_reader(monkeypatch, cells, expected):
    seen = Seen(monkeypatch)
    styles = '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'
    data = package(worksheet(f'<row r="1">{cells}</row>'), styles=styles)
    read = read_xlsx(data, max_bytes=1 << 20, max_rows=10)
    assert seen.files == []
    assert read == streamed(data, max_bytes=1 << 20, max_rows=10)
    if expected is not None:
        assert read[0][1][0] == expected


@pytest.mark.parametrize("shared, expected", [
    ("<si><t>a_x000D_b</t></si>", "a_x000D_b"),  # calamine: "a\rb"
    ("<si><t>x</t><r><t>y</t></r></si>", "x"),  # calamine: "xy"
    ("<si><t>a\r\nb</t></si>", "a\nb"),
    ("<si><t> 甲 </t></si>", " 甲 "),  # calamine: "甲"
])
def test_shared_strings_calamine_reads_otherwise_are_read_by_the_streamed_reader(monkeypatch, shared, expected):
    seen = Seen(monkeypatch)
    data = package(worksheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), shared=shared)
    assert read_xlsx(data, max_bytes=1 << 20, max_rows=10) == [("名单历史", [(expected,)])]
    assert seen.files == []


def test_a_file_calamine_fails_on_is_refused_by_the_streamed_reader_with_its_message(monkeypatch):
    seen = Seen(monkeypatch)
    data = package(worksheet('<row r="1"><c r="A1" t="s"><v>9</v></c></row>'), shared="<si><t>甲</t></si>")
    with pytest.raises(InvalidInput) as caught:
        read_xlsx(data, max_bytes=1 << 20, max_rows=10)  # no 10th shared string
    assert "damaged" in caught.value.msgid
    assert seen.files == [data]


def test_a_formulas_cached_value_is_read_by_calamine_when_asked_for():
    data = package(worksheet('<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="str"><f>"x"</f>'
                             '<v>xy</v></c></row>'))
    assert read_xlsx(data, max_bytes=1 << 20, max_rows=10, data_only=True) == [("名单历史", [(2, "xy")])]


@pytest.mark.parametrize("row", [
    '<row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576"><v>1</v></c></row>',  # 2^34 cells
    '<row r="1"><c r="A1"><v>1</v></c><c r="CA1"><v>1</v></c></row>',  # past column BZ
    '<row r="1"><c r="A1"><v>1</v></c><c r="A10000"><v>1</v></c></row>',  # past row 9,999
    '<row r="10000"><c r="A1"><v>1</v></c></row>',
    '<row r="1"><c r="A1"><v>1</v></c><c><v>1</v></c></row>',  # no reference: the next column, unbounded
    '<row><c r="A1"><v>1</v></c></row>',
    '<row r="1"><c s="0" r="XFD1"><v>1</v></c></row>',  # the reference not first
    '<row r="1"><c s="0"r="XFD1"><v>1</v></c></row>',  # no space before it: calamine still takes it
    '<row r="1"><c r="A1" r="XFD1"><v>1</v></c></row>',  # twice: calamine takes the last
    "<row r='1'><c r='XFD1'><v>1</v></c></row>",
    '<row r="1"><c\tr="XFD1"><v>1</v></c></row>',
    '<row r="1"><c r = "XFD1"><v>1</v></c></row>',
    '<row r="1"><c r="&#88;FD1"><v>1</v></c></row>',
    '<row r="1"><x:c xmlns:x="urn:x"><x:v>1</x:v></x:c></row>',  # calamine reads any prefix's c as a cell
    '<row r="1"><c r="A1"><v>1</v></c></row><!-- a comment -->',
])
def test_a_cell_calamine_would_place_far_away_never_reaches_it(monkeypatch, row):
    """calamine allocates the rectangle its cells span (the XFD1048576 one is 512 GB and aborts the process), and
    places a cell with no reference after the one before it: only the streamed reader reads these files."""
    seen = Seen(monkeypatch)
    data = package(worksheet(row))
    try:
        read_xlsx(data, max_bytes=1 << 20, max_rows=100)
    except InvalidInput:
        pass
    assert seen.files == []


@pytest.mark.parametrize("change", ["chart sheet", "sheet elsewhere", "strings elsewhere", "same name twice",
                                    "names differing in case", "two sheets one name", "dtd in strings"])
def test_a_package_calamine_would_read_otherwise_is_streamed(monkeypatch, change):
    """calamine finds the shared strings and styles by their usual names and a sheet by its own rules: a file laid
    out otherwise (each valid) could make it read another part than the one looked at."""
    seen = Seen(monkeypatch)
    sheet = worksheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    data = package(sheet, shared="<si><t>甲</t></si>")
    members = {i.filename: zipfile.ZipFile(io.BytesIO(data)).read(i.filename)
               for i in zipfile.ZipFile(io.BytesIO(data)).infolist()}
    extra = []
    if change == "chart sheet":
        members["xl/workbook.xml"] = members["xl/workbook.xml"].replace(
            b"</sheets>", b'<sheet name="c" sheetId="2" r:id="rId9"/></sheets>')
        members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", f'<Relationship Id="rId9" Type="{REL}/chartsheet" Target="chartsheets/c.xml"/>'
            '</Relationships>'.encode())
        members["xl/chartsheets/c.xml"] = b"<chartsheet/>"
    elif change == "sheet elsewhere":
        members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
            b'Target="worksheets/sheet1.xml"', b'Target="../xl/worksheets/sheet1.xml"')
    elif change == "strings elsewhere":
        members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
            b'Target="sharedStrings.xml"', b'Target="strings.xml"')
        members["xl/strings.xml"] = members.pop("xl/sharedStrings.xml")
    elif change == "same name twice":
        extra.append(("xl/worksheets/sheet1.xml", worksheet('<row r="1"><c r="XFD1"><v>1</v></c></row>')))
    elif change == "names differing in case":
        members["XL/Worksheets/Sheet1.xml"] = worksheet('<row r="1"><c r="XFD1"><v>1</v></c></row>')
    elif change == "two sheets one name":
        members["xl/workbook.xml"] = members["xl/workbook.xml"].replace(
            b"</sheets>", b'<sheet name="\xe5\x90\x8d\xe5\x8d\x95\xe5\x8e\x86\xe5\x8f\xb2" sheetId="2" r:id="rId1"/>'
                          b"</sheets>")
    elif change == "dtd in strings":
        members["xl/sharedStrings.xml"] = b'<!DOCTYPE sst [<!ENTITY a "x">]>' + members["xl/sharedStrings.xml"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in [*members.items(), *extra]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a duplicate name, on purpose
                zf.writestr(name, body)
    data = buf.getvalue()
    try:
        assert read_xlsx(data, max_bytes=1 << 20, max_rows=100) == streamed(data, max_bytes=1 << 20, max_rows=100)
    except InvalidInput as exc:
        with pytest.raises(InvalidInput) as again:
            streamed(data, max_bytes=1 << 20, max_rows=100)
        assert again.value.msgid == exc.msgid
    assert seen.files == []


_TEXTS = st.lists(st.sampled_from(list("甲乙 a\t\n\r&<>\"'_x0D1") + ["_x000D_", "\u3000", "é"]),
                  max_size=6).map("".join)


@st.composite
def _cells(draw):
    """A row's cells as writers and people make them: numbers written in several ways, texts with spaces, escapes
    and markup characters, booleans, empty cells, references near the limits."""
    from xml.sax.saxutils import escape

    cells, shared = [], []
    for col in sorted(draw(st.sets(st.sampled_from([0, 1, 2, 3, 4, 25, 26, 77] * 3 + [78]), min_size=1, max_size=4))):
        ref = ("" if col < 26 else "AB"[col // 26 - 1] if col < 78 else "C") + chr(65 + col % 26)
        kind = draw(st.sampled_from(["number", "text", "inline", "str", "bool", "empty"]))
        if kind == "number":
            number = draw(st.sampled_from(['7', '-0', '2.5', '.5', '007', '-12.25'] * 3 + ['5.0', '1E3', '1' * 18]))
            body = f"<v>{number}</v>"
            cells.append(f'<c r="{ref}{{row}}">{body}</c>')
        elif kind in ("text", "inline", "str"):
            text = escape(draw(_TEXTS))
            preserve = draw(st.sampled_from([True, True, False]))
            t = f'<t xml:space="preserve">{text}</t>' if preserve else f"<t>{text}</t>"
            if kind == "text":
                shared.append(f"<si>{t}</si>")
                cells.append(f'<c r="{ref}{{row}}" t="s"><v>{{s{len(shared) - 1}}}</v></c>')
            elif kind == "inline":
                cells.append(f'<c r="{ref}{{row}}" t="inlineStr"><is>{t}</is></c>')
            else:
                cells.append(f'<c r="{ref}{{row}}" t="str"><v>{text}</v></c>')
        elif kind == "bool":
            cells.append(f'<c r="{ref}{{row}}" t="b"><v>{draw(st.sampled_from("01"))}</v></c>')
        else:
            cells.append(f'<c r="{ref}{{row}}" s="1"/>')
    return cells, shared


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from([1, 2, 3, 9, 9999] * 3 + [10000]), _cells()), min_size=1, max_size=4,
                     unique_by=lambda r: r[0]))
def test_calamine_and_the_streamed_reader_agree_on_any_file(rows):
    """Whichever reader read it, a file gives the same values or the same refusal."""
    shared: list[str] = []
    body = []
    for number, (cells, strings) in sorted(rows, key=lambda r: r[0]):
        offset = len(shared)
        shared += strings
        filled = [c.replace("{row}", str(number)) for c in cells]
        filled = [re.sub(r"\{s(\d+)\}", lambda m: str(int(m[1]) + offset), c) for c in filled]
        body.append(f'<row r="{number}">{"".join(filled)}</row>')
    data = package(worksheet("".join(body)), shared="".join(shared) if shared else None,
                   styles='<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="4"/></cellXfs>')
    outcomes = []
    for reader in (read_xlsx, streamed):
        try:
            outcomes.append(reader(data, max_bytes=1 << 20, max_rows=9999, max_cols=80))
        except InvalidInput as exc:
            outcomes.append(exc.msgid)
    assert outcomes[0] == outcomes[1]
    if not isinstance(outcomes[0], str):
        assert [type(v) for _, rows_ in outcomes[0] for r in rows_ for v in r] == \
               [type(v) for _, rows_ in outcomes[1] for r in rows_ for v in r]
