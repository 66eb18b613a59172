"""Provincial review: third-party evaluation (the firm registry, the applicant's choice of mode and firm,
requests the firm accepts with its declaration of independence within every annual cap, its case file and
evaluation report) and expert review (pool, avoidance, random draw for one or many applications, the whole
application beside blind per-indicator scoring, panel result mapped to the region's tiers).

Business rules live in :mod:`~core.review.evaluators`, :mod:`~core.review.evaluation` (the applicant's side),
:mod:`~core.review.reports`, :mod:`~core.review.casefile` and :mod:`~core.review.experts` (and the caps in
:mod:`core.services.limits`); :mod:`~core.review.views`, :mod:`~core.review.evaluation_views` (web) and
:mod:`~core.review.api` (JSON API) are thin layers over them. Permissions: :mod:`core.review.access`.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core.kernel.permissions import withheld
    from core.models import Role
    from core.review import access
    from core.review import evaluation_views  # noqa: F401  (its pages join the review blueprint)
    from core.review.views import NAV, bp
    from core.review.todo import SECTIONS as TODO
    from core.web.nav import register
    from core.web.todo import register as register_todo

    if app.extensions["greenmfg"].rules.region.authority != "national":
        # on a provincial instance the ministry's account reads (published lists, recommendations, the
        # registry's public facts) but does not run the province's review, notices or evaluator registry,
        # nor read objectors' names and telephone numbers (issue 19); GREENMFG_MINISTRY_MAY_MANAGE opts out
        if not app.config.get("GREENMFG_MINISTRY_MAY_MANAGE"):
            withheld(app, Role.MINISTRY, (access.ReviewPerm.REVIEW_MANAGE, access.ReviewPerm.NOTICE_MANAGE,
                                          access.ReviewPerm.EVALUATOR_REGISTRY))

    app.register_blueprint(bp)
    register(app, *NAV)
    register_todo(app, *TODO)
