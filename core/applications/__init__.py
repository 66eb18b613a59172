"""Applications from draft to city recommendation: campaigns, the plugin-extended form,
evidence, deadlines and the submit lock, city review with quotas, summary tables.

Business rules live in :mod:`core.applications.services` (and its helpers ``eligibility``,
``evidence``, ``summary``); :mod:`~core.applications.views` (web) and
:mod:`~core.applications.api` (JSON API) are thin layers over them.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core.accounts import read_with_user
    from core.applications import services
    from core.applications.views import NAV, bp
    from core.applications.todo import SECTIONS as TODO
    from core.web.nav import register
    from core.web.todo import register as register_todo

    app.register_blueprint(bp)
    register(app, *NAV)
    register_todo(app, *TODO)
    # the kept lists' version (campaigns, units), read with the signed-in user: no statement of its own
    read_with_user(app, "greenmfg_kept_version", lambda _user_id: list(services.KEPT_VERSION.selected_columns),
                   request_wide=True)
