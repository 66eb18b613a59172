"""The ministry's national overview page (issue 54): each province's file of a year and the findings only a
national view can make, each linked to the rows that raise it. Business rules: :mod:`core.lists.overview`."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from core.accounts.web import login_required
from core.kernel.rules import region_rules
from core.lists import overview
from core.lists.views import bp
from core.review.access import ReviewPerm
from core.web.nav import NavLink

NAV = (
    NavLink(endpoint="lists.ministry_overview", label=_l("National overview"), perm=ReviewPerm.RECOMMENDATION_IMPORT,
            order=64),
    NavLink(endpoint="lists.ministry_overview", label=_l("National overview"), place="section",
            perm=ReviewPerm.RECOMMENDATION_IMPORT, order=24),
)


@bp.get("/ministry/overview")
@login_required(ReviewPerm.RECOMMENDATION_IMPORT)
def ministry_overview():
    if region_rules().region.authority != "national":  # a province's administrator: said, not refused
        return render_template("lists/overview.html", data=None, kinds=overview)
    year = request.args.get("year", type=int)
    data = overview.overview(year if year and 2000 <= year <= 2100 else None)
    return render_template("lists/overview.html", data=data, kinds=overview)
