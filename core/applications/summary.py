"""Summary tables (汇总表): a city's recommendations printed in the region's layout, and filled tables
read back.

Export (:func:`export_summary`): the layout the round prints (:func:`layout_for`: the region's layout
of the round's level and year, or the one it reuses, or core's) rendered sheet by sheet as the
document prints it (label, title with the round's year, seal and unit lines, bordered tables with
the seed's headers, notes, signature block; A4 landscape, fitted to the page width, header rows on
every page). One query loads the rows with their organization, city and third-party firm, and the
workbook is written by xlsxwriter (:class:`core.services.spreadsheets.PrintedBook`), so a 10,000-row table costs
less than openpyxl's write-only mode takes to write the same cells. Text that starts with ``=``, ``+``, ``-`` or
``@`` is written as text, never as a formula. The 统一社会信用代码 that identifies a row on re-import is the layout's own column where it
has one; otherwise a trailing column outside the print area (on screen, never printed), so the
printed table stays the document's.

Import: :mod:`core.applications.summary_import` (:func:`import_summary`, re-exported here).

Both take ids and return bytes or a report, with an optional ``progress(done, total)`` callback, so a
background job can run them as the web page and the API do.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from core.applications import services
from core.applications.summary_import import MAX_BYTES, MAX_ROWS, import_summary, import_xlsx
from core.applications.summary_layout import (
    filed_score,
    USCC_KEY,
    Col,
    LayoutChoice,
    layout_for,
    reader,
    resolve_columns,
    section_types,
)
from core.errors import InvalidInput, NotFound
from core.extensions import db
from core.kernel import paging
from core.models import AdminUnit, Application, Campaign, EvaluatorFirm, Organization
from core.models import ApplicationStatus as S
from core.plugins.types import year_text
from core.services import audit
from core.services.office import Printed, print_pdf
from core.services.spreadsheets import PrintColumn, PrintedBook
from core.web.downloads import file_name

__all__ = ["MAX_BYTES", "MAX_ROWS", "USCC_KEY", "export_pdf", "export_summary", "export_xlsx",
           "import_summary", "import_xlsx", "layout_for", "recommended", "recommended_page", "row_count",
           "LayoutChoice"]

Progress = Callable[[int, int], None]
#: the statuses of a working copy: every application of the city but rejected and withdrawn ones
WORKING_STATUSES = (S.DRAFT, S.SUBMITTED, S.RETURNED) + services.RECOMMENDED
WORKING_NOTE = "工作底稿：含草稿及未推荐的申报，不作正式报送"
PLATFORM_NOTE = "本表为平台版式（文件未规定表格格式）"
_PROGRESS_EVERY = 500
_COLUMNS = (Application.id, Application.unit_type, Application.level, Application.evaluation_mode,
            Application.requested_levels, Application.industry, Application.extension_data.label("ext"), Application.score,
            Application.tier, Application.contact_name, Application.contact_phone, Organization.name.label("name"),
            Organization.uscc.label("uscc"), AdminUnit.name.label("city"), EvaluatorFirm.name.label("firm"),
            Application.city_opinion, filed_score())


def recommended(city: AdminUnit, campaign: Campaign, unit_types: Iterable[str] | None = None) -> list[Application]:
    """The city's recommended applications of a campaign, ranked (the region's priorities, score, then
    submission time)."""
    query = (select(Application).where(Application.admin_unit_id == city.id, Application.campaign_id == campaign.id,
                                       Application.status.in_(services.RECOMMENDED))
             .order_by(Application.score.desc().nulls_last(), Application.submitted_at, Application.id))
    if unit_types is not None:
        query = query.where(Application.unit_type.in_(list(unit_types)))
    from core.applications.priorities import rank  # issue 17: 优先推荐 ranks ahead, never refuses

    return rank(list(db.session.scalars(query)))


#: rows a page of the city's recommendations shows (per unit type)
RANKED_PAGE = 50


def _ranked_key() -> tuple[Any, Any]:
    """The list's order: score (none last), then submission time; the id breaks ties."""
    return func.coalesce(Application.score, -1), func.coalesce(Application.submitted_at, Application.created_at)


def recommended_page(city: AdminUnit, campaign: Campaign, unit_type: str, *, after: int | None = None,
                     before: int | None = None, per_page: int = RANKED_PAGE) -> paging.Page[Application, int]:
    """One page of the city's recommended applications of ``unit_type`` in the campaign, by score (none last),
    submission time and id, each with its organization (one query, whatever the number of rows); the region's
    priorities (优先推荐) rank ahead within the page, as in the province's review queue. Keyset paging:
    ``after`` the last id shown, ``before`` the first; a cursor that is not one of the list's rows reads the
    first page."""
    score, at = _ranked_key()
    where = (Application.admin_unit_id == city.id, Application.campaign_id == campaign.id,
             Application.status.in_(services.RECOMMENDED), Application.unit_type == unit_type)
    cursor_id = after if after is not None else before
    mark = db.session.execute(select(score, at).where(Application.id == cursor_id, *where)).first() \
        if cursor_id is not None else None
    query = select(Application).where(*where).options(joinedload(Application.organization))
    if mark is None:
        direction: paging.Direction = "first"
        query = query.order_by(score.desc(), at, Application.id)
    elif after is not None:
        direction = "after"
        query = query.where(or_(score < mark[0], and_(score == mark[0], or_(
            at > mark[1], and_(at == mark[1], Application.id > cursor_id))))).order_by(score.desc(), at, Application.id)
    else:
        direction = "before"
        query = query.where(or_(score > mark[0], and_(score == mark[0], or_(
            at < mark[1], and_(at == mark[1], Application.id < cursor_id))))).order_by(
            score, at.desc(), Application.id.desc())
    rows = list(db.session.scalars(query.limit(per_page + 1)).unique())
    shown = paging.page(rows, per_page, direction, lambda a: a.id)
    from core.applications.priorities import rank  # issue 17: 优先推荐 ranks ahead, never refuses

    return paging.Page(rank(shown.rows), shown.next, shown.prev)


def _placement(choice: LayoutChoice, campaign: Campaign) -> dict[str, tuple[int, int]]:
    """Where each of the round's unit types prints: ``{unit type: (sheet, section)}``, in print order."""
    out: dict[str, tuple[int, int]] = {}
    for si, sheet in enumerate(choice.layout.sheets):
        for ti, section in enumerate(sheet.sections):
            if section.columns:
                for ut in section_types(section, campaign):
                    out.setdefault(ut, (si, ti))
    return out


def _rows(city: AdminUnit, campaign: Campaign, placement: dict[str, tuple[int, int]],
          statuses: tuple[S, ...]) -> Iterator[Any]:
    """The table's rows in print order, each application with its organization, city and firm: one query,
    streamed."""
    rank = {ut: i for i, ut in enumerate(sorted(placement, key=lambda t: placement[t]))}
    query = (select(*_COLUMNS)
             .join(Organization, Organization.id == Application.organization_id)
             .join(AdminUnit, AdminUnit.id == Application.admin_unit_id)
             .outerjoin(EvaluatorFirm, EvaluatorFirm.id == Application.evaluator_firm_id)
             .where(Application.admin_unit_id == city.id, Application.campaign_id == campaign.id,
                    Application.status.in_(statuses), Application.unit_type.in_(list(placement)))
             .order_by(case(rank, value=Application.unit_type, else_=len(rank)),
                       Application.score.desc().nulls_last(), Application.submitted_at, Application.id))
    return iter(db.session.execute(query.execution_options(yield_per=1000)))


def _count(city: AdminUnit, campaign: Campaign, placement: dict, statuses: tuple[S, ...]) -> int:
    return db.session.scalar(select(func.count(Application.id)).where(
        Application.admin_unit_id == city.id, Application.campaign_id == campaign.id,
        Application.status.in_(statuses), Application.unit_type.in_(list(placement)))) or 0


def row_count(city: AdminUnit, campaign: Campaign, *, include_drafts: bool = False) -> int:
    """How many rows the city's table for the campaign has (whether to build it in a background job)."""
    placement = _placement(layout_for(campaign), campaign)
    statuses = WORKING_STATUSES if include_drafts else services.RECOMMENDED
    return _count(city, campaign, placement, statuses) if placement else 0


class _Peek:
    """An iterator one can look one item ahead in."""

    def __init__(self, it: Iterator[Any]):
        self.it, self.head = it, next(it, None)

    def take(self) -> Any:
        head, self.head = self.head, next(self.it, None)
        return head


def _padded(cols: list[Col], printed: int) -> tuple[list[PrintColumn], list[PrintColumn]]:
    shown = [c.print_column() for c in cols if c.printed]
    shown += [PrintColumn(header="", width=8)] * (printed - len(shown))
    return shown, [c.print_column() for c in cols if not c.printed]


def export_summary(city_id: int, campaign_id: int, actor: str, *, include_drafts: bool = False,
                   progress: Progress | None = None) -> bytes:
    """The city's summary table for the campaign as xlsx bytes (audited; the caller commits).

    :param include_drafts: a working copy (every application of the city but rejected and withdrawn
        ones, marked so in its heading and footer) to correct drafts in bulk and import again.
    :param progress: called with ``(rows written, rows in all)`` as the table is written.
    """
    city = db.session.get(AdminUnit, city_id)
    campaign = db.session.get(Campaign, campaign_id)
    if city is None or campaign is None:
        raise NotFound("No such campaign.")
    return export_xlsx(city, campaign, actor, include_drafts=include_drafts, progress=progress)


def export_xlsx(city: AdminUnit, campaign: Campaign, actor: str, *, include_drafts: bool = False,
                progress: Progress | None = None) -> bytes:
    """:func:`export_summary` for loaded objects (the web page and the API)."""
    choice = layout_for(campaign)
    layout, year = choice.layout, choice.year
    placement = _placement(choice, campaign)
    if not placement:
        raise InvalidInput("The region's summary layout for this round has no columns yet.")
    statuses = WORKING_STATUSES if include_drafts else services.RECOMMENDED
    total = _count(city, campaign, placement, statuses) if progress else 0
    rows = _Peek(_rows(city, campaign, placement, statuses))
    book = PrintedBook(title=choice.title)
    notes = [n for n in (WORKING_NOTE if include_drafts else "", PLATFORM_NOTE if layout.platform else "",
                         f"本表沿用{choice.reuses}年度版式" if choice.reuses else "") if n]
    written = 0
    for si, sheet in enumerate(layout.sheets):
        sections = [(ti, s) for ti, s in enumerate(sheet.sections) if s.columns and any(
            placement.get(ut) == (si, ti) for ut in section_types(s, campaign))]
        if not sections:
            continue
        cols = {ti: resolve_columns(s, year, section_types(s, campaign)) for ti, s in sections}
        printed = max(sum(1 for c in cs if c.printed) for cs in cols.values())
        widths = [max([[c.width for c in cs if c.printed][i] for cs in cols.values()
                       if i < sum(1 for c in cs if c.printed)]) for i in range(printed)]
        widths += [c.width for c in next(iter(cols.values())) if not c.printed]
        out = book.sheet(sheet.name[:31], widths, printed=printed, title_font=layout.title_font,
                         body_font=layout.body_font, stacked=len(sections) > 1, footer_left="；".join(notes))
        out.label(year_text(sheet.label, year))
        out.title(year_text(sheet.title, year))
        out.subtitle(year_text(sheet.subtitle, year))
        if include_drafts:
            out.line(f"（{WORKING_NOTE}）")
        for line in sheet.lines:
            left, _, right = line.partition("|")
            out.line(year_text(left, year, unit=city.name), year_text(right, year, unit=city.name))
        closing = out.closing_height([year_text(t, year) for t in sheet.notes],
                                     [year_text(t, year) for t in sheet.footer])
        for n, (ti, section) in enumerate(sections):
            last_section = n == len(sections) - 1
            shown, extra = _padded(cols[ti], printed)
            readers = [reader(c) for c in cols[ti] if c.printed]
            pad = [None] * (printed - len(readers))
            readers += [lambda view, seq: None] * len(pad) + [reader(c) for c in cols[ti] if not c.printed]
            if len(sections) > 1:
                if n:
                    out.blank(6)
                out.reserve(160)
                out.caption(year_text(section.title, year))
            out.header(shown, extra)
            seq = 0
            while rows.head is not None and placement.get(rows.head.unit_type) == (si, ti):
                view = rows.take()  # a row of the query reads like an AppView (ext: the extension data)
                seq += 1
                ends = last_section and (rows.head is None or placement.get(rows.head.unit_type) != (si, ti))
                out.row([read(view, seq) for read in readers], shown, extra, keep=closing if ends else 0.0)
                written += 1
                if progress and written % _PROGRESS_EVERY == 0:
                    progress(written, total)
            if not seq:  # an empty table still prints its header and one empty row to write "无" in
                out.row([None] * (printed + len(extra)), shown, extra, keep=closing if last_section else 0.0)
        out.notes([year_text(t, year) for t in sheet.notes])
        out.footer([year_text(t, year) for t in sheet.footer])
        out.close()
    data = book.bytes()
    if progress:
        progress(written, total)
    audit.record(actor, "summary.exported", "campaign", campaign.id, layout=layout.code, admin_unit=city.code,
                 rows=written, year=year, reuses=choice.reuses, working_copy=include_drafts)
    return data


def export_pdf(city: AdminUnit, campaign: Campaign, actor: str, *, progress: Progress | None = None,
               printing: Callable[[], None] | None = None) -> Printed:
    """The same table as PDF, for those who print from the browser: the xlsx of :func:`export_xlsx` (the same
    layout description) printed by LibreOffice on the server (:func:`core.services.office.print_pdf`: the kept one,
    else a one-shot ``soffice``). Audited as an export; the caller commits. ``printing`` is called when the table
    is written and LibreOffice starts printing it (a job shows that stage)."""
    data = export_xlsx(city, campaign, actor, progress=progress)
    if printing is not None:
        printing()
    return print_pdf(data)


def download_name(city: AdminUnit, campaign: Campaign, *, include_drafts: bool = False, suffix: str = ".xlsx") -> str:
    """The summary table's file name for people, in the current language: 汇总表-2026-赣江新区.xlsx, with 工作底稿
    for the working copy with drafts (the page, the JSON API and the background export name it alike)."""
    from flask_babel import gettext

    return file_name(gettext("Summary table"), campaign.year, city, gettext("working copy") if include_drafts else "",
                     suffix=suffix)

