"""A post of the annual filing's form (004_7a8ddd82f611ab67.txt 第二十二条: the unit files its table each year):
保存 saves what was typed; 提交 sends the same form to the submit address, so what was typed since the last save is
saved and submitted in one step (issue 55). Any refusal (a value outside its bound, a field still empty, a save
made by someone else in between, the deadline) shows the page again with every typed value kept and the reason
beside the field, or above the form; nothing of a refused post is kept."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.api import etags
from core.errors import GreenmfgError, InvalidInput
from core.extensions import db
from core.kernel.rules import region_rules
from core.kernel.uow import commit
from core.management import access, filings
from core.management.filing_page import _filing_context
from core.management.forms import filing_changes, filing_form_class, filing_initial


def typed_form_posted() -> bool:
    """Whether the post carries the filing's form (the page's 提交 does; a bare submit by a script does not)."""
    return etags.FORM_FIELD in request.form or "industry" in request.form


def post_filing(filing, user, *, then_submit: bool):
    """Save the posted form, and with ``then_submit`` submit the filing; the page again (422, 409) with what
    was typed on any refusal, else a redirect to the filing."""
    iset = filings.indicator_set(filing)
    figures = filings.key_figures(filing).figures
    form = filing_form_class(iset, region_rules().industries, figures)()
    saved = filing_initial(filing, iset, figures)
    if not etags.stale_form(saved) and not etags.claim_form(filing):  # saved in between (issue 55)
        saved = filing_initial(filing, iset, filings.key_figures(filing).figures)
    if etags.stale_form(saved):  # someone saved the filing since this page was opened (issue 48)
        etags.flash_stale()
        context = _filing_context(filing, form)
        context.update(etag=etags.form_tag(saved), conflicts=etags.form_conflicts(form, saved))
        return render_template("management/filing.html", **context), 409
    if not form.validate_on_submit():
        if then_submit:
            flash(_("Nothing was submitted: correct the fields marked below. What you typed is still in the form."),
                  "error")
        return render_template("management/filing.html", **_filing_context(filing, form)), 422
    try:
        filings.save(filing, filing_changes(form, iset, figures), access.actor(user))
        if then_submit:
            filings.submit(filing, access.actor(user))
    except GreenmfgError as exc:
        db.session.rollback()  # nothing of a refused post is kept; the page shows what was typed
        db.session.refresh(filing)
        _place(form, exc)
        flash(exc.localized(), "error")
        return render_template("management/filing.html", **_filing_context(filing, form)), exc.http_status
    commit()
    flash(_("The filing is submitted; it can no longer be changed.") if then_submit else _("Saved."), "info")
    return redirect(url_for("management.filing_page", ident=filing.id))


def _place(form, exc: GreenmfgError) -> None:
    """A refusal naming an indicator (``values.3``, ``values.15.elasticity``) beside its field as well."""
    if not isinstance(exc, InvalidInput) or not exc.field or not exc.field.startswith("values."):
        return
    number, _dot, part = exc.field.removeprefix("values.").partition(".")
    attr = f"ind_{number}" + {"elasticity": "_e", "value_added_growth": "_g"}.get(part, "")
    field = getattr(form, attr, None)
    if field is not None:
        field.errors = [*field.errors, exc.localized()] if isinstance(field.errors, list) else [exc.localized()]
