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
    from core.review import access  # noqa: F401  (adds this package's permissions to the role table)
    from core.review.views import NAV, bp
    from core.web.nav import register

    app.register_blueprint(bp)
    register(app, *NAV)
