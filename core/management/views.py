"""Server-rendered pages of dynamic management: dashboards with charts, annual filings,
removals, complaints (a public form), changes, re-reviews and bans.

The pages are grouped by what they handle, each group a module that registers its routes on the one blueprint
(:mod:`core.management.blueprint`): :mod:`~core.management.filing_views` (dashboards, annual and round filings;
an annual filing's page context is :mod:`~core.management.filing_page`, its form's post
:mod:`~core.management.filing_post`), :mod:`~core.management.removal_views` (removals, attached files, bans) and
:mod:`~core.management.case_views` (complaints, changes, re-reviews). Importing this module registers them all.
"""
from __future__ import annotations

from core.management import (  # noqa: F401  (each registers its routes on bp)
    case_views,
    filing_views,
    removal_views,
)
from core.management.blueprint import NAV, bp

__all__ = ["NAV", "bp"]
