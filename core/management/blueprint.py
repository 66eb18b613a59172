"""The management blueprint: its menu link, status labels, template filters and the helpers every page group
uses (core.management.views assembles the groups)."""
from __future__ import annotations

from flask import Blueprint, abort, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.accounts.web import install_error_pages
from core.clock import today
from core.errors import InvalidInput
from core.extensions import db
from core.i18n import listed
from core.kernel.permissions import may
from core.kernel.rules import region_rules
from core.management import access, files, filings
from core.management.forms import CHANGE_KIND_LABELS, choice
from core.models import Organization, Role
from core.services.uscc import normalize_uscc
from core.web.nav import NavLink

bp = Blueprint("management", __name__, url_prefix="/management", template_folder="templates",
               static_folder="static", static_url_path="/static")
install_error_pages(bp)

#: the header link; the management pages have their own navigation (``_layout.html``)
NAV = (NavLink(endpoint="management.index", label=_l("Listed units"),
               roles=frozenset({Role.APPLICANT, Role.CITY, Role.PROVINCE, Role.ADMIN, Role.MINISTRY}), order=70),)

STATUS_LABELS = {
    **filings.STATUS_LABELS, **filings.REMOVAL_STATUS_LABELS, "received": _l("Received"), "dismissed": _l("Dismissed"),
    "rectification": _l("Rectification"), "rectified": _l("Rectified"), "removal": _l("Removal"),
    "banned": _l("Reports refused"), "reported": _l("Reported"), "removal_proposed": _l("Removal proposed"),
    "scheduled": _l("Scheduled"), "passed": _l("Passed"), "failed": _l("Failed"),
}


def _user():
    return current_user._get_current_object()


def _year(default: int | None = None) -> int:
    try:
        year = int(request.args.get("year", default or today().year))
    except ValueError:
        year = default or today().year
    return year if 2000 <= year <= 2100 else today().year


#: what a removal proposal came from (Removal.source, set by the service that proposed it)
REMOVAL_SOURCES = {
    "manual": _l("proposed by hand"), "filing": _l("annual dynamic-management table not filed on time"),
    "ranking": _l("bottom share of the national ranking"), "change": _l("change of the unit's details"),
    "complaint": _l("complaint or report"), "rereview": _l("re-review"),
}


@bp.app_template_filter("removal_source")
def _removal_source(source: str) -> str:
    label = REMOVAL_SOURCES.get(source)
    return str(label) if label is not None else "—"


@bp.app_template_filter("mstatus")
def _status_label(status: str) -> str:
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status


@bp.app_template_filter("change_kinds")
def _change_kinds(kinds) -> str:
    """What a change report says changed, by name (名称、生产地址), never by its stored code."""
    kinds = [kinds] if isinstance(kinds, str) else kinds or ()
    return listed(CHANGE_KIND_LABELS.get(k, k) for k in kinds)


@bp.context_processor
def _helpers():
    return {"unit_types": region_rules().unit_types, "list_levels": region_rules().list_levels, "access": access, "may": may,
            "today": today()}


def _sanction_choices(removal_only: bool = True, blank: bool = False) -> list[tuple[str, str]]:
    items = [choice(s.code, s.title) for s in region_rules().sanctions.values()  # named by SanctionField
             if s.removal or not removal_only]
    return ([choice("", "—")] if blank else []) + items


def _org_by_uscc(value: str, field: str = "uscc") -> Organization:
    code = normalize_uscc(value, field=field)
    org = db.session.scalar(select(Organization).where(Organization.uscc == code,
                                                       access.scope(_user(), Organization.admin_unit_id,
                                                                    Organization.id)))
    if org is None:
        raise InvalidInput("No organization with this credit code in your area.", field=field)
    return org


def _form_error(form) -> None:
    """A submitted form failed validation: the first message, as a refusal the error page shows."""
    for field in form:
        if field.errors:
            if field.name == "csrf_token":
                abort(400)
            raise InvalidInput("%(field)s: %(message)s", field=field.name, message=str(field.errors[0]))
    abort(400)


def _attach(form, record_type: str, record_id: int) -> None:
    upload = getattr(form, "file", None)
    if upload is not None and getattr(upload.data, "filename", None):
        files.store(record_type, record_id, upload.data.filename, upload.data.read(), access.actor(_user()))
