"""Listed units over the years (动态管理): annual filings, removals and bans, complaints,
changes of name or boundary, periodic re-review, bottom-5 % removal, and the dashboards.

Business rules live in the service modules (``filings``, ``removals``, ``bans``,
``complaints``, ``changes``, ``rereviews``, ``jobs``, ``dashboard``, whose figures ``counts`` reads from the
counts the database keeps); the web pages
(:mod:`~core.management.views`), the JSON API (:mod:`~core.management.api`) and the CLI
(:mod:`core.cli.management_cmd`) are thin layers over them.

Facts it provides to the features under it (:mod:`core.kernel.facts`, registered at start-up):

* ``may_apply``: :func:`core.management.bans.check_not_banned` refuses a new application from a banned
  credit code, naming the end date;
* ``city_unfiled_round_units``: :func:`core.management.round_filings.unfiled_round_units` gives the
  region's eligibility rules ``city_unfiled_round_units`` (Hunan 2025: a city whose existing national units have not filed in
  the round by 10-27 cannot recommend new ones, 001_3f04a56fc6693327.txt 一.2, 三, 四.1);
* :func:`core.management.removals.publish` publishes the approved removals with a list.
"""
from __future__ import annotations

from flask import Flask

from core.models import Role

#: working days before the filing due date on which reminders go out
CONFIG_DEFAULTS = {"GREENMFG_FILING_REMINDER_DAYS": (10, 3)}


def init_app(app: Flask) -> None:
    from core.kernel import facts
    from core.kernel.permissions import withheld
    from core.management.access import ManagementPerm
    from core.management.bans import check_not_banned
    from core.management.round_filings import unfiled_round_units
    from core.management.views import NAV, bp
    from core.management.todo import SECTIONS as TODO
    from core.web.nav import register
    from core.web.todo import register as register_todo

    if app.extensions["greenmfg"].rules.region.authority != "national":
        # the ministry opens the yearly filings of the national lists on its own instance (办法 第十六条), not a
        # province's: on a provincial instance its account reads the listed units only
        withheld(app, Role.MINISTRY, (ManagementPerm.JOBS,))
    facts.provide(app, "may_apply", check_not_banned)
    facts.provide(app, "city_unfiled_round_units", unfiled_round_units)
    for key, value in CONFIG_DEFAULTS.items():
        app.config.setdefault(key, value)
    app.register_blueprint(bp)
    register(app, *NAV)
    register_todo(app, *TODO)
