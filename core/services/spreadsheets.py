"""Spreadsheets: opening the ones people upload, safely, and printing official tables.

Opening (:func:`open_xlsx`): openpyxl parses the XML with defusedxml (refused if it is missing); the
file is recognised by its content, not its name; its unpacked size is bounded (a zip bomb is refused
before parsing); any parse failure is the file's, reported in both languages.

Printing (:class:`PrintedSheet`): one sheet of an official table streamed into a write-only
workbook, the way a clerk files it: the 附件 label, a merged title and subtitle, the seal and unit
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
from typing import Any, Iterable, Sequence

from core.errors import InvalidInput
from core.services.memory import trim_after_request


def open_xlsx(data: bytes, *, max_bytes: int, data_only: bool = False) -> Any:
    """A read-only openpyxl workbook of ``data``; :class:`InvalidInput` (field ``file``) when it cannot be one."""
    from openpyxl import load_workbook, xml as openpyxl_xml  # here: 6 MB a process, for imports only

    if not openpyxl_xml.DEFUSEDXML:
        raise InvalidInput("Spreadsheet import is disabled: the defusedxml package is missing.")
    if len(data) > max_bytes:
        raise InvalidInput("The file is larger than %(mb)d MB.", field="file", mb=max_bytes // (1024 * 1024))
    if not data.startswith(b"PK\x03\x04"):
        raise InvalidInput("Only .xlsx files are accepted; this file is not one (checked by its content).",
                           field="file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > 50 * max_bytes:
                raise InvalidInput("The spreadsheet unpacks to too much data.", field="file")
        trim_after_request()  # the parsed rows are garbage once the response is sent
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except InvalidInput:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors for damaged files
        raise InvalidInput("The file is damaged or not an .xlsx spreadsheet.", field="file") from None


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
    wide = len(_WIDE.findall(text))
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


class PrintedSheet:
    """Stream one printed sheet into a write-only workbook (see the module's description).

    Call, in order: :meth:`label`, :meth:`title`, :meth:`subtitle`, :meth:`line` (any of them),
    then per table :meth:`caption` (optional), :meth:`header` and :meth:`row`, then :meth:`notes`,
    :meth:`footer` and :meth:`close`. ``styles`` is one dict per workbook (the named styles made so
    far, shared by its sheets). ``widths`` holds every column, the first ``printed`` of
    them printed.

    Pages are broken here, from the row heights at the scale that fits the printed columns to the
    page (conservatively: Excel's metrics; LibreOffice, which draws narrower, fits more), so the page
    count never depends on the renderer and the notes and signature block stay with the table's last
    row (``keep``): no page holds only a scrap. ``stacked``: the sheet stacks tables, so each new page
    starts with its table's caption (续) and header written again; otherwise the header rows repeat
    through the print titles (and still do when a clerk inserts rows).
    """

    def __init__(self, wb: Any, styles: dict[tuple, str], name: str, widths: Sequence[float], *, printed: int,
                 title_font: str, body_font: str, stacked: bool, footer_left: str = "", body_size: float = 11):
        self.wb = wb
        self.ws = wb.create_sheet(name)
        self.widths = list(widths)
        self.printed = printed
        self.fonts = (title_font, body_font)
        self.body_size = body_size
        self.stacked = stacked
        self.row_no = 0
        self.rows_on_page = 0
        self.header_height = 0.0
        self.header_rows: tuple[int, int] | None = None
        #: the attachment label and title rows (附件, 2024年绿色制造名单推荐汇总表) and their height: a stacked sheet
        #: repeats them on every page as its print titles (its tables' headers are written again on each page)
        self.title_rows: tuple[int, int] | None = None
        self.title_height = 0.0
        self._header: tuple[list[PrintColumn], str] | None = None
        self._styles = styles
        self._row_styles: tuple | None = None
        from openpyxl.utils import get_column_letter  # here: 6 MB a process, for exports only

        self.letters = [get_column_letter(i + 1) for i in range(len(self.widths))]
        for letter, width in zip(self.letters, self.widths):
            self.ws.column_dimensions[letter].width = width
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
               grey: bool = False) -> str:
        """The name of a named style (registered once per workbook): styling by name is fast in write-only mode."""
        font = font or self.fonts[1]
        key = (role, align, number_format, size, bold, border, wrap, font, grey)
        name = self._styles.get(key)
        if name is None:
            from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side

            name = f"gm_{role}_{len(self._styles)}"
            side = Side(style="thin", color="FF000000")
            style = NamedStyle(name=name)
            style.font = Font(name=font, size=size or self.body_size, bold=bold,
                              color=THIN_GREY if grey else None)
            # numbers keep a character's room from the right border
            style.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap,
                                        indent=1 if align == "right" and border else 0)
            if border:
                style.border = Border(left=side, right=side, top=side, bottom=side)
            if number_format:
                style.number_format = number_format
            self.wb.add_named_style(style)
            self._styles[key] = name
        return name

    def _cell(self, value: Any, style: str):
        from openpyxl.cell import WriteOnlyCell

        value = clean(value)
        cell = WriteOnlyCell(self.ws, value=value)
        cell.style = style
        if isinstance(value, str) and value.startswith(FORMULA_START):  # user text is text, never a formula
            cell.data_type = "s"
            cell.quotePrefix = True
        return cell

    # ------------------------------------------------------------ page setup --

    def _setup_page(self, footer_left: str) -> None:
        from openpyxl.worksheet.page import PageMargins

        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins = PageMargins(**MARGINS)
        ws.page_setup.firstPageNumber = 1  # each attachment numbers its own pages
        ws.page_setup.useFirstPageNumber = True
        ws.HeaderFooter.oddFooter.center.text = "第 &P 页"
        ws.HeaderFooter.oddFooter.center.size = 9
        if footer_left:
            ws.HeaderFooter.oddFooter.left.text = footer_left.replace("&", "&&")
            ws.HeaderFooter.oddFooter.left.size = 8

    # -------------------------------------------------------------- writing --

    def _append(self, cells: list, height: float) -> int:
        self.row_no += 1
        self.ws.row_dimensions[self.row_no].height = round(height, 1)
        self.ws.append(cells)
        self.used += height
        return self.row_no

    def _merge(self, first: int, last: int, row: int, row_to: int | None = None) -> None:
        if last > first or (row_to or row) > row:
            self.ws.merged_cells.add(f"{self.letters[first]}{row}:{self.letters[last]}{row_to or row}")

    def _span(self, first: int, last: int) -> float:
        return sum(self.widths[first:last + 1])

    def _banner(self, text: str, style: str, size: float, *, first: int = 0, last: int | None = None,
                minimum: float = 0) -> int:
        last = self.printed - 1 if last is None else last
        lines = line_count(text, self._span(first, last), size)
        cells = [None] * first + [self._cell(text, style)]
        row = self._append(cells, max(minimum, lines * size * 1.45 + 6))
        self._merge(first, last, row)
        return row

    def label(self, text: str) -> None:
        """The attachment label at the top left (附件2-1), in 黑体 as the documents print it."""
        if text:
            row = self._banner(text, self._style("label", align="left", size=14, font="黑体", wrap=False), 14,
                               last=min(2, self.printed - 1), minimum=22)
            self._titled(row)

    def title(self, text: str) -> None:
        if text:
            self._titled(self._banner(text, self._style("title", size=18, bold=True, font=self.fonts[0]), 18,
                                      minimum=34))

    def _titled(self, row: int) -> None:
        """``row`` (the label's or the title's, written just now) belongs to the sheet's title rows."""
        first = self.title_rows[0] if self.title_rows and self.title_rows[1] == row - 1 else row
        self.title_rows = (first, row)
        self.title_height = sum(self.ws.row_dimensions[r].height for r in range(first, row + 1))

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
        cells = [self._cell(left, self._style("line", align="left", size=size))]
        cells += [None] * (last_left)
        if right:
            cells.append(self._cell(right, self._style("line_right", align="right", size=size)))
        row = self._append(cells, 26)
        self._merge(0, last_left, row)
        if right:
            self._merge(last_left + 1, self.printed - 1, row)

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
            cells = [self._cell(c.header, style if i < len(columns) else grey) for i, c in enumerate(every)]
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
                top.append(self._cell(span[2] if span else None, st))
                bottom.append(self._cell(c.header, st))
            else:
                top.append(self._cell(c.header, st))
                bottom.append(self._cell(None, st))
        h_top = height([(s[2], self._span(s[0], s[1])) for s in spans])
        h_bottom = height((c.header, c.width) for c in columns if c.group)
        tall = height((c.header, c.width) for c in every if not c.group)
        extra_needed = max(0.0, tall - h_top - h_bottom)
        self.header_height = h_top + h_bottom + extra_needed
        first = self._append(top, h_top + extra_needed / 2)
        second = self._append(bottom, h_bottom + extra_needed / 2)
        for first_col, last_col, _ in spans:
            self._merge(first_col, last_col, first)
        for i, c in enumerate(every):
            if not (i < len(columns) and c.group):
                self._merge(i, i, first, second)
        self.header_rows = self.header_rows or (first, second)
        return first, second

    def row(self, values: Sequence[Any], columns: Sequence[PrintColumn], extra: Sequence[PrintColumn] = (), *,
            keep: float = 0.0) -> int:
        """One bordered row of the table; ``values`` covers ``columns`` then ``extra``. ``keep``: the height
        of what must print on the same page after it (the notes and signature block after the last row)."""
        last = self._row_styles
        if last is None or last[0] is not columns or last[1] is not extra:  # styles looked up once a table
            styles = ([self._style("cell", align=c.align, number_format=c.number_format, border=True) for c in columns]
                      + [self._style("cell_extra", align="left", border=True, grey=True) for _ in extra])
            last = self._row_styles = (columns, extra, styles, [c.width for c in columns] + [c.width for c in extra])
        from openpyxl.cell import WriteOnlyCell

        styles, widths = last[2], last[3]
        lines = 1
        cells = []
        ws, size = self.ws, self.body_size
        for value, style, width in zip(values, styles, widths):  # _cell and line_count inlined: every cell
            if value.__class__ is str and value:
                if _ILLEGAL.search(value):
                    value = _ILLEGAL.sub("", value)
                cell = WriteOnlyCell(ws, value=value)
                cell.style = style
                if value.startswith(FORMULA_START):  # user text is text, never a formula
                    cell.data_type = "s"
                    cell.quotePrefix = True
                if len(value) * 2.1 * size / 11 > width - 1.2 or "\n" in value:
                    lines = max(lines, line_count(value, width, size))
            else:
                cell = WriteOnlyCell(ws, value=value)
                cell.style = style
            cells.append(cell)
        height = max(22.0, lines * self.body_size * 1.4 + 8)
        if self._header is not None and self.rows_on_page and self.used + height + keep > self.page_height:
            self._new_page()
        self.rows_on_page += 1
        return self._append(cells, height)

    def _break_here(self) -> None:
        from openpyxl.worksheet.pagebreak import Break

        self.ws.row_breaks.append(Break(id=self.row_no))
        self.pages += 1
        self.used = self.title_height if self.stacked and self.title_rows else 0.0  # the print titles
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
        """Set the print area (the printed columns) and the rows repeated on every page: the header rows, or,
        on a sheet that stacks tables (each new page writes its table's caption and header again), its title."""
        trim_after_request()  # the workbook's objects are garbage once the response is sent
        last = self.letters[self.printed - 1]
        self.ws.print_area = f"A1:{last}{max(1, self.row_no)}"
        if not self.stacked and self.header_rows:
            self.ws.print_title_rows = f"{self.header_rows[0]}:{self.header_rows[1]}"
        elif self.stacked and self.title_rows:
            self.ws.print_title_rows = f"{self.title_rows[0]}:{self.title_rows[1]}"

