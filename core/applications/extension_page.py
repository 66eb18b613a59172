"""The applicants' deadline extensions of a round, a page at a time (the province's campaign page; issue 57).

A round may extend the deadline of thousands of applicants (one in 20 in bench/build_rows.py: 25,000 at 500,000
applications): the page lists the latest :data:`PER_PAGE`, newest first, with links to the pages around (keyset
paging on the extension's id, index ``deadline_extension (campaign_id, id)``, migration 0051).
"""
from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.kernel import paging
from core.kernel.records import ID_MAX
from core.models import Campaign, DeadlineExtension, Organization

PER_PAGE = 50


def extensions_page(campaign: Campaign, after: int | None = None,
                    before: int | None = None) -> paging.Page[tuple[DeadlineExtension, Organization], int]:
    """One page of ``campaign``'s extensions with their organizations, newest first: ``after`` an extension's id
    the page that follows it, ``before`` the one that precedes it (``None``: the first page)."""
    query = (select(DeadlineExtension, Organization)
             .join(Organization, Organization.id == DeadlineExtension.organization_id)
             .where(DeadlineExtension.campaign_id == campaign.id))
    if after is not None:
        direction: paging.Direction = "after"
        query = query.where(DeadlineExtension.id < after).order_by(DeadlineExtension.id.desc())
    elif before is not None:
        direction = "before"
        query = query.where(DeadlineExtension.id > before).order_by(DeadlineExtension.id)
    else:
        direction = "first"
        query = query.order_by(DeadlineExtension.id.desc())
    rows = [tuple(row) for row in db.session.execute(query.limit(PER_PAGE + 1))]
    return paging.page(rows, PER_PAGE, direction, lambda row: row[0].id)


def cursor(raw: str | None) -> int | None:
    """An extension id from the address (``?ext_after=``, ``?ext_before=``), else ``None`` (the first page)."""
    return int(raw) if raw and raw.isdigit() and int(raw) <= ID_MAX else None
