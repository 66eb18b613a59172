"""Spreadsheets: reading the ones people upload, safely, and printing official tables.

Reading (:func:`read_xlsx`): the sheets' XML streamed from the zip and parsed row by row (expat, through
ElementTree's pull parser), values as openpyxl reads them; the file is recognised by its content, not its name; the
zip directory's sizes are bounded (a zip bomb is refused before inflating), a DTD is refused, and a row past the
limit (a million-row sheet, a crafted cell at XFD1048576) is refused as it is met; any parse failure is the file's,
reported in both languages. openpyxl is loaded only for its number-format and date helpers. A plain file (as
spreadsheet programs write one: plain numbers and texts, no formula, error or date cell) is read by python-calamine
instead, in a fraction of the time, once a look at its XML shows that calamine reads it safely and alike
(:mod:`core.services.xlsx_calamine`, issue 57); any other is streamed as described.

Printing (:class:`PrintedBook`, :class:`PrintedSheet`): one sheet of an official table written by xlsxwriter,
the way a clerk files it: the 附件 label, a merged title and subtitle, the seal and unit
lines, a bordered table with wrapped text (header rows merged where a group spans columns), notes
and a signature block; fonts named (宋体 for titles and headers, 仿宋 for cells by the documents'
convention); A4 landscape fitted to the page width, the header rows repeated on every page, the print
area set, "第 n 页" in the footer (each sheet from 1). Columns after ``printed`` stay on screen but out of the print
area (the credit code kept for re-import). Row heights are computed from the text, so every row
shows all its text in Excel and LibreOffice alike, and pages are broken here: the notes and the
signature block stay with the table's last row, and a sheet that stacks several tables (Jiangxi's, 003 附件)
repeats its label and title on every page (its print titles) and starts each page with its table's caption and
header again.
"""
from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Sequence

from core.errors import InvalidInput
from core.i18n import N_
from core.services.memory import trim_after_request


#: a sheet's rows as read: row n at index n - 1 (an empty row is ``()``), each a tuple of cell values up to its
#: last value, ``None`` for an empty cell
Rows = list
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_ROW, _C, _V, _F, _IS, _T, _R = (_MAIN + t for t in ("row", "c", "v", "f", "is", "t", "r"))
_SI, _SHEET_DATA = _MAIN + "si", _MAIN + "sheetData"
#: a workbook's small parts (the workbook, its relationships, the styles) are parsed whole up to this size
_SMALL_PART = 8 * 1024 * 1024
#: the most XML one row of a sheet may take (60 columns of long text fit): a row of a million cells is refused
#: before its cells are built
_ROW_BYTES = 2 * 1024 * 1024
_CHUNK = 64 * 1024
#: work at least this large gives its memory back to the system when it is done (:func:`trim_after_request`: a full
#: collection and ``malloc_trim``, 0.1 s holding the interpreter lock in a worker of this size); smaller work leaves
#: little (a 10,000-row export makes some 100 MB of short-lived objects, 1,000 rows about 10 MB) and the pause cost
#: more than it gave back (a 200-row table printed as PDF: 0.10 s of 0.33, issue 46 W6)
TRIM_ROWS = 1000
TRIM_BYTES = 256 * 1024
_DAMAGED = N_("The file is damaged or not an .xlsx spreadsheet.")
_TOO_MANY_ROWS = N_("At most %(n)d rows can be imported at once.")
_LETTERS: dict[str, int] = {}


def _column(letters: str) -> int:
    """The 0-based index of a column by its letters (A → 0, AB → 27), remembered."""
    index = _LETTERS.get(letters)
    if index is None:
        index = 0
        for ch in letters:
            index = index * 26 + ord(ch) - 64
        index -= 1
        if len(_LETTERS) < 20_000:
            _LETTERS[letters] = index
    return index


def read_xlsx(data: bytes, *, max_bytes: int, max_rows: int, max_cols: int = 60, data_only: bool = False,
              first_only: bool = False) -> list[tuple[str, Rows]]:
    """The worksheets of an uploaded .xlsx file as ``[(sheet name, rows)]`` (:data:`Rows`), in workbook order,
    or only the first with ``first_only``; :class:`InvalidInput` (field ``file``) when it cannot be one.

    Values read as openpyxl reads them: numbers as int or float (a date-formatted one as a datetime), text, bools,
    an error cell as its text (``#N/A``), a formula as ``"=" + its text`` (its cached value with ``data_only``).
    Only the first ``max_cols`` columns are kept.

    Safe on a hostile file, checked before anything large is made: the file is recognised by its content and at
    most ``max_bytes``; the zip directory's unpacked sizes are bounded (a zip bomb is refused before inflating,
    and zipfile never inflates a member past its declared size); a DTD is refused (no entity is expanded, none is
    fetched); each sheet's XML is streamed in chunks and its rows read one by one: a row holding a value beyond
    ``max_rows`` (a million-row sheet, a crafted cell at XFD1048576) is refused as it is met, and a sheet's
    ``<dimension>`` is never read, so it cannot make anything large. A plain, small file is read by python-calamine
    to the same values (:mod:`core.services.xlsx_calamine`: what it takes, and why); any other, and any it fails
    on, as above. An empty text reads as an empty cell (``None``) either way.
    """
    if len(data) > max_bytes:
        raise InvalidInput("The file is larger than %(mb)d MB.", field="file", mb=max_bytes // (1024 * 1024))
    if not data.startswith(b"PK\x03\x04"):
        raise InvalidInput("Only .xlsx files are accepted; this file is not one (checked by its content).",
                           field="file")
    if len(data) >= TRIM_BYTES:
        trim_after_request()  # the parsed rows are garbage once the response is sent
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = {i.filename: i for i in zf.infolist()}
            if sum(i.file_size for i in infos.values()) > 50 * max_bytes:
                raise InvalidInput("The spreadsheet unpacks to too much data.", field="file")
            package = _Package(zf, infos, max_bytes)
            sheets = package.worksheets()
            if not sheets:
                raise InvalidInput(_DAMAGED, field="file")
            if first_only:
                sheets = sheets[:1]
            from core.services import xlsx_calamine

            fast = xlsx_calamine.read(data, package, sheets, max_rows=max_rows, max_cols=max_cols,
                                      data_only=data_only, row_bytes=_ROW_BYTES, small_part=_SMALL_PART)
            if fast is not None:  # a plain file read by python-calamine; any other by the streamed reader below
                return fast
            strings = package.shared_strings()
            dates = package.date_styles()
            out = []
            for name, path in sheets:
                out.append((name, package.rows(path, strings, dates, max_rows=max_rows, max_cols=max_cols,
                                               data_only=data_only)))
            return out
    except InvalidInput:
        raise
    except Exception:  # noqa: BLE001 - any failure while reading the parts is the file's
        raise InvalidInput(_DAMAGED, field="file") from None


class _Package:
    """The parts of one .xlsx file, read with limits (:func:`read_xlsx`)."""

    def __init__(self, zf: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], max_bytes: int):
        self.zf, self.infos, self.max_bytes = zf, infos, max_bytes
        self.epoch_1904 = False
        self.parts: dict[str, str] = {}  # relationship type (its last word) → path, of the workbook
        self.book = ""  # the workbook part's path
        #: every <sheet> of the workbook, chart sheets too: (name, kind, its Target as written)
        self.entries: list[tuple[str, str, str]] = []

    def _small(self, path: str) -> Any:
        """A small part parsed whole (defusedxml: no DTD, no entities); None when the file has no such part."""
        from defusedxml.ElementTree import fromstring

        info = self.infos.get(path)
        if info is None:
            return None
        if info.file_size > _SMALL_PART:
            raise InvalidInput("The spreadsheet unpacks to too much data.", field="file")
        return fromstring(self._read(info))

    def _read(self, info: zipfile.ZipInfo) -> bytes:
        with self.zf.open(info) as fh:
            return fh.read(info.file_size + 1)

    @staticmethod
    def _target(base: str, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        parts = [p for p in base.split("/")[:-1] if p]
        for step in target.split("/"):
            if step == "..":
                parts = parts[:-1]
            elif step and step != ".":
                parts.append(step)
        return "/".join(parts)

    def _rels(self, path: str) -> dict[str, tuple[str, str, str]]:
        """The relationships of the part at ``path``: {id: (type's last word, target path, target as written)}."""
        folder, _, name = path.rpartition("/")
        tree = self._small(f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels")
        if tree is None:
            return {}
        return {rel.get("Id"): (rel.get("Type", "").rsplit("/", 1)[-1], self._target(path, rel.get("Target", "")),
                                rel.get("Target", "")) for rel in tree.iter(_PKG_REL)}

    def worksheets(self) -> list[tuple[str, str]]:
        """(name, path) of each worksheet in the workbook's order (chart sheets left out)."""
        root = self._rels("")
        book = next((target for kind, target, _ in root.values() if kind == "officeDocument"), "xl/workbook.xml")
        self.book = book
        tree = self._small(book)
        if tree is None:
            return []
        rels = self._rels(book)
        self.parts = {kind: target for kind, target, _ in rels.values() if kind in ("sharedStrings", "styles")}
        pr = tree.find(_MAIN + "workbookPr")
        self.epoch_1904 = pr is not None and pr.get("date1904", "").lower() in ("1", "true")
        out = []
        for sheet in tree.iter(_MAIN + "sheet"):
            kind, target, raw = rels.get(sheet.get(f"{{{_DOC_REL}}}id"), ("", "", ""))
            self.entries.append((sheet.get("name", ""), kind, raw))
            if kind == "worksheet" and target in self.infos:
                out.append((sheet.get("name", ""), target))
        return out

    def date_styles(self) -> tuple[set[str], set[str]]:
        """The cell styles (their index as the cells' ``s`` attribute writes it) whose number format shows a date,
        and those showing a duration."""
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

        tree = self._small(self.parts["styles"]) if "styles" in self.parts else None
        dates: set[str] = set()
        durations: set[str] = set()
        if tree is None:
            return dates, durations
        custom = {int(f.get("numFmtId", -1)): f.get("formatCode", "") for f in tree.iter(_MAIN + "numFmt")}
        xfs = tree.find(_MAIN + "cellXfs")
        for index, xf in enumerate(xfs if xfs is not None else ()):
            fmt_id = int(xf.get("numFmtId", 0))
            fmt = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "General")
            if is_date_format(fmt):
                dates.add(str(index))
            if is_timedelta_format(fmt):
                durations.add(str(index))
        return dates, durations

    def _stream(self, path: str, limit: int):
        """The part's XML in chunks, refusing a DTD and more than ``limit`` bytes unpacked (whatever the zip
        directory says: zipfile also stops at the declared size and checks the CRC)."""
        info = self.infos[path]
        if info.file_size > limit:
            raise InvalidInput("The spreadsheet unpacks to too much data.", field="file")
        seen = 0
        head = b""
        with self.zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    return
                seen += len(chunk)
                if seen > limit:
                    raise InvalidInput("The spreadsheet unpacks to too much data.", field="file")
                # a DTD (where entities are declared) can only stand before the root element: no DTD, no entity
                # is ever expanded or fetched
                if len(head) < 4096:
                    head = (head + chunk)[:4096]
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise InvalidInput(_DAMAGED, field="file")
                yield chunk

    def shared_strings(self) -> list[str]:
        """The shared strings (rich text runs joined, phonetic runs left out)."""
        path = self.parts.get("sharedStrings")
        if path is None or path not in self.infos:
            return []
        from xml.etree.ElementTree import XMLPullParser

        out: list[str] = []
        parser = XMLPullParser(events=("start", "end"))
        root = None
        for chunk in self._stream(path, 5 * self.max_bytes):
            parser.feed(chunk)
            for event, el in parser.read_events():
                if root is None:
                    root = el
                elif event == "end" and el.tag == _SI:
                    t = el.find(_T)
                    if t is not None:
                        out.append(t.text or "")
                    else:
                        out.append("".join(t.text or "" for r in el.iterfind(_R) for t in r.iterfind(_T)))
            if root is not None:
                del root[:]  # the strings read so far: their elements are not kept
        parser.close()
        return out

    def rows(self, path: str, strings: list[str], dates: tuple[set[str], set[str]], *, max_rows: int,
             max_cols: int, data_only: bool) -> Rows:
        """One sheet's rows, streamed row by row (see :func:`read_xlsx` for the limits)."""
        from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

        epoch = MAC_EPOCH if self.epoch_1904 else WINDOWS_EPOCH
        date_styles, durations = dates
        from xml.etree.ElementTree import XMLPullParser

        rows: Rows = []
        elements = 0
        row_counter = 0
        since_row = 0
        parser = XMLPullParser(events=("end",))
        for chunk in self._stream(path, 50 * self.max_bytes):
            parser.feed(chunk)
            since_row += len(chunk)
            events = parser._events_queue  # read_events() without its generator: a row's cells end here too
            while events:
                event = events.popleft()
                if isinstance(event, Exception):
                    raise event
                el = event[1]
                tag = el.tag
                if tag is not _ROW and tag != _ROW:
                    if tag == _SHEET_DATA:  # nothing after the cells is read
                        parser = None
                        break
                    continue
                since_row = 0
                elements += 1
                if elements > 2 * max_rows + 1000:  # empty rows (a height or style each) too, not unbounded
                    raise InvalidInput(_TOO_MANY_ROWS, field="file", n=max_rows)
                r = el.get("r")
                row_counter = int(r) if r else row_counter + 1
                values: list[Any] = []
                col = -1
                for c in el:
                    ref = c.get("r")
                    if ref:
                        col = _column(ref.rstrip("0123456789"))
                    else:
                        col += 1
                    t = c.get("t")
                    if t == "inlineStr":
                        node = c.find(_IS)
                        value = None
                        if node is not None:
                            t_node = node.find(_T)
                            value = (t_node.text or "") if t_node is not None else "".join(
                                x.text or "" for run in node.iterfind(_R) for x in run.iterfind(_T))
                    elif len(c) == 1:  # a value alone (no formula): the common cell
                        value = c[0].text or None if c[0].tag == _V else None
                    else:
                        value = c.findtext(_V) or None
                    formula = None if data_only or len(c) < 2 else c.find(_F)
                    if formula is not None:
                        value = "=" + (formula.text or "")
                    elif value is not None:
                        if t == "s":
                            value = strings[int(value)]
                        elif t is None or t == "n":
                            value = float(value) if "." in value or "E" in value or "e" in value else int(value)
                            style = c.get("s")
                            if style in date_styles:
                                try:
                                    value = from_excel(value, epoch, timedelta=style in durations)
                                except (OverflowError, ValueError):
                                    value = "#VALUE!"
                        elif t == "b":
                            value = bool(int(value))
                        elif t == "d":
                            from openpyxl.utils.datetime import from_ISO8601

                            value = from_ISO8601(value)
                    if value == "":  # an empty text is an empty cell (as python-calamine reads it: xlsx_calamine)
                        value = None
                    if value is None or col >= max_cols:
                        if value is not None and row_counter > max_rows:
                            raise InvalidInput(_TOO_MANY_ROWS, field="file", n=max_rows)
                        continue
                    if row_counter > max_rows:  # refused as it is met, before the rows between are made
                        raise InvalidInput(_TOO_MANY_ROWS, field="file", n=max_rows)
                    if col >= len(values):
                        values.extend([None] * (col - len(values) + 1))
                    values[col] = value
                el.clear()
                if values:
                    if row_counter > len(rows):
                        rows.extend([()] * (row_counter - len(rows)))
                    rows[row_counter - 1] = tuple(values)
            if parser is None:
                break
            if since_row > _ROW_BYTES:  # one row (or what stands before the first) larger than any real one
                raise InvalidInput("The spreadsheet unpacks to too much data.", field="file")
        if parser is not None:
            parser.close()  # a sheet cut short is damaged
        return rows


# ------------------------------------------------------------------ printing --

#: A4 landscape in points, and the margins in inches (top and bottom leave room for the page footer)
PAGE_WIDTH, PAGE_HEIGHT = 841.9, 595.3
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.55, "bottom": 0.7, "header": 0.25, "footer": 0.3}
#: printed width of one unit of Excel's column width (the default font's digit, 7 px at 96 dpi)
POINTS_PER_CHAR = 5.25
#: leave this share of a page unused when paginating here (renderers round differently)
PAGE_SLACK = 0.95
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
THIN_GREY = "FF808080"


@dataclass(frozen=True)
class PrintColumn:
    """One column as printed: its header (and the group printed above it), width in characters,
    the cells' number format and horizontal alignment."""

    header: str
    width: float
    group: str = ""
    number_format: str = ""
    align: str = "center"


#: East Asian wide and full-width characters (CJK, Hangul, full-width forms, CJK punctuation)
_WIDE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                   "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]")


def text_width(text: str, size: float = 11) -> float:
    """The width of ``text`` in Excel column units at ``size`` points (a CJK glyph is about two)."""
    wide = len(text) - len(_WIDE.sub("", text))
    return (2.1 * wide + 1.1 * (len(text) - wide)) * size / 11


def line_count(text: str, width: float, size: float = 11) -> int:
    """How many lines ``text`` wraps to in a cell ``width`` characters wide."""
    room = max(1.0, width - 1.2)
    if len(text) * 2.1 * size / 11 <= room and "\n" not in text:  # fits even if every character were wide
        return 1
    return sum(max(1, math.ceil(text_width(part, size) / room)) for part in str(text).split("\n"))


def clean(value: Any) -> Any:
    """A cell value with control characters removed (they make an invalid file)."""
    return _ILLEGAL.sub("", value) if isinstance(value, str) else value


def write_cell(ws: Any, row: int, col: int, value: Any, fmt: Any = None, quoted: Any = None) -> None:
    """Write one cell of an xlsxwriter sheet by its type: text is always text, never a formula (text that starts
    like one is written in ``quoted()``, ``fmt`` with a quote prefix, and shown as typed), numbers numbers, nothing
    an empty cell (blank in ``fmt``; without a format, no cell)."""
    cls = value.__class__
    if value is None or value == "":  # an empty text is an empty cell
        ws.write_blank(row, col, None, fmt)
    elif cls is str:
        if _ILLEGAL.search(value):
            value = _ILLEGAL.sub("", value)
        ws.write_string(row, col, value, quoted() if quoted and value.startswith(FORMULA_START) else fmt)
    elif cls is bool:
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float, Decimal)) and math.isfinite(value):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, clean(str(value)), fmt)


class PrintedBook:
    """A workbook of printed sheets, written by xlsxwriter in memory: :meth:`sheet` adds one, :meth:`bytes`
    finishes the file. Its formats are made once per workbook and shared by its sheets."""

    def __init__(self, *, title: str = "", creator: str = "greenmfg"):
        import xlsxwriter  # here: for exports only

        self.buffer = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buffer, {"in_memory": True})
        self.wb.set_properties({"title": title, "author": creator})
        self.formats: dict[tuple, Any] = {}

    def sheet(self, name: str, widths: Sequence[float], **options: Any) -> PrintedSheet:
        return PrintedSheet(self, name, widths, **options)

    def bytes(self) -> bytes:
        self.wb.close()
        return self.buffer.getvalue()


class PrintedSheet:
    """Write one printed sheet of a :class:`PrintedBook` (see the module's description).

    Call, in order: :meth:`label`, :meth:`title`, :meth:`subtitle`, :meth:`line` (any of them),
    then per table :meth:`caption` (optional), :meth:`header` and :meth:`row`, then :meth:`notes`,
    :meth:`footer` and :meth:`close`. ``widths`` holds every column, the first ``printed`` of
    them printed.

    Pages are broken here, from the row heights at the scale that fits the printed columns to the
    page (conservatively: Excel's metrics; LibreOffice, which draws narrower, fits more), so the page
    count never depends on the renderer and the notes and signature block stay with the table's last
    row (``keep``): no page holds only a scrap. ``stacked``: the sheet stacks tables, so each new page
    starts with its table's caption (续) and header written again; otherwise the header rows repeat
    through the print titles (and still do when a clerk inserts rows).
    """

    def __init__(self, book: PrintedBook, name: str, widths: Sequence[float], *, printed: int,
                 title_font: str, body_font: str, stacked: bool, footer_left: str = "", body_size: float = 11):
        self.book = book
        self.ws = book.wb.add_worksheet(name)
        self.widths = list(widths)
        self.printed = printed
        self.fonts = (title_font, body_font)
        self.body_size = body_size
        self.stacked = stacked
        self.row_no = 0
        self.rows_on_page = 0
        self.header_height = 0.0
        self.header_rows: tuple[int, int] | None = None
        self.heights: list[float] = []
        self.breaks: list[int] = []
        self._header: tuple[list[PrintColumn], str] | None = None
        self._row_formats: tuple | None = None
        for i, width in enumerate(self.widths):  # in pixels of the default font's digit (7): the width exactly
            self.ws.set_column_pixels(i, i, width * 7)
        printed_width = sum(self.widths[:printed]) * POINTS_PER_CHAR
        usable_width = PAGE_WIDTH - 72 * (MARGINS["left"] + MARGINS["right"])
        #: the scale fitting the printed columns to the page width, and a page's height at that scale
        self.scale = min(1.0, usable_width / printed_width) if printed_width else 1.0
        usable_height = PAGE_HEIGHT - 72 * (MARGINS["top"] + MARGINS["bottom"])
        self.page_height = usable_height / self.scale * PAGE_SLACK
        self.used = 0.0
        self.pages = 1
        self._setup_page(footer_left)

    # ---------------------------------------------------------------- styles --

    def _style(self, role: str, *, align: str = "center", number_format: str = "", size: float | None = None,
               bold: bool = False, border: bool = False, wrap: bool = True, font: str | None = None,
               grey: bool = False) -> Any:
        """The cell format (made once per workbook): fonts named, borders thin and black."""
        font = font or self.fonts[1]
        key = (role, align, number_format, size, bold, border, wrap, font, grey)
        made = self.book.formats.get(key)
        if made is None:
            props: dict[str, Any] = {"font_name": font, "font_size": size or self.body_size, "bold": bold,
                                     "align": align, "valign": "vcenter", "text_wrap": wrap}
            if grey:
                props["font_color"] = "#" + THIN_GREY[2:]
            if align == "right" and border:  # numbers keep a character's room from the right border
                props["indent"] = 1
            if border:
                props.update(border=1, border_color="#000000")
            if number_format:
                props["num_format"] = number_format
            made = self.book.formats[key] = self.book.wb.add_format(props)
            # the same with a quote prefix: user text that starts like a formula is text, shown as typed
            self.book.formats[("quoted", id(made))] = self.book.wb.add_format({**props, "quote_prefix": True})
        return made

    def _put(self, row: int, col: int, value: Any, fmt: Any) -> None:
        """Write one cell by its type (:func:`write_cell`) in ``fmt``, or its quote-prefixed twin."""
        write_cell(self.ws, row, col, value, fmt, lambda: self.book.formats[("quoted", id(fmt))])

    # ------------------------------------------------------------ page setup --

    def _setup_page(self, footer_left: str) -> None:
        ws = self.ws
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_margins(left=MARGINS["left"], right=MARGINS["right"], top=MARGINS["top"], bottom=MARGINS["bottom"])
        ws.set_start_page(1)  # each attachment numbers its own pages
        ws.set_header("", {"margin": MARGINS["header"]})
        left = f"&L&8{footer_left.replace('&', '&&')}" if footer_left else ""
        ws.set_footer(f"{left}&C&9第 &P 页", {"margin": MARGINS["footer"]})

    # -------------------------------------------------------------- writing --

    def _append(self, cells: Sequence[tuple[Any, Any] | None], height: float,
                merges: Sequence[tuple[int, int, int]] = ()) -> int:
        """Write a row of ``(value, format)`` cells (None: no cell); ``merges``: (first column, last column,
        rows below) ranges merged from this row."""
        self.row_no += 1
        r = self.row_no - 1
        height = round(height, 1)
        self.ws.set_row(r, height)
        self.heights.append(height)
        for first, last, down in merges:
            if last > first or down:
                self.ws.merge_range(r, first, r + down, last, None, cells[first][1] if cells[first] else None)
        for c, cell in enumerate(cells):
            if cell is not None:
                self._put(r, c, cell[0], cell[1])
        self.used += height
        return self.row_no

    def _span(self, first: int, last: int) -> float:
        return sum(self.widths[first:last + 1])

    def _banner(self, text: str, style: Any, size: float, *, first: int = 0, last: int | None = None,
                minimum: float = 0) -> int:
        last = self.printed - 1 if last is None else last
        lines = line_count(text, self._span(first, last), size)
        cells = [None] * first + [(text, style)]
        return self._append(cells, max(minimum, lines * size * 1.45 + 6), [(first, last, 0)])

    def label(self, text: str) -> None:
        """The attachment label at the top left (附件2-1), in 黑体 as the documents print it."""
        if text:
            self._banner(text, self._style("label", align="left", size=14, font="黑体", wrap=False), 14,
                         last=min(2, self.printed - 1), minimum=22)

    def title(self, text: str) -> None:
        if text:
            self._banner(text, self._style("title", size=18, bold=True, font=self.fonts[0]), 18, minimum=34)

    def subtitle(self, text: str) -> None:
        if text:
            self._banner(text, self._style("subtitle", size=14, font=self.fonts[0]), 14, minimum=24)

    def line(self, left: str, right: str = "") -> None:
        """A line above the table: the seal line on the left, the unit (单位：万元) on the right."""
        size = 12
        right_cols = 0
        if right:
            need = text_width(right, size) + 1
            while right_cols < self.printed - 1 and self._span(self.printed - right_cols, self.printed - 1) < need:
                right_cols += 1
        last_left = self.printed - 1 - right_cols
        cells: list = [(left, self._style("line", align="left", size=size))]
        cells += [None] * (last_left)
        merges = [(0, last_left, 0)]
        if right:
            cells.append((right, self._style("line_right", align="right", size=size)))
            merges.append((last_left + 1, self.printed - 1, 0))
        self._append(cells, 26, merges)

    def caption(self, text: str) -> None:
        """The caption of a stacked table (绿色园区推荐名单)."""
        self._header = None
        self._caption = text
        if text:
            self._banner(text, self._style("caption", align="left", size=12, bold=True, font=self.fonts[0]), 12,
                         minimum=24)

    def header(self, columns: Sequence[PrintColumn], extra: Sequence[PrintColumn] = ()) -> tuple[int, int]:
        """The table's header: one row, or two when columns are grouped (the group merged over its
        columns, ungrouped headers merged over both rows). ``extra`` are the unprinted columns."""
        self._header = (list(columns), list(extra))
        return self._write_header()

    def _write_header(self) -> tuple[int, int]:
        columns, extra = self._header
        style = self._style("header", bold=True, border=True, font=self.fonts[0])
        grey = self._style("header_extra", bold=True, border=True, font=self.fonts[0], grey=True)
        grouped = any(c.group for c in columns)
        every = list(columns) + list(extra)

        def height(texts: Iterable[tuple[str, float]]) -> float:
            return max([line_count(t, w) for t, w in texts] + [1]) * 11 * 1.45 + 8

        if not grouped:
            cells = [(c.header, style if i < len(columns) else grey) for i, c in enumerate(every)]
            self.header_height = height((c.header, c.width) for c in every)
            row = self._append(cells, self.header_height)
            self.header_rows = self.header_rows or (row, row)
            return row, row
        spans: list[tuple[int, int, str]] = []
        for i, c in enumerate(columns):
            if c.group and spans and spans[-1][2] == c.group and spans[-1][1] == i - 1:
                spans[-1] = (spans[-1][0], i, c.group)
            elif c.group:
                spans.append((i, i, c.group))
        top, bottom = [], []
        starts = {s[0]: s for s in spans}
        for i, c in enumerate(every):
            st = style if i < len(columns) else grey
            if i < len(columns) and c.group:
                span = starts.get(i)
                top.append((span[2] if span else None, st))
                bottom.append((c.header, st))
            else:
                top.append((c.header, st))
                bottom.append((None, st))
        h_top = height([(s[2], self._span(s[0], s[1])) for s in spans])
        h_bottom = height((c.header, c.width) for c in columns if c.group)
        tall = height((c.header, c.width) for c in every if not c.group)
        extra_needed = max(0.0, tall - h_top - h_bottom)
        self.header_height = h_top + h_bottom + extra_needed
        merges = [(first_col, last_col, 0) for first_col, last_col, _ in spans]
        merges += [(i, i, 1) for i, c in enumerate(every) if not (i < len(columns) and c.group)]
        first = self._append(top, h_top + extra_needed / 2, merges)
        # the second row's cells under a merge from the first row stay the merge's (bordered, empty)
        second = self._append(bottom, h_bottom + extra_needed / 2)
        self.header_rows = self.header_rows or (first, second)
        return first, second

    def row(self, values: Sequence[Any], columns: Sequence[PrintColumn], extra: Sequence[PrintColumn] = (), *,
            keep: float = 0.0) -> int:
        """One bordered row of the table; ``values`` covers ``columns`` then ``extra``. ``keep``: the height
        of what must print on the same page after it (the notes and signature block after the last row)."""
        last = self._row_formats
        if last is None or last[0] is not columns or last[1] is not extra:  # formats looked up once a table
            formats = ([self._style("cell", align=c.align, number_format=c.number_format, border=True)
                        for c in columns]
                       + [self._style("cell_extra", align="left", border=True, grey=True) for _ in extra])
            quoted = [self.book.formats[("quoted", id(f))] for f in formats]
            last = self._row_formats = (columns, extra, formats, [c.width for c in columns] + [c.width for c in extra],
                                        quoted)
        formats, widths, quoted = last[2], last[3], last[4]
        lines = 1
        size = self.body_size
        pending = []
        for value, width in zip(values, widths):  # line_count inlined: every cell
            if value.__class__ is str and value:
                if _ILLEGAL.search(value):
                    value = _ILLEGAL.sub("", value)
                if len(value) * 2.1 * size / 11 > width - 1.2 or "\n" in value:
                    lines = max(lines, line_count(value, width, size))
            pending.append(value)
        height = max(22.0, lines * self.body_size * 1.4 + 8)
        if self._header is not None and self.rows_on_page and self.used + height + keep > self.page_height:
            self._new_page()
        self.rows_on_page += 1
        self.row_no += 1
        r = self.row_no - 1
        height = round(height, 1)
        ws = self.ws
        ws.set_row(r, height)
        self.heights.append(height)
        self.used += height
        # the writers behind write_string & co. (those only add the parsing of "A1" cell names): every cell
        write_string, write_number, write_blank = ws._write_string, ws._write_number, ws._write_blank
        for c, (value, fmt) in enumerate(zip(pending, formats)):  # _put inlined: every cell
            cls = value.__class__
            if cls is str and value:
                write_string(r, c, value, quoted[c] if value.startswith(FORMULA_START) else fmt)
            elif value is None or value == "":  # an empty text is an empty cell, as openpyxl writes it
                write_blank(r, c, None, fmt)
            elif (cls is int or cls is float) and math.isfinite(value):
                write_number(r, c, value, fmt)
            else:
                self._put(r, c, value, fmt)
        return self.row_no

    def _break_here(self) -> None:
        self.breaks.append(self.row_no)  # after this row (1-based): before the next row (0-based)
        self.pages += 1
        self.used = 0.0  # a stacked sheet repeats no title: its page starts with the caption (续) and header
        self.rows_on_page = 0

    def _new_page(self) -> None:
        """Break before the next row; the new page starts with the header (and a stacked table's caption)."""
        self._break_here()
        if not self.stacked:
            self.used = self.header_height  # the print titles repeat the header rows
            return
        caption = getattr(self, "_caption", "")
        if caption:
            self._banner(f"{caption}（续）", self._style("caption", align="left", size=12, bold=True,
                                                        font=self.fonts[0]), 12, minimum=24)
        self._write_header()

    def reserve(self, height: float) -> None:
        """Start a new page unless ``height`` more points fit on this one (a table's caption and first rows)."""
        if self.row_no and self.used + height > self.page_height:
            self._break_here()

    def closing_height(self, notes: Sequence[str], footer: Sequence[str]) -> float:
        """The height of the notes and signature block (kept on the page of the table's last row)."""
        out = sum(max(18.0, line_count(t, self._span(0, self.printed - 1), 10.5) * 10.5 * 1.45 + 6) for t in notes)
        if footer:
            first = max(1, self.printed // 2)
            out += 10 + sum(max(24.0, line_count(t, self._span(first, self.printed - 1), 12) * 12 * 1.45 + 6)
                            for t in footer)
        return out

    def blank(self, height: float = 8) -> None:
        self._append([], height)

    def notes(self, lines: Sequence[str]) -> None:
        style = self._style("note", align="left", size=10.5)
        for text in lines:
            self._banner(text, style, 10.5, minimum=18)

    def footer(self, lines: Sequence[str]) -> None:
        """The signature block (推荐单位：/（单位公章）/ 年 月 日) on the right half, below the table."""
        if not lines:
            return
        style = self._style("footer", align="left", size=12)
        first = max(1, self.printed // 2)
        self.blank(10)
        for text in lines:
            self._banner(text, style, 12, first=first, minimum=24)

    def close(self) -> None:
        """Set the page breaks, the print area (the printed columns) and the rows repeated on every page: the
        header rows. A sheet that stacks tables with their own headers repeats none (each new page writes its
        table's caption (续) and column header again; its title prints once, on the first page, as the document
        prints it)."""
        if self.row_no >= TRIM_ROWS:
            trim_after_request()  # the workbook's objects are garbage once the response is sent
        if self.breaks:
            self.ws.set_h_pagebreaks(self.breaks)
        self.ws.print_area(0, 0, max(1, self.row_no) - 1, self.printed - 1)
        if not self.stacked and self.header_rows:
            self.ws.repeat_rows(self.header_rows[0] - 1, self.header_rows[1] - 1)

