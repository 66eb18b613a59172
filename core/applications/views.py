"""Server-rendered pages: applicants' drafts and submissions, city review, province campaigns.

The pages are grouped by who uses them, each group a module that registers its routes on the one blueprint
(:mod:`core.applications.blueprint`): :mod:`~core.applications.applicant_views` (the applicant's pages and an
application's page), :mod:`~core.applications.review_views` (the city's review and queue),
:mod:`~core.applications.summary_views` (the city's recommended lists and summary table) and
:mod:`~core.applications.province_views` (the province's rounds). Importing this module registers them all.
"""
from __future__ import annotations

from flask import current_app, render_template

from core.applications import (  # noqa: F401  (each registers its routes on bp)
    applicant_views,
    province_views,
    review_views,
    summary_views,
)
from core.applications.blueprint import NAV, bp

__all__ = ["NAV", "bp"]


@bp.get("/api/docs")
def api_docs():
    """The API reference, rendered on the server from the OpenAPI document (no CDN, no script)."""
    api = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    spec = api.spec.to_dict()
    return render_template("applications/api_docs.html", spec=spec)
