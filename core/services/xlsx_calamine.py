"""The fast way :func:`core.services.spreadsheets.read_xlsx` reads an uploaded .xlsx: python-calamine (issue 57, W4).

calamine (Rust) reads a sheet in a fraction of the streamed reader's time, but it is not safe or faithful on every
file: it allocates the whole rectangle a sheet's cells span (one crafted cell at XFD1048576 asks for 512 GB and
aborts the process, which no worker can catch), places a cell without a reference after the one before it, reads a
formula as its cached value and an error cell as empty, reads a number it cannot parse as text, and judges dates by
its own rules. So it reads only a file that a look at the raw XML shows to be small and plain; any other file, and
any file calamine itself fails on, is read by the streamed reader, with its values and its refusals, exactly as
before. The look requires:

* the package laid out as spreadsheet programs write it (:func:`_plain_package`): the workbook at
  ``xl/workbook.xml``, every sheet a worksheet at ``xl/worksheets/…``, the shared strings and styles (if any) where
  calamine looks for them by name, no two parts whose names differ only in case, no DTD in the shared strings, each
  sheet's XML and the shared strings at most :data:`SHEET_BYTES` (a sheet whose ``<dimension>`` says it spans more
  than the rows and columns below is not looked at: what it says is never trusted, it only spares the look);
* each sheet's ``<sheetData>`` matched whole by one regular expression (:func:`_grammar`): every row and cell with
  its reference first, a row at most 9,999 and a column at most BZ (so the rectangle is at most 780,000 cells), each
  cell a plain number, a shared string, a boolean, a formula's text result or one run of inline text, in a style
  the workbook does not format as a date or a duration; no formula (unless ``data_only``: then its cached value, as
  the streamed reader gives), no error cell, no ISO date, nothing else (:func:`_plain`); and no more row elements,
  and no row larger, than the streamed reader allows.

What calamine returns is then made what the streamed reader returns (:func:`_rows`): an empty cell (or empty text)
``None``, an integral number ``int`` (the grammar lets through no ``5.0`` or ``1E3``, which the streamed reader keeps
as float; one beyond 2**53, or a date, sends the file to the streamed reader), rows as tuples up to their last value,
``()`` for an empty row, only the first ``max_cols`` columns; a file with a value beyond ``max_rows`` is left to the
streamed reader to refuse, with its message. On a 1,000-row summary table the whole costs 1.7-2.0x calamine's own
read (the look about half of it, the XML inflated a second time, the values converted), against 3-4x for the
streamed reader (docs/benchmarks.md, *W4 with python-calamine*).
"""
from __future__ import annotations

import functools
import io
import re
from typing import Any

#: the largest sheet XML read this way (a 5,000-row summary table is about 3 MB)
SHEET_BYTES = 16 * 1024 * 1024
#: the cells this path reads (:func:`_grammar`): a reference A1-BZ9999 (the rectangle is at most 780,000 cells), a
#: number as plain digits, at most 15 before the point (not ``5.0`` nor ``1E3``, which the streamed reader keeps as
#: float, nor more digits than a float holds, which it keeps as an exact int), a shared string
#: by its index, a boolean, a formula's text result, or inline text in one run
_REF = rb'[AB]?[A-Z][1-9][0-9]{0,3}'
_NUMBER = rb'-?(?:[0-9]{1,15}(?:\.[0-9]*[1-9])?|\.[0-9]*[1-9])'
#: a text: calamine trims the white space around one not marked ``xml:space="preserve"``, the streamed reader keeps it
_TEXT = rb'(?:<t xml:space="preserve">[^<\r]*+</t>|<t>(?:[^<\r \t\n](?:[^<\r]*+(?<=[^ \t\n]))?)?</t>|<t/>)'
#: the shared strings as both readers read them alike: each one text, or runs of text (their formats and phonetic
#: runs left out); not a text beside runs (the streamed reader takes the text, calamine both); no ``_x000D_``
#: (calamine reads it as the character it names, the streamed reader as written) nor carriage return (calamine
#: keeps one, XML reads it as a line feed)
_EMPTY_ELEMENTS = rb'(?:<[A-Za-z]++(?: [A-Za-z:]++="[^"<>]*+")*+/>)*+'
_STRINGS = re.compile(rb'<sst(?: [A-Za-z:]++="[^"<>]*+")*+>(?:<si>(?:' + _TEXT + rb'|(?:<r>(?:<rPr>' + _EMPTY_ELEMENTS
                      + rb'</rPr>)?' + _TEXT + rb'</r>)++)(?:<rPh(?: [A-Za-z]++="[^"<>]*+")*+>' + _TEXT
                      + rb'</rPh>)*+' + _EMPTY_ELEMENTS + rb'</si>)*+</sst>\s*+')
#: a worksheet's Target as both readers resolve it alike
_SHEET_TARGET = re.compile(r"(?:/xl/)?worksheets/([A-Za-z0-9_.-]+\.xml)")
#: the end of the range a sheet says it spans (never trusted: it only spares the look a sheet too large anyway)
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]{1,3}[0-9]{1,7}:([A-Z]{1,3}[0-9]{1,7})"')
_FAR = re.compile(_REF)
#: integers a float holds exactly
_EXACT = float(2 ** 53)


def read(data: bytes, package: Any, sheets: list[tuple[str, str]], *, max_rows: int, max_cols: int,
         data_only: bool, row_bytes: int, small_part: int) -> list[tuple[str, list]] | None:
    """``sheets`` (name, path) of ``package`` read by calamine as :func:`read_xlsx` reads them, or None when the
    file is for the streamed reader (module docstring)."""
    try:
        import python_calamine
    except ImportError:  # pragma: no cover - a dependency; without it every file is streamed
        return None
    names = [name for name, _, _ in package.entries]
    if not _plain_package(package, names, small_part) or not all(_small_sheet(package, path) for _, path in sheets):
        return None
    if not _plain_strings(package):
        return None
    try:
        dates, durations = package.date_styles()
    except Exception:  # noqa: BLE001 - the streamed reader says what is wrong
        return None
    styles = frozenset(dates | durations)
    for _, path in sheets:
        try:
            xml = package._read(package.infos[path])  # zipfile checks the size it declares and the CRC
        except Exception:  # noqa: BLE001
            return None
        if not _plain(xml, data_only=data_only, styles=styles, max_rows=max_rows, row_bytes=row_bytes):
            return None
    out = []
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        if book.sheet_names != names:
            return None
        for name, _ in sheets:
            rows = _rows(book.get_sheet_by_index(names.index(name)).to_python(skip_empty_area=False),
                         max_rows, max_cols)
            if rows is None:
                return None
            out.append((name, rows))
    except (KeyboardInterrupt, SystemExit):  # pragma: no cover
        raise
    except BaseException:  # noqa: BLE001 - calamine's errors and panics (a BaseException): the streamed reader decides
        return None
    return out


def _plain_package(package: Any, names: list[str], small_part: int) -> bool:
    """The parts where calamine looks for them, each read by both readers alike (module docstring)."""
    infos = package.infos
    if package.book != "xl/workbook.xml" or len(set(names)) != len(names) or not names:
        return False
    lowered = {name.lower() for name in infos}
    if len(lowered) != len(package.zf.infolist()) or any("\\" in name for name in infos):
        return False
    for _, kind, raw in package.entries:  # where both find it: "worksheets/…" or "/xl/worksheets/…"
        found = _SHEET_TARGET.fullmatch(raw)
        if kind != "worksheet" or found is None or f"xl/worksheets/{found[1]}" not in infos:
            return False
    for kind, where, limit in (("sharedStrings", "xl/sharedStrings.xml", SHEET_BYTES), ("styles", "xl/styles.xml",
                                                                                       small_part)):
        path = package.parts.get(kind)
        if path is not None and path not in infos:
            path = None
        if path not in (None, where) or (where.lower() in lowered) != (path is not None):
            return False  # calamine reads the part by that name, the streamed reader by the workbook's relationship
        if path is not None and infos[path].file_size > limit:
            return False
    return True


def _small_sheet(package: Any, path: str) -> bool:
    """Whether a sheet is small enough by its size and, where its head says so, by the range it spans (the head
    only spares the look at a sheet too large anyway: nothing is taken from it)."""
    info = package.infos[path]
    if info.file_size > SHEET_BYTES:
        return False
    try:
        with package.zf.open(info) as fh:
            head = fh.read(2048)
    except Exception:  # noqa: BLE001
        return False
    far = _DIMENSION.search(head)
    return far is None or _FAR.fullmatch(far[1]) is not None


def _plain_strings(package: Any) -> bool:
    """Whether the shared strings (if any) read alike in both readers (:data:`_STRINGS`)."""
    path = package.parts.get("sharedStrings")
    if path is None or path not in package.infos:
        return True
    try:
        xml = package._read(package.infos[path])
    except Exception:  # noqa: BLE001
        return False
    start = xml.find(b"<sst")
    return (start >= 0 and b"<!" not in xml[:start] and b"_x" not in xml
            and _STRINGS.fullmatch(xml, start) is not None)


@functools.lru_cache(maxsize=32)
def _grammar(data_only: bool, styles: frozenset[str]) -> re.Pattern:
    """The whole ``<sheetData>`` of a sheet this path reads: rows numbered 1-9,999 (no other ``r``), each cell
    starting with its reference and holding one of the values named above :data:`_REF`, in a style not among
    ``styles`` (those whose number format shows a date or a duration); a formula only with ``data_only`` (its
    cached value is read). Nothing else: no comment, CDATA, processing instruction, namespace prefix, rich text or
    space between the elements. A regular expression matched once over the XML: every byte is looked at, in C."""
    style = rb'(?: s="[0-9]{1,5}")?'
    if styles:
        style = rb'(?: s="(?!(?:' + b"|".join(re.escape(s.encode()) for s in sorted(styles)) + rb')")[0-9]{1,5}")?'
    formula = rb'(?:<f(?: [^<>]*+)?(?:/>|>[^<]*+</f>))?' if data_only else b""
    # atomic groups and possessive repeats: a cell once matched is never tried again another way (a fifth faster)
    cell = (rb'<c r="' + _REF + rb'"' + style + rb'(?>(?: t="n")?(?:/>|>' + formula + rb'(?:<v>' + _NUMBER
            + rb'</v>)?</c>)| t="(?>'
            rb'inlineStr"(?:/>|>(?:<is>' + _TEXT + rb'</is>)?</c>)'
            rb'|s"(?:/>|>' + formula + rb'(?:<v>[0-9]{1,9}+</v>)?</c>)'
            rb'|b"(?:/>|>' + formula + rb'(?:<v>[01]</v>)?</c>)'
            rb'|str"(?:/>|>' + formula + rb'(?:<v>[^<\r]*+</v>)?</c>)))')
    row = rb'<row r="[1-9][0-9]{0,3}"(?: (?!r=)[A-Za-z0-9:]++="[^"<>]*+")*+(?:/>|>(?:' + cell + rb')*+</row>)'
    return re.compile(rb'<sheetData>(?:' + row + rb')*+</sheetData>')


def _plain(xml: bytes, *, data_only: bool, styles: frozenset[str], max_rows: int, row_bytes: int) -> bool:
    """Whether one sheet's XML is small and plain enough for calamine (module docstring)."""
    start = xml.find(b"<sheetData")
    if start < 0 or b"<!" in xml[:start] or xml.find(b"<sheetData", start + 1) >= 0:
        return False
    if xml.startswith(b"<sheetData/>", start):
        return True  # an empty sheet
    end = xml.find(b"</sheetData>", start) + len(b"</sheetData>")
    if end < start or _grammar(data_only, styles).fullmatch(xml, start, end) is None:
        return False
    if xml.find(b"_x", start, end) >= 0:  # an escaped character in a text (see _STRINGS)
        return False
    rows = 2 * max_rows + 1000  # the streamed reader's limits: so many row elements, one row's XML
    if end - start > 12 * rows and xml.count(b"<row ", start, end) > rows:
        return False
    if end - start > row_bytes and max(map(len, xml[start:end].split(b"<row "))) > row_bytes:
        return False
    return True


def _rows(grid: list[list[Any]], max_rows: int, max_cols: int) -> list[tuple] | None:
    """calamine's rows as the streamed reader gives them (module docstring); None when only it can say."""
    out: list[tuple] = []
    last = 0
    for number, row in enumerate(grid, start=1):
        values: list[Any] = []
        for value in row:
            cls = value.__class__
            if cls is str:
                values.append(value or None)
            elif cls is float:
                if value.is_integer():
                    if not -_EXACT < value < _EXACT:
                        return None  # the streamed reader keeps the digits as written
                    value = int(value)
                values.append(value)
            elif cls is bool or cls is int:
                values.append(value)
            else:  # a date, time or duration: the streamed reader judges them by openpyxl's rules
                return None
        while values and values[-1] is None:
            values.pop()
        if values:
            if number > max_rows:
                return None  # refused by the streamed reader, with its message
            last = number
            out.append(tuple(values[:max_cols]) if len(values) > max_cols else tuple(values))
        else:
            out.append(())
    del out[last:]
    return out
