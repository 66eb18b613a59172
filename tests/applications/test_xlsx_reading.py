"""Uploaded spreadsheets read by core.services.spreadsheets.read_xlsx (issue 46, W4 and W7): the values openpyxl
would read, and hostile files refused before anything large is made: a crafted dimension with a cell at
XFD1048576, zip bombs (an honest zip directory and a lying one) and a million-row sheet. The files are made
here byte by byte, as an attacker would, not by a spreadsheet library."""
from __future__ import annotations

import datetime as dt
import io
import struct
import time
import tracemalloc
import zipfile

import pytest

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
