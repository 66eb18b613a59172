"""The applications blueprint: its refusal page, its menu links and the helpers every page group uses
(core.applications.views assembles the groups)."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, g, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.accounts.permissions import Perm
from core.accounts.web import install_error_pages
from core.applications.actions import STATUS_NAMES, action_label
from core.clock import SHANGHAI
from core.errors import (
    CalendarDataMissing,
    DeadlinePassed,
    GreenmfgError,
    LimitReached,
    Refused,
)
from core.extensions import db
from core.i18n import msgid, translations
from core.web.nav import NavLink

bp = Blueprint("applications", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/applications")
install_error_pages(bp)
PAGE = 50


@bp.errorhandler(Refused)
@bp.errorhandler(DeadlinePassed)
@bp.errorhandler(LimitReached)
@bp.errorhandler(CalendarDataMissing)
def _refused(exc: GreenmfgError):
    """A refused change (409: a locked application, a passed deadline, a lost race): the reason in the page's
    language and the other one, and the way back; never a bare status code."""
    db.session.rollback()
    app_id = (request.view_args or {}).get("app_id")
    back = url_for("applications.detail", app_id=app_id) if app_id else url_for("applications.mine")
    return render_template("applications/refused.html", message=exc.localized(), message_zh=exc.localized("zh"),
                           message_en=exc.localized("en"), back=back), exc.http_status

NAV = (
    NavLink(endpoint="applications.mine", label=_l("My applications"), perm=Perm.APPLICATION_CREATE, order=50),
    NavLink(endpoint="applications.city_queue", label=_l("City review"), perm=Perm.APPLICATION_REVIEW, order=51),
    NavLink(endpoint="applications.city_ranked", label=_l("Recommendations"), perm=Perm.SUMMARY, order=52),
    NavLink(endpoint="applications.campaigns", label=_l("Campaigns"), perm=Perm.CAMPAIGN_MANAGE, order=53),
    NavLink(endpoint="applications.province_list", label=_l("Applications"), perm=Perm.CAMPAIGN_MANAGE, order=54),
    NavLink(endpoint="applications.api_docs", label="API", audience="everyone", order=40),
)


def _invalid_status(form) -> int:
    """400 for a missing or expired CSRF token, 422 for invalid fields."""
    token = getattr(form, "csrf_token", None)
    return 400 if token is not None and token.errors else 422


def _user():
    return current_user._get_current_object()


def _beijing_input(moment: dt.datetime | None) -> dt.datetime | None:
    """A datetime-local field's value, read as Beijing time."""
    if moment is None:
        return None
    return moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment


def _status_labels() -> dict[str, str]:
    """Status names in the request's language (built once per request: list pages show many)."""
    labels = g.get("_status_labels")
    if labels is None:
        tr = translations()
        labels = g._status_labels = {status: tr.gettext(msgid(name))
                                     for status, name in STATUS_NAMES.items()}
    return labels


def _status_label(status) -> str:
    return _status_labels().get(status, str(status))


bp.add_app_template_global(_status_label, "status_label")
bp.add_app_template_filter(action_label, "action")
