"""Administrators' and officers' screens (issue 20): accounts, administrative units, holidays, evaluator
firms and reference values, on the web, through the services the command line and the API use.

The top feature layer: it may use every feature under it. Which role may open which screen is declared in
:mod:`core.admin.access`; which accounts an officer looks after is the accounts feature's rule.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core.admin import clock, firms, references, settings, users  # noqa: F401  (their routes join the blueprint)
    from core.admin.web import NAV, bp
    from core.web.nav import register

    app.register_blueprint(bp)
    register(app, *NAV)
