"""The administrators' blueprint, its navigation entry, its start page, and the way its forms run a service."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, render_template
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from core.accounts.web import install_error_pages, login_required
from core.admin.access import ACCOUNT_KEEPERS, AdminPerm
from core.kernel.permissions import may
from core.kernel.uow import attempt
from core.web.nav import NavLink

bp = Blueprint("admin", __name__, template_folder="templates")
install_error_pages(bp)

#: the administrators' 系统管理 (the instance's settings and the audit log's verification); province and city staff
#: look after the accounts they keep (账户管理), which is all the administration they may open
NAV = (NavLink(endpoint="admin.index", label=_l("Administration"), perm=AdminPerm.UNITS, order=86,
               element_id="nav-admin"),
       NavLink(endpoint="admin.users", label=_l("Account management"), perm=AdminPerm.ACCOUNTS,
               roles=ACCOUNT_KEEPERS, order=86, element_id="nav-accounts"))

#: the start page's sections: endpoint, permission, title, what it is for
SECTIONS = (
    ("admin.users", AdminPerm.ACCOUNTS, _l("Accounts"),
     _l("Open accounts, reset passwords, close or reopen accounts, change what an account is bound to.")),
    ("admin.units", AdminPerm.UNITS, _l("Administrative units"), _l("The cities and their peers; add and rename.")),
    ("admin.holidays", AdminPerm.HOLIDAYS, _l("Holidays"),
     _l("Public holidays and make-up working days, which every working-day deadline counts.")),
    ("admin.firms", AdminPerm.FIRMS, _l("Evaluator firms"), _l("Register and update firms; see their sanctions.")),
    ("admin.references", AdminPerm.REFERENCES, _l("Reference values"),
     _l("Leading and baseline values the live scores compare with.")),
    ("admin.clock", AdminPerm.CLOCK, _l("Training clock"),
     _l("The instance's date; on a training instance, move it forward to see a round's later steps.")),
    # issue 58: other systems subscribed to the platform's events (core.webhooks)
    ("webhooks.index", "admin.webhooks", _l("Webhooks"),
     _l("Other systems subscribed to the platform's events; the delivery log and resends.")),
)


def officer():
    return current_user._get_current_object()


def run_form(form, action: Callable[[], Any]) -> tuple[Any, int | None]:
    """Validate ``form`` and run ``action`` as one unit of work: ``(its outcome, None)``, or ``(None, the HTTP
    status to show the page again with)``: the input stays, each refusal beside the input it names, nothing
    was saved."""
    if not form.validate_on_submit():
        if getattr(form, "csrf_token", None) is not None and form.csrf_token.errors:
            abort(400)
        flash(_("Please correct the marked fields; nothing was saved."), "error")
        return None, 422
    outcome, refused = attempt(action)
    if refused is not None:
        flash(refused.localized(), "error")
        if refused.field and refused.field in form:
            form[refused.field].errors = [*form[refused.field].errors, refused.localized()]
        return None, refused.http_status
    return outcome, None


@bp.get("/admin")
@login_required(AdminPerm.ACCOUNTS)
def index():
    user = officer()
    sections = [s for s in SECTIONS if may(user, s[1])]
    from core.services.audit_chain import last_verification

    audit = may(user, AdminPerm.AUDIT)  # the server's command is the administrators' business alone
    return render_template("admin/index.html", sections=sections, show_audit=audit,
                           verification=last_verification() if audit else None)
