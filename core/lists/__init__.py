"""Public notice, objections and list publication; the province's recommendation to the
national list (signed JSON and xlsx) and its import by a national instance.

Business rules: :mod:`core.lists.notices` and :mod:`core.lists.recommend`; web pages
:mod:`~core.lists.views`, JSON API :mod:`~core.lists.api`, CLI ``greenmfg lists``.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core.lists.views import NAV, bp
    from core.lists.stage_views import NAV as STAGE_NAV  # its routes join bp before it is registered
    from core.lists.key_views import NAV as KEY_NAV  # issue 54: the province's key page; the national overview
    from core.lists.overview_views import NAV as OVERVIEW_NAV
    from core.lists.todo import SECTIONS as TODO
    from core.web.nav import register
    from core.web.todo import register as register_todo

    app.register_blueprint(bp)
    register(app, *NAV, *STAGE_NAV, *KEY_NAV, *OVERVIEW_NAV)
    register_todo(app, *TODO)
