"""Provincial review: third-party evaluator firms (registry, requests within the annual cap,
sanctions, independence) and expert review (pool, avoidance, random draw, blind per-indicator
scoring, panel result mapped to the region's tiers).

Business rules live in :mod:`core.review.evaluators` and :mod:`core.review.experts` (and the
cap in :mod:`core.services.limits`); :mod:`~core.review.views` (web) and :mod:`~core.review.api`
(JSON API) are thin layers over them. Permissions: :mod:`core.review.access`.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core.accounts.permissions import withheld
    from core.models import Role
    from core.review import access  # adds this package's permissions to the role table
    from core.review.views import NAV, bp
    from core.web.nav import register

    if app.extensions["greenmfg"].rules.region.authority != "national":
        # on a provincial instance the ministry's account reads (published lists, recommendations, the
        # registry's public facts) but does not run the province's review, notices or evaluator registry,
        # nor read objectors' names and telephone numbers (issue 19); GREENMFG_MINISTRY_MAY_MANAGE opts out
        if not app.config.get("GREENMFG_MINISTRY_MAY_MANAGE"):
            withheld(app, Role.MINISTRY, (access.ReviewPerm.REVIEW_MANAGE, access.ReviewPerm.NOTICE_MANAGE,
                                          access.ReviewPerm.EVALUATOR_REGISTRY))

    app.register_blueprint(bp)
    register(app, *NAV)
