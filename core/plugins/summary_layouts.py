"""Summary layouts: the printed summary table (汇总表) a city or province exports, as the document prints it, and
:func:`year_text`, which fills a text's year fields for a round.

Plugins import these through :mod:`core.plugins` (or :mod:`core.plugins.types`) only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from core.plugins.identity import CodedRecord, Level

# ---------------------------------------------------------- summary tables ---
# A summary layout describes the whole printed table (汇总表) the way the document prints it; core
# renders it (core/services/spreadsheets.py: borders, fonts, A4 landscape fitted to the page width,
# header rows repeated on every page, print area) and reads it back on import
# (core/applications/summary.py). Text may hold year fields, filled for the round being exported:
# ``{year}`` (the round's year), ``{year-1}``, ``{year-2}``, ``{year+1}``…; the sheet's lines may also
# hold ``{unit}`` (the exporting city's name).

_YEAR_FIELD = re.compile(r"year(?:([+-])(\d{1,2}))?")


class _TextFields(dict):
    """``str.format_map`` values: named values, and ``year±n`` computed from the round's year."""

    def __init__(self, year: int | None, values: Mapping[str, Any]):
        super().__init__(values)
        self.year = year

    def __missing__(self, key: str) -> str:
        match = _YEAR_FIELD.fullmatch(key)
        if match is None:
            raise KeyError(key)
        offset = int(match[2] or 0) * (-1 if match[1] == "-" else 1)
        if self.year is None:  # no round: the field as a readable formula (N = the round's year)
            return "N" if not offset else f"N{offset:+d}"
        return str(self.year + offset)


def year_text(template: str, year: int | None, **values: Any) -> str:
    """``template`` with its fields filled for a round of ``year``.

    ``year_text("{year-1}年利润（预计）", 2026) == "2025年利润（预计）"``; named ``values`` fill other
    fields (``unit``). Without a year, year fields read ``N``, ``N-1``… . Text without ``{`` is
    returned unchanged; an unknown field raises :class:`KeyError` (the contract kit checks every
    layout's text).
    """
    if "{" not in template:
        return template
    return template.format_map(_TextFields(year, values))


@dataclass(frozen=True, kw_only=True)
class SummaryColumn:
    """One column of a summary table.

    ``key`` is what the cell shows:

    * a core value: ``seq`` (row number), ``name``/``applicant_name`` (registered name), ``uscc``,
      ``city``, ``unit_type``, ``industry``, ``evaluator`` (the engaged third-party firm),
      ``evaluation_mode``, ``requested_levels``, ``score`` (the self-evaluation), ``evaluated_score`` (the
      engaged firm's filed score), ``tier``, ``contact`` (person and phone), ``city_opinion`` (the city's
      推荐意见, written when it recommends);
    * a plugin form field's code (``hunan.main_business``);
    * one cell of a table-valued form field: ``<code>[<row>].<name>`` by position
      (``hunan.finances[-1].revenue``: the last row) or, better, by year:
      ``<code>[year=<year field>].<name>`` (``hunan.finances[year={year-1}].revenue``: the row of the
      year before the round).

    What an import may change: ``contact``, ``industry``, ``requested_levels``, ``evaluation_mode``,
    plugin fields and table cells, on drafts. ``seq`` is ignored; ``uscc`` and ``unit_type`` identify
    the application; ``name`` names a new organization; ``city``, ``evaluator``, the scores, ``tier`` and
    ``city_opinion`` are the platform's (a different value is refused with the reason).

    :ivar header: the printed header; may hold year fields (``{year-1}年主营业务收入（预计）``).
    :ivar group: a header printed above consecutive columns of the same group (a merged cell in a
        second header row); ungrouped headers span both rows.
    :ivar width: column width in characters (Excel's unit); 0 lets core choose from the key.
    :ivar number_format: Excel number format of numeric cells (``"#,##0.00"``); "" for General.
    :ivar choices: ``(stored value, printed label)`` pairs for coded values (创建类型, levels); the
        import reads the labels back.
    :ivar ticks: print every choice with a box, ticked or not (``☑国家级 ☐省级``); the import reads
        the ticked ones (☑, ✓, √ or ■ before a label).
    :ivar table_years: for a table-cell key, the rows a table starts with when an import creates it,
        as year fields (Hunan 附件1: ``("{year-3}", "{year-2}", "{year-1}")``).
    """

    key: str
    header: str
    group: str = ""
    width: float = 0
    number_format: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    ticks: bool = False
    table_years: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SummarySection:
    """One table of recommended units: the rows of ``unit_types`` under a header of ``columns``.

    ``title`` is printed as a caption row above the table when a sheet stacks several sections
    (Jiangxi's 绿色工厂推荐名单 / 绿色园区推荐名单 / 绿色供应链管理企业推荐名单).
    """

    title: str
    unit_types: tuple[str, ...]
    columns: tuple[SummaryColumn, ...]


@dataclass(frozen=True, kw_only=True)
class SummarySheet:
    """One printed sheet (one attachment of the document), top to bottom.

    :ivar name: the tab name (at most 31 characters, e.g. ``附件2-1``).
    :ivar label: printed at the top left (``附件2-1``).
    :ivar title: the merged title, with year fields (``{year}年湖南省绿色制造体系申报汇总表``).
    :ivar subtitle: a line under the title (``（绿色工厂、绿色供应链管理示范企业）``).
    :ivar lines: lines above the table, each ``"left"`` or ``"left|right"`` (the seal and unit line
        ``推荐单位（盖章）：{unit}|单位：万元``; ``填报人：``). ``{unit}`` is the city's name.
    :ivar sections: the tables, stacked in order (each with its caption when there are several).
    :ivar notes: the notes printed under the table (``注：1、此表由…填写。``), one line each.
    :ivar footer: the signature block at the bottom right (``推荐单位：``, ``(单位公章)``, ``年 月 日``).
    """

    name: str
    title: str
    sections: tuple[SummarySection, ...]
    label: str = ""
    subtitle: str = ""
    lines: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SummaryLayout(CodedRecord):
    """Layout of a summary table (汇总表) a city or province exports, as printed.

    Give ``sheets`` (the printed attachments); ``sections`` is then filled with every sheet's
    sections in order. A layout given with ``sections`` only prints one sheet per section under
    ``title``.

    :ivar title: the table's name with year fields (listings, the file's properties).
    :ivar levels: the list levels of the rounds it serves (empty: every level).
    :ivar years: the rounds (years) it was published for. A round of another year reuses the
        newest earlier layout (else the earliest later one) and says so; empty: every year.
    :ivar platform: True when the document prescribes no table and the platform defines it (the
        cite says why); pages and the printed footer mark it.
    :ivar title_font: font of the title and headers; :ivar body_font: of the cells, lines and notes
        (the documents' 宋体/仿宋 convention).
    """

    title: str
    sections: tuple[SummarySection, ...] = ()
    levels: tuple[Level, ...] = ()
    sheets: tuple[SummarySheet, ...] = ()
    years: tuple[int, ...] = ()
    platform: bool = False
    title_font: str = "宋体"
    body_font: str = "仿宋"

    def __post_init__(self) -> None:
        if self.sheets and not self.sections:
            object.__setattr__(self, "sections", tuple(s for sheet in self.sheets for s in sheet.sections))
        elif self.sections and not self.sheets:
            object.__setattr__(self, "sheets", tuple(
                SummarySheet(name=s.title, title=self.title, subtitle=s.title if s.title != self.title else "",
                             sections=(s,)) for s in self.sections))
