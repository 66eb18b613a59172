"""The list pages' and the JSON API's pages of applications: keyset-paged queries by scope and filters, built
once per filter combination."""
from __future__ import annotations

import functools
from typing import Any, NamedTuple

from sqlalchemy import Float, String, bindparam, select, type_coerce

from core.applications.campaigns import unit_names
from core.extensions import db
from core.kernel import paging, statements
from core.models import (
    AdminUnit,
    Application,
    Campaign,
    DeadlineExtension,
    Organization,
)
from core.models import ApplicationStatus as S

# ------------------------------------------------------------- list pages --

#: what a list page shows of each application, in this order. The score comes as a float and the
#: submission time as the driver gives it (SQLite: the stored UTC text; PostgreSQL: an aware
#: datetime); the page formats both itself, only for rows it has not shown before, which spares
#: a Decimal and a date parse per row (formatting in SQL cost SQLite 1 µs a row on every request).
#: The status comes as its stored value (a ``str``, equal to the :class:`ApplicationStatus` member).
_LIST_COLUMNS = (Application.id, type_coerce(Application.status, String()).label("status"), Application.unit_type,
                 type_coerce(Application.score, Float()).label("score"),
                 type_coerce(Application.submitted_at, String()).label("submitted_at"),
                 Organization.name, Organization.uscc, Application.admin_unit_id)


@functools.lru_cache(maxsize=64)  # 16 filter combinations × 3 cursor kinds
def _list_ids(status: bool, unit_type: bool, campaign: bool, search: bool, seek: str):
    """The ids matching one combination of filters, built once; the values are bound at execution.

    ``seek``: ``"after"`` (ids below ``:after``), ``"before"`` (ids above ``:before``) or ``""`` (the first page).
    """
    stmt = select(Application.id)
    if status:
        stmt = stmt.where(Application.status == bindparam("status"))
    if unit_type:
        stmt = stmt.where(Application.unit_type == bindparam("unit_type"))
    if campaign:
        stmt = stmt.where(Application.campaign_id == bindparam("campaign_id"))
    if search:  # the patterns are escaped in list_applications (``/`` escapes, as autoescape=True does)
        stmt = stmt.join(Organization, Organization.id == Application.organization_id).where(
            Organization.name.like(bindparam("name_like"), escape="/")
            | Organization.uscc.like(bindparam("uscc_like"), escape="/"))
    if seek == "after":
        stmt = stmt.where(Application.id < bindparam("after"))
    elif seek == "before":
        stmt = stmt.where(Application.id > bindparam("before"))
    return stmt


def _page_of(ids, ascending: bool):
    """The list columns of one page of ``ids``, newest first, plus one row if another page follows
    (``ascending``: the page above a cursor, read upwards from it; the extra row is then the first).

    Keyset paging with a deferred join: the page's ids are one seek into an index that matches the
    filters and ends with the id (``ix_application_status_id``, ``ix_application_unit_status_id``,
    ``ix_application_campaign_status_id``...), then only those rows are read and joined; any page
    costs the same at 5,000 or 500,000 applications.
    """
    order = Application.id.asc() if ascending else Application.id.desc()
    page_ids = ids.order_by(order).limit(bindparam("limit")).correlate(None)
    return (select(*_LIST_COLUMNS)
            .join(Organization, Organization.id == Application.organization_id)
            .where(Application.id.in_(page_ids))
            .order_by(Application.id.desc()))


_SCOPED: dict[tuple, Any] = {}


def _scoped(filters: tuple[bool, bool, bool, bool, str], scope):
    """The page query of ``_list_ids(*filters).where(scope)``, reused for every request with the same filters and
    scope (:func:`core.kernel.statements.for_scope`)."""
    return statements.for_scope(_SCOPED, filters, scope,
                                lambda f, where: _page_of(_list_ids(*f).where(where), f[-1] == "before"))


#: what the JSON API's collection answers of each application (:func:`api_page`), by name: the application's own
#: columns, its organization's, its city's, its campaign's deadline and the applicant's deadline extension
API_COLUMNS = (
    Application.id, Application.campaign_id, Application.organization_id, Organization.name.label("org_name"),
    Organization.uscc, AdminUnit.code.label("unit_code"), AdminUnit.name.label("unit_name"), Application.unit_type,
    Application.level, type_coerce(Application.status, String()).label("status"), Application.evaluation_mode,
    Application.industry, Application.requested_levels, Application.contact_name, Application.contact_phone,
    Application.contact_email, Organization.legal_representative, Organization.address, Application.declarations,
    Application.indicator_values, Application.extension_data, Application.score, Application.tier,
    Application.submitted_at, Application.return_reason, Application.return_until, Application.decision_reason,
    Application.recommended_at, Application.eligibility, Application.recommended_levels,
    Campaign.closes_at, DeadlineExtension.until.label("extension_until"))


def api_page(scope, *, status: str | None = None, unit_type: str | None = None, campaign_id: int | None = None,
             q: str | None = None, after: int | None = None, page: int = 1, per_page: int = 50) -> list[Any]:
    """One page of the applications in ``scope`` for the JSON API, newest first, plus one if another follows:
    rows of :data:`API_COLUMNS` (the status as its stored text), their organization, city, campaign and deadline
    extension (at most one per campaign and organization) joined in the same statement.

    ``after``: keyset paging (ids below it); otherwise ``page`` by a deferred join (the skipped ids come from
    the index, never rows). The first page and keyset pages skip nothing and are read in one pass, each row
    joined as it is found: the deferred join read every row of the page twice, by the index and again by its
    primary key (issue 46, Scaling: 373 → 565 buffers from 5k to 500k applications; 255 → 358 read in one pass).
    """
    filters = (bool(status), bool(unit_type), bool(campaign_id), bool(q), after is not None,
               after is None and page > 1)
    params = {"status": status, "unit_type": unit_type, "campaign_id": campaign_id, "after": after,
              "offset": (max(page, 1) - 1) * per_page, "limit": per_page + 1}
    if q:  # escaped as autoescape=True does: ``/`` escapes
        literal = q.replace("/", "//").replace("%", "/%").replace("_", "/_")
        params["name_like"], params["uscc_like"] = f"%{literal}%", f"{literal.upper()}%"
    # Core execution on the session's connection (same transaction): plain rows need no ORM loading
    statement = statements.for_scope(_API_STATEMENTS, filters, scope, _api_statement)
    return db.session.connection().execute(statement, params).all()


@functools.lru_cache(maxsize=64)  # 16 filter combinations × 3 kinds of paging (after, first page, page n)
def _api_query(status: bool, unit_type: bool, campaign: bool, search: bool, after: bool, deferred: bool):
    """One page of the API's collection (its ids when ``deferred``) for one combination of filters, built once; the values
    are bound at execution (as :func:`_list_ids`). Not ``deferred``: the page's rows themselves, their
    organization joined (:func:`_api_statement`)."""
    ids = select(Application.id) if deferred else select(*API_COLUMNS).select_from(Application).outerjoin(
        Organization, Organization.id == Application.organization_id)
    if status:
        ids = ids.where(Application.status == bindparam("status"))
    if unit_type:
        ids = ids.where(Application.unit_type == bindparam("unit_type"))
    if campaign:
        ids = ids.where(Application.campaign_id == bindparam("campaign_id"))
    if search:
        if deferred:
            ids = ids.join(Organization, Organization.id == Application.organization_id)
        ids = ids.where(
            Organization.name.like(bindparam("name_like"), escape="/")
            | Organization.uscc.like(bindparam("uscc_like"), escape="/"))
    if after:
        ids = ids.where(Application.id < bindparam("after"))
    return ids


def _api_statement(filters: tuple[bool, ...], scope):
    deferred = filters[-1]
    ids = _api_query(*filters).where(scope)
    if deferred:
        ids = ids.offset(bindparam("offset"))
    ids = ids.order_by(Application.id.desc()).limit(bindparam("limit"))
    if not deferred:
        return _api_joined(ids)
    return _api_joined(select(*API_COLUMNS).outerjoin(Organization, Organization.id == Application.organization_id)
                       .where(Application.id.in_(ids.subquery().select())).order_by(Application.id.desc()))


def _api_joined(query):
    """``query`` (of :data:`API_COLUMNS`, its organization joined) with the rows' city, campaign and deadline
    extension."""
    return (query
            .outerjoin(AdminUnit, AdminUnit.id == Application.admin_unit_id)
            .outerjoin(Campaign, Campaign.id == Application.campaign_id)
            .outerjoin(DeadlineExtension, (DeadlineExtension.campaign_id == Application.campaign_id)
                       & (DeadlineExtension.organization_id == Application.organization_id)))


_API_STATEMENTS: dict[tuple, Any] = {}


class ListPage(NamedTuple):
    """One page of a list: its rows, and the cursors of the pages after and before it (``None``: there is none)."""
    rows: list[tuple]
    next_after: int | None
    prev_before: int | None


def list_applications(scope, *, status: S | None = None, unit_type: str | None = None,
                      campaign_id: int | None = None, q: str = "", after: int | None = None,
                      before: int | None = None, per_page: int = 50) -> ListPage:
    """One page of the applications in ``scope`` matching the filters, newest first.

    :param scope: the WHERE clause of :func:`core.accounts.permissions.application_scope` for the
        user; it is always applied.
    :param after: the page below this id (the next link's cursor: the last id shown); ``before``: the page
        above this id (the previous link's: the first id shown); neither: the first page.
    Rows are tuples ``(id, status: str, unit_type, score: float | None, submitted_at, name, uscc, city)``
    (the city name from :func:`unit_names`),
    ``submitted_at`` UTC text on SQLite and an aware datetime on PostgreSQL.
    """
    seek = "before" if before is not None else "after" if after is not None else ""
    stmt = _scoped((status is not None, bool(unit_type), campaign_id is not None, bool(q), seek), scope)
    params = {"status": status, "unit_type": unit_type, "campaign_id": campaign_id, "after": after,
              "before": before, "limit": per_page + 1}
    if q:
        literal = q.replace("/", "//").replace("%", "/%").replace("_", "/_")
        params["name_like"], params["uscc_like"] = f"%{literal}%", f"{literal.upper()}%"
    # Core execution on the session's connection (same transaction): plain rows need no ORM loading
    rows = db.session.connection().execute(stmt, params).all()
    if seek == "before":  # read upwards from the cursor (the page comes newest first): the order read is reversed
        rows.reverse()
    shown = paging.page(rows, per_page, seek or "first", lambda row: row[0])
    names = unit_names({row[7] for row in shown.rows})
    return ListPage([(*row[:7], names[row[7]]) for row in shown.rows], shown.next, shown.prev)
